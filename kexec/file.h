/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input files: mapped, not copied; kernels decompressed when gzip or xz. */
#ifndef KJ_FILE_H
#define KJ_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "kj-error.h"

struct kj_file {
	const char *name;      /* as given by the user, for messages */
	unsigned char *data;
	size_t size;
	bool mapped;           /* data is an mmap (else malloc'd) */
	bool decompressed;     /* the file was gzip/xz and data is the result */
};

/* Map a file read-only.  Empty and unreadable files are errors. */
int kj_file_map(const char *path, struct kj_file *f, struct kj_error *err);
/* Map a kernel and transparently decompress gzip or xz. */
int kj_file_load_kernel(const char *path, struct kj_file *f, struct kj_error *err);
/* Decompress buf if it is gzip or xz (pure; *out is malloc'd).  Returns 1
 * when it decompressed, 0 when buf is not compressed, -1 on error. */
int kj_decompress(const unsigned char *buf, size_t len, const char *name,
		  unsigned char **out, size_t *outlen, struct kj_error *err);
void kj_file_release(struct kj_file *f);

/* Largest decompressed kernel accepted: a guard against decompression bombs. */
#define KJ_MAX_DECOMPRESSED (1024u * 1024u * 1024u)

#endif
