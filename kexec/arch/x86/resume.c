/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resuming a saved image: an ELF core (kdump save's image, a makedumpfile
 * -E image or a plain copy of /proc/vmcore) loaded with --args-none.
 *
 * Semantics, the saver's: each PT_LOAD's file bytes go to its physical
 * address, p_memsz beyond p_filesz becomes zeros, memory no PT_LOAD covers
 * is left alone (it was free in the saved kernel).  The image is entered at
 * the entry kdump recorded (its note, or e_entry; --entry overrides): the
 * saved kernel's jump-back entry in its kexec control page, which expects
 * what relocate_kernel's return path expects: paging as the purgatory runs
 * (identity mapped on x86_64, off on i386), the kernel's segments as they
 * were (same selectors: PURGATORY_FLAG_KEEP_SEGMENTS) and at 0(%rsp) the
 * peer's re-entry point, 0 here (the header's zero entry_stack words).
 *
 * Checks before anything is loaded: the image's SHA-256 (kdump's note,
 * computed in the same pass as the purgatory's digests),
 * that it was saved on a machine with this memory map (the KEXECJMP
 * memory-map note), that its memory is RAM here, and that it fits: the
 * kernel takes at most half of RAM in segments, and the staging areas
 * (stage.h) need RAM the image leaves alone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "exitcodes.h"
#include "kdump-image.h"
#include "le.h"
#include "sha256.h"
#include "stage.h"
#include "x86-load.h"
#define ONE_GIB  0x40000000ull
#define EM_386_    3
#define EM_X86_64_ 62
#define MIB(x) ((x) >> 20)

/* Page-table entry bits */
#define PTE_P  0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull

/* The RAM of a map as sorted, merged ranges (types other than RAM dropped). */
static size_t ram_ranges(const struct mem_entry *e, size_t n, struct range *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (e[i].type != E820_TYPE_RAM || !e[i].r.size)
			continue;
		if (k && range_end(out[k - 1]) == e[i].r.start) {
			out[k - 1].size += e[i].r.size;
			continue;
		}
		if (k == max)
			return max + 1;
		out[k++] = e[i].r;
	}
	return k;
}

/* Does the memory map the image was saved with have this machine's RAM? */
static int check_memmap(const uint8_t *desc, size_t len, const struct memmap *mm, const char *name,
			struct kj_error *err)
{
	uint32_t nr;
	struct mem_entry *saved;
	struct range a[256], b[256];
	size_t na, nb;

	if (len < sizeof(struct kj_note_memmap) || le32(desc) != 1)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: its memory-map note is damaged", name);
	nr = le32(desc + 4);
	if (nr > (len - 8) / sizeof(struct kj_note_memmap_entry))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: its memory-map note is damaged", name);
	saved = calloc(nr ? nr : 1, sizeof(*saved));
	if (!saved)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	for (uint32_t i = 0; i < nr; i++) {
		const uint8_t *p = desc + 8 + (size_t)i * sizeof(struct kj_note_memmap_entry);

		saved[i].r = range_make(le64(p), le64(p + 8));
		saved[i].type = le32(p + 16);
	}
	na = ram_ranges(saved, nr, a, 256);
	nb = ram_ranges(mm->e, mm->n, b, 256);
	free(saved);
	if (na > 256 || nb > 256)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: more than 256 RAM ranges to compare", name);
	for (size_t i = 0; i < na || i < nb; i++) {
		if (i < na && i < nb && a[i].start == b[i].start && a[i].size == b[i].size)
			continue;
		if (i >= nb)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: saved on a machine with other RAM: it had 0x%" PRIx64 "-0x%" PRIx64
				       ", this one has no such RAM (same machine, same memory size?)",
				       name, a[i].start, range_end(a[i]));
		if (i >= na)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: saved on a machine with other RAM: this one has 0x%" PRIx64 "-0x%" PRIx64
				       " which it did not (same machine, same memory size?)",
				       name, b[i].start, range_end(b[i]));
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: saved on a machine with other RAM: 0x%" PRIx64 "-0x%" PRIx64
			       " there, 0x%" PRIx64 "-0x%" PRIx64 " here (same machine, same memory size?)",
			       name, a[i].start, range_end(a[i]), b[i].start, range_end(b[i]));
	}
	return 0;
}

/*
 * One pass over the staging areas (the image's file bytes, in program-
 * header order): each area's SHA-256 for the purgatory, and the digest of
 * them all, which is the image's own (kdump's note), compared before
 * anything is loaded.  With one area the two are the same.  Progress on a
 * terminal: hundreds of MiB take seconds.
 */
static void digest_areas(const struct kj_file *f, const struct stage_plan *sp,
			 struct kj_segment *seg, uint8_t image[SHA256_DIGEST_SIZE],
			 const struct kj_progress *pr)
{
	struct sha256_ctx all, one;
	uint64_t total = 0, done = 0;
	unsigned shown = 101;

	for (size_t a = 0; a < sp->narea; a++)
		total += sp->area[a].len;
	sha256_init(&all);
	for (size_t a = 0; a < sp->narea; a++) {
		const uint8_t *p = f->data + sp->area[a].offset;
		uint64_t left = sp->area[a].len;

		sha256_init(&one);
		while (left) {
			size_t k = left > (8u << 20) ? (8u << 20) : (size_t)left;

			sha256_update(&one, p, k);
			if (sp->narea > 1)
				sha256_update(&all, p, k);
			p += k;
			left -= k;
			done += k;
			if (pr && (unsigned)(done * 100 / total) != shown) {
				shown = (unsigned)(done * 100 / total);
				pr->show(pr->ctx, f->name, shown);
			}
		}
		sha256_final(&one, seg[a].sha256);
		seg[a].has_sha256 = true;
	}
	if (pr && total)
		pr->done(pr->ctx);
	if (sp->narea > 1)
		sha256_final(&all, image);
	else if (sp->narea == 1)
		memcpy(image, seg[0].sha256, SHA256_DIGEST_SIZE);
	else
		sha256_final(&all, image);
}

/*
 * x86_64: identity page tables the purgatory switches to before copying
 * (the kernel's own may lie where the image goes).  2 MiB pages up to
 * `top` (rounded up to 1 GiB): a PML5 page, a PML4 page, a PDPT page and
 * one page directory per GiB, laid out in that order at phys.
 */
static size_t pagetable_size(uint64_t top)
{
	return (size_t)(3 + align_up(top, ONE_GIB) / ONE_GIB) * KJ_PAGE_SIZE;
}

static void pagetable_build(uint8_t *buf, uint64_t phys, uint64_t top)
{
	uint64_t npd = align_up(top, ONE_GIB) / ONE_GIB;
	uint8_t *pml5 = buf, *pml4 = buf + KJ_PAGE_SIZE, *pdpt = buf + 2 * KJ_PAGE_SIZE;

	memset(buf, 0, pagetable_size(top));
	put_le64(pml5, (phys + KJ_PAGE_SIZE) | PTE_P | PTE_RW);
	put_le64(pml4, (phys + 2 * KJ_PAGE_SIZE) | PTE_P | PTE_RW);
	for (uint64_t g = 0; g < npd; g++) {
		uint8_t *pd = buf + (3 + g) * KJ_PAGE_SIZE;

		put_le64(pdpt + 8 * g, (phys + (3 + g) * KJ_PAGE_SIZE) | PTE_P | PTE_RW);
		for (uint64_t j = 0; j < 512; j++)
			put_le64(pd + 8 * j, (g * ONE_GIB + j * 0x200000ull) | PTE_P | PTE_RW | PTE_PS);
	}
}

/* Room for size bytes in RAM the image leaves alone, below hi, not on a
 * segment; the smallest free ranges first (the large ones hold staging). */
static int find_free(const struct kj_plan *plan, const struct stage_plan *sp, uint64_t size,
		     uint64_t align, uint64_t hi, uint64_t *out)
{
	uint64_t floor = 0; /* sizes tried so far are below floor */

	for (;;) {
		uint64_t smallest = UINT64_MAX;

		/* the next size up */
		for (size_t i = 0; i < sp->nfree; i++)
			if (sp->free[i].size >= floor && sp->free[i].size >= size &&
			    sp->free[i].size < smallest)
				smallest = sp->free[i].size;
		if (smallest == UINT64_MAX)
			return -1;
		for (size_t i = 0; i < sp->nfree; i++) {
			struct range r = range_intersect(sp->free[i], range_from_bounds(LOW_1M, hi));

			if (sp->free[i].size != smallest)
				continue;
			if (plan_find_space(plan, space_outside_place(space_top_down(size, align, r)),
					    out) == 0)
				return 0;
		}
		floor = smallest + 1;
	}
}

/*
 * A core without kdump's image note (a copy of /proc/vmcore, a makedumpfile
 * -E image saved without -d 1) holds the saved kernel's zero pages as data,
 * and a copy of /proc/vmcore holds all of its RAM: more than kexec_load(2)'s
 * half.  Whole pages of zeros need no staging: they become zero fills, and
 * the other bytes are gathered, in file order, into one buffer that stands
 * for the file from then on (the new loads' offsets point into it).  Only
 * used when the image would not fit otherwise: it costs a copy of the data.
 * On success *loads and *nl are replaced and out->data is malloc'd.
 */
static int drop_zero_pages(const struct kj_file *f, struct stage_load **loads, size_t *nl,
			   struct kj_file *out, const char *name, struct kj_error *err)
{
	static const uint8_t zero_page[KJ_PAGE_SIZE];
	const struct stage_load *l = *loads;
	struct stage_load *nlds = NULL;
	uint64_t data = 0, off = 0;
	size_t runs = 0, k = 0;
	uint8_t *buf = NULL;

	/* pass 0 counts, pass 1 fills */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < *nl; i++) {
			uint64_t pos = 0;
			int last = -1; /* the kind of the run being built: 0 zeros, 1 data */

			while (pos < l[i].filesz) {
				uint64_t at = l[i].paddr + pos;
				uint64_t len = align_up(at + 1, KJ_PAGE_SIZE) - at;
				const uint8_t *src = f->data + l[i].offset + pos;
				int kind;

				if (len > l[i].filesz - pos)
					len = l[i].filesz - pos;
				/* a whole page of zeros, else data */
				kind = !(len == KJ_PAGE_SIZE && at % KJ_PAGE_SIZE == 0 &&
					 !memcmp(src, zero_page, KJ_PAGE_SIZE));
				if (kind != last) {
					if (pass)
						nlds[k] = (struct stage_load){ at, 0, 0, off };
					k += pass;
					runs += !pass;
					last = kind;
				}
				if (pass) {
					nlds[k - 1].memsz += len;
					if (kind) {
						memcpy(buf + off, src, (size_t)len);
						nlds[k - 1].filesz += len;
						off += len;
					}
				} else if (kind) {
					data += len;
				}
				pos += len;
			}
			/* p_memsz beyond p_filesz: zeros, as before */
			if (l[i].memsz > l[i].filesz) {
				if (pass)
					nlds[k] = (struct stage_load){ l[i].paddr + l[i].filesz, 0,
								       l[i].memsz - l[i].filesz, off };
				k += pass;
				runs += !pass;
			}
		}
		if (!pass) {
			nlds = calloc(runs ? runs : 1, sizeof(*nlds));
			buf = malloc(data ? (size_t)data : 1);
			if (!nlds || !buf || data != (size_t)data) {
				free(nlds);
				free(buf);
				return kj_fail(err, KJ_EXIT_FAILURE,
					       "%s: out of memory gathering %" PRIu64 " MiB of non-zero pages",
					       name, MIB(data));
			}
		}
	}
	free(*loads);
	*loads = nlds;
	*nl = k;
	*out = (struct kj_file){ .name = f->name, .data = buf, .size = (size_t)data, .fd = -1 };
	return 0;
}

int x86_resume_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err)
{
	const struct kj_options *o = in->o;
	const struct kj_file *f = in->kernel;
	const char *name = o->kernel;
	bool is64 = in->sys->arch == KJ_ARCH_X86_64;
	uint64_t limit = plan->dest_limit == UINT64_MAX ? UINT64_MAX : plan->dest_limit + 1;
	uint64_t entry, file_bytes = 0, half, ram_top = 0, ctl_addr, pg_addr, ctl_size, list_off;
	struct stage_load *loads = NULL;
	struct stage_plan sp;
	struct purgatory pg;
	struct core c;
	struct image_notes notes;
	size_t need, nl = 0;
	uint8_t *ctl, want_digest[SHA256_DIGEST_SIZE];
	bool have_digest = false, entry_held = false;
	struct kj_file gathered = { .fd = -1 };
	void *gathered_buf = NULL; /* gathered.data until the plan owns it */
	int rc = -1;

	memset(&sp, 0, sizeof(sp));
	if (core_parse(f->data, f->size, f->size, name, &c, &need, err) < 0)
		return -1;
	if (o->preserve_context) {
		kj_fail(err, KJ_EXIT_USAGE,
			"%s: a resumed kernel does not come back: load it without --load-preserve-context",
			name);
		goto out;
	}
	if (o->nr_initrds || o->command_line || o->reuse_cmdline) {
		kj_fail(err, KJ_EXIT_USAGE, "%s: a saved image takes no initrd or command line", name);
		goto out;
	}
	if (c.machine != (is64 ? EM_X86_64_ : EM_386_)) {
		kj_fail(err, KJ_EXIT_BADFILE, "%s: %s image; this kernel is %s: resume it with the kernel it was saved from",
			name, c.machine == EM_X86_64_ ? "an x86_64" : c.machine == EM_386_ ? "an i386" : "not an x86",
			is64 ? "x86_64" : "i386");
		goto out;
	}

	/* the image's own checks: its digest, and the machine it came from
	 * (the same verdict on its notes as kdump info --verify's) */
	for (size_t i = 0; i < c.nloads; i++)
		file_bytes += c.loads[i].filesz;
	entry = c.entry;
	/* Every kernel's core has notes (VMCOREINFO, the CPUs'); one with
	 * none has lost its PT_NOTE (a damaged program header), and with it
	 * the image's checks. */
	if (!c.nnote_refs) {
		kj_fail(err, KJ_EXIT_BADFILE,
			"%s: an ELF core without notes (no PT_NOTE): not a kernel's saved memory, or a damaged one",
			name);
		goto out;
	}
	if (core_image_notes(&c, f->data, name, &notes, err) < 0)
		goto out;
	if (notes.has_image) {
		if (notes.entry)
			entry = notes.entry;
		if (notes.data_bytes != file_bytes) {
			kj_fail(err, KJ_EXIT_BADFILE,
				"%s: holds %" PRIu64 " bytes of memory, its note says %" PRIu64 ": the file is damaged",
				name, file_bytes, notes.data_bytes);
			goto out;
		}
		memcpy(want_digest, notes.sha256, SHA256_DIGEST_SIZE);
		have_digest = true;
	}
	if (notes.has_memmap &&
	    check_memmap(notes.memmap, notes.memmap_len, &in->sys->mm, name, err) < 0)
		goto out;
	if (o->entry_given)
		entry = o->entry;
	if (!entry) {
		kj_fail(err, KJ_EXIT_USAGE,
			"%s: the image records no entry: give --entry=ADDR (the kexec_jump_back_entry= kernel B had)",
			name);
		goto out;
	}

	loads = calloc(c.nloads ? c.nloads : 1, sizeof(*loads));
	if (!loads) {
		kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c.nloads; i++) {
		if (!c.loads[i].memsz)
			continue;
		loads[nl++] = (struct stage_load){ c.loads[i].paddr, c.loads[i].filesz,
						   c.loads[i].memsz, c.loads[i].offset };
		if (entry >= c.loads[i].paddr && entry < c.loads[i].paddr + c.loads[i].filesz)
			entry_held = true; /* the entry is code the image holds */
	}
	if (!entry_held) {
		kj_fail(err, KJ_EXIT_BADFILE,
			"%s: entry 0x%" PRIx64 " is outside the memory the image holds", name, entry);
		goto out;
	}

	/* The kernel's rule (sanity_check_segment_list): segments may add up
	 * to half of RAM.  The staging areas hold the file bytes; in a
	 * foreign core, whole zero pages may be left out of them. */
	half = in->sys->ram_pages * KJ_PAGE_SIZE / 2;
	if (file_bytes + (4u << 20) > half && !have_digest) {
		if (drop_zero_pages(f, &loads, &nl, &gathered, name, err) < 0)
			goto out;
		gathered_buf = gathered.data;
		f = &gathered;
		file_bytes = gathered.size;
	}
	if (file_bytes + (4u << 20) > half) {
		char has[KJ_SIZE_STR], room[KJ_SIZE_STR];

		kj_fail(err, KJ_EXIT_NOROOM,
			"%s: holds %s of memory contents%s; kexec_load(2) takes at most half of RAM, %s"
			" here: kdump save --exclude=zero,free,lent (its default) leaves zero, free and lent pages out",
			name, kj_size_str(has, file_bytes), f == &gathered ? " besides its zero pages" : "",
			kj_size_str(room, half));
		goto out;
	}

	/*
	 * Staging.  First the room for what must survive every copy and zero
	 * fill, in RAM the image does not touch at all: the page tables and
	 * copy list (sized for the most entries the list can have: a copy per
	 * PT_LOAD and per area boundary, a zero fill per PT_LOAD) and the
	 * purgatory.  Then the staging areas, in what is left and in the
	 * pages the image only zeroes.
	 */
	if (stage_free_ranges(loads, nl, &in->sys->mm, plan->place, limit, name, &sp, err) < 0)
		goto out;
	for (size_t i = 0; i < in->sys->mm.n; i++)
		if (in->sys->mm.e[i].type == E820_TYPE_RAM && range_end(in->sys->mm.e[i].r) > ram_top)
			ram_top = range_end(in->sys->mm.e[i].r);
	if (ram_top > limit)
		ram_top = limit;
	if (is64 && ram_top > 512 * ONE_GIB) {
		kj_fail(err, KJ_EXIT_NOROOM, "%s: RAM above 512 GiB is not supported for staging", name);
		goto out;
	}
	list_off = is64 ? pagetable_size(ram_top) : 0;
	ctl_size = list_off + (2 * nl + KJ_SEGMENT_MAX) * sizeof(struct purgatory_copy);
	if (find_free(plan, &sp, ctl_size, KJ_PAGE_SIZE, FOUR_GIB, &ctl_addr) < 0 ||
	    stage_reserve(&sp, range_make(ctl_addr, align_up(ctl_size, KJ_PAGE_SIZE))) < 0) {
		kj_fail(err, KJ_EXIT_NOROOM,
			"%s: no room below 4 GiB for the copy list (%" PRIu64 " KiB) in RAM the image leaves alone",
			name, ctl_size >> 10);
		goto out;
	}
	if (x86_purgatory_open(in, plan, &pg, err) < 0)
		goto out;
	if (find_free(plan, &sp, pg.memsz, pg.align, x86_purgatory_limit(&pg), &pg_addr) < 0 ||
	    stage_reserve(&sp, range_make(pg_addr, align_up(pg.memsz, KJ_PAGE_SIZE))) < 0) {
		kj_fail(err, KJ_EXIT_NOROOM,
			"%s: no room below 4 GiB for the purgatory in RAM the image leaves alone", name);
		goto out;
	}
	if (stage_build(loads, nl, KJ_SEGMENT_MAX - 2, name, &sp, err) < 0)
		goto out;
	if (gathered_buf) { /* the staging segments point into it */
		void *buf = gathered_buf;

		gathered_buf = NULL; /* plan_own frees it even when it fails */
		if (plan_own(plan, buf, err) < 0)
			goto out;
	}
	for (size_t i = 0; i < sp.narea; i++)
		if (plan_add(plan, "staging", f->data + sp.area[i].offset, (size_t)sp.area[i].len,
			     sp.area[i].mem, align_up(sp.area[i].len, KJ_PAGE_SIZE), err) < 0)
			goto out;
	if (!o->no_checks) {
		uint8_t digest[SHA256_DIGEST_SIZE];

		/* the staging areas are the first segments */
		digest_areas(f, &sp, plan->seg, digest, in->progress);
		if (have_digest && memcmp(digest, want_digest, SHA256_DIGEST_SIZE)) {
			kj_fail(err, KJ_EXIT_BADFILE,
				"%s: SHA-256 mismatch: the saved memory is damaged; resuming it would crash the kernel",
				name);
			goto out;
		}
	}

	if (sp.ncopy > 2 * nl + KJ_SEGMENT_MAX) {
		kj_fail(err, KJ_EXIT_FAILURE, "%s: internal error: %zu list entries", name, sp.ncopy);
		goto out;
	}
	ctl_size = list_off + sp.ncopy * sizeof(struct purgatory_copy);
	ctl = calloc(1, align_up(ctl_size, KJ_PAGE_SIZE));
	if (!ctl || plan_own(plan, ctl, err) < 0) {
		if (!ctl)
			kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
		goto out;
	}
	if (is64)
		pagetable_build(ctl, ctl_addr, ram_top);
	for (size_t i = 0; i < sp.ncopy; i++) {
		uint8_t *e = ctl + list_off + i * sizeof(struct purgatory_copy);

		put_le64(e, sp.copy[i].dst);
		put_le64(e + 8, sp.copy[i].src);
		put_le64(e + 16, sp.copy[i].len);
	}
	if (plan_add(plan, is64 ? "page tables+copy list" : "copy list", ctl, (size_t)ctl_size,
		     ctl_addr, align_up(ctl_size, KJ_PAGE_SIZE), err) < 0)
		goto out;

	if (x86_purgatory_relocate(in, &pg, pg_addr, err) < 0)
		goto out;
	pg.hdr->flags |= PURGATORY_FLAG_STAGED | PURGATORY_FLAG_KEEP_SEGMENTS;
	pg.hdr->stage_list = ctl_addr + list_off;
	pg.hdr->stage_nr = sp.ncopy;
	if (is64) {
		pg.hdr->page_table = ctl_addr + KJ_PAGE_SIZE;
		pg.hdr->page_table_la57 = ctl_addr;
	}
	{
		/* the entry stack: the zero words of the header */
		uint64_t sp_addr = pg_addr + (uint64_t)((uint8_t *)&pg.hdr->entry_stack[2] - pg.buf);

		if (is64) {
			pg.hdr->entry_mode = PURGATORY_ENTRY_64;
			pg.hdr->regs64.rip = entry;
			pg.hdr->regs64.rsp = sp_addr;
		} else {
			pg.hdr->entry_mode = PURGATORY_ENTRY_32;
			pg.hdr->regs32.eip = (uint32_t)entry;
			pg.hdr->regs32.esp = (uint32_t)sp_addr;
		}
	}
	if (x86_add_purgatory(plan, &pg, pg_addr, err) < 0)
		goto out;
	if (stage_check(&sp, plan, err) < 0)
		goto out;
	snprintf(plan->summary, sizeof(plan->summary),
		 "staging: %zu memory ranges in %zu segments; the purgatory copies %" PRIu64
		 " KiB and zeroes %" PRIu64 " KiB (%zu list entries); entry 0x%" PRIx64,
		 nl, sp.narea, sp.copy_bytes >> 10, sp.zero_bytes >> 10, sp.ncopy, entry);
	rc = x86_finish(in, plan, &pg, err);
out:
	free(gathered_buf);
	free(loads);
	stage_free(&sp);
	core_free(&c);
	return rc;
}
