// SPDX-License-Identifier: GPL-2.0
/* uprobe lines: the source lines of a function that can be probed. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "resolve.h"
#include "resolve-dwarf.h"

static const struct argp lines_argp = {
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
		fputc('[', stdout);
	for (i = 0; i < n; i++) {
		if (!g_opts.json) {
			printf("%5d  %s:%d  %#" PRIx64 "%s\n", ls[i].relline, ls[i].file,
			       ls[i].line, ls[i].offset, ls[i].inlined ? "  (inlined)" : "");
			continue;
		}
		printf("%s{\"relline\": %d, \"file\": ", i ? ", " : "", ls[i].relline);
		json_str(stdout, ls[i].file);
		printf(", \"line\": %d, \"offset\": %" PRIu64 ", \"address\": %" PRIu64
		       ", \"inlined\": %s}", ls[i].line, ls[i].offset, ls[i].addr,
		       ls[i].inlined ? "true" : "false");
	}
	if (g_opts.json)
		printf("]\n");
	status = EXIT_OK;
out_free:
	resolve_dwarf_lines_free(ls, n);
	resolve_dwarf_close(d);
	free(path);
	return status;
}
