// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of finding files: the ld.so.cache parser (on the real cache,
 * checked against `ldconfig -p`, and on small caches built here, valid and
 * broken), library short names, and a process's view: a program with a
 * library of its own in an rpath directory, and one in a mount namespace
 * of its own (root only) whose library the host cannot see by its path.
 * Fixtures are written and built at test time under tests/out/path.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common.h"

#include "../src/resolve-int.h"
#include "../src/util.h"

static char out[PATH_MAX - 128];	/* absolute tests/out/path */

static const char lib_src[] = "int uprobetest_fn(int x) { return x + 1; }\n";
static const char prog_src[] =
	"#include <unistd.h>\n"
	"int uprobetest_fn(int);\n"
	"int main(void) { for (;;) { uprobetest_fn(1); usleep(20000); } }\n";

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

static int setup(void **state)
{
	if (ut_out("tests/unit-path.c", "path", out, sizeof(out)))
		return -1;
	return ut_sh("mkdir -p '%s/vendor' '%s/ns'", out, out) ||
	       write_file(out, "lib.c", lib_src) || write_file(out, "prog.c", prog_src) ||
	       ut_sh("gcc -O1 -shared -fPIC -Wl,-soname,libuprobetest.so.1 -o '%s/vendor/"
		  "libuprobetest.so.1' '%s/lib.c'", out, out) ||
	       ut_sh("gcc -O1 -o '%s/uprobetest-prog' '%s/prog.c' -L'%s/vendor' "
		  "-l:libuprobetest.so.1 -Wl,-rpath,'%s/vendor'", out, out, out, out);
}

/* ---- the cache parser on the real cache ---- */

/* `ldconfig -p` lists the cache in its order: "\tKEY (FLAGS) => VALUE". */
static bool same_as_ldconfig(const struct resolve_ldcache *c)
{
	char line[PATH_MAX * 2], key[512], flags[128], value[PATH_MAX];
	size_t i = 0;
	bool ok = true;
	FILE *f = popen("ldconfig -p", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %511s (%127[^)]) => %4095s", key, flags, value) != 3)
			continue;
		if (i >= c->n || strcmp(key, c->ent[i].key) || strcmp(value, c->ent[i].value) ||
		    (strncmp(flags, "libc6,x86-64", 12) == 0) !=
		    (c->ent[i].flags == RESOLVE_LDCACHE_X8664))
			ok = false;
		i++;
	}
	pclose(f);
	return ok && i == c->n;
}

static void test_ldcache_real(void **state)
{
	struct resolve_ldcache c;
	bool same = false;
	int tries;

	/* Other work may run ldconfig meanwhile: a few tries. */
	for (tries = 0; tries < 3 && !same; tries++) {
		assert_int_equal(resolve_ldcache_load("/etc/ld.so.cache", &c), 0);
		assert_true(c.n > 10);
		same = same_as_ldconfig(&c);
		resolve_ldcache_clear(&c);
	}
	assert_true(same);
	assert_int_equal(resolve_ldcache_load("/nonexistent/ld.so.cache", &c), -ENOENT);
}

/* ---- caches built by hand ---- */

struct ent {
	int32_t flags;
	const char *key, *value;
	uint64_t hwcap;
};

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/*
 * A cache of @n entries into @buf; with @old, an old-format part of @n
 * entries first. Return its size.
 */
static size_t build_cache(unsigned char *buf, size_t cap, const struct ent *e, size_t n,
			  bool old)
{
	size_t base = 0, s, i;
	unsigned char *h;

	memset(buf, 0, cap);
	if (old) {
		memcpy(buf, "ld.so-1.7.0", 11);
		put32(buf + 12, n);
		base = (16 + 12 * n + 7) & ~(size_t)7;
	}
	h = buf + base;
	memcpy(h, "glibc-ld.so.cache1.1", 20);
	put32(h + 20, n);
	s = 48 + 24 * n;
	for (i = 0; i < n; i++) {
		unsigned char *p = h + 48 + 24 * i;

		put32(p, e[i].flags);
		put32(p + 4, s);
		s += sprintf((char *)h + s, "%s", e[i].key) + 1;
		put32(p + 8, s);
		s += sprintf((char *)h + s, "%s", e[i].value) + 1;
		memcpy(p + 16, &e[i].hwcap, 8);
	}
	assert_true(base + s <= cap);
	return base + s;
}

static const struct ent fx_ents[] = {
	{ 0x0303, "libfx.so.1", "/fx/glibc-hwcaps/x86-64-v2/libfx.so.1", (1ULL << 62) | 0 },
	{ 0x0303, "libfx.so.1", "/fx/glibc-hwcaps/zz-unknown/libfx.so.1", (1ULL << 62) | 1 },
	{ 0x0303, "libfx.so.1", "/fx/lib64/libfx.so.1", 0 },
	{ 0x0003, "libfx.so.1", "/fx/lib32/libfx.so.1", 0 },
	{ 0x0303, "libfy.so", "/fx/lib64/libfy.so", 0 },
};

/* Parse exactly @size bytes of a copy of @buf, so that reading past them is caught. */
static int parse_copy(const unsigned char *buf, size_t size, struct resolve_ldcache *c,
		      char **copy)
{
	*copy = malloc(size ? size : 1);
	assert_non_null(*copy);
	memcpy(*copy, buf, size);
	return resolve_ldcache_parse(*copy, size, c);
}

static void check_fx(const struct resolve_ldcache *c)
{
	size_t i;

	assert_int_equal(c->n, ARRAY_SIZE(fx_ents));
	for (i = 0; i < c->n; i++) {
		assert_string_equal(c->ent[i].key, fx_ents[i].key);
		assert_string_equal(c->ent[i].value, fx_ents[i].value);
		assert_int_equal(c->ent[i].flags, fx_ents[i].flags);
	}
	assert_int_equal(resolve_ldcache_usable(&c->ent[0]),
			 __builtin_cpu_supports("x86-64-v2") != 0);
	assert_false(resolve_ldcache_usable(&c->ent[1]));	/* a level nobody knows */
	assert_true(resolve_ldcache_usable(&c->ent[2]));
	assert_false(resolve_ldcache_usable(&c->ent[3]));	/* 32-bit */
	assert_true(resolve_ldcache_usable(&c->ent[4]));
}

static void test_ldcache_built(void **state)
{
	unsigned char buf[4096];
	struct resolve_ldcache c;
	size_t size, cut;
	char *copy;
	int old;

	for (old = 0; old < 2; old++) {
		size = build_cache(buf, sizeof(buf), fx_ents, ARRAY_SIZE(fx_ents), old);
		assert_int_equal(parse_copy(buf, size, &c, &copy), 0);
		check_fx(&c);
		resolve_ldcache_clear(&c);
		free(copy);
		/* The last string ends the file: every shorter file is refused. */
		for (cut = 0; cut < size; cut++) {
			assert_int_equal(parse_copy(buf, cut, &c, &copy), -ENOEXEC);
			free(copy);
		}
	}
	size = build_cache(buf, sizeof(buf), fx_ents, ARRAY_SIZE(fx_ents), false);
	put32(buf + 48 + 24 * 2 + 4, 0xfffffff0);	/* a key far outside */
	assert_int_equal(parse_copy(buf, size, &c, &copy), -ENOEXEC);
	assert_non_null(strstr(resolve_errmsg(), "outside"));
	free(copy);
	put32(buf + 20, 0x10000000);			/* more entries than bytes */
	assert_int_equal(parse_copy(buf, size, &c, &copy), -ENOEXEC);
	free(copy);
	size = build_cache(buf, sizeof(buf), fx_ents, ARRAY_SIZE(fx_ents), true);
	put32(buf + 12, 0xffffffff);			/* an old part past the end */
	assert_int_equal(parse_copy(buf, size, &c, &copy), -ENOEXEC);
	free(copy);
	size = build_cache(buf, sizeof(buf), NULL, 0, false);
	assert_int_equal(parse_copy(buf, size, &c, &copy), 0);
	assert_int_equal(c.n, 0);
	resolve_ldcache_clear(&c);
	free(copy);
	buf[3] = 'X';
	assert_int_equal(parse_copy(buf, size, &c, &copy), -ENOEXEC);
	free(copy);
}

/* ---- short names ---- */

static void test_name_match(void **state)
{
	static const struct {
		const char *name, *base;
		bool match;
	} cases[] = {
		{ "libc", "libc.so.6", true },	   { "libc", "libc.so", true },
		{ "libc", "libc-2.31.so", true },  { "libc", "libcap.so.2", false },
		{ "libc", "libc.sox", false },	   { "libc.so", "libc.so.6", true },
		{ "libc.so.6", "libc.so.6", true }, { "libc.so.6", "libc.so.60", false },
		{ "libssl", "libssl.so.3", true }, { "libssl.so.3", "libssl.so", false },
		{ "libc", "libc-tools", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (resolve_lib_name_match(cases[i].name, cases[i].base) != cases[i].match)
			fail_msg("'%s' vs '%s'", cases[i].name, cases[i].base);
}

/* The first x86-64 entry `ldconfig -p` lists for @name (the key starts "@name."). */
static void ldconfig_first(const char *name, char *value, size_t size)
{
	char line[PATH_MAX * 2], key[512], flags[128], v[PATH_MAX];
	size_t len = strlen(name);
	FILE *f = popen("ldconfig -p", "r");

	assert_non_null(f);
	value[0] = '\0';
	while (!value[0] && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %511s (%127[^)]) => %4095s", key, flags, v) == 3 &&
		    !strncmp(key, name, len) && key[len] == '.' && !strcmp(flags, "libc6,x86-64"))
			snprintf(value, size, "%s", v);
	}
	pclose(f);
	assert_true(value[0]);
}

static void check_short(const char *name, const char *cachekey)
{
	struct resolve_found f;
	char want[PATH_MAX];

	ldconfig_first(cachekey, want, sizeof(want));
	if (resolve_find(name, 0, &f))
		fail_msg("resolve_find(%s): %s", name, resolve_errmsg());
	assert_string_equal(f.path, want);
	assert_string_equal(f.source, "ld.so.cache");
	assert_true(f.ncands >= 1);
	assert_string_equal(f.cands[0], f.path);
	resolve_found_clear(&f);
}

static void test_short_names(void **state)
{
	struct resolve_found f;
	char *p;

	check_short("libc", "libc.so");
	check_short("libc.so", "libc.so");
	check_short("libm", "libm.so");
	check_short("libelf", "libelf.so");
	p = resolve_find_path("libc.so.6");
	assert_non_null(p);
	assert_string_equal(p, "/lib/x86_64-linux-gnu/libc.so.6");
	free(p);
	assert_int_equal(resolve_find("libuprobe-no-such", 0, &f), -ENOENT);
	assert_null(f.path);
	assert_non_null(strstr(resolve_errmsg(),
			       "no library 'libuprobe-no-such' in /etc/ld.so.cache or /lib/"));
	assert_non_null(strstr(resolve_errmsg(), ", /usr/lib/x86_64-linux-gnu,"));
	assert_null(resolve_find_path("uprobe-no-such-prog"));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(resolve_errmsg(), "$PATH"));
	/* Not in the cache nor the directories: found only through a process. */
	assert_null(resolve_find_path("libuprobetest"));
	assert_int_equal(resolve_find("sh", 0, &f), 0);
	assert_string_equal(f.source, "$PATH");
	resolve_found_clear(&f);
}

/* ---- a process's view ---- */

/* Run @argv in the background until @needle shows in its maps. */
static pid_t spawn(char *const argv[], const char *cwd, const char *needle)
{
	char file[64], *maps;
	pid_t pid = fork();
	int i;

	assert_true(pid >= 0);
	if (!pid) {
		if (chdir(cwd) == 0)
			execvp(argv[0], argv);
		_exit(127);
	}
	snprintf(file, sizeof(file), "/proc/%d/maps", pid);
	for (i = 0; i < 500; i++) {
		maps = util_read_file(file, NULL);
		if (maps && strstr(maps, needle)) {
			free(maps);
			return pid;
		}
		free(maps);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fail_msg("%s never mapped %s", argv[0], needle);
	return -1;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static bool has_path(char **v, size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], want))
			return true;
	return false;
}

static void check_objects(pid_t pid, const char *prog, const char *lib)
{
	char **v;
	size_t n;

	assert_int_equal(resolve_pid_objects(pid, &v, &n), 0);
	assert_true(has_path(v, n, prog));
	assert_true(has_path(v, n, lib));
	assert_false(has_path(v, n, "[vdso]"));
	resolve_paths_free(v, n);
}

static void test_pid_rpath(void **state)
{
	char prog[PATH_MAX], lib[PATH_MAX], mapfile[PATH_MAX];
	char *argv[] = { prog, NULL };
	struct resolve_found f;
	pid_t pid;
	char *p;

	snprintf(prog, sizeof(prog), "%s/uprobetest-prog", out);
	snprintf(lib, sizeof(lib), "%s/vendor/libuprobetest.so.1", out);
	pid = spawn(argv, out, "libuprobetest");
	assert_int_equal(resolve_find("libuprobetest", pid, &f), 0);
	assert_string_equal(f.path, lib);
	assert_string_equal(f.source, "process maps");
	resolve_found_clear(&f);
	p = resolve_find_path_pid("libuprobetest.so.1", pid);
	assert_string_equal(p, lib);
	free(p);
	p = resolve_find_path_pid("uprobetest-prog", pid);	/* its own program, by name */
	assert_string_equal(p, prog);
	free(p);
	p = resolve_find_path_pid("./vendor/libuprobetest.so.1", pid);	/* from its cwd */
	assert_string_equal(p, lib);
	free(p);
	p = resolve_find_path_pid("libc", pid);
	assert_non_null(p);
	assert_non_null(strstr(p, "/libc.so.6"));
	free(p);
	check_objects(pid, prog, lib);
	assert_int_equal(resolve_find("libuprobe-no-such", pid, &f), -ENOENT);
	assert_non_null(strstr(resolve_errmsg(), "mapped by process"));
	/* Deleted while mapped: the mapping still leads to it. */
	assert_int_equal(unlink(lib), 0);
	p = resolve_find_path_pid("libuprobetest", pid);
	snprintf(mapfile, sizeof(mapfile), "/proc/%d/map_files/", pid);
	assert_non_null(p);
	assert_memory_equal(p, mapfile, strlen(mapfile));
	free(p);
	reap(pid);
	assert_int_equal(resolve_find("libc", pid, &f), -ESRCH);
	assert_int_equal(setup(state), 0);	/* the library back for the next test */
}

static void test_pid_mntns(void **state)
{
	char script[sizeof(out) * 8], root[64], want[sizeof(out) * 2], ns[sizeof(out) + 8];
	char *argv[] = { "unshare", "-m", "--propagation", "private", "sh", "-c", script, NULL };
	pid_t pid;
	char *p;

	if (geteuid() != 0 || system("unshare -m --propagation private true 2>/dev/null"))
		skip();
	/* A tmpfs only the child sees: the host has nothing at that path. */
	snprintf(ns, sizeof(ns), "%s/ns", out);
	snprintf(script, sizeof(script),
		 "mount -t tmpfs uprobetest '%s' && cp '%s/vendor/libuprobetest.so.1' "
		 "'%s/uprobetest-prog' '%s/' && LD_LIBRARY_PATH='%s' exec '%s/uprobetest-prog'",
		 ns, out, out, ns, ns, ns);
	pid = spawn(argv, out, ns);
	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	snprintf(want, sizeof(want), "%s%s/libuprobetest.so.1", root, ns);
	snprintf(script, sizeof(script), "%s/libuprobetest.so.1", ns);
	assert_int_not_equal(access(script, F_OK), 0);
	p = resolve_find_path_pid("libuprobetest", pid);
	if (!p)
		fail_msg("libuprobetest in %d: %s", pid, resolve_errmsg());
	assert_string_equal(p, want);
	free(p);
	p = resolve_find_path_pid(script, pid);		/* its absolute path, in its root */
	assert_string_equal(p, want);
	free(p);
	snprintf(want, sizeof(want), "%s%s/uprobetest-prog", root, ns);
	check_objects(pid, want, p = resolve_find_path_pid("libuprobetest", pid));
	free(p);
	p = resolve_find_path_pid("libc", pid);		/* the host's files, through its root */
	assert_non_null(p);
	assert_memory_equal(p, root, strlen(root));
	free(p);
	reap(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ldcache_real),
		cmocka_unit_test(test_ldcache_built),
		cmocka_unit_test(test_name_match),
		cmocka_unit_test(test_short_names),
		cmocka_unit_test(test_pid_rpath),
		cmocka_unit_test(test_pid_mntns),
	};

	return cmocka_run_group_tests_name("path", tests, setup, NULL);
}
