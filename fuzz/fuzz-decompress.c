/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: kernel decompression (kexec/file.c kj_decompress,
 * gzip and xz).  The input is the file.  The output is capped: the
 * target first decompresses on its own, counting, and leaves out inputs
 * that expand beyond FUZZ_MAX_OUT (kj_decompress accepts up to 1 GiB, a
 * bomb libFuzzer's memory limit would report); what kj_decompress
 * returns must then be exactly that many bytes.
 */
#include "fuzz.h"

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

#include "file.h"

#define FUZZ_MAX_OUT (64u << 20)
#define TOO_BIG UINT64_MAX
#define BROKEN (UINT64_MAX - 1)

static uint8_t scratch[64 << 10];

/* Bytes the stream decompresses to, TOO_BIG, or BROKEN. */
static uint64_t measure(const uint8_t *d, size_t n, uint64_t *reached)
{
	*reached = 0;
#ifdef HAVE_ZLIB
	if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b) {
		z_stream zs;
		int rc;

		memset(&zs, 0, sizeof(zs));
		if (inflateInit2(&zs, 15 + 32) != Z_OK)
			abort();
		zs.next_in = (unsigned char *)d;
		zs.avail_in = (uInt)n;
		do {
			zs.next_out = scratch;
			zs.avail_out = sizeof(scratch);
			rc = inflate(&zs, Z_NO_FLUSH);
		} while ((rc == Z_OK || (rc == Z_BUF_ERROR && zs.avail_in)) &&
			 zs.total_out <= FUZZ_MAX_OUT);
		inflateEnd(&zs);
		*reached = zs.total_out;
		if (zs.total_out > FUZZ_MAX_OUT)
			return TOO_BIG;
		return rc == Z_STREAM_END ? zs.total_out : BROKEN;
	}
#endif
#ifdef HAVE_LZMA
	if (n >= 6 && !memcmp(d, "\xfd" "7zXZ", 6)) {
		lzma_stream xs = LZMA_STREAM_INIT;
		lzma_ret rc;

		/* a dictionary beyond this would be the bomb */
		if (lzma_stream_decoder(&xs, 256u << 20, 0) != LZMA_OK)
			abort();
		xs.next_in = d;
		xs.avail_in = n;
		do {
			xs.next_out = scratch;
			xs.avail_out = sizeof(scratch);
			rc = lzma_code(&xs, xs.avail_in ? LZMA_RUN : LZMA_FINISH);
		} while (rc == LZMA_OK && xs.total_out <= FUZZ_MAX_OUT);
		lzma_end(&xs);
		*reached = xs.total_out;
		if (xs.total_out > FUZZ_MAX_OUT || rc == LZMA_MEMLIMIT_ERROR)
			return TOO_BIG;
		return rc == LZMA_STREAM_END ? xs.total_out : BROKEN;
	}
#endif
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct kj_error err = { 0, "" };
	unsigned char *out = NULL;
	size_t outlen = 0;
	uint64_t reached, want = measure(d, n, &reached);
	size_t cap;
	int rc;

	if (want == TOO_BIG)
		return 0;
	fz_alloc_begin();
	rc = kj_decompress(d, n, "fuzz.gz", &out, &outlen, &err);
	/* the output buffer doubles from KJ_DECOMPRESS_FIRST(n) to at most
	 * twice the output, and a realloc briefly holds the old one too; the
	 * decoder's state is zlib's window or xz's dictionary (KJ_XZ_MEMLIMIT) */
	cap = KJ_DECOMPRESS_FIRST(n);
	if (cap < 2 * reached)
		cap = 2 * reached;
	FUZZ_CHECK(fz_alloc_end() <= cap + cap / 2 + (256u << 10) +
				       (n && d[0] == 0xfd ? KJ_XZ_MEMLIMIT : 0));
	if (rc == 1) {
		FUZZ_CHECK(out && outlen == want);
		if (outlen)
			FUZZ_CHECK(out[outlen - 1] == out[outlen - 1]);
		free(out);
	} else if (rc == 0) {
		FUZZ_CHECK(!out && want == 0);
	} else {
		FUZZ_CHECK(rc == -1 && err.msg[0]);
	}
	return 0;
}
