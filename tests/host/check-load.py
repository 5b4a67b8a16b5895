#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check a kexec_load record written by tests/shim/kexec-shim.so.

    check-load.py --arch x86_64|i386 --kernel VMLINUZ [--initrd FILE]...
                  [--cmdline STR] [--root FAKEROOT] [--no-purgatory] RECORD

Prints one line per check ("ok   NAME: ..." or "FAIL NAME: ...") and exits 1
if any check failed (2 for bad usage or an unreadable record).  See
tests/host/README for the record format and the list of checks.
"""
import argparse
import hashlib
import os
import re
import struct
import sys

PAGE = 4096
import os


def _abi_defines():
    """The purgatory ABI numbers, read from the header the tool compiles
    against (include/purgatory-abi.h), so the checker cannot drift."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "include", "purgatory-abi.h")
    vals = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"#define\s+(PURGATORY_\w+)\s+(0x[0-9a-fA-F]+|\d+)u?\b", line)
            if m:
                vals[m.group(1)] = int(m.group(2), 0)
    return vals


_ABI = _abi_defines()
PURGATORY_MAGIC = _ABI["PURGATORY_MAGIC"]
PURGATORY_ABI_VERSION = _ABI["PURGATORY_ABI_VERSION"]
PURGATORY_HEADER_SIZE = _ABI["PURGATORY_HEADER_SIZE"]
PURGATORY_MAX_REGIONS = _ABI["PURGATORY_MAX_REGIONS"]
ENTRY_64 = 1
ENTRY_32 = 2
# struct purgatory_header offsets (include/purgatory-abi.h)
OFF_MAGIC, OFF_VERSION, OFF_HSIZE = 0, 4, 8
OFF_ENTRY_MODE, OFF_FLAGS, OFF_SERIAL, OFF_NR_REGIONS = 16, 20, 24, 28
OFF_SHA256, OFF_REGIONS = 32, 64
OFF_REGS64 = OFF_REGIONS + 16 * PURGATORY_MAX_REGIONS  # 320
OFF_REGS32 = OFF_REGS64 + 136  # 456
REGS64 = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9",
          "r10", "r11", "r12", "r13", "r14", "r15", "rip"]
REGS32 = ["eax", "ebx", "ecx", "edx", "esi", "edi", "esp", "ebp", "eip"]

KEXEC_ARCH = {"x86_64": 62 << 16, "i386": 3 << 16}
E820_TYPES = {"System RAM": 1, "Reserved": 2, "reserved": 2, "ACPI Tables": 3,
              "ACPI Non-volatile Storage": 4, "Unusable memory": 5,
              "Persistent Memory (legacy)": 12, "Persistent Memory": 7}


class Checker:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, name, cond, okmsg, failmsg):
        if cond:
            self.passed += 1
            print(f"ok   {name}: {okmsg}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {failmsg}")
        return cond

    def fail(self, name, msg):
        return self.check(name, False, "", msg)


def cpu_has_shani():
    """What lib/sha256.c asks CPUID, as /proc/cpuinfo shows it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    fl = set(line.split(":", 1)[1].split())
                    return {"sha_ni", "ssse3", "sse4_1"} <= fl
    except OSError:
        pass
    return False


def u8(b, o):
    return b[o]


def u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def u64(b, o):
    return struct.unpack_from("<Q", b, o)[0]


class Segment:
    def __init__(self, idx, mem, memsz, bufsz, data):
        self.idx, self.mem, self.memsz, self.bufsz, self.data = idx, mem, memsz, bufsz, data

    def __repr__(self):
        return f"seg{self.idx}[0x{self.mem:x}+0x{self.memsz:x} buf 0x{self.bufsz:x}]"

    def contains(self, addr):
        return self.mem <= addr < self.mem + self.memsz

    def read(self, addr, n):
        """Bytes at physical addr as the kernel will lay them out (the part
        of memsz beyond bufsz is zero)."""
        off = addr - self.mem
        out = self.data[off:off + n]
        return out + b"\0" * max(0, min(n, self.memsz - off) - len(out))


def die(msg):
    print(f"check-load: {msg}", file=sys.stderr)
    sys.exit(2)


def read_record(d):
    try:
        with open(os.path.join(d, "call")) as f:
            call = f.read().strip()
    except OSError as e:
        die(f"no call record in {d}: {e.strerror}")
    fields = dict(kv.split("=", 1) for kv in call.split() if "=" in kv)
    fields["_words"] = call.split()
    segs = []
    path = os.path.join(d, "segments")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                m = re.match(r"(\d+) mem=0x([0-9a-f]+) memsz=0x([0-9a-f]+) bufsz=0x([0-9a-f]+)$",
                             line.strip())
                if not m:
                    die(f"bad line in {path}: {line!r}")
                i = int(m.group(1))
                with open(os.path.join(d, f"seg{i}.bin"), "rb") as sf:
                    data = sf.read()
                segs.append(Segment(i, int(m.group(2), 16), int(m.group(3), 16),
                                    int(m.group(4), 16), data))
    return call, fields, segs


def memory_map(root):
    """The fixture's map as sorted (start, size, type): /sys/firmware/memmap
    if the root has it, else the top-level lines of /proc/iomem."""
    out = []
    mm = os.path.join(root, "sys/firmware/memmap")
    if os.path.isdir(mm):
        for n in os.listdir(mm):
            def rd(x):
                with open(os.path.join(mm, n, x)) as f:
                    return f.read().strip()
            s, e, t = int(rd("start"), 16), int(rd("end"), 16), rd("type")
            if t in E820_TYPES:
                out.append((s, e - s + 1, E820_TYPES[t]))
        src = "/sys/firmware/memmap"
    else:
        with open(os.path.join(root, "proc/iomem")) as f:
            for line in f:
                if line.startswith(" "):
                    continue
                m = re.match(r"([0-9a-f]+)-([0-9a-f]+) : (.*)$", line.strip())
                if m and m.group(3) in E820_TYPES:
                    s, e = int(m.group(1), 16), int(m.group(2), 16)
                    out.append((s, e - s + 1, E820_TYPES[m.group(3)]))
        src = "/proc/iomem"
    return normalize(out), src


def normalize(entries):
    """Sort and merge adjacent or overlapping entries of the same type."""
    out = []
    for s, n, t in sorted(entries):
        if out and out[-1][2] == t and out[-1][0] + out[-1][1] >= s:
            ps, pn, _ = out[-1]
            out[-1] = (ps, max(ps + pn, s + n) - ps, t)
        else:
            out.append((s, n, t))
    return out


def fmt_map(m):
    return ", ".join(f"{s:#x}+{n:#x}:{t}" for s, n, t in m)


def contiguous_run(segs, kseg, blob):
    """Segments back to back in memory, each full but the last, whose bytes
    joined are blob: one Segment standing for them all, or None."""
    order = sorted((s for s in segs if s is not kseg), key=lambda s: s.mem)
    for i, first in enumerate(order):
        if first.data[:64] != blob[:64]:
            continue
        data, run = b"", []
        for s in order[i:]:
            if run and s.mem != run[-1].mem + run[-1].memsz:
                break
            run.append(s)
            data += s.data[:s.bufsz]
            if len(data) >= len(blob) or s.bufsz != s.memsz:
                break
        if len(run) > 1 and data[:len(blob)] == blob:
            last = run[-1]
            joined = Segment(run[0].idx, run[0].mem, last.mem + last.memsz - run[0].mem,
                             len(data), data)
            joined.pieces = len(run)
            return joined
    return None


def holds(seg, blob):
    """seg's buffer is blob, possibly followed by zero padding."""
    return (seg.bufsz >= len(blob) and seg.data[:len(blob)] == blob
            and not seg.data[len(blob):].strip(b"\0"))


def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


def efi_facts(root):
    """What the fake root's /sys says of EFI (None when not EFI-booted):
    an independent reading of the files kexec/efi.c reads."""
    efi = os.path.join(root, "sys/firmware/efi")
    bpf = os.path.join(root, "sys/kernel/boot_params/data")
    bp = open(bpf, "rb").read() if os.path.exists(bpf) else b""
    rsdp = u64(bp, 0x70) if len(bp) >= 0x78 else 0
    if not os.path.isdir(efi):
        return None, rsdp
    def hexfile(name):
        return int(open(os.path.join(efi, name)).read().strip(), 16)
    tab = {}
    for line in open(os.path.join(efi, "systab")).read().splitlines():
        k, _, v = line.partition("=")
        tab[k] = int(v, 16)
    rmap = []
    rdir = os.path.join(efi, "runtime-map")
    for n in sorted((d for d in os.listdir(rdir) if d.isdigit()), key=int):
        vals = [int(open(os.path.join(rdir, n, f)).read().strip(), 16)
                for f in ("type", "phys_addr", "virt_addr", "num_pages", "attribute")]
        rmap.append(tuple(vals))
    if not rsdp:
        rsdp = tab.get("ACPI20", tab.get("ACPI", 0))
    return {"sig": u32(bp, 0x1C0), "systab": u32(bp, 0x1C4) | u32(bp, 0x1D8) << 32,
            "ver": u32(bp, 0x1CC), "secure": u8(bp, 0x1EC),
            "fw_vendor": hexfile("fw_vendor"), "tables": hexfile("config_table"),
            "smbios": tab.get("SMBIOS", 0), "map": rmap}, rsdp


def setup_data_chain(segs, bp):
    """(type, address, payload) of every setup_data the zero page chains."""
    out, addr, seen = [], u64(bp, 0x250), set()
    while addr and addr not in seen and len(out) < 16:
        seen.add(addr)
        owner = [s for s in segs if s.mem <= addr and addr + 16 <= s.mem + s.memsz]
        if not owner:
            out.append(("missing", addr, b""))
            break
        hdr = owner[0].read(addr, 16)
        nxt, typ, ln = struct.unpack("<QII", hdr)
        out.append((typ, addr, owner[0].read(addr + 16, ln)))
        addr = nxt
    return out


def check_efi(c, a, segs, bp, bp_addr):
    facts, rsdp = efi_facts(a.root)
    c.check("acpi-rsdp", u64(bp, 0x70) == rsdp, f"acpi_rsdp_addr {rsdp:#x}",
            f"acpi_rsdp_addr {u64(bp, 0x70):#x}, expected {rsdp:#x}")
    chain = setup_data_chain(segs, bp)
    efi_sd = [x for x in chain if x[0] == 4]
    if facts is None or a.efi == "no":
        c.check("efi", u32(bp, 0x1C0) == 0 and u32(bp, 0x1D4) == 0 and not efi_sd,
                "no EFI state (" + ("--noefi" if facts else "not EFI-booted") + ")",
                "efi_info or SETUP_EFI present where none belongs")
        return
    ok = (u32(bp, 0x1C0) == facts["sig"] and (u32(bp, 0x1C4) | u32(bp, 0x1D8) << 32) == facts["systab"]
          and u32(bp, 0x1CC) == facts["ver"] and u32(bp, 0x1C8) == 40
          and u8(bp, 0x1EC) == facts["secure"])
    c.check("efi-info", ok, f"efi_info: signature, system table {facts['systab']:#x}, version",
            "efi_info differs from the running kernel's: " + bp[0x1C0:0x1E0].hex())
    want = (facts["fw_vendor"], 0, facts["tables"], facts["smbios"])
    got = struct.unpack_from("<4Q", efi_sd[0][2]) if efi_sd and len(efi_sd[0][2]) == 96 else None
    c.check("setup-efi", got == want, "SETUP_EFI: fw_vendor, tables, smbios",
            f"SETUP_EFI {got} != {want} (chain: {[(t, hex(x)) for t, x, _ in chain]})")
    mm_addr = u32(bp, 0x1D0) | u32(bp, 0x1DC) << 32
    mm_size = u32(bp, 0x1D4)
    owner = [s for s in segs if s.mem <= mm_addr and mm_addr + mm_size <= s.mem + s.memsz]
    descs = []
    if owner and mm_size % 40 == 0:
        raw = owner[0].read(mm_addr, mm_size)
        for i in range(mm_size // 40):
            t, pad, ph, vi, pg, at = struct.unpack_from("<IIQQQQ", raw, 40 * i)
            descs.append((t, ph, vi, pg, at))
    c.check("efi-memmap", descs == facts["map"], f"{len(descs)} runtime descriptors",
            f"efi_memmap at {mm_addr:#x} ({mm_size} bytes) != the runtime-map")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("record")
    ap.add_argument("--arch", required=True, choices=["x86_64", "i386"])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", action="append", default=[])
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--root", help="fake root the load ran against (memory map)")
    ap.add_argument("--efi", choices=["auto", "no"], default="auto",
                    help="auto: when the root is EFI-booted, the zero page must carry its "
                         "EFI state; no: it must carry none (--noefi)")
    ap.add_argument("--no-purgatory", action="store_true",
                    help="skip the PGKJ purgatory checks (for kexec-tools records)")
    a = ap.parse_args()

    c = Checker()
    call, fields, segs = read_record(a.record)
    with open(a.kernel, "rb") as f:
        vmlinuz = f.read()
    initrd = b""
    for p in a.initrd:
        with open(p, "rb") as f:
            initrd += f.read()

    # ---- the call itself
    c.check("syscall", fields.get("syscall") == "kexec_load", call,
            f"expected syscall=kexec_load, record says: {call}")
    nr = int(fields.get("nr_segments", "-1"))
    c.check("nr-segments", nr == len(segs) and 0 < nr <= 16,
            f"{nr} segments",
            f"call says nr_segments={nr}, segments file lists {len(segs)} (1..16 allowed)")
    flags = int(fields.get("flags", "0"), 16)
    c.check("flags", flags & 0xFFFF in (0,) and (flags >> 16) in (0, KEXEC_ARCH[a.arch] >> 16),
            f"flags={flags:#x}",
            f"flags={flags:#x}: expected KEXEC_ARCH_DEFAULT or {KEXEC_ARCH[a.arch]:#x} "
            f"({a.arch}) and no KEXEC_ON_CRASH/PRESERVE_CONTEXT bits")
    bad = [s for s in segs if len(s.data) != s.bufsz]
    c.check("segment-files", not bad, "every segN.bin has bufsz bytes",
            "size of segN.bin differs from bufsz: " + ", ".join(map(repr, bad)))

    # ---- layout
    bad = [s for s in segs if s.mem % PAGE or s.memsz % PAGE]
    c.check("alignment", not bad, "mem and memsz page aligned",
            "not page aligned: " + ", ".join(map(repr, bad)))
    bad = [s for s in segs if s.bufsz > s.memsz]
    c.check("bufsz<=memsz", not bad, "every buffer fits its segment",
            "bufsz > memsz: " + ", ".join(map(repr, bad)))
    ss = sorted(segs, key=lambda s: s.mem)
    ov = [(x, y) for x, y in zip(ss, ss[1:]) if x.mem + x.memsz > y.mem]
    c.check("no-overlap", not ov, "segments are disjoint",
            "overlapping: " + ", ".join(f"{x} and {y}" for x, y in ov))
    if a.arch == "i386":
        hi = [s for s in segs if s.mem + s.memsz > 1 << 32]
        c.check("below-4g", not hi, "all segments below 4 GiB",
                "i386 segments above 4 GiB: " + ", ".join(map(repr, hi)))
    if a.root:
        mmap, src = memory_map(a.root)
        ram = [(s, s + n) for s, n, t in mmap if t == 1]
        bad = [s for s in segs if not any(lo <= s.mem and s.mem + s.memsz <= hi for lo, hi in ram)]
        c.check("in-ram", not bad, f"every segment inside System RAM of {src}",
                "outside System RAM: " + ", ".join(map(repr, bad)))

    # ---- the kernel
    if len(vmlinuz) < 0x264 or vmlinuz[0x202:0x206] != b"HdrS":
        die(f"{a.kernel} is not a bzImage (no HdrS)")
    setup_sects = vmlinuz[0x1F1] or 4
    pm = vmlinuz[(setup_sects + 1) * 512:]
    ks = [s for s in segs if holds(s, pm)]
    kseg = ks[0] if len(ks) == 1 else None
    if ks:
        c.check("kernel", len(ks) == 1, f"{ks[0]} holds the {len(pm)} bytes of protected-mode code",
                f"{len(ks)} segments hold the kernel: {ks}")
    else:
        near = [s for s in segs if s.bufsz >= len(pm) and s.data[:64] == pm[:64]]
        if near:
            kseg = near[0]
            c.fail("kernel", f"{near[0]} looks like the kernel but differs at offset "
                   f"{first_diff(near[0].data, pm):#x} (expected {len(pm)} bytes after "
                   f"{setup_sects}+1 setup sectors)")
        else:
            c.fail("kernel", f"no segment holds the protected-mode code "
                   f"({len(pm)} bytes after {setup_sects}+1 setup sectors)")
    if kseg:
        init_size = u32(vmlinuz, 0x260)
        align = u32(vmlinuz, 0x230)
        c.check("kernel-size", kseg.memsz >= init_size, f"memsz {kseg.memsz:#x} >= init_size {init_size:#x}",
                f"kernel segment memsz {kseg.memsz:#x} < init_size {init_size:#x}")
        c.check("kernel-align", align == 0 or kseg.mem % align == 0,
                f"{kseg.mem:#x} aligned to kernel_alignment {align:#x}",
                f"kernel at {kseg.mem:#x} not aligned to kernel_alignment {align:#x}")

    # ---- the initrd
    iseg = None
    if a.initrd:
        cand = [s for s in segs if s is not kseg and holds(s, initrd)]
        if not cand:
            # a large initrd may be cut into contiguous pieces (plan_split)
            run = contiguous_run(segs, kseg, initrd)
            if run:
                cand = [run]
        if len(cand) == 1:
            iseg = cand[0]
            c.check("initrd", True, f"{iseg} is the {len(initrd)}-byte initrd "
                    f"({len(a.initrd)} file(s), {getattr(iseg, 'pieces', 1)} segment(s))", "")
        elif cand:
            c.fail("initrd", f"{len(cand)} segments hold the initrd: {cand}")
        else:
            near = [s for s in segs if s is not kseg and s.bufsz >= len(initrd) - 4096
                    and s.data[:64] == initrd[:64]]
            if near:
                iseg = near[0]
                c.fail("initrd", f"{near[0]} looks like the initrd but differs at offset "
                       f"{first_diff(near[0].data, initrd):#x} (bufsz {near[0].bufsz:#x}, "
                       f"initrd {len(initrd):#x} bytes)")
            else:
                c.fail("initrd", f"no segment is byte-for-byte the initrd ({len(initrd)} bytes)")

    # ---- boot_params
    bps = []
    for s in segs:
        if s is kseg:
            continue
        for off in range(0, max(0, s.bufsz - 0x300), PAGE):
            if s.data[off + 0x202:off + 0x206] == b"HdrS":
                bps.append((s, off))
    bp_addr = None
    if len(bps) == 1:
        bseg, boff = bps[0]
        bp_addr = bseg.mem + boff
        bp = bseg.read(bp_addr, PAGE)
        c.check("boot-params", True, f"zero page at {bp_addr:#x} in {bseg}", "")
    else:
        c.fail("boot-params", f"expected one zero page with HdrS at 0x202, found {len(bps)}: "
               + ", ".join(f"{s}+{o:#x}" for s, o in bps))
    if bp_addr is not None:
        rd_img = u32(bp, 0x218) | (u32(bp, 0x0C0) << 32)
        rd_size = u32(bp, 0x21C) | (u32(bp, 0x0C4) << 32)
        # With the EFI state the new kernel always gets an initrd and
        # initrdmem= naming it (kexec/arch/x86/linux.c, efi_initrd_guard:
        # the EFI stub's initrd table is stale)
        efi_passed = bool(a.root) and a.efi != "no" and efi_facts(a.root)[0] is not None
        want_cl = a.cmdline
        if efi_passed:
            want_cl += (" " if want_cl else "") + f"initrdmem={rd_img:#x},{rd_size:#x}"
        cl_ptr = u32(bp, 0x228) | (u32(bp, 0x0C8) << 32)
        cl_seg = [s for s in segs if s.contains(cl_ptr)]
        if not cl_seg:
            c.fail("cmdline", f"cmd_line_ptr {cl_ptr:#x} is in no segment")
        else:
            raw = cl_seg[0].read(cl_ptr, cl_seg[0].mem + cl_seg[0].memsz - cl_ptr)
            nul = raw.find(b"\0")
            if nul < 0:
                c.fail("cmdline", f"command line at {cl_ptr:#x} is not NUL-terminated in {cl_seg[0]}")
            else:
                got = raw[:nul].decode("latin-1")
                c.check("cmdline", got == want_cl, f"{got!r} at {cl_ptr:#x}",
                        f"command line at {cl_ptr:#x} is {got!r}, expected {want_cl!r}")
                limit = u32(bp, 0x238) if u16(bp, 0x206) >= 0x206 else 255
                c.check("cmdline-size", nul <= limit, f"{nul} <= cmdline_size {limit}",
                        f"command line {nul} bytes > kernel's cmdline_size {limit}")

        if a.initrd:
            want = (iseg.mem if iseg else None, len(initrd))
            c.check("ramdisk", (rd_img, rd_size) == want,
                    f"ramdisk_image {rd_img:#x} size {rd_size:#x}",
                    f"ramdisk_image/size {rd_img:#x}/{rd_size:#x}, expected "
                    + (f"{want[0]:#x}" if want[0] is not None else "?") + f"/{want[1]:#x}")
            maxrd = u32(bp, 0x22C)
            above4g = a.arch == "x86_64" and u16(bp, 0x206) >= 0x20C and u16(bp, 0x236) & 0x2
            c.check("ramdisk-max", rd_img + rd_size - 1 <= maxrd or bool(above4g),
                    f"initrd end {rd_img + rd_size - 1:#x} allowed (initrd_addr_max {maxrd:#x})",
                    f"initrd end {rd_img + rd_size - 1:#x} above initrd_addr_max {maxrd:#x}")
        elif efi_passed:
            rseg = [x for x in segs if x.contains(rd_img) and x.contains(rd_img + rd_size - 1)] \
                if rd_size else []
            data = rseg[0].read(rd_img, rd_size) if rseg else b""
            c.check("ramdisk", data.startswith(b"070701") and b"TRAILER!!!\0" in data
                    and len(data) <= 512,
                    f"the empty initramfs at {rd_img:#x} ({rd_size} bytes, EFI state passed)",
                    f"EFI state passed without --initrd: ramdisk_image/size {rd_img:#x}/{rd_size:#x}"
                    " is not an empty newc archive")
        else:
            c.check("ramdisk", rd_img == 0 and rd_size == 0, "no initrd",
                    f"no initrd given but ramdisk_image/size = {rd_img:#x}/{rd_size:#x}")

        n = u8(bp, 0x1E8)
        if n > 128:
            c.fail("e820", f"e820_entries = {n} > 128")
        else:
            e820 = [struct.unpack_from("<QQI", bp, 0x2D0 + 20 * i) for i in range(n)]
            if a.root:
                want, src = memory_map(a.root)
                got = normalize(e820)
                c.check("e820", got == want, f"{n} entries match {src}",
                        f"e820 table ({n} entries) differs from {src}:\n"
                        f"     got:      {fmt_map(got)}\n     expected: {fmt_map(want)}")
            else:
                c.check("e820", n > 0, f"{n} entries", "e820_entries is 0")
        c.check("loader-type", u8(bp, 0x210) != 0, f"type_of_loader {u8(bp, 0x210):#x}",
                "type_of_loader is 0 (a boot loader must set it)")
        if a.root:
            check_efi(c, a, segs, bp, bp_addr)

    # ---- purgatory
    if a.no_purgatory:
        print("skip purgatory: --no-purgatory")
    else:
        ps = [s for s in segs if len(s.data) >= 4 and u32(s.data, 0) == PURGATORY_MAGIC]
        if len(ps) != 1:
            c.fail("purgatory", f"expected one segment starting with PGKJ magic, found {len(ps)}")
        else:
            pseg = ps[0]
            h = pseg.data
            ok = (len(h) >= PURGATORY_HEADER_SIZE and u32(h, OFF_VERSION) == PURGATORY_ABI_VERSION
                  and u32(h, OFF_HSIZE) == PURGATORY_HEADER_SIZE)
            c.check("purgatory", ok, f"{pseg} header v{u32(h, OFF_VERSION)} size {u32(h, OFF_HSIZE)}",
                    f"{pseg}: abi_version {u32(h, OFF_VERSION)} header_size {u32(h, OFF_HSIZE)} "
                    f"(expected {PURGATORY_ABI_VERSION}/{PURGATORY_HEADER_SIZE})")
            entry = int(fields.get("entry", "0"), 16)
            c.check("entry", pseg.mem <= entry < pseg.mem + pseg.memsz,
                    f"entry {entry:#x} inside purgatory {pseg}",
                    f"entry {entry:#x} is outside the purgatory segment {pseg}")
            nreg = u32(h, OFF_NR_REGIONS)
            if nreg > PURGATORY_MAX_REGIONS:
                c.fail("regions", f"nr_regions {nreg} > {PURGATORY_MAX_REGIONS}")
            else:
                regs = [struct.unpack_from("<QQ", h, OFF_REGIONS + 16 * i) for i in range(nreg)]
                want = sorted((s.mem, s.bufsz) for s in segs if s is not pseg and s.bufsz)
                c.check("regions", sorted(regs) == want,
                        f"{nreg} regions = the other segments",
                        "regions " + ", ".join(f"{x:#x}+{y:#x}" for x, y in regs)
                        + " != other segments " + ", ".join(f"{x:#x}+{y:#x}" for x, y in want))
                # the digest of the regions' digests (purgatory-abi.h)
                sha = hashlib.sha256()
                missing = []
                for start, size in regs:
                    owner = [s for s in segs if s.mem <= start and start + size <= s.mem + s.memsz]
                    if owner:
                        sha.update(hashlib.sha256(owner[0].read(start, size)).digest())
                    else:
                        missing.append(start)
                stored = bytes(h[OFF_SHA256:OFF_SHA256 + 32])
                c.check("sha256", not missing and sha.digest() == stored,
                        f"digest {stored.hex()[:16]}... matches the regions' bytes",
                        f"stored digest {stored.hex()} != computed {sha.hexdigest()}"
                        + (f" (regions not in any segment: {missing})" if missing else ""))
            # SHA-NI in the purgatory exactly when the tool may use it here
            # (CPUID: sha_ni, ssse3, sse4_1; not with KJ_SHA256=portable)
            want_ni = (cpu_has_shani() and os.environ.get("KJ_SHA256") != "portable"
                       and nreg > 0)
            has_ni = bool(u32(h, OFF_FLAGS) & _ABI["PURGATORY_FLAG_SHA_NI"])
            c.check("sha-ni", has_ni == want_ni, f"SHA-NI flag {int(has_ni)} (CPU: {int(want_ni)})",
                    f"PURGATORY_FLAG_SHA_NI is {int(has_ni)}, expected {int(want_ni)} "
                    "(from /proc/cpuinfo and KJ_SHA256)")
            mode = u32(h, OFF_ENTRY_MODE)
            r64 = dict(zip(REGS64, struct.unpack_from("<17Q", h, OFF_REGS64)))
            r32 = dict(zip(REGS32, struct.unpack_from("<9I", h, OFF_REGS32)))
            if a.arch == "x86_64":
                c.check("entry-mode", mode == ENTRY_64, "64-bit entry",
                        f"entry_mode {mode}, expected {ENTRY_64} (64-bit)")
                if kseg:
                    c.check("rip", r64["rip"] == kseg.mem + 0x200, f"rip {r64['rip']:#x}",
                            f"regs64.rip {r64['rip']:#x}, expected kernel {kseg.mem:#x} + 0x200")
                if bp_addr is not None:
                    c.check("rsi", r64["rsi"] == bp_addr, f"rsi {r64['rsi']:#x} = boot_params",
                            f"regs64.rsi {r64['rsi']:#x}, expected boot_params {bp_addr:#x}")
            else:
                c.check("entry-mode", mode == ENTRY_32, "32-bit entry",
                        f"entry_mode {mode}, expected {ENTRY_32} (32-bit)")
                if kseg:
                    c.check("eip", r32["eip"] == kseg.mem, f"eip {r32['eip']:#x}",
                            f"regs32.eip {r32['eip']:#x}, expected kernel {kseg.mem:#x}")
                if bp_addr is not None:
                    c.check("esi", r32["esi"] == bp_addr, f"esi {r32['esi']:#x} = boot_params",
                            f"regs32.esi {r32['esi']:#x}, expected boot_params {bp_addr:#x}")

    print(f"check-load: {c.passed} ok, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
