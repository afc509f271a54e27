// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the instruction-boundary check on code assembled and
 * compiled here, at test time: tests/fixtures/insn-layout.S, whose
 * layout is written down below (endbr64, a 3-byte mov, a 10-byte movabs,
 * VEX, EVEX, prefixes, long NOPs, the 15-byte maximum), and
 * tests/fixtures/insn-vec.c built for AVX-512 by gcc and clang, whose
 * boundaries come from objdump, never from the code under test. Every
 * byte of each function is tried. Run from the repository root (or set
 * UPROBE_ROOT).
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

#include "common.h"

#include "insn.h"
#include "../src/util.h"


static char out[PATH_MAX];	/* absolute tests/out/insn */

/* insn-layout.S: where each instruction starts, then the end. */
static const uint64_t layout[] = {
	0x00, 0x04, 0x05, 0x08, 0x12, 0x16, 0x1c, 0x20, 0x2a, 0x2c, 0x30, 0x37, 0x40, 0x48,
	0x57, 0x5a, 0x5b, 0x5c,
};

static char *fx(const char *name)
{
	return ut_path(out, name);
}

/* Assembles or compiles @src with @cc, then keeps .text's bytes as NAME.bin. */
static int build_text(const char *cc, const char *src, const char *name)
{
	char obj[PATH_MAX + 80];

	snprintf(obj, sizeof(obj), "%s.o", fx(name));
	return ut_sh("%s -c -o %s %s", cc, obj, src) ||
	       ut_sh("objcopy -O binary --only-section=.text %s %s.bin", obj, fx(name));
}

static int setup(void **state)
{
	const char *avx = "-O3 -march=skylake-avx512 -fcf-protection";
	char cc[256];

	if (ut_out(FX "/insn-layout.S", "insn", out, sizeof(out)) ||
	    build_text("gcc", FX "/insn-layout.S", "layout"))
		return -1;
	snprintf(cc, sizeof(cc), "gcc %s", avx);
	if (build_text(cc, FX "/insn-vec.c", "vec-gcc"))
		return -1;
	snprintf(cc, sizeof(cc), "clang %s", avx);
	return build_text(cc, FX "/insn-vec.c", "vec-clang");
}

static uint8_t *load(const char *name, size_t *len)
{
	char path[PATH_MAX + 80];
	char *buf;

	snprintf(path, sizeof(path), "%s.bin", fx(name));
	buf = util_read_file(path, len);
	assert_non_null(buf);
	assert_true(*len > 0);
	return (uint8_t *)buf;
}

/* The instruction starts objdump sees in NAME.o's .text, then the end. */
static size_t ref_starts(const char *name, size_t len, uint64_t *v, size_t max)
{
	char cmd[PATH_MAX + 160], line[512];
	size_t n = 0;
	uint64_t a;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "objdump -d --no-show-raw-insn -j .text %s.o", fx(name));
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && n + 1 < max) {
		char tab;

		if (sscanf(line, " %" SCNx64 ":%c", &a, &tab) == 2 && tab == '\t')
			v[n++] = a;
		assert_null(strstr(line, "(bad)"));
	}
	pclose(f);
	assert_true(n > 10);
	v[n++] = len;
	return n;
}

/* Tries every byte of @code (at @start) against the boundaries @b[0..n). */
static void check_all(const uint8_t *code, size_t len, uint64_t start, const uint64_t *b,
		      size_t n)
{
	uint64_t t, before, after;
	size_t i = 0;
	int ret;

	assert_int_equal(b[n - 1], len);
	for (t = 0; t < len; t++) {
		if (t == b[i + 1])
			i++;
		ret = insn_check_boundary(code, len, start, start + t, &before, &after);
		if (ret != (t == b[i] ? 0 : -EILSEQ))
			fail_msg("+0x%" PRIx64 ": %d, want %s", t, ret, t == b[i] ? "0" : "-EILSEQ");
		assert_int_equal(before, start + b[i]);
		assert_int_equal(after, start + b[i + 1]);
	}
}

static void test_layout(void **state)
{
	size_t len;
	uint8_t *code = load("layout", &len);

	check_all(code, len, 0, layout, ARRAY_SIZE(layout));
	/* the same answers as virtual addresses */
	check_all(code, len, 0x401000, layout, ARRAY_SIZE(layout));
	free(code);
}

/* The traced program of issue 8: a probe at acc_add+2, inside a 3-byte mov. */
static void test_inside_mov(void **state)
{
	size_t len;
	uint8_t *code = load("layout", &len);
	uint64_t before = 0, after = 0;

	assert_int_equal(insn_check_boundary(code, len, 0x1000, 0x1007, &before, &after),
			 -EILSEQ);
	assert_int_equal(before, 0x1005);
	assert_int_equal(after, 0x1008);
	assert_int_equal(insn_check_boundary(code, len, 0x1000, 0x1008, NULL, NULL), 0);
	assert_int_equal(insn_check_boundary(code, len, 0x1000, 0x100c, NULL, &after), -EILSEQ);
	assert_int_equal(after, 0x1012);
	free(code);
}

static void test_range(void **state)
{
	size_t len;
	uint8_t *code = load("layout", &len);
	uint64_t before = 7, after = 9;

	assert_int_equal(insn_check_boundary(code, len, 0x1000, 0xfff, &before, &after), -ERANGE);
	assert_int_equal(insn_check_boundary(code, len, 0x1000, 0x1000 + len, &before, &after),
			 -ERANGE);
	assert_int_equal(insn_check_boundary(code, len, 0x1000, UINT64_MAX, &before, &after),
			 -ERANGE);
	assert_int_equal(insn_check_boundary(code, 0, 0x1000, 0x1000, &before, &after), -ERANGE);
	assert_int_equal(insn_check_boundary(code, len, UINT64_MAX - 4, UINT64_MAX - 2, &before,
					     &after), -ERANGE);
	assert_int_equal(before, 7);
	assert_int_equal(after, 9);
	free(code);
}

static void test_noexec(void **state)
{
	/* nop; push %es (no such instruction in 64-bit mode); nop */
	static const uint8_t bad[] = { 0x90, 0x06, 0x90 };
	/* nop; movabs cut short by the end of the function */
	static const uint8_t cut[] = { 0x90, 0x48, 0xb8, 0x01, 0x02, 0x03 };
	/* sixteen bytes: one prefix more than the longest instruction */
	static const uint8_t longer[] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x2e,
					  0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 };
	uint64_t before, after;

	assert_int_equal(insn_check_boundary(bad, 3, 0x10, 0x12, &before, &after), -ENOEXEC);
	assert_int_equal(before, 0x11);
	assert_int_equal(after, 0x11);
	assert_int_equal(insn_check_boundary(bad, 3, 0x10, 0x11, &before, &after), -ENOEXEC);
	/* the bytes past the target's instruction are not read */
	assert_int_equal(insn_check_boundary(bad, 3, 0x10, 0x10, &before, &after), 0);
	assert_int_equal(after, 0x11);
	assert_int_equal(insn_check_boundary(cut, sizeof(cut), 0, 3, &before, &after), -ENOEXEC);
	assert_int_equal(before, 1);
	assert_int_equal(insn_check_boundary(longer, sizeof(longer), 0, 15, &before, &after),
			 -ENOEXEC);
	assert_int_equal(before, 0);
}

static void check_compiled(const char *name)
{
	uint64_t b[4096];
	size_t len, n;
	uint8_t *code = load(name, &len);

	n = ref_starts(name, len, b, ARRAY_SIZE(b));
	check_all(code, len, 0, b, n);
	free(code);
}

static void test_gcc_avx512(void **state)
{
	check_compiled("vec-gcc");
}

static void test_clang_avx512(void **state)
{
	check_compiled("vec-clang");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_inside_mov),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_noexec),
		cmocka_unit_test(test_gcc_avx512),
		cmocka_unit_test(test_clang_avx512),
	};

	return cmocka_run_group_tests_name("insn", tests, setup, NULL);
}
