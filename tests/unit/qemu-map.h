/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory map of a 512 MiB QEMU pc guest, for the unit tests and the
 * fuzz targets that plan a load (no test framework needed here). */
#ifndef KJ_TEST_QEMU_MAP_H
#define KJ_TEST_QEMU_MAP_H

#include <string.h>

#include "memmap.h"

/* The E820 map SeaBIOS gives a 512 MiB QEMU pc guest. */
static inline void fixture_qemu_map(struct memmap *mm)
{
	memset(mm, 0, sizeof(*mm));
	memmap_add(mm, range_from_inclusive(0, 0x9fbff), KJ_MEM_RAM);
	memmap_add(mm, range_from_inclusive(0x9fc00, 0x9ffff), KJ_MEM_RESERVED);
	memmap_add(mm, range_from_inclusive(0xf0000, 0xfffff), KJ_MEM_RESERVED);
	memmap_add(mm, range_from_inclusive(0x100000, 0x1ffdffff), KJ_MEM_RAM);
	memmap_add(mm, range_from_inclusive(0x1ffe0000, 0x1fffffff), KJ_MEM_RESERVED);
	memmap_add(mm, range_from_inclusive(0xfffc0000, 0xffffffff), KJ_MEM_RESERVED);
}

#endif
