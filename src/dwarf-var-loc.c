// SPDX-License-Identifier: GPL-2.0
/*
 * Where a variable's value is at the probe address, from its DWARF
 * location: a register (%di), memory at a register plus an offset
 * (-20(%bp)), a load through either, a constant, or a global at @+OFFSET.
 * Also the frame base and the CFA the locations count from, location lists
 * (and why a variable is not live here), and entry values.
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-var.h"
#include "resolve-int.h"
#include "x86-regs.h"

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
	*name = x86_reg_dwarf(reg);
	if (!*name)
		return dw_err(-ENOTSUP, "it is in DWARF register %d (%s), which uprobes "
			      "cannot fetch", reg, reg == 16 ? "the return address" :
			      reg >= 17 && reg <= 32 ? "a vector register" : "not a general register");
	return 0;
}

/* @v is the value of DWARF register @reg. */
static int set_reg(struct dv *v, int reg)
{
	const char *r = NULL;

	if (reg_name(reg, &r))
		return -ENOTSUP;
	v->kind = DV_VAL;
	snprintf(v->base, sizeof(v->base), "%%%s", r);
	return 0;
}

void dv_set_val(struct dv *v, const char *fetch)
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

int dv_fetch(const struct at *at, const struct dv *v, char *buf, size_t len)
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
	case DV_ADDR:
		return dw_err(-ENOTSUP, "the value is the address of a variable of this file "
			      "(vaddr %#" PRIx64 "): uprobes can read what is there (*p, p->m), "
			      "not the address itself", (uint64_t)v->off);
	case DV_PIECES:
		return dw_err(-ENOTSUP, "the value is split across registers and memory here; "
			      "uprobes cannot put it together, only fetch a member of it");
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

int dv_deref(const struct at *at, struct dv *v, int64_t off)
{
	char b[sizeof(v->base)];
	int ret;

	if (v->kind == DV_ADDR) {
		v->kind = DV_ABS;
		v->off += off;
		return 0;
	}
	ret = dv_fetch(at, v, b, sizeof(b));
	if (ret)
		return ret;
	if (v->kind == DV_IMM)
		return dw_err(-ENOTSUP, "it is a constant, not an address");
	if (v->kind == DV_MEM || v->kind == DV_ABS)
		v->depth++;
	set_mem(v, b, off);
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
	return set_reg(v, reg);
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

/* How many of @ops give the value: those before a DW_OP_piece that holds
 * all of it; 1 when the value is in pieces (dwarf-var-piece.c). */
static int ops_len(const struct dv *v, const Dwarf_Op *ops, size_t nops, const char *name,
		   size_t *n)
{
	Dwarf_Word tsize = 0;
	Dwarf_Die pt;
	size_t i;

	*n = nops;
	for (i = 0; i < nops; i++) {
		if (ops[i].atom != DW_OP_piece)
			continue;
		if (dv_peel(v, &pt))
			dwarf_aggregate_size(&pt, &tsize);
		if (i == 0 || ops[i].number < tsize)
			return 1;
		*n = i;
		break;
	}
	if (*n == 0)
		return dw_err(-ENODATA, "'%s' is optimized out here", name);
	return 0;
}

/* DW_OP_breg* (register @reg + @off), alone or with one more operation. */
static int ops_breg(const struct at *at, Dwarf_Attribute *attr, const Dwarf_Op *ops, size_t n,
		    struct dv *v, const char *name, int reg, int64_t off)
{
	const char *r = NULL;
	char fb[64];

	if (reg_name(reg, &r))
		return -ENOTSUP;
	snprintf(fb, sizeof(fb), "%%%s", r);
	if (n == 1) {
		set_mem(v, fb, off);
		return 0;
	}
	if (n >= 2 && ops[n - 1].atom == DW_OP_stack_value && off == 0 &&
	    (n == 2 || dv_narrows(v, attr, ops + 1, n - 2))) {
		dv_set_val(v, fb);
		return 0;
	}
	if (n == 2 && ops[1].atom == DW_OP_deref) {
		set_mem(v, fb, off);
		return dv_deref(at, v, 0);
	}
	return dw_err(-ENOTSUP, "'%s' is computed here from %%%s (arithmetic uprobes "
		      "cannot do)", name, r);
}

static int ops_fbreg(const struct at *at, const Dwarf_Op *ops, size_t n, struct dv *v,
		     const char *name)
{
	char fb[64];
	int64_t fboff;

	if (n != 1)
		return dw_err(-ENOTSUP, "'%s' is computed here from a value in the frame "
			      "(arithmetic uprobes cannot do)", name);
	if (frame_base(at, fb, sizeof(fb), &fboff))
		return -ENOTSUP;
	/* the operand is from the file: a wrapped sum would be a wrong place */
	if (__builtin_add_overflow(fboff, (int64_t)ops[0].number, &fboff) ||
	    fboff < -(1ll << 31) || fboff >= (1ll << 31))
		return dw_err(-ENOTSUP, "'%s' is at a frame offset of %" PRId64 " beyond any "
			      "stack frame: the debug information is damaged", name,
			      (int64_t)ops[0].number);
	set_mem(v, fb, fboff);
	return 0;
}

static int ops_addr(const struct at *at, Dwarf_Attribute *attr, const Dwarf_Op *ops,
		    size_t n, struct dv *v, const char *name)
{
	Dwarf_Addr addr;
	uint64_t add = 0;

	if (addr_op(at, attr, &ops[0], &addr))
		return dw_err(-ENOTSUP, "'%s': the address of its global cannot be read", name);
	if (n == 1)
		return dv_global_at(at, dw_to_vaddr(at->d, addr), v);
	/* the value is an address in this file (a pointer to a global) */
	if (n == 3 && ops[1].atom == DW_OP_plus_uconst) {
		add = ops[1].number;
		ops++;
		n--;
	}
	if (n == 2 && ops[1].atom == DW_OP_stack_value)
		return dv_addr_value(at, dw_to_vaddr(at->d, addr) + add, v);
	return dw_err(-ENOTSUP, "'%s' is an address computed here, not a "
		      "variable in memory", name);
}

static int ops_cfa(const struct at *at, struct dv *v)
{
	const char *r = NULL;
	char fb[64];
	int64_t off = 0;
	int reg;

	if (dw_cfa(at->d, at->pc, &reg, &off) || reg_name(reg, &r))
		return dw_err(-ENOTSUP, "no call frame information here");
	snprintf(fb, sizeof(fb), "%%%s", r);
	set_mem(v, fb, off);
	return 0;
}

/* A constant: DW_OP_lit* or DW_OP_const* with DW_OP_stack_value. */
static int ops_const(const Dwarf_Op *ops, size_t n, struct dv *v, const char *name)
{
	uint8_t a = ops[0].atom;

	if (n == 2 && ops[1].atom == DW_OP_stack_value) {
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

/*
 * A thread-local's address is the thread pointer (the %fs base on x86-64)
 * plus an offset the dynamic linker picks; the fs base is not among the
 * registers a uprobe fetch-arg can read, so there is no address to fetch.
 */
static int tls_refusal(const char *name)
{
	return dw_err(-ENOTSUP, "'%s' is thread-local: each thread has its own copy, found "
		      "from the thread pointer (the %%fs base), which uprobe fetch-args cannot "
		      "read", name);
}

/* Translates the location expression @ops into @v. */
static int ops_to_dv(const struct at *at, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t nops,
		     struct dv *v, const char *name)
{
	int64_t off = 0;
	size_t n;
	int reg, kind, ret;

	ret = ops_len(v, ops, nops, name, &n);
	if (ret > 0)
		return dv_pieces(attr, ops, nops, v);
	if (ret)
		return ret;
	if (ops[n - 1].atom == DW_OP_form_tls_address ||
	    ops[n - 1].atom == DW_OP_GNU_push_tls_address)
		return tls_refusal(name);
	kind = reg_of(&ops[0], &reg, &off);
	if (kind == 'r' && n == 1)
		return set_reg(v, reg);
	if (kind == 'b')
		return ops_breg(at, attr, ops, n, v, name, reg, off);
	switch (ops[0].atom) {
	case DW_OP_fbreg:
		return ops_fbreg(at, ops, n, v, name);
	case DW_OP_addr:
	case DW_OP_addrx:
	case DW_OP_GNU_addr_index:
		return ops_addr(at, attr, ops, n, v, name);
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
		return entry_value(at, attr, &ops[0], v, name);
	case DW_OP_implicit_pointer:
	case DW_OP_GNU_implicit_pointer:
		return dw_err(-ENOTSUP, "'%s' is a pointer the compiler optimized away: what "
			      "it points to lives in registers", name);
	case DW_OP_call_frame_cfa:
		return ops_cfa(at, v);
	default:
		return ops_const(ops, n, v, name);
	}
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
		if (more && (!len || start == end))
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

/*
 * gcc describes a value that is somewhere only at one instant as an empty
 * range [pc, pc) told apart by location views (a parameter of an inlined
 * copy at its entry, often): no instruction runs between the views of one
 * address, so at the entry of the function or copy that is the value.
 */
static int empty_at_entry(const struct at *at, Dwarf_Attribute *attr, Dwarf_Op **ops,
			  size_t *nops)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;

	if (!at->at_site && !(at->have_fn && at->pc == at->entry))
		return 0;
	while ((off = dwarf_getlocations(attr, off, &base, &start, &end, ops, nops)) > 0)
		if (start == at->pc && end == at->pc && *nops)
			return 1;
	return 0;
}

/* @var's location @ops; at the entry, the ABI has the whole of a parameter
 * that the DWARF has in pieces, some of them missing. */
static int var_ops(const struct at *at, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t nops,
		   Dwarf_Die *var, struct dv *v, const char *name)
{
	struct dv abi = *v;
	int ret = ops_to_dv(at, attr, ops, nops, v, name);

	if (ret == 0 && v->kind == DV_PIECES && dv_abi_entry(at, var, &abi, name) == 0)
		*v = abi;
	return ret;
}

int dv_var(const struct at *at, Dwarf_Die *var, struct dv *v, const char *name)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Sword sv;
	int nl;

	memset(v, 0, sizeof(*v));
	v->typed = dv_type_of(var, &v->type);
	if (dwarf_attr(var, DW_AT_location, &a)) {
		nl = dv_at_entry(at, var, &a, v, name);
		if (nl <= 0)
			return nl;
		nl = dwarf_getlocation_addr(&a, at->pc, &ops, &nops, 1);
		if (nl < 0)
			return dw_err(-ENOTSUP, "'%s': %s", name, dwarf_errmsg(-1));
		if (nl == 0)
			nl = empty_at_entry(at, &a, &ops, &nops);
		if (nl > 0)
			return var_ops(at, &a, ops, nops, var, v, name);
		nl = dv_abi_entry(at, var, v, name);
		return nl <= 0 ? nl : not_live(at, &a, name);
	}
	if (dwarf_attr_integrate(var, DW_AT_const_value, &a) && dwarf_formsdata(&a, &sv) == 0) {
		v->kind = DV_IMM;
		v->off = sv;
		return 0;
	}
	if (dwarf_hasattr_integrate(var, DW_AT_declaration) &&
	    (nl = dv_extern(at, name, v)) != -ENOENT)
		return nl;
	return dw_err(-ENODATA, "'%s' is optimized out: the compiler left no location for it",
		      name);
}

int dv_ops(const struct at *at, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t nops, struct dv *v,
	   const char *name)
{
	return ops_to_dv(at, attr, ops, nops, v, name);
}
