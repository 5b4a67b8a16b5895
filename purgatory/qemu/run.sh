#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# QEMU test of the purgatory's entry code (not part of make check: needs
# qemu-system-x86_64).  Builds a multiboot stub that imitates relocate_kernel
# and checks the state the next image receives, for each combination:
#   x86_64 purgatory -> 64-bit entry, x86_64 -> 32-bit entry, i386 -> 32-bit,
# and that a corrupted region is reported and stops the machine.
#
# usage: purgatory/qemu/run.sh SRCDIR BUILDDIR   (BUILDDIR has purgatory/blob.o)
set -u
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CC=${CC:-gcc}
fails=0
passes=0

$CC -O1 -I"$src/include" -I"$src/lib" -I"$src/kexec" -I"$src/purgatory/qemu" -o "$work/mkpayload" \
	"$src/purgatory/qemu/mkpayload.c" "$src/kexec/purgatory.c" "$src/lib/sha256.c" \
	"$src/lib/error.c" "$src/lib/elfhdr.c" "$build/purgatory/blob.o" -D_GNU_SOURCE -pthread || exit 1

run() { # name arch mode longmode variant(0 ok, 1 corrupt, 2 no stack) expect
	name=$1; d="$work/$name"; mkdir -p "$d"
	"$work/mkpayload" "$2" "$3" "$5" "$d" >/dev/null || { echo "FAIL $name: mkpayload"; fails=$((fails+1)); return; }
	entry=$(cat "$d/entry.txt")
	$CC -m32 -c -DLONGMODE="$4" -DNOSTACK=$( [ "$5" = 2 ] && echo 1 || echo 0 ) -DPURG_ENTRY="$entry" -DPURG_BIN="\"$d/purg.bin\"" -DDATA_BIN="\"$d/data.bin\"" -I"$src/purgatory/qemu" \
		-o "$d/stub.o" "$src/purgatory/qemu/stub.S" &&
	ld -m elf_i386 -T "$src/purgatory/qemu/stub.lds" -o "$d/stub.elf" "$d/stub.o" ||
		{ echo "FAIL $name: stub build"; fails=$((fails+1)); return; }
	# a good run exits through isa-debug-exit; a refused one halts until the timeout
	timeout "$( [ "$5" = 1 ] && echo 6 || echo 30 )" qemu-system-x86_64 -M pc -cpu qemu64 -m 128 -display none -no-reboot \
		-serial file:"$d/serial.txt" -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$d/stub.elf" >/dev/null 2>&1
	out=$(tr -d '\r' < "$d/serial.txt")
	if printf '%s\n' "$out" | grep -q "$6"; then
		echo "PASS $name: $(printf '%s' "$out" | tr '\n' '|')"
		passes=$((passes+1))
	else
		echo "FAIL $name: expected '$6', got: $(printf '%s' "$out" | tr '\n' '|')"
		fails=$((fails+1))
	fi
}

run x86_64-entry64 x86_64 64 1 0 '^NEXT64 OK$'
run x86_64-entry32 x86_64 32 1 0 '^NEXT32 OK$'
run i386-entry32   i386   32 0 0 '^NEXT32 OK$'
run x86_64-nostack64 x86_64 64 1 2 '^NEXT64 OK$'
run x86_64-nostack32 x86_64 32 1 2 '^NEXT32 OK$'
run i386-nostack32 i386   32 0 2 '^NEXT32 OK$'
run x86_64-corrupt x86_64 64 1 1 '^purgatory: sha256 mismatch in region 0 (0x600000-0x630000)$'
run i386-corrupt   i386   32 0 1 '^purgatory: sha256 mismatch in region 0 (0x600000-0x630000)$'
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
