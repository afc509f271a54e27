// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's one JSON document: the errors a command says held for it, and
 * argp's usage errors caught so that they come out as JSON too.
 */
#include <argp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/*
 * With --json, what the command says goes in one document on stdout: the
 * errors wait here until the command's document takes them ("errors"
 * beside its results) or, when it has none, main() prints them alone as
 * {"error": ...}. Commands that print a document per line (stream,
 * profile) have theirs printed as they come.
 */
static char **json_errs;
static size_t njson_errs;
bool g_json_lines;
static struct json_writer *jw;

struct json_writer *cli_json(void)
{
	if (!jw)
		jw = json_new(stdout, g_opts.pretty);
	if (!jw) {
		fputs("uprobe: out of memory\n", stderr);
		exit(EXIT_FAIL);
	}
	return jw;
}

void cli_json_error_now(const char *msg)
{
	struct json_writer *w = cli_json();

	json_obj_begin(w);
	json_str_field(w, "error", msg);
	json_obj_end(w);
	fflush(stdout);
}

void cli_json_error(const char *fmt, va_list ap)
{
	char *s = NULL, **t;

	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	if (g_json_lines) {
		cli_json_error_now(s ? s : "out of memory");
		free(s);
		return;
	}
	t = realloc(json_errs, (njson_errs + 1) * sizeof(*t));
	if (!t) {
		free(s);
		return;
	}
	json_errs = t;
	json_errs[njson_errs++] = s ? s : strdup("out of memory");
}

static void json_errs_clear(void)
{
	size_t i;

	for (i = 0; i < njson_errs; i++)
		free(json_errs[i]);
	free(json_errs);
	json_errs = NULL;
	njson_errs = 0;
}

void cli_json_errors(struct json_writer *w)
{
	size_t i;

	if (!njson_errs)
		return;
	json_key(w, "errors");
	json_arr_begin(w);
	for (i = 0; i < njson_errs; i++)
		json_str(w, json_errs[i]);
	json_arr_end(w);
	json_errs_clear();
}

void cli_json_finish(void)
{
	struct json_writer *w;

	if (!g_opts.json || !njson_errs)
		goto out;
	w = cli_json();
	json_obj_begin(w);
	json_str_field(w, "error", json_errs[0]);
	if (njson_errs > 1)
		cli_json_errors(w);
	json_obj_end(w);
	json_errs_clear();
out:
	fflush(stdout);
	json_free(jw);
	jw = NULL;
}

/*
 * While argp parses, stderr is a buffer: when argp exits on a usage error
 * (its own message, getopt's "invalid option", or argp_error()'s), the
 * text still goes to stderr, and with --json its first line is also the
 * command's one document, {"error": ...}. glibc lets a program assign
 * stderr.
 */
static FILE *real_stderr;
static char *usage_text;
static size_t usage_len;

static void usage_json(const char *text)
{
	const char *colon = strstr(text, ": ");
	char *msg;

	if (strncmp(text, "Usage: ", 7) == 0)
		colon = NULL;	/* argp_usage(): the usage line is the message */
	msg = strndup(colon ? colon + 2 : text, strcspn(colon ? colon + 2 : text, "\n"));
	if (msg && !colon)
		msg[0] = 'u';	/* "usage: uprobe [OPTION...] ..." */
	cli_json_error_now(msg ? msg : "usage error");
	free(msg);
}

static void usage_end(void)
{
	if (!real_stderr)
		return;
	fclose(stderr);
	stderr = real_stderr;
	real_stderr = NULL;
	if (usage_len)
		fwrite(usage_text, 1, usage_len, stderr);
	free(usage_text);
	usage_text = NULL;
	usage_len = 0;
}

/* atexit: argp exits from inside argp_parse() */
static void usage_exit(void)
{
	if (!real_stderr)
		return;
	fflush(stderr);
	if (usage_len && g_opts.json)
		usage_json(usage_text);
	usage_end();
}

static void usage_begin(void)
{
	static bool registered;
	FILE *f;

	if (!registered && atexit(usage_exit) == 0)
		registered = true;
	fflush(stderr);
	f = open_memstream(&usage_text, &usage_len);
	if (!f)
		return;
	real_stderr = stderr;
	stderr = f;
}

error_t cli_argp_parse(const struct argp *argp, int argc, char **argv, unsigned int flags,
		       int *end, void *input)
{
	error_t ret;

	usage_begin();
	ret = argp_parse(argp, argc, argv, flags, end, input);
	usage_end();
	return ret;
}

