/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exit codes of kexec and kdump, in one place (man page: EXIT STATUS). */
#ifndef KJ_EXITCODES_H
#define KJ_EXITCODES_H

#define KJ_EXIT_OK       0 /* success; for --status: nothing loaded */
#define KJ_EXIT_FAILURE  1 /* generic failure; for --status: an image is loaded */
#define KJ_EXIT_USAGE    2 /* bad command line ("Try 'kexec --help'") */
#define KJ_EXIT_BADFILE  3 /* an input file is unreadable, truncated or of the wrong kind */
#define KJ_EXIT_NOROOM   4 /* the image does not fit in memory as asked (plan refused) */
#define KJ_EXIT_KERNEL   5 /* the running kernel refused the request */
/* --status when the kernel does not say (no /sys/kernel/kexec_*loaded):
 * kexec-tools returns -1 from main() there, so scripts see 255 */
#define KJ_EXIT_UNKNOWN  255

#endif
