// SPDX-License-Identifier: GPL-2.0
/*
 * Values in pieces (DW_OP_piece): an optimizing compiler keeps a small
 * struct as its members, each in a register or in memory of its own, some
 * pieces optimized out. The whole cannot be fetched, a member can: from the
 * piece that holds all of its bytes, as if that piece were the variable.
 */
#include <errno.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf-var.h"

int dv_pieces(Dwarf_Attribute *attr, Dwarf_Op *ops, size_t nops, struct dv *v)
{
	v->kind = DV_PIECES;
	v->pieces = ops;
	v->npieces = nops;
	v->pattr = *attr;
	return 0;
}

/* The piece holding bytes @off..+@size: its operations *@start..+*@n and offset *@poff. */
static int find_piece(const struct dv *v, int64_t off, Dwarf_Word size, size_t *start,
		      size_t *n, int64_t *poff)
{
	int64_t at = 0;
	size_t i, first = 0;

	for (i = 0; i < v->npieces; i++) {
		const Dwarf_Op *op = &v->pieces[i];

		if (op->atom == DW_OP_bit_piece)
			return -ENOTSUP;
		if (op->atom != DW_OP_piece)
			continue;
		if (off >= at && off + (int64_t)size <= at + (int64_t)op->number) {
			*start = first;
			*n = i - first;
			*poff = at;
			return 0;
		}
		if (off < at + (int64_t)op->number)
			return -ERANGE;	/* across two pieces */
		at += (int64_t)op->number;
		first = i + 1;
	}
	return -ENOENT;
}

int dv_piece_select(const struct at *at, struct dv *v, int64_t *off, Dwarf_Word size,
		    const char *path, const char *m)
{
	Dwarf_Attribute attr = v->pattr;
	size_t start = 0, n = 0;
	int64_t poff = 0;
	struct dv p;
	int ret = find_piece(v, *off, size, &start, &n, &poff);

	if (ret == -ENOTSUP)
		return dw_err(ret, "'%s' is in pieces of bits here, which uprobes cannot take "
			      "apart", path);
	if (ret == -ENOENT)
		n = 0;	/* past the last piece: not described */
	else if (ret)
		return dw_err(-ENOTSUP, "'%s.%s' is split across pieces of '%s' here (registers "
			      "or memory); uprobes cannot put it together", path, m, path);
	if (n == 0)
		return dw_err(-ENODATA, "'%s.%s' is optimized out here: only other members of "
			      "'%s' are known", path, m, path);
	memset(&p, 0, sizeof(p));
	p.type = v->type;
	p.typed = v->typed;
	ret = dv_ops(at, &attr, v->pieces + start, n, &p, path);
	if (ret)
		return ret;
	if (p.kind == DV_PIECES)
		return dw_err(-ENOTSUP, "'%s' is in nested pieces here", path);
	*v = p;
	*off -= poff;
	return 0;
}
