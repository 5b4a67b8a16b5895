/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The running kernel's VMCOREINFO text, out of /proc/kcore's first bytes. */
#ifndef KJ_KCORE_H
#define KJ_KCORE_H

#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

/* The most of /proc/kcore's start read for its headers and notes (its
 * program headers are one per range of RAM, vmalloc, text and modules; its
 * notes are a few KiB: prstatus, prpsinfo, the task_struct, VMCOREINFO). */
#define KCORE_HEAD_MAX (4u << 20)

/*
 * From buf, the first len bytes of /proc/kcore (name for messages):
 *   0  and *text and *text_len, the VMCOREINFO note's descriptor (pointing
 *      into buf);
 *   1  and *need (> len, at most KCORE_HEAD_MAX): the headers or the notes
 *      go on past len, call again with that many bytes;
 *  -1  and err: not an ELF core, a header past KCORE_HEAD_MAX, notes that
 *      do not parse, or no VMCOREINFO note (kernels before 4.19).
 * Pure: any bytes in.
 */
int kcore_vmcoreinfo(const uint8_t *buf, size_t len, const char *name, const uint8_t **text,
		     size_t *text_len, size_t *need, struct kj_error *err);

#endif
