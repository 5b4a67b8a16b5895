/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-shim.so: an LD_PRELOAD object that lets the host tests run a kexec
 * binary (ours or kexec-tools) without loading anything into, or rebooting,
 * the machine the tests run on.
 *
 * Environment
 * -----------
 *   KEXEC_SHIM_OUT        record directory (created if missing).  Without it
 *                         the kexec system calls still never reach the
 *                         kernel; they succeed and nothing is written.
 *   KEXEC_SHIM_ROOT       fake root: absolute paths under /proc/ and /sys/
 *                         are redirected to $KEXEC_SHIM_ROOT/proc/...,
 *                         $KEXEC_SHIM_ROOT/sys/... (not /proc/self/,
 *                         /proc/thread-self/ and /proc/<pid>/, which keep
 *                         going to the real procfs).
 *   KEXEC_SHIM_ERRNO      EPERM|EBUSY|EINVAL|ENOMEM|ENOEXEC|EKEYREJECTED|
 *                         ENOSYS|EADDRNOTAVAIL (or a number): kexec_load and
 *                         kexec_file_load fail with that errno.
 *   KEXEC_SHIM_ERRNO_FILE the same, for kexec_file_load only.
 *   KEXEC_SHIM_MACHINE    uname() reports this machine (e.g. i686).
 *   KJ_SHIM_STATUS_FILE   at each faked kexec_load/kexec_file_load, the
 *                         calling process's RssAnon, RssFile, VmHWM and
 *                         VmRSS lines of /proc/self/status are written to
 *                         this file (replacing it), before anything is
 *                         recorded: the memory the program holds at the
 *                         moment of the call (bench/load-host.sh).
 *
 * Record format (all in $KEXEC_SHIM_OUT)
 * --------------------------------------
 *   loaded      one line per process the shim was loaded into, appended by
 *               its constructor: "pid=N exe=/path/of/the/program".  The
 *               test runner refuses to trust a run without its binary here.
 *   calls       number of kexec_load/kexec_file_load calls so far (decimal).
 *   calls.log   one line per call, the same text as "call".
 *   call        the last call (each call overwrites call, segments, seg*.bin,
 *               kernel.bin, initrd.bin, cmdline.txt, unload):
 *                 syscall=kexec_load entry=0x... nr_segments=N flags=0x...
 *                 syscall=kexec_file_load kernel_fd=N initrd_fd=N
 *                         cmdline_len=N flags=0x...
 *               followed by " unload" for an unload (kexec_load with
 *               nr_segments 0, kexec_file_load with KEXEC_FILE_UNLOAD) and
 *               by " errno=NAME" when fault injection made the call fail.
 *   unload      present (contents "unload") when the last call was an unload.
 *   segments    kexec_load: one line per segment
 *                 N mem=0x... memsz=0x... bufsz=0x...
 *   segN.bin    kexec_load: the bufsz bytes of segment N's buffer.
 *   kernel.bin  kexec_file_load: the whole file behind kernel_fd.
 *   initrd.bin  kexec_file_load: the whole file behind initrd_fd (absent
 *               with KEXEC_FILE_NO_INITRAMFS).
 *   cmdline.txt kexec_file_load: cmdline_len bytes of the command line,
 *               trailing NUL included as passed.
 *   reboot      "reboot cmd=0x..." for reboot(2), via glibc reboot() or
 *               syscall(SYS_reboot, ...).  The real one is never called.
 *   ifdown      "SIOCSIFFLAGS IFNAME" per ioctl(SIOCSIFFLAGS) (kexec-tools
 *               takes interfaces down before -e); never passed on.
 *
 * State: with KEXEC_SHIM_ROOT set, a successful load writes "1" into
 * $KEXEC_SHIM_ROOT/sys/kernel/kexec_loaded (kexec_crash_loaded for
 * KEXEC_ON_CRASH / KEXEC_FILE_ON_CRASH) and an unload writes "0".
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef SYS_kexec_file_load
#define SYS_kexec_file_load 320
#endif

#define SHIM_KEXEC_ON_CRASH       0x1ul
#define SHIM_KEXEC_FILE_UNLOAD    0x1ul
#define SHIM_KEXEC_FILE_ON_CRASH  0x2ul
#define SHIM_KEXEC_FILE_NO_INITRAMFS 0x4ul

struct shim_segment {
	const void *buf;
	size_t bufsz;
	const void *mem;
	size_t memsz;
};

#define EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------ real calls */

#define DECLARE_REAL(ret, name, ...) static ret (*real_##name)(__VA_ARGS__)

DECLARE_REAL(long, syscall, long, ...);
DECLARE_REAL(int, open, const char *, int, ...);
DECLARE_REAL(int, open64, const char *, int, ...);
DECLARE_REAL(int, openat, int, const char *, int, ...);
DECLARE_REAL(int, openat64, int, const char *, int, ...);
DECLARE_REAL(int, __open_2, const char *, int);
DECLARE_REAL(int, __open64_2, const char *, int);
DECLARE_REAL(int, __openat_2, int, const char *, int);
DECLARE_REAL(FILE *, fopen, const char *, const char *);
DECLARE_REAL(FILE *, fopen64, const char *, const char *);
DECLARE_REAL(DIR *, opendir, const char *);
DECLARE_REAL(int, stat, const char *, struct stat *);
DECLARE_REAL(int, lstat, const char *, struct stat *);
DECLARE_REAL(int, stat64, const char *, struct stat64 *);
DECLARE_REAL(int, lstat64, const char *, struct stat64 *);
DECLARE_REAL(int, fstatat, int, const char *, struct stat *, int);
DECLARE_REAL(int, fstatat64, int, const char *, struct stat64 *, int);
DECLARE_REAL(int, __xstat, int, const char *, struct stat *);
DECLARE_REAL(int, __lxstat, int, const char *, struct stat *);
DECLARE_REAL(int, __xstat64, int, const char *, struct stat64 *);
DECLARE_REAL(int, __lxstat64, int, const char *, struct stat64 *);
DECLARE_REAL(int, __fxstatat, int, int, const char *, struct stat *, int);
DECLARE_REAL(int, __fxstatat64, int, int, const char *, struct stat64 *, int);
DECLARE_REAL(int, statx, int, const char *, int, unsigned int, struct statx *);
DECLARE_REAL(int, access, const char *, int);
DECLARE_REAL(int, faccessat, int, const char *, int, int);
DECLARE_REAL(ssize_t, readlink, const char *, char *, size_t);
DECLARE_REAL(ssize_t, readlinkat, int, const char *, char *, size_t);
DECLARE_REAL(int, uname, struct utsname *);
DECLARE_REAL(int, ioctl, int, unsigned long, ...);

static void *must_dlsym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);
	return p;
}

#define LOOKUP(name) (real_##name ? real_##name : \
	(real_##name = (__typeof__(real_##name))must_dlsym(#name)))

static void shim_die(const char *what)
{
	/* Never fall through to a real kexec/reboot call. */
	static const char msg[] = "kexec-shim: cannot resolve ";
	if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, what, strlen(what)) < 0 ||
	    write(2, "\n", 1) < 0)
		_exit(127);
	_exit(127);
}

/* ------------------------------------------------------- record helpers */

static int raw_open(const char *path, int flags, mode_t mode)
{
	if (!LOOKUP(open))
		shim_die("open");
	return real_open(path, flags, mode);
}

static void mkdir_p(const char *dir)
{
	char buf[PATH_MAX];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof(buf))
		return;
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	mkdir(buf, 0755);
}

static const char *out_dir(void)
{
	const char *d = getenv("KEXEC_SHIM_OUT");
	if (!d || !*d)
		return NULL;
	mkdir_p(d);
	return d;
}

static int out_path(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static void write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		len -= (size_t)w;
	}
}

/* Write (or append) a file in the record directory. */
static void put_file(const char *name, const void *data, size_t len, int append)
{
	const char *dir = out_dir();
	char path[PATH_MAX];
	if (!dir || out_path(path, sizeof(path), dir, name))
		return;
	int fd = raw_open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
	if (fd < 0)
		return;
	write_all(fd, data, len);
	close(fd);
}

static void put_str(const char *name, const char *s, int append)
{
	put_file(name, s, strlen(s), append);
}

static void remove_file(const char *name)
{
	const char *dir = out_dir();
	char path[PATH_MAX];
	if (dir && !out_path(path, sizeof(path), dir, name))
		unlink(path);
}

/* Remove everything a previous call left, so the record is the last call. */
static void clear_record(void)
{
	static const char *names[] = { "call", "segments", "unload", "kernel.bin",
				       "initrd.bin", "cmdline.txt" };
	const char *dir = out_dir();
	if (!dir)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		remove_file(names[i]);
	if (!LOOKUP(opendir))
		shim_die("opendir");
	DIR *d = real_opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "seg", 3) == 0 && strstr(de->d_name, ".bin"))
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

static void bump_calls(void)
{
	const char *dir = out_dir();
	char path[PATH_MAX], buf[32];
	long n = 0;
	if (!dir || out_path(path, sizeof(path), dir, "calls"))
		return;
	int fd = raw_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd >= 0) {
		ssize_t r = read(fd, buf, sizeof(buf) - 1);
		if (r > 0) {
			buf[r] = 0;
			n = strtol(buf, NULL, 10);
		}
		close(fd);
	}
	snprintf(buf, sizeof(buf), "%ld\n", n + 1);
	put_str("calls", buf, 0);
}

static void copy_fd(const char *name, int fd)
{
	char buf[65536];
	off_t off = 0;
	const char *dir = out_dir();
	char path[PATH_MAX];
	if (!dir || out_path(path, sizeof(path), dir, name))
		return;
	int out = raw_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return;
	for (;;) {
		ssize_t r = pread(fd, buf, sizeof(buf), off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		write_all(out, buf, (size_t)r);
		off += r;
	}
	close(out);
}

/* Fake kernel state under $KEXEC_SHIM_ROOT/sys/kernel. */
static void set_state(int crash, int loaded)
{
	const char *root = getenv("KEXEC_SHIM_ROOT");
	char path[PATH_MAX];
	if (!root || !*root)
		return;
	snprintf(path, sizeof(path), "%s/sys/kernel", root);
	mkdir_p(path);
	snprintf(path, sizeof(path), "%s/sys/kernel/%s", root,
		 crash ? "kexec_crash_loaded" : "kexec_loaded");
	int fd = raw_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	write_all(fd, loaded ? "1\n" : "0\n", 2);
	close(fd);
}

/* ------------------------------------------------------ fault injection */

static const struct {
	const char *name;
	int value;
} errnames[] = {
	{ "EPERM", EPERM },   { "EBUSY", EBUSY },     { "EINVAL", EINVAL },
	{ "ENOMEM", ENOMEM }, { "ENOEXEC", ENOEXEC }, { "EKEYREJECTED", EKEYREJECTED },
	{ "ENOSYS", ENOSYS }, { "EADDRNOTAVAIL", EADDRNOTAVAIL },
	{ "EACCES", EACCES }, { "E2BIG", E2BIG },     { "EFAULT", EFAULT },
};

static int injected_errno(const char *var)
{
	const char *v = getenv(var);
	if (!v || !*v)
		return 0;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strcmp(v, errnames[i].name) == 0)
			return errnames[i].value;
	char *end;
	long n = strtol(v, &end, 0);
	if (*end == 0 && n > 0)
		return (int)n;
	return EINVAL;
}

static const char *errno_name(int e)
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].value == e)
			return errnames[i].name;
	return "E?";
}

/* ------------------------------------------------ memory at the call */

/* Copy the RssAnon, RssFile, VmHWM and VmRSS lines of /proc/self/status
 * to $KJ_SHIM_STATUS_FILE.  Called first thing in a faked load, so the
 * figures are the program's, not the recording's. */
static void save_status(void)
{
	static const char *keys[] = { "RssAnon:", "RssFile:", "VmHWM:", "VmRSS:" };
	const char *dest = getenv("KJ_SHIM_STATUS_FILE");
	char buf[16384], out[512];
	size_t len = 0, olen = 0;
	int fd;

	if (!dest || !*dest)
		return;
	fd = raw_open("/proc/self/status", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return;
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf) - 1)
			break;
	}
	close(fd);
	buf[len] = 0;
	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');
		size_t l = nl ? (size_t)(nl - line) + 1 : strlen(line);

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strncmp(line, keys[i], strlen(keys[i])) && olen + l < sizeof(out)) {
				memcpy(out + olen, line, l);
				olen += l;
			}
		line += l;
	}
	fd = raw_open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	write_all(fd, out, olen);
	close(fd);
}

/* ------------------------------------------------------------ the calls */

static long fake_kexec_load(unsigned long entry, unsigned long nr,
			    const struct shim_segment *segs, unsigned long flags)
{
	char line[256], name[32];
	int err = injected_errno("KEXEC_SHIM_ERRNO");
	int unload = nr == 0;

	save_status();
	bump_calls();
	clear_record();
	snprintf(line, sizeof(line), "syscall=kexec_load entry=0x%lx nr_segments=%lu flags=0x%lx%s",
		 entry, nr, flags, unload ? " unload" : "");
	if (err)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " errno=%s", errno_name(err));
	strcat(line, "\n");
	put_str("call", line, 0);
	put_str("calls.log", line, 1);
	if (unload)
		put_str("unload", "unload\n", 0);
	for (unsigned long i = 0; i < nr && i < 64 && segs; i++) {
		snprintf(line, sizeof(line), "%lu mem=0x%lx memsz=0x%lx bufsz=0x%lx\n", i,
			 (unsigned long)(uintptr_t)segs[i].mem, (unsigned long)segs[i].memsz,
			 (unsigned long)segs[i].bufsz);
		put_str("segments", line, 1);
		snprintf(name, sizeof(name), "seg%lu.bin", i);
		put_file(name, segs[i].buf, segs[i].buf ? segs[i].bufsz : 0, 0);
	}
	if (err) {
		errno = err;
		return -1;
	}
	set_state(!!(flags & SHIM_KEXEC_ON_CRASH), !unload);
	return 0;
}

static long fake_kexec_file_load(long kernel_fd, long initrd_fd, unsigned long cmdline_len,
				 const char *cmdline, unsigned long flags)
{
	char line[256];
	int err = injected_errno("KEXEC_SHIM_ERRNO");
	if (!err)
		err = injected_errno("KEXEC_SHIM_ERRNO_FILE");
	int unload = !!(flags & SHIM_KEXEC_FILE_UNLOAD);

	save_status();
	bump_calls();
	clear_record();
	snprintf(line, sizeof(line),
		 "syscall=kexec_file_load kernel_fd=%ld initrd_fd=%ld cmdline_len=%lu flags=0x%lx%s",
		 kernel_fd, initrd_fd, cmdline_len, flags, unload ? " unload" : "");
	if (err)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " errno=%s", errno_name(err));
	strcat(line, "\n");
	put_str("call", line, 0);
	put_str("calls.log", line, 1);
	if (unload) {
		put_str("unload", "unload\n", 0);
	} else {
		if (kernel_fd >= 0)
			copy_fd("kernel.bin", (int)kernel_fd);
		if (initrd_fd >= 0 && !(flags & SHIM_KEXEC_FILE_NO_INITRAMFS))
			copy_fd("initrd.bin", (int)initrd_fd);
		put_file("cmdline.txt", cmdline, cmdline ? cmdline_len : 0, 0);
	}
	if (err) {
		errno = err;
		return -1;
	}
	set_state(!!(flags & SHIM_KEXEC_FILE_ON_CRASH), !unload);
	return 0;
}

static int fake_reboot(unsigned long cmd)
{
	char line[64];
	snprintf(line, sizeof(line), "reboot cmd=0x%lx\n", cmd);
	put_str("reboot", line, 0);
	return 0;
}

EXPORT long syscall(long number, ...)
{
	va_list ap;
	long a[6];
	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	switch (number) {
	case SYS_kexec_load:
		return fake_kexec_load((unsigned long)a[0], (unsigned long)a[1],
				       (const struct shim_segment *)a[2], (unsigned long)a[3]);
	case SYS_kexec_file_load:
		return fake_kexec_file_load(a[0], a[1], (unsigned long)a[2],
					    (const char *)a[3], (unsigned long)a[4]);
	case SYS_reboot:
		/* reboot(magic1, magic2, cmd, arg) */
		return fake_reboot((unsigned long)(unsigned int)a[2]);
	}
	if (!LOOKUP(syscall))
		shim_die("syscall");
	return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

EXPORT int reboot(int cmd)
{
	return fake_reboot((unsigned long)(unsigned int)cmd);
}

EXPORT int uname(struct utsname *u)
{
	if (!LOOKUP(uname))
		shim_die("uname");
	int r = real_uname(u);
	const char *m = getenv("KEXEC_SHIM_MACHINE");
	if (r == 0 && m && *m) {
		strncpy(u->machine, m, sizeof(u->machine) - 1);
		u->machine[sizeof(u->machine) - 1] = 0;
	}
	return r;
}

/* kexec-tools' -e takes the network interfaces down first (SIOCSIFFLAGS);
 * record that in "ifdown" instead of doing it. */
#ifndef SIOCSIFFLAGS
#define SIOCSIFFLAGS 0x8914
#endif
EXPORT int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (req == SIOCSIFFLAGS) {
		char line[64];
		snprintf(line, sizeof(line), "SIOCSIFFLAGS %.16s\n", arg ? (const char *)arg : "?");
		put_str("ifdown", line, 1);
		return 0;
	}
	if (!LOOKUP(ioctl))
		shim_die("ioctl");
	return real_ioctl(fd, req, arg);
}

/* ------------------------------------------------------ path redirection */

static int is_pid_dir(const char *p)
{
	/* p points after "/proc/" */
	if (strncmp(p, "self", 4) == 0 && (p[4] == '/' || p[4] == 0))
		return 1;
	if (strncmp(p, "thread-self", 11) == 0 && (p[11] == '/' || p[11] == 0))
		return 1;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '/' || *p == 0;
}

/* Returns the path to use: either path itself or buf. */
static const char *redirect(const char *path, char *buf, size_t size)
{
	const char *root = getenv("KEXEC_SHIM_ROOT");
	if (!root || !*root || !path || path[0] != '/')
		return path;
	if (strncmp(path, "/proc/", 6) == 0) {
		if (is_pid_dir(path + 6))
			return path;
	} else if (strcmp(path, "/proc") != 0 && strcmp(path, "/sys") != 0 &&
		   strncmp(path, "/sys/", 5) != 0) {
		return path;
	}
	int n = snprintf(buf, size, "%s%s", root, path);
	if (n < 0 || (size_t)n >= size)
		return path;
	return buf;
}

#define REDIRECT(p) char rbuf_[PATH_MAX]; const char *rp_ = redirect((p), rbuf_, sizeof(rbuf_))

static mode_t open_mode(int flags, va_list ap)
{
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, int);
	return 0;
}

EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = open_mode(flags, ap);
	va_end(ap);
	REDIRECT(path);
	if (!LOOKUP(open))
		shim_die("open");
	return real_open(rp_, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = open_mode(flags, ap);
	va_end(ap);
	REDIRECT(path);
	if (!LOOKUP(open64))
		shim_die("open64");
	return real_open64(rp_, flags, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = open_mode(flags, ap);
	va_end(ap);
	REDIRECT(path);
	if (!LOOKUP(openat))
		shim_die("openat");
	return real_openat(dirfd, rp_, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = open_mode(flags, ap);
	va_end(ap);
	REDIRECT(path);
	if (!LOOKUP(openat64))
		shim_die("openat64");
	return real_openat64(dirfd, rp_, flags, mode);
}

/* glibc's _FORTIFY_SOURCE entry points: <fcntl.h> declares them only in a
 * fortified build, which this file is not (see the #undef above) */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);

EXPORT int __open_2(const char *path, int flags)
{
	REDIRECT(path);
	if (!LOOKUP(__open_2))
		shim_die("__open_2");
	return real___open_2(rp_, flags);
}

EXPORT int __open64_2(const char *path, int flags)
{
	REDIRECT(path);
	if (!LOOKUP(__open64_2))
		shim_die("__open64_2");
	return real___open64_2(rp_, flags);
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	REDIRECT(path);
	if (!LOOKUP(__openat_2))
		shim_die("__openat_2");
	return real___openat_2(dirfd, rp_, flags);
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
	REDIRECT(path);
	if (!LOOKUP(fopen))
		shim_die("fopen");
	return real_fopen(rp_, mode);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	REDIRECT(path);
	if (!LOOKUP(fopen64))
		shim_die("fopen64");
	return real_fopen64(rp_, mode);
}

EXPORT DIR *opendir(const char *path)
{
	REDIRECT(path);
	if (!LOOKUP(opendir))
		shim_die("opendir");
	return real_opendir(rp_);
}


EXPORT int stat(const char *path, struct stat *st)
{
	REDIRECT(path);
	if (!LOOKUP(stat))
		shim_die("stat");
	return real_stat(rp_, st);
}

EXPORT int lstat(const char *path, struct stat *st)
{
	REDIRECT(path);
	if (!LOOKUP(lstat))
		shim_die("lstat");
	return real_lstat(rp_, st);
}

EXPORT int stat64(const char *path, struct stat64 *st)
{
	REDIRECT(path);
	if (!LOOKUP(stat64))
		shim_die("stat64");
	return real_stat64(rp_, st);
}

EXPORT int lstat64(const char *path, struct stat64 *st)
{
	REDIRECT(path);
	if (!LOOKUP(lstat64))
		shim_die("lstat64");
	return real_lstat64(rp_, st);
}

EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	REDIRECT(path);
	if (!LOOKUP(fstatat))
		shim_die("fstatat");
	return real_fstatat(dirfd, rp_, st, flags);
}

EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	REDIRECT(path);
	if (!LOOKUP(fstatat64))
		shim_die("fstatat64");
	return real_fstatat64(dirfd, rp_, st, flags);
}

/* The pre-2.33 stat entry points, still exported by glibc 2.36 for old
 * binaries. */
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);

EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	REDIRECT(path);
	if (!LOOKUP(__xstat))
		shim_die("__xstat");
	return real___xstat(ver, rp_, st);
}

EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	REDIRECT(path);
	if (!LOOKUP(__lxstat))
		shim_die("__lxstat");
	return real___lxstat(ver, rp_, st);
}

EXPORT int __xstat64(int ver, const char *path, struct stat64 *st)
{
	REDIRECT(path);
	if (!LOOKUP(__xstat64))
		shim_die("__xstat64");
	return real___xstat64(ver, rp_, st);
}

EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	REDIRECT(path);
	if (!LOOKUP(__lxstat64))
		shim_die("__lxstat64");
	return real___lxstat64(ver, rp_, st);
}

EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	REDIRECT(path);
	if (!LOOKUP(__fxstatat))
		shim_die("__fxstatat");
	return real___fxstatat(ver, dirfd, rp_, st, flags);
}

EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
	REDIRECT(path);
	if (!LOOKUP(__fxstatat64))
		shim_die("__fxstatat64");
	return real___fxstatat64(ver, dirfd, rp_, st, flags);
}

EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *st)
{
	REDIRECT(path);
	if (!LOOKUP(statx))
		shim_die("statx");
	return real_statx(dirfd, rp_, flags, mask, st);
}

EXPORT int access(const char *path, int mode)
{
	REDIRECT(path);
	if (!LOOKUP(access))
		shim_die("access");
	return real_access(rp_, mode);
}

EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	REDIRECT(path);
	if (!LOOKUP(faccessat))
		shim_die("faccessat");
	return real_faccessat(dirfd, rp_, mode, flags);
}

EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	REDIRECT(path);
	if (!LOOKUP(readlink))
		shim_die("readlink");
	return real_readlink(rp_, buf, size);
}

EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	REDIRECT(path);
	if (!LOOKUP(readlinkat))
		shim_die("readlinkat");
	return real_readlinkat(dirfd, rp_, buf, size);
}

/* ------------------------------------------------------------ the marker */

__attribute__((constructor)) static void shim_init(void)
{
	/* Resolve the pass-through calls now so a missing symbol is noticed
	 * before the program runs, not in the middle of a kexec call. */
	if (!LOOKUP(syscall))
		shim_die("syscall");
	if (!LOOKUP(open))
		shim_die("open");
	char exe[PATH_MAX], line[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	snprintf(line, sizeof(line), "pid=%ld exe=%s\n", (long)getpid(), exe);
	put_str("loaded", line, 1);
}
