/*
 * Hold a token in memory and show it, with this process' PID, now and then:
 * the user-space state a hibernation scenario checks after resume.
 *
 *   holder TOKEN [LOGFILE]
 *
 * Copies TOKEN into a heap buffer and prints
 *   KJ-HOLDER pid=P token=TOKEN n=N
 * on stdout (and appends it to LOGFILE) once a second.  It wakes every
 * 20 ms to compare CLOCK_BOOTTIME with CLOCK_MONOTONIC: when their
 * difference grows, the machine slept (a resume from hibernation adds the
 * time it was off, read from the RTC, to CLOCK_BOOTTIME only), and the line
 * is printed at once with " resumed slept=SECONDS" appended.  Runs until
 * killed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	double off, last;
	unsigned long n = 0;
	char *token;
	FILE *log = NULL;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: holder TOKEN [LOGFILE]\n");
		return 2;
	}
	token = strdup(argv[1]);
	if (!token)
		return 1;
	if (argc == 3 && !(log = fopen(argv[2], "a"))) {
		perror(argv[2]);
		return 1;
	}
	off = now(CLOCK_BOOTTIME) - now(CLOCK_MONOTONIC);
	last = -1;
	for (;;) {
		double mono = now(CLOCK_MONOTONIC);
		double slept = now(CLOCK_BOOTTIME) - mono - off;
		char line[256];

		/* clock reads 20 ms apart drift by microseconds, a resume by seconds */
		if (slept > 0.5 || last < 0 || mono - last >= 1.0) {
			if (slept > 0.5)
				snprintf(line, sizeof(line), "KJ-HOLDER pid=%d token=%s n=%lu resumed slept=%.1f\n",
					 (int)getpid(), token, n, slept);
			else
				snprintf(line, sizeof(line), "KJ-HOLDER pid=%d token=%s n=%lu\n",
					 (int)getpid(), token, n);
			/* one write: the line is not split among other console output */
			if (write(1, line, strlen(line)) < 0)
				return 1;
			if (log) {
				fputs(line, log);
				fflush(log);
			}
			n++;
			last = mono;
			off += slept > 0.5 ? slept : 0;
		}
		nanosleep(&tick, NULL);
	}
}
