#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kdump save under fault, with the real binary:
#   enospc   the target file system fills up mid-write (a 4 MiB tmpfs, a
#            core holding 16 MiB of random data)
#   sigint   SIGINT mid-write (a 4 GiB sparse core, mostly read, not written)
#   sigNAME  the same for every signal whose default action ends the
#            process (HUP, QUIT, PIPE, USR1, ...)
#   nohup    an ignored SIGHUP stays ignored (the save goes on)
#   sigabrt  a fault signal: the process ends by it, the temporary file removed
#   verify-* --verify with a write that goes bad (an LD_PRELOAD shim flips a
#            bit of the data): the temporary file is verified before the
#            rename, so the old image stays as it was
#   longname IMAGE with a 255-byte name (NAME_MAX): the temporary name is short
# Each must exit non-zero with one clear line and leave nothing under the
# final name (nor a temporary file).  The tmpfs needs a mount namespace:
# unshare -rm (a user namespace where allowed, or root).
# Prints PASS/FAIL per case, then "N passed, N failed".
set -uo pipefail
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
KDUMP=${KDUMP:-$top_builddir/kdump/kdump}
work=$(mktemp -d "${TMPDIR:-/tmp}/kj-kdump.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); [ -f "$work/err" ] && sed 's/^/    stderr: /' "$work/err"; }

# ELF64 x86_64 cores: core(NAME, [(paddr, filesz, memsz)...], fill, ram):
# the loads' data one after the other from 4096 on (random bytes, or a
# hole), and with ram, a KEXECJMP memory-map note of RAM [0, ram)
python3 - "$work" <<'PY' || { echo "FAIL setup: python3"; echo "0 passed, 1 failed"; exit 1; }
import os, struct, sys
work = sys.argv[1]
def core(name, loads, fill=False, ram=None):
    note = b""
    if ram:
        desc = struct.pack("<II", 1, 1) + struct.pack("<QQII", 0, ram, 1, 0)
        note = struct.pack("<III", 9, len(desc), 0x4b4a0001) + b"KEXECJMP\0\0\0\0" + desc
    nph = len(loads) + (1 if note else 0)
    eh = bytearray(64)
    eh[0:4] = b"\x7fELF"; eh[4] = 2; eh[5] = 1; eh[6] = 1
    struct.pack_into("<HHIQQQIHHHHHH", eh, 16, 4, 62, 1, 0, 64, 0, 0, 64, 56, nph, 0, 0, 0)
    ph = b""
    note_off = 64 + 56 * nph
    if note:
        ph += struct.pack("<IIQQQQQQ", 4, 0, note_off, 0, 0, len(note), len(note), 4)
    off = 4096
    for paddr, filesz, memsz in loads:
        ph += struct.pack("<IIQQQQQQ", 1, 7, off if filesz else 0, 0, paddr, filesz, memsz, 4096)
        off += filesz
    head = bytes(eh) + ph + note
    assert len(head) <= 4096
    with open(os.path.join(work, name), "wb") as f:
        f.write(head + b"\0" * (4096 - len(head)))
        if fill:
            f.write(os.urandom(off - 4096))
        else:
            f.truncate(off)
# with a memory map, so that this machine's RAM does not matter
core("random.core", [(0x100000, 16 << 20, 16 << 20)], True, 32 << 20)
core("sparse.core", [(0x100000, 4 << 30, 4 << 30)], False, 5 << 30)
# bigger than the memory described: 1 PiB of zeros, 8 TiB of hole
# (checked against this machine's map), two ranges that overlap
core("huge-memsz.core", [(0x100000, 0, 1 << 50)], False, 64 << 20)
core("huge-filesz.core", [(0x100000, 8 << 40, 8 << 40)])
core("overlap.core", [(0x100000, 0, 40 << 20), (0x100000, 0, 40 << 20)], False, 64 << 20)
# 1 PiB the map agrees with: the walk is long, a signal ends it
core("huge-ok.core", [(0x100000, 0, 1 << 50)], False, (1 << 50) + (1 << 20))
PY

# the write that goes bad: the first data write (offset and size of at
# least a page) reaches the file with one bit flipped
cat >"$work/corrupt.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
static int done;

static ssize_t bad(pwrite_fn real, int fd, const void *buf, size_t n, off_t off)
{
	unsigned char *c;
	ssize_t r;

	if (done || off < 4096 || n < 4096 || !(c = malloc(n)))
		return real(fd, buf, n, off);
	memcpy(c, buf, n);
	c[100] ^= 1;
	done = 1;
	r = real(fd, c, n, off);
	free(c);
	return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return bad((pwrite_fn)dlsym(RTLD_NEXT, "pwrite"), fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return bad((pwrite_fn)dlsym(RTLD_NEXT, "pwrite64"), fd, buf, n, off);
}
SHIM
${CC:-cc} -shared -fPIC -O2 -o "$work/corrupt.so" "$work/corrupt.c" -ldl ||
	{ echo "FAIL setup: cannot build the write-corrupting shim"; echo "0 passed, 1 failed"; exit 1; }
# a sanitizer build wants its runtime first; the shim goes before it
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

if ! unshare -rm true 2>/dev/null && ! unshare -m true 2>/dev/null; then
	echo "FAIL enospc: no mount namespace (unshare -rm and unshare -m both refused)"
	echo "0 passed, 1 failed"
	exit 1
fi
ns=(unshare -rm)
unshare -rm true 2>/dev/null || ns=(unshare -m)

# enospc
"${ns[@]}" sh -c '
	mkdir -p "$1/small" && mount -t tmpfs -o size=4m tmpfs "$1/small" || exit 99
	"$2" save -q --exclude=zero --from="$1/random.core" --entry=0x1000 "$1/small/image.elf" 2>"$1/err"
	rc=$?
	ls -A "$1/small" >"$1/left"
	exit $rc' sh "$work" "$KDUMP"
rc=$?
if [ $rc -eq 99 ]; then
	fail enospc "cannot mount a tmpfs"
elif [ $rc -eq 0 ]; then
	fail enospc "exit 0 on a full file system"
elif [ "$(grep -c '' "$work/err")" -ne 1 ] || ! grep -q 'image.elf: write failed: No space left on device (the image does not fit on that file system)' "$work/err"; then
	fail enospc "not the one-line message"
elif [ -s "$work/left" ]; then
	fail enospc "left behind: $(tr '\n' ' ' <"$work/left")"
else
	pass enospc
fi

# sigint
rm -f "$work/err"
mkdir -p "$work/out"
# (default dispositions: a background job of a script ignores SIGINT)
env --default-signal "$KDUMP" save -q --exclude=zero --from="$work/sparse.core" --entry=0x1000 "$work/out/image.elf" 2>"$work/err" &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 0 ]; then
	fail sigint "finished (exit 0) before SIGINT: the core is too small for this machine"
elif ! grep -q 'interrupted' "$work/err" || [ "$(grep -c '' "$work/err")" -ne 1 ]; then
	fail sigint "not the one-line message (exit $rc)"
elif [ -n "$(ls -A "$work/out")" ]; then
	fail sigint "left behind: $(ls -A "$work/out" | tr '\n' ' ')"
else
	pass sigint
fi

# one line on stderr holding a fixed string
one_line() { # FILE STRING
	[ "$(grep -c '' "$1")" -eq 1 ] && grep -qF -- "$2" "$1"
}
# a save of the sparse core in the background, in an empty $work/out
# (default dispositions: a background job of a script ignores SIGINT and
# SIGQUIT, and kdump leaves an ignored signal ignored)
bg_save() { # ENV-ARGS...
	rm -rf "$work/out" "$work/err"
	mkdir -p "$work/out"
	env --default-signal "$@" "$KDUMP" save -q --exclude=zero --from="$work/sparse.core" \
		--entry=0x1000 "$work/out/image.elf" 2>"$work/err" &
	pid=$!
	sleep 0.3
}
left() { ls -A "$work/out" | tr '\n' ' '; }
# a save that ended in exit RC with exactly the one line STRING on stderr
# and nothing left in $work/out
ended() { # CASE RC WANT-RC STRING
	if [ "$2" -ne "$3" ]; then
		fail "$1" "exit $2, not $3"
	elif ! one_line "$work/err" "$4"; then
		fail "$1" "not the one-line message"
	elif [ -n "$(left)" ]; then
		fail "$1" "left behind: $(left)"
	else
		pass "$1"
	fi
}

# every signal whose default action ends the process: one line naming it,
# nothing left
for sig in HUP INT QUIT PIPE ALRM TERM USR1 USR2 XCPU XFSZ VTALRM PROF; do
	bg_save
	kill -"$sig" $pid
	wait $pid
	ended "sig$sig" $? 1 "image.elf: interrupted by SIG$sig: not saved"
done

# nohup: an ignored SIGHUP stays ignored; SIGTERM then stops the save
bg_save --ignore-signal=HUP
kill -HUP $pid
sleep 0.3
alive=no
kill -0 $pid 2>/dev/null && alive=yes
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
if [ $alive = no ]; then
	fail nohup "an ignored SIGHUP ended the save (exit $rc)"
elif [ $rc -ne 1 ] || ! one_line "$work/err" "image.elf: interrupted by SIGTERM: not saved"; then
	fail nohup "exit $rc, not the SIGTERM line"
elif [ -n "$(left)" ]; then
	fail nohup "left behind: $(left)"
else
	pass nohup
fi

# a fault signal (SIGABRT: a sanitizer build keeps its own SIGSEGV
# handler): the process ends by it, and the temporary file is gone
bg_save
kill -ABRT $pid
wait $pid
rc=$?
if [ $rc -ne $((128 + 6)) ]; then
	fail sigabrt "exit $rc, not ended by SIGABRT"
elif [ -n "$(left)" ]; then
	fail sigabrt "left behind: $(left)"
else
	pass sigabrt
fi

# --verify with a write that goes bad, over an existing image and into an
# empty directory; and without the fault
save16() { # ARGS...: a save of the random core into $work/out/image.elf
	"$KDUMP" save -q --exclude=zero --from="$work/random.core" "$@" "$work/out/image.elf" 2>"$work/err"
}
rm -rf "$work/out" "$work/err"
mkdir -p "$work/out"
if ! save16 --entry=0x1000; then
	fail verify-keeps-old "the first save failed"
else
	sum=$(sha256sum <"$work/out/image.elf")
	LD_PRELOAD="$work/corrupt.so" save16 --verify --entry=0x2000
	rc=$?
	if [ $rc -ne 1 ]; then
		fail verify-keeps-old "exit $rc, not 1"
	elif ! one_line "$work/err" "image.elf: the image written does not verify (the saved data does not match its SHA-256: the image is corrupt): the old image is left as it was"; then
		fail verify-keeps-old "not the one-line message"
	elif [ "$(sha256sum <"$work/out/image.elf")" != "$sum" ]; then
		fail verify-keeps-old "the old image was replaced"
	elif [ "$(left)" != "image.elf " ]; then
		fail verify-keeps-old "left behind: $(left)"
	else
		pass verify-keeps-old
	fi
fi
rm -rf "$work/out" "$work/err"
mkdir -p "$work/out"
LD_PRELOAD="$work/corrupt.so" save16 --verify --entry=0x2000
rc=$?
if [ $rc -ne 1 ]; then
	fail verify-new "exit $rc, not 1"
elif ! one_line "$work/err" "image.elf: the image written does not verify (the saved data does not match its SHA-256: the image is corrupt): not saved"; then
	fail verify-new "not the one-line message"
elif [ -n "$(left)" ]; then
	fail verify-new "left behind: $(left)"
else
	pass verify-new
fi
rm -rf "$work/out" "$work/err"
mkdir -p "$work/out"
if ! save16 --verify --entry=0x2000; then
	fail verify-ok "exit non-zero"
elif [ -s "$work/err" ] || [ "$(left)" != "image.elf " ]; then
	fail verify-ok "output, or files: $(left)"
else
	pass verify-ok
fi

# a NAME_MAX (255 bytes) long image name
rm -rf "$work/out" "$work/err"
mkdir -p "$work/out"
long=$(printf 'i%.0s' $(seq 251)).elf
if ! "$KDUMP" save -q --exclude=zero --from="$work/random.core" --entry=0x1000 "$work/out/$long" 2>"$work/err"; then
	fail longname "a 255-byte name failed"
elif [ "$(left)" != "$long " ]; then
	fail longname "files: $(left)"
else
	pass longname
fi

# cores bigger than the memory described: refused before any walk (the
# timeout is a watchdog, not a measure: this takes milliseconds, a walk
# of 1 PiB page by page hours)
refuse() { # CASE CORE STRING
	rm -rf "$work/out" "$work/err"
	mkdir -p "$work/out"
	timeout -s KILL 20 "$KDUMP" save -q --exclude=zero --from="$work/$2" --entry=0x1000 \
		"$work/out/image.elf" 2>"$work/err"
	ended "$1" $? 3 "kdump: $work/$2: $3"
}
refuse huge-memsz huge-memsz.core "PT_LOAD 0 (0x100000-0x4000000100000, 1073741824 MiB) lies beyond the memory its memory-map note describes (up to 0x4000000)"
refuse huge-filesz huge-filesz.core "PT_LOAD 0 (0x100000-0x80000100000, 8388608 MiB) lies beyond the memory this machine's map ("
refuse overlap overlap.core "PT_LOADs 0-1 cover 80 MiB, more than the 64 MiB of memory its memory-map note describes: they overlap"

# a long walk ends at SIGTERM (within the watchdog's 20 s; it takes
# milliseconds), nothing left
rm -rf "$work/out" "$work/err"
mkdir -p "$work/out"
env --default-signal "$KDUMP" save -q --exclude=zero --from="$work/huge-ok.core" --entry=0x1000 \
	"$work/out/image.elf" 2>"$work/err" &
pid=$!
sleep 0.5
kill -TERM $pid
for _ in $(seq 200); do
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
if kill -0 $pid 2>/dev/null; then
	kill -KILL $pid
	wait $pid
	fail sigterm-walk "still walking 20 s after SIGTERM"
else
	wait $pid
	rc=$?
	if [ $rc -ne 1 ] || ! one_line "$work/err" "image.elf: interrupted by SIGTERM: not saved"; then
		fail sigterm-walk "exit $rc, not the SIGTERM line"
	elif [ -n "$(left)" ]; then
		fail sigterm-walk "left behind: $(left)"
	else
		pass sigterm-walk
	fi
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
