/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tool side of the purgatory (see purgatory.h): parse the embedded static
 * PIE into a flat image, relocate it for its load address, fill in the
 * header.
 *
 * purgatory_parse() must survive any bytes (it is fuzzed): every field is
 * read with memcpy from a bounds-checked offset and every sum is checked
 * for overflow before it is used.
 *
 * The RELATIVE relocations are normalised at parse time: each target in
 * the buffer holds its link-time value (the image linked at 0), and their
 * offsets are kept in a small table allocated behind the image in the same
 * block as buf (struct purgatory has no field for it).  Relocating is then
 * "add the distance from the previous load address", so it can be done
 * again for another address.
 */
#include <elf.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcodes.h"
#include "elfhdr.h"
#include "purgatory.h"
#include "sha256.h"
#include "purgatory-ext.h"

#define PURG_PAGE        4096u
#define PURG_MAX_IMAGE   (16u << 20) /* no sane purgatory is larger */
#define PURG_MAX_PHNUM   64u
#define PURG_MAX_ALIGN   (2u << 20)
#define PURG_MAX_RELOCS  65536u
#define PURG_MAX_ADDR    0x100000000ull /* the 32-bit switch needs it below 4 GiB */
#define PURG_TAIL_MAGIC  0x4c494154u

/* Behind the image, at tail_offset(bufsz). */
struct purg_tail {
	uint32_t magic;
	uint32_t elfclass; /* ELFCLASS32 / ELFCLASS64 */
	uint32_t width;    /* bytes patched per relocation: 4 or 8 */
	uint32_t has_ext;  /* struct purgatory_header_ext follows the header */
	uint32_t count;
	uint32_t offsets[];
};

static size_t tail_offset(size_t bufsz)
{
	return (bufsz + 7) & ~(size_t)7;
}

static struct purg_tail *tail_of(const struct purgatory *p)
{
	struct purg_tail *t = (struct purg_tail *)(p->buf + tail_offset(p->bufsz));

	return t->magic == PURG_TAIL_MAGIC ? t : NULL;
}

static uint64_t rd(const unsigned char *b, size_t off, unsigned int width)
{
	uint64_t v = 0;

	if (width == 8) {
		memcpy(&v, b + off, 8);
	} else if (width == 4) {
		uint32_t x;

		memcpy(&x, b + off, 4);
		v = x;
	} else {
		uint16_t x;

		memcpy(&x, b + off, 2);
		v = x;
	}
	return v;
}

static void wr(unsigned char *b, size_t off, unsigned int width, uint64_t v)
{
	if (width == 8) {
		memcpy(b + off, &v, 8);
	} else {
		uint32_t x = (uint32_t)v;

		memcpy(b + off, &x, 4);
	}
}

/* [off, off + size) inside [0, limit)? */
static int in_bounds(uint64_t off, uint64_t size, uint64_t limit)
{
	return off <= limit && size <= limit - off;
}

struct seg {
	uint64_t offset, vaddr, filesz, memsz, align;
};

struct elfinfo {
	int is64;
	unsigned int word;  /* 4 or 8: size of an address */
	uint64_t entry, phoff;
	unsigned int phnum;
	struct seg load[PURG_MAX_PHNUM];
	unsigned int nload;
	int have_dyn;
	struct seg dyn;
};

static int parse_ehdr(const unsigned char *b, size_t len, const char *name,
		      struct elfinfo *ei, struct kj_error *err)
{
	struct elf_hdr h;
	unsigned int want_machine;

	if (elf_hdr_parse(b, len, name, &h, err) < 0)
		return -1;
	if (b[EI_VERSION] != EV_CURRENT)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: unknown ELF version %u", name, b[EI_VERSION]);
	ei->is64 = h.is64;
	ei->word = h.is64 ? 8 : 4;
	ei->entry = h.entry;
	ei->phoff = h.phoff;
	ei->phnum = h.phnum;
	want_machine = h.is64 ? EM_X86_64 : EM_386;
	if (h.machine != want_machine)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: ELF machine %u does not match its class (expected %u)",
			       name, h.machine, want_machine);
	if (h.type != ET_DYN)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: ELF type %u, expected a position-independent image (ET_DYN)",
			       name, h.type);
	if (ei->phnum == 0 || ei->phnum > PURG_MAX_PHNUM)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: bad number of program headers (%u)",
			       name, ei->phnum);
	if (!in_bounds(ei->phoff, (uint64_t)ei->phnum * h.phentsize, len))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: program headers lie outside the file", name);
	return 0;
}

static int parse_phdrs(const unsigned char *b, size_t len, const char *name,
		       struct elfinfo *ei, struct kj_error *err)
{
	unsigned int i;
	uint64_t prev_end = 0;

	ei->nload = 0;
	ei->have_dyn = 0;
	for (i = 0; i < ei->phnum; i++) {
		struct seg s;
		struct elf_phdr ph;
		uint32_t type;

		elf_phdr_get(b + ei->phoff + (size_t)i * (ei->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)),
			     ei->is64, &ph);
		type = ph.type;
		s.offset = ph.offset;
		s.vaddr = ph.vaddr;
		s.filesz = ph.filesz;
		s.memsz = ph.memsz;
		s.align = ph.align;

		switch (type) {
		case PT_LOAD:
			if (s.filesz > s.memsz)
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: segment %u has more file than memory bytes", name, i);
			if (!in_bounds(s.offset, s.filesz, len))
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: segment %u lies outside the file (truncated?)", name, i);
			if (!in_bounds(s.vaddr, s.memsz, PURG_MAX_IMAGE))
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: segment %u at 0x%llx+0x%llx is not within the first %u MiB",
					       name, i, (unsigned long long)s.vaddr,
					       (unsigned long long)s.memsz, PURG_MAX_IMAGE >> 20);
			if (ei->nload == 0 && s.vaddr != 0)
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: the first loadable segment starts at 0x%llx, not 0",
					       name, (unsigned long long)s.vaddr);
			if (ei->nload > 0 && s.vaddr < prev_end)
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: loadable segments overlap or are out of order", name);
			if (s.align > 1 && ((s.align & (s.align - 1)) || s.align > PURG_MAX_ALIGN))
				return kj_fail(err, KJ_EXIT_BADFILE, "%s: segment %u has bad alignment 0x%llx",
					       name, i, (unsigned long long)s.align);
			prev_end = s.vaddr + s.memsz;
			ei->load[ei->nload++] = s;
			break;
		case PT_DYNAMIC:
			if (ei->have_dyn)
				return kj_fail(err, KJ_EXIT_BADFILE, "%s: more than one PT_DYNAMIC", name);
			if (!in_bounds(s.offset, s.filesz, len))
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: dynamic section lies outside the file", name);
			ei->dyn = s;
			ei->have_dyn = 1;
			break;
		case PT_INTERP:
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: has a program interpreter; not a static image", name);
		default:
			break;
		}
	}
	if (ei->nload == 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: no loadable segment", name);
	return 0;
}

struct dyninfo {
	uint64_t rela, relasz, relaent;
	uint64_t rel, relsz, relent;
	uint64_t pltrelsz;
};

static int parse_dynamic(const unsigned char *b, const char *name, const struct elfinfo *ei,
			 struct dyninfo *di, struct kj_error *err)
{
	unsigned int entsz = ei->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	uint64_t n = ei->dyn.filesz / entsz, i;

	memset(di, 0, sizeof(*di));
	for (i = 0; i < n; i++) {
		size_t o = ei->dyn.offset + i * entsz;
		uint64_t tag = rd(b, o, ei->word);
		uint64_t val = rd(b, o + ei->word, ei->word);

		if (!ei->is64 && (tag & 0x80000000u))
			tag |= 0xffffffff00000000ull; /* sign-extend Elf32_Sword */
		switch (tag) {
		case DT_NULL:
			return 0;
		case DT_NEEDED:
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: needs a shared library", name);
		case DT_RELA:     di->rela = val; break;
		case DT_RELASZ:   di->relasz = val; break;
		case DT_RELAENT:  di->relaent = val; break;
		case DT_REL:      di->rel = val; break;
		case DT_RELSZ:    di->relsz = val; break;
		case DT_RELENT:   di->relent = val; break;
		case DT_PLTRELSZ: di->pltrelsz = val; break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * Walk one relocation table at image offset tab (file-backed part of buf),
 * store the link-time value into each target and append its offset to t.
 */
static int load_relocs(unsigned char *buf, size_t bufsz, const char *name,
		       const struct elfinfo *ei, int rela, uint64_t tab, uint64_t size,
		       uint64_t ent, struct purg_tail *t, uint32_t cap, struct kj_error *err)
{
	unsigned int want = ei->is64 ? (rela ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel))
				     : (rela ? sizeof(Elf32_Rela) : sizeof(Elf32_Rel));
	const char *what = rela ? "DT_RELA" : "DT_REL";
	uint64_t i, n;

	if (ent && ent != want)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s entry size %llu, expected %u",
			       name, what, (unsigned long long)ent, want);
	if (size % want)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s table size %llu is not a multiple of %u",
			       name, what, (unsigned long long)size, want);
	if (!in_bounds(tab, size, bufsz))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s table lies outside the image", name, what);
	n = size / want;
	for (i = 0; i < n; i++) {
		size_t o = tab + i * want;
		uint64_t off = rd(buf, o, ei->word);
		uint64_t info = rd(buf, o + ei->word, ei->word);
		uint64_t value;
		unsigned int rtype = ei->is64 ? (unsigned int)ELF64_R_TYPE(info)
					      : (unsigned int)ELF32_R_TYPE(info);

		if (rtype == 0) /* R_X86_64_NONE / R_386_NONE */
			continue;
		if (rtype != (ei->is64 ? R_X86_64_RELATIVE : R_386_RELATIVE))
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: unsupported relocation type %u at 0x%llx (only RELATIVE)",
				       name, rtype, (unsigned long long)off);
		if (!in_bounds(off, ei->word, bufsz))
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: relocation at 0x%llx lies outside the image",
				       name, (unsigned long long)off);
		if (off < PURGATORY_HEADER_SIZE)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: relocation at 0x%llx inside the purgatory header",
				       name, (unsigned long long)off);
		if (t->count >= cap)
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: too many relocations", name);
		if (rela) {
			value = rd(buf, o + 2 * ei->word, ei->word);
		} else {
			value = rd(buf, off, ei->word);
		}
		wr(buf, off, ei->word, value);
		t->offsets[t->count++] = (uint32_t)off;
	}
	return 0;
}

/* What the loadable segments span: the file bytes (bufsz), the memory
 * (memend) and the largest alignment; the first segment must hold the
 * header and the entry point lie in the file bytes. */
static int image_extent(const struct elfinfo *ei, const char *name, uint64_t *bufsz,
			uint64_t *memend, uint64_t *align, struct kj_error *err)
{
	for (unsigned int i = 0; i < ei->nload; i++) {
		const struct seg *s = &ei->load[i];

		if (s->filesz && s->vaddr + s->filesz > *bufsz)
			*bufsz = s->vaddr + s->filesz;
		if (s->vaddr + s->memsz > *memend)
			*memend = s->vaddr + s->memsz;
		if (s->align > *align)
			*align = s->align;
	}
	if (ei->load[0].filesz < PURGATORY_HEADER_SIZE)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: first segment too small for the purgatory header", name);
	if (ei->entry < PURGATORY_HEADER_SIZE || ei->entry >= *bufsz)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: entry point 0x%llx is not inside the image",
			       name, (unsigned long long)ei->entry);
	return 0;
}

/* How many relocations the tables may hold (*nrel_max); no PLT ones, and
 * none larger than the image or the limit. */
static int reloc_capacity(const struct elfinfo *ei, const struct dyninfo *di, uint64_t bufsz,
			  const char *name, uint64_t *nrel_max, struct kj_error *err)
{
	if (di->pltrelsz)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: has PLT relocations", name);
	*nrel_max = 0;
	if (di->relasz)
		*nrel_max += di->relasz / (ei->is64 ? sizeof(Elf64_Rela) : sizeof(Elf32_Rela));
	if (di->relsz)
		*nrel_max += di->relsz / (ei->is64 ? sizeof(Elf64_Rel) : sizeof(Elf32_Rel));
	if (*nrel_max > PURG_MAX_RELOCS || di->relasz > bufsz || di->relsz > bufsz)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: relocation tables are too large", name);
	return 0;
}

/* One block: the image (its segments' file bytes), then the relocation
 * table, its tail filled in; *tp is the tail. */
static int copy_image(const unsigned char *b, const struct elfinfo *ei, uint64_t bufsz,
		      uint64_t nrel_max, const char *name, struct purgatory *p,
		      struct purg_tail **tp, struct kj_error *err)
{
	size_t toff = tail_offset((size_t)bufsz);
	size_t total = toff + sizeof(struct purg_tail) + (size_t)nrel_max * sizeof(uint32_t);
	struct purg_tail *t;

	p->buf = calloc(1, total);
	if (!p->buf)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
	p->bufsz = (size_t)bufsz;
	for (unsigned int i = 0; i < ei->nload; i++) {
		const struct seg *s = &ei->load[i];

		if (s->filesz)
			memcpy(p->buf + s->vaddr, b + s->offset, (size_t)s->filesz);
	}
	t = (struct purg_tail *)(p->buf + toff);
	t->magic = PURG_TAIL_MAGIC;
	t->elfclass = ei->is64 ? ELFCLASS64 : ELFCLASS32;
	t->width = ei->word;
	*tp = t;
	return 0;
}

/* The purgatory header at the start of the image: its magic, ABI version
 * and size; whether our extension follows it (t->has_ext). */
static int check_header(const struct purgatory *p, const struct elfinfo *ei, const char *name,
			struct purg_tail *t, struct kj_error *err)
{
	const struct purgatory_header *hdr = (const struct purgatory_header *)p->buf;

	if (hdr->magic != PURGATORY_MAGIC)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: no purgatory header (magic 0x%08x)", name,
			       hdr->magic);
	if (hdr->abi_version != PURGATORY_ABI_VERSION)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: purgatory ABI version %u, this kexec speaks %u",
			       name, hdr->abi_version, PURGATORY_ABI_VERSION);
	if (hdr->header_size != PURGATORY_HEADER_SIZE)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: purgatory header size %u, expected %u",
			       name, hdr->header_size, PURGATORY_HEADER_SIZE);
	if (ei->load[0].filesz >= sizeof(struct purgatory_kjheader)) {
		const struct purgatory_header_ext *ext =
			&((const struct purgatory_kjheader *)p->buf)->ext;

		t->has_ext = ext->magic == PURGATORY_EXT_MAGIC &&
			     ext->size == sizeof(struct purgatory_header_ext);
	}
	return 0;
}

int purgatory_parse(const void *elf, size_t len, const char *name,
		    struct purgatory *p, struct kj_error *err)
{
	const unsigned char *b = elf;
	struct elfinfo *ei;
	struct dyninfo di;
	struct purg_tail *t = NULL;
	uint64_t bufsz = 0, memend = 0, align = PURG_PAGE, nrel_max = 0;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	if (!name)
		name = "purgatory";
	if (!b)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: no data", name);

	ei = calloc(1, sizeof(*ei));
	if (!ei)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
	if (parse_ehdr(b, len, name, ei, err) < 0 || parse_phdrs(b, len, name, ei, err) < 0 ||
	    image_extent(ei, name, &bufsz, &memend, &align, err) < 0)
		goto out;
	memset(&di, 0, sizeof(di));
	if (ei->have_dyn && parse_dynamic(b, name, ei, &di, err) < 0)
		goto out;
	if (reloc_capacity(ei, &di, bufsz, name, &nrel_max, err) < 0 ||
	    copy_image(b, ei, bufsz, nrel_max, name, p, &t, err) < 0 ||
	    check_header(p, ei, name, t, err) < 0)
		goto out;
	if (di.relasz && load_relocs(p->buf, p->bufsz, name, ei, 1, di.rela, di.relasz,
				     di.relaent, t, (uint32_t)nrel_max, err) < 0)
		goto out;
	if (di.relsz && load_relocs(p->buf, p->bufsz, name, ei, 0, di.rel, di.relsz,
				    di.relent, t, (uint32_t)nrel_max, err) < 0)
		goto out;

	p->hdr = (struct purgatory_header *)p->buf;
	p->memsz = (size_t)((memend + PURG_PAGE - 1) & ~(uint64_t)(PURG_PAGE - 1));
	p->align = align;
	p->max_addr = PURG_MAX_ADDR;
	p->entry_offset = ei->entry;
	p->load_addr = 0;
	ret = 0;
out:
	free(ei);
	if (ret < 0)
		purgatory_close(p);
	return ret;
}

int purgatory_open(enum kj_arch arch, struct purgatory *p, struct kj_error *err)
{
	const unsigned char *start, *end;
	const char *name;
	unsigned int want;
	struct purg_tail *t;

	switch (arch) {
	case KJ_ARCH_X86_64:
		start = kj_purgatory_x86_64;
		end = kj_purgatory_x86_64_end;
		name = "built-in purgatory (x86_64)";
		want = ELFCLASS64;
		break;
	case KJ_ARCH_I386:
		start = kj_purgatory_i386;
		end = kj_purgatory_i386_end;
		name = "built-in purgatory (i386)";
		want = ELFCLASS32;
		break;
	default:
		memset(p, 0, sizeof(*p));
		return kj_fail(err, KJ_EXIT_FAILURE, "no purgatory for architecture %d", (int)arch);
	}
	if (purgatory_parse(start, (size_t)(end - start), name, p, err) < 0)
		return -1;
	t = tail_of(p);
	if (!t || t->elfclass != want) {
		purgatory_close(p);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: wrong ELF class", name);
	}
	return 0;
}

int purgatory_relocate(struct purgatory *p, uint64_t load_addr, struct kj_error *err)
{
	struct purg_tail *t;
	uint64_t delta;
	uint32_t i;

	if (!p->buf || !(t = tail_of(p)))
		return kj_fail(err, KJ_EXIT_FAILURE, "purgatory: relocating an image that is not loaded");
	if (load_addr % (p->align ? p->align : PURG_PAGE))
		return kj_fail(err, KJ_EXIT_FAILURE,
			       "purgatory: load address 0x%llx is not aligned to 0x%llx",
			       (unsigned long long)load_addr, (unsigned long long)p->align);
	if (load_addr > p->max_addr || p->memsz > p->max_addr - load_addr)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "purgatory: 0x%llx+0x%zx does not end below 0x%llx",
			       (unsigned long long)load_addr, p->memsz,
			       (unsigned long long)p->max_addr);

	delta = load_addr - p->load_addr; /* modulo 2^64: works both ways */
	for (i = 0; i < t->count; i++) {
		uint64_t v = rd(p->buf, t->offsets[i], t->width);

		wr(p->buf, t->offsets[i], t->width, v + delta);
	}
	p->load_addr = load_addr;
	return 0;
}

unsigned purgatory_digest_threads(void)
{
	cpu_set_t set;
	long n;

	/* the CPUs this process may run on (taskset, cpusets), else online ones */
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > PURGATORY_DIGEST_THREADS_MAX ? PURGATORY_DIGEST_THREADS_MAX : (unsigned)n;
}

struct digest_pool {
	const struct purgatory_digest *job;
	const size_t *order; /* job indices, largest first */
	size_t n;
	size_t next;         /* next entry of order[] to take (atomic) */
};

static void *digest_worker(void *arg)
{
	struct digest_pool *pool = arg;
	size_t k;

	while ((k = __atomic_fetch_add(&pool->next, 1, __ATOMIC_RELAXED)) < pool->n) {
		const struct purgatory_digest *j = &pool->job[pool->order[k]];

		sha256(j->len ? j->buf : "", j->len, j->out);
	}
	return NULL;
}

void purgatory_digest_all(const struct purgatory_digest *job, size_t n, unsigned threads)
{
	pthread_t tid[PURGATORY_DIGEST_THREADS_MAX];
	size_t order[PURGATORY_MAX_REGIONS * 2];
	struct digest_pool pool = { job, order, 0, 0 };
	unsigned started = 0, want;
	uint64_t total = 0;
	size_t i, k;

	if (n > sizeof(order) / sizeof(order[0])) {
		/* more than any plan has: one by one */
		for (i = 0; i < n; i++)
			sha256(job[i].len ? job[i].buf : "", job[i].len, job[i].out);
		return;
	}
	/* largest first: the longest job starts at once, the small ones fill in */
	for (i = 0; i < n; i++) {
		for (k = i; k > 0 && job[order[k - 1]].len < job[i].len; k--)
			order[k] = order[k - 1];
		order[k] = i;
		total += job[i].len;
	}
	pool.n = n;
	if (!threads)
		threads = 1;
	want = threads > n ? (unsigned)n : threads;
	if (total < PURGATORY_DIGEST_PARALLEL_MIN)
		want = 1; /* a thread costs more than it saves */
	if (want > PURGATORY_DIGEST_THREADS_MAX)
		want = PURGATORY_DIGEST_THREADS_MAX;
	/* this thread is one of them; a thread that cannot start leaves its
	 * share to the others */
	for (; started + 1 < want; started++)
		if (pthread_create(&tid[started], NULL, digest_worker, &pool) != 0)
			break;
	digest_worker(&pool);
	for (k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
}

int purgatory_set_regions(struct purgatory *p, const struct purgatory_input *in,
			  size_t n, unsigned threads, struct kj_error *err)
{
	struct sha256_ctx ctx;
	struct purg_tail *t;
	struct purgatory_header_ext *ext = NULL;
	struct purgatory_digest job[PURGATORY_MAX_REGIONS] = { { NULL, 0, NULL } };
	uint8_t d[PURGATORY_MAX_REGIONS][SHA256_DIGEST_SIZE];
	size_t i, njob = 0;

	if (!p->buf || !p->hdr || !(t = tail_of(p)))
		return kj_fail(err, KJ_EXIT_FAILURE, "purgatory: no image to fill in");
	if (n > PURGATORY_MAX_REGIONS)
		return kj_fail(err, KJ_EXIT_FAILURE, "purgatory: %zu regions to check, at most %u",
			       n, PURGATORY_MAX_REGIONS);
	for (i = 0; i < n; i++) {
		uint64_t lim = t->elfclass == ELFCLASS32 ? PURG_MAX_ADDR : UINT64_MAX;

		if (in[i].bufsz && !in[i].buf)
			return kj_fail(err, KJ_EXIT_FAILURE, "purgatory: region %zu has no data", i);
		if (!in_bounds(in[i].mem, in[i].bufsz, lim))
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "purgatory: region %zu (0x%llx+0x%zx) is out of the purgatory's reach",
				       i, (unsigned long long)in[i].mem, in[i].bufsz);
	}
	if (t->has_ext)
		ext = &((struct purgatory_kjheader *)p->buf)->ext;

	/* Each region is read once, here, where its pages are first touched
	 * (files are mapped, not read): the regions' digests are independent,
	 * so they are computed side by side, one thread per CPU (threads:
	 * the system's CPUs, kj_sysinfo). */
	for (i = 0; i < n; i++) {
		if (in[i].sha256) {
			memcpy(d[i], in[i].sha256, SHA256_DIGEST_SIZE);
			continue;
		}
		job[njob].buf = in[i].buf;
		job[njob].len = in[i].bufsz;
		job[njob].out = d[i];
		njob++;
	}
	purgatory_digest_all(job, njob, threads);

	memset(p->hdr->regions, 0, sizeof(p->hdr->regions));
	if (ext)
		memset(ext->region_sha256, 0, sizeof(ext->region_sha256));
	/* the digest of the regions' digests (purgatory-abi.h) */
	sha256_init(&ctx);
	for (i = 0; i < n; i++) {
		p->hdr->regions[i].start = in[i].mem;
		p->hdr->regions[i].size = in[i].bufsz;
		sha256_update(&ctx, d[i], SHA256_DIGEST_SIZE);
		if (ext)
			memcpy(ext->region_sha256[i], d[i], SHA256_DIGEST_SIZE);
	}
	sha256_final(&ctx, p->hdr->sha256);
	p->hdr->nr_regions = (uint32_t)n;
	return 0;
}

void purgatory_close(struct purgatory *p)
{
	if (!p)
		return;
	free(p->buf);
	memset(p, 0, sizeof(*p));
}
