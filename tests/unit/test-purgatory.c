/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tool side of the purgatory (kexec/purgatory.c) on the embedded
 * images, and the purgatory's own digest check (purgatory/purgatory.c built
 * with -DPURGATORY_HOSTED) on what the tool filled in.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exitcodes.h"
#include "purgatory.h"
#include "sha256.h"
#include "purgatory-ext.h"

struct blob {
	const char *name;
	const unsigned char *start;
	size_t len;
	int is64;
};

static struct blob blobs[2];

static int setup(void **state)
{
	blobs[0].name = "x86_64";
	blobs[0].start = kj_purgatory_x86_64;
	blobs[0].len = (size_t)(kj_purgatory_x86_64_end - kj_purgatory_x86_64);
	blobs[0].is64 = 1;
	blobs[1].name = "i386";
	blobs[1].start = kj_purgatory_i386;
	blobs[1].len = (size_t)(kj_purgatory_i386_end - kj_purgatory_i386);
	blobs[1].is64 = 0;
	return 0;
}

/* ----------------------------------------------------- an independent view */

/* The image's RELATIVE relocations, read straight from the ELF. */
struct rel {
	uint64_t off;
};

static size_t independent_relocs(const struct blob *b, const unsigned char *image,
				 struct rel *out, size_t max)
{
	uint64_t dynoff = 0, dynsz = 0, tab = 0, tabsz = 0;
	size_t n = 0, i, entsz;

	if (b->is64) {
		const Elf64_Ehdr *eh = (const void *)b->start;
		const Elf64_Phdr *ph = (const void *)(b->start + eh->e_phoff);

		for (i = 0; i < eh->e_phnum; i++)
			if (ph[i].p_type == PT_DYNAMIC) {
				dynoff = ph[i].p_offset;
				dynsz = ph[i].p_filesz;
			}
		for (i = 0; i < dynsz / sizeof(Elf64_Dyn); i++) {
			const Elf64_Dyn *d = (const void *)(b->start + dynoff + i * sizeof(Elf64_Dyn));

			if (d->d_tag == DT_RELA)
				tab = d->d_un.d_ptr;
			if (d->d_tag == DT_RELASZ)
				tabsz = d->d_un.d_val;
		}
		entsz = sizeof(Elf64_Rela);
		for (i = 0; i < tabsz / entsz && n < max; i++) {
			Elf64_Rela r;

			memcpy(&r, image + tab + i * entsz, sizeof(r));
			assert_int_equal(ELF64_R_TYPE(r.r_info), R_X86_64_RELATIVE);
			out[n++].off = r.r_offset;
		}
	} else {
		const Elf32_Ehdr *eh = (const void *)b->start;
		const Elf32_Phdr *ph = (const void *)(b->start + eh->e_phoff);

		for (i = 0; i < eh->e_phnum; i++)
			if (ph[i].p_type == PT_DYNAMIC) {
				dynoff = ph[i].p_offset;
				dynsz = ph[i].p_filesz;
			}
		for (i = 0; i < dynsz / sizeof(Elf32_Dyn); i++) {
			const Elf32_Dyn *d = (const void *)(b->start + dynoff + i * sizeof(Elf32_Dyn));

			if (d->d_tag == DT_REL)
				tab = d->d_un.d_ptr;
			if (d->d_tag == DT_RELSZ)
				tabsz = d->d_un.d_val;
		}
		entsz = sizeof(Elf32_Rel);
		for (i = 0; i < tabsz / entsz && n < max; i++) {
			Elf32_Rel r;

			memcpy(&r, image + tab + i * entsz, sizeof(r));
			assert_int_equal(ELF32_R_TYPE(r.r_info), R_386_RELATIVE);
			out[n++].off = r.r_offset;
		}
	}
	return n;
}

static uint64_t word_at(const unsigned char *buf, uint64_t off, int is64)
{
	if (is64) {
		uint64_t v;

		memcpy(&v, buf + off, 8);
		return v;
	} else {
		uint32_t v;

		memcpy(&v, buf + off, 4);
		return v;
	}
}

/* ---------------------------------------------------------------- parsing */

static void check_parsed(const struct purgatory *p)
{
	assert_non_null(p->buf);
	assert_ptr_equal(p->hdr, (void *)p->buf);
	assert_true(p->bufsz >= sizeof(struct purgatory_kjheader));
	assert_true(p->memsz >= p->bufsz);
	assert_int_equal(p->memsz % 4096, 0);
	assert_true(p->align >= 4096);
	assert_int_equal(p->align & (p->align - 1), 0);
	assert_int_equal(p->max_addr, 0x100000000ull);
	assert_true(p->entry_offset >= PURGATORY_HEADER_SIZE);
	assert_true(p->entry_offset < p->bufsz);
	assert_int_equal(p->hdr->magic, PURGATORY_MAGIC);
	assert_int_equal(p->hdr->abi_version, PURGATORY_ABI_VERSION);
	assert_int_equal(p->hdr->header_size, PURGATORY_HEADER_SIZE);
	assert_int_equal(p->hdr->nr_regions, 0);
	/* the stack lives in bss: memsz must be clearly larger than the file part */
	assert_true(p->memsz >= p->bufsz + 16384);
}

static void test_open_both(void **state)
{
	struct purgatory p;
	struct kj_error err = { 0 };

	assert_int_equal(purgatory_open(KJ_ARCH_X86_64, &p, &err), 0);
	check_parsed(&p);
	purgatory_close(&p);
	assert_null(p.buf);

	assert_int_equal(purgatory_open(KJ_ARCH_I386, &p, &err), 0);
	check_parsed(&p);
	purgatory_close(&p);

	assert_int_equal(purgatory_open((enum kj_arch)99, &p, &err), -1);
	assert_true(err.msg[0] != 0);
	purgatory_close(&p); /* harmless on a failed open */
}

static void test_parse_each(void **state)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		struct purgatory p;
		struct kj_error err = { 0 };

		assert_true(blobs[i].len > 0);
		assert_int_equal(purgatory_parse(blobs[i].start, blobs[i].len, blobs[i].name,
						 &p, &err), 0);
		check_parsed(&p);
		purgatory_close(&p);
	}
}

/* ------------------------------------------------------------- relocation */

static void test_relocate(void **state)
{
	const uint64_t A = 0x100000, B = 0x7ff00000;
	size_t i, k;

	for (i = 0; i < 2; i++) {
		const struct blob *b = &blobs[i];
		struct purgatory pa, pb, pc;
		struct kj_error err = { 0 };
		struct rel rels[256];
		size_t nrel, width = b->is64 ? 8 : 4;
		unsigned char *mask;

		assert_int_equal(purgatory_parse(b->start, b->len, b->name, &pa, &err), 0);
		assert_int_equal(purgatory_parse(b->start, b->len, b->name, &pb, &err), 0);
		assert_int_equal(purgatory_parse(b->start, b->len, b->name, &pc, &err), 0);

		/* tool-set header fields must survive relocation */
		pa.hdr->entry_mode = PURGATORY_ENTRY_32;
		pa.hdr->serial_port = 0x3f8;
		pa.hdr->regs32.eip = 0x1234567;
		pa.hdr->regs64.rip = 0x89abcdef01ull;
		assert_int_equal(purgatory_relocate(&pa, A, &err), 0);
		assert_int_equal(purgatory_relocate(&pb, B, &err), 0);
		assert_int_equal(pa.load_addr, A);
		assert_int_equal(pb.load_addr, B);
		assert_int_equal(pa.hdr->magic, PURGATORY_MAGIC);
		assert_int_equal(pa.hdr->abi_version, PURGATORY_ABI_VERSION);
		assert_int_equal(pa.hdr->header_size, PURGATORY_HEADER_SIZE);
		assert_int_equal(pb.hdr->magic, PURGATORY_MAGIC);
		assert_int_equal(pa.hdr->entry_mode, PURGATORY_ENTRY_32);
		assert_int_equal(pa.hdr->serial_port, 0x3f8);
		assert_int_equal(pa.hdr->regs32.eip, 0x1234567);
		assert_int_equal(pa.hdr->regs64.rip, 0x89abcdef01ull);
		pa.hdr->entry_mode = 0;
		pa.hdr->serial_port = 0;
		pa.hdr->regs32.eip = 0;
		pa.hdr->regs64.rip = 0;

		/* each relocated word moved by exactly B - A, nothing else changed */
		nrel = independent_relocs(b, pa.buf, rels, 256);
		assert_true(nrel >= 1); /* the purgatory's self-check pointer */
		mask = calloc(1, pa.bufsz);
		assert_non_null(mask);
		for (k = 0; k < nrel; k++) {
			uint64_t va = word_at(pa.buf, rels[k].off, b->is64);
			uint64_t vb = word_at(pb.buf, rels[k].off, b->is64);
			uint64_t d = vb - va;

			if (!b->is64)
				d &= 0xffffffffu;
			assert_int_equal(d, B - A);
			/* a RELATIVE target is an address inside the image */
			assert_true(va >= A && va < A + pa.memsz);
			memset(mask + rels[k].off, 1, width);
		}
		assert_int_equal(pa.bufsz, pb.bufsz);
		for (k = 0; k < pa.bufsz; k++)
			if (!mask[k] && pa.buf[k] != pb.buf[k])
				fail_msg("%s: byte 0x%zx changed outside a relocation", b->name, k);
		free(mask);

		/* relocating again (A then B) equals relocating once for B */
		assert_int_equal(purgatory_relocate(&pc, A, &err), 0);
		assert_int_equal(purgatory_relocate(&pc, B, &err), 0);
		assert_memory_equal(pc.buf, pb.buf, pb.bufsz);

		/* refused: misaligned, too high, straddling 4 GiB */
		err.msg[0] = 0;
		assert_int_equal(purgatory_relocate(&pc, B + 1, &err), -1);
		assert_true(err.msg[0] != 0);
		assert_int_equal(purgatory_relocate(&pc, 0x100000000ull, &err), -1);
		assert_int_equal(purgatory_relocate(&pc, 0x100000000ull - 4096, &err), -1);
		assert_int_equal(err.exit_code, KJ_EXIT_NOROOM);
		assert_int_equal(purgatory_relocate(&pc, 0x100000000ull - pc.memsz, &err), 0);
		assert_int_equal(pc.load_addr, 0x100000000ull - pc.memsz);

		purgatory_close(&pa);
		purgatory_close(&pb);
		purgatory_close(&pc);
	}
}

/* ----------------------------------------------------------- the regions */

static void test_set_regions(void **state)
{
	static unsigned char seg0[5000], seg1[77], seg2[4096 * 3];
	struct purgatory_input in[3] = {
		{ seg0, sizeof(seg0), 0x1000000, NULL },
		{ seg1, sizeof(seg1), 0x2000000, NULL },
		{ seg2, sizeof(seg2), 0x3000000, NULL },
	};
	struct purgatory_input many[PURGATORY_MAX_REGIONS + 1];
	uint8_t want[32];
	struct sha256_ctx ctx;
	size_t i, k;

	for (k = 0; k < sizeof(seg0); k++)
		seg0[k] = (unsigned char)(k * 13);
	memset(seg1, 0x5a, sizeof(seg1));
	for (k = 0; k < sizeof(seg2); k++)
		seg2[k] = (unsigned char)(k >> 3);
	/* the digest of the regions' digests */
	sha256_init(&ctx);
	for (k = 0; k < 3; k++) {
		uint8_t d[32];

		sha256(in[k].buf, in[k].bufsz, d);
		sha256_update(&ctx, d, 32);
	}
	sha256_final(&ctx, want);

	for (i = 0; i < 2; i++) {
		struct purgatory p;
		struct kj_error err = { 0 };
		const struct purgatory_kjheader *kh;

		assert_int_equal(purgatory_parse(blobs[i].start, blobs[i].len, blobs[i].name, &p, &err), 0);
		assert_int_equal(purgatory_relocate(&p, 0x200000, &err), 0);
		assert_int_equal(purgatory_set_regions(&p, in, 3, 4, &err), 0);
		assert_int_equal(p.hdr->nr_regions, 3);
		assert_memory_equal(p.hdr->sha256, want, 32);
		for (k = 0; k < 3; k++) {
			uint8_t one[32];

			assert_int_equal(p.hdr->regions[k].start, in[k].mem);
			assert_int_equal(p.hdr->regions[k].size, in[k].bufsz);
			kh = (const void *)p.buf;
			sha256(in[k].buf, in[k].bufsz, one);
			assert_memory_equal(kh->ext.region_sha256[k], one, 32);
		}
		for (; k < PURGATORY_MAX_REGIONS; k++)
			assert_int_equal(p.hdr->regions[k].size, 0);

		/* a single region: the digest of its digest */
		assert_int_equal(purgatory_set_regions(&p, &in[1], 1, 4, &err), 0);
		{
			uint8_t d[32];

			sha256(seg1, sizeof(seg1), d);
			sha256(d, 32, want);
		}
		assert_memory_equal(p.hdr->sha256, want, 32);
		assert_int_equal(p.hdr->regions[1].size, 0);

		/* zero regions: sha256 of no digests */
		assert_int_equal(purgatory_set_regions(&p, NULL, 0, 4, &err), 0);
		sha256("", 0, want);
		assert_memory_equal(p.hdr->sha256, want, 32);

		/* too many, wrapping, and (i386 only) beyond 4 GiB */
		for (k = 0; k < PURGATORY_MAX_REGIONS + 1; k++)
			many[k] = in[1];
		assert_int_equal(purgatory_set_regions(&p, many, PURGATORY_MAX_REGIONS, 4, &err), 0);
		assert_int_equal(purgatory_set_regions(&p, many, PURGATORY_MAX_REGIONS + 1, 4, &err), -1);
		many[0].mem = UINT64_MAX - 10;
		assert_int_equal(purgatory_set_regions(&p, many, 1, 4, &err), -1);
		many[0].mem = 0x100000000ull;
		assert_int_equal(purgatory_set_regions(&p, many, 1, 4, &err), blobs[i].is64 ? 0 : -1);

		/* restore a good state for the next round */
		sha256_init(&ctx);
		for (k = 0; k < 3; k++) {
			uint8_t d[32];

			sha256(in[k].buf, in[k].bufsz, d);
			sha256_update(&ctx, d, 32);
		}
		sha256_final(&ctx, want);
		purgatory_close(&p);
	}
}

/* --------------------------------------------------------- hostile input */

/* Digests side by side: the same results on any number of threads, in
 * the caller's order whatever the order they are computed in. */
static void test_digest_all(void **state)
{
	/* over PURGATORY_DIGEST_PARALLEL_MIN in all, so threads do start */
	static const size_t sizes[] = { 5u << 19, 0, 1, 64, 3u << 19, 4096 * 3 + 17, 1u << 20 };
	static const unsigned threads[] = { 0, 1, 2, 3, 8, 9 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	struct purgatory_digest job[N];
	uint8_t want[N][32], got[N][32];
	uint8_t *buf[N];
	size_t i, k;

	(void)state;
	assert_true(purgatory_digest_threads() >= 1);
	assert_true(purgatory_digest_threads() <= PURGATORY_DIGEST_THREADS_MAX);
	for (i = 0; i < N; i++) {
		buf[i] = malloc(sizes[i] ? sizes[i] : 1);
		assert_non_null(buf[i]);
		for (k = 0; k < sizes[i]; k++)
			buf[i][k] = (unsigned char)(k * 31 + i + (k >> 9));
		sha256(buf[i], sizes[i], want[i]);
	}
	for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		memset(got, 0xee, sizeof(got));
		for (i = 0; i < N; i++) {
			job[i].buf = buf[i];
			job[i].len = sizes[i];
			job[i].out = got[i];
		}
		purgatory_digest_all(job, N, threads[t]);
		for (i = 0; i < N; i++)
			assert_memory_equal(got[i], want[i], 32);
		/* under the threshold for threads: the same */
		memset(got, 0xee, sizeof(got));
		purgatory_digest_all(&job[1], 3, threads[t]);
		for (i = 1; i < 4; i++)
			assert_memory_equal(got[i], want[i], 32);
	}
	purgatory_digest_all(job, 0, 4); /* nothing to do */
	for (i = 0; i < N; i++)
		free(buf[i]);
}

static void expect_bad(const unsigned char *img, size_t len, const char *what)
{
	struct purgatory p;
	struct kj_error err = { 0 };

	if (purgatory_parse(img, len, "bad", &p, &err) != -1)
		fail_msg("accepted: %s", what);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_true(strncmp(err.msg, "bad: ", 5) == 0);
	assert_null(strchr(err.msg, '\n'));
	assert_null(p.buf);
}

/* the file offset of the first PT_LOAD: where the header lives */
static size_t first_load_offset(const struct blob *b)
{
	size_t i;

	if (b->is64) {
		const Elf64_Ehdr *eh = (const void *)b->start;
		const Elf64_Phdr *ph = (const void *)(b->start + eh->e_phoff);

		for (i = 0; i < eh->e_phnum; i++)
			if (ph[i].p_type == PT_LOAD)
				return ph[i].p_offset;
	} else {
		const Elf32_Ehdr *eh = (const void *)b->start;
		const Elf32_Phdr *ph = (const void *)(b->start + eh->e_phoff);

		for (i = 0; i < eh->e_phnum; i++)
			if (ph[i].p_type == PT_LOAD)
				return ph[i].p_offset;
	}
	return 0;
}

static void test_corrupt(void **state)
{
	size_t i, k;

	for (i = 0; i < 2; i++) {
		const struct blob *b = &blobs[i];
		unsigned char *img = malloc(b->len);
		size_t hoff = first_load_offset(b);
		struct kj_error err;
		struct purgatory p;

		assert_non_null(img);
		assert_true(hoff > 0);

		/* truncations: exact-size heap copies so overreads would be caught by ASan */
		{
			const size_t cuts[] = { 0, 1, 3, 4, 15, 16, 40, 51, 52, 63, 64, 100,
						hoff, hoff + 100, hoff + PURGATORY_HEADER_SIZE,
						b->len / 2, b->len - 1 };

			for (k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
				unsigned char *t = malloc(cuts[k] ? cuts[k] : 1);

				memcpy(t, b->start, cuts[k]);
				if (cuts[k] < b->len / 2 + 1 || cuts[k] == hoff + PURGATORY_HEADER_SIZE)
					expect_bad(t, cuts[k], "truncated");
				else {
					/* the tail holds section headers; it may or may not matter */
					err.msg[0] = 0;
					if (purgatory_parse(t, cuts[k], "cut", &p, &err) == 0)
						purgatory_close(&p);
				}
				free(t);
			}
		}

#define MUTATE(stmt, what) do { \
		memcpy(img, b->start, b->len); \
		stmt; \
		expect_bad(img, b->len, what); \
	} while (0)

		MUTATE(img[0] = 0, "ELF magic");
		MUTATE(img[EI_CLASS] = 3, "class");
		MUTATE(img[EI_CLASS] = b->is64 ? ELFCLASS32 : ELFCLASS64, "other class");
		MUTATE(img[EI_DATA] = ELFDATA2MSB, "big endian");
		MUTATE(img[18] = 40 /* EM_ARM */, "machine");
		MUTATE(img[18] = b->is64 ? EM_386 : EM_X86_64, "machine of the other class");
		MUTATE(img[16] = ET_EXEC, "ET_EXEC");
		MUTATE(img[hoff] ^= 1, "header magic");
		MUTATE(img[hoff + 4] = PURGATORY_ABI_VERSION + 1, "abi version");
		MUTATE(img[hoff + 8] = 0, "header size");
		if (b->is64) {
			Elf64_Ehdr *eh = (void *)img;

			MUTATE(((Elf64_Ehdr *)img)->e_phoff = b->len, "phoff");
			MUTATE(((Elf64_Ehdr *)img)->e_phoff = UINT64_MAX - 8, "phoff wrap");
			MUTATE(((Elf64_Ehdr *)img)->e_phnum = 0, "phnum 0");
			MUTATE(((Elf64_Ehdr *)img)->e_phnum = 0xffff, "phnum");
			MUTATE(((Elf64_Ehdr *)img)->e_phentsize = 32, "phentsize");
			MUTATE(((Elf64_Ehdr *)img)->e_entry = 0, "entry 0");
			MUTATE(((Elf64_Ehdr *)img)->e_entry = 0x10000000, "entry outside");
			memcpy(img, b->start, b->len);
			{
				Elf64_Phdr *ph = (void *)(img + eh->e_phoff);

				for (k = 0; k < eh->e_phnum && ph[k].p_type != PT_LOAD; k++)
					;
				assert_true(k < eh->e_phnum);
				MUTATE(ph[k].p_offset = b->len, "load offset");
				MUTATE(ph[k].p_offset = UINT64_MAX - 1, "load offset wrap");
				MUTATE(ph[k].p_filesz = b->len, "load filesz");
				MUTATE(ph[k].p_filesz = ph[k].p_memsz + 1, "filesz > memsz");
				MUTATE(ph[k].p_memsz = UINT64_MAX, "memsz huge");
				MUTATE(ph[k].p_vaddr = 0x1000, "vaddr not 0");
				MUTATE(ph[k].p_vaddr = UINT64_MAX - 100, "vaddr wrap");
				MUTATE(ph[k].p_align = 12345, "align");
				MUTATE(ph[k].p_type = PT_NOTE, "no PT_LOAD");
				MUTATE(ph[k].p_type = PT_INTERP, "PT_INTERP");
			}
		} else {
			Elf32_Ehdr *eh = (void *)img;

			MUTATE(((Elf32_Ehdr *)img)->e_phoff = (uint32_t)b->len, "phoff");
			MUTATE(((Elf32_Ehdr *)img)->e_phoff = UINT32_MAX - 8, "phoff wrap");
			MUTATE(((Elf32_Ehdr *)img)->e_phnum = 0, "phnum 0");
			MUTATE(((Elf32_Ehdr *)img)->e_phentsize = 56, "phentsize");
			MUTATE(((Elf32_Ehdr *)img)->e_entry = 0x10000000, "entry outside");
			memcpy(img, b->start, b->len);
			{
				Elf32_Phdr *ph = (void *)(img + eh->e_phoff);

				for (k = 0; k < eh->e_phnum && ph[k].p_type != PT_LOAD; k++)
					;
				assert_true(k < eh->e_phnum);
				MUTATE(ph[k].p_offset = (uint32_t)b->len, "load offset");
				MUTATE(ph[k].p_offset = UINT32_MAX - 1, "load offset wrap");
				MUTATE(ph[k].p_filesz = ph[k].p_memsz + 1, "filesz > memsz");
				MUTATE(ph[k].p_memsz = UINT32_MAX, "memsz huge");
				MUTATE(ph[k].p_vaddr = UINT32_MAX - 100, "vaddr wrap");
			}
		}
#undef MUTATE
		free(img);
	}
}

/* A relocation of another type, found through the dynamic section. */
static void test_bad_reloc_type(void **state)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		const struct blob *b = &blobs[i];
		unsigned char *img = malloc(b->len);
		struct purgatory p;
		struct kj_error err = { 0 };
		size_t hoff = first_load_offset(b), k, n, patched = 0;
		struct rel rels[64];

		assert_non_null(img);
		memcpy(img, b->start, b->len);
		/* the relocation table's file offset = hoff + vaddr (one PT_LOAD at 0) */
		assert_int_equal(purgatory_parse(b->start, b->len, b->name, &p, &err), 0);
		n = independent_relocs(b, p.buf, rels, 64);
		assert_true(n >= 1);
		for (k = 0; k + 8 <= p.bufsz && !patched; k++) {
			/* find the first relocation entry by its r_offset */
			if (b->is64) {
				Elf64_Rela r;

				memcpy(&r, b->start + hoff + k, sizeof(r));
				if (r.r_offset == rels[0].off && ELF64_R_TYPE(r.r_info) == R_X86_64_RELATIVE) {
					r.r_info = ELF64_R_INFO(0, R_X86_64_64);
					memcpy(img + hoff + k, &r, sizeof(r));
					patched = 1;
				}
			} else {
				Elf32_Rel r;

				memcpy(&r, b->start + hoff + k, sizeof(r));
				if (r.r_offset == rels[0].off && ELF32_R_TYPE(r.r_info) == R_386_RELATIVE) {
					r.r_info = ELF32_R_INFO(0, R_386_32);
					memcpy(img + hoff + k, &r, sizeof(r));
					patched = 1;
				}
			}
		}
		purgatory_close(&p);
		assert_true(patched);
		assert_int_equal(purgatory_parse(img, b->len, "bad", &p, &err), -1);
		assert_non_null(strstr(err.msg, "relocation"));
		free(img);
	}
}

/* Flip bytes everywhere: must never crash, and failures must say something. */
static void test_fuzz_flips(void **state)
{
	uint32_t seed = 12345;
	size_t i, round;

	for (i = 0; i < 2; i++) {
		const struct blob *b = &blobs[i];
		unsigned char *img = malloc(b->len);

		assert_non_null(img);
		for (round = 0; round < 20000; round++) {
			struct purgatory p;
			struct kj_error err = { 0 };
			int flips = 1 + (int)(round % 4), f;

			memcpy(img, b->start, b->len);
			for (f = 0; f < flips; f++) {
				size_t pos;

				seed = seed * 1103515245u + 12345u;
				/* favour the headers, where the structure is */
				pos = (round & 1) ? (seed >> 8) % 256 : (seed >> 8) % b->len;
				seed = seed * 1103515245u + 12345u;
				img[pos] = (unsigned char)(seed >> 16);
			}
			if (purgatory_parse(img, b->len, "fuzz", &p, &err) == 0) {
				/* usable: relocating and filling in must work too */
				assert_int_equal(purgatory_relocate(&p, 0x1000000, &err), 0);
				assert_int_equal(purgatory_set_regions(&p, NULL, 0, 4, &err), 0);
				purgatory_close(&p);
			} else {
				assert_true(err.msg[0] != 0);
				assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
			}
		}
		free(img);
	}
}

/* ------------------------------------- the purgatory's check, run hosted */

static char serial[512];
static size_t serial_len;
static uint8_t serial_lcr;

void purgatory_hosted_outb(uint16_t port, uint8_t val)
{
	if (port == 0x3f8 + 3)
		serial_lcr = val;
	if (port == 0x3f8 && !(serial_lcr & 0x80) && serial_len + 1 < sizeof(serial))
		serial[serial_len++] = (char)val;
}

uint8_t purgatory_hosted_inb(uint16_t port)
{
	return port == 0x3f8 + 5 ? 0x20 : 0xff; /* LSR: THR empty */
}

static void serial_reset(void)
{
	memset(serial, 0, sizeof(serial));
	serial_len = 0;
	serial_lcr = 0;
}

static void test_hosted_check(void **state)
{
	unsigned char *segs[3];
	size_t sizes[3] = { 4096, 100, 70000 }, i, k;
	struct purgatory_input in[3];
	char want[200];

	for (k = 0; k < 3; k++) {
		segs[k] = malloc(sizes[k]);
		assert_non_null(segs[k]);
		for (i = 0; i < sizes[k]; i++)
			segs[k][i] = (unsigned char)(i * (k + 3));
		/* in the hosted build a "physical address" is a host pointer */
		in[k].buf = segs[k];
		in[k].bufsz = sizes[k];
		in[k].mem = (uint64_t)(uintptr_t)segs[k];
		in[k].sha256 = NULL;
	}

	for (i = 0; i < 2; i++) {
		struct purgatory p;
		struct kj_error err = { 0 };
		const struct purgatory_kjheader *kh;
		uint32_t bad;

		assert_int_equal(purgatory_parse(blobs[i].start, blobs[i].len, blobs[i].name, &p, &err), 0);
		if (!blobs[i].is64 && sizeof(void *) == 8) {
			/* an i386 purgatory cannot reach 64-bit host pointers */
			purgatory_close(&p);
			continue;
		}
		assert_int_equal(purgatory_relocate(&p, 0x100000, &err), 0);
		assert_int_equal(purgatory_set_regions(&p, in, 3, 4, &err), 0);
		kh = (const void *)p.buf;

		/* good digest, quiet and verbose */
		assert_int_equal(purgatory_verify(p.hdr, &kh->ext, &bad), PURGATORY_VERIFY_OK);
		serial_reset();
		p.hdr->serial_port = 0x3f8;
		assert_int_equal(purgatory_check(p.hdr, &kh->ext), 0);
		assert_string_equal(serial, "");
		p.hdr->flags = PURGATORY_FLAG_VERBOSE;
		serial_reset();
		assert_int_equal(purgatory_check(p.hdr, &kh->ext), 0);
		assert_string_equal(serial, "purgatory: digest ok\r\n");

		/* one bad byte in region 2 */
		segs[2][sizes[2] - 1] ^= 0x40;
		assert_int_equal(purgatory_verify(p.hdr, &kh->ext, &bad), PURGATORY_VERIFY_MISMATCH);
		assert_int_equal(bad, 2);
		serial_reset();
		assert_int_equal(purgatory_check(p.hdr, &kh->ext), -1);
		snprintf(want, sizeof(want), "purgatory: sha256 mismatch in region 2 (0x%llx-0x%llx)\r\n",
			 (unsigned long long)in[2].mem, (unsigned long long)(in[2].mem + sizes[2]));
		assert_string_equal(serial, want);
		/* without the extension the culprit is unknown, but it still refuses */
		assert_int_equal(purgatory_verify(p.hdr, NULL, &bad), PURGATORY_VERIFY_MISMATCH);
		assert_int_equal(bad, 3);
		serial_reset();
		assert_int_equal(purgatory_check(p.hdr, NULL), -1);
		assert_string_equal(serial, "purgatory: sha256 mismatch\r\n");
		segs[2][sizes[2] - 1] ^= 0x40;

		/* region 0 */
		segs[0][0] ^= 1;
		assert_int_equal(purgatory_verify(p.hdr, &kh->ext, &bad), PURGATORY_VERIFY_MISMATCH);
		assert_int_equal(bad, 0);
		segs[0][0] ^= 1;
		assert_int_equal(purgatory_verify(p.hdr, &kh->ext, &bad), PURGATORY_VERIFY_OK);

		/* no serial port: silent, still refuses */
		segs[1][50] ^= 0xff;
		p.hdr->serial_port = 0;
		serial_reset();
		assert_int_equal(purgatory_check(p.hdr, &kh->ext), -1);
		assert_int_equal(serial_len, 0);
		segs[1][50] ^= 0xff;

		/* a corrupted header */
		p.hdr->nr_regions = PURGATORY_MAX_REGIONS + 1;
		assert_int_equal(purgatory_verify(p.hdr, &kh->ext, &bad), PURGATORY_VERIFY_BAD_HEADER);
		purgatory_close(&p);
	}
	for (k = 0; k < 3; k++)
		free(segs[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_both),
		cmocka_unit_test(test_parse_each),
		cmocka_unit_test(test_relocate),
		cmocka_unit_test(test_set_regions),
		cmocka_unit_test(test_digest_all),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_bad_reloc_type),
		cmocka_unit_test(test_fuzz_flips),
		cmocka_unit_test(test_hosted_check),
	};

	return cmocka_run_group_tests_name("purgatory", tests, setup, NULL);
}
