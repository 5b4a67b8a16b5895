/* Input files: mapping, and transparent gzip/xz decompression of kernels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

#include "exitcodes.h"
#include "file.h"

static unsigned char plain[300000];

static void fill(void)
{
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (unsigned char)((i * 2654435761u) >> 13);
}

static char *write_tmp(const void *data, size_t len)
{
	char *path = strdup("/tmp/kj-file-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void map_plain(void **state)
{
	struct kj_file f;
	struct kj_error err = { 0, "" };
	char *p;

	fill();
	p = write_tmp(plain, sizeof(plain));
	assert_int_equal(kj_file_load_kernel(p, &f, &err), 0);
	assert_false(f.decompressed);
	assert_int_equal(f.size, sizeof(plain));
	assert_memory_equal(f.data, plain, sizeof(plain));
	kj_file_release(&f);
	unlink(p);
	free(p);
}

static void errors(void **state)
{
	struct kj_file f;
	struct kj_error err = { 0, "" };
	char *p = write_tmp("", 0);

	assert_int_equal(kj_file_map(p, &f, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_non_null(strstr(err.msg, "file is empty"));
	unlink(p);
	free(p);
	assert_int_equal(kj_file_map("/nonexistent/vmlinuz", &f, &err), -1);
	assert_string_equal(err.msg, "/nonexistent/vmlinuz: No such file or directory");
	assert_int_equal(kj_file_map("/tmp", &f, &err), -1);
	assert_string_equal(err.msg, "/tmp: is a directory");
}

static void gzip_kernel(void **state)
{
#ifdef HAVE_ZLIB
	struct kj_file f;
	struct kj_error err = { 0, "" };
	unsigned char *out = NULL;
	size_t outlen;
	z_stream zs;
	static unsigned char gz[400000];
	char *p;

	fill();
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = plain;
	zs.avail_in = sizeof(plain);
	zs.next_out = gz;
	zs.avail_out = sizeof(gz);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	p = write_tmp(gz, zs.total_out);
	assert_int_equal(kj_file_load_kernel(p, &f, &err), 0);
	assert_true(f.decompressed);
	assert_int_equal(f.size, sizeof(plain));
	assert_memory_equal(f.data, plain, sizeof(plain));
	kj_file_release(&f);
	/* cut short: an error, not a short kernel */
	assert_int_equal(kj_decompress(gz, zs.total_out / 2, "half.gz", &out, &outlen, &err), -1);
	assert_string_equal(err.msg, "half.gz: gzip data is truncated");
	gz[20] ^= 0xff;
	assert_int_equal(kj_decompress(gz, zs.total_out, "bad.gz", &out, &outlen, &err), -1);
	assert_non_null(strstr(err.msg, "bad.gz: gzip data is"));
	deflateEnd(&zs);
	unlink(p);
	free(p);
#else
	fail_msg("built without zlib: configure found no zlib");
#endif
}

static void xz_kernel(void **state)
{
#ifdef HAVE_LZMA
	struct kj_error err = { 0, "" };
	unsigned char *out = NULL;
	size_t outlen, xzlen = 0;
	static unsigned char xz[400000];

	fill();
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, plain, sizeof(plain), xz,
						 &xzlen, sizeof(xz)), LZMA_OK);
	assert_int_equal(kj_decompress(xz, xzlen, "k.xz", &out, &outlen, &err), 1);
	assert_int_equal(outlen, sizeof(plain));
	assert_memory_equal(out, plain, sizeof(plain));
	free(out);
	assert_int_equal(kj_decompress(xz, xzlen - 30, "cut.xz", &out, &outlen, &err), -1);
	assert_non_null(strstr(err.msg, "cut.xz: xz data is"));
	/* not compressed: left alone */
	assert_int_equal(kj_decompress(plain, sizeof(plain), "plain", &out, &outlen, &err), 0);

	/* a block header declaring a 256 MiB dictionary: refused before the
	 * decoder allocates it (issue 18, class 2) */
	{
		size_t hs = ((size_t)xz[12] + 1) * 4, at = 14;
		uint32_t crc;

		assert_int_equal(xz[13] & 0x03, 0); /* one filter */
		if (xz[13] & 0x40) /* compressed size */
			while (xz[at++] & 0x80)
				;
		if (xz[13] & 0x80) /* uncompressed size */
			while (xz[at++] & 0x80)
				;
		assert_int_equal(xz[at], 0x21); /* LZMA2 */
		assert_int_equal(xz[at + 1], 1);
		xz[at + 2] = 32; /* 2 << (32 / 2 + 11): 256 MiB */
		crc = lzma_crc32(xz + 12, hs - 4, 0);
		for (int i = 0; i < 4; i++)
			xz[12 + hs - 4 + i] = (uint8_t)(crc >> (8 * i));
		out = NULL;
		assert_int_equal(kj_decompress(xz, xzlen, "big-dict.xz", &out, &outlen, &err), -1);
		assert_null(out);
		assert_non_null(strstr(err.msg, "big-dict.xz: xz data needs 256 MiB of memory "
						"to decompress, more than the 128 MiB allowed"));
	}
#else
	fail_msg("built without liblzma: configure found no liblzma");
#endif
}

/* What is not a regular file: refused, or read within its limit. */
static void not_regular(void **state)
{
	struct kj_file f;
	struct kj_error err = { 0, "" };
	char path[64];
	int fds[2];

	(void)state;
	/* a character device would be read for ever */
	assert_int_equal(kj_file_open("/dev/zero", 1 << 20, &f, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_string_equal(err.msg, "/dev/zero: is a character device, not a file (copy what you mean into a file)");

	/* a pipe: its bytes, read whole */
	fill();
	assert_int_equal(pipe(fds), 0);
	if (fork() == 0) {
		close(fds[0]);
		for (size_t at = 0; at < sizeof(plain);) {
			ssize_t n = write(fds[1], plain + at, sizeof(plain) - at);
			if (n <= 0)
				_exit(1);
			at += (size_t)n;
		}
		_exit(0);
	}
	close(fds[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	assert_int_equal(kj_file_open(path, 1 << 20, &f, &err), 0);
	assert_false(f.mapped);
	assert_int_equal(f.size, sizeof(plain));
	assert_memory_equal(f.data, plain, sizeof(plain));
	kj_file_release(&f);
	close(fds[0]);
	wait(NULL);

	/* a pipe that gives more than the limit: an error, not all memory */
	assert_int_equal(pipe(fds), 0);
	if (fork() == 0) {
		int z = open("/dev/zero", O_RDONLY);
		static unsigned char buf[65536];

		close(fds[0]);
		for (;;) /* until the reader goes */
			if (read(z, buf, sizeof(buf)) <= 0 || write(fds[1], buf, sizeof(buf)) <= 0)
				_exit(0);
	}
	close(fds[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	assert_int_equal(kj_file_open(path, 4 << 20, &f, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_non_null(strstr(err.msg, ": the pipe gives more than 4 MiB"));
	close(fds[0]);
	wait(NULL);

	/* procfs says size 0 for files that have bytes */
	assert_int_equal(kj_file_open("/proc/self/stat", 1 << 20, &f, &err), 0);
	assert_true(f.size > 0);
	kj_file_release(&f);
}

/* A mapped file that shrinks under the tool: a message naming it and exit
 * status 3, never a bare SIGBUS; and a file that changes is noticed. */
static void shrinks_and_changes(void **state)
{
	struct kj_file f;
	struct kj_error err = { 0, "" };
	char *p, msg[512] = "";
	int errp[2], status;
	pid_t pid;
	ssize_t n;

	(void)state;
	fill();
	p = write_tmp(plain, sizeof(plain));
	assert_int_equal(pipe(errp), 0);
	pid = fork();
	if (pid == 0) {
		volatile unsigned char c;

		dup2(errp[1], 2);
		if (kj_file_open(p, 1 << 20, &f, &err) < 0 || truncate(p, 0) < 0)
			_exit(99);
		c = f.data[200000]; /* gone: SIGBUS */
		(void)c;
		_exit(98);
	}
	close(errp[1]);
	/* the handler writes in pieces: read to the end */
	for (size_t at = 0; at < sizeof(msg) - 1; at += (size_t)n) {
		n = read(errp[0], msg + at, sizeof(msg) - 1 - at);
		if (n <= 0)
			break;
	}
	close(errp[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), KJ_EXIT_BADFILE);
	assert_non_null(strstr(msg, p));
	assert_non_null(strstr(msg, "the file became shorter while it was read"));

	/* a write after the mapping: kj_file_changed says so */
	{
		int fd = open(p, O_WRONLY | O_TRUNC);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, plain, sizeof(plain)), (ssize_t)sizeof(plain));
		close(fd);
	}
	assert_int_equal(kj_file_open(p, 1 << 20, &f, &err), 0);
	assert_int_equal(kj_file_changed(&f, &err), 0);
	{
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		int fd = open(p, O_WRONLY | O_APPEND);

		nanosleep(&ts, NULL); /* a new mtime even on a coarse clock */
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "x", 1), 1);
		close(fd);
	}
	assert_int_equal(kj_file_changed(&f, &err), -1);
	assert_non_null(strstr(err.msg, "the file changed while it was being loaded"));
	kj_file_release(&f);
	unlink(p);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_plain),
		cmocka_unit_test(errors),
		cmocka_unit_test(gzip_kernel),
		cmocka_unit_test(xz_kernel),
		cmocka_unit_test(not_regular),
		cmocka_unit_test(shrinks_and_changes),
	};
	return cmocka_run_group_tests_name("file", tests, NULL, NULL);
}
