// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe trace: add, stream and clear in one command. The probes go into a
 * group of the command's own, uprobe_trace_<pid>, are built by add's code
 * and added as one batch, streamed by stream's code, and removed however
 * the stream ends; a trace killed with SIGKILL leaves a group that the
 * next run of uprobe removes (tfs_reap_groups()).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "add.h"
#include "cli.h"
#include "cmd-stream.h"
#include "probe.h"
#include "stream.h"
#include "tfs.h"

/* One PROBE as the user typed it, and add's run of it. */
struct trace_probe {
	const char *text;
	char *buf;		/* text, cut into tokens at blanks */
	char **tok;		/* TARGET, then the fetch-args */
	size_t ntok;
	struct add_opts o;
	struct add_run r;
	bool built;
};

struct trace {
	struct stream_args s;
	char **pv;		/* the PROBE arguments */
	size_t npv;
	char group[PROBE_MAX_EVENT_NAME];
	struct trace_probe *tp;	/* the user's, then --latency's return probes */
	size_t ntp;
	struct probe **all;	/* every probe of every tp, in order */
	size_t nall;
	size_t *owner;		/* per probe of all: its tp */
	const char ***from;	/* per probe of all: its fetch-args' tokens */
};

static error_t trace_parse(int key, char *arg, struct argp_state *state)
{
	struct trace *t = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &t->s;
		break;
	case ARGP_KEY_ARG:
		t->pv = state->argv + state->next - 1;
		t->npv = state->argc - state->next + 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "a PROBE is needed, such as '/bin/bash:readline'");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child trace_children[] = {
	{ &stream_cmd_argp, 0, "Stream options (as uprobe stream):", 1 },
	{ &global_argp, 0, "Global options:", 0 },
	{ 0 }
};

const struct argp trace_argp = {
	NULL, trace_parse, "PROBE... [-- CMD [ARG...]]",
	"Add probes, stream their events, and remove them when the stream ends.\v"
	"PROBE is one argument: a TARGET as 'uprobe add' takes it, then its "
	"fetch-args, split at blanks (no quoting inside PROBE). The probes go "
	"into a group of their own, " TFS_TRACE_GROUP_PREFIX "PID, added all "
	"or none before any is enabled, and are removed however the trace "
	"ends; with --latency an entry-only PROBE gets its return probe too.\n\n"
	"Examples:\n"
	"  uprobe trace 'bash:readline%return line=+0($retval):string'\n"
	"  uprobe trace --latency app:parse\n"
	"  uprobe --json trace 'app:f a b' -- ./app\n\n"
	"See uprobe-trace(8).",
	trace_children, NULL, NULL
};

/* @tp->text cut at blanks into @tp->tok; 0, or the exit status. */
static int split_probe(struct trace_probe *tp)
{
	char *save = NULL, *w;

	tp->buf = strdup(tp->text);
	tp->tok = calloc(strlen(tp->text) / 2 + 2, sizeof(*tp->tok));
	if (!tp->buf || !tp->tok) {
		err_errno(-ENOMEM, "reading the probes");
		return EXIT_FAIL;
	}
	for (w = strtok_r(tp->buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		tp->tok[tp->ntok++] = w;
	if (!tp->ntok) {
		err("an empty PROBE");
		note("hint: PROBE is 'TARGET [FETCHARG...]', such as 'bash:readline %%di'");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* add's steps on @tp, into group @t->group: the probes, in memory. */
static int build_probe(struct trace *t, struct trace_probe *tp, bool ret)
{
	int status;

	tp->o = (struct add_opts){ .group = t->group, .ret = ret, .max_probes = 256,
				   .target = tp->tok[0], .args = tp->tok + 1,
				   .nargs = ret ? 0 : tp->ntok - 1 };
	tp->built = true;
	if (!tfs_dir() || tfs_features(&tp->r.feat))
		probe_features_all(&tp->r.feat);
	status = add_open(&tp->o, &tp->r);
	if (status == EXIT_OK)
		status = add_places(&tp->o, &tp->r);
	if (status == EXIT_OK)
		status = add_build(&tp->o, &tp->r);
	return status;
}

/* @tp, PROBE @i of the user's, split and built; notes which on failure. */
static int split_build(struct trace *t, struct trace_probe *tp, size_t i, bool ret)
{
	int status = split_probe(tp);

	if (status == EXIT_OK)
		status = build_probe(t, tp, ret);
	if (status != EXIT_OK)
		note("in PROBE %zu, '%s'%s", i + 1, tp->text,
		     ret ? ", building its return probe for --latency" : "");
	return status;
}

/* The probe of any tp before @upto of kind @kind at @p's place, or NULL. */
static const struct probe *probe_at(const struct trace *t, size_t upto,
				    enum probe_kind kind, const struct probe *p)
{
	size_t i, j;

	for (i = 0; i < upto; i++) {
		const struct add_run *r = &t->tp[i].r;

		for (j = 0; j < r->n; j++)
			if (r->probes[j]->kind == kind && r->probes[j]->offset == p->offset &&
			    strcmp(r->probes[j]->path, p->path) == 0)
				return r->probes[j];
	}
	return NULL;
}

/* Keep only the return probes of @tp that pair an entry and are not there yet. */
static void keep_pairs(struct trace *t, struct trace_probe *tp)
{
	struct add_run *r = &tp->r;
	size_t i, k = 0;

	for (i = 0; i < r->n; i++) {
		size_t me = (size_t)(tp - t->tp);

		if (probe_at(t, me, PROBE_ENTRY, r->probes[i]) &&
		    !probe_at(t, me, PROBE_RETURN, r->probes[i])) {
			r->probes[k] = r->probes[i];
			r->from[k++] = r->from[i];
			continue;
		}
		probe_free(r->probes[i]);
		free(r->from[i]);
	}
	r->n = k;
}

/* --latency: each entry-only PROBE on functions gets their return probes. */
static int pair_returns(struct trace *t)
{
	size_t i, nuser = t->ntp;
	int status;

	for (i = 0; i < nuser; i++) {
		struct trace_probe *tp = &t->tp[i], *rp = &t->tp[t->ntp];

		if (tp->o.ret || tp->r.t.is_return)
			continue;
		if (!tp->o.at_entry) {
			warn("--latency: '%s' is not a function's entry: it pairs only "
			     "with a return probe of the same place given as a PROBE",
			     tp->tok[0]);
			continue;
		}
		*rp = (struct trace_probe){ .text = tp->text };
		t->ntp++;
		status = split_build(t, rp, i, true);
		if (status != EXIT_OK)
			return status;
		keep_pairs(t, rp);
		if (!rp->r.n && !probe_at(t, t->ntp - 1, PROBE_RETURN, tp->r.probes[0]))
			warn("--latency: '%s' has its entry probe past the prologue (for "
			     "its variables), not where its return probe goes: not paired",
			     tp->tok[0]);
	}
	return EXIT_OK;
}

/* Whether the probes of the tps before @upto use the event name @name. */
static bool name_used(const struct trace *t, size_t upto, const char *name)
{
	size_t i, j;

	for (i = 0; i < upto; i++)
		for (j = 0; j < t->tp[i].r.n; j++)
			if (strcmp(t->tp[i].r.probes[j]->event, name) == 0)
				return true;
	return false;
}

/* Names add gave @tp's probes that an earlier PROBE's have: _1, _2, ... */
static int rename_clashes(struct trace *t, size_t k)
{
	struct add_run *r = &t->tp[k].r;
	char old[PROBE_MAX_EVENT_NAME], try[PROBE_MAX_EVENT_NAME + 16];
	unsigned int n;
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		if (!name_used(t, k, r->probes[i]->event))
			continue;
		snprintf(old, sizeof(old), "%s", r->probes[i]->event);
		for (n = 1; n < 10000; n++) {
			int room = PROBE_MAX_EVENT_NAME - 1 - snprintf(NULL, 0, "_%u", n);

			snprintf(try, sizeof(try), "%.*s_%u", room, old, n);
			if (!name_used(t, k + 1, try))
				break;
		}
		/* one event of several probes (a DWARF name) stays one */
		for (j = i; j < r->n; j++)
			if (strcmp(r->probes[j]->event, old) == 0 &&
			    probe_set(&r->probes[j]->event, try))
				return -ENOMEM;
	}
	return 0;
}

/* Every probe in one array, with the tp each came from; 0 or -ENOMEM. */
static int gather(struct trace *t)
{
	size_t i, j, n = 0;

	for (i = 0; i < t->ntp; i++) {
		if (rename_clashes(t, i))
			return -ENOMEM;
		n += t->tp[i].r.n;
	}
	t->all = calloc(n + 1, sizeof(*t->all));
	t->owner = calloc(n + 1, sizeof(*t->owner));
	t->from = calloc(n + 1, sizeof(*t->from));
	if (!t->all || !t->owner || !t->from)
		return -ENOMEM;
	for (i = 0; i < t->ntp; i++) {
		for (j = 0; j < t->tp[i].r.n; j++) {
			t->owner[t->nall] = i;
			t->from[t->nall] = t->tp[i].r.from[j];
			t->all[t->nall++] = t->tp[i].r.probes[j];
		}
	}
	return 0;
}

/* The batch into the kernel, all or nothing; 0, or -errno after saying why. */
static int apply(struct trace *t)
{
	struct tfs_batch b = { 0 };
	size_t failed, i;
	struct trace_probe *tp;
	char *line;
	int ret = 0;

	for (i = 0; t->s.stack && i < t->nall && !ret; i++)
		ret = stream_stack_arg(t->all[i]);	/* the caller at an entry */
	if (!ret)
		ret = tfs_add(t->all, t->nall, &b);
	if (!ret)
		return 0;
	failed = b.failed;
	if (ret == -EINTR) {
		err("interrupted: nothing was added");
		return ret;
	}
	tp = &t->tp[t->owner[failed]];
	line = probe_format(t->all[failed]);
	if (line)
		err_kernel(ret, line, tp->o.target, t->from[failed], t->all[failed]->nargs);
	free(line);
	if (b.kept)
		note("in PROBE %zu, '%s': %zu probes added before it could not be removed",
		     t->owner[failed] + 1, tp->text, b.kept);
	else
		note("in PROBE %zu, '%s': nothing was added", t->owner[failed] + 1, tp->text);
	return ret;
}

/* Every event of the group, out of the kernel; 0, or how many stayed. */
static int remove_all(struct trace *t)
{
	size_t i;
	int left = 0, ret;
	/* one read of what is enabled where, for all the removals */
	bool held = tfs_hold() == 0;

	for (i = 0; i < t->nall; i++) {
		ret = tfs_remove(t->group, t->all[i]->event);
		if (ret && ret != -ENOENT) {
			err_errno(ret, "cannot remove '%s/%s'", t->group, t->all[i]->event);
			left++;
		}
	}
	if (held)
		tfs_release();
	if (left)
		note("hint: 'uprobe clear -g %s' once they are no longer in use", t->group);
	return left;
}

/* Each PROBE built, --latency's returns too, all named; the exit status. */
static int build_all(struct trace *t)
{
	size_t i;
	int status;

	t->tp = calloc(2 * t->npv, sizeof(*t->tp));
	if (!t->tp) {
		err_errno(-ENOMEM, "reading the probes");
		return EXIT_FAIL;
	}
	for (i = 0; i < t->npv; i++) {
		t->tp[i].text = t->pv[i];
		t->ntp++;
		status = split_build(t, &t->tp[i], i, false);
		if (status != EXIT_OK)
			return status;
	}
	if (t->s.latency) {
		status = pair_returns(t);
		if (status != EXIT_OK)
			return status;
	}
	if (gather(t)) {
		err_errno(-ENOMEM, "building the probes");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static void trace_free(struct trace *t)
{
	size_t i;

	for (i = 0; i < t->ntp; i++) {
		if (t->tp[i].built)
			add_free(&t->tp[i].o, &t->tp[i].r);
		free(t->tp[i].tok);
		free(t->tp[i].buf);
	}
	free(t->tp);
	free(t->all);
	free(t->owner);
	free(t->from);
}

int cmd_trace(int argc, char **argv)
{
	struct trace t = { 0 };
	int status;

	status = stream_cmd_parse(&trace_argp, &t, argc, argv, &t.s);
	if (status)
		return status;
	/* -p PID: the names resolve as PID sees them too (add's -p), and only
	 * its events are streamed */
	g_pid = t.s.pid;
	/* of streams and traces killed by SIGKILL, and a group of our pid */
	tfs_reap_instances();
	tfs_reap_groups(TFS_TRACE_GROUP_PREFIX);
	snprintf(t.group, sizeof(t.group), TFS_TRACE_GROUP_PREFIX "%d", (int)getpid());
	status = build_all(&t);
	if (status == EXIT_OK) {
		/* from here a signal ends the stream, not the process */
		stream_cmd_signals();
		status = apply(&t) ? EXIT_FAIL : EXIT_OK;
	}
	if (status == EXIT_OK) {
		verbose("%zu probe%s in group %s", t.nall, t.nall == 1 ? "" : "s", t.group);
		status = stream_cmd_run(&t.s, t.all, t.nall);
		if (remove_all(&t) && status == EXIT_OK)
			status = EXIT_FAIL;
	}
	trace_free(&t);
	return status;
}
