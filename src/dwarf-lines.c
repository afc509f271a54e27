// SPDX-License-Identifier: GPL-2.0
/*
 * Source lines: the places of "FILE:LINE" and "FUNC:RELLINE" targets, and
 * the lines of a function that resolve_dwarf_lines() lists. A line is a
 * place where the line table begins a statement of it, not where a line
 * carries on after another one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-int.h"

/* --- lines as places ----------------------------------------------------- */

static bool file_matches(const char *dwfile, const char *want)
{
	size_t a = strlen(dwfile), b = strlen(want);

	if (a < b || strcmp(dwfile + a - b, want) != 0)
		return false;
	return a == b || dwfile[a - b - 1] == '/' || want[0] == '/';
}

struct line_acc {
	Dwarf_Addr *pcs;
	size_t n, cap;
	int near_lo, near_hi;	/* closest lines with code around the one asked */
	bool file_seen;
};

static int acc_add(struct line_acc *acc, Dwarf_Addr pc)
{
	size_t i;

	for (i = 0; i < acc->n; i++)
		if (acc->pcs[i] == pc)
			return 0;
	if (acc->n == acc->cap) {
		size_t cap = acc->cap ? acc->cap * 2 : 16;
		void *p = realloc(acc->pcs, cap * sizeof(*acc->pcs));

		if (!p)
			return -ENOMEM;
		acc->pcs = p;
		acc->cap = cap;
	}
	acc->pcs[acc->n++] = pc;
	return 0;
}

/*
 * The addresses in @cudie's line table that begin a statement of @file:@line
 * (rows where the line starts, not its continuations), inside [lo, hi) when
 * @hi is set.
 */
static int lines_in_cu(Dwarf_Die *cudie, const char *file, int line, Dwarf_Addr lo,
		       Dwarf_Addr hi, struct line_acc *acc)
{
	Dwarf_Lines *lines;
	size_t nl, i;
	int prev_line = -1;
	const char *prev_file = NULL;

	if (dwarf_getsrclines(cudie, &lines, &nl))
		return 0;
	for (i = 0; i < nl; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = dwarf_linesrc(l, NULL, NULL);
		bool stmt = false, endseq = false;
		Dwarf_Addr pc;
		int ln = 0;
		bool starts;

		dwarf_lineno(l, &ln);
		dwarf_lineaddr(l, &pc);
		dwarf_linebeginstatement(l, &stmt);
		dwarf_lineendsequence(l, &endseq);
		starts = ln != prev_line || src != prev_file;
		prev_line = endseq ? -1 : ln;
		prev_file = src;
		if (endseq || !src || !file_matches(src, file))
			continue;
		if (hi && (pc < lo || pc >= hi))
			continue;
		acc->file_seen = true;
		if (ln != line) {
			if (ln < line && ln > acc->near_lo)
				acc->near_lo = ln;
			if (ln > line && (!acc->near_hi || ln < acc->near_hi))
				acc->near_hi = ln;
			continue;
		}
		if (stmt && starts && acc_add(acc, pc))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_pc(const void *a, const void *b)
{
	const Dwarf_Addr *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int pcs_to_locs(struct resolve_dwarf *d, struct line_acc *acc, size_t max,
		       const char *what, struct resolve_loc **locs, size_t *n)
{
	struct dw_site *s;
	size_t i;
	int ret;

	if (acc->n > max)
		return dw_err(-E2BIG, "%s has %zu places, more than %zu", what, acc->n, max);
	qsort(acc->pcs, acc->n, sizeof(*acc->pcs), cmp_pc);
	s = calloc(acc->n ? acc->n : 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < acc->n; i++)
		s[i].pc = acc->pcs[i];
	ret = dw_sites_to_locs(d, s, acc->n, 0, locs, n);
	free(s);
	return ret;
}

static int no_line(struct line_acc *acc, const char *file, int line)
{
	if (!acc->file_seen)
		return dw_err(-ENOENT, "no source file '%s' in the debug information", file);
	if (acc->near_lo && acc->near_hi)
		return dw_err(-ENOENT, "no code for line %d of '%s'; nearest lines with code: "
			      "%d and %d", line, file, acc->near_lo, acc->near_hi);
	return dw_err(-ENOENT, "no code for line %d of '%s'; nearest line with code: %d",
		      line, file, acc->near_lo ? acc->near_lo : acc->near_hi);
}

int dw_place_file_line(struct resolve_dwarf *d, const char *file, int line, size_t max,
		       struct resolve_loc **locs, size_t *n)
{
	struct line_acc acc = { 0 };
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t type;
	int ret = 0;
	char what[300];

	while (!ret && dwarf_get_units(d->dw, cu, &cu, NULL, &type, &cudie, NULL) == 0)
		ret = lines_in_cu(&cudie, file, line, 0, 0, &acc);
	if (!ret && !acc.n)
		ret = no_line(&acc, file, line);
	snprintf(what, sizeof(what), "'%s:%d'", file, line);
	if (!ret)
		ret = pcs_to_locs(d, &acc, max, what, locs, n);
	free(acc.pcs);
	return ret;
}

/* The lines of @func's sites that are @rel lines after the function's first. */
int dw_place_rel_line(struct resolve_dwarf *d, const char *func, int rel, unsigned int flags,
		      size_t max, struct resolve_loc **locs, size_t *n)
{
	struct line_acc acc = { 0 };
	struct dw_find f;
	char what[300];
	int ret, first = 0;
	size_t i;

	ret = dw_find_one(d, func, !(flags & RESOLVE_DWARF_NO_INLINES), &f);
	for (i = 0; !ret && i < f.nsites; i++) {
		Dwarf_Die o, cudie;
		Dwarf_Addr base, lo, hi;
		const char *file;
		ptrdiff_t off = 0;

		dw_origin(&f.sites[i].die, &o);
		file = dwarf_decl_file(&o);
		if (!file || dwarf_decl_line(&o, &first) ||
		    !dwarf_diecu(&f.sites[i].die, &cudie, NULL, NULL))
			continue;
		while (!ret && (off = dwarf_ranges(&f.sites[i].die, off, &base, &lo, &hi)) > 0)
			ret = lines_in_cu(&cudie, file, first + rel, lo, hi, &acc);
	}
	if (!ret && !acc.n)
		ret = dw_err(-ENOENT, "no code at line %d of '%s' (line %d of its file); "
			     "'uprobe lines' lists the lines that have code", rel, func,
			     first + rel);
	snprintf(what, sizeof(what), "'%s:%d'", func, rel);
	if (!ret)
		ret = pcs_to_locs(d, &acc, max, what, locs, n);
	free(acc.pcs);
	dw_find_free(&f);
	return ret;
}

/* --- the lines of a function --------------------------------------------- */

struct line_out {
	struct resolve_dwarf *d;
	struct resolve_dwarf_line *ls;
	size_t n, cap;
	/* the site being read */
	const char *file;
	int first;
	bool inlined;
};

static int line_push(struct line_out *o, const char *src, int ln, Dwarf_Addr pc)
{
	struct resolve_dwarf_line *l;

	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		void *p = realloc(o->ls, cap * sizeof(*o->ls));

		if (!p)
			return -ENOMEM;
		o->ls = p;
		o->cap = cap;
	}
	l = &o->ls[o->n];
	*l = (struct resolve_dwarf_line){
		.file = strdup(src), .line = ln, .relline = ln - o->first,
		.addr = dw_to_vaddr(o->d, pc), .inlined = o->inlined,
	};
	dw_vaddr_offset(o->d, l->addr, &l->offset);
	if (!l->file)
		return -ENOMEM;
	o->n++;
	return 0;
}

/* The lines of the site's file that begin a statement in [@lo, @hi). */
static int range_lines(struct line_out *o, Dwarf_Lines *lines, size_t nl, Dwarf_Addr lo,
		       Dwarf_Addr hi)
{
	int prev = -1;
	size_t i;

	for (i = 0; i < nl; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = dwarf_linesrc(l, NULL, NULL);
		bool stmt = false;
		Dwarf_Addr pc;
		int ln = 0;

		dwarf_lineaddr(l, &pc);
		dwarf_lineno(l, &ln);
		dwarf_linebeginstatement(l, &stmt);
		if (pc < lo || pc >= hi || !src) {
			prev = -1;
			continue;
		}
		if (!stmt || ln == prev || strcmp(src, o->file) != 0) {
			prev = strcmp(src, o->file) == 0 ? ln : -1;
			continue;
		}
		prev = ln;
		if (line_push(o, src, ln, pc))
			return -ENOMEM;
	}
	return 0;
}

static int add_lines(struct line_out *o, Dwarf_Die *site)
{
	Dwarf_Addr base, lo, hi;
	Dwarf_Lines *lines;
	Dwarf_Die cudie;
	ptrdiff_t off = 0;
	size_t nl;

	if (!dwarf_diecu(site, &cudie, NULL, NULL) || dwarf_getsrclines(&cudie, &lines, &nl))
		return 0;
	while ((off = dwarf_ranges(site, off, &base, &lo, &hi)) > 0)
		if (range_lines(o, lines, nl, lo, hi))
			return -ENOMEM;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	const struct resolve_dwarf_line *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int resolve_dwarf_lines(struct resolve_dwarf *d, const char *func,
			struct resolve_dwarf_line **ls, size_t *n)
{
	struct line_out o = { .d = d };
	struct dw_find f;
	size_t i;
	int ret;

	dw_clear_err();
	*ls = NULL;
	*n = 0;
	ret = dw_find_one(d, func, true, &f);
	for (i = 0; !ret && i < f.nsites; i++) {
		Dwarf_Die od;

		dw_origin(&f.sites[i].die, &od);
		o.file = dwarf_decl_file(&od);
		o.inlined = f.sites[i].inlined;
		if (o.file && dwarf_decl_line(&od, &o.first) == 0)
			ret = add_lines(&o, &f.sites[i].die);
	}
	dw_find_free(&f);
	if (ret) {
		resolve_dwarf_lines_free(o.ls, o.n);
		return ret;
	}
	if (o.n)
		qsort(o.ls, o.n, sizeof(*o.ls), cmp_line);
	*ls = o.ls;
	*n = o.n;
	return 0;
}

void resolve_dwarf_lines_free(struct resolve_dwarf_line *ls, size_t n)
{
	size_t i;

	for (i = 0; ls && i < n; i++)
		free(ls[i].file);
	free(ls);
}
