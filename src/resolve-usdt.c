// SPDX-License-Identifier: GPL-2.0
/* USDT markers: the stapsdt notes and their operands; see resolve-usdt.h. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-int.h"
#include "resolve-usdt.h"
#include "util.h"
#include "x86-regs.h"

#define NT_STAPSDT	3

/* ---- the notes ---- */

struct note_ctx {
	size_t asz;			/* address size: 4 or 8 */
	bool msb;			/* big-endian file */
	bool have_base;
	uint64_t base;			/* sh_addr of .stapsdt.base */
	struct resolve_usdt_note *v;
	size_t n, cap;
};

/* Descriptors are not translated by libelf: they are in the file's byte order. */
static uint64_t get_addr(const unsigned char *p, const struct note_ctx *c)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < c->asz; i++)
		v = c->msb ? v << 8 | p[i] : v | (uint64_t)p[i] << (8 * i);
	return v;
}

static int add_note(struct note_ctx *c, const unsigned char *d, size_t len)
{
	const char *s = (const char *)d + 3 * c->asz, *end = (const char *)d + len;
	const char *name, *args, *stop;
	struct resolve_usdt_note *nt;

	if (len < 3 * c->asz + 3)
		return 0;
	name = memchr(s, '\0', end - s);
	args = name ? memchr(name + 1, '\0', end - name - 1) : NULL;
	stop = args && args + 1 < end ? memchr(args + 1, '\0', end - args - 1) : NULL;
	if (!args || (args + 1 < end && !stop))
		return 0;	/* malformed: skipped */
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;

		nt = realloc(c->v, cap * sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		c->v = nt;
		c->cap = cap;
	}
	nt = &c->v[c->n];
	nt->pc = get_addr(d, c);
	nt->base = get_addr(d + c->asz, c);
	nt->semaphore = get_addr(d + 2 * c->asz, c);
	/* Prelink moved the code and data but not the note: follow the base. */
	if (c->have_base) {
		nt->pc += c->base - nt->base;
		if (nt->semaphore)
			nt->semaphore += c->base - nt->base;
	}
	nt->provider = strdup(s);
	nt->name = strdup(name + 1);
	nt->args = strdup(args + 1 < end ? args + 1 : "");
	c->n++;
	if (!nt->provider || !nt->name || !nt->args)
		return -ENOMEM;
	return 0;
}

static int read_notes(Elf_Scn *scn, struct note_ctx *c)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t off = 0, next, noff, doff;
	GElf_Nhdr nh;
	int ret;

	if (!d)
		return 0;
	while ((next = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
		off = next;
		if (nh.n_type != NT_STAPSDT || nh.n_namesz != sizeof("stapsdt") ||
		    memcmp((char *)d->d_buf + noff, "stapsdt", sizeof("stapsdt")))
			continue;
		ret = add_note(c, (unsigned char *)d->d_buf + doff, nh.n_descsz);
		if (ret)
			return ret;
	}
	return 0;
}

static Elf_Scn *find_section(Elf *elf, const char *want)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, want))
			return scn;
	}
	return NULL;
}

int resolve_usdt_read(struct resolve_elf *e, struct resolve_usdt_note **notes, size_t *n)
{
	Elf *elf = resolve_elf_elf(e);
	struct note_ctx c = { 0 };
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	int ret = 0;

	*notes = NULL;
	*n = 0;
	if (!gelf_getehdr(elf, &eh))
		return -EINVAL;
	c.asz = eh.e_ident[EI_CLASS] == ELFCLASS32 ? 4 : 8;
	c.msb = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	scn = find_section(elf, ".stapsdt.base");
	if (scn && gelf_getshdr(scn, &sh)) {
		c.have_base = true;
		c.base = sh.sh_addr;
	}
	scn = NULL;
	while (!ret && (scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE)
			ret = read_notes(scn, &c);
	}
	if (ret) {
		resolve_usdt_notes_free(c.v, c.n);
		return ret;
	}
	*notes = c.v;
	*n = c.n;
	return 0;
}

void resolve_usdt_notes_free(struct resolve_usdt_note *notes, size_t n)
{
	size_t i;

	for (i = 0; notes && i < n; i++) {
		free(notes[i].provider);
		free(notes[i].name);
		free(notes[i].args);
	}
	free(notes);
}

/* ---- operands ---- */

/* A number as the assembler writes it: decimal, 0x hex, a sign. */
static bool parse_int(const char **p, const char *end, int64_t *v)
{
	char buf[32], *stop;
	size_t len = 0;

	while (*p + len < end && (isalnum((unsigned char)(*p)[len]) ||
				  (!len && ((*p)[len] == '+' || (*p)[len] == '-'))))
		len++;
	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, *p, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtoll(buf, &stop, 0);
	if (*stop || errno)
		return false;
	*p += len;
	return true;
}

/* "%NAME" up to a ',' or ')' or the end: the kernel's name and width. */
static bool parse_reg(const char **p, const char *end, const char **kname, unsigned int *width)
{
	const char *s = *p + 1;
	size_t len = 0;

	if (*p >= end || **p != '%')
		return false;
	while (s + len < end && isalnum((unsigned char)s[len]))
		len++;
	if (!len || !x86_reg_asm(s, len, kname, width))
		return false;
	*p = s + len;
	return true;
}

static bool sym_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.' ||
	       (!first && isdigit((unsigned char)c));
}

/* The displacement before '(': N, SYM, SYM+N, SYM-N or N+SYM (gcc -O2). */
static bool parse_disp(const char **p, const char *end, struct resolve_usdt_op *op)
{
	const char *s = *p;
	int64_t pre = 0;

	if (s < end && *s != '(' && !sym_char(*s, true)) {
		if (!parse_int(&s, end, &pre))
			return false;
		if (s + 1 >= end || *s != '+' || !sym_char(s[1], true)) {
			op->disp = pre;
			*p = s;
			return true;
		}
		s++;
	}
	if (s < end && sym_char(*s, true)) {
		op->sym = s;
		while (s < end && sym_char(*s, false))
			s++;
		op->sym_len = s - op->sym;
		if (s < end && *s != '(' && !parse_int(&s, end, &op->disp))
			return false;
	}
	op->disp += pre;
	*p = s;
	return true;
}

/* "(%BASE)", "(%BASE,%INDEX[,SCALE])", "(,%INDEX[,SCALE])" to the end. */
static int parse_paren(const char *s, const char *end, struct resolve_usdt_op *op,
		       const char **why)
{
	unsigned int w;
	const char *k;

	if (s >= end || *s++ != '(' || end[-1] != ')')
		return -EINVAL;
	end--;
	if (s < end && *s == '%' && !parse_reg(&s, end, &op->reg, &op->width))
		return -EINVAL;
	if (s == end) {
		if (!op->reg)
			return -EINVAL;
		if (!strcmp(op->reg, "ip")) {
			op->kind = op->sym ? RESOLVE_USDT_RIP_SYM : RESOLVE_USDT_RIP_NUM;
			return 0;
		}
		op->kind = RESOLVE_USDT_MEM;
		if (op->sym)
			*why = "a symbol's link-time address plus a register";
		return op->sym ? -EINVAL : 0;
	}
	if (*s++ != ',' || !parse_reg(&s, end, &k, &w))
		return -EINVAL;
	op->kind = RESOLVE_USDT_INDEXED;
	return s == end || (*s == ',' && s + 2 == end && strchr("1248", s[1])) ? 0 : -EINVAL;
}

static int parse_size(const char **p, const char *end, int *size)
{
	const char *s = *p, *at = memchr(s, '@', end - s);
	int64_t v;

	if (!at || at == s || !(isdigit((unsigned char)*s) || *s == '-'))
		return 0;
	if (!parse_int(&s, at, &v) || s != at)
		return 0;	/* not SIZE@: a symbol holding '@', say */
	if (v != 1 && v != 2 && v != 4 && v != 8 && v != -1 && v != -2 && v != -4 && v != -8)
		return -EINVAL;
	*size = (int)v;
	*p = at + 1;
	return 0;
}

int resolve_usdt_parse_op(const char *text, size_t len, struct resolve_usdt_op *op,
			  const char **why)
{
	const char *s = text, *end = text + len;

	memset(op, 0, sizeof(*op));
	*why = "not an operand of a stapsdt note";
	if (parse_size(&s, end, &op->size)) {
		*why = "the size is none of 1, 2, 4 and 8";
		return -EINVAL;
	}
	if (s < end && *s == '%') {
		op->kind = RESOLVE_USDT_REG;
		if (!parse_reg(&s, end, &op->reg, &op->width) || s != end) {
			*why = "not a register the kernel can fetch";
			return -EINVAL;
		}
		if (!op->size)
			op->size = (int)op->width;
		return 0;
	}
	if (!op->size)
		op->size = 8;
	if (s < end && *s == '$') {
		op->kind = RESOLVE_USDT_IMM;
		s++;
		return parse_int(&s, end, &op->disp) && s == end ? 0 : -EINVAL;
	}
	if (!parse_disp(&s, end, op))
		return -EINVAL;
	return parse_paren(s, end, op, why);
}

/* ---- fetch-args ---- */

static void fetch_type(int size, char *buf, size_t len)
{
	snprintf(buf, len, "%c%u", size < 0 ? 's' : 'u', 8 * (unsigned int)abs(size));
}

/*
 * The defined data symbol @name in the local table (the file's .symtab or
 * its debug file's) or .dynsym; several addresses under one name (statics
 * of different files) are ambiguous.
 */
static int find_symbol(struct resolve_elf *e, const char *name, size_t len, uint64_t *addr)
{
	const struct resolve_symtab *tabs[2] = { resolve_elf_local_table(e), &e->tab[1] };
	bool found = false;
	size_t t, i;

	for (t = 0; t < ARRAY_SIZE(tabs); t++) {
		for (i = 0; i < tabs[t]->count; i++) {
			struct resolve_sym s;

			if (!resolve_sym_read(tabs[t], i, &s) || s.sym.st_shndx == SHN_UNDEF ||
			    resolve_sym_type(&s) == STT_TLS || !s.name ||
			    strncmp(s.name, name, len) || s.name[len])
				continue;
			if (found && *addr != s.sym.st_value)
				return -ENOTUNIQ;
			found = true;
			*addr = s.sym.st_value;
		}
	}
	return found ? 0 : -ENOENT;
}

int resolve_usdt_offsets(struct resolve_elf *e, const struct resolve_usdt_note *nt,
			 uint64_t *off, uint64_t *ref)
{
	*ref = 0;
	if (resolve_elf_vaddr_to_off(e, nt->pc, off))
		return resolve_set_err(-ERANGE, "marker %s:%s at 0x%" PRIx64 " is in no PT_LOAD",
				       nt->provider, nt->name, nt->pc);
	/* The kernel finds the counter through the writable mapping that covers it. */
	if (nt->semaphore && resolve_elf_vaddr_to_off(e, nt->semaphore, ref))
		return resolve_set_err(-ERANGE, "the semaphore of %s:%s at 0x%" PRIx64
				       " is in no PT_LOAD", nt->provider, nt->name, nt->semaphore);
	return 0;
}

static char *rip_sym(struct resolve_elf *e, uint64_t pc, const struct resolve_usdt_op *op,
		     const char *type, char **why)
{
	const GElf_Phdr *ph;
	uint64_t addr = 0;
	char *s;
	int ret;

	ret = e ? find_symbol(e, op->sym, op->sym_len, &addr) : -ENOENT;
	if (ret) {
		if (asprintf(why, "symbol '%.*s' is %s", (int)op->sym_len, op->sym,
			     ret == -ENOTUNIQ ? "ambiguous" : "not in the symbol tables") < 0)
			*why = NULL;
		return NULL;
	}
	ph = resolve_elf_load_of_vaddr(e, pc);
	if (!ph) {
		*why = strdup("the marker is in no PT_LOAD");
		return NULL;
	}
	/*
	 * The kernel's @+OFF is relative to where the probed segment maps file
	 * offset 0 (bp_addr - the probe's offset), so the pc's PT_LOAD, not the
	 * symbol's own one, turns the vaddr into OFF.
	 */
	addr += (uint64_t)op->disp - (ph->p_vaddr - ph->p_offset);
	if (asprintf(&s, "@+0x%" PRIx64 ":%s", addr, type) < 0)
		return NULL;
	return s;
}

char *resolve_usdt_fetcharg(struct resolve_elf *e, uint64_t pc, const struct resolve_usdt_op *op,
			    char **why)
{
	char type[16], *s = NULL;
	int ret = 0;

	*why = NULL;
	fetch_type(op->size, type, sizeof(type));
	switch (op->kind) {
	case RESOLVE_USDT_REG:
		ret = asprintf(&s, "%%%s:%s", op->reg, type);
		break;
	case RESOLVE_USDT_MEM:
		if (op->width != 8) {
			*why = strdup("the address is in a register narrower than 64 bits");
			return NULL;
		}
		ret = asprintf(&s, "%s%" PRId64 "(%%%s):%s", op->disp < 0 ? "" : "+", op->disp,
			       op->reg, type);
		break;
	case RESOLVE_USDT_IMM:
		ret = asprintf(&s, "\\%" PRId64 ":%s", op->disp, type);
		break;
	case RESOLVE_USDT_RIP_SYM:
		return rip_sym(e, pc, op, type, why);
	case RESOLVE_USDT_RIP_NUM:
		*why = strdup("a numeric %rip displacement needs the address of an instruction "
			      "the note does not give");
		return NULL;
	case RESOLVE_USDT_INDEXED:
		*why = strdup("the kernel cannot fetch an indexed address");
		return NULL;
	}
	return ret < 0 ? NULL : s;
}

/* ---- arguments ---- */

static int one_arg(struct resolve_elf *e, uint64_t pc, const char *text, size_t len,
		   struct resolve_usdt_arg *a)
{
	const char *why;

	memset(a, 0, sizeof(*a));
	a->text = strndup(text, len);
	if (!a->text)
		return -ENOMEM;
	if (resolve_usdt_parse_op(a->text, len, &a->op, &why)) {
		a->why = strdup(why);
		return a->why ? 0 : -ENOMEM;
	}
	a->parsed = true;
	a->fetch = resolve_usdt_fetcharg(e, pc, &a->op, &a->why);
	return a->fetch || a->why ? 0 : -ENOMEM;
}

int resolve_usdt_args(struct resolve_elf *e, uint64_t pc, const char *args,
		      struct resolve_usdt_arg **v, size_t *n)
{
	const char *s = args;
	size_t cap = 0;
	int ret = 0;

	*v = NULL;
	*n = 0;
	while (!ret) {
		size_t len;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		for (len = 0; s[len] && !isspace((unsigned char)s[len]); len++)
			;
		if (*n == cap) {
			struct resolve_usdt_arg *p = realloc(*v, (cap + 8) * sizeof(*p));

			if (!p) {
				ret = -ENOMEM;
				break;
			}
			*v = p;
			cap += 8;
		}
		ret = one_arg(e, pc, s, len, &(*v)[(*n)++]);
		s += len;
	}
	if (ret) {
		resolve_usdt_args_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
	return ret;
}

void resolve_usdt_args_free(struct resolve_usdt_arg *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].text);
		free(v[i].fetch);
		free(v[i].why);
	}
	free(v);
}

/* ---- markers by name ---- */

bool resolve_usdt_match(const struct resolve_usdt_note *note, const char *provider,
			const char *name)
{
	return (!provider || !fnmatch(provider, note->provider, 0)) &&
	       !fnmatch(name, note->name, 0);
}

bool resolve_usdt_name_unique(const struct resolve_usdt_note *notes, size_t n,
			      const char *provider, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(notes[i].name, name) && strcmp(notes[i].provider, provider))
			return false;
	return true;
}

int resolve_usdt_select(const struct resolve_usdt_note *notes, size_t n, const char *provider,
			const char *name, size_t *idx, size_t max, size_t *count)
{
	size_t i;

	*count = 0;
	for (i = 0; i < n; i++) {
		const struct resolve_usdt_note *nt = &notes[i];

		if (!resolve_usdt_match(nt, provider, name))
			continue;
		if (!provider && !resolve_usdt_name_unique(notes, n, nt->provider, nt->name)) {
			size_t j;

			for (j = 0; strcmp(notes[j].name, nt->name) ||
				    !strcmp(notes[j].provider, nt->provider); j++)
				;
			if (max >= 2) {
				idx[0] = i;
				idx[1] = j;
			}
			return -ENOTUNIQ;
		}
		if (*count == max)
			return -E2BIG;
		idx[(*count)++] = i;
	}
	return *count ? 0 : -ENOENT;
}
