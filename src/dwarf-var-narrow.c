// SPDX-License-Identifier: GPL-2.0
/*
 * Location expressions that only narrow a register to the variable's own
 * width: clang describes a _Bool or char parameter as (%cx & 0xffffffff)
 * converted to an unsigned byte. A fetch of the register with the
 * variable's type keeps exactly its low bytes, which is the same value.
 */
#include <stdbool.h>
#include <dwarf.h>

#include "dwarf-var.h"

/* Whether operation @op keeps the low @bits bits of the value as they are. */
static bool keeps_low(Dwarf_Attribute *attr, const Dwarf_Op *op, const Dwarf_Op *next,
		      Dwarf_Word bits, int *used)
{
	Dwarf_Word enc = 0;
	Dwarf_Attribute a;
	Dwarf_Die bt;
	uint64_t low;
	int size;

	*used = 1;
	if ((op->atom == DW_OP_constu || op->atom == DW_OP_const4u ||
	     op->atom == DW_OP_const8u || op->atom == DW_OP_const1u ||
	     op->atom == DW_OP_const2u) && next && next->atom == DW_OP_and) {
		*used = 2;
		/* a mask of the low k bits, k at least @bits */
		low = bits >= 64 ? ~0ull : (1ull << bits) - 1;
		return (op->number & low) == low && (op->number & (op->number + 1)) == 0;
	}
	if (op->atom != DW_OP_convert && op->atom != DW_OP_GNU_convert)
		return false;
	if (op->number == 0)
		return true;	/* to the generic type: 64 bits */
	if (dwarf_getlocation_die(attr, op, &bt) || dwarf_tag(&bt) != DW_TAG_base_type ||
	    dwarf_formudata(dwarf_attr(&bt, DW_AT_encoding, &a), &enc))
		return false;
	size = dwarf_bytesize(&bt);
	return (enc == DW_ATE_unsigned || enc == DW_ATE_signed || enc == DW_ATE_boolean ||
		enc == DW_ATE_unsigned_char || enc == DW_ATE_signed_char) &&
	       size > 0 && (Dwarf_Word)size * 8 >= bits;
}

bool dv_narrows(const struct dv *v, Dwarf_Attribute *attr, const Dwarf_Op *ops, size_t n)
{
	Dwarf_Word size = 0;
	Dwarf_Die t;
	size_t i;
	int used, tag;

	if (!dv_peel(v, &t))
		return false;
	tag = dwarf_tag(&t);
	if ((tag != DW_TAG_base_type && tag != DW_TAG_enumeration_type) ||
	    dwarf_aggregate_size(&t, &size) || size == 0 || size > 8)
		return false;
	for (i = 0; i < n; i += used)
		if (!keeps_low(attr, &ops[i], i + 1 < n ? &ops[i + 1] : NULL, size * 8, &used))
			return false;
	return true;
}
