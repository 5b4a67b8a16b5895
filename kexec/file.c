/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

#include "exitcodes.h"
#include "file.h"

int kj_file_map(const char *path, struct kj_file *f, struct kj_error *err)
{
	struct stat st;
	int fd;
	void *p;

	memset(f, 0, sizeof(*f));
	f->name = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", path, strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: is a directory", path);
	}
	if (!S_ISREG(st.st_mode)) {
		/* A pipe or device: read it whole. */
		size_t cap = 1 << 20, len = 0;
		unsigned char *buf = malloc(cap);
		ssize_t n;

		while (buf) {
			if (len == cap) {
				unsigned char *nb = cap < (SIZE_MAX / 2) ? realloc(buf, cap * 2) : NULL;
				if (!nb) {
					free(buf);
					buf = NULL;
					break;
				}
				buf = nb;
				cap *= 2;
			}
			n = read(fd, buf + len, cap - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				int e = errno;
				free(buf);
				close(fd);
				return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", path, strerror(e));
			}
			if (n == 0)
				break;
			len += (size_t)n;
		}
		close(fd);
		if (!buf)
			return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", path);
		if (!len) {
			free(buf);
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: file is empty", path);
		}
		f->data = buf;
		f->size = len;
		return 0;
	}
	if (st.st_size == 0) {
		close(fd);
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: file is empty", path);
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: too large", path);
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: cannot map: %s", path, strerror(errno));
	f->data = p;
	f->size = (size_t)st.st_size;
	f->mapped = true;
	return 0;
}

void kj_file_release(struct kj_file *f)
{
	if (!f->data)
		return;
	if (f->mapped)
		munmap(f->data, f->size);
	else
		free(f->data);
	f->data = NULL;
	f->size = 0;
}

#if defined(HAVE_ZLIB) || defined(HAVE_LZMA)
static int grow(unsigned char **buf, size_t *cap, const char *name, struct kj_error *err)
{
	size_t ncap = *cap ? *cap * 2 : (size_t)16 << 20;
	unsigned char *nb;

	if (*cap >= KJ_MAX_DECOMPRESSED)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: decompresses to more than %u MiB; not a kernel", name,
			       KJ_MAX_DECOMPRESSED >> 20);
	if (ncap > KJ_MAX_DECOMPRESSED)
		ncap = KJ_MAX_DECOMPRESSED;
	nb = realloc(*buf, ncap);
	if (!nb)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory while decompressing", name);
	*buf = nb;
	*cap = ncap;
	return 0;
}
#endif

#ifdef HAVE_ZLIB
static int gunzip(const unsigned char *in, size_t len, const char *name,
		  unsigned char **out, size_t *outlen, struct kj_error *err)
{
	z_stream zs;
	unsigned char *buf = NULL;
	size_t cap = 0;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK) /* +32: gzip or zlib header */
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: zlib initialisation failed", name);
	zs.next_in = (unsigned char *)in;
	zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	do {
		if (zs.total_out == cap && grow(&buf, &cap, name, err) < 0)
			goto fail;
		zs.next_out = buf + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out);
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
			kj_fail(err, KJ_EXIT_BADFILE, "%s: gzip data is truncated", name);
			goto fail;
		}
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			kj_fail(err, KJ_EXIT_BADFILE, "%s: gzip data is corrupt (%s)", name,
				zs.msg ? zs.msg : "inflate failed");
			goto fail;
		}
	} while (rc != Z_STREAM_END);
	*out = buf;
	*outlen = zs.total_out;
	inflateEnd(&zs);
	return 1;
fail:
	inflateEnd(&zs);
	free(buf);
	return -1;
}
#endif

#ifdef HAVE_LZMA
static int unxz(const unsigned char *in, size_t len, const char *name,
		unsigned char **out, size_t *outlen, struct kj_error *err)
{
	lzma_stream xs = LZMA_STREAM_INIT;
	unsigned char *buf = NULL;
	size_t cap = 0;
	lzma_ret rc;

	/* One stream: what follows it is not ours (a bzImage payload ends
	 * with its decompressed size, for instance). */
	if (lzma_stream_decoder(&xs, UINT64_MAX, 0) != LZMA_OK)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: liblzma initialisation failed", name);
	xs.next_in = in;
	xs.avail_in = len;
	do {
		if (xs.total_out == cap && grow(&buf, &cap, name, err) < 0)
			goto fail;
		xs.next_out = buf + xs.total_out;
		xs.avail_out = cap - xs.total_out;
		rc = lzma_code(&xs, xs.avail_in ? LZMA_RUN : LZMA_FINISH);
		if (rc != LZMA_OK && rc != LZMA_STREAM_END) {
			kj_fail(err, KJ_EXIT_BADFILE, "%s: xz data is %s", name,
				rc == LZMA_BUF_ERROR ? "truncated" : "corrupt");
			goto fail;
		}
	} while (rc != LZMA_STREAM_END);
	*out = buf;
	*outlen = xs.total_out;
	lzma_end(&xs);
	return 1;
fail:
	lzma_end(&xs);
	free(buf);
	return -1;
}
#endif

int kj_decompress(const unsigned char *buf, size_t len, const char *name,
		  unsigned char **out, size_t *outlen, struct kj_error *err)
{
	static const unsigned char gz_magic[] = { 0x1f, 0x8b };
	static const unsigned char xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

	if (len >= sizeof(gz_magic) && !memcmp(buf, gz_magic, sizeof(gz_magic))) {
#ifdef HAVE_ZLIB
		return gunzip(buf, len, name, out, outlen, err);
#else
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: gzip-compressed, and this kexec was built without zlib", name);
#endif
	}
	if (len >= sizeof(xz_magic) && !memcmp(buf, xz_magic, sizeof(xz_magic))) {
#ifdef HAVE_LZMA
		return unxz(buf, len, name, out, outlen, err);
#else
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: xz-compressed, and this kexec was built without liblzma", name);
#endif
	}
	return 0;
}

int kj_file_load_kernel(const char *path, struct kj_file *f, struct kj_error *err)
{
	unsigned char *out = NULL;
	size_t outlen = 0;
	int rc;

	if (kj_file_map(path, f, err) < 0)
		return -1;
	rc = kj_decompress(f->data, f->size, path, &out, &outlen, err);
	if (rc <= 0) {
		if (rc < 0)
			kj_file_release(f);
		return rc;
	}
	kj_file_release(f);
	f->name = path;
	f->data = out;
	f->size = outlen;
	f->mapped = false;
	f->decompressed = true;
	return 0;
}
