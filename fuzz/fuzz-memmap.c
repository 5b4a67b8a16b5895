/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: memory-map text (lib/memmap.c).  The whole input is
 * /proc/iomem text for iomem_parse (through fmemopen) and
 * memmap_from_iomem; split at its first two NULs it is the start, end and
 * type files of one /sys/firmware/memmap entry for
 * memmap_parse_firmware_entry.
 */
#include "fuzz.h"

#include "memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct kj_error err = { 0, "" };
	struct iomem io;
	struct memmap mm;
	struct mem_entry ent;
	struct fz f = { d, n };
	char *start, *end, *type;

	if (n) {
		uint8_t *copy = fz_dup(d, n);
		FILE *in = fmemopen(copy, n, "r");

		if (!in)
			abort();
		int rc;

		fz_alloc_begin();
		rc = iomem_parse(in, "fuzz-iomem", &io, &err);
		FUZZ_CHECK(fz_alloc_end() <= FZ_PARSE_BOUND(n));
		if (rc == 0) {
			for (size_t i = 0; i < io.n; i++) {
				FUZZ_CHECK(strlen(io.e[i].name) < sizeof(io.e[i].name));
				FUZZ_CHECK(range_end(io.e[i].r) >= io.e[i].r.start);
			}
			fz_alloc_begin();
			rc = memmap_from_iomem(&io, &mm, &err);
			FUZZ_CHECK(fz_alloc_end() <= FZ_PARSE_BOUND(n));
			if (rc == 0) {
				FUZZ_CHECK(mm.n <= io.n);
				for (size_t i = 1; i < mm.n; i++)
					FUZZ_CHECK(mm.e[i - 1].r.start <= mm.e[i].r.start);
				FUZZ_CHECK(memmap_bytes_of_type(&mm, KJ_MEM_RAM) >= 1024 * 1024);
				for (size_t i = 0; i < mm.n; i++)
					FUZZ_CHECK(memmap_type_name(mm.e[i].type) != NULL);
				memmap_free(&mm);
			}
			iomem_free(&io);
		} else {
			FUZZ_CHECK(io.e == NULL && io.n == 0);
		}
		fclose(in);
		free(copy);
	}

	start = fz_str(&f);
	end = fz_str(&f);
	type = fz_str(&f);
	if (memmap_parse_firmware_entry(start, end, type, &ent) == 0) {
		FUZZ_CHECK(range_end(ent.r) >= ent.r.start);
		FUZZ_CHECK(memmap_type_name(ent.type) != NULL);
	}
	free(start);
	free(end);
	free(type);
	return 0;
}
