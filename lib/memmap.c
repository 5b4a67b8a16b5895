/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "memmap.h"

#define FIRMWARE_MEMMAP "/sys/firmware/memmap"
#define PROC_IOMEM "/proc/iomem"

static const struct {
	const char *name;
	uint32_t type;
} type_names[] = {
	{ "System RAM", KJ_MEM_RAM },
	{ "Reserved", KJ_MEM_RESERVED },
	{ "reserved", KJ_MEM_RESERVED },
	{ "ACPI Tables", KJ_MEM_ACPI },
	{ "ACPI Non-volatile Storage", KJ_MEM_NVS },
	{ "Unusable memory", KJ_MEM_UNUSABLE },
	{ "Persistent Memory (legacy)", KJ_MEM_PRAM },
	{ "Persistent Memory", KJ_MEM_PMEM },
	{ "Soft Reserved", KJ_MEM_SOFT_RESERVED },
};

uint32_t memmap_type_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(name, type_names[i].name))
			return type_names[i].type;
	return KJ_MEM_RESERVED;
}

const char *memmap_type_name(uint32_t type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "Reserved";
}

int memmap_add(struct memmap *m, struct range r, uint32_t type)
{
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 32;
		struct mem_entry *ne = realloc(m->e, ncap * sizeof(*ne));
		if (!ne)
			return -1;
		m->e = ne;
		m->cap = ncap;
	}
	m->e[m->n].r = r;
	m->e[m->n].type = type;
	m->n++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct mem_entry *x = a, *y = b;
	if (x->r.start != y->r.start)
		return x->r.start < y->r.start ? -1 : 1;
	return 0;
}

void memmap_sort(struct memmap *m)
{
	if (m->n)
		qsort(m->e, m->n, sizeof(m->e[0]), cmp_entry);
}

void memmap_free(struct memmap *m)
{
	free(m->e);
	memset(m, 0, sizeof(*m));
}

uint64_t memmap_ram_top(const struct memmap *m)
{
	uint64_t top = 0;

	memmap_for_each_ram(m, i)
		if (range_end(m->e[i].r) > top)
			top = range_end(m->e[i].r);
	return top;
}

uint64_t memmap_bytes_of_type(const struct memmap *m, uint32_t type)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].type == type)
			sum += m->e[i].r.size;
	return sum;
}

/* Parse a hex number without 0x (iomem) or with (memmap). Returns chars used. */
static int parse_hex(const char *s, uint64_t *out)
{
	const char *p = s;
	uint64_t v = 0;
	int digits = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; isxdigit((unsigned char)*p); p++, digits++) {
		unsigned d = isdigit((unsigned char)*p) ? (unsigned)(*p - '0')
							 : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		if (v >> 60)
			return -1; /* would overflow 64 bits */
		v = (v << 4) | d;
	}
	if (!digits)
		return -1;
	*out = v;
	return (int)(p - s);
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

int iomem_parse(FILE *in, const char *name, struct iomem *out, struct kj_error *err)
{
	char line[512];
	unsigned lineno = 0;

	memset(out, 0, sizeof(*out));
	while (fgets(line, sizeof(line), in)) {
		struct iomem_entry ent;
		uint64_t first, last;
		const char *p = line;
		int k;

		lineno++;
		if (!strchr(line, '\n') && !feof(in))
			goto bad; /* a line longer than any the kernel prints */
		trim(line);
		if (!*line)
			continue;
		memset(&ent, 0, sizeof(ent));
		while (*p == ' ') {
			p++;
			ent.depth++;
		}
		ent.depth /= 2; /* the kernel indents two spaces per level */
		if ((k = parse_hex(p, &first)) < 0)
			goto bad;
		p += k;
		if (*p++ != '-')
			goto bad;
		if ((k = parse_hex(p, &last)) < 0)
			goto bad;
		p += k;
		if (strncmp(p, " : ", 3))
			goto bad;
		p += 3;
		if (last < first)
			goto bad;
		ent.r = range_from_inclusive(first, last);
		snprintf(ent.name, sizeof(ent.name), "%s", p);
		if (out->n == out->cap) {
			size_t ncap = out->cap ? out->cap * 2 : 64;
			struct iomem_entry *ne = realloc(out->e, ncap * sizeof(*ne));
			if (!ne) {
				iomem_free(out);
				return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
			}
			out->e = ne;
			out->cap = ncap;
		}
		out->e[out->n++] = ent;
	}
	if (ferror(in)) {
		iomem_free(out);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: read error", name);
	}
	return 0;
bad:
	iomem_free(out);
	return kj_fail(err, KJ_EXIT_FAILURE, "%s:%u: not a /proc/iomem line", name, lineno);
}

void iomem_free(struct iomem *io)
{
	free(io->e);
	memset(io, 0, sizeof(*io));
}

int memmap_from_iomem(const struct iomem *io, struct memmap *out, struct kj_error *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < io->n; i++) {
		uint32_t type;

		if (io->e[i].depth)
			continue;
		type = memmap_type_from_name(io->e[i].name);
		/* Top-level device windows (PCI Bus, IOAPIC …) are not memory the
		 * firmware described; only the memmap types belong in E820. */
		if (type == KJ_MEM_RESERVED && strcmp(io->e[i].name, "Reserved") &&
		    strcmp(io->e[i].name, "reserved"))
			continue;
		if (memmap_add(out, io->e[i].r, type) < 0) {
			memmap_free(out);
			return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
		}
	}
	memmap_sort(out);
	/* One memory range may be several resources: the kernel registers
	 * each setup_data it was booted with (E820_TYPE_RESERVED_KERN, which
	 * EFI's stub and QEMU's OVMF leave in RAM) as a "System RAM" of its
	 * own, cut at byte addresses.  Adjacent ranges of one kind are one
	 * range, or the pages where they meet would count as no RAM at all. */
	{
		size_t n = 0;

		for (size_t i = 0; i < out->n; i++) {
			if (n && out->e[n - 1].type == out->e[i].type &&
			    range_end(out->e[n - 1].r) == out->e[i].r.start) {
				out->e[n - 1].r.size += out->e[i].r.size;
				continue;
			}
			out->e[n++] = out->e[i];
		}
		out->n = n;
	}
	/* Readers without CAP_SYS_ADMIN see every address as 0. */
	if (memmap_bytes_of_type(out, KJ_MEM_RAM) < 1024 * 1024) {
		memmap_free(out);
		return kj_fail(err, KJ_EXIT_FAILURE,
			       "%s: no System RAM addresses shown (they are hidden from non-root users; run as root)",
			       PROC_IOMEM);
	}
	return 0;
}

static bool only_space(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return !*s;
}

int memmap_parse_firmware_entry(const char *start, const char *end, const char *type,
				struct mem_entry *out)
{
	uint64_t s, e;
	int k;
	char t[64];

	if ((k = parse_hex(start, &s)) < 0 || !only_space(start + k))
		return -1;
	if ((k = parse_hex(end, &e)) < 0 || !only_space(end + k))
		return -1;
	if (e < s)
		return -1;
	snprintf(t, sizeof(t), "%s", type);
	trim(t);
	out->r = range_from_inclusive(s, e);
	out->type = memmap_type_from_name(t);
	return 0;
}

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

int memmap_read_firmware_dir(const char *dir, struct memmap *out, struct kj_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	memset(out, 0, sizeof(*out));
	if (!d)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char path[4096], s[64], e[64], t[64];
		struct mem_entry ent;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s/start", dir, de->d_name);
		if (read_small(path, s, sizeof(s)) < 0)
			goto bad;
		snprintf(path, sizeof(path), "%s/%s/end", dir, de->d_name);
		if (read_small(path, e, sizeof(e)) < 0)
			goto bad;
		snprintf(path, sizeof(path), "%s/%s/type", dir, de->d_name);
		if (read_small(path, t, sizeof(t)) < 0)
			goto bad;
		if (memmap_parse_firmware_entry(s, e, t, &ent) < 0)
			goto bad;
		if (memmap_add(out, ent.r, ent.type) < 0) {
			closedir(d);
			memmap_free(out);
			return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
		}
		continue;
bad:
		/* the message first: de points into d */
		kj_fail(err, KJ_EXIT_FAILURE, "%s/%s: unreadable or malformed entry", dir, de->d_name);
		closedir(d);
		memmap_free(out);
		return -1;
	}
	closedir(d);
	memmap_sort(out);
	if (!memmap_bytes_of_type(out, KJ_MEM_RAM)) {
		memmap_free(out);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: no System RAM listed", dir);
	}
	return 0;
}

int memmap_read_system(struct memmap *out, const char **source, struct kj_error *err)
{
	struct iomem io;
	FILE *f;
	int rc;

	if (memmap_read_firmware_dir(FIRMWARE_MEMMAP, out, NULL) == 0) {
		*source = FIRMWARE_MEMMAP;
		return 0;
	}
	f = fopen(PROC_IOMEM, "re");
	if (!f)
		return kj_fail(err, KJ_EXIT_FAILURE,
			       "cannot read the memory map: neither %s nor %s is readable (%s)",
			       FIRMWARE_MEMMAP, PROC_IOMEM, strerror(errno));
	rc = iomem_parse(f, PROC_IOMEM, &io, err);
	fclose(f);
	if (rc < 0)
		return -1;
	rc = memmap_from_iomem(&io, out, err);
	iomem_free(&io);
	if (rc < 0)
		return -1;
	*source = PROC_IOMEM;
	return 0;
}
