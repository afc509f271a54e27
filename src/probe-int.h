/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the grammar's files share: probe.c (the object, the format),
 * probe-parse.c (lines back; where the grammar is stricter than the kernel),
 * probe-fetch.c (fetch-args, numbers), probe-type.c (types),
 * probe-validate.c (names, paths, whole args, whole probes),
 * probe-features.c (the tracefs README). Not a public header: the API is
 * include/probe.h.
 */
#ifndef UPROBE_PROBE_INT_H
#define UPROBE_PROBE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probe.h"

/*
 * fetch_insn slots per arg (FETCH_INSN_MAX): the last one is the END
 * marker, so the instructions of one arg may use slots 0..14.
 */
#define FETCH_INSN_LAST		14

/* The kind of the last fetch instruction, as the kernel's enum fetch_op. */
enum fop {
	OP_REG, OP_STACK, OP_STACKP, OP_RETVAL, OP_IMM, OP_COMM, OP_DATA,
	OP_DEREF, OP_UDEREF,
};

/* What checking one fetch-arg needs to know. */
struct actx {
	const struct probe_features *feat;
	struct probe_error *err;
	int idx;		/* arg index for the error */
	int base;		/* where the arg's text starts in what @pos counts */
	int kind;		/* enum probe_kind, or -1: not known yet */
	int insn;		/* the last fetch_insn slot used */
	int size;		/* bytes this arg takes in an event */
};

/* The parts of "[NAME=]FETCH[:TYPE]", split where the kernel splits it. */
struct argparts {
	const char *name, *body, *fetch, *type;
	size_t nn, bn, fn, tn;
};

/* Every feature on: what NULL features mean (probe-features.c). */
extern const struct probe_features pb_all_features;

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool is_ident(char c)
{
	return is_ident_start(c) || is_digit(c);
}

/* Whether the @n bytes at @s are the string @lit. */
static inline bool same(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* Fill @err (NULL: nothing to fill); returns -EINVAL for tail calls. */
__attribute__((format(printf, 5, 6)))
int pb_fail(struct probe_error *err, enum probe_err_where where, int arg,
	    int pos, const char *fmt, ...);

/* pb_fail() about the arg @c checks, at @pos inside its text. */
#define pb_afail(c, pos, ...) \
	pb_fail((c)->err, PROBE_ERR_ARG, (c)->idx, (c)->base + (pos), __VA_ARGS__)

/* probe.c: append the parts of @a to @p; check @text as arg p->nargs and append it. */
int pb_append_arg(struct probe *p, const struct argparts *a);
int pb_add_arg(struct probe *p, const char *text, struct actx *c);

/* probe-fetch.c: kstrtoull(s, 0) on @n bytes; kstrtol(s, 0) on @n bytes. */
bool pb_parse_u64(const char *s, size_t n, uint64_t *v);
bool pb_parse_s64(const char *s, size_t n);

/* probe-fetch.c: take one more fetch_insn slot for the arg @s, @n. */
int pb_next_insn(struct actx *c, int pos, const char *s, size_t n);

/* probe-fetch.c: one fetch-arg body without its type; *@last its last step. */
int pb_check_fetch(struct actx *c, const char *s, size_t n, int pos, enum fop *last);

/* probe-type.c: the type of @a (at @tpos) against a fetch ending in @last. */
int pb_check_type(struct actx *c, const struct argparts *a, int tpos, enum fop last);

/* probe-validate.c: the first byte of @s that breaks a token, or -1. */
int pb_find_breaking(const char *s);

/* probe-validate.c: every byte that breaks a token, besides the spaces between tokens. */
int pb_check_line_bytes(const char *s, size_t n, struct probe_error *err);

/* probe-validate.c: a group or event name (@what) at @pos; a path at @pos. */
int pb_check_head_name(struct probe_error *err, enum probe_err_where w,
		       const char *what, const char *s, int pos);
int pb_check_path(struct probe_error *err, const char *path, int pos);

/* probe-validate.c: split @text into @a where the kernel splits it. */
void pb_split_arg(const char *text, struct argparts *a);

/* probe-validate.c: one arg as typed, split into @a on the way. */
int pb_check_arg(struct actx *c, const char *text, struct argparts *a);

/* probe-validate.c: whether @name (arg @i) repeats the name of an arg before it. */
bool pb_name_used(const struct probe_arg *args, size_t i, const char *name);

#endif
