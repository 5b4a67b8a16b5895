/* SPDX-License-Identifier: GPL-2.0-or-later */
/* All len bytes at off of fd, through short reads and EINTR: 0, or -1
 * (an error, or the end of the file first). */
#ifndef KJ_PREAD_FULL_H
#define KJ_PREAD_FULL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

static inline int kj_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t at = 0;

	while (at < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + at, len - at, (off_t)(off + at));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		at += (size_t)n;
	}
	return 0;
}

#endif
