/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump save: read kernel A's memory from an ELF core (/proc/vmcore in
 * kernel B) once, sequentially, in large chunks, and write an ELF image
 * kexec -l --args-none can load:
 *
 *   - a page that is all zero is not written: it ends up in a PT_LOAD's
 *     p_memsz beyond p_filesz (restored as zeros);
 *   - a page free in A (found through VMCOREINFO, kdump/freepages.c) is not
 *     recorded at all: no PT_LOAD covers it;
 *   - everything else is data, written in source order.
 *
 * Layout of the image: the ELF header at 0, the data from 4096 on (page
 * aligned, so a loader can map it), then the notes (KEXECJMP image note,
 * the machine's memory map, VMCOREINFO) and the program headers, whose
 * number is only known at the end.  The file is written under a temporary
 * name in the target directory, fsync'ed and renamed: an error or a signal
 * leaves nothing under the final name.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "core.h"
#include "elfcore.h"
#include "exitcodes.h"
#include "freepages.h"
#include "image-check.h"
#include "kdump-image.h"
#include "le.h"
#include "memmap.h"
#include "range.h"
#include "save.h"
#include "sha256.h"
#include "oldmem.h"
#include "swapmap.h"
#include "vmcoreinfo.h"

#define PAGE 4096u
#define CHUNK (4u << 20)   /* read and write in 4 MiB pieces */
/* Program headers follow the ELF header, as makedumpfile and other dump
 * readers expect; room for them is reserved before the data (see
 * phdr_budget()). */
#define PHDRS_MAX (PN_XNUM - 1)

/* The signal that stopped the save (-1: kdump_save_interrupt()), or 0. */
static volatile sig_atomic_t interrupted;
/* The temporary file while it exists, for the signal handler to remove. */
static char *volatile cleanup_path;

void kdump_save_interrupt(void)
{
	interrupted = -1;
}

/*
 * Every signal whose default action ends the process.  Asynchronous ones
 * stop the save at its next check (a page at most, in every long loop);
 * a second one, or a fault (the save cannot go on after it), removes the
 * temporary file here and ends the process by the signal, as it would
 * have ended.  unlink, signal and raise are async-signal-safe.
 */
static bool fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGABRT || sig == SIGSYS || sig == SIGTRAP;
}

static void on_signal(int sig)
{
	if (interrupted || fault_signal(sig)) {
		char *p = cleanup_path;

		if (p)
			unlink(p);
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	interrupted = sig;
}

void kdump_save_signals(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		/* stopped, ignored by default, or not ours to catch */
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD || sig == SIGCONT ||
		    sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU || sig == SIGURG ||
		    sig == SIGWINCH || (sig >= 32 && sig < SIGRTMIN))
			continue;
		/* an ignored signal stays ignored (nohup), a sanitizer's handler stays */
		if (sigaction(sig, NULL, &old) < 0 || old.sa_handler != SIG_DFL ||
		    (old.sa_flags & SA_SIGINFO))
			continue;
		sigaction(sig, &sa, NULL);
	}
}

/* "IMAGE: interrupted by SIGTERM: not saved" */
static int fail_interrupted(const struct save_opts *o, struct kj_error *err)
{
	int sig = interrupted;
	const char *name = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (sig > 0 && name)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: interrupted by SIG%s: not saved", o->out, name);
	if (sig > 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: interrupted by signal %d: not saved", o->out, sig);
	return kj_fail(err, KJ_EXIT_FAILURE, "%s: interrupted: not saved", o->out);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------- bounds */

/* Started by kexec -p: no kexec_jump_back_entry=, and not resumable. */
static bool crash_kernel(void);

/*
 * Before anything walks the core page by page: its PT_LOADs must fit in
 * the memory of the machine it was taken on, as its memory-map note
 * describes it, else as this machine's map does (a core from elsewhere
 * cannot be resumed here anyway).  A capture kernel's own map describes
 * its crash region only, so /proc/vmcore there goes unchecked (the
 * kernel built it from the crashed kernel's map); so does a core when no
 * map can be read.  Each walk stops at a signal, checked or not.
 */
static int check_core_size(const struct save_opts *o, const struct core *c, struct kj_error *err)
{
	struct memmap mm = { NULL, 0, 0 };
	const char *source = NULL;
	char map[128];
	uint64_t top = kdump_memmap_top(c->notes, c->notes_len);

	if (top)
		return kdump_loads_fit(c, o->from, top, "its memory-map note", err);
	if (!strcmp(o->from, "/proc/vmcore") && crash_kernel())
		return 0;
	if (memmap_read_system(&mm, &source, NULL) < 0)
		return 0;
	for (size_t i = 0; i < mm.n; i++) {
		uint64_t end = mm.e[i].r.start + mm.e[i].r.size;

		if (end > top)
			top = end < mm.e[i].r.start ? UINT64_MAX : end;
	}
	memmap_free(&mm);
	if (!top)
		return 0; /* /proc/iomem without the addresses (not root) */
	snprintf(map, sizeof(map), "this machine's map (%s; the core has no memory-map note)", source);
	return kdump_loads_fit(c, o->from, top, map, err);
}

/* An oldmem reader over the core that fails once a signal came: the
 * swap-list and free-page walks end at the next read. */
static int core_mem_read_intr(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	if (interrupted)
		return -1;
	return core_mem_read(ctx, paddr, buf, len);
}

/* ---------------------------------------------------------- free pages */

struct bitmap {
	uint64_t *w;
	uint64_t npfn;
};

static void mark_free(void *ctx, uint64_t pfn, uint64_t count)
{
	struct bitmap *b = ctx;

	for (uint64_t p = pfn; p < pfn + count && p < b->npfn; p++)
		b->w[p / 64] |= 1ull << (p % 64);
}

static bool is_free(const struct bitmap *b, uint64_t pfn)
{
	return b->w && pfn < b->npfn && (b->w[pfn / 64] >> (pfn % 64)) & 1;
}

static int find_free_pages(int fd, const struct core *c, const struct swapmap *swap,
			   struct bitmap *b, struct kj_error *err)
{
	const uint8_t *desc;
	size_t dl;
	struct vmcoreinfo vi;
	/* After a kexec jump A's kernel usually lies in B's window: read those
	 * pages where the swap put A's contents. */
	struct core_mem mc = { fd, c, swap };
	struct oldmem mem = { core_mem_read_intr, &mc };
	uint64_t top = 0;
	int rc;

	if (core_find_note(c->notes, c->notes_len, "VMCOREINFO", 0, &desc, &dl) < 0 ||
	    vmcoreinfo_parse((const char *)desc, dl, &vi, err) < 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "no usable VMCOREINFO note: free pages cannot be found");
	for (size_t i = 0; i < c->nloads; i++)
		if (c->loads[i].paddr + c->loads[i].memsz > top)
			top = c->loads[i].paddr + c->loads[i].memsz;
	for (size_t i = 0; swap && i < swap->n; i++)
		if (swap->dest[i] + PAGE > top)
			top = swap->dest[i] + PAGE;
	b->npfn = (top + PAGE - 1) / PAGE;
	b->w = calloc((b->npfn + 63) / 64, sizeof(uint64_t));
	if (!b->w) {
		vmcoreinfo_free(&vi);
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory for the free-page map");
	}
	/* the old kernel's word size is its machine's, not the ELF class (an
	 * i386 kernel with RAM above 4 GiB gets an ELF64 header) */
	rc = freepages_walk(&vi, c->machine == EM_X86_64, &mem, b->npfn, mark_free, b, err);
	vmcoreinfo_free(&vi);
	if (rc < 0) {
		free(b->w);
		b->w = NULL;
	}
	return rc;
}

/* ---------------------------------------------------------- the writer */

struct writer {
	int fd;
	const char *name;
	uint64_t off;            /* next file offset */
	uint8_t *buf;
	size_t len;
	struct sha256_ctx sha;
	struct kj_error *err;
};

static int w_flush(struct writer *w)
{
	size_t at = 0;

	while (at < w->len) {
		ssize_t n = pwrite(w->fd, w->buf + at, w->len - at, (off_t)(w->off - w->len + at));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kj_fail(w->err, KJ_EXIT_FAILURE, "%s: write failed: %s%s", w->name,
				       strerror(errno),
				       errno == ENOSPC ? " (the image does not fit on that file system)" : "");
		at += (size_t)n;
	}
	w->len = 0;
	return 0;
}

static int w_data(struct writer *w, const void *p, size_t n, bool hash)
{
	const uint8_t *b = p;

	if (hash)
		sha256_update(&w->sha, p, n);
	while (n) {
		size_t room = CHUNK - w->len, k = n < room ? n : room;
		memcpy(w->buf + w->len, b, k);
		w->len += k;
		w->off += k;
		b += k;
		n -= k;
		if (w->len == CHUNK && w_flush(w) < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- PT_LOADs out */

struct outloads {
	struct core_load *v;
	size_t n, cap;
	bool open;               /* v[n-1] may still grow */
	size_t zero_runs_left;   /* zero runs that may still be recorded as zeros:
				  * each may cost a program header */
	size_t budget;           /* program headers there is room for */
};

static struct core_load *cur(struct outloads *o)
{
	return o->open ? &o->v[o->n - 1] : NULL;
}

static int open_load(struct outloads *o, uint64_t paddr, uint64_t off, uint64_t vaddr)
{
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 256;
		struct core_load *nv = realloc(o->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		o->v = nv;
		o->cap = nc;
	}
	o->v[o->n++] = (struct core_load){ off, paddr, 0, 0, vaddr };
	o->open = true;
	return 0;
}

/* ---------------------------------------------------------- progress */

static void progress(const struct save_opts *o, uint64_t done, uint64_t total, double t0, bool last)
{
	double t = now() - t0, rate = t > 0 ? (double)done / t : 0;

	if (!o->progress)
		return;
	fprintf(stderr, "\rkdump: %" PRIu64 " of %" PRIu64 " MiB, %.0f MiB/s, %.0f s left   ",
		done >> 20, total >> 20, rate / (1 << 20),
		rate > 0 ? (double)(total - done) / rate : 0.0);
	if (last)
		fputc('\n', stderr);
}

/* ---------------------------------------------------------- save */

static bool all_zero(const uint8_t *p, size_t n)
{
	const uint64_t *q = (const uint64_t *)p;
	size_t i;

	for (i = 0; i < n / 8; i++)
		if (q[i])
			return false;
	for (i *= 8; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* One page (or the partial page at a range's end) of A's memory at paddr:
 * left out when free, recorded as zero, or written as data. */
static int emit_page(const struct save_opts *o, const struct bitmap *freemap, struct writer *w,
		     struct outloads *ol, struct save_stats *st, uint64_t paddr, uint64_t vaddr,
		     const uint8_t *data, size_t k, struct kj_error *err)
{
	struct core_load *cl;

	if (k == PAGE && is_free(freemap, paddr / PAGE)) {
		ol->open = false;
		st->free_bytes += k;
	} else if (o->exclude_zero && all_zero(data, k) &&
		   ((cl = cur(ol)) && cl->paddr + cl->memsz == paddr && cl->memsz != cl->filesz ?
			    true /* the zero run goes on */ :
			    ol->zero_runs_left ? (ol->zero_runs_left--, true) : false)) {
		/* (when the budget of program headers is spent, zeros are data) */
		cl = cur(ol);
		if (!cl || cl->paddr + cl->memsz != paddr) {
			if (open_load(ol, paddr, w->off, vaddr) < 0)
				return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
			cl = cur(ol);
		}
		cl->memsz += k;
		st->zero_bytes += k;
	} else {
		cl = cur(ol);
		/* data after zeros, or not contiguous: a new PT_LOAD */
		if (!cl || cl->memsz != cl->filesz || cl->paddr + cl->memsz != paddr) {
			if (open_load(ol, paddr, w->off, vaddr) < 0)
				return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
			cl = cur(ol);
		}
		if (w_data(w, data, k, true) < 0)
			return -1;
		cl->filesz += k;
		cl->memsz += k;
		st->data_bytes += k;
	}
	return 0;
}

static int copy_loads(int in, const struct core *c, const struct bitmap *freemap,
		      const struct save_opts *o, struct writer *w, struct outloads *ol,
		      struct save_stats *st, struct kj_error *err)
{
	uint8_t *chunk = malloc(CHUNK);
	uint64_t done = 0, last_shown = 0;
	double t0 = now();

	if (!chunk)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < c->nloads; i++) {
		const struct core_load *l = &c->loads[i];
		uint64_t pos = 0;

		ol->open = false;
		while (pos < l->memsz) {
			size_t n = CHUNK, have;
			uint64_t skip = 0;

			/* free pages are left out unread: reading /proc/vmcore
			 * is most of the cost */
			while (!((l->paddr + pos + skip) % PAGE) && l->memsz - pos - skip >= PAGE &&
			       is_free(freemap, (l->paddr + pos + skip) / PAGE))
				skip += PAGE;
			if (skip) {
				ol->open = false;
				st->free_bytes += skip;
				pos += skip;
				done += skip;
				continue;
			}
			if (n > l->memsz - pos)
				n = (size_t)(l->memsz - pos);
			/* and stop reading where free pages begin */
			for (uint64_t b = align_up(l->paddr + pos + 1, PAGE) - (l->paddr + pos); b < n;
			     b += PAGE)
				if (n - b >= PAGE && is_free(freemap, (l->paddr + pos + b) / PAGE)) {
					n = (size_t)b;
					break;
				}
			/* bytes beyond p_filesz are zero in the source too */
			have = pos < l->filesz ? (size_t)(l->filesz - pos < n ? l->filesz - pos : n) : 0;
			if (have && pread(in, chunk, have, (off_t)(l->offset + pos)) != (ssize_t)have) {
				free(chunk);
				return kj_fail(err, KJ_EXIT_BADFILE, "%s: read error at 0x%" PRIx64 ": %s",
					       o->from, l->paddr + pos, strerror(errno));
			}
			memset(chunk + have, 0, n - have);
			for (size_t at = 0; at < n;) {
				uint64_t paddr = l->paddr + pos + at;
				/* up to the next page boundary of the physical address */
				size_t k = (size_t)(align_up(paddr + 1, PAGE) - paddr);
				if (k > n - at)
					k = n - at;
				if (interrupted) {
					free(chunk);
					return fail_interrupted(o, err);
				}
				/* the source's virtual address carries over, if any */
				if (emit_page(o, freemap, w, ol, st, paddr,
					      l->vaddr ? l->vaddr + (paddr - l->paddr) : 0, chunk + at,
					      k, err) < 0) {
					free(chunk);
					return -1;
				}
				at += k;
			}
			pos += n;
			done += n;
			if (done - last_shown >= (64u << 20)) {
				progress(o, done, st->total_bytes, t0, false);
				last_shown = done;
			}
		}
	}
	progress(o, done, st->total_bytes, t0, true);
	free(chunk);
	return 0;
}

/*
 * The pages B was given (B's window, lent low memory, the core header):
 * not in the core at their own addresses, but A's contents of each sit in
 * the source page the kernel swapped it with.  Saved at their own
 * addresses, they make the image A's whole memory as A sees it.  Restoring
 * stays right: A's jump-back code swaps each pair again, and both pages
 * then hold A's contents.
 */
static int copy_swapped(int in, const struct core *c, const struct swapmap *swap,
			const struct bitmap *freemap, const struct save_opts *o, struct writer *w,
			struct outloads *ol, struct save_stats *st, struct kj_error *err)
{
	struct core_mem mc = { in, c, NULL };
	uint8_t page[PAGE];

	ol->open = false;
	for (size_t i = 0; i < swap->n; i++) {
		if (interrupted)
			return fail_interrupted(o, err);
		/* The kernel took a page that was free in A as its own source: it
		 * holds B's data and nothing of A's. */
		if (swap->src[i] == swap->dest[i]) {
			ol->open = false;
			continue;
		}
		if (core_mem_read(&mc, swap->src[i], page, PAGE) < 0)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: A's copy of page 0x%" PRIx64 " (at 0x%" PRIx64 ") is not in the dump",
				       o->from, swap->dest[i], swap->src[i]);
		st->total_bytes += PAGE;
		if (emit_page(o, freemap, w, ol, st, swap->dest[i], 0, page, PAGE, err) < 0)
			return -1;
	}
	return 0;
}

/* --exclude=lent: the pages B was given are left out; A's contents of
 * them are in the core at the source pages, and A's jump-back code swaps
 * each pair on resume, bringing them home. */
static void count_lent(const struct swapmap *swap, struct save_stats *st)
{
	for (size_t i = 0; i < swap->n; i++)
		if (swap->src[i] != swap->dest[i])
			st->lent_bytes += PAGE;
}

/*
 * How many program headers the image may need, known before any data is
 * read: one per run of pages that are not left out (free pages split the
 * core's ranges), one per lent page saved on its own, the PT_NOTE, and a
 * share for zero runs (each may split a run once more).  Zero runs beyond
 * that share are saved as data: the count stays bounded, and the headers
 * fit in the room reserved after the ELF header.
 */
#define ZERO_RUNS_MAX 8192u

static int phdr_budget(const struct core *c, const struct bitmap *freemap,
		       const struct save_opts *o, const struct swapmap *swap,
		       struct outloads *ol, struct kj_error *err)
{
	uint64_t runs = 1; /* the PT_NOTE */

	for (size_t i = 0; i < c->nloads; i++) {
		const struct core_load *l = &c->loads[i];
		bool in_run = false;

		for (uint64_t a = align_down(l->paddr, PAGE); a < l->paddr + l->memsz; a += PAGE) {
			bool f = is_free(freemap, a / PAGE) && a >= l->paddr &&
				 a + PAGE <= l->paddr + l->memsz;

			/* a page a step, over all of the memory: a signal is looked
			 * at every 64 Ki pages (256 MiB) */
			if (!(a & ((PAGE << 16) - 1)) && interrupted)
				return fail_interrupted(o, err);

			if (!f && !in_run)
				runs++;
			in_run = !f;
		}
	}
	if (swap && !o->exclude_lent)
		runs += swap->n;
	ol->zero_runs_left = o->exclude_zero ? ZERO_RUNS_MAX : 0;
	runs += ol->zero_runs_left;
	if (runs > PHDRS_MAX) {
		/* fewer zero runs recorded as zeros, down to none */
		uint64_t over = runs - PHDRS_MAX;

		ol->zero_runs_left -= over < ol->zero_runs_left ? over : ol->zero_runs_left;
		runs = PHDRS_MAX;
	}
	ol->budget = (size_t)runs;
	return 0;
}

/* Our image note (what was left out, the entry, the SHA-256 of the data)
 * at the writer's place; *len is its size. */
static int write_image_note(const struct save_opts *o, uint64_t entry, struct writer *w,
			    const struct save_stats *st, uint64_t *len)
{
	struct kj_note_image in;
	uint8_t nb[256];

	memset(&in, 0, sizeof(in));
	put_le32((uint8_t *)&in.version, 1);
	put_le32((uint8_t *)&in.flags, (o->exclude_zero ? KJ_IMAGE_ZERO_EXCLUDED : 0) |
					 (o->exclude_free ? KJ_IMAGE_FREE_EXCLUDED : 0) |
					 (st->lent_bytes ? KJ_IMAGE_LENT_EXCLUDED : 0));
	put_le64((uint8_t *)&in.entry, entry);
	put_le64((uint8_t *)&in.data_bytes, st->data_bytes);
	put_le64((uint8_t *)&in.zero_bytes, st->zero_bytes);
	put_le64((uint8_t *)&in.free_bytes, st->free_bytes);
	sha256_final(&w->sha, in.sha256);
	*len = elfnote_put(nb, KJ_NOTE_NAME, KJ_NOTE_IMAGE, &in, sizeof(in));
	return w_data(w, nb, *len, false) < 0 ? -1 : 0;
}

/* The resume note, "not resumed yet" (the loader fills it in place), and
 * with disks_recorded the disk note; *len grows by what is written. */
static int write_state_notes(const struct save_opts *o, struct writer *w, uint64_t *len)
{
	struct kj_note_resume rn;
	size_t dsz = sizeof(struct kj_note_disks) + o->ndisks * sizeof(struct kj_note_disk), n;
	uint8_t nb[64], *desc, *note;

	memset(&rn, 0, sizeof(rn));
	put_le32((uint8_t *)&rn.version, 1);
	n = elfnote_put(nb, KJ_NOTE_NAME, KJ_NOTE_RESUME, &rn, sizeof(rn));
	if (w_data(w, nb, n, false) < 0)
		return -1;
	*len += n;
	if (!o->disks_recorded)
		return 0;
	desc = calloc(1, dsz);
	note = malloc(elfnote_size(KJ_NOTE_NAME, dsz));
	if (!desc || !note) {
		free(desc);
		free(note);
		return kj_fail(w->err, KJ_EXIT_FAILURE, "out of memory");
	}
	put_le32(desc, 1);
	put_le32(desc + 4, (uint32_t)o->ndisks);
	for (size_t i = 0; i < o->ndisks; i++) {
		uint8_t *e = desc + sizeof(struct kj_note_disks) + i * sizeof(struct kj_note_disk);
		const struct fs_found *f = &o->disks[i];

		put_le32(e, (uint32_t)f->st.type);
		put_le32(e + 4, (uint32_t)f->st.use);
		memcpy(e + 8, f->st.uuid, 16);
		for (unsigned k = 0; k < FS_MARKS; k++)
			put_le64(e + 24 + 8 * k, f->st.mark[k]);
		snprintf((char *)e + 64, 32, "%s", f->dev);
	}
	n = elfnote_put(note, KJ_NOTE_NAME, KJ_NOTE_DISKS, desc, dsz);
	free(desc);
	if (w_data(w, note, n, false) < 0) {
		free(note);
		return -1;
	}
	free(note);
	*len += n;
	return 0;
}

/* A note of ours that a save writes afresh (a re-save of an image). */
static bool ours_rewritten(const uint8_t *note, uint32_t namesz, uint32_t type)
{
	return namesz == sizeof(KJ_NOTE_NAME) && !memcmp(note + 12, KJ_NOTE_NAME, sizeof(KJ_NOTE_NAME)) &&
	       (type == KJ_NOTE_IMAGE || type == KJ_NOTE_RESUME || type == KJ_NOTE_DISKS);
}

/* Every note of the core travels with the image (the CPUs' registers of a
 * crash dump, VMCOREINFO, the machine's memory map), but an old image,
 * resume or disk note of ours: this save's replace them.  *len grows by
 * what is written. */
static int copy_core_notes(const struct core *c, struct writer *w, uint64_t *len)
{
	for (size_t at = 0; c->notes_len - at >= 12;) {
		uint32_t namesz = le32(c->notes + at), descsz = le32(c->notes + at + 4);
		uint32_t type = le32(c->notes + at + 8);
		uint64_t next = 12 + align_up(namesz, 4) + align_up(descsz, 4);

		if (next > c->notes_len - at || (!namesz && !descsz && !type))
			break; /* damaged, or the padding after the last note */
		if (!ours_rewritten(c->notes + at, namesz, type)) {
			if (w_data(w, c->notes + at, (size_t)next, false) < 0)
				return -1;
			*len += next;
		}
		at += (size_t)next;
	}
	return 0;
}

/* The nph program headers, at phoff in the room reserved after the ELF
 * header: the PT_NOTE (notes_off, notes_len), then the PT_LOADs. */
static int write_phdrs(struct writer *w, const struct outloads *ol, size_t nph, uint64_t phoff,
		       uint64_t notes_off, uint64_t notes_len, struct kj_error *err)
{
	size_t phsz = sizeof(Elf64_Phdr);
	uint8_t *ph;

	if (nph > ol->budget)
		return kj_fail(err, KJ_EXIT_FAILURE, "internal error: %zu program headers, room for %zu",
			       nph, ol->budget);
	ph = calloc(nph, phsz);
	if (!ph)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	put_le32(ph, PT_NOTE);
	put_le64(ph + 8, notes_off);
	put_le64(ph + 32, notes_len);
	put_le64(ph + 40, notes_len);
	put_le64(ph + 48, 4);
	for (size_t i = 0; i < ol->n; i++) {
		uint8_t *p = ph + (i + 1) * phsz;
		put_le32(p, PT_LOAD);
		put_le32(p + 4, PF_R | PF_W | PF_X);
		put_le64(p + 8, ol->v[i].filesz ? ol->v[i].offset : 0);
		put_le64(p + 16, ol->v[i].vaddr);
		put_le64(p + 24, ol->v[i].paddr);
		put_le64(p + 32, ol->v[i].filesz);
		put_le64(p + 40, ol->v[i].memsz);
		put_le64(p + 48, PAGE);
	}
	if (pwrite(w->fd, ph, nph * phsz, (off_t)phoff) != (ssize_t)(nph * phsz)) {
		free(ph);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: write failed: %s", w->name, strerror(errno));
	}
	free(ph);
	return 0;
}

/* The ELF header at offset 0: a core of c's machine entered at entry, its
 * nph program headers at phoff. */
static int write_ehdr(const struct core *c, uint64_t entry, size_t nph, uint64_t phoff,
		      struct writer *w, struct kj_error *err)
{
	uint8_t eh[sizeof(Elf64_Ehdr)];

	memset(eh, 0, sizeof(eh));
	memcpy(eh, ELFMAG, SELFMAG);
	eh[EI_CLASS] = ELFCLASS64;
	eh[EI_DATA] = ELFDATA2LSB;
	eh[EI_VERSION] = EV_CURRENT;
	put_le16(eh + 16, ET_CORE);
	put_le16(eh + 18, c->machine);
	put_le32(eh + 20, EV_CURRENT);
	put_le64(eh + 24, entry);
	put_le64(eh + 32, phoff);
	put_le16(eh + 52, sizeof(Elf64_Ehdr));
	put_le16(eh + 54, (uint16_t)sizeof(Elf64_Phdr));
	if (nph >= PN_XNUM)
		return kj_fail(err, KJ_EXIT_FAILURE, "%zu program headers: too many for one image", nph);
	put_le16(eh + 56, (uint16_t)nph);
	if (pwrite(w->fd, eh, sizeof(eh), 0) != sizeof(eh))
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: write failed: %s", w->name, strerror(errno));
	return 0;
}

/* Notes after the data, program headers after the ELF header. */
static int finish_image(const struct core *c, const struct save_opts *o, uint64_t entry,
			struct writer *w, const struct outloads *ol, struct save_stats *st,
			struct kj_error *err)
{
	size_t nph = ol->n + 1;
	uint64_t notes_off, notes_len = 0, phoff = sizeof(Elf64_Ehdr);

	if (w_flush(w) < 0)
		return -1;
	notes_off = w->off;
	if (write_image_note(o, entry, w, st, &notes_len) < 0 || write_state_notes(o, w, &notes_len) < 0 ||
	    copy_core_notes(c, w, &notes_len) < 0)
		return -1;
	if (w_flush(w) < 0)
		return -1;
	if (write_phdrs(w, ol, nph, phoff, notes_off, notes_len, err) < 0 ||
	    write_ehdr(c, entry, nph, phoff, w, err) < 0)
		return -1;
	st->nloads = ol->n;
	return 0;
}

/* Started by kexec -p: no kexec_jump_back_entry=, and not resumable. */
static bool crash_kernel(void)
{
	FILE *f = fopen("/proc/cmdline", "re");
	char line[4096];
	bool crash = false;

	if (f && fgets(line, sizeof(line), f))
		crash = strstr(line, "elfcorehdr=") && !strstr(line, "kexec_jump_back_entry=");
	if (f)
		fclose(f);
	return crash;
}

/* The directory part of path (malloc'd), "." for a bare name. */
static char *dir_of(const char *path)
{
	char *copy = strdup(path), *d;

	if (!copy)
		return NULL;
	d = strdup(dirname(copy));
	free(copy);
	return d;
}

/*
 * Verify the temporary file before it replaces anything: what a loader
 * will read (headers, notes, the data against its SHA-256), re-read from
 * the file system once the page cache has let go of what was written.
 */
static int verify_tmp(const struct save_opts *o, int fd, const char *tmp, bool replacing,
		      struct kj_error *err)
{
	struct kj_error verr = { 0, "" };
	const char *why;
	size_t tl = strlen(tmp);

	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (kdump_verify_image(tmp, &verr) == 0)
		return 0;
	/* the message names the temporary file: say it of IMAGE instead */
	why = verr.msg;
	if (!strncmp(why, tmp, tl) && !strncmp(why + tl, ": ", 2))
		why += tl + 2;
	return kj_fail(err, KJ_EXIT_FAILURE, "%s: the image written does not verify (%s): %s", o->out,
		       why, replacing ? "the old image is left as it was" : "not saved");
}

/* ---------------------------------------------------------- the save */

/* What one save holds while it runs: its steps share it, release() frees it. */
struct save_run {
	const struct save_opts *o;
	struct save_stats *st;
	struct kj_error *err;
	int in;                      /* the core */
	struct core c;
	uint64_t entry;              /* where to resume A, 0 if unknown */
	struct swapmap swap;         /* A's pages lent to B, if have_swap */
	bool have_swap;
	struct bitmap freemap;       /* pages free in A (w NULL: none known) */
	struct outloads ol;          /* the image's PT_LOADs */
	char *dir, *tmp;             /* IMAGE's directory, the temporary file */
	bool replacing;              /* an image is under the final name already */
	int out;                     /* the temporary file, -1 before it exists */
	struct writer w;
};

/* Open the core and check its PT_LOADs against the memory it describes
 * (nothing left open on failure). */
static int open_source(struct save_run *r)
{
	const struct save_opts *o = r->o;

	r->in = open(o->from, O_RDONLY | O_CLOEXEC);
	if (r->in < 0)
		return kj_fail(r->err, KJ_EXIT_BADFILE, "%s: %s", o->from, strerror(errno));
	if (core_open(r->in, o->from, &r->c, r->err) < 0) {
		close(r->in);
		return -1;
	}
	if (check_core_size(o, &r->c, r->err) < 0) {
		core_free(&r->c);
		close(r->in);
		return -1;
	}
	for (size_t i = 0; i < r->c.nloads; i++)
		r->st->total_bytes += r->c.loads[i].memsz;
	return 0;
}

/* The entry to resume A at and, with one, the swap list of A's jump. */
static void find_entry(struct save_run *r)
{
	const struct save_opts *o = r->o;
	struct core_mem mc = { r->in, &r->c, NULL };
	struct oldmem mem = { core_mem_read_intr, &mc };
	struct kj_error serr = { 0, "" };

	r->entry = o->entry_given ? o->entry : jump_back_entry_from_cmdline();
	/* no entry is no surprise in a crash kernel (a dump, not a hibernation) */
	if (!r->entry && strcmp(o->from, "/proc/vmcore") == 0 && !crash_kernel())
		fprintf(stderr, "kdump: warning: no kexec_jump_back_entry= on /proc/cmdline and no --entry: the image records no entry\n");
	if (r->entry && swapmap_read(&mem, r->c.machine == EM_X86_64, r->entry, &r->swap, &serr) == 0)
		r->have_swap = true;
}

/* The pages free in A, with --exclude=free (a warning when they cannot be
 * found: then they are saved). */
static void find_free(struct save_run *r)
{
	struct kj_error *err = r->err;

	if (r->o->exclude_free &&
	    find_free_pages(r->in, &r->c, r->have_swap ? &r->swap : NULL, &r->freemap, err) < 0 &&
	    !interrupted) {
		fprintf(stderr, "kdump: warning: %s; free pages are saved too\n", err->msg);
		err->msg[0] = '\0';
	}
	/* A source page of the swap holds A's contents of its destination:
	 * nothing worth saving when that page was free in A (the source page
	 * itself is the kernel's buffer for B, which a resume makes stale). */
	for (size_t i = 0; r->have_swap && r->freemap.w && i < r->swap.n; i++)
		if (r->swap.src[i] != r->swap.dest[i] && is_free(&r->freemap, r->swap.dest[i] / PAGE))
			mark_free(&r->freemap, r->swap.src[i] / PAGE, 1);
}

/* A temporary file beside the final one, renamed at the end, once the
 * file system has room enough (or exclusion may make it fit).  Its name
 * is short whatever IMAGE's is (a NAME_MAX long IMAGE is fine). */
static int create_tmp(struct save_run *r)
{
	const struct save_opts *o = r->o;
	struct statvfs vfs;
	struct stat sb;
	sigset_t all, prev;

	r->dir = dir_of(o->out);
	r->tmp = r->dir ? malloc(strlen(r->dir) + sizeof("/.kdump-XXXXXX")) : NULL;
	if (!r->tmp)
		return kj_fail(r->err, KJ_EXIT_FAILURE, "out of memory");
	strcpy(r->tmp, r->dir);
	strcat(r->tmp, "/.kdump-XXXXXX");
	r->replacing = stat(o->out, &sb) == 0;
	if (statvfs(r->dir, &vfs) == 0) {
		uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize, need = r->st->total_bytes;
		char need_s[KJ_SIZE_STR], avail_s[KJ_SIZE_STR];

		kj_size_str(need_s, need);
		kj_size_str(avail_s, avail);
		if (avail < need && !o->exclude_zero && !o->exclude_free)
			return kj_fail(r->err, KJ_EXIT_FAILURE, "%s: needs %s, the file system has %s free",
				       o->out, need_s, avail_s);
		if (avail < need && o->progress)
			fprintf(stderr, "kdump: up to %s needed, %s free; exclusion may make it fit\n",
				need_s, avail_s);
	}
	/* no signal between creating the file and telling the handler */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &prev);
	r->out = mkostemp(r->tmp, O_CLOEXEC);
	if (r->out >= 0)
		cleanup_path = r->tmp;
	sigprocmask(SIG_SETMASK, &prev, NULL);
	if (r->out < 0)
		return kj_fail(r->err, KJ_EXIT_FAILURE, "%s: cannot create a file there: %s", o->out,
			       strerror(errno));
	return 0;
}

/* Write the image into the temporary file, make it durable and, with
 * --verify, check it. */
static int write_tmp(struct save_run *r)
{
	const struct save_opts *o = r->o;
	struct writer *w = &r->w;

	w->fd = r->out;
	w->name = o->out;
	/* the data after the ELF header and the room for program headers */
	w->off = align_up(sizeof(Elf64_Ehdr) + r->ol.budget * sizeof(Elf64_Phdr), PAGE);
	w->err = r->err;
	w->buf = malloc(CHUNK);
	if (!w->buf)
		return kj_fail(r->err, KJ_EXIT_FAILURE, "out of memory");
	sha256_init(&w->sha);
	if (r->have_swap && o->exclude_lent)
		count_lent(&r->swap, r->st);
	if (copy_loads(r->in, &r->c, &r->freemap, o, w, &r->ol, r->st, r->err) < 0 ||
	    (r->have_swap && !o->exclude_lent &&
	     copy_swapped(r->in, &r->c, &r->swap, &r->freemap, o, w, &r->ol, r->st, r->err) < 0) ||
	    finish_image(&r->c, o, r->entry, w, &r->ol, r->st, r->err) < 0)
		return -1;
	if (fchmod(r->out, 0600) < 0 || fsync(r->out) < 0)
		return kj_fail(r->err, KJ_EXIT_FAILURE, "%s: %s", o->out, strerror(errno));
	if (interrupted)
		return fail_interrupted(o, r->err);
	/* verified before it replaces anything: a bad write leaves the old
	 * image (or nothing) under the final name */
	if (o->verify && verify_tmp(o, r->out, r->tmp, r->replacing, r->err) < 0)
		return -1;
	return 0;
}

/* The last check and the rename under blocked signals: once it is
 * renamed, the save is done. */
static int rename_tmp(struct save_run *r)
{
	sigset_t all, prev;
	int rc = 0;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &prev);
	if (interrupted)
		rc = fail_interrupted(r->o, r->err);
	else if (rename(r->tmp, r->o->out) < 0)
		rc = kj_fail(r->err, KJ_EXIT_FAILURE, "%s: %s", r->o->out, strerror(errno));
	else
		cleanup_path = NULL;
	sigprocmask(SIG_SETMASK, &prev, NULL);
	return rc;
}

/* The temporary file removed (a failed save). */
static void discard_tmp(struct save_run *r)
{
	sigset_t all, prev;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &prev);
	unlink(r->tmp);
	cleanup_path = NULL;
	sigprocmask(SIG_SETMASK, &prev, NULL);
}

/* The new name made durable (B may power off right after). */
static int sync_dir(struct save_run *r)
{
	int d = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (d >= 0 && fsync(d) < 0 && errno != EINVAL) {
		kj_fail(r->err, KJ_EXIT_FAILURE,
			"%s: written, but syncing its directory failed: %s (the new name may not survive a crash)",
			r->o->out, strerror(errno));
		close(d);
		return -1;
	}
	if (d >= 0)
		close(d);
	return 0;
}

static void release(struct save_run *r)
{
	if (r->out >= 0)
		close(r->out);
	free(r->w.buf);
	free(r->ol.v);
	free(r->freemap.w);
	swapmap_free(&r->swap);
	free(r->dir);
	free(r->tmp);
	core_free(&r->c);
	close(r->in);
}

int kdump_save(const struct save_opts *o, struct save_stats *st, struct kj_error *err)
{
	struct save_run r = { .o = o, .st = st, .err = err, .in = -1, .out = -1, .w = { .fd = -1 } };
	double t0 = now();
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (open_source(&r) < 0)
		return -1;
	find_entry(&r);
	find_free(&r);
	if (interrupted) {
		fail_interrupted(o, err);
	} else if (phdr_budget(&r.c, &r.freemap, o, r.have_swap ? &r.swap : NULL, &r.ol, err) == 0 &&
		   create_tmp(&r) == 0) {
		if (write_tmp(&r) < 0 || rename_tmp(&r) < 0) {
			discard_tmp(&r);
		} else if (sync_dir(&r) == 0) {
			st->seconds = now() - t0;
			rc = 0;
		}
	}
	release(&r);
	return rc;
}
