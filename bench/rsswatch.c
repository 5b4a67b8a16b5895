/*
 * rsswatch: run a command and report its wall time and its anonymous
 * memory (RssAnon of /proc/PID/status) at the moment it enters
 * kexec_load(2) or kexec_file_load(2).  Used by the QEMU load benchmark
 * (bench/scenarios/bench-load-x86_64), inside the guest, where the system
 * call is real.
 *
 *   rsswatch CMD ARGS...
 *
 * The child installs a seccomp filter that returns SECCOMP_RET_TRACE for
 * those two system calls only (every other call runs untraced, so the
 * timing is not slowed down), then execs CMD under ptrace.  At the seccomp
 * stop, before the kernel runs the call, the parent reads RssAnon of the
 * child.  Printed on stderr, one line:
 *
 *   RSSWATCH rc=N seconds=S rss_anon_kb=K vm_rss_kb=R calls=C
 *
 * rss_anon_kb (RssAnon) and vm_rss_kb (VmRSS: anonymous, file and shmem
 * pages) are the values at the last kexec_load/kexec_file_load entry
 * (-1 when the command never made one); seconds is fork -> exit of CMD
 * (CLOCK_MONOTONIC).  The exit status is CMD's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH_NR AUDIT_ARCH_X86_64
#define NR_LOAD 246
#define NR_FILE_LOAD 320
#elif defined(__i386__)
#define ARCH_NR AUDIT_ARCH_I386
#define NR_LOAD 283
#define NR_FILE_LOAD (-1)
#else
#error "rsswatch: x86_64 or i386 only"
#endif

/* RssAnon and VmRSS of PID, in kB (-1 when not found) */
static void rss_kb(pid_t pid, long *anon, long *total)
{
	char path[64], line[256];
	FILE *f;

	*anon = *total = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "RssAnon: %ld kB", anon);
		sscanf(line, "VmRSS: %ld kB", total);
	}
	fclose(f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void child(char **argv)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NR, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_LOAD, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)NR_FILE_LOAD, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };

	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) {
		perror("rsswatch: PTRACE_TRACEME");
		_exit(127);
	}
	raise(SIGSTOP);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("rsswatch: seccomp filter");
		_exit(127);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "rsswatch: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	long rss = -1, vmrss = -1;
	int status, calls = 0, rc;
	double t0, t1;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: rsswatch CMD [ARGS...]\n");
		return 2;
	}
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("rsswatch: fork");
		return 127;
	}
	if (pid == 0)
		child(argv + 1);
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) {
		fprintf(stderr, "rsswatch: the child did not stop\n");
		return 127;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) < 0) {
		perror("rsswatch: PTRACE_SETOPTIONS");
		kill(pid, SIGKILL);
		return 127;
	}
	ptrace(PTRACE_CONT, pid, 0, 0);
	for (;;) {
		int sig = 0;

		if (waitpid(pid, &status, 0) < 0) {
			perror("rsswatch: waitpid");
			return 127;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			rss_kb(pid, &rss, &vmrss);
			calls++;
		} else if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			/* an execve (CMD itself, or a program CMD runs in its place) */
		} else {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_CONT, pid, 0, sig);
	}
	t1 = now();
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "RSSWATCH rc=%d seconds=%.3f rss_anon_kb=%ld vm_rss_kb=%ld calls=%d\n", rc, t1 - t0, rss,
		vmrss, calls);
	return rc;
}
