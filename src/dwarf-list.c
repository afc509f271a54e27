// SPDX-License-Identifier: GPL-2.0
/*
 * The listing of the functions that can be probed, resolve_dwarf_funcs():
 * one entry per name, with its out-of-line entry, its inlined copies
 * counted, and its clones listed under it. Names are kept in a hash table:
 * a big program has tens of thousands of them.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-files.h"
#include "dwarf-int.h"

struct funcs_ctx {
	struct resolve_dwarf *d;
	const char *glob;
	struct resolve_dwarf_func *fs;
	size_t n, cap;
	size_t *slots;		/* by name hash: index into fs + 1, 0 free */
	size_t nslots;
	struct dw_files files;
};

static size_t hash_name(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot of @name in @slots: the one holding it, else the free one. */
static size_t *name_slot(size_t *slots, size_t nslots, const struct resolve_dwarf_func *fs,
			 const char *name)
{
	size_t j;

	for (j = hash_name(name) & (nslots - 1); slots[j]; j = (j + 1) & (nslots - 1))
		if (strcmp(fs[slots[j] - 1].name, name) == 0)
			break;
	return &slots[j];
}

static int funcs_rehash(struct funcs_ctx *c)
{
	size_t nslots = c->nslots ? c->nslots * 2 : 1024, i;
	size_t *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < c->n; i++)
		*name_slot(slots, nslots, c->fs, c->fs[i].name) = i + 1;
	free(c->slots);
	c->slots = slots;
	c->nslots = nslots;
	return 0;
}

static struct resolve_dwarf_func *func_slot(struct funcs_ctx *c, const char *name)
{
	size_t *slot;

	if ((c->n + 1) * 2 > c->nslots && funcs_rehash(c))
		return NULL;
	slot = name_slot(c->slots, c->nslots, c->fs, name);
	if (*slot)
		return &c->fs[*slot - 1];
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		void *p = realloc(c->fs, cap * sizeof(*c->fs));

		if (!p)
			return NULL;
		c->fs = p;
		c->cap = cap;
	}
	memset(&c->fs[c->n], 0, sizeof(*c->fs));
	c->fs[c->n].name = strdup(name);
	if (!c->fs[c->n].name)
		return NULL;
	*slot = c->n + 1;
	return &c->fs[c->n++];
}

static void func_decl(struct funcs_ctx *c, struct resolve_dwarf_func *f, Dwarf_Die *die)
{
	const char *file;
	Dwarf_Die o;

	dw_origin(die, &o);
	file = dw_decl_file(&c->files, c->d->dw, &o);
	f->file = file ? strdup(file) : NULL;
	dwarf_decl_line(&o, &f->line);
}

/* @f has an out-of-line entry at @pc. */
static void func_entry(struct resolve_dwarf *d, struct resolve_dwarf_func *f, Dwarf_Addr pc)
{
	const char *sym;

	if (f->addr && f->addr != dw_to_vaddr(d, pc)) {
		/* a clone next to the original: listed under the original */
		f->clone = true;
		return;
	}
	f->addr = dw_to_vaddr(d, pc);
	dw_vaddr_offset(d, f->addr, &f->offset);
	sym = dw_addrname(d, pc + d->dwbias);
	if (sym && strcmp(sym, f->name) != 0) {
		/* again when a COMDAT copy is seen from another CU */
		free(f->linkage);
		f->linkage = strdup(sym);
		f->clone = dw_is_clone(sym);
	}
}

static int list_visit(void *arg, Dwarf_Die *die, int tag)
{
	struct funcs_ctx *c = arg;
	struct resolve_dwarf_func *f;
	Dwarf_Addr pc;
	char *name;

	if (dw_entry(die, &pc))
		return 0;
	name = dw_display_name(c->d, die, true);
	if (!name || (c->glob && fnmatch(c->glob, name, 0) != 0)) {
		free(name);
		return 0;
	}
	f = func_slot(c, name);
	free(name);
	if (!f)
		return -ENOMEM;
	if (!f->file)
		func_decl(c, f, die);
	if (tag == DW_TAG_inlined_subroutine)
		f->ninlined++;
	else
		func_entry(c->d, f, pc);
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct resolve_dwarf_func *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int resolve_dwarf_funcs(struct resolve_dwarf *d, const char *glob,
			struct resolve_dwarf_func **fs, size_t *n)
{
	struct funcs_ctx c = { .d = d, .glob = glob };
	int ret;

	dw_clear_err();
	ret = dw_walk_all(d, NULL, 0, list_visit, &c);
	free(c.slots);
	dw_files_free(&c.files);
	if (ret) {
		resolve_dwarf_funcs_free(c.fs, c.n);
		return ret;
	}
	if (c.n)
		qsort(c.fs, c.n, sizeof(*c.fs), cmp_func);
	*fs = c.fs;
	*n = c.n;
	return 0;
}

void resolve_dwarf_funcs_free(struct resolve_dwarf_func *fs, size_t n)
{
	size_t i;

	for (i = 0; fs && i < n; i++) {
		free(fs[i].name);
		free(fs[i].linkage);
		free(fs[i].file);
	}
	free(fs);
}
