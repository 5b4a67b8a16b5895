/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KJ_FUZZ_KDUMP_H
#define KJ_FUZZ_KDUMP_H

#include "fuzz.h"

#include "freepages.h"  /* struct oldmem */
#include "vmcoreinfo.h"

/*
 * For the targets that start from an old kernel's VMCOREINFO (fuzz-dmesg,
 * fuzz-freepages): the input split by fz_dump_split, its VMCOREINFO text parsed
 * and its memory ready as a struct oldmem.
 */
struct fz_kdump {
	struct fz_dump dump;
	struct vmcoreinfo vi;
	struct oldmem mem;
	char *text; /* an exact-size copy of the VMCOREINFO text */
};

/* 0 with everything set up (undo with fz_kdump_close), or -1 when the
 * VMCOREINFO text does not parse (nothing to undo). */
static inline int fz_kdump_open(const uint8_t *d, size_t n, struct fz_kdump *k)
{
	struct kj_error err = { 0, "" };

	fz_dump_split(d, n, &k->dump);
	k->text = (char *)fz_dup((const uint8_t *)k->dump.text, k->dump.text_len);
	if (vmcoreinfo_parse(k->text, k->dump.text_len, &k->vi, &err) < 0) {
		free(k->text);
		return -1;
	}
	k->mem.read = fz_mem_read;
	k->mem.ctx = &k->dump.mem;
	return 0;
}

static inline void fz_kdump_close(struct fz_kdump *k)
{
	vmcoreinfo_free(&k->vi);
	free(k->text);
}
#endif
