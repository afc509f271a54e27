// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the file a target names: a path as typed, a program in $PATH
 * (like execvp()), a bare "lib*.so*" in the standard library directories
 * (with the multiarch triplet). The result must be a regular ELF file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Like execvp(): the first executable regular file named @name in $PATH. */
static char *search_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;
	char *cand, *abs;

	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		cand = resolve_join(p, end - p, name);
		if (!cand)
			return NULL;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK)) {
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

/* A bare "libfoo.so.1" in the standard library directories. */
static char *search_libs(const char *name)
{
	char dirs[RESOLVE_LIBDIR_MAX][RESOLVE_LIBDIR_LEN];
	size_t i, n;
	char *cand;

	if (strncmp(name, "lib", 3) != 0 || !strstr(name, ".so"))
		return NULL;
	n = resolve_lib_dirs(dirs, ARRAY_SIZE(dirs));
	for (i = 0; i < n; i++) {
		cand = resolve_join(dirs[i], strlen(dirs[i]), name);
		if (!cand || !access(cand, R_OK))
			return cand;
		free(cand);
	}
	return NULL;
}

char *resolve_find_path(const char *path)
{
	char *abs;
	int ret;

	resolve_clear_err();
	if (!path || !*path) {
		errno = EINVAL;
		resolve_set_err(-EINVAL, "empty path");
		return NULL;
	}
	if (path[0] == '/') {
		abs = strdup(path);
	} else if (strchr(path, '/')) {
		abs = realpath(path, NULL);
		if (!abs && errno == ENOENT)
			resolve_set_err(-ENOENT, "no such file");
		else if (!abs)
			resolve_set_err(-errno, "%s", strerror(errno));
	} else {
		abs = search_path(path);
		if (!abs)
			abs = search_libs(path);
		if (!abs) {
			errno = ENOENT;
			resolve_set_err(-ENOENT, "no program '%s' in $PATH (give a path: ./%s)",
					path, path);
		}
	}
	if (!abs)
		return NULL;
	ret = check_file(abs);
	if (ret) {
		free(abs);
		errno = -ret;
		return NULL;
	}
	return abs;
}
