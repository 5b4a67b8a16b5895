/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "fsscan.h"
#include "image-check.h"
#include "info.h"
#include "kdump-image.h"
#include "le.h"
#include "memmap.h"

/*
 * Whether it was resumed (its resume note), and the disks of A's it names
 * (its disk note) as this machine has them now: the loader refuses the
 * image when one of them has moved on or is missing.
 */
static void print_state(const struct image_notes *in, FILE *out)
{
	if (!in->has_resume) {
		fprintf(out, "state: not recorded (no resume note: a foreign core, or an older kdump's image)\n");
	} else if (in->resume_flags & KJ_RESUME_LOADED) {
		time_t t = (time_t)in->resume_loaded_at;
		struct tm tm;
		char when[64] = "?";

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		fprintf(out, "state: consumed: loaded for its resume at %s; kexec refuses it again\n", when);
	} else {
		fprintf(out, "state: not resumed yet\n");
	}
	if (!in->has_disks) {
		fprintf(out, "disks of A's: not recorded\n");
		return;
	}
	struct fs_list now;
	struct kj_error serr = { 0, "" };
	bool scanned = fs_scan("", &now, &serr) == 0;

	fprintf(out, "disks of A's: %u recorded%s\n", in->disks_nr,
		scanned ? "" : " (this machine's disks cannot be read)");
	for (uint32_t i = 0; i < in->disks_nr; i++) {
		struct fs_state then;
		const struct fs_found *f;
		char u[FS_UUID_STR], why[160], dev[32];

		image_notes_disk(in, i, &then, dev);
		fprintf(out, "  %s %s (%s in kernel B):", fs_family_name(then.type),
			fs_uuid_str(then.uuid, u), dev);
		for (unsigned k = 0; fs_mark_name(then.type, k); k++)
			fprintf(out, " %s=%" PRIu64, fs_mark_name(then.type, k), then.mark[k]);
		if (!scanned)
			fprintf(out, "\n");
		else if (!(f = fs_list_find(&now, then.type, then.uuid)))
			fprintf(out, "; not on this machine\n");
		else if (fs_moved_on(&then, &f->st, why, sizeof(why)))
			fprintf(out, "; on %s, moved on since (%s): stale\n", f->dev, why);
		else
			fprintf(out, "; on %s, unchanged\n", f->dev);
	}
	fs_list_free(&now);
}

int kdump_info(const char *path, FILE *out, struct kj_error *err)
{
	struct core c;
	struct image_notes in;
	uint64_t mem = 0, data = 0;
	int fd;

	if (kdump_image_open(path, &fd, &c, &in, err) < 0)
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
	print_state(&in, out);
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
