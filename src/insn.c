// SPDX-License-Identifier: GPL-2.0
/*
 * Instruction boundaries by a linear sweep with Zydis (libzydis-dev).
 *
 * Why Zydis and not Capstone (bench/insn.sh, "Instruction decoder" in
 * bench/REPORT.md, Debian's Zydis 4.0.0 against Capstone 4.0.2):
 * - it decodes what compilers and glibc emit: over all 6118 functions of
 *   libc.so.6 (with libc6-dbg's symbols), Zydis decodes every one and
 *   Capstone stops in 40 of them, on AVX-512 EVEX compares (vpcmpb with a
 *   ymm operand), mask-register moves (kmovd) and rdpkru; where both
 *   decode, they find the same boundaries;
 * - it is 3.5 times faster: ~42 ns per instruction against ~149 ns,
 *   0.68 ms against 2.4 ms for the largest function of libLLVM-15 (59627
 *   bytes, 16194 instructions). Capstone formats every instruction's text
 *   even with CS_OPT_DETAIL off, and there is no option to skip it;
 * - it needs no handle: a ZydisDecoder is a plain struct set up in well
 *   under a microsecond on the stack, so this module keeps no state and is
 *   thread-safe, where Capstone wants cs_open() (~25 µs, a malloc'ed
 *   handle) and cs_malloc();
 * - it is small: libZydis.so is 0.6 MB, x86 only, and adds ~6 µs to every
 *   start of uprobe in the dynamic loader; libcapstone.so is 6.6 MB of
 *   every architecture's tables and adds ~85 µs (77378 relocations).
 * Against it: Debian ships no zydis.pc, so the Makefile links -lZydis by
 * name.
 *
 * ZYDIS_DECODER_MODE_MINIMAL skips the operands; an instruction's length
 * is still decoded in full.
 */
#include <errno.h>
#include <stdbool.h>

#include <Zydis/Zydis.h>

#include "insn.h"

static bool insn_decoder_init(ZydisDecoder *dec)
{
	return ZYAN_SUCCESS(ZydisDecoderInit(dec, ZYDIS_MACHINE_MODE_LONG_64,
					     ZYDIS_STACK_WIDTH_64)) &&
	       ZYAN_SUCCESS(ZydisDecoderEnableMode(dec, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE));
}

static void insn_put(uint64_t *before, uint64_t *after, uint64_t b, uint64_t a)
{
	if (before)
		*before = b;
	if (after)
		*after = a;
}

int insn_check_boundary(const uint8_t *code, size_t len, uint64_t start, uint64_t target,
			uint64_t *before, uint64_t *after)
{
	ZydisDecodedInstruction in;
	ZydisDecoder dec;
	uint64_t want, off = 0;

	if (target < start || target - start >= len || start + len < start)
		return -ERANGE;
	if (!insn_decoder_init(&dec))
		return -ENOEXEC;
	want = target - start;
	for (;;) {
		if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&dec, NULL, code + off, len - off,
								&in))) {
			insn_put(before, after, start + off, start + off);
			return -ENOEXEC;
		}
		if (off + in.length > want)
			break;
		off += in.length;
	}
	insn_put(before, after, start + off, start + off + in.length);
	return off == want ? 0 : -EILSEQ;
}
