// SPDX-License-Identifier: GPL-2.0
/* uprobe vars: the variables at a place, their types and where they live. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "resolve.h"
#include "resolve-dwarf.h"

struct vars_opts {
	struct cli_args target;
	bool no_inlines;
};

enum { OPT_NO_INLINES = 0x100 };

static const struct argp_option vars_options[] = {
	{ "no-inlines", OPT_NO_INLINES, NULL, 0, "Leave out the inlined copies of FUNC", 0 },
	{ 0 }
};

static error_t vars_parse(int key, char *arg, struct argp_state *state)
{
	struct vars_opts *o = state->input;

	switch (key) {
	case OPT_NO_INLINES:
		o->no_inlines = true;
		break;
	default:
		return cli_args_key(&o->target, key, arg, state);
	}
	return 0;
}

const struct argp vars_argp = {
	vars_options, vars_parse, "PATH:FUNC[:RELLINE]",
	"List the variables that 'uprobe add' can fetch at a place.\v"
	"The place is a function (its entry, where 'uprobe add' puts probes "
	"unless a variable is there only after the prologue), a line of it "
	"(FUNC:RELLINE) or a source line (FILE:LINE); each copy of an inlined "
	"function is a place. Every parameter, local and static in scope is "
	"listed with its C type and the fetch-arg it becomes there, or why it "
	"cannot be fetched there and where "
	"it can. Needs debug information.\n\n"
	"Example:\n"
	"  uprobe vars ./app:parse_request",
	cli_pid_children, NULL, NULL
};

/* The variables of each place, found before anything is printed: a
 * failure at a later place leaves one error, not half a document. */
struct place_vars {
	struct resolve_dwarf_var *vs;
	size_t n;
};

static const char *var_kind(const struct resolve_dwarf_var *v)
{
	return v->param ? "param" : v->global ? "static" : "local";
}

static void place_json(struct json_writer *w, const struct resolve_loc *loc,
		       const struct place_vars *pv)
{
	size_t i;

	json_obj_begin(w);
	json_str_field(w, "symbol", loc->symbol);
	json_uint_field(w, "symbol_offset", loc->add);
	json_uint_field(w, "offset", loc->offset);
	json_uint_field(w, "address", loc->addr);
	json_key(w, "vars");
	json_arr_begin(w);
	for (i = 0; i < pv->n; i++) {
		const struct resolve_dwarf_var *v = &pv->vs[i];

		json_obj_begin(w);
		json_str_field(w, "name", v->name);
		json_str_field(w, "type", v->type);
		json_str_field(w, "kind", var_kind(v));
		json_str_field(w, "fetch", v->fetch);
		json_str_field(w, "why", v->why);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

static void place_text(const struct resolve_loc *loc, const struct place_vars *pv, bool first)
{
	size_t i;

	printf("%s%s+%" PRIu64 " (offset %#" PRIx64 "):\n", first ? "" : "\n",
	       loc->symbol ? loc->symbol : "?", loc->add, loc->offset);
	for (i = 0; i < pv->n; i++) {
		const struct resolve_dwarf_var *v = &pv->vs[i];

		printf("  %-6s %-24s %-16s %s\n", var_kind(v), v->type, v->name,
		       v->fetch ? v->fetch : v->why);
	}
}

static void print_places(const struct resolve_loc *locs, const struct place_vars *pv, size_t n)
{
	size_t i;

	if (g_opts.json)
		json_arr_begin(cli_json());
	for (i = 0; i < n; i++) {
		if (g_opts.json)
			place_json(cli_json(), &locs[i], &pv[i]);
		else
			place_text(&locs[i], &pv[i], i == 0);
	}
	if (g_opts.json)
		json_arr_end(cli_json());
}

/* The variables at each of @n places into *@pvp (freed by places_free()). */
static int find_vars(struct resolve_dwarf *d, struct resolve_loc *locs,
		     size_t n, struct place_vars **pvp)
{
	struct place_vars *pv = calloc(n ? n : 1, sizeof(*pv));
	size_t i;
	int ret = 0;

	*pvp = pv;
	if (!pv)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++)
		ret = resolve_dwarf_vars(d, &locs[i], &pv[i].vs, &pv[i].n);
	return ret;
}

static void places_free(struct place_vars *pv, size_t n)
{
	size_t i;

	for (i = 0; pv && i < n; i++)
		resolve_dwarf_vars_free(pv[i].vs, pv[i].n);
	free(pv);
}

int cmd_vars(int argc, char **argv)
{
	struct vars_opts o = { .target = {
		.max = 1, .form = "PATH:FUNC[:RELLINE]",
		.need = "name the place, as in 'uprobe vars ./app:main'",
	} };
	struct resolve_loc *locs = NULL;
	struct place_vars *pv = NULL;
	struct resolve_dwarf *d = NULL;
	const char *spec = NULL;
	char *path = NULL;
	size_t n = 0;
	int ret, status = EXIT_FAIL;

	if (cli_parse(&vars_argp, argc, argv, &o))
		return EXIT_FAIL;
	d = cli_dwarf_target(&o.target, &path, &spec, &status);
	if (!d)
		goto out_free;
	ret = resolve_dwarf_place(d, spec, o.no_inlines ? RESOLVE_DWARF_NO_INLINES : 0, 256,
				  &locs, &n);
	if (ret) {
		err("'%s': %s", o.target.v[0], resolve_dwarf_errmsg());
		goto out_free;
	}
	ret = find_vars(d, locs, n, &pv);
	if (ret == -ENOMEM) {
		err_errno(ret, "'%s'", o.target.v[0]);
		goto out_free;
	}
	if (ret) {
		err("'%s': %s", o.target.v[0], resolve_dwarf_errmsg());
		goto out_free;
	}
	print_places(locs, pv, n);
	status = EXIT_OK;
out_free:
	places_free(pv, n);
	resolve_locs_free(locs, n);
	resolve_dwarf_close(d);
	free(path);
	return status;
}
