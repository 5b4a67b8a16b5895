/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "kj-error.h"

int kj_fail(struct kj_error *e, int exit_code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->exit_code = exit_code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *kj_size_str(char buf[KJ_SIZE_STR], uint64_t bytes)
{
	if (bytes < 1024)
		snprintf(buf, KJ_SIZE_STR, "%" PRIu64 " bytes", bytes);
	else if (bytes < (1u << 20))
		snprintf(buf, KJ_SIZE_STR, "%" PRIu64 " KiB", bytes >> 10);
	else
		snprintf(buf, KJ_SIZE_STR, "%" PRIu64 " MiB", bytes >> 20);
	return buf;
}
