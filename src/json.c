// SPDX-License-Identifier: GPL-2.0
/* The one JSON writer (see json.h). Fast enough for the stream: no
 * allocation per value, unlocked stdio, runs of plain bytes in one write. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

#define JSON_MAX_DEPTH 64

struct json_writer {
	FILE *f;
	bool pretty;
	bool after_key;		/* a key was written: its value comes next */
	unsigned int depth;
	bool first[JSON_MAX_DEPTH];	/* nothing in the open container yet */
};

struct json_writer *json_new(FILE *f, bool pretty)
{
	struct json_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	w->f = f;
	w->pretty = pretty;
	return w;
}

void json_free(struct json_writer *w)
{
	free(w);
}

unsigned int json_depth(const struct json_writer *w)
{
	return w->depth;
}

/*
 * The one escape table, the stream's and the CLI's: 0 for printable ASCII
 * as it is, else the letter after '\', or 'u' for \u00XX. Only the five
 * escapes every reader knows have letters; \b and \f are \u0008 and \u000c.
 */
static const char esc[256] = {
	['"'] = '"', ['\\'] = '\\', ['\n'] = 'n', ['\t'] = 't', ['\r'] = 'r',
	[0x00 ... 0x08] = 'u', [0x0b ... 0x0c] = 'u', [0x0e ... 0x1f] = 'u',
	[0x7f ... 0xff] = 'u',
};

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * Whether none of the 8 bytes of @x needs an escape: none below 0x20 or
 * from 0x7f up, no '"', no '\\'. Each test sets the high bit of a byte that
 * fails it; a borrow or a carry spills over only from such a byte, so
 * "some byte fails" is exact.
 */
static inline bool plain8(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
	uint64_t bad = ((x - ONES * 0x20) & ~x) |	/* < 0x20 */
		       ((x + ONES) | x) |		/* >= 0x7f */
		       ((q - ONES) & ~q) | ((b - ONES) & ~b);

	return !(bad & HIGHS);
}

static inline char *esc_byte(char *d, unsigned char c)
{
	char e = esc[c];

	if (!e) {
		*d = (char)c;
		return d + 1;
	}
	d[0] = '\\';
	if (e != 'u') {
		d[1] = e;
		return d + 2;
	}
	memcpy(d + 1, "u00", 3);
	d[4] = util_hexdig[c >> 4];
	d[5] = util_hexdig[c & 15];
	return d + 6;
}

/* @n bytes of @p escaped into @dst, no quotes: the body of every string;
 * eight plain bytes at a time, the others one by one. */
static size_t esc_body(char *dst, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n;
	char *d = dst;
	uint64_t x;
	size_t i, k;

	while (p < end) {
		k = end - p < 8 ? end - p : 8;
		if (k == 8) {
			memcpy(&x, p, 8);
			if (plain8(x)) {
				memcpy(d, &x, 8);
				d += 8;
				p += 8;
				continue;
			}
		}
		for (i = 0; i < k; i++)
			d = esc_byte(d, p[i]);
		p += k;
	}
	return d - dst;
}

void json_escape(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char buf[6 * 256];

	putc_unlocked('"', f);
	while (n) {
		size_t k = n < 256 ? n : 256;

		fwrite_unlocked(buf, 1, esc_body(buf, p, k), f);
		p += k;
		n -= k;
	}
	putc_unlocked('"', f);
}

size_t json_escape_mem(char *dst, const char *s, size_t n)
{
	size_t len = esc_body(dst + 1, (const unsigned char *)s, n);

	dst[0] = '"';
	dst[len + 1] = '"';
	return len + 2;
}

static void newline(struct json_writer *w)
{
	unsigned int i;

	putc_unlocked('\n', w->f);
	for (i = 0; i < w->depth; i++)
		fputs_unlocked("  ", w->f);
}

/* The open container's flag (past the depth limit: the deepest one's). */
static bool *first(struct json_writer *w)
{
	return &w->first[(w->depth < JSON_MAX_DEPTH ? w->depth : JSON_MAX_DEPTH) - 1];
}

/* What comes before a value or a key: a comma, a newline and indentation. */
static void sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!*first(w))
		fputs_unlocked(w->pretty ? "," : ", ", w->f);
	*first(w) = false;
	if (w->pretty)
		newline(w);
}

/* After a value: a document ends with a newline. */
static void done(struct json_writer *w)
{
	if (w->depth == 0)
		putc_unlocked('\n', w->f);
}

static void open_container(struct json_writer *w, char c)
{
	sep(w);
	putc_unlocked(c, w->f);
	if (w->depth < JSON_MAX_DEPTH)
		w->first[w->depth] = true;
	w->depth++;
}

static void close_container(struct json_writer *w, char c)
{
	bool empty;

	if (w->depth == 0)
		return;
	empty = *first(w);
	w->depth--;
	if (w->pretty && !empty)
		newline(w);
	putc_unlocked(c, w->f);
	done(w);
}

void json_obj_begin(struct json_writer *w)
{
	open_container(w, '{');
}

void json_obj_end(struct json_writer *w)
{
	close_container(w, '}');
}

void json_arr_begin(struct json_writer *w)
{
	open_container(w, '[');
}

void json_arr_end(struct json_writer *w)
{
	close_container(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
	sep(w);
	json_escape(w->f, key, strlen(key));
	fputs_unlocked(": ", w->f);
	w->after_key = true;
}

/* A value that is plain text: a number, true, false, null. */
static void raw(struct json_writer *w, const char *s, size_t n)
{
	sep(w);
	fwrite_unlocked(s, 1, n, w->f);
	done(w);
}

void json_strn(struct json_writer *w, const char *s, size_t n)
{
	sep(w);
	json_escape(w->f, s, n);
	done(w);
}

void json_str(struct json_writer *w, const char *s)
{
	if (s)
		json_strn(w, s, strlen(s));
	else
		json_null(w);
}

/* @v in decimal at the end of @buf (24 bytes); returns where it starts. */
static char *u64_dec(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void json_uint(struct json_writer *w, uint64_t v)
{
	char buf[24], *end = buf + sizeof(buf), *p = u64_dec(v, end);

	raw(w, p, end - p);
}

void json_int(struct json_writer *w, int64_t v)
{
	char buf[24], *end = buf + sizeof(buf), *p;

	p = u64_dec(v < 0 ? -(uint64_t)v : (uint64_t)v, end);
	if (v < 0)
		*--p = '-';
	raw(w, p, end - p);
}

void json_hex(struct json_writer *w, uint64_t v)
{
	char buf[UTIL_HEX_MAX + 2], *end;

	buf[0] = '"';
	end = util_p_hex(buf + 1, v);
	*end++ = '"';
	raw(w, buf, end - buf);
}

void json_double(struct json_writer *w, double v)
{
	char buf[32];
	int n;

	if (!isfinite(v)) {
		json_null(w);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.9g", v);
	raw(w, buf, n);
}

void json_bool(struct json_writer *w, bool v)
{
	if (v)
		raw(w, "true", 4);
	else
		raw(w, "false", 5);
}

void json_null(struct json_writer *w)
{
	raw(w, "null", 4);
}

void json_str_field(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_str(w, s);
}

void json_int_field(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_uint_field(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_uint(w, v);
}

void json_bool_field(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void json_null_field(struct json_writer *w, const char *key)
{
	json_key(w, key);
	json_null(w);
}
