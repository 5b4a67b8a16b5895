#!/bin/bash
# Build a small kernel for the kexec-jump QEMU scenarios (CONFIG_KEXEC_JUMP,
# which Debian's stock kernels lack) from Debian's linux-source-LINE.
#
#   tests/e2e/kernels/build.sh [--linux=LINE] ARCH [PATCHDIR]
#                                  ARCH: x86_64 | i386; LINE: 6.12 (default)
#                                  or 7.2
#
# Prints the path of the cached bzImage on stdout (progress on stderr):
#
#   ${KJ_CACHE:-~/.cache/kexec-jump}/kernels/KEY/bzImage     (+ vmlinux,
#   System.map, config, build.log, build-time: wall seconds of the cold
#   build, build-cpu: its wall, CPU seconds and the load average)
#
# The sources, one Debian package per LINE, never installed by hand:
#   6.12  linux-source-6.12 of the machine's own suite (bookworm-security),
#         /usr/src/linux-source-6.12.tar.xz; when missing, ../deps.sh
#         --kernel-build apt-get installs it with the build dependencies
#   7.2   linux-source-7.2 of Debian unstable, fetched with
#         tests/lib/debian-pkg.sh --suite unstable (apt-get download through
#         a sources list of the cache's own, dpkg-deb -x; the machine's apt
#         configuration is not touched): its usr/src/linux-source-7.2.tar.xz
# KJ_LINUX_TARBALL overrides the tarball (any LINE; keyed by its size and
# mtime then).
#
# KEY = LINE-FLAVOR-VERSION-HASH: LINE, FLAVOR (ARCH, ARCH-patched when
# PATCHDIR is given), the source package's exact Debian version and a hash
# of the config fragments (jump.config, jump-ARCH.config), the
# PATCHDIR/*.patch files, gcc's version and $recipe below: a new Debian
# version, a fragment or patch edit rebuilds, a warm run reuses.  (LINE
# comes first so that the builder of an older tree, which prunes
# "ARCH-VERSION-HASH" names, never removes these.)
#
# Steps: unpack the tarball, apply PATCHDIR/*.patch in name order with
# "patch -p1 --forward" (any patch that does not apply fails the build),
# make tinyconfig, merge the fragments, make olddefconfig, check that every
# line of the fragments survived (a dependency missing drops an option
# silently), make -j$(nproc) bzImage.  The fragments are the same for
# every LINE.
#
# One flock per KEY ($KJ_CACHE/kernels/KEY.lock): parallel scenarios never
# build the same kernel twice, different kernels build side by side.  A
# failed build keeps build.log (and the .config) in the KEY directory; in
# the same harness run ($KJ_RUN_ID) it is not retried.
set -uo pipefail
# The whole script is one brace group, parsed before it runs: editing the
# file while a build is going on cannot derail that build.
{

recipe=2   # bump when the build steps change in a way the key cannot see

# -P: the real directory, also when called through bench/e2e.sh's links
KDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
E2E_DIR=$(cd "$KDIR/.." && pwd)
TOP_SRCDIR=$(cd "$E2E_DIR/../.." && pwd)
KJ_CACHE=${KJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kexec-jump}
export KJ_CACHE

msg() { echo "kernels: $*" >&2; }
die() { msg "$*"; exit 1; }
usage="usage: build.sh [--linux=6.12|7.2] x86_64|i386 [PATCHDIR]"

line=6.12
while [ $# -gt 0 ]; do
	case "$1" in
		--linux=*) line=${1#--linux=} ;;
		--linux) [ $# -ge 2 ] || die "$usage"; line=$2; shift ;;
		-*) die "unknown option $1; $usage" ;;
		*) break ;;
	esac
	shift
done
[ $# -ge 1 ] && [ $# -le 2 ] || die "$usage"
arch=$1
patchdir=${2:-}
case "$arch" in
	x86_64|i386) ;;
	*) die "unknown ARCH '$arch' (x86_64 or i386)" ;;
esac
# LINE -> Debian source package and the suite it comes from ("" = the
# machine's own, installed by deps.sh --kernel-build)
case "$line" in
	6.12) SRCPKG=linux-source-6.12 suite= ;;
	7.2) SRCPKG=linux-source-7.2 suite=unstable ;;
	*) die "unknown kernel line '$line' (6.12: bookworm's linux-source-6.12, 7.2: unstable's linux-source-7.2)" ;;
esac
frags=("$KDIR/jump.config")
[ -f "$KDIR/jump-$arch.config" ] && frags+=("$KDIR/jump-$arch.config")

patches=()
if [ -n "$patchdir" ]; then
	[ -d "$patchdir" ] || die "patch directory $patchdir does not exist"
	patchdir=$(cd "$patchdir" && pwd)
	mapfile -t patches < <(LC_ALL=C ls "$patchdir"/*.patch 2>/dev/null)
	[ ${#patches[@]} -gt 0 ] || die "no *.patch files in $patchdir"
fi

# ------------------------------------------------------------ dependencies
need_tools() {
	local c
	for c in make gcc bc bison flex perl cpio xz patch flock; do
		command -v "$c" >/dev/null 2>&1 || return 0
	done
	[ -f /usr/include/gelf.h ] || return 0           # libelf-dev (objtool)
	[ -f /usr/include/openssl/ssl.h ] || return 0
	return 1
}
install_deps() {
	msg "installing the kernel build dependencies (linux-source-6.12, bc, bison, flex, libelf-dev ...)"
	"$E2E_DIR/deps.sh" --kernel-build >&2 || die "cannot install the kernel build dependencies (tests/e2e/deps.sh --kernel-build)"
}

# ------------------------------------------------- the source and its version
if [ -n "${KJ_LINUX_TARBALL:-}" ]; then
	need_tools && install_deps
	TARBALL=$KJ_LINUX_TARBALL
	[ -f "$TARBALL" ] || die "KJ_LINUX_TARBALL=$TARBALL does not exist"
	version=tar-$(stat -c '%s-%Y' "$TARBALL")
elif [ -z "$suite" ]; then
	TARBALL=/usr/src/$SRCPKG.tar.xz
	if need_tools || [ ! -f "$TARBALL" ]; then
		install_deps
		[ -f "$TARBALL" ] || die "$TARBALL is missing after installing $SRCPKG"
	fi
	version=$(dpkg-query -W -f='${Version}' "$SRCPKG" 2>/dev/null) && [ -n "$version" ] ||
		version=tar-$(stat -c '%s-%Y' "$TARBALL")
else
	need_tools && install_deps
	# one fetch at a time (two lines' builds may start together)
	mkdir -p "$KJ_CACHE/kernels"
	pkgdir=$(flock "$KJ_CACHE/kernels/$SRCPKG.fetch.lock" \
		"$TOP_SRCDIR/tests/lib/debian-pkg.sh" --suite "$suite" "$SRCPKG" \
		2> >(grep -vE 'unsandboxed|^Get:|^Fetched' >&2)) ||
		die "cannot fetch $SRCPKG from Debian $suite (tests/lib/debian-pkg.sh --suite $suite $SRCPKG)"
	TARBALL=$pkgdir/root/usr/src/$SRCPKG.tar.xz
	[ -f "$TARBALL" ] || die "$SRCPKG from Debian $suite has no usr/src/$SRCPKG.tar.xz ($pkgdir)"
	version=$(dpkg-deb -f "$pkgdir"/*.deb Version) && [ -n "$version" ] ||
		die "cannot read the version of $pkgdir/*.deb"
fi

# ---------------------------------------------------------------- the key
hash=$(
	{
		echo "recipe $recipe arch $arch line $line"
		for f in "${frags[@]}"; do echo "== $(basename "$f")"; cat "$f"; done
		for f in "${patches[@]}"; do echo "== patch $(basename "$f")"; cat "$f"; done
		gcc -dumpfullversion 2>/dev/null || gcc -dumpversion
	} | sha256sum | cut -c1-16
)
flavor=$arch
[ ${#patches[@]} -gt 0 ] && flavor=$arch-patched
key=$line-$flavor-$(printf '%s' "$version" | tr -c 'A-Za-z0-9.+-' '_')-$hash
top="$KJ_CACHE/kernels"
out="$top/$key"
mkdir -p "$top"

if [ -s "$out/bzImage" ]; then
	echo "$out/bzImage"
	exit 0
fi

# ------------------------------------------------------------ the build
. "$(dirname "$0")/../../lib/build-lock.sh"
kj_build_lock "$top" "$key" bzImage "kernel $key"
work="$top/$key.build"
log="$out/build.log"
t0=$SECONDS
msg "building kernel $key ($SRCPKG $version${suite:+ from Debian $suite}, ${#patches[@]} patches) in $work; log $log"

build() {
	set -e
	echo "+ tar -xJf $TARBALL"
	tar -xJf "$TARBALL" -C "$work"
	src=$(ls -d "$work"/linux-source-* | head -n1)
	[ -d "$src" ] || { echo "no linux-source-* directory in $TARBALL"; return 1; }
	for p in "${patches[@]}"; do
		echo "+ patch -p1 --forward < $p"
		if ! patch -p1 --forward --batch --no-backup-if-mismatch -r - -d "$src" <"$p"; then
			echo "PATCH FAILED: $p does not apply to $SRCPKG $version"
			return 1
		fi
	done
	local k=(make -C "$src" O="$work/o" ARCH="$arch")
	echo "+ ${k[*]} tinyconfig"
	"${k[@]}" tinyconfig
	echo "+ merge_config.sh -m ${frags[*]}"
	(cd "$work/o" && bash "$src/scripts/kconfig/merge_config.sh" -m -O "$work/o" .config "${frags[@]}")
	echo "+ ${k[*]} olddefconfig"
	"${k[@]}" olddefconfig
	cp "$work/o/.config" "$out/config"
	echo "+ checking that every fragment line survived olddefconfig"
	local line sym bad=0
	while IFS= read -r line; do
		case "$line" in
			CONFIG_*=*)
				grep -qxF "$line" "$work/o/.config" && continue
				sym=${line%%=*} ;;
			"# CONFIG_"*" is not set")
				sym=${line#\# }; sym=${sym%% *}
				grep -qE "^$sym=[ym]\$" "$work/o/.config" || continue ;;
			*) continue ;;
		esac
		echo "FRAGMENT LINE DROPPED: $line -> $(grep -E "^$sym=|^# $sym is not set" "$work/o/.config" || echo "$sym absent")"
		bad=1
	done < <(cat "${frags[@]}")
	[ $bad = 0 ] || { echo "a fragment option did not survive (a dependency is missing)"; return 1; }
	echo "+ ${k[*]} -j$(nproc) bzImage"
	"${k[@]}" -j"$(nproc)" bzImage
}
# wall, user and system seconds of the build (its CPU time says more than
# the wall time on a machine shared with other jobs)
TIMEFORMAT='%R %U %S'
{ time ( build >"$log" 2>&1 ); } 2>"$out/times.tmp"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$work/o/arch/x86/boot/bzImage" ]; then
	kj_build_failed "$top" "$key"
	msg "building kernel $key FAILED after $((SECONDS - t0))s; log kept in $log:"
	grep -E 'FRAGMENT LINE DROPPED|PATCH FAILED|did not survive' "$log" | sed 's/^/kernels:   ! /' >&2
	tail -n 20 "$log" | sed 's/^/kernels:   | /' >&2
	exit 1
fi
cp "$work/o/arch/x86/boot/bzImage" "$out/bzImage.tmp"
cp "$work/o/vmlinux" "$out/vmlinux" 2>/dev/null || true
cp "$work/o/System.map" "$out/System.map" 2>/dev/null || true
echo "$((SECONDS - t0))" >"$out/build-time"
read -r wall user sys <"$out/times.tmp" &&
	awk -v w="$wall" -v u="$user" -v s="$sys" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" -v j="$(nproc)" \
		'BEGIN { printf "wall %.0f s, cpu %.0f s (user %.0f + sys %.0f), make -j%s, load average at the end %s\n", w, u + s, u, s, j, l }' \
		>"$out/build-cpu"
rm -f "$out/times.tmp"
mv "$out/bzImage.tmp" "$out/bzImage"
rm -rf "$work"
msg "built kernel $key in $((SECONDS - t0))s"
# keep the two newest builds of each line and flavor (6.12-x86_64-6.12.118...,
# 6.12-x86_64-patched-...: the version after the flavor starts with a digit)
ls -dt "$top/$line-$flavor-"* 2>/dev/null | grep -E -- "^$top/${line//./\\.}-$flavor-(tar-)?[0-9][^/]*-[0-9a-f]{16}\$" |
	tail -n +3 | while IFS= read -r old; do rm -rf "$old" "$old.lock"; done
echo "$out/bzImage"
exit
}
