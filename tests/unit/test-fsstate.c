// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for lib/fsstate.c, on file systems made here by the real
 * tools (sparse files in a temporary directory): mkfs.ext4 / mkfs.ext2
 * with debugfs to set what a mount sets (needs_recovery, a state that is
 * not clean, a mount count), mkfs.xfs with its unmount record and then a
 * log whose last record is not one (and synthetic logs: a wrapped one, a
 * whole pass, a torn head), mkfs.btrfs with and without a log tree;
 * damaged superblocks (checksums) fail, files with none of them are
 * FS_NONE.  The tools come from ./bootstrap (e2fsprogs, xfsprogs,
 * btrfs-progs); a missing one fails the test, saying so.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exitcodes.h"
#include "fsstate.h"
#include "le.h"

static char dir[] = "/tmp/kj-fsstate-XXXXXX";

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fail_msg("'%s' failed (%d): are e2fsprogs, xfsprogs and btrfs-progs installed (./bootstrap)?",
			 cmd, rc);
}

static const char *path(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* ---- a device over a file, with an optional synthetic XFS log ---------- */

struct synlog {
	uint64_t off, n;    /* the log's first byte and its blocks */
	uint64_t head;      /* blocks [0, head) of cycle c, the rest of cycle c-1 */
	uint32_t c;
	uint64_t rec;       /* the last record's header block */
	uint8_t rec_flags;  /* its op header's flags */
	unsigned reads;
};

struct fdev {
	int fd;
	struct synlog *syn;
};

static void syn_block(const struct synlog *s, uint64_t b, uint8_t *blk)
{
	uint32_t cyc = b < s->head ? s->c : s->c - 1;

	memset(blk, 0, 512);
	if (b == s->rec) {
		uint8_t *h = blk;

		h[0] = 0xfe; h[1] = 0xed; h[2] = 0xba; h[3] = 0xbe;
		h[4] = (uint8_t)(cyc >> 24); h[5] = (uint8_t)(cyc >> 16); h[6] = (uint8_t)(cyc >> 8); h[7] = (uint8_t)cyc;
		h[11] = 2;     /* h_version */
		h[43] = 1;     /* h_num_logops */
		h[322] = 0x80; /* h_size 32768 */
		return;
	}
	blk[0] = (uint8_t)(cyc >> 24); blk[1] = (uint8_t)(cyc >> 16); blk[2] = (uint8_t)(cyc >> 8); blk[3] = (uint8_t)cyc;
	if (b == (s->rec + 1) % s->n)
		blk[9] = s->rec_flags;
}

static int fdev_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct fdev *f = ctx;
	struct synlog *s = f->syn;

	if (s && off >= s->off && off < s->off + s->n * 512) {
		uint8_t blk[512];
		uint64_t b = (off - s->off) / 512, in = (off - s->off) % 512;

		s->reads++;
		assert_true(in + len <= 512);   /* the reader reads within a block */
		syn_block(s, b, blk);
		memcpy(buf, blk + in, len);
		return 0;
	}
	return pread(f->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static int probe(const char *name, struct synlog *syn, struct fs_state *st, struct kj_error *err)
{
	struct fdev f = { open(path(name), O_RDONLY), syn };
	struct stat sb;
	struct fs_dev d = { fdev_read, &f, 0 };
	int rc;

	assert_true(f.fd >= 0);
	assert_int_equal(fstat(f.fd, &sb), 0);
	d.size = (uint64_t)sb.st_size;
	rc = fs_probe(&d, name, st, err);
	close(f.fd);
	return rc;
}

static void poke(const char *name, uint64_t off, const void *bytes, size_t n)
{
	int fd = open(path(name), O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static void peek(const char *name, uint64_t off, void *bytes, size_t n)
{
	int fd = open(path(name), O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, bytes, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static void assert_uuid(const struct fs_state *s, const char *want)
{
	char u[FS_UUID_STR];

	assert_string_equal(fs_uuid_str(s->uuid, u), want);
}

/* ---- CRC-32C ------------------------------------------------------------ */

static void test_crc32c(void **state)
{
	(void)state;
	/* the check value of CRC-32C (RFC 3720's test vector "123456789") */
	assert_int_equal(~crc32c_raw(~0u, "123456789", 9), 0xe3069283u);
	assert_int_equal(crc32c_raw(~0u, "", 0), ~0u);
}

/* ---- ext2/3/4 ----------------------------------------------------------- */

#define EXT_UUID "11111111-2222-3333-4444-555555555555"

static void test_ext4(void **state)
{
	struct kj_error err = { 0, "" };
	struct fs_state a, b;
	char why[160];

	(void)state;
	sh("truncate -s 8M %s && mkfs.ext4 -q -F -L kjlabel -U " EXT_UUID " %s", path("e4"), path("e4"));
	assert_int_equal(probe("e4", NULL, &a, &err), 0);
	assert_int_equal(a.type, FS_EXT);
	assert_string_equal(a.type_name, "ext4");
	assert_uuid(&a, EXT_UUID);
	assert_string_equal(a.label, "kjlabel");
	assert_int_equal(a.use, FS_CLEAN);
	assert_int_equal(a.mark[2], 0);                 /* s_mnt_count */
	assert_string_equal(fs_mark_name(FS_EXT, 2), "s_mnt_count");
	assert_null(fs_mark_name(FS_EXT, 4));
	assert_int_equal(fs_moved_on(&a, &a, why, sizeof(why)), 0);

	/* what ext4_setup_super writes at a read-write mount */
	sh("debugfs -w -R 'feature needs_recovery' %s >/dev/null 2>&1", path("e4"));
	assert_int_equal(probe("e4", NULL, &b, &err), 0);
	assert_int_equal(b.use, FS_IN_USE);
	assert_non_null(strstr(b.why, "needs_recovery"));
	sh("debugfs -w -R 'feature ^needs_recovery' %s >/dev/null 2>&1", path("e4"));

	/* mounted and unmounted since: the mount count moved */
	sh("debugfs -w -R 'ssv mnt_count 7' %s >/dev/null 2>&1", path("e4"));
	assert_int_equal(probe("e4", NULL, &b, &err), 0);
	assert_int_equal(b.use, FS_CLEAN);
	assert_int_equal(b.mark[2], 7);
	assert_int_equal(fs_moved_on(&a, &b, why, sizeof(why)), 1);
	/* (debugfs also writes s_wtime, which comes first when the second
	 * turned since mkfs) */
	b = a;
	b.mark[2] = 7;
	assert_int_equal(fs_moved_on(&a, &b, why, sizeof(why)), 1);
	assert_string_equal(why, "s_mnt_count 0 -> 7");
	sh("debugfs -w -R 'ssv kbytes_written 4242' %s >/dev/null 2>&1", path("e4"));
	assert_int_equal(probe("e4", NULL, &a, &err), 0);
	assert_int_equal(a.mark[3], 4242);

	/* a byte changed behind the checksum's back: damaged, not absent */
	poke("e4", 1024 + 0x78, "x", 1);                /* s_volume_name */
	err.msg[0] = '\0';
	assert_int_equal(probe("e4", NULL, &a, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	assert_string_equal(err.msg, "e4: ext4 superblock checksum mismatch");
}

static void test_ext2(void **state)
{
	struct kj_error err = { 0, "" };
	struct fs_state a;

	(void)state;
	sh("truncate -s 4M %s && mkfs.ext2 -q -F %s", path("e2"), path("e2"));
	assert_int_equal(probe("e2", NULL, &a, &err), 0);
	assert_string_equal(a.type_name, "ext2");
	assert_int_equal(a.use, FS_CLEAN);
	/* no journal: the mount clears VALID_FS in s_state */
	sh("debugfs -w -R 'ssv state 0' %s >/dev/null 2>&1", path("e2"));
	assert_int_equal(probe("e2", NULL, &a, &err), 0);
	assert_int_equal(a.use, FS_IN_USE);
	assert_non_null(strstr(a.why, "not clean"));

	sh("truncate -s 4M %s && mkfs.ext3 -q -F %s", path("e3"), path("e3"));
	assert_int_equal(probe("e3", NULL, &a, &err), 0);
	assert_string_equal(a.type_name, "ext3");
}

/* ---- XFS --------------------------------------------------------------- */

#define XFS_UUID "77777777-2222-3333-4444-555555555555"

/* the log's byte offset and size in blocks, from the superblock */
static void xfs_log_geometry(const char *name, uint64_t *off, uint64_t *n)
{
	uint8_t sb[512];
	uint64_t logstart, agblocks;
	unsigned blocklog, agblklog;

	peek(name, 0, sb, sizeof(sb));
	logstart = (uint64_t)sb[48] << 56 | (uint64_t)sb[49] << 48 | (uint64_t)sb[50] << 40 |
		   (uint64_t)sb[51] << 32 | (uint64_t)sb[52] << 24 | (uint64_t)sb[53] << 16 |
		   (uint64_t)sb[54] << 8 | sb[55];
	agblocks = (uint64_t)sb[84] << 24 | sb[85] << 16 | sb[86] << 8 | sb[87];
	blocklog = sb[120];
	agblklog = sb[124];
	*off = ((logstart >> agblklog) * agblocks + (logstart & ((1ull << agblklog) - 1))) << blocklog;
	*n = ((uint64_t)sb[96] << 24 | sb[97] << 16 | sb[98] << 8 | sb[99]) << (blocklog - 9);
}

static void test_xfs(void **state)
{
	struct kj_error err = { 0, "" };
	struct fs_state a, b;
	uint64_t off, n;
	uint8_t flags;
	char why[160];

	(void)state;
	sh("truncate -s 300M %s && mkfs.xfs -q -L kjxfs -m uuid=" XFS_UUID " %s", path("x"), path("x"));
	assert_int_equal(probe("x", NULL, &a, &err), 0);
	assert_int_equal(a.type, FS_XFS);
	assert_string_equal(a.type_name, "xfs");
	assert_uuid(&a, XFS_UUID);
	assert_string_equal(a.label, "kjxfs");
	/* mkfs writes one unmount record at the log's start (cycle 1): the
	 * head is right after it */
	assert_int_equal(a.use, FS_CLEAN);
	assert_int_equal(a.mark[0] >> 32, 1);
	assert_true((uint32_t)a.mark[0] > 0 && (uint32_t)a.mark[0] < 16);
	assert_true(a.mark[2] > 0);                      /* sb_icount */

	/* the last record is not an unmount record: mounted, or crashed */
	xfs_log_geometry("x", &off, &n);
	peek("x", off + 512 + 9, &flags, 1);
	assert_true(flags & 0x20);
	flags &= (uint8_t)~0x20;
	poke("x", off + 512 + 9, &flags, 1);
	assert_int_equal(probe("x", NULL, &b, &err), 0);
	assert_int_equal(b.use, FS_IN_USE);
	assert_non_null(strstr(b.why, "unmount record"));
	assert_int_equal(fs_moved_on(&a, &b, why, sizeof(why)), 0);

	/* the superblock's CRC */
	peek("x", 108, &flags, 1);                       /* sb_fname */
	poke("x", 108, "y", 1);
	assert_int_equal(probe("x", NULL, &b, &err), -1);
	assert_string_equal(err.msg, "x: XFS superblock checksum mismatch");
	poke("x", 108, &flags, 1);
	assert_int_equal(probe("x", NULL, &b, &err), 0);
}

/* Synthetic logs over the real superblock: where the head is found, and
 * what the record before it says. */
static void test_xfs_synthetic_logs(void **state)
{
	struct kj_error err = { 0, "" };
	struct fs_state a, b;
	struct synlog s;
	uint64_t off, n;
	char why[160];

	(void)state;
	sh("truncate -s 300M %s && mkfs.xfs -q -f %s", path("xs"), path("xs"));
	xfs_log_geometry("xs", &off, &n);

	/* wrapped: pass 5 has written [0, 1000), pass 4 is still beyond */
	s = (struct synlog){ off, n, 1000, 5, 997, 0x20, 0 };
	assert_int_equal(probe("xs", &s, &a, &err), 0);
	assert_int_equal(a.use, FS_CLEAN);
	assert_int_equal(a.mark[0], (5ull << 32) | 1000);
	assert_true(s.reads < FS_XFS_MAX_READS);
	/* the same, the last record a transaction: in use */
	s = (struct synlog){ off, n, 1000, 5, 997, 0x02, 0 };
	assert_int_equal(probe("xs", &s, &b, &err), 0);
	assert_int_equal(b.use, FS_IN_USE);

	/* then one more record: the head moved */
	s = (struct synlog){ off, n, 1010, 5, 1007, 0x20, 0 };
	assert_int_equal(probe("xs", &s, &b, &err), 0);
	assert_int_equal(fs_moved_on(&a, &b, why, sizeof(why)), 1);
	assert_string_equal(why, "its log head moved from 5:1000 to 5:1010");

	/* a whole pass: every block of cycle 3, the last record at the end */
	s = (struct synlog){ off, n, n, 3, n - 2, 0x20, 0 };
	assert_int_equal(probe("xs", &s, &a, &err), 0);
	assert_int_equal(a.use, FS_CLEAN);
	assert_int_equal(a.mark[0], 3ull << 32);

	/* the record wraps: its header in the last block, its data in block 0 */
	s = (struct synlog){ off, n, 1, 7, n - 1, 0x20, 0 };
	assert_int_equal(probe("xs", &s, &a, &err), 0);
	assert_int_equal(a.use, FS_CLEAN);
	assert_int_equal(a.mark[0], (7ull << 32) | 1);

	/* no record header within a record's length of the head (torn): in
	 * doubt, in use; and the search stays bounded */
	s = (struct synlog){ off, n, 5000, 9, n + 1, 0x20, 0 };
	assert_int_equal(probe("xs", &s, &a, &err), 0);
	assert_int_equal(a.use, FS_IN_USE);
	assert_true(s.reads <= FS_XFS_MAX_READS);
}

/* ---- btrfs ------------------------------------------------------------- */

#define BTRFS_UUID "66666666-2222-3333-4444-555555555555"

static void btrfs_fix_csum(const char *name)
{
	uint8_t sb[4096];

	peek(name, 65536, sb, sizeof(sb));
	put_le32(sb, ~crc32c_raw(~0u, sb + 32, sizeof(sb) - 32));
	poke(name, 65536, sb, 4);
}

static void test_btrfs(void **state)
{
	struct kj_error err = { 0, "" };
	struct fs_state a, b;
	uint8_t v[8];
	char why[160];

	(void)state;
	sh("truncate -s 128M %s && mkfs.btrfs -q -f -L kjbtrfs -U " BTRFS_UUID " %s >/dev/null",
	   path("b"), path("b"));
	assert_int_equal(probe("b", NULL, &a, &err), 0);
	assert_int_equal(a.type, FS_BTRFS);
	assert_uuid(&a, BTRFS_UUID);
	assert_string_equal(a.label, "kjbtrfs");
	assert_int_equal(a.use, FS_USE_UNKNOWN);
	assert_true(a.mark[0] > 0);                      /* generation */

	/* a commit since */
	put_le64(v, a.mark[0] + 1);
	poke("b", 65536 + 0x48, v, 8);
	btrfs_fix_csum("b");
	assert_int_equal(probe("b", NULL, &b, &err), 0);
	assert_int_equal(fs_moved_on(&a, &b, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "generation "));

	/* a log tree: fsync'd since the last commit */
	put_le64(v, 0x1d00000);
	poke("b", 65536 + 0x60, v, 8);
	btrfs_fix_csum("b");
	assert_int_equal(probe("b", NULL, &b, &err), 0);
	assert_int_equal(b.use, FS_IN_USE);

	/* damaged */
	poke("b", 65536 + 0x12b, "z", 1);                /* label */
	assert_int_equal(probe("b", NULL, &b, &err), -1);
	assert_string_equal(err.msg, "b: btrfs superblock checksum mismatch");
}

/* ---- nothing we know --------------------------------------------------- */

static void test_none(void **state)
{
	struct kj_error err = { 0, "" };
	struct fs_state a;

	(void)state;
	sh("truncate -s 1M %s", path("zero"));
	assert_int_equal(probe("zero", NULL, &a, &err), 0);
	assert_int_equal(a.type, FS_NONE);
	/* smaller than any superblock's place */
	sh("printf 'XFSB' >%s", path("tiny"));
	assert_int_equal(probe("tiny", NULL, &a, &err), 0);
	assert_int_equal(a.type, FS_NONE);
	assert_null(fs_mark_name(FS_NONE, 0));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_ext4),
		cmocka_unit_test(test_ext2),
		cmocka_unit_test(test_xfs),
		cmocka_unit_test(test_xfs_synthetic_logs),
		cmocka_unit_test(test_btrfs),
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
