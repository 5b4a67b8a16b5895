/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The number syntax kexec and kdump share on their command lines (kexec's
 * --mem-min, --mem-max and --entry, kdump save's --entry).  Defined in
 * lib/number.c.
 */
#ifndef KJ_NUMBER_H
#define KJ_NUMBER_H

#include <stdint.h>

/* Parse a number as kexec-tools does (strtoull base 0: 0x…, 0…, decimal), with
 * an optional K/M/G suffix.  Returns 0 or -1. */
int kj_parse_u64(const char *s, uint64_t *out);

#endif
