// SPDX-License-Identifier: GPL-2.0
/* uprobe stream: every hit of the events, as it happens, from a private instance. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cmd-stream.h"
#include "stream.h"
#include "tfs.h"
#include "util.h"

/* How long one wait lasts: what a slow event stream waits to be shown. */
#define TICK_MS 100

enum {
	OPT_BUFFER = 'b', OPT_COUNT = 'c', OPT_DURATION = 'd', OPT_FILTER = 'f',
	OPT_LATENCY = 'l', OPT_PID = 'p', OPT_STACK = 's',
};

static const struct argp_option stream_options[] = {
	{ "pid", OPT_PID, "PID", 0, "Only process PID (all its threads); ends when it exits", 0 },
	{ "filter", OPT_FILTER, "EXPR", 0,
	  "The kernel's event filter, e.g. 'len > 10 && s ~ \"a*\"'", 0 },
	{ "duration", OPT_DURATION, "S", 0, "Stop after S seconds (decimals allowed)", 0 },
	{ "count", OPT_COUNT, "N", 0, "Stop after N events", 0 },
	{ "latency", OPT_LATENCY, NULL, 0,
	  "Pair entry and return probes of a function per thread: each "
	  "call's duration, and a log2 histogram at the end", 0 },
	{ "stack", OPT_STACK, NULL, 0, "The user stack of each event, symbolized", 0 },
	{ "buffer-size", OPT_BUFFER, "KB", 0,
	  "Ring buffer per CPU, in KiB (default 8192)", 0 },
	{ 0 }
};

static error_t stream_parse(int key, char *arg, struct argp_state *state)
{
	struct stream_args *a = state->input;

	switch (key) {
	case OPT_PID:
		a->pid = cli_pid(state, "--pid", arg);
		break;
	case OPT_FILTER:
		if (!arg[0] || strchr(arg, '\n'))
			argp_error(state, "--filter takes one line of the kernel's "
				   "filter syntax, not '%s'", arg);
		a->filter = arg;
		break;
	case OPT_DURATION:
		a->duration = cli_seconds(state, "--duration", arg, 0.001, 1e9);
		break;
	case OPT_COUNT:
		a->count = cli_num(state, "--count", arg, 1, ULONG_MAX);
		break;
	case OPT_BUFFER:
		a->buffer_kb = cli_num(state, "--buffer-size", arg, 4, 4UL << 20);
		break;
	case OPT_LATENCY:
		a->latency = true;
		break;
	case OPT_STACK:
		a->stack = true;
		break;
	case ARGP_KEY_ARG:
		cli_rest_args(state, &a->pat, &a->npat);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The options alone, as a child of another command's argp (uprobe trace). */
const struct argp stream_cmd_argp = { stream_options, stream_parse, NULL, NULL,
				      NULL, NULL, NULL };

const struct argp stream_argp = {
	stream_options, stream_parse, "[EVENT...] [-- CMD [ARG...]]",
	"Show every hit of uprobe events as it happens, one line each (one "
	"JSON object each with --json).\v"
	"EVENT is GRP/EVENT, or EVENT in the group 'uprobes'; globs allowed; "
	"none means every uprobe event. The events are enabled in a private "
	"tracefs instance (instances/uprobe-PID), removed again however the "
	"stream ends. With -- CMD, CMD is started with the events already "
	"enabled, only its events (and its children's) are shown, and the "
	"stream ends when it does, with its exit status (when --count or "
	"--duration ends it first, CMD is sent SIGTERM). Lost events are "
	"reported on stderr; the exit status is then 2. See uprobe-stream(8).",
	cli_children, NULL, NULL
};

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t signal_from_process;
static volatile sig_atomic_t child_exited;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGCHLD) {
		child_exited = 1;
		return;
	}
	got_signal = sig;
	/* from kill(1), not from the terminal (which signals CMD itself) */
	signal_from_process = si && si->si_code == SI_USER;
}

void stream_cmd_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;	/* no SA_RESTART: poll() returns */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	/* a closed output shows as EPIPE from write() */
	signal(SIGPIPE, SIG_IGN);
}

/* CLOCK_MONOTONIC in seconds */
static double mono_now(void)
{
	return util_now_ns() / 1e9;
}

static void report_lost(struct stream *s, bool final, unsigned long long *said)
{
	struct stream_lost l;
	char per[512];
	size_t len = 0;
	int i;

	if (stream_lost(s, &l) || l.total <= *said)
		return;
	per[0] = '\0';
	for (i = 0; i < l.ncpu && len < sizeof(per) - 40; i++)
		if (l.per_cpu[i])
			len += snprintf(per + len, sizeof(per) - len, "%scpu%d: %llu",
					len ? ", " : "", i, l.per_cpu[i]);
	warn("%s%llu events lost (%s)", final ? "" : "so far ", l.total, per);
	if (final)
		note("hint: a bigger --buffer-size (KiB per CPU) or a narrower "
		     "--filter helps");
	*said = l.total;
}

static void err_filter(int ret, const char *expr)
{
	int pos = stream_errpos();

	if (ret != -EINVAL) {
		err("cannot set --filter: %s", stream_errmsg());
		return;
	}
	err("the kernel refused --filter '%s': %s", expr, stream_errmsg());
	if (pos >= 0) {
		note("%s", expr);
		note("%*s^", pos, "");
	}
}

struct run {
	struct stream_args *a;
	struct stream *s;
	pid_t child;
	int go_fd;
	int child_status;
	bool child_done;
};

static bool child_gone(struct run *r)
{
	int st;

	if (r->child <= 0 || r->child_done)
		return r->child_done;
	if (waitpid(r->child, &st, WNOHANG) == r->child) {
		r->child_done = true;
		r->child_status = stream_cmd_status(st);
	}
	return r->child_done;
}

/* --pid's process has exited (a zombie counts: it runs no more code). */
static bool pid_gone(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return true;
	buf[len] = 0;
	/* "PID (COMM) S ...": COMM may hold ')' itself */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* Events removed under the stream, said once each; true when none is left. */
static bool report_gone(struct stream *s)
{
	const char *name;
	size_t left = 1;

	while ((name = stream_gone(s, &left)))
		warn("%s was removed: no more of its events%s", name,
		     left ? "" : "; none left to stream");
	return left == 0;
}

/* The stream until one of its ends; 0, or -errno from the reader. */
static int loop(struct run *r)
{
	double end = r->a->duration > 0 ? mono_now() + r->a->duration : 0;
	unsigned long long said = 0;
	double last_warn = 0;
	int ret;

	for (;;) {
		int wait = TICK_MS;

		if (end) {
			double left = end - mono_now();

			if (left <= 0)
				return 0;
			if (left * 1000 < wait)
				wait = (int)(left * 1000) + 1;
		}
		ret = stream_poll(r->s, wait);
		if (ret < 0)
			return ret;
		if (got_signal || stream_done(r->s) || (r->child > 0 && child_gone(r)) ||
		    (r->a->pid && pid_gone(r->a->pid)))
			return 0;
		if (mono_now() - last_warn >= 1) {
			report_lost(r->s, false, &said);
			last_warn = mono_now();
			if (report_gone(r->s))
				return 0;
		}
	}
}

/* --latency pairs an entry and a return probe at one place: say which have none. */
static void warn_unpaired(struct stream *s)
{
	const struct probe *p;
	size_t pos = 0;

	while ((p = stream_unpaired(s, &pos)))
		warn("--latency: %s/%s has no %s probe at %s:0x%" PRIx64 " among the "
		     "events streamed: no durations for it", probe_group(p), p->event,
		     p->kind == PROBE_RETURN ? "entry" : "return", p->path, p->offset);
}

static int setup(struct run *r, struct probe *const *probes, size_t n)
{
	struct stream_args *a = r->a;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = stream_add(r->s, probes[i]);
		if (ret) {
			err_errno(ret, "%s", stream_errmsg());
			return ret;
		}
	}
	if (a->filter && (ret = stream_filter(r->s, a->filter))) {
		err_filter(ret, a->filter);
		return ret;
	}
	if (a->cmd) {
		r->child = stream_cmd_fork(a->cmd, &r->go_fd);
		if (r->child < 0) {
			ret = -errno;
			err_errno(ret, "cannot start '%s'", a->cmd[0]);
			return ret;
		}
	}
	if (a->pid || r->child > 0) {
		ret = stream_pid(r->s, a->pid ? a->pid : r->child, r->child > 0);
		if (ret) {
			err("%s", stream_errmsg());
			return ret;
		}
	}
	ret = stream_start(r->s);
	if (ret)
		err_errno(ret, "cannot start the stream: %s", stream_errmsg());
	else if (a->latency)
		warn_unpaired(r->s);
	return ret;
}

/*
 * After the stream: CMD to its end. A kill(1) of ours is passed on to it and
 * its status is ours; a signal from the terminal reached it already. When
 * the stream ended first (--count, --duration, no event left, a closed
 * output) CMD is sent SIGTERM, and the stream's own @status is ours.
 */
static int wait_child(struct run *r, int status)
{
	int pass = got_signal && signal_from_process ? got_signal : 0;
	bool ended = false;
	int st;

	if (r->go_fd >= 0)
		close(r->go_fd);	/* not started: it exits 127 */
	if (r->child_done)
		return r->child_status;
	st = stream_cmd_reap(r->child, r->a->cmd[0], pass, !got_signal, &got_signal, &ended);
	return ended ? status : st;
}

static int select_events(struct stream_args *a, struct tfs_event **ev, size_t *n,
			 size_t **sel, size_t *nsel)
{
	int ret = tfs_events(ev, n);

	if (ret) {
		err_errno(ret, "reading uprobe_events");
		return -1;
	}
	ret = cli_select(*ev, *n, a->pat, a->npat, PROBE_DEFAULT_GROUP, sel, nsel);
	if (ret < 0) {
		err_errno(-ENOMEM, "selecting events");
		return -1;
	}
	if (ret)
		return -1;
	if (!*nsel) {
		err("no uprobe events to stream");
		note("hint: add one first, e.g. 'uprobe add /bin/bash:readline'");
		return -1;
	}
	return 0;
}

/* Split "[EVENT...] -- CMD [ARG...]" before argp sees it. */
static int split_cmd(int argc, char **argv, struct stream_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			if (i + 1 < argc)
				a->cmd = argv + i + 1;
			argv[i] = NULL;
			return i;
		}
	}
	return argc;
}

int stream_cmd_parse(const struct argp *argp, void *input, int argc, char **argv,
		     struct stream_args *a)
{
	int nargs = split_cmd(argc, argv, a);
	bool had_dashes = nargs < argc;

	if (cli_parse(argp, nargs, argv, input))
		return EXIT_FAIL;
	if (had_dashes && !a->cmd) {
		err("nothing to run after '--'");
		return EXIT_USAGE;
	}
	if (a->cmd && a->pid) {
		err("--pid and -- CMD do not go together");
		return EXIT_USAGE;
	}
	return 0;
}

/* The stream, once started, to its end; the exit status. */
static int run_stream(struct run *r)
{
	unsigned long long said = 0;
	int status = EXIT_OK, ret;

	if (r->go_fd >= 0) {
		/* the events are on: CMD may run */
		if (write(r->go_fd, "g", 1) != 1)
			warn("cannot start '%s'", r->a->cmd[0]);
		close(r->go_fd);
		r->go_fd = -1;
	}
	ret = loop(r);
	if (ret == 0)
		ret = stream_stop(r->s);
	if (ret == 0)
		ret = stream_finish(r->s);
	if (ret && ret != -EPIPE) {
		err_errno(ret, "reading the events");
		status = EXIT_FAIL;
	}
	/* a closed pipe (| head) is a normal end; the output is gone */
	report_lost(r->s, true, &said);
	if (said && status == EXIT_OK)
		status = EXIT_PARTIAL;
	return status;
}

int stream_cmd_run(struct stream_args *a, struct probe *const *probes, size_t n)
{
	struct run r = { .a = a, .go_fd = -1 };
	struct stream_opts so = { .tracefs = tfs_dir(), .out_fd = STDOUT_FILENO,
				  .json = g_opts.json, .latency = a->latency,
				  .stack = a->stack, .buffer_kb = a->buffer_kb,
				  .count = a->count };
	bool started = false;
	int status = EXIT_FAIL;

	fflush(stdout);
	stream_cmd_signals();
	r.s = stream_new(&so);
	if (!r.s) {
		err("%s", stream_errmsg()[0] ? stream_errmsg() : strerror(errno));
		return status;
	}
	started = setup(&r, probes, n) == 0;
	if (started)
		status = run_stream(&r);
	stream_free(r.s);
	if (r.child > 0 && started) {
		status = wait_child(&r, status);
	} else if (r.child > 0) {
		close(r.go_fd);	/* it exits without running CMD */
		waitpid(r.child, NULL, 0);
	}
	return status;
}

int cmd_stream(int argc, char **argv)
{
	struct stream_args a = { 0 };
	struct tfs_event *ev = NULL;
	size_t n = 0, nsel = 0, *sel = NULL, i;
	struct probe **probes = NULL;
	int status;

	status = stream_cmd_parse(&stream_argp, &a, argc, argv, &a);
	if (status)
		return status;
	status = EXIT_FAIL;
	/* of streams and traces killed by SIGKILL */
	tfs_reap_instances();
	tfs_reap_groups(TFS_TRACE_GROUP_PREFIX);
	if (select_events(&a, &ev, &n, &sel, &nsel))
		goto out_free;
	probes = calloc(nsel, sizeof(*probes));
	if (!probes) {
		err_errno(-ENOMEM, "selecting events");
		goto out_free;
	}
	for (i = 0; i < nsel; i++)
		probes[i] = ev[sel[i]].probe;
	status = stream_cmd_run(&a, probes, nsel);
out_free:
	free(probes);
	free(sel);
	tfs_events_free(ev, n);
	return status;
}
