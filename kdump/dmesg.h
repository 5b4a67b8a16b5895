/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump dmesg: the kernel log (printk ring buffer) of the kernel whose
 * memory an ELF core holds, printed exactly as makedumpfile --dump-dmesg
 * (1.7.2, Debian 12) writes it.
 *
 * Only the lockless ring buffer of Linux 5.10 and later
 * (kernel/printk/printk_ringbuffer.h) is understood, through the
 * VMCOREINFO its kernel exports (log_buf_vmcoreinfo_setup): SYMBOL(prb),
 * and the SIZE/OFFSET entries of printk_ringbuffer, prb_desc_ring,
 * prb_desc, prb_data_blk_lpos, printk_info, prb_data_ring and
 * atomic_long_t.  The older log_buf format (no SYMBOL(prb)) is refused.
 *
 * Output, one line per record, in descriptor-id order from tail to head:
 *   "[%5llu.%06lu] " (seconds, microseconds of printk_info.ts_nsec), then
 *   the text, where '\n' becomes '\n' plus as many spaces as the prefix
 *   is long, printable ASCII and white space are kept, and any other
 *   byte b is written "\x%02x" of b as a C char (bytes >= 0x80 thus read
 *   "\xffffffXX", as makedumpfile's signed char gives), then '\n'.
 * Skipped, as makedumpfile skips them: descriptors that are not committed
 * or finalized, or whose id is not the one expected (reserved, reusable,
 * overwritten), and records without data (begin == next, which includes
 * the kernel's empty lines).  A data block that wraps has its text at the
 * start of the data ring; text_len is cut to what the block holds.
 */
#ifndef KDUMP_DMESG_H
#define KDUMP_DMESG_H

#include <stdbool.h>
#include <stdio.h>

#include "freepages.h"
#include "kj-error.h"
#include "vmcoreinfo.h"

/* Bounds applied to what the dump claims (the kernel's own limits:
 * LOG_BUF_LEN_MAX is 2^31, and there is one descriptor per 2^5 bytes). */
#define DMESG_MAX_SIZE_BITS  31u
#define DMESG_MAX_COUNT_BITS 26u
#define DMESG_MAX_STRUCT     4096u /* any SIZE() it reads */

/*
 * Print the log of the old kernel to out.  is64: x86_64 (else i386), for
 * the word size and the virtual-to-physical translation:
 *   x86_64  kernel image (>= 0xffffffff80000000): v - that + NUMBER(phys_base);
 *           direct map: v - NUMBER(page_offset_base), by default
 *           0xffff888000000000 (0xff11000000000000 with 5-level paging)
 *   i386    lowmem: v - 0xc0000000, below NUMBER(VMALLOC_START)
 * Everything it will read (the prb structure, descriptors, infos, the data
 * ring) is read once before anything is printed, so a dump lacking some of
 * it fails before any output.  Returns 0, or -1 with err filled (one line,
 * KJ_EXIT_BADFILE for what the dump lacks or gets wrong, KJ_EXIT_FAILURE
 * for a write error).  Loops are bounded by the limits above.
 */
int dmesg_print(const struct vmcoreinfo *vi, bool is64, const struct oldmem *mem, FILE *out,
		struct kj_error *err);

/*
 * kdump dmesg FILE: open the ELF core (/proc/vmcore or a saved image),
 * read it through its PT_LOADs (bytes past p_filesz read as zero, pages
 * no PT_LOAD covers are unreadable) and print its log.  After a kexec
 * jump, A's pages that B was given are read where the kernel swapped them
 * (kdump/swapmap.h): the jump-back entry is the saved image's, or, for
 * /proc/vmcore, kexec_jump_back_entry= on /proc/cmdline.  Errors name FILE.
 */
int kdump_dmesg(const char *path, FILE *out, struct kj_error *err);

#endif
