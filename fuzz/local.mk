# libFuzzer targets: make fuzz (see README, "Build and test").
#
# The normal build uses $(CC) (gcc); the fuzz targets need clang's
# -fsanitize=fuzzer, so the sources of libkexec.a and libkdump.a are
# compiled again with $(FUZZ_CC) (configure finds clang) into *.fuzzo
# objects and fuzz/libkj-fuzz.a, by the suffix rules below, and each
# target fuzz/fuzz-NAME.c is linked against that archive and the embedded
# purgatory (purgatory/blob.S, assembled by $(FUZZ_CC) too).
#
# make fuzz builds them, makes the seed corpora (fuzz/seeds.sh, into
# fuzz/corpus/NAME/ of the build dir), runs each target for
# $(FUZZ_SECONDS) seconds (fuzz/run.sh) and fails on any crash, leak,
# timeout or sanitizer report; crash inputs go to fuzz-artifacts/.

FUZZ_SECONDS = 60

FUZZ_NAMES = bzimage elf core resume memmap cmdline plan stage freepages \
	vmcoreinfo dmesg swapmap decompress purgatory efi kcore fsstate

FUZZ_PROGS = \
	fuzz/fuzz-bzimage \
	fuzz/fuzz-elf \
	fuzz/fuzz-core \
	fuzz/fuzz-resume \
	fuzz/fuzz-memmap \
	fuzz/fuzz-cmdline \
	fuzz/fuzz-plan \
	fuzz/fuzz-stage \
	fuzz/fuzz-freepages \
	fuzz/fuzz-vmcoreinfo \
	fuzz/fuzz-dmesg \
	fuzz/fuzz-swapmap \
	fuzz/fuzz-decompress \
	fuzz/fuzz-purgatory \
	fuzz/fuzz-efi \
	fuzz/fuzz-kcore \
	fuzz/fuzz-fsstate

FUZZ_PROG_OBJS = \
	fuzz/fuzz-bzimage.fuzzo \
	fuzz/fuzz-elf.fuzzo \
	fuzz/fuzz-core.fuzzo \
	fuzz/fuzz-resume.fuzzo \
	fuzz/fuzz-memmap.fuzzo \
	fuzz/fuzz-cmdline.fuzzo \
	fuzz/fuzz-plan.fuzzo \
	fuzz/fuzz-stage.fuzzo \
	fuzz/fuzz-freepages.fuzzo \
	fuzz/fuzz-vmcoreinfo.fuzzo \
	fuzz/fuzz-dmesg.fuzzo \
	fuzz/fuzz-swapmap.fuzzo \
	fuzz/fuzz-decompress.fuzzo \
	fuzz/fuzz-purgatory.fuzzo \
	fuzz/fuzz-efi.fuzzo \
	fuzz/fuzz-kcore.fuzzo \
	fuzz/fuzz-fsstate.fuzzo

# libkexec.a's, libkdump.a's and libkj.a's sources, as objects of the fuzz build; the
# headers among them become empty stamps (*.fuzzh), left out of the archive.
FUZZ_LIB_SRCS = $(libkexec_a_SOURCES:.c=.fuzzo) $(libkdump_a_SOURCES:.c=.fuzzo) \
	$(libkj_a_SOURCES:.c=.fuzzo)
FUZZ_LIB_OBJS = $(FUZZ_LIB_SRCS:.h=.fuzzh)
# Every fuzz object depends on every source and header of the libraries
# (no dependency tracking here; a change rebuilds them all).
FUZZ_DEPS = $(libkexec_a_SOURCES) $(libkdump_a_SOURCES) $(libkj_a_SOURCES) \
	$(top_srcdir)/fuzz/fuzz.h $(top_srcdir)/fuzz/fuzz-kdump.h $(top_srcdir)/fuzz/fuzz-machine.h $(top_srcdir)/tests/unit/qemu-map.h \
	$(top_srcdir)/include/purgatory-ext.h \
	config.h $(top_srcdir)/fuzz/local.mk

EXTRA_DIST += \
	fuzz/fuzz.h \
	fuzz/fuzz-kdump.h \
	fuzz/fuzz-machine.h \
	fuzz/fuzz-bzimage.c \
	fuzz/fuzz-elf.c \
	fuzz/fuzz-core.c \
	fuzz/fuzz-resume.c \
	fuzz/fuzz-memmap.c \
	fuzz/fuzz-cmdline.c \
	fuzz/fuzz-plan.c \
	fuzz/fuzz-stage.c \
	fuzz/fuzz-freepages.c \
	fuzz/fuzz-vmcoreinfo.c \
	fuzz/fuzz-dmesg.c \
	fuzz/fuzz-swapmap.c \
	fuzz/fuzz-decompress.c \
	fuzz/fuzz-purgatory.c \
	fuzz/fuzz-efi.c \
	fuzz/fuzz-kcore.c \
	fuzz/fuzz-fsstate.c \
	fuzz/seeds.sh \
	fuzz/mkseeds.py \
	fuzz/run.sh

# -O1 -g as libFuzzer's documentation suggests; UBSan aborts (a report is
# a crash); no user CFLAGS (they are for $(CC)).
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Wno-unused-parameter
FUZZ_COMPILE = $(FUZZ_CC) $(FUZZ_ARCH_CFLAGS) $(AM_CPPFLAGS) $(FUZZ_CFLAGS) \
	$(ZLIB_CFLAGS) $(LZMA_CFLAGS)
FUZZ_LINK = $(FUZZ_CC) $(FUZZ_ARCH_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer

SUFFIXES = .fuzzo .fuzzh
.c.fuzzo:
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_COMPILE) -c -o $@ $<
.h.fuzzh:
	@$(MKDIR_P) $(@D)
	@touch $@
.S.fuzzo:
	@$(MKDIR_P) $(@D)
	$(AM_V_CCAS)$(FUZZ_CC) $(FUZZ_ARCH_CFLAGS) -c -o $@ $<

$(FUZZ_LIB_OBJS) $(FUZZ_PROG_OBJS): $(FUZZ_DEPS)

fuzz/libkj-fuzz.a: $(FUZZ_LIB_OBJS)
	@$(MKDIR_P) fuzz
	$(AM_V_AR)rm -f $@ && \
	$(AR) cr $@ `for f in $(FUZZ_LIB_OBJS); do case $$f in *.fuzzo) echo $$f;; esac; done` && \
	$(RANLIB) $@

$(FUZZ_PROGS): $(FUZZ_PROG_OBJS) fuzz/libkj-fuzz.a purgatory/blob.fuzzo
	$(AM_V_CCLD)$(FUZZ_LINK) -o $@ $@.fuzzo fuzz/libkj-fuzz.a purgatory/blob.fuzzo \
	  $(ZLIB_LIBS) $(LZMA_LIBS)

.PHONY: fuzz fuzz-build fuzz-clean
fuzz-build: $(FUZZ_PROGS)

fuzz:
	@if test -z "$(FUZZ_CC)"; then \
	  echo "make fuzz: FAIL: configure found no clang that links -fsanitize=fuzzer,address,undefined" >&2; \
	  echo "make fuzz: install Debian's clang (./bootstrap does), then rerun configure, or give ./configure FUZZ_CC=..." >&2; \
	  exit 1; \
	fi
	@$(MAKE) $(AM_MAKEFLAGS) fuzz-build tests/kernels.env
	@bash $(top_srcdir)/fuzz/seeds.sh $(top_srcdir) $(abs_top_builddir) $(FUZZ_NAMES)
	@bash $(top_srcdir)/fuzz/run.sh $(abs_top_builddir) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-clean:
	rm -rf fuzz/corpus fuzz/work fuzz/logs fuzz-artifacts
clean-local: fuzz-clean

CLEANFILES += $(FUZZ_PROGS) $(FUZZ_PROG_OBJS) $(FUZZ_LIB_OBJS) fuzz/libkj-fuzz.a \
	purgatory/blob.fuzzo
