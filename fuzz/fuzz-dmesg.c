/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the printk log reader (kdump/dmesg.c dmesg_print)
 * over the old kernel's memory.  Input (fuzz.h): flags (bit 0: x86_64),
 * an unused number, the VMCOREINFO text, and from FUZZ_MEM_OFFSET the
 * physical memory from address 0.  Output goes to a counting sink: a
 * failure must have printed nothing (dmesg.h).
 */
#include "fuzz-kdump.h"

#include "dmesg.h"

static ssize_t sink_write(void *ctx, const char *buf, size_t len)
{
	(void)buf;
	*(size_t *)ctx += len;
	return (ssize_t)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const cookie_io_functions_t io = { NULL, sink_write, NULL, NULL };
	struct kj_error err = { 0, "" };
	struct fz_kdump k;
	size_t written = 0;
	FILE *out;
	int rc;

	if (fz_kdump_open(d, n, &k) < 0)
		return 0;
	out = fopencookie(&written, "w", io);
	if (!out)
		abort();
	fz_alloc_begin();
	rc = dmesg_print(&k.vi, k.dump.is64, &k.mem, out, &err);
	FUZZ_CHECK(fz_alloc_end() <= FZ_PARSE_BOUND(n));
	fflush(out);
	if (rc < 0)
		FUZZ_CHECK(written == 0 && err.msg[0]);
	fclose(out);
	fz_kdump_close(&k);
	return 0;
}
