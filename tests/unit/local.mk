# cmocka unit tests, linked against libkexec.a (the tool's own objects)
if HAVE_CMOCKA
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
UNIT_LDADD = libkexec.a libkj.a $(CMOCKA_LIBS) $(ZLIB_LIBS) $(LZMA_LIBS)

UNIT_TESTS = \
	tests/unit/test-options \
	tests/unit/test-memmap \
	tests/unit/test-efi \
	tests/unit/test-plan \
	tests/unit/test-cmdline \
	tests/unit/test-bzimage \
	tests/unit/test-elf \
	tests/unit/test-file \
	tests/unit/test-jump \
	tests/unit/test-kcore \
	tests/unit/test-kdump \
	tests/unit/test-stage \
	tests/unit/test-fsstate

check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_unit_test_options_SOURCES = tests/unit/test-options.c
tests_unit_test_options_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_options_LDADD = $(UNIT_LDADD)
tests_unit_test_fsstate_SOURCES = tests/unit/test-fsstate.c
tests_unit_test_fsstate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fsstate_LDADD = $(UNIT_LDADD)
tests_unit_test_memmap_SOURCES = tests/unit/test-memmap.c
tests_unit_test_memmap_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_memmap_LDADD = $(UNIT_LDADD)
tests_unit_test_efi_SOURCES = tests/unit/test-efi.c tests/unit/kernel-fixture.h
tests_unit_test_efi_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_efi_LDADD = $(UNIT_LDADD)
tests_unit_test_plan_SOURCES = tests/unit/test-plan.c
tests_unit_test_plan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_plan_LDADD = $(UNIT_LDADD)
tests_unit_test_cmdline_SOURCES = tests/unit/test-cmdline.c
tests_unit_test_cmdline_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cmdline_LDADD = $(UNIT_LDADD)
tests_unit_test_bzimage_SOURCES = tests/unit/test-bzimage.c tests/unit/kernel-fixture.h \
	tests/unit/qemu-map.h
tests_unit_test_bzimage_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_bzimage_LDADD = $(UNIT_LDADD)
tests_unit_test_elf_SOURCES = tests/unit/test-elf.c tests/unit/kernel-fixture.h
tests_unit_test_elf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_elf_LDADD = $(UNIT_LDADD)
tests_unit_test_file_SOURCES = tests/unit/test-file.c
tests_unit_test_file_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_file_LDADD = $(UNIT_LDADD)
tests_unit_test_jump_SOURCES = tests/unit/test-jump.c tests/unit/kernel-fixture.h
tests_unit_test_jump_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_jump_LDADD = $(UNIT_LDADD)
tests_unit_test_kcore_SOURCES = tests/unit/test-kcore.c
tests_unit_test_kcore_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_kcore_LDADD = $(UNIT_LDADD)
tests_unit_test_kdump_SOURCES = tests/unit/test-kdump.c
tests_unit_test_kdump_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_kdump_LDADD = libkdump.a $(UNIT_LDADD)
# the purgatory's own copy routine (purgatory/copy.h) carries out the plans
tests_unit_test_stage_SOURCES = tests/unit/test-stage.c purgatory/copy.h
tests_unit_test_stage_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/purgatory
tests_unit_test_stage_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_stage_LDADD = libkdump.a $(UNIT_LDADD)
else
# ./configure --disable-unit-tests: no cmocka, so make check cannot pass
check-local: unit-tests-disabled
unit-tests-disabled:
	@echo "make check: configured with --disable-unit-tests (no cmocka): the unit tests cannot run; install libcmocka-dev and run ./configure again" >&2
	@exit 1
endif
.PHONY: unit-tests-disabled

include $(top_srcdir)/tests/unit/sha256.mk
include $(top_srcdir)/tests/unit/kdump.mk
