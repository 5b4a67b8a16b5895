/* The EFI facts (kexec/efi.c) over fixture /sys trees, and what a load
 * hands the next kernel from them (boot_params, SETUP_EFI, the runtime map). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "bootparam.h"
#include "crash.h"
#include "efi.h"
#include "exitcodes.h"
#include "kernel-fixture.h"
#include "le.h"
#include "plan.h"
#include "x86.h"

#define MiB (1024ull * 1024)

/* ---------------------------------------------------------------- parsers */

static void hex_values(void **state)
{
	uint64_t v;

	assert_int_equal(efi_parse_hex("0x7f9e0018\n", 11, &v), 0);
	assert_int_equal(v, 0x7f9e0018);
	assert_int_equal(efi_parse_hex("0xFFFFFFFFFFFFFFFF", 18, &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(efi_parse_hex("0x0\n\0\0", 6, &v), 0);
	assert_int_equal(v, 0);
	/* more than 64 bits, no digits, no 0x, junk after the number */
	assert_int_equal(efi_parse_hex("0x10000000000000000", 19, &v), -1);
	assert_int_equal(efi_parse_hex("0x\n", 3, &v), -1);
	assert_int_equal(efi_parse_hex("1234", 4, &v), -1);
	assert_int_equal(efi_parse_hex("0x12 34", 7, &v), -1);
	assert_int_equal(efi_parse_hex("0x12\nx", 6, &v), -1);
	assert_int_equal(efi_parse_hex("", 0, &v), -1);
}

static void systab_lines(void **state)
{
	static const char ovmf[] = "ACPI20=0x7fb7e014\nACPI=0x7fb7e000\nSMBIOS3=0x7f9c3000\nSMBIOS=0x7f9c5000\n";
	struct efi_systab t;

	assert_int_equal(efi_parse_systab(ovmf, strlen(ovmf), &t), 0);
	assert_int_equal(t.acpi20, 0x7fb7e014);
	assert_int_equal(t.acpi, 0x7fb7e000);
	/* SMBIOS3= comes first and must not be taken for SMBIOS= */
	assert_int_equal(t.smbios3, 0x7f9c3000);
	assert_int_equal(t.smbios, 0x7f9c5000);
	/* unknown keys (UGA=) and a last line without newline */
	assert_int_equal(efi_parse_systab("UGA=0x1\nACPI=0x2", 16, &t), 0);
	assert_int_equal(t.acpi, 2);
	assert_int_equal(t.acpi20, 0);
	/* a known key with a bad value */
	assert_int_equal(efi_parse_systab("ACPI20=0xzz\n", 12, &t), -1);
	assert_int_equal(efi_parse_systab("", 0, &t), 0);
}

static void put_efi_info(uint8_t *bp, uint32_t sig, uint64_t systab, uint32_t ver,
			 uint32_t mmsize)
{
	put_le32(bp + 0x1c0, sig);
	put_le32(bp + 0x1c4, (uint32_t)systab);
	put_le32(bp + 0x1c8, 48);
	put_le32(bp + 0x1cc, ver);
	put_le32(bp + 0x1d0, 0x7e5d1018);
	put_le32(bp + 0x1d4, mmsize);
	put_le32(bp + 0x1d8, (uint32_t)(systab >> 32));
}

static void boot_params_fields(void **state)
{
	uint8_t bp[4096] = { 0 };
	struct efi_boot_params b;

	put_le64(bp + 0x070, 0x7fb7e014);
	put_efi_info(bp, EFI_LOADER_SIG_64, 0x17f9ee018ull, 1, 0x1680);
	bp[0x1ec] = 3;
	assert_int_equal(efi_parse_boot_params(bp, sizeof(bp), &b), 0);
	assert_int_equal(b.acpi_rsdp, 0x7fb7e014);
	assert_int_equal(b.loader_signature, EFI_LOADER_SIG_64);
	assert_int_equal(b.systab, 0x17f9ee018ull);
	assert_int_equal(b.memdesc_version, 1);
	assert_int_equal(b.memmap_size, 0x1680);
	assert_int_equal(b.secure_boot, 3);
	assert_int_equal(efi_parse_boot_params(bp, EFI_BP_MIN_SIZE - 1, &b), -1);
	assert_int_equal(b.systab, 0);
}

static void map_entries(void **state)
{
	struct efi_map_entry m;
	char why[160];

	assert_int_equal(efi_parse_map_entry("0x5\n", "0x7f8ec000\n", "0xfffffffeffcec000\n", "0x20\n",
					     "0x800000000000000f\n", &m, why, sizeof(why)), 0);
	assert_int_equal(m.type, 5);
	assert_int_equal(m.phys, 0x7f8ec000);
	assert_int_equal(m.virt, 0xfffffffeffcec000ull);
	assert_int_equal(m.pages, 0x20);
	assert_int_equal(m.attr, 0x800000000000000full);
	/* each rule: a missing file, not hex, unaligned, no pages, wrapping */
	assert_int_equal(efi_parse_map_entry("0x5", NULL, "0x0", "0x1", "0x0", &m, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "phys_addr"));
	assert_int_equal(efi_parse_map_entry("5", "0x1000", "0x0", "0x1", "0x0", &m, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "type"));
	assert_int_equal(efi_parse_map_entry("0x5", "0x1001", "0x0", "0x1", "0x0", &m, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "aligned"));
	assert_int_equal(efi_parse_map_entry("0x5", "0x1000", "0x0", "0x0", "0x0", &m, why, sizeof(why)), -1);
	assert_int_equal(efi_parse_map_entry("0x5", "0xfffffffffffff000", "0x0", "0x2", "0x0", &m, why,
					     sizeof(why)), -1);
	assert_int_equal(efi_parse_map_entry("0x5", "0x1000", "0xfffffffffffff000", "0x2", "0x0", &m,
					     why, sizeof(why)), -1);
	assert_int_equal(efi_parse_map_entry("0x100000000", "0x1000", "0x0", "0x1", "0x0", &m, why,
					     sizeof(why)), -1);
}

/* ------------------------------------------------------- fixture trees */

struct tree {
	char root[64];
};

static void tree_file(const struct tree *t, const char *path, const void *data, size_t len)
{
	char p[512], *slash;
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", t->root, path);
	for (slash = strchr(p + strlen(t->root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
	}
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void tree_text(const struct tree *t, const char *path, const char *text)
{
	tree_file(t, path, text, strlen(text));
}

static void tree_init(struct tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/kj-efi-XXXXXX");
	assert_non_null(mkdtemp(t->root));
}

static void tree_free(struct tree *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
}

/* An OVMF-booted x86_64 kernel's tree: 12 runtime regions (so that "10"
 * sorts after "9"), written in reverse. */
#define OVMF_NMAP 12
static void ovmf_tree(struct tree *t, uint32_t sig, bool with_virt)
{
	uint8_t bp[4096] = { 0 };
	char p[128], v[64];

	put_le64(bp + 0x070, 0);
	put_efi_info(bp, sig, 0x7f9ee018, 1, 0x1680);
	tree_file(t, "/sys/kernel/boot_params/data", bp, sizeof(bp));
	tree_text(t, "/sys/firmware/efi/systab", "ACPI20=0x7fb7e014\nACPI=0x7fb7e000\nSMBIOS=0x7f9c5000\n");
	tree_text(t, "/sys/firmware/efi/fw_vendor", "0x7f9ed018\n");
	tree_text(t, "/sys/firmware/efi/runtime", "0x7f9ecb98\n");
	tree_text(t, "/sys/firmware/efi/config_table", "0x7f9eb018\n");
	tree_text(t, "/sys/firmware/efi/fw_platform_size", "64\n");
	for (int i = OVMF_NMAP - 1; i >= 0; i--) {
		snprintf(p, sizeof(p), "/sys/firmware/efi/runtime-map/%d/type", i);
		tree_text(t, p, i % 2 ? "0x6\n" : "0x5\n");
		snprintf(p, sizeof(p), "/sys/firmware/efi/runtime-map/%d/phys_addr", i);
		snprintf(v, sizeof(v), "0x%x\n", 0x7f000000 + i * 0x10000);
		tree_text(t, p, v);
		snprintf(p, sizeof(p), "/sys/firmware/efi/runtime-map/%d/virt_addr", i);
		snprintf(v, sizeof(v), "0x%llx\n", with_virt ? 0xfffffffeff000000ull + (unsigned)i * 0x10000 : 0ull);
		tree_text(t, p, v);
		snprintf(p, sizeof(p), "/sys/firmware/efi/runtime-map/%d/num_pages", i);
		tree_text(t, p, "0x10\n");
		snprintf(p, sizeof(p), "/sys/firmware/efi/runtime-map/%d/attribute", i);
		tree_text(t, p, "0x800000000000000f\n");
	}
}

static void read_ovmf(void **state)
{
	struct tree t;
	struct kj_efi e;
	struct kj_error err = { 0, "" };

	tree_init(&t);
	ovmf_tree(&t, EFI_LOADER_SIG_64, true);
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_true(e.booted);
	assert_true(e.usable);
	assert_string_equal(e.why, "");
	assert_int_equal(e.bp.systab, 0x7f9ee018);
	assert_int_equal(e.fw_vendor, 0x7f9ed018);
	assert_int_equal(e.runtime, 0x7f9ecb98);
	assert_int_equal(e.config_table, 0x7f9eb018);
	assert_int_equal(e.tab.smbios, 0x7f9c5000);
	assert_int_equal(e.nmap, OVMF_NMAP);
	for (size_t i = 0; i < e.nmap; i++) {
		/* in the order of the entry numbers, whatever readdir says */
		assert_int_equal(e.map[i].phys, 0x7f000000 + i * 0x10000);
		assert_int_equal(e.map[i].type, i % 2 ? 6 : 5);
	}
	/* boot_params had no RSDP: the systab's ACPI 2.0 one */
	assert_int_equal(e.acpi_rsdp, 0x7fb7e014);
	efi_free(&e);
	tree_free(&t);
}

static void read_bios(void **state)
{
	struct tree t;
	struct kj_efi e;
	struct kj_error err = { 0, "" };
	uint8_t bp[4096] = { 0 };

	tree_init(&t);
	/* a BIOS machine: the decompressor found the RSDP and wrote it in boot_params */
	put_le64(bp + 0x070, 0xf5b20);
	tree_file(&t, "/sys/kernel/boot_params/data", bp, sizeof(bp));
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_false(e.booted);
	assert_false(e.usable);
	assert_int_equal(e.acpi_rsdp, 0xf5b20);
	assert_int_equal(e.nmap, 0);
	efi_free(&e);
	tree_free(&t);

	/* nothing at all */
	tree_init(&t);
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_false(e.booted);
	assert_int_equal(e.acpi_rsdp, 0);
	efi_free(&e);
	tree_free(&t);
}

/* Each reason the state cannot be handed on, from its tree. */
static void read_unusable(void **state)
{
	struct tree t;
	struct kj_efi e;
	struct kj_error err = { 0, "" };
	char cmd[160];

	tree_init(&t);
	ovmf_tree(&t, EFI_LOADER_SIG_32, true);
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_true(e.booted);
	assert_false(e.usable);
	assert_non_null(strstr(e.why, "64-bit"));
	efi_free(&e);
	tree_free(&t);

	tree_init(&t);
	ovmf_tree(&t, EFI_LOADER_SIG_64, false);
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_false(e.usable);
	assert_non_null(strstr(e.why, "virtual addresses"));
	efi_free(&e);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/firmware/efi/runtime-map'", t.root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_false(e.usable);
	assert_non_null(strstr(e.why, "runtime-map"));
	efi_free(&e);
	tree_free(&t);

	/* a damaged entry: the map is not used, and why names the file */
	tree_init(&t);
	ovmf_tree(&t, EFI_LOADER_SIG_64, true);
	tree_text(&t, "/sys/firmware/efi/runtime-map/3/num_pages", "lots\n");
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_false(e.usable);
	assert_non_null(strstr(e.why, "num_pages"));
	assert_int_equal(e.nmap, 0);
	efi_free(&e);

	tree_text(&t, "/sys/firmware/efi/runtime-map/3/num_pages", "0x10\n");
	snprintf(cmd, sizeof(cmd), "rm -f '%s/sys/firmware/efi/fw_vendor'", t.root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_false(e.usable);
	assert_non_null(strstr(e.why, "fw_vendor"));
	efi_free(&e);

	/* boot_params without an EFI memory map (an EFI kernel kexec'd without EFI) */
	tree_text(&t, "/sys/firmware/efi/fw_vendor", "0x7f9ed018\n");
	{
		uint8_t bp[4096] = { 0 };

		tree_file(&t, "/sys/kernel/boot_params/data", bp, sizeof(bp));
	}
	assert_int_equal(efi_read_tree(t.root, &e, &err), 0);
	assert_false(e.usable);
	assert_non_null(strstr(e.why, "no EFI memory map"));
	efi_free(&e);
	tree_free(&t);
}

/* -------------------------------------------------------- the plan */

static const uint8_t *boot_params_of(const struct kj_plan *p, uint64_t *addr, size_t *len)
{
	for (size_t i = 0; i < p->nseg; i++)
		if (!strcmp(p->seg[i].what, "boot_params+cmdline")) {
			*addr = p->seg[i].mem;
			*len = p->seg[i].bufsz;
			return p->seg[i].buf;
		}
	fail_msg("no boot_params segment");
	return NULL;
}

static bool has_note(const struct kj_plan *p, const char *needle)
{
	for (unsigned i = 0; i < p->nnotes; i++)
		if (strstr(p->note[i], needle))
			return true;
	return false;
}

static void plan_hands_on_efi(void **state)
{
	struct tree t;
	struct kj_file k;
	struct kj_options o;
	struct kj_sysinfo sys;
	struct kj_load_input in = { 0 };
	struct kj_plan p;
	struct kj_error err = { 0, "" };
	struct memmap mm;
	const uint8_t *bp, *sd, *efi_sd, *map;
	uint64_t bp_addr;
	size_t bp_len;

	fixture_qemu_map(&mm);
	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &k);
	tree_init(&t);
	ovmf_tree(&t, EFI_LOADER_SIG_64, true);
	memset(&o, 0, sizeof(o));
	o.kernel = "vmlinuz";
	o.command_line = "console=ttyS0";
	memset(&sys, 0, sizeof(sys));
	sys.arch = KJ_ARCH_X86_64;
	sys.mm = mm;
	sys.ram_pages = (500 * MiB) / 4096;
	assert_int_equal(efi_read_tree(t.root, &sys.efi, &err), 0);
	in.o = &o;
	in.sys = &sys;
	in.kernel = &k;

	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	bp = boot_params_of(&p, &bp_addr, &bp_len);
	/* efi_info: this kernel's signature and system table, our runtime map */
	assert_int_equal(le32(bp + 0x1c0), EFI_LOADER_SIG_64);
	assert_int_equal(le32(bp + 0x1c4), 0x7f9ee018);
	assert_int_equal(le32(bp + 0x1c8), EFI_MEMDESC_SIZE);
	assert_int_equal(le32(bp + 0x1cc), 1);
	assert_int_equal(le32(bp + 0x1d4), OVMF_NMAP * EFI_MEMDESC_SIZE);
	assert_int_equal(le64(bp + 0x070), 0x7fb7e014);
	/* setup_data: the RNG seed, then SETUP_EFI */
	sd = bp + (le64(bp + 0x250) - bp_addr);
	assert_int_equal(le32(sd + 8), SETUP_RNG_SEED);
	assert_true(le64(sd) > bp_addr && le64(sd) + BP_EFI_SETUP_SIZE <= bp_addr + bp_len);
	efi_sd = bp + (le64(sd) - bp_addr);
	assert_int_equal(le64(efi_sd), 0);
	assert_int_equal(le32(efi_sd + 8), SETUP_EFI);
	assert_int_equal(le32(efi_sd + 12), 96);
	assert_int_equal(le64(efi_sd + 16), 0x7f9ed018); /* fw_vendor */
	assert_int_equal(le64(efi_sd + 24), 0);          /* unused */
	assert_int_equal(le64(efi_sd + 32), 0x7f9eb018); /* tables */
	assert_int_equal(le64(efi_sd + 40), 0x7f9c5000); /* smbios */
	/* the descriptors, where efi_memmap says, inside the segment */
	{
		uint64_t mm_addr = le32(bp + 0x1d0) | (uint64_t)le32(bp + 0x1dc) << 32;

		assert_true(mm_addr >= bp_addr &&
			    mm_addr + OVMF_NMAP * EFI_MEMDESC_SIZE <= bp_addr + bp_len);
		map = bp + (mm_addr - bp_addr);
	}
	for (size_t i = 0; i < OVMF_NMAP; i++) {
		const uint8_t *d = map + i * EFI_MEMDESC_SIZE;

		assert_int_equal(le32(d), i % 2 ? 6 : 5);
		assert_int_equal(le64(d + 8), 0x7f000000 + i * 0x10000);
		assert_int_equal(le64(d + 16), 0xfffffffeff000000ull + i * 0x10000);
		assert_int_equal(le64(d + 24), 0x10);
	}
	assert_true(has_note(&p, "runtime map 12 entries"));
	assert_true(has_note(&p, "acpi: RSDP 0x7fb7e014"));
	assert_int_equal(p.nwarnings, 0);
	plan_free(&p);

	/* --noefi: no efi_info, no SETUP_EFI; the RSDP still */
	o.noefi = true;
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	bp = boot_params_of(&p, &bp_addr, &bp_len);
	for (size_t i = 0x1c0; i < 0x1e0; i++)
		assert_int_equal(bp[i], 0);
	sd = bp + (le64(bp + 0x250) - bp_addr);
	assert_int_equal(le64(sd), 0);
	assert_int_equal(le64(bp + 0x070), 0x7fb7e014);
	assert_true(has_note(&p, "not passed (--noefi)"));
	plan_free(&p);
	o.noefi = false;

	/* the 32-bit entry (an i386 view of the kernel) cannot read SETUP_EFI */
	o.entry_32bit = true;
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	bp = boot_params_of(&p, &bp_addr, &bp_len);
	assert_int_equal(le32(bp + 0x1c0), 0);
	assert_true(has_note(&p, "32-bit entry"));
	plan_free(&p);
	o.entry_32bit = false;

	/* an EFI machine whose state cannot be passed: a warning says why */
	sys.efi.usable = false;
	snprintf(sys.efi.why, sizeof(sys.efi.why), "no /sys/firmware/efi/runtime-map");
	if (x86_build_plan(&in, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nwarnings, 1);
	assert_non_null(strstr(p.warning[0], "EFI is not passed to the new kernel: no /sys/firmware/efi/runtime-map"));
	plan_free(&p);

	efi_free(&sys.efi);
	kj_file_release(&k);
	memmap_free(&mm);
	tree_free(&t);
}

static void crash_rsdp(void **state)
{
	struct kj_error err = { 0, "" };
	char *line = strdup("console=ttyS0 elfcorehdr=0x1000");

	assert_int_equal(crash_acpi_rsdp(&line, 0x7fb7e014, 2048, &err), 0);
	assert_non_null(strstr(line, "acpi_rsdp=0x7fb7e014"));
	free(line);
	/* the user's own value stands; none known: nothing */
	line = strdup("acpi_rsdp=0x1234 quiet");
	assert_int_equal(crash_acpi_rsdp(&line, 0x7fb7e014, 2048, &err), 0);
	assert_string_equal(line, "acpi_rsdp=0x1234 quiet");
	assert_int_equal(crash_acpi_rsdp(&line, 0, 2048, &err), 0);
	assert_string_equal(line, "acpi_rsdp=0x1234 quiet");
	free(line);
	/* the kernel's limit */
	line = strdup("0123456789");
	assert_int_equal(crash_acpi_rsdp(&line, 0x7fb7e014, 16, &err), -1);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_values),
		cmocka_unit_test(systab_lines),
		cmocka_unit_test(boot_params_fields),
		cmocka_unit_test(map_entries),
		cmocka_unit_test(read_ovmf),
		cmocka_unit_test(read_bios),
		cmocka_unit_test(read_unusable),
		cmocka_unit_test(plan_hands_on_efi),
		cmocka_unit_test(crash_rsdp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
