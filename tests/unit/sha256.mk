# SHA-256 and purgatory unit tests (cmocka, linked against libkexec.a)
if HAVE_CMOCKA
PURG_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
PURG_UNIT_LDADD = libkexec.a libkj.a $(CMOCKA_LIBS) $(ZLIB_LIBS) $(LZMA_LIBS)

check_PROGRAMS += tests/unit/test-sha256 tests/unit/test-purgatory
TESTS += tests/unit/test-sha256 tests/unit/test-purgatory

tests_unit_test_sha256_SOURCES = tests/unit/test-sha256.c
tests_unit_test_sha256_CFLAGS = $(PURG_UNIT_CFLAGS)
tests_unit_test_sha256_LDADD = $(PURG_UNIT_LDADD)

# purgatory/purgatory.c is built hosted too, to test the digest check itself
tests_unit_test_purgatory_SOURCES = tests/unit/test-purgatory.c purgatory/purgatory.c
tests_unit_test_purgatory_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/purgatory -DPURGATORY_HOSTED
tests_unit_test_purgatory_CFLAGS = $(PURG_UNIT_CFLAGS)
tests_unit_test_purgatory_LDADD = $(PURG_UNIT_LDADD)
endif
