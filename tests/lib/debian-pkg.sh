#!/bin/bash
# Fetch a Debian package with apt-get download and unpack it with dpkg-deb -x
# into a cache directory outside the source tree.  Nothing is installed.
#
#   debian-pkg.sh PACKAGE[:ARCH]      prints the directory it was unpacked in
#   debian-pkg.sh --cached PACKAGE[:ARCH]
#                                     the same from the cache alone: no apt,
#                                     no network, nothing changed; a package
#                                     not in the cache is an error saying to
#                                     run ./bootstrap (which fetches it)
#
# The cache key is package, architecture and the exact version apt resolves,
# so a newer Debian upload lands in a new directory and old ones are reused
# as they are (--cached takes the newest version there).  KJ_CACHE
# overrides the cache root.
set -euo pipefail

cache_root() {
	echo "${KJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kexec-jump}"
}

die() { echo "debian-pkg: $*" >&2; exit 1; }

# apt-get update, retried: a mirror in the middle of a sync answers with
# files of the wrong size for a minute or two.
apt_update() {
	local i
	for i in 1 2 3 4 5; do
		apt-get update -qq >&2 && return 0
		echo "debian-pkg: apt-get update failed (try $i of 5), retrying" >&2
		sleep $((i * 10))
	done
	return 1
}

cached=0
if [ "${1:-}" = --cached ]; then
	cached=1
	shift
fi
[ $# -eq 1 ] || die "usage: debian-pkg.sh [--cached] PACKAGE[:ARCH]"
spec=$1
pkg=${spec%%:*}
arch=$(dpkg --print-architecture)
[ "$spec" != "$pkg" ] && arch=${spec#*:}

if [ $cached = 1 ]; then
	# the newest complete unpacking of PACKAGE for ARCH (a package name
	# has no "_", so the glob cannot match another package)
	dir=$(for d in "$(cache_root)/deb/${pkg}_"*"_${arch}"; do
		if [ -f "$d/.complete" ]; then echo "$d"; fi
	done | sort -V | tail -n1)
	[ -n "$dir" ] ||
		die "$pkg:$arch is not in the cache $(cache_root)/deb: run ./bootstrap (as root the first time) to fetch it, or point KJ_CACHE at a cache that has it"
	echo "$dir"
	exit 0
fi

if [ "$arch" != "$(dpkg --print-architecture)" ] &&
   ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	[ "$(id -u)" = 0 ] || die "architecture $arch is not enabled (dpkg --add-architecture $arch needs root)"
	dpkg --add-architecture "$arch"
	apt_update || die "apt-get update failed after enabling $arch"
fi

# Resolve the candidate version; a metapackage (linux-image-amd64) is
# followed to the versioned package it depends on.
resolve() {
	apt-cache policy "$1:$arch" 2>/dev/null | awk '/Candidate:/ {print $2; exit}'
}
ver=$(resolve "$pkg")
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	apt_update || true
	ver=$(resolve "$pkg")
fi
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "package $pkg:$arch not found in the apt lists"

dir="$(cache_root)/deb/${pkg}_${ver//:/%}_${arch}"
if [ ! -f "$dir/.complete" ]; then
	rm -rf "$dir"
	mkdir -p "$dir/root"
	( cd "$dir" && apt-get download -q "$pkg:$arch=$ver" >&2 ) ||
		die "apt-get download $pkg:$arch=$ver failed"
	deb=$(ls "$dir"/*.deb)
	dpkg-deb -x "$deb" "$dir/root"
	touch "$dir/.complete"
fi
echo "$dir"
