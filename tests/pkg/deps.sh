#!/bin/bash
# Install what tests/pkg/run.sh needs, with apt-get, when missing.
#
#   tests/pkg/deps.sh            install what is missing (needs root for that)
#   tests/pkg/deps.sh --check    only report; exit 1 if something is missing
#
# The package's own build dependencies (debian/control Build-Depends) come
# from ./bootstrap plus debhelper here.  mkinitramfs is not installed: its
# package (initramfs-tools-core) pulls in udev and systemd, so run.sh
# fetches it and klibc with tests/lib/debian-pkg.sh and runs it from the
# unpacked tree in a private mount namespace.  Without root this only says
# what is missing; the checks that need it then FAIL (never skip).
set -uo pipefail

check_only=no
for a in "$@"; do
	case "$a" in
		--check) check_only=yes ;;
		*) echo "pkg deps: unknown option $a" >&2; exit 2 ;;
	esac
done

# command -> Debian package providing it
declare -A need=(
	[dpkg-buildpackage]=dpkg-dev
	[dh]=debhelper
	[lintian]=lintian
	[qemu-system-x86_64]=qemu-system-x86
	[cpio]=cpio
	[depmod]=kmod        # mkinitramfs runs depmod on the new tree
	[unshare]=util-linux # the private mount namespace for mkinitramfs
	[zstd]=zstd          # mkinitramfs' default compression
	[timeout]=coreutils
	[apt-get]=apt
	[git]=git            # the package is built from git ls-files
)
# packages without a command to probe (dpkg -s decides)
extra_pkgs=(
	busybox-static   # the initramfs' shell and tools (its zz-busybox hook)
	gcc-multilib     # Build-Depends of the package (see debian/control)
	libcmocka-dev    # ... the offline unit tests run by debian/rules
	zlib1g-dev
	liblzma-dev
	autoconf
	automake
	pkg-config
	ca-certificates
)

missing=()
for cmd in "${!need[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
for p in "${extra_pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$check_only" = yes ]; then
	echo "pkg deps: missing packages: ${missing[*]}" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "pkg deps: missing packages: ${missing[*]} (not root: cannot apt-get install them)" >&2
	exit 1
fi

echo "pkg deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
for i in 1 2 3; do
	# a mirror in the middle of a sync fails some index files: the old
	# lists are kept and the install may still work
	apt-get update -qq >&2 || echo "pkg deps: apt-get update failed (try $i of 3), installing anyway" >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 && exit 0
	echo "pkg deps: apt-get failed (try $i of 3), retrying" >&2
	sleep $((i * 10))
done
echo "pkg deps: could not install ${missing[*]}" >&2
exit 1
