#!/bin/bash
# Fetch a Debian package with apt-get download and unpack it with dpkg-deb -x
# into a cache directory outside the source tree.  Nothing is installed.
#
#   debian-pkg.sh [--suite SUITE] PACKAGE[:ARCH]
#                                     prints the directory it was unpacked in
#   debian-pkg.sh --cached [--suite SUITE] PACKAGE[:ARCH]
#                                     the same from the cache alone: no apt,
#                                     no network, nothing changed; a package
#                                     not in the cache is an error saying to
#                                     run ./bootstrap (which fetches it)
#
# The cache key is package, architecture and the exact version apt resolves,
# so a newer Debian upload lands in a new directory and old ones are reused
# as they are (--cached takes the newest version there).  KJ_CACHE
# overrides the cache root.
#
# Without --suite the package comes from the machine's own apt sources
# (cache: $KJ_CACHE/deb/PKG_VERSION_ARCH).  --suite SUITE (trixie,
# unstable, ...) takes it from that Debian suite without touching the
# machine's apt configuration: the suite gets a sources list, package lists,
# an (empty) dpkg status and an apt cache of its own under
# $KJ_CACHE/apt/SUITE/, and every apt-get/apt-cache call names them with
# -o Dir::Etc::SourceList=... -o Dir::Etc::SourceParts=EMPTY-DIR
# -o Dir::State::Lists=... -o Dir::Cache=... (the machine's preferences
# and installed packages are left out too, so the candidate is the
# suite's own; EMPTY-DIR is $KJ_CACHE/apt/SUITE/none.d: a missing one
# makes apt-get download warn).  The archive is the one the machine already uses for
# Debian (the URI of its VERSION_CODENAME entry in
# /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list;
# KJ_DEBIAN_MIRROR overrides), component main.  The suite's lists are
# fetched the first time and again only when a package is not in them or
# its download fails (unstable drops old versions): a warm cache needs no
# network.  Cache: $KJ_CACHE/deb/SUITE/PKG_VERSION_ARCH.
set -euo pipefail

cache_root() {
	echo "${KJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kexec-jump}"
}

die() { echo "debian-pkg: $*" >&2; exit 1; }

cached=0
suite=
while [ $# -gt 1 ]; do
	case "$1" in
		--cached) cached=1 ;;
		--suite) suite=$2; shift ;;
		--suite=*) suite=${1#--suite=} ;;
		*) break ;;
	esac
	shift
done
[ $# -eq 1 ] && [ "${1#-}" = "$1" ] || die "usage: debian-pkg.sh [--cached] [--suite SUITE] PACKAGE[:ARCH]"
case "$suite" in
	*/*|.*) die "bad suite name '$suite'" ;;
esac
spec=$1
pkg=${spec%%:*}
arch=$(dpkg --print-architecture)
[ "$spec" != "$pkg" ] && arch=${spec#*:}

debdir="$(cache_root)/deb${suite:+/$suite}"
where="${suite:+Debian $suite, }cache $debdir"

if [ $cached = 1 ]; then
	# the newest complete unpacking of PACKAGE for ARCH (a package name
	# has no "_", so the glob cannot match another package)
	dir=$(for d in "$debdir/${pkg}_"*"_${arch}"; do
		if [ -f "$d/.complete" ]; then echo "$d"; fi
	done | sort -V | tail -n1)
	[ -n "$dir" ] ||
		die "$pkg:$arch is not in the $where: run ./bootstrap (as root the first time) to fetch it, or point KJ_CACHE at a cache that has it"
	echo "$dir"
	exit 0
fi

# ------------------------------------------------------------ apt access
# KJ_APT=(...): the apt-get/apt-cache options for the package's suite
# (none: the machine's own configuration); tests/lib/apt-suite.sh
. "$(dirname "$0")/apt-suite.sh"
[ -z "$suite" ] || kj_apt_suite "$(cache_root)/apt/$suite"
apt=("${KJ_APT[@]}") aptdir=$KJ_APTDIR
apt_update() { kj_apt_update "${suite:-machine sources}"; }

if [ -n "$suite" ]; then
	kj_apt_suite_setup deb "$suite" || die "cannot write the sources list of Debian $suite"
	# the lists of the suite, the first time
	if ! ls "$aptdir/lists/"*_InRelease >/dev/null 2>&1 &&
	   ! ls "$aptdir/lists/"*_Release >/dev/null 2>&1; then
		apt_update || die "apt-get update for Debian $suite failed (sources: $aptdir/sources.list)"
	fi
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
	apt-cache "${apt[@]}" policy "$1:$arch" 2>/dev/null | awk '/Candidate:/ {print $2; exit}'
}
ver=$(resolve "$pkg")
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	apt_update || true
	ver=$(resolve "$pkg")
fi
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "package $pkg:$arch not found in the apt lists${suite:+ of Debian $suite ($aptdir/lists)}"

# download PKG VERSION into $dir
download() {
	( cd "$dir" && apt-get "${apt[@]}" download -q "$pkg:$arch=$1" >&2 )
}
dir="$debdir/${pkg}_${ver//:/%}_${arch}"
if [ ! -f "$dir/.complete" ]; then
	rm -rf "$dir"
	mkdir -p "$dir/root"
	if ! download "$ver"; then
		# the lists are old and the mirror has moved on (unstable):
		# fetch them again and take what they name now
		[ -n "$suite" ] || die "apt-get download $pkg:$arch=$ver failed"
		echo "debian-pkg: apt-get download $pkg:$arch=$ver failed; updating the $suite lists" >&2
		rm -rf "$dir"
		apt_update || die "apt-get update for Debian $suite failed"
		ver=$(resolve "$pkg")
		[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "package $pkg:$arch not found in the apt lists of Debian $suite"
		dir="$debdir/${pkg}_${ver//:/%}_${arch}"
		if [ ! -f "$dir/.complete" ]; then
			rm -rf "$dir"
			mkdir -p "$dir/root"
			download "$ver" || die "apt-get download $pkg:$arch=$ver (Debian $suite) failed"
		fi
	fi
	if [ ! -f "$dir/.complete" ]; then
		deb=$(ls "$dir"/*.deb)
		dpkg-deb -x "$deb" "$dir/root"
		touch "$dir/.complete"
	fi
fi
echo "$dir"
