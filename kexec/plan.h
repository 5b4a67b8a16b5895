/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The placement plan: the segments handed to kexec_load(2), where each goes
 * and what it holds, built by the image loaders and checked, rule by rule,
 * the way the kernel will check it before any system call is made.
 */
#ifndef KJ_PLAN_H
#define KJ_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"
#include "memmap.h"
#include "range.h"

#define KJ_PAGE_SIZE ((uint64_t)4096)
#define KJ_SEGMENT_MAX 16 /* KEXEC_SEGMENT_MAX, include/uapi/linux/kexec.h */
#define KJ_MAX_OWNED 24

struct kj_segment {
	const void *buf;   /* bytes to copy; NULL with bufsz 0 for zero-filled memory */
	size_t bufsz;
	uint64_t mem;      /* physical destination, page aligned */
	uint64_t memsz;    /* page-aligned size in memory; beyond bufsz is zeroed */
	char what[48];     /* "kernel", "initrd", "boot_params+cmdline", "purgatory" */
	bool outside_ok;   /* placed outside --mem-min/--mem-max on purpose (kexec
			    * jump: memory kernel A keeps, preserved by the swap) */
	bool has_sha256;   /* sha256 holds the digest of buf (computed by the loader
			    * while checking it, so it is not read twice) */
	bool split_ok;     /* contiguous pieces serve as well (an initrd): may be
			    * cut for digests computed side by side (plan_split) */
	uint8_t sha256[32];
};

struct kj_plan {
	uint64_t entry;    /* physical entry point (the purgatory's) */
	unsigned long flags; /* KEXEC_ARCH_* | KEXEC_* */
	struct kj_segment seg[KJ_SEGMENT_MAX];
	size_t nseg;

	/* Where the planner may place things: [place.start, range_end(place)),
	 * from --mem-min/--mem-max and the architecture's limits. */
	struct range place;
	const struct memmap *mm;  /* the machine's map: only RAM is used */
	uint64_t ram_pages;       /* the kernel's totalram_pages(), for the half-of-RAM rule */
	uint64_t dest_limit;      /* KEXEC_DESTINATION_MEMORY_LIMIT of the running kernel */

	/* The command line as the user asked for it, within the kernel's limit
	 * (before a crash or jump plan adds to it): what kexec_file_load(2)
	 * passes.  NULL when the image takes none.  Owned by the plan. */
	const char *cmdline;
	char summary[256];  /* one line for --dry-run about how the plan was made, or "" */
	/* what the user should know about the image it makes (the planner
	 * prints nothing: kj_run does), in the order found */
#define KJ_PLAN_MAX_WARNINGS 4
	char warning[KJ_PLAN_MAX_WARNINGS][320];
	unsigned nwarnings;
	/* what --dry-run also shows about what the image is handed (the EFI
	 * state, the ACPI RSDP), one line each */
#define KJ_PLAN_MAX_NOTES 4
	char note[KJ_PLAN_MAX_NOTES][192];
	unsigned nnotes;

	/* A saved image loaded for its resume: once the kernel holds it,
	 * kexec writes `mark` over its resume note's descriptor, at file
	 * offset mark_off of the image (kexec.c), so it is never resumed
	 * twice.  mark_off 0: nothing to mark (no note, or --dry-run). */
	uint64_t mark_off;
	uint8_t mark[32];

	void *owned[KJ_MAX_OWNED]; /* buffers the plan frees */
	size_t nowned;
};

void plan_init(struct kj_plan *p, const struct memmap *mm, struct range place,
	       uint64_t ram_pages, uint64_t dest_limit);
/* Record a warning for the user (at most KJ_PLAN_MAX_WARNINGS are kept). */
void plan_warn(struct kj_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record a line for --dry-run (at most KJ_PLAN_MAX_NOTES are kept). */
void plan_note(struct kj_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plan_free(struct kj_plan *p);
/* Hand a malloc'd buffer to the plan; it is freed by plan_free() (and at
 * once when this fails). */
int plan_own(struct kj_plan *p, void *buf, struct kj_error *err);
/* A zeroed buffer of size bytes the plan owns, or NULL ("WHAT: out of
 * memory" in err). */
void *plan_alloc(struct kj_plan *p, size_t size, const char *what, struct kj_error *err);

/*
 * A placement request (as the kernel's struct kexec_buf): room for size
 * bytes (rounded up to pages) aligned to align (at least a page), inside
 * RAM and `within`, and unless outside_place inside p->place too
 * (--mem-min/--mem-max).  Made by the named constructors below.
 */
struct kj_space {
	uint64_t size;
	uint64_t align;
	struct range within;
	bool top_down;      /* the highest fitting address, else the lowest */
	bool outside_place; /* within alone: placed outside p->place on purpose */
};

static inline struct kj_space space_top_down(uint64_t size, uint64_t align, struct range within)
{
	return (struct kj_space){ .size = size, .align = align, .within = within, .top_down = true };
}

static inline struct kj_space space_bottom_up(uint64_t size, uint64_t align, struct range within)
{
	return (struct kj_space){ .size = size, .align = align, .within = within };
}

static inline struct kj_space space_outside_place(struct kj_space s)
{
	s.outside_place = true;
	return s;
}

/* Where the request fits, not overlapping any segment already added: 0
 * and *out, or -1 when there is no room. */
int plan_find_space(const struct kj_plan *p, struct kj_space want, uint64_t *out);

/* Append a segment (mem and memsz are page-rounded by the caller). */
int plan_add(struct kj_plan *p, const char *what, const void *buf, size_t bufsz, uint64_t mem,
	     uint64_t memsz, struct kj_error *err);

/* Cut segment i into at most `pieces` contiguous segments with page-aligned
 * boundaries, in its place (the ones after it move up); the memory and the
 * bytes they cover are the segment's.  Returns how many it became. */
int plan_split(struct kj_plan *p, size_t i, unsigned pieces, struct kj_error *err);

/* The kernel's half-of-RAM rule for `pages` pages of `what`, usable before
 * a plan exists (to refuse a huge initrd before reading it). */
int plan_check_ram_share(uint64_t pages, uint64_t ram_pages, const char *what,
			 struct kj_error *err);

/* The kernel's sanity_check_segment_list(), plus our own rules. */
int plan_check(const struct kj_plan *p, struct kj_error *err);

/* Print the plan for --dry-run. */
void plan_print(const struct kj_plan *p, FILE *out);

#endif
