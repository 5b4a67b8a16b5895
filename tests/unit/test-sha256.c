/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 against the FIPS 180-4 / NIST example digests, plus padding edges. */
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

static void check_oneshot(const void *msg, size_t len, const char *want)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[65];

	sha256(msg, len, d);
	hex(d, h);
	assert_string_equal(h, want);
}

/* every split point, and byte by byte, must give the one-shot digest */
static void check_split(const uint8_t *msg, size_t len, const char *want)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[65];
	size_t k, i;

	check_oneshot(msg, len, want);
	for (k = 0; k <= len; k++) {
		sha256_init(&ctx);
		sha256_update(&ctx, msg, k);
		sha256_update(&ctx, msg + k, len - k);
		sha256_final(&ctx, d);
		hex(d, h);
		assert_string_equal(h, want);
	}
	sha256_init(&ctx);
	for (i = 0; i < len; i++) {
		sha256_update(&ctx, msg + i, 1);
		sha256_update(&ctx, msg, 0);
	}
	sha256_final(&ctx, d);
	hex(d, h);
	assert_string_equal(h, want);
}

static void test_empty(void **state)
{
	check_oneshot("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_oneshot(NULL, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
	check_split((const uint8_t *)"abc", 3,
		    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_448(void **state)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	check_split((const uint8_t *)m, strlen(m),
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896(void **state)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	check_split((const uint8_t *)m, strlen(m),
		    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a(void **state)
{
	const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	size_t n = 1000000, i;
	uint8_t *m = malloc(n);
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char h[65];

	assert_non_null(m);
	memset(m, 'a', n);
	check_oneshot(m, n, want);
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

	for (i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_split(m, edges[i].len, edges[i].digest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_448),
		cmocka_unit_test(test_896),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_edges),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
