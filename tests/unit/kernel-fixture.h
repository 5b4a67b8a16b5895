/* Real Debian kernels for the parser tests.  The test environment
 * (Makefile.am, tests/kernels.env) sets KJ_TEST_BZIMAGE_AMD64 and
 * KJ_TEST_BZIMAGE_I386 from the cache ./bootstrap fills
 * (tests/lib/debian-kernel.sh --cached); a missing kernel fails the test. */
#ifndef KJ_TEST_KERNEL_FIXTURE_H
#define KJ_TEST_KERNEL_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "memmap.h"
#include "qemu-map.h"

static inline void fixture_kernel(const char *env, struct kj_file *f)
{
	struct kj_error err = { 0, "" };
	const char *path = getenv(env);

	if (!path || !*path)
		fail_msg("%s is not set: Debian's kernel is not in the cache; run ./bootstrap to fetch it",
			 env);
	if (kj_file_map(path, f, &err) < 0)
		fail_msg("%s", err.msg);
}

/* A private, writable copy of a mapped file, for corrupting. */
static inline unsigned char *fixture_copy(const struct kj_file *f)
{
	unsigned char *c = malloc(f->size);
	assert_non_null(c);
	memcpy(c, f->data, f->size);
	return c;
}

#endif
