#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host tests: the kexec binary runs under tests/shim/kexec-shim.so against a
# fake /proc and /sys (mkroot.sh); every kexec_load/kexec_file_load/reboot
# is recorded, never made.  See tests/host/README.
#
# Environment: KEXEC (binary under test, default $top_builddir/kexec/kexec),
# KEXEC_TOOLS (kexec-tools for the COMPARE run, default /usr/sbin/kexec),
# top_srcdir, top_builddir, KEXEC_SHIM (the .so; built here if missing),
# KJ_HOST_KEEP=1 keeps the work directory.
#
# Prints PASS/FAIL per case and ends with "N passed, N failed".  A case that
# cannot run FAILS.  Safety: the shim must show up in every run of the
# binary (its constructor logs the exe), and where user namespaces work the
# binary runs in one, where kexec_load and reboot fail with EPERM anyway.
set -uo pipefail

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
here=$top_srcdir/tests/host
if [ -z "${KEXEC:-}" ]; then
	KEXEC=$top_builddir/kexec/kexec
	[ -f "$KEXEC" ] || KEXEC=$top_builddir/kexec
fi
KEXEC_TOOLS=${KEXEC_TOOLS:-/usr/sbin/kexec}
KDUMP=${KDUMP:-$top_builddir/kdump/kdump}
py=${PYTHON:-python3}

work=$(mktemp -d "${TMPDIR:-/tmp}/kj-host.XXXXXX")
if [ "${KJ_HOST_KEEP:-0}" = 1 ]; then
	echo "work directory: $work"
else
	trap 'rm -rf "$work"' EXIT
fi

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() {
	echo "FAIL $1${2:+: $2}"
	failed=$((failed + 1))
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# ------------------------------------------------------------ the shim
SHIM=${KEXEC_SHIM:-$top_builddir/tests/shim/kexec-shim.so}
if [ ! -f "$SHIM" ]; then
	SHIM=$work/kexec-shim.so
	${CC:-cc} -shared -fPIC -O2 -fvisibility=hidden -o "$SHIM" "$top_srcdir/tests/shim/kexec-shim.c" -ldl ||
		{ fail shim "cannot build the shim"; finish; }
fi
SHIM=$(cd "$(dirname "$SHIM")" && pwd)/$(basename "$SHIM")

# A user namespace takes CAP_SYS_BOOT away: a call that slipped past the
# shim fails with EPERM instead of loading into (or rebooting) this host.
USERNS=()
if unshare --user --map-root-user true 2>/dev/null; then
	USERNS=(unshare --user --map-root-user)
fi

# kx OUT ROOT BIN [VAR=VALUE...] -- ARGS: run BIN under the shim.
# stdout/stderr go to OUT/stdout, OUT/stderr; returns BIN's exit status.
# Exits the whole script if the shim was not loaded into BIN.
kx() {
	local out=$1 root=$2 bin=$3 envs=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	mkdir -p "$out"
	rm -f "$out/loaded"
	"${USERNS[@]}" env "${envs[@]}" KEXEC_SHIM_OUT="$out" KEXEC_SHIM_ROOT="$root" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		LD_PRELOAD="$SHIM" "$bin" "$@" >"$out/stdout" 2>"$out/stderr"
	local rc=$?
	local exe
	exe=$(readlink -f "$bin")
	if ! grep -qxF "exe=$exe" <(sed -n 's/^pid=[0-9]* //p' "$out/loaded" 2>/dev/null); then
		echo "run.sh: the shim was not loaded into $bin (static binary?); stopping" >&2
		fail shim-loaded "$bin $*"
		finish
	fi
	return $rc
}

show() { # show FILE...: indent for the log
	local f
	for f; do [ -s "$f" ] && sed "s|^|    $(basename "$f"): |" "$f" | head -n 40; done
	return 0
}

# ------------------------------------------------------------ preflight
if [ ! -x "$KEXEC" ]; then
	fail preflight "no kexec binary at $KEXEC (set KEXEC=)"
	finish
fi
# --version: exit 0, and the first line names the package and the version
# configure.ac gives it (config.h of the build, else configure.ac itself)
case_version() {
	local rec=$work/version want
	want=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h" 2>/dev/null)
	[ -n "$want" ] ||
		want=$(sed -n 's/^AC_INIT(\[kexec-jump\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
	kx "$rec" "$work/none" "$KEXEC" -- --version
	local rc=$?
	if [ -z "$want" ]; then
		fail version "cannot tell the package version (no config.h in $top_builddir, no AC_INIT in configure.ac)"
	elif [ $rc -ne 0 ]; then
		fail version "kexec --version exited $rc"; show "$rec/stderr"
	elif [ "$(head -n1 "$rec/stdout" | cut -d' ' -f1-2)" != "kexec-jump $want" ]; then
		fail version "first line is not 'kexec-jump $want ...'"; show "$rec/stdout"
	elif [ -s "$rec/stderr" ]; then
		fail version "kexec --version wrote to stderr"; show "$rec/stderr"
	elif [ -e "$rec/call" ]; then
		fail version "kexec --version made a kexec system call"; show "$rec/call"
	else
		pass version
	fi
}
case_version

# ------------------------------------------------------------ inputs
# Debian's kernels, from the cache ./bootstrap fills (no apt, no network
# here); every case that needs a missing one fails
kernel() { # kernel amd64|i386: print the vmlinuz path
	"$top_srcdir/tests/lib/debian-kernel.sh" --cached "$1" 2>"$work/debian-kernel-$1.err" | head -n1
}
K64=$(kernel amd64)
[ -n "$K64" ] && [ -f "$K64" ] || { K64=; echo "no amd64 kernel in the cache (run ./bootstrap to fetch it):"; show "$work/debian-kernel-amd64.err"; }
K32=$(kernel i386)
[ -n "$K32" ] && [ -f "$K32" ] || { K32=; echo "no i386 kernel in the cache (run ./bootstrap to fetch it):"; show "$work/debian-kernel-i386.err"; }

INITRD=$work/initrd.img
INITRD2=$work/initrd2.img
head -c $((3 * 1024 * 1024 + 123)) /dev/urandom >"$INITRD"
head -c $((512 * 1024 + 7)) /dev/urandom >"$INITRD2"
CMDLINE='console=ttyS0,115200 root=/dev/vda rw quiet kj.test="a b"'

newroot() { "$here/mkroot.sh" "$@" >/dev/null; }
check() { # check NAME REC ARCH KERNEL ROOT [INITRD...]: check-load.py
	local name=$1 rec=$2 arch=$3 k=$4 root=$5 i args=()
	shift 5
	for i; do args+=(--initrd "$i"); done
	if "$py" "$here/check-load.py" --arch "$arch" --kernel "$k" --root "$root" \
		--cmdline "$CMDLINE" "${args[@]}" ${CHECK_ARGS:-} "$rec" >"$rec.check" 2>&1; then
		pass "$name"
	else
		fail "$name" "check-load.py"
		sed 's/^/    /' "$rec.check"
	fi
}

# load NAME ARCH KERNEL ROOT [VAR=VALUE...] -- ARGS: a load that must succeed
load_and_check() {
	local name=$1 arch=$2 k=$3 root=$4 rec=$work/$1
	shift 4
	if [ -z "$k" ]; then
		fail "$name" "no $arch kernel in the cache (run ./bootstrap)"
		return
	fi
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	local initrds=() a
	for a; do case "$a" in --initrd=*) initrds+=("${a#--initrd=}") ;; esac; done
	kx "$rec" "$root" "$KEXEC" "${envs[@]}" -- "$@"
	local rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name" "kexec $* exited $rc"
		show "$rec/stderr"
		return
	fi
	check "$name" "$rec" "$arch" "$k" "$root" "${initrds[@]}"
}

# ------------------------------------------------------------ loads
newroot "$work/root-amd64"
load_and_check amd64-load x86_64 "$K64" "$work/root-amd64" -- \
	-c -l "$K64" --initrd="$INITRD" --append="$CMDLINE"

newroot "$work/root-i386"
load_and_check i386-load i386 "$K32" "$work/root-i386" KEXEC_SHIM_MACHINE=i686 -- \
	-c -l "$K32" --initrd="$INITRD" --append="$CMDLINE"

newroot "$work/root-2initrd"
load_and_check two-initrds x86_64 "$K64" "$work/root-2initrd" -- \
	-c -l "$K64" --initrd="$INITRD" --initrd="$INITRD2" --append="$CMDLINE"

# 32 MiB or more of initrds: with several CPUs cut into contiguous
# segments (a page built where one file meets the next), which
# check-load.py joins again
BIGRD=$work/big.initrd
head -c $((40 * 1024 * 1024 + 4321)) /dev/urandom >"$BIGRD"
newroot "$work/root-bigrd"
load_and_check big-initrds x86_64 "$K64" "$work/root-bigrd" -- \
	-c -l "$K64" --initrd="$BIGRD" --initrd="$INITRD2" --append="$CMDLINE"

newroot --no-memmap "$work/root-iomem"
load_and_check iomem-fallback x86_64 "$K64" "$work/root-iomem" -- \
	-c -l "$K64" --initrd="$INITRD" --command-line="$CMDLINE"

# On a machine EFI started: efi_info, SETUP_EFI and the runtime map, as
# the kernel's own kexec_file_load gives them (check-load.py reads the
# fake root's /sys/firmware/efi itself and compares); --noefi leaves them
# out, the RSDP stays; --dry-run says what is passed; -s refuses --noefi.
newroot --efi "$work/root-efi"
load_and_check efi-load x86_64 "$K64" "$work/root-efi" -- \
	-c -l "$K64" --initrd="$INITRD" --append="$CMDLINE"
# without --initrd: the empty initramfs and initrdmem= (efi_initrd_guard)
load_and_check efi-no-initrd x86_64 "$K64" "$work/root-efi" -- \
	-c -l "$K64" --append="$CMDLINE"
CHECK_ARGS="--efi no" load_and_check efi-noefi x86_64 "$K64" "$work/root-efi" -- \
	-c -l --noefi "$K64" --initrd="$INITRD" --append="$CMDLINE"
case_efi_dry_run() {
	local rec=$work/efi-dry-run root=$work/root-efi
	[ -n "$K64" ] || { fail efi-dry-run "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	kx "$rec" "$root" "$KEXEC" -- -c -l --dry-run "$K64" --append="$CMDLINE"
	if [ $? -ne 0 ]; then
		fail efi-dry-run "exit status not 0"; show "$rec/stderr"
	elif ! grep -qx 'efi: system table 0x1f9ee018, fw_vendor 0x1f9ed018, config tables 0x1f9eb018, SMBIOS 0x1f9c5000, runtime map 11 entries' "$rec/stdout" ||
	     ! grep -qx 'acpi: RSDP 0x1fb7e014' "$rec/stdout"; then
		fail efi-dry-run "the plan does not say what EFI state is passed:"; show "$rec/stdout"
	else
		pass efi-dry-run
	fi
	rec=$work/efi-noefi-s
	kx "$rec" "$root" "$KEXEC" -- -s -l --noefi "$K64"
	if [ $? -ne 2 ] || [ -e "$rec/call" ] ||
	   ! grep -q "^kexec: --noefi needs kexec_load (-c): kexec_file_load always passes the EFI state" "$rec/stderr"; then
		fail efi-noefi-file-load "-s --noefi must be a usage error, with nothing loaded"; show "$rec/stderr"
	else
		pass efi-noefi-file-load
	fi
}
case_efi_dry_run

# ------------------------------------------------------------ --dry-run
case_dry_run() {
	local rec=$work/dry-run root=$work/root-dry
	newroot "$root"
	[ -n "$K64" ] || { fail dry-run "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	kx "$rec" "$root" "$KEXEC" -- -c -l --dry-run "$K64" --initrd="$INITRD" --append="$CMDLINE"
	local rc=$?
	if [ $rc -ne 0 ]; then
		fail dry-run "exit $rc"; show "$rec/stderr"
	elif [ -e "$rec/call" ] || [ -e "$rec/calls" ]; then
		fail dry-run "a kexec system call was made:"; show "$rec/call"
	elif [ ! -s "$rec/stdout" ]; then
		fail dry-run "no plan printed on stdout"
	else
		pass dry-run
	fi
}
case_dry_run

# ------------------------------------------------------------ -S
# kexec -S: exit 1 if the selected type (crash by default, -l selects the
# normal kexec type) is loaded, 0 if not; it never loads or unloads.
status_is() { # status_is NAME ROOT WANT ARGS...
	local name=$1 root=$2 want=$3 rec=$work/$1
	shift 3
	kx "$rec" "$root" "$KEXEC" -- "$@"
	local rc=$?
	if [ $rc -ne "$want" ]; then
		fail "$name" "kexec $* exited $rc, expected $want"; show "$rec/stderr"
	elif [ -e "$rec/call" ]; then
		fail "$name" "kexec $* made a kexec system call"; show "$rec/call"
	else
		pass "$name"
	fi
}
case_status() {
	local root=$work/root-status rec=$work/status-load
	newroot "$root"
	status_is status-initial-crash "$root" 0 -S
	status_is status-initial-load "$root" 0 -l -S
	if [ -z "$K64" ]; then
		fail status-after-load "no amd64 kernel in the cache (run ./bootstrap)"
	elif ! kx "$rec" "$root" "$KEXEC" -- -c -l "$K64" --initrd="$INITRD" --append="$CMDLINE"; then
		fail status-after-load "load failed"; show "$rec/stderr"
	else
		status_is status-after-load "$root" 1 -l -S
		status_is status-after-load-crash "$root" 0 -S
	fi
	rec=$work/status-unload
	if ! kx "$rec" "$root" "$KEXEC" -- -u; then
		fail unload "kexec -u failed"; show "$rec/stderr"
	elif ! grep -q unload "$rec/call" 2>/dev/null; then
		fail unload "no unload recorded"; show "$rec/call"
	else
		pass unload
	fi
	status_is status-after-unload "$root" 0 -l -S
	echo 1 >"$root/sys/kernel/kexec_crash_loaded"
	status_is status-crash-loaded "$root" 1 -S
	# a kernel that does not say: kexec-tools' answer, 255 (main returns -1)
	rm -f "$root/sys/kernel/kexec_loaded" "$root/sys/kernel/kexec_crash_loaded"
	status_is status-unknown "$root" 255 -l -S
}
case_status

# ------------------------------------------------------------ errors
case_errno() { # case_errno ERRNO REGEX
	local e=$1 re=$2 name=errno-$1 rec=$work/errno-$1 root=$work/root-errno-$1
	newroot "$root"
	[ -n "$K64" ] || { fail "$name" "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	kx "$rec" "$root" "$KEXEC" KEXEC_SHIM_ERRNO="$e" -- -c -l "$K64" --initrd="$INITRD" --append="$CMDLINE"
	local rc=$? lines
	lines=$(grep -c . "$rec/stderr")
	# the failure must come from the call itself: a kexec_load with the
	# image's segments, failing with the injected errno (the shim makes
	# every call fail, so what counts is that kexec got that far, says
	# so in one line, exits KJ_EXIT_KERNEL and claims nothing on stdout)
	if [ $rc -ne 5 ]; then
		fail "$name" "exit $rc although kexec_load failed with $e, expected 5 (KJ_EXIT_KERNEL)"; show "$rec/stderr"
	elif ! grep -Eq "^syscall=kexec_load .*nr_segments=[1-9][0-9]* .*errno=$e\$" "$rec/calls.log" 2>/dev/null; then
		fail "$name" "no kexec_load with segments failing with $e was made"; show "$rec/calls.log" "$rec/stderr"
	elif [ "$lines" -ne 1 ]; then
		fail "$name" "expected one line on stderr, got $lines"; show "$rec/stderr"
	elif ! grep -q '^kexec: kexec_load: ' "$rec/stderr"; then
		fail "$name" "the message does not name kexec_load"; show "$rec/stderr"
	elif [ -n "$re" ] && ! grep -Eqi "$re" "$rec/stderr"; then
		fail "$name" "stderr does not match /$re/"; show "$rec/stderr"
	elif [ -s "$rec/stdout" ]; then
		fail "$name" "output on stdout after a failed load"; show "$rec/stdout"
	else
		pass "$name"; show "$rec/stderr"
	fi
}
case_errno EPERM 'kexec_load_disabled|root'
case_errno EBUSY 'busy|already'
case_errno ENOMEM ''
case_errno EINVAL ''

# ------------------------------------------------------------ -a and -s
case_fallback() {
	local rec=$work/file-fallback root=$work/root-fallback
	newroot "$root"
	[ -n "$K64" ] || { fail file-fallback "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	if ! kx "$rec" "$root" "$KEXEC" KEXEC_SHIM_ERRNO_FILE=ENOEXEC -- \
		-a -l "$K64" --initrd="$INITRD" --append="$CMDLINE"; then
		fail file-fallback "kexec -a exited non-zero"; show "$rec/stderr"
	elif ! grep -q '^syscall=kexec_file_load' "$rec/calls.log"; then
		fail file-fallback "kexec_file_load was not tried first"; show "$rec/calls.log"
	elif ! grep -q '^syscall=kexec_load ' "$rec/call"; then
		fail file-fallback "last call is not kexec_load"; show "$rec/calls.log"
	else
		check file-fallback "$rec" x86_64 "$K64" "$root" "$INITRD"
	fi
}
case_fallback

case_file_load() {
	local rec=$work/file-load root=$work/root-file
	newroot "$root"
	[ -n "$K64" ] || { fail file-load "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	if ! kx "$rec" "$root" "$KEXEC" -- -s -l "$K64" --initrd="$INITRD" --append="$CMDLINE"; then
		fail file-load "kexec -s exited non-zero"; show "$rec/stderr"
	elif ! grep -q '^syscall=kexec_file_load ' "$rec/call"; then
		fail file-load "not kexec_file_load"; show "$rec/call"
	elif ! cmp -s "$rec/kernel.bin" "$K64"; then
		fail file-load "kernel fd content differs from $K64"
	elif ! cmp -s "$rec/initrd.bin" "$INITRD"; then
		fail file-load "initrd fd content differs from the initrd"
	elif [ "$(tr -d '\0' <"$rec/cmdline.txt")" != "$CMDLINE" ]; then
		fail file-load "command line is '$(tr -d '\0' <"$rec/cmdline.txt")'"
	elif ! grep -q "cmdline_len=$((${#CMDLINE} + 1)) " "$rec/call"; then
		fail file-load "cmdline_len is not strlen + 1 (NUL)"; show "$rec/call"
	elif [ "$(cat "$root/sys/kernel/kexec_loaded")" != 1 ]; then
		fail file-load "kexec_loaded not set"
	else
		pass file-load
	fi
}
case_file_load

# kexec_file_load gets the bytes kexec read, not the file opened again by
# name: an initrd from a pipe (<(...)) or a FIFO arrives whole.
case_file_pipe() {
	local rec=$work/file-pipe root=$work/root-file-pipe fifo=$work/initrd.fifo
	newroot "$root"
	[ -n "$K64" ] || { fail file-pipe "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	if ! kx "$rec" "$root" "$KEXEC" -- -s -l "$K64" --initrd=<(cat "$INITRD") --append="$CMDLINE"; then
		fail file-pipe "kexec -s exited non-zero"; show "$rec/stderr"
	elif ! cmp -s "$rec/initrd.bin" "$INITRD"; then
		fail file-pipe "the kernel got $(stat -c %s "$rec/initrd.bin" 2>/dev/null || echo no) bytes of initrd, not the pipe's $(stat -c %s "$INITRD")"
	else
		pass file-pipe
	fi
	rec=$work/file-fifo
	mkfifo "$fifo"
	cat "$INITRD" >"$fifo" &
	# a watchdog: a second open of the FIFO by name would wait for a
	# writer for ever; this one comes after 30 s and writes nothing
	(sleep 30; : >"$fifo") 2>/dev/null &
	local dog=$!
	if ! kx "$rec" "$root" "$KEXEC" -- -s -l "$K64" --initrd="$fifo" --append="$CMDLINE"; then
		fail file-fifo "kexec -s exited non-zero"; show "$rec/stderr"
	elif ! cmp -s "$rec/initrd.bin" "$INITRD"; then
		fail file-fifo "the kernel got $(stat -c %s "$rec/initrd.bin" 2>/dev/null || echo no) bytes of initrd, not the FIFO's"
	else
		pass file-fifo
	fi
	kill "$dog" 2>/dev/null
	wait 2>/dev/null
}
case_file_pipe

# ------------------------------------------------------------ kexec jump
# --load-preserve-context: KEXEC_PRESERVE_CONTEXT in the flags, B's command
# line carries elfcorehdr= and the kexec_jump_back_entry= placeholder the
# purgatory fills; --load-jump-back-helper takes its entry from /proc/cmdline.
case_preserve() {
	local rec=$work/preserve root=$work/root-preserve
	newroot "$root"
	[ -n "$K64" ] || { fail preserve-load "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	if ! kx "$rec" "$root" "$KEXEC" -- --load-preserve-context "$K64" --initrd="$INITRD" \
		--mem-min=0x1000000 --mem-max=0x5ffffff --append="$CMDLINE"; then
		fail preserve-load "exit non-zero"; show "$rec/stderr"
	elif ! grep -Eq '^syscall=kexec_load .*flags=0x3e0002$' "$rec/call"; then
		fail preserve-load "flags are not KEXEC_ARCH_X86_64 | KEXEC_PRESERVE_CONTEXT"; show "$rec/call"
	elif ! grep -qa 'kexec_jump_back_entry=0x0000000000000000' "$rec"/seg*.bin; then
		fail preserve-load "no kexec_jump_back_entry= placeholder in any segment"
	elif ! grep -qa 'elfcorehdr=0x' "$rec"/seg*.bin; then
		fail preserve-load "no elfcorehdr= in any segment"
	else
		pass preserve-load
	fi

	# A's VMCOREINFO note buffer inside B's window (as it is when
	# --mem-min is low): B's header carries the copy /proc/kcore's note
	# gives, in its own segment; without /proc/kcore that PT_NOTE is left
	# out with a warning, B reading its own memory there instead
	rec=$work/preserve-vmcoreinfo
	root=$work/root-preserve-vmcoreinfo
	newroot "$root"
	echo "2d00000 1024" >"$root/sys/kernel/vmcoreinfo"
	python3 - "$root/proc/kcore" <<'PY'
import struct, sys
def note(name, t, desc):
    n = name + b"\0"
    b = struct.pack("<III", len(n), len(desc), t) + n + bytes(-len(n) % 4) + desc
    return b + bytes(-len(b) % 4)
# fs/proc/kcore.c's layout: a PT_NOTE, PT_LOADs, the notes right after them
notes = note(b"CORE", 1, bytes(336)) + note(b"CORE", 3, bytes(136)) + note(b"CORE", 4, b"\x5a" * 9000) + \
    note(b"VMCOREINFO", 0, b"OSRELEASE=6.1.0-kj-host\nPAGESIZE=4096\n")
nph = 3
off = 64 + 56 * nph
eh = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, nph, 0, 0, 0)
ph = struct.pack("<IIQQQQQQ", 4, 0, off, 0, 0, len(notes), 0, 0)
for i in range(nph - 1):
    ph += struct.pack("<IIQQQQQQ", 1, 7, 0x10000 + i * 0x100000, 0xffff888000000000 + i * 0x100000,
                      i * 0x100000, 0x100000, 0x100000, 4096)
open(sys.argv[1], "wb").write(eh + ph + notes + bytes(4096))
PY
	vmci_check() { # REC WANT_TEXT: the header's VMCOREINFO PT_NOTE (WANT_TEXT empty: none)
		python3 - "$1" "$2" <<'PY'
import re, struct, sys, glob
rec, want = sys.argv[1], sys.argv[2].encode().replace(b"\\n", b"\n")
segs = {int(m.group(1)): (int(m.group(2), 16), int(m.group(3), 16)) for m in
        (re.match(r"(\d+) mem=0x([0-9a-f]+) memsz=0x([0-9a-f]+)", l) for l in open(rec + "/segments"))}
hdr = None
for i, (mem, memsz) in segs.items():
    b = open("%s/seg%d.bin" % (rec, i), "rb").read()
    if b[:4] == b"\x7fELF" and struct.unpack_from("<H", b, 16)[0] == 4:
        hdr, base = b, mem
if hdr is None:
    sys.exit("no ELF core header segment")
phnum, = struct.unpack_from("<H", hdr, 56)
found = []
for i in range(phnum):
    t, _, off, _, _, filesz, memsz = struct.unpack_from("<IIQQQQQ", hdr, 64 + 56 * i)
    if t != 4:
        continue
    if off < 0x6000000 and off + memsz > 0x1000000:
        sys.exit("PT_NOTE at 0x%x lies in B's window" % off)
    if not base <= off < base + len(hdr):
        continue  # not in the header segment
    n = hdr[off - base:off - base + memsz]
    namesz, descsz, _ = struct.unpack_from("<III", n)
    name = n[12:12 + namesz]
    if name == b"VMCOREINFO\0":
        d = n[24:24 + descsz]
        end = 24 + (descsz + 3) // 4 * 4
        if n[end:end + 12] != bytes(12) or memsz != end + 12:
            sys.exit("the VMCOREINFO PT_NOTE does not end with an empty note header")
        found.append(d)
if want and found != [want]:
    sys.exit("VMCOREINFO notes in the header %s, want %r" % (found, want))
if not want and found:
    sys.exit("a VMCOREINFO note %s, want none" % found)
PY
	}
	if ! kx "$rec" "$root" "$KEXEC" -- --load-preserve-context "$K64" --initrd="$INITRD" \
		--mem-min=0x1000000 --mem-max=0x5ffffff --append="$CMDLINE"; then
		fail preserve-vmcoreinfo "exit non-zero"; show "$rec/stderr"
	elif grep -q warning "$rec/stderr"; then
		fail preserve-vmcoreinfo "a warning"; show "$rec/stderr"
	elif ! vmci_check "$rec" 'OSRELEASE=6.1.0-kj-host\nPAGESIZE=4096\n' >"$rec.check" 2>&1; then
		fail preserve-vmcoreinfo "the core header"; show "$rec.check"
	else
		pass preserve-vmcoreinfo
	fi
	rm "$root/proc/kcore"
	rec=$work/preserve-vmcoreinfo-none
	if ! kx "$rec" "$root" "$KEXEC" -- --load-preserve-context "$K64" --initrd="$INITRD" \
		--mem-min=0x1000000 --mem-max=0x5ffffff --append="$CMDLINE"; then
		fail preserve-vmcoreinfo-none "exit non-zero"; show "$rec/stderr"
	elif ! grep -qx "kexec: warning: /proc/vmcore in kernel B will lack VMCOREINFO: A's note at 0x2d00000 lies in B's memory, and /proc/kcore: No such file or directory" "$rec/stderr"; then
		fail preserve-vmcoreinfo-none "no warning, or another"; show "$rec/stderr"
	elif ! vmci_check "$rec" "" >"$rec.check" 2>&1; then
		fail preserve-vmcoreinfo-none "the core header"; show "$rec.check"
	else
		pass preserve-vmcoreinfo-none
	fi

	rec=$work/helper
	root=$work/root-helper
	newroot "$root"
	echo "console=ttyS0 kexec_jump_back_entry=0x000000001f3c5000" >"$root/proc/cmdline"
	if ! kx "$rec" "$root" "$KEXEC" -- --load-jump-back-helper; then
		fail jump-back-helper "exit non-zero"; show "$rec/stderr"
	elif ! grep -Eq '^syscall=kexec_load entry=0x1f3c5000 nr_segments=1 flags=0x3e0002$' "$rec/call"; then
		fail jump-back-helper "unexpected call"; show "$rec/call"
	elif ! grep -Eq '^0 mem=0x[0-9a-f]+ memsz=0x1000 ' "$rec/segments"; then
		fail jump-back-helper "not one page"; show "$rec/segments"
	else
		pass jump-back-helper
	fi

	rec=$work/preserve-s
	kx "$rec" "$root" "$KEXEC" -- -s --load-preserve-context "$K64"
	if [ $? -ne 2 ] || ! grep -q "needs kexec_load" "$rec/stderr" || [ -e "$rec/call" ]; then
		fail preserve-file-syscall "expected a usage error (exit 2) and no call"; show "$rec/stderr"
	else
		pass preserve-file-syscall
	fi
}
case_preserve

# ------------------------------------------------------------ kexec -p
# A crash kernel: KEXEC_ON_CRASH, every segment inside the "Crash kernel"
# region, an ELF core header (PT_NOTEs at the CPUs' crash notes and
# VMCOREINFO, PT_LOADs = RAM minus the low 1 MiB and the crash region) found
# through elfcorehdr=, and without a region a clear error and no call.
crash_root() { # crash_root ROOT: the 512 MiB machine with crashkernel=128M
	newroot "$1"
	sed -i 's/^00100000-1ffdffff : System RAM$/&\n  08000000-0fffffff : Crash kernel/' "$1/proc/iomem"
	mkdir -p "$1/sys/devices/system/cpu/cpu0"
	echo 1ff2c000 >"$1/sys/devices/system/cpu/cpu0/crash_notes"
	echo 432 >"$1/sys/devices/system/cpu/cpu0/crash_notes_size"
	echo "2a1e000 1000" >"$1/sys/kernel/vmcoreinfo" # both hex, as the kernel prints them
}
case_crash() {
	local rec=$work/crash root=$work/root-crash
	crash_root "$root"
	[ -n "$K64" ] || { fail crash-load "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	if ! kx "$rec" "$root" "$KEXEC" -- -c -p "$K64" --initrd="$INITRD" --append="$CMDLINE"; then
		fail crash-load "exit non-zero"; show "$rec/stderr"
	elif ! grep -Eq '^syscall=kexec_load .*flags=0x3e0001$' "$rec/call"; then
		fail crash-load "flags are not KEXEC_ARCH_X86_64 | KEXEC_ON_CRASH"; show "$rec/call"
	elif ! python3 - "$rec" <<'PY'
import re, struct, sys, glob
rec = sys.argv[1]
segs = [tuple(int(x, 16) for x in re.findall(r"(?:mem|memsz)=0x([0-9a-f]+)", l))
        for l in open(rec + "/segments")]
for mem, memsz in segs:
    if not (0x8000000 <= mem and mem + memsz <= 0x10000000):
        sys.exit("segment 0x%x+0x%x outside the crash region" % (mem, memsz))
hdr = [f for f in glob.glob(rec + "/seg*.bin") if open(f, "rb").read(4) == b"\x7fELF"
       and struct.unpack_from("<H", open(f, "rb").read(18), 16)[0] == 4]
if not hdr:
    sys.exit("no ELF core header segment")
b = open(hdr[0], "rb").read()
phoff, = struct.unpack_from("<Q", b, 32)
phnum, = struct.unpack_from("<H", b, 56)
notes, loads = [], []
for i in range(phnum):
    t, _, off, _, paddr, filesz, memsz = struct.unpack_from("<IIQQQQQ", b, phoff + 56 * i)
    (notes if t == 4 else loads).append((paddr if t == 1 else off, memsz))
if sorted(notes) != [(0x2a1e000, 0x1000), (0x1ff2c000, 432)]:
    sys.exit("PT_NOTEs %s" % notes)
want = [(0x100000, 0x8000000 - 0x100000), (0x10000000, 0x1ffe0000 - 0x10000000)]
if loads != want:
    sys.exit("PT_LOADs %s, want %s" % ([(hex(a), hex(n)) for a, n in loads], want))
line = b"".join(open(f, "rb").read() for f in glob.glob(rec + "/seg*.bin"))
if not re.search(rb"elfcorehdr=0x[0-9a-f]+", line):
    sys.exit("no elfcorehdr= on the command line")
PY
	then
		fail crash-load "the plan"
	else
		pass crash-load
	fi

	rec=$work/crash-none
	newroot "$root"
	kx "$rec" "$root" "$KEXEC" -- -c -p "$K64" --initrd="$INITRD"
	if [ $? -ne 4 ] || ! grep -q 'no memory is reserved for a crash kernel.*crashkernel=' "$rec/stderr" ||
		[ -e "$rec/call" ]; then
		fail crash-no-region "expected exit 4, the crashkernel= hint and no call"; show "$rec/stderr"
	else
		pass crash-no-region
	fi

	rec=$work/crash-small
	crash_root "$root"
	sed -i 's/08000000-0fffffff : Crash kernel/08000000-083fffff : Crash kernel/' "$root/proc/iomem"
	kx "$rec" "$root" "$KEXEC" -- -c -p "$K64" --initrd="$INITRD"
	if [ $? -ne 4 ] || ! grep -q 'crash kernel region 0x8000000-0x8400000 holds 4 MiB: boot with a larger crashkernel=' "$rec/stderr" ||
		[ -e "$rec/call" ]; then
		fail crash-too-small "expected exit 4, the region's size and no call"; show "$rec/stderr"
	else
		pass crash-too-small
	fi

	rec=$work/crash-file
	crash_root "$root"
	if ! kx "$rec" "$root" "$KEXEC" -- -s -p "$K64" --initrd="$INITRD" --append="$CMDLINE"; then
		fail crash-file "exit non-zero"; show "$rec/stderr"
	elif ! grep -Eq '^syscall=kexec_file_load .*flags=0x2$' "$rec/call"; then
		fail crash-file "flags are not KEXEC_FILE_ON_CRASH"; show "$rec/call"
	else
		pass crash-file
	fi

	# --print-ckr-size (kexec-tools): the region's size in bytes, 0 without one
	rec=$work/ckr-size
	crash_root "$root"
	if ! kx "$rec" "$root" "$KEXEC" -- --print-ckr-size || [ "$(cat "$rec/stdout")" != 134217728 ]; then
		fail print-ckr-size "expected 134217728 (128 MiB)"; show "$rec/stdout"; show "$rec/stderr"
	elif newroot "$work/root-ckr-none" &&
		! kx "$rec-none" "$work/root-ckr-none" "$KEXEC" -- --print-ckr-size ||
		[ "$(cat "$rec-none/stdout")" != 0 ]; then
		fail print-ckr-size "expected 0 without a Crash kernel region"; show "$rec-none/stdout"; show "$rec-none/stderr"
	else
		pass print-ckr-size
	fi
}
case_crash

# ------------------------------------------------------------ bad input
# Each class of bad input: one line naming the file and what is wrong, the
# documented exit code, and no system call at all (nothing half-loaded).
bad() { # bad NAME EXIT REGEX -- ARGS...
	local name=$1 want=$2 re=$3 rec=$work/bad-$1 rc
	shift 4
	kx "$rec" "$work/root-bad" "$KEXEC" -- "$@"
	rc=$?
	if [ $rc -ne "$want" ]; then
		fail "bad-$name" "exit $rc, want $want"; show "$rec/stderr"
	elif [ "$(grep -vc "^Try 'kexec --help'" "$rec/stderr")" -ne 1 ]; then
		fail "bad-$name" "not one line (and for a usage error, the --help hint)"; show "$rec/stderr"
	elif ! grep -Eq "$re" "$rec/stderr"; then
		fail "bad-$name" "message does not match /$re/"; show "$rec/stderr"
	elif [ -e "$rec/call" ]; then
		fail "bad-$name" "a system call was made"; show "$rec/call"
	else
		pass "bad-$name"
	fi
}
# A core without notes (a copy of /proc/vmcore) of 300 MiB of zero pages,
# over half of RAM: its zero pages become zero fills and it loads.
zero_pages() {
	local rec=$work/zero-pages rc bytes=0 b
	kx "$rec" "$work/root-bad" "$KEXEC" -- -c -l --args-none --entry=0x1000000 "$1"
	rc=$?
	[ -f "$rec/segments" ] && for b in $(sed -n 's/.*bufsz=\(0x[0-9a-f]*\).*/\1/p' "$rec/segments"); do
		bytes=$((bytes + b))
	done
	if [ $rc -ne 0 ]; then
		fail image-zero-pages "exit $rc"; show "$rec/stderr"
	elif [ ! -s "$rec/segments" ] || [ "$bytes" -gt $((1 << 20)) ]; then
		fail image-zero-pages "more than 1 MiB of segments for an image of zeros"; show "$rec/segments"
	else
		pass image-zero-pages
	fi
}
case_bad_input() {
	local b=$work/bad
	newroot "$work/root-bad"
	[ -n "$K64" ] || { fail bad-input "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	$py "$here/mkbad.py" "$b" "$K64" || { fail bad-input "mkbad.py failed"; return; }
	bad bzimage-truncated 3 "trunc16k.bzImage: .*(truncated|past the end|needs)" -- -c -l "$b/trunc16k.bzImage"
	bad bzimage-setup-only 3 "truncsetup.bzImage: truncated: the file ends after the setup code" -- -c -l "$b/truncsetup.bzImage"
	bad bzimage-old-protocol 3 "oldproto.bzImage: .*(protocol|2\.05)" -- -c -l "$b/oldproto.bzImage"
	bad wrong-magic 3 "magic.bin: not a kernel" -- -c -l "$b/magic.bin"
	bad elf-truncated 3 "trunc.elf: .*(truncated|past the end)" -- -c -l --args-none "$b/trunc.elf"
	bad elf-overlap 3 "overlap.elf: .*overlap" -- -c -l --args-none "$b/overlap.elf"
	bad elf-absurd 3 "absurd.elf: program header 0 asks for memory up to" -- -c -l --args-none "$b/absurd.elf"
	bad elf-entry 3 "entry.elf: .*entry" -- -c -l --args-none "$b/entry.elf"
	bad initrd-half-ram 4 "huge.initrd.* more than half of RAM" -- -c -l "$K64" --initrd="$b/huge.initrd"
	bad initrd-no-room 4 "no room for the initrd .* below 0x[0-9a-f]+ and within 0x1000000-0x5200000" -- -c -l "$K64" --initrd="$INITRD" --mem-min=0x1000000 --mem-max=0x51fffff
	bad mem-min-above-max 2 "mem-min.*mem-max" -- -c -l "$K64" --mem-min=0x8000000 --mem-max=0x4000000
	bad cmdline-too-long 2 "command line.*(long|bytes)" -- -c -l "$K64" --append="$(head -c 5000 /dev/zero | tr '\0' x)"
	bad image-damaged 3 "core-damaged.elf: SHA-256 mismatch" -- -c -l --args-none "$b/core-damaged.elf"
	bad image-half-ram 4 "core-huge.elf: holds 300 MiB of memory contents; kexec_load\\(2\\) takes at most half of RAM" -- -c -l --args-none --entry=0x1000000 "$b/core-huge.elf"
	zero_pages "$b/core-zeros.elf"
	bad image-no-staging-room 4 "core-frag.elf: no room below 4 GiB for the copy list \\([0-9]+ KiB\\) in RAM the image leaves alone" -- -c -l --args-none --entry=0x100000 "$b/core-frag.elf"
	bad image-other-machine 3 "core-othermap.elf: .*(other RAM|not RAM on this machine)" -- -c -l --args-none "$b/core-othermap.elf"
	# a damaged note is an error, never "no note" (which would load the
	# damaged data unchecked); kdump info --verify says the same
	local n
	for n in notename namesz descsz nonote; do
		bad "image-$n" 3 "core-$n.elf: .*(KEXECJMP|PT_NOTE|without notes)" -- -c -l --args-none --entry=0x3000010 "$b/core-$n.elf"
		verify_same "image-$n" "$b/core-$n.elf"
	done

	# inputs that are not files
	bad initrd-chardev 3 "^kexec: /dev/zero: is a character device" -- -c -l "$K64" --initrd=/dev/zero
	bad initrd-chardev-file 3 "^kexec: /dev/zero: is a character device" -- -s -l "$K64" --initrd=/dev/zero
	bad kernel-pipe 3 "^kexec: /dev/fd/[0-9]+: not a kernel this kexec can load" -- -c -l <(cat "$b/magic.bin")
	bad kernel-pipe-empty 3 "^kexec: /dev/fd/[0-9]+: the pipe is empty" -- -c -l <(true)
	# kexec_file_load (-s, and the default -a) checks what -c checks
	bad bzimage-truncated-file 3 "trunc16k.bzImage: .*(truncated|past the end|needs)" -- -s -l "$b/trunc16k.bzImage"
	bad bzimage-truncated-auto 3 "trunc16k.bzImage: .*(truncated|past the end|needs)" -- -l "$b/trunc16k.bzImage"
	bad cmdline-too-long-file 2 "command line is 3000 bytes; this kernel accepts at most 2047" -- -s -l "$K64" --append="$(cat "$b/cmdline-big.txt")"
	# messages
	bad load-with-argument 2 "^kexec: option '--load' doesn't allow an argument$" -- --load=yes "$K64"
	bad load-abbrev-argument 2 "^kexec: option '--unload' doesn't allow an argument$" -- --unl=1
}
# A saved image is resumed once: the load marks its resume note (on disk),
# the next load refuses; --force-resume loads anyway, saying so.  A disk
# the image names that this machine lacks refuses it too.
case_resume_once() {
	local b=$work/bad rec=$work/resume-once
	# a machine with no block device (the shim's root stands in for /sys)
	mkdir -p "$work/root-bad/sys/class/block"
	kx "$rec" "$work/root-bad" "$KEXEC" -- -c -l --args-none "$b/core-once.elf"
	if [ $? -ne 0 ] || [ ! -e "$rec/call" ]; then
		fail resume-first-load "exit status or no kexec_load"; show "$rec/stderr"
	elif [ -s "$rec/stderr" ]; then
		fail resume-first-load "said something"; show "$rec/stderr"
	else
		pass resume-first-load
	fi
	if "$KDUMP" info "$b/core-once.elf" 2>&1 | grep -q "^state: consumed: loaded for its resume at "; then
		pass resume-info-consumed
	else
		fail resume-info-consumed "kdump info does not say consumed"; "$KDUMP" info "$b/core-once.elf" 2>&1 | head -12
	fi
	bad resume-second-load 1 "core-once.elf: already resumed at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC" -- -c -l --args-none "$b/core-once.elf"
	bad resume-recorded 1 "core-resumed.elf: already resumed at 2023-11-14 22:13:20 UTC \\(loaded then for its resume\\)" -- -c -l --args-none "$b/core-resumed.elf"
	bad resume-note-damaged 3 "core-resume-bad.elf: its KEXECJMP resume note is not one" -- -c -l --args-none "$b/core-resume-bad.elf"
	bad resume-disk-gone 1 "core-disk-gone.elf: A's ext2/3/4 file system deadbeef-0000-0000-0000-00000000beef \\(vdz9 in kernel B\\) is not on this machine" -- -c -l --args-none "$b/core-disk-gone.elf"
	rec=$work/resume-force
	kx "$rec" "$work/root-bad" "$KEXEC" -- -c -l --args-none --force-resume "$b/core-resumed.elf"
	if [ $? -ne 0 ] || [ ! -e "$rec/call" ] || ! grep -q "already resumed at .*(--force-resume: loading anyway)" "$rec/stderr"; then
		fail resume-force "not loaded with a warning"; show "$rec/stderr"
	else
		pass resume-force
	fi
	rec=$work/resume-disks-none
	kx "$rec" "$work/root-bad" "$KEXEC" -- -c -l --args-none "$b/core-disks-none.elf"
	if [ $? -ne 0 ] || [ ! -e "$rec/call" ]; then
		fail resume-disks-none "an image naming no disk did not load"; show "$rec/stderr"
	else
		pass resume-disks-none
	fi
}

# verify_same NAME IMAGE: kdump info --verify refuses it too, with the
# same words after the file name
verify_same() {
	local rec=$work/bad-$1 vrc
	"$KDUMP" info --verify "$2" >"$rec/kdump.out" 2>"$rec/kdump.err"
	vrc=$?
	if [ $vrc -eq 0 ]; then
		fail "verify-$1" "kdump info --verify accepted it"
	elif [ "$(sed 's/^[^:]*: [^:]*: //' "$rec/kdump.err")" != "$(sed 's/^[^:]*: [^:]*: //' "$rec/stderr")" ] &&
		! grep -q "not an image saved by kdump" "$rec/kdump.err"; then
		fail "verify-$1" "kexec and kdump info --verify disagree"; show "$rec/stderr" "$rec/kdump.err"
	else
		pass "verify-$1"
	fi
}
case_bad_input
case_resume_once

# ------------------------------------------------------------ -e
# Only inside a user namespace: the shim records reboot(2) and the
# SIOCSIFFLAGS ioctls, the namespace makes sure nothing else gets through.
case_exec() {
	local rec=$work/exec root=$work/root-exec
	newroot "$root"
	if [ ${#USERNS[@]} -eq 0 ]; then
		fail exec "no user namespace: kexec -e is not run without one"; return
	fi
	[ -n "$K64" ] || { fail exec "no amd64 kernel in the cache (run ./bootstrap)"; return; }
	if ! kx "$work/exec-load" "$root" "$KEXEC" -- -c -l "$K64" --initrd="$INITRD" --append="$CMDLINE"; then
		fail exec "load failed"; show "$work/exec-load/stderr"; return
	fi
	kx "$rec" "$root" "$KEXEC" -- -e
	if grep -qx 'reboot cmd=0x45584543' "$rec/reboot" 2>/dev/null; then
		pass exec
	else
		fail exec "no reboot(LINUX_REBOOT_CMD_KEXEC) recorded"; show "$rec/stderr" "$rec/reboot"
	fi
}
case_exec

# ------------------------------------------------------------ COMPARE
# kexec-tools on the same input; informational, never counted.
if [ -x "$KEXEC_TOOLS" ] && [ -n "$K64" ]; then
	rec=$work/kexec-tools-amd64
	newroot "$work/root-kt"
	if kx "$rec" "$work/root-kt" "$KEXEC_TOOLS" -- -c -l "$K64" --initrd="$INITRD" --append="$CMDLINE"; then
		"$py" "$here/compare.py" --label kexec-tools-amd64 --kernel "$K64" --initrd "$INITRD" \
			"$rec" "$work/amd64-load"
		"$py" "$here/check-load.py" --no-purgatory --arch x86_64 --kernel "$K64" --root "$work/root-kt" \
			--initrd "$INITRD" --cmdline "$CMDLINE" "$rec" 2>&1 | sed 's/^/COMPARE kexec-tools-amd64: check-load: /'
	else
		echo "COMPARE kexec-tools-amd64: $KEXEC_TOOLS failed: $(head -n3 "$rec/stderr")"
	fi
else
	echo "COMPARE kexec-tools-amd64: not run (no $KEXEC_TOOLS or no kernel)"
fi

finish
