/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the resume loader (kexec/arch/x86/resume.c
 * x86_resume_plan, with kexec/resume/stage.c under it), driven as
 * "kexec -l --args-none IMAGE" through x86_build_plan on a fixed memory
 * map (1 MiB .. 64 MiB of RAM, as tests/unit/test-stage.c), without root.
 * The input is the image; only ELF cores (ET_CORE) are tried.  The
 * running kernel is x86_64 unless the image is i386 (e_machine 3);
 * e_ident[EI_PAD] bit 0 asks for -i (no digest check); bit 1 makes the
 * kernel's half-of-RAM limit 4 MiB + e_ident[EI_PAD + 1] pages (the RAM
 * size the rule counts, not the map), so that small images go over it and
 * a core without notes has its zero pages dropped (drop_zero_pages).
 */
#include "fuzz.h"

#include <elf.h>

#include "le.h"
#include "purgatory.h"
#include "x86.h"

#define MiB (1024ull * 1024)
#define RAM_TOP (64 * MiB)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct kj_error err = { 0, "" };
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_file k;
	struct kj_load_input in = { 0 };
	struct kj_plan plan;
	int rc;

	if (n < EI_NIDENT + 4 || memcmp(d, ELFMAG, SELFMAG) || le16(d + 16) != ET_CORE)
		return 0;
	memset(&o, 0, sizeof(o));
	o.kernel = "fuzz-image.elf";
	o.elf_args = KJ_ARGS_NONE;
	o.elf_args_given = true;
	o.no_checks = d[EI_PAD] & 1;
	memset(&sys, 0, sizeof(sys));
	sys.arch = le16(d + 18) == EM_386 ? KJ_ARCH_I386 : KJ_ARCH_X86_64;
	memmap_add(&sys.mm, range_from_bounds(0, 0x9f000), KJ_MEM_RAM);
	memmap_add(&sys.mm, range_from_bounds(0xf0000, 0x100000), KJ_MEM_RESERVED);
	memmap_add(&sys.mm, range_from_bounds(0x100000, RAM_TOP), KJ_MEM_RAM);
	sys.ram_pages = RAM_TOP / 4096;
	if (d[EI_PAD] & 2)
		sys.ram_pages = 2 * ((4 * MiB) / 4096 + d[EI_PAD + 1]);
	k = (struct kj_file){ .name = "fuzz-image.elf", .data = (unsigned char *)d, .size = n, .fd = -1 };
	memset(&in, 0, sizeof(in));
	in.o = &o;
	in.sys = &sys;
	in.kernel = &k;
	fz_alloc_begin();
	rc = x86_build_plan(&in, &plan, &err);
	FUZZ_CHECK(fz_alloc_end() <= FZ_LOADER_BOUND(n));
	if (rc == 0) {
		/* a plan it makes is one the kernel takes */
		FUZZ_CHECK(plan.nseg >= 2 && plan.nseg <= KJ_SEGMENT_MAX);
		FUZZ_CHECK(plan_check(&plan, &err) == 0);
		for (size_t i = 0; i < plan.nseg; i++)
			FUZZ_CHECK(plan.seg[i].mem + plan.seg[i].memsz <= RAM_TOP);
	} else {
		FUZZ_CHECK(err.msg[0] && err.exit_code);
	}
	plan_free(&plan);
	memmap_free(&sys.mm);
	return 0;
}
