/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 throughput: our digest code (lib/sha256.c, the one the tool
 * and the purgatory use) with its automatic choice (SHA-NI when CPUID
 * offers it), forced portable, and OpenSSL's EVP sha256 as the practical
 * limit, over one buffer (512 MiB by default).
 *
 * Build (from the source tree; libssl-dev provides libcrypto):
 *     gcc -O2 -I/work/main/include -o sha256-bench \
 *         bench/sha256-bench.c lib/sha256.c -lcrypto
 * Without OpenSSL (a guest, a static build): add -DNO_OPENSSL, drop -lcrypto.
 *
 * usage: sha256-bench [-s MiB] [-n runs] [-w where] [-c]
 *   -s  buffer size in MiB (default 512)
 *   -n  runs per implementation (default 5; the implementations take turns)
 *   -w  the where= field of the BENCH lines (default host)
 *   -c  time with this process's CPU time instead of the wall clock (on a
 *       busy machine: time spent waiting for a CPU is not counted)
 *
 * Prints one line per measured run,
 *   BENCH figure=sha256 impl=ours|ours-portable|openssl metric=throughput
 *         value=<MB/s> unit=MB/s run=<N> where=<where>
 * (MB = 10^6 bytes), then a summary with the medians.  Every run's digest
 * must equal the others': a mismatch is an error (exit 1).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef NO_OPENSSL
#include <openssl/evp.h>
#endif

#include "sha256.h"

enum { IMPL_OURS, IMPL_PORTABLE, IMPL_OPENSSL, NR_IMPL };
static const char *const impl_name[NR_IMPL] = { "ours", "ours-portable", "openssl" };

static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void)
{
	struct timespec ts;

	clock_gettime(clock_id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 0 on success; the digest in d */
static int hash_with(int impl, const uint8_t *buf, size_t len, uint8_t d[32])
{
	switch (impl) {
	case IMPL_OURS:
	case IMPL_PORTABLE:
		sha256_force_portable(impl == IMPL_PORTABLE);
		sha256(buf, len, d);
		return 0;
#ifndef NO_OPENSSL
	case IMPL_OPENSSL: {
		unsigned int dl = 0;

		if (!EVP_Digest(buf, len, d, &dl, EVP_sha256(), NULL) || dl != 32) {
			fprintf(stderr, "sha256-bench: OpenSSL EVP_Digest(sha256) failed\n");
			return -1;
		}
		return 0;
	}
#endif
	default:
		return -1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int parse_uint(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > max) {
		fprintf(stderr, "sha256-bench: %s: '%s' is not a number from 1 to %lu\n", opt, s, max);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long mib = 512, runs = 5;
	const char *where = "host";
	int nimpl = NR_IMPL;
	uint8_t *buf, ref[32], d[32];
	double *mbs[NR_IMPL], med[NR_IMPL];
	size_t len, i;
	uint64_t x = 0x243f6a8885a308d3ull;
	int impl, have_ref = 0;

#ifdef NO_OPENSSL
	nimpl = IMPL_OPENSSL;
#endif
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-s") && a + 1 < argc) {
			if (parse_uint("-s", argv[++a], 1u << 20, &mib))
				return 2;
		} else if (!strcmp(argv[a], "-n") && a + 1 < argc) {
			if (parse_uint("-n", argv[++a], 1000, &runs))
				return 2;
		} else if (!strcmp(argv[a], "-w") && a + 1 < argc) {
			where = argv[++a];
		} else if (!strcmp(argv[a], "-c")) {
			clock_id = CLOCK_PROCESS_CPUTIME_ID;
		} else {
			fprintf(stderr, "usage: sha256-bench [-s MiB] [-n runs] [-w where] [-c]\n");
			return 2;
		}
	}

	len = (size_t)mib << 20;
	if ((len >> 20) != mib || !(buf = malloc(len))) {
		fprintf(stderr, "sha256-bench: cannot allocate %lu MiB\n", mib);
		return 1;
	}
	/* pseudo-random contents, every page touched before the clock runs */
	for (i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
	for (impl = 0; impl < nimpl; impl++) {
		mbs[impl] = calloc(runs, sizeof(double));
		if (!mbs[impl]) {
			fprintf(stderr, "sha256-bench: out of memory\n");
			return 1;
		}
	}

	printf("sha256-bench: %lu MiB, %lu runs, %s, CPU %s SHA-NI, ours uses %s\n", mib, runs,
	       clock_id == CLOCK_MONOTONIC ? "wall clock" : "CPU time",
	       sha256_cpu_has_shani() ? "has" : "has no",
	       sha256_impl() == SHA256_IMPL_SHANI ? "SHA-NI" : "the portable code");
	for (unsigned long r = 1; r <= runs; r++) {
		for (impl = 0; impl < nimpl; impl++) {
			double t0 = now(), t;

			if (hash_with(impl, buf, len, d))
				return 1;
			t = now() - t0;
			if (!have_ref) {
				memcpy(ref, d, 32);
				have_ref = 1;
			} else if (memcmp(ref, d, 32)) {
				fprintf(stderr, "sha256-bench: %s gave a different digest in run %lu\n",
					impl_name[impl], r);
				return 1;
			}
			mbs[impl][r - 1] = (double)len / 1e6 / t;
			printf("BENCH figure=sha256 impl=%s metric=throughput value=%.1f unit=MB/s run=%lu where=%s\n",
			       impl_name[impl], mbs[impl][r - 1], r, where);
			fflush(stdout);
		}
	}
	sha256_force_portable(0);

	printf("sha256-bench: medians over %lu runs of %lu MiB (MB/s, MB = 10^6 bytes):\n", runs, mib);
	for (impl = 0; impl < nimpl; impl++) {
		qsort(mbs[impl], runs, sizeof(double), cmp_double);
		med[impl] = runs & 1 ? mbs[impl][runs / 2]
				     : (mbs[impl][runs / 2 - 1] + mbs[impl][runs / 2]) / 2;
		printf("  %-14s %8.1f (min %.1f, max %.1f)\n", impl_name[impl], med[impl],
		       mbs[impl][0], mbs[impl][runs - 1]);
	}
#ifndef NO_OPENSSL
	printf("  ours / openssl: %.1f %%, ours-portable / openssl: %.1f %%\n",
	       100.0 * med[IMPL_OURS] / med[IMPL_OPENSSL],
	       100.0 * med[IMPL_PORTABLE] / med[IMPL_OPENSSL]);
#endif
	for (impl = 0; impl < nimpl; impl++)
		free(mbs[impl]);
	free(buf);
	return 0;
}
