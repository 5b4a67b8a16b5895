/* kdump save/info on synthetic ELF cores: zero pages, notes, the digest,
 * and writes that fail or are interrupted leave nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core.h"
#include "elfcore.h"
#include "image-check.h"
#include "kdump-image.h"
#include "le.h"
#include "save.h"
#include "swapmap.h"

static char dir[64];

/* pages of a synthetic old memory: 'D' data, 'Z' zero */
static const struct {
	uint64_t paddr;
	const char *pages;
	size_t tail;           /* extra bytes after the last whole page */
} layout[] = {
	{ 0x0, "DZZD", 0 },
	{ 0x100000, "ZDD", 0 },
	{ 0x200000, "D", 0xc00 },
};

static uint8_t page_byte(uint64_t paddr)
{
	return (uint8_t)(0x11 + (paddr >> 12) * 7);
}

/* Write a core with a VMCOREINFO note, a KEXECJMP memory map and the loads. */
static void make_core(const char *path)
{
	static uint8_t f[1 << 20];
	uint8_t *eh = f, *ph = f + 64;
	size_t nph = 2 + sizeof(layout) / sizeof(layout[0]), off = 4096, noff;
	const char vi[] = "OSRELEASE=6.12.0\nPAGESIZE=4096\n";
	struct { struct kj_note_memmap h; struct kj_note_memmap_entry e[1]; } mm = { { 1, 1 }, { { 0, 0x300000, 1, 0 } } };
	int fd;

	memset(f, 0, sizeof(f));
	memcpy(eh, ELFMAG, SELFMAG);
	eh[EI_CLASS] = ELFCLASS64;
	eh[EI_DATA] = ELFDATA2LSB;
	eh[EI_VERSION] = EV_CURRENT;
	put_le16(eh + 16, ET_CORE);
	put_le16(eh + 18, EM_X86_64);
	put_le64(eh + 32, 64);
	put_le16(eh + 54, sizeof(Elf64_Phdr));
	put_le16(eh + 56, (uint16_t)nph);
	/* notes */
	noff = 2048;
	{
		size_t a = elfnote_put(f + noff, "VMCOREINFO", 0, vi, sizeof(vi) - 1);
		size_t b = elfnote_put(f + noff + a, KJ_NOTE_NAME, KJ_NOTE_MEMMAP, &mm, sizeof(mm));
		put_le32(ph, PT_NOTE);
		put_le64(ph + 8, noff);
		put_le64(ph + 32, a);
		put_le32(ph + 56, PT_NOTE);
		put_le64(ph + 56 + 8, noff + a);
		put_le64(ph + 56 + 32, b);
	}
	for (size_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++) {
		uint8_t *p = ph + (2 + i) * 56;
		size_t n = strlen(layout[i].pages) * 4096 + layout[i].tail;
		put_le32(p, PT_LOAD);
		put_le64(p + 8, off);
		put_le64(p + 24, layout[i].paddr);
		put_le64(p + 32, n);
		put_le64(p + 40, n);
		for (size_t k = 0; k < n; k++) {
			size_t pg = k / 4096;
			char t = pg < strlen(layout[i].pages) ? layout[i].pages[pg] : 'D';
			f[off + k] = t == 'D' ? page_byte(layout[i].paddr + k) : 0;
		}
		off += n;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, f, off), (ssize_t)off);
	close(fd);
}

static int setup(void **state)
{
	strcpy(dir, "/tmp/kj-kdump-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' || (e->d_name[1] && e->d_name[1] != '.'))
			n++;
	closedir(d);
	return n;
}

static void save_zero_pages(void **state)
{
	char core[128], img[128];
	struct save_opts o = { .exclude_zero = true, .entry = 0x1234000, .entry_given = true };
	struct save_stats st;
	struct kj_error err = { 0, "" };
	struct core c;
	const uint8_t *desc;
	size_t dl;
	uint64_t data_off = 0;
	int fd;
	static const struct { uint64_t paddr, filesz, memsz; } want[] = {
		{ 0x0, 0x1000, 0x3000 },      /* D Z Z */
		{ 0x3000, 0x1000, 0x1000 },   /* D */
		{ 0x100000, 0, 0x1000 },      /* Z */
		{ 0x101000, 0x2000, 0x2000 }, /* D D */
		{ 0x200000, 0x1c00, 0x1c00 }, /* D + a partial page */
	};

	snprintf(core, sizeof(core), "%s/core", dir);
	snprintf(img, sizeof(img), "%s/image.elf", dir);
	make_core(core);
	o.from = core;
	o.out = img;
	if (kdump_save(&o, &st, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(st.zero_bytes, 3 * 4096);
	assert_int_equal(st.data_bytes, 5 * 4096 + 0xc00);
	fd = open(img, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(core_open(fd, img, &c, &err), 0);
	assert_int_equal(c.type, ET_CORE);
	assert_int_equal(c.entry, 0x1234000);
	assert_int_equal(c.nloads, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < c.nloads; i++) {
		uint8_t b;
		assert_int_equal(c.loads[i].paddr, want[i].paddr);
		assert_int_equal(c.loads[i].filesz, want[i].filesz);
		assert_int_equal(c.loads[i].memsz, want[i].memsz);
		if (c.loads[i].filesz) {
			assert_int_equal(c.loads[i].offset % 4096, 0);
			assert_int_equal(pread(fd, &b, 1, (off_t)c.loads[i].offset), 1);
			assert_int_equal(b, page_byte(c.loads[i].paddr));
		}
	}
	/* the notes travel: image note, memory map, VMCOREINFO */
	assert_int_equal(core_find_note(c.notes, c.notes_len, KJ_NOTE_NAME, KJ_NOTE_IMAGE, &desc, &dl), 0);
	assert_int_equal(le64(desc + 8), 0x1234000);
	assert_int_equal(core_find_note(c.notes, c.notes_len, KJ_NOTE_NAME, KJ_NOTE_MEMMAP, &desc, &dl), 0);
	assert_int_equal(core_find_note(c.notes, c.notes_len, "VMCOREINFO", 0, &desc, &dl), 0);
	assert_memory_equal(desc, "OSRELEASE=6.12.0", 16);
	/* program headers right after the ELF header (makedumpfile reads
	 * them there), data after them */
	{
		uint8_t eh[64];

		assert_int_equal(pread(fd, eh, 64, 0), 64);
		assert_int_equal(le64(eh + 32), 64);
	}
	for (size_t i = 0; i < c.nloads && !data_off; i++)
		if (c.loads[i].filesz)
			data_off = c.loads[i].offset;
	assert_true(data_off >= 64 + 56 * (c.nloads + 1));
	core_free(&c);
	close(fd);
	assert_int_equal(kdump_verify_image(img, &err), 0);

	/* one flipped byte of data: verification fails */
	fd = open(img, O_RDWR);
	{
		uint8_t b;
		assert_int_equal(pread(fd, &b, 1, (off_t)data_off + 10), 1);
		b ^= 1;
		assert_int_equal(pwrite(fd, &b, 1, (off_t)data_off + 10), 1);
	}
	close(fd);
	assert_int_equal(kdump_verify_image(img, &err), -1);
	assert_non_null(strstr(err.msg, "does not match its SHA-256"));
	unlink(img);
}

static void save_everything(void **state)
{
	char core[128], img[128];
	struct save_opts o = { .exclude_zero = false, .entry = 1, .entry_given = true };
	struct save_stats st;
	struct kj_error err = { 0, "" };

	snprintf(core, sizeof(core), "%s/core", dir);
	snprintf(img, sizeof(img), "%s/all.elf", dir);
	make_core(core);
	o.from = core;
	o.out = img;
	assert_int_equal(kdump_save(&o, &st, &err), 0);
	assert_int_equal(st.zero_bytes, 0);
	assert_int_equal(st.data_bytes, 8 * 4096 + 0xc00);
	assert_int_equal(st.nloads, 3);
	unlink(img);
}

static void failed_write_leaves_nothing(void **state)
{
	char core[128], img[128];
	struct save_opts o = { .exclude_zero = false, .entry = 1, .entry_given = true };
	struct save_stats st;
	struct kj_error err = { 0, "" };
	struct rlimit old, small;
	int before;

	snprintf(core, sizeof(core), "%s/core", dir);
	snprintf(img, sizeof(img), "%s/full.elf", dir);
	make_core(core);
	before = count_files();
	o.from = core;
	o.out = img;
	/* a file system that fills up: writes beyond 8 KiB fail (EFBIG) */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	small = old;
	small.rlim_cur = 8192; /* the soft limit only, so it can be raised again */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(kdump_save(&o, &st, &err), -1);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_non_null(strstr(err.msg, "write failed"));
	assert_int_equal(access(img, F_OK), -1);
	assert_int_equal(count_files(), before); /* no temporary file either */

	snprintf(img, sizeof(img), "%s/no/such/dir/x.elf", dir);
	o.out = img;
	assert_int_equal(kdump_save(&o, &st, &err), -1);
	assert_non_null(strstr(err.msg, "cannot create a file there"));
}

static void interrupted_leaves_nothing(void **state)
{
	char core[128], img[128];
	struct save_opts o = { .exclude_zero = true, .entry = 1, .entry_given = true };
	struct save_stats st;
	struct kj_error err = { 0, "" };
	int before;

	snprintf(core, sizeof(core), "%s/core", dir);
	snprintf(img, sizeof(img), "%s/int.elf", dir);
	make_core(core);
	before = count_files();
	o.from = core;
	o.out = img;
	kdump_save_interrupt(); /* as the SIGINT handler does */
	assert_int_equal(kdump_save(&o, &st, &err), -1);
	assert_non_null(strstr(err.msg, "int.elf: interrupted: not saved"));
	assert_int_equal(access(img, F_OK), -1);
	assert_int_equal(count_files(), before);
}

static void not_an_image(void **state)
{
	char core[128];
	struct kj_error err = { 0, "" };

	snprintf(core, sizeof(core), "%s/core", dir);
	make_core(core);
	assert_int_equal(kdump_verify_image(core, &err), -1);
	assert_non_null(strstr(err.msg, "not an image saved by kdump"));
}

/* The bounds a save checks first: the memory-map note's top, and loads
 * that must fit under it (each, and all of them together). */
static void core_size_bounds(void **state)
{
	uint8_t notes[512];
	struct { struct kj_note_memmap h; struct kj_note_memmap_entry e[3]; } mm = {
		{ 1, 3 },
		{ { 0, 0x9f000, 1, 0 }, { 0x100000000ull, 0x40000000, 1, 0 }, { 0xfee00000, 0x1000, 2, 0 } },
	};
	struct core_load loads[2] = { { 4096, 0x100000, 0, 0x1000000, 0 },
				      { 4096, 0x100000000ull, 0, 0x40000000, 0 } };
	struct core c = { .loads = loads, .nloads = 2 };
	struct kj_error err = { 0, "" };
	size_t n;

	n = elfnote_put(notes, "VMCOREINFO", 0, "PAGESIZE=4096\n", 14);
	n += elfnote_put(notes + n, KJ_NOTE_NAME, KJ_NOTE_MEMMAP, &mm, sizeof(mm));
	assert_int_equal(kdump_memmap_top(notes, n), 0x140000000ull);
	/* no note, a note cut short, one whose count says more than it holds */
	assert_int_equal(kdump_memmap_top(notes, 0), 0);
	mm.h.nr = 1000;
	n = elfnote_put(notes, KJ_NOTE_NAME, KJ_NOTE_MEMMAP, &mm, sizeof(mm));
	assert_int_equal(kdump_memmap_top(notes, n), 0x140000000ull);
	n = elfnote_put(notes, KJ_NOTE_NAME, KJ_NOTE_MEMMAP, &mm, 4);
	assert_int_equal(kdump_memmap_top(notes, n), 0);

	assert_int_equal(kdump_loads_fit(&c, "c.core", 0x140000000ull, "its memory-map note", &err), 0);
	/* 1 PiB of zeros */
	loads[1].memsz = 1ull << 50;
	assert_int_equal(kdump_loads_fit(&c, "c.core", 0x140000000ull, "its memory-map note", &err), -1);
	assert_int_equal(err.exit_code, 3);
	assert_string_equal(err.msg, "c.core: PT_LOAD 1 (0x100000000-0x4000100000000, 1073741824 MiB) "
				     "lies beyond the memory its memory-map note describes (up to 0x140000000)");
	/* up to the last address */
	loads[1].memsz = UINT64_MAX - 0x100000000ull;
	assert_int_equal(kdump_loads_fit(&c, "c.core", UINT64_MAX, "m", &err), 0);
	assert_int_equal(kdump_loads_fit(&c, "c.core", UINT64_MAX - 1, "m", &err), -1);
	/* each fits, together they do not: they overlap */
	loads[0].paddr = loads[1].paddr = 0;
	loads[0].memsz = loads[1].memsz = 0xa0000000;
	assert_int_equal(kdump_loads_fit(&c, "c.core", 0x140000000ull, "m", &err), 0); /* all of it */
	loads[1].memsz = 0xa0001000;
	assert_int_equal(kdump_loads_fit(&c, "c.core", 0x140000000ull, "m", &err), -1);
	assert_string_equal(err.msg, "c.core: PT_LOADs 0-1 cover 5121 MiB, more than the 5120 MiB of "
				     "memory m describes: they overlap");
	/* with a top near 2^64 the sum of two overlapping loads wraps round:
	 * still refused (fuzz-core found it) */
	loads[0].memsz = loads[1].memsz = 0xc000000000000000ull;
	assert_int_equal(kdump_loads_fit(&c, "c.core", UINT64_MAX, "m", &err), -1);
	assert_non_null(strstr(err.msg, "c.core: PT_LOADs 0-1 cover 17592186044416 MiB"));
}

/* A's memory for the swap-list reader: 64 KiB at physical 0. */
static uint8_t mem64k[65536];

static int memread(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	if (paddr > sizeof(mem64k) || len > sizeof(mem64k) - paddr)
		return -1;
	memcpy(buf, mem64k + paddr, len);
	return 0;
}

static void swap_list(void **state)
{
	struct oldmem mem = { memread, NULL };
	struct swapmap m;
	struct kj_error err = { 0, "" };
	/* x86_64: the entry lies in the control page at 0x5000; its data area
	 * (2048 + 0x30) holds the list head: an indirection page at 0x7000 */
	uint64_t list[] = { 0x1000000 | 1, 0x9000 | 8, 0xa000 | 8, 0x2000000 | 1, 0xb000 | 8, 4 };

	memset(mem64k, 0, sizeof(mem64k));
	put_le64(mem64k + 0x5000 + 2048 + 0x30, 0x7000 | 2);
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		put_le64(mem64k + 0x7000 + 8 * i, list[i]);
	assert_int_equal(swapmap_read(&mem, true, 0x50f2, &m, &err), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(swapmap_lookup(&m, 0x1000000), 0x9000);
	assert_int_equal(swapmap_lookup(&m, 0x1001000), 0xa000);
	assert_int_equal(swapmap_lookup(&m, 0x2000000), 0xb000);
	assert_int_equal(swapmap_lookup(&m, 0x3000000), 0x3000000);
	swapmap_free(&m);

	/* i386: 4-byte entries, the head at 2048 + 0x1c */
	memset(mem64k, 0, sizeof(mem64k));
	put_le32(mem64k + 0x5000 + 2048 + 0x1c, 0x7000 | 2);
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		put_le32(mem64k + 0x7000 + 4 * i, (uint32_t)list[i]);
	assert_int_equal(swapmap_read(&mem, false, 0x50d7, &m, &err), 0);
	assert_int_equal(swapmap_lookup(&m, 0x2000000), 0xb000);
	swapmap_free(&m);

	/* a list that points at itself forever, or out of memory: an error */
	put_le32(mem64k + 0x7000, 0x7000 | 2);
	assert_int_equal(swapmap_read(&mem, false, 0x50d7, &m, &err), -1);
	assert_non_null(strstr(err.msg, "does not end"));
	put_le32(mem64k + 0x7000, 0x90000 | 2);
	assert_int_equal(swapmap_read(&mem, false, 0x50d7, &m, &err), -1);
	assert_non_null(strstr(err.msg, "not readable"));
	assert_int_equal(swapmap_read(&mem, false, 0xf0000, &m, &err), -1);
	assert_non_null(strstr(err.msg, "control page"));
}

/*
 * A swap list of 1 Mi pages given in descending order (a kernel may list
 * its segments in any order), read through a reader that makes the list
 * up: the control page at 0x5000, the list at 0x100000, destination page
 * N - i and source 0x200000000 + i pages.  The sort must be O(n log n):
 * the insertion sort it replaced needed n^2 / 2 moves here, hours; the
 * alarm is a watchdog against that, not a measure (this takes well under
 * a second, and seconds under valgrind).
 */
#define BIG_N (1u << 20)

static int big_list_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	uint64_t v, j;

	(void)ctx;
	if (len != 8)
		return -1;
	if (paddr == 0x5000 + 2048 + 0x30) {
		v = 0x100000 | 2;
	} else if (paddr >= 0x100000 && paddr % 8 == 0 && (j = (paddr - 0x100000) / 8) <= 2 * BIG_N) {
		if (j == 2 * BIG_N)
			v = 4;
		else if (j % 2 == 0)
			v = ((uint64_t)(BIG_N - j / 2) << 12) | 1;
		else
			v = ((0x200000000ull >> 12) + j / 2) << 12 | 8;
	} else {
		return -1;
	}
	put_le64(buf, v);
	return 0;
}

static void swap_list_sorted_fast(void **state)
{
	struct oldmem mem = { big_list_read, NULL };
	struct swapmap m;
	struct kj_error err = { 0, "" };

	alarm(120);
	assert_int_equal(swapmap_read(&mem, true, 0x50f2, &m, &err), 0);
	alarm(0);
	assert_int_equal(m.n, BIG_N);
	for (size_t i = 0; i < m.n; i++) {
		assert_int_equal(m.dest[i], (uint64_t)(i + 1) << 12);
		/* page i + 1 was listed i-th from the end */
		assert_int_equal(m.src[i], 0x200000000ull + ((uint64_t)(BIG_N - 1 - i) << 12));
	}
	assert_int_equal(swapmap_lookup(&m, (uint64_t)BIG_N << 12), 0x200000000ull);
	swapmap_free(&m);
}

/* A page listed twice: its first source wins, as before (a stable sort). */
static void swap_list_duplicates(void **state)
{
	struct oldmem mem = { memread, NULL };
	struct swapmap m;
	struct kj_error err = { 0, "" };
	uint64_t list[] = { 0x3000000 | 1, 0xc000 | 8, 0x1000000 | 1, 0x9000 | 8,
			    0x3000000 | 1, 0xd000 | 8, 0x2000000 | 1, 0xb000 | 8, 4 };

	memset(mem64k, 0, sizeof(mem64k));
	put_le64(mem64k + 0x5000 + 2048 + 0x30, 0x7000 | 2);
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		put_le64(mem64k + 0x7000 + 8 * i, list[i]);
	assert_int_equal(swapmap_read(&mem, true, 0x50f2, &m, &err), 0);
	assert_int_equal(m.n, 4);
	assert_int_equal(m.dest[0], 0x1000000);
	assert_int_equal(m.dest[1], 0x2000000);
	assert_int_equal(m.dest[2], 0x3000000);
	assert_int_equal(m.src[2], 0xc000);
	assert_int_equal(m.dest[3], 0x3000000);
	assert_int_equal(m.src[3], 0xd000);
	assert_int_equal(swapmap_lookup(&m, 0x3000000), 0xc000);
	swapmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(save_zero_pages),
		cmocka_unit_test(save_everything),
		cmocka_unit_test(failed_write_leaves_nothing),
		cmocka_unit_test(not_an_image),
		cmocka_unit_test(core_size_bounds),
		cmocka_unit_test(swap_list),
		cmocka_unit_test(swap_list_sorted_fast),
		cmocka_unit_test(swap_list_duplicates),
		cmocka_unit_test(interrupted_leaves_nothing), /* last: the flag stays set */
	};
	return cmocka_run_group_tests_name("kdump", tests, setup, teardown);
}
