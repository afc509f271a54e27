// SPDX-License-Identifier: GPL-2.0
/*
 * Finding functions: the one walk over the functions of compilation units,
 * and the copies of a function a name means (its out-of-line entry, its
 * clones, its inlined copies). The symbol table comes first, so that only
 * the units holding the function are read; the whole of the DWARF only
 * when the symbols know nothing or the function is also inlined.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-int.h"

/* --- the walk ------------------------------------------------------------ */

struct walk {
	int (*visit)(void *arg, Dwarf_Die *die, int tag);
	void *arg;
	bool plain_c;		/* a C unit: no functions inside types */
};

static bool has_code(Dwarf_Die *die)
{
	return dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges);
}

static bool is_function(Dwarf_Die *die, int tag)
{
	if (tag == DW_TAG_inlined_subroutine)
		return true;
	return tag == DW_TAG_subprogram && has_code(die) &&
	       !dwarf_hasattr(die, DW_AT_declaration);
}

static int walk_below(struct walk *w, Dwarf_Die *parent, int depth)
{
	Dwarf_Die c;
	int ret = 0;

	if (depth > 64 || dwarf_child(parent, &c))
		return 0;
	do {
		int tag = dwarf_tag(&c);

		if (is_function(&c, tag))
			ret = w->visit(w->arg, &c, tag);
		if (!ret && (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
			     tag == DW_TAG_lexical_block ||
			     (dw_is_scope_tag(tag) && !w->plain_c)))
			ret = walk_below(w, &c, depth + 1);
	} while (!ret && dwarf_siblingof(&c, &c) == 0);
	return ret;
}

static int walk_cu(Dwarf_Die *cudie, int (*visit)(void *arg, Dwarf_Die *die, int tag),
		   void *arg)
{
	int lang = dwarf_srclang(cudie);
	struct walk w = {
		.visit = visit,
		.arg = arg,
		.plain_c = lang == DW_LANG_C89 || lang == DW_LANG_C ||
			   lang == DW_LANG_C99 || lang == DW_LANG_C11,
	};

	return walk_below(&w, cudie, 0);
}

int dw_walk_all(struct resolve_dwarf *d, const Dwarf_Off *skip, size_t nskip,
		int (*visit)(void *arg, Dwarf_Die *die, int tag), void *arg)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t type;
	size_t i;
	int ret = 0;

	while (!ret && dwarf_get_units(d->dw, cu, &cu, NULL, &type, &cudie, NULL) == 0) {
		bool done = false;

		if (type != DW_UT_compile && type != DW_UT_partial)
			continue;
		for (i = 0; i < nskip; i++)
			done |= skip[i] == dwarf_dieoffset(&cudie);
		if (!done)
			ret = walk_cu(&cudie, visit, arg);
	}
	return ret;
}

/* --- the copies of a function -------------------------------------------- */

static int add_site(struct dw_find *f, Dwarf_Die *die, Dwarf_Addr pc, bool inlined)
{
	size_t i;

	for (i = 0; i < f->nsites; i++)
		if (f->sites[i].pc == pc)
			return 0;
	if (f->nsites == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		void *p = realloc(f->sites, cap * sizeof(*f->sites));

		if (!p)
			return -ENOMEM;
		f->sites = p;
		f->cap = cap;
	}
	f->sites[f->nsites].die = *die;
	f->sites[f->nsites].pc = pc;
	f->sites[f->nsites].origin = dw_origin_off(die);
	f->sites[f->nsites].inlined = inlined;
	f->nsites++;
	return 0;
}

static bool known_id(struct dw_find *f, Dwarf_Off id)
{
	size_t i;

	for (i = 0; i < f->nids; i++)
		if (f->ids[i] == id)
			return true;
	return false;
}

static int find_visit(void *arg, Dwarf_Die *die, int tag)
{
	struct dw_find *f = arg;
	Dwarf_Addr pc;

	if (tag == DW_TAG_inlined_subroutine && !f->want_inlines)
		return 0;
	if (!known_id(f, dw_origin_off(die)) && !dw_name_matches(f->d, die, f->spec, f->glob))
		return 0;
	if (dw_entry(die, &pc))
		return 0;
	return add_site(f, die, pc, tag == DW_TAG_inlined_subroutine);
}

static bool origin_inlined(struct resolve_dwarf *d, Dwarf_Off off)
{
	Dwarf_Attribute a;
	Dwarf_Word v = 0;
	Dwarf_Die die;

	if (!dwarf_offdie(d->dw, off, &die))
		return false;
	if (!dwarf_attr(&die, DW_AT_inline, &a) || dwarf_formudata(&a, &v))
		return false;
	return v == DW_INL_inlined || v == DW_INL_declared_inlined;
}

static int add_unique(Dwarf_Off **arr, size_t *n, Dwarf_Off v)
{
	size_t i;
	void *p;

	for (i = 0; i < *n; i++)
		if ((*arr)[i] == v)
			return 0;
	p = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!p)
		return -ENOMEM;
	*arr = p;
	(*arr)[(*n)++] = v;
	return 0;
}

/* The out-of-line functions whose entry is a symbol the user may mean. */
static int find_by_symbols(struct dw_find *f, Dwarf_Off **cus, size_t *ncus)
{
	struct resolve_dwarf *d = f->d;
	const char *last = NULL, *colons, *paren;
	char lastbuf[256];
	size_t i, lastlen = 0;
	int ret = dw_read_syms(d);

	if (ret)
		return ret;
	if (strstr(f->spec, "::") || strchr(f->spec, '(')) {
		paren = strchr(f->spec, '(');
		lastlen = paren ? (size_t)(paren - f->spec) : strlen(f->spec);
		snprintf(lastbuf, sizeof(lastbuf), "%.*s", (int)lastlen, f->spec);
		colons = strrchr(lastbuf, ':');
		last = colons ? colons + 1 : lastbuf;
		lastlen = strlen(last);
	}
	for (i = 0; i < d->nsyms; i++) {
		Dwarf_Die cu, fn;
		Dwarf_Addr pc, entry;

		if (!dw_sym_candidate(d->syms[i].name, f->spec, last, lastlen))
			continue;
		pc = dw_from_vaddr(d, d->syms[i].addr);
		if (dw_func_at(d, pc, &cu, &fn) || dw_entry(&fn, &entry) || entry != pc)
			continue;
		/* a mangled name only hints at the CU: the walk checks it */
		if (!last || strcmp(d->syms[i].name, f->spec) == 0) {
			ret = add_unique(&f->ids, &f->nids, dw_origin_off(&fn));
			if (!ret)
				ret = add_site(f, &fn, pc, false);
		}
		if (!ret)
			ret = add_unique(cus, ncus, dwarf_dieoffset(&cu));
		if (ret)
			return ret;
	}
	return 0;
}

/* The sites of the function(s) @spec names, as dw_find_one() without its checks. */
static int find_function(struct resolve_dwarf *d, const char *spec, bool inlines,
			 struct dw_find *f)
{
	Dwarf_Off *cus = NULL;
	size_t ncus = 0, i;
	bool inl = false;
	int ret;

	memset(f, 0, sizeof(*f));
	f->d = d;
	f->spec = spec;
	f->want_inlines = inlines;
	ret = find_by_symbols(f, &cus, &ncus);
	for (i = 0; !ret && i < ncus; i++) {
		Dwarf_Die cudie;

		if (dwarf_offdie(d->dw, cus[i], &cudie))
			ret = walk_cu(&cudie, find_visit, f);
	}
	for (i = 0; !ret && inlines && i < f->nsites; i++)
		inl |= origin_inlined(d, f->sites[i].origin);
	if (!ret && (!f->nsites || inl))
		ret = dw_walk_all(d, inl ? cus : NULL, inl ? ncus : 0, find_visit, f);
	free(cus);
	return ret;
}

int dw_find_glob(struct resolve_dwarf *d, const char *spec, struct dw_find *f)
{
	memset(f, 0, sizeof(*f));
	f->d = d;
	f->spec = spec;
	f->glob = true;
	return dw_walk_all(d, NULL, 0, find_visit, f);
}

void dw_find_free(struct dw_find *f)
{
	free(f->sites);
	free(f->ids);
}

/* Functions of that name that are different functions, not copies. */
static int check_unique(struct resolve_dwarf *d, struct dw_find *f, const char *spec)
{
	char msg[768];
	size_t i, j, len = 0, ndiff = 0;

	for (i = 0; i < f->nsites; i++) {
		Dwarf_Die a, b;
		int la = 0, lb = 0;
		const char *fa, *fb;
		bool same = false;
		char *name;

		dw_origin(&f->sites[i].die, &a);
		fa = dwarf_decl_file(&a);
		dwarf_decl_line(&a, &la);
		for (j = 0; j < i && !same; j++) {
			dw_origin(&f->sites[j].die, &b);
			fb = dwarf_decl_file(&b);
			lb = 0;
			dwarf_decl_line(&b, &lb);
			same = la == lb && fa && fb && strcmp(fa, fb) == 0;
			same |= f->sites[i].origin == f->sites[j].origin;
		}
		if (same)
			continue;
		ndiff++;
		name = dw_display_name(d, &a, true);
		len += snprintf(msg + len, len < sizeof(msg) ? sizeof(msg) - len : 0,
				"%s'%s' at %s:%d", ndiff > 1 ? ", " : "", name ? name : spec,
				fa ? fa : "?", la);
		free(name);
		if (len >= sizeof(msg))
			len = sizeof(msg) - 1;
	}
	if (ndiff <= 1)
		return 0;
	return dw_err(-ENOTUNIQ, "'%s' names %zu different functions: %s; pick one by its "
		      "signature, FILE:LINE or offset", spec, ndiff, msg);
}

int dw_find_one(struct resolve_dwarf *d, const char *spec, bool inlines, struct dw_find *f)
{
	int ret = find_function(d, spec, inlines, f);

	if (!ret && !f->nsites)
		ret = dw_err(-ENOENT, "no function '%s' in the debug information", spec);
	if (!ret)
		ret = check_unique(d, f, spec);
	return ret;
}
