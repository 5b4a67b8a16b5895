#!/usr/bin/env python3
"""Host-side check of a /proc/vmcore copy (jump-vmcore scenarios).

    check-vmcore.py IMAGE SERIAL_LOG

From the serial log: the pattern page (KJ-PATTERN phys=... token=...), and
A's RAM and the segments of the load, both from the KJ-PLAN lines (kexec
--dry-run with the same arguments: its "map" and segment lines).
Checks, with readelf -l -n as well as by reading the ELF itself: PT_LOADs
present, a VMCOREINFO note, the PT_LOAD sizes adding up to A's RAM outside
every segment, and the token at the file offset of the pattern's physical
address.  Prints one line per check; exits 1 on any failure.
"""
import re
import struct
import subprocess
import sys

img, log = sys.argv[1], sys.argv[2]
text = open(log, "rb").read().decode("latin-1").replace("\r", "")
failed = 0


def check(name, ok, detail):
    global failed
    print(("ok   " if ok else "FAIL ") + name + ": " + detail)
    if not ok:
        failed += 1


m = re.search(r"KJ-PATTERN phys=(0x[0-9a-f]+) token=(\S+)", text)
check("pattern-line", m is not None, m.group(0) if m else "no KJ-PATTERN line in the log")
phys, token = (int(m.group(1), 16), m.group(2).encode()) if m else (0, b"")

ram = 0
for a, b in re.findall(r"KJ-PLAN +map (0x[0-9a-f]+)-(0x[0-9a-f]+) System RAM", text):
    ram += int(b, 16) - int(a, 16)
segs = 0
for memsz in re.findall(r"KJ-PLAN +\d+: mem \S+ memsz (0x[0-9a-f]+)", text):
    segs += int(memsz, 16)
check("a-memory", ram > 0 and segs > 0, f"A's RAM {ram:#x}, segments {segs:#x}")

with open(img, "rb") as f:
    eh = f.read(64)
    ok = eh[:4] == b"\x7fELF" and eh[4] in (1, 2)
    is64 = ok and eh[4] == 2
    check("elf", ok, ("ELF%d core header at the start of the disk" % (64 if is64 else 32))
          if ok else f"starts with {eh[:8]!r}")
    if not ok:
        sys.exit(1)
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
    total = sum(x[2] for x in loads)
    check("pt-load-sum", total == ram - segs and total > 0,
          f"{len(loads)} PT_LOADs, {total:#x} bytes; A's RAM outside the segments {ram - segs:#x}")
    hit = [x for x in loads if x[1] <= phys < x[1] + x[2]]
    if hit:
        off, paddr, _ = hit[0]
        f.seek(off + phys - paddr)
        page = f.read(4096)
        want = token * (4096 // len(token)) if token else b""
        check("pattern", page == want, f"page at {phys:#x} (file offset {off + phys - paddr:#x}) "
              + ("holds the token" if page == want else f"holds {page[:32]!r}..."))
    else:
        check("pattern", False, f"no PT_LOAD covers {phys:#x}")

out = subprocess.run(["readelf", "-l", "-n", "-W", img], capture_output=True, text=True)
check("readelf-loads", out.stdout.count("LOAD ") == len(loads) and len(loads) > 0,
      f"readelf lists {out.stdout.count('LOAD ')} LOAD headers")
check("readelf-vmcoreinfo", "VMCOREINFO" in out.stdout, "VMCOREINFO note"
      + (" present" if "VMCOREINFO" in out.stdout else " missing"))
check("readelf-kexecjmp", "KEXECJMP" in out.stdout, "KEXECJMP memory-map note"
      + (" present" if "KEXECJMP" in out.stdout else " missing"))
sys.exit(1 if failed else 0)
