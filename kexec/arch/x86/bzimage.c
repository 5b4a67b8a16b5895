/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "bzimage.h"
#include "exitcodes.h"
#include "le.h"

bool bzimage_probe(const uint8_t *buf, size_t len)
{
	return len >= BZ_HEADER + 4 && le16(buf + BZ_BOOT_FLAG) == 0xaa55 &&
	       !memcmp(buf + BZ_HEADER, "HdrS", 4);
}

/* The setup header's checks, one rule each with why, in the order the
 * header is read (as the kernel's sanity_check_segment_list): a list, long
 * because the rules are many. */
int bzimage_parse(const uint8_t *buf, size_t len, const char *name, struct bzimage *bz,
		  struct kj_error *err)
{
	unsigned setup_sects;
	uint64_t syssize;

	memset(bz, 0, sizeof(*bz));
	if (len < 0x270)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: too short for a bzImage (%zu bytes)",
			       name, len);
	if (!bzimage_probe(buf, len))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not a bzImage (no boot flag or HdrS magic)",
			       name);
	bz->protocol = le16(buf + BZ_VERSION);
	if (bz->protocol < BZ_MIN_PROTOCOL)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: boot protocol %u.%02u is too old (need 2.06, Linux 2.6.22 or later)",
			       name, bz->protocol >> 8, bz->protocol & 0xff);
	if (!(buf[BZ_LOADFLAGS] & BZ_LOADED_HIGH))
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: a zImage (loaded low) is not supported; use a bzImage", name);

	setup_sects = buf[BZ_SETUP_SECTS] ? buf[BZ_SETUP_SECTS] : 4;
	bz->setup_size = (size_t)(setup_sects + 1) * 512;
	if (bz->setup_size > len)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: truncated: setup code needs %zu bytes, the file has %zu", name,
			       bz->setup_size, len);
	if (bz->setup_size == len)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: truncated: the file ends after the setup code (%zu bytes), the kernel itself is missing",
			       name, len);
	bz->setup = buf;
	bz->pm = buf + bz->setup_size;
	bz->pm_size = len - bz->setup_size;

	/* syssize counts the protected-mode code in 16-byte units; a file
	 * shorter than that was cut short (a partial copy, a full disk). */
	syssize = (uint64_t)le32(buf + BZ_SYSSIZE) * 16;
	if (syssize == 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: header says the kernel is empty (syssize 0)",
			       name);
	if (syssize > bz->pm_size)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: truncated: header promises %llu bytes of kernel after the setup code, the file has %zu",
			       name, (unsigned long long)syssize, bz->pm_size);

	bz->header_end = BZ_HEADER + buf[BZ_JUMP + 1];
	if (bz->header_end > BZ_HEADER_END_MAX)
		bz->header_end = BZ_HEADER_END_MAX;
	bz->loadflags = buf[BZ_LOADFLAGS];
	bz->relocatable = buf[BZ_RELOCATABLE] != 0;
	bz->kernel_alignment = le32(buf + BZ_KERNEL_ALIGNMENT);
	bz->initrd_addr_max = le32(buf + BZ_INITRD_ADDR_MAX);
	bz->cmdline_size = le32(buf + BZ_CMDLINE_SIZE);
	if (bz->protocol >= 0x0208) {
		bz->payload_offset = le32(buf + BZ_PAYLOAD_OFFSET);
		bz->payload_length = le32(buf + BZ_PAYLOAD_LENGTH);
		if ((uint64_t)bz->payload_offset + bz->payload_length > bz->pm_size)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: truncated: the compressed kernel ends at %llu, past the file's %zu bytes of kernel",
				       name,
				       (unsigned long long)bz->payload_offset + bz->payload_length,
				       bz->pm_size);
	}
	if (bz->protocol >= 0x020a) {
		bz->pref_address = le64(buf + BZ_PREF_ADDRESS);
		bz->init_size = le32(buf + BZ_INIT_SIZE);
	} else {
		bz->pref_address = 0x100000;
		bz->init_size = 0;
	}
	if (bz->protocol >= 0x020c)
		bz->xloadflags = le16(buf + BZ_XLOADFLAGS);

	if (bz->relocatable) {
		uint32_t a = bz->kernel_alignment;
		if (!a || (a & (a - 1)) || a > (1u << 30))
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: kernel_alignment 0x%x is not a sane power of two", name, a);
	}
	if (bz->pref_address % 4096)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: pref_address 0x%llx is not page aligned",
			       name, (unsigned long long)bz->pref_address);
	/* The kernel decompresses itself in place and needs init_size bytes
	 * from its load address; it can never be less than the code itself. */
	if (bz->init_size && bz->init_size < bz->pm_size)
		bz->init_size = (uint32_t)bz->pm_size;
	if (!bz->initrd_addr_max)
		bz->initrd_addr_max = 0x37ffffff; /* boot.rst: before 2.03 */
	if (!bz->cmdline_size)
		bz->cmdline_size = 255;
	return 0;
}
