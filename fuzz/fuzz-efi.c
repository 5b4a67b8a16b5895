/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the EFI facts' parsers (kexec/efi.c).  The input,
 * split at NULs, is the text of /sys/firmware/efi/systab, one hex file
 * (fw_vendor and the like), the five files of one runtime-map entry
 * (type, phys_addr, virt_addr, num_pages, attribute), and the rest the
 * bytes of /sys/kernel/boot_params/data.  The judge then decides on what
 * was parsed, and the entry goes through efi_put_map and back.
 */
#include "fuzz.h"

#include "efi.h"
#include "le.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct fz f = { d, n };
	struct kj_efi e;
	struct efi_map_entry m;
	uint8_t desc[EFI_MEMDESC_SIZE];
	char *systab, *hex, *type, *phys, *virt, *pages, *attr;
	uint64_t v;
	int rc;

	memset(&e, 0, sizeof(e));
	e.booted = true;
	systab = fz_str(&f);
	hex = fz_str(&f);
	type = fz_str(&f);
	phys = fz_str(&f);
	virt = fz_str(&f);
	pages = fz_str(&f);
	attr = fz_str(&f);

	fz_alloc_begin();
	rc = efi_parse_systab(systab, strlen(systab), &e.tab);
	FUZZ_CHECK(fz_alloc_end() == 0);
	if (rc < 0)
		snprintf(e.why, sizeof(e.why), "systab");
	if (efi_parse_hex(hex, strlen(hex), &v) == 0) {
		/* only hex digits after 0x, at most 16 significant */
		FUZZ_CHECK(hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'));
		e.fw_vendor = e.config_table = v;
	}
	if (efi_parse_map_entry(type, phys, virt, pages, attr, &m, e.why, sizeof(e.why)) == 0) {
		FUZZ_CHECK(m.pages && !(m.phys & 0xfff) && !(m.virt & 0xfff));
		FUZZ_CHECK(m.pages <= (UINT64_MAX - m.phys) >> 12);
		FUZZ_CHECK(m.pages <= (UINT64_MAX - m.virt) >> 12);
		efi_put_map(desc, &m, 1);
		FUZZ_CHECK(le32(desc) == m.type && le32(desc + 4) == 0);
		FUZZ_CHECK(le64(desc + 8) == m.phys && le64(desc + 16) == m.virt);
		FUZZ_CHECK(le64(desc + 24) == m.pages && le64(desc + 32) == m.attr);
		e.map = &m;
		e.nmap = 1;
	} else {
		/* a refusal always says why */
		FUZZ_CHECK(e.why[0] != '\0');
	}
	if (efi_parse_boot_params(f.p, f.n, &e.bp) == 0)
		FUZZ_CHECK(f.n >= EFI_BP_MIN_SIZE);
	else
		FUZZ_CHECK(f.n < EFI_BP_MIN_SIZE && e.bp.systab == 0);

	efi_judge(&e);
	/* usable only with everything the next kernel needs */
	if (e.usable) {
		FUZZ_CHECK(e.why[0] == '\0');
		FUZZ_CHECK(e.nmap == 1 && e.map[0].virt);
		FUZZ_CHECK(e.bp.loader_signature == EFI_LOADER_SIG_64 && e.bp.systab);
		FUZZ_CHECK(e.bp.memdesc_version == EFI_MEMDESC_VERSION && e.bp.memmap_size);
		FUZZ_CHECK(e.fw_vendor && e.config_table);
	} else {
		FUZZ_CHECK(e.why[0] != '\0');
	}
	FUZZ_CHECK(e.acpi_rsdp == (e.bp.acpi_rsdp ? e.bp.acpi_rsdp
				   : e.tab.acpi20 ? e.tab.acpi20 : e.tab.acpi));

	free(systab);
	free(hex);
	free(type);
	free(phys);
	free(virt);
	free(pages);
	free(attr);
	return 0;
}
