// SPDX-License-Identifier: GPL-2.0
/*
 * stream-rusage OUT CMD [ARG...]: runs CMD, passes SIGINT and SIGTERM on
 * to it, and writes the CPU seconds it used ("USER SYS") to OUT. The
 * reader's cost in bench/stream.sh, whatever the reader.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: stream-rusage OUT CMD [ARG...]\n");
		return 64;
	}
	signal(SIGINT, pass_on);
	signal(SIGTERM, pass_on);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	child = pid;
	while (wait4(pid, &status, 0, &ru) < 0)
		;
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%.3f %.3f\n", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
