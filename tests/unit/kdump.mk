# kdump unit tests (cmocka): the VMCOREINFO parser, the free-page walk and
# the printk ring buffer reader (kdump dmesg).
# Linked against libkdump.a (kdump/vmcoreinfo.c, kdump/freepages.c) and
# libkexec.a (kj_fail, kdump save's core reader).  Every case runs on
# memory the test builds (sim-mem.h), vmcore files written from it included.
if HAVE_CMOCKA
KDUMP_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
KDUMP_UNIT_LDADD = libkdump.a libkexec.a libkj.a $(CMOCKA_LIBS) $(ZLIB_LIBS) $(LZMA_LIBS)

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
