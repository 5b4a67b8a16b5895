/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "exitcodes.h"

/* Length of the parameter starting at p: up to an unquoted space. */
static size_t param_len(const char *p)
{
	bool quoted = false;
	size_t n = 0;

	for (; p[n]; n++) {
		if (p[n] == '"')
			quoted = !quoted;
		else if (!quoted && (p[n] == ' ' || p[n] == '\t' || p[n] == '\n'))
			break;
	}
	return n;
}

static bool param_is(const char *p, size_t len, const char *name)
{
	size_t nl = strlen(name);
	return len >= nl && !strncmp(p, name, nl) && (len == nl || p[nl] == '=');
}

void cmdline_remove_param(char *line, const char *name)
{
	char *w = line;
	const char *r = line;

	while (*r) {
		size_t len;

		while (*r == ' ' || *r == '\t' || *r == '\n')
			r++;
		if (!*r)
			break;
		len = param_len(r);
		if (!param_is(r, len, name)) {
			if (w != line)
				*w++ = ' ';
			memmove(w, r, len);
			w += len;
		}
		r += len;
	}
	*w = '\0';
}

/* Parameters that describe the running kernel's own boot, never the next
 * one's: initrdmem= names where this kernel's initrd was (a loader's, or
 * ours, kexec/arch/x86/linux.c efi_initrd_guard), memory reused since. */
static const char *const running_boot_only[] = {
	"BOOT_IMAGE", "crashkernel", "kexec_jump_back_entry", "elfcorehdr", "initrdmem",
};

int cmdline_build(const char *reused, const char *given, size_t max_len, char **out,
		  struct kj_error *err)
{
	size_t rl = reused ? strlen(reused) : 0, gl = given ? strlen(given) : 0;
	char *line = malloc(rl + gl + 2);
	size_t len;

	if (!line)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	line[0] = '\0';
	if (reused) {
		memcpy(line, reused, rl + 1);
		for (size_t i = 0; i < sizeof(running_boot_only) / sizeof(running_boot_only[0]); i++)
			cmdline_remove_param(line, running_boot_only[i]);
	}
	if (given && *given) {
		len = strlen(line);
		if (len)
			line[len++] = ' ';
		memcpy(line + len, given, gl + 1);
	}
	len = strlen(line);
	if (len > max_len) {
		free(line);
		return kj_fail(err, KJ_EXIT_USAGE,
			       "command line is %zu bytes; this kernel accepts at most %zu", len,
			       max_len);
	}
	*out = line;
	return 0;
}

int cmdline_set_param(char **line, const char *name, const char *value, size_t max_len,
		      size_t *value_off, struct kj_error *err)
{
	size_t len, nl = strlen(name), vl = strlen(value);
	char *nline;

	cmdline_remove_param(*line, name);
	len = strlen(*line);
	if (len + (len ? 1 : 0) + nl + 1 + vl > max_len)
		return kj_fail(err, KJ_EXIT_USAGE,
			       "command line is %zu bytes with %s=%s; this kernel accepts at most %zu",
			       len + (len ? 1 : 0) + nl + 1 + vl, name, value, max_len);
	nline = realloc(*line, len + nl + vl + 3);
	if (!nline)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	if (len)
		nline[len++] = ' ';
	memcpy(nline + len, name, nl);
	nline[len + nl] = '=';
	memcpy(nline + len + nl + 1, value, vl + 1);
	if (value_off)
		*value_off = len + nl + 1;
	*line = nline;
	return 0;
}

int cmdline_get_u64(const char *line, const char *name, uint64_t *val)
{
	size_t nl = strlen(name);
	const char *p = line;

	while (*p) {
		size_t len;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		len = param_len(p);
		if (len > nl && !strncmp(p, name, nl) && p[nl] == '=') {
			char *end;
			unsigned long long v = strtoull(p + nl + 1, &end, 0);
			if (end == p + nl + 1 || end != p + len || !v)
				return -1;
			*val = v;
			return 0;
		}
		p += len;
	}
	return -1;
}
