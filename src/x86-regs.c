// SPDX-License-Identifier: GPL-2.0
/* The x86-64 register table; see x86-regs.h. */
#include <string.h>

#include "util.h"
#include "x86-regs.h"

/* The kernel's names (arch/x86/include/asm/ptrace.h via regs_query_register_offset),
 * in DWARF order for the first sixteen (System V psABI, figure 3.36). */
static const char *const kernel_regs[] = {
	"ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"ip", "flags", "cs", "ss", "orig_ax",
};

const char *const x86_arg_regs[6] = { "di", "si", "dx", "cx", "r8", "r9" };

bool x86_reg_known(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kernel_regs); i++)
		if (strlen(kernel_regs[i]) == len && !memcmp(name, kernel_regs[i], len))
			return true;
	return false;
}

const char *x86_reg_dwarf(int regno)
{
	/* DWARF 16 is the return address column, not %rip: not a register to fetch. */
	return regno >= 0 && regno < 16 ? kernel_regs[regno] : NULL;
}

/* The legacy eight by their 64-, 32-, 16- and 8-bit assembler names. */
static const struct {
	const char *q, *d, *w, *b, *k;
} legacy[] = {
	{ "rax", "eax", "ax", "al", "ax" }, { "rbx", "ebx", "bx", "bl", "bx" },
	{ "rcx", "ecx", "cx", "cl", "cx" }, { "rdx", "edx", "dx", "dl", "dx" },
	{ "rsi", "esi", "si", "sil", "si" }, { "rdi", "edi", "di", "dil", "di" },
	{ "rbp", "ebp", "bp", "bpl", "bp" }, { "rsp", "esp", "sp", "spl", "sp" },
};

static bool eq(const char *a, size_t len, const char *b)
{
	return strlen(b) == len && !memcmp(a, b, len);
}

/* r8..r15 with an optional d, w or b suffix. */
static bool numbered(const char *name, size_t len, const char **kname, unsigned int *width)
{
	static const char *const r[] = { "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(r); i++) {
		n = strlen(r[i]);
		if (len < n || len > n + 1 || memcmp(name, r[i], n))
			continue;
		if (len == n)
			*width = 8;
		else if (name[n] == 'd' || name[n] == 'w' || name[n] == 'b')
			*width = name[n] == 'd' ? 4 : name[n] == 'w' ? 2 : 1;
		else
			continue;
		*kname = r[i];
		return true;
	}
	return false;
}

bool x86_reg_asm(const char *name, size_t len, const char **kname, unsigned int *width)
{
	size_t i;

	if (eq(name, len, "rip")) {
		*kname = "ip";
		*width = 8;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(legacy); i++) {
		const unsigned int w[] = { 8, 4, 2, 1 };
		const char *const names[] = { legacy[i].q, legacy[i].d, legacy[i].w, legacy[i].b };
		size_t j;

		for (j = 0; j < ARRAY_SIZE(names); j++) {
			if (!eq(name, len, names[j]))
				continue;
			*kname = legacy[i].k;
			*width = w[j];
			return true;
		}
	}
	if (eq(name, len, "ah") || eq(name, len, "bh") || eq(name, len, "ch") ||
	    eq(name, len, "dh"))
		return false;	/* bits 8..15: no fetch-arg reads them */
	return numbered(name, len, kname, width);
}
