/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the variable half of the DWARF resolver shares between its files:
 * dwarf-var-loc.c (where a value is), dwarf-var-type.c (what the kernel
 * fetches it as), dwarf-var-expr.c (VAR->m.n[N] expressions) and
 * dwarf-vars.c (the entry points). Not a public header: the API is
 * include/resolve-dwarf.h.
 */
#ifndef UPROBE_DWARF_VAR_H
#define UPROBE_DWARF_VAR_H

#include <stdbool.h>
#include <stdint.h>

#include "dwarf-int.h"

/* The kernel's limits (kernel/trace/trace_probe.h). */
#define KMAX_ARGSTR	63	/* MAX_ARGSTR_LEN: "FETCH:TYPE" */
#define KMAX_DEREF	12	/* FETCH_INSN_MAX leaves room for 12 loads */
#define KMAX_ARRAY	64	/* MAX_ARRAY_LEN */
#define KMAX_ARGNAME	31	/* MAX_ARG_NAME_LEN without the NUL */

enum dv_kind {
	DV_VAL,		/* the value is what @base fetches */
	DV_MEM,		/* the value is in memory at (@base + @off) */
	DV_ABS,		/* the value is in memory at file vaddr @off */
	DV_IMM,		/* the value is the constant @off */
	DV_ADDR,	/* the value is the address of file vaddr @off */
	DV_PIECES,	/* the value is the composite @pieces (DW_OP_piece) */
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
	int bf_cont;		/* its container's bits, when not its type's (a register) */
	uint64_t sym_size;	/* untyped: the size its symbol gives, or 0 */
	Dwarf_Op *pieces;	/* DV_PIECES: the expression, owned by libdw */
	size_t npieces;
	Dwarf_Attribute pattr;	/* ... and the attribute it is from */
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
	bool at_site;		/* @pc is the entry of inlined copy @site */
	Dwarf_Die site;
	bool is_return;
	/* A library's DWARF that a global's type came from, open as long as the
	 * place is (dv_at_free() closes it); through @lib, which points at
	 * @lib_d, the lookups change it on a const place. */
	struct resolve_dwarf **lib;
	struct resolve_dwarf *lib_d;
};

/* One fetch-arg as written: [NAME=]BODY[:TYPE]. */
struct expr {
	char name[64];		/* NAME= or the default */
	bool named;
	char type[32];		/* :TYPE or "" */
	char body[256];		/* the expression */
};

/* --- dwarf-var-scope.c, dwarf-var-loc.c: places and locations ------------ */

/* Fills @at for the probe at @loc; once it succeeds, dv_at_free() frees it. */
int dv_at_init(struct resolve_dwarf *d, const struct resolve_loc *loc, bool is_return,
	       struct at *at);
void dv_at_free(struct at *at);

/* @v is the value @fetch itself ("$retval", "%di"). */
void dv_set_val(struct dv *v, const char *fetch);

/* The fetch that gives the value of @v at @at. */
int dv_fetch(const struct at *at, const struct dv *v, char *buf, size_t len);

/* @v holds an address: the value is now in memory there, @off beyond it. */
int dv_deref(const struct at *at, struct dv *v, int64_t off);

/* @var (a variable or parameter DIE) at the place -> @v. */
int dv_var(const struct at *at, Dwarf_Die *var, struct dv *v, const char *name);

/* The name of @var, through DW_AT_abstract_origin (inlined copies). */
const char *dv_name(Dwarf_Die *var);

/* Whether @scope closes the variables' scopes: a function or an inlined copy. */
bool dv_scope_is_fn(Dwarf_Die *scope);

/* Whether the innermost function scope @i at the place is a copy inlined
 * at the very entry of the function holding it: that function's own
 * variables are in scope too, since the probe is at its entry. */
bool dv_entry_outer(const struct at *at, int i);

/* @name in the scopes of the innermost function (or inlined copy) at the
 * place, then in its compile unit. */
bool dv_find_var(const struct at *at, const char *name, Dwarf_Die *var);

/* --- dwarf-var-global.c: globals ----------------------------------------- */

/* Variable @name in scope at the place, or a global of that name -> @v. */
int dv_lookup(const struct at *at, const char *name, struct dv *v);

/*
 * Global @name by its symbol: the file's own (or its copy of a library's),
 * else the import it reads through its GOT; typed from the defining
 * library's DWARF when @v has no type yet. -ENOENT when the file has neither.
 */
int dv_extern(const struct at *at, const char *name, struct dv *v);

/* @v is the global at file vaddr @vaddr, read where the program reads it. */
int dv_global_at(const struct at *at, uint64_t vaddr, struct dv *v);

/* @v is the address of file vaddr @vaddr (DW_OP_addr, DW_OP_stack_value). */
int dv_addr_value(const struct at *at, uint64_t vaddr, struct dv *v);

/* Whether the @n operations @ops, applied to a register, only narrow it to
 * @v's type, which a fetch of the register with that type does. */
bool dv_narrows(const struct dv *v, Dwarf_Attribute *attr, const Dwarf_Op *ops, size_t n);

/* The location expression @ops (one piece of it, or all) at the place -> @v. */
int dv_ops(const struct at *at, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t nops, struct dv *v,
	   const char *name);

/* --- dwarf-var-piece.c: values in pieces --------------------------------- */

/* @v is the composite @ops (DW_OP_piece) of @attr: its members one by one. */
int dv_pieces(Dwarf_Attribute *attr, Dwarf_Op *ops, size_t nops, struct dv *v);

/*
 * Member bytes *@off..+@size of composite @v: @v becomes the piece that
 * holds them, *@off their offset in it; or why not (@path.@m for messages).
 */
int dv_piece_select(const struct at *at, struct dv *v, int64_t *off, Dwarf_Word size,
		    const char *path, const char *m);

/* --- dwarf-var-abi.c: parameters at the entry --------------------------- */

/*
 * @var at the entry of the function, when its location @loc is a slot in
 * the frame (unoptimized code): a parameter where the ABI passes it, or why
 * not; a local is not there yet. 1 when @loc is good at the place as it is.
 */
int dv_at_entry(const struct at *at, Dwarf_Die *var, Dwarf_Attribute *loc, struct dv *v,
		const char *name);

/*
 * @var at the entry of a function that follows the ABI, when its location
 * list starts after the entry: where the ABI passes it. 1 when that is not
 * the case (not the entry, not a parameter, a clone, internal linkage).
 */
int dv_abi_entry(const struct at *at, Dwarf_Die *var, struct dv *v, const char *name);

/* --- dwarf-var-type.c: C types ------------------------------------------ */

/* The DW_AT_type of @die; false for void. */
bool dv_type_of(Dwarf_Die *die, Dwarf_Die *out);

/* The type of @v without typedefs and qualifiers; false for void. */
bool dv_peel(const struct dv *v, Dwarf_Die *t);

/* Whether @t points to / is an array of char. */
bool dv_char_target(Dwarf_Die *t);

/* The number of elements of array type @t. */
int dv_array_count(Dwarf_Die *t, Dwarf_Word *n);

/* The kernel type of a scalar @t ("s32", "x64", "char"), or an error. */
int dv_scalar_type(struct resolve_dwarf *d, Dwarf_Die *t, const char *name,
		   char *buf, size_t len);

/* The kernel type of array @t in memory ("string", "u8[4]"), or an error. */
int dv_array_type(struct resolve_dwarf *d, Dwarf_Die *t, const char *path,
		  char *buf, size_t len);

/* Member @name of struct/union/class @t, through anonymous members and
 * base classes; @off gets its byte offset. */
bool dv_find_member(Dwarf_Die *t, const char *name, Dwarf_Die *m, int64_t *off, int depth);

/* The names of @t's members, ", "-separated, as many as fit. */
void dv_member_list(Dwarf_Die *t, char *buf, size_t len);

/* A bitfield member @m of type @mt: its width and offset into @v. */
int dv_bitfield(Dwarf_Die *m, Dwarf_Die *mt, int64_t *byteoff, struct dv *v);

/* --- dwarf-var-expr.c: expressions --------------------------------------- */

/* Splits @arg into @e, refusing what the kernel would (a name too long). */
int dv_parse_expr(const char *arg, struct expr *e);

/* One expression (not $params) -> "NAME=FETCH:TYPE"; caller frees @out. */
int dv_translate(const struct at *at, const struct expr *e, char **out);

/* The fetch and type of the final value @v: "FETCH:TYPE". */
int dv_finish(const struct at *at, struct dv *v, const char *utype, const char *path,
	      char *out, size_t len);

#endif
