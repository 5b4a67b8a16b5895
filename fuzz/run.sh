#!/bin/bash
# Run the fuzz targets (make fuzz):
#
#   fuzz/run.sh BUILDDIR SECONDS NAME...
#
# runs BUILDDIR/fuzz/fuzz-NAME for SECONDS seconds on its corpus
# (fuzz/work/NAME, kept between runs, then the seeds in fuzz/corpus/NAME)
# with -rss_limit_mb=2048 -timeout=10, and prints, from libFuzzer's final
# statistics, one line per target
#   FUZZ NAME: N execs, cov C, ft F: PASS|FAIL
# then "N passed, N failed".  A target fails on any crash, leak, timeout,
# out-of-memory or sanitizer report (its input is kept in
# BUILDDIR/fuzz-artifacts/, its log in BUILDDIR/fuzz/logs/NAME.log, whose
# end is shown).  Exit status 0 when every target passed.
set -uo pipefail

[ $# -ge 3 ] || { echo "usage: run.sh BUILDDIR SECONDS NAME..." >&2; exit 2; }
build=$1
seconds=$2
shift 2
case $seconds in
''|*[!0-9]*|0) echo "run.sh: FUZZ_SECONDS must be a positive number, not '$seconds'" >&2; exit 2 ;;
esac
mkdir -p "$build/fuzz/logs" "$build/fuzz-artifacts"
passed=0
failed=0

for name in "$@"; do
	prog=$build/fuzz/fuzz-$name
	log=$build/fuzz/logs/$name.log
	mkdir -p "$build/fuzz/work/$name" "$build/fuzz/corpus/$name"
	touch "$log.start"
	"$prog" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name-" \
		"$build/fuzz/work/$name" "$build/fuzz/corpus/$name" >"$log" 2>&1 </dev/null
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n1)
	last=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -n1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	verdict=PASS
	if [ $rc -ne 0 ] || [ -z "$execs" ] ||
		grep -qE '^(==[0-9]+==ERROR: |SUMMARY: |.*runtime error: |.*FUZZ_CHECK\()' "$log"; then
		verdict=FAIL
	fi
	echo "FUZZ $name: ${execs:-0} execs, cov ${cov:-0}, ft ${ft:-0}: $verdict"
	if [ $verdict = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "--- $name (exit $rc), the end of $log:"
		grep -vE '^#[0-9]+' "$log" | tail -n 40
		find "$build/fuzz-artifacts" -name "$name-*" -newer "$log.start" | sed 's|^|--- input: |'
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
