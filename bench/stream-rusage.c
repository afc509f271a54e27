// SPDX-License-Identifier: GPL-2.0
/*
 * stream-rusage OUT CMD [ARG...]: runs CMD, passes SIGINT and SIGTERM on
 * to it, and writes the CPU seconds it used ("USER SYS") to OUT. The
 * reader's cost in bench/stream.sh, whatever the reader. With
 * RUSAGE_PIPE=1, CMD writes into a pipe that a process of our own (not
 * counted) copies to our standard output: a consumer such as jq reading it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t child;

/* The consumer: copies the pipe @fds to standard output until it closes. */
static pid_t consume(const int fds[2])
{
	static char buf[1 << 16];
	pid_t pid = fork();
	ssize_t n;

	if (pid)
		return pid;
	close(fds[1]);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		if (write(1, buf, n) != n)
			_exit(1);
	_exit(0);
}

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid, cons = 0;
	int fds[2];
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: stream-rusage OUT CMD [ARG...]\n");
		return 64;
	}
	signal(SIGINT, pass_on);
	signal(SIGTERM, pass_on);
	if (getenv("RUSAGE_PIPE")) {
		if (pipe(fds))
			return 1;
		cons = consume(fds);
		close(fds[0]);
	}
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (cons && (dup2(fds[1], 1) < 0 || close(fds[1])))
			_exit(127);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	child = pid;
	if (cons)
		close(fds[1]);
	while (wait4(pid, &status, 0, &ru) < 0)
		;
	if (cons)
		waitpid(cons, NULL, 0);
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%.3f %.3f\n", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
