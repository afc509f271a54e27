// SPDX-License-Identifier: GPL-2.0
/*
 * Looking a function up by name: "name", "name@VER" or "name@@VER" in
 * .symtab (or the debug file's) and .dynsym, through .gnu.hash where there
 * is one; versions weighed as ld.so does, aliases merged, one picked or
 * the candidates named.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-int.h"

#define MAX_LISTED	8	/* candidates named in an ambiguity message */

bool resolve_sym_hidden(const struct resolve_sym *s)
{
	const char *at;

	if (s->dynamic)
		return s->versym & RESOLVE_VERSYM_HIDDEN;
	at = strchr(s->name, '@');
	return at && at[1] != '@';
}

size_t resolve_base_len(const char *name)
{
	return strchrnul(name, '@') - name;
}

/* The name of version index @idx from .gnu.version_d, or NULL. */
static const char *verdef_name(struct resolve_elf *e, unsigned int idx)
{
	Elf_Data *d = e->verdef ? elf_getdata(e->verdef, NULL) : NULL;
	GElf_Shdr sh;
	GElf_Verdef vd;
	GElf_Verdaux va;
	size_t off = 0;

	if (!d || !gelf_getshdr(e->verdef, &sh))
		return NULL;
	while (gelf_getverdef(d, off, &vd)) {
		if (vd.vd_ndx == idx && gelf_getverdaux(d, off + vd.vd_aux, &va))
			return elf_strptr(e->elf, sh.sh_link, va.vda_name);
		if (!vd.vd_next)
			break;
		off += vd.vd_next;
	}
	return NULL;
}

static bool version_ok(struct resolve_elf *e, const struct resolve_sym *s,
		       const struct resolve_query *q)
{
	const char *v;

	if (!q->ver)
		return true;
	if (q->ver_default && resolve_sym_hidden(s))
		return false;
	if (s->dynamic) {
		v = verdef_name(e, s->versym & RESOLVE_VERSYM_INDEX);
	} else {
		v = s->name + q->len;
		if (*v != '@')
			return false;
		v += v[1] == '@' ? 2 : 1;
	}
	return v && strcmp(v, q->ver) == 0;
}

static void query_init(struct resolve_query *q, const char *name)
{
	const char *at = strchr(name, '@');

	q->base = name;
	q->len = at ? (size_t)(at - name) : strlen(name);
	q->ver = NULL;
	q->ver_default = false;
	if (at) {
		q->ver_default = at[1] == '@';
		q->ver = at + (q->ver_default ? 2 : 1);
	}
}

static bool name_match(const char *sname, const struct resolve_query *q)
{
	return sname[0] == q->base[0] && strncmp(sname, q->base, q->len) == 0 &&
	       (sname[q->len] == '\0' || sname[q->len] == '@');
}

void resolve_cand_from(struct resolve_cand *c, const struct resolve_sym *s, const char *file)
{
	c->name = s->name;
	c->len = resolve_base_len(s->name);
	c->file = resolve_sym_bind(s) == STB_LOCAL ? file : NULL;
	c->addr = s->sym.st_value;
	c->size = s->sym.st_size;
	c->bind = resolve_sym_bind(s);
	c->hidden = resolve_sym_hidden(s);
	c->ifunc = resolve_sym_type(s) == STT_GNU_IFUNC;
}

int resolve_cand_add(struct resolve_scan *sc, const struct resolve_sym *s, const char *file)
{
	struct resolve_cand *c;
	size_t cap;

	if (sc->n == sc->cap) {
		cap = sc->cap ? 2 * sc->cap : 8;
		c = reallocarray(sc->v, cap, sizeof(*c));
		if (!c)
			return -ENOMEM;
		sc->v = c;
		sc->cap = cap;
	}
	resolve_cand_from(&sc->v[sc->n++], s, file);
	return 0;
}

static const char *type_name(uint8_t type)
{
	switch (type) {
	case STT_OBJECT:
		return "data object";
	case STT_TLS:
		return "thread-local variable";
	case STT_SECTION:
		return "section";
	case STT_FILE:
		return "file name";
	default:
		return "symbol with no type";
	}
}

/* Entry @i of @t, if named like @q, goes into @sc. */
static int scan_one(struct resolve_elf *e, const struct resolve_symtab *t, size_t i,
		    const struct resolve_query *q, const char **file, struct resolve_scan *sc)
{
	struct resolve_sym s;

	resolve_sym_read(t, i, &s);
	if (resolve_sym_type(&s) == STT_FILE && i < t->first_global)
		*file = s.name;
	if (!name_match(s.name, q) || !version_ok(e, &s, q))
		return 0;
	if (s.sym.st_shndx == SHN_UNDEF)
		sc->undef = true;
	else if (!resolve_sym_is_func(&s))
		sc->other = type_name(resolve_sym_type(&s));
	else
		return resolve_cand_add(sc, &s, *file);
	return 0;
}

/* Every entry of @t named like @q goes into @sc. */
static int scan_table(struct resolve_elf *e, const struct resolve_symtab *t,
		      const struct resolve_query *q, struct resolve_scan *sc)
{
	const char *file = NULL;
	size_t i;
	int ret = 0;

	for (i = 0; i < t->count && !ret; i++)
		ret = scan_one(e, t, i, q, &file, sc);
	return ret;
}

static uint32_t gnu_hash(const char *s, size_t len)
{
	uint32_t h = 5381;
	size_t i;

	for (i = 0; i < len; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

/*
 * .dynsym through its .gnu.hash: the entries before symoffset (undefined
 * ones, which the hash leaves out) one by one, then the one chain @q's
 * name hashes to, where every version of the name lies.
 */
int resolve_scan_dynsym(struct resolve_elf *e, const struct resolve_query *q,
			struct resolve_scan *sc)
{
	const struct resolve_symtab *t = &e->tab[1];
	const unsigned char *g = e->gnu_hash;
	uint32_t hdr[4], h, idx, ch;
	const char *file = NULL;
	size_t i, chain, nchain;
	int ret = 0;

	if (!g)
		return scan_table(e, t, q, sc);
	memcpy(hdr, g, sizeof(hdr));
	for (i = 0; i < hdr[1] && !ret; i++)
		ret = scan_one(e, t, i, q, &file, sc);
	h = gnu_hash(q->base, q->len);
	chain = sizeof(hdr) + (size_t)hdr[2] * (e->is64 ? 8 : 4) + (size_t)hdr[0] * 4;
	nchain = (e->gnu_hash_size - chain) / 4;
	memcpy(&idx, g + chain - (size_t)(hdr[0] - h % hdr[0]) * 4, 4);
	if (ret || idx < hdr[1])
		return ret;
	for (; idx < t->count && idx - hdr[1] < nchain && !ret; idx++) {
		memcpy(&ch, g + chain + (size_t)(idx - hdr[1]) * 4, 4);
		if ((ch | 1) == (h | 1))
			ret = scan_one(e, t, idx, q, &file, sc);
		if (ch & 1)
			break;
	}
	return ret;
}

/* Is @a a better name for the same function than @b? */
bool resolve_cand_better(const struct resolve_cand *a, const struct resolve_cand *b)
{
	static const int rank[] = { [STB_LOCAL] = 0, [STB_GLOBAL] = 2, [STB_WEAK] = 1 };
	int ra = a->bind <= STB_WEAK ? rank[a->bind] : 0;
	int rb = b->bind <= STB_WEAK ? rank[b->bind] : 0;

	if (a->hidden != b->hidden)
		return !a->hidden;
	if ((a->size != 0) != (b->size != 0))
		return a->size != 0;
	return ra > rb;
}

/* Where a candidate is shown: its file offset, else its address. */
static uint64_t shown_off(const struct resolve_elf *e, uint64_t addr)
{
	uint64_t off;

	return resolve_elf_vaddr_to_off(e, addr, &off) ? addr : off;
}

static void list_candidates(const struct resolve_elf *e, const struct resolve_scan *sc,
			    size_t ndistinct)
{
	const struct resolve_cand *c;
	size_t i, j, shown = 0;
	bool seen;
	char *dm;

	for (i = 0; i < sc->n && shown < MAX_LISTED; i++) {
		for (seen = false, j = 0; j < i && !seen; j++)
			seen = sc->v[j].addr == sc->v[i].addr;
		if (seen)
			continue;
		c = &sc->v[i];
		dm = resolve_demangle(c->name);
		resolve_add_err("%s0x%" PRIx64 " (%s%s%s%s%" PRIu64 " bytes)", shown ? ", " : "",
				shown_off(e, c->addr), dm ? dm : "", dm ? ", " : "",
				c->file ? c->file : "", c->file ? ", " : "", c->size);
		free(dm);
		shown++;
	}
	if (ndistinct > shown)
		resolve_add_err(" and %zu more", ndistinct - shown);
}

/* One function for the name, or -ENOTUNIQ with the candidates. */
static int pick(struct resolve_elf *e, const struct resolve_query *q, struct resolve_scan *sc,
		const struct resolve_cand **out)
{
	size_t i, j, n = 0, distinct = 0;
	bool any_default = false, seen;
	const struct resolve_cand *best = NULL;

	for (i = 0; i < sc->n; i++)
		any_default |= !sc->v[i].hidden;
	/* Without a version typed, the default one wins, as for ld.so. */
	for (i = 0; i < sc->n; i++)
		if (!(any_default && sc->v[i].hidden))
			sc->v[n++] = sc->v[i];
	sc->n = n;
	for (i = 0; i < n; i++) {
		for (seen = false, j = 0; j < i && !seen; j++)
			seen = sc->v[j].addr == sc->v[i].addr;
		distinct += !seen;
		if (!best || resolve_cand_better(&sc->v[i], best))
			best = &sc->v[i];
	}
	if (distinct > 1) {
		resolve_set_err(-ENOTUNIQ, "'%s' is ambiguous: %zu functions have this name, "
				"at file offsets ", q->base, distinct);
		list_candidates(e, sc, distinct);
		resolve_add_err("; pick one with PATH:0xOFFSET, e.g. %s:0x%" PRIx64, e->path,
				shown_off(e, sc->v[0].addr));
		return -ENOTUNIQ;
	}
	*out = best;
	return 0;
}

int resolve_loc_fill(struct resolve_elf *e, const struct resolve_cand *c, uint64_t add,
		     struct resolve_loc *loc)
{
	const GElf_Phdr *p = resolve_elf_load_of_vaddr(e, c->addr);
	uint64_t off, room;

	if (!p || resolve_elf_vaddr_to_off(e, c->addr, &off))
		return resolve_set_err(-ENOENT, "'%.*s' (address 0x%" PRIx64 ") is not inside "
				       "any loadable segment of the file", (int)c->len, c->name,
				       c->addr);
	if (!(p->p_flags & PF_X))
		return resolve_set_err(-ENOENT, "'%.*s' (address 0x%" PRIx64 ") is in a segment "
				       "that is not executable", (int)c->len, c->name, c->addr);
	/* A size of 0 (hand-written assembly) is unknown: stay inside the segment. */
	room = c->size ? c->size : p->p_filesz - (c->addr - p->p_vaddr);
	if (add >= room)
		return resolve_set_err(-ERANGE, "+%" PRIu64 " (0x%" PRIx64 ") is past the end of "
				       "'%.*s' (%" PRIu64 " bytes%s)", add, add, (int)c->len,
				       c->name, room, c->size ? "" : " to the end of its segment: "
				       "its size is unknown");
	loc->symbol = strndup(c->name, c->len);
	if (!loc->symbol)
		return -ENOMEM;
	loc->add = add;
	loc->addr = c->addr + add;
	loc->offset = off + add;
	loc->size = c->size;
	loc->ifunc = c->ifunc;
	return 0;
}

/* The C++ functions whose demangled name is what was typed. */
struct cxx_walk {
	const char *typed;
	struct resolve_scan *sc;
};

static int cxx_one(const struct resolve_sym *s, void *arg)
{
	struct cxx_walk *w = arg;
	char *dm;
	bool ok;

	if (strncmp(s->name, "_Z", 2) != 0 || resolve_sym_hidden(s))
		return 0;
	dm = resolve_demangle(s->name);
	if (!dm)
		return errno == ENOMEM ? -ENOMEM : 0;
	dm[strcspn(dm, "@")] = '\0';
	ok = resolve_cxx_matches(w->typed, dm);
	free(dm);
	return ok ? resolve_cand_add(w->sc, s, NULL) : 0;
}

/*
 * No symbol has the name: it may be a C++ name as people type it
 * ("ns::f", "ns::f(int)"), without debug information to look it up in.
 */
static int scan_cxx(struct resolve_elf *e, const struct resolve_query *q,
		    struct resolve_scan *sc)
{
	struct cxx_walk w = { q->base, sc };

	if (q->ver || sc->undef)
		return 0;
	return resolve_elf_each_func(e, cxx_one, &w);
}

int resolve_symbol(struct resolve_elf *e, const char *name, uint64_t add,
		   struct resolve_loc *loc)
{
	const struct resolve_cand *c = NULL;
	struct resolve_scan sc = { 0 };
	struct resolve_query q;
	int ret = 0;

	memset(loc, 0, sizeof(*loc));
	resolve_clear_err();
	if (!name || !*name || *name == '@')
		return resolve_set_err(-EINVAL, "no symbol name");
	query_init(&q, name);
	if (!q.len || (q.ver && !*q.ver))
		return resolve_set_err(-EINVAL, "bad symbol '%s': want NAME, NAME@VER or "
				       "NAME@@VER", name);
	ret = scan_table(e, resolve_elf_local_table(e), &q, &sc);
	if (!ret)
		ret = resolve_scan_dynsym(e, &q, &sc);
	if (!ret && !sc.n)
		ret = scan_cxx(e, &q, &sc);
	if (ret)
		goto out_free;
	if (!sc.n) {
		ret = resolve_explain_missing(e, &q, &sc);
		goto out_free;
	}
	ret = pick(e, &q, &sc, &c);
	if (!ret)
		ret = resolve_loc_fill(e, c, add, loc);
out_free:
	free(sc.v);
	return ret;
}

void resolve_loc_clear(struct resolve_loc *loc)
{
	if (!loc)
		return;
	free(loc->symbol);
	memset(loc, 0, sizeof(*loc));
}

void resolve_locs_free(struct resolve_loc *locs, size_t n)
{
	size_t i;

	if (!locs)
		return;
	for (i = 0; i < n; i++)
		resolve_loc_clear(&locs[i]);
	free(locs);
}
