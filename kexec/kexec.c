/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One kexec run, stage by stage:
 *   options -> system facts -> input files -> plan -> system call -> reboot
 * Each stage returns an error value; only kj_run() prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch.h"
#include "exitcodes.h"
#include "kexec.h"
#include "netdev.h"
#include "syscalls.h"

/* The input files: kernel and initrds, mapped.  Several initrds are not
 * joined here: the loader lays them end to end (arch_build_plan), the
 * kexec_file_load path writes them one after the other into one memfd. */
struct inputs {
	struct kj_file kernel;
	struct kj_file initrd_files[KJ_MAX_INITRDS];
	unsigned nr_initrds;
	const uint8_t *initrd;    /* the one initrd, or NULL */
	size_t initrd_size;       /* all of them */
};

static void inputs_free(struct inputs *in)
{
	kj_file_release(&in->kernel);
	for (unsigned i = 0; i < in->nr_initrds; i++)
		kj_file_release(&in->initrd_files[i]);
	memset(in, 0, sizeof(*in));
}

static int inputs_read(const struct kj_options *o, const struct kj_sysinfo *sys,
		       struct inputs *in, struct kj_error *err)
{
	memset(in, 0, sizeof(*in));
	if (o->kernel && kj_file_load_kernel(o->kernel, &in->kernel, err) < 0)
		return -1;
	for (unsigned i = 0; i < o->nr_initrds; i++) {
		/* read from a pipe: at most what the kernel could take */
		uint64_t limit = sys->ram_pages ? sys->ram_pages * KJ_PAGE_SIZE / 2 : KJ_MAX_STREAM;

		if (kj_file_open(o->initrds[i], limit, &in->initrd_files[i], err) < 0)
			goto fail;
		in->nr_initrds++;
		in->initrd_size += in->initrd_files[i].size;
	}
	/* Refuse an initrd the kernel will refuse before touching its pages. */
	if (plan_check_ram_share((in->initrd_size + KJ_PAGE_SIZE - 1) / KJ_PAGE_SIZE,
				 sys->ram_pages, in->nr_initrds > 1 ? "the initrds" : o->initrds[0],
				 err) < 0)
		goto fail;
	if (in->nr_initrds == 1)
		in->initrd = in->initrd_files[0].data;
	return 0;
fail:
	inputs_free(in);
	return -1;
}

/* Did an input file change while it was loaded?  Then the kernel may
 * have other bytes than the ones checked. */
static int inputs_changed(const struct inputs *in, struct kj_error *err)
{
	if (kj_file_changed(&in->kernel, err) < 0)
		return -1;
	for (unsigned i = 0; i < in->nr_initrds; i++)
		if (kj_file_changed(&in->initrd_files[i], err) < 0)
			return -1;
	return 0;
}

#ifdef ENABLE_TEST_HOOKS
/* Test-only: corrupt one segment after its digest was taken, so the
 * end-to-end suite can watch the purgatory refuse it. */
static int test_corrupt(struct kj_plan *plan, struct kj_error *err)
{
	const char *v = getenv("KEXEC_TEST_CORRUPT_SEGMENT");
	size_t n;
	uint8_t *copy;

	if (!v)
		return 0;
	n = strtoul(v, NULL, 0);
	if (n >= plan->nseg || !plan->seg[n].bufsz)
		return kj_fail(err, KJ_EXIT_FAILURE, "KEXEC_TEST_CORRUPT_SEGMENT=%zu: no such segment", n);
	copy = malloc(plan->seg[n].bufsz);
	if (!copy)
		return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
	memcpy(copy, plan->seg[n].buf, plan->seg[n].bufsz);
	copy[plan->seg[n].bufsz / 2] ^= 0x5a;
	plan->seg[n].buf = copy;
	fprintf(stderr, "kexec: test hook: corrupted segment %zu (%s)\n", n, plan->seg[n].what);
	return plan_own(plan, copy, err);
}
#endif

static bool want_file_syscall(const struct kj_options *o, const struct kj_sysinfo *sys)
{
	if (o->syscall == KJ_SYSCALL_LOAD)
		return false;
	if (o->syscall == KJ_SYSCALL_FILE)
		return true;
	/* -a (default): what only kexec_load can do selects it. */
	return arch_has_file_load(sys->arch) && !kj_options_need_kexec_load(o);
}

static bool file_fallback_errno(int e)
{
	return e == ENOSYS || e == ENOEXEC || e == EOPNOTSUPP || e == ENOTSUP;
}

/* kexec_file_load needs fds.  A mapped file is handed over as the file
 * the tool mapped and checked (the same open file, not its name again); a
 * decompressed kernel, a file read from a pipe and several initrds go in
 * a sealed memfd holding the bytes the tool read, one part after the
 * other. */
static int memfd_for(const char *what, const struct kj_file *part, unsigned nparts,
		     struct kj_error *err)
{
	int fd = memfd_create(what, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "memfd_create: %s", strerror(errno));
	for (unsigned i = 0; i < nparts; i++) {
		size_t at = 0;

		while (at < part[i].size) {
			ssize_t n = write(fd, part[i].data + at, part[i].size - at);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				int e = errno;
				close(fd);
				return kj_fail(err, KJ_EXIT_FAILURE, "writing %s to memory: %s", what,
					       strerror(e));
			}
			at += (size_t)n;
		}
	}
	/* nothing can change them now (best effort: old kernels lack seals) */
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	return fd;
}

static int fd_for(const char *what, const struct kj_file *part, unsigned nparts,
		  struct kj_error *err)
{
	int fd;

	if (nparts == 1 && part->mapped) {
		fd = fcntl(part->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return kj_fail(err, KJ_EXIT_FAILURE, "%s: %s", part->name, strerror(errno));
		return fd;
	}
	return memfd_for(what, part, nparts, err);
}

/* kexec_file_load(2) of the bytes the (check-only) plan was made from,
 * with the command line it checked against the kernel's limit. */
static int load_file(const struct kj_options *o, const struct inputs *in,
		     const struct kj_plan *plan, struct kj_error *err, int *kerr)
{
	int kfd = -1, ifd = -1, rc = -1;
	unsigned long flags = 0;
	const char *line = plan->cmdline ? plan->cmdline : "";

	*kerr = 0;
	kfd = fd_for("kernel", &in->kernel, 1, err);
	if (kfd < 0)
		goto out;
	if (in->nr_initrds) {
		ifd = fd_for("initrd", in->initrd_files, in->nr_initrds, err);
		if (ifd < 0)
			goto out;
	}
	if (!in->nr_initrds)
		flags |= KJ_KEXEC_FILE_NO_INITRAMFS;
	if (o->image_type == KJ_IMAGE_CRASH)
		flags |= KJ_KEXEC_FILE_ON_CRASH;
	if (o->debug)
		fprintf(stderr, "kexec: kexec_file_load(kernel %s, initrd %s, \"%s\", 0x%lx)\n",
			o->kernel, in->nr_initrds ? o->initrds[0] : "none", line, flags);
	*kerr = -sys_kexec_file_load(kfd, ifd, line, flags);
	if (*kerr)
		kj_kernel_error(err, "kexec_file_load", *kerr, o->kernel);
	else
		rc = 0;
out:
	if (kfd >= 0)
		close(kfd);
	if (ifd >= 0)
		close(ifd);
	return rc;
}

/* What was loaded goes again: a file changed under the load. */
static void unload_after(const struct kj_options *o, bool file)
{
	bool crash = o->image_type == KJ_IMAGE_CRASH;

	if (file)
		sys_kexec_file_load(-1, -1, NULL,
				    KJ_KEXEC_FILE_UNLOAD | (crash ? KJ_KEXEC_FILE_ON_CRASH : 0));
	else
		sys_kexec_load_unload(crash ? KJ_KEXEC_ON_CRASH : 0);
}

/*
 * A saved image the kernel now holds for its resume: its resume note says
 * so on disk (fsync'ed) before kexec returns, so that it is never resumed
 * twice.  Failing that, the load is undone (an image that could be
 * resumed again must not stay loaded), unless --force-resume.
 */
static int mark_resumed(const struct kj_options *o, const struct kj_plan *plan,
			struct kj_error *err)
{
	int fd = open(o->kernel, O_WRONLY | O_CLOEXEC), e;

	if (fd >= 0 && pwrite(fd, plan->mark, sizeof(plan->mark), (off_t)plan->mark_off) ==
			       (ssize_t)sizeof(plan->mark) && fsync(fd) == 0) {
		close(fd);
		return 0;
	}
	e = errno;
	if (fd >= 0)
		close(fd);
	if (o->force_resume) {
		fprintf(stderr, "kexec: warning: %s: cannot mark it resumed (%s); loaded anyway (--force-resume)\n",
			o->kernel, strerror(e));
		return 0;
	}
	return kj_fail(err, KJ_EXIT_FAILURE,
		       e == EROFS ? "%s: cannot mark it resumed: %s; mount its file system read-write (it holds no file system of A's), or give --force-resume"
				  : "%s: cannot mark it resumed: %s; not loaded (--force-resume loads it unmarked)",
		       o->kernel, strerror(e));
}

static void print_dry_run(const struct kj_options *o, const struct kj_sysinfo *sys,
			  const struct kj_plan *plan, bool file_first)
{
	printf("image %s (running kernel: %s)\n", o->kernel ? o->kernel : "jump-back helper",
	       arch_name(sys->arch));
	printf("memory map from %s: %" PRIu64 " MiB RAM\n", sys->mm_source,
	       memmap_bytes_of_type(&sys->mm, KJ_MEM_RAM) >> 20);
	for (size_t i = 0; i < sys->mm.n; i++)
		printf("  map 0x%09" PRIx64 "-0x%09" PRIx64 " %s\n", sys->mm.e[i].r.start,
		       range_end(sys->mm.e[i].r), memmap_type_name(sys->mm.e[i].type));
	if (file_first)
		printf("syscall kexec_file_load (the kernel places the image); if it is refused:\n");
	printf("syscall kexec_load flags 0x%lx\n", plan->flags);
	plan_print(plan, stdout);
}

/* Progress on a terminal: "kexec: checking NAME: N%" in place. */
static void tty_show(void *ctx, const char *what, unsigned percent)
{
	fprintf(stderr, "\rkexec: checking %s: %u%%", what, percent);
}

static void tty_done(void *ctx)
{
	fprintf(stderr, "\r\033[K");
}

static const struct kj_progress tty_progress = { tty_show, tty_done, NULL };

/* The planner prints nothing: what it found worth saying, said here. */
static int plan_for(const struct kj_load_input *li, struct kj_plan *plan, struct kj_error *err)
{
	int rc = arch_build_plan(li, plan, err);

	for (unsigned i = 0; i < plan->nwarnings; i++)
		fprintf(stderr, "kexec: warning: %s\n", plan->warning[i]);
	return rc;
}

/*
 * kexec_file_load(2) first (-s, or -a when nothing asks for kexec_load):
 * 0 when it loaded; -1 with *fall_back when -a may try kexec_load after
 * the kernel refused it (no kexec_file_load, or not this image), else -1.
 */
static int try_file_load(struct kj_load_input *li, const struct inputs *in, bool *fall_back,
			 struct kj_error *err)
{
	const struct kj_options *o = li->o;
	struct kj_plan plan;
	int rc, kerr = 0;

	/* The same parsing and checks as kexec_load's (a truncated kernel, a
	 * command line over the kernel's limit), without the digests:
	 * kexec_file_load has its own purgatory. */
	memset(&plan, 0, sizeof(plan));
	li->check_only = true;
	rc = plan_for(li, &plan, err);
	li->check_only = false;
	if (rc == 0)
		rc = load_file(o, in, &plan, err, &kerr);
	plan_free(&plan);
	*fall_back = false;
	if (rc == 0 && inputs_changed(in, err) < 0) {
		unload_after(o, true);
		return -1;
	}
	if (rc == 0)
		return 0;
	*fall_back = kerr && o->syscall == KJ_SYSCALL_AUTO && file_fallback_errno(kerr);
	if (*fall_back && o->debug)
		fprintf(stderr, "kexec: %s; falling back to kexec_load\n", err->msg);
	return -1;
}

/* kexec_load(2) of the plan (or, with --dry-run, the plan printed). */
static int segment_load(const struct kj_load_input *li, const struct inputs *in, bool file_first,
			struct kj_error *err)
{
	const struct kj_options *o = li->o;
	struct kj_plan plan;
	int rc = -1, kerr;

	memset(&plan, 0, sizeof(plan));
	if (plan_for(li, &plan, err) < 0)
		goto out;
#ifdef ENABLE_TEST_HOOKS
	if (test_corrupt(&plan, err) < 0)
		goto out;
#endif
	if (o->dry_run) {
		print_dry_run(o, li->sys, &plan, file_first);
		rc = 0;
		goto out;
	}
	if (o->debug)
		plan_print(&plan, stderr);
	kerr = -sys_kexec_load(&plan, o->image_type == KJ_IMAGE_CRASH ? KJ_KEXEC_ON_CRASH : 0);
	if (kerr == EINVAL && (plan.flags & KJ_KEXEC_PRESERVE_CONTEXT))
		kj_fail(err, KJ_EXIT_KERNEL,
			"kexec_load: the kernel refused a preserve-context image (EINVAL): it was built without CONFIG_KEXEC_JUMP, or the segment list is invalid (see --dry-run)");
	else if (kerr)
		kj_kernel_error(err, "kexec_load", kerr, o->kernel);
	else if (inputs_changed(in, err) < 0)
		unload_after(o, false);
	else if (plan.mark_off && mark_resumed(o, &plan, err) < 0)
		unload_after(o, false);
	else
		rc = 0;
out:
	plan_free(&plan);
	return rc;
}

static int do_load(const struct kj_options *o, struct kj_error *err)
{
	struct kj_sysinfo sys;
	struct inputs in;
	struct kj_load_input li = { .o = o };
	int rc = -1;
	bool file, fall_back = true;

	/* only a Linux kernel (--args-linux, the default) gets boot_params and
	 * their RNG seed; a program, a saved image and the jump-back helper
	 * do not */
	if (kj_sysinfo_read(&sys, o->reuse_cmdline || o->jump_back_helper,
			    !o->jump_back_helper && o->elf_args == KJ_ARGS_LINUX, err) < 0)
		return -1;
	if (o->image_type == KJ_IMAGE_CRASH && kj_sysinfo_read_crash(&sys, err) < 0) {
		kj_sysinfo_free(&sys);
		return -1;
	}
	/* a saved image names the disks of A's it must find unchanged */
	if (o->elf_args == KJ_ARGS_NONE && !o->jump_back_helper)
		kj_sysinfo_read_disks(&sys);
	/* kernel B's ELF core header carries A's VMCOREINFO */
	if (o->preserve_context && !o->jump_back_helper && o->elf_args == KJ_ARGS_LINUX)
		kj_sysinfo_read_jump(&sys);
	if (inputs_read(o, &sys, &in, err) < 0) {
		kj_sysinfo_free(&sys);
		return -1;
	}
	file = want_file_syscall(o, &sys);
	if (file && !arch_has_file_load(sys.arch)) {
		kj_fail(err, KJ_EXIT_USAGE, "-s: i386 kernels have no kexec_file_load; use -c");
		goto out;
	}
	li.sys = &sys;
	li.kernel = &in.kernel;
	li.initrd = in.initrd;
	li.initrd_size = in.initrd_size;
	li.initrd_parts = in.initrd_files;
	li.nr_initrd_parts = in.nr_initrds;
	li.progress = isatty(STDERR_FILENO) ? &tty_progress : NULL;
	if (file && !o->dry_run && (rc = try_file_load(&li, &in, &fall_back, err)) == 0)
		goto out;
	if (fall_back)
		rc = segment_load(&li, &in, file, err);
out:
	inputs_free(&in);
	kj_sysinfo_free(&sys);
	return rc;
}

static int do_unload(const struct kj_options *o, struct kj_error *err)
{
	bool crash = o->image_type == KJ_IMAGE_CRASH;
	int e;

	if (o->syscall == KJ_SYSCALL_FILE) {
		e = -sys_kexec_file_load(-1, -1, NULL,
					 KJ_KEXEC_FILE_UNLOAD | (crash ? KJ_KEXEC_FILE_ON_CRASH : 0));
		return e ? kj_kernel_error(err, "kexec_file_load", e, NULL) : 0;
	}
	e = -sys_kexec_load_unload(crash ? KJ_KEXEC_ON_CRASH : 0);
	/* Under lockdown only kexec_file_load may unload. */
	if ((e == EPERM || e == ENOSYS) && o->syscall == KJ_SYSCALL_AUTO &&
	    sys_kexec_file_load(-1, -1, NULL,
				KJ_KEXEC_FILE_UNLOAD | (crash ? KJ_KEXEC_FILE_ON_CRASH : 0)) == 0)
		return 0;
	return e ? kj_kernel_error(err, "kexec_load", e, NULL) : 0;
}

static int do_exec(const struct kj_options *o, struct kj_error *err)
{
	struct ifdown_list down = { .n = 0 };
	int e;

	if (kj_image_loaded(false) == 0)
		return kj_fail(err, KJ_EXIT_FAILURE, "no image is loaded; load one with kexec -l first");
	if (!o->no_sync)
		sync();
	if (!o->no_ifdown)
		ifdown(&down, o->debug);
	e = -sys_reboot_kexec();
	/* reboot() returns only on failure, or, for a preserve-context image,
	 * after the jump back: then this kernel carries on as before. */
	ifup(&down, o->debug);
	return e ? kj_kernel_error(err, "reboot(LINUX_REBOOT_CMD_KEXEC)", e, NULL) : 0;
}

static int do_shutdown_reboot(struct kj_error *err)
{
	execlp("shutdown", "shutdown", "-r", "now", (char *)NULL);
	return kj_fail(err, KJ_EXIT_FAILURE,
		       "image loaded, but 'shutdown -r now' could not be run (%s); run kexec -e",
		       strerror(errno));
}

/*
 * --print-ckr-size, as kexec-tools: the size in bytes of the first "Crash
 * kernel" region of /proc/iomem (the lowest; crashkernel=...,high adds a
 * second), 0 when none is reserved.
 */
static int print_ckr_size(struct kj_error *err)
{
	struct kj_sysinfo s;
	uint64_t size = 0;

	memset(&s, 0, sizeof(s));
	if (kj_sysinfo_read_crash(&s, err) < 0) {
		kj_sysinfo_free(&s);
		return -1;
	}
	if (s.ncrash) {
		size = s.crash[0].size;
		/* without root, /proc/iomem shows every range as 0-0 */
		if (s.crash[0].start == 0 && size == 1) {
			kj_sysinfo_free(&s);
			return kj_fail(err, KJ_EXIT_FAILURE,
				       "--print-ckr-size: /proc/iomem hides its addresses: run as root");
		}
	}
	kj_sysinfo_free(&s);
	printf("%" PRIu64 "\n", size);
	return 0;
}

int kj_run(const struct kj_options *o)
{
	struct kj_error err = { 0, "" };
	int rc = 0, loaded;

	switch (o->action) {
	case KJ_ACTION_HELP:
		kj_usage(stdout);
		return KJ_EXIT_OK;
	case KJ_ACTION_VERSION:
		printf("kexec-jump %s (%s)\n", PACKAGE_VERSION, KJ_CONFIGURE_SUMMARY);
		printf("configure options: %s\n", *KJ_CONFIGURE_ARGS ? KJ_CONFIGURE_ARGS : "(none)");
		return KJ_EXIT_OK;
	case KJ_ACTION_STATUS:
		/* kexec-tools: the crash image unless -l selected the normal one. */
		loaded = kj_image_loaded(o->image_type_given ? o->image_type == KJ_IMAGE_CRASH : true);
		if (loaded < 0) {
			fprintf(stderr, "kexec: --status: the kernel does not say (no /sys/kernel/kexec_*loaded)\n");
			return KJ_EXIT_UNKNOWN;
		}
		return loaded ? KJ_EXIT_FAILURE : KJ_EXIT_OK;
	case KJ_ACTION_PRINT_CKR_SIZE:
		rc = print_ckr_size(&err);
		break;
	case KJ_ACTION_LOAD:
		rc = do_load(o, &err);
		break;
	case KJ_ACTION_LOAD_AND_EXEC:
		rc = do_load(o, &err);
		if (rc == 0)
			rc = do_exec(o, &err);
		break;
	case KJ_ACTION_LOAD_AND_REBOOT:
		rc = do_load(o, &err);
		if (rc == 0)
			rc = do_shutdown_reboot(&err);
		break;
	case KJ_ACTION_UNLOAD:
		rc = do_unload(o, &err);
		break;
	case KJ_ACTION_EXEC:
		rc = do_exec(o, &err);
		break;
	}
	if (rc < 0) {
		fprintf(stderr, "kexec: %s\n", err.msg);
		return err.exit_code ? err.exit_code : KJ_EXIT_FAILURE;
	}
	return KJ_EXIT_OK;
}
