# Test suite.  Each part keeps its own rules:
#   tests/unit  cmocka unit tests linked against libkexec.a
#   tests/host  the real kexec binary under the LD_PRELOAD syscall shim
#   tests/e2e   QEMU scenarios (make check-e2e)
EXTRA_DIST += tests/lib/debian-pkg.sh tests/lib/debian-kernel.sh tests/lib/apt-install.sh \
	tests/lib/kexec-tools-src.sh tests/lib/apt-suite.sh tests/lib/build-lock.sh
include $(top_srcdir)/tests/unit/local.mk
include $(top_srcdir)/tests/host/local.mk
include $(top_srcdir)/tests/e2e/local.mk
