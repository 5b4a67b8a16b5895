/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Staging planner: see stage.h for the plan and why it is safe. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "stage.h"

#define MIB(x) ((x) >> 20)

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Is all of r inside RAM entries of mm (which may be adjacent)? */
static bool in_ram(const struct memmap *mm, struct range r)
{
	uint64_t pos = r.start, end = range_end(r);

	while (pos < end) {
		bool found = false;

		memmap_for_each_ram(mm, i) {
			if (pos >= mm->e[i].r.start && pos < range_end(mm->e[i].r)) {
				pos = range_end(mm->e[i].r);
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

/* Check each load (below limit, inside RAM of mm) and write the pages it
 * touches to cov; the error for the first bad one. */
static int cover_loads(const struct stage_load *l, size_t n, const struct memmap *mm,
		       uint64_t limit, const char *name, struct range *cov, size_t *ncov,
		       struct kj_error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct range r = range_make(l[i].paddr, l[i].memsz);

		if (!l[i].memsz)
			continue;
		/* The image must describe memory this machine has: a PT_LOAD
		 * outside RAM here comes from another machine (or is bogus). */
		if (range_end(r) > limit)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: memory above 0x%" PRIx64 " is out of reach of this kernel's kexec",
				       name, limit);
		if (!in_ram(mm, r))
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: memory 0x%" PRIx64 "-0x%" PRIx64
				       " of the image is not RAM on this machine: saved on another machine?",
				       name, r.start, range_end(r));
		cov[(*ncov)++] = range_from_bounds(align_down(r.start, KJ_PAGE_SIZE),
						   align_up(range_end(r), KJ_PAGE_SIZE));
		if (align_up(range_end(r), KJ_PAGE_SIZE) < range_end(r))
			cov[*ncov - 1] = range_from_bounds(align_down(r.start, KJ_PAGE_SIZE),
							   UINT64_MAX); /* up to the top */
	}
	return 0;
}

/* Destinations must not overlap: the last copy would win, silently.  cov
 * is sorted; where two of its pages overlap, look for two loads that do. */
static int check_overlaps(const struct stage_load *l, size_t n, const struct range *cov,
			  size_t ncov, const char *name, struct kj_error *err)
{
	for (size_t i = 1; i < ncov; i++) {
		if (cov[i].start < range_end(cov[i - 1])) {
			for (size_t a = 0; a < n; a++)
				for (size_t b = a + 1; b < n; b++)
					if (range_overlaps(range_make(l[a].paddr, l[a].memsz),
							   range_make(l[b].paddr, l[b].memsz)))
						return kj_fail(err, KJ_EXIT_BADFILE,
							       "%s: program headers overlap at 0x%" PRIx64,
							       name, l[a].paddr > l[b].paddr ? l[a].paddr : l[b].paddr);
		}
	}
	return 0;
}

/* Append [pos, stop) to sp->free, growing it (cap) as needed; -1 when out
 * of memory. */
static int push_free(struct stage_plan *sp, size_t *cap, uint64_t pos, uint64_t stop)
{
	if (sp->nfree == *cap) {
		struct range *nf;

		*cap = *cap ? *cap * 2 : 64;
		nf = realloc(sp->free, *cap * sizeof(*nf));
		if (!nf)
			return -1;
		sp->free = nf;
	}
	sp->free[sp->nfree++] = range_from_bounds(pos, stop);
	return 0;
}

/* sp->free = RAM ∩ place ∩ [0, limit), minus the covered pages (cov,
 * sorted), sorted; -1 when out of memory. */
static int find_free(const struct memmap *mm, struct range place, uint64_t limit,
		     const struct range *cov, size_t ncov, struct stage_plan *sp)
{
	size_t cap = 0;

	memmap_for_each_ram(mm, i) {
		struct range r = range_intersect(mm->e[i].r, place);
		uint64_t pos, end;
		size_t c = 0;

		r = range_intersect(r, range_from_bounds(0, limit));
		pos = align_up(r.start, KJ_PAGE_SIZE);
		end = align_down(range_end(r), KJ_PAGE_SIZE);
		if (pos < r.start)
			continue; /* starts in the last page: rounding up wrapped */
		while (pos < end) {
			uint64_t stop = end;

			while (c < ncov && range_end(cov[c]) <= pos)
				c++;
			if (c < ncov && cov[c].start <= pos) {
				pos = range_end(cov[c]);
				continue;
			}
			if (c < ncov && cov[c].start < stop)
				stop = cov[c].start;
			if (push_free(sp, &cap, pos, stop) < 0)
				return -1;
			pos = stop;
		}
	}
	if (sp->nfree) /* sp->free is NULL without */
		qsort(sp->free, sp->nfree, sizeof(*sp->free), cmp_range);
	return 0;
}

/* sp->zfree = pages the image only zeroes: inside a zero tail, whole
 * pages, inside place and below limit, sorted; -1 when out of memory. */
static int find_zero_only(const struct stage_load *l, size_t n, struct range place,
			  uint64_t limit, struct stage_plan *sp)
{
	sp->zfree = calloc(n ? n : 1, sizeof(*sp->zfree));
	if (!sp->zfree)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct range z = range_from_bounds(align_up(l[i].paddr + l[i].filesz, KJ_PAGE_SIZE),
						   align_down(l[i].paddr + l[i].memsz, KJ_PAGE_SIZE));

		if (align_up(l[i].paddr + l[i].filesz, KJ_PAGE_SIZE) < l[i].paddr + l[i].filesz)
			continue; /* the file bytes end in the last page: no whole page after */
		z = range_intersect(z, place);
		z = range_intersect(z, range_from_bounds(0, limit));
		/* place (--mem-min) and limit need not be page aligned */
		if (align_up(z.start, KJ_PAGE_SIZE) < z.start)
			continue;
		z = range_from_bounds(align_up(z.start, KJ_PAGE_SIZE),
				      align_down(range_end(z), KJ_PAGE_SIZE));
		if (z.size)
			sp->zfree[sp->nzfree++] = z;
	}
	qsort(sp->zfree, sp->nzfree, sizeof(*sp->zfree), cmp_range);
	return 0;
}

int stage_free_ranges(const struct stage_load *l, size_t n, const struct memmap *mm,
		      struct range place, uint64_t limit, const char *name,
		      struct stage_plan *sp, struct kj_error *err)
{
	struct range *cov = calloc(n ? n : 1, sizeof(*cov));
	size_t ncov = 0;

	memset(sp, 0, sizeof(*sp));
	if (!cov)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
	if (cover_loads(l, n, mm, limit, name, cov, &ncov, err) < 0)
		goto fail;
	qsort(cov, ncov, sizeof(*cov), cmp_range);
	if (check_overlaps(l, n, cov, ncov, name, err) < 0)
		goto fail;
	if (find_free(mm, place, limit, cov, ncov, sp) < 0)
		goto oom;
	free(cov);
	cov = NULL;
	if (find_zero_only(l, n, place, limit, sp) < 0)
		goto oom;
	return 0;

oom:
	free(cov);
	stage_free(sp);
	return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
fail:
	free(cov);
	return -1;
}

int stage_reserve(struct stage_plan *sp, struct range r)
{
	for (size_t i = 0; i < sp->nfree; i++) {
		struct range f = sp->free[i], *nf;

		if (!range_contains(f, r))
			continue;
		/* f becomes [f.start, r.start) and [end(r), end(f)) */
		nf = realloc(sp->free, (sp->nfree + 1) * sizeof(*nf));
		if (!nf)
			return -1;
		sp->free = nf;
		memmove(&nf[i + 1], &nf[i], (sp->nfree - i) * sizeof(*nf));
		sp->nfree++;
		nf[i] = range_from_bounds(f.start, r.start);
		nf[i + 1] = range_from_bounds(range_end(r), range_end(f));
		/* drop empty pieces */
		for (size_t k = i + 2; k-- > i;)
			if (!nf[k].size) {
				memmove(&nf[k], &nf[k + 1], (sp->nfree - k - 1) * sizeof(*nf));
				sp->nfree--;
			}
		return 0;
	}
	return -1;
}

static int cmp_size_desc(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Append to the copy list; area is the staging area src lies in (-1 for
 * zeros): a copy is merged into the previous one only inside one area. */
static int push_copy(struct stage_plan *sp, size_t *cap, uint64_t dst, uint64_t src, uint64_t len,
		     long area, long *last_area)
{
	struct purgatory_copy *last = sp->ncopy ? &sp->copy[sp->ncopy - 1] : NULL;

	if (!len)
		return 0;
	if (src == PURGATORY_COPY_ZERO)
		sp->zero_bytes += len;
	else
		sp->copy_bytes += len;
	/* merge with the previous entry when both ends continue it */
	if (last && last->dst + last->len == dst && area == *last_area &&
	    ((src == PURGATORY_COPY_ZERO && last->src == PURGATORY_COPY_ZERO) ||
	     (src != PURGATORY_COPY_ZERO && last->src != PURGATORY_COPY_ZERO &&
	      last->src + last->len == src))) {
		last->len += len;
		return 0;
	}
	if (sp->ncopy == *cap) {
		struct purgatory_copy *nc;

		*cap = *cap ? *cap * 2 : 256;
		nc = realloc(sp->copy, *cap * sizeof(*nc));
		if (!nc)
			return -1;
		sp->copy = nc;
	}
	sp->copy[sp->ncopy++] = (struct purgatory_copy){ dst, src, len };
	*last_area = area;
	return 0;
}

/* One stage_build run: the loads, and the RAM the staging areas may use. */
struct build {
	const struct stage_load *l;
	size_t n;
	size_t max_areas;
	const char *name;
	struct stage_plan *sp;
	struct range *cand;   /* free and zero-only RAM, merged, largest first */
	size_t ncand;
	uint64_t total;       /* file bytes of the loads */
	uint64_t free_total;  /* bytes of cand */
	uint64_t best;        /* bytes of the max_areas largest of cand */
};

/* The candidates: free and zero-only RAM, adjacent ranges merged, largest
 * first, and their sizes; -1 when out of memory. */
static int build_candidates(struct build *b)
{
	const struct stage_plan *sp = b->sp;
	struct range *bysize;
	size_t ncand = 0;

	bysize = malloc((sp->nfree + sp->nzfree + 1) * sizeof(*bysize));
	if (!bysize)
		return -1;
	if (sp->nfree)
		memcpy(bysize, sp->free, sp->nfree * sizeof(*bysize));
	memcpy(bysize + sp->nfree, sp->zfree, sp->nzfree * sizeof(*bysize));
	qsort(bysize, sp->nfree + sp->nzfree, sizeof(*bysize), cmp_range);
	for (size_t i = 0; i < sp->nfree + sp->nzfree; i++) {
		if (ncand && range_end(bysize[ncand - 1]) == bysize[i].start)
			bysize[ncand - 1].size += bysize[i].size;
		else
			bysize[ncand++] = bysize[i];
	}
	qsort(bysize, ncand, sizeof(*bysize), cmp_size_desc);
	for (size_t i = 0; i < ncand; i++) {
		b->free_total += bysize[i].size;
		if (i < b->max_areas)
			b->best += bysize[i].size;
	}
	b->cand = bysize;
	b->ncand = ncand;
	return 0;
}

/*
 * Fill the largest free ranges, in turn, with the file bytes in file
 * order.  An area holds one contiguous piece of the file (it is one
 * segment, one user buffer); where the next PT_LOAD's bytes do not
 * follow in the file, a new area starts on the next page.  Sets
 * sp->narea; false when the areas do not hold every file byte.
 */
static bool build_areas(const struct build *b)
{
	const struct stage_load *l = b->l;
	size_t n = b->n, li = 0, a = 0;
	uint64_t done_in_load = 0; /* file bytes of l[li] already given an area */

	for (size_t f = 0; f < b->ncand && li < n; f++) {
		uint64_t cur = b->cand[f].start, end = range_end(b->cand[f]);

		while (li < n && cur < end) {
			struct stage_area *ar;

			if (l[li].filesz == done_in_load) {
				li++;
				done_in_load = 0;
				continue;
			}
			if (a == b->max_areas)
				break;
			ar = &b->sp->area[a++];
			ar->mem = cur;
			ar->offset = l[li].offset + done_in_load;
			ar->len = 0;
			/* extend over this load and the loads whose bytes follow it */
			while (li < n && cur < end) {
				uint64_t want = l[li].filesz - done_in_load;
				uint64_t k = want < end - cur ? want : end - cur;

				if (!want) { /* only zeros: no bytes in the file */
					li++;
					done_in_load = 0;
					continue;
				}
				if (ar->offset + ar->len != l[li].offset + done_in_load)
					break; /* not contiguous in the file */
				ar->len += k;
				cur += k;
				done_in_load += k;
				if (done_in_load == l[li].filesz) {
					li++;
					done_in_load = 0;
				}
			}
			cur = align_up(cur, KJ_PAGE_SIZE);
		}
	}
	while (li < n && l[li].filesz == done_in_load) {
		li++;
		done_in_load = 0;
	}
	b->sp->narea = a;
	return li == n;
}

/* The error for file bytes the areas cannot hold: too little RAM, or too
 * few pieces of it. */
static int build_no_room(const struct build *b, struct kj_error *err)
{
	if (b->free_total < b->total)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "%s: staging needs %" PRIu64 " MiB of RAM the image leaves alone or only zeroes, this machine has %" PRIu64
			       " MiB there: the image must leave out more (kdump save --exclude=zero,free,lent)",
			       b->name, MIB(b->total) + 1, MIB(b->free_total));
	return kj_fail(err, KJ_EXIT_NOROOM,
		       "%s: staging needs %" PRIu64 " MiB in at most %zu pieces of RAM the image leaves alone or only zeroes; the %zu largest hold %" PRIu64
		       " MiB",
		       b->name, MIB(b->total) + 1, b->max_areas, b->max_areas, MIB(b->best));
}

/* The copy list: each PT_LOAD's bytes from the areas, then the zeros. */
static int build_copies(const struct build *b, struct kj_error *err)
{
	const struct stage_load *l = b->l;
	struct stage_plan *sp = b->sp;
	size_t cap = 0, a = 0;
	long last_area = -2;

	sp->copy_bytes = sp->zero_bytes = 0;
	for (size_t i = 0; i < b->n; i++) {
		uint64_t done = 0;

		while (done < l[i].filesz) {
			uint64_t off = l[i].offset + done, k;

			/* the areas hold the stream in order: find the one with off */
			while (a < sp->narea && !(off >= sp->area[a].offset &&
						  off < sp->area[a].offset + sp->area[a].len))
				a++;
			if (a == sp->narea)
				return kj_fail(err, KJ_EXIT_FAILURE,
					       "%s: internal error: file byte 0x%" PRIx64 " has no staging area",
					       b->name, off);
			k = sp->area[a].offset + sp->area[a].len - off;
			if (k > l[i].filesz - done)
				k = l[i].filesz - done;
			if (push_copy(sp, &cap, l[i].paddr + done, sp->area[a].mem + (off - sp->area[a].offset),
				      k, (long)a, &last_area) < 0)
				goto oom;
			done += k;
		}
	}
	/* the zero fills after every copy: they may land on staging areas */
	for (size_t i = 0; i < b->n; i++)
		if (push_copy(sp, &cap, l[i].paddr + l[i].filesz, PURGATORY_COPY_ZERO,
			      l[i].memsz - l[i].filesz, -1, &last_area) < 0)
			goto oom;
	return 0;
oom:
	return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", b->name);
}

int stage_build(const struct stage_load *l, size_t n, size_t max_areas, const char *name,
		struct stage_plan *sp, struct kj_error *err)
{
	struct build b = { .l = l, .n = n, .max_areas = max_areas, .name = name, .sp = sp };
	bool placed;

	if (b.max_areas > KJ_SEGMENT_MAX)
		b.max_areas = KJ_SEGMENT_MAX;
	for (size_t i = 0; i < n; i++)
		b.total += l[i].filesz;
	if (build_candidates(&b) < 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
	placed = build_areas(&b);
	free(b.cand);
	if (!placed)
		return build_no_room(&b, err);
	return build_copies(&b, err);
}

static int cmp_copy_dst(const void *a, const void *b)
{
	const struct purgatory_copy *x = a, *y = b;
	return x->dst < y->dst ? -1 : x->dst > y->dst;
}

int stage_check(const struct stage_plan *sp, const struct kj_plan *plan, struct kj_error *err)
{
	struct purgatory_copy *sorted;

	bool zeros = false;

	for (size_t i = 0; i < sp->ncopy; i++) {
		const struct purgatory_copy *c = &sp->copy[i];
		struct range dst = range_make(c->dst, c->len);
		bool is_zero = c->src == PURGATORY_COPY_ZERO, src_ok = is_zero;

		/* Rule: zero fills come after every copy (they may wipe
		 * staging areas, which must have been read by then). */
		if (zeros && !is_zero)
			return kj_fail(err, KJ_EXIT_FAILURE,
				       "internal error: staging copy to 0x%" PRIx64 " after a zero fill",
				       c->dst);
		zeros = zeros || is_zero;
		/* Rule: no copy lands on a segment, and no zero fill on one but
		 * a staging area.  Segments hold what the purgatory reads
		 * (areas, list, page tables) and runs (itself); a write over
		 * one would destroy it before, or while, it is used. */
		for (size_t s = 0; s < plan->nseg; s++) {
			bool staging = false;

			if (!range_overlaps(dst, range_make(plan->seg[s].mem, plan->seg[s].memsz)))
				continue;
			for (size_t a = 0; a < sp->narea; a++)
				staging = staging || sp->area[a].mem == plan->seg[s].mem;
			if (!is_zero || !staging)
				return kj_fail(err, KJ_EXIT_FAILURE,
					       "internal error: staging would write 0x%" PRIx64 "-0x%" PRIx64
					       " over segment %zu (%s)",
					       c->dst, c->dst + c->len, s, plan->seg[s].what);
		}
		/* Rule: a copy reads loaded bytes of one staging area, which
		 * is a segment: anything else would be whatever was in RAM. */
		for (size_t a = 0; a < sp->narea && !src_ok; a++) {
			const struct stage_area *ar = &sp->area[a];

			if (!range_contains(range_make(ar->mem, ar->len), range_make(c->src, c->len)))
				continue;
			for (size_t s = 0; s < plan->nseg; s++)
				if (plan->seg[s].mem == ar->mem && plan->seg[s].bufsz >= ar->len)
					src_ok = true;
		}
		if (!src_ok)
			return kj_fail(err, KJ_EXIT_FAILURE,
				       "internal error: staging copy to 0x%" PRIx64 " reads 0x%" PRIx64
				       "+0x%" PRIx64 ", outside the staging areas",
				       c->dst, c->src, c->len);
	}
	/* Rule: destinations are disjoint (the order of the copies must not
	 * matter). */
	sorted = malloc((sp->ncopy ? sp->ncopy : 1) * sizeof(*sorted));
	if (!sorted)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	if (sp->ncopy) /* sp->copy is NULL without */
		memcpy(sorted, sp->copy, sp->ncopy * sizeof(*sorted));
	qsort(sorted, sp->ncopy, sizeof(*sorted), cmp_copy_dst);
	for (size_t i = 1; i < sp->ncopy; i++)
		if (sorted[i].dst < sorted[i - 1].dst + sorted[i - 1].len) {
			uint64_t at = sorted[i].dst;

			free(sorted);
			return kj_fail(err, KJ_EXIT_FAILURE,
				       "internal error: two staging copies write 0x%" PRIx64, at);
		}
	free(sorted);
	return 0;
}

void stage_free(struct stage_plan *sp)
{
	free(sp->copy);
	free(sp->free);
	free(sp->zfree);
	memset(sp, 0, sizeof(*sp));
}
