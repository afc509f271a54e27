// SPDX-License-Identifier: GPL-2.0
/* uprobe add: from places to probes in memory, named, with their fetch-args, validated. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "add.h"
#include "cli.h"
#include "probe.h"
#include "resolve.h"
#include "resolve-dwarf.h"
#include "tfs.h"

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

/* C++: "Counter::bump", not "_ZN3acc7Counter4bumpEi" nor "acc::Counter::bump(int)" */
static char *cxx_base(const struct add_opts *o, const struct resolve_loc *loc)
{
	if (!o->one_event)
		return loc->symbol ? resolve_cxx_event_base(loc->symbol) : NULL;
	return strstr(o->dw_name, "::") && !resolve_dwarf_is_line(o->dw_name) ?
	       resolve_cxx_short(o->dw_name) : NULL;
}

/* The name before it is made unique: -e, else from the symbol (or the
 * file and offset). */
static void base_name(const struct add_opts *o, const struct resolve_loc *loc,
		      const char *path, char *base, size_t len)
{
	char *cxx = cxx_base(o, loc);
	const char *sym = cxx ? cxx : loc->symbol;

	if (o->event)
		snprintf(base, len, "%s", o->event);
	else if (o->one_event)
		snprintf(base, len, "%s", cxx ? cxx : o->dw_name);
	else if (sym && loc->add && !o->at_entry)
		snprintf(base, len, "%s_%" PRIu64, sym, loc->add);
	else if (sym)
		snprintf(base, len, "%s", sym);
	else
		snprintf(base, len, "%s_0x%" PRIx64, basename_of(path), loc->offset);
	free(cxx);
}

/* @buf, or the first of @buf_1, @buf_2, ... that is free. */
static int unique_name(const char *group, struct probe *const *probes, size_t n,
		       char *buf, size_t len)
{
	char try[PROBE_MAX_EVENT_NAME + 16];
	unsigned int i;

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

/* The event name: -e, else from the place, made unique with _1, _2, ...
 * unless the user chose it. */
static int event_name(struct add_opts *o, const struct resolve_loc *loc,
		      const char *path, bool ret, struct probe *const *probes,
		      size_t n, char *buf, size_t len)
{
	const char *group = o->group ? o->group : PROBE_DEFAULT_GROUP;
	char base[PROBE_MAX_EVENT_NAME * 4];

	if (o->event && n == 0) {
		/* an existing event gets one more probe, as the kernel allows
		 * when the fetch-args are the same */
		if (tfs_dir() && tfs_event_exists(group, o->event))
			verbose("'%s/%s' exists: adding a probe to it", group, o->event);
		snprintf(buf, len, "%s", o->event);
		return 0;
	}
	/* -e of a glob too: every function a probe of the one event */
	if ((o->one_event || o->event) && n > 0) {
		snprintf(buf, len, "%s", probes[0]->event);
		return 0;
	}
	base_name(o, loc, path, base, sizeof(base));
	if (probe_event_name(base, ret && !o->event, buf, len)) {
		err("cannot make an event name from '%s'", base);
		note("hint: name it with -e EVENT");
		return -EINVAL;
	}
	return unique_name(group, probes, n, buf, len);
}

/* Does the fetch-arg @arg, as typed, name itself (NAME=...)? */
static bool user_named(const char *arg)
{
	size_t n = strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");

	return n && arg[n] == '=';
}

/* Is @name (@len bytes) the name of a fetch-arg of @p (unnamed: argN)? */
static bool arg_name_used(const struct probe *p, const char *name, size_t len)
{
	char buf[32];
	size_t k;

	for (k = 0; k < p->nargs; k++) {
		const char *a = p->args[k].name;

		if (!a) {
			snprintf(buf, sizeof(buf), "arg%zu", k + 1);
			a = buf;
		}
		if (strlen(a) == len && memcmp(a, name, len) == 0)
			return true;
	}
	return false;
}

/*
 * The kernel fetch-arg @karg ("NAME=FETCH:TYPE") named after the last
 * member, when an earlier fetch-arg of @p has that name (it->name and
 * it->next->name): NAME_1, NAME_2, ..., the first free; NULL when @karg
 * can stay as it is (or on ENOMEM, when probe_add_arg() says why).
 */
static char *distinct_name(const struct probe *p, const char *karg)
{
	size_t len = strcspn(karg, "=");
	char try[PROBE_MAX_EVENT_NAME + 16];
	unsigned int i;
	char *s;

	if (!karg[len] || len >= PROBE_MAX_EVENT_NAME || !arg_name_used(p, karg, len))
		return NULL;
	for (i = 1; i < 1000; i++) {
		snprintf(try, sizeof(try), "%.*s_%u", (int)len, karg, i);
		if (!arg_name_used(p, try, strlen(try)))
			break;
	}
	if (asprintf(&s, "%s%s", try, karg + len) < 0)
		return NULL;
	return s;
}

/* Adds the kernel fetch-arg @karg, from the user's @arg, to @p. */
static int add_karg(struct probe *p, const char *arg, const char *karg,
		    const struct probe_features *feat)
{
	struct probe_error perr = { 0 };
	char *renamed = user_named(arg) ? NULL : distinct_name(p, karg);
	int r;

	if (renamed)
		karg = renamed;
	verbose("'%s' -> '%s'", arg, karg);
	r = probe_add_arg(p, karg, feat, &perr);
	if (r == -EINVAL) {
		err_caret(karg, perr.pos, perr.msg);
		note("'%s' -> '%s'", arg, karg);
	} else if (r) {
		err_errno(r, "'%s'", arg);
	}
	free(renamed);
	return r;
}

/* A fetch-arg that names variables -> the kernel's fetch-args at @loc. */
static int add_dwarf_arg(struct add_opts *o, struct probe *p, const struct resolve_loc *loc,
			 bool ret, const char *arg, const struct probe_features *feat)
{
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
	for (k = 0; k < nk && !r; k++)
		r = add_karg(p, arg, kargs[k], feat);
	resolve_dwarf_args_free(kargs, nk);
	return r;
}

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

/* A fetch-arg as the kernel spells it; prints why it is not one. */
static int add_kernel_arg(struct probe *p, const char *arg, size_t i,
			  const struct probe_features *feat)
{
	struct probe_error perr = { 0 };
	int r = probe_add_arg(p, arg, feat, &perr);

	if (r == -EINVAL)
		err_caret(arg, perr.pos, perr.msg);
	else if (r)
		err_errno(r, "argument %zu, '%s'", i + 1, arg);
	if (r == -EINVAL && arg[0] == '-' && (arg[1] < '0' || arg[1] > '9'))
		note("hint: options go before TARGET; after it every word is a fetch-arg");
	return r;
}

/* "$retval", "NAME=$retval[:TYPE]": the kernel's own, it needs no DWARF. */
static bool kernel_retval(const char *arg)
{
	const char *eq = strchr(arg, '='), *b = eq ? eq + 1 : arg;

	return strncmp(b, "$retval", 7) == 0 && (b[7] == '\0' || b[7] == ':');
}

/* The user's fetch-args, onto @p; *@from as note_from() keeps it. */
static int add_args(struct add_opts *o, struct probe *p, const struct resolve_loc *loc,
		    bool ret, const struct probe_features *feat, const char ***from)
{
	size_t i, cap = 0;
	int r;

	for (i = 0; i < o->nargs; i++) {
		if (resolve_dwarf_is_expr(o->args[i], ret) &&
		    (o->dw || !kernel_retval(o->args[i])))
			r = add_dwarf_arg(o, p, loc, ret, o->args[i], feat);
		else
			r = add_kernel_arg(p, o->args[i], i, feat);
		if (r)
			return r;
		if (note_from(from, &cap, p->nargs, o->args[i])) {
			err_errno(-ENOMEM, "building the probe");
			return -ENOMEM;
		}
	}
	return 0;
}

/* One probe at @loc with the user's fetch-args; NULL after an error. */
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

	if (event_name(o, loc, path, ret, probes, n, name, sizeof(name)))
		return NULL;
	p = probe_new(ret ? PROBE_RETURN : PROBE_ENTRY);
	if (!p || probe_set(&p->group, o->group ? o->group : PROBE_DEFAULT_GROUP) ||
	    probe_set(&p->event, name) || probe_set(&p->path, path)) {
		err_errno(-ENOMEM, "building the probe");
		goto out_free;
	}
	p->offset = loc->offset;
	if (add_args(o, p, loc, ret, feat, &from))
		goto out_free;
	if (probe_validate(p, feat, &perr)) {
		if (perr.arg >= 0 && (size_t)perr.arg < p->nargs)
			arg_error(p, from, perr.arg, &perr);
		else
			err("'%s': %s", o->target, perr.msg);
		goto out_free;
	}
	*fromp = from;
	return p;
out_free:
	free(from);
	probe_free(p);
	return NULL;
}

int add_alloc_probes(struct add_run *r)
{
	r->probes = calloc(r->nlocs, sizeof(*r->probes));
	r->from = calloc(r->nlocs, sizeof(*r->from));
	if (r->probes && r->from)
		return 0;
	err_errno(-ENOMEM, "building the probes");
	return -ENOMEM;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The first fetch-arg of @p whose name or type is not @q's, or -1. */
static ssize_t arg_differs(const struct probe *p, const struct probe *q)
{
	size_t k;

	for (k = 0; k < p->nargs || k < q->nargs; k++)
		if (k >= p->nargs || k >= q->nargs ||
		    !same_str(p->args[k].name, q->args[k].name) ||
		    !same_str(p->args[k].type, q->args[k].type))
			return (ssize_t)k;
	return -1;
}

/* Fetch-arg @k of @p as the kernel reads it, for a message: "-" when none. */
static void arg_text(const struct probe *p, size_t k, char *buf, size_t len)
{
	char *a = k < p->nargs ? probe_format_arg(&p->args[k]) : NULL;

	snprintf(buf, len, "%s", a ? a : "-");
	free(a);
}

/*
 * The kernel puts several probes under one event only when their fetch-args
 * have the same names and types (trace_probe_compare_arg_type(): where each
 * is fetched from may differ, as a variable in another register in each
 * inlined copy): say which differs before the kernel refuses it.
 */
static int same_args(const struct add_opts *o, const struct add_run *r)
{
	char a[256], b[256];
	ssize_t k = -1;
	size_t i;

	for (i = 1; o->event && i < r->n && k < 0; i++)
		k = arg_differs(r->probes[i], r->probes[0]);
	if (k < 0)
		return EXIT_OK;
	i--;
	arg_text(r->probes[0], k, a, sizeof(a));
	arg_text(r->probes[i], k, b, sizeof(b));
	err("-e %s puts every place of '%s' in one event, whose probes need fetch-args "
	    "of the same names and types: argument %zd is '%s' at %s but '%s' at %s",
	    o->event, o->target,
	    k + 1, a, r->locs[0].symbol ? r->locs[0].symbol : "the first place", b,
	    r->locs[i].symbol ? r->locs[i].symbol : "another");
	note("hint: without -e each function gets an event of its own");
	return EXIT_FAIL;
}

int add_build(struct add_opts *o, struct add_run *r)
{
	bool ret = o->ret || r->t.is_return;

	if (r->usdt)
		return add_usdt_build(o, r);
	if (add_alloc_probes(r))
		return EXIT_FAIL;
	for (r->n = 0; r->n < r->nlocs; r->n++) {
		const char *path = r->loc_paths ? r->loc_paths[r->n] : r->path;

		r->probes[r->n] = build_probe(o, &r->locs[r->n], path, ret, &r->feat,
					      r->probes, r->n, &r->from[r->n]);
		if (!r->probes[r->n])
			return EXIT_FAIL;
	}
	return same_args(o, r);
}

int add_unique_name(const struct add_opts *o, struct probe *const *probes, size_t n,
		    char *buf, size_t len)
{
	return unique_name(o->group ? o->group : PROBE_DEFAULT_GROUP, probes, n, buf, len);
}
