"""Shared pieces of the host-side checkers (check-vmcore.py, check-image.py):
one line per check with a failure count, the program headers of an ELF
file (32- or 64-bit), and the pattern page a scenario's guest announced."""
import re
import struct


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, name, ok, detail):
        print(("ok   " if ok else "FAIL ") + name + ": " + detail)
        if not ok:
            self.failed += 1

    def exit_code(self):
        return 1 if self.failed else 0


def read_log(path):
    return open(path, "rb").read().decode("latin-1").replace("\r", "")


def pattern(text):
    """(phys, token) from KJ-PATTERN phys=... token=..., or None."""
    m = re.search(r"KJ-PATTERN phys=(0x[0-9a-f]+) token=(\S+)", text)
    return (int(m.group(1), 16), m.group(2).encode()) if m else None


def program_headers(f):
    """(is64, loads, notes) of the open ELF file f, or None if it is not one:
    loads are (offset, paddr, filesz), notes (offset, filesz)."""
    f.seek(0)
    eh = f.read(64)
    if eh[:4] != b"\x7fELF" or eh[4] not in (1, 2):
        return None
    is64 = eh[4] == 2
    if is64:
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    else:
        phoff, = struct.unpack_from("<I", eh, 28)
        phentsize, phnum = struct.unpack_from("<HH", eh, 42)
    f.seek(phoff)
    ph = f.read(phentsize * phnum)
    loads, notes = [], []
    for i in range(phnum):
        if is64:
            t, _, off, _, paddr, filesz, _ = struct.unpack_from("<IIQQQQQ", ph, i * phentsize)
        else:
            t, off, _, paddr, filesz, _ = struct.unpack_from("<IIIIII", ph, i * phentsize)
        if t == 1:
            loads.append((off, paddr, filesz))
        elif t == 4:
            notes.append((off, filesz))
    return is64, loads, notes


def page_at(f, loads, phys):
    """The 4096 bytes saved for physical address phys, and their file
    offset, or (None, None) when no PT_LOAD holds data there."""
    for off, paddr, filesz in loads:
        if paddr <= phys < paddr + filesz:
            f.seek(off + phys - paddr)
            return f.read(4096), off + phys - paddr
    return None, None


def notes_of(f, notes):
    """[(name, type, desc)] of the PT_NOTEs notes (offset, filesz) of the
    open file f; a note running past its PT_NOTE ends the walk."""
    out = []
    for off, filesz in notes:
        f.seek(off)
        b = f.read(filesz)
        at = 0
        while at + 12 <= len(b):
            namesz, descsz, t = struct.unpack_from("<III", b, at)
            d = at + 12 + (namesz + 3) // 4 * 4
            end = d + (descsz + 3) // 4 * 4
            if namesz == 0 or d + descsz > len(b):
                break
            out.append((b[at + 12:at + 12 + namesz].rstrip(b"\0"), t, b[d:d + descsz]))
            at = end
    return out


def vmcoreinfo_check(c, f, notes, text):
    """One check: the file has exactly one VMCOREINFO note, and it is A's:
    text lines only, starting with OSRELEASE= A's release (the KJ-BEGIN
    stage=1 line of the serial log text)."""
    m = re.search(r"KJ-BEGIN stage=1 \S+ (\S+)", text)
    vi = [d for n, t, d in notes_of(f, notes) if n == b"VMCOREINFO" and t == 0]
    want = b"OSRELEASE=" + m.group(1).encode() + b"\n" if m else None
    ok = (want is not None and len(vi) == 1 and vi[0].startswith(want) and
          vi[0].endswith(b"\n") and all(0x20 <= ch < 0x7f or ch == 0x0a for ch in vi[0]))
    c.check("vmcoreinfo", ok,
            f"{len(vi)} VMCOREINFO note(s), "
            + (f"{len(vi[0])} bytes starting {vi[0][:40]!r}" if vi else "none")
            + (f"; want text starting {want!r}" if not ok else ""))
