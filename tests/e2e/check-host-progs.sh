#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: what the e2e harness and the benchmarks run on the host is an
# x86-64 program (issue 18).  A host whose kernel refuses i386 binaries
# ("Exec format error": no IA32 emulation) must still pass tests/e2e/run,
# so the guest's i386 builds (kj_ours i386, Debian's i386 packages) go into
# guest roots and never run on the host.  No QEMU, no network, no cache.
#
#  (a) kj_host_elf (tests/e2e/lib.sh) accepts an x86-64 ELF program and
#      refuses an i386 one (ELFCLASS32, EM_386), an x32 one and a non-ELF
#      file, each with a "HOST PROGRAM ..." message; kj_host_ours kdump
#      returns the kdump beside $KEXEC_X86_64 (with ARCH=i386 and
#      $KEXEC_I386 set, too) and refuses an i386 one.
#  (b) the scenarios (scenarios/ and scenarios-pending/), tests/e2e/*.py
#      and the bench scripts name what they run on the host only through
#      kj_host_ours / kj_host_tool: no kj_ours
#      (the runner's, for the guest's kexec), no $KEXEC_I386 or
#      kexec-i386 cache path, no $KJ_KEXEC_TREE (the guest's programs), no
#      "kj_host_tool ARCH ..." (it has no ARCH: always amd64), no -m32
#      (guest programs are built with kj_gcc), and every kj_gcc writes
#      into the guest root ($ROOT).  One FAIL line per offending line.
#
# Environment: top_srcdir (default: from this script's path).  Prints
# PASS/FAIL per check and "N passed, N failed"; exits 1 on any failure.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/kj-host-progs.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }

# ------------------------------------------------------------ (a) the guard
# fake_elf FILE CLASS MACHINE: an ELF header (64 bytes) with EI_CLASS
# CLASS (1 or 2) and e_machine MACHINE (62 x86-64, 3 i386), executable
fake_elf() {
	python3 - "$@" <<'PY'
import struct, sys
path, cls, machine = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
hdr = b"\x7fELF" + bytes([cls, 1, 1]) + bytes(9) + struct.pack("<HH", 2, machine)
open(path, "wb").write(hdr + bytes(64 - len(hdr)))
PY
	chmod +x "$1"
}
mkdir -p "$work/b64" "$work/b32"
fake_elf "$work/b64/kexec" 2 62
fake_elf "$work/b64/kdump" 2 62
fake_elf "$work/b32/kexec" 1 3
fake_elf "$work/b32/kdump" 1 3
fake_elf "$work/x32" 1 62
printf '#!/bin/sh\necho hi\n' >"$work/script"
chmod +x "$work/script"

(
	export KJ_CACHE=$work/cache
	unset KEXEC_X86_64 KEXEC_I386 KEXEC_X86_64_HOOKS KEXEC_I386_HOOKS
	# shellcheck source=lib.sh
	. "$top_srcdir/tests/e2e/lib.sh" || { fail lib-sources "tests/e2e/lib.sh"; exit 1; }
	declare -F kj_host_elf >/dev/null || { echo "FAIL host-elf: no kj_host_elf in tests/e2e/lib.sh"; exit 1; }
	declare -F kj_host_ours >/dev/null || { echo "FAIL host-ours: no kj_host_ours in tests/e2e/lib.sh"; exit 1; }
	# refuse FILE LABEL: kj_host_elf must fail with a HOST PROGRAM message
	refuse() {
		local msg
		if msg=$(kj_host_elf "$1" 2>&1); then
			echo "FAIL host-elf-$2: kj_host_elf accepted $1"
		elif ! printf '%s\n' "$msg" | grep -q "HOST PROGRAM $1 "; then
			echo "FAIL host-elf-$2: no 'HOST PROGRAM' message, got: $msg"
		else
			echo "PASS host-elf-$2"
		fi
	}
	if kj_host_elf "$work/b64/kdump" 2>"$work/err"; then
		echo "PASS host-elf-x86_64"
	else
		echo "FAIL host-elf-x86_64: $(cat "$work/err")"
	fi
	refuse "$work/b32/kdump" i386
	refuse "$work/x32" x32
	refuse "$work/script" script
	refuse "$work/missing" missing

	# in an i386 scenario too: the x86_64 build's, never ARCH's
	out=$(ARCH=i386 KEXEC_I386=$work/b32/kexec KEXEC_X86_64=$work/b64/kexec kj_host_ours kdump 2>&1)
	if [ "$out" = "$work/b64/kdump" ]; then
		echo "PASS host-ours-x86_64"
	else
		echo "FAIL host-ours-x86_64: kj_host_ours kdump printed: $out"
	fi
	# a KEXEC_X86_64 that is really an i386 build: refused, not run
	if out=$(KEXEC_X86_64=$work/b32/kexec kj_host_ours kdump 2>&1); then
		echo "FAIL host-ours-i386: kj_host_ours kdump accepted an i386 kdump: $out"
	elif printf '%s\n' "$out" | grep -q 'HOST PROGRAM'; then
		echo "PASS host-ours-i386"
	else
		echo "FAIL host-ours-i386: no 'HOST PROGRAM' message, got: $out"
	fi
) >"$work/guard.out" 2>&1
while IFS= read -r line; do
	case "$line" in
		PASS\ *) pass "${line#PASS }" ;;
		FAIL\ *) name=${line#FAIL }; fail "${name%%:*}" "${name#*: }" ;;
		*) echo "    $line" ;;
	esac
done <"$work/guard.out"

# ------------------------------------------------- (b) the host-side callers
# Files with host-side code: scenarios (prepare/verify), the check scripts
# verify() runs, the bench scripts and scenarios (bench is not in every
# tree: make dist has it, a partial copy may not).
files=()
for f in "$top_srcdir"/tests/e2e/scenarios/* "$top_srcdir"/tests/e2e/scenarios-pending/* "$top_srcdir"/tests/e2e/*.py \
	"$top_srcdir"/bench/*.sh "$top_srcdir"/bench/run "$top_srcdir"/bench/*.py \
	"$top_srcdir"/bench/scenarios/*; do
	[ -f "$f" ] && files+=("$f")
done
if [ ${#files[@]} -lt 10 ]; then
	fail callers "only ${#files[@]} files under tests/e2e/scenarios* and bench/"
fi
# pairs of an extended regex (matched per continuation-joined line, comments
# dropped) and why it is wrong
ours='run kj_host_ours PROGRAM on the host'
rules=(
	'\bkj_ours\b' "kj_ours is the guest's kexec (ARCH's build): $ours"
	'KEXEC_I386' "\$KEXEC_I386 is the guest's i386 build: $ours"
	'kexec-i386' "the kexec-i386 cache builds are the guest's: $ours"
	'KJ_KEXEC_TREE' "\$KJ_KEXEC_TREE holds the guest's programs: $ours"
	'\bkj_host_tool[[:space:]]+"?(\$\{?ARCH\b|x86_64\b|i386\b|amd64\b)' \
	"kj_host_tool takes no ARCH: it always runs Debian's amd64 program"
	'(^|[[:space:]])-m32\b' "-m32 builds an i386 program: guest programs are built with kj_gcc into \$ROOT"
)
bad=0
for f in "${files[@]}"; do
	rel=${f#"$top_srcdir"/}
	# join backslash-continued lines, number them by their first line,
	# drop comments (a # at the start of a word)
	awk '{ line = $0; n = NR
	       while (line ~ /\\$/ && (getline nx) > 0) { sub(/\\$/, " ", line); line = line nx }
	       sub(/(^|[ \t])#.*/, "", line); print n ":" line }' "$f" >"$work/lines"
	for ((i = 0; i < ${#rules[@]}; i += 2)); do
		re=${rules[i]} why=${rules[i + 1]}
		while IFS= read -r hit; do
			fail "host-side $rel:${hit%%:*}" "$why: ${hit#*:}"
			bad=$((bad + 1))
		done < <(grep -E -- "^[0-9]+:.*$re" "$work/lines" | sed 's/\t/ /g; s/  */ /g')
	done
	# kj_gcc writes only into the guest root
	while IFS= read -r hit; do
		fail "host-side $rel:${hit%%:*}" "kj_gcc builds for the guest's ARCH: its -o must be under \"\$ROOT\": ${hit#*:}"
		bad=$((bad + 1))
	done < <(grep -E '^[0-9]+:.*\bkj_gcc\b' "$work/lines" | grep -vE -- '-o "\$ROOT/' | grep -vE '^[0-9]+:[[:space:]]*kj_gcc\(\)' |
		sed 's/\t/ /g; s/  */ /g')
done
[ $bad -eq 0 ] && [ ${#files[@]} -ge 10 ] && pass "host-side callers (${#files[@]} files)"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
