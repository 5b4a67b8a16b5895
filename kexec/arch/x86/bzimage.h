/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bzImage (Linux/x86 boot protocol 2.x) parsing: a pure function over bytes. */
#ifndef KJ_BZIMAGE_H
#define KJ_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

/* Offsets in the file (= in boot_params), Documentation/arch/x86/boot.rst */
#define BZ_SETUP_SECTS      0x1f1
#define BZ_SYSSIZE          0x1f4
#define BZ_BOOT_FLAG        0x1fe
#define BZ_JUMP             0x200
#define BZ_HEADER           0x202
#define BZ_VERSION          0x206
#define BZ_TYPE_OF_LOADER   0x210
#define BZ_LOADFLAGS        0x211
#define BZ_CODE32_START     0x214
#define BZ_RAMDISK_IMAGE    0x218
#define BZ_RAMDISK_SIZE     0x21c
#define BZ_CMD_LINE_PTR     0x228
#define BZ_INITRD_ADDR_MAX  0x22c
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE      0x234
#define BZ_MIN_ALIGNMENT    0x235
#define BZ_XLOADFLAGS       0x236
#define BZ_CMDLINE_SIZE     0x238
#define BZ_PAYLOAD_OFFSET   0x248
#define BZ_PAYLOAD_LENGTH   0x24c
#define BZ_SETUP_DATA       0x250
#define BZ_PREF_ADDRESS     0x258
#define BZ_INIT_SIZE        0x260
#define BZ_HEADER_END_MAX   0x290 /* end of the setup_header area in boot_params */

#define BZ_LOADED_HIGH      0x01
#define XLF_KERNEL_64                 0x01
#define XLF_CAN_BE_LOADED_ABOVE_4G    0x02
#define XLF_EFI_KEXEC                 0x10 /* can take the EFI state from kexec (2.12) */

/* Oldest protocol we load: 2.06 brought cmdline_size (Linux 2.6.22). */
#define BZ_MIN_PROTOCOL 0x0206

struct bzimage {
	uint16_t protocol;
	size_t setup_size;         /* bytes of real-mode setup incl. boot sector */
	const uint8_t *setup;      /* the file's first setup_size bytes */
	const uint8_t *pm;         /* protected-mode code: file + setup_size */
	size_t pm_size;
	size_t header_end;         /* end of the setup header to copy into boot_params */
	uint8_t loadflags;
	uint16_t xloadflags;
	bool relocatable;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;        /* memory the kernel needs from its load address */
	uint32_t initrd_addr_max;  /* highest address the initrd may end at (inclusive) */
	uint32_t cmdline_size;     /* max command line length without the NUL */
	uint32_t payload_offset;   /* of the compressed vmlinux, within pm */
	uint32_t payload_length;
};

/* Parse a bzImage held in buf.  name is used in error messages.  Every
 * length the header promises is checked against len. */
int bzimage_parse(const uint8_t *buf, size_t len, const char *name, struct bzimage *bz,
		  struct kj_error *err);
/* True if buf looks like a bzImage at all (boot flag and HdrS). */
bool bzimage_probe(const uint8_t *buf, size_t len);

#endif
