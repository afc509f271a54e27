// SPDX-License-Identifier: GPL-2.0
/* The one error printer, its JSON, and what the commands share. */
#include <errno.h>
#include <limits.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "probe.h"
#include "resolve.h"
#include "resolve-dwarf.h"
#include "stream.h"
#include "tfs.h"
#include "util.h"

struct global_opts g_opts;
const char *g_cmd;
bool g_needs_tracefs;

static void vprefix(FILE *f, const char *fmt, va_list ap)
{
	if (g_cmd)
		fprintf(f, "uprobe %s: ", g_cmd);
	else
		fputs("uprobe: ", f);
	vfprintf(f, fmt, ap);
}

void err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (g_opts.json) {
		va_list aq;

		va_copy(aq, ap);
		cli_json_error(fmt, aq);
		va_end(aq);
	}
	vprefix(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void err_errno(int errnum, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	err("%s: %s", s ? s : "", strerror(errnum < 0 ? -errnum : errnum));
	free(s);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprefix(stderr, "warning: ", ap);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("  ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void verbose(const char *fmt, ...)
{
	va_list ap;

	if (!g_opts.verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void err_caret(const char *token, int pos, const char *msg)
{
	int len = (int)strlen(token);

	err("%s", msg);
	if (pos < 0)
		return;
	if (pos > len)
		pos = len;
	note("%s", token);
	note("%*s^", pos, "");
}

int cli_tracefs(void)
{
	int ret = tfs_init(g_opts.tracefs);

	if (ret == 0)
		return 0;
	switch (ret) {
	case -EACCES:
		err("cannot use tracefs: permission denied");
		note("hint: uprobe events need root (or CAP_SYS_ADMIN)");
		break;
	case -EOPNOTSUPP:
		err("this kernel has no uprobe_events");
		note("hint: it needs CONFIG_UPROBE_EVENTS=y");
		break;
	case -EPERM:
		err("cannot mount tracefs: operation not permitted");
		note("hint: kernel lockdown or a container without CAP_SYS_ADMIN");
		break;
	default:
		if (g_opts.tracefs && ret == -ENOENT)
			err("'%s' is not a tracefs mount", g_opts.tracefs);
		else if (g_opts.tracefs)
			err_errno(ret, "'%s' is not a usable tracefs", g_opts.tracefs);
		else
			err_errno(ret, "cannot find or mount tracefs");
	}
	return -1;
}

/* Which space-separated token of @line holds column @col: 0 head, 1 place,
 * 2.. the fetch-args; its start goes in *@start. */
static int token_at(const char *line, int col, int *start)
{
	int i, tok = 0;

	*start = 0;
	for (i = 0; line[i] && i < col; i++) {
		if (line[i] == ' ') {
			tok++;
			*start = i + 1;
		}
	}
	return tok;
}

void err_kernel(int errnum, const char *line, const char *target,
		const char *const *user_args, size_t nargs)
{
	char *msg = NULL, *cmd = NULL;
	int caret, start, tok;

	if (tfs_error_last(&msg, &cmd, &caret) || strcmp(cmd, line) != 0) {
		/* no error_log entry of ours: errno is all there is */
		err_errno(errnum, "the kernel refused '%s'", line);
		note("hint: it logged no reason in error_log; dmesg may say more "
		     "(e.g. \"Reference counter offset mismatch\")");
		goto out_free;
	}
	tok = token_at(line, caret, &start);
	err("the kernel refused the probe: %s", msg);
	if (tok >= 2 && (size_t)(tok - 2) < nargs &&
	    strlen(user_args[tok - 2]) == strcspn(line + start, " ") &&
	    strncmp(user_args[tok - 2], line + start,
		    strlen(user_args[tok - 2])) == 0) {
		/* the user's own token, as typed */
		note("%s", user_args[tok - 2]);
		note("%*s^", caret - start, "");
		goto out_free;
	}
	note("%s", line);
	if (caret >= 0)
		note("%*s^", caret, "");
	if (tok >= 2 && (size_t)(tok - 2) < nargs)
		note("in argument %d, '%s'", tok - 1, user_args[tok - 2]);
	else if (tok == 1 && target)
		note("in the place, from '%s'", target);
out_free:
	free(msg);
	free(cmd);
}

error_t cli_args_key(struct cli_args *a, int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		a->v = state->argv + state->next - 1;
		a->n = state->argc - state->next + 1;
		state->next = state->argc;
		if (a->max && a->n > a->max)
			argp_error(state, "one %s, not '%s' too", a->form, a->v[a->max]);
		break;
	case ARGP_KEY_NO_ARGS:
		if (a->need)
			argp_error(state, "%s", a->need);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

error_t cli_args_parse(int key, char *arg, struct argp_state *state)
{
	return cli_args_key(state->input, key, arg, state);
}

int cli_parse_flags(const struct argp *argp, unsigned int flags, int argc, char **argv,
		    void *input)
{
	char name[64];
	char *save = argv[0];
	int ret;

	snprintf(name, sizeof(name), "uprobe %s", g_cmd);
	argv[0] = name;
	ret = cli_argp_parse(argp, argc, argv, flags, NULL, input);
	argv[0] = save;
	if (ret)
		return ret;
	return g_needs_tracefs && cli_tracefs() ? -1 : 0;
}

int cli_parse(const struct argp *argp, int argc, char **argv, void *input)
{
	return cli_parse_flags(argp, 0, argc, argv, input);
}

/* {"<verb>": ["GROUP/EVENT", ...], "errors": [...]} */
static void print_done(const struct tfs_event *ev, const size_t *sel, size_t n,
		       const char *verb)
{
	struct json_writer *w = cli_json();
	char name[2 * PROBE_MAX_EVENT_NAME + 2];
	size_t i;

	json_obj_begin(w);
	json_key(w, verb);
	json_arr_begin(w);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s/%s", ev[sel[i]].probe->group,
			 ev[sel[i]].probe->event);
		json_str(w, name);
	}
	json_arr_end(w);
	cli_json_errors(w);
	json_obj_end(w);
}

static int cmp_event(const void *a, const void *b)
{
	const struct probe *p = a, *q = b;
	int c = strcmp(p->group, q->group);

	return c ? c : strcmp(p->event, q->event);
}

static void keep_node(void *p)
{
	(void)p;	/* the probes belong to the caller's events */
}

/* Whether @p names an event not seen before (*@seen: a tsearch() tree);
 * -1 when out of memory. An event of several probes is one event. */
static int first_of_event(void **seen, const struct probe *p)
{
	void *node = tsearch(p, seen, cmp_event);

	if (!node)
		return -1;
	return *(const struct probe **)node == p;
}

int cli_select(struct tfs_event *ev, size_t n, char **pat, size_t npat,
	       const char *def_group, size_t **sel, size_t *nsel)
{
	size_t i, j, m = 0;
	int unmatched = 0, first = 1;
	void *seen = NULL;

	*sel = calloc(n ? n : 1, sizeof(**sel));
	if (!*sel)
		return -1;
	for (i = 0; i < n && first >= 0; i++) {
		const struct probe *p = ev[i].probe;
		bool hit = npat == 0;

		for (j = 0; j < npat && !hit; j++)
			hit = tfs_match(pat[j], def_group, p->group, p->event);
		first = hit ? first_of_event(&seen, p) : 0;
		if (first > 0)
			(*sel)[m++] = i;
	}
	tdestroy(seen, keep_node);
	if (first < 0) {
		free(*sel);
		*sel = NULL;
		return -1;
	}
	for (j = 0; j < npat; j++) {
		for (i = 0; i < n; i++)
			if (tfs_match(pat[j], def_group, ev[i].probe->group,
				      ev[i].probe->event))
				break;
		if (i == n) {
			err("no uprobe event matches '%s'", pat[j]);
			if (!strchr(pat[j], '/') && def_group)
				note("hint: without GROUP/ it means %s/%s", def_group, pat[j]);
			unmatched++;
		}
	}
	*nsel = m;
	return unmatched;
}

int cli_each_event(char **pat, size_t npat, const char *def_group,
		   int (*fn)(const char *group, const char *event),
		   const char *verb)
{
	struct tfs_event *ev = NULL;
	size_t n = 0, nsel = 0, i, done = 0;
	size_t *sel = NULL;
	int ret, failed;

	tfs_hold();	/* the state of every instance read once, not per event */
	ret = tfs_events_read(0, &ev, &n);	/* the names: fn looks at the rest */
	if (ret) {
		tfs_release();
		err_errno(ret, "reading uprobe_events");
		return EXIT_FAIL;
	}
	failed = cli_select(ev, n, pat, npat, def_group, &sel, &nsel);
	if (failed < 0) {
		err_errno(-ENOMEM, "selecting events");
		failed = 1;
		goto out_free;
	}
	for (i = 0; i < nsel; i++) {
		const struct probe *p = ev[sel[i]].probe;

		ret = fn(p->group, p->event);
		if (ret) {
			err_errno(ret, "%s/%s", p->group, p->event);
			failed++;
			continue;
		}
		if (!g_opts.json)
			printf("%s %s/%s\n", verb, p->group, p->event);
		sel[done++] = sel[i];
	}
	/* nothing done for a reason: the errors alone, from main() */
	if (g_opts.json && (done || !failed))
		print_done(ev, sel, done, verb);
out_free:
	tfs_release();
	free(sel);
	tfs_events_free(ev, n);
	if (!failed)
		return EXIT_OK;
	return done ? EXIT_PARTIAL : EXIT_FAIL;
}

/* ---- -p PID, and the file a name means ---- */

int g_pid;

static const struct argp_option pid_options[] = {
	{ "pid", 'p', "PID", 0, "Find PATH as process PID sees it: its mapped files, its root "
	  "and mount namespace, its $PATH", 0 },
	{ 0 }
};

static error_t pid_parse(int key, char *arg, struct argp_state *state)
{
	if (key != 'p')
		return ARGP_ERR_UNKNOWN;
	g_pid = cli_pid(state, "-p", arg);
	return 0;
}

static const struct argp pid_argp = { pid_options, pid_parse, NULL, NULL, NULL, NULL, NULL };

const struct argp_child cli_pid_children[] = {
	{ &pid_argp, 0, NULL, 0 },
	{ &global_argp, 0, "Global options:", 0 },
	{ 0 }
};

char *cli_find(const char *name, int pid)
{
	struct resolve_found f;
	char *path;
	size_t i;
	int ret = resolve_find(name, pid, &f);

	if (ret) {
		if (resolve_errmsg()[0])
			err("'%s': %s", name, resolve_errmsg());
		else
			err_errno(ret, "'%s'", name);
		return NULL;
	}
	if (strcmp(f.path, name) || f.ncands > 1) {
		verbose("'%s' is %s (from %s%s)", name, f.path, f.source,
			pid ? ", as the process sees it" : "");
		for (i = 1; i < f.ncands; i++)
			verbose("  not picked: %s", f.cands[i]);
	}
	path = f.path;
	f.path = NULL;
	resolve_found_clear(&f);
	return path;
}

struct resolve_dwarf *cli_dwarf_target(const struct cli_args *a, char **path, const char **rest,
				       int *status)
{
	const char *target = a->v[0], *colon = strchr(target, ':');
	struct resolve_dwarf *d;
	char *p;

	*path = NULL;
	if (!colon || colon == target || !colon[1]) {
		err("'%s': want %s", target, a->form);
		*status = EXIT_USAGE;
		return NULL;
	}
	*status = EXIT_FAIL;
	p = strndup(target, colon - target);
	*path = p ? cli_find(p, g_pid) : NULL;
	free(p);
	if (!*path)
		return NULL;
	*rest = colon + 1;
	d = resolve_dwarf_open(*path);
	if (!d)
		err("'%s': %s", *path, resolve_dwarf_errmsg());
	return d;
}

void cli_json_probe_head(struct json_writer *w, const struct probe *p)
{
	json_str_field(w, "group", p->group);
	json_str_field(w, "event", p->event);
	json_str_field(w, "type", p->kind == PROBE_RETURN ? "r" : "p");
	json_str_field(w, "path", p->path);
	json_uint_field(w, "offset", p->offset);
}

void cli_rest_args(struct argp_state *state, char ***v, size_t *n)
{
	*v = state->argv + state->next - 1;
	*n = state->argc - state->next + 1;
	state->next = state->argc;
}

void cli_json_probe_args(struct json_writer *w, const struct probe *p)
{
	size_t k;

	json_key(w, "args");
	json_arr_begin(w);
	for (k = 0; k < p->nargs; k++) {
		char *a = probe_format_arg(&p->args[k]);

		json_str(w, a);
		free(a);
	}
	json_arr_end(w);
}

unsigned long cli_num(struct argp_state *state, const char *opt, const char *arg,
		      unsigned long min, unsigned long max)
{
	unsigned long v = 0;

	if (!util_parse_ulong(arg, min, max, &v))
		return v;
	if (max == ULONG_MAX)
		argp_error(state, "%s takes a whole number, %lu or more, not '%s'", opt, min, arg);
	else
		argp_error(state, "%s takes a whole number from %lu to %lu, not '%s'", opt, min,
			   max, arg);
	return v;
}

double cli_seconds(struct argp_state *state, const char *opt, const char *arg,
		   double min, double max)
{
	double v = 0;

	if (util_parse_double(arg, min, max, &v))
		argp_error(state, "%s takes seconds from %g to %g, not '%s'", opt, min, max, arg);
	return v;
}

pid_t cli_pid(struct argp_state *state, const char *opt, const char *arg)
{
	pid_t v = 0;

	if (util_parse_pid(arg, &v))
		argp_error(state, "%s takes a process id (1 to %d), not '%s'", opt, INT_MAX, arg);
	return v;
}
