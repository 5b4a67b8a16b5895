#!/bin/bash
# make check: the bash completions of kexec and kdump offer what the
# commands accept.  Each check drives the completion function the way bash
# does (COMP_WORDS, COMP_CWORD) and compares COMPREPLY; the option lists are
# compared with what `kexec --help`, `kdump --help` and `kdump CMD --help`
# print.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$PWD}
KEXEC_BIN=$builddir/kexec/kexec
KDUMP_BIN=$builddir/kdump/kdump
fail=0
pass=0

for f in "$KEXEC_BIN" "$KDUMP_BIN"; do
	[ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done

# shellcheck source=completion/kexec
. "$srcdir/completion/kexec" || { echo "FAIL: completion/kexec does not load"; exit 1; }
# shellcheck source=completion/kdump
. "$srcdir/completion/kdump" || { echo "FAIL: completion/kdump does not load"; exit 1; }

# complete LINE: words split on blanks; a trailing blank starts an empty word
complete_line() {
	local line=$1 func
	read -r -a COMP_WORDS <<< "$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	func=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
	[ -n "$func" ] || { echo "(no completion for ${COMP_WORDS[0]})"; return; }
	COMPREPLY=()
	"$func" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() {
	local line=$1 want=$2 got
	got=$(complete_line "$line")
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: '$line' completes to '$got', expected '$want'"
		fail=$((fail + 1))
	fi
}

sorted() { tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# The options --help lists in its option column (" -x, --name=ARG  text"):
# "-x", "--name", or "--name=" when it takes a value.
help_opts() {
	grep -E '^ {1,5}-' |
		awk '{ for (i = 1; i <= NF && $i ~ /^-/; i++) print $i }' |
		sed -E 's/,$//; s/=[A-Za-z]+$/=/' | sorted
}

# kexec: every option of --help, nothing else
want=$("$KEXEC_BIN" --help | help_opts)
expect "kexec -" "$want"
expect "kexec --ty" "--type="
expect "kexec --type=bz" "--type=bzImage --type=bzImage64"
expect "kexec -t elf" "elf-x86 elf-x86_64"
expect "kexec --load-p" "--load-panic --load-preserve-context"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/vmlinuz-6.12" "$tmp/initrd.img-6.12"
expect "kexec -l $tmp/vm" "$tmp/vmlinuz-6.12"
expect "kexec -l $tmp/vmlinuz-6.12 --initrd=$tmp/in" "$tmp/initrd.img-6.12"
expect "kexec -l $tmp/vmlinuz-6.12 --initrd $tmp/in" "$tmp/initrd.img-6.12"
expect "kexec --append " ""

# kdump: commands (those of the list in kdump --help), then each command's
# options (those of kdump CMD --help); together they are kdump --help's
cmds=$("$KDUMP_BIN" --help | awk '/^Commands:$/ {on = 1; next} /^$/ {on = 0} on {print $1}' | sorted)
[ -n "$cmds" ] || { echo "FAIL: kdump --help lists no command"; exit 1; }
expect "kdump " "$cmds"
expect "kdump -" "--help --version -h -v"
save=$(complete_line "kdump save -")
info=$(complete_line "kdump info -")
dmesg=$(complete_line "kdump dmesg -")
want=$("$KDUMP_BIN" --help | help_opts)
got=$(echo "$save $info $dmesg --version -v" | sorted)
if [ "$got" = "$want" ]; then
	pass=$((pass + 1))
else
	echo "FAIL: kdump completion offers '$got', kdump --help lists '$want'"
	fail=$((fail + 1))
fi
# each command's own options, from its --help
for c in $cmds; do
	if ! "$KDUMP_BIN" "$c" --help >"$tmp/$c.help"; then
		echo "FAIL: kdump $c --help failed"
		fail=$((fail + 1))
		continue
	fi
	expect "kdump $c -" "$(help_opts <"$tmp/$c.help")"
done
expect "kdump save --exclude=z" "--exclude=zero"
expect "kdump save --exclude=zero,f" "--exclude=zero,free"
expect "kdump save --exclude=zero,free,l" "--exclude=zero,free,lent"
touch "$tmp/image.elf"
expect "kdump info $tmp/ima" "$tmp/image.elf"
expect "kdump save --from=$tmp/ima" "$tmp/image.elf"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
