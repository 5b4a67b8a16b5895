/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ELF files: their PT_LOADs placed where they ask (for an ELF kernel and
 * for a program), and a program that is not Linux run: --args-none (the
 * kernel's stack and segments, zero registers) or --args-elf (ELF boot
 * notes with the command line).
 */
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "elf-exec.h"
#include "exitcodes.h"
#include "le.h"
#include "purgatory.h"
#include "x86-load.h"

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

int x86_place_elf(const struct kj_load_input *in, struct kj_plan *plan, struct kernel_layout *k,
		  struct kj_error *err)
{
	const char *name = in->o->kernel;
	struct elf_exec elf;
	size_t i = 0;

	if (elf_exec_parse(in->kernel->data, in->kernel->size, name, &elf, err) < 0)
		return -1;
	qsort(elf.load, elf.nload, sizeof(elf.load[0]), cmp_load);
	if (in->o->type && !strcmp(in->o->type, "elf-x86_64") && elf.machine != EM_X86_64)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not an x86_64 ELF (--type elf-x86_64)", name);
	if (elf.machine == EM_X86_64 && in->sys->arch != KJ_ARCH_X86_64)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: a 64-bit ELF kernel cannot be entered from a 32-bit kernel; use its bzImage",
			       name);
	k->entry64 = elf.machine == EM_X86_64;
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
			b = plan_alloc(plan, fileend > start ? fileend - start : 1, name, err);
			if (!b)
				return -1;
			for (size_t q = i; q < j; q++)
				memcpy(b + (elf.load[q].paddr - start), elf.load[q].data,
				       elf.load[q].filesz);
			buf = b;
		}
		if (plan_add(plan, "ELF PT_LOAD", buf, fileend > start ? fileend - start : 0,
			     start, end - start, err) < 0)
			return -1;
		i = j;
	}
	return 0;
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
	uint8_t *b = plan_alloc(plan, align_up(cap, KJ_PAGE_SIZE), "the ELF boot notes", err);

	if (!b)
		return -1;
	len += put_note(b + len, EBN_FIRMWARE_TYPE, "kexec");
	len += put_note(b + len, EBN_BOOTLOADER_NAME, "kexec-jump");
	len += put_note(b + len, EBN_BOOTLOADER_VERSION, PACKAGE_VERSION);
	len += put_note(b + len, EBN_COMMAND_LINE, line);
	put_le32(b, ELF_BHDR_MAGIC);
	put_le32(b + 4, (uint32_t)len);
	put_le16(b + 10, 4); /* b_records */
	put_le16(b + 8, ip_checksum(b, len));
	if (plan_find_space(plan, x86_below_4g(len), addr) < 0)
		return kj_fail(err, KJ_EXIT_NOROOM, "no room below 4 GiB for the ELF boot notes");
	return plan_add(plan, "ELF boot notes", b, len, *addr, align_up(len, KJ_PAGE_SIZE), err);
}

/* A program that is not Linux: --args-none or --args-elf. */
int x86_program_plan(const struct kj_load_input *in, struct kj_plan *plan,
		     const struct kernel_layout *k, struct kj_error *err)
{
	const struct kj_options *o = in->o;
	uint64_t entry = o->entry_given ? o->entry : k->entry, notes = 0, pg_addr;
	struct purgatory pg;

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
	}
	if (x86_place_purgatory(in, plan, &pg, &pg_addr, err) < 0)
		return -1;
	x86_set_entry(&pg, k->entry64, entry, 0);
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
