/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "exitcodes.h"
#include "info.h"
#include "kdump-image.h"
#include "le.h"
#include "memmap.h"
#include "save.h"
#include "sha256.h"

/* The image and the verdict on its notes: the one kexec gives when it
 * loads the image (core_image_notes). */
static int open_image(const char *path, int *fd, struct core *c, struct image_notes *in,
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

	if (open_image(path, &fd, &c, &in, err) < 0)
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

int kdump_info(const char *path, FILE *out, struct kj_error *err)
{
	struct core c;
	struct image_notes in;
	uint64_t mem = 0, data = 0;
	int fd;

	if (open_image(path, &fd, &c, &in, err) < 0)
		return -1;
	for (size_t i = 0; i < c.nloads; i++) {
		mem += c.loads[i].memsz;
		data += c.loads[i].filesz;
	}
	fprintf(out, "image: %s\n", path);
	fprintf(out, "entry: 0x%" PRIx64 "\n", in.entry);
	fprintf(out, "sha256: ");
	for (int i = 0; i < 32; i++)
		fprintf(out, "%02x", in.sha256[i]);
	fprintf(out, "\n");
	fprintf(out, "ranges: %zu PT_LOADs, %" PRIu64 " MiB of memory\n", c.nloads, mem >> 20);
	fprintf(out, "saved: %" PRIu64 " bytes of data, %" PRIu64 " bytes recorded as zero, %" PRIu64
		" bytes left out as free\n", data, in.zero_bytes,
		in.free_bytes);
	if (in.has_memmap) {
		fprintf(out, "machine memory map: %u entries\n", in.memmap_nr);
		for (uint32_t i = 0; i < in.memmap_nr; i++) {
			const uint8_t *e = in.memmap + sizeof(struct kj_note_memmap) + i * 24u;
			fprintf(out, "  0x%09" PRIx64 "-0x%09" PRIx64 " %s\n", le64(e),
				le64(e) + le64(e + 8), memmap_type_name(le32(e + 16)));
		}
	} else {
		fprintf(out, "machine memory map: not recorded\n");
	}
	for (size_t i = 0; i < c.nloads; i++)
		fprintf(out, "  load 0x%09" PRIx64 "-0x%09" PRIx64 " file 0x%" PRIx64 " zero 0x%" PRIx64 "\n",
			c.loads[i].paddr, c.loads[i].paddr + c.loads[i].memsz, c.loads[i].filesz,
			c.loads[i].memsz - c.loads[i].filesz);
	core_free(&c);
	close(fd);
	return 0;
}
