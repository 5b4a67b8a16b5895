#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build-time check of a linked purgatory: a static PIE whose only dynamic
# relocations are RELATIVE ones (the tool applies nothing else), with no
# interpreter, no shared-library dependencies, no PLT and no text relocations.
#
# usage: check-elf.sh READELF FILE
set -u
readelf=$1
file=$2
fail() { echo "$file: $*" >&2; exit 1; }

hdr=$("$readelf" -W -h "$file") || fail "not an ELF file"
echo "$hdr" | grep -q 'Type:[[:space:]]*DYN' || fail "not ET_DYN (link with -pie)"

relocs=$("$readelf" -W -r "$file") || fail "readelf -r failed"
bad=$(echo "$relocs" | awk '$3 ~ /^R_/ && $3 != "R_X86_64_RELATIVE" && $3 != "R_386_RELATIVE" { print $3 }' | sort -u)
[ -z "$bad" ] || fail "dynamic relocations other than RELATIVE:" $bad

dyn=$("$readelf" -W -d "$file") || fail "readelf -d failed"
for tag in NEEDED TEXTREL JMPREL PLTGOT; do
	if echo "$dyn" | grep -q "($tag)"; then
		fail "unexpected dynamic tag DT_$tag"
	fi
done

phdrs=$("$readelf" -W -l "$file") || fail "readelf -l failed"
if echo "$phdrs" | grep -q 'INTERP'; then
	fail "has a PT_INTERP"
fi
nload=$(echo "$phdrs" | grep -c '^[[:space:]]*LOAD')
[ "$nload" -ge 1 ] || fail "no PT_LOAD"
exit 0
