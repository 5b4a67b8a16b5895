# Sourced by tests/e2e/deps.sh and tests/pkg/deps.sh: the end they share.
#
#   kj_apt_install LABEL CHECK_ONLY PKG...
#
# Exits the calling script: 0 when nothing is missing (or it installed it),
# 1 when something is missing and CHECK_ONLY is yes, when not root, or when
# apt-get failed three times.  Messages go to stderr, prefixed with LABEL.
kj_apt_install() {
	local label=$1 check_only=$2 i
	shift 2
	local missing
	mapfile -t missing < <(printf '%s\n' "$@" | sort -u | sed '/^$/d')

	[ ${#missing[@]} -eq 0 ] && exit 0
	if [ "$check_only" = yes ]; then
		echo "$label: missing packages: ${missing[*]}" >&2
		exit 1
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "$label: missing packages: ${missing[*]} (not root: cannot apt-get install them)" >&2
		exit 1
	fi

	echo "$label: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	for i in 1 2 3; do
		# a mirror in the middle of a sync fails some index files: the old
		# lists are kept and the install may still work
		apt-get update -qq >&2 || echo "$label: apt-get update failed (try $i of 3), installing anyway" >&2
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 && exit 0
		echo "$label: apt-get failed (try $i of 3), retrying" >&2
		sleep $((i * 10))
	done
	echo "$label: could not install ${missing[*]}" >&2
	exit 1
}
