// SPDX-License-Identifier: GPL-2.0
/* uprobe lines: the source lines of a function that can be probed. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "resolve.h"
#include "resolve-dwarf.h"

const struct argp lines_argp = {
	NULL, cli_args_parse, "PATH:FUNC",
	"List the source lines of function FUNC that can be probed.\v"
	"Each line that begins a statement, with its number relative to the "
	"function's first line (for 'uprobe add PATH:FUNC:RELLINE'), its file and "
	"line (for 'uprobe add PATH:FILE:LINE') and its file offset; lines of "
	"inlined copies are marked. Needs debug information.\n\n"
	"Example:\n"
	"  uprobe lines ./app:parse_request",
	cli_pid_children, NULL, NULL
};

static void print_json(struct json_writer *w, const struct resolve_dwarf_line *ls, size_t n)
{
	size_t i;

	json_arr_begin(w);
	for (i = 0; i < n; i++) {
		json_obj_begin(w);
		json_int_field(w, "relline", ls[i].relline);
		json_str_field(w, "file", ls[i].file);
		json_int_field(w, "line", ls[i].line);
		json_uint_field(w, "offset", ls[i].offset);
		json_uint_field(w, "address", ls[i].addr);
		json_bool_field(w, "inlined", ls[i].inlined);
		json_obj_end(w);
	}
	json_arr_end(w);
}

int cmd_lines(int argc, char **argv)
{
	struct cli_args o = {
		.max = 1, .form = "PATH:FUNC",
		.need = "name the function, as in 'uprobe lines ./app:main'",
	};
	struct resolve_dwarf_line *ls = NULL;
	struct resolve_dwarf *d;
	const char *func = NULL;
	char *path = NULL;
	size_t n = 0, i;
	int ret, status = EXIT_FAIL;

	if (cli_parse(&lines_argp, argc, argv, &o))
		return EXIT_FAIL;
	d = cli_dwarf_target(&o, &path, &func, &status);
	if (!d)
		goto out_free;
	ret = resolve_dwarf_lines(d, func, &ls, &n);
	if (ret) {
		err("'%s': %s", o.v[0], resolve_dwarf_errmsg());
		goto out_free;
	}
	if (g_opts.json)
		print_json(cli_json(), ls, n);
	for (i = 0; !g_opts.json && i < n; i++)
		printf("%5d  %s:%d  %#" PRIx64 "%s\n", ls[i].relline, ls[i].file,
		       ls[i].line, ls[i].offset, ls[i].inlined ? "  (inlined)" : "");
	status = EXIT_OK;
out_free:
	resolve_dwarf_lines_free(ls, n);
	resolve_dwarf_close(d);
	free(path);
	return status;
}
