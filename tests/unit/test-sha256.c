/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 against the FIPS 180-4 / NIST example digests, plus padding
 * edges, every length 0..200 and split updates: once with the portable
 * code, once with SHA-NI; then the two against each other on random data.
 *
 * When the CPU has no SHA-NI the SHA-NI cases print a line saying so
 * (they cannot run) and the portable ones still run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void hex(const uint8_t *d, char out[65])
{
	int i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* ------------------------------------------------- implementation pick */
static int want_impl; /* enum sha256_impl the current group tests */

static int setup_portable(void **state)
{
	sha256_force_portable(1);
	want_impl = SHA256_IMPL_PORTABLE;
	return 0;
}

static int setup_shani(void **state)
{
	sha256_force_portable(0);
	want_impl = SHA256_IMPL_SHANI;
	return 0;
}

static int teardown_auto(void **state)
{
	sha256_force_portable(0);
	return 0;
}

/*
 * Every test starts here: 0 if the implementation under test cannot run
 * (no SHA-NI: said on stdout, not skipped silently), else 1 after checking
 * that it is really the one sha256_update() uses.
 */
static int impl_ready(const char *test)
{
	if (want_impl == SHA256_IMPL_SHANI && !sha256_cpu_has_shani()) {
		printf("sha256: %s: NOT RUN for SHA-NI: this CPU has no SHA-NI "
		       "(CPUID leaf 7 EBX bit 29, SSSE3, SSE4.1); the portable code was tested\n",
		       test);
		return 0;
	}
	assert_int_equal(sha256_impl(), want_impl);
	return 1;
}

#define READY() do { if (!impl_ready(__func__)) return; } while (0)

/* ----------------------------------------------------------- helpers */
static void check_oneshot(const void *msg, size_t len, const char *want)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[65];

	sha256(msg, len, d);
	hex(d, h);
	assert_string_equal(h, want);
}

/* every split point, and byte by byte, must give the digest `want` */
static void check_split_raw(const uint8_t *msg, size_t len, const uint8_t want[32])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t k, i;

	for (k = 0; k <= len; k++) {
		sha256_init(&ctx);
		sha256_update(&ctx, msg, k);
		sha256_update(&ctx, msg + k, len - k);
		sha256_final(&ctx, d);
		assert_memory_equal(d, want, 32);
	}
	sha256_init(&ctx);
	for (i = 0; i < len; i++) {
		sha256_update(&ctx, msg + i, 1);
		sha256_update(&ctx, msg, 0);
	}
	sha256_final(&ctx, d);
	assert_memory_equal(d, want, 32);
}

static void check_split(const uint8_t *msg, size_t len, const char *want)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[65];

	check_oneshot(msg, len, want);
	sha256(msg, len, d);
	check_split_raw(msg, len, d);
	hex(d, h);
	assert_string_equal(h, want);
}

/* ------------------------------------------------------ known answers */
static void test_empty(void **state)
{
	READY();
	check_oneshot("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_oneshot(NULL, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
	READY();
	check_split((const uint8_t *)"abc", 3,
		    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_448(void **state)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	READY();
	check_split((const uint8_t *)m, strlen(m),
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896(void **state)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	READY();
	check_split((const uint8_t *)m, strlen(m),
		    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a(void **state)
{
	const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	size_t n = 1000000, i;
	uint8_t *m;
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[65];

	READY();
	m = malloc(n + 1);
	assert_non_null(m);
	memset(m, 'a', n + 1);
	check_oneshot(m, n, want);
	/* from an odd address: the block code reads unaligned input */
	check_oneshot(m + 1, n, want);
	/* odd chunk sizes across block boundaries */
	sha256_init(&ctx);
	for (i = 0; i < n;) {
		size_t c = 1 + (i * 31) % 173;

		if (c > n - i)
			c = n - i;
		sha256_update(&ctx, m + i, c);
		i += c;
	}
	sha256_final(&ctx, d);
	hex(d, h);
	assert_string_equal(h, want);
	free(m);
}

/* message i -> (i*7+3) & 0xff; digests from an independent implementation */
static const struct {
	size_t len;
	const char *digest;
} edges[] = {
	{ 55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b" },
	{ 56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27" },
	{ 63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055" },
	{ 64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241" },
	{ 65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e" },
	{ 119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e" },
	{ 120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5" },
	{ 127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07" },
	{ 128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6" },
	{ 129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4" },
};

static void test_padding_edges(void **state)
{
	uint8_t m[256];
	size_t i;

	READY();
	for (i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_split(m, edges[i].len, edges[i].digest);
}

/*
 * Every length: the digest of the concatenated digests of m[0..n) for n
 * in a range, against Python's hashlib:
 *   c = hashlib.sha256()
 *   for n in range(N + 1): c.update(hashlib.sha256(m[:n]).digest())
 */
static void check_chain(uint8_t (*pattern)(size_t), size_t max, int splits, const char *want)
{
	uint8_t *m = malloc(max + 1);
	struct sha256_ctx chain;
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[65];
	size_t i, n;

	assert_non_null(m);
	for (i = 0; i < max; i++)
		m[i] = pattern(i);
	sha256_init(&chain);
	for (n = 0; n <= max; n++) {
		sha256(m, n, d);
		if (splits)
			check_split_raw(m, n, d);
		sha256_update(&chain, d, sizeof(d));
	}
	sha256_final(&chain, d);
	hex(d, h);
	assert_string_equal(h, want);
	free(m);
}

static uint8_t pat7(size_t i) { return (uint8_t)(i * 7 + 3); }
static uint8_t pat13(size_t i) { return (uint8_t)(i * 13 + 5); }

static void test_lengths_0_200(void **state)
{
	READY();
	/* and for each length every split point and byte by byte */
	check_chain(pat7, 200, 1, "3275febb4612d86d586eb9f11cd21e648a9fc7d95e0f6b8d362786e28c9c5b79");
}

static void test_lengths_0_4096(void **state)
{
	READY();
	check_chain(pat13, 4096, 0, "da7ed310e0be89d26e890fd621481719d84f41ac0db462517af81f27292dfc67");
}

/* 16 MiB of 0..255 repeated, in uneven updates (many blocks per call) */
static void test_16mib(void **state)
{
	const char *want = "341aacac661ccb210720bedaa9ead5d668fe5ea41a73532fc147c71e34040df1";
	size_t n = 16u << 20, i, c;
	uint8_t *m;
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[65];

	READY();
	m = malloc(n);
	assert_non_null(m);
	for (i = 0; i < n; i++)
		m[i] = (uint8_t)i;
	check_oneshot(m, n, want);
	sha256_init(&ctx);
	for (i = 0, c = 1; i < n; i += c, c = c * 3 + 7) {
		if (c > n - i)
			c = n - i;
		sha256_update(&ctx, m + i, c);
	}
	sha256_final(&ctx, d);
	hex(d, h);
	assert_string_equal(h, want);
	free(m);
}

/* --------------------------------------------- SHA-NI against portable */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void digest_with(int portable, const uint8_t *m, size_t len,
			const size_t *cuts, size_t ncuts, uint8_t d[32])
{
	struct sha256_ctx ctx;
	size_t i, at = 0;

	sha256_force_portable(portable);
	assert_int_equal(sha256_impl(), portable ? SHA256_IMPL_PORTABLE : SHA256_IMPL_SHANI);
	sha256_init(&ctx);
	for (i = 0; i < ncuts; i++) {
		sha256_update(&ctx, m + at, cuts[i] - at);
		at = cuts[i];
	}
	sha256_update(&ctx, m + at, len - at);
	sha256_final(&ctx, d);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void test_shani_equals_portable(void **state)
{
	size_t max = 1u << 20, round;
	uint8_t *buf;

	want_impl = SHA256_IMPL_SHANI;
	READY();
	buf = malloc(max + 64);
	assert_non_null(buf);
	for (size_t i = 0; i < max + 64; i++)
		buf[i] = (uint8_t)rng();
	for (round = 0; round < 400; round++) {
		/* short lengths often, up to 1 MiB sometimes; any alignment */
		size_t len = (round & 3) ? rng() % 1000 : rng() % max;
		size_t off = rng() % 64;
		size_t cuts[8], ncuts = rng() % 8, i;
		uint8_t a[32], b[32];

		for (i = 0; i < ncuts; i++)
			cuts[i] = len ? rng() % (len + 1) : 0;
		qsort(cuts, ncuts, sizeof(cuts[0]), cmp_size);
		digest_with(1, buf + off, len, cuts, ncuts, a);
		digest_with(0, buf + off, len, cuts, ncuts, b);
		if (memcmp(a, b, 32)) {
			char ha[65], hb[65];

			hex(a, ha);
			hex(b, hb);
			fail_msg("round %zu: %zu bytes at offset %zu, %zu cuts: portable %s, SHA-NI %s",
				 round, len, off, ncuts, ha, hb);
		}
	}
	free(buf);
}

/* the state is the same for both: switching in the middle of a message */
static void test_switch_midway(void **state)
{
	uint8_t m[1000], d[32];
	struct sha256_ctx ctx;
	char h[65];
	size_t i;

	want_impl = SHA256_IMPL_SHANI;
	READY();
	for (i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(i * 13 + 5);
	for (i = 0; i < 8; i++) {
		sha256_init(&ctx);
		sha256_force_portable(i & 1);
		sha256_update(&ctx, m, 300);
		sha256_force_portable(!(i & 1));
		sha256_update(&ctx, m + 300, 77 + i);
		sha256_force_portable(i & 1);
		sha256_update(&ctx, m + 377 + i, sizeof(m) - 377 - i);
		sha256_force_portable(!!(i & 2));
		sha256_final(&ctx, d);
		hex(d, h);
		/* hashlib.sha256(bytes((i*13+5)&0xff for i in range(1000))) */
		assert_string_equal(h, "7994e00959d889b2edd138584884b26ecd04053d86779cb88d89202dea18e599");
	}
	sha256_force_portable(0);
}

/* KJ_SHA256=portable, read when the first digest is asked for */
static void test_env_forces_portable(void **state)
{
	uint8_t d[32];

	/* must run before anything else calls into sha256.c */
	assert_int_equal(setenv("KJ_SHA256", "portable", 1), 0);
	assert_int_equal(sha256_impl(), SHA256_IMPL_PORTABLE);
	sha256("abc", 3, d);
	unsetenv("KJ_SHA256");
	sha256_force_portable(0);
	assert_int_equal(sha256_impl(),
			 sha256_cpu_has_shani() ? SHA256_IMPL_SHANI : SHA256_IMPL_PORTABLE);
	printf("sha256: this CPU %s SHA-NI; by default the tool uses the %s code\n",
	       sha256_cpu_has_shani() ? "has" : "has no",
	       sha256_impl() == SHA256_IMPL_SHANI ? "SHA-NI" : "portable");
}

#define KAT_TESTS						\
	cmocka_unit_test(test_empty),				\
	cmocka_unit_test(test_abc),				\
	cmocka_unit_test(test_448),				\
	cmocka_unit_test(test_896),				\
	cmocka_unit_test(test_million_a),			\
	cmocka_unit_test(test_padding_edges),			\
	cmocka_unit_test(test_lengths_0_200),			\
	cmocka_unit_test(test_lengths_0_4096),			\
	cmocka_unit_test(test_16mib)

int main(void)
{
	const struct CMUnitTest first[] = {
		cmocka_unit_test(test_env_forces_portable),
	};
	const struct CMUnitTest kat[] = { KAT_TESTS };
	const struct CMUnitTest cross[] = {
		cmocka_unit_test(test_shani_equals_portable),
		cmocka_unit_test(test_switch_midway),
	};
	int r = 0;

	r |= cmocka_run_group_tests_name("sha256 environment", first, NULL, NULL);
	r |= cmocka_run_group_tests_name("sha256 portable", kat, setup_portable, teardown_auto);
	r |= cmocka_run_group_tests_name("sha256 SHA-NI", kat, setup_shani, teardown_auto);
	r |= cmocka_run_group_tests_name("sha256 SHA-NI vs portable", cross, NULL, teardown_auto);
	return r;
}
