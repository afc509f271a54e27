// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar: struct probe <-> the lines of uprobe_events; this file reads
 * the lines back (probe_parse(), probe_parse_kernel()).
 *
 * The rules follow kernel/trace/trace_probe.c and trace_uprobe.c, and were
 * tried against a running 6.18 kernel. Where this is stricter than the
 * kernel, on purpose:
 *  - "+0(%di)junk": the kernel ignores what follows the last ')';
 *  - '#' anywhere: the kernel cuts the line there (a comment);
 *  - "r5:GRP/EVENT": for a uprobe the kernel takes maxactive and then
 *    ignores the event name, making uprobes/p_FILE_0xOFF instead;
 *  - "p:GRP.EVENT": '.' as the group separator;
 *  - "-:EVENT ARGS" (the kernel matches the args), and more than one
 *    trailing newline;
 *  - names: ASCII identifiers only (the kernel's ctype takes some Latin-1
 *    bytes as letters); numbers: no '+' where kstrtoul() would skip one.
 * probe_parse_kernel() takes the args of a line the kernel printed as they
 * are, so nothing the kernel accepted is lost on the way back.
 * No I/O here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe-int.h"

/* Cut the next token off *@cur (spaces and tabs separate), NULL at the end. */
static char *next_token(char **cur)
{
	char *s = *cur, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	for (e = s; *e && *e != ' ' && *e != '\t'; e++)
		;
	*cur = *e ? e + 1 : e;
	*e = '\0';
	return s;
}

static int parse_names(struct probe *p, char *s, int pos, struct probe_error *err)
{
	char *slash = strchr(s, '/');
	int ret;

	if (slash) {
		*slash = '\0';
		if (!*s)
			return pb_fail(err, PROBE_ERR_GROUP, -1, pos, "missing group "
				       "name before '/'");
		ret = pb_check_head_name(err, PROBE_ERR_GROUP, "group", s, pos);
		if (ret || probe_set(&p->group, s))
			return ret ? ret : -ENOMEM;
		pos += (int)(slash + 1 - s);
		s = slash + 1;
		if (!*s && p->kind != PROBE_DELETE)
			return 0;	/* "p:GRP/": the kernel names it */
	}
	ret = pb_check_head_name(err, PROBE_ERR_EVENT, "event", s, pos);
	if (ret || probe_set(&p->event, s))
		return ret ? ret : -ENOMEM;
	return 0;
}

/* "p", "r", "p:[GRP/]EVENT", "r:GRP/", "-:[GRP/]EVENT" */
static int parse_head(struct probe *p, char *tok, struct probe_error *err)
{
	switch (tok[0]) {
	case 'p':
		p->kind = PROBE_ENTRY;
		break;
	case 'r':
		p->kind = PROBE_RETURN;
		break;
	case '-':
		p->kind = PROBE_DELETE;
		break;
	case 'e':
		return pb_fail(err, PROBE_ERR_KIND, -1, 0, "'%s' is an event probe, "
			       "not a uprobe", tok);
	default:
		return pb_fail(err, PROBE_ERR_KIND, -1, 0, "unknown probe kind '%.20s' "
			       "(p, r or -)", tok);
	}
	if (is_digit(tok[1]))
		return pb_fail(err, PROBE_ERR_KIND, -1, 1, "'%.20s': maxactive is only "
			       "for kretprobes (for a uprobe the kernel ignores the "
			       "event name after it)", tok);
	if (tok[1] == '\0' && p->kind != PROBE_DELETE)
		return 0;
	if (tok[1] != ':')
		return pb_fail(err, PROBE_ERR_KIND, -1, 1, "'%.20s' is not %s", tok,
			       p->kind == PROBE_DELETE ? "-:[GRP/]EVENT" :
			       "p|r[:[GRP/]EVENT]");
	return parse_names(p, tok + 2, 2, err);
}

/* PATH:OFFSET[%return][(REF_CTR_OFFSET)], split as trace_uprobe.c does. */
static int parse_place(struct probe *p, char *tok, int pos, struct probe_error *err)
{
	char *colon = strrchr(tok, ':'), *rest, *open, *close, *pct;
	int ret;

	if (!colon || !is_digit(colon[1]))
		return pb_fail(err, PROBE_ERR_PATH, -1, pos, "'%.60s' is not PATH:OFFSET "
			       "(the offset is a number)", tok);
	*colon = '\0';
	rest = colon + 1;
	ret = pb_check_path(err, tok, pos);
	if (ret || probe_set(&p->path, tok))
		return ret ? ret : -ENOMEM;
	pos += (int)(rest - tok);
	open = strchr(rest, '(');
	if (open) {
		close = strchr(open, ')');
		if (!close || close[1] || !pb_parse_u64(open + 1, close - open - 1,
							&p->ref_ctr_offset))
			return pb_fail(err, PROBE_ERR_REF_CTR, -1, pos + (int)(open - rest),
				       "bad reference counter '%s' (it is (OFFSET), "
				       "last in PATH:OFFSET(OFFSET))", open);
		/* the kernel takes (0) for no reference counter */
		p->has_ref_ctr = p->ref_ctr_offset != 0;
		*open = '\0';
	}
	pct = strchr(rest, '%');
	if (pct && strcmp(pct, "%return"))
		return pb_fail(err, PROBE_ERR_OFFSET, -1, pos + (int)(pct - rest),
			       "unknown suffix '%s' (only %%return)", pct);
	if (pct) {
		p->kind = PROBE_RETURN;
		*pct = '\0';
	}
	if (!pb_parse_u64(rest, strlen(rest), &p->offset))
		return pb_fail(err, PROBE_ERR_OFFSET, -1, pos, "bad offset '%s'", rest);
	return 0;
}

static int parse_args(struct probe *p, char **cur, char *buf, bool strict,
		      struct probe_error *err)
{
	struct actx c = { .feat = &pb_all_features, .err = err, .kind = p->kind };
	size_t size = 0;
	struct argparts a;
	char *tok;
	int ret = 0;

	while (!ret && (tok = next_token(cur))) {
		c.base = (int)(tok - buf);
		if (strict) {
			ret = pb_add_arg(p, tok, &c);
			size += c.size;
		} else if (p->nargs >= PROBE_MAX_ARGS) {
			ret = pb_fail(err, PROBE_ERR_ARG, (int)p->nargs, c.base, "too "
				      "many arguments: the kernel takes at most %d",
				      PROBE_MAX_ARGS);
		} else {
			pb_split_arg(tok, &a);
			ret = pb_append_arg(p, &a);
		}
	}
	if (!ret && size > PROBE_MAX_EVENT_SIZE)
		ret = pb_fail(err, PROBE_ERR_LINE, -2, 0, "the arguments take %zu bytes "
			      "in each event; the kernel allows %d", size,
			   PROBE_MAX_EVENT_SIZE);
	return ret == -E2BIG ? -EINVAL : ret;
}

static int parse_into(struct probe *p, char *buf, size_t n, bool strict,
		      struct probe_error *err)
{
	char *cur = buf, *tok;
	int ret;

	ret = pb_check_line_bytes(buf, n, err);
	if (ret)
		return ret;
	if (strict && n > PROBE_MAX_LINE)
		return pb_fail(err, PROBE_ERR_LINE, -2, 0, "the line is %zu characters "
			       "long; the kernel takes at most %d", n, PROBE_MAX_LINE);
	tok = next_token(&cur);
	if (!tok)
		return pb_fail(err, PROBE_ERR_LINE, -1, 0, "empty line");
	ret = parse_head(p, tok, err);
	if (!ret)
		tok = next_token(&cur);
	if (ret || p->kind == PROBE_DELETE)
		return ret ? ret : !tok ? 0 : pb_fail(err, PROBE_ERR_LINE, -1,
			(int)(tok - buf), "junk after -:[GRP/]EVENT: '%.40s'", tok);
	if (!tok)
		return pb_fail(err, PROBE_ERR_PATH, -1, (int)n, "missing PATH:OFFSET");
	ret = parse_place(p, tok, (int)(tok - buf), err);
	return ret ? ret : parse_args(p, &cur, buf, strict, err);
}

static struct probe *parse_line(const char *line, bool strict,
				struct probe_error *err)
{
	size_t n = strlen(line);
	struct probe *p;
	char *buf;
	int ret = -ENOMEM;

	if (n && line[n - 1] == '\n')
		n--;
	buf = strndup(line, n);
	p = probe_new(PROBE_ENTRY);
	if (buf && p)
		ret = parse_into(p, buf, n, strict, err);
	free(buf);
	if (ret) {
		probe_free(p);
		errno = -ret;
		return NULL;
	}
	return p;
}

struct probe *probe_parse(const char *line, struct probe_error *err)
{
	return parse_line(line, true, err);
}

struct probe *probe_parse_kernel(const char *line, struct probe_error *err)
{
	return parse_line(line, false, err);
}
