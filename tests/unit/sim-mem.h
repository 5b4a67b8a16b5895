/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An old kernel's physical memory, simulated for the unit tests of kdump's
 * readers (test-freepages, test-dmesg): SIM_MEM_SIZE bytes from address 0,
 * as a struct oldmem (simmem) whose reads fail outside it and inside any
 * of sim.holes.  The including test defines SIM_MEM_SIZE and runs each
 * case between sim_setup and sim_teardown (cmocka fixtures).
 */
#ifndef KJ_TEST_SIM_MEM_H
#define KJ_TEST_SIM_MEM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "freepages.h" /* struct oldmem */

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

#endif
