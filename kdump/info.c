/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <unistd.h>

#include "core.h"
#include "image-check.h"
#include "info.h"
#include "kdump-image.h"
#include "le.h"
#include "memmap.h"

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
