/* Kexec jump: B's memory map, the ELF core header, the jump-back entry,
 * and the whole preserve-context plan for Debian's kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <cmocka.h>

#include "bootparam.h"
#include "cmdline.h"
#include "elfcore.h"
#include "exitcodes.h"
#include "jump.h"
#include "kdump-image.h"
#include "kernel-fixture.h"
#include "le.h"
#include "syscalls.h"
#include "x86.h"

#define MiB (1024ull * 1024)

static struct memmap mm;

static int setup(void **state)
{
	fixture_qemu_map(&mm);
	return 0;
}

static int teardown(void **state)
{
	memmap_free(&mm);
	return 0;
}

static void map_for_b(void **state)
{
	struct memmap b;
	struct range win = range_from_bounds(0x1000000, 0x6000000);
	struct range low = range_from_bounds(0x1000, 0x9f000);
	static const struct { uint64_t s, e; uint32_t t; } want[] = {
		{ 0x0, 0x1000, KJ_MEM_ACPI },
		{ 0x1000, 0x9f000, KJ_MEM_RAM },
		{ 0x9f000, 0x9fc00, KJ_MEM_ACPI },
		{ 0x9fc00, 0xa0000, KJ_MEM_RESERVED },
		{ 0xf0000, 0x100000, KJ_MEM_RESERVED },
		{ 0x100000, 0x1000000, KJ_MEM_ACPI },
		{ 0x1000000, 0x6000000, KJ_MEM_RAM },
		{ 0x6000000, 0x1ffe0000, KJ_MEM_ACPI },
		{ 0x1ffe0000, 0x20000000, KJ_MEM_RESERVED },
		{ 0xfffc0000, 0x100000000ull, KJ_MEM_RESERVED },
	};

	assert_int_equal(jump_memmap_for_b(&mm, win, low, &b), 0);
	assert_int_equal(b.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < b.n; i++) {
		assert_int_equal(b.e[i].r.start, want[i].s);
		assert_int_equal(range_end(b.e[i].r), want[i].e);
		assert_int_equal(b.e[i].type, want[i].t);
	}
	/* never A's memory as RAM: B's RAM is exactly window + low */
	assert_int_equal(memmap_bytes_of_type(&b, KJ_MEM_RAM), win.size + low.size);
	memmap_free(&b);
}

static void subtract(void **state)
{
	struct range ram[] = { { 0, 0xa0000 }, { 0x100000, 0x1ff00000 } };
	struct range holes[] = { { 0x5000000, 0x1000 }, { 0x1000, 0x9e000 }, { 0x1000000, 0x5000000 } };
	struct range out[8];

	/* the hole at 0x5000000 lies inside the one from 0x1000000: 4 pieces */
	assert_int_equal(ranges_subtract(ram, 2, holes, 3, out, 8), 4);
	assert_int_equal(out[0].start, 0);
	assert_int_equal(out[0].size, 0x1000);
	assert_int_equal(out[1].start, 0x9f000);
	assert_int_equal(range_end(out[1]), 0xa0000);
	assert_int_equal(out[2].start, 0x100000);
	assert_int_equal(range_end(out[2]), 0x1000000);
	assert_int_equal(out[3].start, 0x6000000);
	assert_int_equal(range_end(out[3]), 0x20000000);
	assert_int_equal(ranges_subtract(ram, 2, holes, 3, out, 3), -1);
}

static void core_header(void **state)
{
	struct range note = { 0x2d00000, 0x1024 };
	struct range loads[] = { { 0, 0x1000 }, { 0x6000000, 0x19fe0000 } };
	struct elfcore_spec spec = { .is64 = true, .machine = EM_X86_64, .notes = &note, .nnotes = 1,
				     .loads = loads, .nloads = 2 };
	uint8_t buf[4096];
	struct kj_error err = { 0, "" };
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(buf + sizeof(*eh));

	assert_int_equal(elfcore_size(&spec), sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr));
	assert_int_equal(elfcore_build(&spec, buf, sizeof(buf), &err), 0);
	assert_memory_equal(buf, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_type, ET_CORE);
	assert_int_equal(eh->e_machine, EM_X86_64);
	assert_int_equal(eh->e_phnum, 3);
	assert_int_equal(ph[0].p_type, PT_NOTE);
	assert_int_equal(ph[0].p_offset, 0x2d00000);
	assert_int_equal(ph[0].p_filesz, 0x1024);
	assert_int_equal(ph[2].p_type, PT_LOAD);
	assert_int_equal(ph[2].p_offset, 0x6000000);
	assert_int_equal(ph[2].p_paddr, 0x6000000);
	assert_int_equal(ph[2].p_filesz, 0x19fe0000);
	assert_int_equal(ph[2].p_memsz, 0x19fe0000);
	/* too small a buffer, and 32-bit above 4 GiB */
	assert_int_equal(elfcore_build(&spec, buf, 100, &err), -1);
	spec.is64 = false;
	loads[1].start = 0xfff00000;
	assert_int_equal(elfcore_build(&spec, buf, sizeof(buf), &err), -1);
	assert_non_null(strstr(err.msg, "above 4 GiB"));
}

static int cmdline_get_u64_jbe(const char *line, uint64_t *v)
{
	return cmdline_get_u64(line, "kexec_jump_back_entry", v);
}

static void jump_back_entry(void **state)
{
	uint64_t e = 0;

	assert_int_equal(cmdline_get_u64_jbe("a kexec_jump_back_entry=0x1f3c5000 b", &e), 0);
	assert_int_equal(e, 0x1f3c5000);
	assert_int_equal(cmdline_get_u64_jbe("kexec_jump_back_entry=0x0000000000abc000", &e), 0);
	assert_int_equal(e, 0xabc000);
	assert_int_equal(cmdline_get_u64_jbe("xkexec_jump_back_entry=0x10", &e), -1);
	assert_int_equal(cmdline_get_u64_jbe("kexec_jump_back_entry=0x0000000000000000", &e), -1);
	assert_int_equal(cmdline_get_u64_jbe("kexec_jump_back_entry=zz", &e), -1);
	assert_int_equal(cmdline_get_u64_jbe("root=/dev/sda", &e), -1);
}

static const struct kj_segment *find_seg(const struct kj_plan *p, const char *what)
{
	for (size_t i = 0; i < p->nseg; i++)
		if (!strncmp(p->seg[i].what, what, strlen(what)))
			return &p->seg[i];
	fail_msg("no segment '%s'", what);
	return NULL;
}

/*
 * What B's fs/proc/vmcore.c (update_note_header_size_elf64/32, 6.12 and
 * 7.2 alike) does with a PT_NOTE of max bytes: walk the notes until an
 * n_namesz of 0.  Returns the notes' size, or -1 where the kernel would
 * read a header past its buffer (the last note ends at max with no empty
 * header after it) or log "Exceeded p_memsz".
 */
static long kernel_note_walk(const uint8_t *notes, size_t max)
{
	size_t real = 0;

	for (;;) {
		uint64_t sz;

		if (max - real < 4)
			return -1; /* n_namesz read past the kmalloc'ed buffer */
		if (le32(notes + real) == 0)
			return (long)real;
		if (max - real < 12)
			return -1;
		sz = 12 + align_up(le32(notes + real), 4) + align_up(le32(notes + real + 4), 4);
		if (real + sz > max)
			return -1;
		real += sz;
	}
}

static const char vmci_text[] = "OSRELEASE=6.1.0-0-amd64\nPAGESIZE=4096\nKERNELOFFSET=1e000000\n";

static void preserve_plan(void **state)
{
	struct kj_file k;
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	static uint8_t initrd[300000];
	const struct kj_segment *bp, *hdr, *pg;
	const struct purgatory_header *h;
	const char *line, *patch;
	uint64_t covered = 0;

	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &k);
	memset(&o, 0, sizeof(o));
	o.kernel = "vmlinuz";
	o.command_line = "console=ttyS0 elfcorehdr=0x99";
	o.preserve_context = true;
	memset(&sys, 0, sizeof(sys));
	sys.arch = KJ_ARCH_X86_64;
	sys.mm = mm;
	sys.ram_pages = (500 * MiB) / 4096;
	/* A's note buffer inside B's window: B gets the copy /proc/kcore gave */
	sys.vmcoreinfo_addr = 0x2d00000;
	sys.vmcoreinfo_size = 0x1024;
	sys.vmcoreinfo_text = (uint8_t *)vmci_text;
	sys.vmcoreinfo_text_len = strlen(vmci_text);
	in.o = &o;
	in.sys = &sys;
	in.kernel = &k;
	in.initrd = initrd;
	in.initrd_size = sizeof(initrd);

	/* no window: refused with advice */
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_non_null(strstr(err.msg, "needs --mem-min and --mem-max"));
	plan_free(&p);

	o.mem_min = 0x1000000;
	o.mem_max = 0x5ffffff;
	o.mem_max_given = true;
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(p.flags & KJ_KEXEC_PRESERVE_CONTEXT);
	assert_true(p.nseg <= KJ_SEGMENT_MAX);

	/* every page of the window is a segment; nothing else but low memory
	 * and the core header lies outside it */
	for (size_t i = 0; i < p.nseg; i++) {
		struct range r = range_make(p.seg[i].mem, p.seg[i].memsz);
		if (range_contains(range_from_bounds(0x1000000, 0x6000000), r))
			covered += r.size;
		else
			assert_true(p.seg[i].outside_ok);
	}
	assert_int_equal(covered, 0x5000000);

	bp = find_seg(&p, "boot_params");
	hdr = find_seg(&p, "ELF core header");
	pg = find_seg(&p, "purgatory");
	assert_true(hdr->mem >= 0x6000000 || hdr->mem + hdr->memsz <= 0x1000000);
	line = (const char *)bp->buf + BP_SIZE;
	{
		char want[64];
		snprintf(want, sizeof(want), "elfcorehdr=0x%llx ", (unsigned long long)hdr->mem);
		assert_non_null(strstr(line, want));
	}
	assert_null(strstr(line, "elfcorehdr=0x99"));
	patch = strstr(line, "kexec_jump_back_entry=0x");
	assert_non_null(patch);
	h = pg->buf;
	assert_true(h->flags & PURGATORY_FLAG_PRESERVE_CONTEXT);
	assert_false(h->flags & PURGATORY_FLAG_KEEP_STACK);
	assert_int_equal(h->jump_back_patch, bp->mem + BP_SIZE + (uint64_t)(patch - line) + 24);
	/* B's E820 in boot_params: RAM only inside window and low memory */
	{
		const uint8_t *b = bp->buf;
		uint64_t ram = 0;
		for (unsigned i = 0; i < b[BP_E820_ENTRIES]; i++) {
			const uint8_t *e = b + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;
			if (le32(e + 16) == KJ_MEM_RAM) {
				struct range r = range_make(le64(e), le64(e + 8));
				assert_true(range_contains(range_from_bounds(0x1000000, 0x6000000), r) ||
					    range_end(r) <= 0x100000);
				ram += r.size;
			}
		}
		assert_int_equal(ram, 0x5000000 + 0x9e000);
	}
	/* the core header: VMCOREINFO and A's RAM outside every segment */
	{
		const Elf64_Ehdr *eh = hdr->buf;
		const Elf64_Phdr *ph = (const Elf64_Phdr *)((const uint8_t *)hdr->buf + eh->e_phoff);
		uint64_t sum = 0, segs_ram = 0;
		/* the copy of A's VMCOREINFO note, inside the header segment */
		assert_int_equal(ph[0].p_type, PT_NOTE);
		assert_true(ph[0].p_offset > hdr->mem && ph[0].p_offset + ph[0].p_filesz <= hdr->mem + hdr->memsz);
		assert_int_equal(ph[0].p_filesz, ph[0].p_memsz);
		{
			const uint8_t *n = (const uint8_t *)hdr->buf + (ph[0].p_offset - hdr->mem);

			assert_int_equal(kernel_note_walk(n, ph[0].p_memsz),
					 elfnote_size("VMCOREINFO", strlen(vmci_text)));
			assert_int_equal(le32(n), 11);
			assert_int_equal(le32(n + 4), strlen(vmci_text));
			assert_int_equal(le32(n + 8), 0);
			assert_memory_equal(n + 12, "VMCOREINFO", 11);
			assert_memory_equal(n + 24, vmci_text, strlen(vmci_text));
		}
		assert_false(range_overlaps(range_make(ph[0].p_offset, ph[0].p_filesz),
					    range_make(ph[1].p_offset, ph[1].p_filesz)));
		/* A's memory map, as a KEXECJMP note inside the same segment */
		assert_int_equal(ph[1].p_type, PT_NOTE);
		assert_true(ph[1].p_offset > hdr->mem && ph[1].p_offset + ph[1].p_filesz <= hdr->mem + hdr->memsz);
		{
			const uint8_t *n = (const uint8_t *)hdr->buf + (ph[1].p_offset - hdr->mem);
			const uint8_t *d = n + 12 + 12;

			/* B's kernel walks it to its end and stops at an empty
			 * header inside p_memsz */
			assert_int_equal(kernel_note_walk(n, ph[1].p_memsz),
					 elfnote_size(KJ_NOTE_NAME, 8 + 24 * mm.n));
			assert_int_equal(le32(n), 9);
			assert_memory_equal(n + 12, "KEXECJMP", 9);
			assert_int_equal(le32(n + 8), KJ_NOTE_MEMMAP);
			assert_int_equal(le32(d + 4), mm.n);
			for (size_t i = 0; i < mm.n; i++) {
				assert_int_equal(le64(d + 8 + 24 * i), mm.e[i].r.start);
				assert_int_equal(le64(d + 8 + 24 * i + 8), mm.e[i].r.size);
				assert_int_equal(le32(d + 8 + 24 * i + 16), mm.e[i].type);
			}
		}
		for (unsigned i = 2; i < eh->e_phnum; i++) {
			assert_int_equal(ph[i].p_type, PT_LOAD);
			for (size_t s = 0; s < p.nseg; s++)
				assert_false(range_overlaps(range_make(ph[i].p_paddr, ph[i].p_memsz),
							    range_make(p.seg[s].mem, p.seg[s].memsz)));
			sum += ph[i].p_memsz;
		}
		for (size_t s = 0; s < p.nseg; s++)
			segs_ram += p.seg[s].memsz;
		assert_int_equal(sum, memmap_bytes_of_type(&mm, KJ_MEM_RAM) - segs_ram);
	}
	assert_int_equal(p.nwarnings, 0);
	plan_free(&p);

	/* no copy: A's buffer in B's window is left out, and said so */
	sys.vmcoreinfo_text = NULL;
	sys.vmcoreinfo_text_len = 0;
	strcpy(sys.vmcoreinfo_why, "/proc/kcore: Operation not permitted");
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nwarnings, 1);
	assert_string_equal(p.warning[0],
			    "/proc/vmcore in kernel B will lack VMCOREINFO: A's note at 0x2d00000 lies in B's memory, and /proc/kcore: Operation not permitted");
	hdr = find_seg(&p, "ELF core header");
	{
		const Elf64_Ehdr *eh = hdr->buf;
		const Elf64_Phdr *ph = (const Elf64_Phdr *)((const uint8_t *)hdr->buf + eh->e_phoff);

		assert_int_equal(ph[0].p_type, PT_NOTE); /* the memory map, the only note */
		assert_true(ph[0].p_offset > hdr->mem && ph[0].p_offset < hdr->mem + hdr->memsz);
		assert_int_equal(ph[1].p_type, PT_LOAD);
	}
	plan_free(&p);

	/* no copy, A's buffer outside every segment: B reads it there */
	sys.vmcoreinfo_addr = 0x7000000;
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nwarnings, 0);
	hdr = find_seg(&p, "ELF core header");
	{
		const Elf64_Ehdr *eh = hdr->buf;
		const Elf64_Phdr *ph = (const Elf64_Phdr *)((const uint8_t *)hdr->buf + eh->e_phoff);

		assert_int_equal(ph[0].p_type, PT_NOTE);
		assert_int_equal(ph[0].p_offset, 0x7000000);
		assert_int_equal(ph[0].p_memsz, 0x1024);
		assert_int_equal(ph[1].p_type, PT_NOTE);
		assert_int_equal(ph[2].p_type, PT_LOAD);
	}
	plan_free(&p);

	/* neither */
	sys.vmcoreinfo_addr = sys.vmcoreinfo_size = 0;
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nwarnings, 1);
	assert_string_equal(p.warning[0],
			    "/proc/vmcore in kernel B will lack VMCOREINFO: no /sys/kernel/vmcoreinfo, and /proc/kcore: Operation not permitted");
	plan_free(&p);
	kj_file_release(&k);
}

static void helper_plan(void **state)
{
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_plan p;
	struct kj_error err = { 0, "" };

	memset(&o, 0, sizeof(o));
	o.jump_back_helper = true;
	memset(&sys, 0, sizeof(sys));
	sys.arch = KJ_ARCH_X86_64;
	sys.mm = mm;
	sys.ram_pages = 1000;
	sys.proc_cmdline = "console=ttyS0 kexec_jump_back_entry=0x000000001f3c5000";
	memset(&in, 0, sizeof(in));
	in.o = &o;
	in.sys = &sys;
	assert_int_equal(x86_build_plan(&in, &p, &err), 0);
	assert_int_equal(p.entry, 0x1f3c5000);
	assert_int_equal(p.nseg, 1);
	assert_int_equal(p.seg[0].memsz, 4096); /* a real page: 6.12 refuses zero length */
	assert_true(p.flags & KJ_KEXEC_PRESERVE_CONTEXT);
	plan_free(&p);

	o.entry_given = true;
	o.entry = 0x12345000;
	assert_int_equal(x86_build_plan(&in, &p, &err), 0);
	assert_int_equal(p.entry, 0x12345000);
	plan_free(&p);

	o.entry_given = false;
	sys.proc_cmdline = "console=ttyS0";
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_non_null(strstr(err.msg, "give --entry=ADDR"));
	plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_for_b),
		cmocka_unit_test(subtract),
		cmocka_unit_test(core_header),
		cmocka_unit_test(jump_back_entry),
		cmocka_unit_test(preserve_plan),
		cmocka_unit_test(helper_plan),
	};
	return cmocka_run_group_tests_name("jump", tests, setup, teardown);
}
