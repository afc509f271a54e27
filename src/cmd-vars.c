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

static const struct argp vars_argp = {
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
	cli_children, NULL, NULL
};

static void print_var(const struct resolve_dwarf_var *v, bool first)
{
	const char *kind = v->param ? "param" : v->global ? "static" : "local";

	if (!g_opts.json) {
		printf("  %-6s %-24s %-16s %s\n", kind, v->type, v->name,
		       v->fetch ? v->fetch : v->why);
		return;
	}
	printf("%s{\"name\": ", first ? "" : ", ");
	json_str(stdout, v->name);
	printf(", \"type\": ");
	json_str(stdout, v->type);
	printf(", \"kind\": \"%s\", \"fetch\": ", kind);
	json_str(stdout, v->fetch);
	printf(", \"why\": ");
	json_str(stdout, v->why);
	putchar('}');
}

static int show_place(struct resolve_dwarf *d, const struct resolve_loc *loc, bool first)
{
	struct resolve_dwarf_var *vs = NULL;
	size_t n = 0, i;
	int ret = resolve_dwarf_vars(d, loc, &vs, &n);

	if (ret)
		return ret;
	if (g_opts.json) {
		printf("%s{\"symbol\": ", first ? "" : ", ");
		json_str(stdout, loc->symbol);
		printf(", \"symbol_offset\": %" PRIu64 ", \"offset\": %" PRIu64
		       ", \"address\": %" PRIu64 ", \"vars\": [", loc->add, loc->offset,
		       loc->addr);
	} else {
		printf("%s%s+%" PRIu64 " (offset %#" PRIx64 "):\n", first ? "" : "\n",
		       loc->symbol ? loc->symbol : "?", loc->add, loc->offset);
	}
	for (i = 0; i < n; i++)
		print_var(&vs[i], i == 0);
	if (g_opts.json)
		printf("]}");
	resolve_dwarf_vars_free(vs, n);
	return 0;
}

int cmd_vars(int argc, char **argv)
{
	struct vars_opts o = { .target = {
		.max = 1, .form = "PATH:FUNC[:RELLINE]",
		.need = "name the place, as in 'uprobe vars ./app:main'",
	} };
	struct resolve_loc *locs = NULL;
	struct resolve_dwarf *d = NULL;
	const char *spec = NULL;
	char *path = NULL;
	size_t n = 0, i;
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
	if (g_opts.json)
		fputc('[', stdout);
	for (i = 0; i < n; i++) {
		ret = show_place(d, &locs[i], i == 0);
		if (ret) {
			if (g_opts.json)
				printf("]\n");
			err("'%s': %s", o.target.v[0], resolve_dwarf_errmsg());
			goto out_free;
		}
	}
	if (g_opts.json)
		printf("]\n");
	status = EXIT_OK;
out_free:
	resolve_locs_free(locs, n);
	resolve_dwarf_close(d);
	free(path);
	return status;
}
