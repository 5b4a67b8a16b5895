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
#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "exitcodes.h"
#include "fsstate.h"
#include "image-notes.h"
#include "kdump-image.h"
#include "le.h"
#include "sha256.h"
#include "stage.h"
#include "x86-load.h"
#define ONE_GIB  0x40000000ull
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
		if (e[i].type != KJ_MEM_RAM || !e[i].r.size)
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

/* One resume plan in the making: what x86_resume_plan's steps share. */
struct resume {
	const struct kj_load_input *in;
	const char *name;
	const struct kj_file *f;   /* the image's bytes, or `gathered` */
	bool is64;
	struct core c;
	uint64_t entry, file_bytes;
	uint8_t want_digest[SHA256_DIGEST_SIZE];
	bool have_digest;
	struct stage_load *loads;  /* the PT_LOADs with memory, for stage.c */
	size_t nl;
	struct kj_file gathered;   /* a foreign core's non-zero pages */
	void *gathered_buf;        /* gathered.data until the plan owns it */
	struct stage_plan sp;
	uint64_t ram_top, list_off, ctl_addr, ctl_size, pg_addr;
	struct purgatory pg;
	uint64_t mark_off;         /* the resume note's descriptor in the file */
	uint8_t mark[32];          /* what it becomes once the kernel holds the image */
};

/* The file is an ELF core of this machine. */
static int resume_open(struct resume *r, struct kj_error *err)
{
	size_t need;

	if (core_parse(r->f->data, r->f->size, r->f->size, r->name, &r->c, &need, err) < 0)
		return -1;
	if (r->c.machine != (r->is64 ? EM_X86_64 : EM_386))
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: %s image; this kernel is %s: resume it with the kernel it was saved from",
			       r->name,
			       r->c.machine == EM_X86_64 ? "an x86_64" :
			       r->c.machine == EM_386 ? "an i386" : "not an x86",
			       r->is64 ? "x86_64" : "i386");
	return 0;
}

/* A refusal, or with --force-resume a warning and on. */
static int refuse(const struct resume *r, struct kj_plan *plan, struct kj_error *err,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int refuse(const struct resume *r, struct kj_plan *plan, struct kj_error *err,
		  const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->in->o->force_resume) {
		plan_warn(plan, "%.270s (--force-resume: loading anyway)", msg);
		return 0;
	}
	return kj_fail(err, KJ_EXIT_FAILURE, "%s", msg);
}

/*
 * Resumed before?  The loader marks the image when the kernel holds it
 * (the plan's mark, written by kexec.c): a second load is refused, since
 * A ran from the first one and its disks have moved on with it.
 */
static int check_resumed(struct resume *r, const struct image_notes *n, struct kj_plan *plan,
			 struct kj_error *err)
{
	const struct kj_sysinfo *sys = r->in->sys;

	if (!n->has_resume) {
		if (n->has_image)
			plan_warn(plan, "%s has no resume note (saved by an older kdump): it cannot be marked resumed; do not resume it twice",
				  r->name);
		return 0;
	}
	if (n->resume_flags & KJ_RESUME_LOADED) {
		char when[64];
		time_t t = (time_t)n->resume_loaded_at;
		struct tm tm;

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		else
			snprintf(when, sizeof(when), "%" PRIu64, n->resume_loaded_at);
		if (refuse(r, plan, err,
			   "%s: already resumed at %s (loaded then for its resume): A ran on from it and its disks moved on; an image is resumed once",
			   r->name, when) < 0)
			return -1;
	}
	/* the mark: at the note's descriptor, in the file */
	r->mark_off = (uint64_t)(n->resume - r->f->data);
	memset(r->mark, 0, sizeof(r->mark));
	put_le32(r->mark, 1);
	put_le32(r->mark + 4, KJ_RESUME_LOADED);
	put_le64(r->mark + 8, (uint64_t)sys->now);
	memcpy(r->mark + 16, sys->boot_id, 16);
	return 0;
}

/*
 * The disks kernel B recorded as A's (in use, or btrfs): each must be on
 * this machine and unchanged since.  One mounted read-write, written or
 * repaired since the save holds what A's memory does not know: resuming
 * A would have it write its stale view over them.  One missing leaves A
 * without its disk.
 */
static int check_disks(struct resume *r, const struct image_notes *n, struct kj_plan *plan,
		       struct kj_error *err)
{
	const struct kj_sysinfo *sys = r->in->sys;

	if (!n->has_disks || !n->disks_nr)
		return 0;
	if (!sys->disks_read)
		return refuse(r, plan, err,
			      "%s: names %u file system%s of A's, and this machine's disks cannot be read to check them (%s)",
			      r->name, n->disks_nr, n->disks_nr == 1 ? "" : "s", sys->disks_why);
	for (uint32_t i = 0; i < n->disks_nr; i++) {
		const struct fs_found *now;
		struct fs_state then;
		char u[FS_UUID_STR], why[160], dev[32];

		image_notes_disk(n, i, &then, dev);
		fs_uuid_str(then.uuid, u);
		now = fs_list_find(&sys->disks, then.type, then.uuid);
		if (!now) {
			if (refuse(r, plan, err,
				   "%s: A's %s file system %s (%s in kernel B) is not on this machine: resuming A without its disk",
				   r->name, fs_family_name(then.type), u, dev) < 0)
				return -1;
			continue;
		}
		if (fs_moved_on(&then, &now->st, why, sizeof(why)) &&
		    refuse(r, plan, err,
			   "%s: A's %s file system %s on %s has moved on since the image was saved (%s): resuming would write A's stale view over it",
			   r->name, now->st.type_name, u, now->dev, why) < 0)
			return -1;
	}
	return 0;
}

/* The image's own checks: its digest, and the machine it came from (the
 * same verdict on its notes as kdump info --verify's); its entry. */
static int resume_checks(struct resume *r, struct kj_plan *plan, struct kj_error *err)
{
	const struct kj_options *o = r->in->o;
	struct image_notes notes;

	for (size_t i = 0; i < r->c.nloads; i++)
		r->file_bytes += r->c.loads[i].filesz;
	r->entry = r->c.entry;
	/* Every kernel's core has notes (VMCOREINFO, the CPUs'); one with
	 * none has lost its PT_NOTE (a damaged program header), and with it
	 * the image's checks. */
	if (!r->c.nnote_refs)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: an ELF core without notes (no PT_NOTE): not a kernel's saved memory, or a damaged one",
			       r->name);
	if (core_image_notes(&r->c, r->f->data, r->name, &notes, err) < 0)
		return -1;
	if (notes.has_image) {
		if (notes.entry)
			r->entry = notes.entry;
		if (notes.data_bytes != r->file_bytes)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: holds %" PRIu64 " bytes of memory, its note says %" PRIu64 ": the file is damaged",
				       r->name, r->file_bytes, notes.data_bytes);
		memcpy(r->want_digest, notes.sha256, SHA256_DIGEST_SIZE);
		r->have_digest = true;
	}
	if (notes.has_memmap &&
	    check_memmap(notes.memmap, notes.memmap_len, &r->in->sys->mm, r->name, err) < 0)
		return -1;
	if (check_resumed(r, &notes, plan, err) < 0 || check_disks(r, &notes, plan, err) < 0)
		return -1;
	if (o->entry_given)
		r->entry = o->entry;
	if (!r->entry)
		return kj_fail(err, KJ_EXIT_USAGE,
			       "%s: the image records no entry: give --entry=ADDR (the kexec_jump_back_entry= kernel B had)",
			       r->name);
	return 0;
}

/* The PT_LOADs with memory, for stage.c; the entry must be in their bytes. */
static int resume_loads(struct resume *r, struct kj_error *err)
{
	bool entry_held = false;

	r->loads = calloc(r->c.nloads ? r->c.nloads : 1, sizeof(*r->loads));
	if (!r->loads)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < r->c.nloads; i++) {
		const struct core_load *l = &r->c.loads[i];

		if (!l->memsz)
			continue;
		r->loads[r->nl++] = (struct stage_load){ l->paddr, l->filesz, l->memsz, l->offset };
		if (r->entry >= l->paddr && r->entry < l->paddr + l->filesz)
			entry_held = true; /* the entry is code the image holds */
	}
	if (!entry_held)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: entry 0x%" PRIx64 " is outside the memory the image holds", r->name,
			       r->entry);
	return 0;
}

/* The kernel's rule (sanity_check_segment_list): segments may add up to
 * half of RAM.  The staging areas hold the file bytes; in a foreign core,
 * whole zero pages may be left out of them. */
static int resume_fit(struct resume *r, struct kj_error *err)
{
	uint64_t half = r->in->sys->ram_pages * KJ_PAGE_SIZE / 2;
	char has[KJ_SIZE_STR], room[KJ_SIZE_STR];

	if (r->file_bytes + (4u << 20) > half && !r->have_digest) {
		if (drop_zero_pages(r->f, &r->loads, &r->nl, &r->gathered, r->name, err) < 0)
			return -1;
		r->gathered_buf = r->gathered.data;
		r->f = &r->gathered;
		r->file_bytes = r->gathered.size;
	}
	if (r->file_bytes + (4u << 20) <= half)
		return 0;
	return kj_fail(err, KJ_EXIT_NOROOM,
		       "%s: holds %s of memory contents%s; kexec_load(2) takes at most half of RAM, %s"
		       " here: kdump save --exclude=zero,free,lent (its default) leaves zero, free and lent pages out",
		       r->name, kj_size_str(has, r->file_bytes),
		       r->f == &r->gathered ? " besides its zero pages" : "", kj_size_str(room, half));
}

/*
 * Staging.  First the room for what must survive every copy and zero
 * fill, in RAM the image does not touch at all: the page tables and copy
 * list (sized for the most entries the list can have: a copy per PT_LOAD
 * and per area boundary, a zero fill per PT_LOAD) and the purgatory.
 */
static int resume_reserve(struct resume *r, struct kj_plan *plan, struct kj_error *err)
{
	const struct memmap *mm = &r->in->sys->mm;
	uint64_t limit = plan->dest_limit == UINT64_MAX ? UINT64_MAX : plan->dest_limit + 1;

	/* staging stays out of the first MiB (real-mode memory, the BIOS) */
	struct range place = range_intersect(plan->place, range_from_bounds(LOW_1M, UINT64_MAX));

	if (stage_free_ranges(r->loads, r->nl, mm, place, limit, r->name, &r->sp, err) < 0)
		return -1;
	r->ram_top = memmap_ram_top(mm);
	if (r->ram_top > limit)
		r->ram_top = limit;
	if (r->is64 && r->ram_top > 512 * ONE_GIB)
		return kj_fail(err, KJ_EXIT_NOROOM, "%s: RAM above 512 GiB is not supported for staging",
			       r->name);
	r->list_off = r->is64 ? pagetable_size(r->ram_top) : 0;
	r->ctl_size = r->list_off + (2 * r->nl + KJ_SEGMENT_MAX) * sizeof(struct purgatory_copy);
	if (find_free(plan, &r->sp, r->ctl_size, KJ_PAGE_SIZE, FOUR_GIB, &r->ctl_addr) < 0 ||
	    stage_reserve(&r->sp, range_make(r->ctl_addr, align_up(r->ctl_size, KJ_PAGE_SIZE))) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "%s: no room below 4 GiB for the copy list (%" PRIu64 " KiB) in RAM the image leaves alone",
			       r->name, r->ctl_size >> 10);
	if (x86_purgatory_open(r->in, plan, &r->pg, err) < 0)
		return -1;
	if (find_free(plan, &r->sp, r->pg.memsz, r->pg.align, x86_purgatory_limit(&r->pg),
		      &r->pg_addr) < 0 ||
	    stage_reserve(&r->sp, range_make(r->pg_addr, align_up(r->pg.memsz, KJ_PAGE_SIZE))) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "%s: no room below 4 GiB for the purgatory in RAM the image leaves alone",
			       r->name);
	return 0;
}

/* Then the staging areas, in what is left and in the pages the image only
 * zeroes: the first segments; their digest checked against the image's. */
static int resume_stage(struct resume *r, struct kj_plan *plan, struct kj_error *err)
{
	const struct stage_plan *sp = &r->sp;
	uint8_t digest[SHA256_DIGEST_SIZE];

	if (stage_build(r->loads, r->nl, KJ_SEGMENT_MAX - 2, r->name, &r->sp, err) < 0)
		return -1;
	if (r->gathered_buf) { /* the staging segments point into it */
		void *buf = r->gathered_buf;

		r->gathered_buf = NULL; /* plan_own frees it even when it fails */
		if (plan_own(plan, buf, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < sp->narea; i++)
		if (plan_add(plan, "staging", r->f->data + sp->area[i].offset, (size_t)sp->area[i].len,
			     sp->area[i].mem, align_up(sp->area[i].len, KJ_PAGE_SIZE), err) < 0)
			return -1;
	if (r->in->o->no_checks)
		return 0;
	digest_areas(r->f, sp, plan->seg, digest, r->in->progress);
	if (r->have_digest && memcmp(digest, r->want_digest, SHA256_DIGEST_SIZE))
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: SHA-256 mismatch: the saved memory is damaged; resuming it would crash the kernel",
			       r->name);
	return 0;
}

/* The page tables (x86_64) and the copy list the purgatory follows. */
static int resume_copy_list(struct resume *r, struct kj_plan *plan, struct kj_error *err)
{
	const struct stage_plan *sp = &r->sp;
	uint8_t *ctl;

	if (sp->ncopy > 2 * r->nl + KJ_SEGMENT_MAX)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: internal error: %zu list entries", r->name,
			       sp->ncopy);
	r->ctl_size = r->list_off + sp->ncopy * sizeof(struct purgatory_copy);
	ctl = plan_alloc(plan, align_up(r->ctl_size, KJ_PAGE_SIZE), "the copy list", err);
	if (!ctl)
		return -1;
	if (r->is64)
		pagetable_build(ctl, r->ctl_addr, r->ram_top);
	for (size_t i = 0; i < sp->ncopy; i++) {
		uint8_t *e = ctl + r->list_off + i * sizeof(struct purgatory_copy);

		put_le64(e, sp->copy[i].dst);
		put_le64(e + 8, sp->copy[i].src);
		put_le64(e + 16, sp->copy[i].len);
	}
	return plan_add(plan, r->is64 ? "page tables+copy list" : "copy list", ctl,
			(size_t)r->ctl_size, r->ctl_addr, align_up(r->ctl_size, KJ_PAGE_SIZE), err);
}

/* The purgatory: staged, entering the image on the entry stack (the zero
 * words of its header) at the entry. */
static int resume_purgatory(struct resume *r, struct kj_plan *plan, struct kj_error *err)
{
	struct purgatory_header *h;
	uint64_t sp_addr;

	if (x86_purgatory_relocate(r->in, &r->pg, r->pg_addr, err) < 0)
		return -1;
	h = r->pg.hdr;
	h->flags |= PURGATORY_FLAG_STAGED | PURGATORY_FLAG_KEEP_SEGMENTS;
	h->stage_list = r->ctl_addr + r->list_off;
	h->stage_nr = r->sp.ncopy;
	if (r->is64) {
		h->page_table = r->ctl_addr + KJ_PAGE_SIZE;
		h->page_table_la57 = r->ctl_addr;
	}
	sp_addr = r->pg_addr + (uint64_t)((uint8_t *)&h->entry_stack[2] - r->pg.buf);
	if (r->is64) {
		h->entry_mode = PURGATORY_ENTRY_64;
		h->regs64.rip = r->entry;
		h->regs64.rsp = sp_addr;
	} else {
		h->entry_mode = PURGATORY_ENTRY_32;
		h->regs32.eip = (uint32_t)r->entry;
		h->regs32.esp = (uint32_t)sp_addr;
	}
	if (x86_add_purgatory(plan, &r->pg, r->pg_addr, err) < 0)
		return -1;
	return stage_check(&r->sp, plan, err);
}

int x86_resume_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err)
{
	struct resume r;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.in = in;
	r.name = in->o->kernel;
	r.f = in->kernel;
	r.is64 = in->sys->arch == KJ_ARCH_X86_64;
	r.gathered.fd = -1;
	if (resume_open(&r, err) == 0 && resume_checks(&r, plan, err) == 0 &&
	    resume_loads(&r, err) == 0 && resume_fit(&r, err) == 0 &&
	    resume_reserve(&r, plan, err) == 0 && resume_stage(&r, plan, err) == 0 &&
	    resume_copy_list(&r, plan, err) == 0 && resume_purgatory(&r, plan, err) == 0) {
		snprintf(plan->summary, sizeof(plan->summary),
			 "staging: %zu memory ranges in %zu segments; the purgatory copies %" PRIu64
			 " KiB and zeroes %" PRIu64 " KiB (%zu list entries); entry 0x%" PRIx64,
			 r.nl, r.sp.narea, r.sp.copy_bytes >> 10, r.sp.zero_bytes >> 10, r.sp.ncopy,
			 r.entry);
		rc = x86_finish(in, plan, &r.pg, err);
		if (rc == 0 && r.mark_off) {
			plan->mark_off = r.mark_off;
			memcpy(plan->mark, r.mark, sizeof(plan->mark));
		}
	}
	free(r.gathered_buf);
	free(r.loads);
	stage_free(&r.sp);
	core_free(&r.c);
	return rc;
}
