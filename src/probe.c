// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar: struct probe <-> the lines of uprobe_events.
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
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Store instructions that matter for arrays. */
enum sop { ST_RAW, ST_MEM, ST_UMEM, ST_STRING };

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

/* x86-64 pt_regs names (arch/x86/kernel/ptrace.c, regoffset_table). */
static const char *const x86_regs[] = {
	"ax", "bx", "cx", "dx", "si", "di", "bp", "sp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"ip", "flags", "cs", "ss", "orig_ax",
};

/* Field names every probe event has (trace_probe.c). */
static const char *const reserved_fields[] = {
	"common_type", "common_flags", "common_preempt_count", "common_pid",
	"common_tgid", "__probe_ip", "__probe_ret_ip", "__probe_func",
};

static const struct probe_features all_features = {
	.retprobe = true, .ref_ctr = true, .char_type = true, .ustring = true,
	.bitfield = true, .array = true, .comm = true, .imm = true,
	.stack = true, .uderef = true,
};

__attribute__((format(printf, 5, 6)))
static int fail(struct probe_error *err, enum probe_err_where where, int arg,
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

#define afail(c, pos, ...) \
	fail((c)->err, PROBE_ERR_ARG, (c)->idx, (c)->base + (pos), __VA_ARGS__)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident(char c)
{
	return is_ident_start(c) || is_digit(c);
}

static bool ident_n(const char *s, size_t n)
{
	size_t i;

	if (!n || !is_ident_start(s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!is_ident(s[i]))
			return false;
	return true;
}

/*
 * The bytes the kernel's argv_split() takes for spaces (its ctype marks
 * 0xa0 as one), the control characters, and '#', which starts a comment
 * in trace_parse_run_command(): none of them survives in one token.
 */
static bool is_breaking(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == 0xa0 || c == '#';
}

/* The first breaking byte of @s, or -1. */
static int find_breaking(const char *s)
{
	const char *q;

	for (q = s; *q; q++)
		if (is_breaking((unsigned char)*q))
			return (int)(q - s);
	return -1;
}

static const char *breaking_why(unsigned char c)
{
	switch (c) {
	case '\n':
	case '\r':
		return "a line break would start a second definition";
	case ' ':
	case '\t':
	case '\v':
	case '\f':
		return "the kernel splits a definition at white space";
	case 0xa0:
		return "byte 0xa0 (as in UTF-8 'à') is white space to the kernel's "
		       "line splitter";
	case '#':
		return "'#' starts a comment in uprobe_events";
	default:
		return "control characters are not allowed";
	}
}

static const char *breaking_name(unsigned char c, char *buf, size_t len)
{
	switch (c) {
	case '\n':
		return "newline";
	case '\t':
		return "tab";
	case ' ':
		return "space";
	case '#':
		return "'#'";
	default:
		snprintf(buf, len, "byte 0x%02x", c);
		return buf;
	}
}

/*
 * kstrtoull(s, 0) on @n bytes: 0x/0X hex, a leading 0 octal, else decimal,
 * all of it digits, no sign.
 */
static bool parse_u64(const char *s, size_t n, uint64_t *v)
{
	unsigned int base = 10, d;
	uint64_t x = 0;
	size_t i = 0;

	if (n >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		i = 1;
	}
	if (!n)
		return false;
	for (; i < n; i++) {
		char c = s[i] | 0x20;

		if (is_digit(s[i]))
			d = s[i] - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return false;
		if (d >= base || x > (UINT64_MAX - d) / base)
			return false;
		x = x * base + d;
	}
	*v = x;
	return true;
}

/* kstrtol(s, 0): an optional '-', then as parse_u64(), within a long. */
static bool parse_s64(const char *s, size_t n)
{
	uint64_t v;
	bool neg = n && s[0] == '-';

	if (!parse_u64(s + neg, n - neg, &v))
		return false;
	return v <= (uint64_t)INT64_MAX + neg;
}

/* Decimal digits only, within an unsigned long ($stackN). */
static bool parse_dec(const char *s, size_t n)
{
	uint64_t x = 0;
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]) || x > (UINT64_MAX - (s[i] - '0')) / 10)
			return false;
		x = x * 10 + (s[i] - '0');
	}
	return true;
}

static int next_insn(struct actx *c, int pos, const char *s, size_t n)
{
	if (++c->insn <= FETCH_INSN_LAST)
		return 0;
	return afail(c, pos, "'%.*s' nests too deep: the kernel runs at most %d "
		     "fetch steps for one arg", (int)n, s, FETCH_INSN_LAST);
}

static int check_fetch(struct actx *c, const char *s, size_t n, int pos,
		       enum fop *last);

static int check_var(struct actx *c, const char *s, size_t n, int pos,
		     enum fop *last)
{
	const char *v = s + 1;
	size_t vn = n - 1;

	if (vn == 6 && !memcmp(v, "retval", 6)) {
		if (c->kind == PROBE_ENTRY)
			return afail(c, pos, "'$retval' is only for return probes "
				     "(add one with -r or SYMBOL%%return)");
		*last = OP_RETVAL;
		return 0;
	}
	if (vn >= 5 && !memcmp(v, "stack", 5)) {
		if (vn > 5 && !parse_dec(v + 5, vn - 5))
			return afail(c, pos, "unknown variable '%.*s' ($stackN "
				     "takes a decimal N)", (int)n, s);
		if (!c->feat->stack)
			return afail(c, pos, "this kernel does not support '$stack'");
		*last = vn == 5 ? OP_STACKP : OP_STACK;
		return 0;
	}
	if (vn == 4 && (!memcmp(v, "comm", 4) || !memcmp(v, "COMM", 4))) {
		if (!c->feat->comm)
			return afail(c, pos, "this kernel does not support '$comm'");
		*last = OP_COMM;
		return 0;
	}
	if (vn >= 3 && !memcmp(v, "arg", 3))
		return afail(c, pos, "'%.*s' is only for kprobes and fprobes; uprobes "
			     "read registers: use %%di, %%si, %%dx, %%cx, %%r8, %%r9 "
			     "for the first integer arguments on x86-64", (int)n, s);
	return afail(c, pos, "unknown variable '%.*s' (uprobes know $stack, "
		     "$stackN, $retval, $comm; $FIELD is only for event probes)",
		     (int)n, s);
}

static int check_reg(struct actx *c, const char *s, size_t n, int pos,
		     enum fop *last)
{
	size_t i;

	for (i = 0; i < sizeof(x86_regs) / sizeof(x86_regs[0]); i++) {
		if (strlen(x86_regs[i]) == n - 1 && !memcmp(s + 1, x86_regs[i], n - 1)) {
			*last = OP_REG;
			return 0;
		}
	}
	if (n == 4 && (s[1] == 'r' || s[1] == 'e') && s[2] != '1')
		return afail(c, pos, "unknown register '%.*s': the kernel names "
			     "x86-64 registers without the r/e prefix, e.g. '%%%.*s'",
			     (int)n, s, 2, s + 2);
	return afail(c, pos, "unknown register '%.*s' (x86-64: %%ax %%bx %%cx %%dx "
		     "%%si %%di %%bp %%sp %%r8..%%r15 %%ip %%flags %%cs %%ss "
		     "%%orig_ax)", (int)n, s);
}

static int check_mem(struct actx *c, const char *s, size_t n, int pos,
		     enum fop *last)
{
	uint64_t v;

	if (n > 1 && is_digit(s[1])) {
		if (!parse_u64(s + 1, n - 1, &v))
			return afail(c, pos, "bad address in '%.*s'", (int)n, s);
	} else if (n > 1 && s[1] == '+') {
		if (!parse_s64(s + 2, n - 2))
			return afail(c, pos, "bad file offset in '%.*s'", (int)n, s);
	} else if (n > 1 && s[1] == '-') {
		return afail(c, pos, "'%.*s': a file offset is '@+OFFSET'", (int)n, s);
	} else {
		return afail(c, pos, "'%.*s': symbols are only for kprobes; uprobes "
			     "take @ADDR (an address in the process) or @+OFFSET "
			     "(a file offset)", (int)n, s);
	}
	*last = OP_DEREF;
	return next_insn(c, pos, s, n);
}

static int check_deref(struct actx *c, const char *s, size_t n, int pos,
		       enum fop *last)
{
	const char *open = memchr(s, '(', n), *num = s + 1;
	bool user = n > 1 && s[1] == 'u';
	enum fop inner;
	uint64_t v;
	size_t in;
	int ret;

	if (user && !c->feat->uderef)
		return afail(c, pos, "this kernel does not support '+u' dereferences");
	num += user;
	if (!open)
		return afail(c, pos, "dereference '%.*s' needs '(': e.g. '+8(%%di)'",
			     (int)n, s);
	/* "-8(" is kstrtol("-8"): a long either way */
	if (!parse_u64(num, open - num, &v) || v > (uint64_t)INT64_MAX + (s[0] == '-'))
		return afail(c, pos, "bad dereference offset in '%.*s'", (int)n, s);
	if (s[n - 1] != ')')
		return afail(c, pos + (int)n, "dereference '%.*s' is not closed with ')'",
			     (int)n, s);
	in = s + n - 1 - (open + 1);
	ret = check_fetch(c, open + 1, in, pos + (int)(open + 1 - s), &inner);
	if (ret)
		return ret;
	if (inner == OP_COMM || inner == OP_DATA)
		return afail(c, pos, "'%.*s' cannot be dereferenced", (int)in, open + 1);
	*last = user ? OP_UDEREF : OP_DEREF;
	return next_insn(c, pos, s, n);
}

static int check_imm(struct actx *c, const char *s, size_t n, int pos,
		     enum fop *last)
{
	if (!c->feat->imm)
		return afail(c, pos, "this kernel does not support immediates ('\\IMM', "
			     "'\\\"STR\"')");
	if (n > 1 && s[1] == '"') {
		if (n < 3 || s[n - 1] != '"')
			return afail(c, pos + (int)n, "immediate string '%.*s' is not "
				     "closed with '\"'", (int)n, s);
		*last = OP_DATA;
		return 0;
	}
	if (n > 1 && ((is_digit(s[1]) && parse_u64(s + 1, n - 1, &(uint64_t){ 0 })) ||
		      (s[1] == '-' && parse_s64(s + 1, n - 1)) ||
		      (s[1] == '+' && parse_s64(s + 2, n - 2)))) {
		*last = OP_IMM;
		return 0;
	}
	return afail(c, pos + 1, "bad immediate '%.*s' (a number: \\1, \\-1, \\0x10)",
		     (int)n, s);
}

/* One fetch-arg body without its type, the way parse_probe_arg() walks it. */
static int check_fetch(struct actx *c, const char *s, size_t n, int pos,
		       enum fop *last)
{
	if (!n)
		return afail(c, pos, "empty fetch-arg");
	switch (s[0]) {
	case '$':
		return check_var(c, s, n, pos, last);
	case '%':
		return check_reg(c, s, n, pos, last);
	case '@':
		return check_mem(c, s, n, pos, last);
	case '+':
	case '-':
		return check_deref(c, s, n, pos, last);
	case '\\':
		return check_imm(c, s, n, pos, last);
	}
	if (is_ident_start(s[0]))
		return afail(c, pos, "unknown fetch-arg '%.*s': uprobe_events has no "
			     "variables by name (registers are '%%di', memory "
			     "'+8(%%di)')", (int)n, s);
	return afail(c, pos, "unknown fetch-arg '%.*s'", (int)n, s);
}

/* The kernel's types: size in bytes, 0 for an unknown name. */
static int scalar_size(const char *t, size_t n)
{
	static const char *const names[] = { "8", "16", "32", "64" };
	size_t i;

	if (n < 2 || (t[0] != 'u' && t[0] != 's' && t[0] != 'x'))
		return 0;
	for (i = 0; i < 4; i++)
		if (strlen(names[i]) == n - 1 && !memcmp(t + 1, names[i], n - 1))
			return 1 << i;
	return 0;
}

static bool same(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* b<W>@<O>/<C>: the container is 8, 16, 32 or 64 bits and holds W + O. */
static int check_bitfield(struct actx *c, const char *t, size_t n, int pos,
			  int *size)
{
	const char *at = memchr(t, '@', n), *sl = memchr(t, '/', n);
	uint64_t w, o, cs;

	if (!at || !sl || sl < at || !parse_u64(t + 1, at - t - 1, &w) ||
	    !parse_u64(at + 1, sl - at - 1, &o) ||
	    !parse_u64(sl + 1, t + n - sl - 1, &cs))
		return afail(c, pos, "bad bitfield '%.*s': it is b<WIDTH>@<OFFSET>/"
			     "<CONTAINER>, e.g. 'b3@4/32'", (int)n, t);
	if (cs != 8 && cs != 16 && cs != 32 && cs != 64)
		return afail(c, pos, "bitfield '%.*s': the container is 8, 16, 32 or "
			     "64 bits", (int)n, t);
	if (!w || w > cs || o > cs - w)
		return afail(c, pos, "bitfield '%.*s': width %" PRIu64 " at offset %"
			     PRIu64 " does not fit in %" PRIu64 " bits (width >= 1, "
			     "width + offset <= container)", (int)n, t, w, o, cs);
	if (!c->feat->bitfield)
		return afail(c, pos, "this kernel does not support bitfields ('%.*s')",
			     (int)n, t);
	*size = (int)cs / 8;
	return 0;
}

static int type_base(struct actx *c, const char *t, size_t n, int pos,
		     int *size, bool *string)
{
	*string = false;
	*size = scalar_size(t, n);
	if (*size)
		return 0;
	if (same(t, n, "char")) {
		*size = 1;
		return c->feat->char_type ? 0 :
		       afail(c, pos, "this kernel does not support the type 'char'");
	}
	if (same(t, n, "string") || same(t, n, "ustring")) {
		*string = true;
		*size = 4;	/* a __data_loc in the event */
		return c->feat->ustring || t[0] == 's' ? 0 :
		       afail(c, pos, "this kernel does not support the type 'ustring'");
	}
	if (same(t, n, "symbol") || same(t, n, "symstr"))
		return afail(c, pos, "type '%.*s' is only for kernel probes (it "
			     "looks up a kernel symbol)", (int)n, t);
	if (same(t, n, "%pd") || same(t, n, "%pD"))
		return afail(c, pos, "type '%.*s' is only for kprobes (it reads a "
			     "kernel struct dentry or file)", (int)n, t);
	if (n > 1 && t[0] == 'b')
		return check_bitfield(c, t, n, pos, size);
	if (!n)
		return afail(c, pos, "empty type after ':'");
	return afail(c, pos, "type '%.*s' is not a kernel fetch type (u8..u64, "
		     "s8..s64, x8..x64, char, string, ustring, b<W>@<O>/<C>, "
		     "TYPE[N])", (int)n, t);
}

/* TYPE[N]: 1 <= N <= 64; *tn is cut to TYPE. */
static int type_array(struct actx *c, const char *t, size_t *tn, int pos,
		      unsigned int *count)
{
	const char *open = memchr(t, '[', *tn), *close;
	uint64_t v;

	*count = 0;
	if (!open)
		return 0;
	close = memchr(open, ']', t + *tn - open);
	if (!close)
		return afail(c, pos + (int)*tn, "array '%.*s' is not closed with ']'",
			     (int)*tn, t);
	if (close != t + *tn - 1)
		return afail(c, pos + (int)(close + 1 - t), "junk after ']' in '%.*s'",
			     (int)*tn, t);
	if (!parse_u64(open + 1, close - open - 1, &v) || !v || v > PROBE_MAX_ARRAY)
		return afail(c, pos + (int)(open + 1 - t), "array size in '%.*s' must "
			     "be 1..%d", (int)*tn, t, PROBE_MAX_ARRAY);
	if (!c->feat->array)
		return afail(c, pos, "this kernel does not support arrays ('%.*s')",
			     (int)*tn, t);
	*count = (unsigned int)v;
	*tn = open - t;
	return 0;
}

/*
 * The type against the fetch, then the store, bitfield and loop steps
 * that finalize_fetch_insn() adds (each takes a fetch_insn slot).
 */
static int check_type(struct actx *c, const char *t, size_t tn, int tpos,
		      const char *body, size_t bn, enum fop last)
{
	bool string = false, fixed = last == OP_COMM || last == OP_DATA;
	unsigned int count = 0;
	enum sop store;
	int size = 8, ret;	/* no type: x64 */

	if (t) {
		ret = type_array(c, t, &tn, tpos, &count);
		if (!ret)
			ret = type_base(c, t, tn, tpos, &size, &string);
		if (ret)
			return ret;
	}
	if (fixed && (count || (t && !same(t, tn, "string"))))
		return afail(c, tpos, "'%.*s' is a string: give no type or ':string'",
			     (int)(t ? t - body - 1 : (long)bn), body);
	if (fixed) {
		string = true;
		size = 4;
	}
	if (string && last != OP_DEREF && last != OP_UDEREF && last != OP_IMM &&
	    !fixed)
		return afail(c, tpos, "type '%.*s' needs a memory address: "
			     "dereference the pointer, e.g. '+0(%%di):string'",
			     (int)tn, t);
	if (string) {
		store = ST_STRING;
		if ((last == OP_IMM || fixed || count) && next_insn(c, 0, body, bn))
			return -EINVAL;
	} else if (last == OP_DEREF || last == OP_UDEREF) {
		store = last == OP_DEREF ? ST_MEM : ST_UMEM;
	} else {
		store = ST_RAW;
		if (next_insn(c, 0, body, bn))
			return -EINVAL;
	}
	if (t && t[0] == 'b' && !string && next_insn(c, 0, body, bn))
		return -EINVAL;
	if (count && store == ST_UMEM)
		return afail(c, tpos, "the kernel takes no array through a '+u' "
			     "dereference ('%.*s')", (int)bn, body);
	if (count && store == ST_RAW)
		return afail(c, tpos, "an array needs memory: dereference it, e.g. "
			     "'+0(%%di):%.*s'", (int)(body + bn - t), t);
	if (count && next_insn(c, 0, body, bn))
		return -EINVAL;
	c->size = size * (count ? (int)count : 1);
	return 0;
}

static bool reserved_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(reserved_fields) / sizeof(reserved_fields[0]); i++)
		if (same(s, n, reserved_fields[i]))
			return true;
	return false;
}

static int check_name(struct actx *c, const char *s, size_t n)
{
	if (!n)
		return afail(c, 0, "missing argument name before '='");
	if (n > PROBE_MAX_ARG_NAME)
		return afail(c, 0, "argument name '%.*s' is longer than %d characters",
			     (int)n, s, PROBE_MAX_ARG_NAME);
	if (!ident_n(s, n))
		return afail(c, 0, "argument name '%.*s' is not a C identifier%s",
			     (int)n, s, s[0] == '\\' ? " (put NAME= in front of "
			     "an immediate string that holds '=')" : "");
	if (reserved_name(s, n))
		return afail(c, 0, "argument name '%.*s' is taken by a field every "
			     "event has", (int)n, s);
	return 0;
}

/* The parts of "[NAME=]FETCH[:TYPE]", split where the kernel splits it. */
struct argparts {
	const char *name, *body, *fetch, *type;
	size_t nn, bn, fn, tn;
};

static void split_arg(const char *text, struct argparts *a)
{
	const char *eq = strchr(text, '='), *colon;

	a->name = eq ? text : NULL;
	a->nn = eq ? (size_t)(eq - text) : 0;
	a->body = eq ? eq + 1 : text;
	a->bn = strlen(a->body);
	colon = strchr(a->body, ':');
	a->fetch = a->body;
	a->fn = colon ? (size_t)(colon - a->body) : a->bn;
	a->type = colon ? colon + 1 : NULL;
	a->tn = colon ? a->bn - a->fn - 1 : 0;
}

static int check_breaking(struct actx *c, const char *text)
{
	int at = find_breaking(text);
	char buf[16];

	if (at < 0)
		return 0;
	return afail(c, at, "%s in argument '%.40s': %s",
		     breaking_name((unsigned char)text[at], buf, sizeof(buf)), text,
		     breaking_why((unsigned char)text[at]));
}

/* One arg as typed: what the kernel's traceprobe_parse_probe_arg() takes. */
static int check_arg(struct actx *c, const char *text, struct argparts *a)
{
	enum fop last;
	int bpos, ret;

	c->insn = 0;
	c->size = 0;
	ret = check_breaking(c, text);
	if (ret)
		return ret;
	split_arg(text, a);
	bpos = (int)(a->body - text);
	if (a->name && (ret = check_name(c, a->name, a->nn)))
		return ret;
	if (!a->bn)
		return afail(c, bpos, "missing fetch-arg%s", a->name ? " after '='" : "");
	if (a->bn > PROBE_MAX_ARGSTR)
		return afail(c, bpos, "'%.20s...' is %zu characters long; the kernel "
			     "takes at most %d for FETCHARG[:TYPE]", a->body, a->bn,
			     PROBE_MAX_ARGSTR);
	if (a->type && a->fetch[0] == '\\' && a->fetch[1] == '"' &&
	    a->fetch[a->fn - 1] != '"')
		return afail(c, bpos + (int)a->fn, "':' inside the immediate string "
			     "'%s': the kernel takes the type from the first ':'",
			     a->body);
	ret = check_fetch(c, a->fetch, a->fn, bpos, &last);
	if (ret)
		return ret;
	return check_type(c, a->type, a->tn, bpos + (int)a->fn + 1, a->body,
			  a->bn, last);
}

/* The name the kernel gives arg @i: its own, or argN. */
static const char *eff_name(const struct probe_arg *a, size_t i, char *buf,
			    size_t len)
{
	if (a->name)
		return a->name;
	snprintf(buf, len, "arg%zu", i + 1);
	return buf;
}

/* Whether @name (arg @i) repeats the name of an arg before it. */
static bool name_used(const struct probe_arg *args, size_t i, const char *name)
{
	char buf[32];
	size_t k;

	for (k = 0; k < i; k++)
		if (!strcmp(eff_name(&args[k], k, buf, sizeof(buf)), name))
			return true;
	return false;
}

static char *dup_n(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

/* Append the parts of @a to @p. */
static int append_arg(struct probe *p, const struct argparts *a)
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
static int add_arg(struct probe *p, const char *text, struct actx *c)
{
	char buf[PROBE_MAX_ARG_NAME + 8];
	struct argparts a;
	int ret;

	c->idx = (int)p->nargs;
	if (p->nargs >= PROBE_MAX_ARGS) {
		fail(c->err, PROBE_ERR_ARG, c->idx, c->base, "too many arguments: "
		     "the kernel takes at most %d", PROBE_MAX_ARGS);
		return -E2BIG;
	}
	ret = check_arg(c, text, &a);
	if (ret)
		return ret;
	if (a.name)
		snprintf(buf, sizeof(buf), "%.*s", (int)a.nn, a.name);
	else
		snprintf(buf, sizeof(buf), "arg%zu", p->nargs + 1);
	if (name_used(p->args, p->nargs, buf))
		return afail(c, 0, "argument name '%s' is used twice", buf);
	return append_arg(p, &a);
}

int probe_add_arg(struct probe *p, const char *text,
		  const struct probe_features *feat, struct probe_error *err)
{
	struct actx c = {
		.feat = feat ? feat : &all_features, .err = err, .kind = -1,
	};

	return add_arg(p, text, &c);
}

char *probe_format_arg(const struct probe_arg *a)
{
	char *s;

	if (!a->fetch) {
		errno = EINVAL;
		return NULL;
	}
	if (asprintf(&s, "%s%s%s%s%s", a->name ? a->name : "", a->name ? "=" : "",
		     a->fetch, a->type ? ":" : "", a->type ? a->type : "") < 0)
		return NULL;
	return s;
}

static int check_head_name(struct probe_error *err, enum probe_err_where w,
			   const char *what, const char *s, int pos)
{
	size_t n = strlen(s);
	int at = find_breaking(s);
	char buf[16];

	if (at >= 0)
		return fail(err, w, -1, pos + at, "%s in %s name '%.40s': %s",
			    breaking_name((unsigned char)s[at], buf, sizeof(buf)),
			    what, s, breaking_why((unsigned char)s[at]));
	if (!n)
		return fail(err, w, -1, pos, "missing %s name", what);
	if (n >= PROBE_MAX_EVENT_NAME)
		return fail(err, w, -1, pos, "%s name '%.20s...' is %zu characters "
			    "long; the kernel takes at most %d", what, s, n,
			    PROBE_MAX_EVENT_NAME - 1);
	if (!ident_n(s, n))
		return fail(err, w, -1, pos, "%s name '%s' is not a C identifier "
			    "(letters, digits and '_', not starting with a digit)",
			    what, s);
	return 0;
}

static int check_path(struct probe_error *err, const char *path, int pos)
{
	int at;
	char buf[16];

	if (!path || !*path)
		return fail(err, PROBE_ERR_PATH, -1, pos, "missing path");
	at = find_breaking(path);
	if (at >= 0 && (path[at] == ' ' || path[at] == '\t' ||
			(unsigned char)path[at] == 0xa0))
		return fail(err, PROBE_ERR_PATH, -1, pos + at, "path '%.60s' has "
			    "white space: the kernel's uprobe_events format cannot "
			    "carry it (hint: probe it through a symlink without "
			    "spaces)", path);
	if (at >= 0)
		return fail(err, PROBE_ERR_PATH, -1, pos + at, "%s in path "
			    "'%.60s': %s", breaking_name((unsigned char)path[at],
			    buf, sizeof(buf)), path,
			    breaking_why((unsigned char)path[at]));
	if (path[0] != '/')
		return fail(err, PROBE_ERR_PATH, -1, pos, "path '%.60s' is not "
			    "absolute", path);
	if (strlen(path) >= 4096)
		return fail(err, PROBE_ERR_PATH, -1, pos, "path '%.40s...' is "
			    "longer than PATH_MAX", path);
	return 0;
}

static bool eq_n(const char *s, const char *t, size_t n)
{
	if (!s || !t)
		return !s && !t;
	return strlen(s) == n && !memcmp(s, t, n);
}

/* Arg @i of @p, checked as its formatted text, which is what gets written. */
static int validate_arg(const struct probe *p, size_t i, struct actx *c)
{
	const struct probe_arg *a = &p->args[i];
	char buf[PROBE_MAX_ARG_NAME + 8], *text;
	struct argparts x;
	int ret;

	c->idx = (int)i;
	text = probe_format_arg(a);
	if (!text)
		return errno == ENOMEM ? -ENOMEM :
		       afail(c, 0, "argument %zu has no fetch-arg", i + 1);
	ret = check_arg(c, text, &x);
	if (!ret && !(eq_n(a->name, x.name, x.nn) && eq_n(a->fetch, x.fetch, x.fn) &&
		      eq_n(a->type, x.type, x.tn)))
		ret = afail(c, 0, "argument '%.60s' does not read back the same: "
			    "'=' or ':' inside its name or fetch-arg", text);
	free(text);
	if (ret)
		return ret;
	if (name_used(p->args, i, eff_name(a, i, buf, sizeof(buf))))
		return afail(c, 0, "argument name '%s' is used twice",
			     eff_name(a, i, buf, sizeof(buf)));
	return 0;
}

static int validate_head(const struct probe *p, const struct probe_features *f,
			 struct probe_error *err)
{
	int ret = 0;

	if (p->kind != PROBE_ENTRY && p->kind != PROBE_RETURN && p->kind != PROBE_DELETE)
		return fail(err, PROBE_ERR_KIND, -1, 0, "unknown probe kind %d",
			    (int)p->kind);
	if (p->group)
		ret = check_head_name(err, PROBE_ERR_GROUP, "group", p->group, 0);
	if (!ret && (p->event || p->kind == PROBE_DELETE))
		ret = check_head_name(err, PROBE_ERR_EVENT, "event",
				      p->event ? p->event : "", 0);
	if (ret || p->kind == PROBE_DELETE)
		return ret;
	ret = check_path(err, p->path, 0);
	if (ret)
		return ret;
	if (p->has_ref_ctr && !f->ref_ctr)
		return fail(err, PROBE_ERR_REF_CTR, -1, 0, "this kernel does not "
			    "support reference counters ('(REF_CTR_OFFSET)')");
	if (p->has_ref_ctr && !p->ref_ctr_offset)
		return fail(err, PROBE_ERR_REF_CTR, -1, 0, "reference counter offset "
			    "0 means none to the kernel");
	return 0;
}

int probe_validate(const struct probe *p, const struct probe_features *feat,
		   struct probe_error *err)
{
	struct actx c = {
		.feat = feat ? feat : &all_features, .err = err, .kind = p->kind,
	};
	size_t i, size = 0, len;
	char *line;
	int ret;

	ret = validate_head(p, c.feat, err);
	if (ret || p->kind == PROBE_DELETE)
		return ret ? ret : p->nargs ? fail(err, PROBE_ERR_ARG, 0, 0,
			"a delete line takes no arguments") : 0;
	if (p->nargs > PROBE_MAX_ARGS)
		return fail(err, PROBE_ERR_ARG, PROBE_MAX_ARGS, 0, "too many "
			    "arguments: the kernel takes at most %d", PROBE_MAX_ARGS);
	for (i = 0; i < p->nargs; i++) {
		ret = validate_arg(p, i, &c);
		if (ret)
			return ret;
		size += c.size;
	}
	if (size > PROBE_MAX_EVENT_SIZE)
		return fail(err, PROBE_ERR_LINE, -2, 0, "the arguments take %zu bytes "
			    "in each event; the kernel allows %d", size,
			    PROBE_MAX_EVENT_SIZE);
	line = probe_format(p);
	if (!line)
		return -errno;
	len = strlen(line);
	free(line);
	if (len > PROBE_MAX_LINE)
		return fail(err, PROBE_ERR_LINE, -2, 0, "the definition is %zu "
			    "characters long; the kernel takes at most %d in one "
			    "line", len, PROBE_MAX_LINE);
	return 0;
}

static bool breaks_line(const char *s)
{
	return s && find_breaking(s) >= 0;
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

char *probe_format(const struct probe *p)
{
	const char *group = p->group ? p->group : PROBE_DEFAULT_GROUP;
	char *buf = NULL, *arg;
	size_t len = 0, i;
	FILE *f;

	if (!format_ok(p)) {
		errno = EINVAL;
		return NULL;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (p->kind == PROBE_DELETE)
		fprintf(f, "-:%s/%s", group, p->event);
	else if (p->event || p->group)
		fprintf(f, "%c:%s/%s", p->kind == PROBE_RETURN ? 'r' : 'p', group,
			p->event ? p->event : "");
	else
		fputc(p->kind == PROBE_RETURN ? 'r' : 'p', f);
	if (p->kind != PROBE_DELETE)
		fprintf(f, " %s:0x%" PRIx64, p->path, p->offset);
	if (p->kind != PROBE_DELETE && p->has_ref_ctr)
		fprintf(f, "(0x%" PRIx64 ")", p->ref_ctr_offset);
	for (i = 0; p->kind != PROBE_DELETE && i < p->nargs; i++) {
		arg = probe_format_arg(&p->args[i]);
		if (!arg)
			break;
		fprintf(f, " %s", arg);
		free(arg);
	}
	if (fclose(f) || (p->kind != PROBE_DELETE && i < p->nargs)) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	return buf;
}

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
			return fail(err, PROBE_ERR_GROUP, -1, pos, "missing group "
				    "name before '/'");
		ret = check_head_name(err, PROBE_ERR_GROUP, "group", s, pos);
		if (ret || probe_set(&p->group, s))
			return ret ? ret : -ENOMEM;
		pos += (int)(slash + 1 - s);
		s = slash + 1;
		if (!*s && p->kind != PROBE_DELETE)
			return 0;	/* "p:GRP/": the kernel names it */
	}
	ret = check_head_name(err, PROBE_ERR_EVENT, "event", s, pos);
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
		return fail(err, PROBE_ERR_KIND, -1, 0, "'%s' is an event probe, "
			    "not a uprobe", tok);
	default:
		return fail(err, PROBE_ERR_KIND, -1, 0, "unknown probe kind '%.20s' "
			    "(p, r or -)", tok);
	}
	if (is_digit(tok[1]))
		return fail(err, PROBE_ERR_KIND, -1, 1, "'%.20s': maxactive is only "
			    "for kretprobes (for a uprobe the kernel ignores the "
			    "event name after it)", tok);
	if (tok[1] == '\0' && p->kind != PROBE_DELETE)
		return 0;
	if (tok[1] != ':')
		return fail(err, PROBE_ERR_KIND, -1, 1, "'%.20s' is not %s", tok,
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
		return fail(err, PROBE_ERR_PATH, -1, pos, "'%.60s' is not PATH:OFFSET "
			    "(the offset is a number)", tok);
	*colon = '\0';
	rest = colon + 1;
	ret = check_path(err, tok, pos);
	if (ret || probe_set(&p->path, tok))
		return ret ? ret : -ENOMEM;
	pos += (int)(rest - tok);
	open = strchr(rest, '(');
	if (open) {
		close = strchr(open, ')');
		if (!close || close[1] || !parse_u64(open + 1, close - open - 1,
						     &p->ref_ctr_offset))
			return fail(err, PROBE_ERR_REF_CTR, -1, pos + (int)(open - rest),
				    "bad reference counter '%s' (it is (OFFSET), "
				    "last in PATH:OFFSET(OFFSET))", open);
		/* the kernel takes (0) for no reference counter */
		p->has_ref_ctr = p->ref_ctr_offset != 0;
		*open = '\0';
	}
	pct = strchr(rest, '%');
	if (pct && strcmp(pct, "%return"))
		return fail(err, PROBE_ERR_OFFSET, -1, pos + (int)(pct - rest),
			    "unknown suffix '%s' (only %%return)", pct);
	if (pct) {
		p->kind = PROBE_RETURN;
		*pct = '\0';
	}
	if (!parse_u64(rest, strlen(rest), &p->offset))
		return fail(err, PROBE_ERR_OFFSET, -1, pos, "bad offset '%s'", rest);
	return 0;
}

/* Every byte that breaks a token, besides the spaces between tokens. */
static int check_line_bytes(const char *s, size_t n, struct probe_error *err)
{
	size_t i;
	char buf[16];

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		if (is_breaking(b) && b != ' ' && b != '\t')
			return fail(err, PROBE_ERR_LINE, -1, (int)i, "%s at byte %zu: %s",
				    breaking_name(b, buf, sizeof(buf)), i,
				    breaking_why(b));
	}
	return 0;
}

static int parse_args(struct probe *p, char **cur, char *buf, bool strict,
		      struct probe_error *err)
{
	struct actx c = { .feat = &all_features, .err = err, .kind = p->kind };
	size_t size = 0;
	struct argparts a;
	char *tok;
	int ret = 0;

	while (!ret && (tok = next_token(cur))) {
		c.base = (int)(tok - buf);
		if (strict) {
			ret = add_arg(p, tok, &c);
			size += c.size;
		} else if (p->nargs >= PROBE_MAX_ARGS) {
			ret = fail(err, PROBE_ERR_ARG, (int)p->nargs, c.base, "too "
				   "many arguments: the kernel takes at most %d",
				   PROBE_MAX_ARGS);
		} else {
			split_arg(tok, &a);
			ret = append_arg(p, &a);
		}
	}
	if (!ret && size > PROBE_MAX_EVENT_SIZE)
		ret = fail(err, PROBE_ERR_LINE, -2, 0, "the arguments take %zu bytes "
			   "in each event; the kernel allows %d", size,
			   PROBE_MAX_EVENT_SIZE);
	return ret == -E2BIG ? -EINVAL : ret;
}

static int parse_into(struct probe *p, char *buf, size_t n, bool strict,
		      struct probe_error *err)
{
	char *cur = buf, *tok;
	int ret;

	ret = check_line_bytes(buf, n, err);
	if (ret)
		return ret;
	if (strict && n > PROBE_MAX_LINE)
		return fail(err, PROBE_ERR_LINE, -2, 0, "the line is %zu characters "
			    "long; the kernel takes at most %d", n, PROBE_MAX_LINE);
	tok = next_token(&cur);
	if (!tok)
		return fail(err, PROBE_ERR_LINE, -1, 0, "empty line");
	ret = parse_head(p, tok, err);
	if (!ret)
		tok = next_token(&cur);
	if (ret || p->kind == PROBE_DELETE)
		return ret ? ret : !tok ? 0 : fail(err, PROBE_ERR_LINE, -1,
			(int)(tok - buf), "junk after -:[GRP/]EVENT: '%.40s'", tok);
	if (!tok)
		return fail(err, PROBE_ERR_PATH, -1, (int)n, "missing PATH:OFFSET");
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

bool probe_name_valid(const char *s)
{
	return s && ident_n(s, strlen(s)) && strlen(s) < PROBE_MAX_EVENT_NAME;
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
	memcpy(buf + o, "__return", suffix);
	buf[o + suffix] = '\0';
	return 0;
}

void probe_features_all(struct probe_features *f)
{
	*f = all_features;
}

/* The line holding @key, and the lines that continue it, as [*start, end). */
static const char *readme_block(const char *text, const char *key,
				const char **start)
{
	const char *hit = strstr(text, key), *line, *end;

	if (!hit)
		return NULL;
	for (line = hit; line > text && line[-1] != '\n'; line--)
		;
	*start = line;
	end = strchr(hit, '\n');
	/* a continuation is indented and does not start with "word:" */
	while (end && (end[1] == ' ' || end[1] == '\t')) {
		const char *w = end + 1 + strspn(end + 1, " \t");
		size_t wl = strcspn(w, " \t\n");

		if (!wl || w[wl - 1] == ':')
			break;
		end = strchr(w, '\n');
	}
	return end ? end : hit + strlen(hit);
}

static bool block_has(const char *s, const char *e, const char *needle)
{
	return s && e && memmem(s, e - s, needle, strlen(needle));
}

/* @word in [s, e) with a separator (start, space, ',' or '/') on each side. */
static bool block_has_word(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);
	const char *q = s;

	while (s && e && (q = memmem(q, e - q, word, n))) {
		bool before = q == s || strchr(" \t,/", q[-1]);
		bool after = q + n == e || strchr(" \t,/\n", q[n]);

		if (before && after)
			return true;
		q += n;
	}
	return false;
}

void probe_features_parse(struct probe_features *f, const char *readme)
{
	const char *s = NULL, *e, *ts = NULL, *te;

	memset(f, 0, sizeof(*f));
	if (!readme)
		return;
	e = readme_block(readme, "place (uprobe):", &s);
	f->retprobe = block_has(s, e, "%return");
	f->ref_ctr = block_has(s, e, "(ref_ctr_offset)");
	e = readme_block(readme, "fetcharg:", &s);
	f->comm = block_has(s, e, "$comm");
	f->stack = block_has(s, e, "$stack");
	f->imm = block_has(s, e, "\\imm-value");
	f->uderef = block_has(s, e, "[u]<offset>");
	te = e ? readme_block(e, "type:", &ts) : NULL;
	f->char_type = block_has_word(ts, te, "char");
	f->ustring = block_has_word(ts, te, "ustring");
	f->bitfield = block_has(ts, te, "b<bit-width>");
	f->array = block_has(ts, te, "<array-size>");
}
