# Host side of the QEMU end-to-end harness (bash).  Sourced by tests/e2e/run;
# the helpers named kj_* below are also what scenario files call from their
# prepare() function.  See tests/e2e/README.
#
# Everything expensive is cached under $KJ_CACHE (default
# ~/.cache/kexec-jump): Debian packages (tests/lib/debian-pkg.sh), the
# library closure of Debian's kexec, ELF kernels extracted from bzImages
# and our static kexec builds, keyed by a hash of the sources.

E2E_DIR=${E2E_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$E2E_DIR/../.." && pwd)}
KJ_CACHE=${KJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kexec-jump}
export KJ_CACHE

kj_msg() { echo "e2e: $*" >&2; }

# Every fetch/extract/build into the cache runs under one lock, so parallel
# scenarios never race on the same cache entry.
kj_locked() {
	mkdir -p "$KJ_CACHE/e2e"
	(
		flock 9 || exit 1
		"$@"
	) 9>"$KJ_CACHE/e2e/lock"
}

# kj_memo KEY FUNCTION ARGS...: FUNCTION's output, under the cache lock and
# remembered for the rest of this run (in $KJ_MEMO_DIR when set): the apt
# look-ups behind a cached package still cost a second or two each.
kj_memo() { kj_locked _kj_memo "$@"; }
_kj_memo() {
	local key=$1 f= v
	shift
	if [ -n "${KJ_MEMO_DIR:-}" ]; then
		mkdir -p "$KJ_MEMO_DIR"
		f="$KJ_MEMO_DIR/$(printf '%s' "$key" | tr -c 'A-Za-z0-9._-' '_')"
		if [ -s "$f" ]; then
			cat "$f"
			return 0
		fi
	fi
	v=$("$@") || return 1
	[ -n "$f" ] && printf '%s\n' "$v" >"$f"
	printf '%s\n' "$v"
}

# ------------------------------------------------------------------ assets

# kj_debian_arch ARCH: x86_64 -> amd64, i386 -> i386
kj_debian_arch() {
	case "$1" in
		x86_64) echo amd64 ;;
		i386) echo i386 ;;
		*) return 1 ;;
	esac
}

kj_qemu_for() {
	case "$1" in
		x86_64) echo qemu-system-x86_64 ;;
		i386) echo qemu-system-i386 ;;
		*) return 1 ;;
	esac
}

_kj_pkg() {
	"$TOP_SRCDIR/tests/lib/debian-pkg.sh" "$1" 2> >(grep -vE 'unsandboxed|^Get:|^Fetched' >&2)
}

# kj_busybox ARCH: path of a static busybox for ARCH (Debian's busybox-static)
kj_busybox() {
	local da dir
	da=$(kj_debian_arch "$1") || { kj_msg "no busybox for arch $1"; return 1; }
	dir=$(kj_memo "busybox-$da" _kj_pkg "busybox-static:$da") || return 1
	[ -x "$dir/root/bin/busybox" ] || { kj_msg "busybox-static:$da has no bin/busybox"; return 1; }
	echo "$dir/root/bin/busybox"
}

# kj_stock_suite [LINE]: the --suite option of debian-kernel.sh for
# Debian's stock kernel of Linux LINE (default $KJ_STOCK_LINE, the
# runner's @LINE of a stock scenario): nothing for 6.1 (the machine's own
# suite: Debian 12), trixie for 6.12, unstable for 7.2
kj_stock_suite() {
	case "${1:-${KJ_STOCK_LINE:-}}" in
		''|6.1) ;;
		6.12) echo "--suite=trixie" ;;
		7.2) echo "--suite=unstable" ;;
		*) kj_msg "no Debian suite has stock Linux ${1:-$KJ_STOCK_LINE} (6.1, 6.12, 7.2)"; return 1 ;;
	esac
}
# _kj_debian_kernel SUITE-OPTION ARCH
_kj_debian_kernel() { "$TOP_SRCDIR/tests/lib/debian-kernel.sh" $1 "$2" | sed -n 1p; }

# kj_kernel_file SPEC: path of a kernel image on the host.
#   debian-amd64 | debian-i386        Debian's stock bzImage (vmlinuz) of
#                                     Linux $KJ_STOCK_LINE (kj_stock_suite)
#   debian-amd64/vmlinux              the ELF vmlinux inside that bzImage
#   built:jump-x86_64 | built:jump-i386
#                                     a kernel built from Debian's
#                                     linux-source-6.12 with kernels/jump.config
#                                     (CONFIG_KEXEC_JUMP ...), see kernels/build.sh
#   built:jump-i386-patched | built:jump-x86_64-patched
#                                     the same plus the patches in the repo's
#                                     kernel/*.patch (fails when there are none)
#   built:NAME@LINE                   the same from linux-source-LINE (6.12,
#                                     7.2: unstable's); without @LINE a built:
#                                     kernel is $KJ_BUILT_LINUX's (the runner's
#                                     NAME@LINE scenario suffix), else 6.12
kj_kernel_file() {
	local spec=$1 f suite
	case "$spec" in
		debian-amd64|debian-i386)
			suite=$(kj_stock_suite) || return 1
			f=$(kj_memo "kernel-$spec${KJ_STOCK_LINE:+-$KJ_STOCK_LINE}" _kj_debian_kernel "$suite" "${spec#debian-}") || return 1
			[ -f "$f" ] || { kj_msg "no kernel image for $spec"; return 1; }
			echo "$f" ;;
		debian-amd64/vmlinux|debian-i386/vmlinux)
			f=$(kj_kernel_file "${spec%/vmlinux}") || return 1
			kj_memo "vmlinux-$f" kj_extract_vmlinux "$f" ;;
		built:*)
			kj_built_kernel "${spec#built:}" ;;
		*)
			kj_msg "unknown kernel spec '$spec'"
			return 1 ;;
	esac
}

# kj_built_kernel NAME[@LINE]: bzImage of a self-built kernel (kj_kernel_file
# built:NAME[@LINE]; LINE defaults to $KJ_BUILT_LINUX, else 6.12).
# kernels/build.sh takes one flock per kernel (not the cache lock: a cold
# build takes minutes, other scenarios' setup goes on), so parallel
# scenarios never build the same kernel twice; a warm call only hashes the
# fragments.
kj_built_kernel() {
	local name=${1%%@*} line=${KJ_BUILT_LINUX:-6.12} arch patchdir=
	[ "$name" != "$1" ] && line=${1#*@}
	case "$name" in
		jump-x86_64|jump-i386) arch=${name#jump-} ;;
		jump-x86_64-patched|jump-i386-patched)
			arch=${name#jump-}
			arch=${arch%-patched}
			patchdir=$TOP_SRCDIR/kernel
			if ! ls "$patchdir"/*.patch >/dev/null 2>&1; then
				kj_msg "kernel spec built:$1: no kernel patches in $patchdir/*.patch"
				return 1
			fi ;;
		*)
			kj_msg "unknown self-built kernel 'built:$1' (jump-x86_64, jump-i386, jump-i386-patched, jump-x86_64-patched, each with an optional @6.12 or @7.2)"
			return 1 ;;
	esac
	bash "$E2E_DIR/kernels/build.sh" --linux="$line" "$arch" ${patchdir:+"$patchdir"}
}

# _kj_le32 FILE OFFSET: unsigned little-endian 32-bit value
_kj_le32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
_kj_u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }

# kj_extract_vmlinux BZIMAGE: the ELF vmlinux from a bzImage's compressed
# payload (setup header: setup_sects at 0x1f1, payload_offset at 0x248 and
# payload_length at 0x24c, both relative to the protected-mode code that
# starts after (setup_sects+1)*512 bytes).  Cached; prints its path.
kj_extract_vmlinux() {
	local bz=$1 key out sects pm off len magic tmp
	key=$(sha256sum "$bz" | cut -c1-16)
	out="$KJ_CACHE/e2e/vmlinux/$(basename "$bz")-$key.elf"
	if [ ! -s "$out" ]; then
		mkdir -p "$(dirname "$out")"
		sects=$(_kj_u8 "$bz" $((0x1f1)))
		[ "$sects" = 0 ] && sects=4
		pm=$(((sects + 1) * 512))
		off=$(_kj_le32 "$bz" $((0x248)))
		len=$(_kj_le32 "$bz" $((0x24c)))
		[ -n "$off" ] && [ -n "$len" ] && [ "$len" -gt 0 ] ||
			{ kj_msg "$bz: no payload in the setup header"; return 1; }
		tmp="$out.tmp.$$"
		tail -c +$((pm + off + 1)) "$bz" | head -c "$len" >"$tmp.payload"
		magic=$(od -An -tx1 -N6 "$tmp.payload" | tr -d ' \n')
		# Every format but gzip has the decompressed size appended (4 bytes).
		case "$magic" in
			fd377a585a00*) xz -dc --single-stream <"$tmp.payload" >"$tmp" ;;
			28b52ffd*) head -c $((len - 4)) "$tmp.payload" | zstd -dcq >"$tmp" ;;
			1f8b*) gzip -dc <"$tmp.payload" >"$tmp" 2>/dev/null ;;
			425a68*) head -c $((len - 4)) "$tmp.payload" | bzip2 -dc >"$tmp" ;;
			5d0000*) head -c $((len - 4)) "$tmp.payload" | xz -dc --format=lzma >"$tmp" ;;
			02214c18*) head -c $((len - 4)) "$tmp.payload" | lz4 -dc >"$tmp" ;;
			*) kj_msg "$bz: unknown payload compression (magic $magic)"; rm -f "$tmp"*; return 1 ;;
		esac
		rm -f "$tmp.payload"
		if [ "$(od -An -tx1 -N4 "$tmp" | tr -d ' \n')" != 7f454c46 ]; then
			kj_msg "$bz: the decompressed payload is not an ELF file"
			rm -f "$tmp"
			return 1
		fi
		mv "$tmp" "$out"
	fi
	echo "$out"
}

# ------------------------------------------------------------ kexec binaries

# Hash of everything that goes into our kexec binary.
kj_source_hash() {
	(
		cd "$TOP_SRCDIR" || exit 1
		if git rev-parse --git-dir >/dev/null 2>&1; then
			git ls-files -co --exclude-standard
		else
			find . -path ./.git -prune -o -type f -print | sed 's|^\./||'
		fi |
			grep -E '\.(c|h|S|s|ac|am|mk|m4|lds|ld)$' |
			grep -v '^tests/' |
			LC_ALL=C sort |
			while IFS= read -r f; do
				[ -f "$f" ] && printf '%s\n' "$f" && sha256sum <"$f"
			done
		gcc --version 2>/dev/null | head -n1
	) | sha256sum | cut -c1-16
}

# configure arguments of each build variant of our kexec
kj_variant_args() {
	case "$1" in
		x86_64) echo "--enable-static" ;;
		x86_64-hooks) echo "--enable-static --enable-test-hooks" ;;
		i386) echo '--host=i686-linux-gnu CC=gcc\ -m32 --enable-static --without-zlib --without-lzma' ;;
		i386-hooks) echo '--host=i686-linux-gnu CC=gcc\ -m32 --enable-static --without-zlib --without-lzma --enable-test-hooks' ;;
		*) return 1 ;;
	esac
}

# variable that overrides a variant with a prebuilt binary
kj_variant_var() {
	case "$1" in
		x86_64) echo KEXEC_X86_64 ;;
		x86_64-hooks) echo KEXEC_X86_64_HOOKS ;;
		i386) echo KEXEC_I386 ;;
		i386-hooks) echo KEXEC_I386_HOOKS ;;
	esac
}

_kj_build_ours() {
	local variant=$1 hash=$2 dir args rc
	dir="$KJ_CACHE/build/kexec-$variant-$hash"
	if [ -x "$dir/kexec" ]; then
		echo "$dir/kexec"
		return 0
	fi
	# Failed already in this very run: do not try again for every scenario.
	if [ -f "$dir/failed" ] && [ "$(cat "$dir/failed")" = "${KJ_RUN_ID:-}" ]; then
		kj_msg "building kexec ($variant) failed, see $dir/build.log"
		return 1
	fi
	rm -rf "$dir"
	mkdir -p "$dir/b"
	args=$(kj_variant_args "$variant") || { kj_msg "unknown kexec variant $variant"; return 1; }
	kj_msg "building our kexec ($variant, sources $hash) in $dir"
	(
		set -e
		src=$TOP_SRCDIR
		if [ -f "$src/config.status" ]; then
			# configured in-tree: a VPATH configure would refuse, so build
			# from a copy of the sources instead
			echo "+ $src is configured in-tree; building from a copy"
			mkdir -p "$dir/src"
			(cd "$src" && { git ls-files -co --exclude-standard 2>/dev/null || find . -type f; } |
				grep -vE '^(\./)?\.git/' | tar -cf - -T -) | tar -xf - -C "$dir/src"
			src=$dir/src
			(cd "$src" && autoreconf -fi)
		elif [ ! -x "$src/configure" ]; then
			echo "+ autoreconf -fi"
			(cd "$src" && autoreconf -fi)
		fi
		cd "$dir/b"
		echo "+ $src/configure $args"
		eval "\"\$src/configure\" $args"
		# the program is kexec/kexec (non-recursive Makefile.am); plain
		# "kexec" in older trees
		if grep -q '^sbin_PROGRAMS = kexec/kexec' Makefile; then
			echo "+ make kexec/kexec"
			make -j"$(nproc)" kexec/kexec
			ln -sf kexec/kexec kexec.bin
			# the image saver, where the tree has it
			if grep -q '^sbin_PROGRAMS = .*kdump/kdump' Makefile; then
				echo "+ make kdump/kdump"
				make -j"$(nproc)" kdump/kdump
			fi
		else
			echo "+ make kexec"
			make -j"$(nproc)" kexec
			ln -sf kexec kexec.bin
		fi
	) >"$dir/build.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ ! -x "$dir/b/kexec.bin" ]; then
		echo "${KJ_RUN_ID:-}" >"$dir/failed"
		kj_msg "building kexec ($variant) failed, see $dir/build.log:"
		tail -n 15 "$dir/build.log" | sed 's/^/e2e:   | /' >&2
		return 1
	fi
	if readelf -l "$dir/b/kexec.bin" 2>/dev/null | grep -q 'INTERP'; then
		echo "${KJ_RUN_ID:-}" >"$dir/failed"
		kj_msg "kexec ($variant) in $dir/b is not static"
		return 1
	fi
	cp "$dir/b/kexec.bin" "$dir/kexec"
	[ -x "$dir/b/kdump/kdump" ] && cp "$dir/b/kdump/kdump" "$dir/kdump"
	# keep the two newest builds of each variant
	ls -dt "$KJ_CACHE/build/kexec-$variant-"???????????????? 2>/dev/null | tail -n +3 |
		while IFS= read -r old; do rm -rf "$old"; done
	echo "$dir/kexec"
}

# kj_ours VARIANT: path of our static kexec (x86_64, x86_64-hooks, i386,
# i386-hooks): $KEXEC_<VARIANT> when set, else built in the cache.
kj_ours() {
	local variant=$1 var val
	var=$(kj_variant_var "$variant") || true
	[ -n "$var" ] || { kj_msg "unknown kexec variant $variant"; return 1; }
	val=${!var:-}
	if [ -n "$val" ]; then
		[ -x "$val" ] || { kj_msg "$var=$val is not an executable"; return 1; }
		echo "$val"
		return 0
	fi
	kj_locked _kj_build_ours "$variant" "${KJ_SOURCE_HASH:-$(kj_source_hash)}"
}

# _kj_debian_kexec_tree ARCH: a directory holding Debian's kexec-tools
# sbin/kexec plus the shared libraries and the dynamic loader it needs,
# laid out as in the guest's root.  Libraries come from their Debian
# packages, found by following the lib* Depends of the packages already
# unpacked until every NEEDED soname is found.
_kj_debian_kexec_tree() {
	_kj_debian_tool_tree "$1" kexec-tools sbin/kexec
}

# kj_kexec_tools_tree VERSION ARCH: a directory holding sbin/kexec of
# Debian's kexec-tools VERSION (2.0.32: unstable's source package) built
# static by tests/lib/kexec-tools-src.sh (its own flock per build, not the
# cache lock: a cold build takes a minute); the tree sits in the build's
# directory, beside debian-version and patches (kj_kexec_tools_desc).
kj_kexec_tools_tree() {
	local bin tree
	# A mirror may serve the .dsc and the upstream tarball but not Debian's
	# .debian.tar.* (seen: 2.0.32-3's is a 404 on deb.debian.org here):
	# the comparison then runs upstream's release, and says so
	# (kj_kexec_tools_desc: "upstream .orig only").
	bin=$("$TOP_SRCDIR/tests/lib/kexec-tools-src.sh" "$1" "$2") ||
		{ [ -z "${KJ_KEXEC_TOOLS_SOURCE:-}" ] &&
		  echo "e2e: kexec-tools $1 with Debian's patches unavailable; building upstream's tarball alone" >&2 &&
		  bin=$(KJ_KEXEC_TOOLS_SOURCE=orig "$TOP_SRCDIR/tests/lib/kexec-tools-src.sh" "$1" "$2"); } ||
		return 1
	tree=$(dirname "$bin")/tree
	if [ ! -x "$tree/sbin/kexec" ]; then
		mkdir -p "$tree/sbin"
		cp "$bin" "$tree/sbin/kexec.tmp.$$" && mv "$tree/sbin/kexec.tmp.$$" "$tree/sbin/kexec" || return 1
	fi
	echo "$tree"
}

# kj_kexec_tools_desc TREE: what kj_kexec_tools_tree built, in one line
kj_kexec_tools_desc() {
	local d n
	d=$(dirname "$1")
	[ -f "$d/debian-version" ] || return 0
	n=$(grep -c . "$d/patches" 2>/dev/null)
	case "$(cat "$d/patches" 2>/dev/null)" in
		none*) n=0 ;;
	esac
	printf 'source %s, %s Debian patches%s, static\n' "$(cat "$d/debian-version")" "${n:-0}" \
		"$(grep -q 'KJ_KEXEC_TOOLS_SOURCE=orig' "$d/patches" 2>/dev/null && echo " (upstream .orig only)")"
}

# _kj_debian_tool_tree ARCH PACKAGE PROGRAM: a directory holding PROGRAM
# (a path inside PACKAGE, e.g. usr/bin/makedumpfile) from Debian's PACKAGE
# with the shared libraries it needs and their loader, to copy into a guest.
_kj_debian_tool_tree() {
	local da=$1 pkg=$2 prog=$3 kdir tree triplet interp
	kdir=$(_kj_pkg "$pkg:$da") || return 1
	tree="$KJ_CACHE/e2e/debian-tools/$(basename "$kdir")"
	if [ -f "$tree/.complete" ]; then
		echo "$tree"
		return 0
	fi
	case "$da" in
		amd64) triplet=x86_64-linux-gnu ;;
		i386) triplet=i386-linux-gnu ;;
	esac
	rm -rf "$tree"
	mkdir -p "$tree/$(dirname "$prog")" "$tree/lib/$triplet"
	cp "$kdir/root/$prog" "$tree/$prog" || return 1

	local -A have=() roots=() expanded=()
	local p d dep lib so need missing round f
	roots[$pkg]=$kdir/root
	for round in 1 2 3 4 5 6 7 8; do
		# index every shared object we have so far
		for p in "${!roots[@]}"; do
			while IFS= read -r f; do
				have[$(basename "$f")]=$f
			done < <(find "${roots[$p]}" -name '*.so*' \( -type f -o -type l \) 2>/dev/null)
		done
		# NEEDED closure
		missing=()
		local todo=("$tree/$prog") seen=" "
		while [ ${#todo[@]} -gt 0 ]; do
			f=${todo[0]}
			todo=("${todo[@]:1}")
			for so in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
				case "$seen" in *" $so "*) continue ;; esac
				seen="$seen$so "
				if [ -n "${have[$so]:-}" ]; then
					todo+=("$(readlink -f "${have[$so]}")")
				else
					missing+=("$so")
				fi
			done
		done
		[ ${#missing[@]} -eq 0 ] && break
		# unpack the lib* dependencies of every package not expanded yet
		local grew=no
		for p in "${!roots[@]}"; do
			[ -n "${expanded[$p]:-}" ] && continue
			expanded[$p]=1
			d=$(ls "$(dirname "${roots[$p]}")"/*.deb 2>/dev/null | head -n1)
			[ -n "$d" ] || continue
			for dep in $(dpkg-deb -f "$d" Depends Pre-Depends | sed 's/^[A-Za-z-]*: //' | tr ',' '\n' |
				sed 's/|.*//; s/(.*)//; s/:any//; s/ //g' | grep -E '^(lib|zlib)' | sort -u); do
				[ -n "${roots[$dep]:-}" ] && continue
				dir=$(_kj_pkg "$dep:$da") || continue
				roots[$dep]=$dir/root
				grew=yes
			done
		done
		[ $grew = yes ] || break
	done
	if [ ${#missing[@]} -gt 0 ]; then
		kj_msg "Debian $pkg ($da): cannot find ${missing[*]}"
		return 1
	fi
	for so in $(echo "$seen"); do
		cp -L "${have[$so]}" "$tree/lib/$triplet/$so"
	done
	interp=$(readelf -l "$tree/$prog" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
	if [ -n "$interp" ]; then
		[ -n "${have[$(basename "$interp")]:-}" ] || { kj_msg "Debian $pkg ($da): no $interp"; return 1; }
		mkdir -p "$tree$(dirname "$interp")"
		cp -L "${have[$(basename "$interp")]}" "$tree$interp"
	fi
	touch "$tree/.complete"
	echo "$tree"
}

# kj_gcc ARGS...: gcc building for the scenario's $ARCH (-m64 or -m32)
kj_gcc() {
	case "$ARCH" in
		i386) gcc -m32 "$@" ;;
		*) gcc -m64 "$@" ;;
	esac
}

# kj_debian_tool ARCH PACKAGE PROGRAM: Debian's PROGRAM (with its
# libraries) into the guest root being built, e.g.
#   kj_debian_tool "$ARCH" makedumpfile usr/bin/makedumpfile
kj_debian_tool() {
	local tree
	tree=$(kj_memo "debian-tool-$1-$2" _kj_debian_tool_tree "$(kj_debian_arch "$1")" "$2" "$3") ||
		return 1
	cp -a "$tree/." "$ROOT/"
	rm -f "$ROOT/.complete"
}

# ------------------------------------------------------------ host programs
# What verify() (and bench) runs on the host is always an x86-64 program,
# whatever the scenario's ARCH: a host whose kernel cannot run i386 binaries
# (no IA32 emulation) refuses the guest's i386 builds with "Exec format
# error".  The x86_64 kdump reads i386 dumps and images (ELFCLASS32,
# EM_386) too.  kj_ours i386 and Debian's i386 packages only go into guest
# roots; tests/e2e/check-host-progs.sh (make check) keeps it that way.

# kj_host_elf FILE: fail, loudly, unless FILE is an x86-64 ELF program
# (ELFCLASS64, EM_X86_64): the only kind the harness runs on the host.
kj_host_elf() {
	local hdr
	hdr=$(od -An -tx1 -N20 "$1" 2>/dev/null | tr -d ' \n')
	case "$hdr" in
		7f454c46*) ;;
		*) kj_msg "HOST PROGRAM $1 is not an ELF program"; return 1 ;;
	esac
	# e_ident[EI_CLASS] (byte 4): 02 = ELFCLASS64; e_machine (bytes 18-19,
	# little-endian): 3e00 = EM_X86_64 (0300 is EM_386)
	if [ "${hdr:8:2}" != 02 ] || [ "${hdr:36:4}" != 3e00 ]; then
		kj_msg "HOST PROGRAM $1 is not an x86-64 program (EI_CLASS ${hdr:8:2}, e_machine ${hdr:36:4}):" \
			"the harness must never run a guest (i386) build on the host"
		return 1
	fi
}

# kj_host_ours PROGRAM: path of PROGRAM (kdump or kexec) of our x86_64
# static build (beside $KEXEC_X86_64 when set, else built in the cache),
# for verify() to run on the host, e.g. kdump info on an i386 guest's dump.
kj_host_ours() {
	local bin p
	bin=$(kj_ours x86_64) || return 1
	case "$1" in
		kexec) p=$bin ;;
		kdump) p=$(dirname "$bin")/kdump ;;
		*) kj_msg "kj_host_ours: unknown program $1"; return 1 ;;
	esac
	[ -x "$p" ] || { kj_msg "kj_host_ours: no $1 beside $bin"; return 1; }
	kj_host_elf "$p" || return 1
	echo "$p"
}

# kj_host_tool PACKAGE PROGRAM ARGS...: run PROGRAM from Debian's amd64
# PACKAGE on the host, with the shared libraries and the loader of the
# unpacked tree (host-side checks in verify(), e.g. makedumpfile
# --dump-dmesg on a saved dump).  amd64 whatever the scenario's ARCH; no
# ARCH argument, so that a scenario cannot pass "$ARCH" and run an i386 one.
kj_host_tool() {
	local tree lib=x86_64-linux-gnu ld=ld-linux-x86-64.so.2 prog=$2
	tree=$(kj_memo "debian-tool-x86_64-$1" _kj_debian_tool_tree amd64 "$1" "$prog") ||
		return 1
	kj_host_elf "$tree/lib/$lib/$ld" && kj_host_elf "$tree/$prog" || return 1
	shift 2
	"$tree/lib/$lib/$ld" --library-path "$tree/lib/$lib:$tree/usr/lib/$lib" "$tree/$prog" "$@"
}

# kj_kexec_tree IMPL ARCH: a directory to merge into a guest root that
# holds sbin/kexec.  IMPL: ours | ours-hooks | debian (the machine's
# Debian kexec-tools, dynamic) | debian-VERSION (kj_kexec_tools_tree) |
# none
kj_kexec_tree() {
	local impl=$1 arch=$2 bin tree
	case "$impl" in
		ours|ours-hooks)
			local variant=$arch
			[ "$impl" = ours-hooks ] && variant=$arch-hooks
			bin=$(kj_ours "$variant") || return 1
			# keyed by both programs: kdump can change while kexec does not
			tree="$KJ_CACHE/e2e/ours-tree/$variant-$(cat "$bin" "$(dirname "$bin")/kdump" 2>/dev/null |
				sha256sum | cut -c1-16)"
			if [ ! -x "$tree/sbin/kexec" ]; then
				mkdir -p "$tree/sbin"
				# kdump beside kexec, when the build has it
				if [ -x "$(dirname "$bin")/kdump" ]; then
					cp "$(dirname "$bin")/kdump" "$tree/sbin/kdump.tmp.$$" &&
						mv "$tree/sbin/kdump.tmp.$$" "$tree/sbin/kdump"
				fi
				cp "$bin" "$tree/sbin/kexec.tmp.$$" && mv "$tree/sbin/kexec.tmp.$$" "$tree/sbin/kexec"
			fi
			echo "$tree" ;;
		debian)
			kj_memo "debian-kexec-$arch" _kj_debian_kexec_tree "$(kj_debian_arch "$arch")" ;;
		debian-[0-9]*)
			kj_kexec_tools_tree "${impl#debian-}" "$arch" ;;
		none)
			tree="$KJ_CACHE/e2e/empty-tree"
			mkdir -p "$tree"
			echo "$tree" ;;
		*)
			kj_msg "unknown kexec implementation '$impl'"
			return 1 ;;
	esac
}

# ------------------------------------------------------------ guest roots
# Set by the runner for the scenario being built:
#   KJ_ARCH, KJ_BUSYBOX, KJ_KEXEC_TREE, KJ_WORK; ROOT = the root being filled

_kj_sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# kj_base_root DIR: busybox, /init, the guest helpers, the scenario's stage
# functions and environment, the kexec under test, a non-root user.
kj_base_root() {
	local r=$1 v
	mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,root,kj,usr/bin,usr/sbin}
	cp "$KJ_BUSYBOX" "$r/bin/busybox"
	ln -sf busybox "$r/bin/sh"
	cp "$E2E_DIR/guest/init" "$r/init"
	chmod 755 "$r/init"
	cp "$E2E_DIR/guest/lib.sh" "$r/kj/lib.sh"
	cp -a "$KJ_KEXEC_TREE/." "$r/"
	rm -f "$r/.complete"
	printf 'root:x:0:0:root:/root:/bin/sh\nkjuser:x:1000:1000:kj:/tmp:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nkjuser:x:1000:\n' >"$r/etc/group"
	# the scenario's guest code: stageN and guest_* functions
	{
		echo "# generated from tests/e2e/scenarios/$KJ_SCENARIO"
		for v in $(compgen -A function | grep -E '^(stage[0-9]+|guest_.*)$'); do
			declare -f "$v"
		done
	} >"$r/kj/stages.sh"
	{
		for v in KJ_SCENARIO KJ_MARKER KJ_TOKEN KJ_IMPL; do
			echo "$v=$(_kj_sq "${!v}")"
		done
		for v in "${GUEST_ENV[@]}"; do
			echo "${v%%=*}=$(_kj_sq "${v#*=}")"
		done
	} >"$r/kj/env"
}

# prepare() helpers ---------------------------------------------------------

# kj_install SRC DEST: copy a host file to DEST in the guest root
kj_install() {
	mkdir -p "$ROOT$(dirname "$2")"
	cp -L "$1" "$ROOT$2"
}

# kj_write DEST TEXT...: a guest file holding TEXT (one line)
kj_write() {
	local dest=$1
	shift
	mkdir -p "$ROOT$(dirname "$dest")"
	printf '%s\n' "$*" >"$ROOT$dest"
}

# kj_kernel SPEC DEST: a kernel image (see kj_kernel_file) at DEST
kj_kernel() {
	local f
	f=$(kj_kernel_file "$1") || return 1
	kj_install "$f" "$2"
}

# _kj_debian_moddir SUITE-OPTION ARCH: "MODDIR BUILTIN" (debian-kernel.sh's
# second and third lines: paths under the cache, no spaces)
_kj_debian_moddir() { "$TOP_SRCDIR/tests/lib/debian-kernel.sh" $1 "$2" | sed -n '2{h;d};3{H;x;s/\n/ /p}'; }

# kj_modules SPEC MODULE...: kernel modules of SPEC's kernel (debian-amd64,
# debian-i386) and everything they depend on, for the guest helper
# kj_load_modules, which insmods them in order (dependencies first).  E.g.
# virtio_pci virtio_blk for a -drive if=virtio disk.  A module built into
# the kernel (modules.builtin) needs nothing; MODULE? is one that only some
# kernels have (taken where it exists, else nothing).
kj_modules() {
	local spec=$1 moddir builtin m suite
	shift
	case "$spec" in
		debian-amd64|debian-i386) ;;
		*) kj_msg "kj_modules: no modules for kernel $spec"; return 1 ;;
	esac
	suite=$(kj_stock_suite) || return 1
	read -r moddir builtin < <(kj_memo "moddir2-$spec${KJ_STOCK_LINE:+-$KJ_STOCK_LINE}" _kj_debian_moddir "$suite" "${spec#debian-}")
	[ -n "$moddir" ] && [ -n "$builtin" ] || { kj_msg "kj_modules: no modules directory for $spec"; return 1; }
	mkdir -p "$ROOT/lib/modules/kj"
	touch "$ROOT/kj/modules"
	for m in "$@"; do
		_kj_module "$moddir" "$builtin" "$m" || return 1
	done
}
# _kj_module MODDIR BUILTIN NAME: NAME and its dependencies; nothing for a
# module built into the kernel (in BUILTIN, its modules.builtin: Debian's
# 7.2 has virtio_pci built in, 6.1 and 6.12 have it as a module)
_kj_module() {
	local moddir=$1 builtin=$2 name=${3//-/_} f dep optional=no
	case "$name" in *'?') name=${name%'?'} optional=yes ;; esac
	grep -qx "$name" "$ROOT/kj/modules" && return 0
	f=$(find "$moddir/kernel" \( -name "$name.ko*" -o -name "${name//_/-}.ko*" \) | sed -n 1p)
	if [ -z "$f" ] && { [ $optional = yes ] || tr '-' '_' <"$builtin" | grep -q "/$name\.ko$"; }; then
		return 0
	fi
	[ -n "$f" ] || { kj_msg "module $name not found in $moddir (nor built in: $builtin)"; return 1; }
	case "$f" in
		*.ko) cp "$f" "$ROOT/lib/modules/kj/$name.ko" ;;
		*.ko.xz) xz -dc "$f" >"$ROOT/lib/modules/kj/$name.ko" ;;
		*.ko.zst) zstd -dcq "$f" >"$ROOT/lib/modules/kj/$name.ko" ;;
		*.ko.gz) gzip -dc "$f" >"$ROOT/lib/modules/kj/$name.ko" ;;
	esac
	for dep in $(readelf -p .modinfo "$ROOT/lib/modules/kj/$name.ko" 2>/dev/null |
		sed -n 's/.*depends=//p' | tr ',' ' '); do
		_kj_module "$moddir" "$builtin" "$dep" || return 1
	done
	grep -qx "$name" "$ROOT/kj/modules" || echo "$name" >>"$ROOT/kj/modules"
}

# kj_initrd DEST [FUNCTION]: a gzip'd initramfs for a later stage at DEST:
# the same base as kernel 1's (busybox, /init, stages, kexec), plus what
# FUNCTION adds (it runs with ROOT pointing at the new tree).
kj_initrd() {
	local dest=$1 fn=${2:-} outer=$ROOT sub
	sub=$(mktemp -d "$KJ_WORK/initrd.XXXXXX")
	ROOT=$sub
	kj_base_root "$sub"
	if [ -n "$fn" ]; then
		"$fn" || { ROOT=$outer; return 1; }
	fi
	ROOT=$outer
	mkdir -p "$ROOT$(dirname "$dest")"
	kj_cpio "$sub" | gzip -9n >"$ROOT$dest"
	rm -rf "$sub"
}

# kj_cpio DIR: a newc archive of DIR on stdout, owned by root
kj_cpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
}

# --------------------------------------------------------------- running

# kj_random: 12 hex digits
kj_random() { od -An -tx1 -N6 /dev/urandom | tr -d ' \n'; }
