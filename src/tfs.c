// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs: discovery, O_APPEND writes to uprobe_events, removal,
 * enable/disable and error_log, on top of libtracefs.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <tracefs.h>

#include "tfs.h"
#include "tfs-int.h"
#include "util.h"

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

static char tfs_top[PATH_MAX];

int tfs_top_path(char *buf, const char *fmt, ...)
{
	size_t len = strlen(tfs_top);
	va_list ap;
	int n;

	if (len + 1 >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, tfs_top, len);
	buf[len++] = '/';
	va_start(ap, fmt);
	n = vsnprintf(buf + len, PATH_MAX - len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= PATH_MAX - len ? -ENAMETOOLONG : 0;
}

static bool is_tracefs(const char *dir)
{
	struct statfs st;

	return statfs(dir, &st) == 0 && st.f_type == TRACEFS_MAGIC;
}

/* 0, -EOPNOTSUPP (no such file), or -EACCES: a tracefs we may not look
 * into (mode 0700 for non-root) says nothing about the kernel */
static int has_uprobe_events(const char *dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/uprobe_events", dir) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (access(path, F_OK) == 0)
		return 0;
	return errno == ENOENT ? -EOPNOTSUPP : -errno;
}

/* The first tracefs in /proc/mounts, or "" */
static void find_mounted(char *out, size_t len)
{
	char dev[256], dir[PATH_MAX], type[64];
	FILE *f = fopen("/proc/mounts", "re");

	out[0] = '\0';
	if (!f)
		return;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (strcmp(type, "tracefs") == 0) {
			snprintf(out, len, "%s", dir);
			break;
		}
	}
	fclose(f);
}

static int use_dir(const char *dir)
{
	int ret;

	if (!is_tracefs(dir))
		return -ENOENT;
	ret = has_uprobe_events(dir);
	if (ret)
		return ret;
	if (access(dir, R_OK | X_OK))
		return -EACCES;
	snprintf(tfs_top, sizeof(tfs_top), "%s", dir);
	return tracefs_set_tracing_dir(tfs_top) ? -errno : 0;
}

int tfs_init(const char *dir)
{
	static const char *const known[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char mounted[PATH_MAX];
	size_t i;

	if (dir)
		return use_dir(dir);
	find_mounted(mounted, sizeof(mounted));
	if (mounted[0] && use_dir(mounted) == 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (use_dir(known[i]) == 0)
			return 0;
	if (geteuid() != 0)
		return -EACCES;
	if (mount("nodev", known[0], "tracefs", 0, NULL))
		return -errno;
	return use_dir(known[0]);
}

const char *tfs_dir(void)
{
	return tfs_top[0] ? tfs_top : NULL;
}

int tfs_file_read(struct tracefs_instance *inst, const char *file, char **out)
{
	char *buf, *path;
	int ret = 0;

	errno = 0;
	buf = tracefs_instance_file_read(inst, file, NULL);
	if (!buf) {
		/* libtracefs returns NULL for an empty file too: one that
		 * exists and that we may read is empty */
		path = tracefs_instance_get_file(inst, file);
		if (!path || access(path, R_OK))
			ret = errno ? -errno : -ENOENT;
		tracefs_put_tracing_file(path);
		if (ret)
			return ret;
		buf = strdup("");
		if (!buf)
			return -ENOMEM;
	}
	*out = buf;
	return 0;
}

int tfs_read(const char *name, char **out)
{
	return tfs_file_read(NULL, name, out);
}

int tfs_features(struct probe_features *f)
{
	char *readme;
	int ret = tfs_read("README", &readme);

	if (ret)
		return ret;
	probe_features_parse(f, readme);
	free(readme);
	return 0;
}

/* One write of @buf (@len bytes, the newline included) to @fd. */
static int write_line(int fd, const char *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int tfs_append(const char *line)
{
	char path[PATH_MAX];
	size_t len = strlen(line);
	char *buf;
	int fd, ret;

	buf = malloc(len + 2);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, line, len);
	buf[len] = '\n';
	buf[len + 1] = '\0';
	fd = tfs_state_fd();
	if (fd >= 0) {
		ret = write_line(fd, buf, len + 1);
		goto out_free;
	}
	ret = fd == -EBADF ? tfs_top_path(path, "uprobe_events") : fd;
	/* never O_TRUNC: opening uprobe_events with it deletes every uprobe */
	fd = ret ? -1 : open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		ret = ret ? ret : -errno;
		goto out_free;
	}
	ret = write_line(fd, buf, len + 1);
	if (close(fd) && !ret)
		ret = -errno;
out_free:
	if (!ret)
		tfs_state_wrote(line);
	free(buf);
	return ret;
}

/* "0" or "1" into GROUP/EVENT/enable of instance @i (0: the top level). */
static int write_enable(size_t i, const char *group, const char *event, const char *val)
{
	const char *inst = tfs_state_inst(i);
	char path[PATH_MAX];
	int fd, ret;

	ret = inst ? tfs_top_path(path, "instances/%s/events/%s/%s/enable", inst, group, event) :
		     tfs_top_path(path, "events/%s/%s/enable", group, event);
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write_line(fd, val, strlen(val));
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret)
		tfs_state_set(i, group, event, val[0] == '1');
	return ret;
}

void tfs_disable_all(const char *group, const char *event)
{
	size_t i, n;

	tfs_hold();
	n = tfs_state_ninst();
	for (i = 0; i < n; i++)
		if (tfs_state_listed(i, group, event))
			write_enable(i, group, event, "0");
	tfs_release();
}

int tfs_remove(const char *group, const char *event)
{
	char line[2 * PROBE_MAX_EVENT_NAME + 4];
	int ret;

	/* an enabled event anywhere makes the removal fail with EBUSY; the
	 * kernel says ENOENT itself for an event it does not have */
	tfs_disable_all(group, event);
	snprintf(line, sizeof(line), "-:%s/%s", group, event);
	ret = tfs_append(line);
	return ret;
}

/* The index of @instance (NULL: the top level) among tfs_state_inst()'s, or -1. */
static ssize_t inst_index(const char *instance)
{
	size_t i, n = tfs_state_ninst();

	for (i = 0; i < n; i++) {
		const char *name = tfs_state_inst(i);

		if (i ? name && instance && strcmp(name, instance) == 0 : !instance)
			return (ssize_t)i;
	}
	return -1;
}

/* Outside a hold, nothing is known: write it. */
static int enable_held(const char *instance, const char *group, const char *event, bool on)
{
	ssize_t i = inst_index(instance);

	if (i < 0 || !tfs_event_exists(group, event))
		return -ENOENT;
	if (on ? tfs_state_enabled(i, group, event) : !tfs_state_listed(i, group, event))
		return 0;	/* nothing written that is already so */
	return write_enable(i, group, event, on ? "1" : "0");
}

int tfs_enable(const char *instance, const char *group, const char *event,
	       bool on)
{
	struct tracefs_instance *inst = NULL;
	int ret = 0;

	if (tfs_held())
		return enable_held(instance, group, event, on);
	if (instance) {
		inst = tracefs_instance_alloc(NULL, instance);
		if (!inst)
			return -errno;
	}
	if (!tracefs_event_file_exists(inst, group, event, "enable"))
		ret = -ENOENT;
	else if (tracefs_event_file_write(inst, group, event, "enable",
					  on ? "1" : "0") < 0)
		ret = errno ? -errno : -EIO;
	tracefs_instance_free(inst);
	return ret;
}

bool tfs_event_exists(const char *group, const char *event)
{
	char path[PATH_MAX];
	int known = tfs_state_exists(group, event);

	if (known >= 0)
		return known;
	return tfs_top_path(path, "events/%s/%s", group, event) == 0 &&
	       access(path, F_OK) == 0;
}

static bool enabled_anywhere(const char *group, const char *event)
{
	size_t i, n = tfs_state_ninst();

	for (i = 0; i < n; i++)
		if (tfs_state_enabled(i, group, event))
			return true;
	return false;
}

/*
 * uprobe_profile prints "PATH EVENT HITS" without the group, in the same
 * order as uprobe_events; take the line at the same index when it names
 * the same event, else the first unused line that does.
 */
static void fill_hits(struct tfs_event *ev, size_t n, char *profile)
{
	char **path = calloc(n + 1, sizeof(*path));
	char **name = calloc(n + 1, sizeof(*name));
	unsigned long *hits = calloc(n + 1, sizeof(*hits));
	bool *used = calloc(n + 1, sizeof(*used));
	char *save = NULL, *line;
	size_t m = 0, i, k;

	if (!path || !name || !hits || !used)
		goto out_free;
	for (line = strtok_r(profile, "\n", &save); line && m < n;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = NULL;

		char *h;

		path[m] = strtok_r(line, " \t", &sp);
		name[m] = strtok_r(NULL, " \t", &sp);
		h = strtok_r(NULL, " \t", &sp);

		if (!path[m] || !name[m] || !h)
			continue;
		hits[m++] = strtoul(h, NULL, 10);
	}
	for (i = 0; i < n; i++) {
		const struct probe *p = ev[i].probe;
		size_t t;

		for (t = 0; t <= m; t++) {
			k = t == 0 ? i : t - 1;	/* the same index first */
			if (k < m && !used[k] && strcmp(name[k], p->event) == 0 &&
			    strcmp(path[k], p->path) == 0) {
				used[k] = true;
				ev[i].hits = hits[k];
				break;
			}
		}
	}
out_free:
	free(path);
	free(name);
	free(hits);
	free(used);
}

int tfs_events_text(char **out)
{
	const char *kept = tfs_state_text();
	int ret;

	if (kept) {
		*out = strdup(kept);
		return *out ? 0 : -ENOMEM;
	}
	ret = tfs_read("uprobe_events", out);
	if (!ret)
		tfs_state_keep_text(*out);
	return ret;
}

/* Appends the probe of @line to *@ev; -ENOMEM, else 0 (a line of a form
 * newer than this tool is skipped). */
static int add_event(struct tfs_event **ev, size_t *n, size_t *cap, const char *line)
{
	struct probe_error perr;
	struct probe *p = probe_parse_kernel(line, &perr);

	if (!p)
		return 0;
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		struct tfs_event *t = realloc(*ev, c * sizeof(**ev));

		if (!t) {
			probe_free(p);
			return -ENOMEM;
		}
		*ev = t;
		*cap = c;
	}
	(*ev)[*n].probe = p;
	(*ev)[*n].hits = 0;
	(*ev)[*n].enabled = false;
	++*n;
	return 0;
}

int tfs_events_read(unsigned int what, struct tfs_event **out, size_t *nout)
{
	char *text = NULL, *profile = NULL, *save = NULL, *line;
	struct tfs_event *ev = NULL;
	size_t n = 0, cap = 0, i;
	int ret;

	ret = tfs_events_text(&text);
	for (line = ret ? NULL : strtok_r(text, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save))
		ret = add_event(&ev, &n, &cap, line);
	if (ret)
		goto out_free;
	tfs_hold();	/* every instance's set_event read once */
	for (i = 0; (what & TFS_EV_ENABLED) && i < n; i++)
		ev[i].enabled = enabled_anywhere(probe_group(ev[i].probe), ev[i].probe->event);
	tfs_release();
	if ((what & TFS_EV_HITS) && n && tfs_read("uprobe_profile", &profile) == 0)
		fill_hits(ev, n, profile);
	*out = ev;
	*nout = n;
	ev = NULL;
	n = 0;
out_free:
	tfs_events_free(ev, n);
	free(profile);
	free(text);
	return ret;
}

int tfs_events(struct tfs_event **out, size_t *nout)
{
	return tfs_events_read(TFS_EV_HITS | TFS_EV_ENABLED, out, nout);
}

void tfs_events_free(struct tfs_event *ev, size_t n)
{
	size_t i;

	for (i = 0; ev && i < n; i++)
		probe_free(ev[i].probe);
	free(ev);
}

bool tfs_match(const char *pattern, const char *def_group,
	       const char *group, const char *event)
{
	const char *slash = strchr(pattern, '/');
	char gpat[PROBE_MAX_EVENT_NAME * 4];

	if (!slash) {
		if (def_group && strcmp(def_group, group) != 0)
			return false;
		return fnmatch(pattern, event, 0) == 0;
	}
	if ((size_t)(slash - pattern) >= sizeof(gpat))
		return false;
	memcpy(gpat, pattern, slash - pattern);
	gpat[slash - pattern] = '\0';
	return fnmatch(gpat, group, 0) == 0 && fnmatch(slash + 1, event, 0) == 0;
}

/*
 * An entry reads:
 *   [  906.587802] trace_uprobe: error: Invalid register name
 *     Command: p:tst/bad /bin/bash:0xd5c20 a=%zz
 *                                            ^
 */
int tfs_error_last(char **msg, char **cmd, int *caret)
{
	static const char cmd_tag[] = "  Command: ";
	char *log = tracefs_error_last(NULL);
	char *m, *c, *nl, *hat;
	int ret = -ENOENT;

	if (!log)
		return -ENOENT;
	m = strstr(log, "error: ");
	c = strstr(log, cmd_tag);
	if (!m || !c)
		goto out_free;
	m += strlen("error: ");
	nl = strchr(m, '\n');
	*msg = strndup(m, nl ? (size_t)(nl - m) : strlen(m));
	c += strlen(cmd_tag);
	nl = strchr(c, '\n');
	*cmd = strndup(c, nl ? (size_t)(nl - c) : strlen(c));
	*caret = -1;
	if (nl && (hat = strchr(nl + 1, '^')))
		*caret = (int)(hat - (nl + 1)) - (int)strlen(cmd_tag);
	ret = 0;
out_free:
	free(log);
	return ret;
}
