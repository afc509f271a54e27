// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the resolver on fixture programs built here, at test time,
 * from tests/fixtures/resolve-*: gcc -O0/-O2 PIE, gcc -no-pie, clang with
 * lld's layout, a shared library with versioned symbols, C++, stripped
 * copies, two statics of one name, imports. The expected offsets come from
 * readelf's view of the program headers and symbols, never from the code
 * under test. Run from the repository root (or set UPROBE_ROOT).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common.h"

#include "resolve.h"

#define LIBC	"/lib/x86_64-linux-gnu/libc.so.6"

static char out[PATH_MAX];	/* absolute tests/out/resolve */

/* ---- what readelf says ---- */

struct ref_load {
	uint64_t off, vaddr, filesz;
	bool exec;
};

static size_t ref_loads(const char *file, struct ref_load *v, size_t max)
{
	char cmd[PATH_MAX + 64], line[512], flags[16];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -lW '%s'", file);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && n < max) {
		uint64_t off, va, pa, fs, ms;
		int pos = 0;

		if (sscanf(line, " LOAD 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64
			   " 0x%" SCNx64 " %n", &off, &va, &pa, &fs, &ms, &pos) != 5 || !pos)
			continue;
		snprintf(flags, sizeof(flags), "%.3s", line + pos);
		v[n++] = (struct ref_load){ off, va, fs, strchr(flags, 'E') != NULL };
	}
	pclose(f);
	assert_true(n > 0);
	return n;
}

/* The file offset of @vaddr: st_value - p_vaddr + p_offset of its PT_LOAD. */
static uint64_t ref_off(const char *file, uint64_t vaddr)
{
	struct ref_load l[16];
	size_t i, n = ref_loads(file, l, 16);

	for (i = 0; i < n; i++)
		if (vaddr >= l[i].vaddr && vaddr < l[i].vaddr + l[i].filesz)
			return vaddr - l[i].vaddr + l[i].off;
	fail_msg("%s: 0x%" PRIx64 " is in no PT_LOAD", file, vaddr);
	return 0;
}

/*
 * The distinct addresses of the defined functions named @name (exactly
 * when @exact, else also name@VER and name@@VER) in .symtab and .dynsym.
 */
static size_t ref_funcs(const char *file, const char *name, bool exact, uint64_t *addr,
			uint64_t *size, size_t max)
{
	char cmd[PATH_MAX + 64], line[4096], type[16], bind[16], vis[16], ndx[16], sym[2048];
	size_t n = 0, i, len = strlen(name);
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -sW --dyn-syms '%s'", file);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char vs[32], ss[32];
		uint64_t a, s;

		if (sscanf(line, " %*u: %31s %31s %15s %15s %15s %15s %2047s", vs, ss, type, bind,
			   vis, ndx, sym) != 7)
			continue;
		if ((strcmp(type, "FUNC") && strcmp(type, "IFUNC")) || !strcmp(ndx, "UND"))
			continue;
		if (strncmp(sym, name, len) || (sym[len] && (exact || sym[len] != '@')))
			continue;
		a = strtoull(vs, NULL, 16);
		s = strtoull(ss, NULL, 0);
		for (i = 0; i < n && addr[i] != a; i++)
			;
		if (i == n && n < max) {
			addr[n] = a;
			size[n++] = s;
		}
	}
	pclose(f);
	return n;
}

/* The one function @name: its address, size and file offset. */
static void ref_func(const char *file, const char *name, bool exact, uint64_t *addr,
		     uint64_t *size, uint64_t *off)
{
	uint64_t a[4], s[4];

	if (ref_funcs(file, name, exact, a, s, 4) != 1)
		fail_msg("%s: readelf sees not exactly one function '%s'", file, name);
	*addr = a[0];
	*size = s[0];
	*off = ref_off(file, a[0]);
}

static char *fx(const char *name)
{
	return ut_path(out, name);
}

/* ---- fixtures ---- */

static int setup(void **state)
{
	if (ut_out(FX "/resolve-main.c", "resolve", out, sizeof(out)))
		return -1;
	return ut_sh("gcc -O0 -g -o %s " FX "/resolve-main.c", fx("main-O0")) ||
	       ut_sh("gcc -O2 -o %s " FX "/resolve-main.c", fx("main-O2")) ||
	       ut_sh("gcc -O2 -fno-pie -no-pie -o %s " FX "/resolve-main.c", fx("main-nopie")) ||
	       ut_sh("clang -O1 -fuse-ld=lld -o %s " FX "/resolve-main.c", fx("main-lld")) ||
	       ut_sh("gcc -O2 -shared -fPIC -Wl,--version-script=" FX "/resolve-lib.map "
		     "-o %s " FX "/resolve-lib.c", fx("libresolve-fx.so")) ||
	       ut_sh("gcc -O2 -o %s " FX "/resolve-libuser.c -L%s -l:libresolve-fx.so "
		     "-Wl,-rpath,'$ORIGIN'", fx("libuser"), out) ||
	       ut_sh("g++ -O2 -o %s " FX "/resolve-cxx.cpp", fx("cxx")) ||
	       ut_sh("gcc -O2 -o %s " FX "/resolve-dup1.c " FX "/resolve-dup2.c", fx("dup")) ||
	       ut_sh("gcc -O2 -c -o %s " FX "/resolve-main.c", fx("main.o")) ||
	       ut_sh("strip -o %s %s", fx("main-stripped"), fx("main-O2")) ||
	       ut_sh("strip -o %s %s", fx("lib-stripped.so"), fx("libresolve-fx.so"));
}

static struct resolve_elf *open_fx(const char *name)
{
	struct resolve_elf *e = resolve_open(fx(name));

	if (!e)
		fail_msg("resolve_open(%s): %s", name, resolve_errmsg());
	return e;
}

/* ---- targets ---- */

struct parse_case {
	const char *spec;
	int ret;
	const char *path, *symbol;
	uint64_t add, raw_offset;
	bool raw, is_return, glob;
};

static void test_parse(void **state)
{
	static const struct parse_case ok[] = {
		{ "/bin/bash:readline", 0, "/bin/bash", "readline", 0, 0, false, false, false },
		{ "bash:readline+16", 0, "bash", "readline", 16, 0, false, false, false },
		{ "./a:f+0x1f", 0, "./a", "f", 0x1f, 0, false, false, false },
		{ "./a:f+0x1f%return", 0, "./a", "f", 0x1f, 0, false, true, false },
		{ "./a:f%return", 0, "./a", "f", 0, 0, false, true, false },
		{ "./a:0x1139", 0, "./a", NULL, 0, 0x1139, true, false, false },
		{ "./a:4409", 0, "./a", NULL, 0, 4409, true, false, false },
		{ "./a:0X10%return", 0, "./a", NULL, 0, 0x10, true, true, false },
		{ "./a:parse_*", 0, "./a", "parse_*", 0, 0, false, false, true },
		{ "./a:f?[ab]", 0, "./a", "f?[ab]", 0, 0, false, false, true },
		{ "./app:ns::f", 0, "./app", "ns::f", 0, 0, false, false, false },
		{ "./app:ns::f+4", 0, "./app", "ns::f", 4, 0, false, false, false },
		{ "./app:ns::operator+", 0, "./app", "ns::operator+", 0, 0, false, false, false },
		{ "./app:ns::operator++8", 0, "./app", "ns::operator+", 8, 0, false, false, false },
		{ "a:memcpy@@GLIBC_2.14", 0, "a", "memcpy@@GLIBC_2.14", 0, 0, false, false, false },
	};
	static const char *const bad[] = {
		"", "noColon", ":f", "./a:", "./a:%return", "./a:f%entry", "./a:0x",
		"./a:0xzz", "./a:12ab", "./a:f+0xzz", "./a:f+12x", "./a:+4", "./a:f*+4",
		"./a:99999999999999999999999", "./a:f+99999999999999999999999", "./a:f\nx",
	};
	struct resolve_target t;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const struct parse_case *c = &ok[i];

		if (resolve_parse_target(c->spec, &t))
			fail_msg("'%s': %s", c->spec, resolve_errmsg());
		assert_string_equal(t.path, c->path);
		if (c->symbol)
			assert_string_equal(t.symbol, c->symbol);
		else
			assert_null(t.symbol);
		assert_int_equal(t.add, c->add);
		assert_int_equal(t.raw_offset, c->raw_offset);
		assert_int_equal(t.raw, c->raw);
		assert_int_equal(t.is_return, c->is_return);
		assert_int_equal(t.glob, c->glob);
		resolve_target_clear(&t);
		assert_null(t.path);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (resolve_parse_target(bad[i], &t) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(resolve_errmsg()[0] != '\0');
		assert_null(t.path);
		assert_null(t.symbol);
	}
}

/* ---- every layout ---- */

struct layout_case {
	const char *file;
	const char *funcs[7];
};

static void check_func(struct resolve_elf *e, const char *file, const char *name)
{
	uint64_t addr, size, off, add;
	struct resolve_loc loc;
	char *back;
	int ret;

	ref_func(fx(file), name, false, &addr, &size, &off);
	ret = resolve_symbol(e, name, 0, &loc);
	if (ret)
		fail_msg("%s:%s: %d %s", file, name, ret, resolve_errmsg());
	assert_string_equal(loc.symbol, name);
	assert_int_equal(loc.offset, off);
	assert_int_equal(loc.addr, addr);
	assert_int_equal(loc.size, size);
	assert_int_equal(loc.add, 0);
	resolve_loc_clear(&loc);

	/* Back from the last byte of the function to name+add. */
	assert_true(size > 0);
	assert_int_equal(resolve_offset_to_symbol(e, off + size - 1, &back, &add), 0);
	assert_string_equal(back, name);
	assert_int_equal(add, size - 1);
	free(back);
	assert_int_equal(resolve_offset(e, off, &loc), 0);
	assert_string_equal(loc.symbol, name);
	assert_int_equal(loc.addr, addr);
	resolve_loc_clear(&loc);
}

static void test_layouts(void **state)
{
	static const struct layout_case cases[] = {
		{ "main-O0", { "rf_add", "rf_local", "rf_glob_one", "rf_glob_three", "main" } },
		{ "main-O2", { "rf_add", "rf_local", "rf_glob_two", "main" } },
		{ "main-nopie", { "rf_add", "rf_local", "rf_glob_one", "main" } },
		{ "main-lld", { "rf_add", "rf_local", "rf_glob_two", "main" } },
		{ "libresolve-fx.so", { "rf_lib_fn", "rf_lib_local" } },
		{ "lib-stripped.so", { "rf_lib_fn" } },
		{ "cxx", { "_ZN2ns1fEi", "_ZN2ns7counter4bumpEi", "main" } },
		{ "dup", { "rf_dup_one", "rf_dup_two" } },
	};
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resolve_elf *e = open_fx(cases[i].file);

		for (j = 0; cases[i].funcs[j]; j++)
			check_func(e, cases[i].file, cases[i].funcs[j]);
		resolve_close(e);
	}
}

/* The layouts really differ: otherwise the offset formula is not tested. */
static void test_layouts_differ(void **state)
{
	struct ref_load l[16];
	size_t i, n;
	bool lld = false, nopie = false;

	n = ref_loads(fx("main-lld"), l, 16);
	for (i = 0; i < n; i++)
		lld |= l[i].exec && l[i].vaddr != l[i].off;
	assert_true(lld);
	n = ref_loads(fx("main-nopie"), l, 16);
	for (i = 0; i < n; i++)
		nopie |= l[i].exec && l[i].vaddr >= 0x400000;
	assert_true(nopie);
}

static void test_symbol_plus_offset(void **state)
{
	struct resolve_elf *e = open_fx("main-O0");
	uint64_t addr, size, off;
	struct resolve_loc loc;

	ref_func(fx("main-O0"), "rf_add", true, &addr, &size, &off);
	assert_int_equal(resolve_symbol(e, "rf_add", 4, &loc), 0);
	assert_int_equal(loc.offset, off + 4);
	assert_int_equal(loc.addr, addr + 4);
	assert_int_equal(loc.add, 4);
	resolve_loc_clear(&loc);
	assert_int_equal(resolve_symbol(e, "rf_add", size - 1, &loc), 0);
	assert_int_equal(loc.offset, off + size - 1);
	resolve_loc_clear(&loc);
	assert_int_equal(resolve_symbol(e, "rf_add", size, &loc), -ERANGE);
	assert_null(loc.symbol);
	assert_non_null(strstr(resolve_errmsg(), "past the end"));
	assert_int_equal(resolve_symbol(e, "rf_add", UINT64_MAX, &loc), -ERANGE);
	resolve_close(e);
}

static void check_raw(const char *file)
{
	struct resolve_elf *e = open_fx(file);
	uint64_t addr, size, off;
	struct ref_load l[16];
	struct resolve_loc loc;
	size_t i, n;
	struct stat st;

	ref_func(fx(file), "rf_add", true, &addr, &size, &off);
	assert_int_equal(resolve_offset(e, off + 2, &loc), 0);
	assert_int_equal(loc.offset, off + 2);
	assert_int_equal(loc.addr, addr + 2);
	assert_string_equal(loc.symbol, "rf_add");
	assert_int_equal(loc.add, 2);
	resolve_loc_clear(&loc);

	/* Each end of every segment, executable or not. */
	n = ref_loads(fx(file), l, 16);
	for (i = 0; i < n; i++) {
		int want = l[i].exec ? 0 : -ERANGE;

		assert_int_equal(resolve_offset(e, l[i].off + l[i].filesz - 1, &loc), want);
		resolve_loc_clear(&loc);
		if (l[i].exec)
			assert_int_equal(resolve_offset(e, l[i].off, &loc), 0);
		resolve_loc_clear(&loc);
	}
	assert_int_equal(stat(fx(file), &st), 0);
	assert_int_equal(resolve_offset(e, st.st_size + 100, &loc), -ERANGE);
	assert_non_null(strstr(resolve_errmsg(), "executable"));
	assert_null(loc.symbol);
	resolve_close(e);
}

static void test_raw_offsets(void **state)
{
	check_raw("main-O2");
	check_raw("main-nopie");
	check_raw("main-lld");
}

static void test_glob(void **state)
{
	static const char *const names[] = { "rf_glob_one", "rf_glob_three", "rf_glob_two" };
	struct resolve_elf *e = open_fx("main-O2");
	struct resolve_loc *locs;
	uint64_t addr, size, off;
	size_t n, i, j, seen = 0;

	assert_int_equal(resolve_glob(e, "rf_glob_*", 16, &locs, &n), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		if (i)
			assert_true(locs[i].offset > locs[i - 1].offset);
		for (j = 0; j < 3; j++) {
			if (strcmp(locs[i].symbol, names[j]))
				continue;
			ref_func(fx("main-O2"), names[j], true, &addr, &size, &off);
			assert_int_equal(locs[i].offset, off);
			seen |= 1u << j;
		}
	}
	assert_int_equal(seen, 7);
	resolve_locs_free(locs, n);
	assert_int_equal(resolve_glob(e, "rf_glob_*", 2, &locs, &n), -E2BIG);
	assert_null(locs);
	assert_int_equal(n, 0);
	assert_int_equal(resolve_glob(e, "rf_glob_t[wh]*", 2, &locs, &n), 0);
	assert_int_equal(n, 2);
	resolve_locs_free(locs, n);
	assert_int_equal(resolve_glob(e, "rf_nothing_*", 16, &locs, &n), -ENOENT);
	resolve_close(e);

	/* Versions are stripped before matching; a name is one function. */
	e = open_fx("libresolve-fx.so");
	assert_int_equal(resolve_glob(e, "rf_ver", 16, &locs, &n), 0);
	assert_int_equal(n, 1);
	ref_func(fx("libresolve-fx.so"), "rf_ver@@VER_2", true, &addr, &size, &off);
	assert_int_equal(locs[0].offset, off);
	assert_string_equal(locs[0].symbol, "rf_ver");
	resolve_locs_free(locs, n);
	resolve_close(e);
}

static void test_ambiguous(void **state)
{
	struct resolve_elf *e = open_fx("dup");
	uint64_t addr[4], size[4];
	struct resolve_loc loc;
	char hex[32];
	size_t i;

	assert_int_equal(ref_funcs(fx("dup"), "rf_dup", true, addr, size, 4), 2);
	assert_int_equal(resolve_symbol(e, "rf_dup", 0, &loc), -ENOTUNIQ);
	assert_null(loc.symbol);
	for (i = 0; i < 2; i++) {
		snprintf(hex, sizeof(hex), "0x%" PRIx64, ref_off(fx("dup"), addr[i]));
		if (!strstr(resolve_errmsg(), hex))
			fail_msg("%s not in: %s", hex, resolve_errmsg());
	}
	assert_non_null(strstr(resolve_errmsg(), "resolve-dup1.c"));
	assert_non_null(strstr(resolve_errmsg(), "resolve-dup2.c"));
	assert_non_null(strstr(resolve_errmsg(), fx("dup")));
	assert_non_null(strstr(resolve_errmsg(), ":0x"));
	resolve_close(e);
}

static void test_imported(void **state)
{
	struct resolve_elf *e = open_fx("main-O0");
	struct resolve_loc loc;
	char want[PATH_MAX + 32];

	assert_int_equal(resolve_symbol(e, "puts", 0, &loc), -ENOENT);
	assert_null(loc.symbol);
	assert_non_null(strstr(resolve_errmsg(), "imported from libc.so.6"));
	assert_non_null(strstr(resolve_errmsg(), LIBC ":puts"));
	resolve_close(e);

	/* Found through DT_RUNPATH $ORIGIN. */
	e = open_fx("libuser");
	assert_int_equal(resolve_symbol(e, "rf_lib_fn", 0, &loc), -ENOENT);
	snprintf(want, sizeof(want), "probe %s:rf_lib_fn", fx("libresolve-fx.so"));
	if (!strstr(resolve_errmsg(), want))
		fail_msg("'%s' not in: %s", want, resolve_errmsg());
	resolve_close(e);
}

static void test_not_functions(void **state)
{
	struct resolve_elf *e = open_fx("main-O0");
	struct resolve_loc loc;

	assert_int_equal(resolve_symbol(e, "rf_counter", 0, &loc), -ENOENT);
	assert_non_null(strstr(resolve_errmsg(), "not a function"));
	assert_int_equal(resolve_symbol(e, "rf_no_such_function", 0, &loc), -ENOENT);
	assert_null(strstr(resolve_errmsg(), "stripped"));
	assert_int_equal(resolve_symbol(e, "rf_ad", 0, &loc), -ENOENT);
	assert_int_equal(resolve_symbol(e, "", 0, &loc), -EINVAL);
	resolve_close(e);
}

static void test_stripped(void **state)
{
	struct resolve_elf *e = open_fx("main-stripped");
	struct resolve_loc loc;

	assert_int_equal(resolve_symbol(e, "rf_add", 0, &loc), -ENOENT);
	assert_non_null(strstr(resolve_errmsg(), "stripped"));
	assert_non_null(strstr(resolve_errmsg(), "debug"));
	assert_non_null(strstr(resolve_errmsg(), "0xOFFSET"));
	assert_non_null(strstr(resolve_errmsg(), "/usr/lib/debug/.build-id/"));
	resolve_close(e);
	e = open_fx("lib-stripped.so");
	assert_int_equal(resolve_symbol(e, "rf_lib_local", 0, &loc), -ENOENT);
	assert_non_null(strstr(resolve_errmsg(), "stripped"));
	resolve_close(e);
}

static void check_version(struct resolve_elf *e, const char *file, const char *name,
			  const char *refname)
{
	uint64_t addr, size, off;
	struct resolve_loc loc;

	ref_func(file, refname, true, &addr, &size, &off);
	if (resolve_symbol(e, name, 0, &loc))
		fail_msg("%s:%s: %s", file, name, resolve_errmsg());
	assert_int_equal(loc.offset, off);
	assert_int_equal(loc.addr, addr);
	resolve_loc_clear(&loc);
}

static void test_versions(void **state)
{
	struct resolve_elf *e = open_fx("libresolve-fx.so");
	struct resolve_loc loc;
	char *lib = fx("libresolve-fx.so");

	check_version(e, lib, "rf_ver", "rf_ver@@VER_2");
	check_version(e, lib, "rf_ver@@VER_2", "rf_ver@@VER_2");
	check_version(e, lib, "rf_ver@VER_1", "rf_ver@VER_1");
	check_version(e, lib, "rf_lib_fn@VER_1", "rf_lib_fn@@VER_1");
	assert_int_equal(resolve_symbol(e, "rf_ver@@VER_1", 0, &loc), -ENOENT);
	assert_int_equal(resolve_symbol(e, "rf_ver@VER_9", 0, &loc), -ENOENT);
	resolve_close(e);

	/* The stripped copy has only .dynsym, where versions live in .gnu.version. */
	lib = fx("lib-stripped.so");
	e = open_fx("lib-stripped.so");
	check_version(e, lib, "rf_ver", "rf_ver@@VER_2");
	check_version(e, lib, "rf_ver@VER_1", "rf_ver@VER_1");
	resolve_close(e);

	e = resolve_open(LIBC);
	assert_non_null(e);
	check_version(e, LIBC, "malloc", "malloc@@GLIBC_2.2.5");
	check_version(e, LIBC, "memcpy", "memcpy@@GLIBC_2.14");
	check_version(e, LIBC, "memcpy@GLIBC_2.2.5", "memcpy@GLIBC_2.2.5");
	assert_int_equal(resolve_symbol(e, "memcpy", 0, &loc), 0);
	assert_true(loc.ifunc);
	resolve_loc_clear(&loc);
	resolve_close(e);
}

/* A stripped library's locals come from its debug file (libc6-dbg). */
static void test_debug_file(void **state)
{
	char cmd[256], line[512], dbg[PATH_MAX] = "", *id;
	uint64_t addr, size, off;
	struct resolve_elf *e;
	struct resolve_loc loc;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -nW %s", LIBC);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if ((id = strstr(line, "Build ID: ")) && strlen(id) > 12) {
			id += 10;
			id[strcspn(id, "\n")] = '\0';
			snprintf(dbg, sizeof(dbg), "/usr/lib/debug/.build-id/%.2s/%s.debug", id,
				 id + 2);
		}
	pclose(f);
	if (!dbg[0] || access(dbg, R_OK))
		skip();	/* libc6-dbg is not installed */
	/* The debug file's segments are empty: the offset is from libc's own headers. */
	assert_int_equal(ref_funcs(dbg, "_int_malloc", true, &addr, &size, 1), 1);
	off = ref_off(LIBC, addr);
	e = resolve_open(LIBC);
	assert_non_null(e);
	if (resolve_symbol(e, "_int_malloc", 0, &loc))
		fail_msg("%s", resolve_errmsg());
	assert_int_equal(loc.offset, off);
	assert_int_equal(loc.size, size);
	resolve_loc_clear(&loc);
	assert_int_equal(resolve_symbol(e, "_int_malloc", size, &loc), -ERANGE);
	assert_int_equal(resolve_symbol(e, "malloc", 0, &loc), 0);
	resolve_loc_clear(&loc);
	resolve_close(e);
}

static void test_open_errors(void **state)
{
	struct resolve_elf *e;

	e = resolve_open(fx("main.o"));
	assert_null(e);
	assert_int_equal(errno, ENOEXEC);
	assert_non_null(strstr(resolve_errmsg(), "relocatable"));
	e = resolve_open(FX "/resolve-main.c");
	assert_null(e);
	assert_int_equal(errno, ENOEXEC);
	assert_non_null(strstr(resolve_errmsg(), "not an ELF"));
	e = resolve_open(fx("no-such-file"));
	assert_null(e);
	assert_int_equal(errno, ENOENT);
	e = resolve_open(out);
	assert_null(e);
	assert_int_equal(errno, EISDIR);
	resolve_close(NULL);
}

static void test_find_path(void **state)
{
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char cwd[PATH_MAX], want[PATH_MAX * 2];
	char *p;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	setenv("PATH", "/nonexistent:/bin:/usr/bin", 1);
	p = resolve_find_path("sh");
	assert_non_null(p);
	assert_string_equal(p, "/bin/sh");
	free(p);
	/* A relative $PATH entry gives an absolute path; non-executables are passed over. */
	assert_int_equal(ut_sh("cp %s %s/rf-prog && chmod 755 %s/rf-prog && "
			       "mkdir -p %s/noexec && cp %s %s/noexec/rf-prog && "
			       "chmod 644 %s/noexec/rf-prog", fx("main-O0"), out, out, out,
			       fx("main-O0"), out, out), 0);
	setenv("PATH", "tests/out/resolve/noexec:tests/out/resolve", 1);
	p = resolve_find_path("rf-prog");
	assert_non_null(p);
	assert_string_equal(p, fx("rf-prog"));
	free(p);
	p = resolve_find_path("rf-no-such-prog");
	assert_null(p);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(resolve_errmsg(), "$PATH"));
	if (old)
		setenv("PATH", old, 1);
	else
		unsetenv("PATH");
	free(old);

	p = resolve_find_path("tests/out/resolve/../resolve/main-O0");
	assert_non_null(p);
	snprintf(want, sizeof(want), "%s/tests/out/resolve/main-O0", cwd);
	assert_string_equal(p, want);
	free(p);
	p = resolve_find_path(LIBC);
	assert_string_equal(p, LIBC);
	free(p);
	p = resolve_find_path("libc.so.6");
	assert_string_equal(p, LIBC);
	free(p);
	assert_null(resolve_find_path("./tests/out/resolve/missing"));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(resolve_errmsg(), "no such file"));
	assert_null(resolve_find_path("tests/out/resolve"));
	assert_int_equal(errno, EISDIR);
	assert_non_null(strstr(resolve_errmsg(), "directory"));
	assert_null(resolve_find_path("/dev/null"));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(resolve_errmsg(), "regular file"));
	assert_null(resolve_find_path("./" FX "/resolve-main.c"));
	assert_int_equal(errno, ENOEXEC);
	assert_non_null(strstr(resolve_errmsg(), "not an ELF"));
	assert_null(resolve_find_path(""));
	assert_int_equal(ut_sh("printf '#!/bin/sh\\nexit 0\\n' >%s && chmod 755 %s",
			       fx("rf-script"), fx("rf-script")), 0);
	assert_null(resolve_find_path(fx("rf-script")));
	assert_int_equal(errno, ENOEXEC);
	assert_non_null(strstr(resolve_errmsg(), "script"));
}

/* ---- instruction boundaries (fixtures/insn-target.c) ---- */

/* insn-target built and its names patched (ctl_Xnl: X a newline, ctl_Xesc: ESC). */
static struct resolve_elf *open_insn(void)
{
	static bool built;

	if (!built)
		assert_int_equal(ut_sh("gcc -O0 -g -o %s " FX "/insn-target.c && perl -0777 -pi "
				       "-e 's/ctl_Xnl\\0/ctl_\\nnl\\0/g; s/ctl_Xesc\\0/ctl_\\033esc"
				       "\\0/g' %s && objcopy --only-keep-debug %s %s", fx("insn"),
				       fx("insn"), fx("insn"), fx("insn.debug")), 0);
	built = true;
	return open_fx("insn");
}

static void test_insn_symbol(void **state)
{
	struct resolve_elf *e = open_insn();
	uint64_t addr, size, off, before = 0, after = 0, add;
	struct resolve_loc loc;

	ref_func(fx("insn"), "acc_add", true, &addr, &size, &off);
	assert_int_equal(size, 7);
	for (add = 0; add < size; add++) {
		bool on = add == 0 || add == 3 || add == 6;

		assert_int_equal(resolve_symbol(e, "acc_add", add, &loc), 0);
		assert_int_equal(resolve_check_insn(e, &loc, &before, &after), on ? 0 : -EILSEQ);
		assert_int_equal(before, addr + (add < 3 ? 0 : add < 6 ? 3 : 6));
		/* at the entry nothing is decoded: after is the entry too */
		assert_int_equal(after, addr + (add == 0 ? 0 : add < 3 ? 3 : add < 6 ? 6 : 7));
		resolve_loc_clear(&loc);
	}
	assert_int_equal(resolve_symbol(e, "acc_add", 2, &loc), 0);
	assert_int_equal(resolve_check_insn(e, &loc, NULL, NULL), -EILSEQ);
	assert_string_equal(resolve_errmsg(), "'acc_add+2' is inside the instruction at "
			    "acc_add+0 (3 bytes): probe acc_add+0 or acc_add+3");
	/* a place without the symbol's size, as the debug information gives it */
	loc.size = 0;
	assert_int_equal(resolve_check_insn(e, &loc, &before, &after), -EILSEQ);
	assert_int_equal(after, addr + 3);
	loc.add = 3;
	loc.addr = addr + 3;
	assert_int_equal(resolve_check_insn(e, &loc, NULL, NULL), 0);
	resolve_loc_clear(&loc);
	/* every entry of a compiled function, and a line-table address */
	assert_int_equal(resolve_symbol(e, "main", 0, &loc), 0);
	assert_int_equal(resolve_check_insn(e, &loc, NULL, NULL), 0);
	resolve_loc_clear(&loc);
	resolve_close(e);
}

static void test_insn_offset(void **state)
{
	struct resolve_elf *e = open_insn();
	uint64_t addr, size, off, before, after;
	struct resolve_loc loc;

	ref_func(fx("insn"), "acc_add", true, &addr, &size, &off);
	assert_int_equal(resolve_offset(e, off + 4, &loc), 0);
	assert_int_equal(resolve_check_insn(e, &loc, &before, &after), -EILSEQ);
	assert_int_equal(before, addr + 3);
	assert_int_equal(after, addr + 6);
	resolve_loc_clear(&loc);
	assert_int_equal(resolve_offset(e, off + 6, &loc), 0);
	assert_int_equal(resolve_check_insn(e, &loc, NULL, NULL), 0);
	resolve_loc_clear(&loc);
	/* the padding after acc_add: no symbol says where instructions start */
	assert_int_equal(resolve_offset(e, off + 8, &loc), 0);
	assert_null(loc.symbol);
	assert_int_equal(resolve_check_insn(e, &loc, NULL, NULL), -ENOENT);
	assert_non_null(strstr(resolve_errmsg(), "no function symbol holds offset"));
	resolve_loc_clear(&loc);
	resolve_close(e);
}

static void test_insn_names_escaped(void **state)
{
	struct resolve_elf *e = open_insn();
	struct resolve_loc loc;
	char buf[16], *back;
	uint64_t add;

	assert_int_equal(resolve_symbol(e, "ctl_\nnl", 1, &loc), 0);
	assert_int_equal(resolve_check_insn(e, &loc, NULL, NULL), -EILSEQ);
	assert_string_equal(resolve_errmsg(), "'ctl_\\nnl+1' is inside the instruction at "
			    "ctl_\\nnl+0 (2 bytes): probe ctl_\\nnl+0 or ctl_\\nnl+2");
	/* names shown for what the kernel holds: escaped too */
	assert_int_equal(resolve_offset_to_symbol(e, loc.offset + 1, &back, &add), 0);
	assert_string_equal(back, "ctl_\\nnl");
	assert_int_equal(add, 2);
	free(back);
	resolve_loc_clear(&loc);
	resolve_escape("a\033[31m\x01\t\x7f", buf, sizeof(buf));
	assert_string_equal(buf, "a\\e[31m\\x01...");
	resolve_escape("a\033[31m\x01\t", buf, sizeof(buf));
	assert_string_equal(buf, "a\\e[31m\\x01\\t");
	resolve_escape("abcdefghijklmnopq", buf, 8);
	assert_string_equal(buf, "abcd...");
	resolve_escape("ab", buf, 8);
	assert_string_equal(buf, "ab");
	resolve_close(e);
}

static void test_debug_only(void **state)
{
	struct resolve_elf *e = open_insn();
	struct resolve_loc loc;

	assert_int_equal(resolve_check_code(e), 0);
	resolve_close(e);
	e = open_fx("insn.debug");
	assert_int_equal(resolve_check_code(e), -ENOEXEC);
	assert_non_null(strstr(resolve_errmsg(), "holds only debug information"));
	assert_non_null(strstr(resolve_errmsg(), "probe the program it belongs to"));
	resolve_close(e);
	e = open_fx("main-O2");
	assert_int_equal(resolve_offset(e, 1u << 30, &loc), -ERANGE);
	assert_non_null(strstr(resolve_errmsg(), "past the end of the file"));
	resolve_close(e);
}

/* ---- C++ names (issue 7 items 4, 5) ---- */

/* Spellings of one signature: c++filt's, gdb's, DWARF's, as typed. */
static void test_cxx_same(void **state)
{
	static const char *const same[][2] = {
		{ "f(long, int)", "f(long int, int)" },
		{ "f(unsigned)", "f(unsigned int)" },
		{ "f(short)", "f(short int)" },
		{ "f(unsigned short)", "f(short unsigned int)" },
		{ "f(long long)", "f(long long int)" },
		{ "f(unsigned long)", "f(long unsigned int)" },
		{ "f(signed)", "f(int)" },
		{ "f(char const*)", "f(const char *)" },
		{ "f(char const * const)", "f(const char *const)" },
		{ "f(char*const)", "f(char * const)" },
		{ "ns::K::m(long, char const*)", "ns::K::m( long int ,const char * )" },
		{ "f(int&)", "f(int &)" },
		{ "f(const ns::K&)", "f(ns::K const &)" },
		{ "f(void)", "f()" },
		{ "f(long double)", "f(double long)" },
		{ "f(signed char)", "f(char signed)" },
	};
	static const char *const differ[][2] = {
		{ "f(signed char)", "f(char)" },
		{ "f(unsigned char)", "f(char)" },
		{ "f(long)", "f(int)" },
		{ "f(long)", "f(long long)" },
		{ "f(const char *)", "f(char *const)" },
		{ "f(int)", "f(unsigned int)" },
		{ "f(double)", "f(long double)" },
		{ "f(int*)", "f(int&)" },
		{ "ns::f(int)", "ns::g(int)" },
	};
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (!resolve_cxx_same(same[i][0], same[i][1]))
			fail_msg("'%s' should be '%s'", same[i][0], same[i][1]);
	for (i = 0; i < sizeof(differ) / sizeof(differ[0]); i++)
		if (resolve_cxx_same(differ[i][0], differ[i][1]))
			fail_msg("'%s' should not be '%s'", differ[i][0], differ[i][1]);
	assert_true(resolve_cxx_matches("ns::f", "ns::f(int)"));
	assert_true(resolve_cxx_matches("ns::f(int)", "ns::f(int)"));
	assert_false(resolve_cxx_matches("ns::f(long)", "ns::f(int)"));
	assert_false(resolve_cxx_matches("ns::f", "ns::fg(int)"));
	assert_int_equal(resolve_cxx_base_len("ns::f(int)"), 5);
	assert_int_equal(resolve_cxx_base_len("K::operator()(int)"), 13);
}

static void expect_demangled(const char *sym, const char *want)
{
	char *dm = resolve_demangle(sym);

	if (!want) {
		assert_null(dm);
		return;
	}
	assert_non_null(dm);
	assert_string_equal(dm, want);
	free(dm);
}

static void test_demangle(void **state)
{
	char *b;

	expect_demangled("_ZN3acc7Counter4bumpEi", "acc::Counter::bump(int)");
	expect_demangled("_ZN2ns1fEi@@VER_2", "ns::f(int)@@VER_2");
	expect_demangled("main", NULL);
	expect_demangled("_Znot-mangled", NULL);
	b = resolve_cxx_event_base("_ZN3acc7Counter4bumpEi");
	assert_non_null(b);
	assert_string_equal(b, "Counter::bump");
	free(b);
	b = resolve_cxx_event_base("_ZN2ns1fEi");
	assert_non_null(b);
	assert_string_equal(b, "ns::f");
	free(b);
	assert_null(resolve_cxx_event_base("readline"));
	b = resolve_cxx_short("std::vector<a::b>::push_back(a::b const&)");
	assert_non_null(b);
	assert_string_equal(b, "vector<a::b>::push_back");
	free(b);
}

/* Without DWARF, C++ names as people type them match demangled symbols. */
static void test_cxx_symbols(void **state)
{
	struct resolve_elf *e = open_fx("cxx");
	struct resolve_loc loc, loc2, *locs;
	size_t n;

	assert_int_equal(resolve_symbol(e, "_ZN2ns1fEi", 0, &loc), 0);
	assert_int_equal(resolve_symbol(e, "ns::f", 0, &loc2), 0);
	assert_int_equal(loc2.offset, loc.offset);
	resolve_loc_clear(&loc2);
	assert_int_equal(resolve_symbol(e, "ns::f(int)", 0, &loc2), 0);
	assert_int_equal(loc2.offset, loc.offset);
	resolve_loc_clear(&loc2);
	assert_int_equal(resolve_symbol(e, "ns::f(long)", 0, &loc2), -ENOENT);
	assert_int_equal(resolve_symbol(e, "ns::counter::bump( int )", 0, &loc2), 0);
	assert_string_equal(loc2.symbol, "_ZN2ns7counter4bumpEi");
	resolve_loc_clear(&loc2);
	assert_int_equal(resolve_glob(e, "ns::*", 16, &locs, &n), 0);
	assert_int_equal(n, 2);
	resolve_locs_free(locs, n);
	assert_int_equal(resolve_glob(e, "ns::*(int)", 16, &locs, &n), 0);
	assert_int_equal(n, 2);
	resolve_locs_free(locs, n);
	resolve_loc_clear(&loc);
	resolve_close(e);
}

/* A '*' in a parameter list is a pointer, not a glob. */
static void test_cxx_target(void **state)
{
	struct resolve_target t;

	assert_int_equal(resolve_parse_target("/bin/x:ns::f(char const*)", &t), 0);
	assert_false(t.glob);
	assert_string_equal(t.symbol, "ns::f(char const*)");
	resolve_target_clear(&t);
	assert_int_equal(resolve_parse_target("/bin/x:ns::*(int)", &t), 0);
	assert_true(t.glob);
	resolve_target_clear(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_layouts_differ),
		cmocka_unit_test(test_symbol_plus_offset),
		cmocka_unit_test(test_raw_offsets),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_imported),
		cmocka_unit_test(test_not_functions),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_debug_file),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_find_path),
		cmocka_unit_test(test_insn_symbol),
		cmocka_unit_test(test_insn_offset),
		cmocka_unit_test(test_insn_names_escaped),
		cmocka_unit_test(test_debug_only),
		cmocka_unit_test(test_cxx_same),
		cmocka_unit_test(test_demangle),
		cmocka_unit_test(test_cxx_symbols),
		cmocka_unit_test(test_cxx_target),
	};

	return cmocka_run_group_tests_name("resolve", tests, setup, NULL);
}
