/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the superblock readers (lib/fsstate.c fs_probe) over
 * a device's bytes.  Input: one flags byte, then the device.  With bit 0
 * of the flags the target first puts the right checksum into the ext4,
 * XFS and btrfs superblock fields of its copy, so that mutations get past
 * the checksum checks to the readers behind them (without it they test
 * the checks).  Bits 1-3 claim the device larger than the bytes (by
 * 2^(8 * bits) sectors): reads beyond the bytes fail, as a short device's
 * would.
 *
 * Properties: a failure has a message and leaves no type; a success names
 * a type it knows with a name and a use in range, and is not moved on
 * from itself; the reads stay bounded (FS_XFS_MAX_READS for the log,
 * plus the superblocks) whatever the geometry claims; no heap is used.
 */
#include "fuzz.h"

#include "fsstate.h"
#include "le.h"

struct fdev {
	const uint8_t *p;
	size_t n;
	unsigned reads;
};

static int fdev_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct fdev *f = ctx;

	f->reads++;
	if (off > f->n || len > f->n - off)
		return -1;
	memcpy(buf, f->p + off, len);
	return 0;
}


static void fix_checksums(uint8_t *d, size_t n)
{
	/* ext4: crc32c of the superblock's first 0x3fc bytes, at 0x3fc */
	if (n >= 2048)
		put_le32(d + 1024 + 0x3fc, crc32c_raw(~0u, d + 1024, 0x3fc));
	/* XFS: the superblock sector's, its field (224) zeroed */
	if (n >= 512) {
		unsigned sect = (unsigned)d[102] << 8 | d[103];

		if (sect < 512 || sect > n || (sect & (sect - 1)))
			sect = 512;
		memset(d + 224, 0, 4);
		put_le32(d + 224, ~crc32c_raw(~0u, d, sect));
	}
	/* btrfs: over the 4 KiB superblock at 64 KiB but its csum field */
	if (n >= 65536 + 4096)
		put_le32(d + 65536, ~crc32c_raw(~0u, d + 65536 + 32, 4096 - 32));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kj_error err = { 0, "" };
	struct fs_state st;
	struct fdev f;
	struct fs_dev dev;
	uint8_t *copy;
	char why[160];
	size_t alloc;
	int rc;

	if (size < 1)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 1)
		fix_checksums(copy, size - 1);
	f = (struct fdev){ copy, size - 1, 0 };
	dev = (struct fs_dev){ fdev_read, &f, (uint64_t)(size - 1) };
	if (data[0] & 0xe)
		dev.size += 512ull << (8 * ((data[0] >> 1) & 7));
	fz_alloc_begin();
	rc = fs_probe(&dev, "dev", &st, &err);
	alloc = fz_alloc_end();
	FUZZ_CHECK(alloc == 0);
	FUZZ_CHECK(f.reads <= FS_XFS_MAX_READS + 8);
	if (rc < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
	} else {
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(st.type == FS_NONE || st.type == FS_EXT || st.type == FS_XFS ||
			   st.type == FS_BTRFS);
		FUZZ_CHECK(st.use == FS_CLEAN || st.use == FS_IN_USE || st.use == FS_USE_UNKNOWN);
		if (st.type != FS_NONE) {
			FUZZ_CHECK(st.type_name[0] != '\0');
			FUZZ_CHECK(fs_mark_name(st.type, 0) != NULL);
			FUZZ_CHECK(st.use == FS_CLEAN || st.why[0] != '\0');
		}
		FUZZ_CHECK(fs_moved_on(&st, &st, why, sizeof(why)) == 0);
	}
	free(copy);
	return 0;
}
