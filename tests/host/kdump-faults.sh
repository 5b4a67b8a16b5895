#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kdump save under fault, with the real binary:
#   enospc   the target file system fills up mid-write (a 4 MiB tmpfs, a
#            core holding 16 MiB of random data)
#   sigint   SIGINT mid-write (a 4 GiB sparse core, mostly read, not written)
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

# core NAME DATA_MIB SPARSE_GIB: an ELF64 x86_64 core, one PT_LOAD at 1 MiB
python3 - "$work" <<'PY' || { echo "FAIL setup: python3"; echo "0 passed, 1 failed"; exit 1; }
import os, struct, sys
work = sys.argv[1]
def core(name, size, fill):
    eh = bytearray(64)
    eh[0:4] = b"\x7fELF"; eh[4] = 2; eh[5] = 1; eh[6] = 1
    struct.pack_into("<HHIQQQIHHHHHH", eh, 16, 4, 62, 1, 0, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 7, 4096, 0, 0x100000, size, size, 4096)
    with open(os.path.join(work, name), "wb") as f:
        f.write(bytes(eh) + ph + b"\0" * (4096 - 64 - 56))
        if fill:
            f.write(os.urandom(size))
        else:
            f.truncate(4096 + size)
core("random.core", 16 << 20, True)
core("sparse.core", 4 << 30, False)
PY

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
"$KDUMP" save -q --exclude=zero --from="$work/sparse.core" --entry=0x1000 "$work/out/image.elf" 2>"$work/err" &
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
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
