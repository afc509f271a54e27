/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 registers, one table for the grammar (the kernel's names in
 * fetch-args), DWARF (register numbers) and USDT notes (assembler names
 * with their sizes).
 */
#ifndef UPROBE_X86_REGS_H
#define UPROBE_X86_REGS_H

#include <stdbool.h>
#include <stddef.h>

/* The integer argument registers of the x86-64 SysV ABI, in order. */
extern const char *const x86_arg_regs[6];

/**
 * x86_reg_known() - whether the @len bytes at @name are a register the
 * kernel's uprobe fetch-args take ("di", "r15", "ip", "flags", ...).
 */
bool x86_reg_known(const char *name, size_t len);

/**
 * x86_reg_dwarf() - the kernel's name of DWARF register @regno (0 "ax" ..
 * 16 "ip"... only those the kernel can fetch), or NULL.
 */
const char *x86_reg_dwarf(int regno);

/**
 * x86_reg_asm() - the kernel's name and the width in bytes of the
 * assembler register @name, without '%' ("edi" -> "di", 4; "r15d" ->
 * "r15", 4; "al" -> "ax", 1; "rip" -> "ip", 8).
 *
 * Return: true, or false for a name that is not a general register.
 */
bool x86_reg_asm(const char *name, size_t len, const char **kname, unsigned int *width);

#endif
