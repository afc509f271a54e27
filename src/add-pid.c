// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe add -p PID '*:SYMBOL': the function in every object the process
 * maps that defines it (a program, its libraries, what it dlopen()ed),
 * one event with a probe per object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "add.h"
#include "cli.h"
#include "resolve.h"

/* @k places of @path onto @r (taking @locs). */
static int take(struct add_run *r, const char *path, struct resolve_loc *locs, size_t k)
{
	struct resolve_loc *l = realloc(r->locs, (r->nlocs + k) * sizeof(*l));
	char **p = realloc(r->loc_paths, (r->nlocs + k) * sizeof(*p));
	size_t i;

	if (l)
		r->locs = l;
	if (p)
		r->loc_paths = p;
	if (!l || !p) {
		resolve_locs_free(locs, k);
		return -ENOMEM;
	}
	for (i = 0; i < k; i++) {
		r->locs[r->nlocs] = locs[i];
		r->loc_paths[r->nlocs++] = strdup(path);
	}
	free(locs);
	for (i = r->nlocs - k; i < r->nlocs; i++)
		if (!r->loc_paths[i])
			return -ENOMEM;
	return 0;
}

/* The places of @t in one object; -ENOENT when it has none. */
static int one_object(const struct add_opts *o, const struct resolve_target *t,
		      const char *path, struct add_run *r)
{
	struct resolve_elf *e = resolve_open(path);
	struct resolve_loc *locs = NULL;
	size_t k = 1;
	int ret;

	if (!e) {
		verbose("'%s': %s", path, resolve_errmsg());
		return -ENOENT;
	}
	if (t->glob) {
		ret = resolve_glob(e, t->symbol, o->max_probes, &locs, &k);
	} else {
		locs = calloc(1, sizeof(*locs));
		ret = locs ? resolve_symbol(e, t->symbol, t->add, locs) : -ENOMEM;
	}
	resolve_close(e);
	if (ret) {
		if (ret != -ENOENT)
			warn("'%s' in %s: %s", t->symbol, path, resolve_errmsg());
		free(locs);
		return ret;
	}
	verbose("'%s' in %s", t->symbol, path);
	return take(r, path, locs, k);
}

int add_pid_places(struct add_opts *o, struct add_run *r)
{
	const struct resolve_target *t = &r->t;
	char **paths;
	size_t n, i;
	int ret;

	if (t->raw) {
		err("'%s': a file offset needs one file, not '*'", o->target);
		return EXIT_FAIL;
	}
	ret = resolve_pid_objects(g_pid, &paths, &n);
	if (ret) {
		err("-p %d: %s", g_pid, resolve_errmsg());
		return EXIT_FAIL;
	}
	for (i = 0; i < n && ret != -ENOMEM; i++)
		ret = one_object(o, t, paths[i], r);
	resolve_paths_free(paths, n);
	if (ret == -ENOMEM) {
		err_errno(ret, "'%s'", o->target);
		return EXIT_FAIL;
	}
	if (!r->nlocs) {
		err("'%s': no object that process %d maps defines '%s'", o->target, g_pid,
		    t->symbol);
		return EXIT_FAIL;
	}
	o->one_event = !t->glob;
	o->dw_name = t->symbol;
	return EXIT_OK;
}

void add_pid_free(struct add_run *r)
{
	size_t i;

	for (i = 0; r->loc_paths && i < r->nlocs; i++)
		free(r->loc_paths[i]);
	free(r->loc_paths);
	r->loc_paths = NULL;
}
