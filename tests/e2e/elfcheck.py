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
