/* SPDX-License-Identifier: GPL-2.0 */
/* Private to cmd-stream.c, cmd-stream-child.c and cmd-trace.c: stream's options,
 * one stream's run, and its -- CMD. */
#ifndef UPROBE_CMD_STREAM_H
#define UPROBE_CMD_STREAM_H

#include <argp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "probe.h"

/* stream's options, and the arguments that are not options */
struct stream_args {
	char **pat;
	size_t npat;
	char **cmd;		/* after "--" */
	pid_t pid;
	const char *filter;
	double duration;
	unsigned long count;
	size_t buffer_kb;
	bool latency, stack;
};

/* stream's options alone, into a struct stream_args: an argp child. */
extern const struct argp stream_cmd_argp;

/* "[ARG...] [-- CMD [ARG...]]" parsed with @argp into @input, CMD into
 * @a->cmd and checked against @a->pid; 0, or the exit status to return. */
int stream_cmd_parse(const struct argp *argp, void *input, int argc, char **argv,
		     struct stream_args *a);

/* SIGINT, SIGTERM, SIGHUP and SIGCHLD noted for the stream's loop, which
 * then ends; SIGPIPE ignored (a closed output is EPIPE). Idempotent. */
void stream_cmd_signals(void);

/* @probes, already in the kernel, streamed from a private instance as
 * @a says, CMD run when @a has one; the exit status. */
int stream_cmd_run(struct stream_args *a, struct probe *const *probes, size_t n);

/* -- CMD, in cmd-stream-child.c */

/* CMD forked, waiting on a pipe: it runs (execvp) once one byte is written
 * to *@go_fd, which the caller closes; it exits 127 when that is closed
 * unwritten. The pid, or -1 with errno. */
pid_t stream_cmd_fork(char **cmd, int *go_fd);

/* A waitpid() status as an exit status: 128 + the signal when killed. */
int stream_cmd_status(int wstatus);

/* CMD @pid (named @name in a warning) to its end: @pass, a signal to pass
 * on first, or SIGTERM when @end_it; a signal noted in *@sig meanwhile, or
 * SIGTERM ignored for 3 s, takes it one step further (SIGTERM, SIGKILL).
 * Its exit status; *@ended says whether we sent it SIGTERM or SIGKILL. */
int stream_cmd_reap(pid_t pid, const char *name, int pass, bool end_it,
		    volatile sig_atomic_t *sig, bool *ended);

#endif
