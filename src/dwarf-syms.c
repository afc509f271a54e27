// SPDX-License-Identifier: GPL-2.0
/*
 * The symbol table, as the DWARF resolver reads it: the name at an
 * address (as libdwfl chooses it, without its cost), the function symbols
 * a name may mean, and the suffixes compilers give their clones.
 */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf-int.h"
#include "util.h"

/*
 * dwfl_module_addrname() reads the whole symbol table on every call, so a
 * listing of every function would be quadratic. The same choice is made here
 * from a table sorted once: of the symbols with a size that hold @addr, the
 * global ones first, else the local ones, in symbol table order, the closest
 * (then the more global, then the smaller) winning and the first on a tie.
 * When that leaves nothing, or a sizeless symbol could win, libdwfl decides.
 */
static int cmp_addrsym(const void *a, const void *b)
{
	const struct dw_addrsym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->ndx - y->ndx;
}

static int bind_rank(int bind)
{
	return bind == STB_GLOBAL ? 3 : bind == STB_WEAK ? 2 : bind == STB_LOCAL ? 1 : 0;
}

static int read_addrsyms(struct resolve_dwarf *d)
{
	int n = dwfl_module_getsymtab(d->mod), i;

	d->first_global = dwfl_module_getsymtab_first_global(d->mod);
	if (n <= 0 || d->first_global < 0)
		return -ENOENT;
	d->asyms = calloc(n, sizeof(*d->asyms));
	if (!d->asyms)
		return -ENOMEM;
	for (i = 1; i < n; i++) {
		struct dw_addrsym *a = &d->asyms[d->nasyms];
		const char *name;
		GElf_Sym sym;
		int type;

		name = dwfl_module_getsym(d->mod, i, &sym, NULL);
		if (!name || !name[0] || sym.st_shndx == SHN_UNDEF)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_SECTION || type == STT_FILE || type == STT_TLS)
			continue;
		*a = (struct dw_addrsym){ sym.st_value, sym.st_size, 0, i,
					  GELF_ST_BIND(sym.st_info) };
		d->nasyms++;
	}
	qsort(d->asyms, d->nasyms, sizeof(*d->asyms), cmp_addrsym);
	for (i = 0; i < (int)d->nasyms; i++) {
		struct dw_addrsym *a = &d->asyms[i];

		a->maxend = a->value + a->size;
		if (i && a[-1].maxend > a->maxend)
			a->maxend = a[-1].maxend;
	}
	return 0;
}

static bool addrsym_better(const struct dw_addrsym *best, const struct dw_addrsym *a)
{
	int bb, ba;

	if (!best)
		return true;
	bb = bind_rank(best->bind);
	ba = bind_rank(a->bind);
	if (best->value < a->value || bb < ba)
		return true;
	return best->value == a->value && ((best->size > a->size && bb <= ba) ||
					   (best->size >= a->size && bb < ba));
}

/* The sized symbols holding @addr, in symbol table order; -E2BIG when
 * there are too many to weigh here. */
static int addrsyms_holding(struct resolve_dwarf *d, Dwarf_Addr addr,
			    const struct dw_addrsym **out, size_t max, size_t *n)
{
	size_t lo = 0, hi = d->nasyms, steps = 0, i, j;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->asyms[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*n = 0;
	for (j = lo; j-- > 0 && d->asyms[j].maxend > addr;) {
		const struct dw_addrsym *a = &d->asyms[j];

		if (++steps > 256 || *n == max)
			return -E2BIG;
		if (!a->size || addr - a->value >= a->size)
			continue;
		for (i = (*n)++; i > 0 && out[i - 1]->ndx > a->ndx; i--)
			out[i] = out[i - 1];
		out[i] = a;
	}
	/* a global sizeless symbol right at @addr may keep libdwfl from
	 * looking at the local symbols */
	for (j = lo; j-- > 0 && d->asyms[j].value == addr;)
		if (!d->asyms[j].size && d->asyms[j].ndx >= d->first_global)
			return -E2BIG;
	return 0;
}

const char *dw_addrname(struct resolve_dwarf *d, Dwarf_Addr addr)
{
	const struct dw_addrsym *held[16], *best = NULL;
	int first_global, pass;
	size_t n, i;
	GElf_Sym sym;

	if (!d->asyms_read)
		d->asyms_read = read_addrsyms(d) ? -1 : 1;
	if (d->asyms_read < 0 || addrsyms_holding(d, addr, held, 16, &n))
		return dwfl_module_addrname(d->mod, addr);
	first_global = d->first_global > 1 ? d->first_global : 1;
	for (pass = 0; pass < 2 && !best; pass++)
		for (i = 0; i < n; i++)
			if ((held[i]->ndx >= first_global) == (pass == 0) &&
			    addrsym_better(best, held[i]))
				best = held[i];
	if (!best)
		return dwfl_module_addrname(d->mod, addr);
	return dwfl_module_getsym(d->mod, best->ndx, &sym, NULL);
}

/* --- function symbols ---------------------------------------------------- */

int dw_read_syms(struct resolve_dwarf *d)
{
	int i, n;

	if (d->syms_read)
		return 0;
	d->syms_read = true;
	n = dwfl_module_getsymtab(d->mod);
	if (n <= 0)
		return 0;
	d->syms = calloc(n, sizeof(*d->syms));
	if (!d->syms)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(d->mod, i, &sym, &addr,
							   NULL, NULL, NULL);

		if (!name || !name[0] || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF || !addr)
			continue;
		d->syms[d->nsyms].name = strdup(name);
		if (!d->syms[d->nsyms].name)
			return -ENOMEM;
		d->syms[d->nsyms].addr = addr - d->elfbias;
		d->syms[d->nsyms].size = sym.st_size;
		d->nsyms++;
	}
	return 0;
}

/* The suffixes GCC gives the copies it makes of a function; a clone has an
 * entry of its own, a .cold part is code split off the function's body. */
static const struct {
	const char *s;
	bool clone;
} suffixes[] = {
	{ ".isra.", true },
	{ ".constprop.", true },
	{ ".part.", true },
	{ ".cold", false },
};

/* Whether @s begins with the suffix of a clone, or of a .cold part when @cold. */
static bool clone_suffix(const char *s, bool cold)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suffixes); i++)
		if ((suffixes[i].clone || cold) &&
		    strncmp(s, suffixes[i].s, strlen(suffixes[i].s)) == 0)
			return true;
	return false;
}

bool dw_is_clone(const char *sym)
{
	const char *p;

	for (p = strchr(sym, '.'); p; p = strchr(p + 1, '.'))
		if (clone_suffix(p, false))
			return true;
	return false;
}

/* A .cold part passes here; its address is not the entry of a function, so
 * the callers, which look for one, pass it over. */
bool dw_sym_candidate(const char *sym, const char *name, const char *last, size_t lastlen)
{
	size_t n = strlen(name);
	char lenbuf[24];
	const char *p;

	if (strncmp(sym, name, n) == 0 &&
	    (sym[n] == '\0' || sym[n] == '@' || clone_suffix(sym + n, true)))
		return true;
	if (!last || strncmp(sym, "_Z", 2) != 0)
		return false;
	snprintf(lenbuf, sizeof(lenbuf), "%zu", lastlen);
	for (p = strstr(sym, lenbuf); p; p = strstr(p + 1, lenbuf))
		if (strncmp(p + strlen(lenbuf), last, lastlen) == 0 &&
		    !(p > sym && p[-1] >= '0' && p[-1] <= '9'))
			return true;
	return false;
}
