// SPDX-License-Identifier: GPL-2.0
/*
 * Variables by name -> kernel fetch-args, with libdw: the entry points.
 * resolve_dwarf_args() turns one fetch-arg written in C (or $params) into
 * fetch-args the kernel takes; resolve_dwarf_vars() lists what is in scope
 * at a place, with the fetch-arg of each or why there is none.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-var.h"

static int push(char ***out, size_t *n, char *s)
{
	void *p = realloc(*out, (*n + 1) * sizeof(**out));

	if (!p) {
		free(s);
		return -ENOMEM;
	}
	*out = p;
	(*out)[(*n)++] = s;
	return 0;
}

/* The innermost function (inlined or not) at the place. */
static bool innermost_fn(const struct at *at, Dwarf_Die *fn)
{
	int i;

	for (i = 0; i < at->nscopes; i++)
		if (dwarf_tag(&at->scopes[i]) == DW_TAG_subprogram ||
		    dwarf_tag(&at->scopes[i]) == DW_TAG_inlined_subroutine) {
			*fn = at->scopes[i];
			return true;
		}
	return false;
}

static int params(const struct at *at, const struct expr *e, char ***out, size_t *n)
{
	char skipped[600] = "", fetch[400], *s;
	size_t used = 0;
	Dwarf_Die fn, c;
	struct dv v;
	int ret = 0;

	if (!innermost_fn(at, &fn) || dwarf_child(&fn, &c))
		return dw_err(-ENOENT, "no parameters here");
	do {
		const char *name = dv_name(&c);

		if (dwarf_tag(&c) != DW_TAG_formal_parameter || !name)
			continue;
		ret = dv_var(at, &c, &v, name);
		if (!ret)
			ret = dv_finish(at, &v, e->type, name, fetch, sizeof(fetch));
		if (ret == -ENOMEM)
			return ret;
		if (ret) {
			used += snprintf(skipped + used, used < sizeof(skipped) ?
					 sizeof(skipped) - used : 0, "%s%s",
					 used ? "; " : "", resolve_dwarf_errmsg());
			if (used >= sizeof(skipped))
				used = sizeof(skipped) - 1;
			continue;
		}
		s = dw_strdupf("%s=%s", name, fetch);
		if (!s || push(out, n, s))
			return -ENOMEM;
	} while (dwarf_siblingof(&c, &c) == 0);
	if (!*n)
		return dw_err(-ENODATA, "no parameter can be fetched here%s%s",
			      skipped[0] ? ": " : "", skipped);
	dw_err(0, "%s%s", skipped[0] ? "$params left out: " : "", skipped);
	return 0;
}

int resolve_dwarf_args(struct resolve_dwarf *d, const struct resolve_loc *loc,
		       bool is_return, const char *arg, char ***out, size_t *n)
{
	struct expr e;
	struct at at;
	char *s = NULL;
	int ret;

	dw_clear_err();
	*out = NULL;
	*n = 0;
	ret = dv_parse_expr(arg, &e);
	if (ret)
		return ret;
	ret = dv_at_init(d, loc, is_return, &at);
	if (ret)
		return ret;
	if (strcmp(e.body, "$params") == 0) {
		ret = is_return ? dw_err(-EINVAL, "$params are not there on a return probe") :
				  params(&at, &e, out, n);
	} else {
		ret = dv_translate(&at, &e, &s);
		if (!ret)
			ret = push(out, n, s);
	}
	dv_at_free(&at);
	if (ret) {
		resolve_dwarf_args_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

void resolve_dwarf_args_free(char **args, size_t n)
{
	size_t i;

	for (i = 0; args && i < n; i++)
		free(args[i]);
	free(args);
}

/* --- listing ------------------------------------------------------------- */

static int list_var(const struct at *at, Dwarf_Die *var, bool global,
		    struct resolve_dwarf_var **vs, size_t *n, size_t *cap)
{
	const char *name = dv_name(var);
	struct resolve_dwarf_var *r;
	char fetch[400];
	Dwarf_Die t;
	struct dv v;
	size_t i;

	if (!name)
		return 0;
	for (i = 0; i < *n; i++)
		if (strcmp((*vs)[i].name, name) == 0)
			return 0;	/* shadowed */
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		void *p = realloc(*vs, c * sizeof(**vs));

		if (!p)
			return -ENOMEM;
		*vs = p;
		*cap = c;
	}
	r = &(*vs)[*n];
	memset(r, 0, sizeof(*r));
	(*n)++;
	r->name = strdup(name);
	r->param = dwarf_tag(var) == DW_TAG_formal_parameter;
	r->global = global;
	r->type = dv_type_of(var, &t) ? dw_type_name(at->d, &t) : strdup("void");
	if (dv_var(at, var, &v, name) == 0 &&
	    dv_finish(at, &v, "", name, fetch, sizeof(fetch)) == 0)
		r->fetch = dw_strdupf("%s=%s", name, fetch);
	else
		r->why = strdup(resolve_dwarf_errmsg());
	if (!r->name || !r->type || (!r->fetch && !r->why))
		return -ENOMEM;
	return 0;
}

static int list_scope(const struct at *at, Dwarf_Die *scope, bool global,
		      struct resolve_dwarf_var **vs, size_t *n, size_t *cap)
{
	Dwarf_Die c;
	int ret = 0;

	if (dwarf_child(scope, &c))
		return 0;
	do {
		int tag = dwarf_tag(&c);

		if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable)
			continue;
		if (global && !dwarf_hasattr(&c, DW_AT_location))
			continue;
		ret = list_var(at, &c, global, vs, n, cap);
	} while (!ret && dwarf_siblingof(&c, &c) == 0);
	return ret;
}

int resolve_dwarf_vars(struct resolve_dwarf *d, const struct resolve_loc *loc,
		       struct resolve_dwarf_var **vs, size_t *n)
{
	size_t cap = 0;
	struct at at;
	int ret, i;

	dw_clear_err();
	*vs = NULL;
	*n = 0;
	ret = dv_at_init(d, loc, false, &at);
	if (ret)
		return ret;
	/* the innermost function's (or inlined copy's) scopes, then its CU's */
	for (i = 0; !ret && i < at.nscopes; i++) {
		int tag = dwarf_tag(&at.scopes[i]);

		ret = list_scope(&at, &at.scopes[i], tag == DW_TAG_compile_unit, vs, n, &cap);
		if (!ret && dv_scope_is_fn(&at.scopes[i]) && dv_entry_outer(&at, i))
			ret = list_scope(&at, &at.fn, false, vs, n, &cap);
		if (dv_scope_is_fn(&at.scopes[i]) && i + 1 < at.nscopes)
			i = at.nscopes - 2;
	}
	dv_at_free(&at);
	if (ret) {
		resolve_dwarf_vars_free(*vs, *n);
		*vs = NULL;
		*n = 0;
	}
	dw_clear_err();
	return ret;
}

void resolve_dwarf_vars_free(struct resolve_dwarf_var *vs, size_t n)
{
	size_t i;

	for (i = 0; vs && i < n; i++) {
		free(vs[i].name);
		free(vs[i].type);
		free(vs[i].fetch);
		free(vs[i].why);
	}
	free(vs);
}
