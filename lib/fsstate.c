/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File system state from the superblocks (fsstate.h).  Layouts from the
 * kernel's fs/ext4/ext4.h, fs/xfs/libxfs/xfs_format.h and xfs_log_format.h,
 * include/uapi/linux/btrfs_tree.h; what each mount and unmount writes from
 * fs/ext4/super.c (ext4_setup_super, ext4_put_super), fs/xfs/xfs_log.c and
 * xfs_log_recover.c (xlog_find_head, xlog_find_tail), fs/btrfs/disk-io.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "exitcodes.h"
#include "fsstate.h"
#include "le.h"

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) { return (uint32_t)be16(p) << 16 | be16(p + 2); }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

uint32_t crc32c_raw(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	static bool ready;
	const uint8_t *p = buf;

	if (!ready) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
			table[i] = c;
		}
		ready = true;
	}
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

const char *fs_uuid_str(const uint8_t u[16], char out[FS_UUID_STR])
{
	snprintf(out, FS_UUID_STR,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		 u[12], u[13], u[14], u[15]);
	return out;
}

static int rd(const struct fs_dev *d, uint64_t off, void *buf, size_t len)
{
	if (off > d->size || len > d->size - off)
		return -1;
	return d->read(d->ctx, off, buf, len);
}

/* A label field of n bytes, NUL-padded or not, as a string. */
static void set_label(struct fs_state *s, const uint8_t *p, size_t n)
{
	size_t k = 0;

	while (k < n && k < sizeof(s->label) - 1 && p[k])
		k++;
	memcpy(s->label, p, k);
	s->label[k] = '\0';
}

static void set_use(struct fs_state *s, enum fs_use use, const char *why)
{
	s->use = use;
	snprintf(s->why, sizeof(s->why), "%s", why);
}

/*
 * ext2/3/4: the superblock, 1024 bytes at offset 1024.
 *
 * In use, from the superblock alone (what e2fsck and the kernel read):
 *  - needs_recovery (incompat RECOVER): ext4_setup_super sets it on disk
 *    at every read-write mount of a file system with a journal, and a
 *    clean unmount clears it.  Set on a disk nobody has mounted means a
 *    kernel died with it mounted: its journal is still to be replayed,
 *    which is as much "in use" (a second mount would replay it under A).
 *  - without a journal, s_state lacks VALID_FS: the mount clears it, the
 *    clean unmount sets it back.
 *  - with the mmp feature, the MMP block's sequence is not "clean": the
 *    kernel's kmmpd rewrites it every few seconds while mounted.
 * Marks: s_mtime (the last mount's time), s_wtime (the last superblock
 * write), s_mnt_count, s_kbytes_written (written with the superblock).
 * Cannot see: a read-only mount (it writes nothing); data written but
 * not yet followed by a superblock write (s_wtime and s_kbytes_written
 * are updated when the superblock is committed: at mount, unmount, sync
 * and journal checkpoints, not at each write), though any read-write
 * mount since the save changes s_mnt_count and s_mtime.
 */
#define EXT_SB_OFF        1024
#define EXT_MAGIC         0xef53
#define EXT_VALID_FS      0x0001
#define EXT_COMPAT_JOURNAL 0x0004
#define EXT_INCOMPAT_RECOVER 0x0004
#define EXT_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT_INCOMPAT_EXTENTS 0x0040
#define EXT_INCOMPAT_MMP  0x0100
#define EXT_RO_METADATA_CSUM 0x0400
#define EXT_MMP_MAGIC     0x004d4d50u
#define EXT_MMP_SEQ_CLEAN 0xff4d4d50u
#define EXT_MMP_SEQ_FSCK  0xe24d4d50u

static int probe_ext(const struct fs_dev *d, const uint8_t *sb, const char *name,
		     struct fs_state *s, struct kj_error *err)
{
	uint32_t compat = le32(sb + 0x5c), incompat = le32(sb + 0x60), ro = le32(sb + 0x64);
	uint32_t log_bs = le32(sb + 0x18);
	uint16_t state = le16(sb + 0x3a);

	/* a journal device holds another file system's journal, not one of its own */
	if (incompat & EXT_INCOMPAT_JOURNAL_DEV)
		return 0;
	if (log_bs > 6)   /* 1 KiB << 6 = 64 KiB, the largest ext4 block */
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: ext4 superblock with a block size of 2^%u KiB",
			       name, log_bs);
	if ((ro & EXT_RO_METADATA_CSUM) && sb[0x175] == 1 &&
	    crc32c_raw(~0u, sb, 0x3fc) != le32(sb + 0x3fc))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: ext4 superblock checksum mismatch", name);
	s->type = FS_EXT;
	snprintf(s->type_name, sizeof(s->type_name), "%s",
		 incompat & EXT_INCOMPAT_EXTENTS ? "ext4" : compat & EXT_COMPAT_JOURNAL ? "ext3" : "ext2");
	memcpy(s->uuid, sb + 0x68, 16);
	set_label(s, sb + 0x78, 16);
	s->mark[0] = le32(sb + 0x2c) | (uint64_t)sb[0x275] << 32;   /* s_mtime */
	s->mark[1] = le32(sb + 0x30) | (uint64_t)sb[0x274] << 32;   /* s_wtime */
	s->mark[2] = le16(sb + 0x34);                               /* s_mnt_count */
	s->mark[3] = le64(sb + 0x178);                              /* s_kbytes_written */

	if (incompat & EXT_INCOMPAT_RECOVER) {
		set_use(s, FS_IN_USE, "needs_recovery is set: mounted read-write, or its journal not replayed since");
		return 0;
	}
	if (!(compat & EXT_COMPAT_JOURNAL) && !(state & EXT_VALID_FS)) {
		set_use(s, FS_IN_USE, "its state is not clean: mounted read-write (no journal), or not unmounted since");
		return 0;
	}
	if (incompat & EXT_INCOMPAT_MMP) {
		uint64_t blk = le64(sb + 0x168), bs = 1024ull << log_bs;
		uint8_t mmp[8];

		if (blk == 0 || blk > d->size / bs || rd(d, blk * bs, mmp, sizeof(mmp)) < 0 ||
		    le32(mmp) != EXT_MMP_MAGIC) {
			set_use(s, FS_USE_UNKNOWN, "its multi-mount protection block cannot be read");
			return 0;
		}
		if (le32(mmp + 4) != EXT_MMP_SEQ_CLEAN && le32(mmp + 4) != EXT_MMP_SEQ_FSCK) {
			set_use(s, FS_IN_USE, "its multi-mount protection block says mounted");
			return 0;
		}
	}
	set_use(s, FS_CLEAN, "");
	return 0;
}

/*
 * XFS: the superblock, a sector at offset 0 (big-endian; v5 carries a
 * CRC).  XFS writes no "mounted" flag: in use is read from its log, as
 * the kernel's recovery does.  The log is circular; the first 4 bytes of
 * every 512-byte block of it hold the cycle (pass) number it was written
 * in (a record header's own cycle field, after its magic), so the head,
 * where the newest pass meets the older one, is found by binary search
 * (xlog_find_head); the record before it is the last one written.  A
 * clean unmount writes an unmount record last (xlog_unmount_write); a
 * mounted XFS writes records after it (at mount, and while it is idle
 * the log "covering" writes dummy ones), so the last record not being an
 * unmount record means mounted read-write, or not cleanly unmounted.
 * Marks: the head (cycle << 32 | block: it moves at every mount that
 * writes and at every unmount), sb_lsn (v5: the last superblock write),
 * sb_icount, sb_ifree, sb_fdblocks (logged at unmount).
 * Cannot see: an external log (on another device: in use unknown);
 * a torn write at the head after a crash (the kernel's recovery looks
 * for it around the head; here a torn head record reads as "not an
 * unmount record", so in doubt it says in use); a read-only mount.
 */
#define XFS_MAGIC          0x58465342u  /* "XFSB" */
#define XLOG_MAGIC         0xfeedbabeu
#define XLOG_UNMOUNT_TRANS 0x20
#define XLOG_HEADER_CYCLE  (32 * 1024)
#define XLOG_MAX_RECORD_BB (256 * 1024 / 512)

struct xlog {
	const struct fs_dev *d;
	uint64_t off;      /* byte offset of block 0 */
	uint64_t n;        /* blocks */
	unsigned reads;
};

/* The cycle number block b starts with; -1 when it cannot be read. */
static int64_t xlog_cycle(struct xlog *l, uint64_t b)
{
	uint8_t p[8];

	if (++l->reads > FS_XFS_MAX_READS || rd(l->d, l->off + b * 512, p, sizeof(p)) < 0)
		return -1;
	return be32(p) == XLOG_MAGIC ? be32(p + 4) : be32(p);
}

/* First block in [lo, hi) whose cycle is not `c` (those before it are),
 * or hi; -1 on a read failure. */
static int64_t xlog_search(struct xlog *l, uint64_t lo, uint64_t hi, uint32_t c)
{
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		int64_t cm = xlog_cycle(l, mid);

		if (cm < 0)
			return -1;
		if ((uint32_t)cm == c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int64_t)lo;
}

static void probe_xfs_log(const struct fs_dev *d, const uint8_t *sb, struct fs_state *s)
{
	uint64_t logstart = be64(sb + 48), agblocks = be32(sb + 84);
	unsigned blocklog = sb[120], agblklog = sb[124];
	struct xlog l = { .d = d };
	int64_t c0, cl, head, cyc;
	uint8_t h[512], op[16];
	uint64_t agno, agbno, b;
	uint32_t version, size, hblks;

	if (logstart == 0) {
		set_use(s, FS_USE_UNKNOWN, "its log is on another device");
		return;
	}
	agno = logstart >> agblklog;
	agbno = logstart & ((1ull << agblklog) - 1);
	if (agno >= be32(sb + 88) || agbno >= agblocks) {
		set_use(s, FS_USE_UNKNOWN, "its log lies outside the file system");
		return;
	}
	l.off = (agno * agblocks + agbno) << blocklog;
	l.n = (uint64_t)be32(sb + 96) << (blocklog - 9);
	if (l.n < 2 || l.off > d->size || l.n > (d->size - l.off) / 512) {
		set_use(s, FS_USE_UNKNOWN, "its log lies outside the device");
		return;
	}
	c0 = xlog_cycle(&l, 0);
	cl = xlog_cycle(&l, l.n - 1);
	if (c0 <= 0 || cl < 0) {
		set_use(s, FS_USE_UNKNOWN, c0 == 0 ? "its log is zeroed" : "its log cannot be read");
		return;
	}
	/* the head: the first block of the older pass (or never written,
	 * cycle 0), or the end when the whole log is of one pass */
	if (cl == 0)
		head = xlog_search(&l, 0, l.n, (uint32_t)c0);
	else if (c0 == cl)
		head = (int64_t)l.n;
	else
		head = xlog_search(&l, 0, l.n, (uint32_t)c0);
	if (head < 0) {
		set_use(s, FS_USE_UNKNOWN, "its log cannot be read");
		return;
	}
	cyc = head == 0 ? cl : xlog_cycle(&l, (uint64_t)head - 1);
	/* the newest record header: the nearest block before the head that
	 * starts with the magic, within a record's length */
	b = (uint64_t)head;
	for (unsigned i = 0;; i++) {
		if (i > XLOG_MAX_RECORD_BB + 8) {
			set_use(s, FS_IN_USE, "no log record header before its log head: not cleanly unmounted");
			return;
		}
		b = b == 0 ? l.n - 1 : b - 1;
		if (++l.reads > FS_XFS_MAX_READS || rd(d, l.off + b * 512, h, sizeof(h)) < 0) {
			set_use(s, FS_USE_UNKNOWN, "its log cannot be read");
			return;
		}
		if (be32(h) == XLOG_MAGIC)
			break;
	}
	version = be32(h + 8);
	size = be32(h + 320);
	hblks = version == 2 && size > XLOG_HEADER_CYCLE ? (size + XLOG_HEADER_CYCLE - 1) / XLOG_HEADER_CYCLE : 1;
	if (hblks > 8 || rd(d, l.off + ((b + hblks) % l.n) * 512, op, sizeof(op)) < 0) {
		set_use(s, FS_USE_UNKNOWN, "its last log record cannot be read");
		return;
	}
	s->mark[0] = (uint64_t)(uint32_t)cyc << 32 | (uint64_t)head % l.n;
	if (be32(h + 40) == 1 && (op[9] & XLOG_UNMOUNT_TRANS))
		set_use(s, FS_CLEAN, "");
	else
		set_use(s, FS_IN_USE, "its log does not end with an unmount record: mounted read-write, or not cleanly unmounted");
}

static int probe_xfs(const struct fs_dev *d, const uint8_t *sb, const char *name,
		     struct fs_state *s, struct kj_error *err)
{
	uint32_t blocksize = be32(sb + 4), agblocks = be32(sb + 84);
	unsigned sectsize = be16(sb + 102), blocklog = sb[120], agblklog = sb[124];
	uint8_t sect[32768];

	if (blocklog < 9 || blocklog > 16 || blocksize != 1u << blocklog || sectsize < 512 ||
	    sectsize > sizeof(sect) || (sectsize & (sectsize - 1)) || agblocks == 0 ||
	    agblklog > 31 || (1ull << agblklog) < agblocks || be32(sb + 88) == 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: XFS superblock with an impossible geometry", name);
	/* v5: the CRC covers the superblock's sector with its own field zeroed */
	if ((be16(sb + 100) & 0xf) == 5) {
		if (rd(d, 0, sect, sectsize) < 0)
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: cannot read the XFS superblock's sector", name);
		memset(sect + 224, 0, 4);
		if (~crc32c_raw(~0u, sect, sectsize) != le32(sb + 224))
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: XFS superblock checksum mismatch", name);
	}
	s->type = FS_XFS;
	snprintf(s->type_name, sizeof(s->type_name), "xfs");
	memcpy(s->uuid, sb + 32, 16);
	set_label(s, sb + 108, 12);
	s->mark[1] = be64(sb + 240);   /* sb_lsn */
	s->mark[2] = be64(sb + 128);   /* sb_icount */
	s->mark[3] = be64(sb + 136);   /* sb_ifree */
	s->mark[4] = be64(sb + 144);   /* sb_fdblocks */
	probe_xfs_log(d, sb, s);
	return 0;
}

/*
 * btrfs: the primary superblock, 4096 bytes at 64 KiB (crc32c over all
 * but its checksum field, when csum_type says crc32c; the other types,
 * xxhash, sha256, blake2b, are not checked here).
 * In use cannot be told: btrfs is consistent on disk at every commit and
 * writes no mount mark.  A log tree (log_root) says it was mounted and
 * fsync'd since its last commit: still mounted, or it crashed.
 * Marks: generation (every transaction commit: at least every 30 s while
 * it is written, and at unmount), log_root.
 * Cannot see: a mount that wrote nothing and was not unmounted since (no
 * commit); the backup superblocks (the primary is what mount reads).
 */
#define BTRFS_SB_OFF   (64 * 1024)
#define BTRFS_SB_SIZE  4096
static const uint8_t btrfs_magic[8] = { '_', 'B', 'H', 'R', 'f', 'S', '_', 'M' };

static int probe_btrfs(const uint8_t *sb, const char *name, struct fs_state *s,
		       struct kj_error *err)
{
	if (le64(sb + 0x30) != BTRFS_SB_OFF)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: btrfs superblock that says it lies elsewhere", name);
	if (le16(sb + 0xc4) == 0 &&
	    ~crc32c_raw(~0u, sb + 0x20, BTRFS_SB_SIZE - 0x20) != le32(sb))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: btrfs superblock checksum mismatch", name);
	s->type = FS_BTRFS;
	snprintf(s->type_name, sizeof(s->type_name), "btrfs");
	memcpy(s->uuid, sb + 0x20, 16);
	set_label(s, sb + 0x12b, 256);
	s->mark[0] = le64(sb + 0x48);   /* generation */
	s->mark[1] = le64(sb + 0x60);   /* log_root */
	if (s->mark[1])
		set_use(s, FS_IN_USE, "it has a log tree: mounted and written, or not cleanly unmounted since");
	else
		set_use(s, FS_USE_UNKNOWN, "btrfs keeps no mark of being mounted");
	return 0;
}

int fs_probe(const struct fs_dev *d, const char *name, struct fs_state *out,
	     struct kj_error *err)
{
	uint8_t buf[BTRFS_SB_SIZE];

	memset(out, 0, sizeof(*out));
	/* XFS first: its superblock sector (at 0) never overlaps ext's at 1024 */
	if (rd(d, 0, buf, 512) == 0 && be32(buf) == XFS_MAGIC)
		return probe_xfs(d, buf, name, out, err);
	if (rd(d, EXT_SB_OFF, buf, 1024) == 0 && le16(buf + 0x38) == EXT_MAGIC)
		return probe_ext(d, buf, name, out, err);
	if (rd(d, BTRFS_SB_OFF, buf, BTRFS_SB_SIZE) == 0 && !memcmp(buf + 0x40, btrfs_magic, 8))
		return probe_btrfs(buf, name, out, err);
	return 0;
}

const char *fs_family_name(enum fs_type type)
{
	return type == FS_EXT ? "ext2/3/4" : type == FS_XFS ? "xfs" : type == FS_BTRFS ? "btrfs" : "?";
}

const char *fs_mark_name(enum fs_type type, unsigned i)
{
	static const char *const ext[] = { "s_mtime", "s_wtime", "s_mnt_count", "s_kbytes_written", NULL };
	static const char *const xfs[] = { "log head", "sb_lsn", "sb_icount", "sb_ifree", "sb_fdblocks", NULL };
	static const char *const btrfs[] = { "generation", "log_root", NULL };
	const char *const *names = type == FS_EXT ? ext : type == FS_XFS ? xfs : type == FS_BTRFS ? btrfs : NULL;

	if (!names)
		return NULL;
	for (unsigned k = 0; names[k]; k++)
		if (k == i)
			return names[k];
	return NULL;
}

int fs_moved_on(const struct fs_state *then, const struct fs_state *now, char *why, size_t len)
{
	if (then->type != now->type || memcmp(then->uuid, now->uuid, 16)) {
		snprintf(why, len, "it is another file system now");
		return 1;
	}
	for (unsigned i = 0; fs_mark_name(then->type, i); i++)
		if (then->mark[i] != now->mark[i]) {
			if (then->type == FS_XFS && i == 0)
				snprintf(why, len, "its log head moved from %u:%u to %u:%u",
					 (unsigned)(then->mark[0] >> 32), (unsigned)then->mark[0],
					 (unsigned)(now->mark[0] >> 32), (unsigned)now->mark[0]);
			else
				snprintf(why, len, "%s %llu -> %llu", fs_mark_name(then->type, i),
					 (unsigned long long)then->mark[i], (unsigned long long)now->mark[i]);
			return 1;
		}
	if (len)
		why[0] = '\0';
	return 0;
}
