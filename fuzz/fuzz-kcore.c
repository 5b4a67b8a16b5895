/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: /proc/kcore's first bytes (kexec/kcore.c).  The whole
 * input is the file's start for kcore_vmcoreinfo, then again its first
 * half: what the parser asks for (need) and finds must hold for any
 * prefix the caller reads, or sysinfo's read loop would stop short or
 * take another text.  The parser allocates nothing.
 */
#include "fuzz.h"

#include "exitcodes.h"
#include "kcore.h"

static int parse(const uint8_t *d, size_t n, const uint8_t **base, size_t *off, size_t *len,
		 size_t *need)
{
	struct kj_error err = { 0, "" };
	uint8_t *copy = fz_dup(d, n);
	const uint8_t *text;
	int rc;

	fz_alloc_begin();
	rc = kcore_vmcoreinfo(copy, n, "kcore", &text, len, need, &err);
	FUZZ_CHECK(fz_alloc_end() == 0);
	*off = 0;
	if (rc == 0) {
		FUZZ_CHECK(text >= copy && *len >= 1 && *len <= n &&
			   (size_t)(text - copy) <= n - *len);
		*off = (size_t)(text - copy);
		FUZZ_CHECK(*need == 0);
	} else if (rc == 1) {
		FUZZ_CHECK(*need > n && *need <= KCORE_HEAD_MAX);
		FUZZ_CHECK(text == NULL && *len == 0);
	} else {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(err.exit_code == KJ_EXIT_BADFILE && !strncmp(err.msg, "kcore: ", 7));
		FUZZ_CHECK(text == NULL && *len == 0);
	}
	*base = NULL;
	free(copy);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const uint8_t *base;
	size_t off, len, need, off2, len2, need2;
	int rc = parse(d, n, &base, &off, &len, &need), rc2;

	if (rc < 0)
		return 0;
	/* a prefix asks for no more than the whole input had, and finds the
	 * same text when it has what the whole did */
	rc2 = parse(d, n / 2, &base, &off2, &len2, &need2);
	if (rc == 0) {
		FUZZ_CHECK(rc2 == 0 || (rc2 == 1 && need2 <= n));
		if (rc2 == 0)
			FUZZ_CHECK(off2 == off && len2 == len);
	} else {
		FUZZ_CHECK(rc2 == 1 && need2 <= need);
	}
	return 0;
}
