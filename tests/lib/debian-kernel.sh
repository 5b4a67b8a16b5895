#!/bin/bash
# Unpack Debian's stock kernel for an architecture and print two lines:
#   the vmlinuz path and the modules directory (lib/modules/VERSION).
#
#   debian-kernel.sh [--cached] amd64|i386
#
# --cached: from the cache alone (debian-pkg.sh --cached): make check's
# way; ./bootstrap fetches them.
#
# amd64 uses linux-image-amd64, i386 uses linux-image-686; the
# metapackage is followed to the versioned linux-image-* package.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "debian-kernel: $*" >&2; exit 1; }

cached=()
if [ "${1:-}" = --cached ]; then
	cached=(--cached)
	shift
fi
case "${1:-}" in
	amd64) meta=linux-image-amd64 ;;
	i386) meta=linux-image-686 ;;
	*) die "usage: debian-kernel.sh [--cached] amd64|i386" ;;
esac
arch=$1

metadir=$("$here/debian-pkg.sh" "${cached[@]}" "$meta:$arch")
real=$(dpkg-deb -f "$metadir"/*.deb Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1)
[ -n "$real" ] || die "cannot find the versioned kernel package behind $meta"
dir=$("$here/debian-pkg.sh" "${cached[@]}" "$real:$arch")
vmlinuz=$(ls "$dir"/root/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$vmlinuz" ] || die "no /boot/vmlinuz-* in $real"
moddir=$(ls -d "$dir"/root/lib/modules/* 2>/dev/null | head -n1)
echo "$vmlinuz"
echo "$moddir"
