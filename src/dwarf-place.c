// SPDX-License-Identifier: GPL-2.0
/*
 * Places: what resolve_dwarf_place() makes of a target (a function, its
 * clones and inlined copies, a glob, or a source line through
 * dwarf-lines.c), and moving a function's entry past its prologue.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-int.h"
#include "util.h"

int dw_sites_to_locs(struct resolve_dwarf *d, const struct dw_site *s, size_t n,
		     unsigned int flags, struct resolve_loc **locs, size_t *nout)
{
	size_t i, k = 0;

	*locs = calloc(n ? n : 1, sizeof(**locs));
	if (!*locs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct resolve_loc *l = &(*locs)[k];
		GElf_Addr off = 0;
		GElf_Sym sym;
		const char *name;

		if (s[i].inlined && (flags & RESOLVE_DWARF_RETURN))
			continue;
		l->addr = dw_to_vaddr(d, s[i].pc);
		if (dw_vaddr_offset(d, l->addr, &l->offset))
			continue;
		name = dwfl_module_addrinfo(d->mod, s[i].pc + d->dwbias, &off, &sym,
					    NULL, NULL, NULL);
		l->symbol = name ? strdup(name) : NULL;
		l->add = off;
		if (name && !l->symbol) {
			resolve_locs_free(*locs, k);
			*locs = NULL;
			return -ENOMEM;
		}
		k++;
	}
	*nout = k;
	return 0;
}

static int cmp_site(const void *a, const void *b)
{
	const struct dw_site *x = a, *y = b;

	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static int place_function(struct resolve_dwarf *d, const char *spec, unsigned int flags,
			  size_t max, struct resolve_loc **locs, size_t *n)
{
	struct dw_find f;
	int ret;

	ret = dw_find_one(d, spec, !(flags & RESOLVE_DWARF_NO_INLINES), &f);
	if (!ret && f.nsites > max)
		ret = dw_err(-E2BIG, "'%s' has %zu copies (inlined or cloned), more than %zu",
			     spec, f.nsites, max);
	if (!ret) {
		qsort(f.sites, f.nsites, sizeof(*f.sites), cmp_site);
		ret = dw_sites_to_locs(d, f.sites, f.nsites, flags, locs, n);
	}
	if (!ret && !*n) {
		free(*locs);
		*locs = NULL;
		ret = dw_err(-ENOENT, "'%s' is only inlined: a return probe needs "
			     "a function that is called", spec);
	}
	dw_find_free(&f);
	return ret;
}

/* A glob: one place per function (its out-of-line entry), by name. */
static int place_glob(struct resolve_dwarf *d, const char *spec, unsigned int flags,
		      size_t max, struct resolve_loc **locs, size_t *n)
{
	struct dw_find f;
	int ret;

	ret = dw_find_glob(d, spec, &f);
	if (!ret && !f.nsites)
		ret = dw_err(-ENOENT, "no function matches '%s'", spec);
	if (!ret && f.nsites > max)
		ret = dw_err(-E2BIG, "'%s' matches %zu functions, more than %zu",
			     spec, f.nsites, max);
	if (!ret) {
		qsort(f.sites, f.nsites, sizeof(*f.sites), cmp_site);
		ret = dw_sites_to_locs(d, f.sites, f.nsites, flags, locs, n);
	}
	dw_find_free(&f);
	return ret;
}

static bool is_source_file(const char *s, size_t len)
{
	static const char *const exts[] = { ".c", ".h", ".cc", ".cpp", ".cxx", ".C",
					    ".hh", ".hpp", ".hxx", ".S", ".s", ".inc",
					    ".def", ".y", ".l", ".rs", ".go" };
	size_t i, e;

	if (memchr(s, '/', len))
		return true;
	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		e = strlen(exts[i]);
		if (len > e && memcmp(s + len - e, exts[i], e) == 0)
			return true;
	}
	return false;
}

bool resolve_dwarf_is_line(const char *spec)
{
	const char *colon = strrchr(spec, ':');

	return colon && colon > spec && colon[-1] != ':' && colon[1] &&
	       strspn(colon + 1, "0123456789") == strlen(colon + 1);
}

int resolve_dwarf_place(struct resolve_dwarf *d, const char *spec, unsigned int flags,
			size_t max, struct resolve_loc **locs, size_t *n)
{
	const char *colon = strrchr(spec, ':');
	char head[512];
	long line;
	char *end;

	dw_clear_err();
	*locs = NULL;
	*n = 0;
	if (!spec[0])
		return dw_err(-EINVAL, "empty target");
	if (colon && colon > spec && colon[-1] != ':' && colon[1]) {
		line = strtol(colon + 1, &end, 10);
		if (*end || line < 0 || line > 100000000)
			return dw_err(-EINVAL, "'%s' is not a line number", colon + 1);
		snprintf(head, sizeof(head), "%.*s", (int)(colon - spec), spec);
		if (is_source_file(head, strlen(head)))
			return dw_place_file_line(d, head, (int)line, max, locs, n);
		return dw_place_rel_line(d, head, (int)line, flags, max, locs, n);
	}
	if (strcspn(spec, "*?[") < strcspn(spec, "("))	/* not "f(char *)" */
		return place_glob(d, spec, flags, max, locs, n);
	return place_function(d, spec, flags, max, locs, n);
}

/* --- the prologue -------------------------------------------------------- */

/*
 * Whether @fn's variables are only right after its prologue: unoptimized
 * code keeps them in its frame (single frame-based locations, no location
 * lists), and clang describes stack slots against a frame base of %rsp as
 * it is after the prologue, even in optimized code.
 */
static bool frame_based(Dwarf_Die *fn)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Die c;
	bool fb = false, lists = false, cfa = true;

	if (dwarf_attr(fn, DW_AT_frame_base, &a) && dwarf_getlocation(&a, &ops, &nops) == 0 &&
	    nops && ops[0].atom != DW_OP_call_frame_cfa)
		cfa = false;
	if (dwarf_child(fn, &c))
		return false;
	do {
		int tag = dwarf_tag(&c);

		if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable)
			continue;
		if (!dwarf_attr(&c, DW_AT_location, &a))
			continue;
		if (dwarf_whatform(&a) != DW_FORM_exprloc && dwarf_whatform(&a) != DW_FORM_block1) {
			lists = true;
			continue;
		}
		if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops &&
		    (ops[0].atom == DW_OP_fbreg || ops[0].atom == DW_OP_breg6))
			fb = true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return fb && (!lists || !cfa);
}

/* Where the prologue ends: the line table's prologue_end mark, else the
 * first statement on a line after the function's first line. */
static int prologue_end(Dwarf_Die *cu, Dwarf_Die *fn, Dwarf_Addr entry, Dwarf_Addr *out)
{
	Dwarf_Addr hi = 0, cand = 0;
	Dwarf_Lines *lines;
	size_t nl, i;
	int first = -1;

	if (dwarf_highpc(fn, &hi) || dwarf_getsrclines(cu, &lines, &nl))
		return -ENOENT;
	for (i = 0; i < nl; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		bool pe = false, stmt = false;
		Dwarf_Addr pc;
		int ln = 0;

		dwarf_lineaddr(l, &pc);
		if (pc < entry || pc >= hi)
			continue;
		dwarf_lineno(l, &ln);
		dwarf_lineprologueend(l, &pe);
		dwarf_linebeginstatement(l, &stmt);
		if (pe && pc > entry) {
			*out = pc;
			return 0;
		}
		if (pc == entry && first < 0)
			first = ln;
		else if (first >= 0 && stmt && ln != first && pc > entry && !cand)
			cand = pc;
	}
	if (!cand)
		return -ENOENT;
	*out = cand;
	return 0;
}

int resolve_dwarf_prologue(struct resolve_dwarf *d, struct resolve_loc *loc)
{
	Dwarf_Addr pc = dw_from_vaddr(d, loc->addr), entry, after;
	Dwarf_Die cu, fn;
	uint64_t off;

	dw_clear_err();
	if (dw_func_at(d, pc, &cu, &fn) || dw_entry(&fn, &entry))
		return dw_err(-ENOENT, "no function at %#" PRIx64 " in the debug information",
			      loc->addr);
	if (entry != pc || !frame_based(&fn) || prologue_end(&cu, &fn, entry, &after))
		return 0;
	if (dw_vaddr_offset(d, dw_to_vaddr(d, after), &off))
		return 0;
	loc->add += after - pc;
	loc->addr = dw_to_vaddr(d, after);
	loc->offset = off;
	return 0;
}
