// SPDX-License-Identifier: GPL-2.0
/* uprobe enable: enable events at the top level. */
#include <argp.h>

#include "cli.h"
#include "tfs.h"

static const struct argp enable_argp = {
	NULL, cli_patterns_parse, "EVENT...",
	"Enable uprobe events in the top-level trace buffer.\v"
	"EVENT is GRP/EVENT, or EVENT in the group 'uprobes'; globs such as "
	"'grp/*' allowed. 'uprobe stream' needs neither: it enables events in "
	"an instance of its own.",
	cli_children, NULL, NULL
};

static int enable_one(const char *group, const char *event)
{
	return tfs_enable(NULL, group, event, true);
}

int cmd_enable(int argc, char **argv)
{
	struct cli_patterns o = {
		.need = "name the events to enable (GRP/EVENT, EVENT, globs)",
	};

	if (cli_parse(&enable_argp, argc, argv, &o))
		return EXIT_FAIL;
	return cli_each_event(o.pat, o.npat, PROBE_DEFAULT_GROUP, enable_one,
			      "enabled");
}
