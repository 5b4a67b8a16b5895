/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System facts, read once before planning by kj_sysinfo_read() (the only
 * stage that reads /proc, /sys, CPUID, the CPU set and the random pool
 * for loading; efi.c's reader for the firmware's EFI state): the planner
 * after it is a pure function of the options,
 * these facts and the input bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "exitcodes.h"
#include "kcore.h"
#include "plan.h"
#include "purgatory.h"
#include "sha256.h"
#include "sysinfo.h"

static int read_text(const char *path, char **out)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return -1;
	n = getline(&buf, &cap, f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return -1;
	}
	buf[strcspn(buf, "\n")] = '\0';
	*out = buf;
	return 0;
}

static uint64_t meminfo_total_pages(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 4;
}

/* /sys/kernel/vmcoreinfo: "ADDR SIZE" in hex, the ELF note the kernel keeps
 * describing itself for dump tools. */
static void read_vmcoreinfo(struct kj_sysinfo *s)
{
	char *line = NULL;
	unsigned long long addr, size;

	if (read_text("/sys/kernel/vmcoreinfo", &line) < 0)
		return;
	if (sscanf(line, "%llx %llx", &addr, &size) == 2 && size) {
		s->vmcoreinfo_addr = addr;
		s->vmcoreinfo_size = size;
	}
	free(line);
}

/* Fresh bytes for the new kernel's RNG seed (setup_data). */
static int read_random(uint8_t *p, size_t len, struct kj_error *err)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(p + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kj_fail(err, KJ_EXIT_FAILURE, "getrandom: %s", strerror(errno));
		got += (size_t)n;
	}
	return 0;
}

int kj_sysinfo_read(struct kj_sysinfo *s, bool need_cmdline, bool need_seed,
		    struct kj_error *err)
{
	struct utsname u;

	memset(s, 0, sizeof(*s));
	if (uname(&u) < 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "uname: %s", strerror(errno));
	if (arch_from_machine(u.machine, &s->arch) < 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "running kernel's architecture '%s' is not supported",
			       u.machine);
	if (memmap_read_system(&s->mm, &s->mm_source, err) < 0)
		return -1;
	s->ram_pages = meminfo_total_pages();
	read_vmcoreinfo(s);
	if (!s->ram_pages)
		s->ram_pages = memmap_bytes_of_type(&s->mm, KJ_MEM_RAM) / KJ_PAGE_SIZE;
	s->cpus = purgatory_digest_threads();
	s->sha_ni = sha256_impl() == SHA256_IMPL_SHANI;
	if (need_seed && read_random(s->rng_seed, sizeof(s->rng_seed), err) < 0) {
		memmap_free(&s->mm);
		return -1;
	}
	if (efi_read_tree("", &s->efi, err) < 0) {
		memmap_free(&s->mm);
		return -1;
	}
	if (need_cmdline && read_text("/proc/cmdline", &s->proc_cmdline) < 0) {
		memmap_free(&s->mm);
		efi_free(&s->efi);
		return kj_fail(err, KJ_EXIT_FAILURE, "--reuse-cmdline: cannot read /proc/cmdline: %s",
			       strerror(errno));
	}
	return 0;
}

/* fd's bytes [have, want) into *buf, grown to want, or up to the file's
 * end; how many it holds then, or -1 with errno. */
static ssize_t read_upto(int fd, uint8_t **buf, size_t have, size_t want)
{
	uint8_t *b = realloc(*buf, want);

	if (!b)
		return -1;
	*buf = b;
	while (have < want) {
		ssize_t n = pread(fd, b + have, want - have, (off_t)have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

/*
 * /proc/kcore's start, as much as kcore_vmcoreinfo() asks for (it stops at
 * KCORE_HEAD_MAX): the headers and the notes, never the memory after them.
 * Reading it takes CAP_SYS_RAWIO and no lockdown of confidentiality level.
 */
void kj_sysinfo_read_jump(struct kj_sysinfo *s)
{
	static const char path[] = "/proc/kcore";
	struct kj_error err = { 0, "" };
	uint8_t *buf = NULL;
	const uint8_t *text;
	size_t len = 0, need = 16 * 1024, tl;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 1;

	if (fd < 0) {
		snprintf(s->vmcoreinfo_why, sizeof(s->vmcoreinfo_why), "%s: %s", path, strerror(errno));
		return;
	}
	for (;;) {
		size_t want = need;
		ssize_t got = read_upto(fd, &buf, len, want);

		if (got < 0) {
			snprintf(s->vmcoreinfo_why, sizeof(s->vmcoreinfo_why), "%s: %s", path,
				 strerror(errno));
			break;
		}
		len = (size_t)got;
		rc = kcore_vmcoreinfo(buf, len, path, &text, &tl, &need, &err);
		if (rc < 0)
			snprintf(s->vmcoreinfo_why, sizeof(s->vmcoreinfo_why), "%s", err.msg);
		if (rc != 1)
			break;
		if (len < want) { /* the file ended, and more is needed */
			snprintf(s->vmcoreinfo_why, sizeof(s->vmcoreinfo_why),
				 "%s: truncated (%zu bytes, its headers and notes take %zu)", path, len,
				 need);
			rc = -1;
			break;
		}
	}
	if (rc == 0) {
		s->vmcoreinfo_text = malloc(tl);
		if (s->vmcoreinfo_text) {
			memcpy(s->vmcoreinfo_text, text, tl);
			s->vmcoreinfo_text_len = tl;
		} else {
			snprintf(s->vmcoreinfo_why, sizeof(s->vmcoreinfo_why), "out of memory");
		}
	}
	free(buf);
	close(fd);
}

/*
 * For a crash kernel: the "Crash kernel" regions of /proc/iomem (crashkernel=
 * reserved them; a ,low one may come with the main one) and each CPU's
 * crash notes (/sys/devices/system/cpu/cpuN/crash_notes: the physical
 * address of the note buffer the kernel fills at panic; crash_notes_size).
 */
int kj_sysinfo_read_crash(struct kj_sysinfo *s, struct kj_error *err)
{
	struct iomem io;
	FILE *f = fopen("/proc/iomem", "re");

	if (!f)
		return kj_fail(err, KJ_EXIT_FAILURE, "/proc/iomem: %s", strerror(errno));
	if (iomem_parse(f, "/proc/iomem", &io, err) < 0) {
		fclose(f);
		return -1;
	}
	fclose(f);
	for (size_t i = 0; i < io.n && s->ncrash < KJ_MAX_CRASH_REGIONS; i++)
		if (!strcmp(io.e[i].name, "Crash kernel") && io.e[i].r.size)
			s->crash[s->ncrash++] = io.e[i].r;
	iomem_free(&io);
	for (unsigned cpu = 0; s->ncpu_notes < KJ_MAX_CPUS; cpu++) {
		char path[96], *line = NULL;
		unsigned long long addr, size = 0;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes", cpu);
		if (read_text(path, &line) < 0)
			break;
		if (sscanf(line, "%llx", &addr) != 1)
			addr = 0;
		free(line);
		line = NULL;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes_size", cpu);
		if (read_text(path, &line) == 0 && sscanf(line, "%llu", &size) != 1)
			size = 0;
		free(line);
		if (addr && size)
			s->cpu_notes[s->ncpu_notes++] = range_make(addr, size);
	}
	return 0;
}

void kj_sysinfo_read_disks(struct kj_sysinfo *s)
{
	struct kj_error err = { 0, "" };
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	char line[64];

	/* "1b4e28ba-2fa1-11d2-883f-0016d3cca427": 32 hex digits and dashes */
	if (f && fgets(line, sizeof(line), f)) {
		unsigned k = 0;

		for (const char *p = line; *p && k < 32; p++) {
			int v = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

			if (v < 0)
				continue;
			s->boot_id[k / 2] |= (uint8_t)(k % 2 ? v : v << 4);
			k++;
		}
	}
	if (f)
		fclose(f);
	s->now = (int64_t)time(NULL);
	if (fs_scan("", &s->disks, &err) < 0)
		snprintf(s->disks_why, sizeof(s->disks_why), "%s", err.msg);
	else
		s->disks_read = true;
}

void kj_sysinfo_free(struct kj_sysinfo *s)
{
	fs_list_free(&s->disks);
	memmap_free(&s->mm);
	efi_free(&s->efi);
	free(s->proc_cmdline);
	free(s->vmcoreinfo_text);
	memset(s, 0, sizeof(*s));
}
