#!/bin/bash
# Debian's kexec-tools built from a Debian suite's source package, static,
# as a comparison kexec for the QEMU scenarios (issue 20: unstable's
# 2.0.32).  Nothing is installed; the machine's apt configuration is not
# touched.
#
#   kexec-tools-src.sh SUITE|VERSION ARCH        ARCH: x86_64 | i386
#
# SUITE (unstable, trixie, ...): the suite's current kexec-tools.  VERSION:
# an upstream version (2.0.32) or a Debian one (1:2.0.32-1), looked up in
# $KJ_KEXEC_TOOLS_SUITE (default unstable); a cached build of it is used
# without any apt call, so a warm cache needs no network.  Prints the path
# of the static kexec (progress on stderr):
#
#   $KJ_CACHE/build/kexec-tools-DEBVERSION-MODE-ARCH-HASH/kexec
#   (+ build.log, build-time in seconds, debian-version, configure, patches:
#   the Debian patches applied, in order)
#
# MODE: debian or orig (KJ_KEXEC_TOOLS_SOURCE below).  HASH covers MODE,
# ARCH, the configure arguments, gcc's version and $recipe below.  One flock per key (KEY.lock), as tests/e2e/kernels/build.sh does:
# parallel scenarios wait for the same build, the two arches build side by
# side; a failed build keeps build.log and is not retried in the same
# harness run ($KJ_RUN_ID).
#
# KJ_KEXEC_TOOLS_SOURCE=orig: build upstream's .orig tarball of that
# source package alone, without Debian's patches (a mirror that lacks the
# .debian.tar.*); the key and $out/patches say so.  Default: debian (every
# file of the source package, or a failure naming the missing one).
#
# The source: a sources list of its own with one deb-src line for the
# archive the machine already uses for Debian (the URIs of the
# VERSION_CODENAME stanza of /etc/apt/sources.list.d/*.sources, or the
# "deb" line of /etc/apt/sources.list; KJ_DEBIAN_MIRROR overrides),
# component main, in $KJ_CACHE/apt/SUITE-src/ (sources.list, lists,
# cache, an empty status, none.d), beside debian-pkg.sh --suite's
# $KJ_CACHE/apt/SUITE/ and laid out the same way, but apart from it:
# apt-get update drops from its lists directory every index the sources
# list it is given does not name, so a binary-only and a source-only
# sources list cannot share one, and putting deb-src into the binary one
# would make every update of the binary lists fetch the Sources index too.
# Every apt call names it: -o Dir::Etc::SourceList=...
# -o Dir::Etc::SourceParts=... -o Dir::State::Lists=... -o Dir::Cache=...
# The .dsc, .orig and .debian files that "apt-get --print-uris source
# kexec-tools=VERSION" names are fetched one by one with apt-helper
# download-file, each checked against the SHA256 of the signed Sources
# index, into $KJ_CACHE/src/kexec-tools_DEBVERSION/ (shared by the arches); "dpkg-source -x" unpacks them
# and applies debian/patches/series (without dpkg-source: tar, then each
# patch of the series in order with patch -p1); every patch of the series
# must have applied.
#
# The build (kexec-tools' own configure and make, upstream CFLAGS -g -O2,
# then stripped as Debian's package is):
#   x86_64  configure --without-xen --without-zlib --without-lzma
#           --without-zstd LDFLAGS=-static
#   i386    the same with --build=x86_64-linux-gnu --host=i686-linux-gnu
#           CC="gcc -m32" (--build named: config.guess takes "gcc -m32"
#           for x32, and a guessed build runs i386 test programs)
# Debian builds kexec-tools without zlib, liblzma and zstd on amd64 and
# i386 (its Build-Depends name libz-dev for arm64 and ia64 only; the
# 2.0.32-3 amd64 binary needs libxenctrl and libc alone), so the static
# build leaves them out too; Xen (libxen-dev, amd64 only) is left out as
# well: no static libxenctrl, and no Xen in a QEMU guest.  Cross mode for
# i386: configure runs no i386 program on the host.  The result must be
# static (no PT_INTERP) and of the right ELF class and machine; it is
# never run here.
set -euo pipefail

recipe=1   # bump when the build steps change in a way the key cannot see

KJ_CACHE=${KJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kexec-jump}
SRCPKG=kexec-tools

msg() { echo "kexec-tools-src: $*" >&2; }
die() { msg "$*"; exit 1; }

[ $# -eq 2 ] || die "usage: kexec-tools-src.sh SUITE|VERSION x86_64|i386"
want=$1 arch=$2
case "$want" in
	[0-9]*) suite=${KJ_KEXEC_TOOLS_SUITE:-unstable} ;;
	*) suite=$want; want= ;;
esac
case "$suite" in
	''|*[!a-z0-9-]*) die "bad suite name '$suite'" ;;
esac
case "$want" in
	*[!0-9A-Za-z.:+~-]*) die "bad version '$want'" ;;
esac
mode=${KJ_KEXEC_TOOLS_SOURCE:-debian}
case "$mode" in
	debian|orig) ;;
	*) die "KJ_KEXEC_TOOLS_SOURCE=$mode: debian (the whole source package) or orig (upstream's tarball alone)" ;;
esac
case "$arch" in
	x86_64)
		conf=(--without-xen --without-zlib --without-lzma --without-zstd LDFLAGS=-static)
		elf_class=02 elf_machine=3e00 ;;
	i386)
		conf=(--build=x86_64-linux-gnu --host=i686-linux-gnu "CC=gcc -m32" --without-xen --without-zlib --without-lzma --without-zstd
			LDFLAGS=-static)
		elf_class=01 elf_machine=0300 ;;
	*) die "unknown ARCH '$arch' (x86_64 or i386)" ;;
esac

hash=$(
	{
		echo "recipe $recipe arch $arch source $mode"
		printf '%s\n' "${conf[@]}"
		gcc --version 2>/dev/null | head -n1
	} | sha256sum | cut -c1-16
)
top="$KJ_CACHE/build"
mkdir -p "$top"

# upstream DEBVERSION: 1:2.0.32-1 -> 2.0.32
upstream() {
	local v=${1#*:}
	echo "${v%-*}"
}

# A VERSION already built with this recipe and gcc: no apt at all.
if [ -n "$want" ]; then
	for d in "$top/$SRCPKG-"*"-$mode-$arch-$hash"; do
		[ -x "$d/kexec" ] && [ -f "$d/debian-version" ] || continue
		v=$(cat "$d/debian-version")
		if [ "$v" = "$want" ] || [ "$(upstream "$v")" = "$want" ]; then
			echo "$v $d"
		fi
	done | sort -V -k1,1 | tail -n1 | awk '{print $2 "/kexec"}' | grep . && exit 0
fi

# ------------------------------------------------------------ apt access
# KJ_APT=(...) naming $aptdir (tests/lib/apt-suite.sh)
. "$(dirname "$0")/apt-suite.sh"
aptdir="$KJ_CACHE/apt/$suite-src"
kj_apt_suite "$aptdir"
apt=("${KJ_APT[@]}")
apt_update() { kj_apt_update "$suite-src"; }

# resolve: the Debian version to build (the highest the lists have that
# matches $want, or the highest of all for a suite)
resolve() {
	apt-cache "${apt[@]}" showsrc --only-source "$SRCPKG" 2>/dev/null |
		awk '/^Version:/ {print $2}' | while IFS= read -r v; do
			if [ -z "$want" ] || [ "$v" = "$want" ] || [ "$(upstream "$v")" = "$want" ]; then
				echo "$v"
			fi
		done | sort -V | tail -n1
}

kj_apt_suite_setup deb-src "$suite" || die "cannot write the sources list of Debian $suite (sources)"
ls "$aptdir/lists/"*_Sources* >/dev/null 2>&1 ||
	apt_update || die "apt-get update for Debian $suite (sources) failed ($aptdir/sources.list)"
ver=$(resolve)
if [ -z "$ver" ]; then
	apt_update || die "apt-get update for Debian $suite (sources) failed ($aptdir/sources.list)"
	ver=$(resolve)
fi
[ -n "$ver" ] || die "no source package $SRCPKG${want:+ $want} in Debian $suite ($aptdir/lists)"

key=$SRCPKG-$(printf '%s' "$ver" | tr ':' '%' | tr -c 'A-Za-z0-9.+%~-' '_')-$mode-$arch-$hash
out="$top/$key"
if [ -x "$out/kexec" ]; then
	echo "$out/kexec"
	exit 0
fi

# ------------------------------------------------------------ the source
# fetch_source: the files of the source package that $mode needs in
# $srcdir, each checked against the signed Sources index (apt-get
# --print-uris source names them with their SHA256; apt-helper
# download-file checks it), kept once complete.  One flock for both arches.
srcdir="$KJ_CACHE/src/${SRCPKG}_$(printf '%s' "$ver" | tr ':' '%')"
fetch_source() {
	local uris line uri name size sum missing=()
	uris=$(apt-get "${apt[@]}" source -qq --print-uris "$SRCPKG=$ver" 2>/dev/null | grep "^'") || {
		# old lists (unstable moves on): fetch them again once
		apt_update || return 1
		uris=$(apt-get "${apt[@]}" source -qq --print-uris "$SRCPKG=$ver" 2>/dev/null | grep "^'")
	} || { msg "apt-get source --print-uris $SRCPKG=$ver: no files (is it still in Debian $suite?)"; return 1; }
	mkdir -p "$srcdir"
	while read -r uri name size sum; do
		uri=${uri//\'/}
		case "$mode:$name" in
			orig:*.debian.tar.*|orig:*.diff.gz) continue ;;
		esac
		[ -f "$srcdir/$name" ] && continue
		msg "fetching $name ($size bytes, Debian $suite)"
		if /usr/lib/apt/apt-helper -qq download-file "$uri" "$srcdir/$name.part" "$sum" >&2 2> >(grep -v unsandboxed >&2); then
			mv "$srcdir/$name.part" "$srcdir/$name"
		else
			rm -f "$srcdir/$name.part"
			missing+=("$uri")
		fi
	done <<<"$uris"
	if [ ${#missing[@]} -gt 0 ]; then
		msg "the archive did not give ${missing[*]}"
		[ "$mode" = orig ] ||
			msg "(KJ_KEXEC_TOOLS_SOURCE=orig builds upstream's .orig tarball alone, without Debian's patches)"
		return 1
	fi
}
mkdir -p "$KJ_CACHE/src"
(
	flock 7 || exit 1
	fetch_source
) 7>"$KJ_CACHE/src/$SRCPKG.lock" || die "cannot fetch the source of $SRCPKG $ver"

# ------------------------------------------------------------ the build
. "$(dirname "$0")/build-lock.sh"
kj_build_lock "$top" "$key" kexec "$key"
work="$top/$key.build"
log="$out/build.log"
t0=$SECONDS
msg "building $SRCPKG $ver ($arch, static) in $work; log $log"

# unpack: the source tree with Debian's patches in $work/src
unpack() {
	local dsc series p opt n
	dsc=$(ls "$srcdir"/*.dsc | head -n1)
	if [ "$mode" = orig ]; then
		echo "+ KJ_KEXEC_TOOLS_SOURCE=orig: upstream's tarball alone, no Debian patches"
		mkdir -p "$work/src"
		tar -xf "$(ls "$srcdir"/*.orig.tar.* | head -n1)" -C "$work/src" --strip-components=1
		echo "none (KJ_KEXEC_TOOLS_SOURCE=orig: upstream's .orig tarball alone)" >"$work/patches"
		return 0
	elif command -v dpkg-source >/dev/null 2>&1; then
		echo "+ dpkg-source -x $dsc"
		dpkg-source --no-copy -x "$dsc" "$work/src"
	else
		echo "+ no dpkg-source: tar and patch"
		mkdir -p "$work/src"
		tar -xf "$(ls "$srcdir"/*.orig.tar.* | head -n1)" -C "$work/src" --strip-components=1
		tar -xf "$(ls "$srcdir"/*.debian.tar.* | head -n1)" -C "$work/src"
		series=$work/src/debian/patches/series
		if [ -f "$series" ]; then
			mkdir -p "$work/src/.pc"
			sed 's/#.*//' "$series" | while read -r p opt; do
				[ -n "$p" ] || continue
				n=1
				case "$opt" in -p[0-9]*) n=${opt#-p} ;; esac
				echo "+ patch -p$n < debian/patches/$p"
				patch -p"$n" --batch --forward -d "$work/src" <"$work/src/debian/patches/$p" || {
					echo "PATCH FAILED: debian/patches/$p"
					return 1
				}
				echo "$p" >>"$work/src/.pc/applied-patches"
			done
		fi
	fi
	# every patch of the series applied, in order
	series=$work/src/debian/patches/series
	if [ -f "$series" ] && [ -n "$(sed 's/#.*//; /^[[:space:]]*$/d' "$series")" ]; then
		diff <(sed 's/#.*//; /^[[:space:]]*$/d' "$series" | awk '{print $1}') "$work/src/.pc/applied-patches" || {
			echo "PATCH FAILED: debian/patches/series and .pc/applied-patches differ"
			return 1
		}
		echo "+ applied $(wc -l <"$work/src/.pc/applied-patches") patches of debian/patches/series"
		cp "$work/src/.pc/applied-patches" "$work/patches"
	else
		echo "+ debian/patches/series: no patches"
		echo "none (debian/patches/series is empty)" >"$work/patches"
	fi
}

build() {
	set -e
	unpack
	cd "$work/src"
	# a tarball without a generated configure: kexec-tools' bootstrap
	[ -x configure ] || { echo "+ ./bootstrap"; ./bootstrap; }
	echo "+ ./configure ${conf[*]}"
	./configure "${conf[@]}"
	echo "+ make -j$(nproc)"
	make -j"$(nproc)"
}
( build ) >"$log" 2>&1
rc=$?
bin=$work/src/build/sbin/kexec
bad=
if [ $rc -ne 0 ] || [ ! -x "$bin" ]; then
	bad="the build failed"
elif readelf -l "$bin" 2>/dev/null | grep -q INTERP; then
	bad="$bin is not static"
else
	h=$(od -An -tx1 -N20 "$bin" | tr -d ' \n')
	[ "${h:0:8}" = 7f454c46 ] && [ "${h:8:2}" = "$elf_class" ] && [ "${h:36:4}" = "$elf_machine" ] ||
		bad="$bin is not an $arch program (EI_CLASS ${h:8:2}, e_machine ${h:36:4})"
fi
if [ -n "$bad" ]; then
	kj_build_failed "$top" "$key"
	msg "building $SRCPKG $ver ($arch) FAILED after $((SECONDS - t0))s ($bad); log kept in $log:"
	grep -E 'PATCH FAILED' "$log" | sed 's/^/kexec-tools-src:   ! /' >&2 || true
	tail -n 20 "$log" | sed 's/^/kexec-tools-src:   | /' >&2
	exit 1
fi
printf '%s\n' "${conf[@]}" >"$out/configure"
echo "$ver" >"$out/debian-version"
cp "$work/patches" "$out/patches"
echo "$((SECONDS - t0))" >"$out/build-time"
strip -o "$out/kexec.tmp" "$bin"
mv "$out/kexec.tmp" "$out/kexec"
rm -rf "$work"
msg "built $SRCPKG $ver ($arch) in $((SECONDS - t0))s: $(stat -c %s "$out/kexec") bytes"
# keep the two newest builds of each arch
ls -dt "$top/$SRCPKG-"*"-$arch-"???????????????? 2>/dev/null | tail -n +3 |
	while IFS= read -r old; do rm -rf "$old" "$old.lock"; done
echo "$out/kexec"
