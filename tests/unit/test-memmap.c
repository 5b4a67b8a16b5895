/* Memory-map parsers, fed text through streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "memmap.h"

static const char qemu_iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-1ffdffff : System RAM\n"
	"  0e000000-0f0fffff : Kernel code\n"
	"  10000000-1fffffff : Crash kernel\n"
	"1ffe0000-1fffffff : Reserved\n"
	"fd000000-fdffffff : PCI Bus 0000:00\n"
	"fffc0000-ffffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n";

static int parse_text(const char *text, struct iomem *io, struct kj_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = iomem_parse(f, "iomem", io, err);
	fclose(f);
	return rc;
}

static void iomem_top_level(void **state)
{
	struct iomem io;
	struct memmap mm;
	struct kj_error err = { 0, "" };

	assert_int_equal(parse_text(qemu_iomem, &io, &err), 0);
	assert_int_equal(io.n, 13);
	assert_int_equal(io.e[7].depth, 1);
	assert_string_equal(io.e[8].name, "Crash kernel");
	assert_int_equal(io.e[8].r.start, 0x10000000);
	assert_int_equal(io.e[8].r.size, 0x10000000);
	assert_int_equal(memmap_from_iomem(&io, &mm, &err), 0);
	/* nested lines and PCI windows are not firmware memory */
	assert_int_equal(mm.n, 8);
	assert_int_equal(mm.e[1].type, KJ_MEM_RAM);
	assert_int_equal(mm.e[1].r.start, 0x1000);
	assert_int_equal(mm.e[1].r.size, 0x9fc00 - 0x1000);
	assert_int_equal(mm.e[7].r.start, 0x100000000ull);
	assert_int_equal(range_end(mm.e[7].r), 0x180000000ull);
	assert_int_equal(memmap_bytes_of_type(&mm, KJ_MEM_RAM),
			 (0x9fc00 - 0x1000) + (0x1ffe0000 - 0x100000) + 0x80000000ull);
	memmap_free(&mm);
	iomem_free(&io);
}

static void iomem_bad_lines(void **state)
{
	struct iomem io;
	struct kj_error err = { 0, "" };

	assert_int_equal(parse_text("00000000-00000fff : Reserved\nrubbish\n", &io, &err), -1);
	assert_string_equal(err.msg, "iomem:2: not a /proc/iomem line");
	assert_int_equal(parse_text("00002000-00000fff : Reserved\n", &io, &err), -1);
	assert_int_equal(parse_text("00000000-00000fff Reserved\n", &io, &err), -1);
	assert_int_equal(parse_text("1ffffffffffffffff-2 : System RAM\n", &io, &err), -1);
}

static void iomem_hidden_addresses(void **state)
{
	/* Non-root readers see zeros: that is no memory map at all. */
	struct iomem io;
	struct memmap mm;
	struct kj_error err = { 0, "" };

	assert_int_equal(parse_text("00000000-00000000 : System RAM\n00000000-00000000 : Reserved\n",
				    &io, &err), 0);
	assert_int_equal(memmap_from_iomem(&io, &mm, &err), -1);
	assert_non_null(strstr(err.msg, "root"));
	iomem_free(&io);
}

static void firmware_entries(void **state)
{
	struct mem_entry e;

	assert_int_equal(memmap_parse_firmware_entry("0x100000\n", "0x1ffdffff\n", "System RAM\n", &e), 0);
	assert_int_equal(e.r.start, 0x100000);
	assert_int_equal(e.r.size, 0x1fee0000);
	assert_int_equal(e.type, KJ_MEM_RAM);
	assert_int_equal(memmap_parse_firmware_entry("0x0", "0xfff", "ACPI Non-volatile Storage", &e), 0);
	assert_int_equal(e.type, KJ_MEM_NVS);
	assert_int_equal(memmap_parse_firmware_entry("0x0", "0xfff", "Something new", &e), 0);
	assert_int_equal(e.type, KJ_MEM_RESERVED);
	assert_int_equal(memmap_parse_firmware_entry("0x2000", "0x1000", "System RAM", &e), -1);
	assert_int_equal(memmap_parse_firmware_entry("zz", "0x1000", "System RAM", &e), -1);
	assert_int_equal(memmap_parse_firmware_entry("0x10 junk", "0x1000", "System RAM", &e), -1);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void firmware_dir(void **state)
{
	char dir[] = "/tmp/kj-memmap-XXXXXX", p[256];
	struct memmap mm;
	struct kj_error err = { 0, "" };
	static const char *const ent[][3] = {
		{ "0x100000", "0x1ffdffff", "System RAM" },
		{ "0x0", "0x9fbff", "System RAM" },
		{ "0x9fc00", "0x9ffff", "Reserved" },
	};

	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%d", dir, i);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/%d/start", dir, i);
		write_file(p, ent[i][0]);
		snprintf(p, sizeof(p), "%s/%d/end", dir, i);
		write_file(p, ent[i][1]);
		snprintf(p, sizeof(p), "%s/%d/type", dir, i);
		write_file(p, ent[i][2]);
	}
	assert_int_equal(memmap_read_firmware_dir(dir, &mm, &err), 0);
	assert_int_equal(mm.n, 3);
	assert_int_equal(mm.e[0].r.start, 0); /* sorted */
	assert_int_equal(mm.e[1].type, KJ_MEM_RESERVED);
	memmap_free(&mm);
	snprintf(p, sizeof(p), "%s/2/end", dir);
	write_file(p, "garbage");
	assert_int_equal(memmap_read_firmware_dir(dir, &mm, &err), -1);
	assert_non_null(strstr(err.msg, "/2: unreadable or malformed"));
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	assert_int_equal(system(p), 0);
}

static void ranges(void **state)
{
	struct range a = range_make(0x1000, 0x1000), b = range_from_bounds(0x1fff, 0x3000);

	assert_true(range_overlaps(a, b));
	assert_false(range_overlaps(a, range_make(0x2000, 0x1000))); /* half-open */
	assert_int_equal(range_intersect(a, b).start, 0x1fff);
	assert_int_equal(range_intersect(a, b).size, 1);
	assert_true(range_empty(range_from_bounds(5, 3)));
	assert_int_equal(range_from_inclusive(0, UINT64_MAX).size, UINT64_MAX);
	assert_true(range_contains(range_make(0, 0x10000), a));
	assert_false(range_contains(a, b));
}

/* A setup_data the kernel was booted with splits System RAM at byte
 * addresses in /proc/iomem (OVMF): the pieces are one RAM range again. */
static void iomem_setup_data_split(void **state)
{
	static const char text[] =
		"00000000-0009ffff : System RAM\n"
		"00900000-0d923017 : System RAM\n"
		"0d923018-0d92cc57 : System RAM\n"
		"0d92cc58-0ea89fff : System RAM\n"
		"0ea8a000-0eb8bfff : Reserved\n";
	struct iomem io;
	struct memmap mm;
	struct kj_error err = { 0, "" };

	assert_int_equal(parse_text(text, &io, &err), 0);
	assert_int_equal(memmap_from_iomem(&io, &mm, &err), 0);
	assert_int_equal(mm.n, 3);
	assert_int_equal(mm.e[1].type, KJ_MEM_RAM);
	assert_int_equal(mm.e[1].r.start, 0x900000);
	assert_int_equal(range_end(mm.e[1].r), 0xea8a000);
	memmap_free(&mm);
	iomem_free(&io);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iomem_top_level),
		cmocka_unit_test(iomem_setup_data_split),
		cmocka_unit_test(iomem_bad_lines),
		cmocka_unit_test(iomem_hidden_addresses),
		cmocka_unit_test(firmware_entries),
		cmocka_unit_test(firmware_dir),
		cmocka_unit_test(ranges),
	};
	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
