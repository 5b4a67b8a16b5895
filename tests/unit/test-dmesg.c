// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for kdump/dmesg.c: a synthetic printk ring buffer (Linux
 * 5.10+ lockless format) in simulated physical memory, read through the
 * same struct oldmem interface kdump uses, for x86_64 and i386 layouts:
 * plain records, an embedded newline, a wrapped data block, a reserved
 * descriptor, non-printable bytes, truncation, a data-less record.  Then
 * hostile variants (bad offsets and sizes, huge counts, pointers outside
 * the dump), which must fail with one line and print nothing; then ELF
 * cores written to files (ELF64 and ELF32, bytes past p_filesz, a missing
 * range, the kexec jump swap list of a saved image), and images kdump
 * save wrote from such cores.
 */
#include <elf.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dmesg.h"
#include "exitcodes.h"
#include "kdump-image.h"
#include "vmcoreinfo.h"

#define MEM_SIZE (8u << 20)
#define SIM_MEM_SIZE MEM_SIZE
#define PHYS_BASE 0x100000ULL

/* physical addresses of the pieces */
#define PA_PRB_PTR 0x300000ULL /* the variable prb */
#define PA_PRB     0x300100ULL /* struct printk_ringbuffer */
#define PA_DESCS   0x400000ULL
#define PA_INFOS   0x401000ULL
#define PA_DATA    0x402000ULL

#define COUNT_BITS 3 /* 8 descriptors */
#define SIZE_BITS  8 /* 256 bytes of text data */

#include "sim-mem.h"

/* ---- the kernel's layout, as its VMCOREINFO tells ---------------------- */

struct layout {
	bool is64;
	unsigned w;
	unsigned sz_prb, off_dring, off_tring;
	unsigned off_count_bits, off_descs, off_infos, off_head, off_tail;
	unsigned off_size_bits, off_data;
	unsigned sz_desc, off_state, off_lpos, off_begin, off_next;
	unsigned sz_info, off_ts, off_text_len;
};

/* Linux 6.12, x86_64 and i386 (from the e2e images' VMCOREINFO) */
static const struct layout L64 = { true, 8, 88, 0, 48, 0, 8, 16, 24, 32, 0, 8,
				   24, 0, 8, 0, 8, 88, 8, 16 };
static const struct layout L32 = { false, 4, 44, 0, 24, 0, 4, 8, 12, 16, 0, 4,
				   12, 0, 4, 0, 4, 88, 8, 16 };

static uint64_t kvirt(const struct layout *L, uint64_t pa)
{
	/* the variable and the static ring in the kernel image, the
	 * arrays in the direct map, as printk_rb_dynamic's would be */
	if (!L->is64)
		return pa + 0xc0000000ULL;
	if (pa < PA_DESCS)
		return pa - PHYS_BASE + 0xffffffff80000000ULL;
	return pa + 0xffff888000000000ULL;
}

/*
 * The VMCOREINFO text.  drop: a line prefix to leave out (to replace a
 * value, drop it and give the new one in extra).
 */
static char *vmcoreinfo_text(const struct layout *L, const char *drop, const char *extra)
{
	char lines[4096], *out, *o;
	const char *p;
	int n;

	n = snprintf(lines, sizeof(lines),
		     "OSRELEASE=6.12.0\n"
		     "PAGESIZE=4096\n"
		     "SYMBOL(prb)=%" PRIx64 "\n"
		     "SIZE(printk_ringbuffer)=%u\n"
		     "OFFSET(printk_ringbuffer.desc_ring)=%u\n"
		     "OFFSET(printk_ringbuffer.text_data_ring)=%u\n"
		     "OFFSET(printk_ringbuffer.fail)=%u\n"
		     "SIZE(prb_desc_ring)=%u\n"
		     "OFFSET(prb_desc_ring.count_bits)=%u\n"
		     "OFFSET(prb_desc_ring.descs)=%u\n"
		     "OFFSET(prb_desc_ring.infos)=%u\n"
		     "OFFSET(prb_desc_ring.head_id)=%u\n"
		     "OFFSET(prb_desc_ring.tail_id)=%u\n"
		     "SIZE(prb_desc)=%u\n"
		     "OFFSET(prb_desc.state_var)=%u\n"
		     "OFFSET(prb_desc.text_blk_lpos)=%u\n"
		     "SIZE(prb_data_blk_lpos)=%u\n"
		     "OFFSET(prb_data_blk_lpos.begin)=%u\n"
		     "OFFSET(prb_data_blk_lpos.next)=%u\n"
		     "SIZE(printk_info)=%u\n"
		     "OFFSET(printk_info.seq)=0\n"
		     "OFFSET(printk_info.ts_nsec)=%u\n"
		     "OFFSET(printk_info.text_len)=%u\n"
		     "SIZE(prb_data_ring)=%u\n"
		     "OFFSET(prb_data_ring.size_bits)=%u\n"
		     "OFFSET(prb_data_ring.data)=%u\n"
		     "SIZE(atomic_long_t)=%u\n"
		     "OFFSET(atomic_long_t.counter)=0\n"
		     "NUMBER(phys_base)=%llu\n"
		     "KERNELOFFSET=0\n",
		     kvirt(L, PA_PRB_PTR), L->sz_prb, L->off_dring, L->off_tring,
		     L->sz_prb - L->w, L->off_tring - L->off_dring, L->off_count_bits,
		     L->off_descs, L->off_infos, L->off_head, L->off_tail, L->sz_desc,
		     L->off_state, L->off_lpos, 2 * L->w, L->off_begin, L->off_next, L->sz_info,
		     L->off_ts, L->off_text_len, 4 * L->w, L->off_size_bits, L->off_data, L->w,
		     L->is64 ? (unsigned long long)PHYS_BASE : 0ULL);
	assert_true(n > 0 && (size_t)n < sizeof(lines));
	out = o = malloc(sizeof(lines) + (extra ? strlen(extra) : 0));
	assert_non_null(out);
	for (p = lines; *p;) {
		size_t len = strcspn(p, "\n") + 1;

		if (!drop || strncmp(p, drop, strlen(drop)) != 0) {
			memcpy(o, p, len);
			o += len;
		}
		p += len;
	}
	strcpy(o, extra ? extra : "");
	return out;
}

static void parse_vi(const struct layout *L, const char *drop, const char *extra,
		     struct vmcoreinfo *vi)
{
	struct kj_error err = { 0, "" };
	char *t = vmcoreinfo_text(L, drop, extra);

	assert_int_equal(vmcoreinfo_parse(t, strlen(t), vi, &err), 0);
	free(t);
}

/* ---- the ring ------------------------------------------------------- */

static uint64_t id_mask(const struct layout *L)
{
	return (L->is64 ? UINT64_MAX : 0xffffffffULL) >> 2;
}

static void set_prb(const struct layout *L, uint64_t count_bits, uint64_t size_bits,
		    uint64_t tail, uint64_t head)
{
	sim_put(PA_PRB_PTR, kvirt(L, PA_PRB), L->w);
	sim_put(PA_PRB + L->off_dring + L->off_count_bits, count_bits, 4);
	sim_put(PA_PRB + L->off_dring + L->off_descs, kvirt(L, PA_DESCS), L->w);
	sim_put(PA_PRB + L->off_dring + L->off_infos, kvirt(L, PA_INFOS), L->w);
	sim_put(PA_PRB + L->off_dring + L->off_head, head, L->w);
	sim_put(PA_PRB + L->off_dring + L->off_tail, tail, L->w);
	sim_put(PA_PRB + L->off_tring + L->off_size_bits, size_bits, 4);
	sim_put(PA_PRB + L->off_tring + L->off_data, kvirt(L, PA_DATA), L->w);
}

enum { RESERVED = 0, COMMITTED = 1, FINALIZED = 2, REUSABLE = 3 };

/* A descriptor (state, data block [begin, next)) and its info; text (n
 * bytes) is stored after the block's id word, at the ring's start when
 * the block wraps. */
static void add_record(const struct layout *L, uint64_t id, unsigned st, uint64_t begin,
		       uint64_t next, uint64_t ts, unsigned text_len, const char *text, size_t n)
{
	uint64_t idx = id & ((1u << COUNT_BITS) - 1), size = 1u << SIZE_BITS;
	uint64_t d = PA_DESCS + idx * L->sz_desc, in = PA_INFOS + idx * L->sz_info;
	uint64_t at = begin % size > next % size ? 0 : begin % size;

	sim_put(d + L->off_state, ((uint64_t)st << (L->w * 8 - 2)) | (id & id_mask(L)), L->w);
	sim_put(d + L->off_lpos + L->off_begin, begin, L->w);
	sim_put(d + L->off_lpos + L->off_next, next, L->w);
	sim_put(in + L->off_ts, ts, 8);
	sim_put(in + L->off_text_len, text_len, 2);
	if (text) {
		sim_put(PA_DATA + at, id, L->w);
		assert_true(at + L->w + n <= size);
		memcpy(sim.mem + PA_DATA + at + L->w, text, n);
	}
}

#define EXPECTED                                                      \
	"[    0.000000] Linux version 6.12\n"                           \
	"[    1.500000] a\n"                                            \
	"               b\n"                                            \
	"[    0.002000] wrapped record\n"                               \
	"[123456789.012345] x\\x01\\xffffffe9\ty\\x7f\r\n"              \
	"[    0.999999] truncate\n"

/* Seven ids from tail to head, whose slots are 5, 6, 7, 0, 1, 2, 3. */
static void build_ring(const struct layout *L, uint64_t tail)
{
	uint64_t m = id_mask(L), size = 1u << SIZE_BITS, w = L->w;
	uint64_t lap = 7 * size; /* logical positions from an earlier lap */

	set_prb(L, COUNT_BITS, SIZE_BITS, tail, (tail + 6) & m);
	add_record(L, tail, FINALIZED, lap + 64, lap + 96, 0, 18, "Linux version 6.12", 18);
	add_record(L, (tail + 1) & m, COMMITTED, lap + 96, lap + 112, 1500000000ULL, 3, "a\nb",
		   3);
	/* reserved: being written, skipped (its text is junk) */
	add_record(L, (tail + 2) & m, RESERVED, lap + 112, lap + 128, 5, 4, "junk", 4);
	/* wraps: stored at the ring's start, up to next */
	add_record(L, (tail + 3) & m, FINALIZED, lap + size - 16, lap + size + 40, 2000001, 14,
		   "wrapped record", 14);
	add_record(L, (tail + 4) & m, FINALIZED, lap + 128, lap + 144, 123456789012345678ULL,
		   7, "x\001\351\ty\177\r", 7);
	/* text_len beyond the block: cut to the block's 8 bytes of text */
	add_record(L, (tail + 5) & m, FINALIZED, lap + 144, lap + 144 + w + 8, 999999999, 100,
		   "truncated-text", 14);
	/* head: committed without data (begin == next): skipped */
	add_record(L, (tail + 6) & m, COMMITTED, 1, 1, 7, 0, NULL, 0);
}

/* Run dmesg_print; the output (malloc'd) in *text. */
static int run(const struct layout *L, const struct vmcoreinfo *vi, char **text,
	       struct kj_error *err)
{
	size_t len = 0;
	FILE *f = open_memstream(text, &len);
	int rc;

	assert_non_null(f);
	rc = dmesg_print(vi, L->is64, &simmem, f, err);
	fclose(f);
	return rc;
}

static void check_ok(const struct layout *L, const char *expected)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0, "" };
	char *out = NULL;

	parse_vi(L, NULL, NULL, &vi);
	if (run(L, &vi, &out, &err) != 0)
		fail_msg("dmesg_print failed: %s", err.msg);
	assert_string_equal(out, expected);
	free(out);
	vmcoreinfo_free(&vi);
}

static void test_x86_64(void **state)
{
	(void)state;
	build_ring(&L64, 5);
	check_ok(&L64, EXPECTED);
}

static void test_i386_ids_wrap(void **state)
{
	(void)state;
	/* ids 0x3ffffffd .. 3: they wrap at 2^30 on a 32-bit kernel */
	build_ring(&L32, 0x3ffffffdULL);
	check_ok(&L32, EXPECTED);
}

static void test_x86_64_ids_wrap(void **state)
{
	(void)state;
	build_ring(&L64, 0x3ffffffffffffffdULL);
	check_ok(&L64, EXPECTED);
}

static void test_skipped_states(void **state)
{
	uint64_t size = 1u << SIZE_BITS;

	(void)state;
	build_ring(&L64, 5);
	/* the record 5 slot holds a newer lap's id (13), and 6 is reusable:
	 * both skipped; then the reserved one (7) finalized with one byte */
	add_record(&L64, 13, FINALIZED, 64, 96, 0, 18, "Linux version 6.12", 18);
	add_record(&L64, 6, REUSABLE, 96, 112, 0, 3, "a\nb", 3);
	add_record(&L64, 7, FINALIZED, 7 * size + 112, 7 * size + 128, 5000, 1, "junk", 4);
	check_ok(&L64, "[    0.000005] j\n"
		       "[    0.002000] wrapped record\n"
		       "[123456789.012345] x\\x01\\xffffffe9\ty\\x7f\r\n"
		       "[    0.999999] truncate\n");
}

static void test_empty_and_single(void **state)
{
	(void)state;
	/* a fresh ring: head == tail, the dummy descriptor reusable */
	set_prb(&L64, COUNT_BITS, SIZE_BITS, 0xffffefffULL, 0xffffefffULL);
	add_record(&L64, 0xffffefffULL, REUSABLE, 1, 1, 0, 0, NULL, 0);
	check_ok(&L64, "");
	/* one record, at the head */
	set_prb(&L64, COUNT_BITS, SIZE_BITS, 0xffffefffULL, 0xfffff000ULL);
	add_record(&L64, 0xfffff000ULL, FINALIZED, 0, 16, 0, 2, "hi", 2);
	check_ok(&L64, "[    0.000000] hi\n");
}

static void test_hostile_record(void **state)
{
	uint64_t size = 1u << SIZE_BITS;

	(void)state;
	build_ring(&L64, 5);
	/* a block ending before its id word, and one whose text would run
	 * past the ring: clamped, never read outside it */
	add_record(&L64, 6, FINALIZED, size - 4, size - 2, 0, 65535, NULL, 0);
	add_record(&L64, 8, FINALIZED, size - 12, size - 1, 0, 65535, NULL, 0);
	memcpy(sim.mem + PA_DATA + size - 4, "abcd", 4);
	check_ok(&L64, "[    0.000000] Linux version 6.12\n"
		       "[    0.000000] \n"
		       "[    0.000000] abc\n"
		       "[123456789.012345] x\\x01\\xffffffe9\ty\\x7f\r\n"
		       "[    0.999999] truncate\n");
}

/* ---- hostile dumps: one line, nothing printed ------------------------ */

static void expect_fail(const struct layout *L, const char *drop, const char *extra,
			const char *needle)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0, "" };
	char *out = NULL;

	parse_vi(L, drop, extra, &vi);
	assert_int_equal(run(L, &vi, &out, &err), -1);
	print_message("  refused: %s\n", err.msg);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_true(err.msg[0] != '\0');
	assert_null(strchr(err.msg, '\n'));
	if (needle && !strstr(err.msg, needle))
		fail_msg("'%s' not in '%s'", needle, err.msg);
	assert_string_equal(out, "");
	free(out);
	vmcoreinfo_free(&vi);
}

static void test_no_prb(void **state)
{
	(void)state;
	build_ring(&L64, 5);
	expect_fail(&L64, "SYMBOL(prb)=", "SYMBOL(log_buf)=ffffffff81000000\n", "SYMBOL(prb)");
	expect_fail(&L64, "SYMBOL(prb)=", NULL, "5.10");
}

static void test_bad_vmcoreinfo(void **state)
{
	(void)state;
	build_ring(&L64, 5);
	expect_fail(&L64, "OFFSET(prb_desc_ring.head_id)=", "OFFSET(prb_desc_ring.head_id)=84\n",
		    "prb_desc_ring.head_id");
	expect_fail(&L64, "OFFSET(prb_desc_ring.tail_id)=",
		    "OFFSET(prb_desc_ring.tail_id)=18446744073709551615\n", "tail_id");
	expect_fail(&L64, "OFFSET(printk_info.text_len)=", "OFFSET(printk_info.text_len)=87\n",
		    "text_len");
	expect_fail(&L64, "OFFSET(printk_info.ts_nsec)=", NULL, "OFFSET(printk_info.ts_nsec)");
	expect_fail(&L64, "OFFSET(prb_data_blk_lpos.next)=", "OFFSET(prb_data_blk_lpos.next)=20\n",
		    "next");
	expect_fail(&L64, "SIZE(prb_desc)=", "SIZE(prb_desc)=0\n", "SIZE(prb_desc)");
	expect_fail(&L64, "SIZE(printk_info)=", "SIZE(printk_info)=99999999999\n", "printk_info");
	expect_fail(&L64, "SIZE(printk_ringbuffer)=", "SIZE(printk_ringbuffer)=40\n",
		    "printk_ringbuffer");
	expect_fail(&L64, "SIZE(atomic_long_t)=", "SIZE(atomic_long_t)=4\n", "atomic_long_t");
	expect_fail(&L64, "OFFSET(atomic_long_t.counter)=", "OFFSET(atomic_long_t.counter)=x\n",
		    "atomic_long_t.counter");
}

static void test_bad_ring(void **state)
{
	(void)state;
	build_ring(&L64, 5);
	/* huge rings */
	sim_put(PA_PRB + L64.off_count_bits, 60, 4);
	expect_fail(&L64, NULL, NULL, "count_bits");
	sim_put(PA_PRB + L64.off_count_bits, 27, 4);
	expect_fail(&L64, NULL, NULL, "count_bits");
	sim_put(PA_PRB + L64.off_count_bits, COUNT_BITS, 4);
	sim_put(PA_PRB + L64.off_tring + L64.off_size_bits, 0xffffffff, 4);
	expect_fail(&L64, NULL, NULL, "size_bits");
	/* a ring of 2^31 bytes the dump does not hold */
	sim_put(PA_PRB + L64.off_tring + L64.off_size_bits, 31, 4);
	expect_fail(&L64, NULL, NULL, "not all in the dump");
	sim_put(PA_PRB + L64.off_tring + L64.off_size_bits, SIZE_BITS, 4);
	/* head and tail further apart than the ring holds */
	sim_put(PA_PRB + L64.off_head, 5 + 8, 8);
	expect_fail(&L64, NULL, NULL, "further apart");
	sim_put(PA_PRB + L64.off_head, 4, 8);
	expect_fail(&L64, NULL, NULL, "further apart");
	sim_put(PA_PRB + L64.off_head, 11, 8);
	/* pointers outside the maps, outside the dump, wrapping around */
	sim_put(PA_PRB + L64.off_descs, 0x1234, 8);
	expect_fail(&L64, NULL, NULL, "outside");
	sim_put(PA_PRB + L64.off_descs, 0xffff888000000000ULL + (1ULL << 40), 8);
	expect_fail(&L64, NULL, NULL, "not all in the dump");
	sim_put(PA_PRB + L64.off_descs, 0xffffffffbfffffc0ULL, 8);
	expect_fail(&L64, NULL, NULL, "outside");
	sim_put(PA_PRB + L64.off_descs, kvirt(&L64, PA_DESCS), 8);
	sim_put(PA_PRB + L64.off_tring + L64.off_data, UINT64_MAX - 16, 8);
	expect_fail(&L64, NULL, NULL, "outside");
	sim_put(PA_PRB + L64.off_tring + L64.off_data, kvirt(&L64, PA_DATA), 8);
	sim_put(PA_PRB_PTR, 0, 8);
	expect_fail(&L64, NULL, NULL, "prb");
	sim_put(PA_PRB_PTR, kvirt(&L64, PA_PRB), 8);
	/* a hole in the middle of the infos */
	sim.holes[0] = (struct sim_hole){ PA_INFOS + 100, PA_INFOS + 101 };
	sim.nholes = 1;
	expect_fail(&L64, NULL, NULL, "infos");
	sim.nholes = 0;
	check_ok(&L64, EXPECTED);
}

/* NUMBER(page_offset_base), when a kernel gives it, places the direct
 * map; without it a randomized one (VMALLOC_START moved) is named in the
 * error. */
static void test_direct_map_base(void **state)
{
	const uint64_t base = 0xffff9a0000000000ULL;
	struct vmcoreinfo vi;
	struct kj_error err = { 0, "" };
	char *out = NULL;

	(void)state;
	build_ring(&L64, 5);
	sim_put(PA_PRB + L64.off_descs, base + PA_DESCS, 8);
	sim_put(PA_PRB + L64.off_infos, base + PA_INFOS, 8);
	sim_put(PA_PRB + L64.off_tring + L64.off_data, base + PA_DATA, 8);
	parse_vi(&L64, NULL, "NUMBER(page_offset_base)=0xffff9a0000000000\n", &vi);
	assert_int_equal(run(&L64, &vi, &out, &err), 0);
	assert_string_equal(out, EXPECTED);
	free(out);
	vmcoreinfo_free(&vi);
	expect_fail(&L64, NULL, "NUMBER(VMALLOC_START)=0xffffb12340000000\n", "KASLR");
	expect_fail(&L64, NULL, "NUMBER(VMALLOC_START)=0xffffc90000000000\n", "not all in the dump");
}

static void test_bad_ring_i386(void **state)
{
	(void)state;
	build_ring(&L32, 5);
	/* below PAGE_OFFSET, and lowmem ends at VMALLOC_START */
	sim_put(PA_PRB + L32.off_infos, 0x1000, 4);
	expect_fail(&L32, NULL, NULL, "outside");
	sim_put(PA_PRB + L32.off_infos, kvirt(&L32, PA_INFOS), 4);
	expect_fail(&L32, NULL, "NUMBER(VMALLOC_START)=0xc0401000\n", "outside");
	/* 64-bit offsets on a 32-bit kernel */
	expect_fail(&L32, "SIZE(atomic_long_t)=", "SIZE(atomic_long_t)=8\n", "32-bit");
	sim_put(PA_PRB + L32.off_head, 5 + 100, 4);
	expect_fail(&L32, NULL, NULL, "further apart");
}

/* ---- ELF cores in files --------------------------------------------- */

/* Write sim memory as an ELF core (class from elf64, e_machine from L)
 * with these PT_LOADs, VMCOREINFO and, if entry, a KEXECJMP image note. */
static char *write_core(const struct layout *L, bool elf64, const struct sim_seg *segs, int nseg,
			uint64_t entry)
{
	char *vi = vmcoreinfo_text(L, NULL, NULL);
	uint8_t notes[8192];
	size_t nlen = 0;

	sim_note(notes, &nlen, "VMCOREINFO", 0, vi, strlen(vi));
	free(vi);
	if (entry) {
		struct kj_note_image in = { 1, 0, entry, 0, 0, 0, { 0 } };

		sim_note(notes, &nlen, KJ_NOTE_NAME, KJ_NOTE_IMAGE, &in, sizeof(in));
	}
	return sim_write_core("/tmp/kj-dmesg-XXXXXX", elf64, L->is64 ? EM_X86_64 : EM_386, notes,
			      nlen, segs, nseg);
}

static int dmesg_file(const char *path, char **out, struct kj_error *err)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	int rc;

	assert_non_null(f);
	rc = kdump_dmesg(path, f, err);
	fclose(f);
	return rc;
}

static void core_ok(const char *path, const char *expected)
{
	struct kj_error err = { 0, "" };
	char *out = NULL;

	if (dmesg_file(path, &out, &err) != 0)
		fail_msg("kdump_dmesg(%s) failed: %s", path, err.msg);
	assert_string_equal(out, expected);
	free(out);
}

static void core_fails(const char *path, const char *needle)
{
	struct kj_error err = { 0, "" };
	char *out = NULL;

	assert_int_equal(dmesg_file(path, &out, &err), -1);
	print_message("  refused: %s\n", err.msg);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_null(strchr(err.msg, '\n'));
	assert_non_null(strstr(err.msg, path));
	if (needle && !strstr(err.msg, needle))
		fail_msg("'%s' not in '%s'", needle, err.msg);
	assert_string_equal(out, "");
	free(out);
}

static void test_core_files(void **state)
{
	/* the infos' last slot (7, the reserved record's) past p_filesz:
	 * zeros; a gap between two PT_LOADs */
	const struct sim_seg segs[] = {
		{ 0, PA_INFOS, PA_INFOS },
		{ PA_INFOS, 7 * 88, 0x1000 },
		{ PA_DATA, 0x1000, 0x1000 },
		{ PA_DATA + 0x2000, 0x1000, 0x1000 },
	};
	/* no PT_LOAD for the data ring */
	const struct sim_seg missing[] = {
		{ 0, PA_INFOS, PA_INFOS },
		{ PA_INFOS, 0x1000, 0x1000 },
	};
	char *p;

	(void)state;
	build_ring(&L64, 5);
	memset(sim.mem + PA_INFOS + 7 * 88, 0xee, 88); /* not in the file */
	p = write_core(&L64, true, segs, 4, 0);
	core_ok(p, EXPECTED);
	unlink(p);
	free(p);
	p = write_core(&L64, false, segs, 4, 0); /* ELF32, x86_64 machine */
	core_ok(p, EXPECTED);
	unlink(p);
	free(p);
	p = write_core(&L64, true, missing, 2, 0);
	core_fails(p, "text data ring");
	unlink(p);
	free(p);

	memset(sim.mem, 0, MEM_SIZE);
	build_ring(&L32, 0x3ffffffdULL);
	p = write_core(&L32, false, segs, 4, 0);
	core_ok(p, EXPECTED);
	unlink(p);
	free(p);
	p = write_core(&L32, true, segs, 4, 0);
	core_ok(p, EXPECTED);
	unlink(p);
	free(p);
}

/*
 * A saved image after a kexec jump: the data ring's page was lent to B,
 * A's contents of it are in a source page the swap list names (from the
 * jump-back entry's control page, CP_PA_BACKUP_PAGES_MAP).
 */
static void swap_case(const struct layout *L)
{
	const uint64_t control = 0x500000, list = 0x501000, src = 0x600000;
	const struct sim_seg segs[] = { { 0, MEM_SIZE, MEM_SIZE } };
	unsigned w = L->w;
	char *p;

	memset(sim.mem, 0, MEM_SIZE);
	build_ring(L, 5);
	memcpy(sim.mem + src, sim.mem + PA_DATA, 4096);
	memset(sim.mem + PA_DATA, 'B', 4096); /* B's view of the page */
	sim_put(control + 2048 + (w == 8 ? 0x30 : 0x1c), list | 2 /* IND_INDIRECTION */, w);
	sim_put(list, PA_DATA | 1 /* IND_DESTINATION */, w);
	sim_put(list + w, src | 8 /* IND_SOURCE */, w);
	sim_put(list + 2 * w, 4 /* IND_DONE */, w);
	p = write_core(L, true, segs, 1, control + 0x123);
	core_ok(p, EXPECTED);
	unlink(p);
	free(p);
	/* without the entry, B's view is read */
	p = write_core(L, true, segs, 1, 0);
	{
		struct kj_error err = { 0, "" };
		char *out = NULL;

		assert_int_equal(dmesg_file(p, &out, &err), 0);
		assert_non_null(strstr(out, "BBBB"));
		free(out);
	}
	unlink(p);
	free(p);
}

static void test_core_swap(void **state)
{
	(void)state;
	swap_case(&L64);
	swap_case(&L32);
}

static void test_core_bad_files(void **state)
{
	const struct sim_seg segs[] = { { 0, MEM_SIZE, MEM_SIZE } };
	struct kj_error err = { 0, "" };
	char *p, *out = NULL;
	FILE *f;

	(void)state;
	build_ring(&L64, 5);
	assert_int_equal(dmesg_file("/nonexistent/vmcore", &out, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_non_null(strstr(err.msg, "/nonexistent/vmcore"));
	free(out);
	/* not ELF */
	p = strdup("/tmp/kj-dmesg-XXXXXX");
	f = fdopen(mkstemp(p), "w");
	assert_non_null(f);
	fputs("not an ELF core at all, just text long enough to be read\n", f);
	fclose(f);
	core_fails(p, NULL);
	unlink(p);
	free(p);
	/* a machine other than x86 */
	p = write_core(&L64, true, segs, 1, 0);
	{
		FILE *g = fopen(p, "r+");
		uint16_t m = EM_AARCH64;

		assert_non_null(g);
		fseek(g, 18, SEEK_SET);
		fwrite(&m, 2, 1, g);
		fclose(g);
	}
	core_fails(p, "machine");
	unlink(p);
	free(p);
}

/* ---- an image kdump save wrote ---------------------------------------- */

/*
 * What kdump dmesg reads after a kexec jump and a save: not the core but
 * the image kdump save made of it, zero pages left out (recorded as
 * memory without file bytes), the ring's pages saved.
 */
static void saved_case(const struct layout *L)
{
	const struct sim_seg segs[] = {
		{ 0, 0x9f000, 0x9f000 },
		{ 0x100000, MEM_SIZE - 0x100000, MEM_SIZE - 0x100000 },
	};
	const struct save_opts o = { .exclude_zero = true, .entry = 0x1000000, .entry_given = true };
	struct save_stats st;
	char *img, *core;

	memset(sim.mem, 0, MEM_SIZE);
	build_ring(L, 5);
	core = write_core(L, L->is64, segs, 2, 0);
	img = sim_save(core, o, &st);
	print_message("  %s: %llu bytes saved, %llu zero\n", L->is64 ? "x86_64" : "i386",
		      (unsigned long long)st.data_bytes, (unsigned long long)st.zero_bytes);
	/* the prb variable, the ring and the text: a few pages of 8 MiB */
	assert_true(st.data_bytes > 0 && st.data_bytes <= 16 * 4096);
	assert_int_equal(st.data_bytes + st.zero_bytes, 0x9f000 + MEM_SIZE - 0x100000);
	core_ok(img, EXPECTED);
	sim_save_remove(img);
	unlink(core);
	free(core);
}

static void test_saved_image_x86_64(void **state)
{
	(void)state;
	saved_case(&L64);
}

static void test_saved_image_i386(void **state)
{
	(void)state;
	saved_case(&L32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_x86_64, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_i386_ids_wrap, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_x86_64_ids_wrap, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_skipped_states, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_single, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_record, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_no_prb, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_bad_vmcoreinfo, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_bad_ring, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_direct_map_base, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_bad_ring_i386, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_core_files, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_core_swap, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_core_bad_files, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_saved_image_x86_64, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_saved_image_i386, sim_setup, sim_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
