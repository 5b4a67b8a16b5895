#!/usr/bin/env python3
"""Host-side check of an image written by kdump save (jump-save scenarios).

    check-image.py IMAGE SERIAL_LOG KDUMP

readelf reads the image; `kdump info` shows a recorded entry equal to
kexec_jump_back_entry= in kernel B (KJ-B-ENTRY in the log); the pattern
page (KJ-PATTERN phys=... token=...) is in the image as data at its
physical address.  One line per check; exit 1 on any failure.
"""
import re
import struct
import subprocess
import sys

img, log, kdump = sys.argv[1:4]
text = open(log, "rb").read().decode("latin-1").replace("\r", "")
failed = 0


def check(name, ok, detail):
    global failed
    print(("ok   " if ok else "FAIL ") + name + ": " + detail)
    if not ok:
        failed += 1


out = subprocess.run(["readelf", "-h", "-l", "-n", "-W", img], capture_output=True, text=True)
check("readelf", out.returncode == 0 and "LOAD" in out.stdout,
      f"readelf exit {out.returncode}, {out.stdout.count('LOAD ')} LOAD headers")
check("notes", "KEXECJMP" in out.stdout and "VMCOREINFO" in out.stdout,
      "KEXECJMP and VMCOREINFO notes" + (" present" if "KEXECJMP" in out.stdout else " missing"))

m = re.search(r"KJ-B-ENTRY (0x[0-9a-f]+)", text)
entry = int(m.group(1), 16) if m else None
info = subprocess.run([kdump, "info", "--verify", img], capture_output=True, text=True)
for line in info.stdout.splitlines():
    if not line.startswith("  load "):   # the summary, not every range
        print("    " + line)
mi = re.search(r"^entry: (0x[0-9a-f]+)", info.stdout, re.M)
check("info", info.returncode == 0 and "verified" in info.stdout,
      f"kdump info --verify exit {info.returncode} {info.stderr.strip()}")
check("entry", entry is not None and mi is not None and int(mi.group(1), 16) == entry,
      f"image entry {mi.group(1) if mi else None}, B's kexec_jump_back_entry {m.group(1) if m else None}")

m = re.search(r"KJ-PATTERN phys=(0x[0-9a-f]+) token=(\S+)", text)
if not m:
    check("pattern", False, "no KJ-PATTERN line")
else:
    phys, token = int(m.group(1), 16), m.group(2).encode()
    with open(img, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phnum, = struct.unpack_from("<H", eh, 56)
        f.seek(phoff)
        ph = f.read(56 * phnum)
        found = None
        for i in range(phnum):
            t, _, off, _, paddr, filesz, memsz = struct.unpack_from("<IIQQQQQ", ph, i * 56)
            if t == 1 and paddr <= phys < paddr + filesz:
                found = off + phys - paddr
        if found is None:
            check("pattern", False, f"no PT_LOAD holds data at {phys:#x}")
        else:
            f.seek(found)
            page = f.read(4096)
            check("pattern", page == token * (4096 // len(token)),
                  f"page at {phys:#x} (file offset {found:#x})")
# A's kernel lay in B's window: the image has it back from the swap list
with open(img, "rb") as f:
    data = f.read()
check("a-kernel", b"Linux version 6." in data, "A's kernel banner (from B's window, through the swap list)"
      + (" present" if b"Linux version 6." in data else " missing"))
sys.exit(1 if failed else 0)
