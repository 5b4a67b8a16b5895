# Sourced (bash): apt access to a Debian suite other than the machine's own,
# without touching the machine's apt configuration.  Used by debian-pkg.sh
# (binary packages: "deb" lines) and kexec-tools-src.sh (source packages:
# "deb-src" lines).
#
#   kj_apt_suite DIR           sets KJ_APTDIR=DIR and KJ_APT=(...), the
#                              apt-get/apt-cache options naming DIR's sources
#                              list, lists, status, cache and an empty
#                              parts directory (DIR/none.d: a missing one
#                              makes apt-get download warn); the machine's
#                              preferences are left out too, so a candidate
#                              is the suite's own
#   kj_apt_suite_setup TYPE SUITE
#                              writes DIR/sources.list once: one TYPE line
#                              (deb or deb-src) for SUITE, component main,
#                              of the archive the machine already uses for
#                              Debian (kj_machine_archive; KJ_DEBIAN_MIRROR
#                              overrides) with its keyring
#   kj_apt_update LABEL        apt-get update of DIR's lists, retried (a
#                              mirror in the middle of a sync answers with
#                              files of the wrong size for a minute or two),
#                              under DIR/lock.update; without kj_apt_suite,
#                              the machine's own lists, unlocked
#   kj_machine_archive         prints "URI KEYRING" of the archive the
#                              machine's apt uses for its own release
#                              (deb822 .sources first, then one-line lists;
#                              KEYRING "-" when the entry names none)
#
# A binary and a source sources list cannot share one DIR: apt-get update
# drops from its lists directory every index the sources list it is given
# does not name.  The functions print their errors on stderr and return
# non-zero; the caller says what failed and exits.

KJ_APTDIR=
KJ_APT=()

kj_apt_suite() {
	KJ_APTDIR=$1
	KJ_APT=(-o "Dir::Etc::SourceList=$KJ_APTDIR/sources.list"
		-o "Dir::Etc::SourceParts=$KJ_APTDIR/none.d"
		-o Dir::Etc::Preferences=/nonexistent
		-o "Dir::Etc::PreferencesParts=$KJ_APTDIR/none.d"
		-o "Dir::State::Lists=$KJ_APTDIR/lists"
		-o "Dir::State::status=$KJ_APTDIR/status"
		-o "Dir::Cache=$KJ_APTDIR/cache"
		-o Acquire::Languages=none)
}

kj_machine_archive() {
	local codename f
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || { echo "no VERSION_CODENAME in /etc/os-release: set KJ_DEBIAN_MIRROR" >&2; return 1; }
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# stanzas are separated by blank lines; take the first enabled
		# "deb" one whose Suites has the release itself (not
		# -security/-updates)
		awk -v want="$codename" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && uri != "" && enabled != "no") {
					print uri, (key == "" ? "-" : key); found = 1; exit
				}
				types = suites = uri = key = enabled = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^[ \t]*#/ { next }
			tolower($1) == "types:" { $1 = ""; types = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "signed-by:" && $2 ~ /^\// { key = $2 }
			tolower($1) == "enabled:" { enabled = tolower($2) }
			END { if (!found) flush() }
		' "$f" | sed -n 1p | grep . && return 0
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# deb [options] URI SUITE COMPONENT...
		awk -v want="$codename" '
			$1 != "deb" { next }
			{
				key = "-"; i = 2
				if ($2 ~ /^\[/) {
					for (; i <= NF; i++) {
						if ($i ~ /^\[?signed-by=/) { key = $i; sub(/^\[?signed-by=/, "", key); sub(/\]$/, "", key) }
						if ($i ~ /\]$/) { i++; break }
					}
				}
				if ($(i + 1) == want) { print $i, key; exit }
			}
		' "$f" | sed -n 1p | grep . && return 0
	done
	echo "cannot find the machine's Debian archive in /etc/apt/sources.list(.d): set KJ_DEBIAN_MIRROR (e.g. http://deb.debian.org/debian)" >&2
	return 1
}

kj_apt_suite_setup() {
	local type=$1 suite=$2 archive key
	mkdir -p "$KJ_APTDIR/lists/partial" "$KJ_APTDIR/cache/archives/partial" "$KJ_APTDIR/none.d"
	[ -f "$KJ_APTDIR/status" ] || : >"$KJ_APTDIR/status"
	[ -s "$KJ_APTDIR/sources.list" ] && return 0
	if [ -n "${KJ_DEBIAN_MIRROR:-}" ]; then
		archive="$KJ_DEBIAN_MIRROR -"
	else
		archive=$(kj_machine_archive) || return 1
	fi
	key=${archive#* }
	[ "$key" != - ] && [ -f "$key" ] || key=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -f "$key" ] || { echo "no Debian archive keyring ($key): apt-get install debian-archive-keyring" >&2; return 1; }
	echo "$type [signed-by=$key] ${archive%% *} $suite main" >"$KJ_APTDIR/sources.list.tmp"
	mv "$KJ_APTDIR/sources.list.tmp" "$KJ_APTDIR/sources.list"
}

kj_apt_update() {
	local label=$1 i
	for i in 1 2 3 4 5; do
		if [ -n "$KJ_APTDIR" ]; then
			( flock 8 && apt-get "${KJ_APT[@]}" update -qq >&2 ) 8>"$KJ_APTDIR/lock.update" && return 0
		else
			apt-get update -qq >&2 && return 0
		fi
		[ $i = 5 ] && break
		echo "apt-get update ($label) failed (try $i of 5), retrying" >&2
		sleep $((i * 10))
	done
	return 1
}
