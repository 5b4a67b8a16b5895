#!/bin/bash
# What kexec --dry-run prints (the plan, or the refusal) for the host
# suite's kernels and images, one file per invocation: for comparing two
# builds, as a restructuring must leave every plan byte-identical.
#
#   tests/host/plans.sh KEXEC WORKDIR NAME
#
# makes the inputs once in WORKDIR/inputs (the Debian kernels of
# tests/lib/debian-kernel.sh, the vmlinux inside the amd64 one, mkbad.py's
# images and programs, fixed initrds) and writes WORKDIR/NAME/CASE, each
# the exit status, stdout and stderr of one run under the shim on a fake
# root (mkroot.sh); then
#
#   diff -r WORKDIR/before WORKDIR/after
#
# Not a test of the suite (it asserts nothing): a tool for the developer
# who changes the code's shape and not its behaviour.
set -uo pipefail

[ $# -eq 3 ] || { echo "usage: plans.sh KEXEC WORKDIR NAME" >&2; exit 2; }
kexec=$(readlink -f "$1")
work=$(readlink -f "$2")
out=$work/$3
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
shim=${KEXEC_SHIM:-$top_srcdir/tests/shim/kexec-shim.so}
[ -f "$shim" ] || { echo "plans.sh: no shim at $shim (make check builds it)" >&2; exit 2; }
in=$work/inputs
mkdir -p "$in"
rm -rf "$out"
mkdir -p "$out"

if [ ! -e "$in/done" ]; then
	"$top_srcdir/tests/lib/debian-kernel.sh" amd64 2>/dev/null | head -n1 >"$in/k64.path"
	"$top_srcdir/tests/lib/debian-kernel.sh" i386 2>/dev/null | head -n1 >"$in/k32.path"
	cp "$(cat "$in/k64.path")" "$in/k64" && cp "$(cat "$in/k32.path")" "$in/k32" ||
		{ echo "plans.sh: no Debian kernels" >&2; exit 1; }
	python3 - "$in/k64" "$in/vmlinux" <<'PY' || exit 1
import lzma, gzip, struct, sys
bz = open(sys.argv[1], "rb").read()
pm = bz[((bz[0x1f1] or 4) + 1) * 512:]
off, n = struct.unpack_from("<II", bz, 0x248)
pay = pm[off:off + n]
data = lzma.LZMADecompressor().decompress(pay) if pay[:2] == b"\xfd7" else gzip.decompress(pay)
open(sys.argv[2], "wb").write(data)
PY
	python3 "$here/mkbad.py" "$in/bad" "$in/k64" || exit 1
	yes 'an initrd line' | head -c $((3 * 1024 * 1024 + 123)) >"$in/initrd1"
	yes 'a second one' | head -c $((512 * 1024 + 7)) >"$in/initrd2"
	"$here/mkroot.sh" "$in/root"
	touch "$in/done"
fi

# the setup_data RNG seed is the one thing that differs between two
# loads: fixed bytes instead of getrandom(2)'s
cat >"$in/fixedrandom.c" <<'C'
#include <string.h>
#include <sys/types.h>
ssize_t getrandom(void *buf, size_t len, unsigned flags)
{
	(void)flags;
	memset(buf, 0x5a, len);
	return (ssize_t)len;
}
C
${CC:-cc} -shared -fPIC -O2 -o "$in/fixedrandom.so" "$in/fixedrandom.c" || exit 1

K64=$in/k64 K32=$in/k32 B=$in/bad I1=$in/initrd1 I2=$in/initrd2
C='console=ttyS0,115200 root=/dev/vda rw quiet kj.test="a b"'
USERNS=()
unshare --user --map-root-user true 2>/dev/null && USERNS=(unshare --user --map-root-user)

shimmed() { # REC ARGS...: kexec under the shim, recording in REC
	local rec=$1
	shift
	rm -rf "$rec"
	mkdir -p "$rec"
	cp -a "$in/root" "$rec/root"
	"${USERNS[@]}" env KEXEC_SHIM_OUT="$rec" KEXEC_SHIM_ROOT="$rec/root" \
		LD_PRELOAD="$shim $in/fixedrandom.so" "$kexec" "$@" >"$rec/stdout" 2>"$rec/stderr"
	echo "rc=$?"
	echo "--- stdout"
	cat "$rec/stdout"
	echo "--- stderr"
	cat "$rec/stderr"
}

# the dry run, and where it plans, the load itself: what the shim saw
# (the call, the segments, a digest of every buffer)
run() { # CASE ARGS...
	local name=$1 rec a args=()
	shift
	rec=$(mktemp -d)
	shimmed "$rec/dry" "$@" >"$out/$name"
	if head -n1 "$out/$name" | grep -qx 'rc=0'; then
		for a; do [ "$a" = --dry-run ] || args+=("$a"); done
		{
			echo "--- the load"
			shimmed "$rec/load" "${args[@]}"
			echo "--- recorded"
			cat "$rec/load/call" "$rec/load/segments" 2>/dev/null
			(cd "$rec/load" && sha256sum -- *.bin *.txt 2>/dev/null)
		} >>"$out/$name"
	fi
	rm -rf "$rec"
}

run k64 -c -l --dry-run "$K64" --initrd="$I1" --append="$C"
run k64-initrds -c -l --dry-run "$K64" --initrd="$I1" --initrd="$I2" --append="$C"
run k64-noinitrd -c -l --dry-run "$K64" --command-line="$C"
run k64-reuse -c -l --dry-run "$K64" --reuse-cmdline --append=extra=1
run k64-jump -c -l --dry-run --load-preserve-context "$K64" --initrd="$I1" --append="$C"
run k64-jump-mem -c -l --dry-run --load-preserve-context --mem-min=0x8000000 --mem-max=0xfffffff \
	"$K64" --initrd="$I1" --append="$C"
run k64-debug -c -d -l --dry-run "$K64" --initrd="$I1" --append="$C"
run k64-memrange -c -l --dry-run "$K64" --initrd="$I1" --mem-min=0x1000000 --mem-max=0x10000000
run k64-type -c -l --dry-run --type=bzImage "$K64"
run k64-crash -c -p --dry-run "$K64" --initrd="$I1" --append="$C"
run k64-file -s -l --dry-run "$K64" --initrd="$I1" --append="$C"
run k64-auto -l --dry-run "$K64" --initrd="$I1" --append="$C"
run k32 -c -l --dry-run "$K32" --initrd="$I1" --append="$C"
run k32-jump -c -l --dry-run --load-preserve-context --mem-min=0x8000000 --mem-max=0xfffffff \
	"$K32" --append="$C"
run vmlinux -c -l --dry-run "$in/vmlinux" --initrd="$I1" --append="$C"
run vmlinux-type -c -l --dry-run --type=elf-x86_64 "$in/vmlinux" --append="$C"
run vmlinux-wrongtype -c -l --dry-run --type=bzImage "$in/vmlinux"
run prog-none -c -l --dry-run --args-none "$B/prog.elf"
run prog-entry -c -l --dry-run --args-none --entry=0x3000020 "$B/prog.elf"
run prog-elf -c -l --dry-run --args-elf --command-line=x=1 "$B/prog.elf"
run prog-linux -c -l --dry-run "$B/prog.elf"
run prog-jump -c -l --dry-run --load-preserve-context --args-none "$B/prog.elf"
run image -c -l --dry-run --args-none "$B/core-good.elf"
run image-jump -c -l --dry-run --load-preserve-context --args-none "$B/core-good.elf"
run image-nocheck -c -i -l --dry-run --args-none "$B/core-good.elf"
run image-zeros -c -l --dry-run --args-none --entry=0x1000000 "$B/core-zeros.elf"
run image-frag -c -l --dry-run --args-none --entry=0x100000 "$B/core-frag.elf"
for f in "$B"/*; do
	n=$(basename "$f")
	case $n in
	*.bzImage|magic.bin) run "bad-$n" -c -l --dry-run "$f" ;;
	*.elf) run "bad-$n" -c -l --dry-run --args-none --entry=0x3000010 "$f" ;;
	esac
done
run bad-initrd-huge -c -l --dry-run "$K64" --initrd="$B/huge.initrd"
run bad-cmdline -c -l --dry-run "$K64" --append="$(cat "$B/cmdline-big.txt")"
run bad-cmdline-file -s -l --dry-run "$K64" --append="$(cat "$B/cmdline-big.txt")"
echo "plans.sh: $(ls "$out" | wc -l) plans in $out"
