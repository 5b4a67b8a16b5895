/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMCOREINFO: the "KEY=VALUE\n" text the old kernel left in its
 * VMCOREINFO ELF note (kernel/vmcore_info.c, arch_crash_save_vmcoreinfo).
 *
 * Keys look like OSRELEASE, PAGESIZE, KERNELOFFSET, SYMBOL(mem_map),
 * OFFSET(page.flags), SIZE(page), LENGTH(mem_section), NUMBER(phys_base).
 * Parsing is a pure function over bytes: the text may lack a NUL, hold
 * NULs, huge lines or garbage.  Malformed lines are skipped; a key that
 * occurs twice with different values is kept but marked ambiguous, and
 * every lookup of it fails (a walk relying on it then gives up safely).
 */
#ifndef KDUMP_VMCOREINFO_H
#define KDUMP_VMCOREINFO_H

#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

/* Limits applied to hostile input */
#define VMCOREINFO_MAX_TEXT   (64u * 1024) /* longer text: error (the kernel writes at most a page) */
#define VMCOREINFO_MAX_KEY    128        /* longer key: line skipped */
#define VMCOREINFO_MAX_VALUE  512        /* longer value: line skipped */
#define VMCOREINFO_MAX_ENTRIES 1024      /* further new keys: skipped */

struct vmcoreinfo_entry {
	char *key;
	size_t key_len;
	char *value;
	int ambiguous; /* the key appeared again with another value */
};

struct vmcoreinfo {
	struct vmcoreinfo_entry *entries;
	size_t count;
	size_t skipped; /* malformed or over-limit lines ignored */
};

/*
 * Parse len bytes of VMCOREINFO text (the note's descriptor; a NUL ends it
 * early, as does len).  On success fills *out (free with vmcoreinfo_free)
 * and returns 0; on failure returns -1 with err filled and *out empty.
 * Lines without '=' or with an empty key are skipped, as is a trailing
 * '\r'.  Text with no valid line at all is an error.
 */
int vmcoreinfo_parse(const char *text, size_t len, struct vmcoreinfo *out,
		     struct kj_error *err);

void vmcoreinfo_free(struct vmcoreinfo *vi);

/* Raw value of key (exact match), or NULL if absent or ambiguous. */
const char *vmcoreinfo_get(const struct vmcoreinfo *vi, const char *key);

/* The same, as 0/-1. */
int vmcoreinfo_str(const struct vmcoreinfo *vi, const char *key, const char **val);

/*
 * Numeric lookups, 0 or -1 (absent, ambiguous, not a number, overflow):
 *  vmcoreinfo_symbol(vi, "mem_map", &v)    SYMBOL(mem_map), hex ("0x" optional)
 *  vmcoreinfo_offset(vi, "page.flags", &v) OFFSET(page.flags), decimal
 *  vmcoreinfo_size(vi, "page", &v)         SIZE(page), decimal
 *  vmcoreinfo_length(vi, "mem_section",&v) LENGTH(mem_section), decimal
 *  vmcoreinfo_number(vi, "phys_base", &v)  NUMBER(phys_base): decimal with
 *                                          optional '-', or 0x-prefixed hex
 *  vmcoreinfo_hex(vi, "KERNELOFFSET", &v)  any key, hex ("0x" optional)
 *  vmcoreinfo_dec(vi, "PAGESIZE", &v)      any key, unsigned decimal
 */
int vmcoreinfo_symbol(const struct vmcoreinfo *vi, const char *name, uint64_t *v);
int vmcoreinfo_offset(const struct vmcoreinfo *vi, const char *name, uint64_t *v);
int vmcoreinfo_size(const struct vmcoreinfo *vi, const char *name, uint64_t *v);
int vmcoreinfo_length(const struct vmcoreinfo *vi, const char *name, uint64_t *v);
int vmcoreinfo_number(const struct vmcoreinfo *vi, const char *name, int64_t *v);
int vmcoreinfo_hex(const struct vmcoreinfo *vi, const char *key, uint64_t *v);
int vmcoreinfo_dec(const struct vmcoreinfo *vi, const char *key, uint64_t *v);

/* Strict parsers used by the lookups (whole string, no spaces): 0 or -1. */
int vmcoreinfo_parse_hex(const char *s, uint64_t *v);
int vmcoreinfo_parse_dec(const char *s, uint64_t *v);
int vmcoreinfo_parse_number(const char *s, int64_t *v);

#endif
