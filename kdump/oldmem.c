/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "oldmem.h"
#include "pread-full.h"

#define PAGE 4096u

int core_mem_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct core_mem *m = ctx;
	uint8_t *out = buf;

	if (paddr + len < paddr)
		return -1;
	while (len) {
		uint64_t page = paddr & ~(uint64_t)(PAGE - 1), at = paddr, rel;
		size_t n = (size_t)(page + PAGE - paddr);
		const struct core_load *l = NULL;

		if (n > len)
			n = len;
		if (m->swap)
			at = swapmap_lookup(m->swap, page) + (paddr - page);
		for (size_t i = 0; i < m->c->nloads && !l; i++) {
			const struct core_load *c = &m->c->loads[i];

			if (at >= c->paddr && at - c->paddr < c->memsz && n <= c->memsz - (at - c->paddr))
				l = c;
		}
		if (!l)
			return -1;
		rel = at - l->paddr;
		if (rel < l->filesz) {
			size_t k = l->filesz - rel < n ? (size_t)(l->filesz - rel) : n;

			if (kj_pread_full(m->fd, out, k, l->offset + rel) < 0)
				return -1;
			memset(out + k, 0, n - k);
		} else {
			memset(out, 0, n);
		}
		out += n;
		paddr += n;
		len -= n;
	}
	return 0;
}

uint64_t jump_back_entry_from_cmdline(void)
{
	FILE *f = fopen("/proc/cmdline", "re");
	char line[4096];
	uint64_t v = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		cmdline_get_u64(line, "kexec_jump_back_entry", &v);
	fclose(f);
	return v;
}
