/* SPDX-License-Identifier: GPL-2.0 */
/* What the commands share: global options, the error printer, JSON output. */
#ifndef UPROBE_CLI_H
#define UPROBE_CLI_H

#include <argp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "probe.h"
#include "tfs.h"

/* Exit status, documented in uprobe(8). */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_PARTIAL	2
#define EXIT_USAGE	64	/* argp's */

struct global_opts {
	bool json;
	bool pretty;	/* JSON indented; implies json */
	int verbose;
	const char *tracefs;
};
extern struct global_opts g_opts;
extern const char *g_cmd;	/* "add", "list", ... for messages */
/* From the command table; cli_parse() then finds tracefs. A command may
 * clear it while parsing (add --dry-run). */
extern bool g_needs_tracefs;
/* -j, -v, --tracefs: a child of every command's argp. */
extern const struct argp global_argp;
/* The children of every command's argp: the global options. */
extern const struct argp_child cli_children[];

/* uprobe <cmd>: <fmt>, on stderr. With --json also in the command's one
 * document on stdout: see cli_json_errors() and cli_json_finish(). */
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like err(), with ": <strerror(-errnum)>" appended. */
void err_errno(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* uprobe <cmd>: warning: <fmt>, on stderr, also with --json. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line of detail under an error or warning ("  hint: ..."), stderr. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* With -v: a line on stderr. */
void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Shows @token with a caret under byte @pos, then @msg, as an error. */
void err_caret(const char *token, int pos, const char *msg);

/* tfs_init() with --tracefs; prints the error and returns -1 on failure. */
int cli_tracefs(void);

/* After the kernel refused @line, built from what the user typed (@target,
 * and @user_args, one per fetch-arg of the line): its error_log entry with
 * the caret, mapped back onto the user's token. */
void err_kernel(int errnum, const char *line, const char *target,
		const char *const *user_args, size_t nargs);

/* Parse @argc/@argv with @argp, argv[0] shown as "uprobe <cmd>", then
 * find tracefs when the command needs it. Exits 64 on usage errors (with
 * --json, {"error": ...} on stdout too); returns 0, or -1 after printing
 * why tracefs cannot be had. */
int cli_parse(const struct argp *argp, int argc, char **argv, void *input);
/* cli_parse() with argp_parse()'s @flags (ARGP_IN_ORDER, ...). */
int cli_parse_flags(const struct argp *argp, unsigned int flags, int argc, char **argv,
		    void *input);
/* argp_parse(), with a usage error also as the JSON document under --json. */
error_t cli_argp_parse(const struct argp *argp, int argc, char **argv, unsigned int flags,
		       int *end, void *input);

/*
 * The distinct events (by GROUP/EVENT) among @ev that match any of the
 * @npat patterns (all of them when @npat is 0), as indexes into @ev in
 * *@sel (caller frees). An EVENT pattern without a group means
 * @def_group; NULL there means any group. Patterns that match nothing are
 * reported with err(); returns how many did not match, or -1 on ENOMEM.
 */
int cli_select(struct tfs_event *ev, size_t n, char **pat, size_t npat,
	       const char *def_group, size_t **sel, size_t *nsel);

/*
 * Runs @fn on each distinct event matching @pat (see cli_select()), prints
 * "<verb> GROUP/EVENT" for each done (a JSON array of names with --json)
 * and returns the exit status: 0 all done, 1 nothing done, 2 partly.
 */
int cli_each_event(char **pat, size_t npat, const char *def_group,
		   int (*fn)(const char *group, const char *event),
		   const char *verb);

/* del and clear (cmd-del.c): tfs_remove(), but an event enabled in another
 * instance (a live stream's) only with --force, which sets del_force. */
extern bool del_force;
int del_remove(const char *group, const char *event);

/*
 * A command's positional arguments: all of them from the first on, in @v
 * and @n. Use cli_args_parse() as the command's argp parser, with a
 * struct cli_args as its input, or call cli_args_key() from the command's
 * own parser for the keys it does not know. More than @max (0: no limit)
 * is the usage error "one <@form>, not 'ARG' too"; @need is the usage
 * error when none is given (NULL: none is fine).
 */
struct cli_args {
	char **v;
	size_t n;
	size_t max;
	const char *form;
	const char *need;
};
error_t cli_args_key(struct cli_args *a, int key, char *arg, struct argp_state *state);
error_t cli_args_parse(int key, char *arg, struct argp_state *state);

struct resolve_dwarf;
/*
 * Splits the target, "PATH:REST" as the user typed it (@a->v[0]; @a->form
 * names the whole form in the message when there is no ':'), finds PATH as
 * the resolver does, and opens its debug information: *@path (caller
 * frees) and *@rest point at the parts. Prints why on failure and returns
 * NULL; *@status is then the exit status: 64 for a malformed target, else
 * 1 (also its value on success, for the caller's later failures).
 */
struct resolve_dwarf *cli_dwarf_target(const struct cli_args *a, char **path, const char **rest,
				       int *status);

/*
 * -p PID (add, funcs, vars, lines, usdt): names resolve as process @g_pid
 * sees them (0: as we do). cli_pid_children holds it and the global options.
 */
extern int g_pid;
extern const struct argp_child cli_pid_children[];

/*
 * The file @name means (resolve_find(): a path, a program in $PATH, a
 * library short name, as process @pid sees it when @pid > 0); -v says which
 * candidate was picked, from where, and what else there was. Prints why on
 * failure and returns NULL; caller frees.
 */
char *cli_find(const char *name, int pid);

/* The commands, dispatched from the table in main.c. */
int cmd_add(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_del(int argc, char **argv);
int cmd_clear(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_stream(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_funcs(int argc, char **argv);
int cmd_vars(int argc, char **argv);
int cmd_lines(int argc, char **argv);
int cmd_usdt(int argc, char **argv);
/* Their options, for main.c's table (help --options reads them). */
extern const struct argp add_argp, list_argp, del_argp, clear_argp, enable_argp, disable_argp,
	stream_argp, trace_argp, profile_argp, funcs_argp, vars_argp, lines_argp, usdt_argp;

/*
 * With --json every command prints exactly one JSON document on stdout.
 * cli_json() is the writer onto stdout (-p: indented). A command whose
 * document is an object with partial results puts the errors so far in it
 * with cli_json_errors() ("errors": [...]); main() calls cli_json_finish()
 * when the command returns, which prints the errors no document took as
 * {"error": "<first>"} (with "errors" too when there are several).
 * g_json_lines: the command prints a document per line (stream, profile),
 * and errors are printed as they come, each {"error": ...}.
 */
struct json_writer;
extern bool g_json_lines;
struct json_writer *cli_json(void);
void cli_json_errors(struct json_writer *w);
void cli_json_finish(void);
/* For err(): hold (or, with g_json_lines, print) one error; output-json.c. */
void cli_json_error(const char *fmt, va_list ap);
void cli_json_error_now(const char *msg);

struct probe;
/* "args": [...], a probe's fetch-args as the kernel shows them (add, list). */
void cli_json_probe_args(struct json_writer *w, const struct probe *p);
/* "group", "event", "type", "path", "offset" of a probe (add, list). */
void cli_json_probe_head(struct json_writer *w, const struct probe *p);
/* At ARGP_KEY_ARG: this and every argument after it are the command's (stream, profile). */
void cli_rest_args(struct argp_state *state, char ***v, size_t *n);

/*
 * An option's value through util's strict parsers (util_parse_*()), or
 * argp_error() naming option @opt, the range and the text @arg (exit 64):
 * a whole number from @min to @max, seconds from @min to @max, a pid.
 */
unsigned long cli_num(struct argp_state *state, const char *opt, const char *arg,
		      unsigned long min, unsigned long max);
double cli_seconds(struct argp_state *state, const char *opt, const char *arg,
		   double min, double max);
pid_t cli_pid(struct argp_state *state, const char *opt, const char *arg);

#endif
