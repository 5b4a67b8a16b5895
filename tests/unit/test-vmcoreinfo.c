// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for kdump/vmcoreinfo.c: the VMCOREINFO text parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmcoreinfo.h"

static const char sample[] =
	"OSRELEASE=6.12.117\n"
	"PAGESIZE=4096\n"
	"SYMBOL(mem_map)=c13a9384\n"
	"SYMBOL(mem_section)=ffff88800ffd9000\n"
	"OFFSET(page.flags)=0\n"
	"OFFSET(page._mapcount)=48\n"
	"SIZE(page)=64\n"
	"LENGTH(mem_section)=2048\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
	"NUMBER(VMALLOC_START)=0xffffc90000000000\n"
	"NUMBER(phys_base)=0\n"
	"KERNELOFFSET=1e000000\n";

/* parse from an exactly-sized heap copy, so a read past the end is caught
 * by ASan / valgrind */
static int parse_exact(const char *text, size_t len, struct vmcoreinfo *vi,
		       struct kj_error *err)
{
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = vmcoreinfo_parse(copy, len, vi, err);
	free(copy);
	return r;
}

static void test_sample(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	uint64_t u;
	int64_t n;
	const char *s;

	(void)state;
	assert_int_equal(parse_exact(sample, strlen(sample), &vi, &err), 0);
	assert_int_equal(vi.count, 12);
	assert_string_equal(vmcoreinfo_get(&vi, "OSRELEASE"), "6.12.117");
	assert_int_equal(vmcoreinfo_str(&vi, "PAGESIZE", &s), 0);
	assert_string_equal(s, "4096");
	assert_int_equal(vmcoreinfo_dec(&vi, "PAGESIZE", &u), 0);
	assert_int_equal(u, 4096);
	assert_int_equal(vmcoreinfo_symbol(&vi, "mem_map", &u), 0);
	assert_int_equal(u, 0xc13a9384ULL);
	assert_int_equal(vmcoreinfo_symbol(&vi, "mem_section", &u), 0);
	assert_true(u == 0xffff88800ffd9000ULL);
	assert_int_equal(vmcoreinfo_offset(&vi, "page.flags", &u), 0);
	assert_int_equal(u, 0);
	assert_int_equal(vmcoreinfo_offset(&vi, "page._mapcount", &u), 0);
	assert_int_equal(u, 48);
	assert_int_equal(vmcoreinfo_size(&vi, "page", &u), 0);
	assert_int_equal(u, 64);
	assert_int_equal(vmcoreinfo_length(&vi, "mem_section", &u), 0);
	assert_int_equal(u, 2048);
	assert_int_equal(vmcoreinfo_number(&vi, "PAGE_BUDDY_MAPCOUNT_VALUE", &n), 0);
	assert_int_equal(n, -268435456);
	assert_int_equal(vmcoreinfo_number(&vi, "VMALLOC_START", &n), 0);
	assert_true((uint64_t)n == 0xffffc90000000000ULL);
	assert_int_equal(vmcoreinfo_number(&vi, "phys_base", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vmcoreinfo_hex(&vi, "KERNELOFFSET", &u), 0);
	assert_int_equal(u, 0x1e000000);
	/* absent keys */
	assert_null(vmcoreinfo_get(&vi, "NOPE"));
	assert_int_equal(vmcoreinfo_symbol(&vi, "nope", &u), -1);
	assert_int_equal(vmcoreinfo_offset(&vi, "page.nope", &u), -1);
	assert_int_equal(vmcoreinfo_size(&vi, NULL, &u), -1);
	assert_null(vmcoreinfo_get(NULL, "OSRELEASE"));
	/* a key is matched exactly, not as a prefix */
	assert_null(vmcoreinfo_get(&vi, "OSRELEAS"));
	assert_null(vmcoreinfo_get(&vi, "OSRELEASE="));
	vmcoreinfo_free(&vi);
	assert_int_equal(vi.count, 0);
	vmcoreinfo_free(&vi); /* twice is harmless */
	vmcoreinfo_free(NULL);
}

static void test_no_trailing_newline_and_nul(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	static const char t[] = "A=1\r\nB=2\nC=3\0D=4\n";
	uint64_t u;

	(void)state;
	/* no trailing newline, no NUL: "A=1\nB=2" */
	assert_int_equal(parse_exact("A=1\nB=2", 7, &vi, &err), 0);
	assert_int_equal(vi.count, 2);
	assert_int_equal(vmcoreinfo_dec(&vi, "B", &u), 0);
	assert_int_equal(u, 2);
	vmcoreinfo_free(&vi);
	/* CRLF tolerated; a NUL ends the text */
	assert_int_equal(parse_exact(t, sizeof(t) - 1, &vi, &err), 0);
	assert_int_equal(vi.count, 3);
	assert_int_equal(vmcoreinfo_dec(&vi, "A", &u), 0);
	assert_int_equal(u, 1);
	assert_null(vmcoreinfo_get(&vi, "D"));
	vmcoreinfo_free(&vi);
}

static void test_empty_and_garbage(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };

	(void)state;
	assert_int_equal(vmcoreinfo_parse("", 0, &vi, &err), -1);
	assert_int_not_equal(err.exit_code, 0);
	assert_true(strlen(err.msg) > 0);
	assert_int_equal(vmcoreinfo_parse(NULL, 0, &vi, &err), -1);
	assert_int_equal(vmcoreinfo_parse(NULL, 5, &vi, &err), -1);
	assert_int_equal(parse_exact("\n\n\n", 3, &vi, &err), -1);
	assert_int_equal(parse_exact("no equals here\n=novalue\n", 24, &vi, &err), -1);
	assert_int_equal(parse_exact("\0A=1\n", 5, &vi, &err), -1);
	assert_int_equal(vmcoreinfo_parse("A=1", 3, NULL, &err), -1);
}

static void test_duplicates(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	static const char t[] = "SIZE(page)=64\nSIZE(page)=64\nOFFSET(page.flags)=0\n"
				"OFFSET(page.flags)=8\nOFFSET(page.flags)=0\n";
	uint64_t u;

	(void)state;
	assert_int_equal(parse_exact(t, sizeof(t) - 1, &vi, &err), 0);
	assert_int_equal(vi.count, 2);
	/* same value twice: fine */
	assert_int_equal(vmcoreinfo_size(&vi, "page", &u), 0);
	assert_int_equal(u, 64);
	/* conflicting values: the key is unusable */
	assert_int_equal(vmcoreinfo_offset(&vi, "page.flags", &u), -1);
	assert_null(vmcoreinfo_get(&vi, "OFFSET(page.flags)"));
	vmcoreinfo_free(&vi);
}

static void test_bad_values(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	static const char t[] =
		"SYMBOL(a)=xyz\n"
		"SYMBOL(b)=\n"
		"SYMBOL(c)=0x\n"
		"SYMBOL(d)=123456789abcdef01\n" /* 17 hex digits */
		"SYMBOL(e)=ffffffffffffffff\n"
		"SIZE(f)=-1\n"
		"SIZE(g)=12a\n"
		"SIZE(h)=18446744073709551616\n"
		"SIZE(i)=18446744073709551615\n"
		"NUMBER(j)=-9223372036854775808\n"
		"NUMBER(k)=-9223372036854775809\n"
		"NUMBER(l)=9223372036854775808\n"
		"NUMBER(m)= 5\n"
		"NUMBER(n)=0x-5\n"
		"NUMBER(o)=--5\n"
		"NUMBER(p)=-\n"
		"KEY WITH SPACE=1\n"
		"CTRL=a\tb\n";
	uint64_t u;
	int64_t n;

	(void)state;
	assert_int_equal(parse_exact(t, sizeof(t) - 1, &vi, &err), 0);
	assert_int_equal(vmcoreinfo_symbol(&vi, "a", &u), -1);
	assert_int_equal(vmcoreinfo_symbol(&vi, "b", &u), -1);
	assert_int_equal(vmcoreinfo_symbol(&vi, "c", &u), -1);
	assert_int_equal(vmcoreinfo_symbol(&vi, "d", &u), -1);
	assert_int_equal(vmcoreinfo_symbol(&vi, "e", &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(vmcoreinfo_size(&vi, "f", &u), -1);
	assert_int_equal(vmcoreinfo_size(&vi, "g", &u), -1);
	assert_int_equal(vmcoreinfo_size(&vi, "h", &u), -1);
	assert_int_equal(vmcoreinfo_size(&vi, "i", &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(vmcoreinfo_number(&vi, "j", &n), 0);
	assert_true(n == INT64_MIN);
	assert_int_equal(vmcoreinfo_number(&vi, "k", &n), -1);
	assert_int_equal(vmcoreinfo_number(&vi, "l", &n), -1);
	assert_int_equal(vmcoreinfo_number(&vi, "m", &n), -1);
	assert_int_equal(vmcoreinfo_number(&vi, "n", &n), -1);
	assert_int_equal(vmcoreinfo_number(&vi, "o", &n), -1);
	assert_int_equal(vmcoreinfo_number(&vi, "p", &n), -1);
	assert_null(vmcoreinfo_get(&vi, "KEY WITH SPACE"));
	assert_null(vmcoreinfo_get(&vi, "CTRL"));
	assert_true(vi.skipped >= 2);
	vmcoreinfo_free(&vi);
}

static void test_limits(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	size_t big = VMCOREINFO_MAX_TEXT, i, len;
	char *t = malloc(big + 1);
	uint64_t u;

	(void)state;
	assert_non_null(t);
	/* too large as a whole */
	memset(t, 'A', big + 1);
	assert_int_equal(vmcoreinfo_parse(t, big + 1, &vi, &err), -1);
	/* one huge line (skipped) then a good one */
	memset(t, 'A', big);
	t[1000] = '=';
	len = 5000;
	memcpy(t + len, "\nX=7\n", 5);
	len += 5;
	assert_int_equal(parse_exact(t, len, &vi, &err), 0);
	assert_int_equal(vi.count, 1);
	assert_int_equal(vmcoreinfo_dec(&vi, "X", &u), 0);
	assert_int_equal(u, 7);
	vmcoreinfo_free(&vi);
	/* many distinct keys: capped, no crash */
	len = 0;
	for (i = 0; len + 16 < big; i++)
		len += (size_t)snprintf(t + len, big - len, "K%zu=%zu\n", i, i);
	assert_int_equal(parse_exact(t, len, &vi, &err), 0);
	assert_int_equal(vi.count, VMCOREINFO_MAX_ENTRIES);
	assert_true(vi.skipped > 0);
	assert_int_equal(vmcoreinfo_dec(&vi, "K0", &u), 0);
	assert_int_equal(u, 0);
	vmcoreinfo_free(&vi);
	free(t);
}

/* random bytes and mutations of the sample: must never crash */
static void test_fuzz(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	unsigned seed = 12345;
	int round;

	(void)state;
	for (round = 0; round < 3000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 600), i;
		char *buf = malloc(len ? len : 1);
		static const char alpha[] = "=\n()._-0123456789abcdefxXSYMBOLOFFSET\r\0 ";
		const unsigned na = sizeof(alpha) - 1;

		assert_non_null(buf);
		for (i = 0; i < len; i++) {
			if (round % 3 == 0)
				buf[i] = (char)rand_r(&seed);
			else if (round % 3 == 1)
				buf[i] = alpha[rand_r(&seed) % na];
			else
				buf[i] = i < sizeof(sample) - 1 && rand_r(&seed) % 8 ?
					 sample[i] : alpha[rand_r(&seed) % na];
		}
		if (vmcoreinfo_parse(buf, len, &vi, &err) == 0) {
			uint64_t u;
			int64_t n;

			(void)vmcoreinfo_symbol(&vi, "mem_map", &u);
			(void)vmcoreinfo_number(&vi, "PAGE_BUDDY_MAPCOUNT_VALUE", &n);
			(void)vmcoreinfo_get(&vi, "OSRELEASE");
			vmcoreinfo_free(&vi);
		}
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_no_trailing_newline_and_nul),
		cmocka_unit_test(test_empty_and_garbage),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
