#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kdump's command line, with the real binary (no file is read but a
# missing one):
#   table        the commands of kdump_cmds[] (kdump/main.c): each is in
#                kdump --help's list of commands, with a section there
#   help-CMD     kdump CMD --help and -h print CMD's usage on stdout and
#                exit 0, stderr empty
#   help         kdump --help and -h the same for kdump itself
#   bad-*        a bad command line: exit KJ_EXIT_USAGE (include/exitcodes.h),
#                one line saying what is wrong and the line naming the help
#                to read ('kdump --help', or 'kdump CMD --help'), stdout
#                empty, nothing written
# Prints PASS/FAIL per case, then "N passed, N failed".
set -uo pipefail
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
KDUMP=${KDUMP:-$top_builddir/kdump/kdump}
work=$(mktemp -d "${TMPDIR:-/tmp}/kj-kdump-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
	for f in out err; do
		[ -s "$work/$f" ] && head -n 5 "$work/$f" | sed "s/^/    $f: /"
	done
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit
}

[ -x "$KDUMP" ] || { fail setup "$KDUMP: not built"; finish; }
usage_rc=$(sed -n -E 's/^#define KJ_EXIT_USAGE +([0-9]+).*/\1/p' "$top_srcdir/include/exitcodes.h")
[ -n "$usage_rc" ] || { fail setup "no KJ_EXIT_USAGE in include/exitcodes.h"; finish; }

# The table: main.c's kdump_cmds[] entries (&kdump_cmd_X), each named by the
# .name of the struct its kdump/cmd-*.c defines.
cmds=()
for var in $(sed -n '/kdump_cmds\[\] = {/,/^};/s/^[[:space:]]*&\(kdump_cmd_[a-z_]*\),$/\1/p' \
	"$top_srcdir/kdump/main.c"); do
	name=$(sed -n "/^const struct kdump_cmd $var = {/,/^};/s/^[[:space:]]*\.name = \"\([a-z-]*\)\",$/\1/p" \
		"$top_srcdir"/kdump/cmd-*.c)
	[ -n "$name" ] || { fail table "no .name for $var in kdump/cmd-*.c"; continue; }
	cmds+=("$name")
done
# the commands documented in kdump.8 are there (a table that lost one fails)
for want in save info dmesg; do
	printf '%s\n' "${cmds[@]}" | grep -qx "$want" || fail table "$want is not in kdump_cmds[]"
done

# run ARGS...: kdump with stdout, stderr in $work/out, $work/err; rc in $rc
run() {
	(cd "$work/cwd" && "$KDUMP" "$@") >"$work/out" 2>"$work/err"
	rc=$?
}
rm -rf "$work/cwd"
mkdir "$work/cwd"

# kdump --help: the list of commands, then a section per command
run --help
listed=$(awk '/^Commands:$/ {on = 1; next} /^$/ {on = 0} on {print $1}' "$work/out")
bad=
for c in "${cmds[@]}"; do
	[ "$(printf '%s\n' "$listed" | grep -cx "$c")" -eq 1 ] || bad="$bad $c (not listed once)"
	grep -qx "$c:" "$work/out" || bad="$bad $c (no section)"
	grep -qx "[ A-Za-z:]* kdump $c .*" "$work/out" || bad="$bad $c (no usage line)"
done
for c in $listed; do
	printf '%s\n' "${cmds[@]}" | grep -qx "$c" || bad="$bad $c (listed, not in the table)"
done
if [ "$rc" -ne 0 ] || [ -s "$work/err" ]; then
	fail table "kdump --help: exit $rc or stderr"
elif [ ${#cmds[@]} -eq 0 ] || [ -n "$bad" ]; then
	fail table "kdump --help and kdump_cmds[] differ:${bad:- the table is empty}"
else
	pass "table: ${cmds[*]} in kdump --help"
fi
cp "$work/out" "$work/help"
run -h
if [ "$rc" -ne 0 ] || [ -s "$work/err" ] || ! cmp -s "$work/out" "$work/help"; then
	fail help "kdump -h: exit $rc, stderr, or not what --help prints"
else
	pass help
fi

# kdump CMD --help / -h: CMD's usage, exit 0
for c in "${cmds[@]}"; do
	run "$c" --help
	cp "$work/out" "$work/cmd-help"
	if [ "$rc" -ne 0 ]; then
		fail "help-$c" "exit $rc, not 0"
	elif [ -s "$work/err" ]; then
		fail "help-$c" "stderr not empty"
	elif [ "$(head -n 1 "$work/out")" != "$(grep -m 1 -x "[ A-Za-z:]* kdump $c .*" "$work/help" |
		sed 's/^[ A-Za-z:]* kdump /Usage: kdump /')" ]; then
		fail "help-$c" "the first line is not kdump --help's usage line of $c"
	elif ! grep -q '^ -h, --help ' "$work/out"; then
		fail "help-$c" "no -h, --help item"
	elif ! run "$c" -h || ! cmp -s "$work/out" "$work/cmd-help"; then
		fail "help-$c" "-h: exit $rc, or not what --help prints"
	else
		pass "help-$c"
	fi
done

# bad NAME WANT-LINE-1 WANT-LINE-2 ARGS...: a usage error
bad() {
	local name=$1 l1=$2 l2=$3
	shift 3
	run "$@"
	if [ "$rc" -ne "$usage_rc" ]; then
		fail "bad-$name" "exit $rc, not $usage_rc"
	elif [ "$(cat "$work/err")" != "$(printf '%s\n%s' "$l1" "$l2")" ]; then
		fail "bad-$name" "not the message: '$l1' / '$l2'"
	elif [ -s "$work/out" ]; then
		fail "bad-$name" "stdout not empty"
	elif [ -n "$(ls -A "$work/cwd")" ]; then
		fail "bad-$name" "left behind: $(ls -A "$work/cwd" | tr '\n' ' ')"
	else
		pass "bad-$name"
	fi
}
try="for more information."
names="save, info or dmesg"
bad unknown-command "kdump: unknown command 'bogus' ($names)" "Try 'kdump --help' $try" bogus img
bad no-command "kdump: a command is needed: $names" "Try 'kdump --help' $try"
bad option "kdump: unrecognized option '-x'" "Try 'kdump --help' $try" -x save img
bad long-option "kdump: unrecognized option '--bogus'" "Try 'kdump --help' $try" --bogus
for c in "${cmds[@]}"; do
	bad "$c-option" "kdump: unrecognized option '--bogus'" "Try 'kdump $c --help' $try" \
		"$c" --bogus img
done
bad save-short "kdump: unrecognized option '-x'" "Try 'kdump save --help' $try" save -xq img
bad save-cluster "kdump: unrecognized option '-x'" "Try 'kdump save --help' $try" save -qx img
# options after the IMAGE are options too (a command's getopt_long scan
# permutes, main()'s stops at the command)
bad save-no-arg "kdump: option '--from' needs an argument" "Try 'kdump save --help' $try" \
	save img --from
bad save-entry "kdump: --entry: 'zz' is not an address" "Try 'kdump save --help' $try" \
	save --entry=zz img
bad save-exclude "kdump: --exclude: 'foo' is not zero, free or lent" \
	"Try 'kdump save --help' $try" save --exclude=zero,foo img
bad save-image "kdump: save needs exactly one IMAGE to write" "Try 'kdump save --help' $try" \
	save img1 img2
bad info-image "kdump: info needs an IMAGE" "Try 'kdump info --help' $try" info --verify
bad info-extra "kdump: unexpected argument 'b'" "Try 'kdump info --help' $try" info a b
bad info-verify-arg "kdump: unrecognized option '--verify=1'" "Try 'kdump info --help' $try" \
	info --verify=1 img
bad dmesg-extra "kdump: unexpected argument 'b'" "Try 'kdump dmesg --help' $try" dmesg a b

# dmesg -- FILE: after --, a FILE that starts with '-' (missing here: exit 3)
run dmesg -- -missing
if [ "$rc" -ne 3 ] || [ "$(cat "$work/err")" != "kdump: -missing: No such file or directory" ]; then
	fail dmesg-dashdash "exit $rc, or not the one line naming -missing"
else
	pass dmesg-dashdash
fi

# kdump -v: the version, exit 0
run -v
if [ "$rc" -ne 0 ] || ! grep -q '^kdump (kexec-jump) ' "$work/out"; then
	fail version "exit $rc, or no version line"
else
	pass version
fi

finish
