#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Load benchmark on the host (issue 11): `kexec -c -l` of Debian's amd64
# bzImage with a 64 MiB and a 512 MiB random initrd, ours against Debian's
# kexec-tools 2.0.25 (-c for both: the same system call, kexec_load).
#
# Both run under tests/shim/kexec-shim.so: kexec_load is recorded, never
# made (so these figures leave out the kernel's copy of the segments), and
# /proc, /sys are redirected to one fake root describing a 4 GiB QEMU pc,
# so both tools see the same RAM map.  Measured per run:
#   time      wall time of the whole process (date +%s%N around it), s
#   rss_anon  RssAnon of /proc/self/status at the moment of the kexec_load
#             call (the shim's KJ_SHIM_STATUS_FILE), MiB.  Peak RSS would
#             also count the file pages shared with the page cache.
# One warm-up run per tool and size first (page cache filled, not counted),
# then the tools take turns, run after run.
#
# Prints one line per measured run (bench/run aggregates them):
#   BENCH figure=load-64M impl=ours metric=time value=0.041 unit=s run=1 where=host-shim
# and, for reading, a summary of medians (ignored by the aggregator).
#
# Environment: BENCH_RUNS (5), BENCH_LOAD_SIZES (MiB, "64 512"), KEXEC (ours,
# default $top_builddir/kexec/kexec), top_srcdir, top_builddir, TMPDIR,
# KJ_CACHE (Debian packages, see tests/e2e/lib.sh).
set -uo pipefail

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$PWD}
runs=${BENCH_RUNS:-5}
sizes=${BENCH_LOAD_SIZES:-64 512}
if [ -z "${KEXEC:-}" ]; then
	KEXEC=$top_builddir/kexec/kexec
fi

die() { echo "load-host.sh: $*" >&2; exit 1; }

[ -x "$KEXEC" ] || die "no kexec binary at $KEXEC (set KEXEC= or build first)"
case "$runs" in '' | *[!0-9]* | 0) die "BENCH_RUNS=$runs is not a positive number" ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/kj-bench-load.XXXXXX") || die "cannot make a work directory"
trap 'rm -rf "$work"' EXIT

# ------------------------------------------------------------- the shim
shim=$work/kexec-shim.so
${CC:-cc} -shared -fPIC -O2 -fvisibility=hidden -o "$shim" \
	"$top_srcdir/tests/shim/kexec-shim.c" -ldl || die "cannot build the shim"

# A user namespace takes CAP_SYS_BOOT away: a call that slipped past the
# shim would fail with EPERM instead of loading into this host.
userns=()
if unshare --user --map-root-user true 2>/dev/null; then
	userns=(unshare --user --map-root-user)
fi

# ------------------------------------------------------------- inputs
kernel=$("$top_srcdir/tests/lib/debian-kernel.sh" amd64 2>"$work/kernel.err" | head -n1)
[ -n "$kernel" ] && [ -f "$kernel" ] || die "cannot fetch Debian's amd64 kernel: $(head -n3 "$work/kernel.err")"

# Debian's kexec-tools with its own libraries and loader, from the tree
# kj_host_tool (tests/e2e/lib.sh) runs it from: the same look-up
# (kj_memo ... _kj_debian_tool_tree), made once, so that the timed runs
# are the program alone, in the user namespace, exactly like ours.
# shellcheck source=../tests/e2e/lib.sh
source "$top_srcdir/tests/e2e/lib.sh" || die "cannot read tests/e2e/lib.sh"
export KJ_MEMO_DIR=$work/memo
kt_tree=$(kj_memo "debian-tool-x86_64-kexec-tools" _kj_debian_tool_tree amd64 kexec-tools \
	sbin/kexec 2>"$work/kt.err") || die "cannot get Debian's kexec-tools: $(head -n3 "$work/kt.err")"
kt=("$kt_tree/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path
	"$kt_tree/lib/x86_64-linux-gnu:$kt_tree/usr/lib/x86_64-linux-gnu" "$kt_tree/sbin/kexec")
kt_version=$("${kt[@]}" --version 2>&1) || die "cannot run Debian's kexec-tools: $kt_version"
# the same program kj_host_tool runs
[ "$(kj_host_tool kexec-tools sbin/kexec --version 2>&1)" = "$kt_version" ] ||
	die "kj_host_tool runs another kexec-tools than $kt_tree"

# Fake root: tests/host/mkroot.sh's 512 MiB pc, with the map of a 4 GiB one
# (SeaBIOS: 3 GiB below the PCI hole, 1 GiB above 4 GiB), so that a
# 512 MiB initrd fits under both tools' rules.
root=$work/root
"$top_srcdir/tests/host/mkroot.sh" "$root" >/dev/null || die "mkroot.sh failed"
rm -rf "$root/sys/firmware/memmap"
n=0
while read -r start end type; do
	[ -n "$start" ] || continue
	mkdir -p "$root/sys/firmware/memmap/$n"
	printf '%s\n' "$start" >"$root/sys/firmware/memmap/$n/start"
	printf '%s\n' "$end" >"$root/sys/firmware/memmap/$n/end"
	printf '%s\n' "$type" >"$root/sys/firmware/memmap/$n/type"
	n=$((n + 1))
done <<'E820'
0x0 0x9fbff System RAM
0x9fc00 0x9ffff Reserved
0xf0000 0xfffff Reserved
0x100000 0xbffdffff System RAM
0xbffe0000 0xbfffffff Reserved
0xfeffc000 0xfeffffff Reserved
0xfffc0000 0xffffffff Reserved
0x100000000 0x13fffffff System RAM
E820
cat >"$root/proc/iomem" <<'IOMEM'
00000000-00000fff : Reserved
00001000-0009fbff : System RAM
0009fc00-0009ffff : Reserved
000a0000-000bffff : PCI Bus 0000:00
000f0000-000fffff : Reserved
  000f0000-000fffff : System ROM
00100000-bffdffff : System RAM
  01000000-01e02526 : Kernel code
  01e03000-0235dfff : Kernel rodata
  02400000-0272b6ff : Kernel data
  02c1b000-02ffffff : Kernel bss
bffe0000-bfffffff : Reserved
c0000000-febfffff : PCI Bus 0000:00
fec00000-fec003ff : IOAPIC 0
fed00000-fed003ff : HPET 0
fee00000-fee00fff : Local APIC
feffc000-feffffff : Reserved
fffc0000-ffffffff : Reserved
100000000-13fffffff : System RAM
IOMEM
sed -i 's/^MemTotal:.*/MemTotal:        4028096 kB/' "$root/proc/meminfo"

cmdline='console=ttyS0,115200 root=/dev/vda rw quiet'

# run_one IMPL SIZE INITRD: one load; prints "MICROSECONDS RSSANON_KIB
# VMHWM_KIB", or
# fails with the tool's message on stderr.
run_one() {
	local impl=$1 initrd=$3 status=$work/status t0 t1 rc kib
	rm -f "$status"
	t0=$(date +%s%N)
	case "$impl" in
	ours)
		"${userns[@]}" env KEXEC_SHIM_ROOT="$root" KJ_SHIM_STATUS_FILE="$status" \
			LD_PRELOAD="$shim" "$KEXEC" -c -l "$kernel" --initrd="$initrd" \
			--append="$cmdline" >"$work/out" 2>&1
		rc=$? ;;
	kexec-tools)
		"${userns[@]}" env KEXEC_SHIM_ROOT="$root" KJ_SHIM_STATUS_FILE="$status" \
			LD_PRELOAD="$shim" "${kt[@]}" -c -l "$kernel" --initrd="$initrd" \
			--append="$cmdline" >"$work/out" 2>&1
		rc=$? ;;
	esac
	t1=$(date +%s%N)
	if [ $rc -ne 0 ]; then
		echo "load-host.sh: $impl failed (exit $rc) on the $2 MiB initrd: $(head -n3 "$work/out")" >&2
		return 1
	fi
	kib=$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB$/\1/p' "$status" 2>/dev/null)
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "$status" 2>/dev/null)
	if [ -z "$kib" ] || [ -z "$hwm" ]; then
		echo "load-host.sh: $impl made no kexec_load call under the shim (no RssAnon recorded)" >&2
		return 1
	fi
	echo "$(( (t1 - t0) / 1000 )) $kib $hwm"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# load-host: kernel $kernel"
ns="no user namespace"
[ ${#userns[@]} -gt 0 ] && ns="in a user namespace"
echo "# load-host: ours $KEXEC; $kt_version (Debian); fake root: 4 GiB pc; $ns; runs $runs"
failed=0
for size in $sizes; do
	case "$size" in '' | *[!0-9]* | 0) die "BENCH_LOAD_SIZES: '$size' is not a size in MiB" ;; esac
	initrd=$work/initrd-${size}M
	head -c $((size << 20)) /dev/urandom >"$initrd" || die "cannot write $initrd"
	impls=()
	for impl in ours kexec-tools; do
		: >"$work/times-$impl" && : >"$work/rss-$impl" && : >"$work/hwm-$impl"
		# warm-up (not counted); a tool that fails it is left out
		if run_one "$impl" "$size" "$initrd" >/dev/null; then
			impls+=("$impl")
		else
			failed=1
		fi
	done
	# the tools take turns, so that a change in the machine's load over
	# the runs weighs on both alike
	for r in $(seq 1 "$runs"); do
		for impl in "${impls[@]}"; do
			line=$(run_one "$impl" "$size" "$initrd") || { failed=1; continue; }
			read -r us kib hwm <<<"$line"
			t=$(awk -v u="$us" 'BEGIN { printf "%.4f", u / 1e6 }')
			m=$(awk -v k="$kib" 'BEGIN { printf "%.2f", k / 1024 }')
			echo "BENCH figure=load-${size}M impl=$impl metric=time value=$t unit=s run=$r where=host-shim"
			echo "BENCH figure=load-${size}M impl=$impl metric=rss_anon value=$m unit=MiB run=$r where=host-shim"
			echo "$t" >>"$work/times-$impl"
			echo "$m" >>"$work/rss-$impl"
			awk -v k="$hwm" 'BEGIN { printf "%.2f\n", k / 1024 }' >>"$work/hwm-$impl"
		done
	done
	# VmHWM (peak RSS) for reading only: it also counts the file pages a
	# mapping shares with the page cache
	for impl in "${impls[@]}"; do
		[ -s "$work/times-$impl" ] &&
			echo "# load-${size}M $impl: median time $(median <"$work/times-$impl") s, median RssAnon $(median <"$work/rss-$impl") MiB (VmHWM $(median <"$work/hwm-$impl") MiB)"
	done
	rm -f "$initrd"
done
exit $failed
