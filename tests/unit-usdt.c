// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the USDT reader on fixtures built here, at test time, from
 * tests/fixtures/usdt-*: gcc -O0 and -O2 programs, a shared library, a
 * stripped copy, a 32-bit static program, and python3 when Debian built it
 * with markers. Expected pcs, semaphores and symbol offsets come from
 * readelf, never from the code under test. Run from the repository root
 * (or set UPROBE_ROOT).
 */
#include <errno.h>
#include <fcntl.h>
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
#include <unistd.h>

#include <cmocka.h>

#include "common.h"

#include "resolve-usdt.h"
#include "../src/resolve-int.h"

#define MAXN	64

static char out[PATH_MAX];	/* absolute tests/out/usdt */
static bool have32;

static char *fx(const char *name)
{
	return ut_path(out, name);
}

/* ---- what readelf says ---- */

struct ref_note {
	char provider[64], name[64], args[256];
	uint64_t loc, base, sem;
};

static FILE *run(const char *tool, const char *file)
{
	char cmd[PATH_MAX + 64];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s '%s'", tool, file);
	f = popen(cmd, "r");
	assert_non_null(f);
	return f;
}

static size_t ref_notes(const char *file, struct ref_note *v, size_t max)
{
	char line[1024];
	size_t n = 0;
	FILE *f = run("readelf -nW", file);
	char *p;

	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if ((p = strstr(line, "Provider: ")) && n < max) {
			memset(&v[n], 0, sizeof(v[n]));
			snprintf(v[n++].provider, sizeof(v->provider), "%s", p + 10);
		} else if (n && (p = strstr(line, "Name: "))) {
			snprintf(v[n - 1].name, sizeof(v->name), "%s", p + 6);
		} else if (n && (p = strstr(line, "Location: "))) {
			assert_int_equal(sscanf(p, "Location: 0x%" SCNx64 ", Base: 0x%" SCNx64
						", Semaphore: 0x%" SCNx64, &v[n - 1].loc,
						&v[n - 1].base, &v[n - 1].sem), 3);
		} else if (n && (p = strstr(line, "Arguments: "))) {
			snprintf(v[n - 1].args, sizeof(v->args), "%s", p + 11);
		}
	}
	pclose(f);
	return n;
}

/* The address of section @sec (0 when absent) and its size. */
static uint64_t ref_section(const char *file, const char *sec, uint64_t *size)
{
	char line[512], name[64];
	uint64_t addr = 0, a, o, s;
	FILE *f = run("readelf -SW", file);

	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ']');

		if (p && sscanf(p + 1, " %63s %*s %" SCNx64 " %" SCNx64 " %" SCNx64, name, &a, &o,
				&s) == 4 && !strcmp(name, sec)) {
			addr = a;
			*size = s;
		}
	}
	pclose(f);
	return addr;
}

static uint64_t ref_symbol(const char *file, const char *sym)
{
	char line[512], name[256];
	uint64_t v, found = 0;
	FILE *f = run("readelf -sW", file);

	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*u: %" SCNx64 " %*s %*s %*s %*s %*s %255s", &v, name) == 2 &&
		    !strcmp(name, sym))
			found = v;
	pclose(f);
	if (!found)
		fail_msg("%s: readelf sees no '%s'", file, sym);
	return found;
}

/* The PT_LOAD holding @vaddr in the file: its p_vaddr - p_offset. */
static uint64_t ref_bias(const char *file, uint64_t vaddr)
{
	char line[512];
	uint64_t off, va, fs, bias = UINT64_MAX;
	FILE *f = run("readelf -lW", file);

	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " LOAD 0x%" SCNx64 " 0x%" SCNx64 " %*s 0x%" SCNx64, &off, &va,
			   &fs) == 3 && vaddr >= va && vaddr < va + fs)
			bias = va - off;
	pclose(f);
	if (bias == UINT64_MAX)
		fail_msg("%s: 0x%" PRIx64 " is in no PT_LOAD", file, vaddr);
	return bias;
}

/* ---- fixtures ---- */

static int setup(void **state)
{
	if (ut_out(FX "/usdt-main.c", "usdt", out, sizeof(out)))
		return -1;
	elf_version(EV_CURRENT);
	if (ut_sh("gcc -O0 -o %s " FX "/usdt-main.c " FX "/usdt-sema.c", fx("main-O0")) ||
	    ut_sh("gcc -O2 -o %s " FX "/usdt-main.c " FX "/usdt-sema.c", fx("main-O2")) ||
	    ut_sh("gcc -O2 -shared -fPIC -o %s " FX "/usdt-lib.c", fx("libusdt-fx.so")) ||
	    ut_sh("strip -o %s %s", fx("main-stripped"), fx("main-O2")))
		return -1;
	/* Needs only gcc's -m32 code generator, no 32-bit C library. */
	have32 = !ut_sh("gcc -m32 -O2 -nostdlib -static -idirafter /usr/include/x86_64-linux-gnu "
			"-o %s " FX "/usdt-32.c 2>/dev/null", fx("fx32"));
	return 0;
}

struct elf_file {
	struct resolve_elf *elf;
	struct resolve_usdt_note *v;
	size_t n;
};

static void open_elf(const char *path, struct elf_file *e)
{
	e->elf = resolve_open(path);
	if (!e->elf)
		fail_msg("%s: %s", path, resolve_errmsg());
	assert_int_equal(resolve_usdt_read(e->elf, &e->v, &e->n), 0);
}

static void close_elf(struct elf_file *e)
{
	resolve_usdt_notes_free(e->v, e->n);
	resolve_close(e->elf);
}

static const struct resolve_usdt_note *one(const struct elf_file *e, const char *prov,
					   const char *name)
{
	size_t idx[4], n;

	if (resolve_usdt_select(e->v, e->n, prov, name, idx, 4, &n) || n != 1)
		fail_msg("not exactly one %s:%s", prov, name);
	return &e->v[idx[0]];
}

/* ---- the notes ---- */

/* Every note as readelf shows it, pc and semaphore moved by .stapsdt.base. */
static void check_notes(const char *path, size_t min)
{
	struct ref_note ref[MAXN];
	uint64_t sz, sbase = ref_section(path, ".stapsdt.base", &sz);
	size_t i, n = ref_notes(path, ref, MAXN);
	struct elf_file e;

	open_elf(path, &e);
	assert_true(n >= min);
	assert_int_equal(e.n, n);
	assert_true(sbase != 0);
	for (i = 0; i < n; i++) {
		const struct resolve_usdt_note *nt = &e.v[i];

		assert_string_equal(nt->provider, ref[i].provider);
		assert_string_equal(nt->name, ref[i].name);
		assert_string_equal(nt->args, ref[i].args);
		assert_int_equal(nt->base, ref[i].base);
		assert_int_equal(nt->pc, ref[i].loc + sbase - ref[i].base);
		assert_int_equal(nt->semaphore, ref[i].sem ? ref[i].sem + sbase - ref[i].base : 0);
	}
	close_elf(&e);
}

static void test_read(void **state)
{
	check_notes(fx("main-O0"), 11);
	check_notes(fx("main-O2"), 11);
	check_notes(fx("main-stripped"), 11);
	check_notes(fx("libusdt-fx.so"), 2);
}

/* The hand-written notes are four nops in a row; the last one's base moved by 0x100. */
static void test_prelinked(void **state)
{
	const char *const files[] = { "main-O0", "main-O2", NULL };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct elf_file e;
		uint64_t sz, sbase = ref_section(fx(files[i]), ".stapsdt.base", &sz);

		open_elf(fx(files[i]), &e);
		assert_int_equal(one(&e, "hand", "rip")->pc, one(&e, "hand", "indexed")->pc + 1);
		assert_int_equal(one(&e, "hand", "bare")->pc, one(&e, "hand", "rip")->pc + 1);
		assert_int_equal(one(&e, "hand", "prelinked")->pc, one(&e, "hand", "bare")->pc + 1);
		assert_int_equal(one(&e, "hand", "prelinked")->base, sbase + 0x100);
		assert_int_equal(one(&e, "hand", "bare")->base, sbase);
		close_elf(&e);
	}
}

static void check_sema(const char *file, const char *prov, const char *name, const char *var)
{
	uint64_t size, probes = ref_section(file, ".probes", &size), off, ref;
	const struct resolve_usdt_note *nt;
	struct elf_file e;

	open_elf(file, &e);
	nt = one(&e, prov, name);
	assert_int_equal(nt->semaphore, ref_symbol(file, var));
	assert_true(nt->semaphore >= probes && nt->semaphore < probes + size);
	assert_int_equal(resolve_usdt_offsets(e.elf, nt, &off, &ref), 0);
	assert_int_equal(ref, nt->semaphore - ref_bias(file, nt->semaphore));
	assert_int_equal(off, nt->pc - ref_bias(file, nt->pc));
	close_elf(&e);
}

static void test_semaphores(void **state)
{
	struct elf_file e;
	size_t i;

	check_sema(fx("main-O0"), "fx", "sema", "fx_sema_semaphore");
	check_sema(fx("main-O2"), "fx", "sema", "fx_sema_semaphore");
	check_sema(fx("libusdt-fx.so"), "fxlib", "call", "fxlib_call_semaphore");
	check_sema(fx("libusdt-fx.so"), "fxlib", "ret", "fxlib_ret_semaphore");
	open_elf(fx("main-O2"), &e);
	for (i = 0; i < e.n; i++)
		assert_true(!strcmp(e.v[i].name, "sema") == (e.v[i].semaphore != 0));
	close_elf(&e);
}

static void test_32bit(void **state)
{
	struct elf_file e;

	if (!have32) {
		fprintf(stderr, "unit-usdt: gcc -m32 cannot build here; 32-bit notes untested\n");
		skip();
	}
	check_notes(fx("fx32"), 1);
	open_elf(fx("fx32"), &e);
	assert_int_equal(one(&e, "fx32", "hit")->semaphore,
			 ref_symbol(fx("fx32"), "fx32_hit_semaphore"));
	assert_true(one(&e, "fx32", "hit")->pc < UINT32_MAX);
	close_elf(&e);
}

/* ---- operands ---- */

struct xlate {
	const char *text, *fetch, *why;	/* fetch NULL: refused, why a substring */
};

static void check_xlate(struct resolve_elf *elf, uint64_t pc, const struct xlate *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct resolve_usdt_arg *v;
		size_t k;

		assert_int_equal(resolve_usdt_args(elf, pc, c[i].text, &v, &k), 0);
		assert_int_equal(k, 1);
		assert_string_equal(v[0].text, c[i].text);
		if (c[i].fetch && !v[0].fetch)
			fail_msg("'%s' refused: %s", c[i].text, v[0].why);
		if (c[i].fetch) {
			assert_string_equal(v[0].fetch, c[i].fetch);
			assert_null(v[0].why);
		} else if (v[0].fetch || !strstr(v[0].why, c[i].why)) {
			fail_msg("'%s': '%s', '%s'", c[i].text, v[0].fetch, v[0].why);
		}
		resolve_usdt_args_free(v, k);
	}
}

static void test_translate(void **state)
{
	static const struct xlate c[] = {
		{ "-4@%edi", "%di:s32", NULL }, { "8@%rbx", "%bx:u64", NULL }, { "1@%al", "%ax:u8", NULL },
		{ "-4@%r15d", "%r15:s32", NULL }, { "2@%r9w", "%r9:u16", NULL }, { "-1@%r10b", "%r10:s8", NULL },
		{ "-1@%sil", "%si:s8", NULL }, { "8@%rsp", "%sp:u64", NULL }, { "-8@%r12", "%r12:s64", NULL },
		{ "%eax", "%ax:u32", NULL }, { "%rbx", "%bx:u64", NULL }, { "%dl", "%dx:u8", NULL },
		{ "-4@112(%rsp)", "+112(%sp):s32", NULL }, { "8@-16(%rbp)", "-16(%bp):u64", NULL },
		{ "2@(%rdi)", "+0(%di):u16", NULL }, { "4@0x20(%r13)", "+32(%r13):u32", NULL },
		{ "-16(%rbp)", "-16(%bp):u64", NULL },
		{ "4@$5", "\\5:u32", NULL }, { "-1@$-3", "\\-3:s8", NULL }, { "-4@$100000", "\\100000:s32", NULL },
		{ "8@$0x10", "\\16:u64", NULL },
		{ "8@0x10(%rip)", NULL, "numeric %rip" },
		{ "8@(%rax,%rbx,8)", NULL, "the kernel cannot fetch an indexed address" },
		{ "8@16(%rax,%rbx,8)", NULL, "the kernel cannot fetch an indexed address" },
		{ "4@(,%rcx,4)", NULL, "indexed" },
		{ "8@foo(%rip)", NULL, "'foo'" }, { "4@(%eax)", NULL, "narrower" },
		{ "1@%ah", NULL, "register" }, { "3@%eax", NULL, "size" },
		{ "8@%xmm0", NULL, "register" }, { "8@foo(%rax)", NULL, "symbol" },
		{ "8@%fs:0x28", NULL, "" }, { "8@$foo", NULL, "" }, { "8@(%rax", NULL, "" },
		{ "8@(%rax,%rbx,3)", NULL, "" }, { "8@0x(%rax)", NULL, "" }, { "@%rax", NULL, "" },
	};

	check_xlate(NULL, 0, c, sizeof(c) / sizeof(c[0]));
}

static void test_parse_ops(void **state)
{
	struct resolve_usdt_op op;
	const char *why, *t;

	t = "8@8+table(%rip)";
	assert_int_equal(resolve_usdt_parse_op(t, strlen(t), &op, &why), 0);
	assert_int_equal(op.kind, RESOLVE_USDT_RIP_SYM);
	assert_int_equal(op.disp, 8);
	assert_int_equal(op.sym_len, 5);
	assert_memory_equal(op.sym, "table", 5);
	t = "-4@foo.0-4(%rip)";
	assert_int_equal(resolve_usdt_parse_op(t, strlen(t), &op, &why), 0);
	assert_int_equal(op.disp, -4);
	assert_int_equal(op.size, -4);
	assert_int_equal(op.sym_len, 5);
	t = "-4@%edi";
	assert_int_equal(resolve_usdt_parse_op(t, strlen(t), &op, &why), 0);
	assert_int_equal(op.kind, RESOLVE_USDT_REG);
	assert_string_equal(op.reg, "di");
	assert_int_equal(op.width, 4);
	t = "8@16(%rax,%rbx,8)";
	assert_int_equal(resolve_usdt_parse_op(t, strlen(t), &op, &why), 0);
	assert_int_equal(op.kind, RESOLVE_USDT_INDEXED);
	t = "4@$-7";
	assert_int_equal(resolve_usdt_parse_op(t, strlen(t), &op, &why), 0);
	assert_int_equal(op.kind, RESOLVE_USDT_IMM);
	assert_int_equal(op.disp, -7);
	t = "9@%eax";
	assert_int_equal(resolve_usdt_parse_op(t, strlen(t), &op, &why), -EINVAL);
	assert_non_null(strstr(why, "size"));
}

static char *want_sym(const char *file, uint64_t pc, const char *sym, uint64_t add,
		      const char *type)
{
	static char buf[4][64];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "@+0x%" PRIx64 ":%s",
		 ref_symbol(file, sym) + add - ref_bias(file, pc), type);
	return buf[k];
}

/* The hand-written notes and what the compilers emitted, in the fixtures. */
static void check_fixture_args(const char *name)
{
	const char *const all[] = { "args", "consts", "globals", "dup", "sema", "bare" };
	const char *file = fx(name);
	const struct resolve_usdt_note *nt;
	struct elf_file e;
	size_t i, j, n;

	open_elf(file, &e);
	nt = one(&e, "hand", "rip");
	{
		const struct xlate c[] = {
			{ "8@counter(%rip)", want_sym(file, nt->pc, "counter", 0, "u64"), NULL },
			{ "8@table+8(%rip)", want_sym(file, nt->pc, "table", 8, "u64"), NULL },
			{ "8@8+table(%rip)", want_sym(file, nt->pc, "table", 8, "u64"), NULL },
			{ "-4@zeroed(%rip)", want_sym(file, nt->pc, "zeroed", 0, "s32"), NULL },
			{ "8@nosuch(%rip)", NULL, "not in the symbol tables" },
		};

		check_xlate(e.elf, nt->pc, c, sizeof(c) / sizeof(c[0]));
	}
	for (i = 0; i < e.n; i++) {
		struct resolve_usdt_arg *v;

		for (j = 0; j < sizeof(all) / sizeof(all[0]) && strcmp(e.v[i].name, all[j]); j++)
			;
		if (j == sizeof(all) / sizeof(all[0]))
			continue;
		assert_int_equal(resolve_usdt_args(e.elf, e.v[i].pc, e.v[i].args, &v, &n), 0);
		for (j = 0; j < n; j++)
			if (!v[j].fetch)
				fail_msg("%s: %s: '%s': %s", name, e.v[i].name, v[j].text, v[j].why);
		resolve_usdt_args_free(v, n);
	}
	close_elf(&e);
}

static void test_fixture_args(void **state)
{
	struct elf_file e;
	struct resolve_usdt_arg *v;
	size_t n;

	check_fixture_args("main-O0");
	check_fixture_args("main-O2");
	open_elf(fx("main-O2"), &e);
	assert_int_equal(resolve_usdt_args(e.elf, one(&e, "fx", "args")->pc,
					   one(&e, "fx", "args")->args, &v, &n), 0);
	assert_int_equal(n, 5);
	resolve_usdt_args_free(v, n);
	assert_int_equal(resolve_usdt_args(e.elf, 0, " \t", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	close_elf(&e);
	/* Stripped: a static's memory can no longer be found. */
	open_elf(fx("main-stripped"), &e);
	assert_int_equal(resolve_usdt_args(e.elf, one(&e, "hand", "rip")->pc,
					   one(&e, "hand", "rip")->args, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_null(v[0].fetch);
	assert_non_null(strstr(v[0].why, "'counter' is not in the symbol tables"));
	resolve_usdt_args_free(v, n);
	close_elf(&e);
}

/* ---- markers by name ---- */

static void test_select(void **state)
{
	struct elf_file e;
	size_t idx[MAXN], n;

	open_elf(fx("main-O2"), &e);
	assert_int_equal(resolve_usdt_select(e.v, e.n, "fx", "dup", idx, MAXN, &n), 0);
	assert_int_equal(n, 2);
	assert_true(e.v[idx[0]].pc != e.v[idx[1]].pc);
	assert_int_equal(resolve_usdt_select(e.v, e.n, NULL, "dup", idx, MAXN, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(resolve_usdt_select(e.v, e.n, NULL, "dup", idx, 1, &n), -E2BIG);
	assert_int_equal(resolve_usdt_select(e.v, e.n, NULL, "args", idx, MAXN, &n), -ENOTUNIQ);
	assert_string_equal(e.v[idx[0]].name, "args");
	assert_string_equal(e.v[idx[1]].name, "args");
	assert_string_not_equal(e.v[idx[0]].provider, e.v[idx[1]].provider);
	assert_int_equal(resolve_usdt_select(e.v, e.n, "fx2", "args", idx, MAXN, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(resolve_usdt_select(e.v, e.n, "fx*", "args", idx, MAXN, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(resolve_usdt_select(e.v, e.n, "hand", "*", idx, MAXN, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(resolve_usdt_select(e.v, e.n, NULL, "nosuch", idx, MAXN, &n), -ENOENT);
	assert_int_equal(resolve_usdt_select(e.v, e.n, "fx", "g*", idx, MAXN, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e.v[idx[0]].name, "globals");
	assert_true(resolve_usdt_name_unique(e.v, e.n, "fx", "consts"));
	assert_false(resolve_usdt_name_unique(e.v, e.n, "fx", "args"));
	assert_false(resolve_usdt_name_unique(e.v, e.n, "fx2", "args"));
	assert_true(resolve_usdt_match(one(&e, "fx", "sema"), NULL, "s?ma"));
	assert_false(resolve_usdt_match(one(&e, "fx", "sema"), "hand", "sema"));
	close_elf(&e);
}

/* Debian builds python3 with markers: function__entry has a semaphore. */
static void test_python(void **state)
{
	char line[PATH_MAX], path[PATH_MAX];
	const struct resolve_usdt_note *nt;
	struct resolve_usdt_arg *v;
	FILE *f = popen("readlink -f /usr/bin/python3 2>/dev/null", "r");
	struct ref_note ref[MAXN];
	struct elf_file e;
	size_t n, i;

	assert_non_null(f);
	path[0] = '\0';
	if (fgets(line, sizeof(line), f))
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(line, "\n"), line);
	pclose(f);
	if (!*path || !ref_notes(path, ref, MAXN)) {
		fprintf(stderr, "unit-usdt: no python3 with stapsdt markers here; test skipped\n");
		skip();
	}
	check_notes(path, 1);
	open_elf(path, &e);
	nt = one(&e, "python", "function__entry");
	assert_true(nt->semaphore != 0);
	assert_int_equal(resolve_usdt_args(e.elf, nt->pc, nt->args, &v, &n), 0);
	assert_true(n >= 3);
	for (i = 0; i < n; i++)
		if (!v[i].fetch)
			fail_msg("python function__entry: '%s': %s", v[i].text, v[i].why);
	resolve_usdt_args_free(v, n);
	close_elf(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_prelinked),
		cmocka_unit_test(test_semaphores),
		cmocka_unit_test(test_32bit),
		cmocka_unit_test(test_translate),
		cmocka_unit_test(test_parse_ops),
		cmocka_unit_test(test_fixture_args),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_python),
	};

	return cmocka_run_group_tests_name("usdt", tests, setup, NULL);
}
