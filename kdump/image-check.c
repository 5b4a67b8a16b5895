/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The checks kdump save and kdump info share: the bounds a core's
 * PT_LOADs must keep (the memory its memory-map note describes), and a
 * saved image opened with the verdict on its notes and re-read against
 * its SHA-256.  save.c and info.c both use this; it uses neither.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcodes.h"
#include "image-check.h"
#include "kdump-image.h"
#include "le.h"
#include "sha256.h"

uint64_t kdump_memmap_top(const uint8_t *notes, size_t len)
{
	const uint8_t *desc;
	size_t dl;
	uint64_t top = 0;
	uint32_t n;

	if (core_find_note(notes, len, KJ_NOTE_NAME, KJ_NOTE_MEMMAP, &desc, &dl) < 0 ||
	    dl < sizeof(struct kj_note_memmap))
		return 0;
	n = le32(desc + 4);
	for (size_t i = 0; i < n && i < (dl - sizeof(struct kj_note_memmap)) / 24; i++) {
		const uint8_t *e = desc + sizeof(struct kj_note_memmap) + i * 24;
		uint64_t start = le64(e), end = start + le64(e + 8);

		if (end < start)
			end = UINT64_MAX; /* a range that wraps: up to the end */
		if (end > top)
			top = end;
	}
	return top;
}

int kdump_loads_fit(const struct core *c, const char *name, uint64_t top, const char *map,
		    struct kj_error *err)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < c->nloads; i++) {
		const struct core_load *l = &c->loads[i];

		if (l->paddr > top || l->memsz > top - l->paddr)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: PT_LOAD %zu (0x%" PRIx64 "-0x%" PRIx64 ", %" PRIu64
				       " MiB) lies beyond the memory %s describes (up to 0x%" PRIx64 ")",
				       name, i, l->paddr, l->paddr + l->memsz, l->memsz >> 20, map, top);
		/* sum <= top so far: compared before adding (with a top near
		 * 2^64, sum + memsz could wrap and pass) */
		if (l->memsz > top - sum) {
			uint64_t cover = sum > UINT64_MAX - l->memsz ? UINT64_MAX : sum + l->memsz;

			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: PT_LOADs 0-%zu cover %" PRIu64 " MiB, more than the %" PRIu64
				       " MiB of memory %s describes: they overlap",
				       name, i, (cover >> 20) + !!(cover & 0xfffff), top >> 20, map);
		}
		sum += l->memsz;
	}
	return 0;
}


/* The image and the verdict on its notes: the one kexec gives when it
 * loads the image (core_image_notes). */
int kdump_image_open(const char *path, int *fd, struct core *c, struct image_notes *in,
		      struct kj_error *err)
{
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", path, strerror(errno));
	if (core_open(*fd, path, c, err) < 0) {
		close(*fd);
		return -1;
	}
	if (core_image_notes(c, NULL, path, in, err) < 0)
		goto fail;
	if (!in->has_image) {
		kj_fail(err, KJ_EXIT_BADFILE, "%s: not an image saved by kdump (no KEXECJMP image note)",
			path);
		goto fail;
	}
	/* loads beyond the machine's memory are no saved memory (and would
	 * be read for as long as the file claims) */
	if (in->has_memmap &&
	    kdump_loads_fit(c, path, kdump_memmap_top(c->notes, c->notes_len), "its memory-map note",
			    err) < 0)
		goto fail;
	return 0;
fail:
	core_free(c);
	close(*fd);
	return -1;
}

int kdump_verify_image(const char *path, struct kj_error *err)
{
	struct core c;
	struct image_notes in;
	struct sha256_ctx sha;
	uint8_t digest[32], *buf;
	uint64_t bytes = 0;
	int fd, rc = 0;

	if (kdump_image_open(path, &fd, &c, &in, err) < 0)
		return -1;
	buf = malloc(4u << 20);
	if (!buf) {
		core_free(&c);
		close(fd);
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	}
	sha256_init(&sha);
	for (size_t i = 0; i < c.nloads && rc == 0; i++) {
		uint64_t pos = 0;
		while (pos < c.loads[i].filesz) {
			size_t n = 4u << 20;
			if (n > c.loads[i].filesz - pos)
				n = (size_t)(c.loads[i].filesz - pos);
			if (pread(fd, buf, n, (off_t)(c.loads[i].offset + pos)) != (ssize_t)n) {
				rc = kj_fail(err, KJ_EXIT_BADFILE, "%s: read error", path);
				break;
			}
			sha256_update(&sha, buf, n);
			pos += n;
			bytes += n;
		}
	}
	sha256_final(&sha, digest);
	if (rc == 0 && (bytes != in.data_bytes ||
			memcmp(digest, in.sha256, 32)))
		rc = kj_fail(err, KJ_EXIT_BADFILE,
			     "%s: the saved data does not match its SHA-256: the image is corrupt", path);
	free(buf);
	core_free(&c);
	close(fd);
	return rc;
}

