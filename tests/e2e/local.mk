# tests/e2e: QEMU end-to-end scenarios; see tests/e2e/README.
#
#   make check-e2e                       every scenario (+ COMPARE runs)
#   make check-e2e E2E_FLAGS='-j2 kexec-boot-x86_64'
#   make check-e2e KEXEC_X86_64=/path/to/static/kexec
#
# Not part of "make check": it needs QEMU, downloads Debian kernels and
# takes minutes.  Serial logs land in ./e2e-logs (KJ_E2E_LOGDIR).
# Whole directories: a scenario or program added later cannot be left out
# of the release tarball.
EXTRA_DIST += \
	tests/e2e/README \
	tests/e2e/run \
	tests/e2e/deps.sh \
	tests/e2e/lib.sh \
	tests/e2e/markers.awk \
	tests/e2e/check-vmcore.py \
	tests/e2e/check-image.py \
	tests/e2e/check-host-progs.sh \
	tests/e2e/elfcheck.py \
	tests/e2e/guest \
	tests/e2e/kernels \
	tests/e2e/progs \
	tests/e2e/scenarios

# make check part: what the harness runs on the host is an x86-64 program
# (no QEMU, no network).
TESTS += tests/e2e/check-host-progs.sh

check-e2e:
	KEXEC_X86_64='$(KEXEC_X86_64)' KEXEC_I386='$(KEXEC_I386)' \
	KEXEC_X86_64_HOOKS='$(KEXEC_X86_64_HOOKS)' KEXEC_I386_HOOKS='$(KEXEC_I386_HOOKS)' \
	KJ_E2E_LOGDIR='$(abs_top_builddir)/e2e-logs' \
	$(top_srcdir)/tests/e2e/run $(E2E_FLAGS)
.PHONY: check-e2e
