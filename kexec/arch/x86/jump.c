/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kexec jump into a Linux kernel B, and back.
 *
 * With KEXEC_PRESERVE_CONTEXT the kernel does not copy the segments over
 * its memory: it swaps each destination page with the page holding the
 * segment's data, calls the image, and swaps back when the image calls the
 * jump-back entry (relocate_kernel_64.S, swap_pages).  Whatever a segment
 * covers is therefore preserved for kernel A; whatever B touches outside
 * its segments is lost to A.  Hence the layout:
 *
 *  - B's window [--mem-min, --mem-max] is RAM for B, and every page of it
 *    is a segment: kernel, initrd, boot_params, purgatory, and zero-filled
 *    segments for the rest.  A may use that memory; the swap keeps A's
 *    contents aside while B runs.
 *  - B cannot boot without RAM below 1 MiB (the real-mode trampoline,
 *    arch/x86/realmode/init.c), and A needs its own low memory intact when
 *    it resumes: A's low RAM is lent to B as a zero segment too.
 *  - The rest of A's RAM is described to B as E820 ACPI data, not as RAM
 *    and not as plain reserved memory.  B never allocates it, x86 lets B
 *    ioremap it (so /proc/vmcore can read it: x86 refuses to ioremap RAM),
 *    and B's kexec identity map covers it (machine_kexec_64.c maps
 *    IORES_DESC_ACPI_TABLES ranges), which the jump back needs: A's entry
 *    lies in A's memory.  The other choice, a helper segment over A's entry
 *    page, would need a byte-exact copy of that page as the segment's data
 *    (the swap exchanges it) and still leave /proc/vmcore reading RAM.
 *  - An ELF core header (elfcorehdr=) lists A's RAM outside every segment
 *    as PT_LOADs, in a segment outside B's RAM.  Its notes are in that
 *    segment too: a copy of A's VMCOREINFO note (the text /proc/kcore
 *    gives: A's own note buffer may lie in B's window or in the low memory
 *    lent to B, where B reads its own data) and a KEXECJMP note with A's
 *    memory map (include/kdump-image.h): B only sees its own confined map,
 *    and kdump records the real one in saved images.  Without the copy the
 *    PT_NOTE points at A's buffer when no segment covers it, and is left
 *    out (with a warning) when one does.
 *  - The purgatory writes the address the kernel's "call" left on its
 *    stack, A's jump-back entry, into kexec_jump_back_entry= on B's command
 *    line.  In B, kexec --load-jump-back-helper loads an image with that
 *    entry and one page of B's memory (stock 6.12 refuses a zero-length
 *    segment: kimage_is_destination_range() takes mem + memsz - 1).
 *
 * What differs between the kernel lines (relocate_kernel_64.S and
 * machine_kexec_64.c of Debian's 6.12.118 and 7.2.13, read side by side):
 *  - 6.12 calls the image with %rsp at the end of the swap page and only
 *    its return address pushed; after the image returns it reads the
 *    peer's re-entry point at 0(%rsp), which after a plain "ret" is the
 *    first word of the page after the swap page.  7.2 (the 6.14 rework)
 *    also pushes the image's own entry, so 8(%rsp) holds it, pops the
 *    re-entry point from there, and a program that returns with "ret"
 *    is entered at its start again.  Both take the word at the stack
 *    pointer when the peer calls back in, which is what B's
 *    relocate_kernel and our physical-mode convention ("call *(%rsp)",
 *    tests/e2e/progs/physcall-*.S) do: the purgatory reads A's jump-back
 *    address at 0(%rsp) on both lines and nothing here depends on 8(%rsp).
 *  - 6.12 enters the image with the GDT and IDT invalidated
 *    (native_gdt_invalidate()); 7.2 loads a GDT of its own in the control
 *    page (__KERNEL32_CS, __KERNEL_CS, __KERNEL_DS) and, with
 *    CONFIG_KEXEC_DEBUG, an IDT whose handlers print on the serial port.
 *    The purgatory loads its own GDT and a null IDT unless it is asked to
 *    keep the kernel's segments (entry-x86_64.S), so it works with both.
 *  - 7.2 keeps RELOC_KERNEL_PRESERVE_CONTEXT set for the swap on the way
 *    back and turns global pages (CR4.PGE) off before the identity map;
 *    the flow of kernel_kexec() (freeze, dpm_suspend_*, the secondary CPUs
 *    parked, syscore_suspend) is the same on both, so B's command line,
 *    the helper and the segments are the same for both lines.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "elfcore.h"
#include "exitcodes.h"
#include "jump.h"
#include "le.h"
#include "kdump-image.h"
#include "syscalls.h"
#include "x86-load.h"
#include "x86.h"


static int add_piece(struct memmap *out, struct range r, uint32_t type)
{
	return r.size ? memmap_add(out, r, type) : 0;
}

int jump_memmap_for_b(const struct memmap *a, struct range window, struct range low,
		      struct memmap *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < a->n; i++) {
		const struct mem_entry *e = &a->e[i];
		uint64_t at = e->r.start, end = range_end(e->r);

		if (e->type != KJ_MEM_RAM) {
			if (memmap_add(out, e->r, e->type) < 0)
				goto oom;
			continue;
		}
		/* walk the RAM entry, cutting at the edges of low and window */
		while (at < end) {
			struct range rest = range_from_bounds(at, end);
			struct range in_low = range_intersect(rest, low);
			struct range in_win = range_intersect(rest, window);
			struct range first = in_low;
			uint64_t next;

			if (range_empty(first) || (!range_empty(in_win) && in_win.start < first.start))
				first = in_win;
			if (range_empty(first)) {
				if (add_piece(out, rest, KJ_MEM_ACPI) < 0)
					goto oom;
				break;
			}
			if (add_piece(out, range_from_bounds(at, first.start), KJ_MEM_ACPI) < 0 ||
			    add_piece(out, first, KJ_MEM_RAM) < 0)
				goto oom;
			next = range_end(first);
			at = next;
		}
	}
	memmap_sort(out);
	return 0;
oom:
	memmap_free(out);
	return -1;
}

/* A's RAM below 1 MiB, whole pages, page 0 excepted (the largest piece). */
static struct range low_ram(const struct memmap *mm)
{
	struct range best = { 0, 0 };

	memmap_for_each_ram(mm, i) {
		struct range r = range_intersect(mm->e[i].r, range_from_bounds(0x1000, LOW_1M));

		r = range_from_bounds(align_up(r.start, KJ_PAGE_SIZE),
				      align_down(range_end(r), KJ_PAGE_SIZE));
		if (r.size > best.size)
			best = r;
	}
	return best;
}

/*
 * Each of our PT_NOTEs ends with an empty note header, as the kernel's own
 * note buffers do (final_note()): B's fs/proc/vmcore.c
 * (update_note_header_size_elf64/32) reads the notes of a PT_NOTE into a
 * buffer of p_memsz bytes and walks them until an n_namesz of 0, reading
 * the next header even when the last note ends exactly at p_memsz.  Without
 * the empty header it reads past its buffer and, finding garbage there,
 * logs "Exceeded p_memsz, dropping PT_NOTE entry" with garbage sizes.
 */
#define NOTE_END_SIZE 12

#define VMCOREINFO_NAME "VMCOREINFO" /* the kernel's VMCOREINFO_NOTE_NAME, type 0 */

/* The copy of A's VMCOREINFO note and the empty header after it. */
static size_t vmcoreinfo_note_size(const struct kj_sysinfo *sys)
{
	return elfnote_size(VMCOREINFO_NAME, sys->vmcoreinfo_text_len) + NOTE_END_SIZE;
}

/* The KEXECJMP note and the empty header after it. */
static size_t memmap_note_size(const struct memmap *mm)
{
	return elfnote_size(KJ_NOTE_NAME, sizeof(struct kj_note_memmap) +
					  mm->n * sizeof(struct kj_note_memmap_entry)) +
	       NOTE_END_SIZE;
}

/* The KEXECJMP note with A's memory map at p, then the empty header (p is
 * zeroed); returns the size of both. */
static size_t put_memmap_note(uint8_t *p, const struct memmap *mm)
{
	size_t dl = sizeof(struct kj_note_memmap) + mm->n * sizeof(struct kj_note_memmap_entry);
	uint8_t *desc = calloc(1, dl);
	size_t n;

	if (!desc)
		return 0;
	put_le32(desc, 1);
	put_le32(desc + 4, (uint32_t)mm->n);
	for (size_t i = 0; i < mm->n; i++) {
		uint8_t *e = desc + sizeof(struct kj_note_memmap) + i * sizeof(struct kj_note_memmap_entry);
		put_le64(e, mm->e[i].r.start);
		put_le64(e + 8, mm->e[i].r.size);
		put_le32(e + 16, mm->e[i].type);
	}
	n = elfnote_put(p, KJ_NOTE_NAME, KJ_NOTE_MEMMAP, desc, dl);
	free(desc);
	return n + NOTE_END_SIZE;
}

/* Upper bound of the PT_LOADs: every RAM entry, cut by at most every segment. */
static size_t max_loads(const struct memmap *mm)
{
	return mm->n + KJ_SEGMENT_MAX + 1;
}

int jump_begin(struct kj_plan *plan, const struct kj_sysinfo *sys, struct range window,
	       struct jump_ctx *j, struct kj_error *err)
{
	struct elfcore_spec spec = { .is64 = true, .nnotes = 1, .nloads = max_loads(&sys->mm) };
	struct range outside, above, below;

	memset(j, 0, sizeof(*j));
	j->window = window;
	j->low = low_ram(&sys->mm);
	if (j->low.size < 64 * 1024)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "kexec jump: no RAM below 1 MiB to lend kernel B (it needs some for its real-mode trampoline)");
	if (range_overlaps(j->low, window))
		return kj_fail(err, KJ_EXIT_USAGE,
			       "kexec jump: --mem-min must be at or above 1 MiB (kernel B's low memory is lent separately)");
	if (plan_add(plan, "low memory lent to B (zero)", NULL, 0, j->low.start, j->low.size, err) < 0)
		return -1;
	plan->seg[plan->nseg - 1].outside_ok = true;

	/* The ELF core header: in A's RAM, outside the window, below 4 GiB. */
	spec.nnotes = 2;
	j->note_off = align_up(elfcore_size(&spec), 8);
	if (sys->vmcoreinfo_text_len) {
		j->vmci_off = j->note_off;
		j->note_off = align_up(j->vmci_off + vmcoreinfo_note_size(sys), 8);
	}
	j->hdr_size = align_up(j->note_off + memmap_note_size(&sys->mm), KJ_PAGE_SIZE);
	j->hdr_buf = plan_alloc(plan, j->hdr_size, "the ELF core header", err);
	if (!j->hdr_buf)
		return -1;
	outside = range_from_bounds(LOW_1M, FOUR_GIB);
	above = range_intersect(outside, range_from_bounds(range_end(window), FOUR_GIB));
	below = range_intersect(outside, range_from_bounds(0, window.start));
	if (plan_find_space(plan, space_outside_place(space_top_down(j->hdr_size, KJ_PAGE_SIZE, above)),
			    &j->hdr_addr) < 0 &&
	    plan_find_space(plan, space_outside_place(space_top_down(j->hdr_size, KJ_PAGE_SIZE, below)),
			    &j->hdr_addr) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "kexec jump: no RAM outside --mem-min/--mem-max below 4 GiB for the ELF core header");
	if (plan_add(plan, "ELF core header (elfcorehdr=)", j->hdr_buf, j->hdr_size, j->hdr_addr,
		     j->hdr_size, err) < 0)
		return -1;
	plan->seg[plan->nseg - 1].outside_ok = true;

	if (jump_memmap_for_b(&sys->mm, window, j->low, &j->b_map) < 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	return 0;
}

int jump_cmdline(char **line, const struct jump_ctx *j, size_t max_len, size_t *patch_off,
		 struct kj_error *err)
{
	char v[32];

	snprintf(v, sizeof(v), "0x%" PRIx64, j->hdr_addr);
	if (cmdline_set_param(line, "elfcorehdr", v, max_len, NULL, err) < 0)
		return -1;
	if (cmdline_set_param(line, "kexec_jump_back_entry", "0x0000000000000000", max_len,
			      patch_off, err) < 0)
		return -1;
	*patch_off += 2; /* past "0x" */
	return 0;
}

/* The end of the run of pages from at (below limit) that no segment of the
 * plan covers. */
static uint64_t free_run_end(const struct kj_plan *plan, uint64_t at, uint64_t limit)
{
	uint64_t end = at;

	while (end < limit) {
		bool used = false;
		for (size_t s = 0; s < plan->nseg; s++)
			if (range_overlaps(range_make(end, KJ_PAGE_SIZE),
					   range_make(plan->seg[s].mem, plan->seg[s].memsz)))
				used = true;
		if (used)
			break;
		end += KJ_PAGE_SIZE;
	}
	return end;
}

/* The lowest run of RAM pages inside window that no segment covers (empty
 * when every page is covered). */
static struct range lowest_free_run(const struct kj_plan *plan, const struct memmap *mm,
				    struct range window)
{
	struct range free_part = { 0, 0 };
	uint64_t at;

	memmap_for_each_ram(mm, i) {
		struct range r = range_intersect(mm->e[i].r, window);

		r = range_from_bounds(align_up(r.start, KJ_PAGE_SIZE),
				      align_down(range_end(r), KJ_PAGE_SIZE));
		if (r.size &&
		    plan_find_space(plan,
				    space_outside_place(space_bottom_up(KJ_PAGE_SIZE, KJ_PAGE_SIZE, r)),
				    &at) == 0 &&
		    (!free_part.size || at < free_part.start))
			free_part = range_from_bounds(at, free_run_end(plan, at, range_end(r)));
	}
	return free_part;
}

/* Every page of B's window is a segment (see the top of this file): zero
 * segments for the runs nothing covers yet. */
static int cover_window(struct kj_plan *plan, const struct memmap *mm, struct range window,
			struct kj_error *err)
{
	for (;;) {
		struct range free_part = lowest_free_run(plan, mm, window);

		if (!free_part.size)
			return 0;
		if (plan_add(plan, "B's memory (zero)", NULL, 0, free_part.start, free_part.size, err) < 0)
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "kexec jump: B's window needs more than %d segments; use one range of RAM for --mem-min/--mem-max",
				       KJ_SEGMENT_MAX);
	}
}

/* A's RAM outside every segment of the plan, into loads (max_loads(mm) of
 * them); their number, or -1 when there would be more. */
static int ram_outside_segments(const struct kj_plan *plan, const struct memmap *mm,
				struct range *loads)
{
	struct range ram[256], holes[KJ_SEGMENT_MAX];
	size_t nram = 0, n;

	memmap_for_each_ram(mm, i)
		if (nram < sizeof(ram) / sizeof(ram[0]))
			ram[nram++] = mm->e[i].r;
	for (n = 0; n < plan->nseg; n++)
		holes[n] = range_make(plan->seg[n].mem, plan->seg[n].memsz);
	return ranges_subtract(ram, nram, holes, n, loads, max_loads(mm));
}

static bool covered_by_segment(const struct kj_plan *plan, struct range r)
{
	for (size_t s = 0; s < plan->nseg; s++)
		if (range_overlaps(r, range_make(plan->seg[s].mem, plan->seg[s].memsz)))
			return true;
	return false;
}

/* The PT_NOTE for A's VMCOREINFO into *out: the copy in the header
 * segment, else A's own buffer if B reads A's bytes there; false (and a
 * warning) when B gets none. */
static bool vmcoreinfo_note(struct kj_plan *plan, const struct kj_sysinfo *sys,
			    const struct jump_ctx *j, struct range *out)
{
	const char *why = sys->vmcoreinfo_why[0] ? sys->vmcoreinfo_why : "/proc/kcore was not read";
	struct range a = range_make(sys->vmcoreinfo_addr, sys->vmcoreinfo_size);

	if (sys->vmcoreinfo_text_len) {
		size_t n = elfnote_put(j->hdr_buf + j->vmci_off, VMCOREINFO_NAME, 0,
				       sys->vmcoreinfo_text, sys->vmcoreinfo_text_len);

		*out = range_make(j->hdr_addr + j->vmci_off, n + NOTE_END_SIZE);
		return true;
	}
	if (!sys->vmcoreinfo_size) {
		plan_warn(plan, "/proc/vmcore in kernel B will lack VMCOREINFO: no /sys/kernel/vmcoreinfo, and %s",
			  why);
		return false;
	}
	if (covered_by_segment(plan, a)) {
		plan_warn(plan, "/proc/vmcore in kernel B will lack VMCOREINFO: A's note at 0x%" PRIx64 " lies in B's memory, and %s",
			  a.start, why);
		return false;
	}
	*out = a;
	return true;
}

/* The ELF core header: A's RAM outside every segment, A's VMCOREINFO and
 * the KEXECJMP note with A's memory map. */
static int write_core_header(struct kj_plan *plan, const struct kj_sysinfo *sys,
			     const struct jump_ctx *j, struct kj_error *err)
{
	struct range notes[2], *loads;
	struct elfcore_spec spec = { .is64 = sys->arch == KJ_ARCH_X86_64 };
	size_t note_len;
	int nl;

	spec.machine = spec.is64 ? EM_X86_64 : EM_386;
	if (sys->arch == KJ_ARCH_I386) {
		spec.direct_map = ELFCORE_I386_PAGE_OFFSET;
		spec.direct_end = ELFCORE_I386_LOWMEM_END;
	}
	loads = calloc(max_loads(&sys->mm), sizeof(*loads));
	if (!loads)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	nl = ram_outside_segments(plan, &sys->mm, loads);
	if (nl < 0) {
		free(loads);
		return kj_fail(err, KJ_EXIT_FAILURE, "kexec jump: A's memory map is too fragmented");
	}
	spec.loads = loads;
	spec.nloads = (size_t)nl;
	spec.nnotes = 0;
	if (vmcoreinfo_note(plan, sys, j, &notes[spec.nnotes]))
		spec.nnotes++;
	note_len = put_memmap_note(j->hdr_buf + j->note_off, &sys->mm);
	if (!note_len) {
		free(loads);
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	}
	notes[spec.nnotes++] = range_make(j->hdr_addr + j->note_off, note_len);
	spec.notes = notes;
	if (elfcore_build(&spec, j->hdr_buf, j->hdr_size, err) < 0) {
		free(loads);
		return -1;
	}
	free(loads);
	return 0;
}

int jump_finish(struct kj_plan *plan, const struct kj_sysinfo *sys, struct jump_ctx *j,
		struct kj_error *err)
{
	if (cover_window(plan, &sys->mm, j->window, err) < 0)
		return -1;
	return write_core_header(plan, sys, j, err);
}

void jump_free(struct jump_ctx *j)
{
	memmap_free(&j->b_map);
}

int jump_back_helper_plan(const struct kj_load_input *in, struct kj_plan *plan,
			  struct kj_error *err)
{
	uint64_t entry = in->o->entry, page;

	if (!in->o->entry_given &&
	    (!in->sys->proc_cmdline ||
	     cmdline_get_u64(in->sys->proc_cmdline, "kexec_jump_back_entry", &entry) < 0))
		return kj_fail(err, KJ_EXIT_USAGE,
			       "--load-jump-back-helper: no kexec_jump_back_entry= in /proc/cmdline (this kernel was not started by kexec jump); give --entry=ADDR");
	/* One page of this kernel's own RAM: its content does not matter, the
	 * swap gives it back when the jump returns. */
	if (plan_find_space(plan, x86_below_4g(KJ_PAGE_SIZE), &page) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM, "--load-jump-back-helper: no free page of RAM");
	if (plan_add(plan, "jump-back helper (one page)", NULL, 0, page, KJ_PAGE_SIZE, err) < 0)
		return -1;
	plan->entry = entry;
	plan->flags |= KJ_KEXEC_PRESERVE_CONTEXT;
	return plan_check(plan, err);
}
