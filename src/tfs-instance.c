// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs: uprobe's private instances (instances/uprobe-<pid>), their
 * settings, filters and enables, and the reaping of those, and of the
 * private groups of uprobe trace, whose owner is gone, on top of libtracefs.
 *
 * Events are enabled with tracefs_event_file_write() rather than
 * tracefs_event_enable(): the latter takes regular expressions matched
 * without regard to case (grp/ev would enable grp/EV too) and scans every
 * event system of the top level on each call.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "tfs.h"
#include "tfs-int.h"
#include "util.h"

struct tfs_instance {
	struct tracefs_instance *inst;
	char *dir;		/* tracefs/instances/uprobe-<pid> */
};

static const enum tracefs_option_id option_ids[] = {
	[TFS_OPT_RECORD_TGID] = TRACEFS_OPTION_RECORD_TGID,
	[TFS_OPT_EVENT_FORK] = TRACEFS_OPTION_EVENT_FORK,
	[TFS_OPT_USERSTACKTRACE] = TRACEFS_OPTION_USERSTACKTRACE,
};

/* 0 when libtracefs wrote all of @val (it returns the bytes written), else -errno */
static int wrote(int ret, const char *val)
{
	if (ret < 0)
		return errno ? -errno : -EIO;
	return (size_t)ret == strlen(val) ? 0 : -EIO;
}

struct tfs_instance *tfs_instance_new(void)
{
	struct tfs_instance *ti = calloc(1, sizeof(*ti));
	char name[32];
	int err = ENOMEM;

	if (!ti)
		return NULL;
	snprintf(name, sizeof(name), TFS_INSTANCE_PREFIX "%d", (int)getpid());
	ti->inst = tracefs_instance_create(name);
	/* one of ours left by a dead process with our pid: not in use */
	if (ti->inst && !tracefs_instance_is_new(ti->inst)) {
		tracefs_instance_destroy(ti->inst);
		tracefs_instance_free(ti->inst);
		ti->inst = tracefs_instance_create(name);
		if (ti->inst && !tracefs_instance_is_new(ti->inst))
			errno = EEXIST;
	}
	if (!ti->inst || !tracefs_instance_is_new(ti->inst)) {
		err = errno ? errno : EIO;
		goto out_err;
	}
	ti->dir = tracefs_instance_get_dir(ti->inst);
	if (ti->dir)
		return ti;
out_err:
	tfs_instance_free(ti);
	errno = err;
	return NULL;
}

void tfs_instance_free(struct tfs_instance *ti)
{
	if (!ti)
		return;
	if (ti->inst && tracefs_instance_is_new(ti->inst) &&
	    tracefs_instance_destroy(ti->inst) && errno == EBUSY) {
		/* an event file still open elsewhere: try once more */
		usleep(10000);
		tracefs_instance_destroy(ti->inst);
	}
	tracefs_instance_free(ti->inst);
	free(ti->dir);
	free(ti);
}

const char *tfs_instance_dir(const struct tfs_instance *ti)
{
	return ti->dir;
}

int tfs_instance_write(struct tfs_instance *ti, const char *file, const char *val)
{
	errno = 0;
	return wrote(tracefs_instance_file_write(ti->inst, file, val), val);
}

int tfs_instance_read(struct tfs_instance *ti, const char *file, char **out)
{
	return tfs_file_read(ti->inst, file, out);
}

int tfs_instance_set_buffer_kb(struct tfs_instance *ti, size_t kb)
{
	errno = 0;
	if (tracefs_instance_set_buffer_size(ti->inst, kb, -1))
		return errno ? -errno : -EIO;
	return 0;
}

int tfs_instance_option(struct tfs_instance *ti, enum tfs_option opt, bool on)
{
	int ret;

	errno = 0;
	ret = on ? tracefs_option_enable(ti->inst, option_ids[opt]) :
		   tracefs_option_disable(ti->inst, option_ids[opt]);
	return ret ? (errno ? -errno : -EIO) : 0;
}

/* "TID TID ... " of every thread of @pid; NULL with errno */
static char *thread_list(pid_t pid)
{
	char path[64], *list = NULL;
	size_t len = 0;
	struct dirent *d;
	DIR *dp;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dp = opendir(path);
	if (!dp) {
		errno = ESRCH;
		return NULL;
	}
	while ((d = readdir(dp))) {
		char *t;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		t = realloc(list, len + strlen(d->d_name) + 2);
		if (!t) {
			free(list);
			list = NULL;
			break;
		}
		list = t;
		len += sprintf(list + len, "%s ", d->d_name);
	}
	closedir(dp);
	if (!list)
		errno = len ? ENOMEM : ESRCH;
	return list;
}

int tfs_instance_follow(struct tfs_instance *ti, pid_t pid)
{
	char *list = thread_list(pid);
	int ret;

	if (!list)
		return -errno;
	/* set_event_pid holds thread ids: every thread, and with event-fork
	 * the threads and children made from now on */
	ret = tfs_instance_option(ti, TFS_OPT_EVENT_FORK, true);
	if (!ret)
		ret = tfs_instance_write(ti, "set_event_pid", list);
	free(list);
	return ret;
}

bool tfs_instance_has_event(struct tfs_instance *ti, const char *group,
			    const char *event)
{
	return tracefs_event_file_exists(ti->inst, group, event, "enable");
}

/* After a refused filter, the file reads "EXPR\n   ^\nparse_error: MSG". */
static void filter_error(struct tfs_instance *ti, const char *group,
			 const char *event, size_t len, char **why, int *pos)
{
	char *txt = tracefs_event_file_read(ti->inst, group, event, "filter", NULL);
	char *msg = txt ? strstr(txt, "parse_error: ") : NULL;
	char *hat = txt ? strchr(txt, '^') : NULL;
	char *nl = txt ? strchr(txt, '\n') : NULL;

	*pos = -1;
	if (hat && nl && hat > nl && hat - nl - 1 <= (long)len)
		*pos = (int)(hat - nl - 1);
	if (msg) {
		msg += strlen("parse_error: ");
		*why = strndup(msg, strcspn(msg, "\n"));
	}
	free(txt);
}

int tfs_instance_filter(struct tfs_instance *ti, const char *group,
			const char *event, const char *expr, char **why, int *pos)
{
	int ret;

	*why = NULL;
	*pos = -1;
	errno = 0;
	ret = wrote(tracefs_event_file_write(ti->inst, group, event, "filter", expr),
		    expr);
	if (ret == -EINVAL)
		filter_error(ti, group, event, strlen(expr), why, pos);
	return ret;
}

int tfs_instance_enable(struct tfs_instance *ti, const char *group,
			const char *event, bool on)
{
	const char *val = on ? "1" : "0";

	errno = 0;
	return wrote(tracefs_event_file_write(ti->inst, group, event, "enable", val),
		     val);
}

/* Whether @pid is gone, or now some other program than ours. */
static bool owner_gone(int pid)
{
	char comm[32];

	if (!util_pid_exists(pid))
		return true;
	if (util_proc_comm(pid, comm, sizeof(comm)) || !comm[0])
		return false;
	return strcmp(comm, "uprobe") != 0;
}

pid_t tfs_name_pid(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);
	pid_t pid;

	if (strncmp(name, prefix, plen) != 0 || name[plen] < '1' || name[plen] > '9' ||
	    util_parse_pid(name + plen, &pid))
		return 0;
	return pid;
}

/* @name is @prefix<pid>, and that pid's process is gone: 0 when not, else
 * the pid (@self: our own pid counts as gone). */
static int stale_pid(const char *name, const char *prefix, bool self)
{
	pid_t pid = tfs_name_pid(name, prefix);

	if (!pid)
		return 0;
	if (pid == getpid())
		return self ? (int)pid : 0;
	return owner_gone((int)pid) ? (int)pid : 0;
}

/* An instance of ours, named uprobe-<pid>, whose owner is gone. */
static bool stale(const char *name)
{
	return stale_pid(name, TFS_INSTANCE_PREFIX, false) != 0;
}

int tfs_reap_instances(void)
{
	size_t i, n;
	int done = 0;

	/* the instances listed once, for this and what the hold does next */
	tfs_hold();
	n = tfs_state_ninst();
	for (i = 1; i < n; i++) {
		const char *name = tfs_state_inst(i);
		struct tracefs_instance *inst;

		if (!name || !stale(name))
			continue;
		inst = tracefs_instance_alloc(NULL, name);
		if (inst && tracefs_instance_destroy(inst) == 0) {
			tfs_state_gone(i);
			done++;
		}
		tracefs_instance_free(inst);
	}
	tfs_release();
	return done;
}

int tfs_reap_groups(const char *prefix)
{
	struct tfs_event *ev = NULL;
	size_t n = 0, i;
	int ret, done = 0;
	char *text;

	/* uprobe_events read once, and opened once for the removals */
	tfs_hold();
	/* the names alone, and only when a line has such a group */
	ret = tfs_events_text(&text);
	if (!ret) {
		ret = strstr(text, prefix) ? tfs_events_read(0, &ev, &n) : -ENOENT;
		free(text);
	}
	for (i = 0; !ret && i < n; i++) {
		const char *group = probe_group(ev[i].probe);

		if (stale_pid(group, prefix, true) && tfs_remove(group, ev[i].probe->event) == 0)
			done++;
	}
	tfs_events_free(ev, n);
	tfs_release();
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	return done;
}
