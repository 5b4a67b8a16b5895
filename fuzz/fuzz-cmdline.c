/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: command-line editing (lib/cmdline.c).  Input:
 *   byte 0      bit 0: no reused line, bit 1: no given line,
 *               bits 2..4: which parameter name to set/get
 *   bytes 1..2  max_len
 *   then NUL-separated: the reused line (/proc/cmdline), the given line
 *   (--append), the value to set.
 * cmdline_build, cmdline_set_param, cmdline_get_u64, cmdline_remove_param.
 */
#include "fuzz.h"

#include <ctype.h>

#include "cmdline.h"

static const char *const names[8] = {
	"elfcorehdr", "kexec_jump_back_entry", "crashkernel", "BOOT_IMAGE",
	"memmap", "root", "console", "a",
};

/* "0x1f", "123": a number strtoull(…, 0) takes whole, not 0 */
static bool plain_number(const char *v, uint64_t *out)
{
	char *e;
	unsigned long long x;

	if (!*v || !isdigit((unsigned char)*v) || strlen(v) > 16)
		return false;
	for (const char *p = v; *p; p++)
		if (!isxdigit((unsigned char)*p) && !(p == v + 1 && (*p == 'x' || *p == 'X')))
			return false;
	x = strtoull(v, &e, 0);
	if (*e || !x)
		return false;
	*out = x;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct kj_error err = { 0, "" };
	struct fz f = { d, n };
	uint8_t flags = fz_u8(&f);
	size_t max_len = fz_u16(&f);
	const char *name = names[(flags >> 2) & 7];
	char *reused = fz_str(&f), *given = fz_str(&f), *value = fz_str(&f);
	char *line = NULL;
	uint64_t v, want;

	if (cmdline_build(flags & 1 ? NULL : reused, flags & 2 ? NULL : given, max_len, &line,
			  &err) == 0) {
		size_t off = 0;

		FUZZ_CHECK(strlen(line) <= max_len);
		cmdline_get_u64(line, name, &v);
		if (cmdline_set_param(&line, name, value, max_len, &off, &err) == 0) {
			FUZZ_CHECK(strlen(line) <= max_len);
			FUZZ_CHECK(!strcmp(line + off, value));
			FUZZ_CHECK(off > strlen(name) && line[off - 1] == '=' &&
				   !strncmp(line + off - 1 - strlen(name), name, strlen(name)));
			/* what was set reads back, when nothing quoted swallows it */
			if (!strchr(line, '"') && plain_number(value, &want))
				FUZZ_CHECK(cmdline_get_u64(line, name, &v) == 0 && v == want);
		}
		cmdline_remove_param(line, name);
		FUZZ_CHECK(cmdline_get_u64(line, name, &v) < 0 || strchr(line, '"'));
		free(line);
	}
	/* the raw lines too */
	cmdline_get_u64(reused, given[0] ? given : name, &v);
	cmdline_remove_param(reused, value[0] ? value : name);
	free(reused);
	free(given);
	free(value);
	return 0;
}
