# kdump unit tests (cmocka): the VMCOREINFO parser, the free-page walk and
# the printk ring buffer reader (kdump dmesg).
# Linked against libkdump.a (kdump/vmcoreinfo.c, kdump/freepages.c) and
# libkexec.a (kj_fail).  test-freepages also reads the e2e vmcore samples
# (e2e-logs/jump-vmcore-{x86_64,i386}/vmcore.img, or $KJ_VMCORE_SAMPLES/ARCH.img)
# when present and skips that part, saying why, when they are not.
if HAVE_CMOCKA
KDUMP_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
KDUMP_UNIT_LDADD = libkdump.a libkexec.a $(CMOCKA_LIBS) $(ZLIB_LIBS) $(LZMA_LIBS)

check_PROGRAMS += tests/unit/test-vmcoreinfo tests/unit/test-freepages tests/unit/test-dmesg
TESTS += tests/unit/test-vmcoreinfo tests/unit/test-freepages tests/unit/test-dmesg

tests_unit_test_vmcoreinfo_SOURCES = tests/unit/test-vmcoreinfo.c
tests_unit_test_vmcoreinfo_CFLAGS = $(KDUMP_UNIT_CFLAGS)
tests_unit_test_vmcoreinfo_LDADD = $(KDUMP_UNIT_LDADD)

tests_unit_test_freepages_SOURCES = tests/unit/test-freepages.c tests/unit/sim-mem.h
tests_unit_test_freepages_CFLAGS = $(KDUMP_UNIT_CFLAGS)
tests_unit_test_freepages_LDADD = $(KDUMP_UNIT_LDADD)

tests_unit_test_dmesg_SOURCES = tests/unit/test-dmesg.c tests/unit/sim-mem.h
tests_unit_test_dmesg_CFLAGS = $(KDUMP_UNIT_CFLAGS)
tests_unit_test_dmesg_LDADD = $(KDUMP_UNIT_LDADD)
endif

# kdump/freepages-report.c (a development aid) is not built: see its header.
