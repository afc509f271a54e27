/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the DWARF half of the resolver shares between its files
 * (resolve-dwarf.c: files, names, places; resolve-dwvar.c: variables).
 * Not a public header: the API is include/resolve-dwarf.h.
 */
#ifndef UPROBE_DWARF_INT_H
#define UPROBE_DWARF_INT_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdarg.h>

#include "resolve-dwarf.h"

struct dw_load {
	uint64_t vaddr, memsz, offset;
};

struct dw_sym {
	char *name;
	uint64_t addr;		/* file vaddr */
	uint64_t size;
};

/* DIE offset -> qualified C++ scope ("ns::Klass"), per CU on demand; a CU
 * walked is a key too, its offset with DW_SCOPES_DONE set. */
struct dw_scopes {
	uint64_t *keys;
	char **vals;
	size_t cap, len;
};

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
	struct dw_scopes scopes;
	struct dw_curange *curanges;
	size_t ncuranges;
	bool curanges_read;
};

/* Error detail for resolve_dwarf_errmsg(); returns @ret for tail calls. */
int dw_err(int ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dw_clear_err(void);

/* DWARF address <-> file vaddr <-> file offset. */
Dwarf_Addr dw_from_vaddr(const struct resolve_dwarf *d, uint64_t vaddr);
uint64_t dw_to_vaddr(const struct resolve_dwarf *d, Dwarf_Addr pc);
int dw_vaddr_offset(const struct resolve_dwarf *d, uint64_t vaddr, uint64_t *off);

/* dwfl_module_addrname() of Dwfl address @addr, through a sorted table. */
const char *dw_addrname(struct resolve_dwarf *d, Dwarf_Addr addr);

/* "func+0x12" for the DWARF address @pc, into @buf. */
void dw_pc_label(struct resolve_dwarf *d, Dwarf_Addr pc, char *buf, size_t len);

/* The CU holding DWARF address @pc, with or without .debug_aranges. */
Dwarf_Die *dw_addrdie(struct resolve_dwarf *d, Dwarf_Addr pc, Dwarf_Die *cu);

/* The DW_TAG_subprogram (out of line) holding @pc, and its CU. */
int dw_func_at(struct resolve_dwarf *d, Dwarf_Addr pc, Dwarf_Die *cu, Dwarf_Die *fn);

/* The entry address of a subprogram or inlined_subroutine. */
int dw_entry(Dwarf_Die *die, Dwarf_Addr *pc);

/* Whether the CU of @die is C++. */
bool dw_is_cxx(Dwarf_Die *die);

/* "ns::Klass::method" (C++) or the plain name; caller frees. */
char *dw_qualname(struct resolve_dwarf *d, Dwarf_Die *die);

/* The C spelling of type @type ("const char *"); NULL type is "void". */
char *dw_type_name(struct resolve_dwarf *d, Dwarf_Die *type);

/* The CFA rule at @pc: CFA = %reg + off. */
int dw_cfa(struct resolve_dwarf *d, Dwarf_Addr pc, int *reg, int64_t *off);

/* asprintf that returns NULL on failure. */
char *dw_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
