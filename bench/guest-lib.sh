# Host-side helpers for the bench scenarios (bench/scenarios/*), sourced by
# them after tests/e2e/lib.sh (the e2e runner sources that first).
# BENCH_DIR is the source tree's bench/ directory (bench/e2e.sh exports it).

# bench_both_kexecs: the guest root gets Debian's kexec-tools 2.0.25 (with
# its libraries and loader, as the e2e COMPARE runs use it) as
# /usr/sbin/kexec-tools, next to ours, which stays /sbin/kexec (the
# scenario's KEXEC=ours); and /bin/rsswatch (bench/rsswatch.c).
bench_both_kexecs() {
	local tree
	tree=$(kj_kexec_tree debian "$ARCH") || return 1
	mv "$ROOT/sbin/kexec" "$ROOT/sbin/kexec.ours" || return 1
	cp -a "$tree/." "$ROOT/" || return 1
	rm -f "$ROOT/.complete"
	mkdir -p "$ROOT/usr/sbin"
	mv "$ROOT/sbin/kexec" "$ROOT/usr/sbin/kexec-tools" || return 1
	mv "$ROOT/sbin/kexec.ours" "$ROOT/sbin/kexec" || return 1
	kj_gcc -static -O2 -o "$ROOT/bin/rsswatch" "$BENCH_DIR/rsswatch.c"
}

# bench_cpio_header NAME SIZE: a newc header for a regular file NAME of
# SIZE bytes (mode 0644, owner root), padded to 4 bytes, on stdout; with
# SIZE's data padded to 4 after it and bench_cpio_trailer at the end, an
# uncompressed archive the kernel appends to the initramfs.
bench_cpio_header() {
	local name=$1 size=$2 n
	n=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		1 $((0100644)) 0 0 1 0 "$size" 0 0 0 0 "$n" 0 "$name"
	# header (110) + name + NUL, padded to a multiple of 4
	head -c $(((4 - (110 + n) % 4) % 4)) /dev/zero
}
bench_cpio_trailer() {
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		0 0 0 0 1 0 0 0 0 0 0 11 0 'TRAILER!!!'
	head -c $(((4 - (110 + 11) % 4) % 4)) /dev/zero
}

# bench_jump_verify WHERE: BENCH lines of a jump-roundtrip run (host times
# of its serial lines, SERIAL_TIMES): round trip = A's "KJ-RUN jump: kexec
# -e" -> A's "KJ-A-BACK"; to-b = the same start -> B's "KJ-BEGIN stage=2"
# (B booted to /init); back = B's "KJ-RUN back: kexec -e" -> "KJ-A-BACK".
bench_jump_verify() {
	python3 - "$KJ_WORK" "$1" "${BENCH_RUN:-1}" "${BENCH_IMPL:-ours}" <<'PY'
import sys
work, where, run, impl = sys.argv[1:5]
t = {}
for l in open(work + "/serial.times", errors="replace"):
    s, _, text = l.rstrip("\n").partition(" ")
    try:
        s = float(s)
    except ValueError:
        continue
    for key, pat in (("go", "KJ-RUN jump: kexec -e"), ("b", "KJ-BEGIN stage=2"),
                     ("back", "KJ-RUN back: kexec -e"), ("a", "KJ-A-BACK ")):
        if key not in t and text.startswith(pat):
            t[key] = s
if len(t) != 4:
    sys.exit("serial.times: missing %s" % sorted({"go", "b", "back", "a"} - set(t)))
fig = "jump-" + where.split("-", 1)[1]
for metric, v in (("time", t["a"] - t["go"]), ("to_b", t["b"] - t["go"]), ("back", t["a"] - t["back"])):
    print("BENCH figure=%s impl=%s metric=%s value=%.3f unit=s run=%s where=%s" % (fig, impl, metric, v, run, where))
PY
}

# bench_hib_verify IMPL [norestore]: BENCH lines of one hibernation run through kexec
# jump (bench-hib-*: one cycle, SERIAL_TIMES), from its serial lines and
# their host times:
#   bytes    the image file (B's "KJ-B-LS" ls -l line)
#   save     B's "KJ-RUN save1" -> "KJ-RC save1 rc=0": the saver alone
#   hibernate  A's "KJ-HIBERNATE cycle=1" -> QEMU exit (B's boot, the
#            save, the power-off)
#   restore  QEMU start of boot 2 -> the holder's first line in the
#            resumed A (C's boot, kexec -l of the image, the jump); not
#            with norestore (a run that ends after the save)
bench_hib_verify() {
	python3 - "$KJ_WORK" "$1" "${BENCH_RUN:-1}" "${2:-}" <<'PY'
import re, sys
work, impl, run, norestore = sys.argv[1:5]
log = open(work + "/serial.log", errors="replace").read()
m = re.search(r"KJ-B-LS \S+\s+\d+\s+\S+\s+\S+\s+(\d+)", log)
if not m:
    sys.exit("serial.log: no KJ-B-LS line (image size)")
size = int(m.group(1))
t = {}
for l in open(work + "/serial.times", errors="replace"):
    s, _, text = l.rstrip("\n").partition(" ")
    try:
        s = float(s)
    except ValueError:
        continue
    if "hib" not in t and text.startswith("KJ-HIBERNATE cycle=1"):
        t["hib"] = s
    elif "hib" in t and "off" not in t and text == "KJ-HOST eof":
        t["off"] = s
    elif "s0" not in t and text.startswith("KJ-RUN save1"):
        t["s0"] = s
    elif "s0" in t and "s1" not in t and text.startswith("KJ-RC save1 rc=0"):
        t["s1"] = s
    elif "start2" not in t and text.startswith("KJ-HOST start boot 2 "):
        t["start2"] = s
    elif "start2" in t and "back" not in t and text.startswith("KJ-HOLDER "):
        t["back"] = s
need = {"hib", "off", "s0", "s1"} | (set() if norestore else {"start2", "back"})
if not need <= set(t):
    sys.exit("serial.times: missing %s" % sorted(need - set(t)))
w = "where=qemu-x86_64"
print("BENCH figure=hibernate impl=%s metric=bytes value=%d unit=bytes run=%s %s" % (impl, size, run, w))
m = [("save", t["s1"] - t["s0"]), ("hibernate", t["off"] - t["hib"])]
if not norestore:
    m.append(("restore", t["back"] - t["start2"]))
for metric, v in m:
    print("BENCH figure=hibernate impl=%s metric=%s value=%.3f unit=s run=%s %s" % (impl, metric, v, run, w))
PY
}
