// SPDX-License-Identifier: GPL-2.0
/* uprobe stream -- CMD: starting CMD, and ending it when the stream ends first. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cmd-stream.h"
#include "util.h"

/* How long CMD has, after our SIGTERM, to end before SIGKILL. */
#define GRACE_MS 3000

pid_t stream_cmd_fork(char **cmd, int *go_fd)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		signal(SIGPIPE, SIG_DFL);
		if (read(p[0], &c, 1) != 1)
			_exit(127);	/* the stream failed to start */
		execvp(cmd[0], cmd);
		fprintf(stderr, "uprobe stream: cannot run '%s': %s\n", cmd[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(p[0]);
	*go_fd = p[1];
	return pid;
}

int stream_cmd_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_FAIL;
}

struct reap {
	pid_t pid;
	const char *name;
	int step;		/* 0, 1 after SIGTERM, 2 after SIGKILL */
	uint64_t kill_at;	/* CLOCK_MONOTONIC ns of the SIGKILL; 0: none due */
};

/* SIGTERM first, as bpftrace ends a -c command; SIGKILL when that is not enough. */
static void escalate(struct reap *r, bool late)
{
	if (r->step == 0) {
		kill(r->pid, SIGTERM);
		r->kill_at = util_now_ns() + GRACE_MS * 1000000ULL;
	} else {
		if (late)
			warn("'%s' is still running %d s after SIGTERM: killing it", r->name,
			     GRACE_MS / 1000);
		kill(r->pid, SIGKILL);
		r->kill_at = 0;
	}
	if (r->step < 2)
		r->step++;
}

int stream_cmd_reap(pid_t pid, const char *name, int pass, bool end_it,
		    volatile sig_atomic_t *sig, bool *ended)
{
	struct reap r = { .pid = pid, .name = name };
	pid_t w;
	int st;

	*sig = 0;
	if (pass)
		kill(pid, pass);
	else if (end_it)
		escalate(&r, false);
	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return EXIT_FAIL;
		if (*sig) {
			/* SIGINT, SIGTERM or SIGHUP while we wait: end it */
			*sig = 0;
			escalate(&r, false);
		} else if (r.kill_at && util_now_ns() >= r.kill_at) {
			escalate(&r, true);
		}
		/* SIGCHLD cuts this short: no SA_RESTART */
		poll(NULL, 0, 20);
	}
	*ended = r.step > 0;
	return stream_cmd_status(st);
}
