// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the DWARF half of the resolver on fixtures built here, at
 * test time (tests/fixtures/dwarf-*), into tests/out/dwarf-unit/. Expected
 * values come from elsewhere than the code under test: the x86-64 calling
 * convention, the compiler (offsetof in a helper it builds), objdump's view
 * of the prologue, addr2line, nm, and the ELF resolver for offsets. Run
 * from the repository root (or set UPROBE_ROOT).
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
#include <unistd.h>

#include <cmocka.h>

#include "resolve.h"
#include "resolve-dwarf.h"
#include "../src/util.h"

#define FX	"tests/fixtures"
#define LIBC	"/lib/x86_64-linux-gnu/libc.so.6"

static char out[PATH_MAX - 64];

static char *bin(const char *name)
{
	static char buf[8][PATH_MAX + 64];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", out, name);
	return buf[i];
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* The first line of a shell command's output, without the newline. */
static void sh_line(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void sh_line(char *buf, size_t len, const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	assert_non_null(f);
	buf[0] = '\0';
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	pclose(f);
}

static int setup(void **state)
{
	const char *root = getenv("UPROBE_ROOT");

	if (root && chdir(root))
		return -1;
	if (!getcwd(out, sizeof(out) - 32))
		return -1;
	strcat(out, "/tests/out/dwarf-unit");
	sh("mkdir -p '%s'", out);
	sh("gcc -g -O0 -o '%s' " FX "/dwarf-vars.c", bin("O0"));
	sh("gcc -g -O2 -o '%s' " FX "/dwarf-vars.c", bin("O2"));
	sh("clang -g -O2 -fuse-ld=lld -o '%s' " FX "/dwarf-vars.c", bin("clang"));
	sh("g++ -g -O2 -o '%s' " FX "/dwarf-cxx.cpp", bin("cxx"));
	sh("objcopy --only-keep-debug '%s' '%s' && objcopy --strip-all "
	   "--add-gnu-debuglink='%s' '%s' '%s'", bin("O2"), bin("stripped.debug"),
	   bin("stripped.debug"), bin("O2"), bin("stripped"));
	sh("gcc -g -O0 -S -o '%s' " FX "/dwarf-bad.c && python3 " FX "/dwarf-bad.py '%s' '%s' && "
	   "gcc -g -o '%s' '%s'", bin("bad.s"), bin("bad.s"), bin("bad2.s"), bin("bad"),
	   bin("bad2.s"));
	return 0;
}

/* The kernel fetch-args for @arg at @spec in @file (one expected). */
static int fetch(const char *file, const char *spec, bool prologue, bool ret,
		 const char *arg, char *buf, size_t len)
{
	struct resolve_dwarf *d = resolve_dwarf_open(file);
	struct resolve_loc *locs = NULL;
	char **args = NULL, *arg_cp = (char *)arg;
	size_t n = 0, na = 0;
	int r;

	assert_non_null(d);
	r = resolve_dwarf_place(d, spec, ret ? RESOLVE_DWARF_RETURN : 0, 16, &locs, &n);
	assert_int_equal(r, 0);
	assert_true(n >= 1);
	if (prologue)
		assert_int_equal(resolve_dwarf_prologue(d, &locs[0], &arg_cp, 1), 0);
	r = resolve_dwarf_args(d, &locs[0], ret, arg, &args, &na);
	buf[0] = '\0';
	if (!r) {
		assert_int_equal(na, 1);
		snprintf(buf, len, "%s", args[0]);
	} else {
		snprintf(buf, len, "%s", resolve_dwarf_errmsg());
	}
	resolve_dwarf_args_free(args, na);
	resolve_locs_free(locs, n);
	resolve_dwarf_close(d);
	return r;
}

static void expect_fetch(const char *file, const char *spec, bool prologue, const char *arg,
			 const char *want)
{
	char got[256];

	assert_int_equal(fetch(file, spec, prologue, false, arg, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

/* Optimized code at the entry: the calling convention's registers and stack. */
static void test_abi_registers(void **state)
{
	const char *files[] = { bin("O2"), bin("clang"), bin("stripped") };
	size_t i;

	for (i = 0; i < 3; i++) {
		bool clang = i == 1;

		expect_fetch(files[i], "ints", false, "a", "a=%di:s8");
		expect_fetch(files[i], "ints", false, "b", "b=%si:u8");
		expect_fetch(files[i], "ints", false, "c", "c=%dx:s16");
		expect_fetch(files[i], "ints", false, "d", "d=%cx:u16");
		expect_fetch(files[i], "ints", false, "e", "e=%r8:s32");
		expect_fetch(files[i], "ints", false, "f", "f=%r9:u32");
		if (!clang) {
			/* 7th and 8th arguments: above the return address */
			expect_fetch(files[i], "ints", false, "g", "g=+8(%sp):s64");
			expect_fetch(files[i], "ints", false, "h", "h=+16(%sp):u64");
		}
		expect_fetch(files[i], "strs", false, "s", "s=+0(%di):string");
		expect_fetch(files[i], "strs", false, "c", "c=%si:char");
		expect_fetch(files[i], "strs", false, "p", "p=%cx:x64");
		expect_fetch(files[i], "strs", false, "x=s:u64", "x=%di:u64");
		expect_fetch(files[i], "handle", false, "col", "col=%si:s32");
	}
}

/*
 * Unoptimized code: after the prologue, in the slot the prologue stored the
 * argument to. gcc spills the 32-bit ones straight from their registers and
 * the narrow ones, in order, through a narrow register.
 */
static void test_prologue_slots(void **state)
{
	const char *names[] = { "a", "b", "c", "d", "e", "f" };
	const char *types[] = { "s8", "u8", "s16", "u16", "s32", "u32" };
	char line[256], want[128];
	size_t i;

	for (i = 0; i < 6; i++) {
		unsigned int slot = 0;

		if (i >= 4)
			sh_line(line, sizeof(line), "objdump -d --no-show-raw-insn '%s' | "
				"awk '/<ints>:/,/ret/' | grep -E 'mov +%%%s,-0x[0-9a-f]+\\(%%rbp\\)' | "
				"sed -E 's/.*-0x([0-9a-f]+).*/\\1/'", bin("O0"), i == 4 ? "r8d" : "r9d");
		else
			sh_line(line, sizeof(line), "objdump -d --no-show-raw-insn '%s' | "
				"awk '/<ints>:/,/ret/' | grep -E 'mov +%%(cl|dl|sil|dil|al|ax|dx|cx|si|di),"
				"-0x[0-9a-f]+\\(%%rbp\\)' | sed -n '%zup' | "
				"sed -E 's/.*-0x([0-9a-f]+).*/\\1/'", bin("O0"), i + 1);
		assert_true(sscanf(line, "%x", &slot) == 1);
		snprintf(want, sizeof(want), "%s=-%u(%%bp):%s", names[i], slot, types[i]);
		/* in the body, past the prologue: the slots it stored them in */
		expect_fetch(bin("O0"), "ints:3", false, names[i], want);
		/* at the entry, where every call is seen, the ABI's registers */
		snprintf(want, sizeof(want), "%s=%%%s:%s", names[i],
			 (const char *[]){ "di", "si", "dx", "cx", "r8", "r9" }[i], types[i]);
		expect_fetch(bin("O0"), "ints", true, names[i], want);
	}
	expect_fetch(bin("O0"), "ints", true, "g", "g=+8(%sp):s64");
	expect_fetch(bin("O0"), "ints", true, "h", "h=+16(%sp):u64");
}

/* Members, nesting, arrays, bitfields: offsets as the compiler lays them out. */
static void test_members(void **state)
{
	char line[256], want[256];
	unsigned int len, delta, in, depth, label, pin, tag, ports, flags;

	sh("printf '#include <stddef.h>\\n#include <stdint.h>\\n#include <stdio.h>\\n' > '%s' && "
	   "sed -n '/^struct inner {/,/^enum color/p' " FX "/dwarf-vars.c | grep -v '^enum' "
	   ">> '%s' && printf 'int main(void) { printf(\"%%%%zu %%%%zu %%%%zu %%%%zu %%%%zu "
	   "%%%%zu %%%%zu %%%%zu %%%%zu\\\\n\", offsetof(struct req, len), offsetof(struct req, "
	   "delta), offsetof(struct req, in), offsetof(struct inner, depth), offsetof(struct "
	   "inner, label), offsetof(struct req, pin), offsetof(struct req, tag), "
	   "offsetof(struct req, ports), offsetof(struct req, ports) + 6); return 0; }\\n' "
	   ">> '%s' && gcc -o '%s' '%s'", bin("off.c"), bin("off.c"), bin("off.c"),
	   bin("off"), bin("off.c"));
	sh_line(line, sizeof(line), "'%s'", bin("off"));
	assert_int_equal(sscanf(line, "%u %u %u %u %u %u %u %u %u", &len, &delta, &in, &depth,
				&label, &pin, &tag, &ports, &flags), 9);
	snprintf(want, sizeof(want), "len=+%u(%%di):u32", len);
	expect_fetch(bin("O2"), "handle", false, "r->len", want);
	snprintf(want, sizeof(want), "delta=+%u(%%di):s32", delta);
	expect_fetch(bin("O2"), "handle", false, "r->delta", want);
	snprintf(want, sizeof(want), "depth=+%u(%%di):s16", in + depth);
	expect_fetch(bin("O2"), "handle", false, "r->in.depth", want);
	snprintf(want, sizeof(want), "label=+0(+%u(%%di)):string", in + label);
	expect_fetch(bin("O2"), "handle", false, "r->in.label", want);
	snprintf(want, sizeof(want), "pl=+0(+%u(+%u(%%di))):string", label, pin);
	expect_fetch(bin("O2"), "handle", false, "pl=r->pin->label", want);
	snprintf(want, sizeof(want), "tag=+%u(%%di):string", tag);
	expect_fetch(bin("O2"), "handle", false, "r->tag", want);
	snprintf(want, sizeof(want), "ports=+%u(%%di):u16[3]", ports);
	expect_fetch(bin("O2"), "handle", false, "r->ports", want);
	snprintf(want, sizeof(want), "ports=+%u(%%di):u16", ports + 2);
	expect_fetch(bin("O2"), "handle", false, "r->ports[1]", want);
	snprintf(want, sizeof(want), "tag=+%u(%%di):u8[4]", tag);
	expect_fetch(bin("O2"), "handle", false, "r->tag:u8[4]", want);
	/* flag:3 then mode:5 fill the bits right after ports, inside the
	 * aligned unsigned int that holds them */
	snprintf(want, sizeof(want), "flag=+%u(%%di):b3@%u/32", flags / 4 * 4,
		 (flags - flags / 4 * 4) * 8);
	expect_fetch(bin("O2"), "handle", false, "r->flag", want);
	snprintf(want, sizeof(want), "mode=+%u(%%di):b5@%u/32", flags / 4 * 4,
		 (flags - flags / 4 * 4) * 8 + 3);
	expect_fetch(bin("O2"), "handle", false, "r->mode", want);
}

static void expect_err(const char *file, const char *spec, bool ret, const char *arg,
		       int code, const char *sub)
{
	char got[512];

	assert_int_equal(fetch(file, spec, !ret, ret, arg, got, sizeof(got)), code);
	if (!strstr(got, sub))
		fail_msg("'%s': '%s' not in '%s'", arg, sub, got);
}

static void test_refusals(void **state)
{
	expect_err(bin("O2"), "handle", false, "r->nope", -ENOENT, "len, delta, in");
	expect_err(bin("O2"), "handle", false, "r.len", -EINVAL, "use '->len'");
	expect_err(bin("O2"), "handle", false, "col->x", -EINVAL, "use '.x'");
	expect_err(bin("O2"), "handle", false, "r->in", -ENOTSUP, "name a member");
	expect_err(bin("O2"), "handle", false, "nosuch", -ENOENT, "no variable 'nosuch'");
	expect_err(bin("O2"), "handle", false, "local", -ENODATA, "it is at handle+");
	expect_err(bin("O2"), "handle", false, "r->tag[9]", -ERANGE, "past its end");
	expect_err(bin("O2"), "handle", false, "$retval", -EINVAL, "return probes");
	expect_err(bin("O2"), "handle", true, "r", -ENODATA, "return probe");
}

static void test_retval_and_params(void **state)
{
	struct resolve_dwarf *d = resolve_dwarf_open(bin("O2"));
	struct resolve_loc *locs;
	char got[256], **args;
	size_t n, na;

	assert_int_equal(fetch(bin("O2"), "handle", false, true, "$retval", got, sizeof(got)), 0);
	assert_string_equal(got, "ret=$retval:s32");
	assert_int_equal(fetch(bin("O2"), "strs", false, true, "n=$retval", got, sizeof(got)), 0);
	assert_string_equal(got, "n=$retval:s64");
	assert_non_null(d);
	assert_int_equal(resolve_dwarf_place(d, "ints", 0, 4, &locs, &n), 0);
	assert_int_equal(resolve_dwarf_args(d, &locs[0], false, "$params", &args, &na), 0);
	assert_int_equal(na, 8);
	assert_string_equal(args[0], "a=%di:s8");
	assert_string_equal(args[7], "h=+16(%sp):u64");
	resolve_dwarf_args_free(args, na);
	resolve_locs_free(locs, n);
	resolve_dwarf_close(d);
}

/* A global: @+N where the kernel's (probe address - probe offset + N) is
 * the variable's address. */
static void test_globals(void **state)
{
	const char *files[] = { bin("O0"), bin("clang") };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct resolve_dwarf *d = resolve_dwarf_open(files[i]);
		struct resolve_loc *locs;
		char line[128], want[128], **args;
		unsigned long long var;
		size_t n, na;

		assert_non_null(d);
		sh_line(line, sizeof(line), "nm '%s' | awk '$3 == \"counter\" { print $1 }'",
			files[i]);
		assert_true(sscanf(line, "%llx", &var) == 1);
		assert_int_equal(resolve_dwarf_place(d, "handle", 0, 4, &locs, &n), 0);
		assert_int_equal(resolve_dwarf_args(d, &locs[0], false, "counter", &args, &na), 0);
		snprintf(want, sizeof(want), "counter=@+%#llx:s32",
			 var - locs[0].addr + locs[0].offset);
		assert_string_equal(args[0], want);
		resolve_dwarf_args_free(args, na);
		resolve_locs_free(locs, n);
		resolve_dwarf_close(d);
	}
}

/* FILE:LINE and FUNC:RELLINE: addr2line maps each place back to the line. */
static void test_lines(void **state)
{
	struct resolve_dwarf *d = resolve_dwarf_open(bin("O0"));
	struct resolve_loc *locs;
	char line[256], spec[64], want[64];
	size_t n, i;
	int ln, decl;

	assert_non_null(d);
	sh_line(line, sizeof(line), "grep -n LINE-double " FX "/dwarf-vars.c | cut -d: -f1");
	ln = atoi(line);
	sh_line(line, sizeof(line), "grep -n '^__attribute__((noinline)) int handle' "
		FX "/dwarf-vars.c | cut -d: -f1");
	decl = atoi(line);
	assert_true(ln > 0 && decl > 0);
	snprintf(spec, sizeof(spec), "dwarf-vars.c:%d", ln);
	snprintf(want, sizeof(want), "dwarf-vars.c:%d", ln);
	assert_int_equal(resolve_dwarf_place(d, spec, 0, 16, &locs, &n), 0);
	assert_true(n >= 1);
	for (i = 0; i < n; i++) {
		sh_line(line, sizeof(line), "addr2line -e '%s' %#" PRIx64 " | sed 's/ .*//'",
			bin("O0"), locs[i].addr);
		assert_non_null(strstr(line, want));
	}
	resolve_locs_free(locs, n);
	snprintf(spec, sizeof(spec), "handle:%d", ln - decl);
	assert_int_equal(resolve_dwarf_place(d, spec, 0, 16, &locs, &n), 0);
	sh_line(line, sizeof(line), "addr2line -e '%s' %#" PRIx64 " | sed 's/ .*//'",
		bin("O0"), locs[0].addr);
	assert_non_null(strstr(line, want));
	resolve_locs_free(locs, n);
	assert_int_equal(resolve_dwarf_place(d, "dwarf-vars.c:1", 0, 16, &locs, &n), -ENOENT);
	assert_non_null(strstr(resolve_dwarf_errmsg(), "nearest line"));
	assert_int_equal(resolve_dwarf_place(d, "nosuch.c:3", 0, 16, &locs, &n), -ENOENT);
	assert_true(resolve_dwarf_is_line("a.c:12"));
	assert_true(resolve_dwarf_is_line("main:3"));
	assert_false(resolve_dwarf_is_line("ns::f"));
	assert_false(resolve_dwarf_is_line("f(int)"));
	assert_false(resolve_dwarf_is_line("a.c:"));
	resolve_dwarf_close(d);
}

static uint64_t elf_offset(const char *file, const char *sym)
{
	struct resolve_elf *e = resolve_open(file);
	struct resolve_loc loc = { 0 };
	uint64_t off;

	assert_non_null(e);
	assert_int_equal(resolve_symbol(e, sym, 0, &loc), 0);
	off = loc.offset;
	resolve_loc_clear(&loc);
	resolve_close(e);
	return off;
}

/* Clones and inlined copies, and a stripped program through its debug file. */
static void test_copies_and_debuglink(void **state)
{
	struct resolve_dwarf *d = resolve_dwarf_open(bin("O2"));
	struct resolve_loc *locs;
	size_t n;

	assert_non_null(d);
	assert_int_equal(resolve_dwarf_place(d, "scale", 0, 16, &locs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(locs[0].offset, elf_offset(bin("O2"), "scale.constprop.0"));
	resolve_locs_free(locs, n);
	assert_int_equal(resolve_dwarf_place(d, "twice", 0, 16, &locs, &n), 0);
	assert_int_equal(n, 2);
	resolve_locs_free(locs, n);
	assert_int_equal(resolve_dwarf_place(d, "twice", RESOLVE_DWARF_NO_INLINES, 16, &locs, &n),
			 -ENOENT);
	resolve_dwarf_close(d);

	d = resolve_dwarf_open(bin("stripped"));
	assert_non_null(d);
	assert_non_null(strstr(resolve_dwarf_debugfile(d), "stripped.debug"));
	assert_int_equal(resolve_dwarf_place(d, "handle", 0, 16, &locs, &n), 0);
	assert_int_equal(locs[0].offset, elf_offset(bin("O2"), "handle"));
	resolve_locs_free(locs, n);
	resolve_dwarf_close(d);

	sh("cp '%s' '%s' && strip -g '%s' && strip --remove-section=.gnu_debuglink '%s' || true",
	   bin("O2"), bin("nodebug"), bin("nodebug"), bin("nodebug"));
	assert_null(resolve_dwarf_open(bin("nodebug")));
	assert_int_equal(errno, ENODATA);
	assert_non_null(strstr(resolve_dwarf_errmsg(), "no debug information"));
}

/* C++: names from DWARF scopes, overloads by signature, nm -C agrees. */
static void test_cxx(void **state)
{
	struct resolve_dwarf *d = resolve_dwarf_open(bin("cxx"));
	struct resolve_dwarf_func *fs;
	struct resolve_loc *locs;
	char line[128];
	unsigned long long addr;
	size_t n, i;
	bool seen_int = false, seen_add = false;

	assert_non_null(d);
	assert_int_equal(resolve_dwarf_funcs(d, "acc::*", &fs, &n), 0);
	for (i = 0; i < n; i++) {
		seen_int |= strcmp(fs[i].name, "acc::twice(int)") == 0;
		seen_add |= strcmp(fs[i].name, "acc::Counter::add(long int, const char *)") == 0;
	}
	assert_true(seen_int && seen_add);
	resolve_dwarf_funcs_free(fs, n);
	sh_line(line, sizeof(line), "nm -C '%s' | grep ' acc::twice(double)$' | cut -d' ' -f1",
		bin("cxx"));
	assert_true(sscanf(line, "%llx", &addr) == 1);
	assert_int_equal(resolve_dwarf_place(d, "acc::twice(double)", 0, 4, &locs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(locs[0].addr, addr);
	resolve_locs_free(locs, n);
	assert_int_equal(resolve_dwarf_place(d, "acc::twice", 0, 4, &locs, &n), -ENOTUNIQ);
	assert_non_null(strstr(resolve_dwarf_errmsg(), "acc::twice(int)"));
	resolve_dwarf_close(d);
}

/* libc through libc6-dbg: malloc is __libc_malloc in DWARF. */
static void test_libc(void **state)
{
	struct resolve_dwarf *d;
	struct resolve_loc *locs;
	char **args;
	size_t n, na;

	if (access("/usr/lib/debug/.build-id", R_OK) || access(LIBC, R_OK))
		skip();
	d = resolve_dwarf_open(LIBC);
	if (!d)
		skip();
	assert_int_equal(resolve_dwarf_place(d, "malloc", 0, 16, &locs, &n), 0);
	assert_int_equal(locs[0].offset, elf_offset(LIBC, "malloc"));
	assert_int_equal(resolve_dwarf_args(d, &locs[0], false, "bytes", &args, &na), 0);
	assert_string_equal(args[0], "bytes=%di:u64");
	resolve_dwarf_args_free(args, na);
	resolve_locs_free(locs, n);
	resolve_dwarf_close(d);
}

static void test_is_expr(void **state)
{
	assert_true(resolve_dwarf_is_expr("len", false));
	assert_true(resolve_dwarf_is_expr("n=req->len", false));
	assert_true(resolve_dwarf_is_expr("*p", false));
	assert_true(resolve_dwarf_is_expr("_x:u8", false));
	assert_true(resolve_dwarf_is_expr("$params", false));
	assert_true(resolve_dwarf_is_expr("$retval->len", true));
	assert_false(resolve_dwarf_is_expr("$retval", false));
	assert_false(resolve_dwarf_is_expr("%di", false));
	assert_false(resolve_dwarf_is_expr("x=%di:u32", false));
	assert_false(resolve_dwarf_is_expr("+8(%si):string", false));
	assert_false(resolve_dwarf_is_expr("@+0x10", false));
	assert_false(resolve_dwarf_is_expr("$comm", false));
	assert_false(resolve_dwarf_is_expr("\\42", false));
}

/* ---- issue 7: C++ from clang, signatures as typed, library globals ---- */

/* clang defines namespace functions inside the namespace, where
 * dwarf_getscopes() does not look; g++ at the top level. */
static void test_cxx_compilers(void **state)
{
	static const char *const builds[][2] = {
		{ "clang++ -g -O0", "cxx-clang-O0" }, { "clang++ -g -O2", "cxx-clang-O2" },
		{ "g++ -g -O0", "cxx-gcc-O0" }, { "g++ -g -O2", "cxx-gcc-O2" },
	};
	static const char *const sigs[] = {
		"acc::Counter::add(long, char const*)", "acc::Counter::add(long int, const char *)",
		"acc::Counter::add(long,char const *)", "acc::Counter::add(signed long, const char*)",
	};
	struct resolve_dwarf *d;
	struct resolve_loc *locs;
	char got[256];
	size_t i, j, n;

	for (i = 0; i < sizeof(builds) / sizeof(builds[0]); i++) {
		const char *b = bin(builds[i][1]);

		sh("%s -o '%s' " FX "/dwarf-cxx.cpp", builds[i][0], b);
		assert_int_equal(fetch(b, "acc::twice(int)", true, false, "x", got,
				       sizeof(got)), 0);
		assert_true(strncmp(got, "x=", 2) == 0);
		assert_int_equal(fetch(b, "acc::twice(double)", true, false, "$params", got,
				       sizeof(got)) == 0 || strstr(got, "vector") != NULL, 1);
		d = resolve_dwarf_open(b);
		assert_non_null(d);
		for (j = 0; j < sizeof(sigs) / sizeof(sigs[0]); j++) {
			if (resolve_dwarf_place(d, sigs[j], 0, 4, &locs, &n))
				fail_msg("%s: '%s': %s", b, sigs[j], resolve_dwarf_errmsg());
			assert_int_equal(n, 1);
			resolve_locs_free(locs, n);
		}
		assert_int_equal(resolve_dwarf_place(d, "acc::Counter::add(int, char const*)",
						     0, 4, &locs, &n), -ENOENT);
		resolve_dwarf_close(d);
	}
}

/* An exported global of a library: through its GOT slot, where ld.so
 * points it at the executable's copy; a hidden one and an executable's
 * stay in place. */
static void test_library_globals(void **state)
{
	char lib[PATH_MAX + 64], want[128], slot[64], got[256];

	snprintf(lib, sizeof(lib), "%s", bin("libglob-fx.so"));
	sh("gcc -g -O2 -fPIC -shared -o '%s' " FX "/glob-lib.c", lib);
	sh("gcc -g -O2 -o '%s' " FX "/glob-main.c '%s'", bin("glob-main"), lib);
	sh_line(slot, sizeof(slot), "readelf -rW '%s' | awk '$3 == \"R_X86_64_GLOB_DAT\" && "
		"$5 == \"lib_counter\" { print $1 }'", lib);
	snprintf(want, sizeof(want), "lib_counter=+0(@+%#llx):s32", strtoull(slot, NULL, 16));
	expect_fetch(lib, "lib_tick", false, "lib_counter", want);
	assert_int_equal(fetch(lib, "lib_tick", false, false, "lib_hidden", got, sizeof(got)), 0);
	assert_true(strncmp(got, "lib_hidden=@+0x", 15) == 0);
	assert_int_equal(fetch(lib, "lib_tick", false, false, "lib_static", got, sizeof(got)), 0);
	assert_true(strncmp(got, "lib_static=@+0x", 15) == 0);
	assert_int_equal(fetch(bin("glob-main"), "main", false, false, "lib_counter", got,
			       sizeof(got)), 0);
	assert_true(strncmp(got, "lib_counter=@+0x", 16) == 0);
}

/* DWARF that lies (tests/fixtures/dwarf-bad.py): refused with the reason,
 * never a wrapped frame offset, nothing leaked. */
static void test_damaged(void **state)
{
	struct resolve_dwarf *d = resolve_dwarf_open(bin("bad"));
	struct resolve_loc *locs = NULL;
	char **args = NULL;
	size_t n = 7, na = 0;

	assert_non_null(d);
	assert_int_equal(resolve_dwarf_place(d, "nowhere", 0, 16, &locs, &n), -ENOENT);
	assert_null(locs);
	assert_int_equal(n, 0);
	assert_non_null(strstr(resolve_dwarf_errmsg(), "in no loaded segment"));
	assert_int_equal(resolve_dwarf_place(d, "shifted", 0, 16, &locs, &n), 0);
	assert_int_equal(n, 1);
	/* at the entry: where the ABI passes it */
	assert_int_equal(resolve_dwarf_args(d, &locs[0], false, "k", &args, &na), 0);
	assert_string_equal(args[0], "k=%di:s32");
	resolve_dwarf_args_free(args, na);
	/* past push %rbp; mov %rsp,%rbp: the damaged slot */
	locs[0].addr += 4;
	locs[0].offset += 4;
	locs[0].add += 4;
	assert_int_equal(resolve_dwarf_args(d, &locs[0], false, "k", &args, &na), -ENOTSUP);
	assert_null(args);
	assert_non_null(strstr(resolve_dwarf_errmsg(), "beyond any stack frame"));
	resolve_locs_free(locs, n);
	resolve_dwarf_close(d);
}

/*
 * The C spelling of qualified arrays and pointers (tests/fixtures/dwarf-quals.c):
 * gdb's whatis with its spaces closed up ("char * const" -> "char *const",
 * "char [14]" -> "char[14]"); the table holds it for machines without gdb.
 */
static const char *const quals_want[][2] = {
	{ "msg", "const char[14]" },
	{ "names", "const char *const[4]" },
	{ "slots", "char *const[4]" },
	{ "cstrs", "const char *[2]" },
	{ "pcp", "char *const *" },
	{ "regs", "const volatile int[3]" },
	{ "vp", "volatile int *const" },
	{ "rows", "const int (*)[5]" },
	{ "grid", "char (*)[2][3]" },
	{ "ppc", "const char *const *const" },
	{ "tls_counter", "int" },
};

static const struct resolve_dwarf_var *var_named(const struct resolve_dwarf_var *vs, size_t n,
						 const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(vs[i].name, name) == 0)
			return &vs[i];
	fail_msg("no variable '%s'", name);
	return NULL;
}

static void expect_quals(const char *file)
{
	struct resolve_dwarf *d = resolve_dwarf_open(file);
	const struct resolve_dwarf_var *v;
	struct resolve_dwarf_var *vs;
	struct resolve_loc *locs;
	size_t n, nv, i;

	assert_non_null(d);
	assert_int_equal(resolve_dwarf_place(d, "quals_use", 0, 4, &locs, &n), 0);
	assert_int_equal(resolve_dwarf_vars(d, &locs[0], &vs, &nv), 0);
	for (i = 0; i < ARRAY_SIZE(quals_want); i++) {
		v = var_named(vs, nv, quals_want[i][0]);
		if (strcmp(v->type, quals_want[i][1]))
			fail_msg("%s: '%s' is '%s', not '%s'", file, v->name, v->type,
				 quals_want[i][1]);
	}
	/* thread-local: refused, with that reason, in vars and in add's args */
	v = var_named(vs, nv, "tls_counter");
	assert_null(v->fetch);
	assert_non_null(v->why);
	assert_non_null(strstr(v->why, "is thread-local"));
	resolve_dwarf_vars_free(vs, nv);
	resolve_locs_free(locs, n);
	resolve_dwarf_close(d);
	expect_err(file, "quals_use", false, "tls_counter", -ENOTSUP, "is thread-local");
}

static void test_qualified_types(void **state)
{
	char line[256];
	size_t i;

	sh("gcc -g -O0 -o '%s' " FX "/dwarf-quals.c", bin("quals"));
	sh("clang -g -O0 -o '%s' " FX "/dwarf-quals.c", bin("quals-clang"));
	expect_quals(bin("quals"));
	expect_quals(bin("quals-clang"));
	if (system("command -v gdb >/dev/null 2>&1") != 0)
		return;
	for (i = 0; i < ARRAY_SIZE(quals_want); i++) {
		sh_line(line, sizeof(line), "gdb -nx -batch -ex 'whatis %s' '%s' 2>/dev/null | "
			"sed -n 's/^type = //p' | sed -e 's/\\* const/*const/g' "
			"-e 's/\\([a-z]\\) \\[/\\1[/g'", quals_want[i][0], bin("quals"));
		assert_string_equal(line, quals_want[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_expr),
		cmocka_unit_test(test_abi_registers),
		cmocka_unit_test(test_prologue_slots),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_retval_and_params),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_copies_and_debuglink),
		cmocka_unit_test(test_cxx),
		cmocka_unit_test(test_libc),
		cmocka_unit_test(test_cxx_compilers),
		cmocka_unit_test(test_library_globals),
		cmocka_unit_test(test_qualified_types),
	};

	return cmocka_run_group_tests_name("dwarf", tests, setup, NULL);
}
