// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's tid -> tgid and comm cache: /proc while the thread lives,
 * else the kernel's saved_cmdlines and saved_tgids.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream-int.h"
#include "util.h"

#define TC_SIZE 4096	/* a power of two */

struct task_ent {
	int tid;	/* 0: empty */
	int tgid;
	uint64_t born;
	char comm[16];
};

struct task_cache {
	char *cmdlines_path, *tgids_path;
	char *cmdlines, *tgids;		/* the kernel's saved lists */
	uint64_t lists_at;
	uint64_t now;
	struct task_ent ent[TC_SIZE];
};

struct task_cache *task_cache_new(const char *tracefs)
{
	struct task_cache *tc = calloc(1, sizeof(*tc));

	if (!tc)
		return NULL;
	if (asprintf(&tc->cmdlines_path, "%s/saved_cmdlines", tracefs) < 0 ||
	    asprintf(&tc->tgids_path, "%s/saved_tgids", tracefs) < 0) {
		free(tc);
		return NULL;
	}
	return tc;
}

void task_cache_free(struct task_cache *tc)
{
	if (!tc)
		return;
	free(tc->cmdlines_path);
	free(tc->tgids_path);
	free(tc->cmdlines);
	free(tc->tgids);
	free(tc);
}

void task_cache_age(struct task_cache *tc, uint64_t now_ns)
{
	tc->now = now_ns;
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/* Whether @s starts a "PID VALUE" line, or ends the list. */
static bool line_start(const char *s)
{
	const char *d = s;

	while (*d >= '0' && *d <= '9')
		d++;
	return !*s || (d > s && *d == ' ');
}

/*
 * The '\n' that ends the VALUE at @v: a comm may hold '\n' itself
 * (prctl(PR_SET_NAME) takes any byte), so the first one within the
 * kernel's 15 bytes that a new line or the end follows; else the first.
 */
static const char *value_end(const char *v)
{
	const char *nl = strchr(v, '\n'), *k;

	for (k = nl; k && k - v <= 15; k = strchr(k + 1, '\n'))
		if (line_start(k + 1))
			return k;
	return nl;
}

/* "PID VALUE" lines: the VALUE for @pid, or NULL */
static const char *saved_lookup(const char *list, int pid, size_t *len)
{
	const char *p = list;

	while (p && *p) {
		char *end;
		long v = strtol(p, &end, 10);
		const char *nl = *end == ' ' ? value_end(end + 1) : strchr(end, '\n');

		if (v == pid && *end == ' ') {
			*len = nl ? (size_t)(nl - end - 1) : strlen(end + 1);
			return end + 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* For threads already gone: the kernel's saved_cmdlines and saved_tgids. */
static void task_from_saved(struct task_cache *tc, struct task_ent *e)
{
	const char *v;
	size_t len;

	if (!tc->cmdlines || tc->now - tc->lists_at > 200000000ULL) {
		free(tc->cmdlines);
		free(tc->tgids);
		tc->cmdlines = util_read_file(tc->cmdlines_path, NULL);
		tc->tgids = util_read_file(tc->tgids_path, NULL);
		tc->lists_at = tc->now;
	}
	v = saved_lookup(tc->cmdlines, e->tid, &len);
	if (v && len < sizeof(e->comm)) {
		memcpy(e->comm, v, len);
		e->comm[len] = '\0';
	}
	v = saved_lookup(tc->tgids, e->tid, &len);
	if (v)
		e->tgid = atoi(v);
}

static void task_fill(struct task_cache *tc, struct task_ent *e)
{
	char path[64], buf[1024], *t;
	int n;

	strcpy(e->comm, "<...>");
	e->tgid = -1;
	snprintf(path, sizeof(path), "/proc/%d/comm", e->tid);
	n = read_small(path, buf, sizeof(buf));
	if (n > 0) {
		if (buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (n >= (int)sizeof(e->comm))
			n = sizeof(e->comm) - 1;
		memcpy(e->comm, buf, n);
		e->comm[n] = '\0';
		snprintf(path, sizeof(path), "/proc/%d/status", e->tid);
		if (read_small(path, buf, sizeof(buf)) > 0 &&
		    (t = strstr(buf, "\nTgid:")))
			e->tgid = atoi(t + 6);
	}
	if (e->tgid < 0)
		task_from_saved(tc, e);
}

void task_lookup(struct task_cache *tc, int tid, int *tgid, const char **comm)
{
	unsigned int h = ((unsigned int)tid * 2654435761u) & (TC_SIZE - 1);
	struct task_ent *e = &tc->ent[h];

	/* one entry per slot: a miss costs two small /proc reads */
	if (e->tid != tid || (tc->now && tc->now - e->born > 1000000000ULL)) {
		e->tid = tid;
		e->born = tc->now;
		task_fill(tc, e);
	}
	*tgid = e->tgid;
	*comm = e->comm;
}
