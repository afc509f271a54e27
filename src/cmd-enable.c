// SPDX-License-Identifier: GPL-2.0
/* uprobe enable, uprobe disable: switch events on or off at the top level. */
#include <argp.h>

#include "cli.h"
#include "tfs.h"

#define EVENTS_DOC \
	"EVENT is GRP/EVENT, or EVENT in the group 'uprobes'; globs such as " \
	"'grp/*' allowed. 'uprobe stream' needs neither: it enables events in " \
	"an instance of its own."

const struct argp enable_argp = {
	NULL, cli_args_parse, "EVENT...",
	"Enable uprobe events in the top-level trace buffer.\v" EVENTS_DOC,
	cli_children, NULL, NULL
};

const struct argp disable_argp = {
	NULL, cli_args_parse, "EVENT...",
	"Disable uprobe events in the top-level trace buffer.\v" EVENTS_DOC,
	cli_children, NULL, NULL
};

static int enable_one(const char *group, const char *event)
{
	return tfs_enable(NULL, group, event, true);
}

static int disable_one(const char *group, const char *event)
{
	return tfs_enable(NULL, group, event, false);
}

/* Both commands: @verb ("enabled") is what is said of each event done. */
static int set_state(const struct argp *argp, int argc, char **argv, const char *need,
		     int (*fn)(const char *group, const char *event), const char *verb)
{
	struct cli_args o = { .need = need };

	if (cli_parse(argp, argc, argv, &o))
		return EXIT_FAIL;
	return cli_each_event(o.v, o.n, PROBE_DEFAULT_GROUP, fn, verb);
}

int cmd_enable(int argc, char **argv)
{
	return set_state(&enable_argp, argc, argv,
			 "name the events to enable (GRP/EVENT, EVENT, globs)", enable_one,
			 "enabled");
}

int cmd_disable(int argc, char **argv)
{
	return set_state(&disable_argp, argc, argv,
			 "name the events to disable (GRP/EVENT, EVENT, globs)", disable_one,
			 "disabled");
}
