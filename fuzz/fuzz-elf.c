/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: ELF kernels and programs (elf_probe, elf_exec_parse)
 * and, for what it accepts, the x86 loader's plan (x86_build_plan) on a fixed 512 MiB QEMU
 * memory map.  The input is the file; its length picks the running
 * kernel (odd: i386) and --args-linux/none/elf (length / 2 % 3).
 */
#include "fuzz-machine.h"

#include <elf.h>

#include "elf-exec.h"

/* What elf_exec_parse promises about an image it accepts. */
static void check_image(const struct elf_exec *e, const uint8_t *d, size_t n)
{
	bool entry_in = false;

	FUZZ_CHECK(e->nload >= 1 && e->nload <= ELF_MAX_LOADS);
	FUZZ_CHECK(e->machine == EM_386 || e->machine == EM_X86_64);
	for (size_t i = 0; i < e->nload; i++) {
		const struct elf_load *l = &e->load[i];

		FUZZ_CHECK(l->memsz && l->filesz <= l->memsz);
		FUZZ_CHECK(l->data >= d && l->filesz <= (size_t)(d + n - l->data));
		FUZZ_CHECK(l->paddr + l->memsz >= l->paddr);
		if (l->filesz) /* the bytes are there */
			FUZZ_CHECK(l->data[0] == l->data[0] && l->data[l->filesz - 1] == l->data[l->filesz - 1]);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(!range_overlaps(range_make(l->paddr, l->memsz),
						   range_make(e->load[j].paddr, e->load[j].memsz)));
		entry_in = entry_in || (e->entry >= l->paddr && e->entry - l->paddr < l->memsz);
	}
	FUZZ_CHECK(entry_in);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t initrd[4096];
	static const enum kj_elf_args args[3] = { KJ_ARGS_LINUX, KJ_ARGS_NONE, KJ_ARGS_ELF };
	struct kj_error err = { 0, "" };
	struct elf_exec *e = malloc(sizeof(*e));
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_file k;
	struct kj_load_input in = { 0 };
	struct kj_plan plan;
	int rc;
	int exec_ok;

	if (!e)
		abort();
	if (elf_probe(d, n))
		FUZZ_CHECK(n >= EI_NIDENT);
	exec_ok = elf_exec_parse(d, n, "fuzz.elf", e, &err) == 0;
	if (exec_ok)
		check_image(e, d, n);
	free(e);
	if (!exec_ok)
		return 0;

	/* the loader on it */
	memset(&o, 0, sizeof(o));
	o.kernel = "fuzz.elf";
	o.elf_args = args[(n >> 1) % 3];
	o.elf_args_given = true;
	if (o.elf_args != KJ_ARGS_NONE)
		o.command_line = "console=ttyS0";
	if (o.elf_args == KJ_ARGS_LINUX) {
		o.initrds[0] = "fuzz.initrd";
		o.nr_initrds = 1;
	}
	o.no_checks = true; /* no SHA-256 of every segment: speed */
	fz_qemu_input(d, n, "fuzz.elf", &o, &sys, &k, &in);
	if (o.nr_initrds) {
		in.initrd = initrd;
		in.initrd_size = sizeof(initrd);
	}
	fz_alloc_begin();
	rc = x86_build_plan(&in, &plan, &err);
	FUZZ_CHECK(fz_alloc_end() <= FZ_LOADER_BOUND(n));
	if (rc == 0) {
		FUZZ_CHECK(plan.nseg >= 2 && plan.nseg <= KJ_SEGMENT_MAX);
		FUZZ_CHECK(plan_check(&plan, &err) == 0);
	}
	plan_free(&plan);
	memmap_free(&sys.mm);
	return 0;
}
