/* The planner: finding space, and the kernel's rules checked before the call. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bootparam.h"
#include "le.h"
#include "exitcodes.h"
#include "kernel-fixture.h"
#include "plan.h"
#include "sha256.h"
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

/* The purgatory header's regions are the plan's first n segments, and its
 * digest is the SHA-256 of their SHA-256s (purgatory-abi.h). */
static void assert_regions_digest(const struct purgatory_header *h, const struct kj_plan *p,
				  size_t n)
{
	struct sha256_ctx c;
	uint8_t d[32];

	sha256_init(&c);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(h->regions[i].start, p->seg[i].mem);
		assert_int_equal(h->regions[i].size, p->seg[i].bufsz);
		sha256(p->seg[i].buf, p->seg[i].bufsz, d);
		sha256_update(&c, d, 32);
	}
	sha256_final(&c, d);
	assert_memory_equal(d, h->sha256, 32);
}

static void plan_default(struct kj_plan *p)
{
	plan_init(p, &mm, range_make(0, UINT64_MAX), (500 * MiB) / 4096, (1ull << 46) - 1);
}

/* [lo, the end of the address space) */
static struct range above(uint64_t lo)
{
	return range_from_bounds(lo, UINT64_MAX);
}

static void find_space_basics(void **state)
{
	struct kj_plan p;
	uint64_t at;

	plan_default(&p);
	/* bottom up from 16 MiB, 2 MiB aligned */
	assert_int_equal(plan_find_space(&p, space_bottom_up(10 * MiB, 2 * MiB, above(16 * MiB)), &at), 0);
	assert_int_equal(at, 16 * MiB);
	assert_int_equal(plan_add(&p, "k", NULL, 0, at, 10 * MiB, NULL), 0);
	/* the next one goes after it, aligned */
	assert_int_equal(plan_find_space(&p, space_bottom_up(1 * MiB, 2 * MiB, above(16 * MiB)), &at), 0);
	assert_int_equal(at, 26 * MiB);
	/* top down: the last whole page of RAM below the reserved top */
	assert_int_equal(plan_find_space(&p, space_top_down(4096, 4096, above(MiB)), &at), 0);
	assert_int_equal(at, 0x1ffdf000);
	/* below 640 KiB when asked, never in the reserved hole */
	assert_int_equal(plan_find_space(&p, space_top_down(8192, 4096, range_from_bounds(0, 0xa0000)), &at), 0);
	assert_int_equal(at, 0x9d000);
	/* no room */
	assert_int_equal(plan_find_space(&p, space_top_down(600 * MiB, 4096, above(0)), &at), -1);
	plan_free(&p);
}

static void find_space_skips_segments(void **state)
{
	struct kj_plan p;
	uint64_t at;

	plan_default(&p);
	plan_add(&p, "a", NULL, 0, 0x1ff00000, 0xdf000, NULL); /* up to the top of RAM */
	assert_int_equal(plan_find_space(&p, space_top_down(0x2000, 4096, above(MiB)), &at), 0);
	assert_int_equal(at, 0x1fefe000);
	plan_add(&p, "b", NULL, 0, MiB, MiB, NULL);
	assert_int_equal(plan_find_space(&p, space_bottom_up(0x2000, 4096, above(MiB)), &at), 0);
	assert_int_equal(at, 2 * MiB);
	plan_free(&p);
}

static void mem_min_max(void **state)
{
	struct kj_plan p;
	uint64_t at;

	/* --mem-min=0x1000000 --mem-max=0x5ffffff */
	plan_init(&p, &mm, range_from_bounds(0x1000000, 0x6000000), 1000, (1ull << 46) - 1);
	assert_int_equal(plan_find_space(&p, space_top_down(4096, 4096, above(MiB)), &at), 0);
	assert_int_equal(at, 0x5fff000);
	assert_int_equal(plan_find_space(&p, space_bottom_up(4096, 4096, above(MiB)), &at), 0);
	assert_int_equal(at, 0x1000000);
	assert_int_equal(plan_find_space(&p, space_bottom_up(81 * MiB, 4096, above(MiB)), &at), -1);
	/* a window with no RAM at all */
	plan_init(&p, &mm, range_from_bounds(0x20000000, 0x30000000), 1000, (1ull << 46) - 1);
	assert_int_equal(plan_find_space(&p, space_bottom_up(4096, 4096, above(0)), &at), -1);
}

static void expect_refusal(struct kj_plan *p, const char *needle)
{
	struct kj_error err = { 0, "" };

	assert_int_equal(plan_check(p, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_NOROOM);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void check_rules(void **state)
{
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	static char buf[8192];

	plan_default(&p);
	plan_add(&p, "kernel", buf, 4096, 16 * MiB, 8192, NULL);
	plan_add(&p, "initrd", buf, 8192, 32 * MiB, 8192, NULL);
	assert_int_equal(plan_check(&p, &err), 0);

	p.seg[1].mem = 16 * MiB + 4096;
	expect_refusal(&p, "segment 1 (initrd) overlaps segment 0 (kernel)");
	p.seg[1].mem = 32 * MiB + 512;
	expect_refusal(&p, "not page aligned");
	p.seg[1].mem = 32 * MiB;
	p.seg[1].memsz = 4096;
	expect_refusal(&p, "segment 1 (initrd) has 8192 bytes for 0x1000 of memory");
	p.seg[1].memsz = 8192;
	p.seg[1].mem = 0x1ffe0000; /* reserved */
	expect_refusal(&p, "not inside System RAM");
	p.seg[1].mem = 0x9f000; /* straddles the hole below 1 MiB */
	expect_refusal(&p, "not inside System RAM");
	p.seg[1].mem = UINT64_MAX - 4095;
	expect_refusal(&p, "wraps around memory");
	p.seg[1].mem = 32 * MiB;

	/* more than half of RAM, one segment or all together */
	p.ram_pages = 4;
	expect_refusal(&p, "more than half of RAM");
	p.ram_pages = 7;
	expect_refusal(&p, "the image needs");
	p.ram_pages = 8;
	assert_int_equal(plan_check(&p, &err), 0);

	/* i386's destination limit */
	p.dest_limit = 32 * MiB + 4096;
	expect_refusal(&p, "beyond what the running kernel can load to");
	p.dest_limit = (1ull << 46) - 1;

	/* --mem-max bounds even fixed segments */
	p.place = range_from_bounds(0, 32 * MiB);
	expect_refusal(&p, "(--mem-min/--mem-max)");
	plan_free(&p);
}

static void segment_limit(void **state)
{
	struct kj_plan p;
	struct kj_error err = { 0, "" };

	plan_default(&p);
	for (int i = 0; i < KJ_SEGMENT_MAX; i++)
		assert_int_equal(plan_add(&p, "s", NULL, 0, (16 + (uint64_t)i) * MiB, 4096, &err), 0);
	assert_int_equal(plan_add(&p, "one too many", NULL, 0, 40 * MiB, 4096, &err), -1);
	assert_non_null(strstr(err.msg, "at most 16"));
	assert_int_equal(plan_check(&p, &err), 0);
	plan_free(&p);
}

/* plan_split: contiguous pieces with page-aligned boundaries, in place. */
static void split_pieces(void **state)
{
	static uint8_t buf[10 * 4096 + 5];
	struct kj_plan p;
	struct kj_error err = { 0, "" };

	plan_default(&p);
	assert_int_equal(plan_add(&p, "before", NULL, 0, 16 * MiB, 4096, &err), 0);
	assert_int_equal(plan_add(&p, "initrd", buf, sizeof(buf), 32 * MiB, 11 * 4096, &err), 0);
	assert_int_equal(plan_add(&p, "after", NULL, 0, 48 * MiB, 4096, &err), 0);
	/* 10 pages and 5 bytes in 3: pieces of 4 pages, the last 2 pages and 5 bytes */
	assert_int_equal(plan_split(&p, 1, 3, &err), 3);
	assert_int_equal(p.nseg, 5);
	assert_string_equal(p.seg[0].what, "before");
	assert_string_equal(p.seg[4].what, "after");
	assert_int_equal(p.seg[4].mem, 48 * MiB);
	for (size_t k = 0; k < 3; k++) {
		const struct kj_segment *s = &p.seg[1 + k];

		assert_ptr_equal(s->buf, buf + k * 4 * 4096);
		assert_int_equal(s->mem, 32 * MiB + k * 4 * 4096);
		assert_int_equal(s->mem % 4096, 0);
		assert_int_equal(s->memsz % 4096, 0);
	}
	assert_string_equal(p.seg[1].what, "initrd 1/3");
	assert_string_equal(p.seg[3].what, "initrd 3/3");
	assert_int_equal(p.seg[1].bufsz, 4 * 4096);
	assert_int_equal(p.seg[3].bufsz, 2 * 4096 + 5);
	assert_int_equal(p.seg[1].memsz, 4 * 4096);
	assert_int_equal(p.seg[3].memsz, 3 * 4096); /* the tail of the whole */
	assert_int_equal(plan_check(&p, &err), 0);
	/* one piece, or a single page: unchanged */
	assert_int_equal(plan_split(&p, 4, 4, &err), 1);
	assert_int_equal(plan_split(&p, 1, 1, &err), 1);
	assert_int_equal(p.nseg, 5);
	/* no room for the pieces in 16 segments: refused, nothing changed */
	while (p.nseg < KJ_SEGMENT_MAX)
		assert_int_equal(plan_add(&p, "s", NULL, 0, (64 + (uint64_t)p.nseg) * MiB, 4096, &err), 0);
	assert_int_equal(plan_split(&p, 1, 2, &err), -1);
	assert_non_null(strstr(err.msg, "16 segments"));
	assert_int_equal(p.nseg, KJ_SEGMENT_MAX);
	assert_int_equal(p.seg[1].bufsz, 4 * 4096);
	plan_free(&p);
}

/* A large initrd is one segment per usable CPU (at most 8, pieces of at
 * least 16 MiB), never copied: the pieces point into the caller's bytes;
 * the boot_params see one initrd and the purgatory checks every piece. */
static void x86_plan_split_initrd(void **state)
{
	struct kj_file k;
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	size_t size = 32 * MiB + 12345; /* just over X86_SPLIT_MIN */
	uint8_t *initrd = malloc(size);

	assert_non_null(initrd);
	for (size_t i = 0; i < size; i++)
		initrd[i] = (uint8_t)(i * 7 + (i >> 12));
	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &k);
	memset(&o, 0, sizeof(o));
	o.kernel = "vmlinuz";
	o.command_line = "console=ttyS0";
	memset(&sys, 0, sizeof(sys));
	sys.arch = KJ_ARCH_X86_64;
	sys.mm = mm;
	sys.ram_pages = (500 * MiB) / 4096;
	in.o = &o;
	in.sys = &sys;
	in.kernel = &k;
	in.initrd = initrd;
	in.initrd_size = size;

	/* the CPUs the system facts name (kj_sysinfo): 4, then 1 */
	for (int pass = 0; pass < 2; pass++) {
		const struct purgatory_header *h;
		const uint8_t *bp = NULL;
		uint64_t first = 0, next = 0, covered = 0;
		size_t pieces = 0;

		sys.cpus = pass == 0 ? 4 : 1; /* one CPU: the initrd stays one segment */
		if (x86_build_plan(&in, &p, &err) < 0)
			fail_msg("%s", err.msg);
		for (size_t i = 0; i < p.nseg; i++) {
			const struct kj_segment *s = &p.seg[i];

			if (!strncmp(s->what, "initrd", 6)) {
				if (!pieces)
					first = next = s->mem;
				assert_int_equal(s->mem, next); /* contiguous */
				assert_ptr_equal(s->buf, initrd + covered); /* not a copy */
				next += s->memsz;
				covered += s->bufsz;
				pieces++;
			}
			if (!strcmp(s->what, "boot_params+cmdline"))
				bp = s->buf;
		}
		assert_int_equal(covered, size);
		assert_int_equal(pieces, pass == 1 ? 1 : 2); /* 32 MiB / 16 MiB: 2 at most */
		assert_int_equal(next - first, (size + 4095) & ~(uint64_t)4095);
		assert_non_null(bp);
		assert_int_equal(le32(bp + 0x218) | (uint64_t)le32(bp + 0xc0) << 32, first);
		assert_int_equal(le32(bp + 0x21c), size);
		/* the purgatory checks every segment but itself, piece by piece */
		h = p.seg[p.nseg - 1].buf;
		assert_int_equal(h->nr_regions, p.nseg - 1);
		assert_regions_digest(h, &p, p.nseg - 1);
		plan_free(&p);
	}
	free(initrd);
}

/* Several initrds, large: end to end without a copy but for the seams,
 * the pages where a file ends and the next begins; small: one copy. */
static void x86_plan_initrd_parts(void **state)
{
	struct kj_file k, part[4];
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	/* unaligned, large and unaligned, tiny (inside one seam), page multiple */
	static const size_t sizes[4] = { 3 * 4096 + 100, 32 * MiB + 7, 50, 2 * 4096 };
	uint8_t *joined;
	size_t total = 0;

	for (int i = 0; i < 4; i++) {
		memset(&part[i], 0, sizeof(part[i]));
		part[i].name = "part";
		part[i].data = malloc(sizes[i]);
		part[i].size = sizes[i];
		assert_non_null(part[i].data);
		for (size_t j = 0; j < sizes[i]; j++)
			part[i].data[j] = (uint8_t)(j * 13 + i * 101 + (j >> 12));
		total += sizes[i];
	}
	joined = malloc(total);
	assert_non_null(joined);
	for (size_t i = 0, at = 0; i < 4; at += sizes[i], i++)
		memcpy(joined + at, part[i].data, sizes[i]);

	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &k);
	memset(&o, 0, sizeof(o));
	o.kernel = "vmlinuz";
	memset(&sys, 0, sizeof(sys));
	sys.arch = KJ_ARCH_X86_64;
	sys.mm = mm;
	sys.ram_pages = (500 * MiB) / 4096;
	memset(&in, 0, sizeof(in));
	in.o = &o;
	in.sys = &sys;
	in.kernel = &k;
	in.initrd = NULL;
	in.initrd_size = total;
	in.initrd_parts = part;
	in.nr_initrd_parts = 4;

	for (int pass = 0; pass < 2; pass++) {
		uint64_t first = 0, next = 0, covered = 0, copied = 0;
		const uint8_t *bp = NULL;
		size_t pieces = 0;

		if (x86_build_plan(&in, &p, &err) < 0)
			fail_msg("%s", err.msg);
		for (size_t i = 0; i < p.nseg; i++) {
			const struct kj_segment *s = &p.seg[i];
			const uint8_t *b = s->buf;

			if (!strcmp(s->what, "boot_params+cmdline"))
				bp = b;
			if (strncmp(s->what, "initrd", 6))
				continue;
			if (!pieces)
				first = next = s->mem;
			assert_int_equal(s->mem, next);
			assert_memory_equal(b, joined + covered, s->bufsz);
			/* what is not a seam is the file's own mapping */
			if (!strncmp(s->what, "initrd seam", 11))
				copied += s->bufsz;
			else if (pass == 0)
				assert_true((b >= part[1].data && b < part[1].data + sizes[1]) ||
					    (b >= part[0].data && b < part[0].data + sizes[0]) ||
					    (b >= part[3].data && b < part[3].data + sizes[3]));
			next += s->memsz;
			covered += s->bufsz;
			pieces++;
		}
		assert_int_equal(covered, total);
		assert_non_null(bp);
		assert_int_equal(le32(bp + 0x218), first);
		assert_int_equal(le32(bp + 0x21c), total);
		if (pass == 0) {
			/* file 0's 3 whole pages | seam page: its tail, file 1's
			 * head | file 1's whole pages (maybe in pieces) | seam page:
			 * file 1's tail, file 2, file 3's head | file 3's rest */
			assert_true(pieces >= 5);
			assert_int_equal(copied, 2 * 4096);
			assert_string_equal(p.seg[p.nseg - 4].what, "initrd seam");
			assert_ptr_equal(p.seg[p.nseg - 3].buf,
					 part[3].data + (4096 - (total - 2 * 4096) % 4096));
			assert_int_equal(p.seg[1].bufsz, 3 * 4096);
			assert_ptr_equal(p.seg[1].buf, part[0].data);
			assert_string_equal(p.seg[2].what, "initrd seam");
			assert_int_equal(p.seg[2].bufsz, 4096);
		} else {
			/* under 32 MiB: one segment, a copy */
			assert_int_equal(pieces, 1);
			assert_int_equal(copied, 0);
		}
		plan_free(&p);
		/* the second pass: small files */
		part[1].size = 5 * 4096 + 7;
		total = sizes[0] + part[1].size + sizes[2] + sizes[3];
		in.initrd_size = total;
		for (size_t i = 0, at = 0; i < 4; at += part[i].size, i++)
			memcpy(joined + at, part[i].data, part[i].size);
	}
	for (int i = 0; i < 4; i++)
		free(part[i].data);
	free(joined);
}

/* The whole x86 plan for Debian's kernel: pure, given the inputs. */
static void x86_plan_debian(void **state)
{
	struct kj_file k;
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	static uint8_t initrd[123457];
	const uint8_t *bp = NULL;
	const struct purgatory_header *h = NULL;
	uint64_t bp_addr = 0, kaddr = 0;

	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &k);
	memset(&o, 0, sizeof(o));
	o.kernel = "vmlinuz";
	o.command_line = "console=ttyS0 kjtest=1";
	o.mem_min = 0x1000000;
	o.mem_max = 0x5ffffff;
	o.mem_max_given = true;
	memset(&sys, 0, sizeof(sys));
	sys.arch = KJ_ARCH_X86_64;
	sys.mm = mm;
	sys.ram_pages = (500 * MiB) / 4096;
	for (size_t i = 0; i < sizeof(sys.rng_seed); i++)
		sys.rng_seed[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 7);
	in.o = &o;
	in.sys = &sys;
	in.kernel = &k;
	in.initrd = initrd;
	in.initrd_size = sizeof(initrd);

	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nseg, 4);
	for (size_t i = 0; i < p.nseg; i++) {
		assert_true(p.seg[i].mem >= 0x1000000);
		assert_true(p.seg[i].mem + p.seg[i].memsz <= 0x6000000);
		if (!strcmp(p.seg[i].what, "kernel"))
			kaddr = p.seg[i].mem;
		if (!strcmp(p.seg[i].what, "boot_params+cmdline")) {
			bp = p.seg[i].buf;
			bp_addr = p.seg[i].mem;
		}
		if (!strcmp(p.seg[i].what, "purgatory")) {
			h = p.seg[i].buf;
			assert_true(p.entry >= p.seg[i].mem && p.entry < p.seg[i].mem + p.seg[i].memsz);
		}
		if (!strcmp(p.seg[i].what, "initrd"))
			assert_memory_equal(p.seg[i].buf, initrd, sizeof(initrd));
	}
	assert_int_equal(kaddr, 0x1000000); /* pref_address */
	assert_non_null(bp);
	assert_non_null(h);
	assert_memory_equal(bp + 0x202, "HdrS", 4);
	assert_string_equal((const char *)bp + BP_SIZE, "console=ttyS0 kjtest=1");
	assert_int_equal(bp[0x228] | bp[0x229] << 8 | bp[0x22a] << 16 | (uint32_t)bp[0x22b] << 24,
			 bp_addr + BP_SIZE);
	assert_int_equal(bp[BP_E820_ENTRIES], mm.n);
	/* setup_data: one SETUP_RNG_SEED inside the same segment, not all zero */
	{
		uint64_t sd = le64(bp + 0x250);
		const uint8_t *seed;
		assert_true(sd > bp_addr + BP_SIZE && sd % 8 == 0);
		seed = bp + (sd - bp_addr);
		assert_int_equal(le64(seed), 0);
		assert_int_equal(le32(seed + 8), SETUP_RNG_SEED);
		assert_int_equal(le32(seed + 12), BP_RNG_SEED_BYTES);
		/* the system's random bytes (kj_sysinfo_read) */
		assert_memory_equal(seed + 16, sys.rng_seed, BP_RNG_SEED_BYTES);
	}
	assert_int_equal(h->magic, PURGATORY_MAGIC);
	assert_int_equal(h->entry_mode, PURGATORY_ENTRY_64);
	assert_int_equal(h->regs64.rip, kaddr + 0x200);
	assert_int_equal(h->regs64.rsi, bp_addr);
	assert_int_equal(h->nr_regions, 3);
	assert_regions_digest(h, &p, 3);
	plan_free(&p);

	/* too small a window: a clear refusal */
	o.mem_max = 0x2ffffff;
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_NOROOM);
	assert_non_null(strstr(err.msg, "no room for the kernel"));
	plan_free(&p);

	/* the i386 view of the same kernel: 32-bit entry */
	o.mem_max_given = false;
	o.mem_min = 0;
	sys.arch = KJ_ARCH_I386;
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	h = p.seg[p.nseg - 1].buf;
	assert_int_equal(h->entry_mode, PURGATORY_ENTRY_32);
	assert_int_equal(h->regs32.eip, p.seg[0].mem);
	plan_free(&p);
	kj_file_release(&k);
}

/* A two-page x86_64 ELF program at 48 MiB. */
static void make_program(uint8_t *img, size_t len)
{
	memset(img, 0, len);
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 2; /* ELFCLASS64 */
	img[5] = 1; /* little endian */
	img[6] = 1;
	put_le16(img + 16, 2);  /* ET_EXEC */
	put_le16(img + 18, 62); /* EM_X86_64 */
	put_le64(img + 24, 0x3000010);
	put_le64(img + 32, 64);
	put_le16(img + 54, 56);
	put_le16(img + 56, 1);
	put_le32(img + 64, 1);  /* PT_LOAD */
	put_le64(img + 64 + 8, 4096);
	put_le64(img + 64 + 24, 0x3000000);
	put_le64(img + 64 + 32, 4096);
	put_le64(img + 64 + 40, 8192);
}

/* The loader's input for program k, run with --args-none on an x86_64
 * kernel of the QEMU map with 500 MiB of RAM. */
static void program_input(struct kj_file *k, struct kj_options *o, struct kj_sysinfo *sys,
			  struct kj_load_input *in)
{
	memset(o, 0, sizeof(*o));
	o->kernel = k->name;
	o->elf_args = KJ_ARGS_NONE;
	o->elf_args_given = true;
	memset(sys, 0, sizeof(*sys));
	sys->arch = KJ_ARCH_X86_64;
	sys->mm = mm;
	sys->ram_pages = (500 * MiB) / 4096;
	memset(in, 0, sizeof(*in));
	in->o = o;
	in->sys = sys;
	in->kernel = k;
}

/* --args-none and --args-elf: what a program is given. */
static void x86_plan_programs(void **state)
{
	static uint8_t img[8192];
	struct kj_file k = { .name = "prog.elf", .data = img, .size = sizeof(img), .fd = -1 };
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	const struct purgatory_header *h;
	const uint8_t *notes = NULL;

	make_program(img, sizeof(img));
	program_input(&k, &o, &sys, &in);

	/* --args-none: the kernel's stack and segments, zero registers */
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nseg, 2);
	assert_int_equal(p.seg[0].mem, 0x3000000);
	assert_int_equal(p.seg[0].memsz, 8192);
	h = p.seg[1].buf;
	assert_true(h->flags & PURGATORY_FLAG_KEEP_STACK);
	assert_int_equal(h->entry_mode, PURGATORY_ENTRY_64);
	assert_int_equal(h->regs64.rip, 0x3000010);
	assert_int_equal(h->regs64.rsi, 0);
	plan_free(&p);

	/* --entry overrides */
	o.entry = 0x3000020;
	o.entry_given = true;
	assert_int_equal(x86_build_plan(&in, &p, &err), 0);
	h = p.seg[1].buf;
	assert_int_equal(h->regs64.rip, 0x3000020);
	plan_free(&p);
	o.entry_given = false;

	/* --args-none passes no command line */
	o.command_line = "x=1";
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_non_null(strstr(err.msg, "passes no command line"));
	plan_free(&p);

	/* --args-elf: ELF boot notes with the command line, rax/rbx set */
	o.elf_args = KJ_ARGS_ELF;
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < p.nseg; i++) {
		if (!strcmp(p.seg[i].what, "ELF boot notes"))
			notes = p.seg[i].buf;
		if (!strcmp(p.seg[i].what, "purgatory"))
			h = p.seg[i].buf;
	}
	assert_non_null(notes);
	assert_int_equal(le32(notes), 0x0E1FB007);
	assert_int_equal(le16(notes + 10), 4);
	assert_non_null(memmem(notes, le32(notes + 4), "x=1", 4));
	assert_int_equal(h->regs64.rax, 0x0E1FB007);
	assert_true(h->regs64.rbx != 0);
	assert_false(h->flags & PURGATORY_FLAG_KEEP_STACK);
	{
		/* the IP checksum over the block, with the stored one, folds to 0 */
		uint32_t sum = 0;
		for (uint32_t i = 0; i + 1 < le32(notes + 4); i += 2)
			sum += (uint32_t)(notes[i] | notes[i + 1] << 8);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		assert_int_equal(sum, 0xffff);
	}
	plan_free(&p);

	/* an ELF core is resumed (staged, see test-stage.c): entered at
	 * --entry, or at the entry it records, inside its bytes */
	put_le16(img + 16, 4);  /* ET_CORE */
	put_le64(img + 24, 0);
	o.elf_args = KJ_ARGS_NONE;
	o.command_line = NULL;
	/* every kernel's core has notes: one without has lost its PT_NOTE */
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_non_null(strstr(err.msg, "without notes (no PT_NOTE)"));
	plan_free(&p);
	/* a second program header: a PT_NOTE with one "CORE" note at 192 */
	put_le16(img + 56, 2);
	put_le32(img + 120, 4);  /* PT_NOTE */
	put_le64(img + 120 + 8, 192);
	put_le64(img + 120 + 32, 24);
	put_le32(img + 192, 5);
	put_le32(img + 196, 4);
	put_le32(img + 200, 1);  /* NT_PRSTATUS */
	memcpy(img + 204, "CORE", 5);
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_non_null(strstr(err.msg, "records no entry: give --entry=ADDR"));
	plan_free(&p);
	o.entry = 0x3000ff0;
	o.entry_given = true;
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	h = p.seg[p.nseg - 1].buf;
	assert_string_equal(p.seg[p.nseg - 1].what, "purgatory");
	assert_int_equal(h->regs64.rip, 0x3000ff0);
	assert_true(h->flags & PURGATORY_FLAG_KEEP_SEGMENTS);
	assert_true(h->flags & PURGATORY_FLAG_STAGED);
	assert_false(h->flags & PURGATORY_FLAG_KEEP_STACK);
	/* the entry stack: zero words inside the purgatory's header */
	assert_true(h->regs64.rsp > p.seg[p.nseg - 1].mem &&
		    h->regs64.rsp < p.seg[p.nseg - 1].mem + PURGATORY_HEADER_SIZE);
	assert_int_equal(h->entry_stack[2], 0);
	plan_free(&p);
	o.entry = 0x3001000; /* in the image's zeros, not its bytes */
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_non_null(strstr(err.msg, "outside the memory the image holds"));
	plan_free(&p);
	o.entry_given = false;
	/* only with --args-none */
	o.elf_args = KJ_ARGS_LINUX;
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_non_null(strstr(err.msg, "load it with --args-none"));
	plan_free(&p);
	o.elf_args = KJ_ARGS_NONE;
	put_le16(img + 16, 2);
	put_le16(img + 56, 1);

	/* more ranges than kexec_load takes segments: staged into few */
	{
		static uint8_t many[65536 + 20 * 4096];
		struct kj_file mk = { .name = "many.elf", .data = many, .size = sizeof(many), .fd = -1 };
		memset(many, 0, sizeof(many));
		memcpy(many, img, 64);
		put_le16(many + 16, 4);           /* ET_CORE */
		put_le64(many + 24, 0x3000000);   /* entry in the first range */
		put_le16(many + 56, 21);
		for (int i = 0; i < 20; i++) {
			uint8_t *ph = many + 64 + 56 * i;
			put_le32(ph, 1);
			put_le64(ph + 8, 65536 + (uint64_t)i * 4096);
			put_le64(ph + 24, 0x3000000 + (uint64_t)i * 0x10000);
			put_le64(ph + 32, 4096);
			put_le64(ph + 40, 8192);
		}
		/* and its notes: one "CORE" note after the headers */
		put_le32(many + 64 + 56 * 20, 4);
		put_le64(many + 64 + 56 * 20 + 8, 1248);
		put_le64(many + 64 + 56 * 20 + 32, 24);
		put_le32(many + 1248, 5);
		put_le32(many + 1252, 4);
		put_le32(many + 1256, 1);
		memcpy(many + 1260, "CORE", 5);
		in.kernel = &mk;
		if (x86_build_plan(&in, &p, &err) < 0)
			fail_msg("%s", err.msg);
		/* one staging area (the bytes follow each other in the
		 * file), the page tables + copy list, the purgatory */
		assert_int_equal(p.nseg, 3);
		assert_string_equal(p.seg[0].what, "staging");
		assert_int_equal(p.seg[0].bufsz, 20 * 4096);
		h = p.seg[2].buf;
		assert_int_equal(h->stage_nr, 40); /* 20 copies, 20 zero tails */
		assert_non_null(strstr(p.summary, "20 memory ranges in 1 segments"));
		plan_free(&p);
		in.kernel = &k;
	}

	/* a 32-bit program cannot return to a 64-bit kernel */
	img[4] = 1;
	o.elf_args = KJ_ARGS_NONE;
	o.command_line = NULL;
	o.preserve_context = true;
	{
		/* rewrite as ELF32 */
		memset(img + 16, 0, 64);
		put_le16(img + 16, 2);
		put_le16(img + 18, 3);  /* EM_386 */
		put_le32(img + 24, 0x3000010);
		put_le32(img + 28, 52);
		put_le16(img + 42, 32);
		put_le16(img + 44, 1);
		memset(img + 52, 0, 32);
		put_le32(img + 52, 1);
		put_le32(img + 52 + 4, 4096);
		put_le32(img + 52 + 12, 0x3000000);
		put_le32(img + 52 + 16, 4096);
		put_le32(img + 52 + 20, 8192);
	}
	assert_int_equal(x86_build_plan(&in, &p, &err), -1);
	assert_non_null(strstr(err.msg, "cannot return to a 64-bit kernel"));
	plan_free(&p);
}

/*
 * PT_LOADs sharing a page are one segment; a p_memsz gap before the next
 * PT_LOAD's page is left to the kernel's zero fill (a segment ends there),
 * not copied: a file of 8 KiB declaring 12 MiB of zeros is not a 12 MiB
 * buffer (issue 18, class 2).
 */
static void x86_plan_elf_groups(void **state)
{
	static uint8_t img[8192];
	struct kj_file k = { .name = "gap.elf", .data = img, .size = sizeof(img), .fd = -1 };
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	const uint8_t *b;

	(void)state;
	make_program(img, sizeof(img));
	put_le16(img + 56, 2);
	/* load 0: 0x40 bytes, 0xc45090 of memory */
	put_le64(img + 64 + 32, 0x40);
	put_le64(img + 64 + 40, 0xc45090);
	/* load 1: 0x40 bytes at 0x3c45f00, in the page load 0's zeros end in */
	put_le32(img + 120, 1);
	put_le64(img + 120 + 8, 4096 + 0x800);
	put_le64(img + 120 + 24, 0x3c45f00);
	put_le64(img + 120 + 32, 0x40);
	put_le64(img + 120 + 40, 0x100);
	memset(img + 4096, 0xaa, 0x40);
	memset(img + 4096 + 0x800, 0xbb, 0x40);
	program_input(&k, &o, &sys, &in);

	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nseg, 3);
	/* load 0 in place: its bytes, then the kernel's zeros up to load 1's page */
	assert_int_equal(p.seg[0].mem, 0x3000000);
	assert_int_equal(p.seg[0].memsz, 0xc45000);
	assert_int_equal(p.seg[0].bufsz, 0x40);
	assert_ptr_equal(p.seg[0].buf, img + 4096);
	/* that page: load 0's last zeros, then load 1 */
	assert_int_equal(p.seg[1].mem, 0x3c45000);
	assert_int_equal(p.seg[1].memsz, 0x1000);
	assert_int_equal(p.seg[1].bufsz, 0xf40);
	b = p.seg[1].buf;
	for (size_t i = 0; i < 0xf00; i++)
		assert_int_equal(b[i], 0);
	for (size_t i = 0xf00; i < 0xf40; i++)
		assert_int_equal(b[i], 0xbb);
	plan_free(&p);

	/* two PT_LOADs whose bytes share a page: one segment, one copy */
	put_le64(img + 64 + 32, 0x800);
	put_le64(img + 64 + 40, 0x800);
	put_le64(img + 120 + 24, 0x3000800);
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nseg, 2);
	assert_int_equal(p.seg[0].mem, 0x3000000);
	assert_int_equal(p.seg[0].memsz, 0x1000);
	assert_int_equal(p.seg[0].bufsz, 0x840);
	b = p.seg[0].buf;
	assert_int_equal(b[0], 0xaa);
	assert_int_equal(b[0x3f], 0xaa);
	assert_int_equal(b[0x40], 0);
	assert_int_equal(b[0x800], 0xbb);
	plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_space_basics),
		cmocka_unit_test(find_space_skips_segments),
		cmocka_unit_test(mem_min_max),
		cmocka_unit_test(check_rules),
		cmocka_unit_test(segment_limit),
		cmocka_unit_test(split_pieces),
		cmocka_unit_test(x86_plan_debian),
		cmocka_unit_test(x86_plan_split_initrd),
		cmocka_unit_test(x86_plan_initrd_parts),
		cmocka_unit_test(x86_plan_programs),
		cmocka_unit_test(x86_plan_elf_groups),
	};
	return cmocka_run_group_tests_name("plan", tests, setup, teardown);
}
