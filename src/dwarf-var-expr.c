// SPDX-License-Identifier: GPL-2.0
/*
 * Fetch-args written in C: [NAME=]*VAR->m.n[N][:TYPE] and $retval. The
 * expression is parsed, each step applied to where the value is (a member
 * adds its offset, -> and * add a load), and the result checked against
 * what the kernel takes: its nesting, its length, a return probe's frame.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-var.h"

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

bool resolve_dwarf_is_expr(const char *arg, bool is_return)
{
	const char *p = arg, *eq;

	while (ident_char(*p))
		p++;
	eq = (*p == '=' && p > arg) ? p + 1 : arg;
	if (ident_start(*eq) || *eq == '*')
		return true;
	if (strncmp(eq, "$params", 7) == 0 && (eq[7] == '\0' || eq[7] == ':'))
		return true;
	if (is_return && strncmp(eq, "$retval", 7) == 0 &&
	    (eq[7] == '-' || eq[7] == '.' || eq[7] == '[' || eq[7] == '\0' || eq[7] == ':'))
		return true;
	return false;
}

int dv_parse_expr(const char *arg, struct expr *e)
{
	const char *p = arg, *body, *colon = NULL, *q;

	memset(e, 0, sizeof(*e));
	while (ident_char(*p))
		p++;
	body = arg;
	if (*p == '=' && p > arg) {
		if ((size_t)(p - arg) > KMAX_ARGNAME)
			return dw_err(-EINVAL, "the name '%.*s' is longer than the kernel's %d "
				      "characters", (int)(p - arg), arg, KMAX_ARGNAME);
		snprintf(e->name, sizeof(e->name), "%.*s", (int)(p - arg), arg);
		e->named = true;
		body = p + 1;
	}
	/* the type follows the last single ':' (C++ '::' belongs to names) */
	for (q = body; *q; q++) {
		if (q[0] == ':' && q[1] == ':') {
			q++;
			continue;
		}
		if (*q == ':')
			colon = q;
	}
	if (colon) {
		if (strlen(colon + 1) >= sizeof(e->type) || !colon[1])
			return dw_err(-EINVAL, "'%s': bad type after ':'", arg);
		snprintf(e->type, sizeof(e->type), "%s", colon + 1);
	}
	if ((colon ? (size_t)(colon - body) : strlen(body)) >= sizeof(e->body))
		return dw_err(-E2BIG, "'%s' is too long", arg);
	snprintf(e->body, sizeof(e->body), "%.*s", (int)(colon ? colon - body : (long)strlen(body)),
		 body);
	if (!e->body[0])
		return dw_err(-EINVAL, "'%s': nothing to fetch", arg);
	return 0;
}

static int read_ident(const char **p, char *buf, size_t len, const char *all)
{
	size_t n = 0;

	if (!ident_start(**p))
		return dw_err(-EINVAL, "'%s': a name was expected at '%s'", all, *p);
	while (ident_char(**p) || ((*p)[0] == ':' && (*p)[1] == ':' && ident_start((*p)[2]))) {
		if (n + 2 >= len)
			return dw_err(-E2BIG, "'%s': name too long", all);
		if (**p == ':') {
			buf[n++] = *(*p)++;
		}
		buf[n++] = *(*p)++;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * Member @mem at byte @off of a struct held whole in one register: the
 * member at offset 0 is the register's low bits, as its type truncates it;
 * one further up only as an unsigned bitfield of the register, since the
 * kernel shifts a bitfield out but does not sign-extend it.
 */
static int reg_member(struct dv *v, Dwarf_Die *mem, int64_t off, const char *path,
		      const char *m)
{
	Dwarf_Word size = 0, enc = DW_ATE_signed;
	Dwarf_Attribute a;
	Dwarf_Die mt;
	int tag;

	v->typed = dv_type_of(mem, &v->type);
	if (!v->typed || dwarf_peel_type(&v->type, &mt) || dwarf_aggregate_size(&mt, &size) ||
	    dwarf_hasattr(mem, DW_AT_bit_size))
		return dw_err(-ENOTSUP, "'%s' is in a register here: its member '%s' is not a "
			      "plain value uprobes can take out of it", path, m);
	if (off < 0 || off + (int64_t)size > 8)
		return dw_err(-ENOTSUP, "'%s' is in a register here, and '%s' lies beyond it",
			      path, m);
	if (off == 0)
		return 0;
	tag = dwarf_tag(&mt);
	if (tag == DW_TAG_base_type)
		dwarf_formudata(dwarf_attr(&mt, DW_AT_encoding, &a), &enc);
	if (tag != DW_TAG_pointer_type && enc != DW_ATE_unsigned && enc != DW_ATE_unsigned_char &&
	    enc != DW_ATE_boolean)
		return dw_err(-ENOTSUP, "'%s.%s' is bits %d..%d of %s: uprobes can shift it out "
			      "of the register but not sign-extend it", path, m, (int)off * 8,
			      (int)(off + (int64_t)size) * 8 - 1, v->base);
	v->bf_size = (int)size * 8;
	v->bf_off = (int)off * 8;
	v->bf_cont = 64;
	return 0;
}

/* Of a struct in pieces, the piece that holds member @mem (a bitfield: its
 * storage unit) becomes @v, @off the member's offset in it. */
static int piece_of(const struct at *at, struct dv *v, Dwarf_Die *mem, int64_t *off,
		    const char *path, const char *m)
{
	Dwarf_Word size = 0;
	Dwarf_Die mt;

	if (!dv_type_of(mem, &mt) || dwarf_peel_type(&mt, &mt) ||
	    dwarf_aggregate_size(&mt, &size) || !size)
		return dw_err(-ENOTSUP, "'%s.%s' has no size to find its piece by", path, m);
	return dv_piece_select(at, v, off, size, path, m);
}

static int apply_member(const struct at *at, struct dv *v, const char *m, bool arrow,
			const char *path)
{
	Dwarf_Die t, mem, mt;
	int64_t off;
	char list[200];

	if (!dv_peel(v, &t))
		return dw_err(-ENOTSUP, "'%s' has no type: cannot take a member of it", path);
	if (dwarf_tag(&t) == DW_TAG_pointer_type || dwarf_tag(&t) == DW_TAG_reference_type ||
	    dwarf_tag(&t) == DW_TAG_rvalue_reference_type) {
		if (!arrow && dwarf_tag(&t) == DW_TAG_pointer_type)
			return dw_err(-EINVAL, "'%s' is a pointer: use '->%s'", path, m);
		if (dv_deref(at, v, 0))
			return -ENOTSUP;
		if (!dv_type_of(&t, &v->type))
			return dw_err(-ENOTSUP, "'%s' points to void", path);
		if (!dv_peel(v, &t))
			return -ENOTSUP;
	} else if (arrow) {
		return dw_err(-EINVAL, "'%s' is not a pointer: use '.%s'", path, m);
	}
	if (dwarf_tag(&t) != DW_TAG_structure_type && dwarf_tag(&t) != DW_TAG_union_type &&
	    dwarf_tag(&t) != DW_TAG_class_type)
		return dw_err(-EINVAL, "'%s' is not a struct or union: it has no member '%s'",
			      path, m);
	if (!dv_find_member(&t, m, &mem, &off, 0)) {
		dv_member_list(&t, list, sizeof(list));
		return dw_err(-ENOENT, "'%s' has no member '%s'%s%s", path, m,
			      list[0] ? "; its members: " : "", list);
	}
	if (v->kind == DV_PIECES && piece_of(at, v, &mem, &off, path, m))
		return -ENOTSUP;
	if (v->kind == DV_VAL && v->base[0] == '%' && !v->bf_size)
		return reg_member(v, &mem, off, path, m);
	if (v->kind != DV_MEM && v->kind != DV_ABS)
		return dw_err(-ENOTSUP, "'%s' lives in registers here, not in memory: "
			      "its members cannot be fetched one by one", path);
	v->typed = dv_type_of(&mem, &v->type);
	if (v->typed && dwarf_peel_type(&v->type, &mt) == 0 && dv_bitfield(&mem, &mt, &off, v))
		return dw_err(-ENOTSUP, "'%s.%s' is a bitfield of unknown size", path, m);
	v->off += off;
	return 0;
}

static int apply_index(const struct at *at, struct dv *v, int64_t idx, const char *path)
{
	Dwarf_Die t, e, pe;
	Dwarf_Word n = 0, esize = 0;

	if (!dv_peel(v, &t) || (dwarf_tag(&t) != DW_TAG_pointer_type &&
			     dwarf_tag(&t) != DW_TAG_array_type))
		return dw_err(-EINVAL, "'%s' is neither an array nor a pointer", path);
	if (!dv_type_of(&t, &e) || dwarf_peel_type(&e, &pe) || dwarf_aggregate_size(&pe, &esize))
		return dw_err(-ENOTSUP, "'%s' has elements of unknown size", path);
	if (dwarf_tag(&t) == DW_TAG_pointer_type) {
		if (dv_deref(at, v, idx * (int64_t)esize))
			return -ENOTSUP;
	} else {
		if (dv_array_count(&t, &n) == 0 && (Dwarf_Word)idx >= n)
			return dw_err(-ERANGE, "'%s' has %" PRIu64 " elements: [%" PRId64
				      "] is past its end", path, (uint64_t)n, idx);
		if (v->kind != DV_MEM && v->kind != DV_ABS)
			return dw_err(-ENOTSUP, "'%s' is not in memory here", path);
		v->off += idx * (int64_t)esize;
	}
	v->type = e;
	return 0;
}

/* Applies ->m, .m and [N] from @p to @v; the last name goes to @last. */
static int apply_suffixes(const struct at *at, struct dv *v, const char *p, char *path,
			  size_t plen, char *last, size_t llen, const char *all)
{
	char m[128];
	int ret;

	while (*p) {
		bool arrow = p[0] == '-' && p[1] == '>';

		if (arrow || *p == '.') {
			p += arrow ? 2 : 1;
			ret = read_ident(&p, m, sizeof(m), all);
			if (!ret)
				ret = apply_member(at, v, m, arrow, path);
			if (ret)
				return ret;
			snprintf(last, llen, "%s", m);
			snprintf(path + strlen(path), plen - strlen(path), "%s%s",
				 arrow ? "->" : ".", m);
		} else if (*p == '[') {
			char *end;
			long long idx = strtoll(p + 1, &end, 0);

			if (end == p + 1 || *end != ']' || idx < 0)
				return dw_err(-EINVAL, "'%s': bad index at '%s'", all, p);
			ret = apply_index(at, v, idx, path);
			if (ret)
				return ret;
			snprintf(path + strlen(path), plen - strlen(path), "[%lld]", idx);
			p = end + 1;
		} else {
			return dw_err(-EINVAL, "'%s': unexpected '%s' (use ->, ., [N] or a "
				      "leading *)", all, p);
		}
		if (v->depth > KMAX_DEREF)
			return dw_err(-E2BIG, "'%s' needs more than the kernel's %d nested loads",
				      path, KMAX_DEREF);
	}
	return 0;
}

static int apply_stars(const struct at *at, struct dv *v, int stars, const char *path)
{
	Dwarf_Die t;

	while (stars-- > 0) {
		if (!dv_peel(v, &t) || dwarf_tag(&t) != DW_TAG_pointer_type)
			return dw_err(-EINVAL, "'%s' is not a pointer: it cannot be dereferenced",
				      path);
		if (dv_deref(at, v, 0))
			return -ENOTSUP;
		if (!dv_type_of(&t, &v->type))
			return dw_err(-ENOTSUP, "'%s' points to void: give a type, as in ':u32'",
				      path);
	}
	return 0;
}

/* A value a return probe cannot see: by then the body's registers and
 * frame are gone. */
static int return_check(const struct at *at, const struct dv *v, const char *path)
{
	if (v->kind == DV_VAL && at->is_return && strcmp(v->base, "$retval") != 0)
		return dw_err(-ENODATA, "'%s' is not available on a return probe: by then its "
			      "register holds something else; probe the entry for it", path);
	if (v->kind == DV_MEM && at->is_return && strstr(v->base, "$retval") == NULL)
		return dw_err(-ENODATA, "'%s' is not available on a return probe: the frame it "
			      "lived in is gone; probe the entry for it", path);
	return 0;
}

/* Whether the type the user gave reads memory at the value's address. */
static bool memory_type(const char *utype)
{
	return utype[0] && (strcmp(utype, "string") == 0 ||
			    strcmp(utype, "ustring") == 0 || strchr(utype, '['));
}

/* A string's fetch ends with a load from the address it starts at. */
static int string_load(struct dv *v, char *f, size_t len, const char *path)
{
	char deref[330];

	snprintf(deref, sizeof(deref), "+0(%s)", f);
	if (strlen(deref) >= len)
		return dw_err(-E2BIG, "'%s' is nested too deep", path);
	memcpy(f, deref, strlen(deref) + 1);
	v->depth++;
	return 0;
}

/* No type: what the symbol's size implies, if anything (not the sign). */
static int untyped(const struct dv *v, const char *path)
{
	uint64_t n = v->sym_size;

	if (n == 1 || n == 2 || n == 4 || n == 8)
		return dw_err(-ENOTSUP, "'%s' has no type here: give one, as in '%s:s%d' (its "
			      "symbol is %d bytes)", path, path, (int)n * 8, (int)n);
	if (n)
		return dw_err(-ENOTSUP, "'%s' has no type here: give one (its symbol is %" PRIu64
			      " bytes)", path, n);
	return dw_err(-ENOTSUP, "'%s' has no type here: give one", path);
}

/* The kernel type of @v (not a string pointer): @utype, or from its type
 * @t with tag @tag (-1: no type). */
static int fetch_type(const struct at *at, const struct dv *v, Dwarf_Die *t, int tag,
		      const char *utype, const char *path, char *type, size_t len)
{
	bool in_memory = v->kind == DV_MEM || v->kind == DV_ABS;

	if (memory_type(utype)) {
		if (!in_memory)
			return dw_err(-ENOTSUP, "'%s' is not in memory here: ':%s' cannot read "
				      "it", path, utype);
		snprintf(type, len, "%s", utype);
		return 0;
	}
	if (utype[0] && v->bf_cont)
		return dw_err(-ENOTSUP, "'%s' is a part of a register: give it no type", path);
	if (utype[0]) {
		snprintf(type, len, "%s", utype);
		return 0;
	}
	if (v->bf_size) {
		snprintf(type, len, "b%d@%d/%d", v->bf_size, v->bf_off,
			 v->bf_cont ? v->bf_cont : dwarf_bytesize(t) * 8);
		return 0;
	}
	if (tag == DW_TAG_array_type) {
		if (!in_memory)
			return dw_err(-ENOTSUP, "'%s' is an array outside memory here", path);
		return dv_array_type(at->d, t, path, type, len);
	}
	if (tag < 0)
		return untyped(v, path);
	return dv_scalar_type(at->d, t, path, type, len);
}

int dv_finish(const struct at *at, struct dv *v, const char *utype, const char *path,
	      char *out, size_t len)
{
	char f[320], type[48];
	Dwarf_Die t;
	int ret, tag = -1;

	if (v->kind == DV_PIECES)
		return dw_err(-ENOTSUP, "'%s' is split across registers and memory here; uprobes "
			      "cannot put it together, only fetch a member of it", path);
	if (dv_peel(v, &t))
		tag = dwarf_tag(&t);
	ret = return_check(at, v, path);
	if (!ret)
		ret = dv_fetch(at, v, f, sizeof(f));
	if (ret)
		return ret;
	if (tag == DW_TAG_pointer_type &&
	    (memory_type(utype) || (!utype[0] && dv_char_target(&t)))) {
		ret = string_load(v, f, sizeof(f), path);
		snprintf(type, sizeof(type), "%s", utype[0] ? utype : "string");
	} else {
		ret = fetch_type(at, v, &t, tag, utype, path, type, sizeof(type));
	}
	if (ret)
		return ret;
	if (v->depth > KMAX_DEREF)
		return dw_err(-E2BIG, "'%s' needs %d nested loads; the kernel allows %d",
			      path, v->depth, KMAX_DEREF);
	if (strlen(f) + 1 + strlen(type) > KMAX_ARGSTR)
		return dw_err(-E2BIG, "'%s' becomes '%s:%s', longer than the kernel's %d "
			      "characters for one fetch-arg", path, f, type, KMAX_ARGSTR);
	snprintf(out, len, "%s:%s", f, type);
	return 0;
}

static int retval(const struct at *at, struct dv *v)
{
	Dwarf_Die fn = at->fn;
	Dwarf_Attribute a;

	if (!at->is_return)
		return dw_err(-EINVAL, "$retval is only there on return probes (-r or %%return)");
	if (!at->have_fn)
		return dw_err(-ENOENT, "no function here to take the return type from");
	memset(v, 0, sizeof(*v));
	dv_set_val(v, "$retval");
	v->typed = dwarf_attr_integrate(&fn, DW_AT_type, &a) &&
		   dwarf_formref_die(&a, &v->type);
	if (!v->typed)
		return dw_err(-ENODATA, "the function returns void");
	return 0;
}

int dv_translate(const struct at *at, const struct expr *e, char **out)
{
	char path[256] = "", last[128], fetch[400];
	const char *p = e->body;
	struct dv v;
	int stars = 0, ret;

	while (*p == '*') {
		stars++;
		p++;
	}
	if (strncmp(p, "$retval", 7) == 0) {
		ret = retval(at, &v);
		p += 7;
		snprintf(last, sizeof(last), "ret");
		snprintf(path, sizeof(path), "$retval");
	} else {
		ret = read_ident(&p, last, sizeof(last), e->body);
		if (!ret)
			ret = dv_lookup(at, last, &v);
		snprintf(path, sizeof(path), "%s", last);
	}
	if (!ret)
		ret = apply_suffixes(at, &v, p, path, sizeof(path), last, sizeof(last), e->body);
	if (!ret)
		ret = apply_stars(at, &v, stars, e->body);
	if (!ret)
		ret = dv_finish(at, &v, e->type, e->body, fetch, sizeof(fetch));
	if (ret)
		return ret;
	if (strchr(last, ':'))
		snprintf(last, sizeof(last), "%s", strrchr(last, ':') + 1);
	if (!e->named && strlen(last) > KMAX_ARGNAME)
		return dw_err(-E2BIG, "the name '%s' is longer than the kernel's %d characters: "
			      "name it, as in 'n=%s'", last, KMAX_ARGNAME, e->body);
	*out = dw_strdupf("%s=%s", e->named ? e->name : last, fetch);
	return *out ? 0 : -ENOMEM;
}
