/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Crash kernels (kexec -p): what the capture kernel is given, the way the
 * kernel's own kexec_file_load does it for x86 (arch/x86/kernel/crash.c):
 *
 *  - every segment inside the "Crash kernel" region crashkernel= reserved
 *    (the kernel refuses anything else for KEXEC_ON_CRASH);
 *  - an ELF core header (elfcorehdr= on the command line): a PT_NOTE per
 *    CPU's crash notes and one for VMCOREINFO, both filled by the kernel at
 *    panic, and a PT_LOAD per range of RAM, minus the low 1 MiB (6.x
 *    kernels keep it reserved and the capture kernel uses it) and minus the
 *    crash regions (the capture kernel's own memory);
 *  - an E820 map: the RAM below 1 MiB, the ACPI tables, ACPI NVS and
 *    reserved ranges as they are, and as RAM only the crash regions minus
 *    the ELF core header.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "crash.h"
#include "elfcore.h"
#include "exitcodes.h"
#include "x86-load.h"


struct range crash_main_region(const struct kj_sysinfo *sys)
{
	struct range best = { 0, 0 };

	for (size_t i = 0; i < sys->ncrash; i++)
		if (sys->crash[i].size > best.size)
			best = sys->crash[i];
	return best;
}

int crash_capture_map(const struct memmap *mm, const struct range *crash, size_t ncrash,
		      struct range hdr, struct memmap *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < mm->n; i++) {
		const struct mem_entry *e = &mm->e[i];

		switch (e->type) {
		case KJ_MEM_RAM: {
			struct range low = range_intersect(e->r, range_from_bounds(0, LOW_1M));

			if (low.size && memmap_add(out, low, KJ_MEM_RAM) < 0)
				goto oom;
			break;
		}
		case KJ_MEM_ACPI:
		case KJ_MEM_NVS:
		case KJ_MEM_RESERVED:
			if (memmap_add(out, e->r, e->type) < 0)
				goto oom;
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < ncrash; i++) {
		struct range r = crash[i], before, after;

		/* the ELF core header must survive until /proc/vmcore reads it */
		before = range_from_bounds(r.start, range_overlaps(r, hdr) ? hdr.start : range_end(r));
		after = range_overlaps(r, hdr) ? range_from_bounds(range_end(hdr), range_end(r))
					       : range_make(0, 0);
		if ((before.size >= KJ_PAGE_SIZE && memmap_add(out, before, KJ_MEM_RAM) < 0) ||
		    (after.size >= KJ_PAGE_SIZE && memmap_add(out, after, KJ_MEM_RAM) < 0))
			goto oom;
	}
	memmap_sort(out);
	return 0;
oom:
	memmap_free(out);
	return -1;
}

int crash_dump_ranges(const struct memmap *mm, const struct range *crash, size_t ncrash,
		      struct range *out, size_t max)
{
	struct range ram[256], holes[KJ_MAX_CRASH_REGIONS + 1];
	size_t nram = 0, nh = 0;

	memmap_for_each_ram(mm, i)
		if (nram < sizeof(ram) / sizeof(ram[0]))
			ram[nram++] = mm->e[i].r;
	holes[nh++] = range_from_bounds(0, LOW_1M);
	for (size_t i = 0; i < ncrash && i < KJ_MAX_CRASH_REGIONS; i++)
		holes[nh++] = crash[i];
	return ranges_subtract(ram, nram, holes, nh, out, max);
}

int crash_begin(struct kj_plan *plan, const struct kj_sysinfo *sys, struct crash_ctx *c,
		struct kj_error *err)
{
	size_t max = sys->mm.n + KJ_MAX_CRASH_REGIONS + 2;
	struct range *loads = calloc(max, sizeof(*loads)), notes[KJ_MAX_CPUS + 1];
	struct elfcore_spec spec;
	int nl;

	memset(c, 0, sizeof(*c));
	if (!loads)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	nl = crash_dump_ranges(&sys->mm, sys->crash, sys->ncrash, loads, max);
	if (nl < 0) {
		free(loads);
		return kj_fail(err, KJ_EXIT_FAILURE, "the memory map is too fragmented for a crash header");
	}
	memset(&spec, 0, sizeof(spec));
	/* ELF64 on x86_64, and on i386 when RAM reaches above 4 GiB (PAE) */
	spec.is64 = sys->arch == KJ_ARCH_X86_64;
	for (int i = 0; i < nl; i++)
		if (range_end(loads[i]) > FOUR_GIB)
			spec.is64 = true;
	spec.machine = sys->arch == KJ_ARCH_X86_64 ? EM_X86_64 : EM_386;
	if (sys->arch == KJ_ARCH_I386) {
		spec.direct_map = ELFCORE_I386_PAGE_OFFSET;
		spec.direct_end = ELFCORE_I386_LOWMEM_END;
	}
	for (size_t i = 0; i < sys->ncpu_notes; i++)
		notes[spec.nnotes++] = sys->cpu_notes[i];
	if (sys->vmcoreinfo_size)
		notes[spec.nnotes++] = range_make(sys->vmcoreinfo_addr, sys->vmcoreinfo_size);
	else
		plan_warn(plan, "/sys/kernel/vmcoreinfo is not readable: the dump will lack VMCOREINFO");
	if (!sys->ncpu_notes)
		plan_warn(plan, "no /sys/devices/system/cpu/cpu*/crash_notes: the dump will lack the CPUs' registers");
	spec.notes = notes;
	spec.loads = loads;
	spec.nloads = (size_t)nl;
	c->hdr_size = align_up(elfcore_size(&spec), KJ_PAGE_SIZE);
	c->hdr_buf = plan_alloc(plan, c->hdr_size, "the ELF core header", err);
	if (!c->hdr_buf) {
		free(loads);
		return -1;
	}
	if (elfcore_build(&spec, c->hdr_buf, c->hdr_size, err) < 0) {
		free(loads);
		return -1;
	}
	free(loads);
	/* In the crash region (plan->place), below 4 GiB for elfcorehdr= */
	if (plan_find_space(plan, x86_below_4g(c->hdr_size), &c->hdr_addr) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "no room in the crash kernel region for the ELF core header (%zu KiB): crashkernel= is too small",
			       c->hdr_size >> 10);
	if (plan_add(plan, "ELF core header (elfcorehdr=)", c->hdr_buf, c->hdr_size, c->hdr_addr,
		     c->hdr_size, err) < 0)
		return -1;
	if (crash_capture_map(&sys->mm, sys->crash, sys->ncrash,
			      range_make(c->hdr_addr, c->hdr_size), &c->map) < 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	return 0;
}

int crash_cmdline(char **line, const struct crash_ctx *c, size_t max_len, struct kj_error *err)
{
	char v[32];

	snprintf(v, sizeof(v), "0x%" PRIx64, c->hdr_addr);
	return cmdline_set_param(line, "elfcorehdr", v, max_len, NULL, err);
}

int crash_acpi_rsdp(char **line, uint64_t rsdp, size_t max_len, struct kj_error *err)
{
	char v[32];
	uint64_t given;

	/* the user's own acpi_rsdp= stands */
	if (!rsdp || cmdline_get_u64(*line, "acpi_rsdp", &given) == 0)
		return 0;
	snprintf(v, sizeof(v), "0x%" PRIx64, rsdp);
	return cmdline_set_param(line, "acpi_rsdp", v, max_len, NULL, err);
}

void crash_free(struct crash_ctx *c)
{
	memmap_free(&c->map);
}
