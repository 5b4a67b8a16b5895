# Sourced (bash): the lock around one cached build, shared by
# tests/e2e/kernels/build.sh (kernels) and tests/lib/kexec-tools-src.sh
# (Debian's kexec-tools).  The caller defines msg() and die() (its own
# message prefix) and has already returned a cached result it found
# without the lock.
#
#   kj_build_lock TOP KEY PRODUCT WHAT
#       takes TOP/KEY.lock on fd 9, held until the caller exits (parallel
#       scenarios wait for the same build; different keys build side by
#       side); if a build that ran while we waited made TOP/KEY/PRODUCT,
#       prints its path and exits 0; if building KEY failed earlier in this
#       harness run ($KJ_RUN_ID, written by kj_build_failed), dies (no retry
#       in the same run); else leaves TOP/KEY and TOP/KEY.build new and
#       empty
#   kj_build_failed TOP KEY
#       marks the failure for this run and removes the work tree (the
#       KEY directory, with its build.log, stays)

kj_build_lock() {
	local top=$1 key=$2 product=$3 what=$4
	exec 9>"$top/$key.lock"
	if ! flock -n 9; then
		msg "waiting for another build of $key"
		flock 9 || die "cannot lock $top/$key.lock"
	fi
	if [ -s "$top/$key/$product" ]; then   # built while we waited
		echo "$top/$key/$product"
		exit 0
	fi
	if [ -n "${KJ_RUN_ID:-}" ] && [ -f "$top/$key/failed" ] && [ "$(cat "$top/$key/failed")" = "$KJ_RUN_ID" ]; then
		die "building $what failed earlier in this run, see $top/$key/build.log"
	fi
	rm -rf "${top:?}/$key" "$top/$key.build"
	mkdir -p "$top/$key" "$top/$key.build"
}

kj_build_failed() {
	echo "${KJ_RUN_ID:-}" >"$1/$2/failed"
	rm -rf "${1:?}/$2.build"
}
