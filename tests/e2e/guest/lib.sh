# Helpers for the guest side of e2e scenarios (busybox ash).  Sourced by
# /init before the scenario's stage functions run.

# kj_arg NAME: value of NAME=... on the running kernel's command line
kj_arg() {
	local w
	for w in $(cat /proc/cmdline); do
		case "$w" in "$1="*) echo "${w#*=}"; return 0 ;; esac
	done
	return 1
}

# kj_cmdline STAGE [EXTRA...]: the running command line without the
# harness' own words (kjstage=, kjmarker=, initrd=, BOOT_IMAGE=), plus
# kjstage=STAGE and EXTRA: what the next kernel should get.
kj_cmdline() {
	local stage=$1 w out=
	shift
	for w in $(cat /proc/cmdline); do
		case "$w" in
			kjstage=*|kjmarker=*|initrd=*|BOOT_IMAGE=*) ;;
			*) out="$out $w" ;;
		esac
	done
	echo "${out# } kjstage=$stage$(for w in "$@"; do printf ' %s' "$w"; done)"
}

# kj_rc LABEL CMD...: run CMD, show its output, then "KJ-RC LABEL rc=N"
kj_rc() {
	local label=$1 rc
	shift
	echo "KJ-RUN $label: $*"
	"$@"
	rc=$?
	echo "KJ-RC $label rc=$rc"
	return $rc
}

# kj_status LABEL ARGS...: run "kexec ARGS" (a --status query), print
# "KJ-STATUS LABEL rc=N" and the kernel's view /sys/kernel/kexec_*loaded
kj_status() {
	local label=$1 rc
	shift
	kexec "$@"
	rc=$?
	echo "KJ-STATUS $label rc=$rc loaded=$(cat /sys/kernel/kexec_loaded 2>/dev/null) crash=$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null)"
}

# kj_err LABEL CMD...: run a command that must fail; print
#   KJ-ERR LABEL rc=N
#   KJ-ERR-LINES LABEL <number of output lines>
#   KJ-ERR-MSG LABEL <each output line>
kj_err() {
	local label=$1 rc n
	shift
	echo "KJ-RUN $label: $*"
	"$@" >/tmp/kj-err.out 2>&1
	rc=$?
	n=$(grep -c '' /tmp/kj-err.out)
	echo "KJ-ERR $label rc=$rc"
	echo "KJ-ERR-LINES $label $n"
	sed "s/^/KJ-ERR-MSG $label /" /tmp/kj-err.out
	return 0
}

# kj_load_modules: insmod what the scenario's prepare() shipped with
# kj_modules, dependencies first; prints "KJ-MODULES ok" or the failure
kj_load_modules() {
	local m
	[ -f /kj/modules ] || return 0
	for m in $(cat /kj/modules); do
		insmod "/lib/modules/kj/$m.ko" || { echo "KJ-MODULES failed $m"; return 1; }
	done
	echo "KJ-MODULES ok"
}
