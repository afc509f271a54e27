// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the file a target names: a path as typed, a program in $PATH
 * (like execvp()), a library short name ("libc", "libssl.so.3") in
 * /etc/ld.so.cache and the standard library directories (with the
 * multiarch triplet), and all of that as a process sees it (its maps, its
 * mount namespace through /proc/PID/root). The result must be a regular
 * ELF file.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "resolve-int.h"
#include "util.h"

/* Regular, readable, ELF. */
static int check_file(const char *path)
{
	unsigned char magic[SELFMAG];
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(path, &st))
		return resolve_set_err(-errno, "%s",
				       errno == ENOENT ? "no such file" : strerror(errno));
	if (S_ISDIR(st.st_mode))
		return resolve_set_err(-EISDIR, "is a directory, not a program or library");
	if (!S_ISREG(st.st_mode))
		return resolve_set_err(-EINVAL, "not a regular file");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return resolve_set_err(-errno, "cannot open: %s", strerror(errno));
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n >= 2 && magic[0] == '#' && magic[1] == '!')
		return resolve_set_err(-ENOEXEC,
				       "a script, not an ELF file: probe its interpreter");
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, ELFMAG, SELFMAG) != 0)
		return resolve_set_err(-ENOEXEC, "not an ELF file");
	return 0;
}

/* "x86_64-linux-gnu" from "x86_64"; @buf holds the result. */
static const char *multiarch(const char *machine, char *buf, size_t size)
{
	if (strcmp(machine, "i686") == 0 || strcmp(machine, "i386") == 0)
		machine = "i386";
	snprintf(buf, size, "%.32s-linux-gnu", machine);
	return buf;
}

/* The directories ld.so searches when nothing else says (ld.so.conf is not read). */
size_t resolve_lib_dirs(char dirs[][RESOLVE_LIBDIR_LEN], size_t max)
{
	static const char *const fixed[] = { "/lib64", "/usr/lib64", "/lib", "/usr/lib",
					     "/usr/local/lib" };
	char triplet[48];
	struct utsname u;
	size_t i, n = 0;

	if (max < 2 || uname(&u))
		return 0;
	multiarch(u.machine, triplet, sizeof(triplet));
	snprintf(dirs[n++], RESOLVE_LIBDIR_LEN, "/lib/%s", triplet);
	snprintf(dirs[n++], RESOLVE_LIBDIR_LEN, "/usr/lib/%s", triplet);
	for (i = 0; i < ARRAY_SIZE(fixed) && n < max; i++)
		snprintf(dirs[n++], RESOLVE_LIBDIR_LEN, "%s", fixed[i]);
	return n;
}

char *resolve_join(const char *dir, size_t dlen, const char *name)
{
	char *p;

	if (asprintf(&p, "%.*s/%s", (int)dlen, dlen ? dir : ".", name) < 0)
		return NULL;
	return p;
}

/* ---- candidates ---- */

void resolve_cands_free(struct resolve_cands *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	free(c->id);
	memset(c, 0, sizeof(*c));
}

static int cands_grow(struct resolve_cands *c)
{
	size_t cap = c->cap ? c->cap * 2 : 4;
	void *t;

	t = realloc(c->v, cap * sizeof(*c->v));
	if (!t)
		return -ENOMEM;
	c->v = t;
	t = realloc(c->id, cap * sizeof(*c->id));
	if (!t)
		return -ENOMEM;
	c->id = t;
	c->cap = cap;
	return 0;
}

/*
 * Takes @path. A path the user gave or $PATH chose (@given) is kept as it
 * is, for check_file() to explain; a file found by searching is kept only
 * if it is an ELF file not seen yet under another name.
 */
int resolve_file_add(struct resolve_cands *c, char *path, const char *source, bool given)
{
	struct stat st = { 0 };
	size_t i;

	if (!path)
		return -ENOMEM;
	if (!given && (stat(path, &st) || check_file(path))) {
		resolve_clear_err();
		free(path);
		return 0;
	}
	for (i = 0; !given && i < c->n; i++) {
		if (c->id[i].dev == st.st_dev && c->id[i].ino == st.st_ino) {
			free(path);
			return 0;
		}
	}
	if (c->n == c->cap && cands_grow(c)) {
		free(path);
		return -ENOMEM;
	}
	if (!c->n)
		c->source = source;
	c->id[c->n] = (struct resolve_cand_id){ st.st_dev, st.st_ino };
	c->v[c->n++] = path;
	return 0;
}

/* @path of PID's view as a path that opens from ours; caller frees. */
char *resolve_in_root(const struct resolve_view *v, const char *path)
{
	char *p;

	if (asprintf(&p, "%s%s", v->root, path) < 0)
		return NULL;
	return p;
}

/* ---- programs ---- */

static bool is_prog(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* Like execvp(): the first executable regular file named @name in @path. */
static char *search_path(const struct resolve_view *v, const char *path, const char *name)
{
	const char *p, *end;
	char *cand, *abs;

	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		/* A relative entry of another process is relative to its cwd: passed over. */
		cand = NULL;
		if (!v->pid || *p == '/')
			cand = resolve_join(p, end - p, name);
		if (cand && v->root[0] && (abs = resolve_in_root(v, cand))) {
			free(cand);
			cand = abs;
		}
		if (cand && is_prog(cand)) {
			if (cand[0] == '/')
				return cand;
			abs = realpath(cand, NULL);
			free(cand);
			return abs;
		}
		free(cand);
		if (!*end)
			return NULL;
	}
}

static int prog_find(const struct resolve_view *v, const char *name, struct resolve_cands *c)
{
	char *env = NULL, *found;
	const char *path;
	int ret;

	ret = resolve_from_maps(v, name, false, c);
	if (ret || c->n)
		return ret;
	if (v->pid)
		env = resolve_pid_path_env(v->pid);
	path = v->pid ? env : getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	found = search_path(v, path, name);
	free(env);
	return found ? resolve_file_add(c, found, "$PATH", true) : 0;
}

/* ---- libraries ---- */

/* Names the user means as a library rather than a program. */
static bool is_lib_name(const char *name)
{
	return !strncmp(name, "lib", 3) || strstr(name, ".so");
}

/*
 * Does the file name @base answer the library name @name? "libc.so.6"
 * itself; "libc.so" for "libc.so.6"; "libc" for "libc.so", "libc.so.6"
 * and, in the maps of an older glibc, "libc-2.31.so"; never "libcap.so".
 */
bool resolve_lib_name_match(const char *name, const char *base)
{
	size_t n = strlen(name);
	const char *rest = base + n;

	if (strncmp(base, name, n))
		return false;
	if (!*rest)
		return true;
	if (strstr(name, ".so"))
		return *rest == '.';
	if (!strncmp(rest, ".so", 3))
		return rest[3] == '\0' || rest[3] == '.';
	return rest[0] == '-' && isdigit((unsigned char)rest[1]) && strstr(rest, ".so");
}

static int from_cache(const struct resolve_view *v, const char *name, struct resolve_cands *c)
{
	char *file = resolve_in_root(v, "/etc/ld.so.cache");
	struct resolve_ldcache lc;
	size_t i;
	int ret = 0;

	if (!file)
		return -ENOMEM;
	/* No cache (musl, a slim container) or a broken one: the directories remain. */
	if (resolve_ldcache_load(file, &lc)) {
		resolve_clear_err();
		free(file);
		return 0;
	}
	for (i = 0; !ret && i < lc.n; i++) {
		if (resolve_ldcache_usable(&lc.ent[i]) &&
		    resolve_lib_name_match(name, lc.ent[i].key))
			ret = resolve_file_add(c, resolve_in_root(v, lc.ent[i].value), "ld.so.cache", false);
	}
	resolve_ldcache_clear(&lc);
	free(file);
	return ret;
}

/* Newest version first: libfoo.so.2 before libfoo.so.1. */
static int vers_desc(const void *a, const void *b)
{
	return strverscmp(*(char *const *)b, *(char *const *)a);
}

static int from_dir(const char *dir, const char *name, struct resolve_cands *c)
{
	char **names = NULL, **t;
	struct dirent *de;
	size_t n = 0, i;
	int ret = 0;
	DIR *d = opendir(dir);

	while (d && !ret && (de = readdir(d))) {
		if (!resolve_lib_name_match(name, de->d_name))
			continue;
		t = realloc(names, (n + 1) * sizeof(*names));
		if (!t || !(t[n] = strdup(de->d_name)))
			ret = -ENOMEM;
		if (t)
			names = t;
		n += !ret;
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), vers_desc);
	for (i = 0; i < n; i++) {
		if (!ret)
			ret = resolve_file_add(c, resolve_join(dir, strlen(dir), names[i]),
				       "library directories", false);
		free(names[i]);
	}
	free(names);
	return ret;
}

/* What PID has mapped, then what its ld.so would load: the cache, the directories. */
static int lib_find(const struct resolve_view *v, const char *name, struct resolve_cands *c)
{
	char dirs[RESOLVE_LIBDIR_MAX][RESOLVE_LIBDIR_LEN], *dir;
	size_t i, n;
	int ret;

	ret = resolve_from_maps(v, name, true, c);
	if (!ret)
		ret = from_cache(v, name, c);
	n = resolve_lib_dirs(dirs, ARRAY_SIZE(dirs));
	for (i = 0; !ret && i < n; i++) {
		dir = resolve_in_root(v, dirs[i]);
		ret = dir ? from_dir(dir, name, c) : -ENOMEM;
		free(dir);
	}
	return ret;
}

static int not_found(const struct resolve_view *v, const char *name, bool lib)
{
	char dirs[RESOLVE_LIBDIR_MAX][RESOLVE_LIBDIR_LEN];
	size_t i, n;

	if (!lib && !v->pid)
		return resolve_set_err(-ENOENT, "no program '%s' in $PATH (give a path: ./%s)",
				       name, name);
	if (!lib)
		return resolve_set_err(-ENOENT, "no program '%s' mapped by process %d or in its $PATH",
				       name, v->pid);
	if (v->pid)
		resolve_set_err(-ENOENT, "no library '%s' mapped by process %d, in its "
				"/etc/ld.so.cache or ", name, v->pid);
	else
		resolve_set_err(-ENOENT, "no library '%s' in /etc/ld.so.cache or ", name);
	n = resolve_lib_dirs(dirs, ARRAY_SIZE(dirs));
	for (i = 0; i < n; i++)
		resolve_add_err("%s%s", i ? ", " : "", dirs[i]);
	return -ENOENT;
}

/* ---- entry points ---- */

/* A name with a '/': PID's absolute path in its root, a relative one from its cwd. */
static int find_file(const struct resolve_view *v, const char *name, struct resolve_cands *c)
{
	char *abs = NULL, *rel = NULL;

	if (name[0] == '/')
		return resolve_file_add(c, resolve_in_root(v, name), "path", true);
	if (v->pid && asprintf(&rel, "/proc/%d/cwd/%s", v->pid, name) < 0)
		return -ENOMEM;
	/* PID's cwd is reached through the magic link only from another namespace. */
	if (rel && v->root[0])
		return resolve_file_add(c, rel, "path", true);
	abs = realpath(rel ? rel : name, NULL);
	free(rel);
	if (!abs && errno == ENOENT)
		return resolve_set_err(-ENOENT, "no such file");
	if (!abs)
		return resolve_set_err(-errno, "%s", strerror(errno));
	return resolve_file_add(c, abs, "path", true);
}

/* Programs first for a program's name, libraries first for a library's. */
static int find_bare(const struct resolve_view *v, const char *name, struct resolve_cands *c)
{
	bool lib = is_lib_name(name);
	int ret = 0;

	if (!lib)
		ret = prog_find(v, name, c);
	if (!ret && !c->n)
		ret = lib_find(v, name, c);
	if (!ret && !c->n && lib)
		ret = prog_find(v, name, c);
	if (!ret && !c->n)
		ret = not_found(v, name, lib);
	return ret;
}

int resolve_find(const char *name, int pid, struct resolve_found *f)
{
	struct resolve_cands c = { 0 };
	struct resolve_view v;
	int ret;

	resolve_clear_err();
	memset(f, 0, sizeof(*f));
	if (!name || !*name)
		return resolve_set_err(-EINVAL, "empty path");
	ret = resolve_view_init(&v, pid);
	if (!ret)
		ret = strchr(name, '/') ? find_file(&v, name, &c) : find_bare(&v, name, &c);
	if (!ret)
		ret = check_file(c.v[0]);
	if (!ret && !(f->path = strdup(c.v[0])))
		ret = -ENOMEM;
	if (ret) {
		resolve_cands_free(&c);
		return ret;
	}
	f->cands = c.v;
	f->ncands = c.n;
	f->source = c.source;
	free(c.id);
	return 0;
}

void resolve_found_clear(struct resolve_found *f)
{
	free(f->path);
	resolve_paths_free(f->cands, f->ncands);
	memset(f, 0, sizeof(*f));
}

char *resolve_find_path_pid(const char *path, int pid)
{
	struct resolve_found f;
	char *p;
	int ret;

	ret = resolve_find(path, pid, &f);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	p = f.path;
	f.path = NULL;
	resolve_found_clear(&f);
	return p;
}

char *resolve_find_path(const char *path)
{
	return resolve_find_path_pid(path, 0);
}

void resolve_paths_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
