#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: the man pages against the binaries, and their rendering.
#
#  (a) every option (long and short) `kexec --help` lists is an option item
#      of man/kexec.8 (a .TP whose tag line shows it in bold), and every
#      option item of kexec.8 is in --help, with the same short/long pairs
#      ("-l, --load"); the same for kdump.  Each mismatch is one line naming
#      the page.
#  (b) every exit code of include/exitcodes.h is an item of each page's
#      EXIT STATUS section.
#  (c) `man -l` (man-db) and groff render each page without a warning, and
#      lexgrog finds its whatis line ("NAME \- ...").
#  (d) the example shell scripts (.EX blocks starting with #!/bin/sh) parse
#      with sh -n.
#
# Environment: top_srcdir (default: from this script's path), top_builddir
# (default: the current directory), KEXEC and KDUMP (the binaries, default
# $top_builddir/kexec/kexec and $top_builddir/kdump/kdump), MAN_DIR (the
# pages, default $top_srcdir/man).  Prints PASS/FAIL per check and
# "N passed, N failed"; exits 0 when everything passed, 1 otherwise.  A
# check that cannot run (binary or man-db missing) FAILS.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$PWD}
KEXEC=${KEXEC:-$top_builddir/kexec/kexec}
KDUMP=${KDUMP:-$top_builddir/kdump/kdump}
MAN_DIR=${MAN_DIR:-$top_srcdir/man}
EXITCODES=$top_srcdir/include/exitcodes.h

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }

work=$(mktemp -d "${TMPDIR:-/tmp}/kj-man.XXXXXX") || { echo "FAIL mktemp"; exit 1; }
trap 'rm -rf "$work"' EXIT

# Options of a --help text: the option items, lines starting with a little
# indentation and then "-x, --long" or "--long" (descriptions and their
# continuation lines start with a word or deeper, and are not looked at).
help_options() {
	sed -n -E -e 's/^ {1,6}(-[A-Za-z0-9], )?(--[a-z0-9][a-z0-9-]*)([ =[].*)?$/\1 \2/p' \
		-e 's/^ {1,6}(-[A-Za-z0-9])( .*)?$/\1/p' "$1" |
		tr -d ',' | tr ' ' '\n' | sed '/^$/d' | sort -u
}

# Options of a man page: the tag line after each .TP (.TQ) that shows
# them in bold: in .B all words are bold, in .BR/.BI the odd ones, in
# .RB/.IB the even ones; \fB...\fR spans anywhere on the tag line too.
# Words are split as roff does (double quotes group); \- is a minus.
man_options() {
	awk '
	function bold_words(line,    macro, rest, n, i, w, c, inq, words, first, out) {
		macro = line; sub(/[ \t].*/, "", macro)
		rest = line; sub(/^[^ \t]*[ \t]*/, "", rest)
		n = 0; w = ""; inq = 0
		for (i = 1; i <= length(rest); i++) {
			c = substr(rest, i, 1)
			if (c == "\"") { inq = !inq; continue }
			if (!inq && (c == " " || c == "\t")) {
				if (w != "") words[++n] = w
				w = ""
				continue
			}
			w = w c
		}
		if (w != "") words[++n] = w
		if (macro == ".B") first = 1
		else if (macro == ".BR" || macro == ".BI") first = 1
		else if (macro == ".RB" || macro == ".IB") first = 2
		else return ""
		out = ""
		for (i = first; i <= n; i += (macro == ".B" ? 1 : 2))
			out = out " " words[i]
		return out
	}
	function emit(text,    t, n, i) {
		gsub(/\\-/, "-", text)
		gsub(/\\f[RIP]/, " ", text)
		gsub(/\\c/, "", text)
		n = split(text, t, /[ \t,|\[\]]+/)
		for (i = 1; i <= n; i++) {
			if (t[i] ~ /^--?[A-Za-z0-9]/) {
				sub(/=.*/, "", t[i])
				if (t[i] ~ /^-[A-Za-z0-9]$/) { print "opt " t[i]; short[++ns] = t[i] }
				else if (t[i] ~ /^--[a-z0-9][a-z0-9-]*$/) { print "opt " t[i]; long[++nl] = t[i] }
			}
		}
	}
	/^\.(TP|TQ)([ \t]|$)/ { tag = 1; next }
	tag {
		tag = 0; ns = 0; nl = 0
		if ($0 ~ /^\./) { emit(bold_words($0)) }
		line = $0
		while (match(line, /\\fB[^\\]*(\\-[^\\]*)*/)) {
			emit(substr(line, RSTART + 3, RLENGTH - 3))
			line = substr(line, RSTART + RLENGTH)
		}
		# an item naming one short and one long option pairs them
		if (ns == 1 && nl == 1) print "pair " short[1] " " long[1]
	}
	' "$1" | sort -u
}

# "-x --long" pairs of a --help text ("-x, --long" items)
help_pairs() {
	sed -n -E 's/^ {1,6}(-[A-Za-z0-9]), (--[a-z0-9][a-z0-9-]*)([ =[].*)?$/\1 \2/p' "$1" | sort -u
}

# (a) one page against one binary's --help
check_options() {
	local name=$1 bin=$2 page=$3 bad=0 o
	if [ ! -x "$bin" ]; then
		fail "$name options" "$bin: no such program (build first)"
		return
	fi
	if [ ! -f "$page" ]; then
		fail "$name options" "$page: no such file"
		return
	fi
	if ! "$bin" --help >"$work/$name.help" 2>&1; then
		fail "$name options" "$bin --help failed"
		return
	fi
	help_options "$work/$name.help" >"$work/$name.help-opts"
	help_pairs "$work/$name.help" >"$work/$name.help-pairs"
	man_options "$page" >"$work/$name.man-items"
	sed -n 's/^opt //p' "$work/$name.man-items" >"$work/$name.man-opts"
	sed -n 's/^pair //p' "$work/$name.man-items" >"$work/$name.man-pairs"
	if [ ! -s "$work/$name.help-opts" ]; then
		fail "$name options" "no option found in '$bin --help'"
		return
	fi
	for o in $(comm -23 "$work/$name.help-opts" "$work/$name.man-opts"); do
		echo "$page: $o is in '$name --help' but not an option item of the page"
		bad=1
	done
	for o in $(comm -13 "$work/$name.help-opts" "$work/$name.man-opts"); do
		echo "$page: $o is an option item of the page but not in '$name --help'"
		bad=1
	done
	# short and long forms paired the same way ("-l, --load")
	while read -r o; do
		[ -n "$o" ] || continue
		echo "$page: '$name --help' pairs $o, the page does not"
		bad=1
	done < <(comm -23 "$work/$name.help-pairs" "$work/$name.man-pairs")
	while read -r o; do
		[ -n "$o" ] || continue
		echo "$page: the page pairs $o, '$name --help' does not"
		bad=1
	done < <(comm -13 "$work/$name.help-pairs" "$work/$name.man-pairs")
	if [ "$bad" = 0 ]; then
		pass "$name options: $(wc -l <"$work/$name.help-opts") in --help and in $(basename "$page"), $(wc -l <"$work/$name.help-pairs") short/long pairs"
	else
		fail "$name options" "$page and '$name --help' differ (lines above)"
	fi
}

# (b) the EXIT STATUS section lists every code of include/exitcodes.h
check_exit_codes() {
	local page=$1 bad=0 code listed
	if [ ! -f "$EXITCODES" ]; then
		fail "$(basename "$page") exit codes" "$EXITCODES: no such file"
		return
	fi
	listed=$(awk '/^\.SH /{ sec = ($0 ~ /EXIT STATUS/) } sec && tag && /^\.B [0-9]+$/ { print $2 } { tag = /^\.TP/ }' "$page")
	for code in $(sed -n -E 's/^#define KJ_EXIT_[A-Z]+ +([0-9]+).*/\1/p' "$EXITCODES"); do
		if ! printf '%s\n' $listed | grep -qx "$code"; then
			echo "$page: exit code $code of $EXITCODES is not an item of EXIT STATUS"
			bad=1
		fi
	done
	for code in $listed; do
		if ! grep -Eq "^#define KJ_EXIT_[A-Z]+ +$code( |$)" "$EXITCODES"; then
			echo "$page: EXIT STATUS lists $code, which $EXITCODES does not define"
			bad=1
		fi
	done
	if [ -z "$listed" ]; then
		echo "$page: no EXIT STATUS items (.TP / .B N)"
		bad=1
	fi
	if [ "$bad" = 0 ]; then
		pass "$(basename "$page") exit codes: $(echo $listed)"
	else
		fail "$(basename "$page") exit codes"
	fi
}

# (c) rendering and whatis
check_render() {
	local page=$1 name out
	name=$(basename "$page" .8)
	if ! command -v man >/dev/null || ! command -v groff >/dev/null || ! command -v lexgrog >/dev/null; then
		fail "$name.8 renders" "man, groff or lexgrog missing (install man-db and groff-base)"
		return
	fi
	# man-db: all groff warnings; the page goes to /dev/null, what is left
	# is what man and groff said.
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -l "$page" 2>&1 >/dev/null)
	if [ -n "$out" ]; then
		printf '%s\n' "$out" | sed "s|^|$page: man: |"
		fail "$name.8 renders" "man -l printed warnings"
		return
	fi
	if ! LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" >"$work/$name.txt" 2>&1 ||
	   ! grep -q "^NAME" "$work/$name.txt"; then
		sed "s|^|$page: man: |" "$work/$name.txt" | head -n 5
		fail "$name.8 renders" "man -l failed or printed no NAME section"
		return
	fi
	out=$(groff -man -ww -z -t "$page" 2>&1)
	if [ -n "$out" ]; then
		printf '%s\n' "$out" | sed "s|^|$page: groff: |"
		fail "$name.8 renders" "groff -ww printed warnings"
		return
	fi
	out=$(lexgrog "$page" 2>&1)
	case "$out" in
	"$page: \"$name - "*) ;;
	*)
		echo "$page: lexgrog: $out"
		fail "$name.8 renders" "lexgrog finds no whatis line '$name - ...'"
		return
		;;
	esac
	pass "$name.8 renders: man -l, groff -ww and lexgrog quiet; $(wc -l <"$work/$name.txt") lines at 80 columns"
}

# (d) the shell scripts of the examples (.EX blocks starting with #!/bin/sh)
# parse: sh -n on the text as a reader would copy it.
check_scripts() {
	local page=$1 name bad=0 n=0 f
	name=$(basename "$page")
	rm -f "$work"/script-*
	awk -v dir="$work" '
	/^\.EX/ { inb = 1; first = 1; next }
	/^\.EE/ { if (f != "") close(f); inb = 0; f = ""; next }
	inb {
		l = $0
		gsub(/\\-/, "-", l); gsub(/\\\(aq/, "\047", l); gsub(/\\\(ga/, "`", l)
		gsub(/\\e/, "\\", l)
		if (first && l ~ /^#!\/bin\/sh/) f = sprintf("%s/script-%03d", dir, ++n)
		first = 0
		if (f != "") print l > f
	}' "$page"
	for f in "$work"/script-*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		if ! sh -n "$f" 2>"$f.err"; then
			sed "s|^|$page: script $(head -n 2 "$f" | tail -n 1): |" "$f.err"
			bad=1
		fi
	done
	if [ "$bad" = 0 ]; then
		pass "$name scripts: $n parse with sh -n"
	else
		fail "$name scripts" "a #!/bin/sh example does not parse (lines above)"
	fi
}

check_options kexec "$KEXEC" "$MAN_DIR/kexec.8"
check_options kdump "$KDUMP" "$MAN_DIR/kdump.8"
for p in "$MAN_DIR/kexec.8" "$MAN_DIR/kdump.8"; do
	check_exit_codes "$p"
	check_render "$p"
	check_scripts "$p"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && exit 0
exit 1
