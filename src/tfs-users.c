// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs: who else streams an event, so that del and clear do not stop
 * another user's live stream without being told to.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "tfs.h"
#include "tfs-int.h"
#include "util.h"

/* Whether process @pid has a file open under @dir ("/.../instances/NAME/"). */
static bool holds_open(const char *pid, const char *dir)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent *d;
	bool found = false;
	DIR *fds;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	fds = opendir(path);
	while (fds && !found && (d = readdir(fds))) {
		ssize_t n;

		if (snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, d->d_name) >=
		    (int)sizeof(path))
			continue;
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = strncmp(link, dir, strlen(dir)) == 0;
		}
	}
	if (fds)
		closedir(fds);
	return found;
}

/* The first process with a file of instance @name open, or 0. */
static pid_t opener(const char *name)
{
	char dir[PATH_MAX];
	struct dirent *d;
	pid_t pid = 0;
	DIR *proc;

	if (snprintf(dir, sizeof(dir), "%s/instances/%s/", tfs_dir(), name) >= (int)sizeof(dir))
		return 0;
	proc = opendir("/proc");
	while (proc && !pid && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		if (atoi(d->d_name) != getpid() && holds_open(d->d_name, dir))
			pid = atoi(d->d_name);
	}
	if (proc)
		closedir(proc);
	return pid;
}

/* uprobe-<pid> names its stream's process; another tracer's is looked for. */
static pid_t owner_of(const char *name)
{
	pid_t pid = tfs_name_pid(name, TFS_INSTANCE_PREFIX);

	return pid && util_pid_exists(pid) ? pid : opener(name);
}

static void fill_user(struct tfs_user *u, const char *name)
{
	snprintf(u->instance, sizeof(u->instance), "%s", name);
	u->pid = owner_of(name);
	u->comm[0] = '\0';
	if (u->pid)
		util_proc_comm(u->pid, u->comm, sizeof(u->comm));
}

int tfs_event_user(const char *group, const char *event, struct tfs_user *u)
{
	char own[32];
	size_t i, n;
	int ret = 0;

	tfs_hold();	/* every instance's set_event read once, not per event */
	n = tfs_state_ninst();
	if (n > 1)
		snprintf(own, sizeof(own), TFS_INSTANCE_PREFIX "%d", (int)getpid());
	for (i = 1; i < n && !ret; i++) {
		const char *name = tfs_state_inst(i);

		if (!name || strcmp(name, own) == 0 || !tfs_state_enabled(i, group, event))
			continue;
		fill_user(u, name);
		ret = 1;
	}
	tfs_release();
	return ret;
}
