// SPDX-License-Identifier: GPL-2.0
/*
 * dw_decl_file() (src/dwarf-files.c, the line table header read by us)
 * against libdw's dwarf_decl_file() for every DIE that names a file, on
 * fixtures built here with DWARF 2, 4 and 5, by gcc and clang, and on libc
 * with libc6-dbg (compressed sections). Run from the repository root.
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <dwarf.h>

#include "../src/dwarf-files.h"
#include "../src/dwarf-int.h"

#define FX	"tests/fixtures"
#define LIBC	"/lib/x86_64-linux-gnu/libc.so.6"
#define OUT	"tests/out/dwfiles-unit"

/* Every DIE below @die: the two answers are the same string. */
static size_t compare_below(struct dw_files *c, Dwarf *dw, Dwarf_Die *die, int depth)
{
	Dwarf_Die k;
	size_t n = 0;
	const char *want, *got;

	if (depth > 64 || dwarf_child(die, &k))
		return 0;
	do {
		if (dwarf_hasattr_integrate(&k, DW_AT_decl_file)) {
			want = dwarf_decl_file(&k);
			got = dw_decl_file(c, dw, &k);
			if (!want != !got || (want && strcmp(want, got)))
				fail_msg("DIE %#llx: libdw '%s', ours '%s'",
					 (unsigned long long)dwarf_dieoffset(&k), want, got);
			n++;
		}
		n += compare_below(c, dw, &k, depth + 1);
	} while (dwarf_siblingof(&k, &k) == 0);
	return n;
}

static size_t compare_all(Dwarf *dw)
{
	struct dw_files c = { 0 };
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	size_t n = 0;

	while (dwarf_get_units(dw, cu, &cu, NULL, NULL, &cudie, NULL) == 0)
		n += compare_below(&c, dw, &cudie, 0);
	dw_files_free(&c);
	return n;
}

static void compare_file(const char *path)
{
	struct resolve_dwarf *d = resolve_dwarf_open(path);

	if (!d)
		fail_msg("%s: %s", path, resolve_dwarf_errmsg());
	assert_true(compare_all(d->dw) > 0);
	resolve_dwarf_close(d);
}

static void test_compilers(void **state)
{
	static const char *const builds[][2] = {
		{ "gcc -g -gdwarf-5 -O2", FX "/dwarf-vars.c" },
		{ "gcc -g -gdwarf-4 -O2", FX "/dwarf-vars.c" },
		{ "gcc -g -gdwarf-2 -O0", FX "/dwarf-vars.c" },
		{ "g++ -g -O2", FX "/dwarf-cxx.cpp" },
		{ "clang -g -O2", FX "/dwarf-vars.c" },
		{ "clang++ -g -gdwarf-4 -O0", FX "/dwarf-cxx.cpp" },
	};
	char cmd[512], bin[128];
	size_t i;

	for (i = 0; i < sizeof(builds) / sizeof(builds[0]); i++) {
		snprintf(bin, sizeof(bin), OUT "/b%zu", i);
		snprintf(cmd, sizeof(cmd), "mkdir -p " OUT " && %s -o %s %s", builds[i][0], bin,
			 builds[i][1]);
		if (system(cmd) != 0)
			fail_msg("failed: %s", cmd);
		compare_file(bin);
	}
}

static void test_libc(void **state)
{
	if (system("dpkg -s libc6-dbg >/dev/null 2>&1") != 0)
		skip();
	compare_file(LIBC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compilers),
		cmocka_unit_test(test_libc),
	};

	if (getenv("UPROBE_ROOT") && chdir(getenv("UPROBE_ROOT")) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
