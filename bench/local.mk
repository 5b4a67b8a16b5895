# make bench (issue 11): ours against theirs, medians of BENCH_RUNS runs;
# see bench/README.  Never part of make check (it runs QEMU for minutes).
#
#   make bench                            every part, 5 runs
#   make bench BENCH_PARTS="exec jump" BENCH_RUNS=1
#   make bench BENCH_SAVE=1               also copy results.json to the source tree
EXTRA_DIST += \
	bench/README \
	bench/run \
	bench/qemu.sh \
	bench/e2e.sh \
	bench/guest-lib.sh \
	bench/report.py \
	bench/rsswatch.c \
	bench/load-host.sh \
	bench/results.json \
	bench/scenarios

# SHA-256 throughput (bench/sha256-bench.c): built only by make bench, as it
# needs OpenSSL's libcrypto (libssl-dev); when it does not build, bench/run
# says "not measured" for that part.
EXTRA_PROGRAMS = bench/sha256-bench
bench_sha256_bench_SOURCES = bench/sha256-bench.c lib/sha256.c
bench_sha256_bench_LDADD = -lcrypto
CLEANFILES += bench/sha256-bench

bench: kexec/kexec kdump/kdump
	-$(MAKE) $(AM_MAKEFLAGS) bench/sha256-bench
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	BENCH_RUNS='$(BENCH_RUNS)' BENCH_PARTS='$(BENCH_PARTS)' BENCH_SAVE='$(BENCH_SAVE)' BENCH_JOBS='$(BENCH_JOBS)' \
	$(top_srcdir)/bench/run
.PHONY: bench
