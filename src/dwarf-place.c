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

/* Symbol and offset of @pc into @l; -ENOMEM. */
static int loc_symbol(struct resolve_dwarf *d, Dwarf_Addr pc, struct resolve_loc *l)
{
	GElf_Addr off = 0;
	GElf_Sym sym;
	const char *name;

	name = dwfl_module_addrinfo(d->mod, pc + d->dwbias, &off, &sym, NULL, NULL, NULL);
	l->symbol = name ? strdup(name) : NULL;
	l->add = off;
	return name && !l->symbol ? -ENOMEM : 0;
}

int dw_sites_to_locs(struct resolve_dwarf *d, const struct dw_site *s, size_t n,
		     unsigned int flags, struct resolve_loc **locs, size_t *nout)
{
	size_t i, k = 0, inl = 0, unmapped = 0;

	*nout = 0;
	*locs = calloc(n ? n : 1, sizeof(**locs));
	if (!*locs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct resolve_loc *l = &(*locs)[k];

		if (s[i].inlined && (flags & RESOLVE_DWARF_RETURN)) {
			inl++;
			continue;
		}
		l->addr = dw_to_vaddr(d, s[i].pc);
		if (dw_vaddr_offset(d, l->addr, &l->offset)) {
			unmapped++;
			continue;
		}
		if (loc_symbol(d, s[i].pc, l)) {
			resolve_locs_free(*locs, k);
			*locs = NULL;
			return -ENOMEM;
		}
		k++;
	}
	if (k) {
		*nout = k;
		return 0;
	}
	free(*locs);
	*locs = NULL;
	if (unmapped)
		return dw_err(-ENOENT, "its code (%#" PRIx64 ") is in no loaded segment of the "
			      "file: the debug information does not match it", dw_to_vaddr(d, s[0].pc));
	return dw_err(-ENOENT, "%s", inl ? "it is only inlined: a return probe needs a function "
		      "that is called" : "it has no code");
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
		if (ret == -ENOENT) {
			char why[256];

			snprintf(why, sizeof(why), "%s", resolve_dwarf_errmsg());
			ret = dw_err(-ENOENT, "'%s': %s", spec, why);
		}
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

int dw_after_prologue(struct resolve_dwarf *d, Dwarf_Die *fn, Dwarf_Addr entry,
		      Dwarf_Addr *pc)
{
	Dwarf_Addr *bk = NULL;
	int n = dwarf_entry_breakpoints(fn, &bk), i, ret = -ENOENT;

	(void)d;
	for (i = 0; i < n; i++)
		if (bk[i] > entry) {
			*pc = bk[i];
			ret = 0;
			break;
		}
	free(bk);
	return ret;
}

/* Whether every variable in @args can be fetched at @loc. */
static bool args_ok(struct resolve_dwarf *d, const struct resolve_loc *loc,
		    char *const *args, size_t nargs)
{
	char **out;
	size_t i, n;

	for (i = 0; i < nargs; i++) {
		if (!resolve_dwarf_is_expr(args[i], false))
			continue;
		if (resolve_dwarf_args(d, loc, false, args[i], &out, &n))
			return false;
		resolve_dwarf_args_free(out, n);
	}
	return true;
}

int resolve_dwarf_prologue(struct resolve_dwarf *d, struct resolve_loc *loc,
			   char *const *args, size_t nargs)
{
	Dwarf_Addr pc = dw_from_vaddr(d, loc->addr), entry, after;
	struct resolve_loc moved = *loc;
	Dwarf_Die cu, fn;

	dw_clear_err();
	if (dw_func_at(d, pc, &cu, &fn) || dw_entry(&fn, &entry))
		return dw_err(-ENOENT, "no function at %#" PRIx64 " in the debug information",
			      loc->addr);
	if (entry != pc || args_ok(d, loc, args, nargs) ||
	    dw_after_prologue(d, &fn, entry, &after)) {
		dw_clear_err();
		return 0;
	}
	moved.addr = dw_to_vaddr(d, after);
	moved.add += after - pc;
	if (dw_vaddr_offset(d, moved.addr, &moved.offset) == 0 &&
	    args_ok(d, &moved, args, nargs))
		*loc = moved;
	dw_clear_err();
	return 0;
}
