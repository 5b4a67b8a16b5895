/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "fsscan.h"
#include "pread-full.h"

static int fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	return kj_pread_full(*(int *)ctx, buf, len, off);
}

int fs_probe_path(const char *path, struct fs_state *st, struct kj_error *err)
{
	struct fs_dev d = { fd_read, NULL, 0 };
	struct stat sb;
	uint64_t size = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 ||
	    (S_ISBLK(sb.st_mode) ? ioctl(fd, BLKGETSIZE64, &size) < 0 : !S_ISREG(sb.st_mode))) {
		close(fd);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: not a block device or a file", path);
	}
	if (S_ISREG(sb.st_mode))
		size = (uint64_t)sb.st_size;
	d.ctx = &fd;
	d.size = size;
	rc = fs_probe(&d, path, st, err);
	close(fd);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct fs_found *)a)->dev, ((const struct fs_found *)b)->dev);
}

int fs_scan(const char *root, struct fs_list *out, struct kj_error *err)
{
	char path[4096];
	struct dirent *e;
	size_t cap = 0;
	DIR *dir;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/sys/class/block", root);
	dir = opendir(path);
	if (!dir)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: cannot list the block devices: %s", path,
			       strerror(errno));
	while ((e = readdir(dir))) {
		struct kj_error perr = { 0, "" };
		struct fs_state st;

		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(out->v[0].dev))
			continue;
		snprintf(path, sizeof(path), "%s/dev/%s", root, e->d_name);
		if (fs_probe_path(path, &st, &perr) < 0) {
			/* a damaged superblock, not a device that cannot be read */
			if (perr.exit_code == KJ_EXIT_BADFILE && !out->damaged++)
				snprintf(out->first_damage, sizeof(out->first_damage), "%s", perr.msg);
			continue;
		}
		if (st.type == FS_NONE)
			continue;
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct fs_found *v = realloc(out->v, nc * sizeof(*v));

			if (!v) {
				closedir(dir);
				fs_list_free(out);
				return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
			}
			out->v = v;
			cap = nc;
		}
		snprintf(out->v[out->n].dev, sizeof(out->v[out->n].dev), "%s", e->d_name);
		out->v[out->n++].st = st;
	}
	closedir(dir);
	/* readdir's order is the directory's; the list's is the names' */
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_name);
	return 0;
}

void fs_list_free(struct fs_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct fs_found *fs_list_find(const struct fs_list *l, enum fs_type type,
				    const uint8_t uuid[16])
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].st.type == type && !memcmp(l->v[i].st.uuid, uuid, 16))
			return &l->v[i];
	return NULL;
}
