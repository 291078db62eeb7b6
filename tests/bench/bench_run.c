/* tests/bench/bench_run.c — runs one command and reports its wall time and peak RSS.
 *
 * Usage: bench_run COMMAND [ARG...]
 * Prints "wall_ns=N cpu_ns=C maxrss_kib=M status=S" on stderr after the command exits
 * (C: the child's user + system time, which a busy shared machine inflates less than
 * the wall time); the command's own stdout and stderr are inherited.
 *
 * Why a C helper: the kernel's peak RSS of a child (ru_maxrss) includes the memory of
 * the process that forked it up to the exec, so spawning netsim straight from Python
 * reports Python's ~15 MiB for a 4 MiB run. This small program forks netsim instead;
 * its own footprint (about 1 MiB) is the floor of the figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_run COMMAND [ARG...]\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_run: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("bench_run: exec");
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("bench_run: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
	long long cpu = ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
			((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	fprintf(stderr, "wall_ns=%lld cpu_ns=%lld maxrss_kib=%ld status=%d\n", ns, cpu, ru.ru_maxrss,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
