/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The zero page (struct boot_params) handed to a Linux kernel. */
#ifndef KJ_BOOTPARAM_H
#define KJ_BOOTPARAM_H

#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"
#include "memmap.h"

#define BP_SIZE             4096
#define BP_EXT_MEM_K        0x002
#define BP_ORIG_VIDEO_MODE  0x006
#define BP_ORIG_VIDEO_COLS  0x007
#define BP_ORIG_VIDEO_LINES 0x00e
#define BP_ORIG_VIDEO_ISVGA 0x00f
#define BP_ORIG_VIDEO_POINTS 0x010
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_ACPI_RSDP_ADDR   0x070
#define BP_EFI_INFO         0x1c0 /* struct efi_info, 32 bytes */
#define BP_ALT_MEM_K        0x1e0
#define BP_SECURE_BOOT      0x1ec
#define BP_E820_ENTRIES     0x1e8
#define BP_E820_TABLE       0x2d0
#define BP_E820_MAX         128
#define BP_E820_ENTRY_SIZE  20

#define LOADER_TYPE_KEXEC   0xd0 /* boot.rst: 0xTV with T = 0xD "kexec-tools", V = 0 */

/* What boot_params' efi_info says (arch/x86/include/uapi/asm/bootparam.h). */
struct bootparam_efi {
	uint32_t loader_signature;
	uint64_t systab;
	uint32_t memdesc_size, memdesc_version;
	uint64_t memmap;          /* physical address of the descriptors */
	uint32_t memmap_size;
	uint8_t secure_boot;
};

struct bootparam_input {
	const uint8_t *setup_header;  /* the kernel file's bytes 0..header_end, or NULL (ELF) */
	size_t header_end;
	const struct memmap *e820;    /* the map the new kernel gets */
	uint64_t cmdline_addr;        /* physical address of the NUL-terminated line */
	uint64_t initrd_addr, initrd_size; /* 0, 0 for none */
	uint64_t setup_data;          /* physical address of the first setup_data, or 0 */
	const struct bootparam_efi *efi; /* NULL: no EFI for the new kernel */
	uint64_t acpi_rsdp;           /* acpi_rsdp_addr (0: the kernel searches) */
};

/* struct setup_data (arch/x86/include/uapi/asm/setup_data.h) carrying a
 * SETUP_RNG_SEED of 32 random bytes. */
#define SETUP_RNG_SEED        9
#define BP_RNG_SEED_BYTES     32
#define BP_RNG_SEED_SIZE      (16 + BP_RNG_SEED_BYTES)

/* Fill BP_RNG_SEED_SIZE bytes at p with a setup_data RNG seed of the
 * given random bytes (kj_sysinfo's rng_seed). */
void bootparam_rng_seed(uint8_t *p, const uint8_t seed[BP_RNG_SEED_BYTES]);

/* struct setup_data SETUP_EFI with struct efi_setup_data
 * (arch/x86/include/asm/setup_data.h, "kexec external ABI"): fw_vendor,
 * an unused word, the config tables, SMBIOS and 8 reserved words. */
#define SETUP_EFI             4
#define BP_EFI_SETUP_SIZE     (16 + 96)

/* Fill BP_EFI_SETUP_SIZE bytes at p (next: none). */
void bootparam_efi_setup(uint8_t *p, uint64_t fw_vendor, uint64_t tables, uint64_t smbios);
/* Point the setup_data at p to the next one at physical address next. */
void bootparam_setup_chain(uint8_t *p, uint64_t next);

/* Fill a BP_SIZE-byte zero page.  Fails only if the map has too many entries. */
int bootparam_build(uint8_t *bp, const struct bootparam_input *in, struct kj_error *err);

#endif
