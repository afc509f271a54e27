/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON writer: a writer object over a FILE*, objects and arrays
 * opened and closed, typed values and fields, one string escaper; compact
 * (one line per document, as the commands and the stream print) or pretty
 * (indented). The writer puts the commas, colons and indentation; each
 * top-level value ends with a newline, so a stream of documents is one
 * per line. No error handling of its own: the FILE* keeps the error
 * (ferror()), as with printf().
 */
#ifndef UPROBE_JSON_H
#define UPROBE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

/* A writer onto @f (not closed by json_free()); NULL with errno ENOMEM. */
struct json_writer *json_new(FILE *f, bool pretty);
/* Frees @w (NULL is a no-op); what is still open stays open. */
void json_free(struct json_writer *w);
/* How many objects and arrays are open: 0 between documents. */
unsigned int json_depth(const struct json_writer *w);

void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
/* The name of the next member of the open object. */
void json_key(struct json_writer *w, const char *key);

/* Values: in an array, after json_key(), or alone as a document. */
void json_str(struct json_writer *w, const char *s);	/* NULL: null */
void json_strn(struct json_writer *w, const char *s, size_t n);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
void json_hex(struct json_writer *w, uint64_t v);	/* "0x1f", a string */
void json_double(struct json_writer *w, double v);	/* NaN, inf: null */
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* json_key() and the value in one. */
void json_str_field(struct json_writer *w, const char *key, const char *s);
void json_int_field(struct json_writer *w, const char *key, int64_t v);
void json_uint_field(struct json_writer *w, const char *key, uint64_t v);
void json_bool_field(struct json_writer *w, const char *key, bool v);
void json_null_field(struct json_writer *w, const char *key);

/*
 * The escaper: @n bytes of @s as a quoted JSON string on @f. Newline, tab
 * and carriage return are \n \t \r, '"' and '\' are \" and \\, and every
 * other byte outside printable ASCII becomes \u00XX (control bytes, DEL,
 * and every byte >= 0x80, UTF-8 or not): always valid JSON whatever the
 * bytes, and the bytes come back exactly by encoding the decoded string
 * as Latin-1 (a path or a fetched string is bytes, not text). The stream
 * (src/stream-obuf.c) escapes with the same table.
 */
void json_escape(FILE *f, const char *s, size_t n);
/* The same into memory: @dst has room for 6 * @n + 2 bytes; returns the
 * length written (no NUL). For writers with buffers of their own. */
size_t json_escape_mem(char *dst, const char *s, size_t n);

#endif
