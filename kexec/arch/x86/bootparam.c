/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "bootparam.h"
#include "bzimage.h"
#include "exitcodes.h"
#include "le.h"

/* A header for kernels loaded from ELF, which carry none: what the kernel
 * proper reads from boot_params.hdr. */
static void synthetic_header(uint8_t *bp)
{
	put_le16(bp + BZ_BOOT_FLAG, 0xaa55);
	memcpy(bp + BZ_HEADER, "HdrS", 4);
	put_le16(bp + BZ_VERSION, 0x020f);
	put_le8(bp + BZ_LOADFLAGS, BZ_LOADED_HIGH);
	put_le32(bp + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	put_le32(bp + BZ_CMDLINE_SIZE, 2047);
}

int bootparam_build(uint8_t *bp, const struct bootparam_input *in, struct kj_error *err)
{
	uint64_t above_1m_k = 0;
	size_t n = 0;

	memset(bp, 0, BP_SIZE);
	if (in->setup_header) {
		memcpy(bp + BZ_SETUP_SECTS, in->setup_header + BZ_SETUP_SECTS,
		       in->header_end - BZ_SETUP_SECTS);
	} else {
		synthetic_header(bp);
	}
	put_le8(bp + BZ_TYPE_OF_LOADER, LOADER_TYPE_KEXEC);
	/* No real-mode code runs: no heap, no hooks. */
	put_le8(bp + BZ_LOADFLAGS, (uint8_t)(bp[BZ_LOADFLAGS] & BZ_LOADED_HIGH));

	/* An 80x25 VGA text console, as a BIOS would report it; the new kernel
	 * finds a framebuffer through its own drivers. */
	put_le8(bp + BP_ORIG_VIDEO_MODE, 3);
	put_le8(bp + BP_ORIG_VIDEO_COLS, 80);
	put_le8(bp + BP_ORIG_VIDEO_LINES, 25);
	put_le8(bp + BP_ORIG_VIDEO_ISVGA, 1);
	put_le16(bp + BP_ORIG_VIDEO_POINTS, 16);

	put_le32(bp + BZ_CMD_LINE_PTR, (uint32_t)in->cmdline_addr);
	put_le32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(in->cmdline_addr >> 32));
	put_le64(bp + BZ_SETUP_DATA, in->setup_data);
	put_le32(bp + BZ_RAMDISK_IMAGE, (uint32_t)in->initrd_addr);
	put_le32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(in->initrd_addr >> 32));
	put_le32(bp + BZ_RAMDISK_SIZE, (uint32_t)in->initrd_size);
	put_le32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(in->initrd_size >> 32));

	if (in->e820->n > BP_E820_MAX)
		return kj_fail(err, KJ_EXIT_FAILURE,
			       "the memory map has %zu entries; boot_params holds %d",
			       in->e820->n, BP_E820_MAX);
	for (size_t i = 0; i < in->e820->n; i++) {
		const struct mem_entry *e = &in->e820->e[i];
		uint8_t *slot = bp + BP_E820_TABLE + n * BP_E820_ENTRY_SIZE;

		if (!e->r.size)
			continue;
		put_le64(slot, e->r.start);
		put_le64(slot + 8, e->r.size);
		put_le32(slot + 16, e->type);
		n++;
		if (e->type == KJ_MEM_RAM && range_end(e->r) > 0x100000) {
			uint64_t s = e->r.start > 0x100000 ? e->r.start : 0x100000;
			above_1m_k += (range_end(e->r) - s) >> 10;
		}
	}
	put_le8(bp + BP_E820_ENTRIES, (uint8_t)n);
	put_le64(bp + BP_ACPI_RSDP_ADDR, in->acpi_rsdp);
	if (in->efi) {
		const struct bootparam_efi *e = in->efi;

		put_le32(bp + BP_EFI_INFO, e->loader_signature);
		put_le32(bp + BP_EFI_INFO + 4, (uint32_t)e->systab);
		put_le32(bp + BP_EFI_INFO + 8, e->memdesc_size);
		put_le32(bp + BP_EFI_INFO + 12, e->memdesc_version);
		put_le32(bp + BP_EFI_INFO + 16, (uint32_t)e->memmap);
		put_le32(bp + BP_EFI_INFO + 20, e->memmap_size);
		put_le32(bp + BP_EFI_INFO + 24, (uint32_t)(e->systab >> 32));
		put_le32(bp + BP_EFI_INFO + 28, (uint32_t)(e->memmap >> 32));
		put_le8(bp + BP_SECURE_BOOT, e->secure_boot);
	}
	/* Legacy size fields, for kernels that look at them before the E820. */
	put_le32(bp + BP_ALT_MEM_K, above_1m_k > UINT32_MAX ? UINT32_MAX : (uint32_t)above_1m_k);
	put_le16(bp + BP_EXT_MEM_K, above_1m_k > 0xfc00 ? 0xfc00 : (uint16_t)above_1m_k);
	return 0;
}

void bootparam_rng_seed(uint8_t *p, const uint8_t seed[BP_RNG_SEED_BYTES])
{
	memset(p, 0, BP_RNG_SEED_SIZE);
	put_le64(p, 0); /* next: none */
	put_le32(p + 8, SETUP_RNG_SEED);
	put_le32(p + 12, BP_RNG_SEED_BYTES);
	memcpy(p + 16, seed, BP_RNG_SEED_BYTES);
}

void bootparam_efi_setup(uint8_t *p, uint64_t fw_vendor, uint64_t tables, uint64_t smbios)
{
	memset(p, 0, BP_EFI_SETUP_SIZE);
	put_le32(p + 8, SETUP_EFI);
	put_le32(p + 12, BP_EFI_SETUP_SIZE - 16);
	put_le64(p + 16, fw_vendor);
	put_le64(p + 32, tables);
	put_le64(p + 40, smbios);
}

void bootparam_setup_chain(uint8_t *p, uint64_t next)
{
	put_le64(p, next);
}
