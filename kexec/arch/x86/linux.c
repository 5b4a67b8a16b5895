/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Booting Linux (a bzImage, or an ELF vmlinux with --args-linux): the
 * kernel placed (bzImage here, ELF in program.c), then the initrd top
 * down below initrd_addr_max, boot_params with the command line right
 * after it below 4 GiB, the crash kernel's or kexec jump's parts, and the
 * purgatory (finish.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bootparam.h"
#include "bzimage.h"
#include "cmdline.h"
#include "crash.h"
#include "efi.h"
#include "exitcodes.h"
#include "jump.h"
#include "le.h"
#include "purgatory.h"
#include "x86-load.h"

/* An initrd this large may be laid out as pieces without a copy (several
 * files) and cut for digests on several CPUs (finish.c). */
#define X86_SPLIT_MIN ((size_t)32 << 20)

int x86_place_bzimage(const struct kj_load_input *in, struct kj_plan *plan,
		      struct kernel_layout *k, struct kj_error *err)
{
	const char *name = in->o->kernel;
	struct bzimage bz;
	uint64_t memsz, align, addr, hi;
	bool want64;

	if (bzimage_parse(in->kernel->data, in->kernel->size, name, &bz, err) < 0)
		return -1;
	want64 = in->sys->arch == KJ_ARCH_X86_64 && !in->o->entry_32bit;
	if (in->o->type && !strcmp(in->o->type, "bzImage64") && !(bz.xloadflags & XLF_KERNEL_64))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not a 64-bit kernel (--type bzImage64)", name);
	k->entry64 = want64 && (bz.xloadflags & XLF_KERNEL_64);
	k->efi_kexec = (bz.xloadflags & XLF_EFI_KEXEC) != 0;

	memsz = align_up(bz.init_size > bz.pm_size ? bz.init_size : bz.pm_size, KJ_PAGE_SIZE);
	hi = k->entry64 && (bz.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ? UINT64_MAX : FOUR_GIB;
	if (bz.relocatable) {
		align = bz.kernel_alignment > KJ_PAGE_SIZE ? bz.kernel_alignment : KJ_PAGE_SIZE;
		/* At or above pref_address the kernel runs where it was put; below
		 * it, it moves itself up, over memory we did not reserve for it. */
		uint64_t pref = bz.pref_address > LOW_1M ? bz.pref_address : LOW_1M;

		if (plan_find_space(plan, space_bottom_up(memsz, align, range_from_bounds(pref, hi)),
				    &addr) < 0 &&
		    plan_find_space(plan, space_bottom_up(memsz, align, range_from_bounds(LOW_1M, hi)),
				    &addr) < 0)
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "%s: no room for the kernel (%" PRIu64 " KiB, aligned to 0x%" PRIx64
				       ") in RAM between 0x%" PRIx64 " and 0x%" PRIx64, name,
				       memsz >> 10, align, plan->place.start, range_end(plan->place));
	} else {
		addr = bz.pref_address;
	}
	if (plan_add(plan, "kernel", bz.pm, bz.pm_size, addr, memsz, err) < 0)
		return -1;
	k->setup_header = bz.setup;
	k->header_end = bz.header_end;
	k->cmdline_max = bz.cmdline_size;
	k->initrd_end_max = (uint64_t)bz.initrd_addr_max + 1;
	k->initrd_above_4g_ok = k->entry64 && (bz.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);
	/* boot.rst: the 64-bit entry is 0x200 past the 32-bit one. */
	k->entry = k->entry64 ? addr + 0x200 : addr;
	return 0;
}

/*
 * Several initrds, end to end from one address, as one initrd for the
 * kernel.  A segment starts on a page, so a file whose size is not a
 * multiple of the page size cannot be followed by the next file's mapped
 * pages: the pages where one file ends and the next begins are built
 * (a "seam", copied), every whole page of a file is its mapping.  Each
 * piece is a segment; when they do not fit in kexec_load(2)'s 16 segments,
 * or the initrds are small (a join costs less than the segments), the
 * files are joined in one copy.
 */
struct initrd_piece {
	uint64_t off, len;      /* in the joined initrd */
	const uint8_t *direct;  /* the file's own bytes, or NULL for a seam */
};

/* The joined initrd's bytes [from, to) into dst. */
static void initrd_copy(const struct kj_load_input *in, uint64_t from, uint64_t to, uint8_t *dst)
{
	uint64_t a = 0;

	for (unsigned i = 0; i < in->nr_initrd_parts && from < to; i++) {
		uint64_t b = a + in->initrd_parts[i].size;

		if (from < b) {
			uint64_t end = to < b ? to : b;

			memcpy(dst, in->initrd_parts[i].data + (from - a), (size_t)(end - from));
			dst += end - from;
			from = end;
		}
		a = b;
	}
}

/* The pieces of the joined initrd (at most max); returns how many, or
 * max + 1 when it takes more. */
static size_t initrd_layout(const struct kj_load_input *in, struct initrd_piece *pc, size_t max)
{
	uint64_t pos = 0, a = 0;
	size_t n = 0;

#define PIECE(o, l, d) do {                                              \
		if (n == max)                                              \
			return max + 1;                                    \
		pc[n].off = (o), pc[n].len = (l), pc[n].direct = (d);      \
		n++;                                                       \
	} while (0)
	for (unsigned i = 0; i < in->nr_initrd_parts; i++) {
		const struct kj_file *f = &in->initrd_parts[i];
		uint64_t b = a + f->size;
		uint64_t rs = align_up(a, KJ_PAGE_SIZE);
		uint64_t re = i + 1 == in->nr_initrd_parts ? b : align_down(b, KJ_PAGE_SIZE);

		if (rs < pos)
			rs = pos;
		if (re > rs) {
			if (pos < rs)
				PIECE(pos, rs - pos, NULL);
			PIECE(rs, re - rs, f->data + (rs - a));
			pos = re;
		}
		a = b;
	}
	if (pos < in->initrd_size)
		PIECE(pos, in->initrd_size - pos, NULL);
#undef PIECE
	return n;
}

static int add_initrd(const struct kj_load_input *in, struct kj_plan *plan, uint64_t addr,
		      bool may_spread, struct kj_error *err)
{
	const uint8_t *buf = in->initrd;
	size_t size = in->initrd_size;
	uint8_t *copy;

	if (!buf) {
		struct initrd_piece pc[KJ_SEGMENT_MAX];
		size_t room = plan->nseg + 2 < KJ_SEGMENT_MAX ? KJ_SEGMENT_MAX - plan->nseg - 2 : 0;
		size_t n = 0;

		/* room: boot_params and the purgatory still come */
		if (may_spread && size >= X86_SPLIT_MIN && room)
			n = initrd_layout(in, pc, room);
		if (n >= 1 && n <= room) {
			for (size_t i = 0; i < n; i++) {
				const uint8_t *b = pc[i].direct;

				if (!b) {
					copy = plan_alloc(plan, (size_t)pc[i].len, "joining the initrds",
							  err);
					if (!copy)
						return -1;
					initrd_copy(in, pc[i].off, pc[i].off + pc[i].len, copy);
					b = copy;
				}
				if (plan_add(plan, pc[i].direct ? "initrd" : "initrd seam", b,
					     (size_t)pc[i].len, addr + pc[i].off,
					     align_up(pc[i].len, KJ_PAGE_SIZE), err) < 0)
					return -1;
				plan->seg[plan->nseg - 1].split_ok = true;
			}
			return 0;
		}
		copy = plan_alloc(plan, size, "joining the initrds", err);
		if (!copy)
			return -1;
		initrd_copy(in, 0, size, copy);
		buf = copy;
	}
	if (plan_add(plan, "initrd", buf, size, addr, align_up(size, KJ_PAGE_SIZE), err) < 0)
		return -1;
	plan->seg[plan->nseg - 1].split_ok = true;
	return 0;
}

/* Where an initrd of size bytes goes: top down below the kernel's
 * initrd_addr_max, or anywhere when the kernel takes one above 4 GiB. */
static int initrd_space(struct kj_plan *plan, const struct kernel_layout *k, uint64_t size,
			uint64_t *addr)
{
	if (plan_find_space(plan, space_top_down(size, KJ_PAGE_SIZE,
						 range_from_bounds(LOW_1M, k->initrd_end_max)),
			    addr) == 0)
		return 0;
	if (k->initrd_above_4g_ok &&
	    plan_find_space(plan, space_top_down(size, KJ_PAGE_SIZE,
						 range_from_bounds(LOW_1M, UINT64_MAX)),
			    addr) == 0)
		return 0;
	return -1;
}

/* The initrd: where initrd_space() finds room; in pieces where that helps
 * (add_initrd) unless a crash or kexec jump plan adds segments of its own
 * later (may_spread false). */
static int place_initrd(const struct kj_load_input *in, struct kj_plan *plan,
			const struct kernel_layout *k, bool may_spread, uint64_t *addr,
			struct kj_error *err)
{
	uint64_t hi = k->initrd_end_max;

	if (initrd_space(plan, k, in->initrd_size, addr) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "%s: no room for the initrd (%zu KiB) in RAM below 0x%" PRIx64
			       " and within 0x%" PRIx64 "-0x%" PRIx64, in->o->initrds[0],
			       in->initrd_size >> 10, hi, plan->place.start, range_end(plan->place));
	return add_initrd(in, plan, *addr, may_spread, err);
}

/*
 * Whether the new kernel gets this kernel's EFI state (efi_info, SETUP_EFI
 * and the runtime map), as the kernel's own kexec_file_load(2) gives it
 * (setup_efi_state()).  Without it a kernel started on an EFI machine
 * finds no EFI (no runtime services, no efivars) and, unless the RSDP is
 * passed, no ACPI tables: one CPU, no ACPI power-off.
 */
static bool pass_efi(const struct kj_load_input *in, const struct kernel_layout *k,
		     struct kj_plan *plan)
{
	const struct kj_efi *e = &in->sys->efi;

	if (!e->booted)
		return false;
	if (in->o->noefi) {
		plan_note(plan, "efi: not passed (--noefi)");
		return false;
	}
	if (!e->usable) {
		plan_warn(plan, "EFI is not passed to the new kernel: %s; it will run without EFI runtime services (--noefi silences this)",
			  e->why);
		return false;
	}
	/* Only the 64-bit entry of a kernel that says it can take the EFI
	 * state from kexec (XLF_EFI_KEXEC, boot protocol 2.12) reads it. */
	if (!k->entry64 || !k->efi_kexec) {
		plan_note(plan, "efi: not passed (%s)",
			  !k->entry64	      ? "the kernel is entered at its 32-bit entry"
			  : !k->setup_header ? "an ELF kernel has no boot header to say it takes EFI from kexec"
					      : "the kernel does not set XLF_EFI_KEXEC");
		return false;
	}
	return true;
}

/*
 * The EFI stub's initrd table, when the next kernel gets this one's EFI
 * state.  A kernel whose initrd the EFI stub loaded (OVMF's -initrd,
 * systemd-boot, any LoadFile2 initrd) finds it through a
 * LINUX_EFI_INITRD_MEDIA_GUID configuration table that the stub put in
 * EFI loader data: memory this kernel freed and reuses once booted, while
 * the firmware's configuration table, handed on in SETUP_EFI, still points
 * there.  The next kernel reads that table in efi_config_parse_tables()
 * unless its phys_initrd_size is already set (initrdmem=); 7.2, unlike
 * 6.12, also writes 16 zero bytes to it (drivers/firmware/efi/efi.c,
 * "tbl->base = tbl->size = 0"): into whatever lies there now.  After a plain
 * kexec that is memory of the new kernel's own (its initrd, say); after a
 * kexec jump it is kernel A's, outside B's window (seen: a page of
 * busybox's text in A's page cache, every new process crashing after the
 * return); and where the boot_params have no initrd, 6.12 and 7.2 take
 * the stale base and size as the initrd.  So with the EFI state, the new
 * kernel always gets an initrd, and initrdmem= naming it: the user's, or an
 * empty initramfs (the newc trailer alone, unpacked as nothing).  The
 * kernel's own kexec_file_load(2) hands on the same table and has no such
 * guard (its initrd address is the kernel's choice, unknown here).
 */
static const char EMPTY_NEWC[] = "070701" "00000000" "00000000" "00000000" "00000000"
				 "00000001" "00000000" "00000000" "00000000" "00000000"
				 "00000000" "00000000" "0000000B" "00000000" "TRAILER!!!";

static int efi_initrd_guard(struct kj_plan *plan, const struct kernel_layout *k, char **line,
			    size_t max, uint64_t *initrd_addr, uint64_t *initrd_size,
			    struct kj_error *err)
{
	char value[48];

	if (!*initrd_size) {
		/* the trailer, its NUL and padding to 4 bytes: 124 */
		size_t n = align_up(sizeof(EMPTY_NEWC), 4);
		uint8_t *b = plan_alloc(plan, n, "empty initramfs", err);

		if (!b)
			return -1;
		memset(b, 0, n);
		memcpy(b, EMPTY_NEWC, sizeof(EMPTY_NEWC));
		if (initrd_space(plan, k, n, initrd_addr) < 0)
			return kj_fail(err, KJ_EXIT_NOROOM,
				       "no room below 0x%" PRIx64 " (initrd_addr_max) for the empty initramfs the EFI state needs",
				       k->initrd_end_max);
		if (plan_add(plan, "empty initramfs (EFI initrd table guard)", b, n, *initrd_addr,
			     KJ_PAGE_SIZE, err) < 0)
			return -1;
		*initrd_size = n;
	}
	snprintf(value, sizeof(value), "0x%" PRIx64 ",0x%" PRIx64, *initrd_addr, *initrd_size);
	plan_note(plan, "efi: initrdmem=%s (the EFI stub's initrd table is stale)", value);
	return cmdline_set_param(line, "initrdmem", value, max, NULL, err);
}

/* The zero page, the command line right after it, then (8-aligned) the RNG
 * seed setup_data and, for an EFI machine, the SETUP_EFI setup_data and
 * the runtime map: one segment below 4 GiB.  bpi comes with the kernel's
 * header, the memory map and the initrd filled in. */
static int add_boot_params(const struct kj_load_input *in, struct kj_plan *plan,
			   bool pass_efi_state, struct bootparam_input *bpi, const char *line,
			   uint64_t *bp_addr, struct kj_error *err)
{
	const struct kj_efi *e = &in->sys->efi;
	/* boot protocol 2.09 brought setup_data; ELF kernels get our 2.15 header
	 * (XLF_EFI_KEXEC came with 2.12) */
	bool setup_data = !bpi->setup_header || le16(bpi->setup_header + BZ_VERSION) >= 0x0209;
	bool efi = setup_data && pass_efi_state;
	size_t seed_off = align_up(BP_SIZE + strlen(line) + 1, 8);
	size_t efi_off = seed_off + BP_RNG_SEED_SIZE;
	size_t map_off = efi_off + BP_EFI_SETUP_SIZE;
	uint64_t bp_size = efi ? map_off + e->nmap * EFI_MEMDESC_SIZE : efi_off;
	uint8_t *bp = plan_alloc(plan, align_up(bp_size, KJ_PAGE_SIZE), "boot_params", err);
	struct bootparam_efi bpe;

	if (!bp)
		return -1;
	if (plan_find_space(plan, x86_below_4g(bp_size), bp_addr) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM,
			       "no room below 4 GiB for boot_params and the command line");
	bpi->cmdline_addr = *bp_addr + BP_SIZE;
	/* A fresh seed for the new kernel's RNG, as kexec-tools gives. */
	if (setup_data) {
		bootparam_rng_seed(bp + seed_off, in->sys->rng_seed);
		bpi->setup_data = *bp_addr + seed_off;
	}
	if (efi) {
		memset(&bpe, 0, sizeof(bpe));
		bpe.loader_signature = e->bp.loader_signature;
		bpe.systab = e->bp.systab;
		bpe.memdesc_version = e->bp.memdesc_version;
		bpe.memdesc_size = EFI_MEMDESC_SIZE;
		bpe.memmap = *bp_addr + map_off;
		bpe.memmap_size = (uint32_t)(e->nmap * EFI_MEMDESC_SIZE);
		bpe.secure_boot = e->bp.secure_boot;
		bpi->efi = &bpe;
		bootparam_efi_setup(bp + efi_off, e->fw_vendor, e->config_table, e->tab.smbios);
		bootparam_setup_chain(bp + seed_off, *bp_addr + efi_off);
		efi_put_map(bp + map_off, e->map, e->nmap);
		plan_note(plan, "efi: system table 0x%" PRIx64 ", fw_vendor 0x%" PRIx64
			  ", config tables 0x%" PRIx64 ", SMBIOS 0x%" PRIx64 ", runtime map %zu entries",
			  e->bp.systab, e->fw_vendor, e->config_table, e->tab.smbios, e->nmap);
	}
	/* Where the ACPI tables are, as both the kernel's loader and
	 * kexec-tools always pass it: on an EFI machine without the EFI state
	 * (--noefi, a 32-bit entry) the new kernel finds them only so. */
	bpi->acpi_rsdp = e->acpi_rsdp;
	if (e->acpi_rsdp)
		plan_note(plan, "acpi: RSDP 0x%" PRIx64, e->acpi_rsdp);
	if (bootparam_build(bp, bpi, err) < 0)
		return -1;
	bpi->efi = NULL;
	memcpy(bp + BP_SIZE, line, strlen(line) + 1);
	return plan_add(plan, "boot_params+cmdline", bp, bp_size, *bp_addr,
			align_up(bp_size, KJ_PAGE_SIZE), err);
}

/* The command line the user asked for, within the kernel's limit: kept in
 * the plan, as kexec_file_load(2) passes it. */
static int user_cmdline(const struct kj_load_input *in, struct kj_plan *plan, size_t max,
			char **line, struct kj_error *err)
{
	const struct kj_options *o = in->o;
	char *copy;

	if (cmdline_build(o->reuse_cmdline ? in->sys->proc_cmdline : NULL, o->command_line, max,
			  line, err) < 0)
		return -1;
	copy = strdup(*line);
	if (!copy)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	if (plan_own(plan, copy, err) < 0)
		return -1;
	plan->cmdline = copy;
	return 0;
}

int x86_linux_plan(const struct kj_load_input *in, struct kj_plan *plan,
		   const struct kernel_layout *k, struct kj_error *err)
{
	const struct kj_options *o = in->o;
	const struct kj_sysinfo *sys = in->sys;
	struct purgatory pg;
	struct bootparam_input bpi;
	struct jump_ctx jump;
	struct crash_ctx crash;
	uint64_t initrd_addr = 0, initrd_size = in->initrd_size, bp_addr, pg_addr;
	size_t patch_off = 0;
	char *line = NULL;
	/* A Linux kernel B jumped to with preserve-context is confined. */
	bool confine = o->preserve_context, crashing = o->image_type == KJ_IMAGE_CRASH;
	bool efi = pass_efi(in, k, plan);
	int rc = -1;

	memset(&jump, 0, sizeof(jump));
	memset(&crash, 0, sizeof(crash));
	if (user_cmdline(in, plan, k->cmdline_max, &line, err) < 0)
		goto out;
	if (in->initrd_size &&
	    place_initrd(in, plan, k, !crashing && !confine, &initrd_addr, err) < 0)
		goto out;
	if (efi && efi_initrd_guard(plan, k, &line, k->cmdline_max, &initrd_addr, &initrd_size, err) < 0)
		goto out;
	if (crashing && (crash_begin(plan, sys, &crash, err) < 0 ||
			 crash_cmdline(&line, &crash, k->cmdline_max, err) < 0 ||
			 (!efi && crash_acpi_rsdp(&line, sys->efi.acpi_rsdp, k->cmdline_max, err) < 0)))
		goto out;
	if (confine && (jump_begin(plan, sys, plan->place, &jump, err) < 0 ||
			jump_cmdline(&line, &jump, k->cmdline_max, &patch_off, err) < 0))
		goto out;

	memset(&bpi, 0, sizeof(bpi));
	bpi.setup_header = k->setup_header;
	bpi.header_end = k->header_end;
	bpi.e820 = crashing ? &crash.map : confine ? &jump.b_map : &sys->mm;
	bpi.initrd_addr = initrd_addr;
	bpi.initrd_size = initrd_size;
	if (add_boot_params(in, plan, efi, &bpi, line, &bp_addr, err) < 0)
		goto out;

	if (x86_place_purgatory(in, plan, &pg, &pg_addr, err) < 0)
		goto out;
	x86_set_entry(&pg, k->entry64, o->entry_given ? o->entry : k->entry, bp_addr);
	if (x86_add_purgatory(plan, &pg, pg_addr, err) < 0)
		goto out;
	if (confine) {
		pg.hdr->jump_back_patch = bpi.cmdline_addr + patch_off;
		if (jump_finish(plan, sys, &jump, err) < 0)
			goto out;
	}
	rc = x86_finish(in, plan, &pg, err);
out:
	free(line);
	jump_free(&jump);
	crash_free(&crash);
	return rc;
}
