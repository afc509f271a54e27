// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the function at an offset: the index by address that the
 * second lookup on a file builds gives, at every function's first, middle
 * and last byte and just past it, what the walk over the whole table gives
 * (the same best name of aliases and of nested symbols). On libc, whose
 * table has aliases, versions and symbols inside others.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/resolve-int.h"

static const char libc[] = "/lib/x86_64-linux-gnu/libc.so.6";

struct offs {
	uint64_t *v;
	size_t n, cap;
	size_t seen;	/* functions: every third is asked about, to keep the walks short */
};

static void push(struct offs *o, uint64_t off)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 1024;
		o->v = reallocarray(o->v, o->cap, sizeof(*o->v));
		assert_non_null(o->v);
	}
	o->v[o->n++] = off;
}

static int collect(const struct resolve_sym *s, void *arg)
{
	struct offs *o = arg;
	uint64_t a = s->sym.st_value, z = s->sym.st_size;

	if (o->seen++ % 3)
		return 0;
	push(o, a);
	push(o, a + z / 2);
	if (z) {
		push(o, a + z - 1);
		push(o, a + z);
	}
	return 0;
}

/* The walk's answer: a lookup count of 0 and no index make func_at() walk. */
static int walk_answer(struct resolve_elf *e, uint64_t vaddr, char **name, uint64_t *add)
{
	uint64_t off;

	e->addr_lookups = 0;
	if (resolve_elf_vaddr_to_off(e, vaddr, &off))
		return 1;
	return resolve_offset_to_symbol(e, off, name, add);
}

static void test_index_is_walk(void **state)
{
	struct resolve_elf *walk = resolve_open(libc), *idx = resolve_open(libc);
	struct offs o = { 0 };
	size_t i, same = 0;

	(void)state;
	if (!walk || !idx)
		skip();
	resolve_elf_each_func(walk, collect, &o);
	assert_true(o.n > 500);
	for (i = 0; i < o.n; i++) {
		char *a = NULL, *b = NULL;
		uint64_t aa = 0, ba = 0, off;
		int ra = walk_answer(walk, o.v[i], &a, &aa), rb;

		if (ra == 1)
			continue;	/* not in an executable segment */
		assert_int_equal(resolve_elf_vaddr_to_off(idx, o.v[i], &off), 0);
		rb = resolve_offset_to_symbol(idx, off, &b, &ba);
		assert_int_equal(ra, rb);
		if (!ra) {
			assert_string_equal(a, b);
			assert_int_equal(aa, ba);
		}
		same++;
		free(a);
		free(b);
	}
	assert_non_null(idx->byaddr);
	assert_null(walk->byaddr);
	assert_true(same > 500);
	free(o.v);
	resolve_close(walk);
	resolve_close(idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_is_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
