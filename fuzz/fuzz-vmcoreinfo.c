/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: VMCOREINFO text (kdump/vmcoreinfo.c).  The input is
 * the note's text: vmcoreinfo_parse, then every lookup on every key it
 * found and on the keys kdump asks for, and the strict number parsers on
 * every value.
 */
#include "fuzz.h"

#include "vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const char *const names[] = { "mem_map", "mem_section", "page", "page.flags",
					     "zone.free_area", "phys_base", "prb", "" };
	struct kj_error err = { 0, "" };
	struct vmcoreinfo vi;
	char *text = (char *)fz_dup(d, n);
	uint64_t u;
	int64_t s;

	int rc;

	fz_alloc_begin();
	rc = vmcoreinfo_parse(text, n, &vi, &err);
	FUZZ_CHECK(fz_alloc_end() <= FZ_PARSE_BOUND(n));
	if (rc < 0) {
		FUZZ_CHECK(vi.count == 0 && vi.entries == NULL);
		free(text);
		return 0;
	}
	FUZZ_CHECK(vi.count >= 1 && vi.count <= VMCOREINFO_MAX_ENTRIES);
	for (size_t i = 0; i < vi.count; i++) {
		const struct vmcoreinfo_entry *e = &vi.entries[i];
		const char *v = vmcoreinfo_get(&vi, e->key);

		FUZZ_CHECK(e->key_len == strlen(e->key) && e->key_len >= 1 &&
			   e->key_len <= VMCOREINFO_MAX_KEY);
		FUZZ_CHECK(strlen(e->value) <= VMCOREINFO_MAX_VALUE);
		FUZZ_CHECK(!strchr(e->key, '='));
		if (e->ambiguous)
			FUZZ_CHECK(v == NULL);
		else
			FUZZ_CHECK(v == e->value);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(vi.entries[j].key, e->key));
		vmcoreinfo_str(&vi, e->key, &v);
		vmcoreinfo_hex(&vi, e->key, &u);
		vmcoreinfo_dec(&vi, e->key, &u);
		vmcoreinfo_parse_hex(e->value, &u);
		vmcoreinfo_parse_dec(e->value, &u);
		vmcoreinfo_parse_number(e->value, &s);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		vmcoreinfo_symbol(&vi, names[i], &u);
		vmcoreinfo_offset(&vi, names[i], &u);
		vmcoreinfo_size(&vi, names[i], &u);
		vmcoreinfo_length(&vi, names[i], &u);
		vmcoreinfo_number(&vi, names[i], &s);
	}
	vmcoreinfo_dec(&vi, "PAGESIZE", &u);
	vmcoreinfo_hex(&vi, "KERNELOFFSET", &u);
	vmcoreinfo_free(&vi);
	free(text);
	return 0;
}
