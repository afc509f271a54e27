// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar's types: scalars, char, strings, bitfields and arrays, checked
 * against the fetch they read and counted in fetch_insn slots and bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "probe-int.h"
#include "util.h"

/* Store instructions that matter for arrays. */
enum sop { ST_RAW, ST_MEM, ST_UMEM, ST_STRING };

/* The kernel's types: size in bytes, 0 for an unknown name. */
static int scalar_size(const char *t, size_t n)
{
	static const char *const names[] = { "8", "16", "32", "64" };
	size_t i;

	if (n < 2 || (t[0] != 'u' && t[0] != 's' && t[0] != 'x'))
		return 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == n - 1 && !memcmp(t + 1, names[i], n - 1))
			return 1 << i;
	return 0;
}

/* b<W>@<O>/<C>: the container is 8, 16, 32 or 64 bits and holds W + O. */
static int check_bitfield(struct actx *c, const char *t, size_t n, int pos,
			  int *size)
{
	const char *at = memchr(t, '@', n), *sl = memchr(t, '/', n);
	uint64_t w, o, cs;

	if (!at || !sl || sl < at || !pb_parse_u64(t + 1, at - t - 1, &w) ||
	    !pb_parse_u64(at + 1, sl - at - 1, &o) ||
	    !pb_parse_u64(sl + 1, t + n - sl - 1, &cs))
		return pb_afail(c, pos, "bad bitfield '%.*s': it is b<WIDTH>@<OFFSET>/"
				"<CONTAINER>, e.g. 'b3@4/32'", (int)n, t);
	if (cs != 8 && cs != 16 && cs != 32 && cs != 64)
		return pb_afail(c, pos, "bitfield '%.*s': the container is 8, 16, 32 or "
				"64 bits", (int)n, t);
	if (!w || w > cs || o > cs - w)
		return pb_afail(c, pos, "bitfield '%.*s': width %" PRIu64 " at offset %"
				PRIu64 " does not fit in %" PRIu64 " bits (width >= 1, "
				"width + offset <= container)", (int)n, t, w, o, cs);
	if (!c->feat->bitfield)
		return pb_afail(c, pos, "this kernel does not support bitfields ('%.*s')",
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
		       pb_afail(c, pos, "this kernel does not support the type 'char'");
	}
	if (same(t, n, "string") || same(t, n, "ustring")) {
		*string = true;
		*size = 4;	/* a __data_loc in the event */
		return c->feat->ustring || t[0] == 's' ? 0 :
		       pb_afail(c, pos, "this kernel does not support the type 'ustring'");
	}
	if (same(t, n, "symbol") || same(t, n, "symstr"))
		return pb_afail(c, pos, "type '%.*s' is only for kernel probes (it "
				"looks up a kernel symbol)", (int)n, t);
	if (same(t, n, "%pd") || same(t, n, "%pD"))
		return pb_afail(c, pos, "type '%.*s' is only for kprobes (it reads a "
				"kernel struct dentry or file)", (int)n, t);
	if (n > 1 && t[0] == 'b')
		return check_bitfield(c, t, n, pos, size);
	if (!n)
		return pb_afail(c, pos, "empty type after ':'");
	return pb_afail(c, pos, "type '%.*s' is not a kernel fetch type (u8..u64, "
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
		return pb_afail(c, pos + (int)*tn, "array '%.*s' is not closed with ']'",
				(int)*tn, t);
	if (close != t + *tn - 1)
		return pb_afail(c, pos + (int)(close + 1 - t), "junk after ']' in '%.*s'",
				(int)*tn, t);
	if (!pb_parse_u64(open + 1, close - open - 1, &v) || !v || v > PROBE_MAX_ARRAY)
		return pb_afail(c, pos + (int)(open + 1 - t), "array size in '%.*s' must "
				"be 1..%d", (int)*tn, t, PROBE_MAX_ARRAY);
	if (!c->feat->array)
		return pb_afail(c, pos, "this kernel does not support arrays ('%.*s')",
				(int)*tn, t);
	*count = (unsigned int)v;
	*tn = open - t;
	return 0;
}

/*
 * The store, bitfield and loop steps that finalize_fetch_insn() adds after
 * a fetch ending in @last (each takes a fetch_insn slot), for @count
 * elements (0: not an array) of a string type or not.
 */
static int type_steps(struct actx *c, const struct argparts *a, int tpos,
		      enum fop last, bool string, unsigned int count)
{
	bool fixed = last == OP_COMM || last == OP_DATA;
	const char *body = a->body, *t = a->type;
	size_t bn = a->bn;
	enum sop store;

	if (string) {
		store = ST_STRING;
		if ((last == OP_IMM || fixed || count) && pb_next_insn(c, 0, body, bn))
			return -EINVAL;
	} else if (last == OP_DEREF || last == OP_UDEREF) {
		store = last == OP_DEREF ? ST_MEM : ST_UMEM;
	} else {
		store = ST_RAW;
		if (pb_next_insn(c, 0, body, bn))
			return -EINVAL;
	}
	if (t && t[0] == 'b' && !string && pb_next_insn(c, 0, body, bn))
		return -EINVAL;
	if (count && store == ST_UMEM)
		return pb_afail(c, tpos, "the kernel takes no array through a '+u' "
				"dereference ('%.*s')", (int)bn, body);
	if (count && store == ST_RAW)
		return pb_afail(c, tpos, "an array needs memory: dereference it, e.g. "
				"'+0(%%di):%.*s'", (int)(body + bn - t), t);
	if (count && pb_next_insn(c, 0, body, bn))
		return -EINVAL;
	return 0;
}

/* The type against the fetch, then the steps it adds. */
int pb_check_type(struct actx *c, const struct argparts *a, int tpos, enum fop last)
{
	bool string = false, fixed = last == OP_COMM || last == OP_DATA;
	const char *t = a->type;
	size_t tn = a->tn;
	unsigned int count = 0;
	int size = 8, ret;	/* no type: x64 */

	if (t) {
		ret = type_array(c, t, &tn, tpos, &count);
		if (!ret)
			ret = type_base(c, t, tn, tpos, &size, &string);
		if (ret)
			return ret;
	}
	if (fixed && (count || (t && !same(t, tn, "string"))))
		return pb_afail(c, tpos, "'%.*s' is a string: give no type or ':string'",
				(int)(t ? t - a->body - 1 : (long)a->bn), a->body);
	if (fixed) {
		string = true;
		size = 4;
	}
	if (string && last != OP_DEREF && last != OP_UDEREF && last != OP_IMM &&
	    !fixed)
		return pb_afail(c, tpos, "type '%.*s' needs a memory address: "
				"dereference the pointer, e.g. '+0(%%di):string'",
				(int)tn, t);
	ret = type_steps(c, a, tpos, last, string, count);
	if (ret)
		return ret;
	c->size = size * (count ? (int)count : 1);
	return 0;
}
