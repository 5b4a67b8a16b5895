/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Half-open physical ranges [start, start + size).  Inclusive ends appear
 * only at the edges where the kernel prints them (/proc/iomem,
 * /sys/firmware/memmap) and are converted there by range_from_inclusive().
 */
#ifndef KJ_RANGE_H
#define KJ_RANGE_H

#include <stdbool.h>
#include <stdint.h>

struct range {
	uint64_t start;
	uint64_t size;
};

static inline struct range range_make(uint64_t start, uint64_t size)
{
	return (struct range){ start, size };
}

/* [start, end) with end exclusive; end < start gives an empty range. */
static inline struct range range_from_bounds(uint64_t start, uint64_t end)
{
	return (struct range){ start, end > start ? end - start : 0 };
}

/* [first, last] as the kernel prints it; last == UINT64_MAX is clamped. */
static inline struct range range_from_inclusive(uint64_t first, uint64_t last)
{
	if (last < first)
		return (struct range){ first, 0 };
	if (last == UINT64_MAX)
		return (struct range){ first, UINT64_MAX - first };
	return (struct range){ first, last - first + 1 };
}

static inline uint64_t range_end(struct range r)
{
	return r.start + r.size;
}

static inline bool range_empty(struct range r)
{
	return r.size == 0;
}

static inline bool range_overlaps(struct range a, struct range b)
{
	return a.size && b.size && a.start < range_end(b) && b.start < range_end(a);
}

static inline bool range_contains(struct range outer, struct range inner)
{
	return inner.start >= outer.start && range_end(inner) <= range_end(outer);
}

static inline struct range range_intersect(struct range a, struct range b)
{
	uint64_t s = a.start > b.start ? a.start : b.start;
	uint64_t ea = range_end(a), eb = range_end(b);
	return range_from_bounds(s, ea < eb ? ea : eb);
}

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

#endif
