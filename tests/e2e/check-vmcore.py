#!/usr/bin/env python3
"""Host-side check of a /proc/vmcore copy (jump-vmcore scenarios).

    check-vmcore.py IMAGE SERIAL_LOG

From the serial log: the pattern page (KJ-PATTERN phys=... token=...), and
A's RAM and the segments of the load, both from the KJ-PLAN lines (kexec
--dry-run with the same arguments: its "map" and segment lines).
Checks, with readelf -l -n as well as by reading the ELF itself: PT_LOADs
present, a VMCOREINFO note (one, A's text: OSRELEASE= A's release), the
PT_LOAD sizes adding up to A's RAM outside every segment, and the token at
the file offset of the pattern's physical address.  Prints one line per check; exits 1 on any failure.
"""
import re
import subprocess
import sys

from elfcheck import Checks, page_at, pattern, program_headers, read_log, vmcoreinfo_check

img, log = sys.argv[1], sys.argv[2]
text = read_log(log)
c = Checks()

pat = pattern(text)
c.check("pattern-line", pat is not None,
        f"phys {pat[0]:#x} token {pat[1].decode()}" if pat else "no KJ-PATTERN line in the log")

ram = 0
for a, b in re.findall(r"KJ-PLAN +map (0x[0-9a-f]+)-(0x[0-9a-f]+) System RAM", text):
    ram += int(b, 16) - int(a, 16)
segs = 0
for memsz in re.findall(r"KJ-PLAN +\d+: mem \S+ memsz (0x[0-9a-f]+)", text):
    segs += int(memsz, 16)
c.check("a-memory", ram > 0 and segs > 0, f"A's RAM {ram:#x}, segments {segs:#x}")

with open(img, "rb") as f:
    hdrs = program_headers(f)
    c.check("elf", hdrs is not None, ("ELF%d core header at the start of the disk" % (64 if hdrs[0] else 32))
            if hdrs else "the disk does not start with an ELF header")
    if not hdrs:
        sys.exit(1)
    is64, loads, notes = hdrs
    total = sum(x[2] for x in loads)
    c.check("pt-load-sum", total == ram - segs and total > 0,
            f"{len(loads)} PT_LOADs, {total:#x} bytes; A's RAM outside the segments {ram - segs:#x}")
    if pat:
        phys, token = pat
        page, off = page_at(f, loads, phys)
        want = token * (4096 // len(token))
        if page is None:
            c.check("pattern", False, f"no PT_LOAD covers {phys:#x}")
        else:
            c.check("pattern", page == want, f"page at {phys:#x} (file offset {off:#x}) "
                    + ("holds the token" if page == want else f"holds {page[:32]!r}..."))
    vmcoreinfo_check(c, f, notes, text)

out = subprocess.run(["readelf", "-l", "-n", "-W", img], capture_output=True, text=True)
c.check("readelf-loads", out.stdout.count("LOAD ") == len(loads) and len(loads) > 0,
        f"readelf lists {out.stdout.count('LOAD ')} LOAD headers")
c.check("readelf-vmcoreinfo", "VMCOREINFO" in out.stdout, "VMCOREINFO note"
        + (" present" if "VMCOREINFO" in out.stdout else " missing"))
c.check("readelf-kexecjmp", "KEXECJMP" in out.stdout, "KEXECJMP memory-map note"
        + (" present" if "KEXECJMP" in out.stdout else " missing"))
sys.exit(c.exit_code())
