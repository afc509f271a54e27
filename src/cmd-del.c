// SPDX-License-Identifier: GPL-2.0
/* uprobe del: remove events, disabled first wherever they are enabled. */
#include <argp.h>

#include "cli.h"
#include "tfs.h"

struct pat_opts {
	char **pat;
	size_t npat;
};

static error_t del_parse(int key, char *arg, struct argp_state *state)
{
	struct pat_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		o->pat = state->argv + state->next - 1;
		o->npat = state->argc - state->next + 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "name the events to remove (GRP/EVENT, EVENT, "
			   "globs such as 'grp/*'); 'uprobe clear' removes all");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child del_children[] = {
	{ &global_argp, 0, "Global options:", 0 },
	{ 0 }
};

static const struct argp del_argp = {
	NULL, del_parse, "EVENT...",
	"Remove uprobe events.\v"
	"EVENT is GRP/EVENT, or EVENT in the group 'uprobes'; globs such as "
	"'grp/*' allowed. Each event is disabled first, at the top level and "
	"in every instance.",
	del_children, NULL, NULL
};

int cmd_del(int argc, char **argv)
{
	struct pat_opts o = { 0 };

	if (cli_parse(&del_argp, argc, argv, &o))
		return EXIT_FAIL;
	return cli_each_event(o.pat, o.npat, PROBE_DEFAULT_GROUP, tfs_remove,
			      "removed");
}
