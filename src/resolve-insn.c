// SPDX-License-Identifier: GPL-2.0
/*
 * A probe's address checked against the code it lands in. The kernel writes
 * its breakpoint wherever it is told: inside an instruction, the int3
 * overwrites part of it and the traced program dies once the probe is
 * enabled. The bytes of the function that holds the place are read from
 * the file's mapping and decoded by insn.c from the function's entry up to
 * the place: some 40 ns per instruction, under a millisecond for the
 * largest function of libLLVM (bench/insn.sh), so no line-table row is
 * looked up to start later.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "insn.h"
#include "resolve-int.h"
#include "util.h"

/* The longest x86 instruction: what a function of unknown size may need. */
#define INSN_MAX	15

/* The sized function symbol that holds @addr, the one that starts closest. */
struct holder_walk {
	uint64_t addr;
	uint64_t start, size;
	bool found;
};

static int holder_one(const struct resolve_sym *s, void *arg)
{
	struct holder_walk *w = arg;
	uint64_t value = s->sym.st_value, size = s->sym.st_size;

	if (!size || w->addr < value || w->addr - value >= size)
		return 0;
	if (!w->found || value > w->start) {
		w->start = value;
		w->size = size;
	}
	w->found = true;
	return 0;
}

/*
 * Where the code of @loc's function lies: [*@start, *@start + *@len) in
 * virtual addresses. The symbol's size when the place came with one, else
 * the symbol table's; a sizeless symbol (hand-written assembly) is read up
 * to one instruction past the place.
 */
static int code_range(struct resolve_elf *e, const struct resolve_loc *loc, uint64_t *start,
		      uint64_t *len)
{
	struct holder_walk w = { .addr = loc->addr };

	if (loc->symbol && loc->size && loc->add < loc->size) {
		*start = loc->addr - loc->add;
		*len = loc->size;
		return 0;
	}
	resolve_elf_each_func(e, holder_one, &w);
	if (w.found) {
		*start = w.start;
		*len = w.size;
		return 0;
	}
	if (!loc->symbol || loc->add > loc->addr)
		return resolve_set_err(-ENOENT, "no function symbol holds offset 0x%" PRIx64
				       ": where its instructions start is unknown", loc->offset);
	*start = loc->addr - loc->add;
	*len = loc->add + INSN_MAX;
	return 0;
}

/* The file's bytes of [@start, @start + *@len), *@len cut to the segment's file bytes. */
static const uint8_t *code_bytes(struct resolve_elf *e, uint64_t start, uint64_t *len)
{
	const GElf_Phdr *p = resolve_elf_load_of_vaddr(e, start);
	uint64_t off, room;

	if (!p || resolve_elf_vaddr_to_off(e, start, &off) || off >= e->size)
		return NULL;
	room = p->p_filesz - (start - p->p_vaddr);
	if (room > e->size - off)
		room = e->size - off;
	if (*len > room)
		*len = room;
	return e->map + off;
}

/* "NAME+ADD" of the place @addr, named as @loc names its own address. */
static void place_name(const struct resolve_loc *loc, uint64_t addr, char *buf, size_t size)
{
	char name[512];

	resolve_escape(loc->symbol ? loc->symbol : "", name, sizeof(name));
	if (loc->symbol && addr >= loc->addr - loc->add)
		snprintf(buf, size, "%s+%" PRIu64, name, addr - (loc->addr - loc->add));
	else
		snprintf(buf, size, "0x%" PRIx64, addr - loc->addr + loc->offset);
}

static int inside_err(const struct resolve_loc *loc, uint64_t before, uint64_t after)
{
	char at[600], b[600], a[600];

	place_name(loc, loc->addr, at, sizeof(at));
	place_name(loc, before, b, sizeof(b));
	place_name(loc, after, a, sizeof(a));
	return resolve_set_err(-EILSEQ, "'%s' is inside the instruction at %s (%" PRIu64
			       " bytes): probe %s or %s", at, b, after - before, b, a);
}

int resolve_check_insn(struct resolve_elf *e, const struct resolve_loc *loc, uint64_t *before,
		       uint64_t *after)
{
	uint64_t start = 0, len = 0, b = loc->addr, a = loc->addr;
	const uint8_t *code;
	char at[600];
	int ret;

	resolve_clear_err();
	if (e->ehdr.e_machine != EM_X86_64 || !e->is64)
		return resolve_set_err(-ENOTSUP, "instruction boundaries are known for x86-64 "
				       "code only, not for ELF machine %u", e->ehdr.e_machine);
	ret = code_range(e, loc, &start, &len);
	if (ret)
		return ret;
	/* a function's own address begins its first instruction: nothing to
	 * decode, and Zydis' tables stay untouched (the dry run's memory) */
	if (loc->addr == start) {
		if (before)
			*before = start;
		if (after)
			*after = start;
		return 0;
	}
	code = code_bytes(e, start, &len);
	place_name(loc, loc->addr, at, sizeof(at));
	if (!code || loc->addr - start >= len)
		return resolve_set_err(-ERANGE, "the code of '%s' is not in the file", at);
	ret = insn_check_boundary(code, len, start, loc->addr, &b, &a);
	if (before)
		*before = b;
	if (after)
		*after = a;
	if (ret == -EILSEQ)
		return inside_err(loc, b, a);
	if (ret == -ENOEXEC) {
		place_name(loc, b, at, sizeof(at));
		return resolve_set_err(-ENOEXEC, "the code does not decode as x86-64 at %s, "
				       "before the place: its boundaries are unknown", at);
	}
	return ret;
}

/* @c as it may be printed, into @out (up to 4 bytes); its length. */
static size_t escape_one(unsigned char c, char *out)
{
	if (c >= 0x20 && c != 0x7f) {
		out[0] = c;
		return 1;
	}
	out[0] = '\\';
	if (c == '\n' || c == '\t' || c == 033) {
		out[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'e';
		return 2;
	}
	out[1] = 'x';
	out[2] = util_hexdig[c >> 4];
	out[3] = util_hexdig[c & 15];
	return 4;
}

void resolve_escape(const char *s, char *buf, size_t size)
{
	size_t k = 0, mark = 0, n;	/* mark: the last cut where "..." still fits */
	char one[4];

	if (!size)
		return;
	for (; *s; s++) {
		n = escape_one(*s, one);
		if (k + n + 1 > size)
			break;
		memcpy(buf + k, one, n);
		k += n;
		if (k + 4 <= size)
			mark = k;
	}
	if (*s && size >= 4) {
		memcpy(buf + mark, "...", 3);
		k = mark + 3;
	} else if (*s) {
		k = 0;
	}
	buf[k] = '\0';
}
