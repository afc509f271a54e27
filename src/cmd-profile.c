// SPDX-License-Identifier: GPL-2.0
/* uprobe profile: how often each event fired (uprobe_profile), sorted. */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "stream.h"
#include "tfs.h"
#include "util.h"

struct profile_args {
	char **pat;
	size_t npat;
	double interval;
	unsigned long count;
};

static const struct argp_option profile_options[] = {
	{ "interval", 'i', "S", 0,
	  "Refresh every S seconds with hits per second, like top", 0 },
	{ "count", 'c', "N", 0, "With --interval: stop after N refreshes", 0 },
	{ 0 }
};

static error_t profile_parse(int key, char *arg, struct argp_state *state)
{
	struct profile_args *a = state->input;

	switch (key) {
	case 'i':
		a->interval = cli_seconds(state, "--interval", arg, 0.01, 86400);
		break;
	case 'c':
		a->count = cli_num(state, "--count", arg, 1, ULONG_MAX);
		break;
	case ARGP_KEY_ARG:
		cli_rest_args(state, &a->pat, &a->npat);
		break;
	case ARGP_KEY_END:
		if (a->count && !a->interval)
			argp_error(state, "--count counts refreshes: it needs --interval");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp profile_argp = {
	profile_options, profile_parse, "[EVENT...]",
	"Show how many times each uprobe event fired (the kernel's "
	"uprobe_profile), most first.\v"
	"EVENT is GRP/EVENT, or EVENT in the group 'uprobes'; globs allowed; "
	"none means every uprobe event. The kernel counts the hits of a probe "
	"while it is enabled somewhere (at the top level or in an instance), "
	"from the moment it was added; an event of several probes has their "
	"sum, and with -v a line per probe. With --interval, "
	"the view refreshes with hits per second until interrupted. See "
	"uprobe-profile(8).",
	cli_children, NULL, NULL
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	stop = sig;
}

/* Previous totals by GRP/EVENT, for the per-second rates. */
struct prev {
	char name[2 * PROBE_MAX_EVENT_NAME + 2];
	unsigned long hits;
};

static bool find_prev(const struct prev *pv, size_t n, const char *name,
		      unsigned long *hits)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(pv[i].name, name) == 0) {
			*hits = pv[i].hits;
			return true;
		}
	}
	return false;
}

/* The events that match (all without patterns), quietly: an interval view
 * goes on when a pattern matches nothing yet. 0, or -1 (no memory). */
static int select_quiet(const struct profile_args *a, const struct tfs_event *ev,
			size_t n, size_t **sel, size_t *nsel)
{
	size_t k, j;
	bool hit;

	*nsel = 0;
	*sel = calloc(n ? n : 1, sizeof(**sel));
	if (!*sel)
		return -1;
	for (k = 0; k < n; k++) {
		const struct probe *p = ev[k].probe;

		for (j = 0, hit = !a->npat; j < a->npat && !hit; j++)
			hit = tfs_match(a->pat[j], PROBE_DEFAULT_GROUP, probe_group(p),
					p->event);
		if (hit)
			(*sel)[(*nsel)++] = k;
	}
	return 0;
}

/* One snapshot: the events, and a row per matching event with its probes. */
struct snap {
	struct tfs_event *ev;
	size_t n;
	struct stream_prof_row *rows;
	size_t nrows;
	struct stream_prof_part *parts;	/* the rows' probes, @n at most */
};

static void snap_free(struct snap *s)
{
	free(s->rows);
	free(s->parts);
	tfs_events_free(s->ev, s->n);
	memset(s, 0, sizeof(*s));
}

static bool same_event(const struct probe *a, const struct probe *b)
{
	return !strcmp(probe_group(a), probe_group(b)) && !strcmp(a->event, b->event);
}

/* uprobe_profile has a line per probe: an event's hits are their sum. */
static void add_row(struct snap *s, size_t i, size_t *np)
{
	struct stream_prof_row *r = &s->rows[s->nrows];
	size_t k;

	for (k = 0; k < s->nrows; k++)
		if (same_event(s->rows[k].probe, s->ev[i].probe))
			return;
	s->nrows++;
	r->probe = s->ev[i].probe;
	r->parts = &s->parts[*np];
	for (k = 0; k < s->n; k++) {
		if (!same_event(s->ev[k].probe, r->probe))
			continue;
		s->parts[(*np)++] = (struct stream_prof_part){ s->ev[k].probe, s->ev[k].hits };
		r->nparts++;
		r->hits += s->ev[k].hits;
	}
}

/* The rows of @sel, with deltas against @pv[@npv]; @nv gets the totals. */
static void fill_rows(struct snap *s, const size_t *sel, size_t nsel,
		      const struct prev *pv, size_t npv, struct prev *nv)
{
	size_t i, np = 0;

	for (i = 0; i < nsel; i++)
		add_row(s, sel[i], &np);
	for (i = 0; i < s->nrows; i++) {
		struct stream_prof_row *r = &s->rows[i];
		unsigned long before;

		snprintf(nv[i].name, sizeof(nv[i].name), "%s/%s", probe_group(r->probe),
			 r->probe->event);
		nv[i].hits = r->hits;
		if (find_prev(pv, npv, nv[i].name, &before) && r->hits >= before)
			r->delta = r->hits - before;
	}
}

static int select_rows(struct profile_args *a, struct snap *s, size_t **sel,
		       size_t *nsel, bool quiet)
{
	int ret = tfs_events(&s->ev, &s->n);

	if (ret) {
		err_errno(ret, "reading uprobe_events");
		return -1;
	}
	if (quiet)
		return select_quiet(a, s->ev, s->n, sel, nsel);
	return cli_select(s->ev, s->n, a->pat, a->npat, PROBE_DEFAULT_GROUP, sel, nsel);
}

/*
 * One snapshot into @s, with deltas against *@pv, which is replaced by
 * this snapshot's totals. Returns 0, or -1 after an error was shown.
 */
static int snapshot(struct profile_args *a, struct snap *s, struct prev **pv,
		    size_t *npv, bool quiet)
{
	size_t *sel = NULL, nsel = 0;
	struct prev *nv = NULL;

	if (select_rows(a, s, &sel, &nsel, quiet)) {
		free(sel);
		return -1;
	}
	s->rows = calloc(nsel ? nsel : 1, sizeof(*s->rows));
	s->parts = calloc(s->n ? s->n : 1, sizeof(*s->parts));
	nv = calloc(nsel ? nsel : 1, sizeof(*nv));
	if (!s->rows || !s->parts || !nv) {
		free(sel);
		free(nv);
		err_errno(-ENOMEM, "profile");
		return -1;
	}
	fill_rows(s, sel, nsel, *pv, *npv, nv);
	free(*pv);
	*pv = nv;
	*npv = s->nrows;
	free(sel);
	return 0;
}

/* CLOCK_MONOTONIC in seconds */
static double mono_now(void)
{
	return util_now_ns() / 1e9;
}

static void sleep_for(double secs)
{
	struct timespec t = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };

	/* a signal cuts it short, and the loop sees stop */
	nanosleep(&t, NULL);
}

static int show(struct profile_args *a, struct snap *s, bool tty, unsigned long k,
		double secs)
{
	stream_prof_sort(s->rows, s->nrows, true);
	if (tty)
		fputs("\033[H\033[2J", stdout);
	else if (!g_opts.json && k > 1)
		putchar('\n');
	if (!g_opts.json)
		printf("every %.2fs, %zu events\n", a->interval, s->nrows);
	return stream_prof_print(stdout, s->rows, s->nrows, g_opts.json, g_opts.verbose,
				 secs);
}

static int refresh(struct profile_args *a)
{
	bool tty = isatty(STDOUT_FILENO) && !g_opts.json;
	struct prev *pv = NULL;
	size_t npv = 0;
	unsigned long k;
	double last;
	int ret = 0;

	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGHUP, on_stop);
	signal(SIGPIPE, SIG_IGN);
	last = mono_now();
	for (k = 0; !stop && (!a->count || k <= a->count); k++) {
		struct snap s = { 0 };
		double now = mono_now(), secs = now - last;

		if (snapshot(a, &s, &pv, &npv, k > 0)) {
			snap_free(&s);
			ret = -1;
			break;
		}
		last = now;
		if (k > 0)
			ret = show(a, &s, tty, k, secs);
		snap_free(&s);
		if (ret)
			break;
		if (!a->count || k < a->count)
			sleep_for(a->interval);
	}
	free(pv);
	/* a closed pipe is how `| head` ends us: no error */
	return ret && ret != -EPIPE ? -1 : 0;
}

int cmd_profile(int argc, char **argv)
{
	struct profile_args a = { 0 };
	struct snap s = { 0 };
	struct prev *pv = NULL;
	size_t npv = 0;
	int status = EXIT_FAIL;

	if (cli_parse(&profile_argp, argc, argv, &a))
		return EXIT_FAIL;
	/* a killed stream's enabled events would go on counting hits */
	tfs_reap_instances();
	if (a.interval > 0)
		return refresh(&a) ? EXIT_FAIL : EXIT_OK;
	if (snapshot(&a, &s, &pv, &npv, false))
		goto out_free;
	stream_prof_sort(s.rows, s.nrows, false);
	if (!stream_prof_print(stdout, s.rows, s.nrows, g_opts.json, g_opts.verbose, 0) ||
	    errno == EPIPE)
		status = EXIT_OK;
out_free:
	free(pv);
	snap_free(&s);
	return status;
}
