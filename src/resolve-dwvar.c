// SPDX-License-Identifier: GPL-2.0
/*
 * Variables by name -> kernel fetch-args, with libdw.
 *
 * A variable's DWARF location at the probe address becomes what the
 * uprobe fetch-arg grammar can say: a register (%di), memory at a register
 * plus an offset (-20(%bp)), nested loads for ->, and @+OFFSET for globals.
 * Its DWARF type becomes the fetch type (s32, x64, string, char, u8[4],
 * b3@4/32).
 */
#include <errno.h>
#include <fnmatch.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-int.h"

/* The kernel's limits (kernel/trace/trace_probe.h). */
#define KMAX_ARGSTR	63	/* MAX_ARGSTR_LEN: "FETCH:TYPE" */
#define KMAX_DEREF	12	/* FETCH_INSN_MAX leaves room for 12 loads */
#define KMAX_ARRAY	64	/* MAX_ARRAY_LEN */
#define KMAX_ARGNAME	31	/* MAX_ARG_NAME_LEN without the NUL */

/* x86-64 DWARF register numbers -> the kernel's pt_regs names. */
static const char *const x86_regs[] = {
	"ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

#define NREGS (sizeof(x86_regs) / sizeof(x86_regs[0]))

enum dv_kind {
	DV_VAL,		/* the value is what @base fetches */
	DV_MEM,		/* the value is in memory at (@base + @off) */
	DV_ABS,		/* the value is in memory at file vaddr @off */
	DV_IMM,		/* the value is the constant @off */
};

/* Where a value is, in terms the kernel can fetch, and its C type. */
struct dv {
	enum dv_kind kind;
	char base[160];
	int64_t off;
	int depth;		/* loads in @base */
	Dwarf_Die type;
	bool typed;
	int bf_size, bf_off;	/* bitfield: width and offset from bit 0 */
};

/* What a translation needs to know about the place. */
struct at {
	struct resolve_dwarf *d;
	const struct resolve_loc *loc;
	Dwarf_Addr pc;		/* DWARF address of the probe */
	Dwarf_Die cu;
	Dwarf_Die *scopes;
	int nscopes;
	Dwarf_Die fn;		/* the out-of-line function holding @pc */
	bool have_fn;
	Dwarf_Addr entry;	/* its entry */
	bool is_return;
};

/* --- CFA ----------------------------------------------------------------- */

static int cfa_from(Dwarf_CFI *cfi, Dwarf_Addr pc, int *reg, int64_t *off)
{
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	size_t nops;
	int ret = -ENOTSUP;

	if (!cfi || dwarf_cfi_addrframe(cfi, pc, &frame))
		return -ENOENT;
	if (dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1) {
		if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
			*reg = ops[0].atom - DW_OP_breg0;
			*off = (int64_t)ops[0].number;
			ret = 0;
		} else if (ops[0].atom == DW_OP_bregx) {
			*reg = (int)ops[0].number;
			*off = (int64_t)ops[0].number2;
			ret = 0;
		}
	}
	free(frame);
	return ret;
}

int dw_cfa(struct resolve_dwarf *d, Dwarf_Addr pc, int *reg, int64_t *off)
{
	Dwarf_Addr bias = 0;
	Dwarf_CFI *cfi;
	int ret;

	if (!d->cfi_tried) {
		d->cfi_tried = true;
		d->cfi = dwfl_module_eh_cfi(d->mod, &d->cfibias);
	}
	ret = cfa_from(d->cfi, pc + d->dwbias - d->cfibias, reg, off);
	if (ret == 0)
		return 0;
	cfi = dwfl_module_dwarf_cfi(d->mod, &bias);
	return cfa_from(cfi, pc + d->dwbias - bias, reg, off);
}

/* --- values -------------------------------------------------------------- */

static int reg_name(int reg, const char **name)
{
	if (reg < 0 || (size_t)reg >= NREGS)
		return dw_err(-ENOTSUP, "it is in DWARF register %d (%s), which uprobes "
			      "cannot fetch", reg, reg == 16 ? "the return address" :
			      reg >= 17 && reg <= 32 ? "a vector register" : "not a general register");
	*name = x86_regs[reg];
	return 0;
}

static void set_val(struct dv *v, const char *fetch)
{
	v->kind = DV_VAL;
	snprintf(v->base, sizeof(v->base), "%s", fetch);
	v->off = 0;
}

static void set_mem(struct dv *v, const char *base, int64_t off)
{
	v->kind = DV_MEM;
	snprintf(v->base, sizeof(v->base), "%s", base);
	v->off = off;
}

/* The fetch that gives the value of @v at @at. */
static int dv_fetch(const struct at *at, const struct dv *v, char *buf, size_t len)
{
	int64_t foff;

	switch (v->kind) {
	case DV_VAL:
		snprintf(buf, len, "%s", v->base);
		return 0;
	case DV_MEM:
		snprintf(buf, len, "%s%" PRId64 "(%s)", v->off >= 0 ? "+" : "", v->off, v->base);
		return 0;
	case DV_IMM:
		snprintf(buf, len, "\\%" PRId64, v->off);
		return 0;
	case DV_ABS:
		/*
		 * The kernel turns @+N into (probe address - probe offset + N):
		 * N is relative to the probe's own segment, which is not the
		 * variable's file offset when the data segment sits at another
		 * distance from its file offset than the text segment does.
		 */
		foff = v->off - (int64_t)at->loc->addr + (int64_t)at->loc->offset;
		if (foff < 0)
			return dw_err(-ENOTSUP, "the variable lies before the probed segment");
		snprintf(buf, len, "@+%#" PRIx64, (uint64_t)foff);
		return 0;
	}
	return -EINVAL;
}

/* @v holds an address: the value is now in memory there. */
static int dv_deref(const struct at *at, struct dv *v, int64_t off)
{
	char b[sizeof(v->base)];
	int ret = dv_fetch(at, v, b, sizeof(b));

	if (ret)
		return ret;
	if (v->kind == DV_IMM)
		return dw_err(-ENOTSUP, "it is a constant, not an address");
	if (v->kind == DV_MEM || v->kind == DV_ABS)
		v->depth++;
	set_mem(v, b, off);
	return 0;
}

/* --- types --------------------------------------------------------------- */

static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

/* @t without typedefs and qualifiers; false for void. */
static bool peel(const struct dv *v, Dwarf_Die *t)
{
	Dwarf_Die in;

	if (!v->typed)
		return false;
	in = v->type;
	return dwarf_peel_type(&in, t) == 0;
}

static bool is_plain_char(Dwarf_Die *t)
{
	const char *n = dwarf_diename(t);

	return dwarf_tag(t) == DW_TAG_base_type && n &&
	       (strcmp(n, "char") == 0 || strcmp(n, "char8_t") == 0);
}

/* Whether @t points to / is an array of char. */
static bool char_target(Dwarf_Die *t)
{
	Dwarf_Die e, pe;

	if (!type_of(t, &e) || dwarf_peel_type(&e, &pe))
		return false;
	return is_plain_char(&pe);
}

static int array_count(Dwarf_Die *t, Dwarf_Word *n)
{
	Dwarf_Attribute a;
	Dwarf_Die sub;

	*n = 0;
	if (dwarf_child(t, &sub) || dwarf_tag(&sub) != DW_TAG_subrange_type)
		return -ENOENT;
	if (dwarf_attr(&sub, DW_AT_count, &a))
		return dwarf_formudata(&a, n) ? -ENOENT : 0;
	if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && dwarf_formudata(&a, n) == 0) {
		(*n)++;
		return 0;
	}
	return -ENOENT;
}

static bool is_signed_base(Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;
	Dwarf_Die u, pu;

	if (dwarf_tag(t) == DW_TAG_enumeration_type) {
		if (type_of(t, &u) && dwarf_peel_type(&u, &pu) == 0)
			return is_signed_base(&pu);
		if (dwarf_attr(t, DW_AT_encoding, &a) == NULL)
			return false;
	} else if (!dwarf_attr(t, DW_AT_encoding, &a)) {
		return false;
	}
	dwarf_formudata(&a, &enc);
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

/* The kernel type of a scalar @t ("s32", "x64", "char"), or an error. */
static int scalar_type(struct resolve_dwarf *d, Dwarf_Die *t, const char *name,
		       char *buf, size_t len)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;
	int tag = dwarf_tag(t), size = dwarf_bytesize(t);
	char *tn;

	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		snprintf(buf, len, "x64");
		return 0;
	case DW_TAG_base_type:
		if (dwarf_attr(t, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		if (is_plain_char(t) && size == 1) {
			snprintf(buf, len, "char");
			return 0;
		}
		if (enc == DW_ATE_float && (size == 4 || size == 8)) {
			snprintf(buf, len, "x%d", size * 8);
			return 0;
		}
		if (enc == DW_ATE_float || enc == DW_ATE_complex_float)
			break;
		/* fallthrough */
	case DW_TAG_enumeration_type:
		if (size != 1 && size != 2 && size != 4 && size != 8)
			break;
		snprintf(buf, len, "%c%d", is_signed_base(t) ? 's' : 'u', size * 8);
		return 0;
	default:
		break;
	}
	tn = dw_type_name(d, t);
	dw_err(-ENOTSUP, "'%s' is a %s, which uprobes cannot fetch whole%s", name,
	       tn ? tn : "?", tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type ? ": name a member, as in 'x.member'" : "");
	free(tn);
	return -ENOTSUP;
}

/* --- members ------------------------------------------------------------- */

static int member_offset(Dwarf_Die *m, int64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t nops;

	*off = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return 0;
	if (dwarf_formudata(&a, &w) == 0) {
		*off = (int64_t)w;
		return 0;
	}
	if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = (int64_t)ops[0].number;
		return 0;
	}
	return -ENOTSUP;
}

/* Finds member @name in struct/union/class @t, through anonymous members
 * and base classes; @off gets its byte offset. */
static bool find_member(Dwarf_Die *t, const char *name, Dwarf_Die *m, int64_t *off, int depth)
{
	Dwarf_Die c, sub, psub;
	int64_t o;

	if (depth > 16 || dwarf_child(t, &c))
		return false;
	do {
		int tag = dwarf_tag(&c);
		const char *n = dwarf_diename(&c);

		if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
			continue;
		if (member_offset(&c, &o))
			continue;
		if (tag == DW_TAG_member && n && strcmp(n, name) == 0) {
			*m = c;
			*off = o;
			return true;
		}
		if ((tag == DW_TAG_inheritance || !n) && type_of(&c, &sub) &&
		    dwarf_peel_type(&sub, &psub) == 0 &&
		    find_member(&psub, name, m, off, depth + 1)) {
			*off += o;
			return true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

static void member_list(Dwarf_Die *t, char *buf, size_t len)
{
	Dwarf_Die c;
	size_t used = 0;

	buf[0] = '\0';
	if (dwarf_child(t, &c))
		return;
	do {
		const char *n = dwarf_diename(&c);

		if (dwarf_tag(&c) != DW_TAG_member || !n || used + strlen(n) + 8 > len)
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "", n);
	} while (dwarf_siblingof(&c, &c) == 0);
}

/* A bitfield member: width and offset from bit 0 of its container. */
static int bitfield(Dwarf_Die *m, Dwarf_Die *mt, int64_t *byteoff, struct dv *v)
{
	Dwarf_Attribute a;
	Dwarf_Word bits = 0, dbo = 0;
	int csize = dwarf_bytesize(mt);

	if (!dwarf_attr(m, DW_AT_bit_size, &a) || dwarf_formudata(&a, &bits))
		return 0;
	if (csize <= 0)
		return -ENOTSUP;
	if (dwarf_attr(m, DW_AT_data_bit_offset, &a)) {
		dwarf_formudata(&a, &dbo);
	} else if (dwarf_attr(m, DW_AT_bit_offset, &a)) {
		Dwarf_Word bo = 0;

		/* DWARF 2/3: bits from the top of the container */
		dwarf_formudata(&a, &bo);
		dbo = (Dwarf_Word)(*byteoff * 8) + csize * 8 - bo - bits;
		*byteoff = 0;
	}
	dbo += (Dwarf_Word)(*byteoff * 8);
	*byteoff = (int64_t)(dbo / (csize * 8)) * csize;
	v->bf_off = (int)(dbo - (Dwarf_Word)*byteoff * 8);
	v->bf_size = (int)bits;
	return 0;
}

static int apply_member(const struct at *at, struct dv *v, const char *m, bool arrow,
			const char *path)
{
	Dwarf_Die t, mem, mt;
	int64_t off;
	char list[200];

	if (!peel(v, &t))
		return dw_err(-ENOTSUP, "'%s' has no type: cannot take a member of it", path);
	if (dwarf_tag(&t) == DW_TAG_pointer_type || dwarf_tag(&t) == DW_TAG_reference_type ||
	    dwarf_tag(&t) == DW_TAG_rvalue_reference_type) {
		if (!arrow && dwarf_tag(&t) == DW_TAG_pointer_type)
			return dw_err(-EINVAL, "'%s' is a pointer: use '->%s'", path, m);
		if (dv_deref(at, v, 0))
			return -ENOTSUP;
		if (!type_of(&t, &v->type))
			return dw_err(-ENOTSUP, "'%s' points to void", path);
		if (!peel(v, &t))
			return -ENOTSUP;
	} else if (arrow) {
		return dw_err(-EINVAL, "'%s' is not a pointer: use '.%s'", path, m);
	}
	if (dwarf_tag(&t) != DW_TAG_structure_type && dwarf_tag(&t) != DW_TAG_union_type &&
	    dwarf_tag(&t) != DW_TAG_class_type)
		return dw_err(-EINVAL, "'%s' is not a struct or union: it has no member '%s'",
			      path, m);
	if (!find_member(&t, m, &mem, &off, 0)) {
		member_list(&t, list, sizeof(list));
		return dw_err(-ENOENT, "'%s' has no member '%s'%s%s", path, m,
			      list[0] ? "; its members: " : "", list);
	}
	if (v->kind != DV_MEM && v->kind != DV_ABS)
		return dw_err(-ENOTSUP, "'%s' lives in registers here, not in memory: "
			      "its members cannot be fetched one by one", path);
	v->typed = type_of(&mem, &v->type);
	if (v->typed && dwarf_peel_type(&v->type, &mt) == 0 && bitfield(&mem, &mt, &off, v))
		return dw_err(-ENOTSUP, "'%s.%s' is a bitfield of unknown size", path, m);
	v->off += off;
	return 0;
}

static int apply_index(const struct at *at, struct dv *v, int64_t idx, const char *path)
{
	Dwarf_Die t, e, pe;
	Dwarf_Word n = 0, esize = 0;

	if (!peel(v, &t) || (dwarf_tag(&t) != DW_TAG_pointer_type &&
			     dwarf_tag(&t) != DW_TAG_array_type))
		return dw_err(-EINVAL, "'%s' is neither an array nor a pointer", path);
	if (!type_of(&t, &e) || dwarf_peel_type(&e, &pe) || dwarf_aggregate_size(&pe, &esize))
		return dw_err(-ENOTSUP, "'%s' has elements of unknown size", path);
	if (dwarf_tag(&t) == DW_TAG_pointer_type) {
		if (dv_deref(at, v, idx * (int64_t)esize))
			return -ENOTSUP;
	} else {
		if (array_count(&t, &n) == 0 && (Dwarf_Word)idx >= n)
			return dw_err(-ERANGE, "'%s' has %" PRIu64 " elements: [%" PRId64
				      "] is past its end", path, (uint64_t)n, idx);
		if (v->kind != DV_MEM && v->kind != DV_ABS)
			return dw_err(-ENOTSUP, "'%s' is not in memory here", path);
		v->off += idx * (int64_t)esize;
	}
	v->type = e;
	return 0;
}

/* --- locations ----------------------------------------------------------- */

static int frame_base(const struct at *at, char *base, size_t len, int64_t *off)
{
	Dwarf_Die fn = at->fn;
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	const char *r = NULL;
	int reg;

	if (!at->have_fn || !dwarf_attr(&fn, DW_AT_frame_base, &a) ||
	    dwarf_getlocation_addr(&a, at->pc, &ops, &nops, 1) != 1 || nops < 1)
		return dw_err(-ENOTSUP, "the function's frame base is unknown here");
	if (ops[0].atom == DW_OP_call_frame_cfa) {
		if (dw_cfa(at->d, at->pc, &reg, off))
			return dw_err(-ENOTSUP, "no call frame information for this address");
	} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		reg = ops[0].atom - DW_OP_breg0;
		*off = (int64_t)ops[0].number;
	} else if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31) {
		reg = ops[0].atom - DW_OP_reg0;
		*off = 0;
	} else {
		return dw_err(-ENOTSUP, "frame base DWARF operation %#x is not supported",
			      ops[0].atom);
	}
	if (reg_name(reg, &r))
		return -ENOTSUP;
	snprintf(base, len, "%%%s", r);
	return 0;
}

static int reg_of(const Dwarf_Op *op, int *reg, int64_t *off)
{
	if (op->atom >= DW_OP_reg0 && op->atom <= DW_OP_reg31) {
		*reg = op->atom - DW_OP_reg0;
		return 'r';
	}
	if (op->atom == DW_OP_regx) {
		*reg = (int)op->number;
		return 'r';
	}
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		*reg = op->atom - DW_OP_breg0;
		*off = (int64_t)op->number;
		return 'b';
	}
	if (op->atom == DW_OP_bregx) {
		*reg = (int)op->number;
		*off = (int64_t)op->number2;
		return 'b';
	}
	return 0;
}

static int entry_value(const struct at *at, Dwarf_Attribute *attr, const Dwarf_Op *op,
		       struct dv *v, const char *name)
{
	Dwarf_Attribute inner;
	Dwarf_Op *ops;
	size_t nops;
	const char *r = NULL;
	int reg;
	int64_t off = 0;
	char lab[160];

	if (dwarf_getlocation_attr(attr, op, &inner) || dwarf_getlocation(&inner, &ops, &nops) ||
	    nops != 1 || reg_of(&ops[0], &reg, &off) != 'r')
		return dw_err(-ENOTSUP, "'%s' is computed from values at the function's entry "
			      "in a way uprobes cannot follow", name);
	if (!at->have_fn || at->pc != at->entry) {
		dw_pc_label(at->d, at->entry, lab, sizeof(lab));
		return dw_err(-ENODATA, "'%s' is only known here as its value at the function's "
			      "entry; probe the entry (%s) for it", name, lab);
	}
	if (reg_name(reg, &r))
		return -ENOTSUP;
	v->kind = DV_VAL;
	snprintf(v->base, sizeof(v->base), "%%%s", r);
	return 0;
}

static int addr_op(const struct at *at, Dwarf_Attribute *attr, const Dwarf_Op *op,
		   Dwarf_Addr *addr)
{
	Dwarf_Attribute res;

	if (op->atom == DW_OP_addr) {
		*addr = op->number;
		return 0;
	}
	if (dwarf_getlocation_attr(attr, op, &res) || dwarf_formaddr(&res, addr))
		return -ENOTSUP;
	return 0;
}

/* Translates the location expression @ops into @v. */
static int ops_to_dv(const struct at *at, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t nops,
		     struct dv *v, const char *name)
{
	Dwarf_Word tsize = 0;
	Dwarf_Die pt;
	Dwarf_Addr addr;
	const char *r = NULL;
	char fb[64];
	int64_t off = 0, fboff;
	size_t i, n = nops;
	int reg, kind;

	for (i = 0; i < nops; i++)
		if (ops[i].atom == DW_OP_piece) {
			if (peel(v, &pt))
				dwarf_aggregate_size(&pt, &tsize);
			if (i == 0 || ops[i].number < tsize)
				return dw_err(-ENOTSUP, "'%s' is split across registers and "
					      "memory here; uprobes cannot put it together", name);
			n = i;
			break;
		}
	if (n == 0)
		return dw_err(-ENODATA, "'%s' is optimized out here", name);
	kind = reg_of(&ops[0], &reg, &off);
	if (kind == 'r' && n == 1) {
		if (reg_name(reg, &r))
			return -ENOTSUP;
		v->kind = DV_VAL;
		snprintf(v->base, sizeof(v->base), "%%%s", r);
		return 0;
	}
	if (kind == 'b') {
		if (reg_name(reg, &r))
			return -ENOTSUP;
		snprintf(fb, sizeof(fb), "%%%s", r);
		if (n == 1) {
			set_mem(v, fb, off);
			return 0;
		}
		if (n == 2 && ops[1].atom == DW_OP_stack_value && off == 0) {
			set_val(v, fb);
			return 0;
		}
		if (n == 2 && ops[1].atom == DW_OP_deref) {
			set_mem(v, fb, off);
			return dv_deref(at, v, 0);
		}
		return dw_err(-ENOTSUP, "'%s' is computed here from %%%s (arithmetic uprobes "
			      "cannot do)", name, r);
	}
	switch (ops[0].atom) {
	case DW_OP_fbreg:
		if (n != 1)
			return dw_err(-ENOTSUP, "'%s' is computed here from a value in the frame "
				      "(arithmetic uprobes cannot do)", name);
		if (frame_base(at, fb, sizeof(fb), &fboff))
			return -ENOTSUP;
		set_mem(v, fb, fboff + (int64_t)ops[0].number);
		return 0;
	case DW_OP_addr:
	case DW_OP_addrx:
	case DW_OP_GNU_addr_index:
		if (n != 1 || addr_op(at, attr, &ops[0], &addr))
			return dw_err(-ENOTSUP, "'%s' is an address computed here, not a "
				      "variable in memory", name);
		v->kind = DV_ABS;
		v->off = (int64_t)dw_to_vaddr(at->d, addr);
		return 0;
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
		return entry_value(at, attr, &ops[0], v, name);
	case DW_OP_implicit_pointer:
	case DW_OP_GNU_implicit_pointer:
		return dw_err(-ENOTSUP, "'%s' is a pointer the compiler optimized away: what "
			      "it points to lives in registers", name);
	case DW_OP_call_frame_cfa:
		if (dw_cfa(at->d, at->pc, &reg, &off) || reg_name(reg, &r))
			return dw_err(-ENOTSUP, "no call frame information here");
		snprintf(fb, sizeof(fb), "%%%s", r);
		set_mem(v, fb, off);
		return 0;
	default:
		break;
	}
	if (n == 2 && ops[1].atom == DW_OP_stack_value) {
		uint8_t a = ops[0].atom;

		if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			v->kind = DV_IMM;
			v->off = a - DW_OP_lit0;
			return 0;
		}
		if (a == DW_OP_const1u || a == DW_OP_const2u || a == DW_OP_const4u ||
		    a == DW_OP_const8u || a == DW_OP_constu || a == DW_OP_const1s ||
		    a == DW_OP_const2s || a == DW_OP_const4s || a == DW_OP_const8s ||
		    a == DW_OP_consts) {
			v->kind = DV_IMM;
			v->off = (int64_t)ops[0].number;
			return 0;
		}
	}
	return dw_err(-ENOTSUP, "'%s' is computed here (DWARF operation %#x), not stored "
		      "where uprobes can read it", name, ops[0].atom);
}

/* "func+0x10..+0x2c", with the end relative to the same symbol. */
static void range_label(struct resolve_dwarf *d, Dwarf_Addr lo, Dwarf_Addr hi, char *buf,
			size_t len)
{
	GElf_Addr off = 0;
	GElf_Sym sym;
	const char *name;

	name = dwfl_module_addrinfo(d->mod, lo + d->dwbias, &off, &sym, NULL, NULL, NULL);
	if (name)
		snprintf(buf, len, "%s+%#" PRIx64 "..+%#" PRIx64, name, (uint64_t)off,
			 (uint64_t)(off + hi - lo));
	else
		snprintf(buf, len, "%#" PRIx64 "..%#" PRIx64, dw_to_vaddr(d, lo),
			 dw_to_vaddr(d, hi));
}

/* "'x' is not available at f+0x4; it is at f+0x10..+0x2c" */
static int not_live(const struct at *at, Dwarf_Attribute *attr, const char *name)
{
	Dwarf_Addr base, start, end, lo = 0, hi = 0;
	char here[160], r[200], msg[600];
	Dwarf_Op *expr;
	size_t len, used = 0, k = 0;
	ptrdiff_t off = 0;
	bool more;

	msg[0] = '\0';
	do {
		off = dwarf_getlocations(attr, off, &base, &start, &end, &expr, &len);
		more = off > 0;
		if (more && !len)
			continue;
		if (more && hi && start == hi) {
			hi = end;	/* adjacent: one range */
			continue;
		}
		if (hi && k++ < 6) {
			range_label(at->d, lo, hi, r, sizeof(r));
			used += snprintf(msg + used, sizeof(msg) - used, "%s%s", k > 1 ? ", " : "",
					 r);
			if (used >= sizeof(msg))
				break;
		}
		lo = start;
		hi = end;
	} while (more);
	dw_pc_label(at->d, at->pc, here, sizeof(here));
	if (!msg[0])
		return dw_err(-ENODATA, "'%s' is optimized out at %s", name, here);
	return dw_err(-ENODATA, "'%s' is not available at %s; it is at %s%s", name, here, msg,
		      k > 6 ? ", ..." : "");
}

static int sym_object(struct resolve_dwarf *d, const char *name, uint64_t *vaddr)
{
	int i, n = dwfl_module_getsymtab(d->mod);

	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *s = dwfl_module_getsym_info(d->mod, i, &sym, &addr, NULL, NULL, NULL);

		if (s && GELF_ST_TYPE(sym.st_info) == STT_OBJECT && sym.st_shndx != SHN_UNDEF &&
		    strcmp(s, name) == 0) {
			*vaddr = addr - d->elfbias;
			return 0;
		}
	}
	return -ENOENT;
}

/* @var (a variable or parameter DIE) at the place -> @v. */
static int var_to_dv(const struct at *at, Dwarf_Die *var, struct dv *v, const char *name)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Sword sv;
	uint64_t vaddr;
	int nl;

	memset(v, 0, sizeof(*v));
	v->typed = type_of(var, &v->type);
	if (dwarf_attr(var, DW_AT_location, &a)) {
		nl = dwarf_getlocation_addr(&a, at->pc, &ops, &nops, 1);
		if (nl < 0)
			return dw_err(-ENOTSUP, "'%s': %s", name, dwarf_errmsg(-1));
		if (nl == 0)
			return not_live(at, &a, name);
		return ops_to_dv(at, &a, ops, nops, v, name);
	}
	if (dwarf_attr_integrate(var, DW_AT_const_value, &a) && dwarf_formsdata(&a, &sv) == 0) {
		v->kind = DV_IMM;
		v->off = sv;
		return 0;
	}
	if (dwarf_hasattr_integrate(var, DW_AT_declaration) &&
	    sym_object(at->d, name, &vaddr) == 0) {
		v->kind = DV_ABS;
		v->off = (int64_t)vaddr;
		return 0;
	}
	return dw_err(-ENODATA, "'%s' is optimized out: the compiler left no location for it",
		      name);
}

/* --- the place ----------------------------------------------------------- */

static int at_init(struct resolve_dwarf *d, const struct resolve_loc *loc, bool is_return,
		   struct at *at)
{

	memset(at, 0, sizeof(*at));
	at->d = d;
	at->loc = loc;
	at->is_return = is_return;
	at->pc = dw_from_vaddr(d, loc->addr);
	if (!dw_addrdie(d, at->pc, &at->cu))
		return dw_err(-ENOENT, "no debug information for the code at %#" PRIx64
			      " (%s+%" PRIu64 ")", loc->addr, loc->symbol ? loc->symbol : "?",
			      loc->add);
	at->nscopes = dwarf_getscopes(&at->cu, at->pc, &at->scopes);
	if (at->nscopes < 0)
		at->nscopes = 0;
	if (dw_func_at(d, at->pc, &at->cu, &at->fn) == 0)
		at->have_fn = dw_entry(&at->fn, &at->entry) == 0;
	return 0;
}

static void at_free(struct at *at)
{
	free(at->scopes);
}

/* Finds variable @name in scope at the place, or a global of that name. */
static int lookup_var(const struct at *at, const char *name, struct dv *v)
{
	Dwarf_Die var;
	uint64_t vaddr;
	char lab[160];

	if (at->nscopes && dwarf_getscopevar(at->scopes, at->nscopes, name, 0, NULL, 0, 0,
					     &var) >= 0)
		return var_to_dv(at, &var, v, name);
	if (sym_object(at->d, name, &vaddr) == 0) {
		memset(v, 0, sizeof(*v));
		v->kind = DV_ABS;
		v->off = (int64_t)vaddr;
		return 0;
	}
	dw_pc_label(at->d, at->pc, lab, sizeof(lab));
	return dw_err(-ENOENT, "no variable '%s' at %s; 'uprobe vars' lists what is there",
		      name, lab);
}

/* --- the expression ------------------------------------------------------ */

struct expr {
	char name[64];		/* NAME= or the default */
	bool named;
	char type[32];		/* :TYPE or "" */
	char body[256];		/* the expression */
};

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

static int parse_expr(const char *arg, struct expr *e)
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
		if (!peel(v, &t) || dwarf_tag(&t) != DW_TAG_pointer_type)
			return dw_err(-EINVAL, "'%s' is not a pointer: it cannot be dereferenced",
				      path);
		if (dv_deref(at, v, 0))
			return -ENOTSUP;
		if (!type_of(&t, &v->type))
			return dw_err(-ENOTSUP, "'%s' points to void: give a type, as in ':u32'",
				      path);
	}
	return 0;
}

/* The fetch and type of the final value @v: "FETCH:TYPE". */
static int finish(const struct at *at, struct dv *v, const char *utype, const char *path,
		  char *out, size_t len)
{
	char f[320], type[48], deref[330];
	bool memory = utype[0] && (strcmp(utype, "string") == 0 ||
				   strcmp(utype, "ustring") == 0 || strchr(utype, '['));
	Dwarf_Word n = 0;
	Dwarf_Die t, e, pe;
	int ret, tag = -1;

	if (peel(v, &t))
		tag = dwarf_tag(&t);
	if (v->kind == DV_VAL && at->is_return && strcmp(v->base, "$retval") != 0)
		return dw_err(-ENODATA, "'%s' is not available on a return probe: by then its "
			      "register holds something else; probe the entry for it", path);
	if (v->kind == DV_MEM && at->is_return && strstr(v->base, "$retval") == NULL)
		return dw_err(-ENODATA, "'%s' is not available on a return probe: the frame it "
			      "lived in is gone; probe the entry for it", path);
	ret = dv_fetch(at, v, f, sizeof(f));
	if (ret)
		return ret;
	if ((memory || (!utype[0] && tag == DW_TAG_pointer_type && char_target(&t))) &&
	    tag == DW_TAG_pointer_type) {
		/* a string's fetch ends with a load from the address it starts at */
		snprintf(deref, sizeof(deref), "+0(%s)", f);
		if (strlen(deref) >= sizeof(f))
			return dw_err(-E2BIG, "'%s' is nested too deep", path);
		memcpy(f, deref, strlen(deref) + 1);
		v->depth++;
		snprintf(type, sizeof(type), "%s", utype[0] ? utype : "string");
	} else if (memory) {
		if (v->kind != DV_MEM && v->kind != DV_ABS)
			return dw_err(-ENOTSUP, "'%s' is not in memory here: ':%s' cannot read "
				      "it", path, utype);
		snprintf(type, sizeof(type), "%s", utype);
	} else if (utype[0]) {
		snprintf(type, sizeof(type), "%s", utype);
	} else if (v->bf_size) {
		snprintf(type, sizeof(type), "b%d@%d/%d", v->bf_size, v->bf_off,
			 dwarf_bytesize(&t) * 8);
	} else if (tag == DW_TAG_array_type) {
		if (v->kind != DV_MEM && v->kind != DV_ABS)
			return dw_err(-ENOTSUP, "'%s' is an array outside memory here", path);
		if (char_target(&t)) {
			snprintf(type, sizeof(type), "string");
		} else {
			if (array_count(&t, &n) || !type_of(&t, &e) || dwarf_peel_type(&e, &pe))
				return dw_err(-ENOTSUP, "'%s' is an array of unknown size: "
					      "index it, as in '%s[0]'", path, path);
			if (n > KMAX_ARRAY)
				return dw_err(-E2BIG, "'%s' has %" PRIu64 " elements, more than the "
					      "kernel's %d: index it, as in '%s[0]'", path,
					      (uint64_t)n, KMAX_ARRAY, path);
			if (scalar_type(at->d, &pe, path, type, sizeof(type) - 8))
				return -ENOTSUP;
			snprintf(type + strlen(type), 8, "[%" PRIu64 "]", (uint64_t)n);
		}
	} else if (tag < 0) {
		return dw_err(-ENOTSUP, "'%s' has no type here: give one, as in '%s:u64'",
			      path, path);
	} else if (scalar_type(at->d, &t, path, type, sizeof(type))) {
		return -ENOTSUP;
	}
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
	set_val(v, "$retval");
	v->typed = dwarf_attr_integrate(&fn, DW_AT_type, &a) &&
		   dwarf_formref_die(&a, &v->type);
	if (!v->typed)
		return dw_err(-ENODATA, "the function returns void");
	return 0;
}

/* One expression (not $params) -> "NAME=FETCH:TYPE". */
static int translate(const struct at *at, const struct expr *e, char **out)
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
			ret = lookup_var(at, last, &v);
		snprintf(path, sizeof(path), "%s", last);
	}
	if (!ret)
		ret = apply_suffixes(at, &v, p, path, sizeof(path), last, sizeof(last), e->body);
	if (!ret)
		ret = apply_stars(at, &v, stars, e->body);
	if (!ret)
		ret = finish(at, &v, e->type, e->body, fetch, sizeof(fetch));
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

static int push(char ***out, size_t *n, char *s)
{
	void *p = realloc(*out, (*n + 1) * sizeof(**out));

	if (!p) {
		free(s);
		return -ENOMEM;
	}
	*out = p;
	(*out)[(*n)++] = s;
	return 0;
}

/* The innermost function (inlined or not) at the place. */
static bool innermost_fn(const struct at *at, Dwarf_Die *fn)
{
	int i;

	for (i = 0; i < at->nscopes; i++)
		if (dwarf_tag(&at->scopes[i]) == DW_TAG_subprogram ||
		    dwarf_tag(&at->scopes[i]) == DW_TAG_inlined_subroutine) {
			*fn = at->scopes[i];
			return true;
		}
	return false;
}

static int params(const struct at *at, const struct expr *e, char ***out, size_t *n)
{
	char skipped[600] = "", fetch[400], *s;
	size_t used = 0;
	Dwarf_Die fn, c;
	struct dv v;
	int ret = 0;

	if (!innermost_fn(at, &fn) || dwarf_child(&fn, &c))
		return dw_err(-ENOENT, "no parameters here");
	do {
		const char *name = dwarf_diename(&c);

		if (dwarf_tag(&c) != DW_TAG_formal_parameter || !name)
			continue;
		ret = var_to_dv(at, &c, &v, name);
		if (!ret)
			ret = finish(at, &v, e->type, name, fetch, sizeof(fetch));
		if (ret == -ENOMEM)
			return ret;
		if (ret) {
			used += snprintf(skipped + used, used < sizeof(skipped) ?
					 sizeof(skipped) - used : 0, "%s%s",
					 used ? "; " : "", resolve_dwarf_errmsg());
			if (used >= sizeof(skipped))
				used = sizeof(skipped) - 1;
			continue;
		}
		s = dw_strdupf("%s=%s", name, fetch);
		if (!s || push(out, n, s))
			return -ENOMEM;
	} while (dwarf_siblingof(&c, &c) == 0);
	if (!*n)
		return dw_err(-ENODATA, "no parameter can be fetched here%s%s",
			      skipped[0] ? ": " : "", skipped);
	dw_err(0, "%s%s", skipped[0] ? "$params left out: " : "", skipped);
	return 0;
}

int resolve_dwarf_args(struct resolve_dwarf *d, const struct resolve_loc *loc,
		       bool is_return, const char *arg, char ***out, size_t *n)
{
	struct expr e;
	struct at at;
	char *s = NULL;
	int ret;

	dw_clear_err();
	*out = NULL;
	*n = 0;
	ret = parse_expr(arg, &e);
	if (ret)
		return ret;
	ret = at_init(d, loc, is_return, &at);
	if (ret)
		return ret;
	if (strcmp(e.body, "$params") == 0) {
		ret = is_return ? dw_err(-EINVAL, "$params are not there on a return probe") :
				  params(&at, &e, out, n);
	} else {
		ret = translate(&at, &e, &s);
		if (!ret)
			ret = push(out, n, s);
	}
	at_free(&at);
	if (ret) {
		resolve_dwarf_args_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

void resolve_dwarf_args_free(char **args, size_t n)
{
	size_t i;

	for (i = 0; args && i < n; i++)
		free(args[i]);
	free(args);
}

/* --- listing ------------------------------------------------------------- */

static int list_var(const struct at *at, Dwarf_Die *var, bool global,
		    struct resolve_dwarf_var **vs, size_t *n, size_t *cap)
{
	const char *name = dwarf_diename(var);
	struct resolve_dwarf_var *r;
	char fetch[400];
	Dwarf_Die t;
	struct dv v;
	size_t i;

	if (!name)
		return 0;
	for (i = 0; i < *n; i++)
		if (strcmp((*vs)[i].name, name) == 0)
			return 0;	/* shadowed */
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		void *p = realloc(*vs, c * sizeof(**vs));

		if (!p)
			return -ENOMEM;
		*vs = p;
		*cap = c;
	}
	r = &(*vs)[*n];
	memset(r, 0, sizeof(*r));
	(*n)++;
	r->name = strdup(name);
	r->param = dwarf_tag(var) == DW_TAG_formal_parameter;
	r->global = global;
	r->type = type_of(var, &t) ? dw_type_name(at->d, &t) : strdup("void");
	if (var_to_dv(at, var, &v, name) == 0 &&
	    finish(at, &v, "", name, fetch, sizeof(fetch)) == 0)
		r->fetch = dw_strdupf("%s=%s", name, fetch);
	else
		r->why = strdup(resolve_dwarf_errmsg());
	if (!r->name || !r->type || (!r->fetch && !r->why))
		return -ENOMEM;
	return 0;
}

static int list_scope(const struct at *at, Dwarf_Die *scope, bool global,
		      struct resolve_dwarf_var **vs, size_t *n, size_t *cap)
{
	Dwarf_Die c;
	int ret = 0;

	if (dwarf_child(scope, &c))
		return 0;
	do {
		int tag = dwarf_tag(&c);

		if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable)
			continue;
		if (global && !dwarf_hasattr(&c, DW_AT_location))
			continue;
		ret = list_var(at, &c, global, vs, n, cap);
	} while (!ret && dwarf_siblingof(&c, &c) == 0);
	return ret;
}

int resolve_dwarf_vars(struct resolve_dwarf *d, const struct resolve_loc *loc,
		       struct resolve_dwarf_var **vs, size_t *n)
{
	size_t cap = 0;
	struct at at;
	int ret, i;

	dw_clear_err();
	*vs = NULL;
	*n = 0;
	ret = at_init(d, loc, false, &at);
	if (ret)
		return ret;
	for (i = 0; !ret && i < at.nscopes; i++) {
		int tag = dwarf_tag(&at.scopes[i]);

		ret = list_scope(&at, &at.scopes[i], tag == DW_TAG_compile_unit, vs, n, &cap);
	}
	at_free(&at);
	if (ret) {
		resolve_dwarf_vars_free(*vs, *n);
		*vs = NULL;
		*n = 0;
	}
	dw_clear_err();
	return ret;
}

void resolve_dwarf_vars_free(struct resolve_dwarf_var *vs, size_t n)
{
	size_t i;

	for (i = 0; vs && i < n; i++) {
		free(vs[i].name);
		free(vs[i].type);
		free(vs[i].fetch);
		free(vs[i].why);
	}
	free(vs);
}
