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
# shellcheck source=tests/lib/apt-install.sh
. "$(dirname "$0")/../lib/apt-install.sh"
kj_apt_install "pkg deps" "$check_only" "${missing[@]}"
