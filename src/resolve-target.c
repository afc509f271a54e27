// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver's targets and error text: "PATH:SYMBOL[+OFF][%return]",
 * "PATH:0xOFF" and "PATH:GLOB" split without opening anything, and the
 * detail of the last failure for resolve_errmsg().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "resolve-int.h"
#include "resolve-usdt.h"

__thread char resolve_errbuf[RESOLVE_ERRMAX];

int resolve_set_err(int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(resolve_errbuf, sizeof(resolve_errbuf), fmt, ap);
	va_end(ap);
	return ret;
}

void resolve_add_err(const char *fmt, ...)
{
	size_t len = strlen(resolve_errbuf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(resolve_errbuf + len, sizeof(resolve_errbuf) - len, fmt, ap);
	va_end(ap);
}

const char *resolve_errmsg(void)
{
	return resolve_errbuf;
}

/* Parses all of [@s, @s + @len) as a number: decimal, or hex after 0x. */
static int parse_num(const char *s, size_t len, uint64_t *v)
{
	char buf[32], *end;
	int base = 10;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* as the kernel's kstrtoul(s, 0) reads PATH:OFFSET: 010 is octal */
	if (len > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		base = 16;
	else if (len > 1 && buf[0] == '0')
		base = 8;
	if (buf[0] < '0' || buf[0] > '9' || (base != 10 && buf[base == 16 ? 2 : 1] == '-'))
		return -EINVAL;
	errno = 0;
	*v = strtoull(buf + (base == 16 ? 2 : 0), &end, base);
	if (*end || errno)
		return -EINVAL;
	return 0;
}

/* In a C++ parameter list, '*' and '[' are pointers and arrays. */
static bool has_glob(const char *s)
{
	return strcspn(s, "*?[") < strcspn(s, "(");
}

/* SYMBOL[+OFF]; a '+' not followed by a digit belongs to the name. */
static int parse_symbol(const char *s, size_t len, struct resolve_target *t)
{
	const char *plus = memrchr(s, '+', len);
	size_t nlen = len;

	if (plus && plus + 1 < s + len && plus[1] >= '0' && plus[1] <= '9') {
		nlen = plus - s;
		if (parse_num(plus + 1, len - nlen - 1, &t->add))
			return resolve_set_err(-EINVAL,
					       "bad offset '%.*s': want +DECIMAL or +0xHEX",
					       (int)(len - nlen), plus);
	}
	if (nlen == 0)
		return resolve_set_err(-EINVAL, "no symbol before '+'");
	t->symbol = strndup(s, nlen);
	if (!t->symbol)
		return -ENOMEM;
	t->glob = has_glob(t->symbol);
	if (t->glob && nlen != len)
		return resolve_set_err(-EINVAL, "an offset cannot follow a glob ('%s')", t->symbol);
	return 0;
}

static int parse_rest(const char *rest, struct resolve_target *t)
{
	const char *pct = strrchr(rest, '%');
	size_t len = strlen(rest);
	size_t i;

	if (pct) {
		if (strcmp(pct, "%return") != 0)
			return resolve_set_err(-EINVAL,
					       "unknown suffix '%s' (only %%return is known)", pct);
		t->is_return = true;
		len = pct - rest;
	}
	if (len == 0)
		return resolve_set_err(-EINVAL, "no symbol or offset after ':'");
	for (i = 0; i < len; i++)
		if ((unsigned char)rest[i] < 0x20 || rest[i] == 0x7f)
			return resolve_set_err(-EINVAL, "control character in symbol '%.*s'",
					       (int)len, rest);
	if (rest[0] >= '0' && rest[0] <= '9') {
		t->raw = true;
		if (parse_num(rest, len, &t->raw_offset))
			return resolve_set_err(-EINVAL, "bad offset '%.*s': want 0xHEX or DECIMAL",
					       (int)len, rest);
		return 0;
	}
	return parse_symbol(rest, len, t);
}

/*
 * The first ':', unless the text before it names no file and the text
 * before a later one does: a PATH may hold ':' (the kernel splits
 * PATH:OFFSET at the last one), a SYMBOL may too (ns::f, file.c:42).
 */
static const char *path_colon(const char *spec)
{
	const char *first = strchr(spec, ':'), *k;
	struct stat st;

	for (k = first; k; k = strchr(k + 1, ':')) {
		char *p = strndup(spec, k - spec);
		bool file = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);

		free(p);
		if (file)
			return k;
	}
	return first;
}

int resolve_parse_target(const char *spec, struct resolve_target *t)
{
	const char *colon;
	int ret;

	memset(t, 0, sizeof(*t));
	resolve_clear_err();
	if (!spec || !*spec)
		return resolve_set_err(-EINVAL, "empty target: want PATH:SYMBOL or PATH:0xOFFSET");
	colon = path_colon(spec);
	if (!colon)
		return resolve_set_err(-EINVAL, "no ':' in '%s': want PATH:SYMBOL[+OFF], "
				       "PATH:0xOFFSET or PATH:'GLOB'", spec);
	if (colon == spec)
		return resolve_set_err(-EINVAL, "no path before ':' in '%s'", spec);
	t->path = strndup(spec, colon - spec);
	if (!t->path)
		return -ENOMEM;
	ret = parse_rest(colon + 1, t);
	if (ret)
		resolve_target_clear(t);
	return ret;
}

void resolve_target_clear(struct resolve_target *t)
{
	if (!t)
		return;
	free(t->path);
	free(t->symbol);
	memset(t, 0, sizeof(*t));
}

/* ---- usdt:PATH:[PROVIDER:]NAME ---- */

#define USDT_PREFIX	"usdt:"

bool resolve_usdt_is_target(const char *spec)
{
	return spec && !strncmp(spec, USDT_PREFIX, strlen(USDT_PREFIX));
}

static int usdt_check(const char *what, const char *s, size_t len, const char *spec)
{
	size_t i;

	if (!len)
		return resolve_set_err(-EINVAL, "no %s in '%s': want usdt:PATH:PROVIDER:NAME "
				       "or usdt:PATH:NAME", what, spec);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == ':')
			return resolve_set_err(-EINVAL, "bad character in the %s '%.*s'", what,
					       (int)len, s);
	return 0;
}

int resolve_usdt_parse_target(const char *spec, struct resolve_usdt_target *t)
{
	const char *path = spec + strlen(USDT_PREFIX), *rest, *name;
	int ret;

	memset(t, 0, sizeof(*t));
	resolve_clear_err();
	if (!resolve_usdt_is_target(spec))
		return resolve_set_err(-EINVAL, "'%s' does not start with usdt:", spec);
	rest = strchr(path, ':');
	if (!rest || rest == path)
		return resolve_set_err(-EINVAL, "no %s in '%s': want usdt:PATH:PROVIDER:NAME "
				       "or usdt:PATH:NAME", rest ? "path" : "marker", spec);
	name = strchr(++rest, ':');
	ret = name ? usdt_check("provider", rest, name - rest, spec) : 0;
	if (!ret)
		ret = usdt_check("marker name", name ? name + 1 : rest,
				 strlen(name ? name + 1 : rest), spec);
	if (ret)
		return ret;
	t->path = strndup(path, rest - 1 - path);
	t->provider = name ? strndup(rest, name - rest) : NULL;
	t->name = strdup(name ? name + 1 : rest);
	if (!t->path || !t->name || (name && !t->provider)) {
		resolve_usdt_target_clear(t);
		return -ENOMEM;
	}
	return 0;
}

void resolve_usdt_target_clear(struct resolve_usdt_target *t)
{
	free(t->path);
	free(t->provider);
	free(t->name);
	memset(t, 0, sizeof(*t));
}
