#!/usr/bin/env python3
"""Host-side check of an image written by kdump save (jump-save scenarios).

    check-image.py IMAGE SERIAL_LOG KDUMP

readelf reads the image; `kdump info --verify` checks its digest and shows
a recorded entry equal to kexec_jump_back_entry= in kernel B (KJ-B-ENTRY
in the log); the pattern page (KJ-PATTERN phys=... token=...) is in the
image as data at its physical address; its one VMCOREINFO note is A's text
(OSRELEASE= A's release); A's kernel, which lay in B's
window, is in it too.  One line per check; exit 1 on any failure.
"""
import re
import subprocess
import sys

from elfcheck import Checks, page_at, pattern, program_headers, read_log, vmcoreinfo_check

img, log, kdump = sys.argv[1:4]
text = read_log(log)
c = Checks()

out = subprocess.run(["readelf", "-h", "-l", "-n", "-W", img], capture_output=True, text=True)
c.check("readelf", out.returncode == 0 and "LOAD" in out.stdout,
        f"readelf exit {out.returncode}, {out.stdout.count('LOAD ')} LOAD headers")
c.check("notes", "KEXECJMP" in out.stdout and "VMCOREINFO" in out.stdout,
        "KEXECJMP and VMCOREINFO notes" + (" present" if "KEXECJMP" in out.stdout else " missing"))

m = re.search(r"KJ-B-ENTRY (0x[0-9a-f]+)", text)
entry = int(m.group(1), 16) if m else None
info = subprocess.run([kdump, "info", "--verify", img], capture_output=True, text=True)
for line in info.stdout.splitlines():
    if not line.startswith("  load "):   # the summary, not every range
        print("    " + line)
mi = re.search(r"^entry: (0x[0-9a-f]+)", info.stdout, re.M)
c.check("info", info.returncode == 0 and "verified" in info.stdout,
        f"kdump info --verify exit {info.returncode} {info.stderr.strip()}")
c.check("entry", entry is not None and mi is not None and int(mi.group(1), 16) == entry,
        f"image entry {mi.group(1) if mi else None}, B's kexec_jump_back_entry {m.group(1) if m else None}")

pat = pattern(text)
with open(img, "rb") as f:
    hdrs = program_headers(f)
    if not pat or not hdrs:
        c.check("pattern", False, "no KJ-PATTERN line" if not pat else "the image is not ELF")
    else:
        phys, token = pat
        page, off = page_at(f, hdrs[1], phys)
        if page is None:
            c.check("pattern", False, f"no PT_LOAD holds data at {phys:#x}")
        else:
            c.check("pattern", page == token * (4096 // len(token)),
                    f"page at {phys:#x} (file offset {off:#x})")
    if hdrs:
        vmcoreinfo_check(c, f, hdrs[2], text)
    # A's kernel lay in B's window: the image has it back from the swap list
    f.seek(0)
    data = f.read()
# A's banner, of A's release (the KJ-BEGIN stage=1 line): "Linux version 6."
# alone missed a 7.2 A
m = re.search(r"KJ-BEGIN stage=1 \S+ (\S+)", text)
banner = b"Linux version " + (m.group(1).encode() if m else b"?") + b" "
c.check("a-kernel", banner in data, "A's kernel banner (from B's window, through the swap list)"
        + (" present" if banner in data else f" {banner!r} missing"))
sys.exit(c.exit_code())
