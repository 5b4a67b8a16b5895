#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make the bad input files of the host tests' bad-input cases.

    mkbad.py DIR BZIMAGE

writes into DIR, from a real bzImage:
  trunc16k.bzImage   the first 16 KiB (the classic silent failure)
  truncsetup.bzImage the setup sectors only
  oldproto.bzImage   boot protocol 2.05 (too old: no relocatable kernel)
  magic.bin          no kernel magic at all
  trunc.elf          an ELF program whose segment runs past the end
  overlap.elf        two PT_LOADs on the same memory
  absurd.elf         a PT_LOAD of 2^63 bytes
  entry.elf          an entry outside every segment
  core-damaged.elf   a kdump image whose data does not match its digest
  core-good.elf      an intact kdump image of one page (the others' source)
  core-once.elf      the same, to be loaded twice (the second load refused)
  core-resumed.elf   ... whose resume note says it was loaded at 1700000000
  core-resume-bad.elf ... whose resume note has a time but no flag (damaged)
  core-disk-gone.elf ... whose disk note names an ext4 UUID no disk has
  core-disks-none.elf ... whose disk note names none
  prog.elf           a one-page ELF program at 48 MiB
  core-othermap.elf  a kdump image of a machine with other RAM
  huge.initrd        a sparse 300 MiB initrd (more than half of 512 MiB)
  core-huge.elf      a saved image (KEXECJMP note) holding 300 MiB (sparse)
  core-zeros.elf     the same without notes: 300 MiB of zero pages
  core-frag.elf      a saved image touching every other page of RAM: the
                     memory it leaves alone is 65520 single pages, too
                     fragmented to stage its 64 KiB in 14 segments
  core-notename.elf  a kdump image whose image note's name has a bit flipped
  core-namesz.elf    ... whose image note's n_namesz is 8, not 9
  core-descsz.elf    ... whose image note's n_descsz is 76, not 72
  core-nonote.elf    ... whose PT_NOTE became PT_NULL (p_type bit flipped)
  (each of the four with damaged data too: with the checks off, it loads)
  cmdline-big.txt    a 3000-byte command line: over the Debian kernel's
                     cmdline_size (2047), under kexec_file_load's old 4095
"""
import hashlib
import os
import struct
import sys

out, bz = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
k = open(bz, "rb").read()


def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


put("trunc16k.bzImage", k[:16384])
setup_sects = k[0x1f1] or 4
put("truncsetup.bzImage", k[:(setup_sects + 1) * 512])
old = bytearray(k)
struct.pack_into("<H", old, 0x206, 0x0205)
put("oldproto.bzImage", bytes(old))
put("magic.bin", b"\x00" * 8192)


def elf(loads, entry, etype=2, notes=b""):
    """ELF64 x86_64: loads = [(paddr, data, memsz, fileoff_override)]."""
    nph = len(loads) + (1 if notes else 0)
    hdr = 64 + 56 * nph
    body = bytearray()
    phs = []
    off = (hdr + 4095) & ~4095
    if notes:
        phs.append(struct.pack("<IIQQQQQQ", 4, 0, off, 0, 0, len(notes), len(notes), 4))
        body += notes
        off += len(notes)
    for paddr, data, memsz, fo in loads:
        phs.append(struct.pack("<IIQQQQQQ", 1, 7, fo if fo is not None else off, paddr, paddr,
                               len(data), memsz, 4096))
        body += data
        off += len(data)
    eh = bytearray(64)
    eh[0:4] = b"\x7fELF"
    eh[4], eh[5], eh[6] = 2, 1, 1
    struct.pack_into("<HHIQQQIHHHHHH", eh, 16, etype, 62, 1, entry, 64, 0, 0, 64, 56, nph, 0, 0, 0)
    f = bytes(eh) + b"".join(phs)
    f += b"\x00" * (((hdr + 4095) & ~4095) - len(f))
    return f + bytes(body)


code = b"\xf4" * 4096
put("trunc.elf", elf([(0x3000000, code, 4096, None)], 0x3000000)[:-2048])
put("overlap.elf", elf([(0x3000000, code, 8192, None), (0x3001000, code, 4096, None)], 0x3000000))
absurd = bytearray(elf([(0x3000000, code, 4096, None)], 0x3000000))
struct.pack_into("<Q", absurd, 64 + 40, 1 << 63)  # p_memsz
put("absurd.elf", bytes(absurd))
put("entry.elf", elf([(0x3000000, code, 4096, None)], 0x9000000))


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def resume_note(flags=0, when=0, boot_id=b"\0" * 16):
    """KJ_NOTE_RESUME: as kdump save writes it (0, 0), or as a load left it."""
    return note("KEXECJMP", 0x4b4a0003, struct.pack("<IIQ", 1, flags, when) + boot_id)


def disks_note(entries):
    """KJ_NOTE_DISKS: entries = [(type, use, uuid16, marks5, dev)]."""
    d = struct.pack("<II", 1, len(entries))
    for t, use, uuid, marks, dev in entries:
        d += struct.pack("<II", t, use) + uuid + struct.pack("<5Q", *marks) + dev.encode().ljust(32, b"\0")
    return note("KEXECJMP", 0x4b4a0004, d)


def kdump_image(data, ram_end, damage=False, resume=None, extra=b""):
    sha = hashlib.sha256(data).digest()
    img = struct.pack("<IIQQQQ", 1, 0, 0x3000010, len(data), 0, 0) + sha
    mm = struct.pack("<II", 1, 3) + b"".join(
        struct.pack("<QQII", s, n, t, 0) for s, n, t in
        [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0x100000, ram_end - 0x100000, 1)])
    notes = (note("KEXECJMP", 0x4b4a0002, img) + (resume if resume is not None else resume_note()) +
             note("KEXECJMP", 0x4b4a0001, mm) + extra)
    if damage:
        data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
    return elf([(0x3000000, data, len(data), None)], 0x3000010, etype=4, notes=notes)


put("core-damaged.elf", kdump_image(code, 0x1ffe0000, damage=True))
# damaged notes: each with damaged data, which checks would refuse
bad_img = bytearray(kdump_image(code, 0x1ffe0000, damage=True))
note_at = 4096  # elf() puts the notes on the first page after the headers
for name, at, mask in [("core-notename.elf", note_at + 12 + 3, 0x02),  # name byte 3
                       ("core-namesz.elf", note_at, 0x01),             # 9 -> 8
                       ("core-descsz.elf", note_at + 4, 0x04),          # 72 -> 76
                       ("core-nonote.elf", 64, 0x04)]:                  # PT_NOTE -> PT_NULL
    v = bytearray(bad_img)
    v[at] ^= mask
    put(name, bytes(v))
put("cmdline-big.txt", b"x" * 3000)
put("core-othermap.elf", kdump_image(code, 0x3ffe0000))
put("core-good.elf", kdump_image(code, 0x1ffe0000))
# the resume note and the disk note
put("core-once.elf", kdump_image(code, 0x1ffe0000))
put("core-resumed.elf", kdump_image(code, 0x1ffe0000, resume=resume_note(1, 1700000000)))
put("core-resume-bad.elf", kdump_image(code, 0x1ffe0000, resume=resume_note(0, 1700000000)))
put("core-disk-gone.elf", kdump_image(code, 0x1ffe0000, extra=disks_note(
    [(1, 1, bytes.fromhex("deadbeef00000000000000000000beef"), (1, 2, 3, 4, 0), "vdz9")])))
put("core-disks-none.elf", kdump_image(code, 0x1ffe0000, extra=disks_note([])))
put("prog.elf", elf([(0x3000000, code, 8192, None)], 0x3000010))
with open(os.path.join(out, "huge.initrd"), "wb") as f:
    f.truncate(300 << 20)


def core_layout(loads, entry, notes=b""):
    """A core of many PT_LOADs: loads = [(paddr, filesz, memsz)], data zero
    (written sparse) at consecutive offsets after the headers; with notes,
    a PT_NOTE first holding them (right after the program headers)."""
    nph = len(loads) + (1 if notes else 0)
    hdr = 64 + 56 * nph
    off = (hdr + len(notes) + 4095) & ~4095
    eh = bytearray(64)
    eh[0:4] = b"\x7fELF"
    eh[4], eh[5], eh[6] = 2, 1, 1
    struct.pack_into("<HHIQQQIHHHHHH", eh, 16, 4, 62, 1, entry, 64, 0, 0, 64, 56, nph, 0, 0, 0)
    phs = bytearray()
    if notes:
        phs += struct.pack("<IIQQQQQQ", 4, 0, hdr, 0, 0, len(notes), len(notes), 4)
    for paddr, filesz, memsz in loads:
        phs += struct.pack("<IIQQQQQQ", 1, 7, off, paddr, paddr, filesz, memsz, 4096)
        off += filesz
    return bytes(eh) + bytes(phs) + notes, off


def put_sparse(name, head, size):
    with open(os.path.join(out, name), "wb") as f:
        f.write(head)
        f.truncate(size)


# kdump save's image (its KEXECJMP note) of 300 MiB: saved with its zero
# pages as data (--no-exclude), so they are staged and it is over half
huge_note = note("KEXECJMP", 0x4b4a0002,
                 struct.pack("<IIQQQQ", 1, 0, 0x1000000, 300 << 20, 0, 0) + b"\x5a" * 32) + resume_note()
head, size = core_layout([(0x1000000, 300 << 20, 300 << 20)], 0x1000000, huge_note)
put_sparse("core-huge.elf", head, size)
# the same without notes (a copy of /proc/vmcore): its zero pages become
# zero fills, nothing is staged
vmcoreinfo = note("VMCOREINFO", 0, b"OSRELEASE=6.1.0-0-amd64\nPAGESIZE=4096\n")
head, size = core_layout([(0x1000000, 300 << 20, 300 << 20)], 0x1000000, vmcoreinfo)
put_sparse("core-zeros.elf", head, size)
head, size = core_layout([(0x100000 + 2 * i * 4096, 1, 4096)
                          for i in range((0x1ffe0000 - 0x100000) // 8192)], 0x100000, vmcoreinfo)
put_sparse("core-frag.elf", head, size)
