// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Free-page detection in an old kernel's memory (see freepages.h).
 *
 * Facts used (Linux 6.1 and 6.12, x86):
 *  - struct page layout from SIZE(page), OFFSET(page.flags),
 *    OFFSET(page._mapcount) (a union with page_type), OFFSET(page.private);
 *  - the buddy mark from NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE), see freepages.h;
 *  - orders 0 .. LENGTH(zone.free_area) - 1 (NR_PAGE_ORDERS);
 *  - FLATMEM: SYMBOL(mem_map) is &mem_map, page(pfn) = mem_map + pfn
 *    (ARCH_PFN_OFFSET is 0 on x86);
 *  - SPARSEMEM: SYMBOL(mem_section) is the array (static) or the value of
 *    the pointer to the root array (EXTREME); LENGTH(mem_section) is
 *    NR_SECTION_ROOTS; a section's section_mem_map holds
 *    (memmap - section_start_pfn) | flags, flags below SECTION_MAP_MASK
 *    (at most 6 bits on x86), bit 0 PRESENT, bit 1 HAS_MEM_MAP;
 *  - x86_64: __START_KERNEL_map 0xffffffff80000000, NUMBER(phys_base),
 *    SYMBOL(init_top_pgt), NUMBER(pgtable_l5_enabled), NUMBER(sme_mask);
 *    default direct map 0xffff888000000000 (5-level 0xff11000000000000)
 *    and VMALLOC_START 0xffffc90000000000 (0xffa0000000000000);
 *  - i386: lowmem is mapped at PAGE_OFFSET (0xC0000000 for VMSPLIT_3G)
 *    up to below VMALLOC_START.
 */
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "freepages.h"

#define FP_PAGE_SHIFT 12
#define FP_PAGE_SIZE  4096ULL

#define X86_64_START_KERNEL_MAP 0xffffffff80000000ULL
#define X86_64_DIRECT_L4        0xffff888000000000ULL
#define X86_64_DIRECT_L5        0xff11000000000000ULL
#define X86_64_VMALLOC_L4       0xffffc90000000000ULL
#define X86_64_VMALLOC_L5       0xffa0000000000000ULL
#define X86_PTE_PRESENT         0x1ULL
#define X86_PTE_PSE             0x80ULL
#define X86_PTE_ADDR            0x000ffffffffff000ULL

#define SECTION_MARKED_PRESENT  0x1ULL
#define SECTION_HAS_MEM_MAP     0x2ULL
#define SECTION_FLAG_BITS       0x3fULL /* bits below SECTION_MAP_MASK */

#define MAX_SANE_ORDER   20
#define BATCH_PAGES      256
#define MAX_PAGE_STRUCT  512

enum buddy_mode {
	BUDDY_TYPE_BYTE, /* 6.12+: page_type >> 24 == value >> 24 */
	BUDDY_TYPE_BIT,  /* 4.18..6.11: (v & (base | flag)) == base */
	BUDDY_EXACT,     /* older: _mapcount == value */
	BUDDY_FLAG,      /* oldest: PG_buddy bit in page.flags */
};

enum walk_res { PT_OK, PT_NOTPRESENT, PT_UNREADABLE };

struct run {
	uint64_t pfn, count;
};

struct fp {
	const struct vmcoreinfo *vi;
	bool is64;
	const struct oldmem *mem;
	struct kj_error *err;
	uint64_t max_pfn;
	unsigned ptr_size;
	uint64_t addr_mask;

	/* struct page */
	uint64_t page_sz, off_flags, off_type, off_private;
	enum buddy_mode buddy_mode;
	uint32_t buddy_value, buddy_base, buddy_flag;
	unsigned pg_buddy_bit;
	unsigned max_order;

	/* address translation */
	bool have_pgt, l5;
	uint64_t pgt_phys, pte_mask;
	bool have_direct;
	uint64_t direct_base, direct_end;
	bool have_ktext;
	uint64_t ktext_base, ktext_end, phys_base;
	bool tlb_valid;
	uint64_t tlb_vpage, tlb_ppage;

	/* results */
	struct run *runs;
	size_t nruns, cap;
	struct freepages_stats st;
};

static uint64_t le_get(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static int phys_read(struct fp *f, uint64_t paddr, void *buf, size_t len)
{
	if (paddr + len < paddr)
		return -1;
	return f->mem->read(f->mem->ctx, paddr, buf, len) == 0 ? 0 : -1;
}

/* x86_64 page-table walk from the old kernel's top-level table. */
static enum walk_res pgt_walk(struct fp *f, uint64_t v, uint64_t *pa)
{
	static const unsigned shifts5[] = { 48, 39, 30, 21, 12 };
	const unsigned *shifts = f->l5 ? shifts5 : shifts5 + 1;
	unsigned levels = f->l5 ? 5 : 4, i;
	uint64_t table = f->pgt_phys;

	for (i = 0; i < levels; i++) {
		unsigned s = shifts[i];
		unsigned char b[8];
		uint64_t e, addr;

		if (phys_read(f, table + ((v >> s) & 511) * 8, b, 8))
			return PT_UNREADABLE;
		e = le_get(b, 8);
		if (!(e & X86_PTE_PRESENT))
			return PT_NOTPRESENT;
		addr = e & f->pte_mask;
		if (s == 12 || ((s == 30 || s == 21) && (e & X86_PTE_PSE))) {
			uint64_t m = (1ULL << s) - 1;

			*pa = (addr & ~m) | (v & m);
			return PT_OK;
		}
		table = addr;
	}
	return PT_NOTPRESENT;
}

static int v2p(struct fp *f, uint64_t v, uint64_t *pa)
{
	if (f->is64) {
		if (f->have_ktext && v >= f->ktext_base && v < f->ktext_end) {
			*pa = v - f->ktext_base + f->phys_base;
			return 0;
		}
		if (f->have_pgt) {
			enum walk_res r = pgt_walk(f, v, pa);

			if (r == PT_OK)
				return 0;
			if (r == PT_NOTPRESENT)
				return -1;
		}
	}
	if (f->have_direct && v >= f->direct_base && v < f->direct_end) {
		*pa = v - f->direct_base;
		return 0;
	}
	return -1;
}

/* Read len bytes at old-kernel virtual address v. */
static int virt_read(struct fp *f, uint64_t v, void *buf, size_t len)
{
	unsigned char *out = buf;

	while (len) {
		uint64_t vpage = v & ~(FP_PAGE_SIZE - 1), ppage;
		size_t chunk = (size_t)(FP_PAGE_SIZE - (v & (FP_PAGE_SIZE - 1)));

		if (v > f->addr_mask)
			return -1;
		if (chunk > len)
			chunk = len;
		if (f->tlb_valid && f->tlb_vpage == vpage) {
			ppage = f->tlb_ppage;
		} else {
			if (v2p(f, vpage, &ppage))
				return -1;
			f->tlb_valid = true;
			f->tlb_vpage = vpage;
			f->tlb_ppage = ppage;
		}
		if (phys_read(f, ppage + (v & (FP_PAGE_SIZE - 1)), out, chunk))
			return -1;
		out += chunk;
		len -= chunk;
		v += chunk;
		if (len && (v == 0 || v - 1 > f->addr_mask))
			return -1; /* wrapped */
	}
	return 0;
}

static int virt_read_ptr(struct fp *f, uint64_t v, uint64_t *val)
{
	unsigned char b[8];

	if (virt_read(f, v, b, f->ptr_size))
		return -1;
	*val = le_get(b, f->ptr_size);
	return 0;
}

static int need_off(struct fp *f, const char *name, uint64_t *v)
{
	if (vmcoreinfo_offset(f->vi, name, v))
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO lacks OFFSET(%s)", name);
	return 0;
}

static int add_run(struct fp *f, uint64_t pfn, uint64_t count)
{
	if (pfn >= f->max_pfn || !count)
		return 0;
	if (count > f->max_pfn - pfn)
		count = f->max_pfn - pfn;
	f->st.free_pages += count;
	if (f->nruns && f->runs[f->nruns - 1].pfn + f->runs[f->nruns - 1].count == pfn) {
		f->runs[f->nruns - 1].count += count;
		return 0;
	}
	if (f->nruns && f->runs[f->nruns - 1].pfn + f->runs[f->nruns - 1].count > pfn)
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "free page runs overlap at pfn %#llx",
			       (unsigned long long)pfn);
	if (f->nruns == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 256;
		struct run *nr = realloc(f->runs, ncap * sizeof(*nr));

		if (!nr)
			return kj_fail(f->err, KJ_EXIT_FAILURE, "out of memory");
		f->runs = nr;
		f->cap = ncap;
	}
	f->runs[f->nruns].pfn = pfn;
	f->runs[f->nruns].count = count;
	f->nruns++;
	return 0;
}

static bool is_buddy(const struct fp *f, const unsigned char *page)
{
	uint32_t t = (uint32_t)le_get(page + f->off_type, 4);

	switch (f->buddy_mode) {
	case BUDDY_TYPE_BYTE:
		return (t >> 24) == (f->buddy_value >> 24);
	case BUDDY_TYPE_BIT:
		return (t & (f->buddy_base | f->buddy_flag)) == f->buddy_base;
	case BUDDY_EXACT:
		return t == f->buddy_value;
	case BUDDY_FLAG:
		return (le_get(page + f->off_flags, f->ptr_size) >> f->pg_buddy_bit) & 1;
	}
	return false;
}

/*
 * Examine pfns [start, end) whose struct pages are at virtual address
 * base + pfn * SIZE(page) (modulo the address width).
 */
static int scan_range(struct fp *f, uint64_t base, uint64_t start, uint64_t end)
{
	unsigned char *buf;
	uint64_t pfn = start;
	int ret = 0;

	buf = malloc((size_t)(BATCH_PAGES * f->page_sz));
	if (!buf)
		return kj_fail(f->err, KJ_EXIT_FAILURE, "out of memory");
	while (pfn < end) {
		uint64_t n = end - pfn, i = 0;
		uint64_t v = (base + pfn * f->page_sz) & f->addr_mask;

		if (n > BATCH_PAGES)
			n = BATCH_PAGES;
		if (virt_read(f, v, buf, (size_t)(n * f->page_sz))) {
			ret = kj_fail(f->err, KJ_EXIT_BADFILE,
				      "cannot read the old kernel's struct page for pfn %#llx (at %#llx)",
				      (unsigned long long)pfn, (unsigned long long)v);
			break;
		}
		while (i < n) {
			const unsigned char *page = buf + i * f->page_sz;
			uint64_t p = pfn + i, order;

			if (!is_buddy(f, page)) {
				i++;
				continue;
			}
			order = le_get(page + f->off_private, f->ptr_size);
			if (order > f->max_order) {
				ret = kj_fail(f->err, KJ_EXIT_BADFILE,
					      "free page at pfn %#llx has order %llu (max %u): page array misread?",
					      (unsigned long long)p,
					      (unsigned long long)order, f->max_order);
				goto out;
			}
			if (p & ((1ULL << order) - 1)) {
				ret = kj_fail(f->err, KJ_EXIT_BADFILE,
					      "free block at pfn %#llx is not aligned to its order %llu: page array misread?",
					      (unsigned long long)p, (unsigned long long)order);
				goto out;
			}
			if (add_run(f, p, 1ULL << order)) {
				ret = -1;
				goto out;
			}
			i += 1ULL << order;
		}
		f->st.pages_scanned += n;
		pfn += i;
	}
out:
	free(buf);
	return ret;
}

static int setup_page_layout(struct fp *f)
{
	int64_t bv, n;
	uint64_t len;

	if (vmcoreinfo_size(f->vi, "page", &f->page_sz))
		return kj_fail(f->err, KJ_EXIT_BADFILE, "VMCOREINFO lacks SIZE(page)");
	if (f->page_sz < 16 || f->page_sz > MAX_PAGE_STRUCT)
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO SIZE(page)=%llu is implausible",
			       (unsigned long long)f->page_sz);
	if (need_off(f, "page.flags", &f->off_flags) ||
	    need_off(f, "page.private", &f->off_private))
		return -1;
	if (vmcoreinfo_offset(f->vi, "page._mapcount", &f->off_type) &&
	    vmcoreinfo_offset(f->vi, "page.page_type", &f->off_type) &&
	    vmcoreinfo_number(f->vi, "PG_buddy", &n))
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO lacks OFFSET(page._mapcount)");
	if (f->off_flags + f->ptr_size > f->page_sz ||
	    f->off_private + f->ptr_size > f->page_sz ||
	    f->off_type + 4 > f->page_sz)
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO struct page offsets exceed SIZE(page)");

	if (vmcoreinfo_number(f->vi, "PAGE_BUDDY_MAPCOUNT_VALUE", &bv) == 0) {
		uint32_t v = (uint32_t)bv, flag = ~v;

		if ((int64_t)(int32_t)v != bv && (uint64_t)bv != v)
			return kj_fail(f->err, KJ_EXIT_BADFILE,
				       "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%lld is not 32-bit",
				       (long long)bv);
		f->buddy_value = v;
		if ((v & 0x00ffffffu) == 0 && (v >> 24) >= 0x80) {
			f->buddy_mode = BUDDY_TYPE_BYTE;
			f->st.buddy_style = "page_type top byte (Linux 6.12+)";
		} else if (flag && !(flag & (flag - 1)) && (v & 0x80000000u)) {
			f->buddy_mode = BUDDY_TYPE_BIT;
			f->buddy_flag = flag;
			f->buddy_base = flag < 0x10000000u ? 0xf0000000u : 0x80000000u;
			f->st.buddy_style = "page_type cleared bit (Linux 4.18-6.11)";
		} else if ((int32_t)v < -1) {
			f->buddy_mode = BUDDY_EXACT;
			f->st.buddy_style = "_mapcount value (before 4.18)";
		} else {
			return kj_fail(f->err, KJ_EXIT_BADFILE,
				       "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%lld is not understood",
				       (long long)bv);
		}
	} else if (vmcoreinfo_number(f->vi, "PG_buddy", &n) == 0) {
		if (n < 0 || (uint64_t)n >= f->ptr_size * 8ULL)
			return kj_fail(f->err, KJ_EXIT_BADFILE,
				       "NUMBER(PG_buddy)=%lld out of range", (long long)n);
		f->buddy_mode = BUDDY_FLAG;
		f->pg_buddy_bit = (unsigned)n;
		f->st.buddy_style = "PG_buddy flag";
	} else {
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO lacks NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
	}

	if (vmcoreinfo_length(f->vi, "zone.free_area", &len))
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO lacks LENGTH(zone.free_area)");
	if (len < 1 || len > MAX_SANE_ORDER + 1)
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "LENGTH(zone.free_area)=%llu is implausible",
			       (unsigned long long)len);
	f->max_order = (unsigned)(len - 1);
	return 0;
}

static int setup_translation(struct fp *f)
{
	int64_t n;
	uint64_t sym;

	if (!f->is64) {
		/* i386: lowmem direct map; PAGE_OFFSET from the VMSPLIT choices */
		static const uint64_t offs[] = { 0xC0000000, 0xB0000000, 0x80000000,
						 0x78000000, 0x40000000 };
		uint64_t stext, end = 0xff800000;
		size_t i;

		if (vmcoreinfo_symbol(f->vi, "_stext", &stext))
			stext = 0xC1000000;
		f->direct_base = 0;
		for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
			if (stext >= offs[i]) {
				f->direct_base = offs[i];
				break;
			}
		if (!f->direct_base)
			return kj_fail(f->err, KJ_EXIT_BADFILE,
				       "cannot tell i386 PAGE_OFFSET from _stext %#llx",
				       (unsigned long long)stext);
		if (vmcoreinfo_number(f->vi, "VMALLOC_START", &n) == 0 &&
		    (uint64_t)n > f->direct_base && (uint64_t)n <= 0xffffffffULL)
			end = (uint64_t)n;
		f->direct_end = end;
		f->have_direct = true;
		f->st.translation = "i386 lowmem direct map";
		return 0;
	}

	f->l5 = vmcoreinfo_number(f->vi, "pgtable_l5_enabled", &n) == 0 && n == 1;
	f->phys_base = 0;
	if (vmcoreinfo_number(f->vi, "phys_base", &n) == 0)
		f->phys_base = (uint64_t)n;
	f->ktext_base = X86_64_START_KERNEL_MAP;
	f->ktext_end = X86_64_START_KERNEL_MAP + (1ULL << 30);
	if (vmcoreinfo_number(f->vi, "KERNEL_IMAGE_SIZE", &n) == 0 && n > 0 &&
	    (uint64_t)n <= (1ULL << 30))
		f->ktext_end = X86_64_START_KERNEL_MAP + (uint64_t)n;
	f->have_ktext = true;

	f->pte_mask = X86_PTE_ADDR;
	if (vmcoreinfo_number(f->vi, "sme_mask", &n) == 0)
		f->pte_mask &= ~(uint64_t)n;
	if (vmcoreinfo_symbol(f->vi, "init_top_pgt", &sym) == 0 ||
	    vmcoreinfo_symbol(f->vi, "swapper_pg_dir", &sym) == 0) {
		unsigned char b[8];

		if (sym >= f->ktext_base && sym < f->ktext_end) {
			f->pgt_phys = sym - f->ktext_base + f->phys_base;
			/* only use the page tables if they are in the dump */
			if (phys_read(f, f->pgt_phys, b, 8) == 0)
				f->have_pgt = true;
		}
	}

	/* default direct map, only if the layout is not randomized */
	if (vmcoreinfo_number(f->vi, "VMALLOC_START", &n) == 0 &&
	    (uint64_t)n == (f->l5 ? X86_64_VMALLOC_L5 : X86_64_VMALLOC_L4)) {
		unsigned bits = f->l5 ? 52 : 46;

		if (vmcoreinfo_number(f->vi, "MAX_PHYSMEM_BITS", &n) == 0 &&
		    n >= 32 && n <= 52)
			bits = (unsigned)n;
		f->direct_base = f->l5 ? X86_64_DIRECT_L5 : X86_64_DIRECT_L4;
		f->direct_end = f->direct_base + (1ULL << bits);
		f->have_direct = true;
	}
	if (f->have_pgt)
		f->st.translation = f->l5 ? "5-level page tables" : "4-level page tables";
	else if (f->have_direct)
		f->st.translation = "kernel text map + default direct map (page tables not in the dump)";
	else
		f->st.translation = "kernel text map only";
	return 0;
}

static int walk_flatmem(struct fp *f)
{
	uint64_t sym, base;

	if (vmcoreinfo_symbol(f->vi, "mem_map", &sym))
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO has neither SYMBOL(mem_section) nor SYMBOL(mem_map)");
	if (virt_read_ptr(f, sym, &base))
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "cannot read the old kernel's mem_map pointer at %#llx (not in the dump?)",
			       (unsigned long long)sym);
	if (!base)
		return kj_fail(f->err, KJ_EXIT_BADFILE, "the old kernel's mem_map is NULL");
	f->st.layout = "flatmem";
	return scan_range(f, base, 0, f->max_pfn);
}

/* A SPARSEMEM kernel's mem_section array as VMCOREINFO describes it, and
 * the walk's place in it. */
struct sparse {
	uint64_t sym;         /* SYMBOL(mem_section) */
	uint64_t sec_bits;    /* SECTION_SIZE_BITS */
	uint64_t nr_sections;
	uint64_t ms_size;     /* SIZE(mem_section) */
	uint64_t ms_off;      /* OFFSET(mem_section.section_mem_map) */
	uint64_t per_root;    /* sections per root: 1 without SPARSEMEM_EXTREME */
	bool extreme;         /* SPARSEMEM_EXTREME: the roots are pointers */
	uint64_t cur_root;    /* the root read last (UINT64_MAX: none yet) */
	uint64_t root_ptr;    /* its pointer */
};

/* The array's shape from VMCOREINFO (each number checked), and the
 * layout's name in f->st. */
static int sparse_layout(struct fp *f, struct sparse *sm)
{
	uint64_t phys_bits, roots, vmemmap;
	int64_t n;

	if (vmcoreinfo_number(f->vi, "SECTION_SIZE_BITS", &n) || n < 15 || n > 40)
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO lacks a plausible NUMBER(SECTION_SIZE_BITS)");
	sm->sec_bits = (uint64_t)n;
	if (vmcoreinfo_number(f->vi, "MAX_PHYSMEM_BITS", &n) || n < (int64_t)sm->sec_bits ||
	    n > 56)
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO lacks a plausible NUMBER(MAX_PHYSMEM_BITS)");
	phys_bits = (uint64_t)n;
	if (vmcoreinfo_size(f->vi, "mem_section", &sm->ms_size) || sm->ms_size < f->ptr_size ||
	    sm->ms_size > 4096)
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "VMCOREINFO lacks a plausible SIZE(mem_section)");
	if (need_off(f, "mem_section.section_mem_map", &sm->ms_off))
		return -1;
	if (sm->ms_off + f->ptr_size > sm->ms_size)
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "OFFSET(mem_section.section_mem_map) exceeds SIZE(mem_section)");
	if (vmcoreinfo_length(f->vi, "mem_section", &roots) || !roots)
		return kj_fail(f->err, KJ_EXIT_BADFILE, "VMCOREINFO lacks LENGTH(mem_section)");

	sm->nr_sections = 1ULL << (phys_bits - sm->sec_bits);
	sm->per_root = FP_PAGE_SIZE / sm->ms_size;
	if (roots == sm->nr_sections) {
		sm->extreme = false;
		sm->per_root = 1;
	} else if (roots == (sm->nr_sections + sm->per_root - 1) / sm->per_root) {
		sm->extreme = true;
	} else {
		return kj_fail(f->err, KJ_EXIT_BADFILE,
			       "LENGTH(mem_section)=%llu fits neither SPARSEMEM nor SPARSEMEM_EXTREME",
			       (unsigned long long)roots);
	}
	f->st.layout = sm->extreme ? "sparsemem-extreme" : "sparsemem";
	if (vmcoreinfo_symbol(f->vi, "vmemmap", &vmemmap) == 0)
		f->st.layout = sm->extreme ? "sparsemem-extreme-vmemmap" : "sparsemem-vmemmap";
	return 0;
}

/* Where section s's struct mem_section lies (*entry): 1, or 0 when its
 * root is NULL (SPARSEMEM_EXTREME: no such sections), or -1. */
static int section_entry(struct fp *f, struct sparse *sm, uint64_t s, uint64_t *entry)
{
	uint64_t r;

	if (!sm->extreme) {
		*entry = sm->sym + s * sm->ms_size;
		return 1;
	}
	r = s / sm->per_root;
	if (r != sm->cur_root) {
		if (virt_read_ptr(f, sm->sym + r * f->ptr_size, &sm->root_ptr))
			return kj_fail(f->err, KJ_EXIT_BADFILE,
				       "cannot read mem_section root %llu at %#llx",
				       (unsigned long long)r,
				       (unsigned long long)(sm->sym + r * f->ptr_size));
		sm->cur_root = r;
	}
	if (!sm->root_ptr)
		return 0;
	*entry = sm->root_ptr + (s % sm->per_root) * sm->ms_size;
	return 1;
}

static int walk_sparsemem(struct fp *f, uint64_t sym)
{
	struct sparse sm = { .sym = sym, .cur_root = UINT64_MAX };
	uint64_t shift, last, s;

	if (sparse_layout(f, &sm))
		return -1;
	shift = sm.sec_bits - FP_PAGE_SHIFT;
	if (f->max_pfn == 0)
		return 0;
	last = (f->max_pfn - 1) >> shift;
	if (last >= sm.nr_sections)
		last = sm.nr_sections - 1;
	for (s = 0; s <= last; s++) {
		uint64_t entry = 0, map, start = s << shift, end = (s + 1) << shift;
		int found = section_entry(f, &sm, s, &entry);

		if (found < 0)
			return -1;
		if (!found)
			continue;
		if (virt_read_ptr(f, (entry + sm.ms_off) & f->addr_mask, &map))
			return kj_fail(f->err, KJ_EXIT_BADFILE,
				       "cannot read mem_section %llu at %#llx",
				       (unsigned long long)s, (unsigned long long)entry);
		if (!(map & SECTION_MARKED_PRESENT) || !(map & SECTION_HAS_MEM_MAP))
			continue;
		f->st.sections++;
		if (end > f->max_pfn)
			end = f->max_pfn;
		if (scan_range(f, map & ~SECTION_FLAG_BITS, start, end))
			return -1;
	}
	return 0;
}

int freepages_walk_stats(const struct vmcoreinfo *vi, bool is64,
			 const struct oldmem *mem, uint64_t max_pfn,
			 void (*mark)(void *ctx, uint64_t pfn, uint64_t count),
			 void *ctx, struct freepages_stats *st, struct kj_error *err)
{
	struct fp f;
	uint64_t pagesize, sym;
	int64_t n;
	int ret;
	size_t i;

	memset(&f, 0, sizeof(f));
	f.vi = vi;
	f.is64 = is64;
	f.mem = mem;
	f.err = err;
	f.ptr_size = is64 ? 8 : 4;
	f.addr_mask = is64 ? UINT64_MAX : 0xffffffffULL;
	if (!vi || !mem || !mem->read || !mark)
		return kj_fail(err, KJ_EXIT_FAILURE, "freepages_walk: missing argument");
	if (vmcoreinfo_dec(vi, "PAGESIZE", &pagesize) || pagesize != FP_PAGE_SIZE)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "VMCOREINFO PAGESIZE is missing or not 4096");
	/* bound the walk by what the old kernel could address */
	if (vmcoreinfo_number(vi, "MAX_PHYSMEM_BITS", &n) == 0 && n > FP_PAGE_SHIFT &&
	    n <= 56 && max_pfn > (1ULL << (n - FP_PAGE_SHIFT)))
		max_pfn = 1ULL << (n - FP_PAGE_SHIFT);
	if (max_pfn > (1ULL << (52 - FP_PAGE_SHIFT)))
		max_pfn = 1ULL << (52 - FP_PAGE_SHIFT);
	if (!is64 && max_pfn > (1ULL << (36 - FP_PAGE_SHIFT)))
		max_pfn = 1ULL << (36 - FP_PAGE_SHIFT);
	f.max_pfn = max_pfn;

	if (setup_page_layout(&f) || setup_translation(&f))
		return -1;
	if (vmcoreinfo_symbol(vi, "mem_section", &sym) == 0)
		ret = walk_sparsemem(&f, sym);
	else
		ret = walk_flatmem(&f);
	if (ret == 0) {
		for (i = 0; i < f.nruns; i++)
			mark(ctx, f.runs[i].pfn, f.runs[i].count);
		f.st.runs = f.nruns;
		if (st)
			*st = f.st;
	}
	free(f.runs);
	return ret;
}

int freepages_walk(const struct vmcoreinfo *vi, bool is64, const struct oldmem *mem,
		   uint64_t max_pfn, void (*mark)(void *ctx, uint64_t pfn, uint64_t count),
		   void *ctx, struct kj_error *err)
{
	return freepages_walk_stats(vi, is64, mem, max_pfn, mark, ctx, NULL, err);
}
