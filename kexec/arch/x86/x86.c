/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 loading: the image formats this kexec loads, each a loader of the
 * table below, probed once; the request checked against the loader; then
 * its plan of segments for kexec_load(2):
 *
 *   bzImage      Linux (linux.c): the protected-mode code, the initrd,
 *                boot_params and the command line
 *   ELF kernel   Linux from an ELF vmlinux (--args-linux, the default):
 *                its PT_LOADs where they ask (program.c), then as above
 *   ELF program  a program that is not Linux (--args-none, --args-elf)
 *   ELF core     a saved image or a vmcore copy, resumed (resume.c)
 *
 * and in each, the purgatory (finish.c): the kernel jumps to it, it checks
 * the SHA-256 of the other segments and enters the image.  Adding a format
 * is a parser, a plan function and one line of x86_loaders[].
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bzimage.h"
#include "crash.h"
#include "elf-exec.h"
#include "exitcodes.h"
#include "jump.h"
#include "le.h"
#include "syscalls.h"
#include "arch.h"
#include "x86-load.h"
#include "x86.h"

/* ------------------------------------------------ the arch interface */

/* kexec-tools' names: each starts with the .types of its loaders below */
const char *const arch_image_types[] = { "bzImage64", "bzImage", "elf-x86_64", "elf-x86", NULL };

int arch_from_machine(const char *machine, enum kj_arch *arch)
{
	if (!strcmp(machine, "x86_64"))
		*arch = KJ_ARCH_X86_64;
	else if (machine[0] == 'i' && !strcmp(machine + 2, "86"))
		*arch = KJ_ARCH_I386;
	else
		return -1;
	return 0;
}

const char *arch_name(enum kj_arch arch)
{
	return arch == KJ_ARCH_I386 ? "i386" : "x86_64";
}

bool arch_has_file_load(enum kj_arch arch)
{
	return arch == KJ_ARCH_X86_64; /* i386 kernels have no kexec_file_load */
}

int arch_build_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err)
{
	return x86_build_plan(in, plan, err);
}

uint64_t x86_dest_limit(enum kj_arch arch)
{
	/* arch/x86/include/asm/kexec.h: i386 (-1UL, 32-bit), x86_64 MAXMEM - 1
	 * (4-level paging: 64 TiB). */
	return arch == KJ_ARCH_I386 ? 0xffffffffull : (1ull << 46) - 1;
}

/* ----------------------------------------------------------- the loaders */

static bool probe_bzimage(const struct kj_file *f, const struct kj_options *o)
{
	return bzimage_probe(f->data, f->size);
}

static bool is_elf_core(const struct kj_file *f)
{
	return elf_probe(f->data, f->size) && f->size >= 18 && le16(f->data + 16) == 4 /* ET_CORE */;
}

static bool probe_elf_core(const struct kj_file *f, const struct kj_options *o)
{
	return is_elf_core(f);
}

static bool probe_elf_kernel(const struct kj_file *f, const struct kj_options *o)
{
	return elf_probe(f->data, f->size) && !is_elf_core(f) && o->elf_args == KJ_ARGS_LINUX;
}

static bool probe_elf_program(const struct kj_file *f, const struct kj_options *o)
{
	return elf_probe(f->data, f->size) && !is_elf_core(f) && o->elf_args != KJ_ARGS_LINUX;
}

static int plan_bzimage(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err)
{
	struct kernel_layout k;

	memset(&k, 0, sizeof(k));
	if (x86_place_bzimage(in, plan, &k, err) < 0)
		return -1;
	return x86_linux_plan(in, plan, &k, err);
}

static int plan_elf_kernel(const struct kj_load_input *in, struct kj_plan *plan,
			   struct kj_error *err)
{
	struct kernel_layout k;

	memset(&k, 0, sizeof(k));
	if (x86_place_elf(in, plan, &k, err) < 0)
		return -1;
	return x86_linux_plan(in, plan, &k, err);
}

static int plan_elf_program(const struct kj_load_input *in, struct kj_plan *plan,
			    struct kj_error *err)
{
	struct kernel_layout k;

	memset(&k, 0, sizeof(k));
	if (x86_place_elf(in, plan, &k, err) < 0)
		return -1;
	return x86_program_plan(in, plan, &k, err);
}

/* What a request must be for a loader: the options checked against the
 * image before any of it is parsed (usage errors, exit 2). */
static int check_linux(const struct kj_options *o, struct kj_error *err)
{
	/* A Linux kernel B jumped to with preserve-context is confined. */
	if (o->preserve_context && !o->mem_max_given)
		return kj_fail(err, KJ_EXIT_USAGE,
			       "--load-preserve-context of a kernel needs --mem-min and --mem-max: the memory kernel B may use (e.g. --mem-min=0x1000000 --mem-max=0x5ffffff)");
	return 0;
}

static int check_bzimage(const struct kj_options *o, struct kj_error *err)
{
	if (o->elf_args_given)
		return kj_fail(err, KJ_EXIT_USAGE, "%s: --args-* apply to ELF images, not a bzImage",
			       o->kernel);
	return check_linux(o, err);
}

static int check_elf_core(const struct kj_options *o, struct kj_error *err)
{
	if (o->elf_args != KJ_ARGS_NONE)
		return kj_fail(err, KJ_EXIT_USAGE,
			       "%s: an ELF core (a saved image or a vmcore copy) is resumed, not booted: load it with --args-none",
			       o->kernel);
	if (o->preserve_context)
		return kj_fail(err, KJ_EXIT_USAGE,
			       "%s: a resumed kernel does not come back: load it without --load-preserve-context",
			       o->kernel);
	if (o->nr_initrds || o->command_line || o->reuse_cmdline)
		return kj_fail(err, KJ_EXIT_USAGE, "%s: a saved image takes no initrd or command line",
			       o->kernel);
	return 0;
}

static int check_elf_program(const struct kj_options *o, struct kj_error *err)
{
	if (o->image_type == KJ_IMAGE_CRASH)
		return kj_fail(err, KJ_EXIT_USAGE,
			       "%s: a crash kernel must be a Linux kernel (--args-linux)", o->kernel);
	if (o->nr_initrds)
		return kj_fail(err, KJ_EXIT_USAGE, "--initrd: only --args-linux passes an initrd");
	if (o->elf_args == KJ_ARGS_NONE && (o->command_line || o->reuse_cmdline))
		return kj_fail(err, KJ_EXIT_USAGE,
			       "--args-none passes no command line; use --args-linux or --args-elf");
	return 0;
}

static const struct x86_loader {
	const char *name;      /* the format */
	const char *what;      /* what a message calls it */
	const char *types;     /* the --type names it answers to start with this */
	bool (*probe)(const struct kj_file *f, const struct kj_options *o);
	int (*check)(const struct kj_options *o, struct kj_error *err);
	int (*plan)(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err);
} x86_loaders[] = {
	{ "bzImage", "a bzImage", "bzImage", probe_bzimage, check_bzimage, plan_bzimage },
	{ "ELF", "an ELF file", "elf", probe_elf_core, check_elf_core, x86_resume_plan },
	{ "ELF", "an ELF file", "elf", probe_elf_kernel, check_linux, plan_elf_kernel },
	{ "ELF", "an ELF file", "elf", probe_elf_program, check_elf_program, plan_elf_program },
};
#define X86_NR_LOADERS (sizeof(x86_loaders) / sizeof(x86_loaders[0]))

static const struct x86_loader *find_loader(const struct kj_file *f, const struct kj_options *o)
{
	for (size_t i = 0; i < X86_NR_LOADERS; i++)
		if (x86_loaders[i].probe(f, o))
			return &x86_loaders[i];
	return NULL;
}

/* ---------------------------------------------------------- the request */

static int build_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err)
{
	const struct kj_options *o = in->o;
	const struct kj_sysinfo *sys = in->sys;
	const struct x86_loader *l;
	struct range place;
	uint64_t top;

	top = o->mem_max_given ? (o->mem_max == UINT64_MAX ? UINT64_MAX : o->mem_max + 1) : UINT64_MAX;
	place = range_from_bounds(o->mem_min, top);
	if (o->image_type == KJ_IMAGE_CRASH) {
		/* everything goes into the crash kernel region */
		if (!sys->ncrash)
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "no memory is reserved for a crash kernel (no \"Crash kernel\" in /proc/iomem): boot with crashkernel=256M");
		place = range_intersect(place, crash_main_region(sys));
	}
	plan_init(plan, &sys->mm, place, sys->ram_pages, x86_dest_limit(sys->arch));
	plan->flags = sys->arch == KJ_ARCH_I386 ? KEXEC_ARCH_386 : KEXEC_ARCH_X86_64;
	if (o->preserve_context || o->jump_back_helper)
		plan->flags |= KJ_KEXEC_PRESERVE_CONTEXT;
	if (o->jump_back_helper)
		return jump_back_helper_plan(in, plan, err);

	l = find_loader(in->kernel, o);
	if (!l)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: not a kernel this kexec can load (neither bzImage nor ELF)",
			       o->kernel);
	if (o->type && strncmp(o->type, l->types, strlen(l->types)))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s, not of --type %s", o->kernel, l->what,
			       o->type);
	if (l->check && l->check(o, err) < 0)
		return -1;
	return l->plan(in, plan, err);
}

int x86_build_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err)
{
	int rc = build_plan(in, plan, err);

	if (rc < 0 && in->o->image_type == KJ_IMAGE_CRASH && in->sys->ncrash &&
	    err->exit_code == KJ_EXIT_NOROOM) {
		/* what does not fit, fits in a larger reservation */
		struct range cr = crash_main_region(in->sys);
		size_t len = strlen(err->msg);

		snprintf(err->msg + len, sizeof(err->msg) - len,
			 "; the crash kernel region 0x%" PRIx64 "-0x%" PRIx64 " holds %" PRIu64
			 " MiB: boot with a larger crashkernel=",
			 cr.start, range_end(cr), cr.size >> 20);
	}
	return rc;
}
