// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar's object: a probe built in memory (new, free, set, args),
 * its uprobe_events line and its event name. Parsing is in
 * probe-parse.c, fetch-args in probe-fetch.c, types in probe-type.c,
 * validation in probe-validate.c, kernel features in probe-features.c;
 * where the grammar is stricter than the kernel is listed in probe-parse.c.
 * No I/O here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe-int.h"
#include "util.h"

int pb_fail(struct probe_error *err, enum probe_err_where where, int arg,
	    int pos, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	err->where = where;
	err->arg = arg;
	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static char *dup_n(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

/* Append the parts of @a to @p. */
int pb_append_arg(struct probe *p, const struct argparts *a)
{
	struct probe_arg *args, *na;

	args = realloc(p->args, (p->nargs + 1) * sizeof(*args));
	if (!args)
		return -ENOMEM;
	p->args = args;
	na = &args[p->nargs];
	na->name = dup_n(a->name, a->nn);
	na->fetch = dup_n(a->fetch, a->fn);
	na->type = dup_n(a->type, a->tn);
	p->nargs++;
	if ((a->name && !na->name) || !na->fetch || (a->type && !na->type))
		return -ENOMEM;
	return 0;
}

struct probe *probe_new(enum probe_kind kind)
{
	struct probe *p = calloc(1, sizeof(*p));

	if (p)
		p->kind = kind;
	return p;
}

void probe_free(struct probe *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nargs; i++) {
		free(p->args[i].name);
		free(p->args[i].fetch);
		free(p->args[i].type);
	}
	free(p->args);
	free(p->group);
	free(p->event);
	free(p->path);
	free(p);
}

int probe_set(char **field, const char *value)
{
	char *v = NULL;

	if (value && !(v = strdup(value)))
		return -ENOMEM;
	free(*field);
	*field = v;
	return 0;
}

/* Check @text as arg number p->nargs and append it. */
int pb_add_arg(struct probe *p, const char *text, struct actx *c)
{
	char buf[PROBE_MAX_ARG_NAME + 8];
	struct argparts a;
	int ret;

	c->idx = (int)p->nargs;
	if (p->nargs >= PROBE_MAX_ARGS) {
		pb_fail(c->err, PROBE_ERR_ARG, c->idx, c->base, "too many arguments: "
			"the kernel takes at most %d", PROBE_MAX_ARGS);
		return -E2BIG;
	}
	ret = pb_check_arg(c, text, &a);
	if (ret)
		return ret;
	if (a.name)
		snprintf(buf, sizeof(buf), "%.*s", (int)a.nn, a.name);
	else
		snprintf(buf, sizeof(buf), "arg%zu", p->nargs + 1);
	if (pb_name_used(p->args, p->nargs, buf))
		return pb_afail(c, 0, "argument name '%s' is used twice", buf);
	return pb_append_arg(p, &a);
}

int probe_add_arg(struct probe *p, const char *text,
		  const struct probe_features *feat, struct probe_error *err)
{
	struct actx c = {
		.feat = feat ? feat : &pb_all_features, .err = err, .kind = -1,
	};

	return pb_add_arg(p, text, &c);
}

static bool breaks_line(const char *s)
{
	return s && pb_find_breaking(s) >= 0;
}

static bool format_ok(const struct probe *p)
{
	size_t i;

	if (breaks_line(p->group) || breaks_line(p->event) || breaks_line(p->path))
		return false;
	if (p->kind == PROBE_DELETE)
		return p->event != NULL;
	if (!p->path || (p->kind != PROBE_ENTRY && p->kind != PROBE_RETURN))
		return false;
	for (i = 0; i < p->nargs; i++)
		if (!p->args[i].fetch || breaks_line(p->args[i].name) ||
		    breaks_line(p->args[i].fetch) || breaks_line(p->args[i].type))
			return false;
	return true;
}

/*
 * The line is written by hand, measured first and then filled, into one
 * allocation of its exact size: snprintf() was most of the work of adding
 * a thousand probes. @out NULL only measures.
 */
static size_t put(char *out, size_t at, const char *s, size_t n)
{
	if (out)
		memcpy(out + at, s, n);
	return at + n;
}

static size_t put_str(char *out, size_t at, const char *s)
{
	return s ? put(out, at, s, strlen(s)) : at;
}

static size_t put_hex(char *out, size_t at, uint64_t v)
{
	char tmp[UTIL_HEX_MAX];

	return put(out, at, tmp, util_p_hex(tmp, v) - tmp);
}

/* "NAME=FETCH:TYPE", the parts that are set */
static size_t put_arg(char *out, size_t at, const struct probe_arg *a)
{
	if (a->name) {
		at = put_str(out, at, a->name);
		at = put(out, at, "=", 1);
	}
	at = put_str(out, at, a->fetch);
	if (a->type) {
		at = put(out, at, ":", 1);
		at = put_str(out, at, a->type);
	}
	return at;
}

static size_t put_line(char *out, const struct probe *p)
{
	const char *group = p->group ? p->group : PROBE_DEFAULT_GROUP;
	size_t i, at;

	at = put(out, 0, p->kind == PROBE_DELETE ? "-" : p->kind == PROBE_RETURN ? "r" : "p", 1);
	if (p->kind == PROBE_DELETE || p->event || p->group) {
		at = put(out, at, ":", 1);
		at = put_str(out, at, group);
		at = put(out, at, "/", 1);
		at = put_str(out, at, p->event);
	}
	if (p->kind == PROBE_DELETE)
		return at;
	at = put(out, at, " ", 1);
	at = put_str(out, at, p->path);
	at = put(out, at, ":", 1);
	at = put_hex(out, at, p->offset);
	if (p->has_ref_ctr) {
		at = put(out, at, "(", 1);
		at = put_hex(out, at, p->ref_ctr_offset);
		at = put(out, at, ")", 1);
	}
	for (i = 0; i < p->nargs; i++) {
		at = put(out, at, " ", 1);
		at = put_arg(out, at, &p->args[i]);
	}
	return at;
}

size_t probe_format_len(const struct probe *p)
{
	return format_ok(p) ? put_line(NULL, p) : 0;
}

char *probe_format(const struct probe *p)
{
	size_t len;
	char *s;

	if (!format_ok(p)) {
		errno = EINVAL;
		return NULL;
	}
	len = put_line(NULL, p);
	s = malloc(len + 1);
	if (!s)
		return NULL;
	put_line(s, p);
	s[len] = '\0';
	return s;
}

char *probe_format_arg(const struct probe_arg *a)
{
	size_t len;
	char *s;

	if (!a->fetch) {
		errno = EINVAL;
		return NULL;
	}
	len = put_arg(NULL, 0, a);
	s = malloc(len + 1);
	if (!s)
		return NULL;
	put_arg(s, 0, a);
	s[len] = '\0';
	return s;
}

int probe_event_name(const char *symbol, bool ret, char *buf, size_t len)
{
	size_t n = strcspn(symbol, "@");	/* no symbol version */
	size_t suffix = ret ? strlen("__return") : 0, max, o = 0, i;
	bool gap = false;

	if (!len)
		return -ENAMETOOLONG;
	max = len - 1 < PROBE_MAX_EVENT_NAME - 1 ? len - 1 : PROBE_MAX_EVENT_NAME - 1;
	if (max < suffix + 1)
		return -ENAMETOOLONG;
	max -= suffix;
	for (i = 0; i < n && o < max; i++) {
		if (!is_ident(symbol[i])) {
			gap = o > 0;
			continue;
		}
		if (gap && buf[o - 1] != '_')
			buf[o++] = '_';
		if (!o && is_digit(symbol[i]))
			buf[o++] = '_';
		if (o < max)
			buf[o++] = symbol[i];
		gap = false;
	}
	if (!o)
		return -EINVAL;
	buf[o] = '\0';
	/* a symbol named as a tracefs control file (enable, id, ...) gets a '_' */
	if (!suffix && !probe_name_valid(buf) && o < max)
		buf[o++] = '_';
	memcpy(buf + o, "__return", suffix);
	buf[o + suffix] = '\0';
	return 0;
}

const char *probe_group(const struct probe *p)
{
	return p->group ? p->group : PROBE_DEFAULT_GROUP;
}
