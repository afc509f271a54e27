// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs: what a command reads once and uses for each of its events
 * (tfs_hold()): uprobe_events open for appending, the events each instance
 * has enabled (its set_event), the events of each group (events/GROUP).
 * What this process writes keeps it right; what others change meanwhile
 * the kernel still checks: removing an event enabled since fails (EBUSY).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "tfs.h"
#include "tfs-int.h"
#include "util.h"

struct inst_on {
	char *name;	/* NULL: the top level */
	void *on;	/* tsearch() tree of "GROUP:EVENT" */
	bool read;	/* set_event read into @on */
};

struct group_names {
	char *group;
	void *names;	/* tsearch() tree of its events' names */
};

static struct {
	unsigned int depth;
	int fd;
	bool inst_read;
	struct inst_on *inst;
	size_t ninst;
	void *groups;	/* tsearch() tree of struct group_names */
	char *text;	/* uprobe_events as read, until we write to it */
} st = { .fd = -1 };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int cmp_group(const void *a, const void *b)
{
	const struct group_names *x = a, *y = b;

	return strcmp(x->group, y->group);
}

/* A copy of @s into *@tree. */
static void tree_add(void **tree, const char *s)
{
	char *k = tfind(s, tree, cmp_str) ? NULL : strdup(s);
	void *node = k ? tsearch(k, tree, cmp_str) : NULL;

	if (!node || *(char **)node != k)
		free(k);
}

static void tree_del(void **tree, const char *s)
{
	void *node = tfind(s, tree, cmp_str);
	char *k;

	if (!node)
		return;
	k = *(char **)node;
	tdelete(s, tree, cmp_str);
	free(k);
}

static void group_free(void *p)
{
	struct group_names *g = p;

	tdestroy(g->names, free);
	free(g->group);
	free(g);
}

bool tfs_held(void)
{
	return st.depth > 0;
}

int tfs_hold(void)
{
	st.depth++;
	return 0;
}

void tfs_release(void)
{
	size_t i;

	if (!st.depth || --st.depth)
		return;
	if (st.fd >= 0)
		close(st.fd);
	st.fd = -1;
	for (i = 0; i < st.ninst; i++) {
		tdestroy(st.inst[i].on, free);
		free(st.inst[i].name);
	}
	free(st.inst);
	st.inst = NULL;
	st.ninst = 0;
	st.inst_read = false;
	tdestroy(st.groups, group_free);
	st.groups = NULL;
	free(st.text);
	st.text = NULL;
}

const char *tfs_state_text(void)
{
	return st.depth ? st.text : NULL;
}

void tfs_state_keep_text(const char *text)
{
	if (st.depth && !st.text)
		st.text = strdup(text);
}

int tfs_state_fd(void)
{
	char path[PATH_MAX];

	if (!st.depth)
		return -EBADF;
	if (st.fd >= 0)
		return st.fd;
	if (tfs_top_path(path, "uprobe_events"))
		return -ENAMETOOLONG;
	/* never O_TRUNC: opening uprobe_events with it deletes every uprobe */
	st.fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	return st.fd < 0 ? -errno : st.fd;
}

/* ---- the events of each group ---- */

static struct group_names *group_read(const char *group)
{
	struct group_names *g = calloc(1, sizeof(*g));
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir = NULL;

	if (!g || !(g->group = strdup(group)) || tfs_top_path(path, "events/%s", group))
		goto out_err;
	dir = opendir(path);
	if (!dir && errno != ENOENT)
		goto out_err;
	while (dir && (d = readdir(dir)))
		if ((d->d_type == DT_DIR || d->d_type == DT_UNKNOWN) && d->d_name[0] != '.')
			tree_add(&g->names, d->d_name);
	if (dir)
		closedir(dir);
	if (tsearch(g, &st.groups, cmp_group))
		return g;
out_err:
	if (g)
		group_free(g);
	return NULL;
}

static struct group_names *group_of(const char *group, bool read)
{
	struct group_names key = { .group = (char *)group };
	void *node = tfind(&key, &st.groups, cmp_group);

	if (node)
		return *(struct group_names **)node;
	return read ? group_read(group) : NULL;
}

int tfs_state_exists(const char *group, const char *event)
{
	struct group_names *g = st.depth ? group_of(group, true) : NULL;

	if (!g)
		return -1;
	return tfind(event, &g->names, cmp_str) != NULL;
}

/* "-:GRP/EVENT PATH:OFF" takes one probe of several away, or the event. */
static void group_forget(const char *group)
{
	struct group_names key = { .group = (char *)group };
	struct group_names *g = group_of(group, false);

	if (!g)
		return;
	tdelete(&key, &st.groups, cmp_group);
	group_free(g);
}

/* @len bytes of @s into @buf (@size bytes), cut to fit. */
static void copy_cut(char *buf, size_t size, const char *s, size_t len)
{
	len = len < size ? len : size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
}

void tfs_state_wrote(const char *line)
{
	char group[PROBE_MAX_EVENT_NAME * 4], event[PROBE_MAX_EVENT_NAME * 4];
	const char *name = line + 2, *slash, *end;
	struct group_names *g;

	if (!st.depth)
		return;
	free(st.text);	/* uprobe_events changed */
	st.text = NULL;
	if (!line[0] || line[1] != ':')
		return;
	end = name + strcspn(name, " \t\n");
	slash = memchr(name, '/', end - name);
	if (slash)
		copy_cut(group, sizeof(group), name, slash - name);
	else
		copy_cut(group, sizeof(group), PROBE_DEFAULT_GROUP, strlen(PROBE_DEFAULT_GROUP));
	name = slash ? slash + 1 : name;
	copy_cut(event, sizeof(event), name, end - name);
	g = group_of(group, false);
	if (!g)
		return;
	if (line[0] != '-')
		tree_add(&g->names, event);
	else if (*end == '\0' || *end == '\n')
		tree_del(&g->names, event);
	else
		group_forget(group);
}

/* ---- the enabled events of each instance ---- */

/* "GROUP:EVENT" lines, maybe with a '*' for those of triggers. */
static void read_set_event(struct inst_on *in)
{
	char path[PATH_MAX], *text, *line, *save = NULL;

	in->read = true;
	if (in->name ? tfs_top_path(path, "instances/%s/set_event", in->name) :
		       tfs_top_path(path, "set_event"))
		return;
	text = util_read_file(path, NULL);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, " \t*")] = '\0';
		tree_add(&in->on, line);
	}
	free(text);
}

static void read_instances(void)
{
	char **names = tracefs_instances(NULL);
	size_t n = 0, i;

	st.inst_read = true;
	while (names && names[n])
		n++;
	st.inst = calloc(n + 1, sizeof(*st.inst));
	if (!st.inst)
		goto out_free;
	for (i = 0; i < n; i++)
		st.inst[i + 1].name = strdup(names[i]);
	st.ninst = n + 1;
out_free:
	tracefs_list_free(names);
}

size_t tfs_state_ninst(void)
{
	if (st.depth && !st.inst_read)
		read_instances();
	return st.depth ? st.ninst : 0;
}

const char *tfs_state_inst(size_t i)
{
	return i < st.ninst ? st.inst[i].name : NULL;
}

void tfs_state_gone(size_t i)
{
	if (!i || i >= st.ninst)
		return;
	tdestroy(st.inst[i].on, free);
	st.inst[i].on = NULL;
	free(st.inst[i].name);
	st.inst[i].name = NULL;
}

/* "GROUP:EVENT" into @buf; false when it does not fit. */
static bool key_of(char *buf, size_t len, const char *group, const char *event)
{
	size_t g = strlen(group), e = strlen(event);

	if (g + e + 2 > len)
		return false;
	memcpy(buf, group, g);
	buf[g] = ':';
	memcpy(buf + g + 1, event, e + 1);
	return true;
}

bool tfs_state_listed(size_t i, const char *group, const char *event)
{
	char key[PROBE_MAX_EVENT_NAME * 8];

	if (i >= tfs_state_ninst() || (i && !st.inst[i].name))
		return false;
	if (!st.inst[i].read)
		read_set_event(&st.inst[i]);
	return key_of(key, sizeof(key), group, event) && tfind(key, &st.inst[i].on, cmp_str);
}

void tfs_state_set(size_t i, const char *group, const char *event, bool on)
{
	char key[PROBE_MAX_EVENT_NAME * 8];

	/* unread: its set_event, read later, says it */
	if (i >= st.ninst || !st.inst[i].read || !key_of(key, sizeof(key), group, event))
		return;
	if (on)
		tree_add(&st.inst[i].on, key);
	else
		tree_del(&st.inst[i].on, key);
}

bool tfs_state_enabled(size_t i, const char *group, const char *event)
{
	struct tracefs_instance *inst = NULL;
	char *s;
	bool on;

	/* set_event lists the events a trigger armed too: their enable reads 0* */
	if (!tfs_state_listed(i, group, event))
		return false;
	if (i && !(inst = tracefs_instance_alloc(NULL, st.inst[i].name)))
		return false;
	s = tracefs_event_file_read(inst, group, event, "enable", NULL);
	on = s && s[0] == '1';
	free(s);
	tracefs_instance_free(inst);
	return on;
}
