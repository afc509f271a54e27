// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe clear: the safe form of `echo > uprobe_events`, which deletes every
 * uprobe at once and fails whole if one is enabled.
 */
#include <argp.h>

#include "cli.h"
#include "tfs.h"

struct clear_opts {
	char *group;
};

static error_t clear_parse(int key, char *arg, struct argp_state *state)
{
	struct clear_opts *o = state->input;

	switch (key) {
	case 'g':
		if (!probe_group_valid(arg))
			argp_error(state, "'%s' is not a valid group name", arg);
		o->group = arg;
		break;
	case 'f':
		del_force = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected '%s'; 'uprobe del' takes event names", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option clear_options[] = {
	{ "group", 'g', "GRP", 0, "Remove only the events of group GRP", 0 },
	{ "force", 'f', NULL, 0, "Remove events enabled in other instances too "
	  "(another uprobe stream's, another tracer's)", 0 },
	{ 0 }
};

const struct argp clear_argp = {
	clear_options, clear_parse, NULL,
	"Remove every uprobe event, or a group's.\v"
	"Each event is disabled first, at the top level and in every instance, "
	"then removed on its own: an event in use elsewhere does not stop the "
	"others from going. One enabled in another instance (a live 'uprobe "
	"stream', another tracer) is left alone unless --force.",
	cli_children, NULL, NULL
};

int cmd_clear(int argc, char **argv)
{
	struct clear_opts o = { 0 };
	char pat[PROBE_MAX_EVENT_NAME + 3];
	char *pats[1] = { pat };
	int status;

	if (cli_parse(&clear_argp, argc, argv, &o))
		return EXIT_FAIL;
	tfs_hold();	/* instances/ and their set_event read once for all three */
	tfs_reap_instances();	/* killed streams' and traces' leftovers */
	tfs_reap_groups(TFS_TRACE_GROUP_PREFIX);
	snprintf(pat, sizeof(pat), "%s/*", o.group ? o.group : "");
	status = cli_each_event(o.group ? pats : NULL, o.group ? 1 : 0, NULL, del_remove,
				"removed");
	tfs_release();
	return status;
}
