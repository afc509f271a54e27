/* SPDX-License-Identifier: GPL-2.0 */
/* Private to cmd-stream.c and cmd-trace.c: stream's options and one stream's run. */
#ifndef UPROBE_CMD_STREAM_H
#define UPROBE_CMD_STREAM_H

#include <argp.h>
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

#endif
