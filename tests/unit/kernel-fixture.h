/* Real Debian kernels for the parser tests.  tests/unit/local.mk exports
 * KJ_TEST_BZIMAGE_AMD64 and KJ_TEST_BZIMAGE_I386 (fetched by
 * tests/lib/debian-kernel.sh); a missing kernel fails the test. */
#ifndef KJ_TEST_KERNEL_FIXTURE_H
#define KJ_TEST_KERNEL_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "memmap.h"

/* The E820 map SeaBIOS gives a 512 MiB QEMU pc guest. */
static inline void fixture_qemu_map(struct memmap *mm)
{
	memset(mm, 0, sizeof(*mm));
	memmap_add(mm, range_from_inclusive(0, 0x9fbff), E820_TYPE_RAM);
	memmap_add(mm, range_from_inclusive(0x9fc00, 0x9ffff), E820_TYPE_RESERVED);
	memmap_add(mm, range_from_inclusive(0xf0000, 0xfffff), E820_TYPE_RESERVED);
	memmap_add(mm, range_from_inclusive(0x100000, 0x1ffdffff), E820_TYPE_RAM);
	memmap_add(mm, range_from_inclusive(0x1ffe0000, 0x1fffffff), E820_TYPE_RESERVED);
	memmap_add(mm, range_from_inclusive(0xfffc0000, 0xffffffff), E820_TYPE_RESERVED);
}

static inline void fixture_kernel(const char *env, struct kj_file *f)
{
	struct kj_error err = { 0, "" };
	const char *path = getenv(env);

	if (!path || !*path)
		fail_msg("%s is not set: the real-kernel tests need Debian's kernel", env);
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
