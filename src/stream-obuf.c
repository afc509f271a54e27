// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's output buffer: lines built by hand into a big buffer
 * (printf costs more than the kernel takes to record the event) and
 * written with write(2) in big chunks, with the numbers, times and
 * escapes (C, JSON, control bytes) that the event lines need.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
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

/* A thread may name itself anything: control bytes as \xHH keep a line
 * one line. */
void ob_comm(struct obuf *o, const char *comm)
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
