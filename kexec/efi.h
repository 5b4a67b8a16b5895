/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What an EFI-booted kernel says about its firmware, for the next kernel:
 * the facts a kexec_load(2) load hands on as the kernel's own
 * kexec_file_load(2) does (arch/x86/kernel/kexec-bzimage64.c,
 * setup_efi_state()): the firmware's system table and config tables, the
 * runtime map with the virtual addresses this kernel gave the runtime
 * services (the next kernel maps them there instead of calling
 * SetVirtualAddressMap(), which the firmware allows once), and where the
 * ACPI RSDP is.
 *
 * The parsers are pure functions over the text or bytes of one file;
 * efi_read_tree() reads the files under a root ("" for the running
 * system, a fixture tree in the tests) and is called by sysinfo.c alone.
 */
#ifndef KJ_EFI_H
#define KJ_EFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

/* A runtime map entry: efi_memory_desc_t (include/linux/efi.h), 40 bytes
 * as the next kernel reads it (efi_memdesc_size says so). */
struct efi_map_entry {
	uint32_t type;
	uint64_t phys, virt, pages, attr;
};
#define EFI_MEMDESC_SIZE 40u
/* efi_memory_desc_t's version the kernel knows (EFI_MEMORY_DESCRIPTOR_VERSION) */
#define EFI_MEMDESC_VERSION 1u
/* Far more than a firmware's runtime regions (tens); a bound, not a guess. */
#define EFI_MAP_MAX 1024u
#define EFI_MEMORY_RUNTIME (1ull << 63)

/* The loader signatures of efi_info (arch/x86/boot/compressed, the EFI stub). */
#define EFI_LOADER_SIG_64 0x34364c45u /* "EL64" */
#define EFI_LOADER_SIG_32 0x32334c45u /* "EL32" */

/* /sys/firmware/efi/systab: "KEY=0xHEX" lines (drivers/firmware/efi/efi.c). */
struct efi_systab {
	uint64_t acpi20, acpi, smbios, smbios3; /* 0: not listed */
};

/* The running kernel's boot_params fields (/sys/kernel/boot_params/data)
 * that concern the firmware. */
struct efi_boot_params {
	uint64_t acpi_rsdp;        /* acpi_rsdp_addr, 0x070 */
	uint32_t loader_signature; /* efi_info, 0x1c0 */
	uint64_t systab;           /* efi_systab | efi_systab_hi << 32 */
	uint32_t memdesc_version;
	uint32_t memmap_size;      /* non-zero: the kernel was given an EFI memory map */
	uint8_t secure_boot;       /* 0x1ec */
};
#define EFI_BP_MIN_SIZE 0x1f0u /* boot_params up to secure_boot */

struct kj_efi {
	bool booted;               /* /sys/firmware/efi exists: EFI started this kernel */
	/* Everything the next kernel needs to use the runtime services (a 64-bit
	 * firmware, the system table, the runtime map with virtual addresses).
	 * When booted but not usable, why says what is missing. */
	bool usable;
	char why[160];
	struct efi_boot_params bp;
	struct efi_systab tab;
	uint64_t fw_vendor, runtime, config_table; /* physical, as found before the
						    * switch to virtual mode */
	struct efi_map_entry *map; /* sorted by the sysfs entry number */
	size_t nmap;
	/* The ACPI RSDP: boot_params' acpi_rsdp_addr, else the systab's ACPI20=,
	 * else ACPI= (0: not known; the next kernel searches for it). */
	uint64_t acpi_rsdp;
};

/* "0x1234\n" (as the kernel's sysfs prints addresses): 0 and *v, or -1. */
int efi_parse_hex(const char *text, size_t len, uint64_t *v);
/* The systab text; unknown keys are skipped, a known key with a bad value
 * is an error (-1). */
int efi_parse_systab(const char *text, size_t len, struct efi_systab *out);
/* The fields of a boot_params image of len bytes (-1 when too short). */
int efi_parse_boot_params(const uint8_t *bp, size_t len, struct efi_boot_params *out);
/* One runtime-map entry from its five files' texts (type, phys_addr,
 * virt_addr, num_pages, attribute): -1 and why when a value is malformed
 * or the region wraps. */
int efi_parse_map_entry(const char *type, const char *phys, const char *virt,
			const char *pages, const char *attr, struct efi_map_entry *out,
			char *why, size_t whylen);
/* Decide whether the facts are usable and fill e->why when not; the ACPI
 * RSDP choice too.  Pure: used by efi_read_tree and the tests. */
void efi_judge(struct kj_efi *e);

/* Read root/sys/firmware/efi and root/sys/kernel/boot_params/data into *e.
 * A system not booted by EFI gives booted false and returns 0; so does
 * one whose facts are incomplete (usable false, why).  Fails (-1, err)
 * only when memory runs out or the runtime map has more than EFI_MAP_MAX
 * entries. */
int efi_read_tree(const char *root, struct kj_efi *e, struct kj_error *err);
void efi_free(struct kj_efi *e);

/* The 40-byte efi_memory_desc_t of entry i at p. */
void efi_put_map(uint8_t *p, const struct efi_map_entry *map, size_t n);

#endif
