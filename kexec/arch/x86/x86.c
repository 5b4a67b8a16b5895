/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 loading: turn a bzImage or ELF kernel, an initrd and a command line
 * into a plan of segments for kexec_load(2):
 *
 *   kernel      bzImage protected-mode code at an aligned address at or above
 *               pref_address (bottom up), or the ELF's PT_LOADs where they ask
 *   initrd      top down, below initrd_addr_max
 *   boot_params the zero page, command line right after it, below 4 GiB
 *   purgatory   below 4 GiB; the kernel jumps to it, it checks the SHA-256
 *               of the other segments and enters the kernel
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bootparam.h"
#include "bzimage.h"
#include "cmdline.h"
#include "crash.h"
#include "elf-exec.h"
#include "exitcodes.h"
#include "jump.h"
#include "le.h"
#include "syscalls.h"
#include "sha256.h"
#include "x86.h"

#define LOW_1M      0x100000ull
#define FOUR_GIB    0x100000000ull
#define SERIAL_COM1 0x3f8
#define KEXEC_ARCH_386    (3u << 16)
#define KEXEC_ARCH_X86_64 (62u << 16)
/* An initrd this large is cut in pieces of at least X86_SPLIT_PIECE_MIN for
 * digests on several CPUs; a small one stays one segment. */
#define X86_SPLIT_MIN       ((size_t)32 << 20)
#define X86_SPLIT_PIECE_MIN ((size_t)16 << 20)

uint64_t x86_dest_limit(enum kj_arch arch)
{
	/* arch/x86/include/asm/kexec.h: i386 (-1UL, 32-bit), x86_64 MAXMEM - 1
	 * (4-level paging: 64 TiB). */
	return arch == KJ_ARCH_I386 ? 0xffffffffull : (1ull << 46) - 1;
}

const char *x86_image_kind(const uint8_t *buf, size_t len)
{
	if (bzimage_probe(buf, len))
		return "bzImage";
	if (elf_probe(buf, len))
		return "ELF";
	return NULL;
}

/* What the kernel-specific part hands to the common part. */
struct kernel_layout {
	const uint8_t *setup_header; /* bzImage only */
	size_t header_end;
	size_t cmdline_max;
	uint64_t initrd_end_max;     /* exclusive */
	bool initrd_above_4g_ok;
	bool entry64;
	uint64_t entry;              /* kernel entry (64-bit: +0x200 of bzImage) */
};

static int place_bzimage(const struct kj_load_input *in, struct kj_plan *plan,
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

	memsz = align_up(bz.init_size > bz.pm_size ? bz.init_size : bz.pm_size, KJ_PAGE_SIZE);
	hi = k->entry64 && (bz.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ? UINT64_MAX : FOUR_GIB;
	if (bz.relocatable) {
		align = bz.kernel_alignment > KJ_PAGE_SIZE ? bz.kernel_alignment : KJ_PAGE_SIZE;
		/* At or above pref_address the kernel runs where it was put; below
		 * it, it moves itself up, over memory we did not reserve for it. */
		if (plan_find_space(plan, memsz, align,
				    bz.pref_address > LOW_1M ? bz.pref_address : LOW_1M, hi, false,
				    &addr) < 0 &&
		    plan_find_space(plan, memsz, align, LOW_1M, hi, false, &addr) < 0)
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

static int cmp_load(const void *a, const void *b)
{
	const struct elf_load *x = a, *y = b;
	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

/*
 * PT_LOADs that share a page become one segment (the kernel copies whole
 * pages, and destinations may not overlap).  With elf->load sorted, the
 * group starting at load i ends before the returned index; *start, *end
 * (page-rounded) and *fileend (the last file byte) describe it.  A group
 * also ends where the next PT_LOAD's first page lies past the file bytes
 * so far, even if the zeros (p_memsz) before it reach that page: the
 * segment then stops at that page and the next one starts there, so that
 * the copy a group needs holds the file's bytes and less than a page of
 * zeros per PT_LOAD, never a gap a header declares (a 300-byte file
 * with a 12 MiB p_memsz allocated 12 MiB).
 */
static size_t elf_group(const struct elf_exec *elf, size_t i, uint64_t *start, uint64_t *end,
			uint64_t *fileend)
{
	size_t j;

	*start = align_down(elf->load[i].paddr, KJ_PAGE_SIZE);
	*end = align_up(elf->load[i].paddr + elf->load[i].memsz, KJ_PAGE_SIZE);
	*fileend = elf->load[i].paddr + elf->load[i].filesz;
	for (j = i + 1; j < elf->nload && align_down(elf->load[j].paddr, KJ_PAGE_SIZE) < *end; j++) {
		uint64_t page = align_down(elf->load[j].paddr, KJ_PAGE_SIZE);

		if (page > *start && page >= align_up(*fileend, KJ_PAGE_SIZE)) {
			*end = page;
			break;
		}
		*end = align_up(elf->load[j].paddr + elf->load[j].memsz, KJ_PAGE_SIZE);
		if (elf->load[j].filesz)
			*fileend = elf->load[j].paddr + elf->load[j].filesz;
	}
	return j;
}

static int place_elf(const struct kj_load_input *in, struct kj_plan *plan,
		     struct kernel_layout *k, struct kj_error *err)
{
	const char *name = in->o->kernel;
	struct elf_exec elf;
	size_t i = 0;

	if (elf_exec_parse(in->kernel->data, in->kernel->size, name, &elf, err) < 0)
		return -1;
	qsort(elf.load, elf.nload, sizeof(elf.load[0]), cmp_load);
	if (in->o->type && !strcmp(in->o->type, "elf-x86_64") && elf.machine != ELF_EM_X86_64)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not an x86_64 ELF (--type elf-x86_64)", name);
	if (elf.machine == ELF_EM_X86_64 && in->sys->arch != KJ_ARCH_X86_64)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: a 64-bit ELF kernel cannot be entered from a 32-bit kernel; use its bzImage",
			       name);
	k->entry64 = elf.machine == ELF_EM_X86_64;
	k->entry = elf.entry;
	k->cmdline_max = 2047;         /* COMMAND_LINE_SIZE - 1 on x86 */
	k->initrd_end_max = 0x80000000; /* what the synthetic header promises */

	/* one segment per group of PT_LOADs (elf_group) */
	while (i < elf.nload) {
		uint64_t start, end, fileend;
		const void *buf;
		size_t j = elf_group(&elf, i, &start, &end, &fileend);

		if (j == i + 1 && elf.load[i].paddr == start) {
			buf = elf.load[i].data; /* used in place, no copy */
		} else {
			uint8_t *b;

			/* a copy spans the zeros between the PT_LOADs: refuse
			 * what the kernel would (half of RAM) before allocating */
			if (plan_check_ram_share((end - start) / KJ_PAGE_SIZE, plan->ram_pages,
						 "ELF PT_LOAD", err) < 0)
				return -1;
			b = calloc(1, fileend > start ? fileend - start : 1);
			if (!b)
				return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
			for (size_t q = i; q < j; q++)
				memcpy(b + (elf.load[q].paddr - start), elf.load[q].data,
				       elf.load[q].filesz);
			if (plan_own(plan, b, err) < 0)
				return -1;
			buf = b;
		}
		if (plan_add(plan, "ELF PT_LOAD", buf, fileend > start ? fileend - start : 0,
			     start, end - start, err) < 0)
			return -1;
		i = j;
	}
	return 0;
}

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
static int place_purgatory(const struct kj_load_input *in, struct kj_plan *plan,
			   struct purgatory *pg, uint64_t *addr, struct kj_error *err)
{
	if (x86_purgatory_open(in, plan, pg, err) < 0)
		return -1;
	if (plan_find_space(plan, pg->memsz, pg->align, LOW_1M, x86_purgatory_limit(pg), true,
			    addr) < 0)
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
static void set_entry(struct purgatory *pg, bool entry64, uint64_t entry, uint64_t esi)
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

/*
 * ELF boot notes (--args-elf, the etherboot convention kexec-tools follows):
 * a header { 0x0E1FB007, size, checksum, records } and ELF notes with an
 * empty name; the image gets eax (rax) = 0x0E1FB007, ebx (rbx) = their address.
 */
#define ELF_BHDR_MAGIC 0x0E1FB007u
#define EBN_FIRMWARE_TYPE 1
#define EBN_BOOTLOADER_NAME 2
#define EBN_BOOTLOADER_VERSION 3
#define EBN_COMMAND_LINE 4

static size_t put_note(uint8_t *p, uint32_t type, const char *desc)
{
	size_t dl = strlen(desc) + 1;

	put_le32(p, 0);                 /* n_namesz: the empty name */
	put_le32(p + 4, (uint32_t)dl);  /* n_descsz */
	put_le32(p + 8, type);
	memcpy(p + 12, desc, dl);
	return 12 + align_up(dl, 4);
}

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] | p[i + 1] << 8);
	if (len & 1)
		sum += p[len - 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int elf_boot_notes(const struct kj_load_input *in, struct kj_plan *plan, const char *line,
			  uint64_t *addr, struct kj_error *err)
{
	size_t cap = 12 + 4 * 12 + 64 + strlen(line) + 1 + 16, len = 12;
	uint8_t *b = calloc(1, align_up(cap, KJ_PAGE_SIZE));

	if (!b)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	if (plan_own(plan, b, err) < 0)
		return -1;
	len += put_note(b + len, EBN_FIRMWARE_TYPE, "kexec");
	len += put_note(b + len, EBN_BOOTLOADER_NAME, "kexec-jump");
	len += put_note(b + len, EBN_BOOTLOADER_VERSION, PACKAGE_VERSION);
	len += put_note(b + len, EBN_COMMAND_LINE, line);
	put_le32(b, ELF_BHDR_MAGIC);
	put_le32(b + 4, (uint32_t)len);
	put_le16(b + 10, 4); /* b_records */
	put_le16(b + 8, ip_checksum(b, len));
	if (plan_find_space(plan, len, KJ_PAGE_SIZE, LOW_1M, FOUR_GIB, true, addr) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM, "no room below 4 GiB for the ELF boot notes");
	return plan_add(plan, "ELF boot notes", b, len, *addr, align_up(len, KJ_PAGE_SIZE), err);
}

/* A program that is not Linux: --args-none or --args-elf. */
static int plan_program(const struct kj_load_input *in, struct kj_plan *plan,
			const struct kernel_layout *k, struct kj_error *err)
{
	const struct kj_options *o = in->o;
	uint64_t entry = o->entry_given ? o->entry : k->entry, notes = 0, pg_addr;
	struct purgatory pg;

	if (o->nr_initrds)
		return kj_fail(err, KJ_EXIT_USAGE, "--initrd: only --args-linux passes an initrd");
	if (o->elf_args == KJ_ARGS_ELF) {
		char *line = NULL;
		int rc;

		if (cmdline_build(o->reuse_cmdline ? in->sys->proc_cmdline : NULL, o->command_line,
				  4095, &line, err) < 0)
			return -1;
		rc = elf_boot_notes(in, plan, line, &notes, err);
		free(line);
		if (rc < 0)
			return -1;
	} else if (o->command_line || o->reuse_cmdline) {
		return kj_fail(err, KJ_EXIT_USAGE,
			       "--args-none passes no command line; use --args-linux or --args-elf");
	}
	if (place_purgatory(in, plan, &pg, &pg_addr, err) < 0)
		return -1;
	set_entry(&pg, k->entry64, entry, 0);
	if (o->elf_args == KJ_ARGS_NONE && k->entry64 == (in->sys->arch == KJ_ARCH_X86_64)) {
		/* The program sees what the kernel left: its stack and segments
		 * (so that a preserve-context program can go back to it) and
		 * zero registers. */
		pg.hdr->flags |= PURGATORY_FLAG_KEEP_STACK;
	} else if (o->elf_args == KJ_ARGS_NONE) {
		/* a 32-bit program under a 64-bit kernel: entered through the
		 * purgatory's switch to 32-bit mode, it cannot go back */
		if (o->preserve_context)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: a 32-bit program cannot return to a 64-bit kernel (--load-preserve-context)",
				       o->kernel);
	} else {
		pg.hdr->regs64.rax = ELF_BHDR_MAGIC;
		pg.hdr->regs64.rbx = notes;
		pg.hdr->regs32.eax = ELF_BHDR_MAGIC;
		pg.hdr->regs32.ebx = (uint32_t)notes;
	}
	if (x86_add_purgatory(plan, &pg, pg_addr, err) < 0)
		return -1;
	return x86_finish(in, plan, &pg, err);
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
					copy = malloc((size_t)pc[i].len);
					if (!copy || plan_own(plan, copy, err) < 0)
						return copy ? -1 : kj_fail(err, KJ_EXIT_FAILURE,
									   "out of memory joining the initrds");
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
		copy = malloc(size);
		if (!copy || plan_own(plan, copy, err) < 0)
			return copy ? -1 : kj_fail(err, KJ_EXIT_FAILURE,
						   "out of memory joining %u initrds", in->nr_initrd_parts);
		initrd_copy(in, 0, size, copy);
		buf = copy;
	}
	if (plan_add(plan, "initrd", buf, size, addr, align_up(size, KJ_PAGE_SIZE), err) < 0)
		return -1;
	plan->seg[plan->nseg - 1].split_ok = true;
	return 0;
}

static int build_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err)
{
	const struct kj_options *o = in->o;
	const struct kj_sysinfo *sys = in->sys;
	struct kernel_layout k;
	struct range place;
	struct purgatory pg;
	struct bootparam_input bpi;
	struct jump_ctx jump;
	struct crash_ctx crash;
	uint64_t initrd_addr = 0, bp_addr, pg_addr, bp_size, top;
	size_t patch_off = 0, seed_off;
	char *line = NULL;
	uint8_t *bp;
	bool is_linux, confine, crashing;
	int rc = -1;

	memset(&k, 0, sizeof(k));
	memset(&jump, 0, sizeof(jump));
	memset(&crash, 0, sizeof(crash));
	top = o->mem_max_given ? (o->mem_max == UINT64_MAX ? UINT64_MAX : o->mem_max + 1) : UINT64_MAX;
	place = range_from_bounds(o->mem_min, top);
	crashing = o->image_type == KJ_IMAGE_CRASH;
	if (crashing) {
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

	if (bzimage_probe(in->kernel->data, in->kernel->size)) {
		if (o->type && strncmp(o->type, "bzImage", 7))
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: a bzImage, not of --type %s",
				       o->kernel, o->type);
		if (o->elf_args_given)
			return kj_fail(err, KJ_EXIT_USAGE, "%s: --args-* apply to ELF images, not a bzImage",
				       o->kernel);
		is_linux = true;
	} else if (elf_probe(in->kernel->data, in->kernel->size)) {
		if (o->type && strncmp(o->type, "elf", 3))
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: an ELF file, not of --type %s",
				       o->kernel, o->type);
		if (in->kernel->size >= 18 && le16(in->kernel->data + 16) == 4 /* ET_CORE */) {
			if (o->elf_args != KJ_ARGS_NONE)
				return kj_fail(err, KJ_EXIT_USAGE,
					       "%s: an ELF core (a saved image or a vmcore copy) is resumed, not booted: load it with --args-none",
					       o->kernel);
			return x86_resume_plan(in, plan, err);
		}
		is_linux = o->elf_args == KJ_ARGS_LINUX;
	} else {
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: not a kernel this kexec can load (neither bzImage nor ELF)",
			       o->kernel);
	}
	/* A Linux kernel B jumped to with preserve-context is confined. */
	confine = o->preserve_context && is_linux;
	if (confine && !o->mem_max_given)
		return kj_fail(err, KJ_EXIT_USAGE,
			       "--load-preserve-context of a kernel needs --mem-min and --mem-max: the memory kernel B may use (e.g. --mem-min=0x1000000 --mem-max=0x5ffffff)");
	if (bzimage_probe(in->kernel->data, in->kernel->size))
		rc = place_bzimage(in, plan, &k, err);
	else
		rc = place_elf(in, plan, &k, err);
	if (rc < 0)
		return -1;
	if (!is_linux && crashing)
		return kj_fail(err, KJ_EXIT_USAGE, "%s: a crash kernel must be a Linux kernel (--args-linux)",
			       o->kernel);
	if (!is_linux)
		return plan_program(in, plan, &k, err);
	rc = -1;

	plan->cmdline_max = k.cmdline_max;
	if (cmdline_build(o->reuse_cmdline ? sys->proc_cmdline : NULL, o->command_line,
			  k.cmdline_max, &line, err) < 0)
		return -1;

	if (in->initrd_size) {
		uint64_t hi = k.initrd_end_max;
		if (plan_find_space(plan, in->initrd_size, KJ_PAGE_SIZE, LOW_1M, hi, true,
				    &initrd_addr) < 0 &&
		    !(k.initrd_above_4g_ok &&
		      plan_find_space(plan, in->initrd_size, KJ_PAGE_SIZE, LOW_1M, UINT64_MAX, true,
				      &initrd_addr) == 0)) {
			kj_fail(err, KJ_EXIT_NOROOM,
				"%s: no room for the initrd (%zu KiB) in RAM below 0x%" PRIx64
				" and within 0x%" PRIx64 "-0x%" PRIx64, o->initrds[0],
				in->initrd_size >> 10, hi, plan->place.start, range_end(plan->place));
			goto out;
		}
		/* a crash or kexec jump plan adds segments of its own later */
		if (add_initrd(in, plan, initrd_addr, !crashing && !confine, err) < 0)
			goto out;
	}

	if (crashing && (crash_begin(plan, sys, &crash, err) < 0 ||
			 crash_cmdline(&line, &crash, k.cmdline_max, err) < 0))
		goto out;
	if (confine) {
		if (jump_begin(plan, sys, place, &jump, err) < 0 ||
		    jump_cmdline(&line, &jump, k.cmdline_max, &patch_off, err) < 0)
			goto out;
	}

	/* zero page, command line, then (8-aligned) the RNG seed setup_data */
	seed_off = align_up(BP_SIZE + strlen(line) + 1, 8);
	bp_size = seed_off + BP_RNG_SEED_SIZE;
	bp = calloc(1, align_up(bp_size, KJ_PAGE_SIZE));
	if (!bp || plan_own(plan, bp, err) < 0) {
		if (!bp)
			kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
		goto out;
	}
	if (plan_find_space(plan, bp_size, KJ_PAGE_SIZE, LOW_1M, FOUR_GIB, true, &bp_addr) < 0) {
		kj_fail(err, KJ_EXIT_NOROOM, "no room below 4 GiB for boot_params and the command line");
		goto out;
	}
	memset(&bpi, 0, sizeof(bpi));
	bpi.setup_header = k.setup_header;
	bpi.header_end = k.header_end;
	bpi.e820 = crashing ? &crash.map : confine ? &jump.b_map : &sys->mm;
	bpi.cmdline_addr = bp_addr + BP_SIZE;
	bpi.initrd_addr = initrd_addr;
	bpi.initrd_size = in->initrd_size;
	/* A fresh seed for the new kernel's RNG, as kexec-tools gives (boot
	 * protocol 2.09 brought setup_data; ELF kernels get our 2.15 header). */
	if (!k.setup_header || le16(k.setup_header + BZ_VERSION) >= 0x0209) {
		bootparam_rng_seed(bp + seed_off, sys->rng_seed);
		bpi.setup_data = bp_addr + seed_off;
	}
	if (bootparam_build(bp, &bpi, err) < 0)
		goto out;
	memcpy(bp + BP_SIZE, line, strlen(line) + 1);
	if (plan_add(plan, "boot_params+cmdline", bp, bp_size, bp_addr,
		     align_up(bp_size, KJ_PAGE_SIZE), err) < 0)
		goto out;

	if (place_purgatory(in, plan, &pg, &pg_addr, err) < 0)
		goto out;
	set_entry(&pg, k.entry64, o->entry_given ? o->entry : k.entry, bp_addr);
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
