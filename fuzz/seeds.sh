#!/bin/bash
# The seed corpora of the fuzz targets, made afresh into the build dir:
#
#   fuzz/seeds.sh SRCDIR BUILDDIR NAME...
#
# writes BUILDDIR/fuzz/corpus/NAME/ for each target NAME from
#   - the Debian kernels tests/kernels.env points at (make check and
#     make fuzz write it): header-sized prefixes, the first MiB, a small
#     image that parses, the vmlinux and the payload inside (fuzz/mkseeds.py);
#   - the unit tests' fixtures, rebuilt by fuzz/mkseeds.py in the targets'
#     input formats, and the fake /proc and /sys of tests/host/mkroot.sh;
#   - the purgatory ELFs of the build, the running system's /proc/iomem and
#     /proc/cmdline, and the e2e suite's saved images and vmcores (their
#     headers, notes and VMCOREINFO) when SRCDIR/e2e-logs has them;
#   - small synthetic files.
# No seed is bigger than 1 MiB.  Prints one line per corpus.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: seeds.sh SRCDIR BUILDDIR NAME..." >&2; exit 2; }
src=$1
build=$2
shift 2
corpus=$build/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf "$corpus"
mkdir -p "$corpus"

# a file, its first MiB at most
seed() { # NAME FILE SEEDNAME
	mkdir -p "$corpus/$1"
	head -c 1048576 "$2" >"$corpus/$1/$3"
}
# a string
seed_str() { # NAME SEEDNAME TEXT
	mkdir -p "$corpus/$1"
	printf '%s' "$3" >"$corpus/$1/$2"
}

# ---- the Debian kernels
KJ_TEST_BZIMAGE_AMD64=
KJ_TEST_BZIMAGE_I386=
if [ -f "$build/tests/kernels.env" ]; then
	# shellcheck disable=SC1091
	. "$build/tests/kernels.env"
fi
args=()
for k in "$KJ_TEST_BZIMAGE_AMD64" "$KJ_TEST_BZIMAGE_I386"; do
	if [ -n "$k" ] && [ -f "$k" ]; then
		args+=(--kernel "$k")
	fi
done
if [ ${#args[@]} -eq 0 ]; then
	echo "seeds: no Debian kernel in $build/tests/kernels.env (tests/lib/debian-kernel.sh failed?): kernel seeds are synthetic only" >&2
fi

# ---- the purgatory ELFs
for a in x86_64 i386; do
	p=$build/purgatory/purgatory-$a.elf
	[ -f "$p" ] && args+=(--purgatory "$p")
done

# ---- e2e images, when a run of the QEMU suite left them
if [ -d "$src/e2e-logs" ]; then
	while IFS= read -r f; do
		args+=(--core "$f")
	done < <(find "$src/e2e-logs" -maxdepth 2 -type f \( -name '*.img' -o -name '*.elf' \) \
		-size +4k 2>/dev/null | sort)
	while IFS= read -r f; do
		seed elf "$f" "e2e-$(basename "$(dirname "$(dirname "$f")")")-$(basename "$f")"
	done < <(find "$src/e2e-logs" -maxdepth 3 -type f -name '*.elf' -path '*/root/*' 2>/dev/null | sort | head -n 4)
fi

python3 "$src/fuzz/mkseeds.py" "$corpus" "${args[@]}"

# ---- tests/host/mkroot.sh's machine: /proc/iomem, /sys/firmware/memmap, /proc/cmdline
bash "$src/tests/host/mkroot.sh" "$tmp/root" >/dev/null
seed memmap "$tmp/root/proc/iomem" mkroot-iomem
for d in "$tmp"/root/sys/firmware/memmap/*; do
	n=$(basename "$d")
	{ cat "$d/start"; printf '\0'; cat "$d/end"; printf '\0'; cat "$d/type"; } \
		>"$corpus/memmap/mkroot-firmware-$n"
done
line=$(cat "$tmp/root/proc/cmdline")
if [ -r /proc/iomem ]; then
	seed memmap /proc/iomem host-iomem
fi
seed_str memmap crlf-deep "$(printf '00000000-0009ffff : System RAM\r\n  00001000-00001fff : x\n    00001000-000010ff : y\n100000-ffffffffffffffff : System RAM\n')"

# ---- command lines: flags, max_len (LE16), reused\0given\0value
cl() { # SEEDNAME FLAGS MAXLEN REUSED GIVEN VALUE
	mkdir -p "$corpus/cmdline"
	{
		printf "\\x$(printf %02x "$2")"
		printf "\\x$(printf %02x $(($3 & 255)))\\x$(printf %02x $(($3 >> 8)))"
		printf '%s\0%s\0%s' "$4" "$5" "$6"
	} >"$corpus/cmdline/$1"
}
cl mkroot-elfcorehdr 0 2047 "$line" "console=ttyS0" "0x1000000"
cl mkroot-jump 4 2047 "$line kexec_jump_back_entry=0x1234" "" "0x9f0f2"
cl quoted 8 255 'a="b c" crashkernel=256M BOOT_IMAGE=/x' 'dyndbg="file x +p"' "123"
cl noreuse 1 100 "" "root=/dev/sda" "0x100"
cl tight 0 20 "aaaaaaaaaa" "bbbbbbbbb" "1"
if [ -r /proc/cmdline ]; then
	cl host 12 4095 "$(cat /proc/cmdline)" "quiet" "0x10"
fi

# ---- EFI facts: systab\0hex\0type\0phys\0virt\0pages\0attr\0boot_params
# (an OVMF-booted kernel's, as tests/unit/test-efi.c's tree; and the host's)
efi_seed() { # SEEDNAME SYSTAB HEX TYPE PHYS VIRT PAGES ATTR BP_FILE_OR_EMPTY
	mkdir -p "$corpus/efi"
	{
		printf '%s\0%s\0%s\0%s\0%s\0%s\0%s\0' "$2" "$3" "$4" "$5" "$6" "$7" "$8"
		if [ -n "$9" ]; then cat "$9"; fi
	} >"$corpus/efi/$1"
}
python3 -c '
import struct, sys
bp = bytearray(4096)
struct.pack_into("<Q", bp, 0x70, 0x7fb7e014)
struct.pack_into("<8I", bp, 0x1c0, 0x34364c45, 0x7f9ee018, 48, 1, 0x7e5d1018, 0x1680, 0, 0)
sys.stdout.buffer.write(bp)' >"$tmp/efi-bp"
efi_seed ovmf "$(printf 'ACPI20=0x7fb7e014\nACPI=0x7fb7e000\nSMBIOS3=0x7f9c3000\nSMBIOS=0x7f9c5000\n')" \
	"0x7f9ed018" "0x5" "0x7f8ec000" "0xfffffffeffcec000" "0x20" "0x800000000000000f" "$tmp/efi-bp"
efi_seed bios "" "" "" "" "" "" "" ""
if [ -r /sys/kernel/boot_params/data ]; then
	efi_seed host-bp "" "0x0" "0x0" "0x1000" "0x0" "0x1" "0x0" /sys/kernel/boot_params/data
fi

# ---- file systems (fsstate): flags byte (bit 0: the target fixes the
# checksums), then the start of a file system, as far as its superblock
# reaches (4 KiB, btrfs 68 KiB), made by the real mkfs tools
# (absent tools: no such seed; the unit test fails then).  The XFS one has
# its log in AG 0 (block 6), shrunk to 2 blocks so that it lies in the
# seed, and a dirty twin; the ext4 one also as needs_recovery.
fs_seed() { # SEEDNAME FLAGS FILE BYTES
	mkdir -p "$corpus/fsstate"
	{ printf "\\$(printf '%03o' "$2")"; head -c "$4" "$3"; } >"$corpus/fsstate/$1"
}
if command -v mkfs.ext4 >/dev/null; then
	truncate -s 8M "$tmp/fs-ext4" && mkfs.ext4 -q -F "$tmp/fs-ext4" >/dev/null 2>&1 &&
		fs_seed ext4 0 "$tmp/fs-ext4" 4096 && fs_seed ext4-fixed 1 "$tmp/fs-ext4" 4096
	if command -v debugfs >/dev/null &&
		debugfs -w -R 'feature needs_recovery' "$tmp/fs-ext4" >/dev/null 2>&1; then
		fs_seed ext4-recover 0 "$tmp/fs-ext4" 4096
	fi
	truncate -s 4M "$tmp/fs-ext2" && mkfs.ext2 -q -F "$tmp/fs-ext2" >/dev/null 2>&1 &&
		fs_seed ext2 0 "$tmp/fs-ext2" 4096
fi
if command -v mkfs.xfs >/dev/null; then
	truncate -s 300M "$tmp/fs-xfs" && mkfs.xfs -q -f -l agnum=0 "$tmp/fs-xfs" >/dev/null 2>&1 &&
		fs_seed xfs 0 "$tmp/fs-xfs" 4096 &&
		python3 -c '
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read(64 << 10))
struct.pack_into(">I", d, 96, 2)           # sb_logblocks: 2 blocks
bs = 1 << d[120]
log = struct.unpack_from(">Q", d, 48)[0] * bs
d = d[:log + 2 * bs]
open(sys.argv[2], "wb").write(b"\x01" + d)
d[log + 512 + 9] &= 0xdf                   # no unmount record
open(sys.argv[3], "wb").write(b"\x01" + d)' "$tmp/fs-xfs" "$corpus/fsstate/xfs-smalllog" "$corpus/fsstate/xfs-dirty"
fi
if command -v mkfs.btrfs >/dev/null; then
	truncate -s 128M "$tmp/fs-btrfs" && mkfs.btrfs -q -f "$tmp/fs-btrfs" >/dev/null 2>&1 &&
		fs_seed btrfs 0 "$tmp/fs-btrfs" 69632
fi
seed_str fsstate none "$(printf '\001XFSB')"

for name in "$@"; do
	mkdir -p "$corpus/$name"
	n=$(find "$corpus/$name" -type f | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "seeds: no seed for $name" >&2
		exit 1
	fi
	echo "seeds: $name: $n files, $(du -sk "$corpus/$name" | cut -f1) KiB"
done
