// SPDX-License-Identifier: GPL-2.0
/*
 * Globals by name: in the DWARF of the place, else from the symbol table.
 * A variable of a shared library that the executable uses directly lives
 * in the executable's own copy (a COPY relocation); clang describes no
 * extern declaration for it, so its type is taken where it is defined: in
 * the DT_NEEDED library ld.so binds the name to, as that library's DWARF
 * says. The fetch stays the executable's copy, which the program reads.
 */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-var.h"
#include "resolve-int.h"

/* Data object @name of the symbol table: its file vaddr and st_size. */
static int sym_object(struct resolve_dwarf *d, const char *name, uint64_t *vaddr,
		      uint64_t *size)
{
	int i, n = dwfl_module_getsymtab(d->mod);

	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *s = dwfl_module_getsym_info(d->mod, i, &sym, &addr, NULL, NULL, NULL);

		if (s && GELF_ST_TYPE(sym.st_info) == STT_OBJECT && sym.st_shndx != SHN_UNDEF &&
		    strcmp(s, name) == 0) {
			*vaddr = addr - d->elfbias;
			*size = sym.st_size;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * A global at file vaddr @vaddr. An exported variable of a shared library
 * may not live there: an executable that uses it directly gets its own
 * copy (a COPY relocation) and the library's code reads it through its GOT
 * slot, which ld.so points at the live copy; so is it read here.
 */
int dv_global_at(const struct at *at, uint64_t vaddr, struct dv *v)
{
	uint64_t slot;

	v->kind = DV_ABS;
	if (resolve_elf_got_slot(at->d->elf, vaddr, &slot)) {
		v->off = (int64_t)vaddr;
		return 0;
	}
	v->off = (int64_t)slot;
	return dv_deref(at, v, 0);
}

/*
 * A pointer to a global, known at build time (gcc propagates &global into a
 * static function or its .isra clone). The address itself is not one the
 * kernel can give, only memory at it; but when the library reads that
 * global through a GOT slot, the slot holds the address, and so is it read.
 */
int dv_addr_value(const struct at *at, uint64_t vaddr, struct dv *v)
{
	uint64_t slot;

	v->kind = DV_ABS;
	if (resolve_elf_got_slot(at->d->elf, vaddr, &slot) == 0) {
		v->off = (int64_t)slot;
		return 0;
	}
	v->kind = DV_ADDR;
	v->off = (int64_t)vaddr;
	return 0;
}

/* The definition of global variable @name among the top-level DIEs of @d. */
static bool defined_var(struct resolve_dwarf *d, const char *name, Dwarf_Die *var)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf_Die cu;

	while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (!dwarf_offdie(d->dw, off + hsize, &cu) || dwarf_child(&cu, var)) {
			off = next;
			continue;
		}
		do {
			const char *n = dwarf_diename(var);

			if (dwarf_tag(var) == DW_TAG_variable && n && strcmp(n, name) == 0 &&
			    !dwarf_hasattr(var, DW_AT_declaration) &&
			    dwarf_hasattr(var, DW_AT_type))
				return true;
		} while (dwarf_siblingof(var, var) == 0);
		off = next;
	}
	return false;
}

/*
 * The type of @name from the library that defines it; @v keeps its place.
 * The library's DWARF stays open with the place, which frees it, as long
 * as @v's type is used.
 */
static void lib_type(const struct at *at, const char *name, struct dv *v)
{
	char *path = NULL;
	Dwarf_Die var;

	if (resolve_needed_object(at->d->path, name, &path))
		return;
	if (!*at->lib || strcmp((*at->lib)->path, path) != 0) {
		resolve_dwarf_close(*at->lib);
		*at->lib = resolve_dwarf_open(path);
	}
	free(path);
	if (*at->lib && defined_var(*at->lib, name, &var))
		v->typed = dv_type_of(&var, &v->type);
}

int dv_extern(const struct at *at, const char *name, struct dv *v)
{
	uint64_t vaddr, size = 0;

	if (sym_object(at->d, name, &vaddr, &size) == 0) {
		v->sym_size = size;
		if (!v->typed)
			lib_type(at, name, v);
		return dv_global_at(at, vaddr, v);
	}
	/* not copied into this file: read where its GOT slot points */
	if (resolve_elf_import_slot(at->d->elf, name, &vaddr))
		return -ENOENT;
	if (!v->typed)
		lib_type(at, name, v);
	v->kind = DV_ABS;
	v->off = (int64_t)vaddr;
	return dv_deref(at, v, 0);
}

int dv_lookup(const struct at *at, const char *name, struct dv *v)
{
	Dwarf_Die var;
	char lab[160];
	int ret;

	if (at->nscopes && dv_find_var(at, name, &var))
		return dv_var(at, &var, v, name);
	memset(v, 0, sizeof(*v));
	ret = dv_extern(at, name, v);
	if (ret != -ENOENT)
		return ret;
	dw_pc_label(at->d, at->pc, lab, sizeof(lab));
	return dw_err(-ENOENT, "no variable '%s' at %s; 'uprobe vars' lists what is there",
		      name, lab);
}
