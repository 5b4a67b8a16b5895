// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump dmesg: the old kernel's printk ring buffer (see dmesg.h).
 *
 * Facts used (Linux 5.10+, kernel/printk/printk_ringbuffer.h):
 *  - SYMBOL(prb) is the address of the pointer `prb` to the struct
 *    printk_ringbuffer in use (printk_rb_static, or printk_rb_dynamic once
 *    setup_log_buf() allocated a larger buffer);
 *  - the descriptor ring has 1 << count_bits descriptors (struct prb_desc)
 *    and as many struct printk_info, both indexed by id % count; the data
 *    ring is 1 << size_bits bytes;
 *  - a descriptor's state_var holds its id in the low bits and its state in
 *    the top two bits of an unsigned long (0 reserved, 1 committed,
 *    2 finalized, 3 reusable); ids advance modulo 2^(BITS_PER_LONG - 2);
 *  - a record's text is in the data block [begin, next) (logical
 *    positions, taken modulo the ring size), after the block's leading id
 *    word; a block that wraps is stored whole at the ring's start.
 * The walk and the output follow makedumpfile 1.7.2's dump_lockless_dmesg
 * (printk.c), whose output this reproduces byte for byte.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "core.h"
#include "dmesg.h"
#include "exitcodes.h"
#include "kdump-image.h"
#include "le.h"
#include "oldmem.h"
#include "swapmap.h"

#define PAGE 4096u

#define X86_64_START_KERNEL_MAP 0xffffffff80000000ULL
#define X86_64_KERNEL_MAP_SIZE  (1ULL << 30) /* KERNEL_IMAGE_SIZE at most */
#define X86_64_DIRECT_L4        0xffff888000000000ULL
#define X86_64_DIRECT_L5        0xff11000000000000ULL
#define X86_64_VMALLOC_L4       0xffffc90000000000ULL /* not randomized */
#define X86_64_VMALLOC_L5       0xffa0000000000000ULL
#define I386_PAGE_OFFSET        0xc0000000ULL
#define I386_LOWMEM_END         0xf8000000ULL /* 896 MiB of lowmem */

#define DESC_COMMITTED 1u
#define DESC_FINALIZED 2u

#define PREREAD_CHUNK (64u << 10)

struct rb {
	const struct vmcoreinfo *vi;
	const struct oldmem *mem;
	struct kj_error *err;
	unsigned w;             /* sizeof(unsigned long) of the old kernel */
	uint64_t addr_max;      /* highest virtual address */

	/* virtual to physical: two linear maps */
	uint64_t ktext_lo, ktext_hi, ktext_phys;
	uint64_t direct_lo, direct_hi;
	bool direct_guessed;    /* x86_64 KASLR moved the direct map: unknown */

	/* layout, from VMCOREINFO */
	uint64_t sz_prb, off_dring, off_tring;
	uint64_t off_count_bits, off_descs, off_infos, off_head, off_tail, off_counter;
	uint64_t off_size_bits, off_data;
	uint64_t sz_desc, off_state, off_lpos, off_begin, off_next;
	uint64_t sz_info, off_ts, off_text_len;

	/* the ring, from the dump */
	uint64_t count, size, descs, infos, data, head, tail, id_mask;
};

static uint64_t word(const struct rb *r, const uint8_t *p)
{
	return r->w == 8 ? le64(p) : le32(p);
}

/* Translate [v, v + len) to one physical range; -1 if it leaves the maps. */
static int v2p(const struct rb *r, uint64_t v, uint64_t len, uint64_t *pa)
{
	if (v > r->addr_max || (len && len - 1 > r->addr_max - v))
		return -1;
	if (r->ktext_hi && v >= r->ktext_lo && v < r->ktext_hi && len <= r->ktext_hi - v) {
		*pa = v - r->ktext_lo + r->ktext_phys;
		return *pa + len < *pa ? -1 : 0;
	}
	if (v >= r->direct_lo && v < r->direct_hi && len <= r->direct_hi - v) {
		*pa = v - r->direct_lo;
		return 0;
	}
	return -1;
}

/* Why an address outside the kernel image may have been misread. */
static const char *hint(const struct rb *r, uint64_t v)
{
	if (r->direct_guessed && !(v >= r->ktext_lo && v < r->ktext_hi))
		return " (the kernel's direct map is randomized (KASLR) and VMCOREINFO does "
		       "not say where: the default base was assumed)";
	return "";
}

static int vread(const struct rb *r, uint64_t v, void *buf, size_t len, const char *what)
{
	uint64_t pa;

	if (v2p(r, v, len, &pa) < 0)
		return kj_fail(r->err, KJ_EXIT_BADFILE,
			       "%s (%zu bytes at %#" PRIx64 ") is outside the kernel's linear maps%s",
			       what, len, v, hint(r, v));
	if (r->mem->read(r->mem->ctx, pa, buf, len) < 0)
		return kj_fail(r->err, KJ_EXIT_BADFILE,
			       "%s (%zu bytes at %#" PRIx64 ", physical %#" PRIx64
			       ") is not in the dump%s", what, len, v, pa, hint(r, v));
	return 0;
}

/* Check that all of [v, v + len) is readable, a chunk at a time. */
static int vcheck(const struct rb *r, uint64_t v, uint64_t len, const char *what)
{
	uint8_t *buf = malloc(PREREAD_CHUNK);
	uint64_t pa, at = 0;

	if (!buf)
		return kj_fail(r->err, KJ_EXIT_FAILURE, "out of memory");
	if (v2p(r, v, len, &pa) < 0) {
		free(buf);
		return kj_fail(r->err, KJ_EXIT_BADFILE,
			       "%s (%" PRIu64 " bytes at %#" PRIx64 ") is outside the kernel's linear maps%s",
			       what, len, v, hint(r, v));
	}
	while (at < len) {
		size_t n = len - at < PREREAD_CHUNK ? (size_t)(len - at) : PREREAD_CHUNK;

		if (r->mem->read(r->mem->ctx, pa + at, buf, n) < 0) {
			free(buf);
			return kj_fail(r->err, KJ_EXIT_BADFILE,
				       "%s (%" PRIu64 " bytes at %#" PRIx64 ") is not all in the dump: "
				       "physical %#" PRIx64 " is missing%s", what, len, v, pa + at,
				       hint(r, v));
		}
		at += n;
	}
	free(buf);
	return 0;
}

/* ------------------------------------------------------------ layout */

static int get_off(struct rb *r, const char *name, uint64_t *v)
{
	if (vmcoreinfo_offset(r->vi, name, v))
		return kj_fail(r->err, KJ_EXIT_BADFILE, "VMCOREINFO lacks OFFSET(%s)", name);
	if (*v >= DMESG_MAX_STRUCT)
		return kj_fail(r->err, KJ_EXIT_BADFILE, "OFFSET(%s)=%" PRIu64 " is implausible",
			       name, *v);
	return 0;
}

static int get_size(struct rb *r, const char *name, uint64_t *v)
{
	if (vmcoreinfo_size(r->vi, name, v))
		return kj_fail(r->err, KJ_EXIT_BADFILE, "VMCOREINFO lacks SIZE(%s)", name);
	if (*v == 0 || *v > DMESG_MAX_STRUCT)
		return kj_fail(r->err, KJ_EXIT_BADFILE, "SIZE(%s)=%" PRIu64 " is implausible",
			       name, *v);
	return 0;
}

/* A field of width bytes at off must lie within a structure of size bytes
 * (all values are below DMESG_MAX_STRUCT: no overflow). */
static int fits(struct rb *r, uint64_t off, unsigned width, uint64_t size, const char *field,
		const char *in)
{
	if (off + width > size)
		return kj_fail(r->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO is inconsistent: %s (offset %" PRIu64 ", %u bytes) "
			       "lies outside SIZE(%s)=%" PRIu64, field, off, width, in, size);
	return 0;
}

static int setup_layout(struct rb *r)
{
	uint64_t v;

	if (get_size(r, "printk_ringbuffer", &r->sz_prb) ||
	    get_off(r, "printk_ringbuffer.desc_ring", &r->off_dring) ||
	    get_off(r, "printk_ringbuffer.text_data_ring", &r->off_tring) ||
	    get_off(r, "prb_desc_ring.count_bits", &r->off_count_bits) ||
	    get_off(r, "prb_desc_ring.descs", &r->off_descs) ||
	    get_off(r, "prb_desc_ring.infos", &r->off_infos) ||
	    get_off(r, "prb_desc_ring.head_id", &r->off_head) ||
	    get_off(r, "prb_desc_ring.tail_id", &r->off_tail) ||
	    get_off(r, "atomic_long_t.counter", &r->off_counter) ||
	    get_off(r, "prb_data_ring.size_bits", &r->off_size_bits) ||
	    get_off(r, "prb_data_ring.data", &r->off_data) ||
	    get_size(r, "prb_desc", &r->sz_desc) ||
	    get_off(r, "prb_desc.state_var", &r->off_state) ||
	    get_off(r, "prb_desc.text_blk_lpos", &r->off_lpos) ||
	    get_off(r, "prb_data_blk_lpos.begin", &r->off_begin) ||
	    get_off(r, "prb_data_blk_lpos.next", &r->off_next) ||
	    get_size(r, "printk_info", &r->sz_info) ||
	    get_off(r, "printk_info.ts_nsec", &r->off_ts) ||
	    get_off(r, "printk_info.text_len", &r->off_text_len))
		return -1;
	/* the word size must agree with the one VMCOREINFO describes */
	if (vmcoreinfo_size(r->vi, "atomic_long_t", &v) == 0 && v != r->w)
		return kj_fail(r->err, KJ_EXIT_BADFILE,
			       "SIZE(atomic_long_t)=%" PRIu64 " does not match a %u-bit kernel", v,
			       r->w * 8);
	if (fits(r, r->off_dring + r->off_count_bits, 4, r->sz_prb,
		 "prb_desc_ring.count_bits", "printk_ringbuffer") ||
	    fits(r, r->off_dring + r->off_descs, r->w, r->sz_prb, "prb_desc_ring.descs",
		 "printk_ringbuffer") ||
	    fits(r, r->off_dring + r->off_infos, r->w, r->sz_prb, "prb_desc_ring.infos",
		 "printk_ringbuffer") ||
	    fits(r, r->off_dring + r->off_head + r->off_counter, r->w, r->sz_prb,
		 "prb_desc_ring.head_id", "printk_ringbuffer") ||
	    fits(r, r->off_dring + r->off_tail + r->off_counter, r->w, r->sz_prb,
		 "prb_desc_ring.tail_id", "printk_ringbuffer") ||
	    fits(r, r->off_tring + r->off_size_bits, 4, r->sz_prb, "prb_data_ring.size_bits",
		 "printk_ringbuffer") ||
	    fits(r, r->off_tring + r->off_data, r->w, r->sz_prb, "prb_data_ring.data",
		 "printk_ringbuffer") ||
	    fits(r, r->off_state + r->off_counter, r->w, r->sz_desc, "prb_desc.state_var",
		 "prb_desc") ||
	    fits(r, r->off_lpos + r->off_begin, r->w, r->sz_desc, "prb_data_blk_lpos.begin",
		 "prb_desc") ||
	    fits(r, r->off_lpos + r->off_next, r->w, r->sz_desc, "prb_data_blk_lpos.next",
		 "prb_desc") ||
	    fits(r, r->off_ts, 8, r->sz_info, "printk_info.ts_nsec", "printk_info") ||
	    fits(r, r->off_text_len, 2, r->sz_info, "printk_info.text_len", "printk_info"))
		return -1;
	return 0;
}

static int setup_translation(struct rb *r, bool is64)
{
	int64_t n;

	if (!is64) {
		r->addr_max = 0xffffffffULL;
		r->direct_lo = I386_PAGE_OFFSET;
		r->direct_hi = I386_LOWMEM_END;
		if (vmcoreinfo_number(r->vi, "VMALLOC_START", &n) == 0 &&
		    (uint64_t)n > I386_PAGE_OFFSET && (uint64_t)n <= 0xffffffffULL)
			r->direct_hi = (uint64_t)n;
		return 0;
	}
	r->addr_max = UINT64_MAX;
	r->ktext_lo = X86_64_START_KERNEL_MAP;
	r->ktext_hi = X86_64_START_KERNEL_MAP + X86_64_KERNEL_MAP_SIZE;
	r->ktext_phys = 0;
	if (vmcoreinfo_number(r->vi, "phys_base", &n) == 0)
		r->ktext_phys = (uint64_t)n;
	if (vmcoreinfo_number(r->vi, "page_offset_base", &n) == 0) {
		r->direct_lo = (uint64_t)n;
	} else {
		bool l5 = vmcoreinfo_number(r->vi, "pgtable_l5_enabled", &n) == 0 && n == 1;

		r->direct_lo = l5 ? X86_64_DIRECT_L5 : X86_64_DIRECT_L4;
		/* KASLR moves the direct map and vmalloc together */
		r->direct_guessed = vmcoreinfo_number(r->vi, "VMALLOC_START", &n) == 0 &&
				    (uint64_t)n != (l5 ? X86_64_VMALLOC_L5 : X86_64_VMALLOC_L4);
	}
	/* up to 2^MAX_PHYSMEM_BITS (46 or 52) of physical memory */
	r->direct_hi = r->direct_lo + (1ULL << 46);
	if (vmcoreinfo_number(r->vi, "MAX_PHYSMEM_BITS", &n) == 0 && n >= 32 && n <= 52)
		r->direct_hi = r->direct_lo + (1ULL << n);
	if (r->direct_hi < r->direct_lo)
		r->direct_hi = UINT64_MAX;
	return 0;
}

/* ------------------------------------------------------------ the ring */

static int setup_ring(struct rb *r)
{
	uint64_t sym, prb;
	uint8_t ptr[8], *p;
	uint32_t count_bits, size_bits;

	if (vmcoreinfo_symbol(r->vi, "prb", &sym))
		return -1; /* checked by the caller */
	if (vread(r, sym, ptr, r->w, "the pointer prb") < 0)
		return -1;
	prb = word(r, ptr);
	p = malloc((size_t)r->sz_prb);
	if (!p)
		return kj_fail(r->err, KJ_EXIT_FAILURE, "out of memory");
	if (vread(r, prb, p, (size_t)r->sz_prb, "the printk_ringbuffer *prb") < 0) {
		free(p);
		return -1;
	}
	count_bits = le32(p + r->off_dring + r->off_count_bits);
	size_bits = le32(p + r->off_tring + r->off_size_bits);
	r->descs = word(r, p + r->off_dring + r->off_descs);
	r->infos = word(r, p + r->off_dring + r->off_infos);
	r->head = word(r, p + r->off_dring + r->off_head + r->off_counter);
	r->tail = word(r, p + r->off_dring + r->off_tail + r->off_counter);
	r->data = word(r, p + r->off_tring + r->off_data);
	free(p);

	if (count_bits > DMESG_MAX_COUNT_BITS)
		return kj_fail(r->err, KJ_EXIT_BADFILE,
			       "prb->desc_ring.count_bits=%" PRIu32 " is implausible (at most %u)",
			       count_bits, DMESG_MAX_COUNT_BITS);
	if (size_bits > DMESG_MAX_SIZE_BITS)
		return kj_fail(r->err, KJ_EXIT_BADFILE,
			       "prb->text_data_ring.size_bits=%" PRIu32 " is implausible (at most %u)",
			       size_bits, DMESG_MAX_SIZE_BITS);
	r->count = 1ULL << count_bits;
	r->size = 1ULL << size_bits;
	/* ids count modulo 2^(BITS_PER_LONG - 2): the top two bits are the state */
	r->id_mask = (r->w == 8 ? UINT64_MAX : 0xffffffffULL) >> 2;
	if (((r->head - r->tail) & r->id_mask) >= r->count)
		return kj_fail(r->err, KJ_EXIT_BADFILE,
			       "the log's tail id %#" PRIx64 " and head id %#" PRIx64
			       " are further apart than its %" PRIu64 " descriptors", r->tail,
			       r->head, r->count);
	/* read everything once before printing anything (as makedumpfile,
	 * which fails when any of it is missing) */
	if (vcheck(r, r->descs, r->count * r->sz_desc, "the descriptors prb->desc_ring.descs") ||
	    vcheck(r, r->infos, r->count * r->sz_info, "the records' infos prb->desc_ring.infos") ||
	    vcheck(r, r->data, r->size, "the text data ring prb->text_data_ring.data"))
		return -1;
	return 0;
}

/* "\x%02x" of a byte as a (signed) char, as makedumpfile prints it. */
static int put_escaped(FILE *out, uint8_t c)
{
	return c < 0x80 ? fprintf(out, "\\x%02x", c) : fprintf(out, "\\xffffff%02x", c);
}

static bool printable_or_space(uint8_t c)
{
	/* isprint() || isspace() in the C locale */
	return (c >= 0x20 && c < 0x7f) || (c >= '\t' && c <= '\r');
}

static int print_record(struct rb *r, uint64_t id, uint8_t *desc, uint8_t *info, uint8_t *text,
			FILE *out)
{
	uint64_t idx = id & (r->count - 1), sv, begin, next, ts, len;
	unsigned state;
	char prefix[64];
	int indent;

	if (vread(r, r->descs + idx * r->sz_desc, desc, (size_t)r->sz_desc, "a descriptor") < 0)
		return -1;
	sv = word(r, desc + r->off_state + r->off_counter);
	state = (unsigned)(sv >> (r->w * 8 - 2)) & 3u;
	if ((sv & r->id_mask) != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return 0; /* reserved, reusable or already another record */
	begin = word(r, desc + r->off_lpos + r->off_begin) % r->size;
	next = word(r, desc + r->off_lpos + r->off_next) % r->size;
	if (begin == next)
		return 0; /* no data */
	if (vread(r, r->infos + idx * r->sz_info, info, (size_t)r->sz_info, "a record's info") < 0)
		return -1;
	len = le16(info + r->off_text_len);
	if (begin > next)
		begin = 0; /* a wrapped block is stored at the start */
	begin += r->w; /* the block's id */
	if (next >= begin && next - begin < len)
		len = next - begin; /* truncated */
	/* never past the ring (a dump could claim so) */
	if (begin >= r->size)
		len = 0;
	else if (len > r->size - begin)
		len = r->size - begin;
	if (len && vread(r, r->data + begin, text, (size_t)len, "a record's text") < 0)
		return -1;

	ts = le64(info + r->off_ts);
	indent = snprintf(prefix, sizeof(prefix), "[%5" PRIu64 ".%06" PRIu64 "] ",
			  ts / 1000000000u, ts % 1000000000u / 1000u);
	fputs(prefix, out);
	for (uint64_t i = 0; i < len; i++) {
		uint8_t c = text[i];

		if (c == '\n')
			fprintf(out, "\n%*s", indent, "");
		else if (printable_or_space(c))
			putc(c, out);
		else
			put_escaped(out, c);
	}
	putc('\n', out);
	return 0;
}

int dmesg_print(const struct vmcoreinfo *vi, bool is64, const struct oldmem *mem, FILE *out,
		struct kj_error *err)
{
	struct rb r;
	uint64_t sym, id, n;
	uint8_t *desc = NULL, *info = NULL, *text = NULL;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.vi = vi;
	r.mem = mem;
	r.err = err;
	r.w = is64 ? 8 : 4;
	if (!vi || !mem || !mem->read || !out)
		return kj_fail(err, KJ_EXIT_FAILURE, "dmesg_print: missing argument");
	if (vmcoreinfo_symbol(vi, "prb", &sym))
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "VMCOREINFO has no SYMBOL(prb): the kernel's log is not the lockless "
			       "ring buffer of Linux 5.10 and later (older kernels' log_buf is not "
			       "supported)");
	if (setup_layout(&r) || setup_translation(&r, is64) || setup_ring(&r))
		return -1;

	desc = malloc((size_t)r.sz_desc);
	info = malloc((size_t)r.sz_info);
	text = malloc(65536); /* text_len is 16 bits */
	if (!desc || !info || !text) {
		kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
		goto out;
	}
	/* from tail to head, both included */
	n = ((r.head - r.tail) & r.id_mask) + 1;
	id = r.tail;
	for (uint64_t i = 0; i < n; i++, id = (id + 1) & r.id_mask)
		if (print_record(&r, id, desc, info, text, out) < 0)
			goto out;
	if (fflush(out) == EOF || ferror(out)) {
		kj_fail(err, KJ_EXIT_FAILURE, "write error: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(desc);
	free(info);
	free(text);
	return rc;
}

/* ------------------------------------------------------------ ELF cores */

/* Prefix err's message with the file's name. */
static int fail_in(struct kj_error *err, const char *path)
{
	char msg[sizeof(err->msg)];

	if (!err)
		return -1;
	memcpy(msg, err->msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	return kj_fail(err, err->exit_code ? err->exit_code : KJ_EXIT_FAILURE, "%s: %s", path, msg);
}

int kdump_dmesg(const char *path, FILE *out, struct kj_error *err)
{
	struct core c;
	struct vmcoreinfo vi;
	struct swapmap swap = { NULL, NULL, 0 };
	struct core_mem cm;
	struct oldmem mem = { core_mem_read, &cm };
	const uint8_t *desc;
	size_t dl;
	uint64_t entry = 0;
	bool is64;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", path, strerror(errno));
	if (core_open(fd, path, &c, err) < 0) {
		close(fd);
		return -1;
	}
	if (c.machine == EM_X86_64) {
		is64 = true;
	} else if (c.machine == EM_386) {
		is64 = false;
	} else {
		rc = kj_fail(err, KJ_EXIT_BADFILE, "%s: ELF machine %u is neither x86_64 nor i386",
			     path, c.machine);
		goto out_core;
	}
	if (core_find_note(c.notes, c.notes_len, "VMCOREINFO", 0, &desc, &dl) < 0) {
		rc = kj_fail(err, KJ_EXIT_BADFILE,
			     "%s: no VMCOREINFO note: the kernel's log cannot be found", path);
		goto out_core;
	}
	if (vmcoreinfo_parse((const char *)desc, dl, &vi, err) < 0) {
		rc = fail_in(err, path);
		goto out_core;
	}
	/* after a kexec jump: where A's contents of the pages B was given are */
	if (core_find_note(c.notes, c.notes_len, KJ_NOTE_NAME, KJ_NOTE_IMAGE, &desc, &dl) == 0 &&
	    dl >= sizeof(struct kj_note_image))
		entry = le64(desc + offsetof(struct kj_note_image, entry));
	else if (!strcmp(path, "/proc/vmcore"))
		entry = jump_back_entry_from_cmdline();
	cm = (struct core_mem){ fd, &c, NULL };
	if (entry) {
		struct kj_error serr = { 0, "" };

		if (swapmap_read(&mem, is64, entry, &swap, &serr) == 0)
			cm.swap = &swap;
	}
	rc = dmesg_print(&vi, is64, &mem, out, err);
	if (rc < 0)
		fail_in(err, path);
	swapmap_free(&swap);
	vmcoreinfo_free(&vi);
out_core:
	core_free(&c);
	close(fd);
	return rc;
}
