/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the purgatory ELF parser (kexec/purgatory.c
 * purgatory_parse), which reads the image embedded in the tool; for an
 * image it accepts, relocating it (there, back to 0, there again) and
 * filling in its regions.  The input is the ELF file.
 */
#include "fuzz.h"

#include "purgatory.h"
#include "range.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t region[100] = { 1, 2, 3 };
	struct kj_error err = { 0, "" };
	struct purgatory p;
	struct purgatory_input in[2] = {
		{ region, sizeof(region), 0x1000000, NULL },
		{ region, 1, 0x2000000, NULL },
	};
	uint64_t addr;

	if (purgatory_parse(d, n, "fuzz-purgatory.elf", &p, &err) < 0) {
		FUZZ_CHECK(p.buf == NULL && err.msg[0]);
		return 0;
	}
	FUZZ_CHECK(p.buf && p.hdr == (struct purgatory_header *)p.buf);
	FUZZ_CHECK(p.bufsz <= p.memsz && p.memsz % 4096 == 0);
	FUZZ_CHECK(p.align >= 4096 && !(p.align & (p.align - 1)));
	FUZZ_CHECK(p.entry_offset < p.bufsz);
	addr = align_up(0x100000, p.align);
	if (purgatory_relocate(&p, addr, &err) == 0) {
		FUZZ_CHECK(p.load_addr == addr);
		FUZZ_CHECK(purgatory_relocate(&p, 0, &err) == 0);
		FUZZ_CHECK(purgatory_relocate(&p, addr, &err) == 0);
	}
	FUZZ_CHECK(purgatory_set_regions(&p, in, 2, 2, &err) == 0);
	purgatory_close(&p);
	return 0;
}
