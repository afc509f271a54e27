// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar's fetch-args: registers, memory, dereferences, immediates and
 * $vars, checked the way the kernel's parse_probe_arg() walks them, and the
 * kernel's numbers (kstrtoul() and friends). Types are in probe-type.c.
 */
#include <errno.h>
#include <string.h>

#include "probe-int.h"
#include "x86-regs.h"

/*
 * kstrtoull(s, 0) on @n bytes: 0x/0X hex, a leading 0 octal, else decimal,
 * all of it digits, no sign.
 */
bool pb_parse_u64(const char *s, size_t n, uint64_t *v)
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

/* kstrtol(s, 0): an optional '-', then as pb_parse_u64(), within a long. */
bool pb_parse_s64(const char *s, size_t n)
{
	uint64_t v;
	bool neg = n && s[0] == '-';

	if (!pb_parse_u64(s + neg, n - neg, &v))
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

int pb_next_insn(struct actx *c, int pos, const char *s, size_t n)
{
	if (++c->insn <= FETCH_INSN_LAST)
		return 0;
	return pb_afail(c, pos, "'%.*s' nests too deep: the kernel runs at most %d "
			"fetch steps for one arg", (int)n, s, FETCH_INSN_LAST);
}

static int check_var(struct actx *c, const char *s, size_t n, int pos,
		     enum fop *last)
{
	const char *v = s + 1;
	size_t vn = n - 1;

	if (vn == 6 && !memcmp(v, "retval", 6)) {
		if (c->kind == PROBE_ENTRY)
			return pb_afail(c, pos, "'$retval' is only for return probes "
					"(add one with -r or SYMBOL%%return)");
		*last = OP_RETVAL;
		return 0;
	}
	if (vn >= 5 && !memcmp(v, "stack", 5)) {
		if (vn > 5 && !parse_dec(v + 5, vn - 5))
			return pb_afail(c, pos, "unknown variable '%.*s' ($stackN "
					"takes a decimal N)", (int)n, s);
		if (!c->feat->stack)
			return pb_afail(c, pos, "this kernel does not support '$stack'");
		*last = vn == 5 ? OP_STACKP : OP_STACK;
		return 0;
	}
	if (vn == 4 && (!memcmp(v, "comm", 4) || !memcmp(v, "COMM", 4))) {
		if (!c->feat->comm)
			return pb_afail(c, pos, "this kernel does not support '$comm'");
		*last = OP_COMM;
		return 0;
	}
	if (vn >= 3 && !memcmp(v, "arg", 3))
		return pb_afail(c, pos, "'%.*s' is only for kprobes and fprobes; uprobes "
				"read registers: use %%di, %%si, %%dx, %%cx, %%r8, %%r9 "
				"for the first integer arguments on x86-64", (int)n, s);
	return pb_afail(c, pos, "unknown variable '%.*s' (uprobes know $stack, "
			"$stackN, $retval, $comm; $FIELD is only for event probes)",
			(int)n, s);
}

static int check_reg(struct actx *c, const char *s, size_t n, int pos,
		     enum fop *last)
{
	if (x86_reg_known(s + 1, n - 1)) {
		*last = OP_REG;
		return 0;
	}
	if (n == 4 && (s[1] == 'r' || s[1] == 'e') && s[2] != '1')
		return pb_afail(c, pos, "unknown register '%.*s': the kernel names "
				"x86-64 registers without the r/e prefix, e.g. '%%%.*s'",
				(int)n, s, 2, s + 2);
	return pb_afail(c, pos, "unknown register '%.*s' (x86-64: %%ax %%bx %%cx %%dx "
			"%%si %%di %%bp %%sp %%r8..%%r15 %%ip %%flags %%cs %%ss "
			"%%orig_ax)", (int)n, s);
}

static int check_mem(struct actx *c, const char *s, size_t n, int pos,
		     enum fop *last)
{
	uint64_t v;

	if (n > 1 && is_digit(s[1])) {
		if (!pb_parse_u64(s + 1, n - 1, &v))
			return pb_afail(c, pos, "bad address in '%.*s'", (int)n, s);
	} else if (n > 1 && s[1] == '+') {
		if (!pb_parse_s64(s + 2, n - 2))
			return pb_afail(c, pos, "bad file offset in '%.*s'", (int)n, s);
	} else if (n > 1 && s[1] == '-') {
		return pb_afail(c, pos, "'%.*s': a file offset is '@+OFFSET'", (int)n, s);
	} else {
		return pb_afail(c, pos, "'%.*s': symbols are only for kprobes; uprobes "
				"take @ADDR (an address in the process) or @+OFFSET "
				"(a file offset)", (int)n, s);
	}
	*last = OP_DEREF;
	return pb_next_insn(c, pos, s, n);
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
		return pb_afail(c, pos, "this kernel does not support '+u' dereferences");
	num += user;
	if (!open)
		return pb_afail(c, pos, "dereference '%.*s' needs '(': e.g. '+8(%%di)'",
				(int)n, s);
	/* "-8(" is kstrtol("-8"): a long either way */
	if (!pb_parse_u64(num, open - num, &v) || v > (uint64_t)INT64_MAX + (s[0] == '-'))
		return pb_afail(c, pos, "bad dereference offset in '%.*s'", (int)n, s);
	if (s[n - 1] != ')')
		return pb_afail(c, pos + (int)n, "dereference '%.*s' is not closed with ')'",
				(int)n, s);
	in = s + n - 1 - (open + 1);
	ret = pb_check_fetch(c, open + 1, in, pos + (int)(open + 1 - s), &inner);
	if (ret)
		return ret;
	if (inner == OP_COMM || inner == OP_DATA)
		return pb_afail(c, pos, "'%.*s' cannot be dereferenced", (int)in, open + 1);
	*last = user ? OP_UDEREF : OP_DEREF;
	return pb_next_insn(c, pos, s, n);
}

static int check_imm(struct actx *c, const char *s, size_t n, int pos,
		     enum fop *last)
{
	if (!c->feat->imm)
		return pb_afail(c, pos, "this kernel does not support immediates ('\\IMM', "
				"'\\\"STR\"')");
	if (n > 1 && s[1] == '"') {
		if (n < 3 || s[n - 1] != '"')
			return pb_afail(c, pos + (int)n, "immediate string '%.*s' is not "
					"closed with '\"'", (int)n, s);
		*last = OP_DATA;
		return 0;
	}
	if (n > 1 && ((is_digit(s[1]) && pb_parse_u64(s + 1, n - 1, &(uint64_t){ 0 })) ||
		      (s[1] == '-' && pb_parse_s64(s + 1, n - 1)) ||
		      (s[1] == '+' && pb_parse_s64(s + 2, n - 2)))) {
		*last = OP_IMM;
		return 0;
	}
	return pb_afail(c, pos + 1, "bad immediate '%.*s' (a number: \\1, \\-1, \\0x10)",
			(int)n, s);
}

/* One fetch-arg body without its type, the way parse_probe_arg() walks it. */
int pb_check_fetch(struct actx *c, const char *s, size_t n, int pos,
		   enum fop *last)
{
	if (!n)
		return pb_afail(c, pos, "empty fetch-arg");
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
		return pb_afail(c, pos, "unknown fetch-arg '%.*s': uprobe_events has no "
				"variables by name (registers are '%%di', memory "
				"'+8(%%di)')", (int)n, s);
	return pb_afail(c, pos, "unknown fetch-arg '%.*s'", (int)n, s);
}
