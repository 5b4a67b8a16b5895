/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
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

/*
 * The mapped files, for the SIGBUS handler: a file that shrinks while it
 * is mapped (truncated during a load) faults on its vanished pages.  The
 * handler names it and exits: the faults come from parsing and digests,
 * which all happen before the system call, so nothing was loaded.  A
 * global because a signal handler has no other way in.
 */
#define KJ_MAX_MAPPED 64
static struct {
	const unsigned char *start;
	size_t size;
	const char *name;
} mapped[KJ_MAX_MAPPED];

static void write_str(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, strlen(s));
	(void)r;
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	const unsigned char *a = si->si_addr;
	const char *name = NULL;

	(void)sig;
	(void)uc;
	for (unsigned i = 0; i < KJ_MAX_MAPPED; i++)
		if (mapped[i].start && a >= mapped[i].start && a < mapped[i].start + mapped[i].size)
			name = mapped[i].name;
	if (!name) {
		/* not one of ours: die of it as before */
		signal(SIGBUS, SIG_DFL);
		raise(SIGBUS);
		return;
	}
	write_str(program_invocation_short_name);
	write_str(": ");
	write_str(name);
	write_str(": the file became shorter while it was read (truncated during the load?); nothing was loaded\n");
	_exit(KJ_EXIT_BADFILE);
}

static void track(const struct kj_file *f)
{
	struct sigaction sa;

	/* ours, unless someone put theirs in since */
	if (sigaction(SIGBUS, NULL, &sa) < 0 || !(sa.sa_flags & SA_SIGINFO) ||
	    sa.sa_sigaction != on_sigbus) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
	}
	for (unsigned i = 0; i < KJ_MAX_MAPPED; i++)
		if (!mapped[i].start) {
			mapped[i].name = f->name;
			mapped[i].size = f->size;
			mapped[i].start = f->data; /* last: the handler reads start first */
			return;
		}
}

static void untrack(const struct kj_file *f)
{
	for (unsigned i = 0; i < KJ_MAX_MAPPED; i++)
		if (mapped[i].start == f->data)
			mapped[i].start = NULL;
}

/* A pipe, a device or a file whose size the kernel does not give (procfs,
 * sysfs: st_size 0): read whole, never more than limit bytes. */
static int read_stream(int fd, const char *path, uint64_t limit, const char *what,
		       struct kj_file *f, struct kj_error *err)
{
	size_t cap = 1 << 20, len = 0;
	unsigned char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", path);
	for (;;) {
		if (len == cap) {
			unsigned char *nb;

			if (cap > limit) {
				free(buf);
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: %s gives more than %llu MiB, more than a file here can be",
					       path, what, (unsigned long long)(limit >> 20));
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", path);
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
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > limit) {
		free(buf);
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s gives more than %llu MiB, more than a file here can be",
			       path, what, (unsigned long long)(limit >> 20));
	}
	if (!len) {
		free(buf);
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s is empty", path, what);
	}
	f->data = buf;
	f->size = len;
	return 0;
}

int kj_file_open(const char *path, uint64_t limit, struct kj_file *f, struct kj_error *err)
{
	struct stat st;
	int fd, rc;
	void *p;

	memset(f, 0, sizeof(*f));
	f->name = path;
	f->fd = -1;
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
	/* A character device (/dev/zero, a tty) is no kernel or initrd: it
	 * would be read for ever, or until memory runs out. */
	if (S_ISCHR(st.st_mode)) {
		close(fd);
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: is a character device, not a file (copy what you mean into a file)",
			       path);
	}
	/* A pipe, a block device, a procfs file: read, within the limit. */
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		rc = read_stream(fd, path, limit,
				 S_ISFIFO(st.st_mode) ? "the pipe" :
				 S_ISBLK(st.st_mode) ? "the block device" :
				 S_ISREG(st.st_mode) ? "the file" : "it", f, err);
		close(fd);
		return rc;
	}
	/* A regular file is mapped, not read: its size costs no memory (what
	 * the kernel can take is checked when the plan is made). */
	if ((uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: too large", path);
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		int e = errno;
		close(fd);
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: cannot map: %s", path, strerror(e));
	}
	f->data = p;
	f->size = (size_t)st.st_size;
	f->mapped = true;
	f->fd = fd;
	f->st = st;
	track(f);
	return 0;
}

int kj_file_map(const char *path, struct kj_file *f, struct kj_error *err)
{
	return kj_file_open(path, KJ_MAX_STREAM, f, err);
}

int kj_file_changed(const struct kj_file *f, struct kj_error *err)
{
	struct stat st;

	if (!f->mapped)
		return 0; /* read whole, or made here: the bytes are ours */
	if (fstat(f->fd, &st) < 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", f->name, strerror(errno));
	if (st.st_size != f->st.st_size || st.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec || st.st_ctim.tv_sec != f->st.st_ctim.tv_sec ||
	    st.st_ctim.tv_nsec != f->st.st_ctim.tv_nsec)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: the file changed while it was being loaded; nothing was loaded: try again when nothing writes it",
			       f->name);
	return 0;
}

void kj_file_release(struct kj_file *f)
{
	if (!f->data)
		return;
	if (f->mapped) {
		untrack(f);
		munmap(f->data, f->size);
		close(f->fd);
	} else {
		free(f->data);
	}
	f->data = NULL;
	f->size = 0;
	f->mapped = false;
}

#if defined(HAVE_ZLIB) || defined(HAVE_LZMA)
static int grow(unsigned char **buf, size_t *cap, size_t inlen, const char *name,
		struct kj_error *err)
{
	size_t ncap = *cap ? *cap * 2 : KJ_DECOMPRESS_FIRST(inlen);
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
		if (zs.total_out == cap && grow(&buf, &cap, len, name, err) < 0)
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
	if (lzma_stream_decoder(&xs, KJ_XZ_MEMLIMIT, 0) != LZMA_OK)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: liblzma initialisation failed", name);
	xs.next_in = in;
	xs.avail_in = len;
	do {
		if (xs.total_out == cap && grow(&buf, &cap, len, name, err) < 0)
			goto fail;
		xs.next_out = buf + xs.total_out;
		xs.avail_out = cap - xs.total_out;
		rc = lzma_code(&xs, xs.avail_in ? LZMA_RUN : LZMA_FINISH);
		if (rc == LZMA_MEMLIMIT_ERROR) {
			kj_fail(err, KJ_EXIT_BADFILE,
				"%s: xz data needs %llu MiB of memory to decompress, more than the "
				"%llu MiB allowed (xz -9 needs 65); recompress it with a smaller "
				"dictionary",
				name, (unsigned long long)(lzma_memusage(&xs) >> 20),
				KJ_XZ_MEMLIMIT >> 20);
			goto fail;
		}
		if (rc == LZMA_MEM_ERROR) {
			kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory while decompressing", name);
			goto fail;
		}
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
	f->fd = -1;
	f->data = out;
	f->size = outlen;
	f->mapped = false;
	f->decompressed = true;
	return 0;
}
