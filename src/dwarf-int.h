/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the DWARF half of the resolver shares between its files. Not a
 * public header: the API is include/resolve-dwarf.h.
 *
 *   dwarf-open.c	opening (Dwfl, the debug file), errors, address maps
 *   dwarf-syms.c	the symbol table: names at addresses, compiler clones
 *   dwarf-names.c	C++ scopes and signatures, type names, matching names
 *   dwarf-walk.c	the one walk over functions; finding a function's copies
 *   dwarf-place.c	places for a target; entry or after the prologue
 *   dwarf-lines.c	FILE:LINE, FUNC:RELLINE, resolve_dwarf_lines()
 *   dwarf-list.c	resolve_dwarf_funcs()
 *   dwarf-var*.c	variables as fetch-args (dwarf-var.h)
 */
#ifndef UPROBE_DWARF_INT_H
#define UPROBE_DWARF_INT_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdarg.h>

#include "resolve-dwarf.h"
#include "util.h"

struct dw_load {
	uint64_t vaddr, memsz, offset;
};

struct dw_sym {
	char *name;
	uint64_t addr;		/* file vaddr */
	uint64_t size;
};

/* The scopes table (struct resolve_dwarf.scopes) maps a DIE offset to its
 * qualified C++ scope ("ns::Klass"), per CU on demand; a CU walked is a key
 * too, its offset with DW_SCOPES_DONE set. */
#define DW_SCOPES_DONE (1ull << 63)

/* A symbol as dwfl_module_addrname() weighs it, sorted by address. */
struct dw_addrsym {
	uint64_t value;		/* Dwfl address */
	uint64_t size;
	uint64_t maxend;	/* highest value + size of this and those before */
	int ndx;		/* in dwfl_module_getsym() */
	int bind;
};

/* A CU's address range, for files without .debug_aranges (clang). */
struct dw_curange {
	Dwarf_Addr lo, hi;
	Dwarf_Off cu;
};

struct resolve_dwarf {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr dwbias;	/* Dwfl address = DWARF address + dwbias */
	GElf_Addr elfbias;	/* Dwfl address = file vaddr + elfbias */
	Elf *elf;
	char *path;
	char *debugfile;
	struct dw_load *loads;
	size_t nloads;
	Dwarf_CFI *cfi;
	Dwarf_Addr cfibias;
	bool cfi_tried;
	struct dw_sym *syms;	/* functions from the symbol table */
	size_t nsyms;
	bool syms_read;
	struct dw_addrsym *asyms;	/* every symbol, for dw_addrname() */
	size_t nasyms;
	int first_global;
	int asyms_read;		/* 0 not yet, 1 read, -1 use libdwfl */
	struct u64map scopes;	/* DIE offset -> "ns::Klass" (util.h) */
	struct dw_curange *curanges;
	size_t ncuranges;
	bool curanges_read;
};

/* --- dwarf-open.c: errors, addresses ------------------------------------- */

/* Error detail for resolve_dwarf_errmsg(); returns @ret for tail calls. */
int dw_err(int ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dw_clear_err(void);

/* dwarf-find.c: the debug file, found locally; libdebuginfod only when this is true */
bool dw_debuginfod(void);
int dw_find_debuginfo(Dwfl_Module *mod, void **user, const char *modname, GElf_Addr base,
		      const char *file, const char *link, GElf_Word crc, char **name);
/* 0 when @path has no DWARF in it and no debug file here; *@machine its e_machine */
int dw_debug_local(const char *path, unsigned int *machine);

/* asprintf that returns NULL on failure. */
char *dw_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* DWARF address <-> file vaddr <-> file offset. */
Dwarf_Addr dw_from_vaddr(const struct resolve_dwarf *d, uint64_t vaddr);
uint64_t dw_to_vaddr(const struct resolve_dwarf *d, Dwarf_Addr pc);
int dw_vaddr_offset(const struct resolve_dwarf *d, uint64_t vaddr, uint64_t *off);

/* "func+0x12" for the DWARF address @pc, into @buf. */
void dw_pc_label(struct resolve_dwarf *d, Dwarf_Addr pc, char *buf, size_t len);

/* The CU holding DWARF address @pc, with or without .debug_aranges. */
Dwarf_Die *dw_addrdie(struct resolve_dwarf *d, Dwarf_Addr pc, Dwarf_Die *cu);

/* The DW_TAG_subprogram (out of line) holding @pc, and its CU. */
int dw_func_at(struct resolve_dwarf *d, Dwarf_Addr pc, Dwarf_Die *cu, Dwarf_Die *fn);

/* The entry address of a subprogram or inlined_subroutine. */
int dw_entry(Dwarf_Die *die, Dwarf_Addr *pc);

/* --- dwarf-syms.c: the symbol table -------------------------------------- */

/* dwfl_module_addrname() of Dwfl address @addr, through a sorted table. */
const char *dw_addrname(struct resolve_dwarf *d, Dwarf_Addr addr);

/* Reads the function symbols into d->syms, once. */
int dw_read_syms(struct resolve_dwarf *d);

/*
 * Whether symbol @sym is what the user may call @name: itself, a version
 * of it, a compiler clone or .cold part of it, or (C++, @last set) a
 * mangled name holding @name's last component @last of @lastlen bytes.
 */
bool dw_sym_candidate(const char *sym, const char *name, const char *last, size_t lastlen);

/* Whether symbol @sym is a compiler clone (.isra., .constprop., .part.):
 * a copy of a function with an entry of its own, which a .cold part is not.
 * One table of suffixes serves this and dw_sym_candidate(). */
bool dw_is_clone(const char *sym);

/* --- dwarf-names.c: names ------------------------------------------------ */

/* Whether the CU of @die is C++. */
bool dw_is_cxx(Dwarf_Die *die);

/* Whether DIEs of tag @tag open a C++ scope: namespace, class, struct, union. */
bool dw_is_scope_tag(int tag);

/* The DIE that names @die, through abstract_origin and specification. */
void dw_origin(Dwarf_Die *die, Dwarf_Die *out);

/* The DIE offset of dw_origin(@die): one id for a function and its copies. */
Dwarf_Off dw_origin_off(Dwarf_Die *die);

/* "ns::Klass::method" (C++) or the plain name; caller frees. */
char *dw_qualname(struct resolve_dwarf *d, Dwarf_Die *die);

/* The C spelling of type @type ("const char *"); NULL type is "void". */
char *dw_type_name(struct resolve_dwarf *d, Dwarf_Die *type);

/* The name a user types for @fn: "name", or C++ "ns::K::m(int)" when
 * @with_sig; caller frees. */
char *dw_display_name(struct resolve_dwarf *d, Dwarf_Die *fn, bool with_sig);

/* Whether function DIE @fn is what the user called @spec (exact or @glob). */
bool dw_name_matches(struct resolve_dwarf *d, Dwarf_Die *fn, const char *spec, bool glob);

/* --- dwarf-walk.c: walking functions, finding a function ----------------- */

/*
 * The walk over the functions of the compile and partial units, but those
 * at the @nskip offsets in @skip: @visit(@arg, die, tag) for every
 * subprogram with code (not a declaration) and every inlined_subroutine,
 * nested ones included. A nonzero return from @visit ends the walk and is
 * its result.
 */
int dw_walk_all(struct resolve_dwarf *d, const Dwarf_Off *skip, size_t nskip,
		int (*visit)(void *arg, Dwarf_Die *die, int tag), void *arg);

/* A place of a function: its out-of-line entry or an inlined copy. */
struct dw_site {
	Dwarf_Die die;		/* concrete subprogram or inlined_subroutine */
	Dwarf_Addr pc;		/* entry, DWARF address */
	Dwarf_Off origin;	/* the function it is a copy of */
	bool inlined;
};

/* The sites of the functions a name (or a glob) means. */
struct dw_find {
	struct resolve_dwarf *d;
	const char *spec;
	bool glob;
	bool want_inlines;
	Dwarf_Off *ids;		/* functions found by symbol address */
	size_t nids;
	struct dw_site *sites;
	size_t nsites, cap;
};

/*
 * The sites of the function @spec names (not a glob), its clones and, when
 * @inlines, its inlined copies: -ENOENT when there is none, -ENOTUNIQ when
 * they are several different functions (the candidates in the message).
 * Free @f with dw_find_free() whatever the result.
 */
int dw_find_one(struct resolve_dwarf *d, const char *spec, bool inlines, struct dw_find *f);

/* The out-of-line sites of the functions whose names match the glob @spec. */
int dw_find_glob(struct resolve_dwarf *d, const char *spec, struct dw_find *f);

void dw_find_free(struct dw_find *f);

/* --- dwarf-place.c, dwarf-lines.c: places -------------------------------- */

/* resolve_locs for the @n sites @s (RESOLVE_DWARF_RETURN in @flags leaves
 * out inlined ones); caller frees with resolve_locs_free(). */
int dw_sites_to_locs(struct resolve_dwarf *d, const struct dw_site *s, size_t n,
		     unsigned int flags, struct resolve_loc **locs, size_t *nout);

/* Where the prologue of @fn (entry @entry) ends, as dwarf_entry_breakpoints()
 * says: the first breakpoint past the entry. -ENOENT when there is none. */
int dw_after_prologue(struct resolve_dwarf *d, Dwarf_Die *fn, Dwarf_Addr entry,
		      Dwarf_Addr *pc);

/* "FILE:LINE" and "FUNC:RELLINE" targets of resolve_dwarf_place(). */
int dw_place_file_line(struct resolve_dwarf *d, const char *file, int line, size_t max,
		       struct resolve_loc **locs, size_t *n);
int dw_place_rel_line(struct resolve_dwarf *d, const char *func, int rel, unsigned int flags,
		      size_t max, struct resolve_loc **locs, size_t *n);

/* --- dwarf-var-loc.c: variables ------------------------------------------ */

/* The CFA rule at @pc: CFA = %reg + off. */
int dw_cfa(struct resolve_dwarf *d, Dwarf_Addr pc, int *reg, int64_t *off);

#endif
