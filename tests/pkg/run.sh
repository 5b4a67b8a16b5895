#!/bin/bash
# The Debian package and the initramfs-tools hook (issue 12).
#
#   tests/pkg/run.sh          (as root: dpkg --root, chroot, mount namespaces)
#
# Checks, one "PASS name" or "FAIL name" line each, then "N passed, N
# failed"; the exit status is non-zero when anything failed.  A check
# that cannot run (a tool or a package missing, not root) FAILS.
#
#   deps            tests/pkg/deps.sh: debhelper, lintian, QEMU ... present
#   deb-build       dpkg-source -b, then dpkg-buildpackage -us -uc -b of a
#                   copy of the tree (git ls-files), never in the tree itself
#   deb-contents    package kexec-jump, Conflicts and Replaces kexec-tools,
#                   no Provides; /sbin/kexec and /sbin/kdump static, the
#                   hook, the completions and every man/*.8 of the tree
#   lintian         lintian on the .dsc and the .changes: no error and no
#                   warning apart from the explained overrides
#   dpkg-root       dpkg --root=DIR -i into an empty merged-/usr root (as a
#                   Debian 12 system is); dpkg -L printed
#   root-version    chroot DIR /sbin/kexec --version and kdump --version:
#                   the package's version, static (nothing else is there)
#   replaces-kexec-tools
#                   in another merged-/usr root: Debian's kexec-tools
#                   (maintainer scripts left out), then ours: dpkg removes
#                   kexec-tools and /sbin/kexec is ours afterwards (DEP17,
#                   see debian/rules)
#   mkinitramfs     Debian's mkinitramfs (initramfs-tools-core, fetched with
#                   apt-get download, not installed) in a private mount
#                   namespace where /usr is the installed package over the
#                   host's, for Debian's kernel: the hook put kexec and kdump
#                   in the initramfs, byte for byte
#   hook-missing-program
#                   the hook without kexec and kdump on the system:
#                   mkinitramfs fails with the hook's one-line message
#   initramfs-boot  QEMU boots Debian's kernel with that initramfs; a
#                   test-only init-top script prints kexec --version and
#                   kdump --version and powers off
#
# Everything happens in a temporary directory (removed when all passed;
# kept and named otherwise).  Debian's packages are cached as the e2e
# suite does (tests/lib/debian-pkg.sh, ${KJ_CACHE:-~/.cache/kexec-jump}).
# PKG_JOBS sets dpkg-buildpackage -j (default 2).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/e2e/lib.sh"

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() {
	local name=$1
	shift
	echo "FAIL $name"
	[ $# -gt 0 ] && printf '    %s\n' "$@"
	failed=$((failed + 1))
}
# indent a command's output (or a file) under a check line
show() { sed 's/^/    /'; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kj-pkg.XXXXXX")
finish() {
	echo
	if [ "$failed" -eq 0 ]; then
		rm -rf "$work"
	else
		echo "logs and trees kept in $work"
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit $?
}

# ---------------------------------------------------------------- deps
if [ "$(id -u)" != 0 ]; then
	fail deps "not root: dpkg --root, chroot and mount namespaces need root"
	finish
fi
if "$here/deps.sh" >"$work/deps.log" 2>&1; then
	pass deps
else
	fail deps "$(tail -n 5 "$work/deps.log")"
	finish
fi

arch=$(dpkg --print-architecture)

# ---------------------------------------------------------------- build
# dpkg-buildpackage writes into the parent directory: build in a copy.
# The files git tracks (as they are in the working tree), not untracked
# ones: tests/run-all builds in the source tree first (./bootstrap), and
# its products (kdump/kdump, tests/kernels.env ...) are not all ignored.
src=$work/src/kexec-jump
mkdir -p "$src"
(
	cd "$top" || exit 1
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files
	else
		find . -path ./.git -prune -o -type f -print | sed 's|^\./||'
	fi | grep -vE '^(e2e-logs|fuzz-artifacts)/' | tar -cf - -T -
) | tar -xf - -C "$src"
ver=$(cd "$src" && dpkg-parsechangelog -SVersion 2>/dev/null)
deb=$work/src/kexec-jump_${ver}_$arch.deb
changes=$work/src/kexec-jump_${ver}_$arch.changes
dsc=$work/src/kexec-jump_$ver.dsc
t0=$(date +%s)
if [ -z "$ver" ]; then
	fail deb-build "no version in debian/changelog"
elif ! (cd "$work/src" && dpkg-source -b kexec-jump) >"$work/source.log" 2>&1; then
	fail deb-build "dpkg-source -b failed:" "$(tail -n 20 "$work/source.log")"
elif ! (cd "$src" && dpkg-buildpackage -us -uc -b -j"${PKG_JOBS:-2}") >"$work/build.log" 2>&1; then
	fail deb-build "dpkg-buildpackage -us -uc -b failed:" "$(tail -n 40 "$work/build.log")"
elif [ ! -f "$deb" ] || [ ! -f "$changes" ] || [ ! -f "$dsc" ]; then
	fail deb-build "no $(basename "$deb"), $(basename "$changes") or $(basename "$dsc") after the build:" \
		"$(ls "$work/src")"
else
	pass deb-build
	echo "    $(basename "$deb"): $(stat -c %s "$deb") bytes, built in $(($(date +%s) - t0)) s"
	# the unit tests debian/rules ran
	grep -E '^# (TOTAL|PASS|FAIL|ERROR):' "$work/build.log" | show
fi
if [ ! -f "$deb" ]; then
	for c in deb-contents lintian dpkg-root root-version replaces-kexec-tools mkinitramfs initramfs-boot; do
		fail "$c" "no package (deb-build failed)"
	done
	finish
fi

# ---------------------------------------------------------------- contents
problems=()
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = kexec-jump ] || problems+=("Package is '$(field Package)', not kexec-jump")
for f in Conflicts Replaces; do
	field "$f" | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' | grep -qx kexec-tools ||
		problems+=("$f does not name kexec-tools: '$(field "$f")'")
done
[ -z "$(field Provides)" ] || problems+=("Provides: $(field Provides) (we ship only kexec and kdump)")
# static: no shared library to depend on; Built-Using names the static ones
field Depends | grep -q 'libc6' && problems+=("Depends on libc6 ($(field Depends)): not static?")
field Built-Using | grep -q 'glibc (= ' || problems+=("Built-Using does not name glibc: '$(field Built-Using)'")
dpkg-deb -c "$deb" | awk '{ print $1, $6 }' | sed 's|^\(.\)[^ ]* \./|\1 /|' >"$work/contents.txt"
expect=(/sbin/kexec /sbin/kdump /usr/share/initramfs-tools/hooks/kexec-jump
	/usr/share/bash-completion/completions/kexec /usr/share/bash-completion/completions/kdump
	/usr/share/doc/kexec-jump/copyright)
for m in $(cd "$src" && ls man/*.8 2>/dev/null); do
	expect+=("/usr/share/man/man8/$(basename "$m").gz")
done
for p in "${expect[@]}"; do
	grep -qx "[-h] $p" "$work/contents.txt" || problems+=("$p is not in the package")
done
mkdir -p "$work/extract"
dpkg-deb -x "$deb" "$work/extract"
for p in sbin/kexec sbin/kdump usr/share/initramfs-tools/hooks/kexec-jump; do
	[ -x "$work/extract/$p" ] || problems+=("/$p is not executable")
done
for p in sbin/kexec sbin/kdump; do
	if readelf -lW "$work/extract/$p" 2>/dev/null | grep -q 'INTERP'; then
		problems+=("/$p is dynamically linked (the hook and a crash kernel want it static)")
	fi
done
cmp -s "$work/extract/usr/share/initramfs-tools/hooks/kexec-jump" "$top/initramfs-tools/hooks/kexec-jump" ||
	problems+=("the packaged hook differs from initramfs-tools/hooks/kexec-jump")
if [ ${#problems[@]} -eq 0 ]; then
	pass deb-contents
else
	fail deb-contents "${problems[@]}"
fi
for f in Depends Conflicts Replaces Built-Using; do
	echo "    $f: $(field "$f")"
done

# ---------------------------------------------------------------- lintian
# --fail-on error,warning: a warning fails unless debian/*lintian-overrides
# explains it (the overrides are listed below).  One run each: given both,
# lintian 2.116 exits 2 (a binary-only .changes does not list the .dsc),
# and --show-overrides makes it exit 2 as well.  It warns that it runs as
# root; that is all.
problems=()
for f in "$dsc" "$changes"; do
	lintian --fail-on error,warning --display-info "$f" >"$work/lintian.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || problems+=("lintian $(basename "$f") exited $rc")
	echo "    lintian $(basename "$f"): exit $rc"
	grep -v '^running with root privileges' "$work/lintian.log" | sed 's/^/      /'
done
if [ ${#problems[@]} -eq 0 ]; then
	pass lintian
else
	fail lintian "${problems[@]}"
fi
for f in "$src"/debian/*lintian-overrides "$src"/debian/source/lintian-overrides; do
	[ -f "$f" ] || continue
	echo "    overridden (${f#"$src"/}):"
	grep -v -e '^#' -e '^$' "$f" | sed 's/^/      /'
done

# ---------------------------------------------------------------- dpkg --root
# mkroot DIR: an empty root as Debian 12 lays it out (merged /usr) with an
# empty dpkg database
mkroot() {
	local r=$1 d
	mkdir -p "$r"/usr/{bin,sbin,lib,lib64} "$r"/var/lib/dpkg/{info,updates,triggers} "$r"/var/log "$r"/etc
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$r/$d"; done
	: >"$r/var/lib/dpkg/status"
	: >"$r/var/lib/dpkg/available"
}
# dpkg in a throwaway root: no chroot for maintainer scripts (the root has
# no shell; our package has none, and kexec-tools' are removed below)
rdpkg() {
	local r=$1
	shift
	dpkg --root="$r" --force-script-chrootless --log="$work/dpkg.log" "$@"
}
root=$work/root
mkroot "$root"
if rdpkg "$root" -i "$deb" >"$work/dpkg-root.log" 2>&1 &&
	[ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' kexec-jump 2>/dev/null)" = "install ok installed" ]; then
	pass dpkg-root
else
	fail dpkg-root "dpkg --root=$root -i $(basename "$deb") failed:" "$(tail -n 20 "$work/dpkg-root.log")"
fi
echo "    dpkg -L kexec-jump:"
dpkg-query --admindir="$root/var/lib/dpkg" -L kexec-jump 2>&1 | sed 's/^/      /'

# ---------------------------------------------------------------- versions
# chroot: the root holds our package and nothing else, so the programs
# run only if they are static
problems=()
out_kexec=$(chroot "$root" /sbin/kexec --version 2>&1)
rc_kexec=$?
out_kdump=$(chroot "$root" /sbin/kdump --version 2>&1)
rc_kdump=$?
[ $rc_kexec -eq 0 ] || problems+=("kexec --version exited $rc_kexec")
[ $rc_kdump -eq 0 ] || problems+=("kdump --version exited $rc_kdump")
case "$(echo "$out_kexec" | head -n1)" in
	"kexec-jump $ver ("*"static=yes"*) ;;
	*) problems+=("kexec --version does not start with 'kexec-jump $ver (... static=yes ...)'") ;;
esac
case "$(echo "$out_kdump" | head -n1)" in
	"kdump (kexec-jump) $ver ("*"static=yes"*) ;;
	*) problems+=("kdump --version does not start with 'kdump (kexec-jump) $ver (... static=yes ...)'") ;;
esac
if [ ${#problems[@]} -eq 0 ]; then
	pass root-version
else
	fail root-version "${problems[@]}"
fi
echo "$out_kexec" | sed 's/^/    kexec: /'
echo "$out_kdump" | sed 's/^/    kdump: /'

# ---------------------------------------------------------------- replaces
# Debian's kexec-tools ships /sbin/kexec.  Installed over it (Conflicts +
# Replaces), ours must survive the removal of kexec-tools on a merged-/usr
# root.  kexec-tools' maintainer scripts (debconf, init scripts) are taken
# out of its package: they would run on the host.
problems=()
ktdir=$(kj_locked _kj_pkg "kexec-tools:$arch" 2>"$work/kexec-tools-fetch.log")
ktdeb=$(ls "$ktdir"/*.deb 2>/dev/null | head -n1)
if [ -z "$ktdeb" ]; then
	fail replaces-kexec-tools "cannot fetch Debian's kexec-tools:" "$(tail -n 5 "$work/kexec-tools-fetch.log")"
else
	kt=$work/kexec-tools
	mkdir -p "$kt"
	dpkg-deb -R "$ktdeb" "$kt/pkg"
	rm -f "$kt"/pkg/DEBIAN/{preinst,postinst,prerm,postrm,config}
	dpkg-deb -b "$kt/pkg" "$kt/kexec-tools.deb" >/dev/null
	root2=$work/root-kexec-tools
	mkroot "$root2"
	if ! rdpkg "$root2" --force-depends -i "$kt/kexec-tools.deb" >"$work/replaces.log" 2>&1; then
		problems+=("installing Debian's kexec-tools failed: $(tail -n 3 "$work/replaces.log")")
	elif ! cmp -s "$root2/sbin/kexec" "$kt/pkg/sbin/kexec"; then
		problems+=("Debian's kexec-tools did not install /sbin/kexec")
	elif ! rdpkg "$root2" -i "$deb" >>"$work/replaces.log" 2>&1; then
		problems+=("installing kexec-jump over kexec-tools failed: $(tail -n 3 "$work/replaces.log")")
	else
		st=$(dpkg-query --admindir="$root2/var/lib/dpkg" -W -f='${Status}' kexec-tools 2>/dev/null)
		# removed: only its conffiles (/etc/default/kexec ...) may stay
		case "$st" in
			""|*" not-installed"|*" config-files") ;;
			*) problems+=("kexec-tools is still '$st'") ;;
		esac
		cmp -s "$root2/sbin/kexec" "$work/extract/sbin/kexec" ||
			problems+=("/sbin/kexec is not ours after the switch (lost or kexec-tools')")
		[ -x "$root2/sbin/kdump" ] || problems+=("/sbin/kdump is missing after the switch")
		owner=$(dpkg-query --admindir="$root2/var/lib/dpkg" -S /sbin/kexec 2>/dev/null)
		[ "$owner" = "kexec-jump: /sbin/kexec" ] || problems+=("dpkg -S /sbin/kexec says '$owner'")
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		pass replaces-kexec-tools
	else
		fail replaces-kexec-tools "${problems[@]}"
	fi
	grep -iE 'remov|replac|conflict' "$work/replaces.log" | show
fi

# ---------------------------------------------------------------- mkinitramfs
# Debian's kernel (its modules unpacked beside it) and Debian's
# mkinitramfs with klibc, unpacked, never installed.  In a private mount
# namespace /usr becomes an overlay of: the root our package was installed
# in, initramfs-tools-core, klibc-utils, libklibc, then the host's /usr
# (busybox-static's and kmod's hooks), with writes going to $work; the
# kernel's modules are overlaid on /usr/lib/modules/VERSION the same way
# (mkinitramfs runs depmod there).  The hook is the package's, at
# /usr/share/initramfs-tools/hooks/kexec-jump, and finds /sbin/kexec
# through the host's /sbin -> usr/sbin.  mkinit fetches and prepares (sets
# bzimage, kdir, kver, itc, klibc, layer, conf); ns_mkinitramfs runs it.
init_out=$work/initrd.img
bzimage='' kdir='' kver='' itc='' klibc='' layer='' conf=''
mkinit() {
	local k
	if [ "$arch" != amd64 ]; then
		echo "the boot test uses Debian's amd64 kernel; this machine is $arch"
		return 1
	fi
	if [ "$(readlink -f /sbin)" != /usr/sbin ] || [ "$(readlink -f /lib)" != /usr/lib ]; then
		echo "this host's / is not merged-/usr: the /usr overlay would miss /sbin"
		return 1
	fi
	k=$(kj_locked "$top/tests/lib/debian-kernel.sh" amd64) || { echo "cannot fetch Debian's kernel"; return 1; }
	bzimage=$(echo "$k" | sed -n 1p)
	kdir=$(echo "$k" | sed -n 2p)
	kver=$(basename "$kdir")
	[ -f "$bzimage" ] && [ -d "$kdir/kernel" ] || { echo "no kernel or modules in $k"; return 1; }
	itc=$(kj_locked _kj_pkg initramfs-tools-core) || { echo "cannot fetch initramfs-tools-core"; return 1; }
	klibc=$(kj_locked _kj_pkg klibc-utils) || { echo "cannot fetch klibc-utils"; return 1; }
	libklibc=$(kj_locked _kj_pkg libklibc) || { echo "cannot fetch libklibc"; return 1; }

	# libklibc ships /lib/klibc-*.so: merged into usr/lib like dpkg would
	layer=$work/layer
	mkdir -p "$layer/usr/lib"
	cp -a "$libklibc"/root/lib/. "$layer/usr/lib/"

	# the configuration: Debian's initramfs.conf with only the modules we
	# list (none), gzip, busybox, no resume device, and the test script
	conf=$work/conf
	mkdir -p "$conf"/{conf.d,hooks,scripts/init-top}
	cp -a "$itc"/root/etc/initramfs-tools/. "$conf/"
	sed -i 's/^MODULES=.*/MODULES=list/; s/^COMPRESS=.*/COMPRESS=gzip/; s/^BUSYBOX=.*/BUSYBOX=y/' "$conf/initramfs.conf"
	: >"$conf/modules"
	echo RESUME=none >"$conf/conf.d/resume"
	cat >"$conf/scripts/init-top/kj-pkg-test" <<'EOF'
#!/bin/sh
# test only (tests/pkg/run.sh): run what the kexec-jump hook copied in,
# print markers with the token from the command line, power off
PREREQ=""
prereqs() { echo "$PREREQ"; }
case "$1" in prereqs) prereqs; exit 0 ;; esac
token=$(sed -n 's/.*kjpkg=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "KJ-PKG $token start"
for prog in kexec kdump; do
	echo "KJ-PKG $token $prog at $(command -v $prog)"
	out=$($prog --version 2>&1)
	rc=$?
	echo "$out" | sed "s/^/KJ-PKG $token $prog: /"
	echo "KJ-PKG $token $prog rc=$rc"
done
echo "KJ-PKG $token done"
echo o >/proc/sysrq-trigger
sleep 10
EOF
	chmod 755 "$conf/scripts/init-top/kj-pkg-test"
}
# ns_mkinitramfs PKGDIR OUT NAME: mkinitramfs in a private mount namespace
# with PKGDIR/usr over /usr (upper layers in $work/NAME)
ns_mkinitramfs() {
	local ns=$work/$3
	mkdir -p "$ns"/{usr-up,usr-work,mod-up,mod-work}
	# shellcheck disable=SC2016
	unshare -m --propagation private bash -euc '
		mount -t overlay overlay \
			-o "lowerdir=$1/usr:$2/root/usr:$3/root/usr:$4/usr:/usr,upperdir=$5/usr-up,workdir=$5/usr-work" /usr
		mkdir -p "/usr/lib/modules/$7"
		mount -t overlay overlay \
			-o "lowerdir=$6,upperdir=$5/mod-up,workdir=$5/mod-work" "/usr/lib/modules/$7"
		# /boot/config-VERSION: mkinitramfs checks the compression there
		mount -t overlay overlay -o "lowerdir=${10}:/boot" /boot
		mkinitramfs -d "$8" -o "$9" "$7"
	' mkinit "$1" "$itc" "$klibc" "$layer" "$ns" "$kdir" "$kver" "$conf" "$2" "$(dirname "$bzimage")"
}
problems=()
if ! mkinit >"$work/mkinitramfs.log" 2>&1; then
	problems+=("cannot set up mkinitramfs:" "$(tail -n 20 "$work/mkinitramfs.log")")
elif ! ns_mkinitramfs "$root" "$init_out" ns >>"$work/mkinitramfs.log" 2>&1; then
	problems+=("mkinitramfs failed:" "$(tail -n 20 "$work/mkinitramfs.log")")
elif [ ! -s "$init_out" ]; then
	problems+=("mkinitramfs wrote no $init_out")
else
	mkdir -p "$work/initrd"
	if ! (cd "$work/initrd" && gzip -dc "$init_out" | cpio -id --quiet) 2>"$work/cpio.log"; then
		problems+=("cannot unpack the initramfs: $(tail -n 3 "$work/cpio.log")")
	else
		for p in kexec kdump; do
			f=$work/initrd/usr/sbin/$p
			[ -f "$f" ] || f=$work/initrd/sbin/$p
			if [ ! -f "$f" ]; then
				problems+=("no /sbin/$p in the initramfs")
			elif ! cmp -s "$f" "$work/extract/sbin/$p"; then
				problems+=("the initramfs' $p is not the package's")
			fi
		done
	fi
fi
if [ ${#problems[@]} -eq 0 ]; then
	pass mkinitramfs
	echo "    $(basename "$init_out") for $kver: $(stat -c %s "$init_out") bytes"
	(cd "$work/initrd" && ls -l usr/sbin/kexec usr/sbin/kdump 2>/dev/null) | show
else
	fail mkinitramfs "${problems[@]}"
	fail initramfs-boot "no initramfs (mkinitramfs failed)"
	finish
fi
grep -E '^(W|E):' "$work/mkinitramfs.log" | show

# The hook alone, without the programs (overlay whiteouts hide any
# kexec and kdump of the host): mkinitramfs fails, saying what is missing.
hookonly=$work/hook-only
mkdir -p "$hookonly/usr/share/initramfs-tools/hooks" "$hookonly/usr/sbin"
cp -a "$work/extract/usr/share/initramfs-tools/hooks/kexec-jump" "$hookonly/usr/share/initramfs-tools/hooks/"
mknod "$hookonly/usr/sbin/kexec" c 0 0
mknod "$hookonly/usr/sbin/kdump" c 0 0
ns_mkinitramfs "$hookonly" "$work/initrd-hook-only.img" ns-hook-only >"$work/hook-only.log" 2>&1
rc=$?
want="E: kexec-jump hook: kexec is neither in /sbin nor in /usr/sbin (reinstall kexec-jump)"
if [ $rc -ne 0 ] && grep -qxF "$want" "$work/hook-only.log"; then
	pass hook-missing-program
else
	fail hook-missing-program "mkinitramfs exited $rc; expected it to fail with: $want"
fi
grep -E '^(E|W):|failed' "$work/hook-only.log" | show

# ---------------------------------------------------------------- boot
token=$(kj_random)
serial=$work/serial.log
t0=$(date +%s)
timeout 180 qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
	-kernel "$bzimage" -initrd "$init_out" \
	-append "console=ttyS0 panic=-1 kjpkg=$token" </dev/null >"$serial" 2>&1
rc=$?
secs=$(($(date +%s) - t0))
tr -d '\r' <"$serial" >"$serial.txt"
problems=()
[ $rc -eq 124 ] && problems+=("QEMU did not power off within 180 s")
grep -qx "KJ-PKG $token kexec: kexec-jump $ver (.*static=yes.*" "$serial.txt" ||
	problems+=("no 'kexec-jump $ver (... static=yes ...)' from kexec --version in the guest")
grep -qx "KJ-PKG $token kdump: kdump (kexec-jump) $ver (.*static=yes.*" "$serial.txt" ||
	problems+=("no 'kdump (kexec-jump) $ver (...)' from kdump --version in the guest")
for p in kexec kdump; do
	grep -qx "KJ-PKG $token $p rc=0" "$serial.txt" || problems+=("$p --version did not exit 0 in the guest")
done
grep -qx "KJ-PKG $token done" "$serial.txt" || problems+=("the init-top script did not finish")
if [ ${#problems[@]} -eq 0 ]; then
	pass initramfs-boot
else
	fail initramfs-boot "${problems[@]}" "serial log (last 25 lines):" "$(tail -n 25 "$serial.txt")"
fi
echo "    QEMU: $secs s, exit $rc"
grep "^KJ-PKG $token " "$serial.txt" | show

finish
