/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The staging planner (kexec/resume/stage.c) and the resume loader
 * (kexec/arch/x86/resume.c): every plan is carried out on a simulated
 * physical memory, the way the kernel (segments) and the purgatory (copy
 * list) would, and the result compared with what the image says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "image-check.h"
#include "kdump-image.h"
#include "le.h"
#include "purgatory.h"
#include "sha256.h"
#include "stage.h"
#include "x86.h"

#include "copy.h" /* purgatory/ */

/* Where x86's resume stages (resume.c): above the first MiB. */
#define X86_RESUME_PLACE range_from_bounds(0x100000, UINT64_MAX)

#define MiB (1024ull * 1024)
#define SIM_SIZE (64 * MiB) /* simulated RAM: 1 MiB .. 64 MiB */
#define JUNK 0xa5

static uint8_t *sim;

static void map_init(struct memmap *mm, uint64_t top)
{
	memset(mm, 0, sizeof(*mm));
	memmap_add(mm, range_from_bounds(0, 0x9f000), KJ_MEM_RAM);
	memmap_add(mm, range_from_bounds(0xf0000, 0x100000), KJ_MEM_RESERVED);
	memmap_add(mm, range_from_bounds(0x100000, top), KJ_MEM_RAM);
}

/* deterministic bytes for load i */
static uint8_t pat(size_t i, uint64_t off)
{
	return (uint8_t)(i * 37 + off * 11 + (off >> 12) + 1);
}

/* Carry out a plan: the kernel copies the segments (zero-filling memsz),
 * the purgatory the copy list, with its own routine (purgatory/copy.h,
 * forward copies) on the simulated RAM. */
static void sim_run(const struct kj_plan *p, const struct stage_plan *sp)
{
	uint64_t copied = 0, zeroed = 0, want_copied = 0, want_zeroed = 0;

	for (size_t i = 0; i < p->nseg; i++) {
		const struct kj_segment *s = &p->seg[i];

		assert_true(s->mem + s->memsz <= SIM_SIZE);
		memset(sim + s->mem, 0, s->memsz);
		memcpy(sim + s->mem, s->buf, s->bufsz);
	}
	for (size_t i = 0; i < sp->ncopy; i++) {
		const struct purgatory_copy *c = &sp->copy[i];

		assert_true(c->dst < SIM_SIZE && c->len <= SIM_SIZE - c->dst);
		if (c->src == PURGATORY_COPY_ZERO) {
			want_zeroed += c->len;
		} else {
			assert_true(c->src < SIM_SIZE && c->len <= SIM_SIZE - c->src);
			want_copied += c->len;
		}
	}
	purgatory_run_copies(sp->copy, sp->ncopy, (uintptr_t)sim, &copied, &zeroed);
	assert_int_equal(copied, want_copied);
	assert_int_equal(zeroed, want_zeroed);
}

/* Build an image's file: loads get pattern bytes at consecutive offsets
 * (or with gaps between them when gap). */
static uint8_t *make_file(struct stage_load *l, size_t n, uint64_t gap, size_t *size)
{
	uint64_t off = 4096, total;
	uint8_t *f;

	for (size_t i = 0; i < n; i++) {
		l[i].offset = off;
		off += l[i].filesz + gap;
	}
	total = off;
	f = calloc(1, total);
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		for (uint64_t b = 0; b < l[i].filesz; b++)
			f[l[i].offset + b] = pat(i, b);
	*size = total;
	return f;
}

/* Plan, prove, carry out and compare. */
static void plan_and_run(struct stage_load *l, size_t n, const uint8_t *file, struct memmap *mm,
			 size_t *nareas)
{
	struct stage_plan sp;
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	uint8_t *covered = calloc(1, SIM_SIZE);

	assert_non_null(covered);
	plan_init(&p, mm, range_make(0, UINT64_MAX), SIM_SIZE / 4096, (1ull << 46) - 1);
	if (stage_free_ranges(l, n, mm, p.place, UINT64_MAX, "t.elf", &sp, &err) < 0 ||
	    stage_build(l, n, KJ_SEGMENT_MAX - 2, "t.elf", &sp, &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < sp.narea; i++)
		assert_int_equal(plan_add(&p, "staging", file + sp.area[i].offset, sp.area[i].len,
					  sp.area[i].mem, align_up(sp.area[i].len, 4096), &err), 0);
	if (stage_check(&sp, &p, &err) < 0)
		fail_msg("%s", err.msg);
	*nareas = sp.narea;

	memset(sim, JUNK, SIM_SIZE);
	sim_run(&p, &sp);
	for (size_t i = 0; i < n; i++) {
		for (uint64_t b = 0; b < l[i].memsz; b++) {
			uint8_t want = b < l[i].filesz ? pat(i, b) : 0;

			if (sim[l[i].paddr + b] != want)
				fail_msg("load %zu byte 0x%llx: 0x%02x, want 0x%02x", i,
					 (unsigned long long)b, sim[l[i].paddr + b], want);
			covered[l[i].paddr + b] = 1;
		}
	}
	/* memory in a page the image touches but outside its loads is left
	 * alone (no segment lands there) */
	for (size_t i = 0; i < n; i++) {
		uint64_t s = align_down(l[i].paddr, 4096), e = align_up(l[i].paddr + l[i].memsz, 4096);

		for (uint64_t a = s; a < e; a++)
			if (!covered[a] && sim[a] != JUNK)
				fail_msg("byte 0x%llx next to load %zu was written", (unsigned long long)a, i);
	}
	free(covered);
	plan_free(&p);
	stage_free(&sp);
}

/* 300 ranges (a saved image with free pages left out), unaligned edges,
 * zero tails: a handful of segments, and the copy reproduces the image. */
static void many_ranges(void **state)
{
	struct stage_load l[300];
	struct memmap mm;
	uint8_t *file;
	size_t size, nareas;

	(void)state;
	map_init(&mm, SIM_SIZE);
	for (size_t i = 0; i < 300; i++) {
		l[i].paddr = 0x100000 + i * 0x20000 + (i % 3) * 100;
		l[i].filesz = 0x3000 + (i % 5) * 777;
		l[i].memsz = l[i].filesz + (i % 4) * 0x1000 + (i % 2) * 5;
	}
	file = make_file(l, 300, 0, &size);
	plan_and_run(l, 300, file, &mm, &nareas);
	assert_true(nareas >= 1 && nareas <= KJ_SEGMENT_MAX - 2);
	free(file);
	memmap_free(&mm);
}

/* Loads whose bytes do not follow each other in the file need an area
 * each; ranges right against the free memory on both sides. */
static void discontiguous_and_adjacent(void **state)
{
	struct stage_load l[4] = {
		{ 0x100000, 0x1000, 0x1000, 0 },      /* the first RAM page above 1 MiB */
		{ 0x101000, 0x800, 0x1000, 0 },       /* right after it */
		{ 0x200000, 0x1000, 0x1000, 0 },
		{ SIM_SIZE - 0x1000, 0x1000, 0x1000, 0 }, /* the last page of RAM */
	};
	struct memmap mm;
	uint8_t *file;
	size_t size, nareas;

	(void)state;
	map_init(&mm, SIM_SIZE);
	file = make_file(l, 4, 512, &size);
	plan_and_run(l, 4, file, &mm, &nareas);
	assert_int_equal(nareas, 4); /* one per piece of the file */
	free(file);
	memmap_free(&mm);
}

/* An image that covers all RAM, zero pages as p_memsz beyond p_filesz
 * (makedumpfile -E): staged in the pages it only zeroes, wiped last. */
static void staged_in_zeros(void **state)
{
	struct stage_load l[3] = {
		{ 0x100000, 0x100000, SIM_SIZE - 0x100000 - 0x300000 + 0x123, 0 },
		{ SIM_SIZE - 0x200000 + 0x123, 0x1000, 0x1000, 0 },
		{ SIM_SIZE - 0x1f0000, 0x1f0000, 0x1f0000, 0 },
	};
	struct memmap mm;
	uint8_t *file;
	size_t size, nareas;

	(void)state;
	map_init(&mm, SIM_SIZE);
	file = make_file(l, 3, 0, &size);
	plan_and_run(l, 3, file, &mm, &nareas);
	assert_int_equal(nareas, 1);
	free(file);
	memmap_free(&mm);
}

/* No RAM left alone: a clear error with the sizes. */
static void no_room(void **state)
{
	struct stage_load l[2] = {
		{ 0x100000, SIM_SIZE - 0x100000 - 0x2000, SIM_SIZE - 0x100000 - 0x2000, 0 },
		{ SIM_SIZE - 0x2000, 0x1000, 0x1000, 0 },
	};
	struct stage_plan sp;
	struct memmap mm;
	struct kj_error err = { 0, "" };

	(void)state;
	map_init(&mm, SIM_SIZE);
	l[0].offset = 4096;
	l[1].offset = 4096 + l[0].filesz;
	assert_int_equal(stage_free_ranges(l, 2, &mm, X86_RESUME_PLACE, UINT64_MAX,
					   "full.elf", &sp, &err), 0);
	assert_int_equal(stage_build(l, 2, 14, "full.elf", &sp, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_NOROOM);
	assert_non_null(strstr(err.msg, "full.elf: staging needs 63 MiB of RAM the image leaves alone or only zeroes, this machine has 0 MiB"));
	stage_free(&sp);
	memmap_free(&mm);
}

/* Enough RAM left alone, but in more pieces than segments remain. */
static void too_fragmented(void **state)
{
	struct stage_load l[40];
	struct stage_plan sp;
	struct memmap mm;
	struct kj_error err = { 0, "" };
	uint64_t off = 4096;

	(void)state;
	map_init(&mm, 0x100000 + 40 * 0x30000);
	/* 64 KiB loads with 128 KiB free after each: 5 MiB free for 2.5 MiB */
	for (size_t i = 0; i < 40; i++) {
		l[i] = (struct stage_load){ 0x100000 + i * 0x30000, 0x10000, 0x10000, off };
		off += 0x10000;
	}
	assert_int_equal(stage_free_ranges(l, 40, &mm, X86_RESUME_PLACE, UINT64_MAX,
					   "frag.elf", &sp, &err), 0);
	assert_int_equal(sp.nfree, 40);
	assert_int_equal(stage_build(l, 40, 14, "frag.elf", &sp, &err), -1);
	if (!strstr(err.msg, "frag.elf: staging needs 3 MiB in at most 14 pieces of RAM the image leaves alone or only zeroes; the 14 largest hold 1 MiB"))
		fail_msg("%s", err.msg);
	stage_free(&sp);
	memmap_free(&mm);
}

/* Images that do not describe this machine's RAM, or overlap themselves. */
static void bad_images(void **state)
{
	struct stage_load l[2] = { { 0x100000, 0x1000, 0x1000, 4096 }, { 0x100800, 0x1000, 0x1000, 8192 } };
	struct stage_plan sp;
	struct memmap mm;
	struct kj_error err = { 0, "" };

	(void)state;
	map_init(&mm, SIM_SIZE);
	assert_int_equal(stage_free_ranges(l, 2, &mm, X86_RESUME_PLACE, UINT64_MAX, "o.elf",
					   &sp, &err), -1);
	assert_non_null(strstr(err.msg, "o.elf: program headers overlap at 0x100800"));
	l[1].paddr = 0xf0000; /* reserved here */
	assert_int_equal(stage_free_ranges(l, 2, &mm, X86_RESUME_PLACE, UINT64_MAX, "o.elf",
					   &sp, &err), -1);
	assert_non_null(strstr(err.msg, "is not RAM on this machine"));
	memmap_free(&mm);
}

/* The proof refuses a plan where a copy would land on a segment. */
static void proof_catches_overlap(void **state)
{
	struct stage_load l[20];
	struct stage_plan sp;
	struct kj_plan p;
	struct memmap mm;
	struct kj_error err = { 0, "" };
	uint8_t *file;
	size_t size;
	static uint8_t junk[4096];

	(void)state;
	map_init(&mm, SIM_SIZE);
	for (size_t i = 0; i < 20; i++)
		l[i] = (struct stage_load){ 0x1000000 + i * 0x10000, 0x1000, 0x2000, 0 };
	file = make_file(l, 20, 0, &size);
	plan_init(&p, &mm, range_make(0, UINT64_MAX), SIM_SIZE / 4096, (1ull << 46) - 1);
	assert_int_equal(stage_free_ranges(l, 20, &mm, p.place, UINT64_MAX, "t.elf", &sp, &err), 0);
	assert_int_equal(stage_build(l, 20, 14, "t.elf", &sp, &err), 0);
	for (size_t i = 0; i < sp.narea; i++)
		plan_add(&p, "staging", file + sp.area[i].offset, sp.area[i].len, sp.area[i].mem,
			 align_up(sp.area[i].len, 4096), &err);
	assert_int_equal(stage_check(&sp, &p, &err), 0);
	/* a segment (say, the purgatory) placed on a destination */
	plan_add(&p, "purgatory", junk, sizeof(junk), 0x1050000, 4096, &err);
	assert_int_equal(stage_check(&sp, &p, &err), -1);
	assert_non_null(strstr(err.msg, "over segment"));
	p.nseg--;
	/* a copy reading outside the areas */
	sp.copy[0].src = 0x3000000;
	assert_int_equal(stage_check(&sp, &p, &err), -1);
	assert_non_null(strstr(err.msg, "outside the staging areas"));
	plan_free(&p);
	stage_free(&sp);
	free(file);
	memmap_free(&mm);
}

/* ------------------------------------------------ the resume loader */

/* A saved image in kdump's format: ELF64 core, a PT_NOTE with the
 * KEXECJMP image (and optionally memory-map) notes, n PT_LOADs. */
static uint8_t *make_core(const struct stage_load *in, size_t n, uint64_t entry,
			  const struct memmap *mm_note, size_t *size)
{
	size_t phoff = 64, nph = n + 1, hdr = phoff + nph * 56, notesz, off;
	size_t mmdesc = mm_note ? 8 + mm_note->n * 24 : 0;
	uint64_t data = 0;
	uint8_t *f, *note;
	struct sha256_ctx ctx;

	for (size_t i = 0; i < n; i++)
		data += in[i].filesz;
	notesz = 12 + 12 + 72 + (mm_note ? 12 + 12 + mmdesc : 0);
	off = align_up(hdr + notesz, 4096);
	*size = off + data;
	f = calloc(1, *size);
	assert_non_null(f);
	memcpy(f, "\x7f" "ELF", 4);
	f[4] = 2;
	f[5] = 1;
	f[6] = 1;
	put_le16(f + 16, 4);
	put_le16(f + 18, 62);
	put_le32(f + 20, 1);
	put_le64(f + 24, entry);
	put_le64(f + 32, phoff);
	put_le16(f + 52, 64);
	put_le16(f + 54, 56);
	put_le16(f + 56, (uint16_t)nph);
	/* PT_NOTE */
	put_le32(f + phoff, 4);
	put_le64(f + phoff + 8, hdr);
	put_le64(f + phoff + 32, notesz);
	note = f + hdr;
	sha256_init(&ctx);
	for (size_t i = 0; i < n; i++) {
		uint8_t *ph = f + phoff + 56 * (i + 1);

		put_le32(ph, 1);
		put_le64(ph + 8, off);
		put_le64(ph + 24, in[i].paddr);
		put_le64(ph + 32, in[i].filesz);
		put_le64(ph + 40, in[i].memsz);
		for (uint64_t b = 0; b < in[i].filesz; b++)
			f[off + b] = pat(i, b);
		sha256_update(&ctx, f + off, in[i].filesz);
		off += in[i].filesz;
	}
	put_le32(note, 9);
	put_le32(note + 4, 72);
	put_le32(note + 8, KJ_NOTE_IMAGE);
	memcpy(note + 12, "KEXECJMP", 9);
	put_le32(note + 24, 1);
	put_le64(note + 24 + 8, entry);
	put_le64(note + 24 + 16, data);
	sha256_final(&ctx, note + 24 + 40);
	if (mm_note) {
		uint8_t *m = note + 24 + 72;

		put_le32(m, 9);
		put_le32(m + 4, (uint32_t)mmdesc);
		put_le32(m + 8, KJ_NOTE_MEMMAP);
		memcpy(m + 12, "KEXECJMP", 9);
		put_le32(m + 24, 1);
		put_le32(m + 28, (uint32_t)mm_note->n);
		for (size_t i = 0; i < mm_note->n; i++) {
			put_le64(m + 32 + 24 * i, mm_note->e[i].r.start);
			put_le64(m + 32 + 24 * i + 8, mm_note->e[i].r.size);
			put_le32(m + 32 + 24 * i + 16, mm_note->e[i].type);
		}
	}
	return f;
}

/* make_core's image note (made without a memory-map note) becomes a
 * kernel's ("CORE", NT_PRSTATUS): a copy of /proc/vmcore, no digest. */
static void foreign_notes(uint8_t *core)
{
	uint8_t *note = core + le64(core + 64 + 8);

	memcpy(note + 12, "CORE\0\0\0\0", 9);
	put_le32(note + 8, 1);
}

static int resume(uint8_t *core, size_t size, struct memmap *mm, uint64_t ram_bytes,
		  struct kj_plan *p, struct kj_error *err)
{
	struct kj_file k = { .name = "image.elf", .data = core, .size = size, .fd = -1 };
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };

	memset(&o, 0, sizeof(o));
	o.kernel = "image.elf";
	o.elf_args = KJ_ARGS_NONE;
	o.elf_args_given = true;
	memset(&sys, 0, sizeof(sys));
	sys.arch = KJ_ARCH_X86_64;
	sys.mm = *mm;
	sys.ram_pages = ram_bytes / 4096;
	memset(&in, 0, sizeof(in));
	in.o = &o;
	in.sys = &sys;
	in.kernel = &k;
	return x86_build_plan(&in, p, err);
}

/* Carry out a resume plan on JUNK-filled memory from the copy list its
 * purgatory will read (the last segment is the purgatory). */
static void run_resume_plan(const struct kj_plan *p)
{
	const struct purgatory_header *h = p->seg[p->nseg - 1].buf;
	const uint8_t *ctl = NULL;
	uint64_t ctl_mem = 0;
	struct stage_plan sp;

	for (size_t i = 0; i < p->nseg; i++)
		if (!strcmp(p->seg[i].what, "page tables+copy list")) {
			ctl = p->seg[i].buf;
			ctl_mem = p->seg[i].mem;
		}
	assert_non_null(ctl);
	memset(&sp, 0, sizeof(sp));
	sp.ncopy = h->stage_nr;
	sp.copy = calloc(sp.ncopy ? sp.ncopy : 1, sizeof(*sp.copy));
	assert_non_null(sp.copy);
	for (size_t i = 0; i < sp.ncopy; i++) {
		const uint8_t *e = ctl + (h->stage_list - ctl_mem) + 24 * i;

		sp.copy[i] = (struct purgatory_copy){ le64(e), le64(e + 8), le64(e + 16) };
	}
	memset(sim, JUNK, SIM_SIZE);
	sim_run(p, &sp);
	free(sp.copy);
}

/* The whole loader: checks, staging, page tables, entry; then carried out. */
static void resume_image(void **state)
{
	struct stage_load l[100];
	struct memmap mm, other;
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	const struct purgatory_header *h;
	const uint8_t *ctl = NULL;
	uint64_t ctl_mem = 0;
	uint8_t *core;
	size_t size;

	(void)state;
	map_init(&mm, SIM_SIZE);
	for (size_t i = 0; i < 100; i++)
		l[i] = (struct stage_load){ 0x200000 + i * 0x40000, 0x2000 + i, 0x3000, 0 };
	core = make_core(l, 100, 0x200010, &mm, &size);
	if (resume(core, size, &mm, SIM_SIZE, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(p.nseg <= KJ_SEGMENT_MAX);
	h = p.seg[p.nseg - 1].buf;
	assert_int_equal(h->regs64.rip, 0x200010);
	assert_int_equal(h->entry_mode, PURGATORY_ENTRY_64);
	assert_true(h->flags & PURGATORY_FLAG_STAGED);
	for (size_t i = 0; i < p.nseg; i++)
		if (!strcmp(p.seg[i].what, "page tables+copy list")) {
			ctl = p.seg[i].buf;
			ctl_mem = p.seg[i].mem;
		}
	assert_non_null(ctl);
	/* 4-level: PML4 -> PDPT -> PD[0] maps 2 MiB pages 1:1 */
	assert_int_equal(h->page_table, ctl_mem + 4096);
	assert_int_equal(le64(ctl + 4096), (ctl_mem + 8192) | 3);
	assert_int_equal(le64(ctl + 8192), (ctl_mem + 12288) | 3);
	assert_int_equal(le64(ctl + 12288 + 8 * 5), (5 * 0x200000) | 0x83);
	assert_int_equal(le64(ctl), (ctl_mem + 4096) | 3); /* PML5 */
	run_resume_plan(&p);
	for (size_t i = 0; i < 100; i++)
		for (uint64_t b = 0; b < l[i].memsz; b++)
			assert_int_equal(sim[l[i].paddr + b], b < l[i].filesz ? pat(i, b) : 0);
	plan_free(&p);

	/* a damaged byte: refused before anything is loaded */
	core[size - 1] ^= 1;
	assert_int_equal(resume(core, size, &mm, SIM_SIZE, &p, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_non_null(strstr(err.msg, "image.elf: SHA-256 mismatch"));
	plan_free(&p);
	core[size - 1] ^= 1;

	/* another machine's memory map */
	map_init(&other, 32 * MiB);
	assert_int_equal(resume(core, size, &other, SIM_SIZE, &p, &err), -1);
	assert_non_null(strstr(err.msg, "saved on a machine with other RAM: 0x100000-0x4000000 there, 0x100000-0x2000000 here"));
	plan_free(&p);
	memmap_free(&other);

	/* a core without our notes (cp /proc/vmcore, makedumpfile -E): no
	 * digest or map to check, the entry from --entry */
	{
		uint8_t *plain;
		size_t psz;
		struct kj_file k;
		struct kj_options o;
		struct kj_sysinfo sys;
		struct kj_load_input in = { 0 };

		plain = make_core(l, 100, 0, NULL, &psz);
		foreign_notes(plain);
		memset(&o, 0, sizeof(o));
		o.kernel = "vmcore.copy";
		o.elf_args = KJ_ARGS_NONE;
		memset(&sys, 0, sizeof(sys));
		sys.arch = KJ_ARCH_X86_64;
		sys.mm = mm;
		sys.ram_pages = SIM_SIZE / 4096;
		k = (struct kj_file){ .name = "vmcore.copy", .data = plain, .size = psz, .fd = -1 };
		in = (struct kj_load_input){ .o = &o, .sys = &sys, .kernel = &k };
		assert_int_equal(x86_build_plan(&in, &p, &err), -1);
		assert_non_null(strstr(err.msg, "vmcore.copy: the image records no entry: give --entry=ADDR"));
		plan_free(&p);
		o.entry = 0x200100;
		o.entry_given = true;
		if (x86_build_plan(&in, &p, &err) < 0)
			fail_msg("%s", err.msg);
		h = p.seg[p.nseg - 1].buf;
		assert_int_equal(h->regs64.rip, 0x200100);
		plan_free(&p);
		free(plain);
	}

	/* more than half of RAM: the kernel would refuse it */
	assert_int_equal(resume(core, size, &mm, 1 * MiB, &p, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_NOROOM);
	assert_non_null(strstr(err.msg, "kexec_load(2) takes at most half of RAM, 512 KiB here: kdump save --exclude=zero,free,lent (its default)"));
	plan_free(&p);
	free(core);
	memmap_free(&mm);
}

/*
 * A core without our notes that holds more than half of RAM, mostly zero
 * pages (a copy of /proc/vmcore): the zero pages become zero fills, the
 * rest is staged, and the memory comes out as the file says.  All data:
 * still refused, saying so.
 */
static void resume_vmcore_copy(void **state)
{
	struct stage_load l[2] = {
		{ 0x100000, 40 * MiB, 40 * MiB, 0 },     /* over half of 64 MiB */
		{ 0x2a00000, 0x3005, 0x5000, 0 },        /* unaligned end, zero tail */
	};
	struct kj_error err = { 0, "" };
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_file k;
	struct memmap mm;
	struct kj_plan p;
	uint64_t data_off;
	uint8_t *core;
	size_t size;

	(void)state;
	map_init(&mm, SIM_SIZE);
	core = make_core(l, 2, 0, NULL, &size);
	foreign_notes(core); /* no digest */
	data_off = le64(core + 64 + 56 + 8);
	memset(&o, 0, sizeof(o));
	o.kernel = "vmcore.copy";
	o.elf_args = KJ_ARGS_NONE;
	o.entry = 0x100010;
	o.entry_given = true;
	memset(&sys, 0, sizeof(sys));
	sys.arch = KJ_ARCH_X86_64;
	sys.mm = mm;
	sys.ram_pages = SIM_SIZE / 4096;
	k = (struct kj_file){ .name = "vmcore.copy", .data = core, .size = size, .fd = -1 };
	in = (struct kj_load_input){ .o = &o, .sys = &sys, .kernel = &k };

	/* all 40 MiB are data: refused */
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_NOROOM);
	assert_non_null(strstr(err.msg, "vmcore.copy: holds 40 MiB of memory contents besides its zero pages"));
	plan_free(&p);

	/* zero all pages of the first load but every 7th; one of those keeps
	 * a single non-zero byte at its end (a page is data unless wholly zero) */
	for (uint64_t pg = 0; pg < l[0].filesz / 4096; pg++)
		if (pg % 7)
			memset(core + data_off + pg * 4096, 0, pg == 100 ? 4095 : 4096);
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(p.nseg <= KJ_SEGMENT_MAX);
	run_resume_plan(&p);
	for (uint64_t b = 0; b < l[0].memsz; b++)
		if (sim[l[0].paddr + b] != core[data_off + b])
			fail_msg("byte 0x%llx: 0x%02x, want 0x%02x", (unsigned long long)(l[0].paddr + b),
				 sim[l[0].paddr + b], core[data_off + b]);
	for (uint64_t b = 0; b < l[1].memsz; b++)
		assert_int_equal(sim[l[1].paddr + b], b < l[1].filesz ? pat(1, b) : 0);
	plan_free(&p);
	free(core);
	memmap_free(&mm);
}

static int setup(void **state)
{
	(void)state;
	sim = malloc(SIM_SIZE);
	return sim ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(sim);
	return 0;
}

/* Are two plans the same load: segments, their bytes, the entry? */
static bool same_plan(const struct kj_plan *a, const struct kj_plan *b)
{
	if (a->nseg != b->nseg || a->entry != b->entry || a->flags != b->flags)
		return false;
	for (size_t i = 0; i < a->nseg; i++)
		if (a->seg[i].mem != b->seg[i].mem || a->seg[i].memsz != b->seg[i].memsz ||
		    a->seg[i].bufsz != b->seg[i].bufsz ||
		    memcmp(a->seg[i].buf, b->seg[i].buf, a->seg[i].bufsz))
			return false;
	return true;
}

/* kdump info --verify's verdict on these bytes, as a file */
static int verify_bytes(const uint8_t *core, size_t size, struct kj_error *err)
{
	char path[] = "/tmp/kj-flip-XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, core, size), (ssize_t)size);
	close(fd);
	rc = kdump_verify_image(path, err);
	unlink(path);
	return rc;
}

/*
 * Every single-bit flip in what says "this is a kdump image and how to
 * check it": the PT_NOTE's program header (type, offset, size) and each
 * KEXECJMP note's header, name and version.  None may turn the checks
 * off: kexec refuses the image or loads exactly what the intact one
 * loads, and kdump info --verify agrees (a damaged note is the same
 * error for both).
 */
static void damaged_notes_one_verdict(void **state)
{
	struct stage_load l[2] = { { 0x200000, 0x2000, 0x3000, 0 }, { 0x400000, 0x1800, 0x1800, 0 } };
	struct memmap mm;
	struct kj_plan good, p;
	struct kj_error err = { 0, "" }, verr = { 0, "" };
	size_t size, spans[8][2], nspan = 0, tried = 0, refused = 0;
	uint8_t *core;
	uint64_t noteoff;

	(void)state;
	map_init(&mm, SIM_SIZE);
	core = make_core(l, 2, 0x200010, &mm, &size);
	if (resume(core, size, &mm, SIM_SIZE, &good, &err) < 0)
		fail_msg("%s", err.msg);
	if (verify_bytes(core, size, &verr) < 0)
		fail_msg("%s", verr.msg);
	noteoff = le64(core + 64 + 8);
	/* PT_NOTE p_type, p_offset, p_filesz */
	spans[nspan][0] = 64, spans[nspan++][1] = 4;
	spans[nspan][0] = 64 + 8, spans[nspan++][1] = 8;
	spans[nspan][0] = 64 + 32, spans[nspan++][1] = 8;
	/* image note: header, name, version; memory-map note: the same and nr */
	spans[nspan][0] = noteoff, spans[nspan++][1] = 28;
	spans[nspan][0] = noteoff + 24 + 72, spans[nspan++][1] = 32;
	for (size_t s = 0; s < nspan; s++)
		for (size_t byte = spans[s][0]; byte < spans[s][0] + spans[s][1]; byte++)
			for (int bit = 0; bit < 8; bit++) {
				int lrc, vrc;

				core[byte] ^= (uint8_t)(1u << bit);
				err.msg[0] = verr.msg[0] = '\0';
				lrc = resume(core, size, &mm, SIM_SIZE, &p, &err);
				vrc = verify_bytes(core, size, &verr);
				if (lrc == 0 && !same_plan(&p, &good))
					fail_msg("byte %zu bit %d: loaded, but not as the intact image", byte, bit);
				if (vrc == 0 && lrc < 0)
					fail_msg("byte %zu bit %d: verified, but kexec says: %s", byte, bit, err.msg);
				if (lrc < 0 && strstr(err.msg, "the image is damaged") &&
				    (vrc == 0 || !strchr(verr.msg, ':') ||
				     strcmp(strchr(err.msg, ':'), strchr(verr.msg, ':'))))
					fail_msg("byte %zu bit %d: kexec says '%s', kdump info --verify '%s'",
						 byte, bit, err.msg, vrc ? verr.msg : "verified");
				refused += lrc < 0;
				tried++;
				plan_free(&p);
				/* and the checks are still on: damaged data is refused */
				core[size - 1] ^= 0x10;
				if (resume(core, size, &mm, SIM_SIZE, &p, &err) == 0)
					fail_msg("byte %zu bit %d: damaged data loaded: the checks are off", byte, bit);
				plan_free(&p);
				if (verify_bytes(core, size, &verr) == 0)
					fail_msg("byte %zu bit %d: damaged data verified", byte, bit);
				core[size - 1] ^= 0x10;
				core[byte] ^= (uint8_t)(1u << bit);
			}
	/* most flips are refused outright; what loads is the same load */
	assert_true(refused * 10 >= tried * 7);
	plan_free(&good);
	free(core);
	memmap_free(&mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_ranges),
		cmocka_unit_test(discontiguous_and_adjacent),
		cmocka_unit_test(staged_in_zeros),
		cmocka_unit_test(no_room),
		cmocka_unit_test(too_fragmented),
		cmocka_unit_test(bad_images),
		cmocka_unit_test(proof_catches_overlap),
		cmocka_unit_test(resume_image),
		cmocka_unit_test(resume_vmcore_copy),
		cmocka_unit_test(damaged_notes_one_verdict),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
