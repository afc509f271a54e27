// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the shared helpers: the u64 map, the whole-file reader,
 * a process's existence and name, the x86-64 register table, the number
 * parsers. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../src/util.h"
#include "x86-regs.h"

static int freed;

static void count_free(void *p)
{
	freed++;
	free(p);
}

/* Keys that collide in the low bits, past several growths, and key 0. */
static void test_u64map(void **state)
{
	struct u64map m = { 0 };
	uint64_t k;
	int *v;

	assert_null(u64map_get(&m, 7));
	for (k = 0; k < 5000; k++) {
		v = malloc(sizeof(*v));
		assert_non_null(v);
		*v = (int)k;
		assert_int_equal(u64map_put(&m, k << 20, v), 0);
	}
	assert_int_equal(m.len, 5000);
	for (k = 0; k < 5000; k++) {
		v = u64map_get(&m, k << 20);
		assert_non_null(v);
		assert_int_equal(*v, (int)k);
	}
	assert_null(u64map_get(&m, 1));
	v = malloc(sizeof(*v));
	assert_int_equal(u64map_put(&m, 3 << 20, v), -EEXIST);
	free(v);
	assert_int_equal(*(int *)u64map_get(&m, 3 << 20), 3);
	freed = 0;
	u64map_free(&m, count_free);
	assert_int_equal(freed, 5000);
	assert_null(u64map_get(&m, 0));
}

static void test_read_file(void **state)
{
	size_t len = 0;
	char *s = util_read_file("/proc/self/status", &len);

	assert_non_null(s);
	assert_true(len > 0 && strlen(s) == len);
	assert_non_null(strstr(s, "Name:"));
	free(s);
	errno = 0;
	assert_null(util_read_file("/nonexistent/file", NULL));
	assert_int_equal(errno, ENOENT);
}

/* A reaped child's pid is gone */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* Exists unless ESRCH: pid 1 seen by a user that may not signal it (EPERM)
 * exists. Run in a child made nobody when we are root. */
static void test_pid_exists(void **state)
{
	pid_t pid;
	int status;

	assert_true(util_pid_exists(getpid()));
	assert_true(util_pid_exists(1));
	assert_false(util_pid_exists(dead_pid()));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && setuid(65534))
			_exit(2);
		if (kill(1, 0) == 0 || errno != EPERM)
			_exit(3);
		_exit(util_pid_exists(1) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	/* 3: pid 1 is ours to signal (a container of our user): no EPERM */
	if (WEXITSTATUS(status) != 3)
		assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_proc_comm(void **state)
{
	char buf[32];

	assert_int_equal(prctl(PR_SET_NAME, "util-comm-test"), 0);
	assert_int_equal(util_proc_comm(getpid(), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "util-comm-test");
	assert_int_equal(util_proc_comm(getpid(), buf, 5), 0);
	assert_string_equal(buf, "util");
	assert_int_equal(util_proc_comm(dead_pid(), buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "");
}

static void test_x86_regs(void **state)
{
	const char *k;
	unsigned int w;

	assert_true(x86_reg_known("di", 2));
	assert_true(x86_reg_known("orig_ax", 7));
	assert_false(x86_reg_known("rdi", 3));
	assert_string_equal(x86_reg_dwarf(5), "di");
	assert_string_equal(x86_reg_dwarf(7), "sp");
	assert_null(x86_reg_dwarf(16));
	assert_true(x86_reg_asm("r15d", 4, &k, &w));
	assert_string_equal(k, "r15");
	assert_int_equal(w, 4);
	assert_true(x86_reg_asm("al", 2, &k, &w));
	assert_string_equal(k, "ax");
	assert_int_equal(w, 1);
	assert_false(x86_reg_asm("ah", 2, &k, &w));
	assert_false(x86_reg_asm("xmm0", 4, &k, &w));
	assert_string_equal(x86_arg_regs[3], "cx");
}

/* The whole text in range, or -EINVAL / -ERANGE with *out untouched. */
static void test_parse(void **state)
{
	unsigned long u = 42;
	double d = 42;
	pid_t pid = 42;

	assert_int_equal(util_parse_ulong("7", 1, 10, &u), 0);
	assert_int_equal(u, 7);
	assert_int_equal(util_parse_ulong("18446744073709551615", 0, ULONG_MAX, &u), 0);
	assert_true(u == ULONG_MAX);
	u = 42;
	assert_int_equal(util_parse_ulong("18446744073709551616", 0, ULONG_MAX, &u), -ERANGE);
	assert_int_equal(util_parse_ulong("11", 1, 10, &u), -ERANGE);
	assert_int_equal(util_parse_ulong("0", 1, 10, &u), -ERANGE);
	assert_int_equal(util_parse_ulong("-1", 0, ULONG_MAX, &u), -EINVAL);
	assert_int_equal(util_parse_ulong("+1", 0, 10, &u), -EINVAL);
	assert_int_equal(util_parse_ulong(" 1", 0, 10, &u), -EINVAL);
	assert_int_equal(util_parse_ulong("1 ", 0, 10, &u), -EINVAL);
	assert_int_equal(util_parse_ulong("", 0, 10, &u), -EINVAL);
	assert_int_equal(util_parse_ulong("0x1", 0, 10, &u), -EINVAL);
	assert_int_equal(u, 42);

	assert_int_equal(util_parse_double(".5", 0.01, 10, &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(util_parse_double("1e3", 0, 1e9, &d), 0);
	assert_true(d == 1000);
	d = 42;
	assert_int_equal(util_parse_double("inf", 0, 1e9, &d), -EINVAL);
	assert_int_equal(util_parse_double("nan", 0, 1e9, &d), -EINVAL);
	assert_int_equal(util_parse_double("-1", -5, 1e9, &d), -EINVAL);
	assert_int_equal(util_parse_double(".", 0, 1e9, &d), -EINVAL);
	assert_int_equal(util_parse_double("1s", 0, 1e9, &d), -EINVAL);
	assert_int_equal(util_parse_double("1e400", 0, 1e9, &d), -ERANGE);
	assert_int_equal(util_parse_double("0.001", 0.01, 1e9, &d), -ERANGE);
	assert_true(d == 42);

	assert_int_equal(util_parse_pid("1", &pid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(util_parse_pid("2147483647", &pid), 0);
	assert_int_equal(pid, 2147483647);
	assert_int_equal(util_parse_pid("2147483648", &pid), -ERANGE);
	assert_int_equal(util_parse_pid("0", &pid), -ERANGE);
	assert_int_equal(util_parse_pid("-1", &pid), -EINVAL);
	assert_int_equal(pid, 2147483647);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64map),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_pid_exists),
		cmocka_unit_test(test_proc_comm),
		cmocka_unit_test(test_x86_regs),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
