#!/bin/bash
# Create a fake root (for KEXEC_SHIM_ROOT) that looks like a 512 MiB QEMU
# "pc" machine: /sys/firmware/memmap, /proc/iomem, /proc/meminfo,
# /proc/cmdline and the /sys/kernel/kexec_* state files.
#
#   mkroot.sh [--no-memmap] DIR
#
# --no-memmap leaves /sys/firmware/memmap out, so the tool must fall back to
# /proc/iomem.  DIR is emptied first.
set -euo pipefail

memmap=yes
while [ $# -gt 0 ]; do
	case "$1" in
	--no-memmap) memmap=no; shift ;;
	--) shift; break ;;
	-*) echo "mkroot.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: mkroot.sh [--no-memmap] DIR" >&2; exit 2; }
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
