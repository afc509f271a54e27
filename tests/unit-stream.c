// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the reader's pure parts (src/stream*.c, no tracefs):
 * decoding plans from real format files, every field type decoded from
 * hand-built raw records, the exact text and JSON lines, latency pairing
 * and its log2 histogram, and the sorting and printing of uprobe_profile.
 *
 * The format texts below were read from a 6.18 kernel's
 * events/GRP/EVENT/format for these definitions (on /bin/true:0x1000,
 * group renamed; the kernel keeps the group out of the file):
 *   p:G/ints  a=%di:s8 b=%si:s16 c=%dx:s32 d=%cx:s64 e=%r8:u8 f=%r9:u16
 *             g=%ax:u32 h=%bx:u64
 *   p:G/hexs  a=%di:x8 b=%si:x16 c=%dx:x32 d=%cx:x64 ch=%ax:char cm=$comm
 *   p:G/strs  s=+0(%di):string arr=+0(%si):u32[3] sa=+0(%dx):string[2]
 *             bf=+0(%cx):b3@4/32 ca=+0(%si):char[4] xa=+0(%si):x16[2]
 *   r:G/ret   rv=$retval:s32 us=+0($retval):ustring
 *   p:G/bfs   b1=+0(%di):b1@0/8 b2=+0(%di):b7@9/16 b3=+0(%di):b32@32/64
 *             sb=+0(%si):s8
 *   p:G/more2 common_x=%di sarr=+0(%si):s8[2] x64a=+0(%si):x64[2] e=%di:s32
 *
 * The records are laid out as the kernel writes them (kernel/trace/
 * trace_probe_tmpl.h): the common header, the fixed fields at the offsets
 * of the format, then the strings, each found through a __data_loc word
 * (length << 16 | offset from the start of the record). The length counts
 * the NUL; 0 means the fetch faulted. A bitfield is stored already shifted
 * and masked into its container. Expected lines are written by hand from
 * issue 4's definitions.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "../src/stream-int.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char fmt_ints[] =
	"name: ints\n"
	"ID: 2326\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:s8 a;\toffset:16;\tsize:1;\tsigned:1;\n"
	"\tfield:s16 b;\toffset:17;\tsize:2;\tsigned:1;\n"
	"\tfield:s32 c;\toffset:19;\tsize:4;\tsigned:1;\n"
	"\tfield:s64 d;\toffset:23;\tsize:8;\tsigned:1;\n"
	"\tfield:u8 e;\toffset:31;\tsize:1;\tsigned:0;\n"
	"\tfield:u16 f;\toffset:32;\tsize:2;\tsigned:0;\n"
	"\tfield:u32 g;\toffset:34;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 h;\toffset:38;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"(%lx) a=%d b=%d c=%d d=%Ld e=%u f=%u g=%u h=%Lu\", REC->__probe_ip, "
	"REC->a, REC->b, REC->c, REC->d, REC->e, REC->f, REC->g, REC->h\n";

static const char fmt_hexs[] =
	"name: hexs\n"
	"ID: 2327\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:u8 a;\toffset:16;\tsize:1;\tsigned:0;\n"
	"\tfield:u16 b;\toffset:17;\tsize:2;\tsigned:0;\n"
	"\tfield:u32 c;\toffset:19;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 d;\toffset:23;\tsize:8;\tsigned:0;\n"
	"\tfield:u8 ch;\toffset:31;\tsize:1;\tsigned:0;\n"
	"\tfield:__data_loc char[] cm;\toffset:32;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"(%lx) a=0x%x b=0x%x c=0x%x d=0x%Lx ch='%c' cm=\\\"%s\\\"\", "
	"REC->__probe_ip, REC->a, REC->b, REC->c, REC->d, REC->ch, __get_str(cm)\n";

static const char fmt_strs[] =
	"name: strs\n"
	"ID: 2328\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] s;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\tfield:u32 arr[];\toffset:20;\tsize:12;\tsigned:0;\n"
	"\tfield:__data_loc char[][2] sa;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:u32 bf;\toffset:40;\tsize:4;\tsigned:0;\n"
	"\tfield:u8 ca[];\toffset:44;\tsize:4;\tsigned:0;\n"
	"\tfield:u16 xa[];\toffset:48;\tsize:4;\tsigned:0;\n"
	"\n"
	"print fmt: \"(%lx) s=\\\"%s\\\" arr={%u,%u,%u} sa={\\\"%s\\\",\\\"%s\\\"} bf=%u "
	"ca={'%c','%c','%c','%c'} xa={0x%x,0x%x}\", "
	"REC->__probe_ip, __get_str(s), REC->arr[0], REC->arr[1], REC->arr[2], "
	"__get_str(sa[0]), __get_str(sa[1]), REC->bf, REC->ca[0], REC->ca[1], REC->ca[2], "
	"REC->ca[3], REC->xa[0], REC->xa[1]\n";

static const char fmt_ret[] =
	"name: ret\n"
	"ID: 2329\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long __probe_func;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long __probe_ret_ip;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:s32 rv;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:__data_loc char[] us;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"(%lx <- %lx) rv=%d us=\\\"%s\\\"\", REC->__probe_func, "
	"REC->__probe_ret_ip, REC->rv, __get_str(us)\n";

static const char fmt_bfs[] =
	"name: bfs\n"
	"ID: 2330\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:u8 b1;\toffset:16;\tsize:1;\tsigned:0;\n"
	"\tfield:u16 b2;\toffset:17;\tsize:2;\tsigned:0;\n"
	"\tfield:u64 b3;\toffset:19;\tsize:8;\tsigned:0;\n"
	"\tfield:s8 sb;\toffset:27;\tsize:1;\tsigned:1;\n"
	"\n"
	"print fmt: \"(%lx) b1=%u b2=%u b3=%Lu sb=%d\", REC->__probe_ip, REC->b1, REC->b2, "
	"REC->b3, REC->sb\n";

static const char fmt_more2[] =
	"name: more2\n"
	"ID: 2338\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 common_x;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:s8 sarr[];\toffset:24;\tsize:2;\tsigned:1;\n"
	"\tfield:u64 x64a[];\toffset:26;\tsize:16;\tsigned:0;\n"
	"\tfield:s32 e;\toffset:42;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"(%lx) common_x=0x%Lx sarr={%d,%d} x64a={0x%Lx,0x%Lx} e=%d\", "
	"REC->__probe_ip, REC->common_x, REC->sarr[0], REC->sarr[1], REC->x64a[0], "
	"REC->x64a[1], REC->e\n";


static const char fmt_user_stack[] =
	"name: user_stack\n"
	"ID: 13\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned int tgid;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned long caller[8];\toffset:16;\tsize:64;\tsigned:0;\n"
	"\n"
	"print fmt: \"\\t=> %ps\\n\\t=> %ps\\n\\t=> %ps\\n\" \"\\t=> %ps\\n\\t=> %ps\\n\\t=> %ps\\n\" "
	"\"\\t=> %ps\\n\\t=> %ps\\n\", (void *)REC->caller[0], (void *)REC->caller[1], "
	"(void *)REC->caller[2], (void *)REC->caller[3], (void *)REC->caller[4], "
	"(void *)REC->caller[5], (void *)REC->caller[6], (void *)REC->caller[7]\n";

/* ---- decoding plans ---------------------------------------------------- */

static void plan(struct eplan *ep, const char *event, const char *text)
{
	assert_int_equal(eplan_build(ep, "tst", event, text), 0);
}

/* Field @i of @ep is @name, laid out so. */
static void check_field(const struct eplan *ep, size_t i, const char *name, int offset,
			int size, int n, bool is_signed, enum fkind kind)
{
	const struct fplan *f = &ep->f[i];

	assert_true(i < ep->nf);
	assert_string_equal(f->name, name);
	assert_ptr_equal(eplan_field(ep, name), f);
	assert_int_equal(f->offset, offset);
	assert_int_equal(f->size, size);
	assert_int_equal(f->n, n);
	assert_int_equal(f->is_signed, is_signed);
	assert_int_equal(f->kind, kind);
}

static void test_plan_ints(void **state)
{
	struct eplan ep;

	plan(&ep, "ints", fmt_ints);
	assert_int_equal(ep.id, 2326);
	assert_string_equal(ep.name, "tst/ints");
	assert_false(ep.ret);
	assert_false(ep.ustack);
	assert_int_equal(ep.ip_off, 8);
	assert_int_equal(ep.func_off, -1);
	assert_int_equal(ep.lat_fn, -1);
	assert_null(ep.probe);
	assert_int_equal(ep.nf, 8);
	check_field(&ep, 0, "a", 16, 1, 0, true, FK_INT);
	check_field(&ep, 1, "b", 17, 2, 0, true, FK_INT);
	check_field(&ep, 2, "c", 19, 4, 0, true, FK_INT);
	check_field(&ep, 3, "d", 23, 8, 0, true, FK_INT);
	check_field(&ep, 4, "e", 31, 1, 0, false, FK_INT);
	check_field(&ep, 5, "f", 32, 2, 0, false, FK_INT);
	check_field(&ep, 6, "g", 34, 4, 0, false, FK_INT);
	check_field(&ep, 7, "h", 38, 8, 0, false, FK_INT);
	/* the header and the probe's address are not arguments */
	assert_null(eplan_field(&ep, "common_pid"));
	assert_null(eplan_field(&ep, "common_type"));
	assert_null(eplan_field(&ep, "__probe_ip"));
	assert_null(eplan_field(&ep, "i"));
	eplan_clear(&ep);
	assert_int_equal(ep.nf, 0);
	assert_null(ep.f);
	assert_null(ep.name);
}

static void test_plan_hexs(void **state)
{
	struct eplan ep;

	plan(&ep, "hexs", fmt_hexs);
	assert_int_equal(ep.id, 2327);
	assert_int_equal(ep.nf, 6);
	/* x types read u8..u64 in the format: only "0x%x" tells them apart */
	check_field(&ep, 0, "a", 16, 1, 0, false, FK_HEX);
	check_field(&ep, 1, "b", 17, 2, 0, false, FK_HEX);
	check_field(&ep, 2, "c", 19, 4, 0, false, FK_HEX);
	check_field(&ep, 3, "d", 23, 8, 0, false, FK_HEX);
	/* and a char is a u8 printed '%c' */
	check_field(&ep, 4, "ch", 31, 1, 0, false, FK_CHAR);
	/* $comm is a __data_loc string; "signed:1" says nothing of its bytes */
	check_field(&ep, 5, "cm", 32, 4, 0, false, FK_STR);
	eplan_clear(&ep);
}

static void test_plan_strs(void **state)
{
	struct eplan ep;

	plan(&ep, "strs", fmt_strs);
	assert_int_equal(ep.id, 2328);
	assert_int_equal(ep.ip_off, 8);
	assert_int_equal(ep.nf, 6);
	check_field(&ep, 0, "s", 16, 4, 0, false, FK_STR);
	check_field(&ep, 1, "arr", 20, 4, 3, false, FK_INT);
	/* "__data_loc char[][2] sa": two __data_loc words */
	check_field(&ep, 2, "sa", 32, 4, 2, false, FK_STR);
	/* a bitfield is its container */
	check_field(&ep, 3, "bf", 40, 4, 0, false, FK_INT);
	check_field(&ep, 4, "ca", 44, 1, 4, false, FK_CHAR);
	check_field(&ep, 5, "xa", 48, 2, 2, false, FK_HEX);
	eplan_clear(&ep);
}

static void test_plan_ret(void **state)
{
	struct eplan ep;

	plan(&ep, "ret", fmt_ret);
	assert_int_equal(ep.id, 2329);
	assert_true(ep.ret);
	assert_int_equal(ep.func_off, 8);
	/* __probe_ret_ip: where the function returns to */
	assert_int_equal(ep.ip_off, 16);
	assert_int_equal(ep.nf, 2);
	check_field(&ep, 0, "rv", 24, 4, 0, true, FK_INT);
	check_field(&ep, 1, "us", 28, 4, 0, false, FK_STR);
	assert_null(eplan_field(&ep, "__probe_func"));
	assert_null(eplan_field(&ep, "__probe_ret_ip"));
	eplan_clear(&ep);
}

static void test_plan_bitfields(void **state)
{
	struct eplan ep;

	plan(&ep, "bfs", fmt_bfs);
	assert_int_equal(ep.nf, 4);
	check_field(&ep, 0, "b1", 16, 1, 0, false, FK_INT);
	check_field(&ep, 1, "b2", 17, 2, 0, false, FK_INT);
	check_field(&ep, 2, "b3", 19, 8, 0, false, FK_INT);
	check_field(&ep, 3, "sb", 27, 1, 0, true, FK_INT);
	eplan_clear(&ep);
}

static void test_plan_arrays(void **state)
{
	struct eplan ep;

	plan(&ep, "more2", fmt_more2);
	assert_int_equal(ep.id, 2338);
	/*
	 * The kernel reserves only the header's exact names: an argument
	 * may be called common_x, and it is an argument like any other.
	 */
	assert_int_equal(ep.nf, 4);
	check_field(&ep, 0, "common_x", 16, 8, 0, false, FK_HEX);
	check_field(&ep, 1, "sarr", 24, 1, 2, true, FK_INT);
	check_field(&ep, 2, "x64a", 26, 8, 2, false, FK_HEX);
	check_field(&ep, 3, "e", 42, 4, 0, true, FK_INT);
	eplan_clear(&ep);
}

static void test_plan_user_stack(void **state)
{
	struct eplan ep;

	assert_int_equal(eplan_build(&ep, "ftrace", "user_stack", fmt_user_stack), 0);
	assert_int_equal(ep.id, 13);
	assert_string_equal(ep.name, "ftrace/user_stack");
	assert_true(ep.ustack);
	assert_false(ep.ret);
	assert_int_equal(ep.ip_off, -1);
	assert_int_equal(ep.nf, 2);
	check_field(&ep, 0, "tgid", 8, 4, 0, false, FK_INT);
	check_field(&ep, 1, "caller", 16, 8, 8, false, FK_INT);
	eplan_clear(&ep);

	/* the same text under another name is not the stack event */
	plan(&ep, "user_stack", fmt_user_stack);
	assert_false(ep.ustack);
	eplan_clear(&ep);
}

static void test_plan_bad(void **state)
{
	struct eplan ep;

	/* no ID line: nothing to match records against */
	assert_int_equal(eplan_build(&ep, "tst", "x", "name: x\nformat:\n"), -EINVAL);
	eplan_clear(&ep);
	assert_int_equal(eplan_build(&ep, "tst", "x", ""), -EINVAL);
	eplan_clear(&ep);
	/* an event with no arguments at all */
	assert_int_equal(eplan_build(&ep, "tst", "x",
				     "name: x\nID: 7\nformat:\n"
				     "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
				     "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
				     "\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n\n"
				     "print fmt: \"(%lx)\", REC->__probe_ip\n"),
			 0);
	assert_int_equal(ep.id, 7);
	assert_int_equal(ep.nf, 0);
	assert_int_equal(ep.ip_off, 8);
	eplan_clear(&ep);
}

/* ---- raw records -------------------------------------------------------- */

struct rec {
	unsigned char b[512];
	int dyn;	/* where the next string goes */
};

static void put(struct rec *r, int off, uint64_t v, int size)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1: memcpy(r->b + off, &u8, 1); break;
	case 2: memcpy(r->b + off, &u16, 2); break;
	case 4: memcpy(r->b + off, &u32, 4); break;
	default: memcpy(r->b + off, &v, 8); break;
	}
}

/* The common header, then the fixed part up to @fixed. */
static void rec_init(struct rec *r, const struct eplan *ep, int fixed, int tid)
{
	memset(r, 0, sizeof(*r));
	put(r, 0, (uint64_t)ep->id, 2);
	put(r, 4, (uint64_t)tid, 4);
	r->dyn = fixed;
}

/* @n bytes of @s, and the NUL the kernel copies after them */
static void put_str(struct rec *r, int field, const char *s, size_t n)
{
	put(r, field, (uint64_t)(n + 1) << 16 | (uint64_t)r->dyn, 4);
	memcpy(r->b + r->dyn, s, n);
	r->b[r->dyn + n] = '\0';
	r->dyn += (int)n + 1;
}

/* a fetch that faulted: length 0 */
static void put_fault(struct rec *r, int field)
{
	put(r, field, (uint64_t)r->dyn, 4);
}

static struct ev rec_ev(const struct rec *r, const struct eplan *ep, int cpu, int tid,
			uint64_t ts)
{
	struct ev e = {
		.ep = ep, .data = r->b, .size = (r->dyn + 3) & ~3, .cpu = cpu,
		.tid = tid, .ts = ts, .latency = -1,
	};

	return e;
}

static char out[8192];

/* One event as ev_write() writes it. */
static const char *render(const struct ev *e, int tgid, const char *comm, bool json)
{
	struct obuf o;

	assert_int_equal(ob_init(&o, -1, sizeof(out)), 0);
	ev_write(&o, e, tgid, comm, NULL, json);
	assert_int_equal(o.err, 0);
	assert_true(o.len < sizeof(out));
	memcpy(out, o.buf, o.len);
	out[o.len] = '\0';
	ob_free(&o);
	return out;
}

static void test_ints(void **state)
{
	struct eplan ep;
	struct rec r;
	struct ev e;

	plan(&ep, "ints", fmt_ints);
	rec_init(&r, &ep, 48, 101);
	put(&r, 8, 0x55d0c0de1139, 8);
	put(&r, 16, (uint64_t)-128, 1);
	put(&r, 17, (uint64_t)-32768, 2);
	put(&r, 19, (uint64_t)INT32_MIN, 4);
	put(&r, 23, (uint64_t)INT64_MIN, 8);
	e = rec_ev(&r, &ep, 3, 101, 1000000002);
	assert_string_equal(render(&e, 100, "prog", false),
			    "1.000000002 prog 100/101 [3] tst/ints a=-128 b=-32768 "
			    "c=-2147483648 d=-9223372036854775808 e=0 f=0 g=0 h=0\n");
	assert_string_equal(render(&e, 100, "prog", true),
			    "{\"time\": 1.000000002, \"cpu\": 3, \"comm\": \"prog\", "
			    "\"pid\": 100, \"tid\": 101, \"event\": \"tst/ints\", "
			    "\"ip\": \"0x55d0c0de1139\", \"args\": {\"a\": -128, "
			    "\"b\": -32768, \"c\": -2147483648, \"d\": -9223372036854775808, "
			    "\"e\": 0, \"f\": 0, \"g\": 0, \"h\": 0}}\n");

	put(&r, 16, 127, 1);
	put(&r, 17, 32767, 2);
	put(&r, 19, INT32_MAX, 4);
	put(&r, 23, INT64_MAX, 8);
	put(&r, 31, UINT8_MAX, 1);
	put(&r, 32, UINT16_MAX, 2);
	put(&r, 34, UINT32_MAX, 4);
	put(&r, 38, UINT64_MAX, 8);
	e = rec_ev(&r, &ep, 0, 7, 1234567890123456789ULL);
	assert_string_equal(render(&e, 7, "prog", false),
			    "1234567890.123456789 prog 7/7 [0] tst/ints a=127 b=32767 "
			    "c=2147483647 d=9223372036854775807 e=255 f=65535 "
			    "g=4294967295 h=18446744073709551615\n");
	assert_string_equal(render(&e, 7, "prog", true),
			    "{\"time\": 1234567890.123456789, \"cpu\": 0, \"comm\": \"prog\", "
			    "\"pid\": 7, \"tid\": 7, \"event\": \"tst/ints\", "
			    "\"ip\": \"0x55d0c0de1139\", \"args\": {\"a\": 127, "
			    "\"b\": 32767, \"c\": 2147483647, \"d\": 9223372036854775807, "
			    "\"e\": 255, \"f\": 65535, \"g\": 4294967295, "
			    "\"h\": 18446744073709551615}}\n");

	/* -1 signed; the top bit alone unsigned (no sign extension) */
	put(&r, 16, (uint64_t)-1, 1);
	put(&r, 17, (uint64_t)-1, 2);
	put(&r, 19, (uint64_t)-1, 4);
	put(&r, 23, (uint64_t)-1, 8);
	put(&r, 31, 0x80, 1);
	put(&r, 32, 0x8000, 2);
	put(&r, 34, 0x80000000, 4);
	put(&r, 38, 0x8000000000000000, 8);
	e = rec_ev(&r, &ep, 12, 7, 0);
	assert_string_equal(render(&e, -1, "<...>", false),
			    "0.000000000 <...> -1/7 [12] tst/ints a=-1 b=-1 c=-1 d=-1 "
			    "e=128 f=32768 g=2147483648 h=9223372036854775808\n");
	eplan_clear(&ep);
}

/* The bitfields as the kernel stores them: shifted down and masked. */
static void test_bitfields(void **state)
{
	struct eplan ep;
	struct rec r;
	struct ev e;

	plan(&ep, "bfs", fmt_bfs);
	rec_init(&r, &ep, 28, 5);
	put(&r, 8, 0x401000, 8);
	put(&r, 16, 1, 1);		/* b1@0/8 */
	put(&r, 17, 127, 2);		/* b7@9/16 */
	put(&r, 19, 0xffffffff, 8);	/* b32@32/64 */
	put(&r, 27, (uint64_t)-2, 1);
	e = rec_ev(&r, &ep, 1, 5, 999999999);
	assert_string_equal(render(&e, 5, "bf", false),
			    "0.999999999 bf 5/5 [1] tst/bfs b1=1 b2=127 b3=4294967295 sb=-2\n");
	assert_string_equal(render(&e, 5, "bf", true),
			    "{\"time\": 0.999999999, \"cpu\": 1, \"comm\": \"bf\", \"pid\": 5, "
			    "\"tid\": 5, \"event\": \"tst/bfs\", \"ip\": \"0x401000\", "
			    "\"args\": {\"b1\": 1, \"b2\": 127, \"b3\": 4294967295, "
			    "\"sb\": -2}}\n");
	eplan_clear(&ep);
}

/* tst/hexs with a=0 b=0xbeef c=0xdeadbeef d=~0, @ch, and $comm "true" */
static void hexs_rec(struct rec *r, const struct eplan *ep, unsigned char ch)
{
	rec_init(r, ep, 36, 9);
	put(r, 8, 0x401000, 8);
	put(r, 17, 0xbeef, 2);
	put(r, 19, 0xdeadbeef, 4);
	put(r, 23, UINT64_MAX, 8);
	put(r, 31, ch, 1);
	put_str(r, 32, "true", 4);
}

#define HEXS_TEXT(ch) \
	"0.000000001 true 9/9 [2] tst/hexs a=0x0 b=0xbeef c=0xdeadbeef " \
	"d=0xffffffffffffffff ch=" ch " cm=\"true\"\n"
#define HEXS_JSON(ch) \
	"{\"time\": 0.000000001, \"cpu\": 2, \"comm\": \"true\", \"pid\": 9, " \
	"\"tid\": 9, \"event\": \"tst/hexs\", \"ip\": \"0x401000\", \"args\": " \
	"{\"a\": \"0x0\", \"b\": \"0xbeef\", \"c\": \"0xdeadbeef\", " \
	"\"d\": \"0xffffffffffffffff\", \"ch\": " ch ", \"cm\": \"true\"}}\n"

/* A char: one byte, in single quotes with C escapes; a JSON string. */
static const struct {
	unsigned char c;
	const char *text, *json;
} chars[] = {
	{ 'A', HEXS_TEXT("'A'"), HEXS_JSON("\"A\"") },
	{ ' ', HEXS_TEXT("' '"), HEXS_JSON("\" \"") },
	{ '\'', HEXS_TEXT("'\\''"), HEXS_JSON("\"'\"") },
	{ '"', HEXS_TEXT("'\\\"'"), HEXS_JSON("\"\\\"\"") },
	{ '\\', HEXS_TEXT("'\\\\'"), HEXS_JSON("\"\\\\\"") },
	{ '\n', HEXS_TEXT("'\\n'"), HEXS_JSON("\"\\n\"") },
	{ '\t', HEXS_TEXT("'\\t'"), HEXS_JSON("\"\\t\"") },
	{ '\r', HEXS_TEXT("'\\r'"), HEXS_JSON("\"\\r\"") },
	{ '\0', HEXS_TEXT("'\\x00'"), HEXS_JSON("\"\\u0000\"") },
	{ 0x1b, HEXS_TEXT("'\\x1b'"), HEXS_JSON("\"\\u001b\"") },
	{ 0x7f, HEXS_TEXT("'\\x7f'"), HEXS_JSON("\"\\u007f\"") },
	{ 0xe9, HEXS_TEXT("'\\xe9'"), HEXS_JSON("\"\\u00e9\"") },
	/* a lead byte alone: a char is never a sequence */
	{ 0xc3, HEXS_TEXT("'\\xc3'"), HEXS_JSON("\"\\u00c3\"") },
	{ 0xff, HEXS_TEXT("'\\xff'"), HEXS_JSON("\"\\u00ff\"") },
};

static void test_hex_and_char(void **state)
{
	struct eplan ep;
	struct rec r;
	struct ev e;
	size_t i;

	plan(&ep, "hexs", fmt_hexs);
	for (i = 0; i < ARRAY_LEN(chars); i++) {
		hexs_rec(&r, &ep, chars[i].c);
		e = rec_ev(&r, &ep, 2, 9, 1);
		assert_string_equal(render(&e, 9, "true", false), chars[i].text);
		assert_string_equal(render(&e, 9, "true", true), chars[i].json);
	}
	/* the largest of each size, and a faulted $comm */
	rec_init(&r, &ep, 36, 9);
	put(&r, 8, 0x401000, 8);
	put(&r, 16, 0xff, 1);
	put(&r, 17, 0xffff, 2);
	put(&r, 19, 0xffffffff, 4);
	put(&r, 23, 0x1, 8);
	put(&r, 31, 'z', 1);
	put_fault(&r, 32);
	e = rec_ev(&r, &ep, 2, 9, 1);
	assert_string_equal(render(&e, 9, "true", false),
			    "0.000000001 true 9/9 [2] tst/hexs a=0xff b=0xffff c=0xffffffff "
			    "d=0x1 ch='z' cm=(fault)\n");
	assert_string_equal(render(&e, 9, "true", true),
			    "{\"time\": 0.000000001, \"cpu\": 2, \"comm\": \"true\", \"pid\": 9, "
			    "\"tid\": 9, \"event\": \"tst/hexs\", \"ip\": \"0x401000\", \"args\": "
			    "{\"a\": \"0xff\", \"b\": \"0xffff\", \"c\": \"0xffffffff\", "
			    "\"d\": \"0x1\", \"ch\": \"z\", \"cm\": null}}\n");
	eplan_clear(&ep);
}

/*
 * Strings: C escapes in text (valid UTF-8 kept, any other byte outside
 * printable ASCII as \xHH), in JSON every such byte as \u00XX. n < 0: the
 * fetch faulted.
 */
static const struct {
	const char *s;
	int n;
	const char *text, *json;
} strs[] = {
	{ "has \" quote b=5", 15, "\"has \\\" quote b=5\"", "\"has \\\" quote b=5\"" },
	{ "line1\nline2", 11, "\"line1\\nline2\"", "\"line1\\nline2\"" },
	{ "tab\there\r", 9, "\"tab\\there\\r\"", "\"tab\\there\\r\"" },
	{ "back\\slash", 10, "\"back\\\\slash\"", "\"back\\\\slash\"" },
	{ "", 0, "\"\"", "\"\"" },
	{ "\a\b\f\v\x01\x1b\x7f", 7, "\"\\a\\b\\f\\v\\x01\\x1b\\x7f\"",
	  "\"\\u0007\\u0008\\u000c\\u000b\\u0001\\u001b\\u007f\"" },
	{ NULL, -1, "(fault)", "null" },
	/* valid UTF-8: 2, 3 and 4 bytes, the ends of the ranges */
	{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"", "\"caf\\u00c3\\u00a9\"" },
	{ "\xc2\x80", 2, "\"\xc2\x80\"", "\"\\u00c2\\u0080\"" },
	{ "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"", "\"\\u00e2\\u0082\\u00ac\"" },
	{ "\xed\x9f\xbf", 3, "\"\xed\x9f\xbf\"", "\"\\u00ed\\u009f\\u00bf\"" },
	{ "\xee\x80\x80", 3, "\"\xee\x80\x80\"", "\"\\u00ee\\u0080\\u0080\"" },
	{ "\xef\xbf\xbf", 3, "\"\xef\xbf\xbf\"", "\"\\u00ef\\u00bf\\u00bf\"" },
	{ "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"",
	  "\"\\u00f0\\u009f\\u0098\\u0080\"" },
	{ "\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"",
	  "\"\\u00f4\\u008f\\u00bf\\u00bf\"" },
	/* invalid: stray bytes, cut sequences, overlong forms, surrogates,
	 * past U+10FFFF */
	{ "\xff\xfe", 2, "\"\\xff\\xfe\"", "\"\\u00ff\\u00fe\"" },
	{ "\x80", 1, "\"\\x80\"", "\"\\u0080\"" },
	{ "\xc3" "A", 2, "\"\\xc3A\"", "\"\\u00c3A\"" },
	{ "x\xc3", 2, "\"x\\xc3\"", "\"x\\u00c3\"" },
	{ "\xe2\x82", 2, "\"\\xe2\\x82\"", "\"\\u00e2\\u0082\"" },
	{ "\xe2\x82" "A", 3, "\"\\xe2\\x82A\"", "\"\\u00e2\\u0082A\"" },
	{ "\xc0\x80", 2, "\"\\xc0\\x80\"", "\"\\u00c0\\u0080\"" },
	{ "\xc1\xbf", 2, "\"\\xc1\\xbf\"", "\"\\u00c1\\u00bf\"" },
	{ "\xe0\x80\xaf", 3, "\"\\xe0\\x80\\xaf\"", "\"\\u00e0\\u0080\\u00af\"" },
	{ "\xf0\x8f\xbf\xbf", 4, "\"\\xf0\\x8f\\xbf\\xbf\"",
	  "\"\\u00f0\\u008f\\u00bf\\u00bf\"" },
	{ "\xed\xa0\x80", 3, "\"\\xed\\xa0\\x80\"", "\"\\u00ed\\u00a0\\u0080\"" },
	{ "\xf4\x90\x80\x80", 4, "\"\\xf4\\x90\\x80\\x80\"",
	  "\"\\u00f4\\u0090\\u0080\\u0080\"" },
	{ "\xf5\x80\x80\x80", 4, "\"\\xf5\\x80\\x80\\x80\"",
	  "\"\\u00f5\\u0080\\u0080\\u0080\"" },
	/* a valid sequence after an invalid byte is still kept */
	{ "\xa9\xc3\xa9", 3, "\"\\xa9\xc3\xa9\"", "\"\\u00a9\\u00c3\\u00a9\"" },
};

/* tst/strs: @s, and arr={0,1,~0} sa={"x",fault} bf=5 ca xa fixed */
static void strs_rec(struct rec *r, const struct eplan *ep, const char *s, int n)
{
	rec_init(r, ep, 52, 2);
	put(r, 8, 0x401000, 8);
	if (n < 0)
		put_fault(r, 16);
	else
		put_str(r, 16, s, (size_t)n);
	put(r, 20, 0, 4);
	put(r, 24, 1, 4);
	put(r, 28, UINT32_MAX, 4);
	put_str(r, 32, "x", 1);
	put_fault(r, 36);
	put(r, 40, 5, 4);
	put(r, 44, 'a', 1);
	put(r, 45, '\'', 1);
	put(r, 46, '\n', 1);
	put(r, 47, 0xff, 1);
	put(r, 48, 0x1, 2);
	put(r, 50, 0xffff, 2);
}

static void test_strings(void **state)
{
	char want[1024];
	struct eplan ep;
	struct rec r;
	struct ev e;
	size_t i;

	plan(&ep, "strs", fmt_strs);
	for (i = 0; i < ARRAY_LEN(strs); i++) {
		strs_rec(&r, &ep, strs[i].s, strs[i].n);
		e = rec_ev(&r, &ep, 0, 2, 2000000000);
		snprintf(want, sizeof(want),
			 "2.000000000 t 1/2 [0] tst/strs s=%s arr={0,1,4294967295} "
			 "sa={\"x\",(fault)} bf=5 ca={'a','\\'','\\n','\\xff'} "
			 "xa={0x1,0xffff}\n", strs[i].text);
		assert_string_equal(render(&e, 1, "t", false), want);
		snprintf(want, sizeof(want),
			 "{\"time\": 2.000000000, \"cpu\": 0, \"comm\": \"t\", \"pid\": 1, "
			 "\"tid\": 2, \"event\": \"tst/strs\", \"ip\": \"0x401000\", "
			 "\"args\": {\"s\": %s, \"arr\": [0, 1, 4294967295], "
			 "\"sa\": [\"x\", null], \"bf\": 5, "
			 "\"ca\": [\"a\", \"'\", \"\\n\", \"\\u00ff\"], "
			 "\"xa\": [\"0x1\", \"0xffff\"]}}\n", strs[i].json);
		assert_string_equal(render(&e, 1, "t", true), want);
	}

	/* a string array with an empty string and a quote in it */
	rec_init(&r, &ep, 52, 2);
	put(&r, 8, 0x401000, 8);
	put_str(&r, 16, "a", 1);
	put_str(&r, 32, "", 0);
	put_str(&r, 36, "q\"", 2);
	put(&r, 44, 'w', 1);
	put(&r, 45, 'x', 1);
	put(&r, 46, 'y', 1);
	put(&r, 47, 'z', 1);
	e = rec_ev(&r, &ep, 0, 2, 2000000000);
	assert_string_equal(render(&e, 1, "t", false),
			    "2.000000000 t 1/2 [0] tst/strs s=\"a\" arr={0,0,0} sa={\"\",\"q\\\"\"} "
			    "bf=0 ca={'w','x','y','z'} xa={0x0,0x0}\n");
	assert_string_equal(render(&e, 1, "t", true),
			    "{\"time\": 2.000000000, \"cpu\": 0, \"comm\": \"t\", \"pid\": 1, "
			    "\"tid\": 2, \"event\": \"tst/strs\", \"ip\": \"0x401000\", "
			    "\"args\": {\"s\": \"a\", \"arr\": [0, 0, 0], \"sa\": [\"\", \"q\\\"\"], "
			    "\"bf\": 0, \"ca\": [\"w\", \"x\", \"y\", \"z\"], "
			    "\"xa\": [\"0x0\", \"0x0\"]}}\n");

	/* a __data_loc pointing past the record is a fault, not a read */
	strs_rec(&r, &ep, "abc", 3);
	put(&r, 16, (uint64_t)200 << 16 | 52, 4);
	e = rec_ev(&r, &ep, 0, 2, 2000000000);
	assert_non_null(strstr(render(&e, 1, "t", false), " s=(fault) arr="));
	eplan_clear(&ep);
}

static void test_arrays(void **state)
{
	struct eplan ep;
	struct rec r;
	struct ev e;

	plan(&ep, "more2", fmt_more2);
	rec_init(&r, &ep, 48, 2);
	put(&r, 8, 0x401000, 8);
	put(&r, 16, 0xdead, 8);
	put(&r, 24, (uint64_t)-128, 1);
	put(&r, 25, 127, 1);
	put(&r, 26, 0, 8);
	put(&r, 34, UINT64_MAX, 8);
	put(&r, 42, (uint64_t)INT32_MIN, 4);
	e = rec_ev(&r, &ep, 1, 2, 3000000000);
	assert_string_equal(render(&e, 2, "m", false),
			    "3.000000000 m 2/2 [1] tst/more2 common_x=0xdead sarr={-128,127} "
			    "x64a={0x0,0xffffffffffffffff} e=-2147483648\n");
	assert_string_equal(render(&e, 2, "m", true),
			    "{\"time\": 3.000000000, \"cpu\": 1, \"comm\": \"m\", \"pid\": 2, "
			    "\"tid\": 2, \"event\": \"tst/more2\", \"ip\": \"0x401000\", "
			    "\"args\": {\"common_x\": \"0xdead\", \"sarr\": [-128, 127], "
			    "\"x64a\": [\"0x0\", \"0xffffffffffffffff\"], "
			    "\"e\": -2147483648}}\n");
	eplan_clear(&ep);
}

static void test_return_and_latency(void **state)
{
	static const char json_head[] =
		"{\"time\": 0.000000000, \"cpu\": 0, \"comm\": \"prog\", \"pid\": 100, "
		"\"tid\": 101, \"event\": \"tst/ret\", \"ip\": \"0x7f0011223344\", "
		"\"func\": \"0x401136\", \"args\": {\"rv\": -1, \"us\": \"hi\"}";
	static const char text_head[] =
		"0.000000000 prog 100/101 [0] tst/ret (0x401136 <- 0x7f0011223344) "
		"rv=-1 us=\"hi\"";
	char want[512];
	struct eplan ep;
	struct rec r;
	struct ev e;

	plan(&ep, "ret", fmt_ret);
	rec_init(&r, &ep, 32, 101);
	put(&r, 8, 0x401136, 8);
	put(&r, 16, 0x7f0011223344, 8);
	put(&r, 24, (uint64_t)-1, 4);
	put_str(&r, 28, "hi", 2);
	e = rec_ev(&r, &ep, 0, 101, 0);
	snprintf(want, sizeof(want), "%s\n", text_head);
	assert_string_equal(render(&e, 100, "prog", false), want);
	snprintf(want, sizeof(want), "%s}\n", json_head);
	assert_string_equal(render(&e, 100, "prog", true), want);

	/* durations: microseconds with three decimals; JSON: ns */
	e.latency = 1234567;
	snprintf(want, sizeof(want), "%s latency=1234.567us\n", text_head);
	assert_string_equal(render(&e, 100, "prog", false), want);
	snprintf(want, sizeof(want), "%s, \"latency_ns\": 1234567}\n", json_head);
	assert_string_equal(render(&e, 100, "prog", true), want);
	e.latency = 5;
	snprintf(want, sizeof(want), "%s latency=0.005us\n", text_head);
	assert_string_equal(render(&e, 100, "prog", false), want);
	e.latency = 1000;
	snprintf(want, sizeof(want), "%s latency=1.000us\n", text_head);
	assert_string_equal(render(&e, 100, "prog", false), want);
	e.latency = 0;
	snprintf(want, sizeof(want), "%s latency=0.000us\n", text_head);
	assert_string_equal(render(&e, 100, "prog", false), want);
	snprintf(want, sizeof(want), "%s, \"latency_ns\": 0}\n", json_head);
	assert_string_equal(render(&e, 100, "prog", true), want);
	eplan_clear(&ep);
}

/* A text line is one line whatever the thread's name holds. */
static void test_comm(void **state)
{
	struct eplan ep;
	struct rec r;
	struct ev e;

	plan(&ep, "bfs", fmt_bfs);
	rec_init(&r, &ep, 28, 5);
	put(&r, 8, 0x401000, 8);
	e = rec_ev(&r, &ep, 1, 5, 0);
	assert_string_equal(render(&e, 5, "a\nb c\"\x7f\x01", false),
			    "0.000000000 a\\x0ab c\"\\x7f\\x01 5/5 [1] tst/bfs b1=0 b2=0 b3=0 "
			    "sb=0\n");
	assert_string_equal(render(&e, 5, "a\nb c\"\xe9", true),
			    "{\"time\": 0.000000000, \"cpu\": 1, \"comm\": \"a\\nb c\\\"\\u00e9\", "
			    "\"pid\": 5, \"tid\": 5, \"event\": \"tst/bfs\", \"ip\": \"0x401000\", "
			    "\"args\": {\"b1\": 0, \"b2\": 0, \"b3\": 0, \"sb\": 0}}\n");
	eplan_clear(&ep);
}

/* ---- the output buffer -------------------------------------------------- */

static const char *ob_text(struct obuf *o)
{
	memcpy(out, o->buf, o->len);
	out[o->len] = '\0';
	o->len = 0;
	return out;
}

static void test_numbers(void **state)
{
	struct obuf o;

	assert_int_equal(ob_init(&o, -1, 256), 0);
	ob_u64(&o, 0);
	assert_string_equal(ob_text(&o), "0");
	ob_u64(&o, UINT64_MAX);
	assert_string_equal(ob_text(&o), "18446744073709551615");
	ob_s64(&o, INT64_MIN);
	assert_string_equal(ob_text(&o), "-9223372036854775808");
	ob_s64(&o, INT64_MAX);
	assert_string_equal(ob_text(&o), "9223372036854775807");
	ob_s64(&o, -1);
	assert_string_equal(ob_text(&o), "-1");
	ob_hex(&o, 0);
	assert_string_equal(ob_text(&o), "0x0");
	ob_hex(&o, 0xa);
	assert_string_equal(ob_text(&o), "0xa");
	ob_hex(&o, UINT64_MAX);
	assert_string_equal(ob_text(&o), "0xffffffffffffffff");
	ob_time(&o, 0);
	assert_string_equal(ob_text(&o), "0.000000000");
	ob_time(&o, 42);
	assert_string_equal(ob_text(&o), "0.000000042");
	ob_time(&o, 1000000000);
	assert_string_equal(ob_text(&o), "1.000000000");
	ob_time(&o, UINT64_MAX);
	assert_string_equal(ob_text(&o), "18446744073.709551615");
	ob_cstr(&o, "", 0);
	assert_string_equal(ob_text(&o), "\"\"");
	ob_jstr(&o, "", 0);
	assert_string_equal(ob_text(&o), "\"\"");
	/* a NUL inside is a byte like any other */
	ob_cstr(&o, "a\0b", 3);
	assert_string_equal(ob_text(&o), "\"a\\x00b\"");
	ob_jstr(&o, "a\0b", 3);
	assert_string_equal(ob_text(&o), "\"a\\u0000b\"");
	ob_free(&o);
}

/* Every length of number, against printf: the digits are written two at a
 * time (hex: a byte at a time) from a length found first. */
static void test_numbers_every_length(void **state)
{
	char want[48];
	struct obuf o;
	uint64_t p = 1;
	int i, d;

	(void)state;
	assert_int_equal(ob_init(&o, -1, sizeof(out)), 0);
	for (i = 0; i < 20; i++, p *= 10) {
		for (d = -1; d <= 1; d++) {
			uint64_t v = p + d;

			snprintf(want, sizeof(want), "%" PRIu64, v);
			ob_u64(&o, v);
			assert_string_equal(ob_text(&o), want);
			snprintf(want, sizeof(want), "%" PRId64, -(int64_t)(v >> 1));
			ob_s64(&o, -(int64_t)(v >> 1));
			assert_string_equal(ob_text(&o), want);
			snprintf(want, sizeof(want), "%" PRIu64 ".%09" PRIu64,
				 v / 1000000000, v % 1000000000);
			ob_time(&o, v);
			assert_string_equal(ob_text(&o), want);
		}
	}
	for (i = 0; i < 64; i++) {
		for (d = -1; d <= 0; d++) {
			uint64_t v = (1ULL << i) + d;

			snprintf(want, sizeof(want), "0x%" PRIx64, v);
			ob_hex(&o, v);
			assert_string_equal(ob_text(&o), want);
		}
	}
	ob_free(&o);
}

/*
 * The buffer flushes to its fd when full, at any point of a line: every
 * start position gives the same bytes as one big buffer.
 */
static void test_flush_anywhere(void **state)
{
	static const char strs_text[] =
		"2.000000000 t 1/2 [0] tst/strs s=\"caf\xc3\xa9 \\\"\\xff\" arr={0,1,4294967295} "
		"sa={\"x\",(fault)} bf=5 ca={'a','\\'','\\n','\\xff'} xa={0x1,0xffff}\n";
	static const char strs_json[] =
		"{\"time\": 2.000000000, \"cpu\": 0, \"comm\": \"t\", \"pid\": 1, "
		"\"tid\": 2, \"event\": \"tst/strs\", \"ip\": \"0x401000\", "
		"\"args\": {\"s\": \"caf\\u00c3\\u00a9 \\\"\\u00ff\", \"arr\": [0, 1, 4294967295], "
		"\"sa\": [\"x\", null], \"bf\": 5, "
		"\"ca\": [\"a\", \"'\", \"\\n\", \"\\u00ff\"], "
		"\"xa\": [\"0x1\", \"0xffff\"]}}\n";
	const char *parts[] = {
		HEXS_TEXT("'\\''"), HEXS_JSON("\"'\""), HEXS_TEXT("'\\n'"),
		HEXS_TEXT("'\\xe9'"), strs_text, strs_json,
	};
	struct eplan hexs, strs_ep;
	struct rec rh, rn, rx, rs;
	struct ev eh, en, ex, es;
	char want[4096], got[4096];
	size_t cap = 40, k, i, len;
	int fd = memfd_create("unit-stream", 0);

	assert_true(fd >= 0);
	plan(&hexs, "hexs", fmt_hexs);
	plan(&strs_ep, "strs", fmt_strs);
	hexs_rec(&rh, &hexs, '\'');
	eh = rec_ev(&rh, &hexs, 2, 9, 1);
	hexs_rec(&rn, &hexs, '\n');
	en = rec_ev(&rn, &hexs, 2, 9, 1);
	hexs_rec(&rx, &hexs, 0xe9);
	ex = rec_ev(&rx, &hexs, 2, 9, 1);
	strs_rec(&rs, &strs_ep, "caf\xc3\xa9 \"\xff", 8);
	es = rec_ev(&rs, &strs_ep, 0, 2, 2000000000);
	for (k = 0; k <= cap; k++) {
		struct obuf o;

		assert_int_equal(ftruncate(fd, 0), 0);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		assert_int_equal(ob_init(&o, fd, cap), 0);
		memset(want, '.', k);
		want[k] = '\0';
		ob_put(&o, want, k);
		ev_write(&o, &eh, 9, "true", NULL, false);
		ev_write(&o, &eh, 9, "true", NULL, true);
		ev_write(&o, &en, 9, "true", NULL, false);
		ev_write(&o, &ex, 9, "true", NULL, false);
		ev_write(&o, &es, 1, "t", NULL, false);
		ev_write(&o, &es, 1, "t", NULL, true);
		assert_int_equal(ob_flush(&o), 0);
		ob_free(&o);
		for (i = 0; i < ARRAY_LEN(parts); i++)
			strcat(want, parts[i]);
		len = strlen(want);
		assert_int_equal(pread(fd, got, sizeof(got), 0), (ssize_t)len);
		got[len] = '\0';
		assert_string_equal(got, want);
	}
	close(fd);
	eplan_clear(&hexs);
	eplan_clear(&strs_ep);
}

/* ---- --latency ---------------------------------------------------------- */

/* A path no one has: the label falls back to the offset. */
#define NOFILE "/nonexistent/unit-stream/prog"

static char g_tst[] = "tst", e_fe[] = "fe", e_fr[] = "fr", e_fe2[] = "fe2",
	    e_other[] = "other", e_a[] = "a", e_b[] = "b", p_prog[] = NOFILE,
	    p_other[] = "/nonexistent/unit-stream/other";

static struct probe pe = { .kind = PROBE_ENTRY, .group = g_tst, .event = e_fe,
			   .path = p_prog, .offset = 0x1139 };
static struct probe pr = { .kind = PROBE_RETURN, .group = g_tst, .event = e_fr,
			   .path = p_prog, .offset = 0x1139 };
static struct probe pe2 = { .kind = PROBE_ENTRY, .group = g_tst, .event = e_fe2,
			    .path = p_prog, .offset = 0x1139 };
static struct probe po = { .kind = PROBE_ENTRY, .group = g_tst, .event = e_other,
			   .path = p_prog, .offset = 0x2000 };
static struct probe px = { .kind = PROBE_RETURN, .group = g_tst, .event = e_fr,
			   .path = p_other, .offset = 0x1139 };

/* An entry then a return of thread @tid: the duration lat_event() gives. */
static int64_t call(struct latency *l, int tid, uint64_t in, uint64_t back)
{
	assert_int_equal(lat_event(l, 0, false, tid, in), -1);
	return lat_event(l, 0, true, tid, back);
}

static const char *lat_text(struct latency *l, bool json)
{
	static char buf[16384];
	struct obuf o;

	assert_int_equal(ob_init(&o, -1, sizeof(buf)), 0);
	lat_write(l, &o, json);
	assert_true(o.len < sizeof(buf));
	memcpy(buf, o.buf, o.len);
	buf[o.len] = '\0';
	ob_free(&o);
	return buf;
}

#define AT25	"@@@@@@@@@@@@@@@@@@@@@@@@@"
#define SP25	"                         "
/* a row: the bucket padded to 14, a count of one digit in 10, the bar */
#define ROW(n)	" " "         " n
#define BAR50	" |" AT25 AT25 "|\n"
#define BAR25	" |" AT25 SP25 "|\n"
#define BAR0	" |" SP25 SP25 "|\n"

static void test_latency(void **state)
{
	struct latency *l = lat_new();
	struct eplan plans[5];
	const struct probe *ps[] = { &pe, &pr, &pe2, &po, &px };
	size_t i;

	assert_non_null(l);
	memset(plans, 0, sizeof(plans));
	for (i = 0; i < ARRAY_LEN(plans); i++) {
		plans[i].probe = ps[i];
		plans[i].lat_fn = lat_fn(l, ps[i]);
	}
	/* one function per place (path and offset) */
	assert_int_equal(plans[0].lat_fn, 0);
	assert_int_equal(plans[1].lat_fn, 0);
	assert_int_equal(plans[2].lat_fn, 0);
	assert_int_equal(plans[3].lat_fn, 1);
	assert_int_equal(plans[4].lat_fn, 2);
	lat_finalize(l, plans, ARRAY_LEN(plans));
	/* the first entry and return make the pair; an entry or a return
	 * alone pairs with nothing */
	assert_int_equal(plans[0].lat_fn, 0);
	assert_int_equal(plans[1].lat_fn, 0);
	assert_int_equal(plans[2].lat_fn, -1);
	assert_int_equal(plans[3].lat_fn, -1);
	assert_int_equal(plans[4].lat_fn, -1);

	assert_int_equal(call(l, 5, 1000, 1000), 0);
	assert_int_equal(call(l, 5, 2000, 2001), 1);
	/* a return with no entry pending: the call began before we did */
	assert_int_equal(lat_event(l, 0, true, 5, 2500), -1);
	assert_int_equal(lat_event(l, 0, true, 99, 2500), -1);
	/* threads interleaved are paired each with its own */
	assert_int_equal(lat_event(l, 0, false, 6, 3000), -1);
	assert_int_equal(lat_event(l, 0, false, 7, 3100), -1);
	assert_int_equal(lat_event(l, 0, true, 6, 3002), 2);
	assert_int_equal(lat_event(l, 0, true, 7, 3103), 3);
	/* recursion: the inner return pairs with the inner entry */
	assert_int_equal(lat_event(l, 0, false, 8, 10000), -1);
	assert_int_equal(lat_event(l, 0, false, 8, 10010), -1);
	assert_int_equal(lat_event(l, 0, true, 8, 10015), 5);
	assert_int_equal(lat_event(l, 0, true, 8, 10030), 30);
	/* tid 0 (the idle task's id) is a thread like any other */
	assert_int_equal(call(l, 0, 20000, 20100), 100);
	assert_int_equal(call(l, 9, 30000, 30250), 250);
	assert_int_equal(call(l, 9, 40000, 41023), 1023);
	assert_int_equal(call(l, 9, 50000, 51024), 1024);
	/* time going back (CPUs' clocks): no negative duration */
	assert_int_equal(call(l, 11, 70000, 69000), 0);

	/*
	 * 11 calls: 0 0 | 1 | 2 3 | 5 | 30 | 100 | 250 | 1023 | 1024, sum 2438;
	 * buckets [0,1) then [2^(b-1), 2^b), the empty ones inside shown.
	 */
	assert_string_equal(lat_text(l, false),
			    "\nlatency of 0x1139 (tst/fe -> tst/fr) in " NOFILE ": 11 calls, "
			    "min 0 avg 221 max 1024 ns\n"
			    "[0, 1)        " ROW("2") BAR50
			    "[1, 2)        " ROW("1") BAR25
			    "[2, 4)        " ROW("2") BAR50
			    "[4, 8)        " ROW("1") BAR25
			    "[8, 16)       " ROW("0") BAR0
			    "[16, 32)      " ROW("1") BAR25
			    "[32, 64)      " ROW("0") BAR0
			    "[64, 128)     " ROW("1") BAR25
			    "[128, 256)    " ROW("1") BAR25
			    "[256, 512)    " ROW("0") BAR0
			    "[512, 1K)     " ROW("1") BAR25
			    "[1K, 2K)      " ROW("1") BAR25);
	assert_string_equal(lat_text(l, true),
			    "{\"latency\": {\"func\": \"0x1139\", \"path\": \"" NOFILE "\", "
			    "\"offset\": 4409, \"entry\": \"tst/fe\", \"return\": \"tst/fr\", "
			    "\"count\": 11, \"min_ns\": 0, \"max_ns\": 1024, \"sum_ns\": 2438, "
			    "\"hist\": [{\"min_ns\": 0, \"max_ns\": 0, \"count\": 2}, "
			    "{\"min_ns\": 1, \"max_ns\": 1, \"count\": 1}, "
			    "{\"min_ns\": 2, \"max_ns\": 3, \"count\": 2}, "
			    "{\"min_ns\": 4, \"max_ns\": 7, \"count\": 1}, "
			    "{\"min_ns\": 16, \"max_ns\": 31, \"count\": 1}, "
			    "{\"min_ns\": 64, \"max_ns\": 127, \"count\": 1}, "
			    "{\"min_ns\": 128, \"max_ns\": 255, \"count\": 1}, "
			    "{\"min_ns\": 512, \"max_ns\": 1023, \"count\": 1}, "
			    "{\"min_ns\": 1024, \"max_ns\": 2047, \"count\": 1}]}}\n");
	lat_free(l);
}

/* The far buckets: mega to exa labels, the last bucket's bound; one call
 * each, so both bars are full. */
static void test_latency_far(void **state)
{
	static const char head[] =
		"\nlatency of 0x1139 (tst/fe -> tst/fr) in " NOFILE ": 2 calls, "
		"min 1048576 avg 4611686018427912192 max 9223372036854775808 ns\n"
		"[1M, 2M)      " ROW("1") BAR50
		"[2M, 4M)      " ROW("0") BAR0;
	struct latency *l = lat_new();
	struct eplan plans[2] = { { .probe = &pe }, { .probe = &pr } };
	const char *t, *p;
	int n = 0;

	assert_non_null(l);
	plans[0].lat_fn = lat_fn(l, &pe);
	plans[1].lat_fn = lat_fn(l, &pr);
	lat_finalize(l, plans, 2);
	assert_int_equal(call(l, 1, 0, 1 << 20), 1 << 20);
	assert_int_equal(call(l, 1, 1, (1ULL << 63) + 1), INT64_MIN);
	t = lat_text(l, false);
	assert_memory_equal(t, head, strlen(head));
	assert_null(strstr(t, "[512K, 1M)"));
	assert_non_null(strstr(t, "\n[512M, 1G)    " ROW("0") BAR0 "[1G, 2G)      " ROW("0")));
	assert_non_null(strstr(t, "\n[1T, 2T)      " ROW("0") BAR0));
	assert_non_null(strstr(t, "\n[4E, 8E)      " ROW("0") BAR0 "[8E, 16E)     " ROW("1")
			       BAR50));
	/* 2^20 .. 2^64: 44 rows after the title */
	for (p = t; (p = strchr(p, '\n')); p++)
		n++;
	assert_int_equal(n, 2 + 44);
	assert_string_equal(lat_text(l, true),
			    "{\"latency\": {\"func\": \"0x1139\", \"path\": \"" NOFILE "\", "
			    "\"offset\": 4409, \"entry\": \"tst/fe\", \"return\": \"tst/fr\", "
			    "\"count\": 2, \"min_ns\": 1048576, \"max_ns\": 9223372036854775808, "
			    "\"sum_ns\": 9223372036855824384, "
			    "\"hist\": [{\"min_ns\": 1048576, \"max_ns\": 2097151, \"count\": 1}, "
			    "{\"min_ns\": 9223372036854775808, \"max_ns\": 18446744073709551615, "
			    "\"count\": 1}]}}\n");
	lat_free(l);
}

/* A pair with no call yet; the default group; many threads at once. */
static void test_latency_empty(void **state)
{
	struct probe a = { .kind = PROBE_ENTRY, .event = e_a, .path = p_prog, .offset = 16 };
	struct probe b = { .kind = PROBE_RETURN, .event = e_b, .path = p_prog, .offset = 16 };
	struct latency *l = lat_new();
	struct eplan plans[2] = { { .probe = &a }, { .probe = &b } };
	int tid;

	assert_non_null(l);
	plans[0].lat_fn = lat_fn(l, &a);
	plans[1].lat_fn = lat_fn(l, &b);
	lat_finalize(l, plans, 2);
	assert_string_equal(lat_text(l, false),
			    "\nlatency of 0x10 (uprobes/a -> uprobes/b) in " NOFILE ": 0 calls\n");
	assert_string_equal(lat_text(l, true),
			    "{\"latency\": {\"func\": \"0x10\", \"path\": \"" NOFILE "\", "
			    "\"offset\": 16, \"entry\": \"uprobes/a\", \"return\": \"uprobes/b\", "
			    "\"count\": 0, \"min_ns\": 0, \"max_ns\": 0, \"sum_ns\": 0, "
			    "\"hist\": []}}\n");
	/* more threads inside the function than the table first holds */
	for (tid = 1; tid <= 5000; tid++)
		assert_int_equal(lat_event(l, 0, false, tid, 1000), -1);
	for (tid = 5000; tid >= 1; tid--)
		assert_int_equal(lat_event(l, 0, true, tid, 1000 + (uint64_t)tid), tid);
	assert_non_null(strstr(lat_text(l, true), "\"count\": 5000, \"min_ns\": 1, "
						  "\"max_ns\": 5000, \"sum_ns\": 12502500, "));
	lat_free(l);
}

/* ---- uprobe profile ---------------------------------------------------- */

static char g_abc[] = "abc", e_zeta[] = "zeta", e_alpha[] = "alpha", e_beta[] = "beta",
	    e_x[] = "x", e_gamma[] = "gamma", e_able[] = "able", p_a[] = "/bin/a",
	    p_b[] = "/bin/b", p_c[] = "/usr/lib/x \"q\"\xe9", p_d[] = "/bin/d",
	    p_e[] = "/bin/e", p_f[] = "/bin/f";

static struct probe qa = { .kind = PROBE_ENTRY, .event = e_zeta, .path = p_a, .offset = 0x10 };
static struct probe qb = { .kind = PROBE_RETURN, .group = g_tst, .event = e_alpha,
			   .path = p_b, .offset = 0x20 };
static struct probe qc = { .kind = PROBE_ENTRY, .group = g_tst, .event = e_beta,
			   .path = p_c, .offset = 0x1000 };
static struct probe qd = { .kind = PROBE_ENTRY, .group = g_abc, .event = e_x,
			   .path = p_d, .offset = 0 };
static struct probe qe = { .kind = PROBE_ENTRY, .group = g_tst, .event = e_gamma,
			   .path = p_e, .offset = 0xabc };
static struct probe qf = { .kind = PROBE_ENTRY, .group = g_tst, .event = e_able,
			   .path = p_f, .offset = 0x30 };

static void prof_rows(struct stream_prof_row *rows)
{
	const struct stream_prof_row init[] = {
		{ &qa, 10, 1, NULL, 0 }, { &qb, 10, 5, NULL, 0 }, { &qc, 3, 5, NULL, 0 },
		{ &qd, 10, 0, NULL, 0 }, { &qe, 0, 0, NULL, 0 }, { &qf, 10, 5, NULL, 0 },
	};

	memcpy(rows, init, sizeof(init));
}

static void check_order(const struct stream_prof_row *rows, const struct probe *const *want)
{
	size_t i;

	for (i = 0; i < 6; i++)
		assert_ptr_equal(rows[i].probe, want[i]);
}

static void test_profile_sort(void **state)
{
	const struct probe *by_hits[] = { &qd, &qf, &qb, &qa, &qc, &qe };
	const struct probe *by_delta[] = { &qf, &qb, &qc, &qa, &qd, &qe };
	struct stream_prof_row rows[6], rev[6];
	size_t i;

	/* most hits first; ties by group (uprobes for none), then event */
	prof_rows(rows);
	stream_prof_sort(rows, 6, false);
	check_order(rows, by_hits);
	/* the same from any starting order */
	prof_rows(rows);
	for (i = 0; i < 6; i++)
		rev[i] = rows[5 - i];
	stream_prof_sort(rev, 6, false);
	check_order(rev, by_hits);
	/* most hits in the last interval first, then most hits, then name */
	prof_rows(rows);
	stream_prof_sort(rows, 6, true);
	check_order(rows, by_delta);
	stream_prof_sort(rows, 0, true);
	check_order(rows, by_delta);
}

static char *prof_buf;
static bool prof_verbose;

static const char *prof_print(const struct stream_prof_row *rows, size_t n, bool json,
			      double secs)
{
	size_t len;
	FILE *f;

	free(prof_buf);
	f = open_memstream(&prof_buf, &len);
	assert_non_null(f);
	assert_int_equal(stream_prof_print(f, rows, n, json, prof_verbose, secs), 0);
	fclose(f);
	return prof_buf;
}

static void test_profile_print(void **state)
{
	struct stream_prof_row rows[6];

	prof_rows(rows);
	stream_prof_sort(rows, 6, false);
	assert_string_equal(prof_print(rows, 6, false, 0),
			    "        HITS GROUP/EVENT  TYPE PATH:OFFSET\n"
			    "          10 abc/x        p    /bin/d:0x0\n"
			    "          10 tst/able     p    /bin/f:0x30\n"
			    "          10 tst/alpha    r    /bin/b:0x20\n"
			    "          10 uprobes/zeta p    /bin/a:0x10\n"
			    "           3 tst/beta     p    /usr/lib/x \"q\"\xe9:0x1000\n"
			    "           0 tst/gamma    p    /bin/e:0xabc\n");
	assert_string_equal(prof_print(rows, 6, true, 0),
			    "[{\"group\": \"abc\", \"event\": \"x\", \"type\": \"p\", "
			    "\"path\": \"/bin/d\", \"offset\": 0, \"hits\": 10}, "
			    "{\"group\": \"tst\", \"event\": \"able\", \"type\": \"p\", "
			    "\"path\": \"/bin/f\", \"offset\": 48, \"hits\": 10}, "
			    "{\"group\": \"tst\", \"event\": \"alpha\", \"type\": \"r\", "
			    "\"path\": \"/bin/b\", \"offset\": 32, \"hits\": 10}, "
			    "{\"group\": \"uprobes\", \"event\": \"zeta\", \"type\": \"p\", "
			    "\"path\": \"/bin/a\", \"offset\": 16, \"hits\": 10}, "
			    "{\"group\": \"tst\", \"event\": \"beta\", \"type\": \"p\", "
			    "\"path\": \"/usr/lib/x \\\"q\\\"\\u00e9\", \"offset\": 4096, "
			    "\"hits\": 3}, "
			    "{\"group\": \"tst\", \"event\": \"gamma\", \"type\": \"p\", "
			    "\"path\": \"/bin/e\", \"offset\": 2748, \"hits\": 0}]\n");
	assert_string_equal(prof_print(rows, 0, true, 0), "[]\n");
	assert_string_equal(prof_print(rows, 0, false, 0),
			    "        HITS GROUP/EVENT TYPE PATH:OFFSET\n");

	/* the refreshing view: per second over the interval */
	stream_prof_sort(rows, 6, true);
	assert_string_equal(prof_print(rows, 3, false, 2.0),
			    "      HITS/S         HITS GROUP/EVENT TYPE PATH:OFFSET\n"
			    "         2.5           10 tst/able    p    /bin/f:0x30\n"
			    "         2.5           10 tst/alpha   r    /bin/b:0x20\n"
			    "         2.5            3 tst/beta    p    /usr/lib/x \"q\"\xe9:0x1000\n");
	assert_string_equal(prof_print(rows, 2, true, 2.0),
			    "{\"interval\": 2.000, \"events\": ["
			    "{\"group\": \"tst\", \"event\": \"able\", \"type\": \"p\", "
			    "\"path\": \"/bin/f\", \"offset\": 48, \"hits\": 10, \"delta\": 5, "
			    "\"rate\": 2.5}, "
			    "{\"group\": \"tst\", \"event\": \"alpha\", \"type\": \"r\", "
			    "\"path\": \"/bin/b\", \"offset\": 32, \"hits\": 10, \"delta\": 5, "
			    "\"rate\": 2.5}]}\n");

	/* an event of two probes: their sum, and the probes themselves */
	{
		const struct stream_prof_part parts[] = { { &qa, 7 }, { &qd, 3 } };
		struct stream_prof_row two = { &qa, 10, 0, parts, 2 };

		assert_string_equal(prof_print(&two, 1, false, 0),
				    "        HITS GROUP/EVENT  TYPE PATH:OFFSET\n"
				    "          10 uprobes/zeta p    /bin/a:0x10 and 1 more\n");
		prof_verbose = true;
		assert_string_equal(prof_print(&two, 1, false, 0),
				    "        HITS GROUP/EVENT  TYPE PATH:OFFSET\n"
				    "          10 uprobes/zeta p    /bin/a:0x10 and 1 more\n"
				    "           7                   /bin/a:0x10\n"
				    "           3                   /bin/d:0x0\n");
		prof_verbose = false;
		assert_string_equal(prof_print(&two, 1, true, 0),
				    "[{\"group\": \"uprobes\", \"event\": \"zeta\", \"type\": \"p\", "
				    "\"path\": \"/bin/a\", \"offset\": 16, \"hits\": 10, \"probes\": ["
				    "{\"path\": \"/bin/a\", \"offset\": 16, \"hits\": 7}, "
				    "{\"path\": \"/bin/d\", \"offset\": 0, \"hits\": 3}]}]\n");
	}
	free(prof_buf);
	prof_buf = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_ints),
		cmocka_unit_test(test_plan_hexs),
		cmocka_unit_test(test_plan_strs),
		cmocka_unit_test(test_plan_ret),
		cmocka_unit_test(test_plan_bitfields),
		cmocka_unit_test(test_plan_arrays),
		cmocka_unit_test(test_plan_user_stack),
		cmocka_unit_test(test_plan_bad),
		cmocka_unit_test(test_ints),
		cmocka_unit_test(test_bitfields),
		cmocka_unit_test(test_hex_and_char),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_return_and_latency),
		cmocka_unit_test(test_comm),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_numbers_every_length),
		cmocka_unit_test(test_flush_anywhere),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_latency_far),
		cmocka_unit_test(test_latency_empty),
		cmocka_unit_test(test_profile_sort),
		cmocka_unit_test(test_profile_print),
	};

	return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
