#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a known-good kexec_load record (the shim's format) without running
any kexec, for testing check-load.py itself.

    mkrecord.py --arch x86_64|i386 --root FAKEROOT --kernel BZIMAGE
                [--initrd FILE]... [--cmdline STR] [--make-kernel] OUTDIR

--make-kernel first writes a small synthetic bzImage to BZIMAGE (setup
header with HdrS, random protected-mode payload), so no real kernel is
needed.
"""
import argparse
import hashlib
import importlib.util
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("check_load", os.path.join(here, "check-load.py"))
cl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cl)

PAGE = 4096


def up(n, a=PAGE):
    return (n + a - 1) // a * a


def make_kernel(path):
    setup = bytearray(5 * 512)  # setup_sects = 4
    setup[0x1F1] = 4
    setup[0x1FE:0x200] = b"\x55\xaa"
    setup[0x200:0x202] = b"\xeb\x66"  # jmp over the header (ends at 0x268)
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, 0x020F)
    struct.pack_into("<B", setup, 0x211, 0x01)  # loadflags: LOADED_HIGH
    struct.pack_into("<I", setup, 0x22C, 0x7FFFFFFF)  # initrd_addr_max
    struct.pack_into("<I", setup, 0x230, 0x200000)  # kernel_alignment
    struct.pack_into("<B", setup, 0x234, 1)  # relocatable_kernel
    struct.pack_into("<H", setup, 0x236, 0x3)  # xloadflags
    struct.pack_into("<I", setup, 0x238, 2047)  # cmdline_size
    struct.pack_into("<I", setup, 0x260, 0x800000)  # init_size
    with open(path, "wb") as f:
        f.write(bytes(setup) + os.urandom(300 * 1024 + 17))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--arch", required=True, choices=["x86_64", "i386"])
    ap.add_argument("--root", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", action="append", default=[])
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--make-kernel", action="store_true")
    a = ap.parse_args()

    if a.make_kernel:
        make_kernel(a.kernel)
    with open(a.kernel, "rb") as f:
        vmlinuz = f.read()
    ss = vmlinuz[0x1F1] or 4
    pm = vmlinuz[(ss + 1) * 512:]
    initrd = b""
    for p in a.initrd:
        with open(p, "rb") as f:
            initrd += f.read()
    mmap, _ = cl.memory_map(a.root)
    ram_top = max(s + n for s, n, t in mmap if t == 1 and s + n <= 1 << 32)

    kmem = 0x1000000
    kmemsz = max(up(cl.u32(vmlinuz, 0x260)), up(len(pm)))
    pmem = (ram_top - 0x10000) & ~(PAGE - 1)
    bpmem = pmem - 0x2000
    imem = (bpmem - up(len(initrd)) - PAGE) & ~(PAGE - 1)

    # boot_params: setup header copied from the image, then the loader's fields
    bp = bytearray(PAGE)
    hdr_end = 0x202 + vmlinuz[0x201]
    bp[0x1F1:hdr_end] = vmlinuz[0x1F1:hdr_end]
    bp[0x210] = 0xFF  # type_of_loader
    cmdaddr = bpmem + PAGE
    struct.pack_into("<I", bp, 0x228, cmdaddr & 0xFFFFFFFF)
    struct.pack_into("<I", bp, 0x0C8, cmdaddr >> 32)
    if initrd:
        struct.pack_into("<II", bp, 0x218, imem & 0xFFFFFFFF, len(initrd) & 0xFFFFFFFF)
        struct.pack_into("<II", bp, 0x0C0, imem >> 32, len(initrd) >> 32)
    bp[0x1E8] = len(mmap)
    for i, (s, n, t) in enumerate(mmap):
        struct.pack_into("<QQI", bp, 0x2D0 + 20 * i, s, n, t)
    bpseg = bytes(bp) + a.cmdline.encode() + b"\0"

    segs = [(kmem, kmemsz, pm)]
    if initrd:
        segs.append((imem, up(len(initrd)), initrd))
    segs.append((bpmem, 0x2000, bpseg))

    h = bytearray(cl.PURGATORY_HEADER_SIZE)
    struct.pack_into("<III", h, 0, cl.PURGATORY_MAGIC, cl.PURGATORY_ABI_VERSION,
                     cl.PURGATORY_HEADER_SIZE)
    sha = hashlib.sha256()
    regions = [(m, len(d)) for m, _, d in segs]
    for m, _, d in segs:  # the digest of the regions' digests
        sha.update(hashlib.sha256(d).digest())
    struct.pack_into("<I", h, cl.OFF_NR_REGIONS, len(regions))
    if cl.cpu_has_shani():  # what the tool sets on this CPU
        struct.pack_into("<I", h, cl.OFF_FLAGS, cl._ABI["PURGATORY_FLAG_SHA_NI"])
    h[cl.OFF_SHA256:cl.OFF_SHA256 + 32] = sha.digest()
    for i, (m, n) in enumerate(regions):
        struct.pack_into("<QQ", h, cl.OFF_REGIONS + 16 * i, m, n)
    if a.arch == "x86_64":
        struct.pack_into("<I", h, cl.OFF_ENTRY_MODE, cl.ENTRY_64)
        struct.pack_into("<Q", h, cl.OFF_REGS64 + 8 * cl.REGS64.index("rsi"), bpmem)
        struct.pack_into("<Q", h, cl.OFF_REGS64 + 8 * cl.REGS64.index("rip"), kmem + 0x200)
    else:
        struct.pack_into("<I", h, cl.OFF_ENTRY_MODE, cl.ENTRY_32)
        struct.pack_into("<I", h, cl.OFF_REGS32 + 4 * cl.REGS32.index("esi"), bpmem)
        struct.pack_into("<I", h, cl.OFF_REGS32 + 4 * cl.REGS32.index("eip"), kmem)
    purg = bytes(h) + b"\xf4" * 64  # "code": hlt
    segs.append((pmem, 0x2000, purg))
    entry = pmem + 0x200

    os.makedirs(a.out, exist_ok=True)
    flags = cl.KEXEC_ARCH[a.arch]
    call = f"syscall=kexec_load entry={entry:#x} nr_segments={len(segs)} flags={flags:#x}\n"
    with open(os.path.join(a.out, "call"), "w") as f:
        f.write(call)
    with open(os.path.join(a.out, "calls"), "w") as f:
        f.write("1\n")
    with open(os.path.join(a.out, "segments"), "w") as f:
        for i, (m, msz, d) in enumerate(segs):
            f.write(f"{i} mem={m:#x} memsz={msz:#x} bufsz={len(d):#x}\n")
            with open(os.path.join(a.out, f"seg{i}.bin"), "wb") as sf:
                sf.write(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
