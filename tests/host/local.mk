# tests/host: the real kexec binary run under tests/shim/kexec-shim.so, an
# LD_PRELOAD object that records kexec_load/kexec_file_load instead of
# making them (see tests/host/README).
#
# No libtool, so the shim is built with an explicit rule.  It is a
# dependency of the test logs rather than of check_DATA, which the top
# Makefile.am does not initialise.  The scripts find top_srcdir from their
# own path and take top_builddir from the directory make runs them in
# (both can be overridden from the environment).

KEXEC_SHIM = tests/shim/kexec-shim.so
KEXEC_SHIM_CFLAGS = -O2 -g -fPIC -fvisibility=hidden $(KJ_WARN_CFLAGS)

$(KEXEC_SHIM): $(top_srcdir)/tests/shim/kexec-shim.c
	@$(MKDIR_P) tests/shim
	$(AM_V_CC)$(CC) -shared $(KEXEC_SHIM_CFLAGS) -o $@ $(top_srcdir)/tests/shim/kexec-shim.c -ldl

CLEANFILES += $(KEXEC_SHIM)

EXTRA_DIST += \
	tests/shim/kexec-shim.c \
	tests/host/README \
	tests/host/mkroot.sh \
	tests/host/mkrecord.py \
	tests/host/mkbad.py \
	tests/host/kdump-faults.sh \
	tests/host/kdump-cli.sh \
	tests/host/plans.sh \
	tests/host/compare.py \
	tests/host/check-load.py \
	tests/host/test-checker.sh \
	tests/host/run.sh

TESTS += tests/host/test-checker.sh tests/host/run.sh tests/host/kdump-faults.sh \
	tests/host/kdump-cli.sh
check_DATA += $(KEXEC_SHIM)

# make check-host: just this part, verbose.
check-host: $(KEXEC_SHIM) kexec/kexec$(EXEEXT)
	$(SHELL) $(top_srcdir)/tests/host/run.sh

.PHONY: check-host
