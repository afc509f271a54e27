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

#include "json.h"
#include "stream-int.h"
#include "util.h"


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

char *ob_room_slow(struct obuf *o, size_t n)
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

/* "00" to "99": two digits a division */
static const char dig2[201] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t pow10s[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
	1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
	1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
	1000000000000000000ULL, 10000000000000000000ULL,
};

/* @v's digits ending at @end, two at a time; @v has at least one */
static inline void dec_fill(char *end, uint64_t v)
{
	while (v >= 100) {
		end -= 2;
		memcpy(end, dig2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(end - 2, dig2 + 2 * v, 2);
	else
		end[-1] = (char)('0' + v);
}

char *ob_p_u64(char *p, uint64_t v)
{
	/* log10 from log2: 1233 / 4096 ~ log10(2) */
	unsigned int t = (64 - __builtin_clzll(v | 1)) * 1233 >> 12;
	unsigned int len = t + (v >= pow10s[t]) + (v == 0);

	dec_fill(p + len, v);
	return p + len;
}

char *ob_p_s64(char *p, int64_t v)
{
	if (v >= 0)
		return ob_p_u64(p, v);
	*p = '-';
	return ob_p_u64(p + 1, -(uint64_t)v);
}

char *ob_p_time(char *p, uint64_t ns)
{
	uint64_t f = ns % 1000000000;

	p = ob_p_u64(p, ns / 1000000000);
	*p = '.';
	/* nine digits: the last alone, then four pairs */
	p[9] = (char)('0' + f % 10);
	memset(p + 1, '0', 8);
	dec_fill(p + 9, f / 10);
	return p + 10;
}

void ob_u64(struct obuf *o, uint64_t v)
{
	char *p = ob_room(o, OB_NUM_MAX);

	if (p)
		ob_end(o, ob_p_u64(p, v));
}

void ob_s64(struct obuf *o, int64_t v)
{
	char *p = ob_room(o, OB_NUM_MAX);

	if (p)
		ob_end(o, ob_p_s64(p, v));
}

void ob_hex(struct obuf *o, uint64_t v)
{
	char *p = ob_room(o, OB_NUM_MAX);

	if (p)
		ob_end(o, util_p_hex(p, v));
}

void ob_time(struct obuf *o, uint64_t ns)
{
	char *p = ob_room(o, OB_NUM_MAX);

	if (p)
		ob_end(o, ob_p_time(p, ns));
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

/* The letter of @c's C escape (\a \b \f \v among them), or 0 */
static inline char esc_letter(unsigned char c)
{
	switch (c) {
	case '"': return '"';
	case '\\': return '\\';
	case '\n': return 'n';
	case '\t': return 't';
	case '\r': return 'r';
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
		char e = esc_letter(c);

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
			*p++ = util_hexdig[c >> 4];
			*p++ = util_hexdig[c & 15];
		}
	}
	*p++ = '"';
	ob_end(o, p);
}

/* JSON escapes: the CLI's, json_escape_mem() (every byte outside printable
 * ASCII as \u00XX, so that Latin-1 gives the bytes back). */
void ob_jstr(struct obuf *o, const char *s, size_t n)
{
	char *p = ob_room(o, 6 * n + 2);

	if (p)
		o->len += json_escape_mem(p, s, n);
}

/* A thread may name itself anything: control bytes as \xHH keep a line
 * one line. */
char *ob_p_comm(char *p, const char *comm, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)comm[i];

		if (c >= 0x20 && c != 0x7f) {
			*p++ = (char)c;
			continue;
		}
		p[0] = '\\';
		p[1] = 'x';
		p[2] = util_hexdig[c >> 4];
		p[3] = util_hexdig[c & 15];
		p += 4;
	}
	return p;
}

void ob_comm(struct obuf *o, const char *comm)
{
	size_t n = strlen(comm);
	char *p = ob_room(o, 4 * n);

	if (p)
		ob_end(o, ob_p_comm(p, comm, n));
}
