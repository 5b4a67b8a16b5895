#!/bin/bash
# Self-test of check-load.py: a synthetic good record (mkrecord.py) must
# pass, and each mutation of it must make the named check fail.
#
# Ends with "N passed, N failed"; exit status 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/kj-test-checker.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }

"$here/mkroot.sh" "$work/root"
head -c 1048699 /dev/urandom >"$work/initrd"
cmdline='console=ttyS0 root=/dev/vda rw'

# flip FILE OFFSET [MASK]: xor the byte at OFFSET (negative = from end)
# with MASK (default 0x01)
flip() {
	"$py" - "$1" "$2" "${3:-1}" <<'PY'
import sys
p, off, mask = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
b = bytearray(open(p, "rb").read())
b[off] ^= mask
open(p, "wb").write(b)
PY
}
# put FILE OFFSET FORMAT VALUE: little-endian struct.pack_into (I, Q, B)
put() {
	"$py" - "$@" <<'PY'
import struct, sys
p, off, fmt, val = sys.argv[1], int(sys.argv[2], 0), sys.argv[3], int(sys.argv[4], 0)
b = bytearray(open(p, "rb").read())
struct.pack_into("<" + fmt, b, off, val)
open(p, "wb").write(b)
PY
}
# segfield REC N FIELD: a field of segment N from the segments file
segfield() { sed -n "s/^$2 .*$3=\(0x[0-9a-f]*\).*/\1/p" "$1/segments"; }

for arch in x86_64 i386; do
	rec=$work/good-$arch
	if ! "$py" "$here/mkrecord.py" --arch $arch --root "$work/root" --make-kernel \
		--kernel "$work/bzImage-$arch" --initrd "$work/initrd" --cmdline "$cmdline" "$rec"; then
		fail "$arch-mkrecord"
		continue
	fi
	checker() {
		"$py" "$here/check-load.py" --arch $arch --root "$work/root" \
			--kernel "$work/bzImage-$arch" --initrd "$work/initrd" --cmdline "$cmdline" "$@"
	}
	if checker "$rec" >"$work/out" 2>&1; then
		pass "$arch-good-record"
	else
		fail "$arch-good-record"; sed 's/^/    /' "$work/out"
		continue
	fi
	# Segments written by mkrecord.py: 0 kernel, 1 initrd, 2 boot_params+cmdline, 3 purgatory
	# name  check-that-must-fail  mutation
	mutations=(
		"initrd-byte|initrd|flip \$r/seg1.bin 0x12345"
		"initrd-last-byte|initrd|flip \$r/seg1.bin -1"
		"kernel-byte|kernel|flip \$r/seg0.bin 0x4000"
		"digest-byte|sha256|flip \$r/seg3.bin 40"
		"cmdline-byte|cmdline|flip \$r/seg2.bin 4100"
		"ramdisk-size|ramdisk|put \$r/seg2.bin 0x21c I \$((0x100000))"
		"ramdisk-image|ramdisk|put \$r/seg2.bin 0x218 I 0x2000000"
		"e820-type|e820|put \$r/seg2.bin \$((0x2d0 + 16)) I 3"
		"e820-count|e820|put \$r/seg2.bin 0x1e8 B 6"
		"no-hdrs|boot-params|flip \$r/seg2.bin 0x202"
		"nr-regions|regions|put \$r/seg3.bin 28 I 2"
		"region-size|regions|put \$r/seg3.bin \$((64 + 8)) Q 16"
		"magic|purgatory|flip \$r/seg3.bin 0"
		"abi-version|purgatory|put \$r/seg3.bin 4 I 99"
		"entry-mode|entry-mode|put \$r/seg3.bin 16 I 0"
		"sha-ni-flag|sha-ni|flip \$r/seg3.bin 20 0x20"
		"entry-outside|entry|sed -i 's/entry=0x[0-9a-f]*/entry=0x1000/' \$r/call"
		"syscall-name|syscall|sed -i 's/syscall=kexec_load/syscall=kexec_file_load/' \$r/call"
		"crash-flag|flags|sed -i 's/flags=0x\([0-9a-f]*\)0000/flags=0x\10001/' \$r/call"
		"nr-segments|nr-segments|sed -i 's/nr_segments=4/nr_segments=5/' \$r/call"
		"misaligned|alignment|sed -i '2s/mem=0x\([0-9a-f]*\)000 /mem=0x\1010 /' \$r/segments"
		"overlap|no-overlap|sed -i \"2s/mem=0x[0-9a-f]* /mem=\$(segfield \$r 0 mem) /\" \$r/segments"
		"outside-ram|in-ram|sed -i '1s/mem=0x[0-9a-f]* /mem=0xc0000000 /' \$r/segments"
		"truncated-seg|segment-files|truncate -s -1 \$r/seg2.bin"
		"kernel-memsz|kernel-size|sed -i '1s/memsz=0x[0-9a-f]* /memsz=0x1000 /' \$r/segments"
	)
	if [ $arch = x86_64 ]; then
		mutations+=(
			"rip|rip|put \$r/seg3.bin \$((320 + 128)) Q 0x1000000"
			"rsi|rsi|put \$r/seg3.bin \$((320 + 32)) Q 0"
		)
	else
		mutations+=(
			"eip|eip|put \$r/seg3.bin \$((456 + 32)) I 0x1000200"
			"esi|esi|put \$r/seg3.bin \$((456 + 16)) I 0"
		)
	fi
	for m in "${mutations[@]}"; do
		name=${m%%|*}; rest=${m#*|}; want=${rest%%|*}; cmd=${rest#*|}
		r=$work/mut
		rm -rf "$r"; cp -r "$rec" "$r"
		if ! eval "$cmd"; then
			fail "$arch-$name" "mutation failed: $cmd"
			continue
		fi
		checker "$r" >"$work/out" 2>&1; rc=$?
		if [ $rc -eq 1 ] && grep -q "^FAIL $want:" "$work/out"; then
			pass "$arch-$name"
		else
			fail "$arch-$name" "checker exit $rc, expected exit 1 with 'FAIL $want'"
			sed 's/^/    /' "$work/out"
		fi
	done
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
