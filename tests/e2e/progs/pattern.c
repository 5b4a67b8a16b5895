/*
 * Fill a page of this process with a recognisable pattern, find its
 * physical address through /proc/self/pagemap, and keep it resident.
 *
 *   pattern TOKEN LO HI
 *
 * Pages are allocated until one lies outside [LO, HI) (kernel B's window);
 * that page holds TOKEN repeated, and its address is printed as
 *   KJ-PATTERN phys=0x... token=TOKEN
 * Then the process sleeps until killed, holding the page (mlock'ed).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uint64_t lo, hi;
	size_t tl;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: pattern TOKEN LO HI\n");
		return 2;
	}
	tl = strlen(argv[1]);
	lo = strtoull(argv[2], NULL, 0);
	hi = strtoull(argv[3], NULL, 0);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || !tl || 4096 % tl) {
		perror("pattern: /proc/self/pagemap (or a token length not dividing 4096)");
		return 1;
	}
	for (int tries = 0; tries < 65536; tries++) {
		unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		uint64_t ent, phys;

		if (p == MAP_FAILED || mlock(p, 4096) < 0) {
			perror("pattern: mmap/mlock");
			return 1;
		}
		for (size_t i = 0; i < 4096; i += tl)
			memcpy(p + i, argv[1], tl);
		if (pread(fd, &ent, sizeof(ent), (off_t)((uintptr_t)p / 4096) * 8) != sizeof(ent) ||
		    !(ent >> 63) || !(ent & ((1ull << 55) - 1))) {
			fprintf(stderr, "pattern: no physical address in pagemap (not root?)\n");
			return 1;
		}
		phys = (ent & ((1ull << 55) - 1)) * 4096;
		if (phys >= lo && phys < hi)
			continue; /* inside B's window: keep it, try another */
		printf("KJ-PATTERN phys=0x%" PRIx64 " token=%s\n", phys, argv[1]);
		fflush(stdout);
		for (;;)
			pause();
	}
	fprintf(stderr, "pattern: every page landed in [0x%" PRIx64 ", 0x%" PRIx64 ")\n", lo, hi);
	return 1;
}
