// SPDX-License-Identifier: GPL-2.0
/* uprobe: global options, then one command from the table below. */
#include <argp.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "util.h"

enum cmd_flags {
	NEEDS_TRACEFS	= 1 << 0,	/* tfs_init() before the command runs */
	JSON_LINES	= 1 << 1,	/* --json: a document per line, errors as they come */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct argp *argp;	/* its options (NULL: none a user types) */
	const char *summary;
	unsigned int flags;
};

static int cmd_help(int argc, char **argv);

/* Exact names only; an alias is a row of its own. */
static const struct cmd cmds[] = {
	{ "add", cmd_add, &add_argp,
	  "add uprobe events on symbols, offsets or globs", NEEDS_TRACEFS },
	{ "list", cmd_list, &list_argp,
	  "list uprobe events with their state and hits", NEEDS_TRACEFS },
	{ "del", cmd_del, &del_argp,
	  "remove uprobe events", NEEDS_TRACEFS },
	{ "clear", cmd_clear, &clear_argp,
	  "remove every uprobe event, or a group's", NEEDS_TRACEFS },
	{ "enable", cmd_enable, &enable_argp,
	  "enable uprobe events at the top level", NEEDS_TRACEFS },
	{ "disable", cmd_disable, &disable_argp,
	  "disable uprobe events at the top level", NEEDS_TRACEFS },
	{ "trace", cmd_trace, &trace_argp,
	  "add probes, stream their events, remove them at the end", NEEDS_TRACEFS | JSON_LINES },
	{ "stream", cmd_stream, &stream_argp,
	  "show every hit of uprobe events as it happens", NEEDS_TRACEFS | JSON_LINES },
	{ "profile", cmd_profile, &profile_argp,
	  "show how often each uprobe event fired", NEEDS_TRACEFS | JSON_LINES },
	{ "funcs", cmd_funcs, &funcs_argp,
	  "list the functions of a file that can be probed", 0 },
	{ "vars", cmd_vars, &vars_argp,
	  "list the variables at a place, with types and locations", 0 },
	{ "lines", cmd_lines, &lines_argp,
	  "list the source lines of a function that can be probed", 0 },
	{ "usdt", cmd_usdt, &usdt_argp,
	  "list the USDT markers of a file or a process, with their arguments", 0 },
	{ "help", cmd_help, NULL, "list the commands, or show one's help", 0 },
};

const char *argp_program_version = "uprobe " UPROBE_VERSION;
const char *argp_program_bug_address = NULL;

enum { OPT_TRACEFS = 0x100, OPT_PRETTY, OPT_USAGE };

/* -p is --pretty before the command only: after it, commands take -p PID. */
#define GLOBAL_OPTIONS(pretty_key)							\
	{ "json", 'j', NULL, 0, "Output JSON", -1 },					\
	{ "pretty", pretty_key, NULL, 0, "Output indented JSON (implies --json)", -1 },	\
	{ "verbose", 'v', NULL, 0, "Say more (repeat for more)", -1 },			\
	{ "tracefs", OPT_TRACEFS, "DIR", 0, "Use the tracefs mounted at DIR", -1 },	\
	{ 0 }

static const struct argp_option top_options[] = { GLOBAL_OPTIONS('p') };
static const struct argp_option global_options[] = { GLOBAL_OPTIONS(OPT_PRETTY) };

static error_t global_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		g_opts.json = true;
		break;
	case 'p':
	case OPT_PRETTY:
		g_opts.json = true;
		g_opts.pretty = true;
		break;
	case 'v':
		g_opts.verbose++;
		break;
	case OPT_TRACEFS:
		g_opts.tracefs = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp global_argp = { global_options, global_parse, NULL, NULL,
				  NULL, NULL, NULL };

static const struct argp top_argp = { top_options, global_parse, NULL, NULL,
				     NULL, NULL, NULL };

const struct argp_child cli_children[] = {
	{ &global_argp, 0, "Global options:", 0 },
	{ 0 }
};

struct main_args {
	int cmd_index;
};

static error_t main_parse(int key, char *arg, struct argp_state *state)
{
	struct main_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		break;
	case ARGP_KEY_ARG:
		/* the command: what follows is its own */
		a->cmd_index = state->next - 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_usage(state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *main_help_filter(int key, const char *text, void *input)
{
	char *buf, *p;
	size_t i, len = 0;

	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		len += strlen(cmds[i].summary) + 32;
	buf = malloc(len + 64);
	if (!buf)
		return (char *)text;
	p = buf + sprintf(buf, "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		p += sprintf(p, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	sprintf(p, "\nSee 'uprobe COMMAND --help' and uprobe(8).");
	return buf;
}

static const struct argp_child main_children[] = {
	{ &top_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp main_argp = {
	NULL, main_parse, "COMMAND [ARG...]",
	"Add, list and remove the kernel's uprobe events; stream what they see.\v",
	main_children, main_help_filter, NULL
};

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

/* [{"name": "add", "summary": "..."}, ...] */
static void help_json(void)
{
	struct json_writer *w = cli_json();
	size_t i;

	json_arr_begin(w);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		json_obj_begin(w);
		json_str_field(w, "name", cmds[i].name);
		json_str_field(w, "summary", cmds[i].summary);
		json_obj_end(w);
	}
	json_arr_end(w);
}

/* One option a line, "=" after those that take a value (OPTION_ALIAS: the one before's). */
static void print_options(FILE *f, const struct argp *argp)
{
	const struct argp_option *o;
	const struct argp_child *c;
	const char *arg = NULL;

	for (o = argp->options; o && (o->name || o->key || o->doc || o->group); o++) {
		if (!(o->flags & OPTION_ALIAS))
			arg = o->arg;
		if (o->flags & (OPTION_HIDDEN | OPTION_DOC))
			continue;
		if (o->key > 0 && o->key <= 0xff && isprint(o->key))
			fprintf(f, "-%c%s\n", o->key, arg ? "=" : "");
		if (o->name)
			fprintf(f, "--%s%s\n", o->name, arg ? "=" : "");
	}
	for (c = argp->children; c && c->argp; c++)
		print_options(f, c->argp);
}

/* What argp adds to every parser: --version too, as argp_program_version is set. */
static const struct argp_option argp_own_options[] = {
	{ "help", '?', NULL, 0, NULL, 0 },
	{ "usage", OPT_USAGE, NULL, 0, NULL, 0 },
	{ "version", 'V', NULL, 0, NULL, 0 },
	{ 0 }
};
static const struct argp argp_own = { argp_own_options, NULL, NULL, NULL, NULL, NULL, NULL };

/*
 * For the completion, which asks instead of keeping copies: `uprobe help
 * --commands` (one a line), `uprobe help --options [COMMAND]` (the options
 * of COMMAND, else those before a command, read from the argp tables).
 */
static int help_complete(int argc, char **argv)
{
	const struct cmd *c = argc > 2 ? find_cmd(argv[2]) : NULL;
	size_t i;

	if (!strcmp(argv[1], "--commands")) {
		for (i = 0; i < ARRAY_SIZE(cmds); i++)
			printf("%s\n", cmds[i].name);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--options")) {
		err("unknown option '%s'", argv[1]);
		return EXIT_USAGE;
	}
	if (argc > 2 && !c) {
		err("'%s' is not a command", argv[2]);
		return EXIT_USAGE;
	}
	/* help has no options a user types */
	if (!c || c->argp) {
		print_options(stdout, c ? c->argp : &main_argp);
		print_options(stdout, &argp_own);
	}
	return fflush(stdout) || ferror(stdout) ? EXIT_FAIL : EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;
	char *hargv[3];
	size_t i;

	if (argc > 1 && argv[1][0] == '-')
		return help_complete(argc, argv);
	if (argc < 2 && g_opts.json) {
		help_json();
		return EXIT_OK;
	}
	if (argc < 2) {
		printf("Usage: uprobe [OPTION...] COMMAND [ARG...]\n\nCommands:\n");
		for (i = 0; i < ARRAY_SIZE(cmds); i++)
			printf("  %-10s %s\n", cmds[i].name, cmds[i].summary);
		return EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c || c->fn == cmd_help) {
		err("'%s' is not a command", argv[1]);
		note("hint: 'uprobe help' lists them");
		return EXIT_USAGE;
	}
	hargv[0] = argv[1];
	hargv[1] = "--help";
	hargv[2] = NULL;
	g_cmd = c->name;
	return c->fn(2, hargv);
}

/*
 * -j, --json and --pretty anywhere before "--", -p only before the command
 * (after it, -p is a command's --pid), looked for before parsing: a usage
 * error met before argp reaches them still comes out as JSON.
 */
static void prescan_json(int argc, char **argv)
{
	bool cmd_seen = false;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--json"))
			g_opts.json = true;
		else if (!strcmp(a, "--pretty") || (!cmd_seen && !strcmp(a, "-p")))
			g_opts.json = g_opts.pretty = true;
		else if (!cmd_seen && !strcmp(a, "--tracefs"))
			i++;
		else if (a[0] != '-')
			cmd_seen = true;
	}
}

static int run(int argc, char **argv)
{
	struct main_args a = { .cmd_index = -1 };
	const struct cmd *c;

	argp_err_exit_status = EXIT_USAGE;
	cli_argp_parse(&main_argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
	if (a.cmd_index < 0)
		return EXIT_USAGE;
	c = find_cmd(argv[a.cmd_index]);
	if (!c) {
		err("'%s' is not a command", argv[a.cmd_index]);
		note("hint: 'uprobe help' lists them");
		return EXIT_USAGE;
	}
	g_cmd = c->name;
	g_needs_tracefs = c->flags & NEEDS_TRACEFS;
	g_json_lines = c->flags & JSON_LINES;
	return c->fn(argc - a.cmd_index, argv + a.cmd_index);
}

int main(int argc, char **argv)
{
	int status;

	prescan_json(argc, argv);
	status = run(argc, argv);
	cli_json_finish();
	return status;
}
