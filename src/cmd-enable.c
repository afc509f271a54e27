// SPDX-License-Identifier: GPL-2.0
/* uprobe enable: enable events at the top level. */
#include <argp.h>

#include "cli.h"
#include "tfs.h"

struct enable_opts {
	char **pat;
	size_t npat;
};

static error_t enable_parse(int key, char *arg, struct argp_state *state)
{
	struct enable_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		o->pat = state->argv + state->next - 1;
		o->npat = state->argc - state->next + 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "name the events to enable (GRP/EVENT, EVENT, globs)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child enable_children[] = {
	{ &global_argp, 0, "Global options:", 0 },
	{ 0 }
};

static const struct argp enable_argp = {
	NULL, enable_parse, "EVENT...",
	"Enable uprobe events in the top-level trace buffer.\v"
	"EVENT is GRP/EVENT, or EVENT in the group 'uprobes'; globs such as "
	"'grp/*' allowed. 'uprobe stream' needs neither: it enables events in "
	"an instance of its own.",
	enable_children, NULL, NULL
};

static int enable_one(const char *group, const char *event)
{
	return tfs_enable(NULL, group, event, true);
}

int cmd_enable(int argc, char **argv)
{
	struct enable_opts o = { 0 };

	if (cli_parse(&enable_argp, argc, argv, &o))
		return EXIT_FAIL;
	return cli_each_event(o.pat, o.npat, PROBE_DEFAULT_GROUP, enable_one,
			      "enabled");
}
