// SPDX-License-Identifier: GPL-2.0
/* uprobe add: describe the probes in memory, validate them, then apply. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probe.h"
#include "resolve.h"
#include "resolve-dwarf.h"
#include "tfs.h"

struct add_opts {
	const char *group;
	const char *event;
	bool ret;
	bool dry_run;
	size_t max_probes;
	const char *target;
	char **args;		/* the fetch-args, as typed */
	size_t nargs;
	bool no_inlines;
	struct resolve_dwarf *dw;	/* debug information, when there is some */
	bool dw_place;		/* the places came from DWARF */
	bool one_event;		/* ... of one name or line: one event, several probes */
	bool at_entry;		/* function entries, maybe moved past the prologue */
	const char *dw_name;	/* what the user called the place */
};

enum { OPT_MAX_PROBES = 0x100, OPT_NO_INLINES };

static const struct argp_option add_options[] = {
	{ "group", 'g', "GRP", 0, "Put the events in group GRP (default: uprobes)", 0 },
	{ "event", 'e', "EVENT", 0, "Name the event EVENT (default: from the symbol); "
	  "an existing EVENT gets one more probe", 0 },
	{ "return", 'r', NULL, 0, "Probe the function's return (as SYMBOL%return)", 0 },
	{ "dry-run", 'n', NULL, 0, "Print the definitions; write nothing", 0 },
	{ "max-probes", OPT_MAX_PROBES, "N", 0, "At most N probes from one glob (default 256)", 0 },
	{ "no-inlines", OPT_NO_INLINES, NULL, 0, "Do not probe the inlined copies of a function", 0 },
	{ 0 }
};

static error_t add_parse(int key, char *arg, struct argp_state *state)
{
	struct add_opts *o = state->input;
	char *end;

	switch (key) {
	case 'g':
		if (!probe_name_valid(arg))
			argp_error(state, "'%s' is not a valid group name "
				   "(a C identifier of at most %d characters)",
				   arg, PROBE_MAX_EVENT_NAME - 1);
		o->group = arg;
		break;
	case 'e':
		if (!probe_name_valid(arg))
			argp_error(state, "'%s' is not a valid event name "
				   "(a C identifier of at most %d characters)",
				   arg, PROBE_MAX_EVENT_NAME - 1);
		o->event = arg;
		break;
	case 'r':
		o->ret = true;
		break;
	case 'n':
		o->dry_run = true;
		g_needs_tracefs = false;
		break;
	case OPT_NO_INLINES:
		o->no_inlines = true;
		break;
	case OPT_MAX_PROBES:
		errno = 0;
		o->max_probes = strtoul(arg, &end, 0);
		if (errno || *end || o->max_probes == 0 || arg[0] == '-')
			argp_error(state, "--max-probes takes a positive number, not '%s'", arg);
		break;
	case ARGP_KEY_ARG:
		o->target = arg;
		o->args = state->argv + state->next;
		o->nargs = state->argc - state->next;
		state->next = state->argc;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "a target is needed, such as /bin/bash:readline");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp add_argp = {
	add_options, add_parse, "TARGET [FETCHARG...]",
	"Add uprobe events.\v"
	"TARGET is PATH:SYMBOL, PATH:SYMBOL+OFF, PATH:SYMBOL%return, "
	"PATH:0xFILEOFFSET or PATH:'GLOB'. PATH may be a program name looked "
	"up in $PATH. FETCHARG is [NAME=]FETCH[:TYPE] as in the kernel's "
	"uprobetracer: %REG, @ADDR, @+OFF, $stack, $stackN, $retval, $comm, "
	"+|-[u]OFF(FETCH), \\IMM, \\\"STR\" with types u8..u64, s8..s64, "
	"x8..x64, char, string, ustring, b<W>@<O>/<C> and TYPE[N].\n\n"
	"Examples:\n"
	"  uprobe add /bin/bash:readline %di\n"
	"  uprobe add -r bash:readline '+0($retval):string'\n"
	"  uprobe add -n ./app:'parse_*'",
	cli_children, NULL, NULL
};

/* DWARF: a source line, FUNC:RELLINE, or a C++ name with scopes or a signature. */
static bool dwarf_target(const struct resolve_target *t)
{
	return t->symbol && (strchr(t->symbol, ':') || strchr(t->symbol, '('));
}

static bool dwarf_args(const struct add_opts *o, bool ret)
{
	size_t i;

	for (i = 0; i < o->nargs; i++)
		if (resolve_dwarf_is_expr(o->args[i], ret))
			return true;
	return false;
}

/* Places from the debug information: source lines, C++ names, clones and
 * inlined copies; -ENOENT lets the symbol table have a go. */
static int locate_dwarf(struct add_opts *o, struct resolve_target *t, bool ret,
			struct resolve_loc **locs, size_t *n)
{
	unsigned int flags = (o->no_inlines ? RESOLVE_DWARF_NO_INLINES : 0) |
			     (ret ? RESOLVE_DWARF_RETURN : 0);
	int r;

	if (!o->dw || t->raw || t->add || (t->glob && !dwarf_target(t) && !strstr(t->symbol, "::")))
		return -ENOENT;
	r = resolve_dwarf_place(o->dw, t->symbol, flags, o->max_probes, locs, n);
	if (r == -ENOENT && !dwarf_target(t) && !t->glob)
		return r;
	o->dw_place = true;
	o->one_event = !t->glob;
	o->dw_name = t->symbol;
	return r;
}

/* Where the probes go: one location, or one per match of a glob. */
static int locate(struct add_opts *o, struct resolve_target *t,
		  struct resolve_elf *e, struct resolve_loc **locs, size_t *n)
{
	int ret = locate_dwarf(o, t, o->ret || t->is_return, locs, n);

	if (ret != -ENOENT || o->dw_place)
		return ret;
	if (t->glob)
		return resolve_glob(e, t->symbol, o->max_probes, locs, n);
	*locs = calloc(1, sizeof(**locs));
	if (!*locs)
		return -ENOMEM;
	*n = 1;
	if (t->raw)
		ret = resolve_offset(e, t->raw_offset, *locs);
	else
		ret = resolve_symbol(e, t->symbol, t->add, *locs);
	if (ret) {
		free(*locs);
		*locs = NULL;
		*n = 0;
	}
	return ret;
}

static void resolve_failed(struct add_opts *o, int ret)
{
	const char *why = o->dw_place ? resolve_dwarf_errmsg() : resolve_errmsg();

	if (ret == -E2BIG)
		err("'%s' matches more than %zu functions: %s", o->target,
		    o->max_probes, why[0] ? why : "raise --max-probes or narrow the glob");
	else if (why[0])
		err("'%s': %s", o->target, why);
	else
		err_errno(ret, "'%s'", o->target);
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Is @name already taken, by the kernel or earlier in this batch? */
static bool name_taken(const char *group, const char *name,
		       struct probe *const *probes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(probes[i]->event, name) == 0)
			return true;
	return tfs_dir() && tfs_event_exists(group, name);
}

/* The event name: -e, else from the symbol (or the file and offset), made
 * unique with _1, _2, ... unless the user chose it. */
static int event_name(struct add_opts *o, const struct resolve_loc *loc,
		      const char *path, bool ret, struct probe *const *probes,
		      size_t n, char *buf, size_t len)
{
	const char *group = o->group ? o->group : PROBE_DEFAULT_GROUP;
	char base[PROBE_MAX_EVENT_NAME * 4], try[PROBE_MAX_EVENT_NAME + 16];
	unsigned int i;

	if (o->event && n == 0) {
		/* an existing event gets one more probe, as the kernel allows
		 * when the fetch-args are the same */
		if (tfs_dir() && tfs_event_exists(group, o->event))
			verbose("'%s/%s' exists: adding a probe to it", group, o->event);
		snprintf(buf, len, "%s", o->event);
		return 0;
	}
	if (o->one_event && n > 0) {
		snprintf(buf, len, "%s", probes[0]->event);
		return 0;
	}
	if (o->event)
		snprintf(base, sizeof(base), "%s", o->event);
	else if (o->one_event)
		snprintf(base, sizeof(base), "%s", o->dw_name);
	else if (loc->symbol && loc->add && !o->at_entry)
		snprintf(base, sizeof(base), "%s_%" PRIu64, loc->symbol, loc->add);
	else if (loc->symbol)
		snprintf(base, sizeof(base), "%s", loc->symbol);
	else
		snprintf(base, sizeof(base), "%s_0x%" PRIx64, basename_of(path),
			 loc->offset);
	if (probe_event_name(base, ret && !o->event, buf, len)) {
		err("cannot make an event name from '%s'", base);
		note("hint: name it with -e EVENT");
		return -EINVAL;
	}
	if (!name_taken(group, buf, probes, n))
		return 0;
	for (i = 1; i < 10000; i++) {
		size_t room = PROBE_MAX_EVENT_NAME - 1 - snprintf(NULL, 0, "_%u", i);

		snprintf(try, sizeof(try), "%.*s_%u", (int)room, buf, i);
		if (!name_taken(group, try, probes, n) && strlen(try) < len) {
			memcpy(buf, try, strlen(try) + 1);
			return 0;
		}
	}
	err("no free event name for '%s'", buf);
	return -EEXIST;
}

/* A fetch-arg that names variables -> the kernel's fetch-args at @loc. */
static int add_dwarf_arg(struct add_opts *o, struct probe *p, const struct resolve_loc *loc,
			 bool ret, const char *arg, const struct probe_features *feat)
{
	struct probe_error perr = { 0 };
	char **kargs = NULL;
	size_t nk = 0, k;
	int r;

	if (!o->dw) {
		err("'%s' names a variable, but '%s' has no debug information", arg, p->path);
		note("hint: %s", resolve_dwarf_errmsg());
		return -ENODATA;
	}
	r = resolve_dwarf_args(o->dw, loc, ret, arg, &kargs, &nk);
	if (r) {
		err("'%s': %s", arg, resolve_dwarf_errmsg());
		return r;
	}
	if (resolve_dwarf_errmsg()[0])
		warn("'%s': %s", arg, resolve_dwarf_errmsg());
	for (k = 0; k < nk && !r; k++) {
		verbose("'%s' -> '%s'", arg, kargs[k]);
		r = probe_add_arg(p, kargs[k], feat, &perr);
		if (r == -EINVAL) {
			err_caret(kargs[k], perr.pos, perr.msg);
			note("'%s' -> '%s'", arg, kargs[k]);
		} else if (r) {
			err_errno(r, "'%s'", arg);
		}
	}
	resolve_dwarf_args_free(kargs, nk);
	return r;
}

/* One probe at @loc with the user's fetch-args; NULL after an error. */
/* from[k] = the user's token that fetch-arg k of the probe came from (one
 * DWARF name may give several), for errors about the line */
static int note_from(const char ***from, size_t *cap, size_t nargs, const char *tok)
{
	size_t k;

	if (nargs > *cap) {
		const char **t = realloc(*from, nargs * sizeof(**from));

		if (!t)
			return -ENOMEM;
		for (k = *cap; k < nargs; k++)
			t[k] = tok;
		*from = t;
		*cap = nargs;
	}
	return 0;
}

/* An error about fetch-arg @k of @p, shown on what the user typed. */
static void arg_error(const struct probe *p, const char *const *from, size_t k,
		      const struct probe_error *perr)
{
	char *a = probe_format_arg(&p->args[k]);

	if (!a || strcmp(a, from[k]) == 0) {
		err_caret(from[k], perr->pos, perr->msg);
	} else {
		err_caret(a, perr->pos, perr->msg);
		note("from '%s'", from[k]);
	}
	free(a);
}

static struct probe *build_probe(struct add_opts *o, const struct resolve_loc *loc,
				 const char *path, bool ret,
				 const struct probe_features *feat,
				 struct probe *const *probes, size_t n,
				 const char ***fromp)
{
	char name[PROBE_MAX_EVENT_NAME];
	struct probe_error perr = { 0 };
	const char **from = NULL;
	struct probe *p;
	size_t i, cap = 0;

	if (event_name(o, loc, path, ret, probes, n, name, sizeof(name)))
		return NULL;
	p = probe_new(ret ? PROBE_RETURN : PROBE_ENTRY);
	if (!p || probe_set(&p->group, o->group ? o->group : PROBE_DEFAULT_GROUP) ||
	    probe_set(&p->event, name) || probe_set(&p->path, path)) {
		err_errno(-ENOMEM, "building the probe");
		goto out_free;
	}
	p->offset = loc->offset;
	for (i = 0; i < o->nargs; i++) {
		int r;

		if (resolve_dwarf_is_expr(o->args[i], ret)) {
			if (add_dwarf_arg(o, p, loc, ret, o->args[i], feat))
				goto out_free;
			if (note_from(&from, &cap, p->nargs, o->args[i]))
				goto out_nomem;
			continue;
		}
		r = probe_add_arg(p, o->args[i], feat, &perr);
		if (!r && note_from(&from, &cap, p->nargs, o->args[i]))
			goto out_nomem;
		if (r == -EINVAL) {
			err_caret(o->args[i], perr.pos, perr.msg);
			goto out_free;
		}
		if (r) {
			err_errno(r, "argument %zu, '%s'", i + 1, o->args[i]);
			goto out_free;
		}
	}
	if (probe_validate(p, feat, &perr)) {
		if (perr.arg >= 0 && (size_t)perr.arg < p->nargs)
			arg_error(p, from, perr.arg, &perr);
		else
			err("'%s': %s", o->target, perr.msg);
		goto out_free;
	}
	*fromp = from;
	return p;
out_nomem:
	err_errno(-ENOMEM, "building the probe");
out_free:
	free(from);
	probe_free(p);
	return NULL;
}

static void print_added(struct add_opts *o, struct probe *const *probes,
			const struct resolve_loc *locs, size_t n)
{
	size_t i, k;

	if (g_opts.json)
		fputc('[', stdout);
	for (i = 0; i < n; i++) {
		const struct probe *p = probes[i];
		char *line = probe_format(p);

		if (!g_opts.json) {
			if (o->dry_run)
				printf("%s\n", line ? line : "");
			else if (locs[i].symbol)
				printf("added %s/%s on %s+%" PRIu64 " in %s (offset 0x%" PRIx64 ")\n",
				       p->group, p->event, locs[i].symbol, locs[i].add,
				       p->path, p->offset);
			else
				printf("added %s/%s at offset 0x%" PRIx64 " in %s\n",
				       p->group, p->event, p->offset, p->path);
			free(line);
			continue;
		}
		printf("%s{\"group\": ", i ? ", " : "");
		json_str(stdout, p->group);
		printf(", \"event\": ");
		json_str(stdout, p->event);
		printf(", \"type\": \"%c\", \"path\": ", p->kind == PROBE_RETURN ? 'r' : 'p');
		json_str(stdout, p->path);
		printf(", \"offset\": %" PRIu64 ", \"symbol\": ", p->offset);
		json_str(stdout, locs[i].symbol);
		printf(", \"symbol_offset\": %" PRIu64 ", \"args\": [", locs[i].add);
		for (k = 0; k < p->nargs; k++) {
			char *a = probe_format_arg(&p->args[k]);

			if (k)
				fputs(", ", stdout);
			json_str(stdout, a);
			free(a);
		}
		printf("], \"definition\": ");
		json_str(stdout, line);
		printf(", \"added\": %s}", o->dry_run ? "false" : "true");
		free(line);
	}
	if (g_opts.json)
		printf("]\n");
	else if (!o->dry_run && n)
		printf("stream it with: uprobe stream '%s/%s'\n", probes[0]->group,
		       n > 1 ? "*" : probes[0]->event);
}

static int apply(struct add_opts *o, struct probe **probes, size_t n,
		 const char ***from)
{
	size_t failed = 0;
	int ret = tfs_add(probes, n, &failed);
	char *line;

	if (!ret)
		return 0;
	line = probe_format(probes[failed]);
	if (line)
		err_kernel(ret, line, o->target, from[failed], probes[failed]->nargs);
	free(line);
	if (failed)
		note("the %zu probe%s added before it %s removed again: nothing was added",
		     failed, failed > 1 ? "s" : "", failed > 1 ? "were" : "was");
	return ret;
}

int cmd_add(int argc, char **argv)
{
	struct add_opts o = { .max_probes = 256 };
	struct resolve_target t = { 0 };
	struct resolve_elf *e = NULL;
	struct resolve_loc *locs = NULL;
	struct probe_features feat;
	struct probe **probes = NULL;
	const char ***from = NULL;
	size_t nlocs = 0, n = 0, i;
	char *path = NULL;
	int ret, status = EXIT_FAIL;

	if (cli_parse(&add_argp, argc, argv, &o))
		return EXIT_FAIL;
	if (o.dry_run && tfs_init(g_opts.tracefs))
		verbose("no tracefs: checking against every kernel feature");
	if (!tfs_dir() || tfs_features(&feat))
		probe_features_all(&feat);
	ret = resolve_parse_target(o.target, &t);
	if (ret) {
		err("'%s': %s", o.target, resolve_errmsg());
		note("hint: TARGET is PATH:SYMBOL[+OFF], PATH:0xOFFSET or PATH:'GLOB'");
		return EXIT_USAGE;
	}
	if (o.event && t.glob) {
		err("-e names one event; '%s' is a glob", o.target);
		goto out_free;
	}
	path = resolve_find_path(t.path);
	if (!path) {
		err("'%s': %s", t.path, resolve_errmsg());
		goto out_free;
	}
	e = resolve_open(path);
	if (!e) {
		err("'%s': %s", path, resolve_errmsg());
		goto out_free;
	}
	if (!t.raw) {
		o.dw = resolve_dwarf_open(path);
		if (!o.dw && dwarf_target(&t)) {
			err("'%s': %s", o.target, resolve_dwarf_errmsg());
			goto out_free;
		}
	}
	ret = locate(&o, &t, e, &locs, &nlocs);
	if (ret) {
		resolve_failed(&o, ret);
		goto out_free;
	}
	/* variables at a function are read after its prologue, as gdb does */
	o.at_entry = !t.raw && !t.add && !(t.symbol && resolve_dwarf_is_line(t.symbol));
	if (o.dw && o.at_entry && !(o.ret || t.is_return) && dwarf_args(&o, false))
		for (i = 0; i < nlocs; i++)
			resolve_dwarf_prologue(o.dw, &locs[i]);
	for (i = 0; i < nlocs; i++)
		if (locs[i].ifunc && !t.glob)
			warn("'%s' is an IFUNC: this probes its resolver, which runs "
			     "once when the library loads, not the implementation it picks",
			     locs[i].symbol);
	probes = calloc(nlocs, sizeof(*probes));
	from = calloc(nlocs, sizeof(*from));
	if (!probes || !from) {
		err_errno(-ENOMEM, "building the probes");
		goto out_free;
	}
	for (n = 0; n < nlocs; n++) {
		probes[n] = build_probe(&o, &locs[n], path, o.ret || t.is_return,
					&feat, probes, n, &from[n]);
		if (!probes[n])
			goto out_free;
	}
	if (!o.dry_run && apply(&o, probes, n, from))
		goto out_free;
	print_added(&o, probes, locs, n);
	status = EXIT_OK;
out_free:
	for (i = 0; probes && i < n; i++) {
		probe_free(probes[i]);
		free(from[i]);
	}
	free(probes);
	free(from);
	resolve_locs_free(locs, nlocs);
	resolve_close(e);
	resolve_dwarf_close(o.dw);
	free(path);
	resolve_target_clear(&t);
	return status;
}
