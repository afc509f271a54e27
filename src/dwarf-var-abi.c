// SPDX-License-Identifier: GPL-2.0
/*
 * Parameters at a function's entry, where the x86-64 System V calling
 * convention passes them. Code built without optimization describes a
 * parameter only by the stack slot its prologue copies it to: at the entry
 * that slot still holds garbage, and after the prologue the probe can miss
 * calls (a body on the line of its brace, an early return). So the probe
 * stays at the entry and reads the parameter where the caller put it: the
 * classification of psABI 3.2.3, as far as uprobes can fetch the result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-var.h"
#include "x86-regs.h"

enum ac { AC_NONE, AC_INT, AC_SSE, AC_MEM };

/* How one parameter (or the return value) is passed. */
struct abi_arg {
	enum ac cls[2];		/* per eightbyte; cls[0] AC_MEM: in memory */
	Dwarf_Word size;
	int align;
	bool byref;		/* C++ non-trivially-copyable: a pointer in a GPR */
	bool agg;		/* a struct, union or array */
	const char *why;	/* no classification: why */
};

static enum ac merge(enum ac a, enum ac b)
{
	if (a == b || b == AC_NONE)
		return a;
	if (a == AC_NONE)
		return b;
	if (a == AC_MEM || b == AC_MEM)
		return AC_MEM;
	return AC_INT;
}

static bool peel(Dwarf_Die *t)
{
	Dwarf_Die in;

	for (int i = 0; i < 16; i++) {
		int tag = dwarf_tag(t);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type)
			return true;
		if (!dv_type_of(t, &in))
			return false;
		*t = in;
	}
	return false;
}

static void put(struct abi_arg *a, Dwarf_Word off, Dwarf_Word size, enum ac c)
{
	if (off + size > 16 || (size <= 8 && off / 8 != (off + size - 1) / 8) ||
	    (size > 8 && off % 8)) {
		a->cls[0] = AC_MEM;	/* unaligned or too big: memory */
		return;
	}
	a->cls[off / 8] = merge(a->cls[off / 8], c);
	if (size > 8)
		a->cls[1] = merge(a->cls[1], c);
}

static void classify(Dwarf_Die *t, Dwarf_Word off, struct abi_arg *a, int depth);

static void classify_base(Dwarf_Die *t, Dwarf_Word off, struct abi_arg *a)
{
	Dwarf_Word enc = 0, size = 0;
	Dwarf_Attribute at;

	dwarf_formudata(dwarf_attr(t, DW_AT_encoding, &at), &enc);
	dwarf_formudata(dwarf_attr(t, DW_AT_byte_size, &at), &size);
	if (enc == DW_ATE_float || enc == DW_ATE_complex_float || enc == DW_ATE_decimal_float) {
		/* long double and its complex are x87: passed in memory */
		if (size >= 16)
			a->align = 16;
		if ((enc == DW_ATE_float && size == 16) || size > 16)
			a->cls[0] = AC_MEM;
		else
			put(a, off, size, AC_SSE);
		return;
	}
	if (size > 8)
		a->align = 16;
	put(a, off, size ? size : 1, AC_INT);
}

static void classify_members(Dwarf_Die *t, Dwarf_Word off, struct abi_arg *a, int depth)
{
	Dwarf_Attribute at;
	Dwarf_Word moff;
	Dwarf_Die c, mt;

	if (dwarf_child(t, &c))
		return;
	do {
		int tag = dwarf_tag(&c);

		if ((tag != DW_TAG_member && tag != DW_TAG_inheritance) ||
		    dwarf_hasattr(&c, DW_AT_declaration) || !dv_type_of(&c, &mt))
			continue;
		moff = 0;
		if (dwarf_attr(&c, DW_AT_data_member_location, &at) &&
		    dwarf_formudata(&at, &moff))
			a->why = "a member's place is computed";
		if (dwarf_hasattr(&c, DW_AT_bit_size) || dwarf_hasattr(&c, DW_AT_data_bit_offset)) {
			Dwarf_Word dbo = 0;

			if (dwarf_formudata(dwarf_attr(&c, DW_AT_data_bit_offset, &at), &dbo) == 0)
				moff += dbo / 8;
			put(a, off + moff, 1, AC_INT);	/* bitfields are integers */
			continue;
		}
		classify(&mt, off + moff, a, depth + 1);
	} while (dwarf_siblingof(&c, &c) == 0);
}

static void classify_array(Dwarf_Die *t, Dwarf_Word off, struct abi_arg *a, int depth)
{
	Dwarf_Word n = 0, i, esz;
	Dwarf_Die et;
	int esize;

	if (dwarf_hasattr(t, DW_AT_GNU_vector)) {
		a->why = "it is a vector";
		return;
	}
	if (!dv_type_of(t, &et) || dv_array_count(t, &n) || !peel(&et))
		return;
	esize = dwarf_aggregate_size(&et, &esz) ? 0 : (int)esz;
	for (i = 0; esize > 0 && i < n && off + i * esize < 16; i++)
		classify(&et, off + i * (Dwarf_Word)esize, a, depth + 1);
}

static void classify(Dwarf_Die *t, Dwarf_Word off, struct abi_arg *a, int depth)
{
	if (depth > 8 || !peel(t)) {
		a->why = "its type is too deep or unknown";
		return;
	}
	switch (dwarf_tag(t)) {
	case DW_TAG_base_type:
		classify_base(t, off, a);
		return;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		a->agg = true;
		classify_members(t, off, a, depth);
		return;
	case DW_TAG_array_type:
		a->agg = true;
		classify_array(t, off, a, depth);
		return;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_ptr_to_member_type:
		put(a, off, dwarf_bytesize(t) > 0 ? (Dwarf_Word)dwarf_bytesize(t) : 8, AC_INT);
		return;
	default:
		a->why = "its type is not one the ABI classifies simply";
	}
}

/* Whether @fn, a member function of @cls, is a destructor or a copy or
 * move constructor its author declared (not implicit, not defaulted). */
static bool special_member(Dwarf_Die *cls, Dwarf_Die *fn)
{
	const char *n = dwarf_diename(fn), *cn = dwarf_diename(cls), *tn;
	Dwarf_Word dflt = 0;
	Dwarf_Attribute a;
	Dwarf_Die p, t;
	int np = 0, self = 0;

	if (!n || dwarf_hasattr(fn, DW_AT_artificial) ||
	    (dwarf_formudata(dwarf_attr(fn, DW_AT_defaulted, &a), &dflt) == 0 &&
	     dflt == DW_DEFAULTED_in_class))
		return false;
	if (n[0] == '~')
		return true;
	if (!cn || strcmp(n, cn) || dwarf_child(fn, &p))
		return false;
	do {
		if (dwarf_tag(&p) != DW_TAG_formal_parameter || dwarf_hasattr(&p, DW_AT_artificial))
			continue;
		np++;
		if (!dv_type_of(&p, &t) || (dwarf_tag(&t) != DW_TAG_reference_type &&
					    dwarf_tag(&t) != DW_TAG_rvalue_reference_type))
			continue;
		tn = dv_type_of(&t, &t) && peel(&t) ? dwarf_diename(&t) : NULL;
		self += tn && strcmp(tn, cn) == 0;
	} while (dwarf_siblingof(&p, &p) == 0);
	return np == 1 && self == 1;
}

static bool class_type(Dwarf_Die *t)
{
	while (peel(t) && dwarf_tag(t) == DW_TAG_array_type)
		if (!dv_type_of(t, t))
			return false;
	return dwarf_tag(t) == DW_TAG_structure_type || dwarf_tag(t) == DW_TAG_class_type ||
	       dwarf_tag(t) == DW_TAG_union_type;
}

/*
 * Whether C++ passes class @t by invisible reference (Itanium C++ ABI: a
 * non-trivial copy or move constructor or destructor), for compilers that
 * leave out DW_AT_calling_convention (gcc): a special member of its own,
 * a virtual function or base, or a member or base that is so.
 */
static bool cxx_nontrivial(Dwarf_Die *t, int depth)
{
	Dwarf_Die c, mt;

	if (depth > 8 || dwarf_child(t, &c))
		return depth > 8;
	do {
		int tag = dwarf_tag(&c);

		if (dwarf_hasattr(&c, DW_AT_virtuality) ||
		    (tag == DW_TAG_subprogram && special_member(t, &c)))
			return true;
		if ((tag == DW_TAG_member || tag == DW_TAG_inheritance) &&
		    !dwarf_hasattr(&c, DW_AT_declaration) && dv_type_of(&c, &mt) &&
		    class_type(&mt) && cxx_nontrivial(&mt, depth + 1))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Whether aggregate @t is passed by invisible reference. */
static bool by_reference(Dwarf_Die *t)
{
	Dwarf_Attribute at;
	Dwarf_Word cc = 0;

	if (dwarf_formudata(dwarf_attr(t, DW_AT_calling_convention, &at), &cc) == 0)
		return cc == DW_CC_pass_by_reference;
	return dw_is_cxx(t) && dwarf_tag(t) != DW_TAG_array_type && cxx_nontrivial(t, 0);
}

static void abi_classify(Dwarf_Die *type, struct abi_arg *a)
{
	Dwarf_Die t = *type;
	int tag;

	memset(a, 0, sizeof(*a));
	a->align = 8;
	if (!peel(&t)) {
		a->why = "its type is unknown";
		return;
	}
	tag = dwarf_tag(&t);
	if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
	    tag == DW_TAG_rvalue_reference_type)
		a->size = 8;	/* clang gives pointers no DW_AT_byte_size */
	else if (dwarf_aggregate_size(&t, &a->size) || !a->size) {
		a->why = "its size is unknown";
		return;
	}
	tag = dwarf_tag(&t);
	if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type || tag == DW_TAG_union_type)
		a->byref = by_reference(&t);
	if (!a->byref)
		classify(&t, 0, a, 0);
	if (a->byref) {
		a->cls[0] = AC_INT;
		a->cls[1] = AC_NONE;
	} else if (a->size > 16 || a->cls[0] == AC_MEM || a->cls[1] == AC_MEM) {
		a->cls[0] = AC_MEM;
	}
}

/* Where the parameters go, in order: GPRs, vector registers, the stack. */
struct abi_walk {
	int gpr, sse;
	int64_t stack;		/* next stack argument, from %sp at the entry */
	bool split128;		/* an __int128 may be split between %r9 and the stack */
};

/* clang before 18 passed an __int128 that finds one GPR left half in %r9,
 * half on the stack, against the ABI (LLVM's i128 fix in release 18). */
static bool splits_int128(Dwarf_Die *die)
{
	Dwarf_Die cu;
	Dwarf_Attribute a;
	const char *p, *v;

	if (!dwarf_diecu(die, &cu, NULL, NULL))
		return true;
	p = dwarf_formstring(dwarf_attr(&cu, DW_AT_producer, &a));
	v = p ? strstr(p, "clang version ") : NULL;
	return v && atoi(v + strlen("clang version ")) < 18;
}

/* Places @a: 0 in registers (@reg the first GPR, or -1), 1 on the stack at @off. */
static int abi_place(struct abi_walk *w, const struct abi_arg *a, int *reg, int *xmm,
		     int64_t *off)
{
	int nint = (a->cls[0] == AC_INT) + (a->cls[1] == AC_INT);
	int nsse = (a->cls[0] == AC_SSE) + (a->cls[1] == AC_SSE);

	*reg = -1;
	*xmm = -1;
	if (w->split128 && !a->agg && nint == 2 && w->gpr == 5)
		return -1;
	if (a->cls[0] != AC_MEM && w->gpr + nint <= 6 && w->sse + nsse <= 8) {
		if (nint)
			*reg = w->gpr;
		if (nsse)
			*xmm = w->sse;
		w->gpr += nint;
		w->sse += nsse;
		return 0;
	}
	if (a->align > 8 && (w->stack - 8) % 16)
		w->stack += 8;
	*off = w->stack;
	w->stack += (int64_t)((a->size + 7) & ~7ull);
	return 1;
}

static int in_regs(const struct abi_arg *a, int reg, int xmm, struct dv *v, const char *name)
{
	if (a->byref) {
		dv_set_val(v, "");
		snprintf(v->base, sizeof(v->base), "%%%s", x86_arg_regs[reg]);
		v->kind = DV_MEM;	/* the caller's copy, at the address in the register */
		return 0;
	}
	if (xmm >= 0)
		return dw_err(-ENOTSUP, "'%s' is passed in %%xmm%d: the kernel cannot fetch "
			      "vector registers", name, xmm);
	if (reg < 0)
		return dw_err(-ENODATA, "'%s' is empty: the caller passes nothing for it", name);
	if (a->agg && a->cls[1] != AC_NONE)
		return dw_err(-ENOTSUP, "'%s' is a struct passed in two registers (%%%s and %%%s): "
			      "uprobes cannot take its members out of them", name, x86_arg_regs[reg],
			      x86_arg_regs[reg + 1]);
	if (a->cls[1] == AC_INT)
		return dw_err(-ENOTSUP, "'%s' is passed in two registers (%%%s and %%%s); "
			      "uprobes fetch one at a time", name, x86_arg_regs[reg],
			      x86_arg_regs[reg + 1]);
	dv_set_val(v, "");
	snprintf(v->base, sizeof(v->base), "%%%s", x86_arg_regs[reg]);
	return 0;
}

/* Whether @fn may not pass its parameters as the ABI says. */
static bool not_standard(const struct at *at, Dwarf_Die *fn)
{
	Dwarf_Attribute a;
	Dwarf_Word cc = 0;
	const char *sym = dw_addrname(at->d, at->entry + at->d->dwbias);

	if (dwarf_formudata(dwarf_attr(fn, DW_AT_calling_convention, &a), &cc) == 0 &&
	    cc == DW_CC_nocall)
		return true;
	return sym && dw_is_clone(sym);
}

static int abi_param(const struct at *at, Dwarf_Die *var, struct dv *v, const char *name)
{
	Dwarf_Die fn = at->fn, c, t;
	struct abi_walk w = { 0, 0, 8, splits_int128(&fn) };
	struct abi_arg a;
	int reg, xmm, ret;
	int64_t off = 0;

	if (not_standard(at, &fn))
		return dw_err(-ENODATA, "'%s' is in its stack slot only after the prologue, and "
			      "this is a compiler clone, which need not pass it as the ABI says",
			      name);
	if (dv_type_of(&fn, &t)) {
		abi_classify(&t, &a);
		if (a.why)
			return dw_err(-ENOTSUP, "'%s': cannot tell how the return value is passed "
				      "(%s), so not where '%s' is", name, a.why, name);
		if (a.byref || a.cls[0] == AC_MEM)
			w.gpr = 1;	/* the hidden pointer to the return value, in %di */
	}
	if (dwarf_child(&fn, &c))
		return -ENOENT;
	do {
		if (dwarf_tag(&c) != DW_TAG_formal_parameter)
			continue;
		if (!dv_type_of(&c, &t))
			return dw_err(-ENOTSUP, "'%s': a parameter before it has no type", name);
		abi_classify(&t, &a);
		if (a.why)
			return dw_err(-ENOTSUP, "'%s': cannot tell where the ABI passes %s (%s)",
				      name, dwarf_dieoffset(&c) == dwarf_dieoffset(var) ? "it" :
				      "a parameter before it", a.why);
		ret = abi_place(&w, &a, &reg, &xmm, &off);
		if (ret < 0)
			return dw_err(-ENOTSUP, "'%s': an __int128 before it finds one register "
				      "left, which this clang splits against the ABI", name);
		if (ret == 0) {
			if (dwarf_dieoffset(&c) == dwarf_dieoffset(var))
				return in_regs(&a, reg, xmm, v, name);
		} else if (dwarf_dieoffset(&c) == dwarf_dieoffset(var)) {
			dv_set_val(v, "%sp");
			v->kind = DV_MEM;
			v->off = off;
			return 0;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return dw_err(-ENOENT, "'%s' is not a parameter of the function", name);
}

/* Whether the single location @loc is a place in the frame (not a register,
 * not a value computed from one): valid only once the prologue ran. */
static bool frame_slot(Dwarf_Attribute *loc)
{
	Dwarf_Op *ops;
	size_t nops, i;
	uint8_t op;

	if (dwarf_whatform(loc) == DW_FORM_sec_offset || dwarf_whatform(loc) == DW_FORM_loclistx ||
	    dwarf_getlocation(loc, &ops, &nops) || !nops)
		return false;
	for (i = 0; i < nops; i++)
		if (ops[i].atom == DW_OP_stack_value)
			return false;
	op = ops[0].atom;
	return op == DW_OP_fbreg || op == DW_OP_bregx || op == DW_OP_call_frame_cfa ||
	       (op >= DW_OP_breg0 && op <= DW_OP_breg31);
}

static bool child_of(Dwarf_Die *parent, Dwarf_Die *die)
{
	Dwarf_Die c;

	if (dwarf_child(parent, &c))
		return false;
	do {
		if (dwarf_dieoffset(&c) == dwarf_dieoffset(die))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

int dv_at_entry(const struct at *at, Dwarf_Die *var, Dwarf_Attribute *loc, struct dv *v,
		const char *name)
{
	Dwarf_Die fn = at->fn;
	Dwarf_Addr after;
	char lab[160];

	if (!at->have_fn || at->pc != at->entry || at->is_return || !frame_slot(loc))
		return 1;
	if (dwarf_tag(var) == DW_TAG_formal_parameter && child_of(&fn, var))
		return abi_param(at, var, v, name);
	if (dw_after_prologue(at->d, &fn, at->entry, &after))
		return dw_err(-ENODATA, "'%s' is in the function's frame, which its prologue "
			      "sets up", name);
	dw_pc_label(at->d, after, lab, sizeof(lab));
	return dw_err(-ENODATA, "'%s' is in the function's frame only after its prologue "
		      "(from %s)", name, lab);
}

/*
 * An optimizing compiler may describe a parameter only from a few
 * instructions in: at the entry of a function that follows the ABI (one
 * with external linkage, not a clone) it is where the ABI passes it.
 */
int dv_abi_entry(const struct at *at, Dwarf_Die *var, struct dv *v, const char *name)
{
	Dwarf_Die fn = at->fn;

	if (!at->have_fn || at->pc != at->entry || at->is_return ||
	    dwarf_tag(var) != DW_TAG_formal_parameter || !child_of(&fn, var) ||
	    !dwarf_hasattr_integrate(&fn, DW_AT_external) || not_standard(at, &fn))
		return 1;
	return abi_param(at, var, v, name);
}

