#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Describe a kexec_load record segment by segment and, given a second
record, the differences.  Informational only: always exits 0 unless a
record cannot be read.

    compare.py --label NAME --kernel VMLINUZ [--initrd FILE]... REC [OURS]

Every output line starts with "COMPARE NAME: ".
"""
import argparse
import importlib.util
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("check_load", os.path.join(here, "check-load.py"))
cl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cl)


def roles(segs, pm, initrd):
    out = {}
    for s in segs:
        if cl.holds(s, pm):
            r = "kernel"
        elif initrd and cl.holds(s, initrd):
            r = "initrd"
        elif len(s.data) >= 4 and cl.u32(s.data, 0) == cl.PURGATORY_MAGIC:
            r = "purgatory(PGKJ)"
        elif any(s.data[o + 0x202:o + 0x206] == b"HdrS" for o in range(0, max(0, s.bufsz - 0x300), 4096)):
            r = "boot_params+cmdline"
        elif s.data[:4] == b"\x7fELF" or s.bufsz > 0x4000:
            r = "purgatory(other)"
        else:
            r = "other"
        out[s.idx] = r
    return out


def describe(label, rec, pm, initrd):
    call, fields, segs = cl.read_record(rec)
    rl = roles(segs, pm, initrd)
    print(f"COMPARE {label}: {call}")
    print(f"COMPARE {label}: {len(segs)} segments, {sum(s.bufsz for s in segs):#x} bytes of buffers, "
          f"{sum(s.memsz for s in segs):#x} bytes of memory")
    for s in segs:
        print(f"COMPARE {label}:   seg{s.idx} {rl[s.idx]:<20} mem={s.mem:#011x} "
              f"memsz={s.memsz:#x} bufsz={s.bufsz:#x}")
    return fields, segs, rl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("record")
    ap.add_argument("ours", nargs="?")
    ap.add_argument("--label", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", action="append", default=[])
    a = ap.parse_args()
    with open(a.kernel, "rb") as f:
        vmlinuz = f.read()
    pm = vmlinuz[((vmlinuz[0x1F1] or 4) + 1) * 512:]
    initrd = b"".join(open(p, "rb").read() for p in a.initrd)
    f1, s1, r1 = describe(a.label, a.record, pm, initrd)
    if not a.ours or not os.path.exists(os.path.join(a.ours, "call")):
        print(f"COMPARE {a.label}: no record of ours to compare with")
        return 0
    f2, s2, r2 = describe(a.label + " (ours)", a.ours, pm, initrd)
    print(f"COMPARE {a.label}: segments theirs {len(s1)} ours {len(s2)}")
    by1 = {r1[s.idx]: s for s in s1}
    by2 = {r2[s.idx]: s for s in s2}
    for role in sorted(set(by1) | set(by2)):
        x, y = by1.get(role), by2.get(role)
        if x and y:
            same = "same" if (x.mem, x.memsz, x.bufsz) == (y.mem, y.memsz, y.bufsz) else "differs"
            print(f"COMPARE {a.label}: {role}: theirs mem={x.mem:#x} memsz={x.memsz:#x} bufsz={x.bufsz:#x}"
                  f" / ours mem={y.mem:#x} memsz={y.memsz:#x} bufsz={y.bufsz:#x} ({same})")
        else:
            print(f"COMPARE {a.label}: {role}: only in " + ("theirs" if x else "ours"))
    for key in ("entry", "flags"):
        print(f"COMPARE {a.label}: {key}: theirs {f1.get(key)} ours {f2.get(key)}")
    # boot_params fields the kernel reads
    def bp_of(segs, rl):
        for s in segs:
            if rl[s.idx] == "boot_params+cmdline":
                for o in range(0, max(0, s.bufsz - 0x300), 4096):
                    if s.data[o + 0x202:o + 0x206] == b"HdrS":
                        return s.read(s.mem + o, 4096)
        return None
    b1, b2 = bp_of(s1, r1), bp_of(s2, r2)
    if b1 and b2:
        for name, off, fmt in (("e820_entries", 0x1E8, "<B"), ("type_of_loader", 0x210, "<B"),
                               ("loadflags", 0x211, "<B"), ("vid_mode", 0x1FA, "<H"),
                               ("ramdisk_size", 0x21C, "<I"), ("ext_ramdisk_image", 0x0C0, "<I"),
                               ("acpi_rsdp_addr", 0x070, "<Q"), ("screen_info.orig_video_isVGA", 0x0F, "<B")):
            v1, v2 = struct.unpack_from(fmt, b1, off)[0], struct.unpack_from(fmt, b2, off)[0]
            if v1 != v2:
                print(f"COMPARE {a.label}: boot_params.{name}: theirs {v1:#x} ours {v2:#x}")
        e1 = [struct.unpack_from("<QQI", b1, 0x2D0 + 20 * i) for i in range(b1[0x1E8])]
        e2 = [struct.unpack_from("<QQI", b2, 0x2D0 + 20 * i) for i in range(b2[0x1E8])]
        if e1 != e2:
            print(f"COMPARE {a.label}: e820 theirs {cl.fmt_map(e1)}")
            print(f"COMPARE {a.label}: e820 ours   {cl.fmt_map(e2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
