/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The end every x86 plan goes through, whichever loader made it: the
 * purgatory placed and relocated, the registers it enters the image with,
 * the plan checked and the digests of the segments recorded in it.
 */
#include <string.h>

#include "exitcodes.h"
#include "purgatory.h"
#include "x86-load.h"

/* An initrd this large is cut in pieces of at least X86_SPLIT_PIECE_MIN for
 * digests on several CPUs; a small one stays one segment. */
#define X86_SPLIT_MIN       ((size_t)32 << 20)
#define X86_SPLIT_PIECE_MIN ((size_t)16 << 20)

int x86_purgatory_open(const struct kj_load_input *in, struct kj_plan *plan,
		       struct purgatory *pg, struct kj_error *err)
{
	if (purgatory_open(in->sys->arch, pg, err) < 0)
		return -1;
	return plan_own(plan, pg->buf, err);
}

uint64_t x86_purgatory_limit(const struct purgatory *pg)
{
	return pg->max_addr < FOUR_GIB ? pg->max_addr : FOUR_GIB;
}

int x86_purgatory_relocate(const struct kj_load_input *in, struct purgatory *pg, uint64_t addr,
			   struct kj_error *err)
{
	if (purgatory_relocate(pg, addr, err) < 0)
		return -1;
	pg->hdr->serial_port = SERIAL_COM1;
	pg->hdr->flags = in->o->debug ? PURGATORY_FLAG_VERBOSE : 0;
	if (in->o->preserve_context)
		pg->hdr->flags |= PURGATORY_FLAG_PRESERVE_CONTEXT;
	if (in->sys->sha_ni)
		pg->hdr->flags |= PURGATORY_FLAG_SHA_NI;
	return 0;
}

/* Place the purgatory below 4 GiB (inside --mem-min/--mem-max) and relocate it. */
int x86_place_purgatory(const struct kj_load_input *in, struct kj_plan *plan,
			struct purgatory *pg, uint64_t *addr, struct kj_error *err)
{
	if (x86_purgatory_open(in, plan, pg, err) < 0)
		return -1;
	struct range below = range_from_bounds(LOW_1M, x86_purgatory_limit(pg));

	if (plan_find_space(plan, space_top_down(pg->memsz, pg->align, below), addr) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM, "no room below 4 GiB for the purgatory");
	return x86_purgatory_relocate(in, pg, *addr, err);
}

int x86_add_purgatory(struct kj_plan *plan, const struct purgatory *pg, uint64_t pg_addr,
		      struct kj_error *err)
{
	plan->entry = pg_addr + pg->entry_offset;
	return plan_add(plan, "purgatory", pg->buf, pg->bufsz, pg_addr, pg->memsz, err);
}

/* Last step for every image: the plan checked, and only then the digest
 * over every segment but the purgatory (reading a large initrd only to
 * refuse it afterwards would cost seconds). */
int x86_finish(const struct kj_load_input *in, struct kj_plan *plan, struct purgatory *pg,
	       struct kj_error *err)
{
	struct purgatory_input pin[KJ_SEGMENT_MAX];
	size_t n = 0;
	unsigned cpus = in->sys->cpus;

	/* A large initrd is cut into contiguous segments, one per CPU, so
	 * that their digests are computed side by side; the kernel copies
	 * them to the same place and the purgatory checks each. */
	for (size_t i = 0; i < plan->nseg && cpus > 1 && !in->o->no_checks && !in->check_only; i++) {
		struct kj_segment *s = &plan->seg[i];
		size_t room = KJ_SEGMENT_MAX - plan->nseg + 1;
		unsigned pieces = cpus;
		int got;

		if (!s->split_ok || s->bufsz < X86_SPLIT_MIN)
			continue;
		if (pieces > s->bufsz / X86_SPLIT_PIECE_MIN)
			pieces = (unsigned)(s->bufsz / X86_SPLIT_PIECE_MIN);
		if (pieces > room)
			pieces = (unsigned)room;
		got = plan_split(plan, i, pieces, err);
		if (got < 0)
			return -1;
		i += (size_t)got - 1;
	}
	if (plan_check(plan, err) < 0)
		return -1;
	if (in->check_only)
		return 0;
	for (size_t i = 0; i < plan->nseg && !in->o->no_checks; i++) {
		if (plan->seg[i].buf == pg->buf)
			continue; /* it holds the digest */
		pin[n].buf = plan->seg[i].buf;
		pin[n].bufsz = plan->seg[i].bufsz;
		pin[n].mem = plan->seg[i].mem;
		pin[n].sha256 = plan->seg[i].has_sha256 ? plan->seg[i].sha256 : NULL;
		n++;
	}
	return purgatory_set_regions(pg, pin, n, in->sys->cpus, err);
}

/* Entry registers for a kernel or program entered at `entry`. */
void x86_set_entry(struct purgatory *pg, bool entry64, uint64_t entry, uint64_t esi)
{
	if (entry64) {
		pg->hdr->entry_mode = PURGATORY_ENTRY_64;
		pg->hdr->regs64.rip = entry;
		pg->hdr->regs64.rsi = esi;
	} else {
		/* boot.rst 32-bit protocol: %esi = boot_params, %ebp, %edi, %ebx = 0. */
		pg->hdr->entry_mode = PURGATORY_ENTRY_32;
		pg->hdr->regs32.eip = (uint32_t)entry;
		pg->hdr->regs32.esi = (uint32_t)esi;
	}
}
