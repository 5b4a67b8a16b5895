/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "plan.h"

void plan_init(struct kj_plan *p, const struct memmap *mm, struct range place,
	       uint64_t ram_pages, uint64_t dest_limit)
{
	memset(p, 0, sizeof(*p));
	p->mm = mm;
	p->place = place;
	p->ram_pages = ram_pages;
	p->dest_limit = dest_limit;
}

void plan_warn(struct kj_plan *p, const char *fmt, ...)
{
	va_list ap;

	if (p->nwarnings == KJ_PLAN_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(p->warning[p->nwarnings++], sizeof(p->warning[0]), fmt, ap);
	va_end(ap);
}

void plan_note(struct kj_plan *p, const char *fmt, ...)
{
	va_list ap;

	if (p->nnotes == KJ_PLAN_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(p->note[p->nnotes++], sizeof(p->note[0]), fmt, ap);
	va_end(ap);
}

void plan_free(struct kj_plan *p)
{
	for (size_t i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	p->nowned = 0;
	p->nseg = 0;
}

void *plan_alloc(struct kj_plan *p, size_t size, const char *what, struct kj_error *err)
{
	void *b = calloc(1, size ? size : 1);

	if (!b) {
		kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", what);
		return NULL;
	}
	return plan_own(p, b, err) < 0 ? NULL : b;
}

int plan_own(struct kj_plan *p, void *buf, struct kj_error *err)
{
	if (p->nowned == KJ_MAX_OWNED) {
		free(buf);
		return kj_fail(err, KJ_EXIT_FAILURE, "internal error: too many plan buffers");
	}
	p->owned[p->nowned++] = buf;
	return 0;
}

static struct range seg_range(const struct kj_segment *s)
{
	return range_make(s->mem, s->memsz);
}

/* Lowest (or highest) aligned start in [lo, hi) for size bytes avoiding the
 * segments; returns 0 on success. */
static int fit_in(const struct kj_plan *p, struct range area, uint64_t size, uint64_t align,
		  bool top_down, uint64_t *out)
{
	uint64_t cand;

	if (area.size < size)
		return -1;
	if (top_down) {
		cand = align_down(range_end(area) - size, align);
		while (cand >= area.start && cand + size <= range_end(area)) {
			struct range want = range_make(cand, size);
			uint64_t lowest_conflict = UINT64_MAX;
			for (size_t i = 0; i < p->nseg; i++)
				if (range_overlaps(want, seg_range(&p->seg[i])) &&
				    p->seg[i].mem < lowest_conflict)
					lowest_conflict = p->seg[i].mem;
			if (lowest_conflict == UINT64_MAX) {
				*out = cand;
				return 0;
			}
			/* move below the conflicting segment */
			if (lowest_conflict < size)
				return -1;
			cand = align_down(lowest_conflict - size, align);
			if (cand + size > lowest_conflict)
				return -1;
		}
		return -1;
	}
	cand = align_up(area.start, align);
	while (cand >= area.start && cand + size >= cand && cand + size <= range_end(area)) {
		struct range want = range_make(cand, size);
		uint64_t highest_end = 0;
		for (size_t i = 0; i < p->nseg; i++)
			if (range_overlaps(want, seg_range(&p->seg[i])) &&
			    range_end(seg_range(&p->seg[i])) > highest_end)
				highest_end = range_end(seg_range(&p->seg[i]));
		if (!highest_end) {
			*out = cand;
			return 0;
		}
		cand = align_up(highest_end, align);
		if (cand < highest_end)
			return -1; /* rounding up wrapped: no room above */
	}
	return -1;
}

int plan_find_space(const struct kj_plan *p, struct kj_space want, uint64_t *out)
{
	struct range limit = want.outside_place ? want.within : range_intersect(want.within, p->place);
	uint64_t size = want.size, align = want.align;
	bool top_down = want.top_down, found = false;
	uint64_t best = 0;

	if (align < KJ_PAGE_SIZE)
		align = KJ_PAGE_SIZE;
	size = align_up(size, KJ_PAGE_SIZE);
	if (!size || range_empty(limit))
		return -1;
	memmap_for_each_ram(p->mm, i) {
		struct range area = range_intersect(p->mm->e[i].r, limit);
		uint64_t at;

		/* only whole pages of RAM can hold a segment (none above a
		 * start in the last page: rounding it up would wrap to 0) */
		if (align_up(area.start, KJ_PAGE_SIZE) < area.start)
			continue;
		area = range_from_bounds(align_up(area.start, KJ_PAGE_SIZE),
					 align_down(range_end(area), KJ_PAGE_SIZE));
		if (fit_in(p, area, size, align, top_down, &at) < 0)
			continue;
		if (!found || (top_down ? at > best : at < best)) {
			best = at;
			found = true;
		}
	}
	if (!found)
		return -1;
	*out = best;
	return 0;
}

int plan_add(struct kj_plan *p, const char *what, const void *buf, size_t bufsz, uint64_t mem,
	     uint64_t memsz, struct kj_error *err)
{
	struct kj_segment *s;

	if (p->nseg == KJ_SEGMENT_MAX)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "%s: more than %d segments; kexec_load(2) takes at most %d", what,
			       KJ_SEGMENT_MAX, KJ_SEGMENT_MAX);
	s = &p->seg[p->nseg++];
	s->buf = buf;
	s->bufsz = bufsz;
	s->mem = mem;
	s->memsz = memsz;
	s->outside_ok = false;
	s->has_sha256 = false;
	s->split_ok = false;
	snprintf(s->what, sizeof(s->what), "%s", what);
	return 0;
}

int plan_split(struct kj_plan *p, size_t i, unsigned pieces, struct kj_error *err)
{
	struct kj_segment whole;
	uint64_t piece;
	size_t k, n;

	if (i >= p->nseg)
		return kj_fail(err, KJ_EXIT_FAILURE, "internal error: no segment %zu to split", i);
	whole = p->seg[i];
	if (pieces < 2 || whole.bufsz <= KJ_PAGE_SIZE || whole.has_sha256)
		return 1;
	piece = align_up((whole.bufsz + pieces - 1) / pieces, KJ_PAGE_SIZE);
	n = (size_t)((whole.bufsz + piece - 1) / piece);
	if (n < 2)
		return 1;
	if (p->nseg + n - 1 > KJ_SEGMENT_MAX)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "%s: %zu pieces do not fit in kexec_load(2)'s %d segments", whole.what,
			       n, KJ_SEGMENT_MAX);
	memmove(&p->seg[i + n], &p->seg[i + 1], (p->nseg - i - 1) * sizeof(p->seg[0]));
	for (k = 0; k < n; k++) {
		struct kj_segment *s = &p->seg[i + k];
		uint64_t off = k * piece;

		*s = whole;
		s->buf = (const uint8_t *)whole.buf + off;
		s->bufsz = k + 1 < n ? (size_t)piece : whole.bufsz - (size_t)off;
		s->mem = whole.mem + off;
		s->memsz = k + 1 < n ? piece : whole.memsz - off;
		snprintf(s->what, sizeof(s->what), "%.38s %u/%u", whole.what,
			 (unsigned char)(k + 1), (unsigned char)n); /* n <= 16 */
	}
	p->nseg += n - 1;
	return (int)n;
}

static bool in_ram(const struct memmap *mm, struct range r)
{
	/* r must be covered by RAM entries (adjacent entries may join). */
	uint64_t at = r.start;

	while (at < range_end(r)) {
		bool advanced = false;
		for (size_t i = 0; i < mm->n; i++) {
			const struct mem_entry *e = &mm->e[i];
			if (e->type == KJ_MEM_RAM && e->r.start <= at && at < range_end(e->r)) {
				at = range_end(e->r);
				advanced = true;
			}
		}
		if (!advanced)
			return false;
	}
	return true;
}

#define PAGE_COUNT(x) (((x) + KJ_PAGE_SIZE - 1) / KJ_PAGE_SIZE)

int plan_check_ram_share(uint64_t pages, uint64_t ram_pages, const char *what,
			 struct kj_error *err)
{
	char need[KJ_SIZE_STR], ram[KJ_SIZE_STR];

	if (ram_pages && pages > ram_pages / 2)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "%s needs %s, more than half of RAM (%s): the kernel refuses that",
			       what, kj_size_str(need, pages * KJ_PAGE_SIZE),
			       kj_size_str(ram, ram_pages * KJ_PAGE_SIZE));
	return 0;
}

int plan_check(const struct kj_plan *p, struct kj_error *err)
{
	uint64_t total_pages = 0;

	/* The kernel takes at most KEXEC_SEGMENT_MAX segments (-EINVAL). */
	if (p->nseg > KJ_SEGMENT_MAX)
		return kj_fail(err, KJ_EXIT_NOROOM, "plan has %zu segments; the kernel takes at most %d",
			       p->nseg, KJ_SEGMENT_MAX);
	if (!p->nseg)
		return kj_fail(err, KJ_EXIT_NOROOM, "plan has no segments");

	for (size_t i = 0; i < p->nseg; i++) {
		const struct kj_segment *s = &p->seg[i];
		uint64_t end = s->mem + s->memsz;

		/* A segment may not wrap around the address space (-EADDRNOTAVAIL). */
		if (end < s->mem)
			return kj_fail(err, KJ_EXIT_NOROOM, "segment %zu (%s) wraps around memory",
				       i, s->what);
		/* The kernel copies whole pages: start and end must be page
		 * aligned, or two segments could share a page (-EADDRNOTAVAIL). */
		if (s->mem % KJ_PAGE_SIZE || s->memsz % KJ_PAGE_SIZE)
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "segment %zu (%s) at 0x%" PRIx64 "+0x%" PRIx64
				       " is not page aligned", i, s->what, s->mem, s->memsz);
		/* Above KEXEC_DESTINATION_MEMORY_LIMIT the kernel cannot copy to
		 * (-EADDRNOTAVAIL; on i386 the limit is 4 GiB - 1). */
		if (end >= p->dest_limit)
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "segment %zu (%s) ends at 0x%" PRIx64
				       ", beyond what the running kernel can load to (0x%" PRIx64 ")",
				       i, s->what, end, p->dest_limit);
		/* The buffer must fit in the memory it is copied to (-EINVAL). */
		if (s->bufsz > s->memsz)
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "segment %zu (%s) has %zu bytes for 0x%" PRIx64 " of memory",
				       i, s->what, s->bufsz, s->memsz);
		/* Ours: --mem-min/--mem-max bound every segment, including those
		 * an ELF file places itself. */
		if (!s->outside_ok && !range_contains(p->place, seg_range(s)))
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "segment %zu (%s) at 0x%" PRIx64 "-0x%" PRIx64
				       " is outside 0x%" PRIx64 "-0x%" PRIx64 " (--mem-min/--mem-max)",
				       i, s->what, s->mem, end, p->place.start, range_end(p->place));
		/* Ours: the kernel only checks addresses, but a segment outside
		 * RAM would be copied over firmware or device memory. */
		if (p->mm && !in_ram(p->mm, seg_range(s)))
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "segment %zu (%s) at 0x%" PRIx64 "-0x%" PRIx64
				       " is not inside System RAM", i, s->what, s->mem, end);
		/* Destinations may not overlap: one copy would overwrite another (-EINVAL). */
		for (size_t j = 0; j < i; j++)
			if (range_overlaps(seg_range(s), seg_range(&p->seg[j])))
				return kj_fail(err, KJ_EXIT_NOROOM,
					       "segment %zu (%s) overlaps segment %zu (%s)", i,
					       s->what, j, p->seg[j].what);
	}

	/* No segment, and not all of them together, may take more than half of
	 * RAM: the kernel allocates a copy of everything before the reboot
	 * (-EINVAL, to avoid a soft lockup allocating it). */
	for (size_t i = 0; i < p->nseg; i++) {
		uint64_t pages = PAGE_COUNT(p->seg[i].memsz);
		char what[80];

		snprintf(what, sizeof(what), "segment %zu (%s)", i, p->seg[i].what);
		if (plan_check_ram_share(pages, p->ram_pages, what, err) < 0)
			return -1;
		total_pages += pages;
	}
	if (plan_check_ram_share(total_pages, p->ram_pages, "the image", err) < 0)
		return -1;
	return 0;
}

void plan_print(const struct kj_plan *p, FILE *out)
{
	fprintf(out, "entry 0x%" PRIx64 "\n", p->entry);
	if (p->summary[0])
		fprintf(out, "%s\n", p->summary);
	for (unsigned i = 0; i < p->nnotes; i++)
		fprintf(out, "%s\n", p->note[i]);
	fprintf(out, "segments %zu\n", p->nseg);
	for (size_t i = 0; i < p->nseg; i++) {
		const struct kj_segment *s = &p->seg[i];
		fprintf(out, "  %zu: mem 0x%09" PRIx64 "-0x%09" PRIx64 " memsz 0x%08" PRIx64
			" bufsz 0x%08zx %s\n", i, s->mem, s->mem + s->memsz, s->memsz, s->bufsz,
			s->what);
	}
}
