/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's memory map, as the firmware gave it (/sys/firmware/memmap)
 * or as the running kernel shows it (/proc/iomem).  Parsers read streams
 * and strings so tests can feed them text.
 */
#ifndef KJ_MEMMAP_H
#define KJ_MEMMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kj-error.h"
#include "range.h"

/* The kinds of memory a map holds, numbered as the firmware's address
 * range types (ACPI's, E820's on x86): what /sys/firmware/memmap names,
 * boot_params.e820_table carries and the saved image's memory-map note
 * (kdump-image.h) records. */
#define KJ_MEM_RAM           1
#define KJ_MEM_RESERVED      2
#define KJ_MEM_ACPI          3
#define KJ_MEM_NVS           4
#define KJ_MEM_UNUSABLE      5
#define KJ_MEM_PMEM          7
#define KJ_MEM_PRAM          12
#define KJ_MEM_SOFT_RESERVED 0xefffffff

struct mem_entry {
	struct range r;
	uint32_t type;
};

struct memmap {
	struct mem_entry *e;
	size_t n, cap;
};

/* The body runs for each RAM entry of m in turn, m->e[i]. */
#define memmap_for_each_ram(m, i)                                  \
	for (size_t i = 0; i < (m)->n; i++)                        \
		if ((m)->e[i].type != KJ_MEM_RAM) {                \
		} else

/* Where the highest RAM of m ends (0 without RAM). */
uint64_t memmap_ram_top(const struct memmap *m);

/* One line of /proc/iomem. */
struct iomem_entry {
	struct range r;
	unsigned depth;  /* indentation level: 0 = top level */
	char name[64];
};

struct iomem {
	struct iomem_entry *e;
	size_t n, cap;
};

int memmap_add(struct memmap *m, struct range r, uint32_t type);
void memmap_sort(struct memmap *m);
void memmap_free(struct memmap *m);
uint64_t memmap_bytes_of_type(const struct memmap *m, uint32_t type);

/* "System RAM" -> KJ_MEM_RAM …; unknown names are KJ_MEM_RESERVED. */
uint32_t memmap_type_from_name(const char *name);
const char *memmap_type_name(uint32_t type);

/* Parse /proc/iomem text.  name is used in messages. */
int iomem_parse(FILE *in, const char *name, struct iomem *out, struct kj_error *err);
void iomem_free(struct iomem *io);
/* The top-level entries of /proc/iomem as a memory map. */
int memmap_from_iomem(const struct iomem *io, struct memmap *out, struct kj_error *err);

/* One /sys/firmware/memmap/N entry from the text of its three files. */
int memmap_parse_firmware_entry(const char *start, const char *end, const char *type,
				struct mem_entry *out);
/* Read a /sys/firmware/memmap-style directory. */
int memmap_read_firmware_dir(const char *dir, struct memmap *out, struct kj_error *err);

/* The running system's map: /sys/firmware/memmap, else /proc/iomem.
 * *source is set to the path used. */
int memmap_read_system(struct memmap *out, const char **source, struct kj_error *err);

#endif
