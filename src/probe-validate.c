// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar's rules for names, paths and the bytes that would break a
 * line, and the checks of one arg and of a probe as a whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe-int.h"
#include "util.h"

/* Field names every probe event has (trace_probe.c). */
static const char *const reserved_fields[] = {
	"common_type", "common_flags", "common_preempt_count", "common_pid",
	"common_tgid", "__probe_ip", "__probe_ret_ip", "__probe_func",
};

static bool ident_n(const char *s, size_t n)
{
	size_t i;

	if (!n || !is_ident_start(s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!is_ident(s[i]))
			return false;
	return true;
}

/*
 * The bytes the kernel's argv_split() takes for spaces (its ctype marks
 * 0xa0 as one), the control characters, and '#', which starts a comment
 * in trace_parse_run_command(): none of them survives in one token.
 */
static bool is_breaking(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == 0xa0 || c == '#';
}

/* The first breaking byte of @s, or -1. */
int pb_find_breaking(const char *s)
{
	const char *q;

	for (q = s; *q; q++)
		if (is_breaking((unsigned char)*q))
			return (int)(q - s);
	return -1;
}

static const char *breaking_why(unsigned char c)
{
	switch (c) {
	case '\n':
	case '\r':
		return "a line break would start a second definition";
	case ' ':
	case '\t':
	case '\v':
	case '\f':
		return "the kernel splits a definition at white space";
	case 0xa0:
		return "byte 0xa0 (as in UTF-8 'à') is white space to the kernel's "
		       "line splitter";
	case '#':
		return "'#' starts a comment in uprobe_events";
	default:
		return "control characters are not allowed";
	}
}

static const char *breaking_name(unsigned char c, char *buf, size_t len)
{
	switch (c) {
	case '\n':
		return "newline";
	case '\t':
		return "tab";
	case ' ':
		return "space";
	case '#':
		return "'#'";
	default:
		snprintf(buf, len, "byte 0x%02x", c);
		return buf;
	}
}

/* Every byte that breaks a token, besides the spaces between tokens. */
int pb_check_line_bytes(const char *s, size_t n, struct probe_error *err)
{
	size_t i;
	char buf[16];

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		if (is_breaking(b) && b != ' ' && b != '\t')
			return pb_fail(err, PROBE_ERR_LINE, -1, (int)i, "%s at byte %zu: %s",
				       breaking_name(b, buf, sizeof(buf)), i,
				       breaking_why(b));
	}
	return 0;
}

static bool reserved_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reserved_fields); i++)
		if (same(s, n, reserved_fields[i]))
			return true;
	return false;
}

static int check_name(struct actx *c, const char *s, size_t n)
{
	if (!n)
		return pb_afail(c, 0, "missing argument name before '='");
	if (n > PROBE_MAX_ARG_NAME)
		return pb_afail(c, 0, "argument name '%.*s' is longer than %d characters",
				(int)n, s, PROBE_MAX_ARG_NAME);
	if (!ident_n(s, n))
		return pb_afail(c, 0, "argument name '%.*s' is not a C identifier%s",
				(int)n, s, s[0] == '\\' ? " (put NAME= in front of "
				"an immediate string that holds '=')" : "");
	if (reserved_name(s, n))
		return pb_afail(c, 0, "argument name '%.*s' is taken by a field every "
				"event has", (int)n, s);
	return 0;
}

/* "[NAME=]FETCH[:TYPE]": NAME up to the first '=', TYPE after the first ':'. */
void pb_split_arg(const char *text, struct argparts *a)
{
	const char *eq = strchr(text, '='), *colon;

	a->name = eq ? text : NULL;
	a->nn = eq ? (size_t)(eq - text) : 0;
	a->body = eq ? eq + 1 : text;
	a->bn = strlen(a->body);
	colon = strchr(a->body, ':');
	a->fetch = a->body;
	a->fn = colon ? (size_t)(colon - a->body) : a->bn;
	a->type = colon ? colon + 1 : NULL;
	a->tn = colon ? a->bn - a->fn - 1 : 0;
}

static int check_breaking(struct actx *c, const char *text)
{
	int at = pb_find_breaking(text);
	char buf[16];

	if (at < 0)
		return 0;
	return pb_afail(c, at, "%s in argument '%.40s': %s",
			breaking_name((unsigned char)text[at], buf, sizeof(buf)), text,
			breaking_why((unsigned char)text[at]));
}

/* One arg as typed: what the kernel's traceprobe_parse_probe_arg() takes. */
int pb_check_arg(struct actx *c, const char *text, struct argparts *a)
{
	enum fop last;
	int bpos, ret;

	c->insn = 0;
	c->size = 0;
	ret = check_breaking(c, text);
	if (ret)
		return ret;
	pb_split_arg(text, a);
	bpos = (int)(a->body - text);
	if (a->name && (ret = check_name(c, a->name, a->nn)))
		return ret;
	if (!a->bn)
		return pb_afail(c, bpos, "missing fetch-arg%s", a->name ? " after '='" : "");
	if (a->bn > PROBE_MAX_ARGSTR)
		return pb_afail(c, bpos, "'%.20s...' is %zu characters long; the kernel "
				"takes at most %d for FETCHARG[:TYPE]", a->body, a->bn,
				PROBE_MAX_ARGSTR);
	if (a->type && a->fetch[0] == '\\' && a->fetch[1] == '"' &&
	    a->fetch[a->fn - 1] != '"')
		return pb_afail(c, bpos + (int)a->fn, "':' inside the immediate string "
				"'%s': the kernel takes the type from the first ':'",
				a->body);
	ret = pb_check_fetch(c, a->fetch, a->fn, bpos, &last);
	if (ret)
		return ret;
	return pb_check_type(c, a, bpos + (int)a->fn + 1, last);
}

/* The name the kernel gives arg @i: its own, or argN. */
static const char *eff_name(const struct probe_arg *a, size_t i, char *buf,
			    size_t len)
{
	if (a->name)
		return a->name;
	snprintf(buf, len, "arg%zu", i + 1);
	return buf;
}

/* Whether @name (arg @i) repeats the name of an arg before it. */
bool pb_name_used(const struct probe_arg *args, size_t i, const char *name)
{
	char buf[32];
	size_t k;

	for (k = 0; k < i; k++)
		if (!strcmp(eff_name(&args[k], k, buf, sizeof(buf)), name))
			return true;
	return false;
}

/* The kernel's is_good_system_name(): a group may hold '-' (6.x). */
static bool group_n(const char *s, size_t n)
{
	size_t i;

	if (!n || !(is_ident_start(s[0]) || s[0] == '-'))
		return false;
	for (i = 1; i < n; i++)
		if (!is_ident(s[i]) && s[i] != '-')
			return false;
	return true;
}

/*
 * tracefs' control files beside an event's directory and in it: an event
 * of one of these names makes events/GRP/NAME mean two things, and
 * "uprobe enable GRP/filter" writes to the group's filter file.
 */
static const char *const control_files[] = { "enable", "filter", "format", "id", "trigger" };

static bool control_name(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(control_files); i++)
		if (!strcmp(s, control_files[i]))
			return true;
	return false;
}

const char *probe_name_why(const char *s, bool group)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return "it is empty";
	if (n >= PROBE_MAX_EVENT_NAME)
		return "longer than the kernel's 63 characters";
	if (group && !group_n(s, n))
		return "letters, digits, '_' and '-', not starting with a digit";
	if (!group && !ident_n(s, n))
		return "a C identifier: letters, digits and '_', not starting with a digit";
	if (!group && control_name(s))
		return "tracefs has a control file of that name in the event's directory";
	return NULL;
}

int pb_check_head_name(struct probe_error *err, enum probe_err_where w,
		       const char *what, const char *s, int pos)
{
	size_t n = strlen(s);
	int at = pb_find_breaking(s);
	bool group = w == PROBE_ERR_GROUP;
	char buf[16];

	if (at >= 0)
		return pb_fail(err, w, -1, pos + at, "%s in %s name '%.40s': %s",
			       breaking_name((unsigned char)s[at], buf, sizeof(buf)),
			       what, s, breaking_why((unsigned char)s[at]));
	if (!n)
		return pb_fail(err, w, -1, pos, "missing %s name", what);
	if (n >= PROBE_MAX_EVENT_NAME)
		return pb_fail(err, w, -1, pos, "%s name '%.20s...' is %zu characters "
			       "long; the kernel takes at most %d", what, s, n,
			       PROBE_MAX_EVENT_NAME - 1);
	if (group ? !group_n(s, n) : !ident_n(s, n))
		return pb_fail(err, w, -1, pos, "%s name '%s' is not a C identifier "
			       "(letters, digits%s and '_', not starting with a digit)",
			       what, s, group ? ", '-'" : "");
	if (!group && control_name(s))
		return pb_fail(err, w, -1, pos, "event name '%s' is taken: tracefs has a "
			       "control file of that name in the event's directory", s);
	return 0;
}

int pb_check_path(struct probe_error *err, const char *path, int pos)
{
	int at;
	char buf[16];

	if (!path || !*path)
		return pb_fail(err, PROBE_ERR_PATH, -1, pos, "missing path");
	at = pb_find_breaking(path);
	if (at >= 0 && (path[at] == ' ' || path[at] == '\t' ||
			(unsigned char)path[at] == 0xa0))
		return pb_fail(err, PROBE_ERR_PATH, -1, pos + at, "path '%.60s' has "
			       "white space: the kernel's uprobe_events format cannot "
			       "carry it (hint: probe it through a symlink without "
			       "spaces)", path);
	if (at >= 0)
		return pb_fail(err, PROBE_ERR_PATH, -1, pos + at, "%s in path "
			       "'%.60s': %s", breaking_name((unsigned char)path[at],
			       buf, sizeof(buf)), path,
			       breaking_why((unsigned char)path[at]));
	if (path[0] != '/')
		return pb_fail(err, PROBE_ERR_PATH, -1, pos, "path '%.60s' is not "
			       "absolute", path);
	if (strlen(path) >= 4096)
		return pb_fail(err, PROBE_ERR_PATH, -1, pos, "path '%.40s...' is "
			       "longer than PATH_MAX", path);
	return 0;
}

static bool eq_n(const char *s, const char *t, size_t n)
{
	if (!s || !t)
		return !s && !t;
	return strlen(s) == n && !memcmp(s, t, n);
}

/* Arg @i of @p, checked as its formatted text, which is what gets written. */
static int validate_arg(const struct probe *p, size_t i, struct actx *c)
{
	const struct probe_arg *a = &p->args[i];
	char buf[PROBE_MAX_ARG_NAME + 8], *text;
	struct argparts x;
	int ret;

	c->idx = (int)i;
	text = probe_format_arg(a);
	if (!text)
		return errno == ENOMEM ? -ENOMEM :
		       pb_afail(c, 0, "argument %zu has no fetch-arg", i + 1);
	ret = pb_check_arg(c, text, &x);
	if (!ret && !(eq_n(a->name, x.name, x.nn) && eq_n(a->fetch, x.fetch, x.fn) &&
		      eq_n(a->type, x.type, x.tn)))
		ret = pb_afail(c, 0, "argument '%.60s' does not read back the same: "
			       "'=' or ':' inside its name or fetch-arg", text);
	free(text);
	if (ret)
		return ret;
	if (pb_name_used(p->args, i, eff_name(a, i, buf, sizeof(buf))))
		return pb_afail(c, 0, "argument name '%s' is used twice",
				eff_name(a, i, buf, sizeof(buf)));
	return 0;
}

static int validate_head(const struct probe *p, const struct probe_features *f,
			 struct probe_error *err)
{
	int ret = 0;

	if (p->kind != PROBE_ENTRY && p->kind != PROBE_RETURN && p->kind != PROBE_DELETE)
		return pb_fail(err, PROBE_ERR_KIND, -1, 0, "unknown probe kind %d",
			       (int)p->kind);
	if (p->group)
		ret = pb_check_head_name(err, PROBE_ERR_GROUP, "group", p->group, 0);
	if (!ret && (p->event || p->kind == PROBE_DELETE))
		ret = pb_check_head_name(err, PROBE_ERR_EVENT, "event",
					 p->event ? p->event : "", 0);
	if (ret || p->kind == PROBE_DELETE)
		return ret;
	ret = pb_check_path(err, p->path, 0);
	if (ret)
		return ret;
	if (p->has_ref_ctr && !f->ref_ctr)
		return pb_fail(err, PROBE_ERR_REF_CTR, -1, 0, "this kernel does not "
			       "support reference counters ('(REF_CTR_OFFSET)')");
	if (p->has_ref_ctr && !p->ref_ctr_offset)
		return pb_fail(err, PROBE_ERR_REF_CTR, -1, 0, "reference counter offset "
			       "0 means none to the kernel");
	return 0;
}

int probe_validate(const struct probe *p, const struct probe_features *feat,
		   struct probe_error *err)
{
	struct actx c = {
		.feat = feat ? feat : &pb_all_features, .err = err, .kind = p->kind,
	};
	size_t i, size = 0, len;
	int ret;

	ret = validate_head(p, c.feat, err);
	if (ret || p->kind == PROBE_DELETE)
		return ret ? ret : p->nargs ? pb_fail(err, PROBE_ERR_ARG, 0, 0,
			"a delete line takes no arguments") : 0;
	if (p->nargs > PROBE_MAX_ARGS)
		return pb_fail(err, PROBE_ERR_ARG, PROBE_MAX_ARGS, 0, "too many "
			       "arguments: the kernel takes at most %d", PROBE_MAX_ARGS);
	for (i = 0; i < p->nargs; i++) {
		ret = validate_arg(p, i, &c);
		if (ret)
			return ret;
		size += c.size;
	}
	if (size > PROBE_MAX_EVENT_SIZE)
		return pb_fail(err, PROBE_ERR_LINE, -2, 0, "the arguments take %zu bytes "
			       "in each event; the kernel allows %d", size,
			    PROBE_MAX_EVENT_SIZE);
	len = probe_format_len(p);
	if (!len)
		return pb_fail(err, PROBE_ERR_LINE, -2, 0, "the definition has no path or "
			       "event, or a character that would break its line");
	if (len > PROBE_MAX_LINE)
		return pb_fail(err, PROBE_ERR_LINE, -2, 0, "the definition is %zu "
			       "characters long; the kernel takes at most %d in one "
			       "line", len, PROBE_MAX_LINE);
	return 0;
}

bool probe_name_valid(const char *s)
{
	return !probe_name_why(s, false);
}

bool probe_group_valid(const char *s)
{
	return !probe_name_why(s, true);
}
