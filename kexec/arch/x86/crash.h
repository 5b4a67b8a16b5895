/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Crash kernels (kexec -p): the capture kernel's ELF core header and map. */
#ifndef KJ_CRASH_H
#define KJ_CRASH_H

#include "kexec.h"

struct crash_ctx {
	uint64_t hdr_addr;   /* the ELF core header (elfcorehdr=) */
	uint8_t *hdr_buf;    /* owned by the plan */
	size_t hdr_size;     /* whole pages */
	struct memmap map;   /* the E820 map the capture kernel is given */
};

/* The region the capture kernel is loaded into: the largest "Crash kernel"
 * (a crashkernel=,low one only joins the capture kernel's RAM). */
struct range crash_main_region(const struct kj_sysinfo *sys);

/* Build the ELF core header and add its segment (inside plan->place, the
 * crash region), and the capture kernel's map. */
int crash_begin(struct kj_plan *plan, const struct kj_sysinfo *sys, struct crash_ctx *c,
		struct kj_error *err);
/* elfcorehdr= on the capture kernel's command line. */
int crash_cmdline(char **line, const struct crash_ctx *c, size_t max_len, struct kj_error *err);
/* acpi_rsdp=RSDP on the capture kernel's command line, for an EFI machine
 * whose EFI state the capture kernel does not get (kexec-tools does the
 * same: a capture kernel older than 5.0 reads no acpi_rsdp_addr).
 * Nothing when rsdp is 0 or the line has its own acpi_rsdp=. */
int crash_acpi_rsdp(char **line, uint64_t rsdp, size_t max_len, struct kj_error *err);
void crash_free(struct crash_ctx *c);

/* Pure, for the tests: the capture kernel's map, and the memory the dump
 * holds (RAM minus the low 1 MiB and the crash regions; -1 if more than
 * max ranges). */
int crash_capture_map(const struct memmap *mm, const struct range *crash, size_t ncrash,
		      struct range hdr, struct memmap *out);
int crash_dump_ranges(const struct memmap *mm, const struct range *crash, size_t ncrash,
		      struct range *out, size_t max);

#endif
