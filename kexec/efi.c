/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EFI facts of the running kernel (see efi.h): pure parsers over one
 * file's text or bytes, and the reader sysinfo.c calls.
 *
 * Where each fact comes from (6.12 and 7.2 alike):
 *  - /sys/firmware/efi exists when EFI started the kernel (efisubsys_init);
 *  - fw_vendor, runtime, config_table: "0x%lx\n", the physical addresses the
 *    kernel found in the system table before SetVirtualAddressMap() made
 *    the firmware's copies virtual (arch/x86/platform/efi/efi.c); a file is
 *    absent when the value is not known;
 *  - systab: "ACPI20=0x…", "ACPI=0x…", "SMBIOS3=0x…", "SMBIOS=0x…", "UGA=…"
 *    lines;
 *  - runtime-map/N/{type,phys_addr,virt_addr,num_pages,attribute}: the
 *    memory map the kernel kept for the runtime services, one directory
 *    per descriptor (arch/x86/platform/efi/runtime-map.c, CONFIG_EFI_RUNTIME_MAP,
 *    which x86 selects for KEXEC_CORE && EFI);
 *  - /sys/kernel/boot_params/data: the zero page the kernel was booted
 *    with (arch/x86/kernel/ksysfs.c): efi_info's loader signature, system
 *    table and descriptor version, secure_boot, acpi_rsdp_addr.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efi.h"
#include "exitcodes.h"
#include "le.h"

int efi_parse_hex(const char *text, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0, digits = 0;

	if (len < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
		return -1;
	for (i = 2; i < len && text[i] != '\n' && text[i] != '\0'; i++) {
		char c = text[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (x >> 60)
			return -1; /* more than 64 bits */
		x = x << 4 | d;
		digits++;
	}
	if (!digits)
		return -1;
	/* nothing but the newline (or NULs) may follow */
	for (; i < len; i++)
		if (text[i] != '\n' && text[i] != '\0')
			return -1;
	*v = x;
	return 0;
}

int efi_parse_systab(const char *text, size_t len, struct efi_systab *out)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "ACPI20=", offsetof(struct efi_systab, acpi20) },
		{ "ACPI=", offsetof(struct efi_systab, acpi) },
		{ "SMBIOS3=", offsetof(struct efi_systab, smbios3) },
		{ "SMBIOS=", offsetof(struct efi_systab, smbios) },
	};
	size_t at = 0;

	memset(out, 0, sizeof(*out));
	while (at < len) {
		const char *line = text + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t ll = nl ? (size_t)(nl - line) : len - at;

		at += ll + (nl ? 1 : 0);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t kl = strlen(keys[k].key);
			uint64_t v;

			if (ll < kl || memcmp(line, keys[k].key, kl))
				continue;
			if (efi_parse_hex(line + kl, ll - kl, &v) < 0)
				return -1;
			memcpy((char *)out + keys[k].off, &v, sizeof(v));
			break;
		}
	}
	return 0;
}

int efi_parse_boot_params(const uint8_t *bp, size_t len, struct efi_boot_params *out)
{
	memset(out, 0, sizeof(*out));
	if (len < EFI_BP_MIN_SIZE)
		return -1;
	out->acpi_rsdp = le64(bp + 0x070);
	out->loader_signature = le32(bp + 0x1c0);
	out->systab = le32(bp + 0x1c4) | (uint64_t)le32(bp + 0x1d8) << 32;
	out->memdesc_version = le32(bp + 0x1cc);
	out->memmap_size = le32(bp + 0x1d4);
	out->secure_boot = bp[0x1ec];
	return 0;
}

static int map_value(const char *text, const char *name, uint64_t *v, char *why, size_t whylen)
{
	if (!text) {
		snprintf(why, whylen, "runtime-map entry without %s", name);
		return -1;
	}
	if (efi_parse_hex(text, strlen(text), v) < 0) {
		snprintf(why, whylen, "runtime-map %s is not a hex number", name);
		return -1;
	}
	return 0;
}

int efi_parse_map_entry(const char *type, const char *phys, const char *virt,
			const char *pages, const char *attr, struct efi_map_entry *out,
			char *why, size_t whylen)
{
	uint64_t t;

	memset(out, 0, sizeof(*out));
	if (map_value(type, "type", &t, why, whylen) < 0 ||
	    map_value(phys, "phys_addr", &out->phys, why, whylen) < 0 ||
	    map_value(virt, "virt_addr", &out->virt, why, whylen) < 0 ||
	    map_value(pages, "num_pages", &out->pages, why, whylen) < 0 ||
	    map_value(attr, "attribute", &out->attr, why, whylen) < 0)
		return -1;
	/* The UEFI memory types are 0..15 plus OEM and OS ranges above
	 * 0x70000000: the field is 32 bits. */
	if (t > UINT32_MAX) {
		snprintf(why, whylen, "runtime-map type 0x%llx is not 32 bits", (unsigned long long)t);
		return -1;
	}
	out->type = (uint32_t)t;
	/* Descriptors describe whole 4 KiB pages (UEFI spec, EFI_MEMORY_DESCRIPTOR). */
	if (out->phys & 0xfff || out->virt & 0xfff) {
		snprintf(why, whylen, "runtime-map address 0x%llx is not page aligned",
			 (unsigned long long)(out->phys & 0xfff ? out->phys : out->virt));
		return -1;
	}
	/* A region the next kernel would map must not wrap round. */
	if (!out->pages || out->pages > (UINT64_MAX - out->phys) >> 12 ||
	    out->pages > (UINT64_MAX - out->virt) >> 12) {
		snprintf(why, whylen, "runtime-map region at 0x%llx has %llu pages",
			 (unsigned long long)out->phys, (unsigned long long)out->pages);
		return -1;
	}
	return 0;
}

static void set_why(struct kj_efi *e, const char *text)
{
	e->usable = false;
	snprintf(e->why, sizeof(e->why), "%s", text);
}

void efi_judge(struct kj_efi *e)
{
	bool virt = false;

	e->acpi_rsdp = e->bp.acpi_rsdp ? e->bp.acpi_rsdp : e->tab.acpi20 ? e->tab.acpi20 : e->tab.acpi;
	if (!e->booted) {
		e->usable = false;
		e->why[0] = '\0';
		return;
	}
	e->usable = true;
	for (size_t i = 0; i < e->nmap; i++)
		if (e->map[i].virt)
			virt = true;
	/* Each rule is one reason the next kernel could not use the runtime
	 * services as this one does; the first that applies is reported. */
	if (e->why[0]) /* a file the reader could not make sense of */
		e->usable = false;
	/* The kernel's own loader passes nothing when it was given no EFI
	 * memory map (setup_efi_state: !efi_memmap_size). */
	else if (!e->bp.memmap_size)
		set_why(e, "the running kernel's boot_params hold no EFI memory map");
	/* Only a 64-bit kernel reads SETUP_EFI (parse_efi_setup() is empty on
	 * 32-bit), and it needs a 64-bit firmware. */
	else if (e->bp.loader_signature != EFI_LOADER_SIG_64)
		set_why(e, "the firmware is not 64-bit EFI (efi_info has no \"EL64\")");
	else if (e->bp.memdesc_version != EFI_MEMDESC_VERSION)
		set_why(e, "unknown EFI memory descriptor version");
	else if (!e->bp.systab)
		set_why(e, "no EFI system table in boot_params");
	/* fw_vendor and config_table are what the next kernel cannot find
	 * itself: the system table holds their virtual addresses by now. */
	else if (!e->fw_vendor || !e->config_table)
		set_why(e, "no fw_vendor or config_table in /sys/firmware/efi");
	else if (!e->nmap)
		set_why(e, "no /sys/firmware/efi/runtime-map (a kernel without CONFIG_EFI_RUNTIME_MAP, or booted with efi=noruntime)");
	/* Without virtual addresses the runtime services were never switched
	 * to virtual mode (efi=noruntime): there is nothing to hand on. */
	else if (!virt)
		set_why(e, "the runtime map has no virtual addresses (runtime services off)");
}

/* root + path, or NULL when it does not fit. */
static const char *at_root(char *buf, size_t len, const char *root, const char *path)
{
	int n = snprintf(buf, len, "%s%s", root, path);

	return n < 0 || (size_t)n >= len ? NULL : buf;
}

/* A small sysfs text file (at most len - 1 bytes) into buf; -1 if unread. */
static int read_small(const char *path, char *buf, size_t len, size_t *got)
{
	FILE *f = path ? fopen(path, "re") : NULL;
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (got)
		*got = n;
	return 0;
}

static bool read_hex_file(const char *root, const char *path, uint64_t *v)
{
	char p[4096], text[64];
	size_t n;

	*v = 0;
	if (read_small(at_root(p, sizeof(p), root, path), text, sizeof(text), &n) < 0)
		return false;
	return efi_parse_hex(text, n, v) == 0;
}

/* runtime-map/N/NAME's text into buf (empty and NULL-returning when absent). */
static const char *map_file(const char *dir, const char *name, char *buf, size_t len)
{
	char p[4096];
	int n = snprintf(p, sizeof(p), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(p) || read_small(p, buf, len, NULL) < 0)
		return NULL;
	return buf;
}

static int cmp_index(const void *a, const void *b)
{
	const unsigned long *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* The runtime map's entries in the order of their numbers. */
static int read_runtime_map(const char *root, struct kj_efi *e, struct kj_error *err)
{
	char dirp[4096], sub[4096];
	char t[32], ph[32], vi[32], pg[32], at[32];
	unsigned long idx[EFI_MAP_MAX];
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	if (!at_root(dirp, sizeof(dirp), root, "/sys/firmware/efi/runtime-map"))
		return 0;
	d = opendir(dirp);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		unsigned long v;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		errno = 0;
		v = strtoul(de->d_name, &end, 10);
		if (*end || errno)
			continue;
		if (n == EFI_MAP_MAX) {
			closedir(d);
			return kj_fail(err, KJ_EXIT_FAILURE,
				       "%s: more than %u entries", dirp, EFI_MAP_MAX);
		}
		idx[n++] = v;
	}
	closedir(d);
	if (!n)
		return 0;
	qsort(idx, n, sizeof(idx[0]), cmp_index);
	e->map = calloc(n, sizeof(*e->map));
	if (!e->map)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int l = snprintf(sub, sizeof(sub), "%s/%lu", dirp, idx[i]);

		if (l < 0 || (size_t)l >= sizeof(sub) ||
		    efi_parse_map_entry(map_file(sub, "type", t, sizeof(t)),
					map_file(sub, "phys_addr", ph, sizeof(ph)),
					map_file(sub, "virt_addr", vi, sizeof(vi)),
					map_file(sub, "num_pages", pg, sizeof(pg)),
					map_file(sub, "attribute", at, sizeof(at)), &e->map[i],
					e->why, sizeof(e->why)) < 0) {
			if (l < 0 || (size_t)l >= sizeof(sub))
				snprintf(e->why, sizeof(e->why), "runtime-map path too long");
			e->nmap = 0;
			return 0;
		}
	}
	e->nmap = n;
	return 0;
}

int efi_read_tree(const char *root, struct kj_efi *e, struct kj_error *err)
{
	char p[4096], text[512];
	uint8_t bp[4096];
	size_t n;
	FILE *f;
	DIR *d;

	memset(e, 0, sizeof(*e));
	/* boot_params first: acpi_rsdp_addr matters on any firmware */
	f = at_root(p, sizeof(p), root, "/sys/kernel/boot_params/data") ? fopen(p, "re") : NULL;
	if (f) {
		n = fread(bp, 1, sizeof(bp), f);
		fclose(f);
		if (efi_parse_boot_params(bp, n, &e->bp) < 0)
			memset(&e->bp, 0, sizeof(e->bp));
	}
	d = at_root(p, sizeof(p), root, "/sys/firmware/efi") ? opendir(p) : NULL;
	if (d) {
		closedir(d);
		e->booted = true;
		if (read_small(at_root(p, sizeof(p), root, "/sys/firmware/efi/systab"), text,
			       sizeof(text), &n) == 0 &&
		    efi_parse_systab(text, n, &e->tab) < 0)
			snprintf(e->why, sizeof(e->why), "/sys/firmware/efi/systab is malformed");
		read_hex_file(root, "/sys/firmware/efi/fw_vendor", &e->fw_vendor);
		read_hex_file(root, "/sys/firmware/efi/runtime", &e->runtime);
		read_hex_file(root, "/sys/firmware/efi/config_table", &e->config_table);
		if (!e->why[0] && read_runtime_map(root, e, err) < 0) {
			efi_free(e);
			return -1;
		}
	}
	efi_judge(e);
	return 0;
}

void efi_free(struct kj_efi *e)
{
	free(e->map);
	e->map = NULL;
	e->nmap = 0;
}

void efi_put_map(uint8_t *p, const struct efi_map_entry *map, size_t n)
{
	for (size_t i = 0; i < n; i++, p += EFI_MEMDESC_SIZE) {
		put_le32(p, map[i].type);
		put_le32(p + 4, 0);
		put_le64(p + 8, map[i].phys);
		put_le64(p + 16, map[i].virt);
		put_le64(p + 24, map[i].pages);
		put_le64(p + 32, map[i].attr);
	}
}
