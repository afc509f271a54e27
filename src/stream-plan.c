// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's decoding plans: where each field of an event lies and how
 * it is shown, from the text of the event's format file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stream-int.h"

/* Size of one element from the kernel's type name: u8..s64, char. */
static int type_size(const char *type)
{
	if (strncmp(type, "__data_loc", 10) == 0)
		return 4;
	if ((type[0] == 'u' || type[0] == 's' || type[0] == 'x') &&
	    type[1] >= '0' && type[1] <= '9')
		return atoi(type + 1) / 8;
	if (strncmp(type, "char", 4) == 0 || strncmp(type, "unsigned char", 13) == 0)
		return 1;
	if (strncmp(type, "unsigned int", 12) == 0 || strncmp(type, "int", 3) == 0)
		return 4;
	if (strncmp(type, "unsigned long", 13) == 0 || strncmp(type, "long", 4) == 0)
		return 8;
	return 0;
}

/*
 * The format file says u64 for an x64 argument and u8 for a char; only
 * the print format tells them apart: " NAME=0x%Lx", " NAME='%c'",
 * " NAME=\"%s\"", " NAME={...}" for arrays. Look there, field by field.
 */
static enum fkind kind_from_fmt(const char *fmt, const char **pos,
				const char *name, bool dyn)
{
	size_t nl = strlen(name);
	const char *p = *pos;

	if (dyn)
		return FK_STR;
	while (fmt && (p = strchr(p, ' '))) {
		p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			p += nl + 1;
			*pos = p;
			if (*p == '{')
				p++;
			if (p[0] == '0' && p[1] == 'x')
				return FK_HEX;
			if (p[0] == '\'')
				return FK_CHAR;
			if (p[0] == '"' || (p[0] == '\\' && p[1] == '"'))
				return FK_STR;
			if (strncmp(p, "%p", 2) == 0)
				return FK_HEX;
			return FK_INT;
		}
	}
	return FK_INT;
}

/* A field of the header, or the probe's own (its ip, a return probe's
 * function): kept in @ep, not shown as an argument. */
static bool own_field(struct eplan *ep, const char *name, int off)
{
	/* the header's fields come first; an argument may be named common_x */
	if (strncmp(name, "common_", 7) == 0 && ep->ip_off < 0 && ep->func_off < 0 &&
	    !ep->nf)
		return true;
	if (strcmp(name, "__probe_ip") == 0 || strcmp(name, "__probe_ret_ip") == 0) {
		ep->ip_off = off;
		return true;
	}
	if (strcmp(name, STREAM_RA_ARG) == 0) {
		ep->ra_off = off;
		return true;
	}
	if (strcmp(name, "__probe_func") == 0) {
		ep->func_off = off;
		ep->ret = true;
		return true;
	}
	return false;
}

/* An argument's element size and count, from its TYPE in @decl. */
static void field_shape(struct fplan *fp, const char *decl, int size, bool arr,
			bool dyn)
{
	int esize = type_size(decl);

	if (esize <= 0 || esize > 8 || size % esize)
		esize = size <= 8 ? size : 1;
	fp->size = esize;
	fp->n = arr ? size / esize : 0;
	if (dyn)
		fp->n = strchr(decl, ']') != strrchr(decl, ']') ? size / 4 : 0;
}

/*
 * One "\tfield:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;" line. The
 * format is read here rather than by libtraceevent, which gives up on
 * some probe types (a string array is "__data_loc char[][N] name").
 */
static int parse_field(struct eplan *ep, const char *line, const char *fmt,
		       const char **pos)
{
	char decl[256], *name, *br;
	int off, size, sgn = 0;
	struct fplan *fp;
	bool arr, dyn;

	if (sscanf(line, " field:%255[^;]; offset:%d; size:%d; signed:%d;", decl, &off,
		   &size, &sgn) < 3)
		return 0;
	name = strrchr(decl, ' ');
	if (!name || off < 0 || size <= 0)
		return 0;
	*name++ = '\0';
	arr = (br = strchr(name, '[')) || strchr(decl, '[');
	if (br)
		*br = '\0';
	if (own_field(ep, name, off))
		return 0;
	fp = &ep->f[ep->nf];
	fp->name = strdup(name);
	if (!fp->name)
		return -ENOMEM;
	dyn = strncmp(decl, "__data_loc", 10) == 0;
	fp->offset = off;
	fp->kind = kind_from_fmt(fmt, pos, name, dyn);
	fp->is_signed = sgn && !dyn;
	field_shape(fp, decl, size, arr, dyn);
	ep->nf++;
	return 0;
}

/* @pre, @s JSON-escaped, @post: into *@out, malloc'd; its length */
static size_t key_str(char **out, const char *pre, const char *s, const char *post)
{
	size_t a = strlen(pre), n = strlen(s), b = strlen(post), len;
	char *k = malloc(a + 6 * n + 2 + b + 1);

	*out = k;
	if (!k)
		return 0;
	memcpy(k, pre, a);
	len = a + json_escape_mem(k + a, s, n);
	memcpy(k + len, post, b + 1);
	return len + b;
}

/* What each event of @ep writes the same: its name, the argument names. */
static int plan_keys(struct eplan *ep)
{
	size_t i;

	ep->name_len = strlen(ep->name);
	ep->jhead_len = key_str(&ep->jhead, ", \"event\": ", ep->name, ", \"ip\": \"");
	if (!ep->jhead)
		return -ENOMEM;
	for (i = 0; i < ep->nf; i++) {
		struct fplan *f = &ep->f[i];

		f->jklen = key_str(&f->jkey, i ? ", " : "", f->name, ": ");
		if (!f->jkey || asprintf(&f->tkey, " %s=", f->name) < 0) {
			f->tkey = NULL;
			return -ENOMEM;
		}
		f->tklen = strlen(f->tkey);
	}
	return 0;
}

int eplan_build(struct eplan *ep, const char *group, const char *event,
		const char *text)
{
	const char *fmt, *pos, *line;
	size_t n = 0;
	int ret;

	memset(ep, 0, sizeof(*ep));
	ep->ip_off = ep->func_off = ep->ra_off = -1;
	ep->lat_fn = -1;
	ep->ustack = strcmp(group, "ftrace") == 0 && strcmp(event, "user_stack") == 0;
	line = strstr(text, "\nID: ");
	if (!line)
		return -EINVAL;
	ep->id = atoi(line + 5);
	if (asprintf(&ep->name, "%s/%s", group, event) < 0) {
		ep->name = NULL;
		return -ENOMEM;
	}
	for (line = text; (line = strstr(line, "field:")); line++)
		n++;
	ep->f = calloc(n ? n : 1, sizeof(*ep->f));
	if (!ep->f)
		return -ENOMEM;
	fmt = strstr(text, "\nprint fmt: ");
	pos = fmt;
	/* each line from its '\n': sscanf's leading space skips it */
	for (line = text; line && (!fmt || line < fmt); line = strchr(line + 1, '\n')) {
		/* an empty line: the one after it is read from its own '\n' */
		if (line[0] == '\n' && line[1] == '\n')
			continue;
		ret = parse_field(ep, line, fmt, &pos);
		if (ret)
			return ret;
	}
	return plan_keys(ep);
}

const struct fplan *eplan_field(const struct eplan *ep, const char *name)
{
	size_t i;

	for (i = 0; i < ep->nf; i++)
		if (strcmp(ep->f[i].name, name) == 0)
			return &ep->f[i];
	return NULL;
}

void eplan_clear(struct eplan *ep)
{
	size_t i;

	for (i = 0; i < ep->nf; i++) {
		free(ep->f[i].name);
		free(ep->f[i].tkey);
		free(ep->f[i].jkey);
	}
	free(ep->f);
	free(ep->name);
	free(ep->jhead);
	memset(ep, 0, sizeof(*ep));
}
