// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * freepages-report: development aid, not built by default.
 *   gcc -Iinclude -Ikdump kdump/freepages-report.c kdump/freepages.c \
 *       kdump/vmcoreinfo.c lib/error.c -o freepages-report
 *   freepages-report VMCORE [--list]
 * Reads an ELF core (/proc/vmcore layout, may be followed by other data),
 * walks the old kernel's page array and prints how many pages were free.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "freepages.h"
#include "vmcoreinfo.h"

struct seg {
	uint64_t paddr, off, size;
};

struct core {
	int fd;
	bool is64;
	struct seg segs[64];
	int nsegs;
	char *note;
	size_t note_len;
};

static int core_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct core *c = ctx;
	int i;

	for (i = 0; i < c->nsegs; i++) {
		struct seg *s = &c->segs[i];

		if (paddr >= s->paddr && paddr - s->paddr <= s->size &&
		    len <= s->size - (paddr - s->paddr)) {
			ssize_t r = pread(c->fd, buf, len, (off_t)(s->off + paddr - s->paddr));

			return r == (ssize_t)len ? 0 : -1;
		}
	}
	return -1;
}

static int find_vmcoreinfo(struct core *c, uint64_t off, uint64_t size)
{
	unsigned char *b;
	uint64_t p = 0;

	if (size > (1 << 20))
		return -1;
	b = malloc(size);
	if (!b || pread(c->fd, b, size, (off_t)off) != (ssize_t)size) {
		free(b);
		return -1;
	}
	while (p + 12 <= size) {
		uint32_t nsz, dsz;
		uint64_t name, desc;

		memcpy(&nsz, b + p, 4);
		memcpy(&dsz, b + p + 4, 4);
		name = p + 12;
		desc = name + ((nsz + 3ULL) & ~3ULL);
		if (desc > size || dsz > size - desc)
			break;
		if (nsz >= 10 && memcmp(b + name, "VMCOREINFO", 10) == 0) {
			c->note = malloc(dsz);
			if (!c->note)
				break;
			memcpy(c->note, b + desc, dsz);
			c->note_len = dsz;
			free(b);
			return 0;
		}
		p = desc + ((dsz + 3ULL) & ~3ULL);
	}
	free(b);
	return -1;
}

static int core_open(struct core *c, const char *path)
{
	unsigned char id[EI_NIDENT];
	int i, n;

	memset(c, 0, sizeof(*c));
	c->fd = open(path, O_RDONLY);
	if (c->fd < 0 || pread(c->fd, id, sizeof(id), 0) != sizeof(id) ||
	    memcmp(id, ELFMAG, SELFMAG))
		return -1;
	c->is64 = id[EI_CLASS] == ELFCLASS64;
	if (c->is64) {
		Elf64_Ehdr eh;

		if (pread(c->fd, &eh, sizeof(eh), 0) != sizeof(eh))
			return -1;
		n = eh.e_phnum;
		for (i = 0; i < n; i++) {
			Elf64_Phdr ph;

			if (pread(c->fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
				return -1;
			if (ph.p_type == PT_NOTE)
				find_vmcoreinfo(c, ph.p_offset, ph.p_filesz);
			else if (ph.p_type == PT_LOAD && c->nsegs < 64)
				c->segs[c->nsegs++] = (struct seg){ ph.p_paddr, ph.p_offset, ph.p_filesz };
		}
	} else {
		Elf32_Ehdr eh;

		if (pread(c->fd, &eh, sizeof(eh), 0) != sizeof(eh))
			return -1;
		n = eh.e_phnum;
		for (i = 0; i < n; i++) {
			Elf32_Phdr ph;

			if (pread(c->fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
				return -1;
			if (ph.p_type == PT_NOTE)
				find_vmcoreinfo(c, ph.p_offset, ph.p_filesz);
			else if (ph.p_type == PT_LOAD && c->nsegs < 64)
				c->segs[c->nsegs++] = (struct seg){ ph.p_paddr, ph.p_offset, ph.p_filesz };
		}
	}
	return c->note ? 0 : -1;
}

static bool list;

static void mark(void *ctx, uint64_t pfn, uint64_t count)
{
	uint64_t *total = ctx;

	*total += count;
	if (list)
		printf("free pfn %#" PRIx64 " +%" PRIu64 "\n", pfn, count);
}

int main(int argc, char **argv)
{
	struct core c;
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct freepages_stats st;
	struct oldmem mem = { core_read, &c };
	uint64_t max_pfn = 0, total = 0, present = 0;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s VMCORE [--list]\n", argv[0]);
		return 2;
	}
	list = argc > 2 && strcmp(argv[2], "--list") == 0;
	if (core_open(&c, argv[1])) {
		fprintf(stderr, "%s: not an ELF core with a VMCOREINFO note\n", argv[1]);
		return 3;
	}
	for (i = 0; i < c.nsegs; i++) {
		uint64_t end = (c.segs[i].paddr + c.segs[i].size + 4095) >> 12;

		if (end > max_pfn)
			max_pfn = end;
		present += c.segs[i].size >> 12;
	}
	if (vmcoreinfo_parse(c.note, c.note_len, &vi, &err)) {
		fprintf(stderr, "vmcoreinfo: %s\n", err.msg);
		return 3;
	}
	printf("%s, OSRELEASE=%s, max_pfn %#" PRIx64 ", %" PRIu64 " pages in PT_LOADs\n",
	       c.is64 ? "ELF64" : "ELF32", vmcoreinfo_get(&vi, "OSRELEASE"), max_pfn, present);
	if (freepages_walk_stats(&vi, c.is64, &mem, max_pfn, mark, &total, &st, &err)) {
		printf("walk failed: %s\n", err.msg);
		vmcoreinfo_free(&vi);
		return 1;
	}
	printf("layout %s; buddy test: %s; translation: %s\n", st.layout,
	       st.buddy_style, st.translation);
	printf("%" PRIu64 " free pages of %" PRIu64 " (%" PRIu64 " runs, %" PRIu64
	       " struct pages scanned, %" PRIu64 " sections)\n",
	       total, max_pfn, st.runs, st.pages_scanned, st.sections);
	vmcoreinfo_free(&vi);
	return 0;
}
