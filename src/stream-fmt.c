// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's formatting: one event as one text line or one JSON object,
 * built by hand into a big buffer (printf costs more than the kernel takes
 * to record the event), and the decoding plan of each event's fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stream-int.h"

static const char hexdig[] = "0123456789abcdef";

int ob_init(struct obuf *o, int fd, size_t cap)
{
	o->buf = malloc(cap);
	if (!o->buf)
		return -ENOMEM;
	o->len = 0;
	o->cap = cap;
	o->fd = fd;
	o->err = 0;
	return 0;
}

void ob_free(struct obuf *o)
{
	free(o->buf);
	o->buf = NULL;
}

int ob_flush(struct obuf *o)
{
	size_t off = 0;

	while (off < o->len && !o->err) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			o->err = -errno;
		else
			off += w;
	}
	o->len = 0;
	return o->err;
}

char *ob_room(struct obuf *o, size_t n)
{
	if (o->len + n > o->cap) {
		ob_flush(o);
		if (n > o->cap) {
			char *b = realloc(o->buf, n);

			if (!b)
				return NULL;
			o->buf = b;
			o->cap = n;
		}
	}
	return o->buf + o->len;
}

void ob_put(struct obuf *o, const char *s, size_t n)
{
	char *p = ob_room(o, n);

	if (!p)
		return;
	memcpy(p, s, n);
	o->len += n;
}

void ob_puts(struct obuf *o, const char *s)
{
	ob_put(o, s, strlen(s));
}

void ob_putc(struct obuf *o, char c)
{
	char *p = ob_room(o, 1);

	if (p) {
		*p = c;
		o->len++;
	}
}

void ob_u64(struct obuf *o, uint64_t v)
{
	char tmp[24], *q = tmp + sizeof(tmp);

	do {
		*--q = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ob_put(o, q, tmp + sizeof(tmp) - q);
}

void ob_s64(struct obuf *o, int64_t v)
{
	if (v < 0) {
		ob_putc(o, '-');
		ob_u64(o, -(uint64_t)v);
	} else {
		ob_u64(o, v);
	}
}

void ob_hex(struct obuf *o, uint64_t v)
{
	char tmp[20], *q = tmp + sizeof(tmp);

	do {
		*--q = hexdig[v & 15];
		v >>= 4;
	} while (v);
	*--q = 'x';
	*--q = '0';
	ob_put(o, q, tmp + sizeof(tmp) - q);
}

void ob_time(struct obuf *o, uint64_t ns)
{
	char frac[10];
	uint64_t f = ns % 1000000000;
	int i;

	ob_u64(o, ns / 1000000000);
	frac[0] = '.';
	for (i = 9; i >= 1; i--) {
		frac[i] = (char)('0' + f % 10);
		f /= 10;
	}
	ob_put(o, frac, sizeof(frac));
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0: none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* The letter of @c's backslash escape, or 0; @c_only: C's too (\a \b \f \v). */
static inline char esc_letter(unsigned char c, bool c_only)
{
	switch (c) {
	case '"': return '"';
	case '\\': return '\\';
	case '\n': return 'n';
	case '\t': return 't';
	case '\r': return 'r';
	}
	if (!c_only)
		return 0;
	switch (c) {
	case '\a': return 'a';
	case '\b': return 'b';
	case '\f': return 'f';
	case '\v': return 'v';
	}
	return 0;
}

/*
 * C escapes; valid UTF-8 is kept as it is, any other byte outside
 * printable ASCII becomes \xHH (always two digits).
 */
void ob_cstr(struct obuf *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char *p = ob_room(o, 4 * n + 2);
	size_t i, u;

	if (!p)
		return;
	*p++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		char e = esc_letter(c, true);

		if (e) {
			*p++ = '\\';
			*p++ = e;
		} else if (c >= 0x20 && c < 0x7f) {
			*p++ = (char)c;
		} else if (c >= 0x80 && (u = utf8_len(s + i, n - i))) {
			memcpy(p, s + i, u);
			p += u;
			i += u - 1;
		} else {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hexdig[c >> 4];
			*p++ = hexdig[c & 15];
		}
	}
	*p++ = '"';
	o->len = p - o->buf;
}

/*
 * JSON escapes; every byte outside printable ASCII becomes \u00XX, as
 * json_str() does elsewhere in the tool: always valid JSON, and the bytes
 * come back exactly by encoding the decoded string as Latin-1.
 */
void ob_jstr(struct obuf *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char *p = ob_room(o, 6 * n + 2);
	size_t i;

	if (!p)
		return;
	*p++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		char e = esc_letter(c, false);

		if (e) {
			*p++ = '\\';
			*p++ = e;
		} else if (c >= 0x20 && c < 0x7f) {
			*p++ = (char)c;
		} else {
			memcpy(p, "\\u00", 4);
			p[4] = hexdig[c >> 4];
			p[5] = hexdig[c & 15];
			p += 6;
		}
	}
	*p++ = '"';
	o->len = p - o->buf;
}

/* ---- decoding plans ---------------------------------------------------- */

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

/*
 * One "\tfield:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;" line. The
 * format is read here rather than by libtraceevent, which gives up on
 * some probe types (a string array is "__data_loc char[][N] name").
 */
static int parse_field(struct eplan *ep, const char *line, const char *fmt,
		       const char **pos)
{
	char decl[256], *name, *br;
	int off, size, sgn = 0, esize;
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
	/* the header's fields come first; an argument may be named common_x */
	if (strncmp(name, "common_", 7) == 0 && ep->ip_off < 0 && ep->func_off < 0 &&
	    !ep->nf)
		return 0;
	if (strcmp(name, "__probe_ip") == 0 || strcmp(name, "__probe_ret_ip") == 0) {
		ep->ip_off = off;
		return 0;
	}
	if (strcmp(name, "__probe_func") == 0) {
		ep->func_off = off;
		ep->ret = true;
		return 0;
	}
	fp = &ep->f[ep->nf];
	fp->name = strdup(name);
	if (!fp->name)
		return -ENOMEM;
	dyn = strncmp(decl, "__data_loc", 10) == 0;
	fp->offset = off;
	fp->kind = kind_from_fmt(fmt, pos, name, dyn);
	fp->is_signed = sgn && !dyn;
	esize = type_size(decl);
	if (esize <= 0 || esize > 8 || size % esize)
		esize = size <= 8 ? size : 1;
	fp->size = esize;
	fp->n = arr ? size / esize : 0;
	if (dyn)
		fp->n = strchr(decl, ']') != strrchr(decl, ']') ? size / 4 : 0;
	ep->nf++;
	return 0;
}

int eplan_build(struct eplan *ep, const char *group, const char *event,
		const char *text)
{
	const char *fmt, *pos, *line;
	size_t n = 0;
	int ret;

	memset(ep, 0, sizeof(*ep));
	ep->ip_off = ep->func_off = -1;
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
	return 0;
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

	for (i = 0; i < ep->nf; i++)
		free(ep->f[i].name);
	free(ep->f);
	free(ep->name);
	memset(ep, 0, sizeof(*ep));
}

/* ---- tid -> tgid, comm ------------------------------------------------- */

#define TC_SIZE 4096	/* a power of two */

struct task_ent {
	int tid;	/* 0: empty */
	int tgid;
	uint64_t born;
	char comm[16];
};

struct task_cache {
	char *cmdlines_path, *tgids_path;
	char *cmdlines, *tgids;		/* the kernel's saved lists */
	uint64_t lists_at;
	uint64_t now;
	struct task_ent ent[TC_SIZE];
};

struct task_cache *task_cache_new(const char *tracefs)
{
	struct task_cache *tc = calloc(1, sizeof(*tc));

	if (!tc)
		return NULL;
	if (asprintf(&tc->cmdlines_path, "%s/saved_cmdlines", tracefs) < 0 ||
	    asprintf(&tc->tgids_path, "%s/saved_tgids", tracefs) < 0) {
		free(tc);
		return NULL;
	}
	return tc;
}

void task_cache_free(struct task_cache *tc)
{
	if (!tc)
		return;
	free(tc->cmdlines_path);
	free(tc->tgids_path);
	free(tc->cmdlines);
	free(tc->tgids);
	free(tc);
}

void task_cache_age(struct task_cache *tc, uint64_t now_ns)
{
	tc->now = now_ns;
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static char *slurp(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096) {
			char *b = realloc(buf, cap * 2);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* "PID VALUE" lines: the VALUE for @pid, or NULL */
static const char *saved_lookup(const char *list, int pid, size_t *len)
{
	const char *p = list;

	while (p && *p) {
		char *end;
		long v = strtol(p, &end, 10);
		const char *nl = strchr(end, '\n');

		if (v == pid && *end == ' ') {
			*len = nl ? (size_t)(nl - end - 1) : strlen(end + 1);
			return end + 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* For threads already gone: the kernel's saved_cmdlines and saved_tgids. */
static void task_from_saved(struct task_cache *tc, struct task_ent *e)
{
	const char *v;
	size_t len;

	if (!tc->cmdlines || tc->now - tc->lists_at > 200000000ULL) {
		free(tc->cmdlines);
		free(tc->tgids);
		tc->cmdlines = slurp(tc->cmdlines_path);
		tc->tgids = slurp(tc->tgids_path);
		tc->lists_at = tc->now;
	}
	v = saved_lookup(tc->cmdlines, e->tid, &len);
	if (v && len < sizeof(e->comm)) {
		memcpy(e->comm, v, len);
		e->comm[len] = '\0';
	}
	v = saved_lookup(tc->tgids, e->tid, &len);
	if (v)
		e->tgid = atoi(v);
}

static void task_fill(struct task_cache *tc, struct task_ent *e)
{
	char path[64], buf[1024], *t;
	int n;

	strcpy(e->comm, "<...>");
	e->tgid = -1;
	snprintf(path, sizeof(path), "/proc/%d/comm", e->tid);
	n = read_small(path, buf, sizeof(buf));
	if (n > 0) {
		if (buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (n >= (int)sizeof(e->comm))
			n = sizeof(e->comm) - 1;
		memcpy(e->comm, buf, n);
		e->comm[n] = '\0';
		snprintf(path, sizeof(path), "/proc/%d/status", e->tid);
		if (read_small(path, buf, sizeof(buf)) > 0 &&
		    (t = strstr(buf, "\nTgid:")))
			e->tgid = atoi(t + 6);
	}
	if (e->tgid < 0)
		task_from_saved(tc, e);
}

void task_lookup(struct task_cache *tc, int tid, int *tgid, const char **comm)
{
	unsigned int h = ((unsigned int)tid * 2654435761u) & (TC_SIZE - 1);
	struct task_ent *e = &tc->ent[h];

	/* one entry per slot: a miss costs two small /proc reads */
	if (e->tid != tid || (tc->now && tc->now - e->born > 1000000000ULL)) {
		e->tid = tid;
		e->born = tc->now;
		task_fill(tc, e);
	}
	*tgid = e->tgid;
	*comm = e->comm;
}

/* ---- one event --------------------------------------------------------- */

static uint64_t get_u(const unsigned char *p, int size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

static int64_t get_s(const unsigned char *p, int size)
{
	uint64_t v = get_u(p, size);

	if (size < 8 && (v & (1ULL << (size * 8 - 1))))
		v |= ~0ULL << (size * 8);
	return (int64_t)v;
}

/* A __data_loc string: *@s and *@n, false for a failed fetch ("(fault)"). */
static bool get_str(const struct ev *e, const unsigned char *p,
		    const char **s, size_t *n)
{
	uint32_t loc = (uint32_t)get_u(p, 4);
	uint32_t off = loc & 0xffff, len = loc >> 16;

	/* the kernel stores a length of 0 when the fetch faulted */
	if (len == 0 || off + len > (uint32_t)e->size)
		return false;
	*s = (const char *)e->data + off;
	*n = len;
	while (*n && (*s)[*n - 1] == '\0')
		(*n)--;
	return true;
}

static void write_value(struct obuf *o, const struct ev *e,
			const struct fplan *f, const unsigned char *p, bool json)
{
	const char *s;
	size_t n;
	char c;

	switch (f->kind) {
	case FK_STR:
		if (!get_str(e, p, &s, &n))
			ob_puts(o, json ? "null" : "(fault)");
		else if (json)
			ob_jstr(o, s, n);
		else
			ob_cstr(o, s, n);
		break;
	case FK_CHAR:
		c = (char)get_u(p, 1);
		if (json) {
			ob_jstr(o, &c, 1);
		} else if (c == '\'') {
			ob_puts(o, "'\\''");
		} else {
			/* 'c' with the escapes of a string; room first, so
			 * that ob_cstr() cannot flush and move it from @at */
			size_t at;

			ob_room(o, 6);
			at = o->len;
			ob_cstr(o, &c, 1);
			o->buf[at] = '\'';
			o->buf[o->len - 1] = '\'';
		}
		break;
	case FK_HEX:
		if (json)
			ob_putc(o, '"');
		ob_hex(o, get_u(p, f->size));
		if (json)
			ob_putc(o, '"');
		break;
	case FK_INT:
		if (f->is_signed)
			ob_s64(o, get_s(p, f->size));
		else
			ob_u64(o, get_u(p, f->size));
		break;
	}
}

static void write_field(struct obuf *o, const struct ev *e,
			const struct fplan *f, bool json)
{
	const unsigned char *p = e->data + f->offset;
	int i, step = f->kind == FK_STR ? 4 : f->size;

	if (f->n == 0) {
		write_value(o, e, f, p, json);
		return;
	}
	ob_putc(o, json ? '[' : '{');
	for (i = 0; i < f->n; i++) {
		if (i)
			ob_puts(o, json ? ", " : ",");
		write_value(o, e, f, p + i * step, json);
	}
	ob_putc(o, json ? ']' : '}');
}

static void write_stack(struct obuf *o, const struct ev *e,
			struct stack_syms *ss, bool json)
{
	const struct eplan *ep = e->ep;
	int pc_off = ep->ret ? ep->func_off : ep->ip_off;
	uint64_t pc = pc_off >= 0 ? get_u(e->data + pc_off, 8) : 0;
	int i;

	ob_puts(o, json ? ", \"stack\": [" : " stack=[");
	for (i = 0; i < e->nstack; i++) {
		const char *file, *sym;
		uint64_t off;

		syms_lookup(ss, e->stack_tgid, e->stack[i], i > 0, ep->probe, pc,
			    &file, &sym, &off);
		if (i)
			ob_puts(o, json ? ", " : "; ");
		if (json) {
			ob_puts(o, "{\"addr\": \"");
			ob_hex(o, e->stack[i]);
			ob_puts(o, "\", \"sym\": ");
			if (sym)
				ob_jstr(o, sym, strlen(sym));
			else
				ob_puts(o, "null");
			ob_puts(o, ", \"off\": ");
			ob_u64(o, sym ? off : 0);
			ob_puts(o, ", \"file\": ");
			if (file)
				ob_jstr(o, file, strlen(file));
			else
				ob_puts(o, "null");
			ob_putc(o, '}');
			continue;
		}
		if (sym) {
			ob_puts(o, sym);
			ob_putc(o, '+');
			ob_hex(o, off);
		} else {
			ob_hex(o, e->stack[i]);
		}
		if (file) {
			const char *b = strrchr(file, '/');

			ob_puts(o, " (");
			ob_puts(o, b ? b + 1 : file);
			ob_putc(o, ')');
		}
	}
	ob_putc(o, ']');
}

/* A thread may name itself anything: control bytes as \xHH keep a line
 * one line. */
static void write_comm(struct obuf *o, const char *comm)
{
	const char *run = comm, *s;

	for (s = comm; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 15] };

		if (c >= 0x20 && c != 0x7f)
			continue;
		ob_put(o, run, s - run);
		ob_put(o, esc, sizeof(esc));
		run = s + 1;
	}
	ob_put(o, run, s - run);
}

static void write_text(struct obuf *o, const struct ev *e, int tgid,
		       const char *comm, struct stack_syms *ss)
{
	const struct eplan *ep = e->ep;
	size_t i;

	ob_time(o, e->ts);
	ob_putc(o, ' ');
	write_comm(o, comm);
	ob_putc(o, ' ');
	ob_s64(o, tgid);
	ob_putc(o, '/');
	ob_s64(o, e->tid);
	ob_puts(o, " [");
	ob_u64(o, e->cpu);
	ob_puts(o, "] ");
	ob_puts(o, ep->name);
	if (ep->ret && ep->func_off >= 0 && ep->ip_off >= 0) {
		ob_puts(o, " (");
		ob_hex(o, get_u(e->data + ep->func_off, 8));
		ob_puts(o, " <- ");
		ob_hex(o, get_u(e->data + ep->ip_off, 8));
		ob_putc(o, ')');
	}
	for (i = 0; i < ep->nf; i++) {
		ob_putc(o, ' ');
		ob_puts(o, ep->f[i].name);
		ob_putc(o, '=');
		write_field(o, e, &ep->f[i], false);
	}
	if (e->latency >= 0) {
		ob_puts(o, " latency=");
		ob_u64(o, e->latency / 1000);
		ob_putc(o, '.');
		ob_putc(o, (char)('0' + e->latency / 100 % 10));
		ob_putc(o, (char)('0' + e->latency / 10 % 10));
		ob_putc(o, (char)('0' + e->latency % 10));
		ob_puts(o, "us");
	}
	if (e->stack)
		write_stack(o, e, ss, false);
	ob_putc(o, '\n');
}

static void write_json(struct obuf *o, const struct ev *e, int tgid,
		       const char *comm, struct stack_syms *ss)
{
	const struct eplan *ep = e->ep;
	size_t i;

	ob_puts(o, "{\"time\": ");
	ob_time(o, e->ts);
	ob_puts(o, ", \"cpu\": ");
	ob_u64(o, e->cpu);
	ob_puts(o, ", \"comm\": ");
	ob_jstr(o, comm, strlen(comm));
	ob_puts(o, ", \"pid\": ");
	ob_s64(o, tgid);
	ob_puts(o, ", \"tid\": ");
	ob_s64(o, e->tid);
	ob_puts(o, ", \"event\": \"");
	ob_puts(o, ep->name);
	ob_puts(o, "\", \"ip\": \"");
	ob_hex(o, ep->ip_off >= 0 ? get_u(e->data + ep->ip_off, 8) : 0);
	ob_putc(o, '"');
	if (ep->ret && ep->func_off >= 0) {
		ob_puts(o, ", \"func\": \"");
		ob_hex(o, get_u(e->data + ep->func_off, 8));
		ob_putc(o, '"');
	}
	ob_puts(o, ", \"args\": {");
	for (i = 0; i < ep->nf; i++) {
		if (i)
			ob_puts(o, ", ");
		ob_putc(o, '"');
		ob_puts(o, ep->f[i].name);
		ob_puts(o, "\": ");
		write_field(o, e, &ep->f[i], true);
	}
	ob_putc(o, '}');
	if (e->latency >= 0) {
		ob_puts(o, ", \"latency_ns\": ");
		ob_s64(o, e->latency);
	}
	if (e->stack)
		write_stack(o, e, ss, true);
	ob_puts(o, "}\n");
}

void ev_write(struct obuf *o, const struct ev *e, int tgid, const char *comm,
	      struct stack_syms *ss, bool json)
{
	if (json)
		write_json(o, e, tgid, comm, ss);
	else
		write_text(o, e, tgid, comm, ss);
}
