#!/bin/bash
# The QEMU benchmarks (issue 11), for bench/run:
#
#   bench/qemu.sh load|exec|jump|machines|hibernate
#
# Each runs scenarios of bench/scenarios/ with the e2e runner (see
# bench/e2e.sh and tests/e2e/README: QEMU TCG, one CPU, Debian's kernels
# and the self-built jump kernels from ~/.cache/kexec-jump, our static
# kexec built by the harness) and prints their BENCH lines (the shared
# format, see bench/README) on stdout, and "NOTE PART: text" for what is
# not measured; progress and failures on stderr.
#   load       one guest: BENCH_RUNS loads per size and tool (bench-load-x86_64)
#   exec       one guest per run and tool (bench-exec-x86_64)
#   jump       one guest per run and arch (bench-jump-x86_64, -i386), ours
#              only (kexec-tools cannot make the round trip: a NOTE line)
#   machines   one guest per run and machine: the x86_64 round trip on
#              6.12 and 7.2, SeaBIOS and OVMF, 1 and 4 CPUs (bench-jump-x86_64
#              and its variants @7.2, +ovmf, +smp4), as ratios to the base
#   hibernate  one machine (two QEMU starts) per run and saver:
#              bench-hib-kdump, -makedumpfile, -cp, -swsusp
# A failed run is reported and left out; the exit status is non-zero when
# any run failed.
# Environment: BENCH_RUNS (5), BENCH_WORK (work directory, default a new
# one under TMPDIR), top_srcdir, KJ_CACHE, BENCH_HIB_SAVERS (default
# "kdump makedumpfile cp swsusp").
set -uo pipefail
# One brace group, parsed before it runs: editing this file during a run
# cannot derail that run.
{

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
runs=${BENCH_RUNS:-5}
case "$runs" in '' | *[!0-9]* | 0) echo "qemu.sh: BENCH_RUNS=$runs is not a positive number" >&2; exit 2 ;; esac
export BENCH_RUNS=$runs
if [ -z "${BENCH_WORK:-}" ]; then
	BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/kj-bench.XXXXXX") || exit 1
fi
mkdir -p "$BENCH_WORK"
. "$top_srcdir/bench/e2e.sh"
bench_e2e_setup "${1:-}" || { echo "qemu.sh: cannot set up $BENCH_WORK/e2e" >&2; exit 1; }

failed=0
msg() { echo "qemu.sh: $*" >&2; }
one() {
	msg "$*"
	bench_e2e "$@" || failed=$((failed + 1))
}

# machine_lines FILE FIGURE IMPL REF: a jump run's BENCH lines (FILE) as
# those of FIGURE, implementation IMPL, against REF
machine_lines() {
	sed "s/ figure=[^ ]* impl=[^ ]* / figure=$2 impl=$3 ref=$4 /" "$1"
}

case "${1:-}" in
	load)
		# all runs in one boot (the guest loops)
		one bench-load-x86_64 1 ;;
	exec)
		for r in $(seq "$runs"); do
			for impl in ours kexec-tools; do
				BENCH_TAG=$impl one bench-exec-x86_64 "$r" BENCH_IMPL=$impl
			done
		done ;;
	jump)
		for r in $(seq "$runs"); do
			for a in x86_64 i386; do
				one bench-jump-$a "$r"
			done
		done
		echo "NOTE jump: kexec-tools not measured: it cannot make the round trip on these kernels (its --load-jump-back-helper in B says 'Please specify jump back entry in command line', e2e COMPARE run of jump-roundtrip-*; with B loaded by kexec-tools and our helper in B, A never comes back: tried, x86_64 and i386)" ;;
	machines)
		# the round trip of jump-roundtrip-x86_64 on each machine of
		# issue 20, one dimension changed at a time from the base (6.12,
		# SeaBIOS, 1 CPU): each variant's BENCH lines become the figure
		# of its dimension, impl = its value, ref = the base's value
		# (report.py: ratio = variant / base); the base's run counts in
		# all three figures
		for r in $(seq "$runs"); do
			for v in "" @7.2 +ovmf +smp4; do
				lines=$BENCH_WORK/machine.lines
				BENCH_TAG=machines one bench-jump-x86_64$v "$r" >"$lines" || continue
				case "$v" in
					'') machine_lines "$lines" rt-line 6.12 6.12
					    machine_lines "$lines" rt-firmware seabios seabios
					    machine_lines "$lines" rt-cpus 1cpu 1cpu ;;
					@7.2) machine_lines "$lines" rt-line 7.2 6.12 ;;
					+ovmf) machine_lines "$lines" rt-firmware ovmf seabios ;;
					+smp4) machine_lines "$lines" rt-cpus 4cpu 1cpu ;;
				esac
			done
		done ;;
	hibernate)
		for r in $(seq "$runs"); do
			for s in ${BENCH_HIB_SAVERS:-kdump makedumpfile cp swsusp}; do
				one bench-hib-$s "$r"
			done
		done ;;
	*)
		echo "usage: qemu.sh load|exec|jump|machines|hibernate" >&2
		exit 2 ;;
esac
[ "$failed" -eq 0 ] || { msg "$1: $failed run(s) failed"; exit 1; }
exit 0
}
