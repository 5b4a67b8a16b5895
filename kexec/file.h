/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input files: mapped, not copied; kernels decompressed when gzip or xz. */
#ifndef KJ_FILE_H
#define KJ_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "kj-error.h"

struct kj_file {
	const char *name;      /* as given by the user, for messages */
	unsigned char *data;
	size_t size;
	bool mapped;           /* data is an mmap (else malloc'd) */
	bool decompressed;     /* the file was gzip/xz and data is the result */
	int fd;                /* mapped: the open file (kexec_file_load gets it) */
	struct stat st;        /* mapped: the file as it was (kj_file_changed) */
};

/*
 * Open an input file.  A regular file is mapped read-only (a SIGBUS from
 * it shrinking later ends the program with a message naming it); a pipe,
 * a block device or a file of unknown size (procfs) is read whole, at most
 * limit bytes; a directory, a character device, an empty or unreadable
 * file is an error.
 */
int kj_file_open(const char *path, uint64_t limit, struct kj_file *f, struct kj_error *err);
/* kj_file_open with the limit KJ_MAX_STREAM. */
int kj_file_map(const char *path, struct kj_file *f, struct kj_error *err);
/* Has a mapped file changed (size, mtime, ctime) since it was opened?
 * Then what was read and what the kernel got may differ: an error. */
int kj_file_changed(const struct kj_file *f, struct kj_error *err);
/* Map a kernel and transparently decompress gzip or xz. */
int kj_file_load_kernel(const char *path, struct kj_file *f, struct kj_error *err);
/* Decompress buf if it is gzip or xz (pure; *out is malloc'd).  Returns 1
 * when it decompressed, 0 when buf is not compressed, -1 on error. */
int kj_decompress(const unsigned char *buf, size_t len, const char *name,
		  unsigned char **out, size_t *outlen, struct kj_error *err);
void kj_file_release(struct kj_file *f);

/* Largest decompressed kernel accepted: a guard against decompression bombs. */
#define KJ_MAX_DECOMPRESSED (1024u * 1024u * 1024u)
/* Most memory the xz decoder may take, its dictionary above all (the
 * stream header states it): xz -9 needs 65 MiB, the kernel's own
 * scripts/xz_wrap.sh 33 MiB. */
#define KJ_XZ_MEMLIMIT (128ull << 20)
/* The first output buffer: four times the compressed size (a kernel
 * compresses about 1:3 with gzip, 1:4 with xz), at least 1 MiB; it
 * doubles from there up to KJ_MAX_DECOMPRESSED. */
#define KJ_DECOMPRESS_FIRST(len) ((len) < (256u << 10) ? (size_t)1 << 20 : 4 * (size_t)(len))
/* Most bytes read from a pipe or device for a kernel or image (an
 * initrd's limit is half of RAM: what the kernel takes). */
#define KJ_MAX_STREAM ((uint64_t)KJ_MAX_DECOMPRESSED)

#endif
