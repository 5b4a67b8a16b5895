#!/bin/bash
# Unpack Debian's stock kernel for an architecture and print three lines:
#   the vmlinuz path, the modules directory (lib/modules/VERSION, with
#   kernel/) and the path of its modules.builtin (the modules built into
#   the image: no .ko for them).
#
#   debian-kernel.sh [--cached] [--suite SUITE] amd64|i386
#
# --cached: from the cache alone (debian-pkg.sh --cached): make check's
# way; ./bootstrap fetches them.  --suite SUITE: the stock kernel of that
# Debian suite (trixie, unstable), through debian-pkg.sh --suite (the
# machine's apt configuration is not touched); default: the machine's own.
#
# amd64 uses linux-image-amd64, i386 uses linux-image-686; the
# metapackage is followed to the versioned linux-image-* package (and,
# with Debian 14's packaging, to its linux-binary-* and linux-modules-*).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "debian-kernel: $*" >&2; exit 1; }

opts=()
while [ $# -gt 1 ]; do
	case "$1" in
		--cached) opts+=(--cached) ;;
		--suite) opts+=(--suite "$2"); shift ;;
		--suite=*) opts+=(--suite "${1#--suite=}") ;;
		*) break ;;
	esac
	shift
done
case "${1:-}" in
	amd64) meta=linux-image-amd64 ;;
	i386) meta=linux-image-686 ;;
	*) die "usage: debian-kernel.sh [--cached] [--suite SUITE] amd64|i386" ;;
esac
arch=$1

metadir=$("$here/debian-pkg.sh" "${opts[@]}" "$meta:$arch")
real=$(dpkg-deb -f "$metadir"/*.deb Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1)
[ -n "$real" ] || die "cannot find the versioned kernel package behind $meta"
dir=$("$here/debian-pkg.sh" "${opts[@]}" "$real:$arch")
dirs=("$dir")
# Debian 14's packaging (unstable's 7.x): linux-image-VERSION holds no
# files; the image is in linux-binary-VERSION (usr/lib/modules/V/vmlinuz),
# the modules in linux-modules-VERSION (usr/lib/modules/V/kernel), config,
# System.map and modules.builtin in linux-base-VERSION
for dep in $(dpkg-deb -f "$dir"/*.deb Depends | tr ',|' '\n\n' |
	sed -n 's/^ *\(linux-\(binary\|modules\|base\)-[0-9][^ ]*\).*/\1/p'); do
	dirs+=("$("$here/debian-pkg.sh" "${opts[@]}" "$dep:$arch")")
done
# first PATH...: the first of the (globbed) paths that exists
first() {
	local f
	for f in "$@"; do
		if [ -e "$f" ]; then echo "$f"; return 0; fi
	done
}
vmlinuz='' moddir='' builtin=''
for d in "${dirs[@]}"; do
	[ -n "$vmlinuz" ] || vmlinuz=$(first "$d"/root/boot/vmlinuz-* "$d"/root/usr/lib/modules/*/vmlinuz)
	[ -n "$moddir" ] || moddir=$(first "$d"/root/lib/modules/*/kernel "$d"/root/usr/lib/modules/*/kernel)
	[ -n "$builtin" ] || builtin=$(first "$d"/root/lib/modules/*/modules.builtin "$d"/root/usr/lib/modules/*/modules.builtin)
done
[ -n "$vmlinuz" ] || die "no /boot/vmlinuz-* (or usr/lib/modules/*/vmlinuz) in $real"
[ -n "$moddir" ] || die "no lib/modules/*/kernel (or usr/lib/modules/*/kernel) in $real"
[ -n "$builtin" ] || die "no modules.builtin in $real or the packages it depends on"
echo "$vmlinuz"
echo "${moddir%/kernel}"
echo "$builtin"
