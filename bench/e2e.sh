# Sourced by the QEMU benchmark scripts (bench/qemu-*.sh): runs scenarios
# with the e2e runner (tests/e2e/run, tests/e2e/lib.sh), one QEMU run per
# call, and prints the BENCH lines their verify() wrote.
#
# tests/e2e/run only looks for scenarios in its own scenarios/ directory,
# so bench_e2e_setup makes a directory of symbolic links: the runner and
# everything beside it from tests/e2e, and scenarios/ holding links to
# tests/e2e/scenarios/* and bench/scenarios/* (so a bench scenario can
# source an e2e one as "$E2E_DIR/scenarios/NAME").  Nothing is copied and
# nothing in tests/e2e is changed.
#
# Needs: top_srcdir, BENCH_WORK (a work directory of this run).

BENCH_DIR=$top_srcdir/bench
export BENCH_DIR
TOP_SRCDIR=$top_srcdir
export TOP_SRCDIR

# bench_e2e_setup [TAG]: the directory ($BENCH_WORK/e2e-TAG: one per part,
# as parts may run side by side)
bench_e2e_setup() {
	local d=$BENCH_WORK/e2e${1:+-$1} f
	rm -rf "$d"
	mkdir -p "$d/scenarios" || return 1
	for f in "$top_srcdir"/tests/e2e/*; do
		[ "$(basename "$f")" = scenarios ] && continue
		ln -s "$f" "$d/$(basename "$f")"
	done
	for f in "$top_srcdir"/tests/e2e/scenarios/* "$BENCH_DIR"/scenarios/*; do
		ln -sf "$f" "$d/scenarios/$(basename "$f")"
	done
	BENCH_E2E=$d
}

# bench_e2e NAME RUN [VAR=VALUE...]: one run of scenario NAME (the
# variables go to the scenario file's environment: BENCH_RUN=RUN and the
# given ones).  Prints the BENCH lines of its verify() on stdout; on a
# failure, the runner's report on stderr and status 1.
bench_e2e() {
	local name=$1 run=$2 logs out res
	shift 2
	logs=$BENCH_WORK/logs/$name-run$run${BENCH_TAG:+-$BENCH_TAG}
	rm -rf "$logs"
	mkdir -p "$logs"
	env "$@" BENCH_RUN="$run" KJ_E2E_LOGDIR="$logs" \
		"$BENCH_E2E/run" --no-compare -j1 "$name" >"$logs/run.out" 2>&1
	out=$logs/$name
	[ -d "$out" ] || out=$logs/report-$name
	res=$out/result
	if [ "$(head -n1 "$res" 2>/dev/null)" != PASS ]; then
		echo "bench: $name run $run${BENCH_TAG:+ ($BENCH_TAG)} failed (logs: $logs):" >&2
		sed 's/^/bench:   /' "$logs/run.out" | tail -n 25 >&2
		return 1
	fi
	grep -a '^BENCH ' "$out/verify.txt"
	return 0
}
