/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The old kernel's physical memory, read through an ELF core (/proc/vmcore
 * or a saved image): shared by kdump save and kdump dmesg. */
#ifndef KDUMP_OLDMEM_H
#define KDUMP_OLDMEM_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "swapmap.h"

struct core_mem {
	int fd;
	const struct core *c;
	const struct swapmap *swap; /* A's pages lent to B (kexec jump), or NULL */
};

/*
 * An oldmem reader (freepages.h) over a core, a page at most at a time:
 * bytes past p_filesz (within p_memsz) are zero, pages no PT_LOAD covers
 * are unreadable (-1), and a page A lent to B is read where the swap put
 * A's contents.  core_parse checked offset + filesz against the file's size
 * and paddr + memsz for overflow.
 */
int core_mem_read(void *ctx, uint64_t paddr, void *buf, size_t len);

/* kexec_jump_back_entry= on /proc/cmdline (kernel B of a kexec jump), or 0. */
uint64_t jump_back_entry_from_cmdline(void);

#endif
