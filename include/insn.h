/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction boundaries of x86-64 machine code. The kernel puts a uprobe
 * wherever it is told: inside an instruction, the breakpoint byte
 * overwrites part of it and the traced program dies (SIGSEGV or SIGILL)
 * once the probe is enabled. This module tells whether an address is the
 * first byte of an instruction of a function, by decoding the function
 * linearly from its entry. No I/O, no printing, no global state.
 */
#ifndef UPROBE_INSN_H
#define UPROBE_INSN_H

#include <stddef.h>
#include <stdint.h>

/**
 * insn_check_boundary() - is @target the first byte of an instruction?
 * @code: the function's bytes, as they are in the file (not modified),
 *	  from its entry or from any other address known to start an
 *	  instruction at or before @target (a line-table row, say): the cost
 *	  grows with @target - @start, some 40 ns per instruction
 * @len: how many bytes @code holds (up to the symbol's end)
 * @start: the address of @code[0]: a virtual address or a file offset,
 *	   whichever @target is; the answers are in the same unit
 * @target: the probe's address
 * @before: if not NULL, receives the start of the instruction that holds
 *	    @target: the nearest boundary at or before it
 * @after: if not NULL, receives the end of that instruction: the nearest
 *	   boundary after @target
 *
 * The bytes are decoded from @start, one instruction after the other, up
 * to and including the instruction that holds @target (which must decode
 * too); the bytes past it are not read.
 * A linear sweep is right for code that gcc and clang generate (their
 * jump tables live in .rodata) but is led astray by data embedded in the
 * instruction stream before @target (hand-written assembly can do that):
 * then the answer may be wrong either way, or -ENOEXEC. Near branches with
 * a 0x66 prefix are decoded with Intel's lengths (AMD's differ; no
 * compiler emits them in 64-bit code).
 *
 * Thread-safe and reentrant: no state is kept between calls.
 *
 * Return: 0 when @target starts an instruction (*@before is @target);
 * -EILSEQ when it is inside one; -ERANGE when @target is outside [@start,
 * @start + @len) or that range wraps (*@before and *@after are not
 * written); -ENOEXEC when the bytes do not decode up to the end of
 * @target's instruction (*@before and *@after are both the address of the
 * first byte that does not decode, or of a last instruction cut short).
 */
int insn_check_boundary(const uint8_t *code, size_t len, uint64_t start, uint64_t target,
			uint64_t *before, uint64_t *after);

#endif
