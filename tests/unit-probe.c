// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the grammar (src/probe.c): tables of valid and invalid
 * fetch-args and lines for every form and limit, round trips through
 * probe_format() and probe_parse(), the kernel's printed lines, feature
 * detection from tracefs README texts, event names.
 *
 * The verdicts in the tables were checked by writing the same lines to a
 * 6.18 kernel's uprobe_events (see the notes in src/probe.c for where the
 * grammar is stricter than the kernel).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The uprobe part of a 6.18 kernel's /sys/kernel/tracing/README, verbatim. */
static const char readme_new[] =
	"  uprobe_events\t\t- Create/append/remove/show the userspace dynamic events\n"
	"\t\t\t  Write into this file to define/undefine new trace events.\n"
	"\t  accepts: event-definitions (one definition per line)\n"
	"\t   Format: p[:[<group>/][<event>]] <place> [<args>]\n"
	"\t           r[maxactive][:[<group>/][<event>]] <place> [<args>]\n"
	"\t           e[:[<group>/][<event>]] <attached-group>.<attached-event> [<args>] [if <filter>]\n"
	"\t           -:[<group>/][<event>]\n"
	"   place (uprobe): <path>:<offset>[%return][(ref_ctr_offset)]\n"
	"\t     args: <name>=fetcharg[:type]\n"
	"\t fetcharg: (%<register>|$<efield>), @<address>, @<symbol>[+|-<offset>],\n"
	"\t           $stack<index>, $stack, $retval, $comm, $arg<N>,\n"
	"\t           +|-[u]<offset>(<fetcharg>), \\imm-value, \\\"imm-string\"\n"
	"\t     kernel return probes support: $retval, $arg<N>, $comm\n"
	"\t     type: s8/16/32/64, u8/16/32/64, x8/16/32/64, char, string, symbol,\n"
	"\t           b<bit-width>@<bit-offset>/<container-size>, ustring,\n"
	"\t           symstr, %pd/%pD, <type>\\[<array-size>\\]\n"
	"\t    efield: For event probes ('e' types), the field is on of the fields\n"
	"\t            of the <attached-group>/<attached-event>.\n";

/* The same part as a 4.19 kernel has it: no %return, ref_ctr, char, ustring,
 * arrays, immediates or user dereferences. */
static const char readme_old[] =
	"  uprobe_events\t\t- Add/remove/show the userspace dynamic events\n"
	"\t\t\t  Write into this file to define/undefine new trace events.\n"
	"\t  accepts: event-definitions (one definition per line)\n"
	"\t   Format: p[:[<group>/]<event>] <place> [<args>]\n"
	"\t           r[maxactive][:[<group>/]<event>] <place> [<args>]\n"
	"\t           -:[<group>/]<event>\n"
	"   place (uprobe): <path>:<offset>\n"
	"\t     args: <name>=fetcharg[:type]\n"
	"\t fetcharg: %<register>, @<address>, @<symbol>[+|-<offset>],\n"
	"\t           $stack<index>, $stack, $retval, $comm\n"
	"\t     type: s8/16/32/64, u8/16/32/64, x8/16/32/64, string,\n"
	"\t           b<bit-width>@<bit-offset>/<container-size>\n"
	"  events/\t\t- Directory containing all trace event subsystems:\n";

enum { ANY = -1 };

struct arg_case {
	const char *text;
	int kind;		/* ANY, PROBE_ENTRY, PROBE_RETURN */
	bool ok;
	const char *msg;	/* part of the message when refused */
	int pos;		/* where, or -1: not checked */
};

static const struct arg_case arg_cases[] = {
	/* registers */
	{ "%di", ANY, true, NULL, -1 },
	{ "a=%ax", ANY, true, NULL, -1 },
	{ "%r8", ANY, true, NULL, -1 },
	{ "%r15", ANY, true, NULL, -1 },
	{ "%ip", ANY, true, NULL, -1 },
	{ "%flags", ANY, true, NULL, -1 },
	{ "%orig_ax", ANY, true, NULL, -1 },
	{ "%cs", ANY, true, NULL, -1 },
	{ "%ss", ANY, true, NULL, -1 },
	{ "%zz", ANY, false, "unknown register '%zz'", 0 },
	{ "x=%zz", ANY, false, "unknown register '%zz'", 2 },
	{ "%rdi", ANY, false, "without the r/e prefix, e.g. '%di'", 0 },
	{ "%eax", ANY, false, "e.g. '%ax'", 0 },
	{ "%ds", ANY, false, "unknown register '%ds'", 0 },
	{ "%fs", ANY, false, "unknown register", 0 },
	{ "%AX", ANY, false, "unknown register", 0 },
	{ "%r16", ANY, false, "unknown register '%r16'", 0 },
	/* $ variables */
	{ "$stack", ANY, true, NULL, -1 },
	{ "$stack0", ANY, true, NULL, -1 },
	{ "$stack010", ANY, true, NULL, -1 },
	{ "$stack99999999", ANY, true, NULL, -1 },
	{ "$stack1x", ANY, false, "unknown variable '$stack1x'", 0 },
	{ "$stack0x10", ANY, false, "decimal", 0 },
	{ "$comm", ANY, true, NULL, -1 },
	{ "$COMM", ANY, true, NULL, -1 },
	{ "c=$comm:string", ANY, true, NULL, -1 },
	{ "c=$comm:u32", ANY, false, "is a string", 8 },
	{ "$comm:ustring", ANY, false, "is a string", -1 },
	{ "$comm:string[2]", ANY, false, "is a string", -1 },
	{ "+0($comm)", ANY, false, "'$comm' cannot be dereferenced", -1 },
	{ "$retval", PROBE_RETURN, true, NULL, -1 },
	{ "r=$retval:s32", PROBE_RETURN, true, NULL, -1 },
	{ "$retval", PROBE_ENTRY, false, "only for return probes", 0 },
	{ "+0($retval):string", PROBE_RETURN, true, NULL, -1 },
	{ "$retval:string", PROBE_RETURN, false, "needs a memory address", -1 },
	{ "$retval:u8[2]", PROBE_RETURN, false, "an array needs memory", -1 },
	{ "$arg1", ANY, false, "only for kprobes and fprobes; uprobes read "
	  "registers: use %di", 0 },
	{ "$argx", ANY, false, "only for kprobes", 0 },
	{ "$foo", ANY, false, "unknown variable '$foo'", 0 },
	{ "$", ANY, false, "unknown variable", 0 },
	/* memory */
	{ "@0x1000", ANY, true, NULL, -1 },
	{ "@123", ANY, true, NULL, -1 },
	{ "@18446744073709551615", ANY, true, NULL, -1 },
	{ "@18446744073709551616", ANY, false, "bad address", 0 },
	{ "@+0x10", ANY, true, NULL, -1 },
	{ "@+8:u8[4]", ANY, true, NULL, -1 },
	{ "@0x10:string", ANY, true, NULL, -1 },
	{ "@0x10:string[2]", ANY, true, NULL, -1 },
	{ "@0x10:b3@1/8", ANY, true, NULL, -1 },
	{ "@-0x10", ANY, false, "a file offset is '@+OFFSET'", 0 },
	{ "@sym", ANY, false, "symbols are only for kprobes", 0 },
	{ "@sym+8", ANY, false, "symbols are only for kprobes", 0 },
	{ "@0xzz", ANY, false, "bad address", 0 },
	/* dereferences */
	{ "+0(%di)", ANY, true, NULL, -1 },
	{ "-8(%di)", ANY, true, NULL, -1 },
	{ "+0x10(%di)", ANY, true, NULL, -1 },
	{ "+010(%di)", ANY, true, NULL, -1 },
	{ "+u8(%di)", ANY, true, NULL, -1 },
	{ "-u8(%di)", ANY, true, NULL, -1 },
	{ "+0(+8($stack))", ANY, true, NULL, -1 },
	{ "+0($stack):string", ANY, true, NULL, -1 },
	{ "+0(\\1)", ANY, true, NULL, -1 },
	{ "+9223372036854775807(%di)", ANY, true, NULL, -1 },
	{ "-9223372036854775808(%di)", ANY, true, NULL, -1 },
	{ "+9223372036854775808(%di)", ANY, false, "bad dereference offset", 0 },
	{ "u8(%di)", ANY, false, "unknown fetch-arg 'u8(%di)'", 0 },
	{ "+(%di)", ANY, false, "bad dereference offset", 0 },
	{ "+0x(%di)", ANY, false, "bad dereference offset", 0 },
	{ "+08(%di)", ANY, false, "bad dereference offset", 0 },
	{ "+8", ANY, false, "needs '('", 0 },
	{ "a=+0(%di", ANY, false, "is not closed with ')'", 8 },
	{ "+0(%di))", ANY, false, "unknown register '%di)'", 3 },
	{ "+0(%di)xyz", ANY, false, "is not closed with ')'", -1 },
	{ "+0(\\\"x\")", ANY, false, "cannot be dereferenced", -1 },
	{ "+0(%zz)", ANY, false, "unknown register '%zz'", 3 },
	{ "a=+0(+8(%zz))", ANY, false, "unknown register '%zz'", 8 },
	{ "+0()", ANY, false, "empty fetch-arg", 3 },
	/* immediates */
	{ "\\1", ANY, true, NULL, -1 },
	{ "\\-1", ANY, true, NULL, -1 },
	{ "\\+5", ANY, true, NULL, -1 },
	{ "\\0x10", ANY, true, NULL, -1 },
	{ "\\18446744073709551615", ANY, true, NULL, -1 },
	{ "\\-9223372036854775808", ANY, true, NULL, -1 },
	{ "\\99999999999999999999", ANY, false, "bad immediate", 1 },
	{ "\\x", ANY, false, "bad immediate '\\x'", 1 },
	{ "\\", ANY, false, "bad immediate", -1 },
	{ "\\1:string", ANY, true, NULL, -1 },
	{ "\\1:string[2]", ANY, true, NULL, -1 },
	{ "s=\\\"abc\"", ANY, true, NULL, -1 },
	{ "s=\\\"\"", ANY, true, NULL, -1 },
	{ "s=\\\"ab\"c\"", ANY, true, NULL, -1 },
	{ "s=\\\"a=b\"", ANY, true, NULL, -1 },
	{ "s=\\\"abc\":string", ANY, true, NULL, -1 },
	{ "s=\\\"abc\":u32", ANY, false, "is a string", -1 },
	{ "s=\\\"x\":string[1]", ANY, false, "is a string", -1 },
	{ "s=\\\"abc", ANY, false, "is not closed with '\"'", -1 },
	{ "s=\\\"", ANY, false, "is not closed", -1 },
	{ "s=\\\"abc\"x", ANY, false, "is not closed", -1 },
	{ "s=\\\"a:b\"", ANY, false, "':' inside the immediate string", 5 },
	{ "\\\"a=b\"", ANY, false, "put NAME= in front", 0 },
	/* types */
	{ "%di:u8", ANY, true, NULL, -1 },
	{ "%di:u16", ANY, true, NULL, -1 },
	{ "%di:u32", ANY, true, NULL, -1 },
	{ "%di:u64", ANY, true, NULL, -1 },
	{ "%di:s8", ANY, true, NULL, -1 },
	{ "%di:s64", ANY, true, NULL, -1 },
	{ "%di:x16", ANY, true, NULL, -1 },
	{ "%di:x64", ANY, true, NULL, -1 },
	{ "%di:char", ANY, true, NULL, -1 },
	{ "%ip:char", ANY, true, NULL, -1 },
	{ "+0(%di):char", ANY, true, NULL, -1 },
	{ "+0(%si):string", ANY, true, NULL, -1 },
	{ "+0(%di):ustring", ANY, true, NULL, -1 },
	{ "+u0(%di):string", ANY, true, NULL, -1 },
	{ "a=%di:u128", ANY, false, "type 'u128' is not a kernel fetch type (u8..u64, "
	  "s8..s64, x8..x64, char, string, ustring, b<W>@<O>/<C>, TYPE[N])", 6 },
	{ "%di:u7", ANY, false, "type 'u7' is not a kernel fetch type", 4 },
	{ "%di:U8", ANY, false, "type 'U8'", 4 },
	{ "%di:int", ANY, false, "type 'int'", 4 },
	{ "%di:", ANY, false, "empty type", 4 },
	{ "%di:u8:u16", ANY, false, "type 'u8:u16'", 4 },
	{ "%di:string", ANY, false, "type 'string' needs a memory address", 4 },
	{ "%di:ustring", ANY, false, "needs a memory address", 4 },
	{ "$stack:string", ANY, false, "needs a memory address", -1 },
	{ "%di:symbol", ANY, false, "type 'symbol' is only for kernel probes", 4 },
	{ "+0(%di):symstr", ANY, false, "type 'symstr' is only for kernel probes", -1 },
	{ "+0(%di):%pd", ANY, false, "type '%pd' is only for kprobes", 8 },
	{ "+0(%di):%pD", ANY, false, "type '%pD' is only for kprobes", -1 },
	/* bitfields */
	{ "%di:b1@0/8", ANY, true, NULL, -1 },
	{ "%di:b8@0/8", ANY, true, NULL, -1 },
	{ "%di:b4@4/8", ANY, true, NULL, -1 },
	{ "%di:b64@0/64", ANY, true, NULL, -1 },
	{ "+0(%di):b3@2/32", ANY, true, NULL, -1 },
	{ "%di:b0x4@0x2/0x10", ANY, true, NULL, -1 },
	{ "%di:b9@0/8", ANY, false, "width 9 at offset 0 does not fit in 8 bits", 4 },
	{ "%di:b4@5/8", ANY, false, "does not fit", 4 },
	{ "%di:b0@0/8", ANY, false, "does not fit", 4 },
	{ "%di:b1@0/12", ANY, false, "the container is 8, 16, 32 or 64 bits", 4 },
	{ "%di:b1@/8", ANY, false, "bad bitfield 'b1@/8'", 4 },
	{ "%di:b1@0/8x", ANY, false, "bad bitfield", 4 },
	{ "%di:b@0/8", ANY, false, "bad bitfield", 4 },
	{ "%di:b1/8", ANY, false, "bad bitfield", 4 },
	/* arrays */
	{ "+0(%di):u8[4]", ANY, true, NULL, -1 },
	{ "+0(%di):u8[1]", ANY, true, NULL, -1 },
	{ "+0(%di):u8[64]", ANY, true, NULL, -1 },
	{ "+0(%di):u8[0x10]", ANY, true, NULL, -1 },
	{ "+0(%di):x64[1]", ANY, true, NULL, -1 },
	{ "+0(%di):char[8]", ANY, true, NULL, -1 },
	{ "+0(%di):string[4]", ANY, true, NULL, -1 },
	{ "+0(%di):ustring[2]", ANY, true, NULL, -1 },
	{ "+u0(%di):string[2]", ANY, true, NULL, -1 },
	{ "+0(%di):b3@1/8[2]", ANY, true, NULL, -1 },
	{ "+0(%di):u8[65]", ANY, false, "array size in 'u8[65]' must be 1..64", 11 },
	{ "+0(%di):u8[0]", ANY, false, "must be 1..64", 11 },
	{ "+0(%di):u8[]", ANY, false, "must be 1..64", 11 },
	{ "+0(%di):u8[x]", ANY, false, "must be 1..64", 11 },
	{ "+0(%di):u8[4", ANY, false, "is not closed with ']'", 12 },
	{ "+0(%di):u8[4]x", ANY, false, "junk after ']'", 13 },
	{ "%di:u8[4]", ANY, false, "an array needs memory: dereference it, e.g. "
	  "'+0(%di):u8[4]'", 4 },
	{ "%di:string[4]", ANY, false, "needs a memory address", 4 },
	{ "%di:b3@1/8[2]", ANY, false, "an array needs memory", 4 },
	{ "+u0(%di):u8[4]", ANY, false, "no array through a '+u'", -1 },
	/* names */
	{ "a=%di", ANY, true, NULL, -1 },
	{ "_a1=%di", ANY, true, NULL, -1 },
	{ "common_foo=%di", ANY, true, NULL, -1 },
	{ "=%di", ANY, false, "missing argument name", 0 },
	{ "a==%di", ANY, false, "unknown fetch-arg '=%di'", 2 },
	{ "a=", ANY, false, "missing fetch-arg after '='", 2 },
	{ "", ANY, false, "missing fetch-arg", 0 },
	{ "1a=%di", ANY, false, "argument name '1a' is not a C identifier", 0 },
	{ "a-b=%di", ANY, false, "not a C identifier", 0 },
	{ "common_pid=%di", ANY, false, "argument name 'common_pid' is taken", 0 },
	{ "common_type=%di", ANY, false, "is taken", 0 },
	{ "__probe_ip=%di", ANY, false, "is taken", 0 },
	{ "__probe_ret_ip=%di", ANY, false, "is taken", 0 },
	{ "foo", ANY, false, "unknown fetch-arg 'foo': uprobe_events has no "
	  "variables by name", 0 },
	{ "*x", ANY, false, "unknown fetch-arg '*x'", 0 },
	/* what could break out of the line */
	{ "a=%di\n", ANY, false, "newline in argument", 5 },
	{ "a=%di\np:x/y /bin/sh:0", ANY, false, "a line break would start a second "
	  "definition", 5 },
	{ "a=%di b=%si", ANY, false, "space in argument", 5 },
	{ "a=%di\tb", ANY, false, "tab in argument", 5 },
	{ "a\x01=%di", ANY, false, "byte 0x01 in argument", 1 },
	{ "a=\\\"x\x7fy\"", ANY, false, "byte 0x7f", 5 },
	{ "a=\\\"x\xa0y\"", ANY, false, "byte 0xa0", 5 },
	{ "a=\\\"x#y\"", ANY, false, "'#' starts a comment", 5 },
	{ "a=\\\"x\ry\"", ANY, false, "line break", 5 },
};

static void run_arg_case(const struct arg_case *t, bool via_line)
{
	struct probe_error err = { 0 };
	char line[512];
	struct probe *p = NULL;
	int ret, head;

	if (via_line) {
		head = snprintf(line, sizeof(line), "%c:g/e /bin/true:0x10 ",
				t->kind == PROBE_RETURN ? 'r' : 'p');
		snprintf(line + head, sizeof(line) - head, "%s", t->text);
		p = probe_parse(line, &err);
		ret = p ? 0 : -errno;
	} else {
		head = 0;
		p = probe_new(t->kind == PROBE_RETURN ? PROBE_RETURN : PROBE_ENTRY);
		assert_non_null(p);
		assert_int_equal(probe_set(&p->path, "/bin/true"), 0);
		ret = probe_add_arg(p, t->text, NULL, &err);
		if (!ret && t->kind != ANY)
			ret = probe_validate(p, NULL, &err);
	}
	if (t->ok != !ret)
		fail_msg("'%s' (%s): expected %s, got %d '%s'", t->text,
			 via_line ? "line" : "arg", t->ok ? "ok" : "refused", ret,
			 ret ? err.msg : "");
	if (!t->ok) {
		if (!strstr(err.msg, t->msg))
			fail_msg("'%s': message '%s' lacks '%s'", t->text, err.msg,
				 t->msg);
		assert_int_equal(err.arg, 0);
		assert_int_equal(err.where, PROBE_ERR_ARG);
		if (t->pos >= 0 && err.pos != head + t->pos)
			fail_msg("'%s': position %d, expected %d", t->text, err.pos,
				 head + t->pos);
	}
	probe_free(p);
}

static void test_args(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(arg_cases); i++) {
		run_arg_case(&arg_cases[i], false);
		/* a line can not hold a newline: the line cases cover those */
		if (!strpbrk(arg_cases[i].text, "\n\r\t\v\x01\x7f\xa0# ") &&
		    arg_cases[i].text[0])
			run_arg_case(&arg_cases[i], true);
	}
}

struct line_case {
	const char *line;
	bool ok;
	const char *msg;
	int pos;
	enum probe_err_where where;
};

static const struct line_case line_cases[] = {
	{ "p:tst/rl /bin/bash:0x00000000000d5c20 a=%di:x64 b=+0(%si):string "
	  "c=$comm", true, NULL, -1, 0 },
	{ "r:tst/rlr /bin/bash:0x00000000000d5c20 r=$retval:s32", true, NULL, -1, 0 },
	{ "p:tst/a2 /bin/bash:0x00000000000c6c20(0x130000)", true, NULL, -1, 0 },
	{ "p:tst/a2 /bin/bash:0xc6c20(0x130000) x=%ip\n", true, NULL, -1, 0 },
	{ "p:tst/rr /bin/bash:0xd5c20%return a=$retval", true, NULL, -1, 0 },
	{ "p:tst/rr /bin/bash:0xd5c20%return(0x10)", true, NULL, -1, 0 },
	{ "p:ev /bin/bash:0x10", true, NULL, -1, 0 },
	{ "p:grp/ /bin/bash:0x10", true, NULL, -1, 0 },
	{ "p /bin/bash:0x10", true, NULL, -1, 0 },
	{ "r /bin/bash:1000", true, NULL, -1, 0 },
	{ "p:g/e /bin/bash:01000", true, NULL, -1, 0 },
	{ "p:g/e /bin/bash:0X1000", true, NULL, -1, 0 },
	{ "p:g/e  /bin/bash:0x10\t a=%di", true, NULL, -1, 0 },
	{ "p:g/e /tmp/a:b:0x1000", true, NULL, -1, 0 },
	{ "p:g/e /tmp/a(b:0x1000", true, NULL, -1, 0 },
	{ "p:g/e /tmp/a%b:0x1000", true, NULL, -1, 0 },
	{ "p:g/e /tmp/\xc3\xa9:0x1000", true, NULL, -1, 0 },
	{ "p:_g/_e /bin/bash:0x10", true, NULL, -1, 0 },
	{ "-:g/e", true, NULL, -1, 0 },
	{ "-:e", true, NULL, -1, 0 },
	{ "-:g/", false, "missing event name", 4, PROBE_ERR_EVENT },
	{ "-:g/e a=%di", false, "junk after -:[GRP/]EVENT", 6, PROBE_ERR_LINE },
	{ "-", false, "is not -:[GRP/]EVENT", 1, PROBE_ERR_KIND },
	{ "", false, "empty line", 0, PROBE_ERR_LINE },
	{ "   ", false, "empty line", 0, PROBE_ERR_LINE },
	{ "x:g/e /bin/bash:0x10", false, "unknown probe kind 'x:g/e'", 0,
	  PROBE_ERR_KIND },
	{ "e:g/e sched.sched_switch", false, "is an event probe", 0, PROBE_ERR_KIND },
	{ "r5:g/e /bin/bash:0x10", false, "maxactive is only for kretprobes", 1,
	  PROBE_ERR_KIND },
	{ "p5:g/e /bin/bash:0x10", false, "maxactive", 1, PROBE_ERR_KIND },
	{ "pp:g/e /bin/bash:0x10", false, "is not p|r[:[GRP/]EVENT]", 1,
	  PROBE_ERR_KIND },
	{ "p:/e /bin/bash:0x10", false, "missing group name before '/'", 2,
	  PROBE_ERR_GROUP },
	{ "p: /bin/bash:0x10", false, "missing event name", 2, PROBE_ERR_EVENT },
	{ "p:g.x/e /bin/bash:0x10", false, "group name 'g.x' is not a C identifier",
	  2, PROBE_ERR_GROUP },
	{ "p:g/e.x /bin/bash:0x10", false, "event name 'e.x' is not a C identifier",
	  4, PROBE_ERR_EVENT },
	{ "p:9g/e /bin/bash:0x10", false, "not a C identifier", 2, PROBE_ERR_GROUP },
	{ "p:g/9e /bin/bash:0x10", false, "not a C identifier", 4, PROBE_ERR_EVENT },
	{ "p:g/e-x /bin/bash:0x10", false, "not a C identifier", 4, PROBE_ERR_EVENT },
	{ "p:g/a/b /bin/bash:0x10", false, "event name 'a/b'", 4, PROBE_ERR_EVENT },
	{ "p:g/e", false, "missing PATH:OFFSET", 5, PROBE_ERR_PATH },
	{ "p:g/e bin/bash:0x1000", false, "path 'bin/bash' is not absolute", 6,
	  PROBE_ERR_PATH },
	{ "p:g/e /bin/bash", false, "is not PATH:OFFSET", 6, PROBE_ERR_PATH },
	{ "p:g/e /bin/bash:abc", false, "is not PATH:OFFSET", 6, PROBE_ERR_PATH },
	{ "p:g/e /bin/bash:", false, "is not PATH:OFFSET", 6, PROBE_ERR_PATH },
	{ "p:g/e /bin/bash:+1000", false, "is not PATH:OFFSET", 6, PROBE_ERR_PATH },
	{ "p:g/e :0x10", false, "missing path", 6, PROBE_ERR_PATH },
	{ "p:g/e /bin/bash:0x10x", false, "bad offset '0x10x'", 16,
	  PROBE_ERR_OFFSET },
	{ "p:g/e /bin/bash:08", false, "bad offset '08'", 16, PROBE_ERR_OFFSET },
	{ "p:g/e /bin/bash:0x10000000000000000", false, "bad offset", 16,
	  PROBE_ERR_OFFSET },
	{ "p:g/e /bin/bash:0x1000%ret", false, "unknown suffix '%ret'", 22,
	  PROBE_ERR_OFFSET },
	{ "p:g/e /bin/bash:0x1000(0x10", false, "bad reference counter '(0x10'", 22,
	  PROBE_ERR_REF_CTR },
	{ "p:g/e /bin/bash:0x1000(0x10)x", false, "bad reference counter", 22,
	  PROBE_ERR_REF_CTR },
	{ "p:g/e /bin/bash:0x1000(zz)", false, "bad reference counter", 22,
	  PROBE_ERR_REF_CTR },
	{ "p:g/e /bin/bash:0x1000(0x10)%return", false, "bad reference counter",
	  22, PROBE_ERR_REF_CTR },
	{ "p:g/e /bin/bash:0x10 a=$retval", false, "only for return probes", 23,
	  PROBE_ERR_ARG },
	{ "p:g/e /bin/bash:0x10 a=%di a=%si", false, "argument name 'a' is used "
	  "twice", 27, PROBE_ERR_ARG },
	{ "p:g/e /bin/bash:0x10 arg2=%di %si", false, "argument name 'arg2' is "
	  "used twice", 30, PROBE_ERR_ARG },
	{ "p:g/e /bin/bash:0x10 %di arg1=%si", false, "'arg1' is used twice", 25,
	  PROBE_ERR_ARG },
	{ "p:g/e /bin/bash:0x10 %di %si arg1=%dx", false, "'arg1' is used twice",
	  29, PROBE_ERR_ARG },
	/* what could break the line */
	{ "p:g/e /bin/bash:0x10\np:g/f /bin/sh:0x10", false, "newline at byte 20: "
	  "a line break would start a second definition", 20, PROBE_ERR_LINE },
	{ "p:g/e /bin/bash:0x10\n\n", false, "newline at byte 20", 20,
	  PROBE_ERR_LINE },
	{ "p:g/e\x01 /bin/bash:0x10", false, "byte 0x01 at byte 5", 5,
	  PROBE_ERR_LINE },
	{ "p:g/e /tmp/a#b:0x10", false, "'#' starts a comment", 12, PROBE_ERR_LINE },
	{ "p:g/e /bin/bash:0x10 #comment", false, "'#'", 21, PROBE_ERR_LINE },
	{ "p:g/e /tmp/\xc3\xa0:0x10", false, "byte 0xa0 at byte 12", 12,
	  PROBE_ERR_LINE },
	{ "p:g/e /bin/bash:0x10 a=\\\"x\x0by\"", false, "byte 0x0b", 26,
	  PROBE_ERR_LINE },
};

static void test_lines(void **state)
{
	struct probe_error err;
	struct probe *p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(line_cases); i++) {
		const struct line_case *t = &line_cases[i];

		memset(&err, 0, sizeof(err));
		p = probe_parse(t->line, &err);
		if (t->ok != (p != NULL))
			fail_msg("'%s': expected %s, got '%s'", t->line,
				 t->ok ? "ok" : "refused", p ? "ok" : err.msg);
		if (!t->ok) {
			assert_int_equal(errno, EINVAL);
			if (!strstr(err.msg, t->msg))
				fail_msg("'%s': message '%s' lacks '%s'", t->line,
					 err.msg, t->msg);
			if (err.pos != t->pos || err.where != t->where)
				fail_msg("'%s': at %d (%d), expected %d (%d)", t->line,
					 err.pos, err.where, t->pos, t->where);
		}
		probe_free(p);
	}
}

/* The kernel's own lines come back field by field. */
static void test_parse_kernel_lines(void **state)
{
	struct probe_error err;
	struct probe *p;

	p = probe_parse("p:tst/rl /bin/bash:0x00000000000d5c20 a=%di:x64 "
			"b=+0(%si):string c=$comm", &err);
	assert_non_null(p);
	assert_int_equal(p->kind, PROBE_ENTRY);
	assert_string_equal(p->group, "tst");
	assert_string_equal(p->event, "rl");
	assert_string_equal(p->path, "/bin/bash");
	assert_int_equal(p->offset, 0xd5c20);
	assert_false(p->has_ref_ctr);
	assert_int_equal(p->nargs, 3);
	assert_string_equal(p->args[0].name, "a");
	assert_string_equal(p->args[0].fetch, "%di");
	assert_string_equal(p->args[0].type, "x64");
	assert_string_equal(p->args[1].fetch, "+0(%si)");
	assert_string_equal(p->args[1].type, "string");
	assert_string_equal(p->args[2].name, "c");
	assert_string_equal(p->args[2].fetch, "$comm");
	assert_null(p->args[2].type);
	probe_free(p);

	p = probe_parse("r:tst/rlr /bin/bash:0x00000000000d5c20 r=$retval:s32", &err);
	assert_non_null(p);
	assert_int_equal(p->kind, PROBE_RETURN);
	assert_string_equal(p->args[0].fetch, "$retval");
	assert_string_equal(p->args[0].type, "s32");
	probe_free(p);

	p = probe_parse("p:tst/a4 /bin/bash:0x00000000000c6c24(0x130000) x=%ip", &err);
	assert_non_null(p);
	assert_true(p->has_ref_ctr);
	assert_int_equal(p->ref_ctr_offset, 0x130000);
	assert_int_equal(p->offset, 0xc6c24);
	probe_free(p);

	/* the kernel takes (0) for no reference counter */
	p = probe_parse("p:g/e /bin/bash:0x10(0)", &err);
	assert_non_null(p);
	assert_false(p->has_ref_ctr);
	probe_free(p);

	p = probe_parse("p:tst/nb2 /tmp/uptst/a:b:0x0000000000001000", &err);
	assert_non_null(p);
	assert_string_equal(p->path, "/tmp/uptst/a:b");
	probe_free(p);

	p = probe_parse("p:tst/x /bin/bash:0x10%return", &err);
	assert_non_null(p);
	assert_int_equal(p->kind, PROBE_RETURN);
	probe_free(p);

	p = probe_parse("p:grp/ /bin/bash:0x10", &err);
	assert_non_null(p);
	assert_string_equal(p->group, "grp");
	assert_null(p->event);
	probe_free(p);

	p = probe_parse("r /bin/bash:0x10", &err);
	assert_non_null(p);
	assert_null(p->group);
	assert_null(p->event);
	probe_free(p);

	p = probe_parse("-:e", &err);
	assert_non_null(p);
	assert_int_equal(p->kind, PROBE_DELETE);
	assert_null(p->group);
	assert_string_equal(p->event, "e");
	probe_free(p);
}

/* probe_parse_kernel() keeps what the kernel took and probe_parse() refuses. */
static void test_parse_kernel_lenient(void **state)
{
	const char *line = "p:g/e /bin/bash:0x00000000000c6c20 a=+0(%di)xyz "
			   "arg2=%di";
	struct probe_error err;
	struct probe *p;

	assert_null(probe_parse(line, &err));
	p = probe_parse_kernel(line, &err);
	assert_non_null(p);
	assert_int_equal(p->nargs, 2);
	assert_string_equal(p->args[0].fetch, "+0(%di)xyz");
	probe_free(p);
	/* the head is still checked, and so is anything that breaks a line */
	assert_null(probe_parse_kernel("p:g/e bin/bash:0x10", &err));
	assert_null(probe_parse_kernel("p:g/e /bin/bash:0x10 a=\\\"a\x01\"", &err));
	assert_int_equal(err.pos, 26);
}

/* format(parse(line)) is the canonical line, and parses to itself. */
static void test_round_trips(void **state)
{
	static const char *const cases[][2] = {
		{ "p:tst/rl /bin/bash:0x00000000000d5c20 a=%di:x64 b=+0(%si):string "
		  "c=$comm", "p:tst/rl /bin/bash:0xd5c20 a=%di:x64 b=+0(%si):string "
		  "c=$comm" },
		{ "r:tst/rlr /bin/bash:0x00000000000d5c20 r=$retval:s32",
		  "r:tst/rlr /bin/bash:0xd5c20 r=$retval:s32" },
		{ "p:tst/rr /bin/bash:0xd5c20%return(0x8)",
		  "r:tst/rr /bin/bash:0xd5c20(0x8)" },
		{ "p:t/a /bin/true:4096(4096)", "p:t/a /bin/true:0x1000(0x1000)" },
		{ "p:e /bin/true:0x10 %di +0(%si) $stack3 @+8 \\1 \\\"s\"",
		  "p:uprobes/e /bin/true:0x10 %di +0(%si) $stack3 @+8 \\1 \\\"s\"" },
		{ "p:g/ /bin/true:0x10", "p:g/ /bin/true:0x10" },
		{ "p /bin/true:0x10", "p /bin/true:0x10" },
		{ "-:g/e", "-:g/e" },
		{ "-:e", "-:uprobes/e" },
		{ "p:g/e /bin/true:0x10 x=+0(%di):b3@2/32[2] y=+u8(%si):ustring[4] "
		  "z=-8(%bp):char[8]", "p:g/e /bin/true:0x10 x=+0(%di):b3@2/32[2] "
		  "y=+u8(%si):ustring[4] z=-8(%bp):char[8]" },
	};
	struct probe_error err;
	struct probe *p, *q;
	char *s, *t;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		p = probe_parse(cases[i][0], &err);
		if (!p)
			fail_msg("'%s': %s", cases[i][0], err.msg);
		s = probe_format(p);
		assert_non_null(s);
		assert_string_equal(s, cases[i][1]);
		assert_int_equal(probe_validate(p, NULL, &err), 0);
		q = probe_parse(s, &err);
		assert_non_null(q);
		t = probe_format(q);
		assert_string_equal(s, t);
		free(s);
		free(t);
		probe_free(p);
		probe_free(q);
	}
}

/* A probe built field by field formats to the line the kernel expects. */
static void test_build_format(void **state)
{
	struct probe_error err;
	struct probe *p = probe_new(PROBE_RETURN);
	char *s;

	assert_non_null(p);
	assert_int_equal(probe_set(&p->event, "readline__return"), 0);
	assert_int_equal(probe_set(&p->path, "/bin/bash"), 0);
	p->offset = 0xc6c20;
	assert_int_equal(probe_add_arg(p, "r=$retval:s32", NULL, &err), 0);
	assert_int_equal(probe_add_arg(p, "+0($retval):string", NULL, &err), 0);
	assert_int_equal(probe_validate(p, NULL, &err), 0);
	s = probe_format(p);
	assert_string_equal(s, "r:uprobes/readline__return /bin/bash:0xc6c20 "
			    "r=$retval:s32 +0($retval):string");
	free(s);
	s = probe_format_arg(&p->args[0]);
	assert_string_equal(s, "r=$retval:s32");
	free(s);
	/* the same args on an entry probe: $retval is refused by validate */
	p->kind = PROBE_ENTRY;
	assert_int_equal(probe_validate(p, NULL, &err), -EINVAL);
	assert_int_equal(err.arg, 0);
	assert_int_equal(err.pos, 2);
	assert_non_null(strstr(err.msg, "'$retval' is only for return probes"));
	probe_free(p);
	probe_free(NULL);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static bool line_ok(const char *fmt, ...)
{
	struct probe_error err;
	struct probe *p;
	char *line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	p = probe_parse(line, &err);
	free(line);
	probe_free(p);
	return p != NULL;
}

static void test_name_limits(void **state)
{
	char *n63 = repeat('e', 63), *n64 = repeat('e', 64);
	char *a32 = repeat('n', 32), *a33 = repeat('n', 33);

	assert_true(probe_name_valid(n63));
	assert_false(probe_name_valid(n64));
	assert_false(probe_name_valid(""));
	assert_false(probe_name_valid(NULL));
	assert_false(probe_name_valid("a b"));
	assert_false(probe_name_valid("a\n"));
	assert_false(probe_name_valid("enable"));
	assert_false(probe_name_valid("a-b"));
	assert_true(probe_group_valid("a-b"));
	assert_true(probe_group_valid("enable"));
	assert_false(probe_group_valid("9a"));
	assert_true(line_ok("p:my-grp/e /bin/true:0x10"));
	assert_false(line_ok("p:g/trigger /bin/true:0x10"));
	assert_true(line_ok("p:g/%s /bin/true:0x10", n63));
	assert_false(line_ok("p:g/%s /bin/true:0x10", n64));
	assert_true(line_ok("p:%s/e /bin/true:0x10", n63));
	assert_false(line_ok("p:%s/e /bin/true:0x10", n64));
	/* argument names: 32 characters are allowed, unlike event names */
	assert_true(line_ok("p:g/e /bin/true:0x10 %s=%%di", a32));
	assert_false(line_ok("p:g/e /bin/true:0x10 %s=%%di", a33));
	free(n63);
	free(n64);
	free(a32);
	free(a33);
}

static void test_arg_limits(void **state)
{
	struct probe_error err;
	struct probe *p = probe_new(PROBE_ENTRY);
	char text[32], *pad;
	int i;

	assert_non_null(p);
	assert_int_equal(probe_set(&p->path, "/bin/true"), 0);
	assert_int_equal(probe_set(&p->event, "e"), 0);
	for (i = 0; i < PROBE_MAX_ARGS; i++) {
		snprintf(text, sizeof(text), "a%d=%%di", i);
		assert_int_equal(probe_add_arg(p, text, NULL, &err), 0);
	}
	assert_int_equal(probe_validate(p, NULL, &err), 0);
	assert_int_equal(probe_add_arg(p, "a128=%di", NULL, &err), -E2BIG);
	assert_int_equal(err.arg, 128);
	assert_non_null(strstr(err.msg, "too many arguments"));
	assert_int_equal(p->nargs, 128);
	probe_free(p);

	/* FETCHARG[:TYPE] is at most 63 characters */
	pad = repeat('0', 55);
	assert_true(line_ok("p:g/e /bin/true:0x10 a=+0x%s(%%di)", pad));
	assert_false(line_ok("p:g/e /bin/true:0x10 a=+0x%s0(%%di)", pad));
	assert_false(line_ok("p:g/e /bin/true:0x10 a=+0x%s(%%di):u8", pad));
	free(pad);
}

/* "+0(" n times around @inner, then ")" n times, then @type. */
static char *nest(int n, const char *inner, const char *type)
{
	char *s;
	int i, o = 0;

	s = malloc(4 * n + strlen(inner) + strlen(type) + 1);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		o += sprintf(s + o, "+0(");
	o += sprintf(s + o, "%s", inner);
	for (i = 0; i < n; i++)
		s[o++] = ')';
	strcpy(s + o, type);
	return s;
}

static bool arg_ok(char *text)
{
	struct probe_error err;
	struct probe *p = probe_new(PROBE_ENTRY);
	int ret;

	assert_non_null(p);
	ret = probe_add_arg(p, text, NULL, &err);
	if (ret && !strstr(err.msg, "nests too deep"))
		fail_msg("'%s': %s", text, err.msg);
	probe_free(p);
	free(text);
	return !ret;
}

/* The depths where the kernel's 16 fetch_insn slots run out (as on 6.18). */
static void test_nesting(void **state)
{
	assert_true(arg_ok(nest(14, "%di", "")));
	assert_false(arg_ok(nest(15, "%di", "")));
	assert_true(arg_ok(nest(13, "@+0", "")));
	assert_false(arg_ok(nest(14, "@+0", "")));
	assert_true(arg_ok(nest(13, "@+0", ":s8")));
	assert_true(arg_ok(nest(12, "@+0", ":u8[2]")));
	assert_false(arg_ok(nest(13, "@+0", ":u8[2]")));
	assert_true(arg_ok(nest(13, "%di", ":b1@0/8")));
	assert_true(arg_ok(nest(11, "@+0", ":b1@0/8[2]")));
	assert_false(arg_ok(nest(12, "@+0", ":b1@0/8[2]")));
	assert_true(arg_ok(nest(13, "\\1", ":string")));
	assert_true(arg_ok(nest(11, "@+0", ":string[1]")));
	assert_false(arg_ok(nest(12, "@+0", ":string[1]")));
	assert_true(arg_ok(nest(12, "%di", ":string[2]")));
}

/* The kernel allows 3072 bytes of args per event. */
static void test_event_size(void **state)
{
	char six[256] = "", *p = six;
	int i;

	for (i = 0; i < 6; i++)
		p += sprintf(p, " a%d=+0(%%di):u64[64]", i);
	assert_true(line_ok("p:g/e /bin/true:0x10%s", six));
	assert_false(line_ok("p:g/e /bin/true:0x10%s b=%%di:u8", six));
	assert_false(line_ok("p:g/e /bin/true:0x10%s $comm", six));
}

/* One line is at most 4094 characters (its newline makes 4095). */
static void test_line_length(void **state)
{
	struct probe_error err;
	struct probe *p = probe_new(PROBE_ENTRY);
	char text[64], *s;
	size_t len;
	int i;

	assert_non_null(p);
	assert_int_equal(probe_set(&p->group, "g"), 0);
	assert_int_equal(probe_set(&p->event, "e"), 0);
	for (i = 0; i < 30; i++) {
		/* 64 characters each with the space: a bit over 1900 */
		snprintf(text, sizeof(text), "n%03d=+0x%046d(%%di)", i, 0);
		assert_int_equal(probe_add_arg(p, text, NULL, &err), 0);
	}
	assert_null(probe_format(p));	/* no path yet */
	assert_int_equal(errno, EINVAL);
	/* fill with a long path up to exactly the limit, then one more */
	assert_int_equal(probe_set(&p->path, "/"), 0);
	s = probe_format(p);
	len = strlen(s);
	free(s);
	s = repeat('p', PROBE_MAX_LINE - len + 1);
	s[0] = '/';
	assert_int_equal(probe_set(&p->path, s), 0);
	free(s);
	s = probe_format(p);
	assert_int_equal(strlen(s), PROBE_MAX_LINE);
	free(s);
	assert_int_equal(probe_validate(p, NULL, &err), 0);
	s = repeat('p', PROBE_MAX_LINE - len + 2);
	s[0] = '/';
	assert_int_equal(probe_set(&p->path, s), 0);
	free(s);
	assert_int_equal(probe_validate(p, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "4095 characters long"));
	probe_free(p);
}

/* Fields set directly, as the CLI does: nothing may break the line. */
static void test_validate_fields(void **state)
{
	static const struct {
		const char *group, *event, *path;
		enum probe_err_where where;
		int pos;
		const char *msg;
	} cases[] = {
		{ "g", "e", "/bin/true", 0, 0, NULL },
		{ NULL, "e", "/bin/true", 0, 0, NULL },
		{ "g", NULL, "/bin/true", 0, 0, NULL },
		{ "g", "e", "/tmp/my prog", PROBE_ERR_PATH, 7, "path '/tmp/my prog' has "
		  "white space: the kernel's uprobe_events format cannot carry it" },
		{ "g", "e", "/tmp/my\tprog", PROBE_ERR_PATH, 7, "white space" },
		{ "g", "e", "/tmp/\xc3\xa0", PROBE_ERR_PATH, 6, "white space" },
		{ "g", "e", "/tmp/a\nb", PROBE_ERR_PATH, 6, "newline in path" },
		{ "g", "e", "/tmp/a\x01", PROBE_ERR_PATH, 6, "byte 0x01 in path" },
		{ "g", "e", "/tmp/a#b", PROBE_ERR_PATH, 6, "'#' starts a comment" },
		{ "g", "e", "bin/true", PROBE_ERR_PATH, 0, "is not absolute" },
		{ "g", "e", "", PROBE_ERR_PATH, 0, "missing path" },
		{ "g", "e", NULL, PROBE_ERR_PATH, 0, "missing path" },
		{ "g", "e\nx", "/bin/true", PROBE_ERR_EVENT, 1, "newline in event name" },
		{ "g", "e x", "/bin/true", PROBE_ERR_EVENT, 1, "space in event name" },
		{ "g\t", "e", "/bin/true", PROBE_ERR_GROUP, 1, "tab in group name" },
		{ "g\x01", "e", "/bin/true", PROBE_ERR_GROUP, 1, "byte 0x01" },
		{ "g", "", "/bin/true", PROBE_ERR_EVENT, 0, "missing event name" },
		{ "", "e", "/bin/true", PROBE_ERR_GROUP, 0, "missing group name" },
		{ "g.1", "e", "/bin/true", PROBE_ERR_GROUP, 0, "not a C identifier" },
		{ "g-1", "e", "/bin/true", 0, 0, NULL },
		{ "-g", "e", "/bin/true", 0, 0, NULL },
		{ "g", "e-1", "/bin/true", PROBE_ERR_EVENT, 0, "not a C identifier" },
		{ "g", "filter", "/bin/true", PROBE_ERR_EVENT, 0, "control file" },
		{ "g", "enable", "/bin/true", PROBE_ERR_EVENT, 0, "control file" },
		{ "g", "format", "/bin/true", PROBE_ERR_EVENT, 0, "control file" },
		{ "g", "id", "/bin/true", PROBE_ERR_EVENT, 0, "control file" },
		{ "g", "trigger", "/bin/true", PROBE_ERR_EVENT, 0, "control file" },
		{ "g", "ids", "/bin/true", 0, 0, NULL },
	};
	struct probe_error err;
	struct probe *p;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		p = probe_new(PROBE_ENTRY);
		assert_non_null(p);
		assert_int_equal(probe_set(&p->group, cases[i].group), 0);
		assert_int_equal(probe_set(&p->event, cases[i].event), 0);
		assert_int_equal(probe_set(&p->path, cases[i].path), 0);
		memset(&err, 0, sizeof(err));
		ret = probe_validate(p, NULL, &err);
		if (!cases[i].msg) {
			assert_int_equal(ret, 0);
		} else {
			assert_int_equal(ret, -EINVAL);
			if (!strstr(err.msg, cases[i].msg) || err.where != cases[i].where ||
			    err.pos != cases[i].pos || err.arg != -1)
				fail_msg("case %zu: '%s' at %d (%d)", i, err.msg,
					 err.pos, err.where);
		}
		/* format never lets a breaking byte through either */
		if (cases[i].msg && strpbrk(cases[i].msg, "'") &&
		    (strstr(cases[i].msg, "space") || strstr(cases[i].msg, "line") ||
		     strstr(cases[i].msg, "byte") || strstr(cases[i].msg, "tab")))
			assert_null(probe_format(p));
		probe_free(p);
	}
}

/* Args whose fields would not read back the same way. */
static void test_validate_args(void **state)
{
	static const struct {
		const char *name, *fetch, *type, *msg;
	} cases[] = {
		{ "a", "%di", "u8", NULL },
		{ NULL, "%di", NULL, NULL },
		{ "a", "%di:u8", NULL, "does not read back the same" },
		{ "a", "%di", "u8:u16", "type 'u8:u16'" },
		{ "a=b", "%di", NULL, "unknown fetch-arg 'b=%di'" },
		{ NULL, "\\\"a=b\"", NULL, "not a C identifier" },
		{ "a", NULL, NULL, "has no fetch-arg" },
		{ "", "%di", NULL, "missing argument name" },
		{ "a", "%di", "", "empty type" },
		{ "a", "%di\n", NULL, "newline" },
		{ "a", "%di", "u8 x", "space" },
		{ "a b", "%di", NULL, "space" },
	};
	struct probe_error err;
	struct probe *p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		p = probe_new(PROBE_ENTRY);
		assert_non_null(p);
		assert_int_equal(probe_set(&p->path, "/bin/true"), 0);
		p->args = calloc(1, sizeof(*p->args));
		assert_non_null(p->args);
		p->nargs = 1;
		assert_int_equal(probe_set(&p->args[0].name, cases[i].name), 0);
		assert_int_equal(probe_set(&p->args[0].fetch, cases[i].fetch), 0);
		assert_int_equal(probe_set(&p->args[0].type, cases[i].type), 0);
		memset(&err, 0, sizeof(err));
		if (!cases[i].msg) {
			assert_int_equal(probe_validate(p, NULL, &err), 0);
		} else {
			assert_int_equal(probe_validate(p, NULL, &err), -EINVAL);
			if (!strstr(err.msg, cases[i].msg) || err.arg != 0)
				fail_msg("case %zu: '%s'", i, err.msg);
		}
		probe_free(p);
	}
}

static void test_validate_misc(void **state)
{
	struct probe_features old;
	struct probe_error err;
	struct probe *p = probe_new(PROBE_DELETE);
	char *s;

	assert_non_null(p);
	assert_int_equal(probe_validate(p, NULL, &err), -EINVAL);
	assert_int_equal(err.where, PROBE_ERR_EVENT);
	assert_null(probe_format(p));
	assert_int_equal(probe_set(&p->event, "e"), 0);
	assert_int_equal(probe_validate(p, NULL, &err), 0);
	s = probe_format(p);
	assert_string_equal(s, "-:uprobes/e");
	free(s);
	probe_free(p);

	p = probe_new(PROBE_ENTRY);
	assert_non_null(p);
	assert_int_equal(probe_set(&p->path, "/bin/true"), 0);
	p->has_ref_ctr = true;
	p->ref_ctr_offset = 0x10;
	assert_int_equal(probe_validate(p, NULL, &err), 0);
	probe_features_parse(&old, readme_old);
	assert_int_equal(probe_validate(p, &old, &err), -EINVAL);
	assert_int_equal(err.where, PROBE_ERR_REF_CTR);
	assert_non_null(strstr(err.msg, "this kernel does not support reference "
			       "counters"));
	p->ref_ctr_offset = 0;
	assert_int_equal(probe_validate(p, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "offset 0 means none"));
	p->kind = 7;
	assert_int_equal(probe_validate(p, NULL, &err), -EINVAL);
	assert_int_equal(err.where, PROBE_ERR_KIND);
	probe_free(p);
}

static void test_features(void **state)
{
	struct probe_features f;

	probe_features_parse(&f, readme_new);
	assert_true(f.retprobe);
	assert_true(f.ref_ctr);
	assert_true(f.char_type);
	assert_true(f.ustring);
	assert_true(f.bitfield);
	assert_true(f.array);
	assert_true(f.comm);
	assert_true(f.imm);
	assert_true(f.stack);
	assert_true(f.uderef);

	probe_features_parse(&f, readme_old);
	assert_false(f.retprobe);
	assert_false(f.ref_ctr);
	assert_false(f.char_type);
	assert_false(f.ustring);
	assert_true(f.bitfield);
	assert_false(f.array);
	assert_true(f.comm);
	assert_false(f.imm);
	assert_true(f.stack);
	assert_false(f.uderef);

	probe_features_parse(&f, NULL);
	assert_false(f.stack || f.comm || f.bitfield);
	probe_features_parse(&f, "");
	assert_false(f.stack || f.comm || f.bitfield);
	probe_features_all(&f);
	assert_true(f.retprobe && f.ref_ctr && f.char_type && f.ustring &&
		    f.bitfield && f.array && f.comm && f.imm && f.stack && f.uderef);
}

/* Forms an old kernel lacks are refused before anything is written. */
static void test_feature_gates(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "%di:char", "does not support the type 'char'" },
		{ "+0(%di):ustring", "does not support the type 'ustring'" },
		{ "+0(%di):u8[4]", "does not support arrays" },
		{ "\\1", "does not support immediates" },
		{ "\\\"s\"", "does not support immediates" },
		{ "+u8(%di)", "does not support '+u' dereferences" },
	};
	struct probe_features old, none;
	struct probe_error err;
	struct probe *p = probe_new(PROBE_ENTRY);
	size_t i;

	assert_non_null(p);
	probe_features_parse(&old, readme_old);
	probe_features_parse(&none, NULL);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(probe_add_arg(p, cases[i].text, &old, &err), -EINVAL);
		if (!strstr(err.msg, "this kernel does not support") ||
		    !strstr(err.msg, cases[i].msg))
			fail_msg("'%s': '%s'", cases[i].text, err.msg);
		assert_int_equal(probe_add_arg(p, cases[i].text, NULL, &err), 0);
	}
	/* and probe_validate() refuses them too */
	assert_int_equal(probe_set(&p->path, "/bin/true"), 0);
	assert_int_equal(probe_validate(p, &old, &err), -EINVAL);
	assert_int_equal(err.arg, 0);
	assert_int_equal(probe_validate(p, NULL, &err), 0);
	probe_free(p);

	p = probe_new(PROBE_ENTRY);
	assert_non_null(p);
	assert_int_equal(probe_add_arg(p, "+0(%di):string", &old, &err), 0);
	assert_int_equal(probe_add_arg(p, "%di:b3@1/8", &old, &err), 0);
	assert_int_equal(probe_add_arg(p, "$stack", &none, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "does not support '$stack'"));
	assert_int_equal(probe_add_arg(p, "$comm", &none, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "does not support '$comm'"));
	assert_int_equal(probe_add_arg(p, "%di:b3@1/8", &none, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "does not support bitfields"));
	probe_free(p);
}

static void test_event_names(void **state)
{
	static const struct {
		const char *sym;
		bool ret;
		const char *name;
	} cases[] = {
		{ "readline", false, "readline" },
		{ "readline", true, "readline__return" },
		{ "ns::Klass::method(int)", false, "ns_Klass_method_int" },
		{ "ns::Klass::method(int, char const*)", true,
		  "ns_Klass_method_int_char_const__return" },
		{ "foo.isra.0", false, "foo_isra_0" },
		{ "name@@GLIBC_2.2.5", false, "name" },
		{ "memcpy@GLIBC_2.2.5", true, "memcpy__return" },
		{ "__libc_start_main", false, "__libc_start_main" },
		{ "_start", false, "_start" },
		{ "1abc", false, "_1abc" },
		{ "::foo", false, "foo" },
		{ "operator<<", false, "operator" },
		{ "a_::b", false, "a_b" },
		{ "_ZN2ns5Klass6methodEi", false, "_ZN2ns5Klass6methodEi" },
		{ "bash_0x1000", false, "bash_0x1000" },
		{ "enable", false, "enable_" },
		{ "id", true, "id__return" },
	};
	char buf[PROBE_MAX_EVENT_NAME], *longsym;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(probe_event_name(cases[i].sym, cases[i].ret, buf,
						  sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].name);
		assert_true(probe_name_valid(buf));
	}
	longsym = repeat('x', 200);
	assert_int_equal(probe_event_name(longsym, false, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 63);
	assert_int_equal(probe_event_name(longsym, true, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 63);
	assert_string_equal(buf + 55, "__return");
	assert_true(probe_name_valid(buf));
	assert_int_equal(probe_event_name(longsym, true, buf, 9), -ENAMETOOLONG);
	assert_int_equal(probe_event_name(longsym, false, buf, 0), -ENAMETOOLONG);
	assert_int_equal(probe_event_name(longsym, false, buf, 4), 0);
	assert_string_equal(buf, "xxx");
	free(longsym);
	assert_int_equal(probe_event_name("::", false, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(probe_event_name("@@V", false, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(probe_event_name("", true, buf, sizeof(buf)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_parse_kernel_lines),
		cmocka_unit_test(test_parse_kernel_lenient),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_build_format),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_arg_limits),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_event_size),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_validate_fields),
		cmocka_unit_test(test_validate_args),
		cmocka_unit_test(test_validate_misc),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_feature_gates),
		cmocka_unit_test(test_event_names),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
