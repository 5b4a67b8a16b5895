/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building the new kernel's command line (pure string functions). */
#ifndef KJ_CMDLINE_H
#define KJ_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

/*
 * Join the reused command line (the running kernel's, or NULL) and the
 * given one (--command-line/--append, or NULL) with one space.  From the
 * reused line, parameters that describe only the running boot are dropped
 * (BOOT_IMAGE=, crashkernel=, kexec_jump_back_entry=, elfcorehdr=), as
 * kexec-tools drops the first two.  The result (malloc'd) must be at most
 * max_len bytes without its NUL; otherwise an error naming both lengths.
 */
int cmdline_build(const char *reused, const char *given, size_t max_len, char **out,
		  struct kj_error *err);

/*
 * Remove every parameter whose name is `name` (e.g. "elfcorehdr") from a
 * command line, in place.  Quoted values ("a b") are one parameter.
 */
void cmdline_remove_param(char *line, const char *name);

/*
 * Set parameter name=value on *line (malloc'd; reallocated): any existing
 * name= is removed first, so it is replaced, never duplicated.  The result
 * must stay within max_len bytes.  *value_off (if not NULL) receives the
 * offset of the value in the new line, for patching it in place later.
 */
int cmdline_set_param(char **line, const char *name, const char *value, size_t max_len,
		      size_t *value_off, struct kj_error *err);

/* The numeric value (strtoull base 0) of parameter name= in line; 0 and
 * *val, or -1 when absent, empty, zero or not a number. */
int cmdline_get_u64(const char *line, const char *name, uint64_t *val);

#endif
