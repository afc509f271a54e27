// SPDX-License-Identifier: GPL-2.0
/*
 * A process's view of the files: whether it shares ours (one root, one
 * mount namespace), what it has mapped (/proc/PID/maps), its $PATH. Paths
 * into another view go through /proc/PID/root, a magic link the kernel
 * follows into PID's mount namespace, also from kern_path() when the path
 * is written to uprobe_events: such paths work from the host while PID
 * lives, and the uprobe, which holds the inode, outlives them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "resolve-int.h"
#include "util.h"

/* ---- whose view ---- */

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int resolve_view_init(struct resolve_view *v, int pid)
{
	char p[48];

	memset(v, 0, sizeof(*v));
	if (pid <= 0)
		return 0;
	v->pid = pid;
	snprintf(p, sizeof(p), "/proc/%d", pid);
	if (access(p, F_OK))
		return resolve_set_err(-ESRCH, "no process %d", pid);
	snprintf(v->root, sizeof(v->root), "/proc/%d/root", pid);
	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", pid);
	/* One root and one mount table: PID's paths are ours, and read better. */
	if (same_file(v->root, "/") && same_file(p, "/proc/self/ns/mnt"))
		v->root[0] = '\0';
	return 0;
}

/* One mapped file. */
struct mapobj {
	char *path;		/* as the maps show it: in PID's view */
	dev_t dev;
	ino_t ino;
	unsigned long long start, end;	/* its first mapping */
	bool exec;		/* one of its mappings is executable */
	bool deleted;
};

struct maps {
	struct mapobj *v;
	size_t n, cap;
};

static void maps_free(struct maps *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static int maps_push(struct maps *m, const struct mapobj *o)
{
	size_t i;
	void *t;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].ino == o->ino && m->v[i].dev == o->dev) {
			m->v[i].exec |= o->exec;
			return 0;
		}
	}
	if (m->n == m->cap) {
		t = realloc(m->v, (m->cap ? m->cap * 2 : 32) * sizeof(*m->v));
		if (!t)
			return -ENOMEM;
		m->v = t;
		m->cap = m->cap ? m->cap * 2 : 32;
	}
	m->v[m->n] = *o;
	m->v[m->n].path = strdup(o->path);
	if (!m->v[m->n].path)
		return -ENOMEM;
	m->n++;
	return 0;
}

/* "START-END PERMS OFFSET MAJ:MIN INODE   PATH[ (deleted)]" */
static int maps_line(struct maps *m, char *line)
{
	unsigned long long off, ino;
	unsigned int maj, min;
	struct mapobj o = { 0 };
	char perms[5];
	size_t len;
	int pos = 0;

	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &o.start, &o.end, perms, &off,
		   &maj, &min, &ino, &pos) < 7 || !pos || line[pos] != '/')
		return 0;
	o.path = line + pos;
	len = strcspn(o.path, "\n");
	o.path[len] = '\0';
	o.deleted = len > 10 && !strcmp(o.path + len - 10, " (deleted)");
	if (o.deleted)
		o.path[len - 10] = '\0';
	o.dev = makedev(maj, min);
	o.ino = ino;
	o.exec = perms[2] == 'x';
	return maps_push(m, &o);
}

static int maps_read(int pid, struct maps *m)
{
	char file[48], *line = NULL;
	size_t cap = 0;
	int ret = 0;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%d/maps", pid);
	f = fopen(file, "re");
	if (!f)
		return resolve_set_err(-errno, "cannot read %s: %s", file, strerror(errno));
	while (!ret && getline(&line, &cap, f) > 0)
		ret = maps_line(m, line);
	free(line);
	fclose(f);
	if (ret)
		maps_free(m);
	return ret;
}

/*
 * A mapped file as a path that opens from here. When the path no longer
 * leads to the mapped inode (deleted, replaced by an upgrade), map_files
 * does: it is a magic link to the very file, as long as the mapping lives.
 */
static char *obj_path(const struct resolve_view *v, const struct mapobj *o)
{
	struct stat st;
	char *p;

	if (!o->deleted) {
		p = resolve_in_root(v, o->path);
		if (!p || (!stat(p, &st) && st.st_ino == o->ino))
			return p;
		free(p);
	}
	if (asprintf(&p, "/proc/%d/map_files/%llx-%llx", v->pid, o->start, o->end) < 0)
		return NULL;
	return p;
}

int resolve_from_maps(const struct resolve_view *v, const char *name, bool lib,
		      struct resolve_cands *c)
{
	struct maps m = { 0 };
	const char *base;
	size_t i;
	int ret;

	if (!v->pid)
		return 0;
	ret = maps_read(v->pid, &m);
	for (i = 0; !ret && i < m.n; i++) {
		base = strrchr(m.v[i].path, '/') + 1;
		if (lib ? resolve_lib_name_match(name, base) : !strcmp(name, base))
			ret = resolve_file_add(c, obj_path(v, &m.v[i]), "process maps", false);
	}
	maps_free(&m);
	return ret;
}

/* The $PATH process @pid runs with, from its environment, or NULL. */
char *resolve_pid_path_env(int pid)
{
	char file[48], *env, *p, *val = NULL;
	size_t len;

	snprintf(file, sizeof(file), "/proc/%d/environ", pid);
	env = util_read_file(file, &len);
	if (!env)
		return NULL;
	for (p = env; p < env + len && !val; p += strlen(p) + 1)
		if (!strncmp(p, "PATH=", 5))
			val = strdup(p + 5);
	free(env);
	return val;
}

int resolve_pid_objects(int pid, char ***paths, size_t *n)
{
	struct maps m = { 0 };
	struct resolve_cands c = { 0 };
	struct resolve_view v;
	size_t i;
	int ret;

	*paths = NULL;
	*n = 0;
	resolve_clear_err();
	if (pid <= 0)
		return resolve_set_err(-ESRCH, "no process %d", pid);
	ret = resolve_view_init(&v, pid);
	if (!ret)
		ret = maps_read(pid, &m);
	for (i = 0; !ret && i < m.n; i++)
		if (m.v[i].exec)
			ret = resolve_file_add(&c, obj_path(&v, &m.v[i]), "process maps", false);
	maps_free(&m);
	if (ret) {
		resolve_cands_free(&c);
		return ret;
	}
	*paths = c.v;
	*n = c.n;
	free(c.id);
	return 0;
}
