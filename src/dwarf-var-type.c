// SPDX-License-Identifier: GPL-2.0
/*
 * A variable's C type -> the kernel's fetch type (s32, x64, string, char,
 * u8[4], b3@4/32), and the members of structs, unions and classes: their
 * offsets, through anonymous members and base classes, and bitfields.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-var.h"

/* --- types --------------------------------------------------------------- */

bool dv_type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

bool dv_peel(const struct dv *v, Dwarf_Die *t)
{
	Dwarf_Die in;

	if (!v->typed)
		return false;
	in = v->type;
	return dwarf_peel_type(&in, t) == 0;
}

static bool is_plain_char(Dwarf_Die *t)
{
	const char *n = dwarf_diename(t);

	return dwarf_tag(t) == DW_TAG_base_type && n &&
	       (strcmp(n, "char") == 0 || strcmp(n, "char8_t") == 0);
}

bool dv_char_target(Dwarf_Die *t)
{
	Dwarf_Die e, pe;

	if (!dv_type_of(t, &e) || dwarf_peel_type(&e, &pe))
		return false;
	return is_plain_char(&pe);
}

int dv_array_count(Dwarf_Die *t, Dwarf_Word *n)
{
	Dwarf_Attribute a;
	Dwarf_Die sub;

	*n = 0;
	if (dwarf_child(t, &sub) || dwarf_tag(&sub) != DW_TAG_subrange_type)
		return -ENOENT;
	if (dwarf_attr(&sub, DW_AT_count, &a))
		return dwarf_formudata(&a, n) ? -ENOENT : 0;
	if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && dwarf_formudata(&a, n) == 0) {
		(*n)++;
		return 0;
	}
	return -ENOENT;
}

static bool is_signed_base(Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;
	Dwarf_Die u, pu;

	if (dwarf_tag(t) == DW_TAG_enumeration_type) {
		if (dv_type_of(t, &u) && dwarf_peel_type(&u, &pu) == 0)
			return is_signed_base(&pu);
		if (dwarf_attr(t, DW_AT_encoding, &a) == NULL)
			return false;
	} else if (!dwarf_attr(t, DW_AT_encoding, &a)) {
		return false;
	}
	dwarf_formudata(&a, &enc);
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

int dv_scalar_type(struct resolve_dwarf *d, Dwarf_Die *t, const char *name,
		   char *buf, size_t len)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;
	int tag = dwarf_tag(t), size = dwarf_bytesize(t);
	char *tn;

	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		snprintf(buf, len, "x64");
		return 0;
	case DW_TAG_base_type:
		if (dwarf_attr(t, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		if (is_plain_char(t) && size == 1) {
			snprintf(buf, len, "char");
			return 0;
		}
		if (enc == DW_ATE_float && (size == 4 || size == 8)) {
			snprintf(buf, len, "x%d", size * 8);
			return 0;
		}
		if (enc == DW_ATE_float || enc == DW_ATE_complex_float)
			break;
		/* fallthrough */
	case DW_TAG_enumeration_type:
		if (size != 1 && size != 2 && size != 4 && size != 8)
			break;
		snprintf(buf, len, "%c%d", is_signed_base(t) ? 's' : 'u', size * 8);
		return 0;
	default:
		break;
	}
	tn = dw_type_name(d, t);
	dw_err(-ENOTSUP, "'%s' is a %s, which uprobes cannot fetch whole%s", name,
	       tn ? tn : "?", tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type ? ": name a member, as in 'x.member'" : "");
	free(tn);
	return -ENOTSUP;
}

int dv_array_type(struct resolve_dwarf *d, Dwarf_Die *t, const char *path,
		  char *buf, size_t len)
{
	Dwarf_Word n = 0;
	Dwarf_Die e, pe;

	if (dv_char_target(t)) {
		snprintf(buf, len, "string");
		return 0;
	}
	if (dv_array_count(t, &n) || !dv_type_of(t, &e) || dwarf_peel_type(&e, &pe))
		return dw_err(-ENOTSUP, "'%s' is an array of unknown size: "
			      "index it, as in '%s[0]'", path, path);
	if (n > KMAX_ARRAY)
		return dw_err(-E2BIG, "'%s' has %" PRIu64 " elements, more than the "
			      "kernel's %d: index it, as in '%s[0]'", path,
			      (uint64_t)n, KMAX_ARRAY, path);
	if (dv_scalar_type(d, &pe, path, buf, len - 8))
		return -ENOTSUP;
	snprintf(buf + strlen(buf), 8, "[%" PRIu64 "]", (uint64_t)n);
	return 0;
}

/* --- members ------------------------------------------------------------- */

static int member_offset(Dwarf_Die *m, int64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t nops;

	*off = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return 0;
	if (dwarf_formudata(&a, &w) == 0) {
		*off = (int64_t)w;
		return 0;
	}
	if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = (int64_t)ops[0].number;
		return 0;
	}
	return -ENOTSUP;
}

bool dv_find_member(Dwarf_Die *t, const char *name, Dwarf_Die *m, int64_t *off, int depth)
{
	Dwarf_Die c, sub, psub;
	int64_t o;

	if (depth > 16 || dwarf_child(t, &c))
		return false;
	do {
		int tag = dwarf_tag(&c);
		const char *n = dwarf_diename(&c);

		if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
			continue;
		if (member_offset(&c, &o))
			continue;
		if (tag == DW_TAG_member && n && strcmp(n, name) == 0) {
			*m = c;
			*off = o;
			return true;
		}
		if ((tag == DW_TAG_inheritance || !n) && dv_type_of(&c, &sub) &&
		    dwarf_peel_type(&sub, &psub) == 0 &&
		    dv_find_member(&psub, name, m, off, depth + 1)) {
			*off += o;
			return true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

void dv_member_list(Dwarf_Die *t, char *buf, size_t len)
{
	Dwarf_Die c;
	size_t used = 0;

	buf[0] = '\0';
	if (dwarf_child(t, &c))
		return;
	do {
		const char *n = dwarf_diename(&c);

		if (dwarf_tag(&c) != DW_TAG_member || !n || used + strlen(n) + 8 > len)
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "", n);
	} while (dwarf_siblingof(&c, &c) == 0);
}

int dv_bitfield(Dwarf_Die *m, Dwarf_Die *mt, int64_t *byteoff, struct dv *v)
{
	Dwarf_Attribute a;
	Dwarf_Word bits = 0, dbo = 0;
	int csize = dwarf_bytesize(mt);

	if (!dwarf_attr(m, DW_AT_bit_size, &a) || dwarf_formudata(&a, &bits))
		return 0;
	if (csize <= 0)
		return -ENOTSUP;
	if (dwarf_attr(m, DW_AT_data_bit_offset, &a)) {
		dwarf_formudata(&a, &dbo);
	} else if (dwarf_attr(m, DW_AT_bit_offset, &a)) {
		Dwarf_Word bo = 0;

		/* DWARF 2/3: bits from the top of the container */
		dwarf_formudata(&a, &bo);
		dbo = (Dwarf_Word)(*byteoff * 8) + csize * 8 - bo - bits;
		*byteoff = 0;
	}
	dbo += (Dwarf_Word)(*byteoff * 8);
	*byteoff = (int64_t)(dbo / (csize * 8)) * csize;
	v->bf_off = (int)(dbo - (Dwarf_Word)*byteoff * 8);
	v->bf_size = (int)bits;
	return 0;
}
