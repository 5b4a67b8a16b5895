/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors travel up as a value, never as exit() from a helper: each stage
 * fills a struct kj_error with the exit code and one line for the user,
 * returns -1, and main() prints it once.
 */
#ifndef KJ_ERROR_H
#define KJ_ERROR_H

struct kj_error {
	int exit_code;  /* KJ_EXIT_* */
	char msg[1024]; /* one line, no trailing newline, no "kexec: " prefix */
};

/* Fill *e (if not NULL) and return -1, so callers can "return kj_fail(...)". */
int kj_fail(struct kj_error *e, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
