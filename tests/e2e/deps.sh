#!/bin/bash
# Install what the QEMU end-to-end harness needs, with apt-get, when missing.
#
#   tests/e2e/deps.sh            install what is missing (needs root for that)
#   tests/e2e/deps.sh --check    only report; exit 1 if something is missing
#   tests/e2e/deps.sh --kernel-build [--check]
#                                also what tests/e2e/kernels/build.sh needs:
#                                linux-source-6.12 and the kernel build tools
#
# tests/e2e/run calls it first.  Nothing is installed when everything is
# present, so it is cheap to call on every run.  Without root it only says
# what is missing; the scenarios that need it then FAIL (never skip).
set -uo pipefail

check_only=no
kernel_build=no
for a in "$@"; do
	case "$a" in
		--check) check_only=yes ;;
		--kernel-build) kernel_build=yes ;;
		*) echo "deps.sh: unknown option $a" >&2; exit 2 ;;
	esac
done

# command -> Debian package providing it
declare -A need=(
	[qemu-system-x86_64]=qemu-system-x86
	[qemu-system-i386]=qemu-system-x86
	[cpio]=cpio
	[gzip]=gzip
	[xz]=xz-utils
	[zstd]=zstd
	[apt-get]=apt
	[dpkg-deb]=dpkg
	[readelf]=binutils
	[objcopy]=binutils
	[gcc]=gcc
	[make]=make
	[autoreconf]=autoconf
	[automake]=automake
	[pkg-config]=pkg-config
	[od]=coreutils
	[timeout]=coreutils
	[sha256sum]=coreutils
	[mke2fs]=e2fsprogs    # ext2 file systems for images saved in a guest
	[debugfs]=e2fsprogs   # ... read back without mounting
	[python3]=python3     # host-side verify() checkers
	[flock]=util-linux    # cache locks
	# tests/lib/kexec-tools-src.sh (debian-VERSION: kexec-tools built
	# from a Debian suite's source package)
	[dpkg-source]=dpkg-dev
	[patch]=patch
	[tar]=tar
	[strip]=binutils
)
# packages without a command to probe (dpkg -s decides)
extra_pkgs=(
	gcc-multilib      # gcc -m32 for the i386 static kexec
	libc6-dev-i386
	zlib1g-dev        # static x86_64 build reads gzip kernels
	liblzma-dev       # ... and xz ones (Debian's are xz)
	busybox-static    # not strictly needed (the harness unpacks its own copy with debian-pkg.sh)
	qemu-system-x86
	ovmf              # UEFI firmware for FIRMWARE=ovmf scenarios (OVMF_CODE_4M.fd, OVMF_VARS_4M.fd)
	ca-certificates
	debian-archive-keyring # signed-by of the other suites' sources lists
)

# tests/e2e/kernels/build.sh (self-built kexec-jump kernels), on demand
if [ "$kernel_build" = yes ]; then
	need+=(
		[bc]=bc
		[bison]=bison
		[flex]=flex
		[perl]=perl
		[patch]=patch
		[flock]=util-linux
	)
	extra_pkgs+=(
		linux-source-6.12 # /usr/src/linux-source-6.12.tar.xz
		libelf-dev        # objtool
		libssl-dev
	)
fi

missing=()
for cmd in "${!need[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
for p in "${extra_pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# static libraries for the --enable-static build
for a in /usr/lib/x86_64-linux-gnu/libz.a /usr/lib/x86_64-linux-gnu/liblzma.a; do
	[ -e "$a" ] || missing+=("$( [ "${a##*/}" = libz.a ] && echo zlib1g-dev || echo liblzma-dev)")
done
# shellcheck source=tests/lib/apt-install.sh
. "$(dirname "$0")/../lib/apt-install.sh"
kj_apt_install "e2e deps" "$check_only" "${missing[@]}"
