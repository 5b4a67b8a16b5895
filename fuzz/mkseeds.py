#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the synthetic and derived seeds of the fuzz corpora (fuzz/seeds.sh).

    mkseeds.py OUT [--kernel BZIMAGE]... [--purgatory ELF]... [--core FILE]...

OUT/NAME/ for each target NAME of fuzz/local.mk.  The synthetic seeds
follow the unit tests' fixtures (tests/unit: the QEMU memory map, kdump's
saved images, the VMCOREINFO texts, struct page arrays and printk rings of
test-freepages and test-dmesg, the swap list of test-kdump), laid out in
the input formats the targets document (fuzz/fuzz.h, fuzz/fuzz-*.c).
From a real bzImage: header-sized prefixes, a small image that parses
(its own setup header, the first KiB of its code), the vmlinux inside it
as an ELF with its program headers and a few bytes of each segment, and
its payload.  From real ELF cores (e2e images, when given): their headers
and notes, and their VMCOREINFO.  Nothing is bigger than 1 MiB.
"""
import gzip
import hashlib
import lzma
import os
import struct
import sys

MAX = 1 << 20
MiB = 1 << 20

out = sys.argv[1]
kernels, purgatories, cores = [], [], []
args = sys.argv[2:]
while args:
    opt, val = args[0], args[1]
    args = args[2:]
    {"--kernel": kernels, "--purgatory": purgatories, "--core": cores}[opt].append(val)


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data[:MAX]))


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


# ---------------------------------------------------------------- memory maps
# tests/unit/qemu-map.h fixture_qemu_map: start, last (inclusive), type
QEMU_MAP = [(0, 0x9fbff, 1), (0x9fc00, 0x9ffff, 2), (0xf0000, 0xfffff, 2),
            (0x100000, 0x1ffdffff, 1), (0x1ffe0000, 0x1fffffff, 2),
            (0xfffc0000, 0xffffffff, 2)]
# tests/unit/test-stage.c map_init(64 MiB), also fuzz-resume's map: start, end
STAGE_MAP = [(0, 0x9f000, 1), (0xf0000, 0x100000, 2), (0x100000, 64 * MiB, 1)]


def mm_bytes(entries):
    """fuzz-plan / fuzz-stage memory map: count, then start, end, type."""
    b = u8(len(entries) - 1)
    for s, e, t in entries:
        b += u64(s) + u64(e) + u8(1 if t == 1 else 2)
    return b


# ---------------------------------------------------------------- bzImage
def bz_header(setup_sects=4, syssize_bytes=4096, proto=0x20f, reloc=1, pref=0x1000000,
              init_size=0x2000000, xlf=3, payload=(0x100, 0x200)):
    h = bytearray(((setup_sects or 4) + 1) * 512)
    h[0x1f1] = setup_sects
    h[0x1f4:0x1f8] = u32(syssize_bytes // 16)
    h[0x1fe:0x200] = u16(0xaa55)
    h[0x200] = 0xeb
    h[0x201] = 0x6a  # header_end 0x26c
    h[0x202:0x206] = b"HdrS"
    h[0x206:0x208] = u16(proto)
    h[0x211] = 1  # LOADED_HIGH
    h[0x214:0x218] = u32(0x100000)
    h[0x22c:0x230] = u32(0x7fffffff)
    h[0x230:0x234] = u32(0x200000)
    h[0x234] = reloc
    h[0x235] = 21
    h[0x236:0x238] = u16(xlf)
    h[0x238:0x23c] = u32(2047)
    h[0x248:0x24c] = u32(payload[0])
    h[0x24c:0x250] = u32(payload[1])
    h[0x258:0x260] = u64(pref)
    h[0x260:0x264] = u32(init_size)
    return h + bytes((i * 7) & 0xff for i in range(syssize_bytes))


put("bzimage", "synthetic-64", bz_header())
put("bzimage", "synthetic-proto206", bz_header(proto=0x206))
put("bzimage", "synthetic-notreloc", bz_header(reloc=0, pref=0x100000, xlf=0))
put("bzimage", "synthetic-setup0", bz_header(setup_sects=0))
put("bzimage", "header-only", bz_header()[:0x270])

for path in kernels:
    k = open(path, "rb").read()
    tag = os.path.basename(path)
    setup = ((k[0x1f1] or 4) + 1) * 512
    for n in (0x202, 0x270, 0x290, 512, 1024, setup, setup + 512):
        put("bzimage", "%s-prefix-%d" % (tag, n), k[:n])
    put("bzimage", tag + "-1MiB", k)
    # small but whole: its setup header, 4 KiB of code, the header fixed up
    small = bytearray(k[:setup + 4096])
    small[0x1f4:0x1f8] = u32(4096 // 16)
    small[0x248:0x24c] = u32(0x100)
    small[0x24c:0x250] = u32(0x800)
    put("bzimage", tag + "-small", small)
    put("elf", tag + "-as-bzimage", small)
    po, pl = struct.unpack_from("<II", k, 0x248)
    payload = k[setup + po:setup + po + pl]
    put("decompress", tag + "-payload-64k", payload[:64 << 10])
    try:
        vmlinux = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload) \
            if payload[:6] == b"\xfd7zXZ\x00" else \
            gzip.GzipFile(fileobj=__import__("io").BytesIO(payload)).read() \
            if payload[:2] == b"\x1f\x8b" else None
    except (lzma.LZMAError, OSError, EOFError):
        vmlinux = None
    if vmlinux and vmlinux[:4] == b"\x7fELF":
        # vmlinux with its own program headers, each PT_LOAD cut to 64 bytes
        is64 = vmlinux[4] == 2
        phoff = struct.unpack_from("<Q" if is64 else "<I", vmlinux, 32 if is64 else 28)[0]
        phentsize, phnum = struct.unpack_from("<HH", vmlinux, 54 if is64 else 42)
        hdr = bytearray(vmlinux[:phoff + phnum * phentsize])
        tail = bytearray()
        base = len(hdr)
        for i in range(phnum):
            o = phoff + i * phentsize
            if is64:
                off, filesz = struct.unpack_from("<Q", hdr, o + 8)[0], struct.unpack_from("<Q", hdr, o + 32)[0]
            else:
                off, filesz = struct.unpack_from("<I", hdr, o + 4)[0], struct.unpack_from("<I", hdr, o + 16)[0]
            cut = min(filesz, 64)
            new = base + len(tail)
            tail += vmlinux[off:off + cut]
            if is64:
                hdr[o + 8:o + 16] = u64(new)
                hdr[o + 32:o + 40] = u64(cut)
            else:
                hdr[o + 4:o + 8] = u32(new)
                hdr[o + 16:o + 20] = u32(cut)
        put("elf", tag + "-vmlinux-cut", hdr + tail)
        put("core", tag + "-vmlinux-cut", hdr + tail)
        put("decompress", tag + "-vmlinux-head.gz", gzip.compress(vmlinux[:256 << 10], 6))


# ---------------------------------------------------------------- ELF files
def ehdr(is64, etype, machine, entry, nph, pad=0):
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 1, 1, 0, 0, pad]) + bytes(6)
    if is64:
        return ident + u16(etype) + u16(machine) + u32(1) + u64(entry) + u64(64) + u64(0) + \
            u32(0) + u16(64) + u16(56) + u16(nph) + u16(64) + u16(0) + u16(0)
    return ident + u16(etype) + u16(machine) + u32(1) + u32(entry) + u32(52) + u32(0) + \
        u32(0) + u16(52) + u16(32) + u16(nph) + u16(40) + u16(0) + u16(0)


def phdr(is64, t, off, paddr, filesz, memsz):
    if is64:
        return u32(t) + u32(7) + u64(off) + u64(paddr) + u64(paddr) + u64(filesz) + u64(memsz) + u64(0x1000)
    return u32(t) + u32(off) + u32(paddr) + u32(paddr) + u32(filesz) + u32(memsz) + u32(7) + u32(0x1000)


def elf(is64, etype, machine, entry, phdrs, data=b""):
    """phdrs: (type, offset in data, paddr, filesz, memsz); data follows the
    headers at a 256-byte boundary."""
    eh = 64 if is64 else 52
    doff = eh + (56 if is64 else 32) * len(phdrs)
    doff = (doff + 255) // 256 * 256
    b = ehdr(is64, etype, machine, entry, len(phdrs))
    for t, off, paddr, filesz, memsz in phdrs:
        b += phdr(is64, t, doff + off, paddr, filesz, memsz)
    return b + bytes(doff - len(b)) + data


code = bytes((i * 13 + 1) & 0xff for i in range(0x3000))
put("elf", "exec64-one", elf(True, 2, 62, 0x1000000, [(1, 0, 0x1000000, 0x1000, 0x2000)], code))
put("elf", "exec32-two", elf(False, 2, 3, 0x100000,
                             [(1, 0, 0x100000, 0x800, 0x1000), (1, 0x1000, 0x200000, 0x1000, 0x1000)], code))
put("elf", "exec64-sharepage", elf(True, 2, 62, 0x1000800,
                                   [(1, 0, 0x1000000, 0x800, 0x800), (1, 0x800, 0x1000800, 0x400, 0x900)], code))
put("elf", "core64", elf(True, 4, 62, 0, [(4, 0, 0, 0x10, 0x10), (1, 0x100, 0x100000, 0x1000, 0x1000)], code))
put("elf", "dyn64", elf(True, 3, 62, 0x100, [(1, 0, 0, 0x1000, 0x1000)], code))


def note(name, ntype, desc):
    n = name.encode() + b"\0" if name is not None else b""
    b = u32(len(n)) + u32(len(desc)) + u32(ntype) + n
    b += bytes(-len(b) % 4) + desc
    return b + bytes(-len(b) % 4)


KJ_NOTE_MEMMAP, KJ_NOTE_IMAGE = 0x4b4a0001, 0x4b4a0002


def pat(i, off):
    return (i * 37 + off * 11 + (off >> 12) + 1) & 0xff


def kdump_image(loads, entry, is64=True, machine=62, memmap=STAGE_MAP, image_note=True,
                pad=0, e_entry=None, extra=b""):
    """A saved image as tests/unit/test-stage.c make_core: ELF core, a
    PT_NOTE with the KEXECJMP notes, the PT_LOADs (paddr, filesz, memsz)."""
    data = b""
    for i, (paddr, filesz, memsz) in enumerate(loads):
        data += bytes(pat(i, b) for b in range(filesz))
    notes = b""
    if image_note:
        desc = u32(1) + u32(0) + u64(entry) + u64(len(data)) + u64(0) + u64(0) + hashlib.sha256(data).digest()
        notes += note("KEXECJMP", KJ_NOTE_IMAGE, desc)
    if memmap is not None:
        desc = u32(1) + u32(len(memmap))
        for s, e, t in memmap:
            desc += u64(s) + u64(e - s) + u32(t) + u32(0)
        notes += note("KEXECJMP", KJ_NOTE_MEMMAP, desc)
    notes += extra
    eh, ph = (64, 56) if is64 else (52, 32)
    nph = len(loads) + 1
    notes_off = eh + nph * ph
    data_off = (notes_off + len(notes) + 4095) // 4096 * 4096
    b = ehdr(is64, 4, machine, entry if e_entry is None else e_entry, nph, pad)
    b += phdr(is64, 4, notes_off, 0, len(notes), 0)
    off = data_off
    for paddr, filesz, memsz in loads:
        b += phdr(is64, 1, off, paddr, filesz, memsz)
        off += filesz
    b += notes
    return b + bytes(data_off - len(b)) + data


many = [(0x200000 + i * 0x40000, 0x200 + i, 0x3000) for i in range(40)]
few = [(0x200000, 0x1000, 0x1000), (0x300000 + 0x123, 0x800, 0x2000), (0x1000000, 0x3000, 0x100000)]
# the resume note (kdump save's "not resumed", a load's mark) and the disk
# note (include/kdump-image.h)
resume_fresh = note("KEXECJMP", 0x4b4a0003, u32(1) + u32(0) + u64(0) + bytes(16))
resume_marked = note("KEXECJMP", 0x4b4a0003, u32(1) + u32(1) + u64(1700000000) + bytes(range(16)))
disks = note("KEXECJMP", 0x4b4a0004, u32(1) + u32(2) +
             u32(1) + u32(1) + bytes(range(16)) + u64(1) + u64(2) + u64(3) + u64(4) + u64(0) + b"vdb".ljust(32, b"\0") +
             u32(2) + u32(1) + bytes(range(16, 32)) + u64(5 << 32 | 9) + u64(7) + u64(64) + u64(60) + u64(1000) +
             b"vdc1".ljust(32, b"\0"))
images = {
    "image64-notes": kdump_image(many, 0x200010),
    "image64-resume": kdump_image(few, 0x200100, extra=resume_fresh),
    "image64-resumed": kdump_image(few, 0x200100, extra=resume_marked),
    "image64-disks": kdump_image(few, 0x200100, extra=resume_fresh + disks),
    "image64-few": kdump_image(few, 0x200100),
    "image64-nomap": kdump_image(few, 0x200100, memmap=None),
    "image64-plain": kdump_image(few, 0, memmap=None, image_note=False, e_entry=0x200100),
    "image64-nochecks": kdump_image(few, 0x200100, pad=1),
    "image64-zeros": kdump_image([(0x100000, 0x10000, 40 * MiB), (41 * MiB, 0x1000, 0x1000)], 0x100010),
    "image64-i386": kdump_image(few, 0x200100, machine=3),
    "image32-i386": kdump_image(few, 0x200100, is64=False, machine=3),
    "image64-othermap": kdump_image(few, 0x200100, memmap=[(0, 0x9f000, 1), (0x100000, 32 * MiB, 1)]),
}
for name, b in images.items():
    put("resume", name, b)
    put("core", name, b)
# a core whose program header count is in section header 0 (PN_XNUM)
x = bytearray(images["image64-few"])
shoff = len(x)
x[40:48] = u64(shoff)
x[58:60] = u16(64)
x[60:62] = u16(1)
x[56:58] = u16(0xffff)
x += bytes(44) + u32(4) + bytes(64 - 48)
put("core", "image64-pnxnum", x)
put("core", "notes-only", note("VMCOREINFO", 0, b"OSRELEASE=6.1\nPAGESIZE=4096\n") +
    note("CORE", 1, bytes(336)) + note("KEXECJMP", KJ_NOTE_IMAGE, bytes(72)))


def core_cut(path):
    """An ELF core's headers and notes, each PT_LOAD cut to 64 bytes of
    its data: the real layout, small.  (None, []) if not an ELF core."""
    with open(path, "rb") as f:
        head = f.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF" or head[5] != 1 or head[4] not in (1, 2):
            return None, []
        is64 = head[4] == 2
        phoff = struct.unpack_from("<Q" if is64 else "<I", head, 32 if is64 else 28)[0]
        phent, phnum = struct.unpack_from("<HH", head, 54 if is64 else 42)
        if struct.unpack_from("<H", head, 16)[0] != 4 or phent != (56 if is64 else 32) or \
                phoff + phnum * phent > MAX:
            return None, []
        f.seek(0)
        hdr = bytearray(f.read(phoff + phnum * phent))
        tail, texts = bytearray(), []
        for i in range(phnum):
            o = phoff + i * phent
            t = struct.unpack_from("<I", hdr, o)[0]
            if is64:
                off, filesz = struct.unpack_from("<Q", hdr, o + 8)[0], struct.unpack_from("<Q", hdr, o + 32)[0]
            else:
                off, filesz = struct.unpack_from("<I", hdr, o + 4)[0], struct.unpack_from("<I", hdr, o + 16)[0]
            if t == 4:
                cut = min(filesz, 64 << 10)
            elif t == 1:
                cut = min(filesz, 64)
            else:
                continue
            f.seek(off)
            data = f.read(cut)
            cut = len(data)
            if t == 4:
                at = 0
                while at + 12 <= len(data):
                    namesz, descsz, _ = struct.unpack_from("<III", data, at)
                    d = at + 12 + (namesz + 3) // 4 * 4
                    if data[at + 12:at + 12 + namesz].rstrip(b"\0") == b"VMCOREINFO":
                        texts.append(bytes(data[d:d + descsz]))
                    at = d + (descsz + 3) // 4 * 4
            new = len(hdr) + len(tail)
            tail += data
            if is64:
                hdr[o + 8:o + 16] = u64(new)
                hdr[o + 32:o + 40] = u64(cut)
            else:
                hdr[o + 4:o + 8] = u32(new)
                hdr[o + 16:o + 20] = u32(cut)
            if len(hdr) + len(tail) > MAX:
                return None, texts
        return bytes(hdr + tail), texts


ncore = 0
for path in cores:
    cut, texts = core_cut(path)
    tag = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)
    if cut and ncore < 8:
        put("core", tag, cut)
        ncore += 1
    for i, text in enumerate(texts):
        is64 = b"x86_64" in tag.encode() or b"SYMBOL(init_top_pgt)" in text
        put("vmcoreinfo", "%s-%d" % (tag, i), text)
        head = u8(1 if is64 else 0) + u64(1 << 18) + text
        if len(head) <= 4096:
            put("freepages", "%s-%d" % (tag, i), head)
            put("dmesg", "%s-%d" % (tag, i), head)

# ---------------------------------------------------------------- /proc/kcore
def kcore(is64, nloads, text, task=9000):
    """/proc/kcore's start as fs/proc/kcore.c writes it (and
    tests/unit/test-kcore.c make_kcore): a PT_NOTE then PT_LOADs, the
    notes right after the program headers (CORE prstatus, prpsinfo,
    task_struct, then VMCOREINFO when text is not None), data from the
    next page on (left out)."""
    eh, ph = (64, 56) if is64 else (52, 32)
    nph = 1 + nloads
    notes_off = eh + nph * ph
    notes = note("CORE", 1, bytes(336 if is64 else 144)) + \
        note("CORE", 3, bytes(136 if is64 else 124)) + note("CORE", 4, bytes([0x5a]) * task)
    if text is not None:
        notes += note("VMCOREINFO", 0, text)
    data_off = (notes_off + len(notes) + 4095) // 4096 * 4096
    b = ehdr(is64, 4, 62 if is64 else 3, 0, nph)
    b += phdr(is64, 4, notes_off, 0, len(notes), 0)
    for i in range(nloads):
        b += phdr(is64, 1, data_off + i * 0x100000, i * 0x100000, 0x100000, 0x100000)
    return b + notes


KCORE_TEXT = b"OSRELEASE=6.12.118\nPAGESIZE=4096\nSYMBOL(init_uts_ns)=ffffffff82a14a40\n" \
    b"KERNELOFFSET=1000000\n"
put("kcore", "kcore64", kcore(True, 6, KCORE_TEXT))
put("kcore", "kcore32", kcore(False, 4, KCORE_TEXT, task=5000))
put("kcore", "kcore64-pre-4.19", kcore(True, 3, None))
put("kcore", "kcore64-empty-vmcoreinfo", kcore(True, 1, b""))
put("kcore", "kcore64-headers-only", kcore(True, 6, KCORE_TEXT)[:64 + 7 * 56])
for tag, b in list(images.items())[:2]:
    put("kcore", tag, b)
for path in cores:
    cut, texts = core_cut(path)
    for i, text in enumerate(texts[:1]):
        is64 = b"SYMBOL(init_top_pgt)" in text
        put("kcore", "e2e-%s-%s" % (os.path.basename(os.path.dirname(path)), i),
            kcore(is64, 3, text))

# ---------------------------------------------------------------- purgatory
for path in purgatories:
    p = open(path, "rb").read()
    put("purgatory", os.path.basename(path), p)
    put("elf", os.path.basename(path), p)

# ---------------------------------------------------------------- kdump: dumps
MEM_OFF = 4096


def dump(is64, number, text, mem):
    """fuzz.h: flags, number, VMCOREINFO text, memory at FUZZ_MEM_OFFSET."""
    head = u8(1 if is64 else 0) + u64(number) + text.encode()
    assert len(head) <= MEM_OFF
    return head + bytes(MEM_OFF - len(head)) + bytes(mem)


class Mem(bytearray):
    def put(self, pa, v, n):
        if pa + n > len(self):
            self.extend(bytes(pa + n - len(self)))
        self[pa:pa + n] = (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


# test-freepages.c: i386 FLATMEM (mem_map at 0x1000 -> array at 0x10000)
def flat_vi(buddy):
    return ("OSRELEASE=test\nPAGESIZE=4096\n"
            "SYMBOL(_stext)=c0100000\nSYMBOL(mem_map)=c0001000\n"
            "NUMBER(VMALLOC_START)=0xc8800000\n"
            "SIZE(page)=32\nOFFSET(page.flags)=0\nOFFSET(page._mapcount)=24\n"
            "OFFSET(page.private)=20\nLENGTH(zone.free_area)=11\n"
            "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%s\n" % buddy)


for buddy, mark in (("-268435456", 0xf0000000), ("-129", 0xffffff7f), ("-128", 0xffffff80)):
    m = Mem()
    m.put(0x1000, 0xc0000000 + 0x10000, 4)
    for p in range(1024):
        m.put(0x10000 + p * 32 + 24, 0xffffffff, 4)
        m.put(0x10000 + p * 32 + 20, 0x55555555, 4)
    for p, order in ((7, 0), (8, 3), (16, 4), (100, 2), (512, 9), (600, 20)):
        m.put(0x10000 + p * 32 + 24, mark, 4)
        m.put(0x10000 + p * 32 + 20, order, 4)
    put("freepages", "flatmem-i386" + buddy, dump(False, 1024, flat_vi(buddy), m))
    put("vmcoreinfo", "flatmem-i386" + buddy, flat_vi(buddy).encode())

# i386 SPARSEMEM (static): sections of 2^26 bytes, memmaps at 0x10000, 0x90000
m = Mem()
m.put(0x2000, (0xc0000000 + 0x10000) | 0x3, 4)
m.put(0x2008, (0xc0000000 + 0x90000 - 0x4000 * 32) | 0xb, 4)
for p in range(0x4000):
    m.put(0x10000 + p * 32 + 24, 0xffffffff, 4)
for p in range(16):
    m.put(0x90000 + p * 32 + 24, 0xffffffff, 4)
m.put(0x10000 + 0x3ff0 * 32 + 24, 0xf0000000, 4)
m.put(0x10000 + 0x3ff0 * 32 + 20, 4, 4)
m.put(0x90000 + 24, 0xf0000000, 4)
text = ("PAGESIZE=4096\nSYMBOL(_stext)=c1000000\n"
        "SYMBOL(mem_section)=c0002000\nLENGTH(mem_section)=64\n"
        "SIZE(mem_section)=8\nOFFSET(mem_section.section_mem_map)=0\n"
        "NUMBER(SECTION_SIZE_BITS)=26\nNUMBER(MAX_PHYSMEM_BITS)=32\n"
        "SIZE(page)=32\nOFFSET(page.flags)=0\nOFFSET(page._mapcount)=24\n"
        "OFFSET(page.private)=20\nLENGTH(zone.free_area)=11\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n")
put("freepages", "sparsemem-i386", dump(False, 0x4010, text, m))
put("vmcoreinfo", "sparsemem-i386", text.encode())

# x86_64 SPARSEMEM_EXTREME through the default direct map, and through
# 4-level page tables (init_top_pgt at 0x100000 in the kernel text map)
DIRECT = 0xffff888000000000
for variant in ("direct", "pgt"):
    m = Mem()
    m.put(0x2000, DIRECT + 0x3000, 8)                  # root 0 -> sections
    m.put(0x3000, (DIRECT + 0x10000) | 0x3, 8)         # section 0: memmap
    for p in range(1024):
        m.put(0x10000 + p * 64 + 48, 0xffffffff, 4)     # page_type
    for p, order in ((1, 0), (4, 2), (64, 6), (512, 9)):
        m.put(0x10000 + p * 64 + 48, 0xf0000000, 4)
        m.put(0x10000 + p * 64 + 40, order, 8)          # private
    text = ("OSRELEASE=6.12.0\nPAGESIZE=4096\n"
            "SYMBOL(mem_section)=%x\nLENGTH(mem_section)=2048\n"
            "SIZE(mem_section)=16\nOFFSET(mem_section.section_mem_map)=0\n"
            "NUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=46\n"
            "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._mapcount)=48\n"
            "OFFSET(page.private)=40\nLENGTH(zone.free_area)=11\n"
            "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
            "NUMBER(phys_base)=0\nKERNELOFFSET=0\n" % (DIRECT + 0x2000))
    if variant == "direct":
        text += "NUMBER(VMALLOC_START)=0xffffc90000000000\n"
    else:
        # PML4 at 0x20000: direct-map slot -> PDPT 0x21000 -> PD 0x22000 -> 2 MiB page 0
        text += "SYMBOL(init_top_pgt)=ffffffff80020000\nNUMBER(pgtable_l5_enabled)=0\n"
        m.put(0x20000 + ((DIRECT >> 39) & 511) * 8, 0x21000 | 3, 8)
        m.put(0x21000 + ((DIRECT >> 30) & 511) * 8, 0x22000 | 3, 8)
        m.put(0x22000, 0x0 | 0x83, 8)
    put("freepages", "sparsemem-extreme-x86_64-" + variant, dump(True, 1024, text, m))
    put("vmcoreinfo", "sparsemem-extreme-x86_64-" + variant, text.encode())

# test-dmesg.c: a printk ring (Linux 6.12 layouts), moved to low addresses
PA_PRB_PTR, PA_PRB, PA_DESCS, PA_INFOS, PA_DATA = 0x1000, 0x1100, 0x2000, 0x3000, 0x4000
COUNT_BITS, SIZE_BITS = 3, 8
L64 = dict(is64=True, w=8, sz_prb=88, off_dring=0, off_tring=48, off_count_bits=0, off_descs=8,
           off_infos=16, off_head=24, off_tail=32, off_size_bits=0, off_data=8, sz_desc=24,
           off_state=0, off_lpos=8, off_begin=0, off_next=8, sz_info=88, off_ts=8, off_text_len=16)
L32 = dict(is64=False, w=4, sz_prb=44, off_dring=0, off_tring=24, off_count_bits=0, off_descs=4,
           off_infos=8, off_head=12, off_tail=16, off_size_bits=0, off_data=4, sz_desc=12,
           off_state=0, off_lpos=4, off_begin=0, off_next=4, sz_info=88, off_ts=8, off_text_len=16)


def kvirt(L, pa):
    if not L["is64"]:
        return pa + 0xc0000000
    if pa < PA_DESCS:
        return pa + 0xffffffff80000000
    return pa + DIRECT


def dmesg_vi(L):
    return ("OSRELEASE=6.12.0\nPAGESIZE=4096\n"
            "SYMBOL(prb)=%x\n"
            "SIZE(printk_ringbuffer)=%u\n"
            "OFFSET(printk_ringbuffer.desc_ring)=%u\n"
            "OFFSET(printk_ringbuffer.text_data_ring)=%u\n"
            "OFFSET(printk_ringbuffer.fail)=%u\n"
            "SIZE(prb_desc_ring)=%u\n"
            "OFFSET(prb_desc_ring.count_bits)=%u\n"
            "OFFSET(prb_desc_ring.descs)=%u\n"
            "OFFSET(prb_desc_ring.infos)=%u\n"
            "OFFSET(prb_desc_ring.head_id)=%u\n"
            "OFFSET(prb_desc_ring.tail_id)=%u\n"
            "SIZE(prb_desc)=%u\n"
            "OFFSET(prb_desc.state_var)=%u\n"
            "OFFSET(prb_desc.text_blk_lpos)=%u\n"
            "SIZE(prb_data_blk_lpos)=%u\n"
            "OFFSET(prb_data_blk_lpos.begin)=%u\n"
            "OFFSET(prb_data_blk_lpos.next)=%u\n"
            "SIZE(printk_info)=%u\n"
            "OFFSET(printk_info.seq)=0\n"
            "OFFSET(printk_info.ts_nsec)=%u\n"
            "OFFSET(printk_info.text_len)=%u\n"
            "SIZE(prb_data_ring)=%u\n"
            "OFFSET(prb_data_ring.size_bits)=%u\n"
            "OFFSET(prb_data_ring.data)=%u\n"
            "SIZE(atomic_long_t)=%u\n"
            "OFFSET(atomic_long_t.counter)=0\n"
            "NUMBER(phys_base)=0\n"
            "KERNELOFFSET=0\n") % (
        kvirt(L, PA_PRB_PTR), L["sz_prb"], L["off_dring"], L["off_tring"],
        L["sz_prb"] - L["w"], L["off_tring"] - L["off_dring"], L["off_count_bits"],
        L["off_descs"], L["off_infos"], L["off_head"], L["off_tail"], L["sz_desc"],
        L["off_state"], L["off_lpos"], 2 * L["w"], L["off_begin"], L["off_next"], L["sz_info"],
        L["off_ts"], L["off_text_len"], 4 * L["w"], L["off_size_bits"], L["off_data"], L["w"])


def dmesg_ring(L, tail):
    m = Mem()
    w = L["w"]
    idm = ((1 << 64) - 1 if L["is64"] else 0xffffffff) >> 2
    size = 1 << SIZE_BITS
    lap = 7 * size
    head = (tail + 6) & idm
    m.put(PA_PRB_PTR, kvirt(L, PA_PRB), w)
    d, t = PA_PRB + L["off_dring"], PA_PRB + L["off_tring"]
    m.put(d + L["off_count_bits"], COUNT_BITS, 4)
    m.put(d + L["off_descs"], kvirt(L, PA_DESCS), w)
    m.put(d + L["off_infos"], kvirt(L, PA_INFOS), w)
    m.put(d + L["off_head"], head, w)
    m.put(d + L["off_tail"], tail, w)
    m.put(t + L["off_size_bits"], SIZE_BITS, 4)
    m.put(t + L["off_data"], kvirt(L, PA_DATA), w)

    def rec(rid, st, begin, nxt, ts, text_len, text):
        idx = rid & ((1 << COUNT_BITS) - 1)
        dd, ii = PA_DESCS + idx * L["sz_desc"], PA_INFOS + idx * L["sz_info"]
        at = 0 if begin % size > nxt % size else begin % size
        m.put(dd + L["off_state"], (st << (w * 8 - 2)) | (rid & idm), w)
        m.put(dd + L["off_lpos"] + L["off_begin"], begin, w)
        m.put(dd + L["off_lpos"] + L["off_next"], nxt, w)
        m.put(ii + L["off_ts"], ts, 8)
        m.put(ii + L["off_text_len"], text_len, 2)
        if text is not None:
            m.put(PA_DATA + at, rid, w)
            m[PA_DATA + at + w:PA_DATA + at + w + len(text)] = text
    rec(tail, 2, lap + 64, lap + 96, 0, 18, b"Linux version 6.12")
    rec((tail + 1) & idm, 1, lap + 96, lap + 112, 1500000000, 3, b"a\nb")
    rec((tail + 2) & idm, 0, lap + 112, lap + 128, 5, 4, b"junk")
    rec((tail + 3) & idm, 2, lap + size - 16, lap + size + 40, 2000001, 14, b"wrapped record")
    rec((tail + 4) & idm, 2, lap + 128, lap + 144, 123456789012345678, 7, b"x\001\351\ty\177\r")
    rec((tail + 5) & idm, 2, lap + 144, lap + 144 + w + 8, 999999999, 100, b"truncated-text")
    rec((tail + 6) & idm, 1, 1, 1, 7, 0, None)
    m.put(PA_DATA + size, 0, 1)
    return m


for name, L, tail in (("x86_64", L64, 5), ("i386", L32, 5), ("i386-idwrap", L32, 0x3ffffffd),
                      ("x86_64-idwrap", L64, 0x3ffffffffffffffd)):
    put("dmesg", name, dump(L["is64"], 0, dmesg_vi(L), dmesg_ring(L, tail)))
put("vmcoreinfo", "dmesg-x86_64", dmesg_vi(L64).encode())
put("vmcoreinfo", "dmesg-i386", dmesg_vi(L32).encode())
put("vmcoreinfo", "odd-lines", b"A=1\r\nA=2\n=x\nnoeq\nB=\x01\nSYMBOL(x)=0xffffffffffffffff\n"
    b"NUMBER(y)=-9223372036854775808\n\0after=nul\n")

# test-kdump.c: the kexec jump swap list (x86_64 and i386)
swap = [0x1000000 | 1, 0x9000 | 8, 0xa000 | 8, 0x2000000 | 1, 0xb000 | 8, 4]
for is64, entry, head in ((True, 0x50f2, 0x30), (False, 0x50d7, 0x1c)):
    w = 8 if is64 else 4
    m = Mem()
    m.put(0x5000 + 2048 + head, 0x7000 | 2, w)
    for i, v in enumerate(swap):
        m.put(0x7000 + w * i, v, w)
    m.put(0xc000, 0, 8)
    put("swapmap", "list-" + ("x86_64" if is64 else "i386"), dump(is64, entry, "", m))
    # two indirection pages
    m.put(0x7000 + w * 5, 0x8000 | 2, w)
    m.put(0x8000, 0x3000000 | 1, w)
    m.put(0x8000 + w, 0xc000 | 8, w)
    m.put(0x8000 + 2 * w, 4, w)
    put("swapmap", "list2-" + ("x86_64" if is64 else "i386"), dump(is64, entry, "", m))
# a long list in descending order (i386: 4-byte words, the list at 0x6000,
# as much of it as MAX allows): the sort must not be quadratic
m = Mem()
m.put(0x5000 + 2048 + 0x1c, 0x6000 | 2, 4)
n = (MAX - MEM_OFF - 0x6000 - 8) // 8
for i in range(n):
    m.put(0x6000 + 8 * i, ((n - i) << 12) | 1, 4)
    m.put(0x6000 + 8 * i + 4, ((0x80000 + i) << 12) | 8, 4)
m.put(0x6000 + 8 * n, 4, 4)
put("swapmap", "descending-i386", dump(False, 0x50d7, "", m))

# ---------------------------------------------------------------- plan, stage
# fuzz-plan: the QEMU map, place everywhere, then the x86 loader's requests
ops = b""
ops += u8(0) + u64(0x2000000) + u8(21) + u64(0x1000000) + u64(2 ** 64 - 1)          # kernel
ops += u8(0x80) + u64(0x800000) + u8(12) + u64(0x100000) + u64(0x38000000)          # initrd
ops += u8(0x80) + u64(0x3000) + u8(12) + u64(0x100000) + u64(0x100000000)           # boot_params
ops += u8(0x80) + u64(0x5000) + u8(12) + u64(0x100000) + u64(0x100000000)           # purgatory
ops += u8(3) + u64(0x10000)
qemu = [(s, e + 1, t) for s, e, t in QEMU_MAP]
plan_head = mm_bytes(qemu) + u64(0) + u64(2 ** 64 - 1) + u32(0x20000) + u64((1 << 46) - 1)
put("plan", "qemu-x86_64", plan_head + ops)
put("plan", "confined", mm_bytes(qemu) + u64(0x1000000) + u64(0x6000000) + u32(0x20000) +
    u64(0xffffffff) + ops + u8(2) + u64(0x8000) + u64(0x1000) + u32(0x1000))
put("plan", "find-in", plan_head + u8(1) + u64(0x100000) + u64(0x200000) + u64(0x1000) + u8(12) +
    u8(0x81) + u64(0x100000) + u64(0x200000) + u64(0x1000) + u8(12) +
    u8(2) + u64(0x100000) + u64(0x100000) + u32(0x1000))


def stage_input(mm, loads, place=(0, 2 ** 64 - 1), limit=2 ** 64 - 1, max_areas=14,
                resv=(0, 0), gap=0):
    b = mm_bytes(mm) + u64(place[0]) + u64(place[1]) + u64(limit) + u8(max_areas) + \
        u64(resv[0]) + u64(resv[1])
    off = 4096
    for paddr, filesz, memsz in loads:
        b += u64(paddr) + u64(filesz) + u64(memsz) + u64(off)
        off += filesz + gap
    return b


r300 = [(0x100000 + i * 0x20000 + (i % 3) * 100, 0x3000 + (i % 5) * 777, 0)
        for i in range(300)]
r300 = [(p, f, f + (i % 4) * 0x1000 + (i % 2) * 5) for i, (p, f, _) in enumerate(r300)]
put("stage", "many-ranges", stage_input(STAGE_MAP, r300))
put("stage", "discontiguous", stage_input(STAGE_MAP, [(0x100000, 0x1000, 0x1000), (0x101000, 0x800, 0x1000),
                                                      (0x200000, 0x1000, 0x1000),
                                                      (64 * MiB - 0x1000, 0x1000, 0x1000)], gap=512))
put("stage", "staged-in-zeros", stage_input(STAGE_MAP, [
    (0x100000, 0x100000, 64 * MiB - 0x100000 - 0x300000 + 0x123),
    (64 * MiB - 0x200000 + 0x123, 0x1000, 0x1000),
    (64 * MiB - 0x1f0000, 0x1f0000, 0x1f0000)]))
put("stage", "reserved", stage_input(STAGE_MAP, few, resv=(0x2000000, 0x10000), max_areas=3))
put("stage", "no-room", stage_input([(0, 0x9f000, 1), (0x100000, 4 * MiB, 1)],
                                    [(0x100000, 0x200000, 0x200000), (0x300000, 0x100000, 0x100000)]))

# ---------------------------------------------------------------- decompress
text = b"".join(b"line %d of a kernel that is not one\n" % i for i in range(2000))
put("decompress", "text.gz", gzip.compress(text))
put("decompress", "text.xz", lzma.compress(text, format=lzma.FORMAT_XZ))
put("decompress", "text-crc32.xz", lzma.compress(text, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32))
put("decompress", "empty.gz", gzip.compress(b""))
put("decompress", "empty.xz", lzma.compress(b"", format=lzma.FORMAT_XZ))
put("decompress", "truncated.gz", gzip.compress(text)[:100])
put("decompress", "two-streams.xz", lzma.compress(b"a" * 1000, format=lzma.FORMAT_XZ) * 2)
put("decompress", "plain", b"not compressed")
