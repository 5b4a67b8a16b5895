/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An old kernel's physical memory, simulated for the unit tests of kdump's
 * readers (test-freepages, test-dmesg): SIM_MEM_SIZE bytes from address 0,
 * as a struct oldmem (simmem) whose reads fail outside it and inside any
 * of sim.holes.  The including test defines SIM_MEM_SIZE and runs each
 * case between sim_setup and sim_teardown (cmocka fixtures).
 * sim_write_core writes the simulated memory out as an ELF core file (the
 * form kdump reads: /proc/vmcore, a saved image).
 */
#ifndef KJ_TEST_SIM_MEM_H
#define KJ_TEST_SIM_MEM_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "freepages.h" /* struct oldmem */
#include "save.h"      /* kdump_save, for sim_save */

#ifndef SIM_MEM_SIZE
#error "define SIM_MEM_SIZE before including sim-mem.h"
#endif

struct sim_hole {
	uint64_t start, end; /* [start, end) is unreadable */
};

static struct sim {
	unsigned char *mem;
	struct sim_hole holes[8];
	int nholes;
	unsigned reads; /* calls of sim_read, for tests that count them */
} sim;

static int sim_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct sim *s = ctx;

	s->reads++;
	if (paddr >= SIM_MEM_SIZE || len > SIM_MEM_SIZE - paddr)
		return -1;
	for (int i = 0; i < s->nholes; i++)
		if (paddr < s->holes[i].end && paddr + len > s->holes[i].start)
			return -1;
	memcpy(buf, s->mem + paddr, len);
	return 0;
}

static const struct oldmem simmem = { sim_read, &sim };

static int sim_setup(void **state)
{
	(void)state;
	memset(&sim, 0, sizeof(sim));
	sim.mem = calloc(1, SIM_MEM_SIZE);
	return sim.mem ? 0 : -1;
}

static int sim_teardown(void **state)
{
	(void)state;
	free(sim.mem);
	sim.mem = NULL;
	return 0;
}

/* Store the n low bytes of v at pa, little-endian. */
static void sim_put(uint64_t pa, uint64_t v, unsigned n)
{
	assert_true(pa + n <= SIM_MEM_SIZE);
	for (unsigned i = 0; i < n; i++)
		sim.mem[pa + i] = (unsigned char)(v >> (8 * i));
}

struct sim_seg {
	uint64_t paddr, filesz, memsz; /* a PT_LOAD of sim_write_core */
};

/* Append an ELF note (name, type, desc) at buf + *len. */
static void sim_note(uint8_t *buf, size_t *len, const char *name, uint32_t type,
		     const void *desc, size_t dl)
{
	uint32_t nl = (uint32_t)strlen(name) + 1;

	memcpy(buf + *len, &nl, 4);
	memcpy(buf + *len + 4, &(uint32_t){ (uint32_t)dl }, 4);
	memcpy(buf + *len + 8, &type, 4);
	memset(buf + *len + 12, 0, ((nl + 3) & ~3u) + ((dl + 3) & ~3u));
	memcpy(buf + *len + 12, name, nl);
	memcpy(buf + *len + 12 + ((nl + 3) & ~3u), desc, dl);
	*len += 12 + ((nl + 3) & ~3u) + ((dl + 3) & ~3u);
}

/*
 * Write the simulated memory as an ELF core (ELF64 or ELF32, e_machine
 * machine) into a new file mkstemp makes from tmpl: a PT_NOTE holding the
 * nlen bytes of notes (at most 4096), then the PT_LOADs, each with the
 * filesz bytes at its paddr.  Returns the file's name (malloc'ed).
 */
static char *sim_write_core(const char *tmpl, bool elf64, uint16_t machine, const uint8_t *notes,
			    size_t nlen, const struct sim_seg *segs, int nseg)
{
	char *path = strdup(tmpl);
	uint8_t hdr[4096];
	size_t ehsz = elf64 ? 64 : 52, phsz = elf64 ? 56 : 32;
	uint64_t off, data_off = 8192;
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, ELFMAG, SELFMAG);
	hdr[EI_CLASS] = elf64 ? ELFCLASS64 : ELFCLASS32;
	hdr[EI_DATA] = ELFDATA2LSB;
	hdr[EI_VERSION] = EV_CURRENT;
	{
		uint16_t type = ET_CORE;
		uint16_t ehsize = (uint16_t)ehsz, phentsize = (uint16_t)phsz;
		uint16_t phnum = (uint16_t)(nseg + 1);
		uint32_t version = EV_CURRENT;

		memcpy(hdr + 16, &type, 2);
		memcpy(hdr + 18, &machine, 2);
		memcpy(hdr + 20, &version, 4);
		if (elf64) {
			uint64_t phoff = ehsz;

			memcpy(hdr + 32, &phoff, 8);
			memcpy(hdr + 52, &ehsize, 2);
			memcpy(hdr + 54, &phentsize, 2);
			memcpy(hdr + 56, &phnum, 2);
		} else {
			uint32_t phoff = (uint32_t)ehsz;

			memcpy(hdr + 28, &phoff, 4);
			memcpy(hdr + 40, &ehsize, 2);
			memcpy(hdr + 42, &phentsize, 2);
			memcpy(hdr + 44, &phnum, 2);
		}
	}
	/* PT_NOTE, then the PT_LOADs, data from data_off on */
	off = data_off;
	for (int i = 0; i <= nseg; i++) {
		uint8_t *ph = hdr + ehsz + (size_t)i * phsz;
		uint32_t ptype = i ? PT_LOAD : PT_NOTE;
		uint64_t o = i ? off : 4096, pa = i ? segs[i - 1].paddr : 0;
		uint64_t fs = i ? segs[i - 1].filesz : nlen, ms = i ? segs[i - 1].memsz : nlen;

		if (elf64) {
			memcpy(ph, &ptype, 4);
			memcpy(ph + 8, &o, 8);
			memcpy(ph + 24, &pa, 8);
			memcpy(ph + 32, &fs, 8);
			memcpy(ph + 40, &ms, 8);
		} else {
			uint32_t v[8] = { ptype, (uint32_t)o, 0, (uint32_t)pa, (uint32_t)fs,
					  (uint32_t)ms, 7, 4096 };

			memcpy(ph, v, sizeof(v));
		}
		if (i)
			off += fs;
	}
	assert_true(ehsz + (nseg + 1) * phsz <= 4096 && nlen <= 4096);
	assert_int_equal(pwrite(fd, hdr, sizeof(hdr), 0), (ssize_t)sizeof(hdr));
	assert_int_equal(pwrite(fd, notes, nlen, 4096), (ssize_t)nlen);
	off = data_off;
	for (int i = 0; i < nseg; i++) {
		assert_true(segs[i].paddr + segs[i].filesz <= SIM_MEM_SIZE);
		assert_int_equal(pwrite(fd, sim.mem + segs[i].paddr, segs[i].filesz, (off_t)off),
				 (ssize_t)segs[i].filesz);
		off += segs[i].filesz;
	}
	close(fd);
	return path;
}

/* kdump save of the core file core with options o (from and out are
 * filled in) into an image in a new directory; returns the image's name
 * (malloc'ed) for sim_save_remove.  A failed save fails the test. */
static char *sim_save(const char *core, struct save_opts o, struct save_stats *st)
{
	char dir[] = "/tmp/kj-sim-save-XXXXXX", *img;
	struct kj_error err = { 0, "" };

	assert_non_null(mkdtemp(dir));
	img = malloc(sizeof(dir) + sizeof("/image.elf"));
	assert_non_null(img);
	snprintf(img, sizeof(dir) + sizeof("/image.elf"), "%s/image.elf", dir);
	o.from = core;
	o.out = img;
	if (kdump_save(&o, st, &err) < 0)
		fail_msg("kdump_save(%s): %s", core, err.msg);
	return img;
}

/* Remove the image sim_save wrote, and its directory. */
static void sim_save_remove(char *img)
{
	assert_int_equal(unlink(img), 0);
	*strrchr(img, '/') = '\0';
	assert_int_equal(rmdir(img), 0);
	free(img);
}

#endif
