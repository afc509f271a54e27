// SPDX-License-Identifier: GPL-2.0
/*
 * The place a variable is looked up at: its compile unit, the scopes
 * around the probe address (an inlined copy's own when the probe is at its
 * entry) and the function holding it; names through DW_AT_abstract_origin.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-var.h"

/* The innermost inlined copy under @die whose entry is @pc. */
static bool site_at(Dwarf_Die *die, Dwarf_Addr pc, Dwarf_Die *out, int depth)
{
	Dwarf_Addr entry;
	Dwarf_Die c;
	bool found = false;

	if (depth > 32 || dwarf_child(die, &c))
		return false;
	do {
		int tag = dwarf_tag(&c);

		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_lexical_block)
			continue;
		if (site_at(&c, pc, out, depth + 1))
			return true;
		if (tag == DW_TAG_inlined_subroutine && !found && dw_entry(&c, &entry) == 0 &&
		    entry == pc) {
			*out = c;
			found = true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return found;
}

/* At the entry of an inlined copy: its scopes, which dwarf_getscopes() does
 * not give when gcc puts the entry outside the copy's ranges. */
static void at_site(struct at *at)
{
	Dwarf_Die *scopes;
	int n;

	if (!site_at(&at->fn, at->pc, &at->site, 0))
		return;
	at->at_site = true;
	if (at->nscopes && dwarf_dieoffset(&at->scopes[0]) == dwarf_dieoffset(&at->site))
		return;
	n = dwarf_getscopes_die(&at->site, &scopes);
	if (n <= 0)
		return;
	free(at->scopes);
	at->scopes = scopes;
	at->nscopes = n;
}

/* The block or inlined copy right under @die holding @pc. */
static bool child_at(Dwarf_Die *die, Dwarf_Addr pc, Dwarf_Die *out)
{
	if (dwarf_child(die, out))
		return false;
	do {
		int tag = dwarf_tag(out);

		if ((tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) &&
		    dwarf_haspc(out, pc) == 1)
			return true;
	} while (dwarf_siblingof(out, out) == 0);
	return false;
}

/* The innermost block or inlined copy under @fn holding @pc. */
static void innermost(Dwarf_Die *fn, Dwarf_Addr pc, Dwarf_Die *out)
{
	Dwarf_Die c;
	int depth;

	*out = *fn;
	for (depth = 0; depth < 32 && child_at(out, pc, &c); depth++)
		*out = c;
}

/* dwarf_getscopes() does not look inside namespaces, where clang puts the
 * definitions of C++ functions: their scopes from the function down. */
static void fn_scopes(struct at *at)
{
	Dwarf_Die *scopes, in;
	int i, n;

	for (i = 0; i < at->nscopes; i++)
		if (dv_scope_is_fn(&at->scopes[i]))
			return;
	innermost(&at->fn, at->pc, &in);
	n = dwarf_getscopes_die(&in, &scopes);
	if (n <= 0)
		return;
	free(at->scopes);
	at->scopes = scopes;
	at->nscopes = n;
}

int dv_at_init(struct resolve_dwarf *d, const struct resolve_loc *loc, bool is_return,
	       struct at *at)
{

	memset(at, 0, sizeof(*at));
	at->d = d;
	at->loc = loc;
	at->is_return = is_return;
	at->lib = &at->lib_d;
	at->pc = dw_from_vaddr(d, loc->addr);
	if (!dw_addrdie(d, at->pc, &at->cu))
		return dw_err(-ENOENT, "no debug information for the code at %#" PRIx64
			      " (%s+%" PRIu64 ")", loc->addr, loc->symbol ? loc->symbol : "?",
			      loc->add);
	at->nscopes = dwarf_getscopes(&at->cu, at->pc, &at->scopes);
	if (at->nscopes < 0)
		at->nscopes = 0;
	if (dw_func_at(d, at->pc, &at->cu, &at->fn) == 0)
		at->have_fn = dw_entry(&at->fn, &at->entry) == 0;
	if (at->have_fn)
		fn_scopes(at);
	if (at->have_fn && at->pc != at->entry)
		at_site(at);
	return 0;
}

void dv_at_free(struct at *at)
{
	free(at->scopes);
	resolve_dwarf_close(at->lib_d);
}

const char *dv_name(Dwarf_Die *var)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(var, DW_AT_name, &a));
}

bool dv_scope_is_fn(Dwarf_Die *scope)
{
	int tag = dwarf_tag(scope);

	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

static bool scope_var(Dwarf_Die *scope, const char *name, Dwarf_Die *var)
{
	const char *n;

	if (dwarf_child(scope, var))
		return false;
	do {
		int tag = dwarf_tag(var);

		if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable)
			continue;
		n = dv_name(var);
		if (n && strcmp(n, name) == 0)
			return true;
	} while (dwarf_siblingof(var, var) == 0);
	return false;
}

/* @name in the scopes of the innermost function (or inlined copy), then
 * in its compile unit. */
bool dv_find_var(const struct at *at, const char *name, Dwarf_Die *var)
{
	int i;

	for (i = 0; i < at->nscopes; i++) {
		if (scope_var(&at->scopes[i], name, var))
			return true;
		if (dv_scope_is_fn(&at->scopes[i]))
			break;
	}
	if (dv_entry_outer(at, i) && scope_var((Dwarf_Die *)&at->fn, name, var))
		return true;
	return scope_var(&at->scopes[at->nscopes - 1], name, var);
}

bool dv_entry_outer(const struct at *at, int i)
{
	return at->have_fn && at->pc == at->entry && i < at->nscopes &&
	       dwarf_dieoffset(&at->scopes[i]) != dwarf_dieoffset((Dwarf_Die *)&at->fn);
}

