/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A contract between the purgatory and kexec/purgatory.c only (both built
 * from this tree): an optional extension that follows struct
 * purgatory_header inside section .kjheader.
 *
 * The ABI header carries one digest over all regions, which is enough to
 * refuse a corrupted image but not to say which segment is bad.  The
 * extension adds one digest per region; the purgatory only consults it
 * after the combined digest failed, to name the culprit.  The tool fills
 * it only if it finds the extension magic right after the header, so a
 * purgatory without it keeps working.
 */
#ifndef KJ_PURGATORY_EXT_H
#define KJ_PURGATORY_EXT_H

#include <stdint.h>

#include "purgatory-abi.h"

#define PURGATORY_EXT_MAGIC 0x54584a4bu /* "KJXT" little endian */

struct purgatory_header_ext {
	uint32_t magic;    /* PURGATORY_EXT_MAGIC */
	uint32_t size;     /* sizeof(struct purgatory_header_ext) */
	uint8_t region_sha256[PURGATORY_MAX_REGIONS][32];
};

_Static_assert(sizeof(struct purgatory_header_ext) == 8 + 32 * PURGATORY_MAX_REGIONS,
	       "purgatory_header_ext layout");

/* What the purgatory image starts with. */
struct purgatory_kjheader {
	struct purgatory_header hdr;
	struct purgatory_header_ext ext;
};

_Static_assert(sizeof(struct purgatory_kjheader) ==
	       PURGATORY_HEADER_SIZE + sizeof(struct purgatory_header_ext),
	       "the extension must follow the header without padding");

/* purgatory_verify() results */
#define PURGATORY_VERIFY_OK         0
#define PURGATORY_VERIFY_MISMATCH   1 /* *bad = region index, or nr_regions if unknown */
#define PURGATORY_VERIFY_BAD_HEADER 2 /* nr_regions out of range */
#define PURGATORY_VERIFY_BAD_REGION 3 /* *bad = region that wraps or is unreachable */

int purgatory_verify(const struct purgatory_header *hdr,
		     const struct purgatory_header_ext *ext, uint32_t *bad);
/* Verify and report on the serial port; returns 0 if the digest matched. */
int purgatory_check(const struct purgatory_header *hdr,
		    const struct purgatory_header_ext *ext);

#ifdef PURGATORY_HOSTED
/* provided by the test program */
void purgatory_hosted_outb(uint16_t port, uint8_t val);
uint8_t purgatory_hosted_inb(uint16_t port);
#else
/* called by entry-<arch>.S; returns the entry mode, or 0 to halt */
uint32_t purgatory_main(void);
#endif

#endif
