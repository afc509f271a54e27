// SPDX-License-Identifier: GPL-2.0
/*
 * Names as a user types them: C++ scopes ("ns::Klass::method") and
 * signatures ("(int, const char *)"), the C spelling of types, and whether
 * a function DIE is what a name or a glob means.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-int.h"
#include "util.h"

bool dw_is_cxx(Dwarf_Die *die)
{
	Dwarf_Die cu;
	int lang;

	if (!dwarf_diecu(die, &cu, NULL, NULL))
		return false;
	lang = dwarf_srclang(&cu);
	return lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
	       lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14;
}

void dw_origin(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	Dwarf_Die next;
	int guard;

	*out = *die;
	for (guard = 0; guard < 8; guard++) {
		if (!dwarf_attr(out, DW_AT_abstract_origin, &a) &&
		    !dwarf_attr(out, DW_AT_specification, &a))
			return;
		if (!dwarf_formref_die(&a, &next))
			return;
		*out = next;
	}
}

Dwarf_Off dw_origin_off(Dwarf_Die *die)
{
	Dwarf_Die o;

	dw_origin(die, &o);
	return dwarf_dieoffset(&o);
}

/* --- C++ scopes ---------------------------------------------------------- */

static int scopes_put(struct u64map *s, uint64_t key, const char *val)
{
	char *v = strdup(val);
	int ret = v ? u64map_put(s, key, v) : -ENOMEM;

	if (ret)
		free(v);
	return ret == -EEXIST ? 0 : ret;
}

static const char *scopes_get(struct u64map *s, uint64_t key)
{
	return u64map_get(s, key);
}

bool dw_is_scope_tag(int tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
	       tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

/* Records the enclosing scope of every DIE below @parent, named @prefix. */
static int scopes_walk(struct u64map *s, Dwarf_Die *parent, const char *prefix, int depth)
{
	Dwarf_Die c;
	int ret = 0;

	if (depth > 32 || dwarf_child(parent, &c))
		return 0;
	do {
		int tag = dwarf_tag(&c);
		const char *name;
		char *sub;

		if (prefix[0] && (tag == DW_TAG_subprogram || dw_is_scope_tag(tag) ||
				  tag == DW_TAG_enumeration_type || tag == DW_TAG_typedef ||
				  tag == DW_TAG_variable))
			ret = scopes_put(s, dwarf_dieoffset(&c), prefix);
		if (ret || !dw_is_scope_tag(tag))
			continue;
		name = dwarf_diename(&c);
		if (!name)
			name = tag == DW_TAG_namespace ? "(anonymous namespace)" : "{unnamed}";
		sub = prefix[0] ? dw_strdupf("%s::%s", prefix, name) : strdup(name);
		if (!sub)
			return -ENOMEM;
		ret = scopes_walk(s, &c, sub, depth + 1);
		free(sub);
	} while (!ret && dwarf_siblingof(&c, &c) == 0);
	return ret;
}

static const char *scope_of(struct resolve_dwarf *d, Dwarf_Die *die)
{
	struct u64map *s = &d->scopes;
	Dwarf_Die cu;
	Dwarf_Off cuoff;

	if (!dwarf_diecu(die, &cu, NULL, NULL))
		return NULL;
	cuoff = dwarf_dieoffset(&cu) | DW_SCOPES_DONE;
	if (!scopes_get(s, cuoff)) {
		if (scopes_put(s, cuoff, ""))
			return NULL;
		scopes_walk(s, &cu, "", 0);
	}
	return scopes_get(s, dwarf_dieoffset(die));
}

char *dw_qualname(struct resolve_dwarf *d, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	const char *scope;
	Dwarf_Die o;

	if (!name)
		return NULL;
	if (!dw_is_cxx(die))
		return strdup(name);
	dw_origin(die, &o);
	scope = scope_of(d, &o);
	return scope ? dw_strdupf("%s::%s", scope, name) : strdup(name);
}

/* --- type names ---------------------------------------------------------- */

/*
 * C's declarator spelling: a type is written as its base type, qualifiers
 * first ("const char"), then the declarator built from the outside in
 * ("*const[4]"). Qualifiers on an array qualify its elements, so they pass
 * down to them (gcc puts a const both around "const char msg[]" and inside
 * it); qualifiers on a pointer follow its star ("char *const").
 */
#define DW_Q_CONST	1
#define DW_Q_VOLATILE	2

static char *type_name_r(struct resolve_dwarf *d, Dwarf_Die *type, const char *decl,
			 int quals, int depth);

static const char *quals_str(int quals)
{
	static const char *const s[] = { "", "const", "volatile", "const volatile" };

	return s[quals & 3];
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, type);
}

/* The type that @type refers to, spelt around @decl; frees @decl. */
static char *inner_name(struct resolve_dwarf *d, Dwarf_Die *type, char *decl, int quals,
			int depth)
{
	Dwarf_Die next;
	char *r;

	if (!decl)
		return NULL;
	r = type_name_r(d, type_of(type, &next) ? &next : NULL, decl, quals, depth + 1);
	free(decl);
	return r;
}

/* "*const" before "*": "*const *"; before "[4]": "*const[4]". */
static char *pointer_decl(const char *star, int quals, const char *decl)
{
	const char *sep = quals && decl[0] && decl[0] != '[' ? " " : "";

	return dw_strdupf("%s%s%s%s", star, quals_str(quals), sep, decl);
}

/* "[2][3]" from the subranges; "(*)[2][3]" when a pointer holds the array. */
static char *array_name(struct resolve_dwarf *d, Dwarf_Die *type, const char *decl, int quals,
			int depth)
{
	bool wrap = decl[0] == '*' || decl[0] == '&';
	char dims[128] = "";
	Dwarf_Attribute a;
	Dwarf_Die sub;
	int len = 0, r;

	for (r = dwarf_child(type, &sub); r == 0 && len < (int)sizeof(dims) - 24;
	     r = dwarf_siblingof(&sub, &sub)) {
		Dwarf_Word n = 0;

		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr(&sub, DW_AT_count, &a))
			dwarf_formudata(&a, &n);
		else if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && !dwarf_formudata(&a, &n))
			n++;
		if (n)
			len += snprintf(dims + len, sizeof(dims) - len, "[%" PRIu64 "]",
					(uint64_t)n);
		else
			len += snprintf(dims + len, sizeof(dims) - len, "[]");
	}
	if (!len)
		snprintf(dims, sizeof(dims), "[]");
	return inner_name(d, type, dw_strdupf("%s%s%s%s", wrap ? "(" : "", decl,
					      wrap ? ")" : "", dims), quals, depth);
}

/* A base type, a typedef, or a struct, union, enum or class by name. */
static char *named_type_name(struct resolve_dwarf *d, Dwarf_Die *type, int tag,
			     const char *decl, int quals)
{
	const char *name = type ? dwarf_diename(type) : "void", *kw = "";
	const char *sep = decl[0] && decl[0] != '[' ? " " : "";
	char *q = NULL, *r;

	if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	    tag == DW_TAG_class_type || tag == DW_TAG_enumeration_type ||
	    tag == DW_TAG_typedef) {
		if (dw_is_cxx(type)) {
			q = dw_qualname(d, type);
			name = q;
		} else if (tag != DW_TAG_typedef) {
			kw = tag == DW_TAG_structure_type ? "struct " :
			     tag == DW_TAG_union_type ? "union " : "enum ";
		}
	}
	r = dw_strdupf("%s%s%s%s%s%s", quals_str(quals), quals ? " " : "", kw,
		       name ? name : "{unnamed}", sep, decl);
	free(q);
	return r;
}

/* @type spelt around @decl, the declarator built so far ("*const[4]"), with
 * the qualifiers @quals still to place. */
static char *type_name_r(struct resolve_dwarf *d, Dwarf_Die *type, const char *decl,
			 int quals, int depth)
{
	int tag;

	if (!type || depth > 16)
		return named_type_name(d, NULL, 0, decl, quals);
	tag = dwarf_tag(type);
	switch (tag) {
	case DW_TAG_pointer_type:
		return inner_name(d, type, pointer_decl("*", quals, decl), 0, depth);
	case DW_TAG_reference_type:
		return inner_name(d, type, pointer_decl("&", quals, decl), 0, depth);
	case DW_TAG_rvalue_reference_type:
		return inner_name(d, type, pointer_decl("&&", quals, decl), 0, depth);
	case DW_TAG_const_type:
		return inner_name(d, type, strdup(decl), quals | DW_Q_CONST, depth);
	case DW_TAG_volatile_type:
		return inner_name(d, type, strdup(decl), quals | DW_Q_VOLATILE, depth);
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return inner_name(d, type, strdup(decl), quals, depth);
	case DW_TAG_array_type:
		return array_name(d, type, decl, quals, depth);
	case DW_TAG_subroutine_type:
		return dw_strdupf("void (%s)()", decl);
	default:
		return named_type_name(d, type, tag, decl, quals);
	}
}

char *dw_type_name(struct resolve_dwarf *d, Dwarf_Die *type)
{
	return type_name_r(d, type, "", 0, 0);
}

/* "(int, const char *)" from the formal parameters of @fn (C++). */
static char *signature(struct resolve_dwarf *d, Dwarf_Die *fn)
{
	Dwarf_Die decl, c, t;
	Dwarf_Attribute a;
	char *sig = strdup(""), *tn, *n;
	bool any = false;

	dw_origin(fn, &decl);
	if (dwarf_child(&decl, &c) != 0)
		c = (Dwarf_Die){ 0 };
	else
		do {
			bool art = false;

			if (dwarf_tag(&c) != DW_TAG_formal_parameter &&
			    dwarf_tag(&c) != DW_TAG_unspecified_parameters)
				continue;
			if (dwarf_attr(&c, DW_AT_artificial, &a))
				dwarf_formflag(&a, &art);
			if (art || !sig)
				continue;
			if (dwarf_tag(&c) == DW_TAG_unspecified_parameters)
				tn = strdup("...");
			else if (dwarf_attr_integrate(&c, DW_AT_type, &a) &&
				 dwarf_formref_die(&a, &t))
				tn = dw_type_name(d, &t);
			else
				tn = strdup("void");
			n = tn ? dw_strdupf("%s%s%s", sig, any ? ", " : "", tn) : NULL;
			free(tn);
			free(sig);
			sig = n;
			any = true;
		} while (dwarf_siblingof(&c, &c) == 0);
	n = sig ? dw_strdupf("(%s)", sig) : NULL;
	free(sig);
	return n;
}

char *dw_display_name(struct resolve_dwarf *d, Dwarf_Die *fn, bool with_sig)
{
	char *q = dw_qualname(d, fn), *s, *r;

	if (!q || !with_sig || !dw_is_cxx(fn))
		return q;
	s = signature(d, fn);
	r = s ? dw_strdupf("%s%s", q, s) : NULL;
	free(q);
	free(s);
	return r;
}

bool dw_name_matches(struct resolve_dwarf *d, Dwarf_Die *fn, const char *spec, bool glob)
{
	bool sig = strchr(spec, '(') != NULL, ok;
	const char *link;
	Dwarf_Attribute at;
	char *name;

	if (!dwarf_diename(fn))
		return false;
	if (!dw_is_cxx(fn))
		return glob ? fnmatch(spec, dwarf_diename(fn), 0) == 0 :
			      strcmp(spec, dwarf_diename(fn)) == 0;
	link = dwarf_formstring(dwarf_attr_integrate(fn, DW_AT_linkage_name, &at));
	if (link && !glob && strcmp(link, spec) == 0)
		return true;
	name = dw_display_name(d, fn, sig);
	if (!name)
		return false;
	if (glob) {
		ok = fnmatch(spec, name, 0) == 0;
	} else {
		/* "f(long, char const*)" is "f(long int, const char *)" */
		ok = resolve_cxx_same(spec, name);
	}
	free(name);
	return ok;
}
