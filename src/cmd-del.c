// SPDX-License-Identifier: GPL-2.0
/* uprobe del: remove events, disabled first wherever they are enabled. */
#include <argp.h>

#include "cli.h"
#include "tfs.h"

static const struct argp del_argp = {
	NULL, cli_args_parse, "EVENT...",
	"Remove uprobe events.\v"
	"EVENT is GRP/EVENT, or EVENT in the group 'uprobes'; globs such as "
	"'grp/*' allowed. Each event is disabled first, at the top level and "
	"in every instance.",
	cli_children, NULL, NULL
};

int cmd_del(int argc, char **argv)
{
	struct cli_args o = {
		.need = "name the events to remove (GRP/EVENT, EVENT, globs such "
			"as 'grp/*'); 'uprobe clear' removes all",
	};

	if (cli_parse(&del_argp, argc, argv, &o))
		return EXIT_FAIL;
	return cli_each_event(o.v, o.n, PROBE_DEFAULT_GROUP, tfs_remove,
			      "removed");
}
