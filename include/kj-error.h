/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors travel up as a value, never as exit() from a helper: each stage
 * fills a struct kj_error with the exit code and one line for the user,
 * returns -1, and main() prints it once.
 */
#ifndef KJ_ERROR_H
#define KJ_ERROR_H

#include <stdint.h>

struct kj_error {
	int exit_code;  /* KJ_EXIT_* */
	char msg[1024]; /* one line, no trailing newline, no "kexec: " prefix */
};

/* Fill *e (if not NULL) and return -1, so callers can "return kj_fail(...)". */
int kj_fail(struct kj_error *e, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A size for a message, in the unit that keeps it honest: "512 bytes",
 * "1020 KiB", "300 MiB" (never "0 MiB" for what is not nothing).  Writes
 * into buf and returns it. */
#define KJ_SIZE_STR 32
const char *kj_size_str(char buf[KJ_SIZE_STR], uint64_t bytes);

#endif
