// SPDX-License-Identifier: GPL-2.0-or-later
/* VMCOREINFO note text parser (see vmcoreinfo.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "vmcoreinfo.h"

void vmcoreinfo_free(struct vmcoreinfo *vi)
{
	size_t i;

	if (!vi)
		return;
	for (i = 0; i < vi->count; i++) {
		free(vi->entries[i].key);
		free(vi->entries[i].value);
	}
	free(vi->entries);
	vi->entries = NULL;
	vi->count = 0;
	vi->skipped = 0;
}

static char *dup_bytes(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static struct vmcoreinfo_entry *find_entry(const struct vmcoreinfo *vi,
					   const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < vi->count; i++)
		if (vi->entries[i].key_len == klen &&
		    memcmp(vi->entries[i].key, key, klen) == 0)
			return &vi->entries[i];
	return NULL;
}

/* A key is printable ASCII without '=' or spaces. */
static int key_ok(const char *k, size_t n)
{
	size_t i;

	if (n == 0 || n > VMCOREINFO_MAX_KEY)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];

		if (c <= ' ' || c >= 0x7f || c == '=')
			return 0;
	}
	return 1;
}

static int value_ok(const char *v, size_t n)
{
	size_t i;

	if (n > VMCOREINFO_MAX_VALUE)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < ' ' || c >= 0x7f)
			return 0;
	}
	return 1;
}

/* Append key=value (copies of both) to vi, growing it (cap) as needed; -1
 * when out of memory. */
static int add_entry(struct vmcoreinfo *vi, size_t *cap, const char *key, size_t klen,
		     const char *value, size_t vlen)
{
	struct vmcoreinfo_entry *e;

	if (vi->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct vmcoreinfo_entry *ne;

		ne = realloc(vi->entries, ncap * sizeof(*ne));
		if (!ne)
			return -1;
		vi->entries = ne;
		*cap = ncap;
	}
	e = &vi->entries[vi->count];
	e->key = dup_bytes(key, klen);
	e->key_len = klen;
	e->value = dup_bytes(value, vlen);
	e->ambiguous = 0;
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return -1;
	}
	vi->count++;
	return 0;
}

/* One non-empty line (without its end): a new entry, a repeat (marked
 * ambiguous if its value differs) or a skipped line; -1 when out of
 * memory. */
static int parse_line(struct vmcoreinfo *vi, size_t *cap, const char *line, size_t llen)
{
	const char *eq = memchr(line, '=', llen);
	size_t klen, vlen;
	struct vmcoreinfo_entry *e;

	if (!eq) {
		vi->skipped++;
		return 0;
	}
	klen = (size_t)(eq - line);
	vlen = llen - klen - 1;
	if (!key_ok(line, klen) || !value_ok(eq + 1, vlen)) {
		vi->skipped++;
		return 0;
	}
	e = find_entry(vi, line, klen);
	if (e) {
		if (strlen(e->value) != vlen ||
		    memcmp(e->value, eq + 1, vlen) != 0)
			e->ambiguous = 1;
		return 0;
	}
	if (vi->count >= VMCOREINFO_MAX_ENTRIES) {
		vi->skipped++;
		return 0;
	}
	return add_entry(vi, cap, line, klen, eq + 1, vlen);
}

int vmcoreinfo_parse(const char *text, size_t len, struct vmcoreinfo *out,
		     struct kj_error *err)
{
	struct vmcoreinfo vi = { 0 };
	size_t cap = 0, pos = 0;
	const char *nul;

	if (!out)
		return kj_fail(err, KJ_EXIT_FAILURE, "vmcoreinfo: no output");
	memset(out, 0, sizeof(*out));
	if (!text && len)
		return kj_fail(err, KJ_EXIT_BADFILE, "VMCOREINFO: no text");
	if (len > VMCOREINFO_MAX_TEXT)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "VMCOREINFO note too large (%zu bytes, at most %u)",
			       len, VMCOREINFO_MAX_TEXT);
	/* the note may be NUL-padded: a NUL ends the text */
	nul = len ? memchr(text, '\0', len) : NULL;
	if (nul)
		len = (size_t)(nul - text);

	while (pos < len) {
		const char *line = text + pos, *nl;
		size_t llen;

		nl = memchr(line, '\n', len - pos);
		llen = nl ? (size_t)(nl - line) : len - pos;
		pos += llen + (nl ? 1 : 0);
		if (llen && line[llen - 1] == '\r')
			llen--;
		if (llen == 0)
			continue;
		if (parse_line(&vi, &cap, line, llen) < 0) {
			vmcoreinfo_free(&vi);
			return kj_fail(err, KJ_EXIT_FAILURE, "out of memory parsing VMCOREINFO");
		}
	}
	if (vi.count == 0) {
		vmcoreinfo_free(&vi);
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "VMCOREINFO note holds no KEY=VALUE line");
	}
	*out = vi;
	return 0;
}

const char *vmcoreinfo_get(const struct vmcoreinfo *vi, const char *key)
{
	const struct vmcoreinfo_entry *e;

	if (!vi || !key)
		return NULL;
	e = find_entry(vi, key, strlen(key));
	if (!e || e->ambiguous)
		return NULL;
	return e->value;
}

int vmcoreinfo_str(const struct vmcoreinfo *vi, const char *key, const char **val)
{
	const char *v = vmcoreinfo_get(vi, key);

	if (!v)
		return -1;
	if (val)
		*val = v;
	return 0;
}

int vmcoreinfo_parse_hex(const char *s, uint64_t *v)
{
	uint64_t r = 0;
	int digits = 0;

	if (!s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (r >> 60)
			return -1; /* overflow */
		r = (r << 4) | d;
		digits++;
	}
	if (!digits)
		return -1;
	*v = r;
	return 0;
}

int vmcoreinfo_parse_dec(const char *s, uint64_t *v)
{
	uint64_t r = 0;
	int digits = 0;

	if (!s)
		return -1;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (r > (UINT64_MAX - d) / 10)
			return -1;
		r = r * 10 + d;
		digits++;
	}
	if (!digits)
		return -1;
	*v = r;
	return 0;
}

/* Decimal with optional '-' (int64 range), or 0x-prefixed hex (any 64-bit
 * pattern, returned as its two's complement value). */
int vmcoreinfo_parse_number(const char *s, int64_t *v)
{
	uint64_t u;

	if (!s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (vmcoreinfo_parse_hex(s, &u))
			return -1;
		*v = (int64_t)u;
		return 0;
	}
	if (s[0] == '-') {
		if (vmcoreinfo_parse_dec(s + 1, &u) || u > (uint64_t)INT64_MAX + 1)
			return -1;
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
		return 0;
	}
	if (vmcoreinfo_parse_dec(s, &u) || u > (uint64_t)INT64_MAX)
		return -1;
	*v = (int64_t)u;
	return 0;
}

static const char *get_fmt(const struct vmcoreinfo *vi, const char *kind,
			   const char *name)
{
	char key[VMCOREINFO_MAX_KEY + 1];
	int n;

	if (!name)
		return NULL;
	n = snprintf(key, sizeof(key), "%s(%s)", kind, name);
	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	return vmcoreinfo_get(vi, key);
}

int vmcoreinfo_symbol(const struct vmcoreinfo *vi, const char *name, uint64_t *v)
{
	return vmcoreinfo_parse_hex(get_fmt(vi, "SYMBOL", name), v);
}

int vmcoreinfo_offset(const struct vmcoreinfo *vi, const char *name, uint64_t *v)
{
	return vmcoreinfo_parse_dec(get_fmt(vi, "OFFSET", name), v);
}

int vmcoreinfo_size(const struct vmcoreinfo *vi, const char *name, uint64_t *v)
{
	return vmcoreinfo_parse_dec(get_fmt(vi, "SIZE", name), v);
}

int vmcoreinfo_length(const struct vmcoreinfo *vi, const char *name, uint64_t *v)
{
	return vmcoreinfo_parse_dec(get_fmt(vi, "LENGTH", name), v);
}

int vmcoreinfo_number(const struct vmcoreinfo *vi, const char *name, int64_t *v)
{
	return vmcoreinfo_parse_number(get_fmt(vi, "NUMBER", name), v);
}

int vmcoreinfo_hex(const struct vmcoreinfo *vi, const char *key, uint64_t *v)
{
	return vmcoreinfo_parse_hex(vmcoreinfo_get(vi, key), v);
}

int vmcoreinfo_dec(const struct vmcoreinfo *vi, const char *key, uint64_t *v)
{
	return vmcoreinfo_parse_dec(vmcoreinfo_get(vi, key), v);
}
