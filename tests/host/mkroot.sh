#!/bin/bash
# Create a fake root (for KEXEC_SHIM_ROOT) that looks like a 512 MiB QEMU
# "pc" machine: /sys/firmware/memmap, /proc/iomem, /proc/meminfo,
# /proc/cmdline and the /sys/kernel/kexec_* state files.
#
#   mkroot.sh [--no-memmap] [--efi] DIR
#
# --no-memmap leaves /sys/firmware/memmap out, so the tool must fall back to
# /proc/iomem.  --efi makes it a machine OVMF booted: /sys/firmware/efi
# (systab, fw_vendor, runtime, config_table, a runtime-map of 11 regions)
# and /sys/kernel/boot_params/data with the EFI stub's efi_info.  DIR is
# emptied first.
set -euo pipefail

memmap=yes
efi=no
while [ $# -gt 0 ]; do
	case "$1" in
	--no-memmap) memmap=no; shift ;;
	--efi) efi=yes; shift ;;
	--) shift; break ;;
	-*) echo "mkroot.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: mkroot.sh [--no-memmap] [--efi] DIR" >&2; exit 2; }
root=$1

rm -rf "$root"
mkdir -p "$root/proc" "$root/sys/kernel" "$root/sys/firmware"

# The BIOS e820 map QEMU (SeaBIOS) hands a 512 MiB pc guest: start, end
# (inclusive), type.
e820='
0x0 0x9fbff System RAM
0x9fc00 0x9ffff Reserved
0xf0000 0xfffff Reserved
0x100000 0x1ffdffff System RAM
0x1ffe0000 0x1fffffff Reserved
0xfeffc000 0xfeffffff Reserved
0xfffc0000 0xffffffff Reserved
'

if [ "$memmap" = yes ]; then
	n=0
	while read -r start end type; do
		[ -n "$start" ] || continue
		d="$root/sys/firmware/memmap/$n"
		mkdir -p "$d"
		printf '%s\n' "$start" >"$d/start"
		printf '%s\n' "$end" >"$d/end"
		printf '%s\n' "$type" >"$d/type"
		n=$((n + 1))
	done <<<"$e820"
fi

# /proc/iomem as Linux prints it for that machine: the first page is
# reserved by the kernel, PCI windows and ROMs appear as well, and the
# kernel image is nested under System RAM.
cat >"$root/proc/iomem" <<'IOMEM'
00000000-00000fff : Reserved
00001000-0009fbff : System RAM
0009fc00-0009ffff : Reserved
000a0000-000bffff : PCI Bus 0000:00
000c0000-000c99ff : Video ROM
000ca000-000cadff : Adapter ROM
000cb000-000cb5ff : Adapter ROM
000f0000-000fffff : Reserved
  000f0000-000fffff : System ROM
00100000-1ffdffff : System RAM
  01000000-01e02526 : Kernel code
  01e03000-0235dfff : Kernel rodata
  02400000-0272b6ff : Kernel data
  02c1b000-02ffffff : Kernel bss
1ffe0000-1fffffff : Reserved
20000000-febfffff : PCI Bus 0000:00
  fd000000-fdffffff : 0000:00:02.0
  feb80000-febbffff : 0000:00:03.0
  febf0000-febf0fff : 0000:00:02.0
fec00000-fec003ff : IOAPIC 0
fed00000-fed003ff : HPET 0
  fed00000-fed003ff : PNP0103:00
fee00000-fee00fff : Local APIC
feffc000-feffffff : Reserved
fffc0000-ffffffff : Reserved
100000000-17fffffff : PCI Bus 0000:00
IOMEM

cat >"$root/proc/meminfo" <<'MEMINFO'
MemTotal:         481864 kB
MemFree:          382112 kB
MemAvailable:     414540 kB
Buffers:            3512 kB
Cached:            52320 kB
SwapCached:            0 kB
Active:            16428 kB
Inactive:          47640 kB
SwapTotal:             0 kB
SwapFree:              0 kB
Dirty:                 0 kB
Writeback:             0 kB
AnonPages:          8332 kB
Mapped:            12460 kB
Shmem:               188 kB
Slab:              17024 kB
PageTables:          580 kB
CommitLimit:      240932 kB
Committed_AS:      32460 kB
VmallocTotal:   34359738367 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
DirectMap4k:       18296 kB
DirectMap2M:      505856 kB
MEMINFO

printf '%s\n' 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet crashkernel=256M' >"$root/proc/cmdline"
echo 0 >"$root/sys/kernel/kexec_loaded"
echo 0 >"$root/sys/kernel/kexec_crash_loaded"
echo 0 >"$root/sys/kernel/kexec_crash_size"

if [ "$efi" = yes ]; then
	# As a 6.1 kernel started by Debian's OVMF shows it (values of such a
	# guest): the runtime regions with the virtual addresses the kernel
	# gave them, numbered as sysfs numbers them (10 sorts after 9).
	e=$root/sys/firmware/efi
	mkdir -p "$e" "$root/sys/kernel/boot_params"
	printf 'ACPI20=0x1fb7e014\nACPI=0x1fb7e000\nSMBIOS3=0x1f9c3000\nSMBIOS=0x1f9c5000\n' >"$e/systab"
	echo 0x1f9ed018 >"$e/fw_vendor"
	echo 0x1f9ecb98 >"$e/runtime"
	echo 0x1f9eb018 >"$e/config_table"
	echo 64 >"$e/fw_platform_size"
	i=0
	for r in "0x5 0x1f8ec000 0x20" "0x6 0x1f90c000 0x30" "0x5 0x1f93c000 0x10" "0x6 0x1f94c000 0x40" \
		"0x6 0x1f98c000 0x8" "0x5 0x1f994000 0x4" "0x6 0x1f998000 0x10" "0x6 0x1f9a8000 0x20" \
		"0x6 0x1f9c8000 0x14" "0xb 0xffc00000 0x400" "0x6 0x1fbff000 0x1"; do
		set -- $r
		d=$e/runtime-map/$i
		mkdir -p "$d"
		echo "$1" >"$d/type"
		echo "$2" >"$d/phys_addr"
		printf '0x%x\n' $((0xfffffffeff000000 + i * 0x100000)) >"$d/virt_addr"
		echo "$3" >"$d/num_pages"
		if [ "$1" = 0xb ]; then echo 0x8000000000000001 >"$d/attribute"; else echo 0x800000000000000f >"$d/attribute"; fi
		i=$((i + 1))
	done
	python3 -c '
import struct, sys
bp = bytearray(4096)
bp[0x202:0x206] = b"HdrS"
struct.pack_into("<Q", bp, 0x70, 0)  # the stub leaves it to the systab
# efi_info: "EL64", system table, desc size 48, version 1, memmap, size, hi words
struct.pack_into("<8I", bp, 0x1c0, 0x34364c45, 0x1f9ee018, 48, 1, 0x1e5d1018, 48 * 120, 0, 0)
sys.stdout.buffer.write(bp)' >"$root/sys/kernel/boot_params/data"
fi
