/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USDT markers: the SystemTap SDT notes (.note.stapsdt, <sys/sdt.h>,
 * DTRACE_PROBE and STAP_PROBE) of an ELF file, and their argument
 * operands translated into uprobe fetch-args.
 *
 * Addresses here are virtual addresses, adjusted for prelink. The probe
 * line wants file offsets: resolve_usdt_offsets() maps the pc and the
 * semaphore with the ELF resolver's vaddr -> offset map. The semaphore is a counter in
 * .probes (data) for the kernel's (REF_CTR_OFFSET):
 * "p:GRP/EV PATH:0xOFF(0xREF)".
 */
#ifndef UPROBE_RESOLVE_USDT_H
#define UPROBE_RESOLVE_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct resolve_elf;

/* One marker site: a marker used twice (inlined, say) is two notes. */
struct resolve_usdt_note {
	char *provider;
	char *name;
	char *args;		/* the argument string, "" when there are none */
	uint64_t pc;		/* vaddr of the marker's nop */
	uint64_t base;		/* .stapsdt.base as the note recorded it */
	uint64_t semaphore;	/* vaddr of the counter in .probes, 0 when none */
};

/* What an operand is, as the assembler wrote it. */
enum resolve_usdt_kind {
	RESOLVE_USDT_REG,	/* %REG */
	RESOLVE_USDT_MEM,	/* [DISP](%REG) */
	RESOLVE_USDT_RIP_SYM,	/* SYM[+-ADD](%rip): the memory at SYM+ADD */
	RESOLVE_USDT_RIP_NUM,	/* DISP(%rip): relative to an instruction we do not know */
	RESOLVE_USDT_IMM,	/* $IMM */
	RESOLVE_USDT_INDEXED,	/* [DISP]([%BASE],%INDEX[,SCALE]) */
};

/* One operand parsed. */
struct resolve_usdt_op {
	enum resolve_usdt_kind kind;
	int size;		/* bytes, negative when signed; from the register when not given */
	const char *reg;	/* REG, MEM: the kernel's name ("di"); static */
	unsigned int width;	/* REG: the register's width in bytes */
	int64_t disp;		/* MEM, RIP_NUM: displacement; RIP_SYM: addend; IMM: value */
	const char *sym;	/* RIP_SYM: the symbol, pointing into the operand text */
	size_t sym_len;
};

/* One argument of a marker. */
struct resolve_usdt_arg {
	char *text;		/* the operand as in the note: "-4@%edi" */
	char *fetch;		/* the fetch-arg: "%di:s32", or NULL when refused */
	char *why;		/* why it was refused, or NULL */
	bool parsed;		/* op holds the parsed operand */
	struct resolve_usdt_op op;	/* op.sym points into text */
};

/**
 * resolve_usdt_read() - every stapsdt note (type 3, owner "stapsdt") of
 * @e (from resolve_open()), 32- or 64-bit, in file order. With a .stapsdt.base section, pc and
 * semaphore are moved by its address minus the note's base (prelink).
 * Malformed notes are skipped.
 *
 * Return: 0 with *@notes (caller frees with resolve_usdt_notes_free(); NULL
 * when *@n is 0) and *@n, or -ENOMEM, -EINVAL (@e is not ELF).
 */
int resolve_usdt_read(struct resolve_elf *e, struct resolve_usdt_note **notes, size_t *n);

/** resolve_usdt_notes_free() - free @n notes from resolve_usdt_read(); NULL is a no-op. */
void resolve_usdt_notes_free(struct resolve_usdt_note *notes, size_t n);

/**
 * resolve_usdt_parse_op() - parse the @len bytes of operand @text
 * ("-4@%edi", "8@-16(%rbp)", "4@$5", "8@foo+8(%rip)", "%eax") into @op.
 * Without a size, the size is the register's width (unsigned), else 8.
 *
 * Return: 0, or -EINVAL with *@why (a static string) set.
 */
int resolve_usdt_parse_op(const char *text, size_t len, struct resolve_usdt_op *op,
			  const char **why);

/**
 * resolve_usdt_fetcharg() - the uprobe fetch-arg for @op at a marker whose
 * pc is @pc: "%r15:s32", "+112(%sp):s32", "\5:u32", "@+0x4010:u64". A
 * symbol's memory (RIP_SYM) is fetched with "@+OFF", an offset the kernel
 * adds to where file offset 0 of the probed segment is mapped, so OFF is
 * the symbol's vaddr less the p_vaddr - p_offset of the PT_LOAD holding @pc
 * (valid for .bss too). @e may be NULL when @op is no RIP_SYM.
 *
 * Return: a string the caller frees with free(), or NULL with *@why (caller
 * frees with free()) saying why the kernel cannot fetch it; NULL with *@why
 * NULL and errno ENOMEM when memory ran out.
 */
char *resolve_usdt_fetcharg(struct resolve_elf *e, uint64_t pc, const struct resolve_usdt_op *op,
			    char **why);

/**
 * resolve_usdt_args() - split the argument string @args (white space
 * between operands) and translate each operand, as resolve_usdt_parse_op()
 * and resolve_usdt_fetcharg() do. A refused operand is no failure: its
 * fetch is NULL and its why says why.
 *
 * Return: 0 with *@v (caller frees with resolve_usdt_args_free(); NULL when
 * *@n is 0) and *@n, or -ENOMEM.
 */
int resolve_usdt_args(struct resolve_elf *e, uint64_t pc, const char *args,
		      struct resolve_usdt_arg **v, size_t *n);

/** resolve_usdt_args_free() - free @n arguments from resolve_usdt_args(); NULL is a no-op. */
void resolve_usdt_args_free(struct resolve_usdt_arg *v, size_t n);

/**
 * resolve_usdt_match() - whether @note's provider matches the glob
 * @provider (NULL: any) and its name the glob @name (fnmatch).
 */
bool resolve_usdt_match(const struct resolve_usdt_note *note, const char *provider,
			const char *name);

/**
 * resolve_usdt_name_unique() - whether no note of @notes with a provider
 * other than @provider is named @name, so that NAME alone names the marker
 * (in listings, and in usdt:PATH:NAME).
 */
bool resolve_usdt_name_unique(const struct resolve_usdt_note *notes, size_t n,
			      const char *provider, const char *name);

/**
 * resolve_usdt_select() - the indexes into @notes of every site whose
 * provider and name match the globs @provider and @name, at most @max, in
 * @notes' order. With @provider NULL every provider matches, but a name
 * that several providers use is ambiguous.
 *
 * Return: 0 with @idx and *@count filled, -ENOENT when nothing matches,
 * -ENOTUNIQ (ambiguous name; @idx[0] and @idx[1] are sites of two of its
 * providers when @max allows), -E2BIG when more than @max match.
 */
int resolve_usdt_select(const struct resolve_usdt_note *notes, size_t n, const char *provider,
			const char *name, size_t *idx, size_t max, size_t *count);

/**
 * resolve_usdt_offsets() - the file offsets the probe line wants for @nt in
 * @e: *@off of its pc and *@ref of its semaphore (0: none), each through
 * the PT_LOAD that holds it. The kernel finds the counter through the
 * writable mapping that covers *@ref, so the semaphore's own segment is
 * the right one (unlike a symbol's memory in resolve_usdt_fetcharg()).
 *
 * Return: 0, or -ERANGE with resolve_errmsg() set.
 */
int resolve_usdt_offsets(struct resolve_elf *e, const struct resolve_usdt_note *nt,
			 uint64_t *off, uint64_t *ref);

/* "usdt:PATH:PROVIDER:NAME" or "usdt:PATH:NAME", split but not looked up. */
struct resolve_usdt_target {
	char *path;		/* as typed */
	char *provider;		/* a glob; NULL: any provider (NAME must be unique) */
	char *name;		/* a glob */
};

/** resolve_usdt_is_target() - whether @spec starts with "usdt:". */
bool resolve_usdt_is_target(const char *spec);

/**
 * resolve_usdt_parse_target() - split "usdt:PATH:PROVIDER:NAME" or
 * "usdt:PATH:NAME" (bpftrace's spelling) into @t. PATH ends at its first
 * ':'; nothing is opened. Implemented in resolve-target.c.
 *
 * Return: 0, or -EINVAL with resolve_errmsg() set, -ENOMEM. Caller clears
 * @t with resolve_usdt_target_clear(); on failure @t owns nothing.
 */
int resolve_usdt_parse_target(const char *spec, struct resolve_usdt_target *t);

/** resolve_usdt_target_clear() - free what @t owns; @t itself is not freed. */
void resolve_usdt_target_clear(struct resolve_usdt_target *t);

#endif
