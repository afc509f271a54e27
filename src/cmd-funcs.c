// SPDX-License-Identifier: GPL-2.0
/* uprobe funcs: the functions of a file that can be probed, from its debug
 * information (demangled, with inlined copies), else from its symbols. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "resolve.h"
#include "resolve-dwarf.h"

static const struct argp funcs_argp = {
	NULL, cli_args_parse, "PATH [GLOB]",
	"List the functions of PATH that can be probed, with their file offsets.\v"
	"With debug information the names are the source's (C++ demangled, with "
	"namespaces, classes and signatures), and inlined copies and compiler "
	"clones are counted; without, the symbol table is listed. GLOB (fnmatch) "
	"keeps the matching names.\n\n"
	"Examples:\n"
	"  uprobe funcs /bin/bash 'read*'\n"
	"  uprobe funcs ./app 'ns::Klass::*'",
	cli_pid_children, NULL, NULL
};

/* One function in JSON; @symbol is its name in the symbol table, if any. */
static void func_json(struct json_writer *w, const char *name, uint64_t offset, uint64_t addr,
		      size_t ninlined, bool clone, const char *symbol, const char *file,
		      int line)
{
	json_obj_begin(w);
	json_str_field(w, "name", name);
	if (addr) {
		json_uint_field(w, "offset", offset);
		json_uint_field(w, "address", addr);
	} else {
		json_null_field(w, "offset");
		json_null_field(w, "address");
	}
	json_uint_field(w, "inlined", ninlined);
	json_bool_field(w, "clone", clone);
	json_str_field(w, "symbol", symbol);
	json_str_field(w, "file", file);
	json_int_field(w, "line", line);
	json_obj_end(w);
}

static void print_dwarf(const struct resolve_dwarf_func *fs, size_t n)
{
	size_t i;

	if (g_opts.json)
		json_arr_begin(cli_json());
	for (i = 0; i < n; i++) {
		const struct resolve_dwarf_func *f = &fs[i];

		if (g_opts.json) {
			func_json(cli_json(), f->name, f->offset, f->addr, f->ninlined, f->clone,
				  f->linkage ? f->linkage : f->addr ? f->name : NULL, f->file,
				  f->line);
			continue;
		}
		if (f->addr)
			printf("%#10" PRIx64 "  %s", f->offset, f->name);
		else
			printf("%10s  %s", "inlined", f->name);
		if (f->ninlined)
			printf("  (+%zu inlined)", f->ninlined);
		if (f->linkage && f->clone)
			printf("  (as %s)", f->linkage);
		if (f->file)
			printf("  %s:%d", f->file, f->line);
		putchar('\n');
	}
	if (g_opts.json)
		json_arr_end(cli_json());
}

/* No debug information: the symbol table, through the ELF resolver. */
static int list_symbols(const char *path, const char *glob)
{
	struct resolve_loc *locs = NULL;
	struct resolve_elf *e;
	size_t n = 0, i;
	int ret;

	e = resolve_open(path);
	if (!e) {
		err("'%s': %s", path, resolve_errmsg());
		return EXIT_FAIL;
	}
	ret = resolve_glob(e, glob ? glob : "*", SIZE_MAX, &locs, &n);
	resolve_close(e);
	if (ret) {
		/* nothing to list is worth saying: a stripped file, or a glob
		 * that matches nothing */
		err("'%s': %s", path, resolve_errmsg());
		return EXIT_FAIL;
	}
	if (g_opts.json)
		json_arr_begin(cli_json());
	for (i = 0; i < n; i++) {
		char *cxx = resolve_demangle(locs[i].symbol);	/* C++: as people type it */
		const char *name = cxx ? cxx : locs[i].symbol;

		if (g_opts.json)
			func_json(cli_json(), name, locs[i].offset, locs[i].addr, 0,
				  false, locs[i].symbol, NULL, 0);
		else
			printf("%#10" PRIx64 "  %s\n", locs[i].offset, name);
		free(cxx);
	}
	if (g_opts.json)
		json_arr_end(cli_json());
	resolve_locs_free(locs, n);
	return EXIT_OK;
}

int cmd_funcs(int argc, char **argv)
{
	struct cli_args o = {
		.max = 2, .form = "PATH and at most one GLOB",
		.need = "name the program or library, as in 'uprobe funcs /bin/bash'",
	};
	const char *glob;
	struct resolve_dwarf_func *fs = NULL;
	struct resolve_dwarf *d;
	size_t n = 0;
	char *path;
	int ret, status = EXIT_FAIL;

	if (cli_parse(&funcs_argp, argc, argv, &o))
		return EXIT_FAIL;
	glob = o.n > 1 ? o.v[1] : NULL;
	path = cli_find(o.v[0], g_pid);
	if (!path)
		return EXIT_FAIL;
	d = resolve_dwarf_open(path);
	if (!d) {
		if (errno != ENODATA) {
			err("'%s': %s", path, resolve_dwarf_errmsg());
			goto out_free;
		}
		verbose("%s", resolve_dwarf_errmsg());
		status = list_symbols(path, glob);
		goto out_free;
	}
	ret = resolve_dwarf_funcs(d, glob, &fs, &n);
	if (ret) {
		err_errno(ret, "'%s'", path);
		goto out_free;
	}
	if (n == 0) {
		err("'%s': no function matches '%s'", path, glob ? glob : "*");
		goto out_free;
	}
	print_dwarf(fs, n);
	status = EXIT_OK;
out_free:
	resolve_dwarf_funcs_free(fs, n);
	resolve_dwarf_close(d);
	free(path);
	return status;
}
