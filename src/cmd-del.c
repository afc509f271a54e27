// SPDX-License-Identifier: GPL-2.0
/* uprobe del: remove events, disabled first wherever they are enabled. */
#include <argp.h>
#include <errno.h>

#include "cli.h"
#include "tfs.h"

bool del_force;

int del_remove(const char *group, const char *event)
{
	struct tfs_user u;

	if (!del_force && tfs_event_user(group, event, &u) == 1) {
		if (u.pid)
			err("%s/%s is enabled in instance '%s' of process %d (%s): removing it "
			    "would end that trace; --force removes it anyway", group, event,
			    u.instance, (int)u.pid, u.comm);
		else
			err("%s/%s is enabled in instance '%s': removing it would end that "
			    "trace; --force removes it anyway", group, event, u.instance);
		return -EBUSY;
	}
	return tfs_remove(group, event);
}

struct del_opts {
	struct cli_args pos;
};

static const struct argp_option del_options[] = {
	{ "force", 'f', NULL, 0, "Remove events enabled in other instances too "
	  "(another uprobe stream's, another tracer's)", 0 },
	{ 0 }
};

static error_t del_parse(int key, char *arg, struct argp_state *state)
{
	struct del_opts *o = state->input;

	if (key != 'f')
		return cli_args_key(&o->pos, key, arg, state);
	del_force = true;
	return 0;
}

const struct argp del_argp = {
	del_options, del_parse, "EVENT...",
	"Remove uprobe events.\v"
	"EVENT is GRP/EVENT, or EVENT in the group 'uprobes'; globs such as "
	"'grp/*' allowed. Each event is disabled first, at the top level and "
	"in every instance; one that is enabled in another instance (a live "
	"'uprobe stream', another tracer) is left alone unless --force.",
	cli_children, NULL, NULL
};

int cmd_del(int argc, char **argv)
{
	struct del_opts o = { .pos = {
		.need = "name the events to remove (GRP/EVENT, EVENT, globs such "
			"as 'grp/*'); 'uprobe clear' removes all",
	} };
	int status;

	if (cli_parse(&del_argp, argc, argv, &o))
		return EXIT_FAIL;
	tfs_hold();	/* instances/ and their set_event read once for both */
	tfs_reap_instances();	/* a killed stream's instance is nobody's */
	status = cli_each_event(o.pos.v, o.pos.n, PROBE_DEFAULT_GROUP, del_remove, "removed");
	tfs_release();
	return status;
}
