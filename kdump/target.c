/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "exitcodes.h"
#include "target.h"

bool target_in_jump(void)
{
	FILE *f = fopen("/proc/cmdline", "re");
	char line[4096];
	bool jump = false;

	if (f && fgets(line, sizeof(line), f))
		jump = strstr(line, "kexec_jump_back_entry=") != NULL;
	if (f)
		fclose(f);
	return jump;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* The name /sys/class/block gives the block device dev ("vdb"), or "" */
static void dev_name(dev_t dev, char *out, size_t len)
{
	char link[64], target[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(out, len, "%s", "");
		return;
	}
	target[n] = '\0';
	if (strlen(base(target)) >= len) {
		out[0] = '\0';
		return;
	}
	memcpy(out, base(target), strlen(base(target)) + 1);
}

/* Refuse a file system the marks say A has (or may have) in use. */
static int check_unused(const char *dev, const struct fs_state *st, struct kj_error *err)
{
	if (st->type == FS_NONE)
		return kj_fail(err, KJ_EXIT_FAILURE,
			       "%s: no file system whose in-use marks kdump can read (ext2/3/4, XFS, btrfs): it cannot tell that kernel A has no use of it (--force writes anyway)",
			       dev);
	if (st->use == FS_IN_USE)
		return kj_fail(err, KJ_EXIT_FAILURE,
			       "%s: %s %s: kernel A may have it mounted; mounting it here would change it under A (--force writes anyway)",
			       dev, st->type_name, st->why);
	if (st->use == FS_USE_UNKNOWN)
		return kj_fail(err, KJ_EXIT_FAILURE,
			       "%s: %s: %s, so kdump cannot tell that kernel A has no use of it (--force writes anyway)",
			       dev, st->type_name, st->why);
	return 0;
}

/* The disk note's entries: every file system A has in use, or may have
 * (btrfs: no mark), but the target's own. */
static int record_disks(struct save_target *t, const char *skip_dev, const uint8_t *skip_uuid,
			struct kj_error *err)
{
	struct fs_list all;
	size_t k = 0;

	if (fs_scan("", &all, err) < 0)
		return -1;
	for (size_t i = 0; i < all.n; i++) {
		const struct fs_found *f = &all.v[i];

		if ((skip_dev && !strcmp(f->dev, skip_dev)) ||
		    (skip_uuid && !memcmp(f->st.uuid, skip_uuid, 16)))
			continue;
		if (f->st.use == FS_CLEAN)
			continue;
		all.v[k++] = *f;
	}
	if (all.damaged)
		fprintf(stderr, "kdump: warning: %s; that file system is not recorded in the image\n",
			all.first_damage);
	all.n = k;
	t->disks = all;
	t->disks_recorded = true;
	return 0;
}

static int mount_target(struct save_target *t, const struct fs_state *st, struct kj_error *err)
{
	char tmpl[] = "/tmp/kdump-save-XXXXXX";
	/* its own driver first; ext2 and ext3 also through ext4's */
	const char *types[3] = { st->type_name[0] ? st->type_name : "vfat",
				 st->type == FS_EXT ? "ext4" : NULL, NULL };
	int e = 0;

	if (!mkdtemp(tmpl))
		return kj_fail(err, KJ_EXIT_FAILURE, "cannot make a directory to mount %s on: %s",
			       t->dev_path, strerror(errno));
	for (unsigned i = 0; types[i]; i++) {
		if (mount(t->dev_path, tmpl, types[i], 0, NULL) == 0) {
			e = 0;
			break;
		}
		if (!e)
			e = errno;
	}
	if (e) {
		rmdir(tmpl);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: cannot mount it (%s): %s", t->dev_path,
			       types[0], strerror(e));
	}
	t->mnt = strdup(tmpl);
	if (t->mnt && asprintf(&t->path, "%s/%s", tmpl, t->image) < 0)
		t->path = NULL;
	if (!t->mnt || !t->path) {
		umount(tmpl);
		rmdir(tmpl);
		free(t->mnt);
		t->mnt = NULL;
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	}
	return 0;
}

/* LABEL=L or UUID=U: the one device of ROOT/sys/class/block holding it. */
static int resolve_dev(struct save_target *t, struct kj_error *err)
{
	bool by_label = !strncmp(t->mount_dev, "LABEL=", 6), by_uuid = !strncmp(t->mount_dev, "UUID=", 5);
	const char *want = t->mount_dev + (by_label ? 6 : 5), *hit = NULL;
	struct fs_list all;
	unsigned n = 0;

	if (!by_label && !by_uuid) {
		t->dev_path = strdup(t->mount_dev);
		return t->dev_path ? 0 : kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	}
	if (fs_scan("", &all, err) < 0)
		return -1;
	for (size_t i = 0; i < all.n; i++) {
		char u[FS_UUID_STR];

		if (by_label ? !strcmp(all.v[i].st.label, want)
			     : !strcasecmp(fs_uuid_str(all.v[i].st.uuid, u), want)) {
			if (!n++)
				hit = all.v[i].dev;
		}
	}
	if (n == 1 && asprintf(&t->dev_path, "/dev/%s", hit) < 0)
		t->dev_path = NULL;
	fs_list_free(&all);
	if (n == 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "--mount=%s: no block device holds that file system",
			       t->mount_dev);
	if (n > 1)
		return kj_fail(err, KJ_EXIT_FAILURE, "--mount=%s: %u block devices hold one: name the device",
			       t->mount_dev, n);
	return t->dev_path ? 0 : kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
}

int target_prepare(struct save_target *t, struct kj_error *err)
{
	struct fs_state st;

	if (t->mount_dev) {
		if (t->image[0] == '/')
			t->image++;
		if (resolve_dev(t, err) < 0)
			return -1;
		if (fs_probe_path(t->dev_path, &st, err) < 0)
			return -1;
		if (!t->force && check_unused(t->dev_path, &st, err) < 0)
			return -1;
		/* the disks as A left them, before this mount changes the target */
		if (t->in_jump && record_disks(t, base(t->dev_path), st.type ? st.uuid : NULL, err) < 0)
			return -1;
		return mount_target(t, &st, err);
	}
	t->path = strdup(t->image);
	if (!t->path)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	if (t->in_jump) {
		char *dir = strdup(t->image), *slash, dev[32];
		struct stat sb;
		int rc;

		if (!dir)
			return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
		slash = strrchr(dir, '/');
		if (!slash)
			strcpy(dir, ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		rc = stat(dir, &sb);
		free(dir);
		if (rc < 0)
			return kj_fail(err, KJ_EXIT_FAILURE, "%s: its directory: %s", t->image, strerror(errno));
		dev_name(sb.st_dev, dev, sizeof(dev));
		/* a file system on a block device, mounted before kdump ran: its
		 * marks now say "mounted" whoever mounted it first (tmpfs and
		 * the initramfs are on no device) */
		if (dev[0] && !t->force)
			return kj_fail(err, KJ_EXIT_FAILURE,
				       "%s: on /dev/%s, mounted before kdump could check that kernel A has no use of it: unmount it and give --mount=/dev/%s instead (or --force)",
				       t->image, dev, dev);
		if (record_disks(t, dev[0] ? dev : NULL, NULL, err) < 0)
			return -1;
	}
	return 0;
}

int target_finish(struct save_target *t, struct kj_error *err)
{
	if (!t->mnt)
		return 0;
	sync();
	if (umount(t->mnt) < 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: cannot unmount it from %s: %s", t->dev_path,
			       t->mnt, strerror(errno));
	rmdir(t->mnt);
	free(t->mnt);
	t->mnt = NULL;
	return 0;
}

void target_free(struct save_target *t)
{
	if (t->mnt) {
		umount(t->mnt);
		rmdir(t->mnt);
		free(t->mnt);
	}
	free(t->path);
	free(t->dev_path);
	fs_list_free(&t->disks);
	t->mnt = t->path = t->dev_path = NULL;
}
