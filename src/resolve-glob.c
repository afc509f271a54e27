// SPDX-License-Identifier: GPL-2.0
/*
 * The lookups that walk every function of the file: the functions whose
 * name matches a glob, and the function that holds a file offset. Both go
 * through resolve_elf_each_func(), .symtab (or the debug file's) first.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-int.h"

/* ---- globs ---- */

struct glob_walk {
	const char *pattern;
	char *buf;		/* a name without @VER */
	size_t bufsize;
	bool cxx;		/* the pattern is a C++ name: match demangled names */
	size_t lit;		/* the pattern's literal head, which a name must start with */
	struct resolve_scan sc;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct resolve_cand *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* @name without "@VER", NUL-terminated: @name itself or a copy in *@buf. */
static const char *bare_name(const char *name, char **buf, size_t *size)
{
	size_t len = resolve_base_len(name);
	char *nb;

	if (!name[len])
		return name;
	if (len >= *size) {
		nb = realloc(*buf, len + 64);
		if (!nb)
			return NULL;
		*buf = nb;
		*size = len + 64;
	}
	memcpy(*buf, name, len);
	(*buf)[len] = '\0';
	return *buf;
}

/* A C++ pattern ("ns::*") against the demangled name, with and without
 * its parameters. */
static int glob_cxx(struct glob_walk *w, const struct resolve_sym *s, const char *name)
{
	char *dm = resolve_demangle(name);
	bool ok;

	if (!dm)
		return errno == ENOMEM ? -ENOMEM : 0;
	ok = fnmatch(w->pattern, dm, 0) == 0;
	dm[resolve_cxx_base_len(dm)] = '\0';
	ok |= fnmatch(w->pattern, dm, 0) == 0;
	free(dm);
	return ok ? resolve_cand_add(&w->sc, s, NULL) : 0;
}

/* A visible function whose name without @VER matches the pattern. */
static int glob_one(const struct resolve_sym *s, void *arg)
{
	struct glob_walk *w = arg;
	const char *name;

	if (strncmp(s->name, w->pattern, w->lit) != 0 || resolve_sym_hidden(s))
		return 0;
	name = bare_name(s->name, &w->buf, &w->bufsize);
	if (!name)
		return -ENOMEM;
	if (fnmatch(w->pattern, name, 0) == 0)
		return resolve_cand_add(&w->sc, s, NULL);
	if (w->cxx && strncmp(name, "_Z", 2) == 0)
		return glob_cxx(w, s, name);
	return 0;
}

/* Sorted by address, one entry per address: the best name of each. */
static size_t dedup(struct resolve_cand *v, size_t n)
{
	size_t i, out = 0;

	if (n)
		qsort(v, n, sizeof(*v), cmp_addr);
	for (i = 0; i < n; i++) {
		if (out && v[out - 1].addr == v[i].addr) {
			if (resolve_cand_better(&v[i], &v[out - 1]))
				v[out - 1] = v[i];
			continue;
		}
		v[out++] = v[i];
	}
	return out;
}

/* The locations of the @n candidates of @v that are in executable segments. */
static int glob_locs(struct resolve_elf *e, const char *pattern, const struct resolve_cand *v,
		     size_t n, struct resolve_loc **locs, size_t *nlocs)
{
	struct resolve_loc *l = calloc(n, sizeof(*l));
	size_t i, k = 0;
	int ret = 0;

	if (!l)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		/* A function outside an executable segment cannot be probed; skip it. */
		ret = resolve_loc_fill(e, &v[i], 0, &l[k]);
		if (ret == -ENOENT)
			ret = 0;
		else if (!ret)
			k++;
	}
	if (!ret && !k)
		ret = resolve_set_err(-ENOENT, "no function matching '%s' is in an executable "
				      "segment", pattern);
	if (ret) {
		resolve_locs_free(l, k);
		return ret;
	}
	*locs = l;
	*nlocs = k;
	return 0;
}

int resolve_glob(struct resolve_elf *e, const char *pattern, size_t max,
		 struct resolve_loc **locs, size_t *n)
{
	struct glob_walk w = { .pattern = pattern,
			       .cxx = strstr(pattern, "::") || strchr(pattern, '(') };
	int ret;

	/* a C++ pattern matches demangled names; "@VER" is cut from names */
	if (!w.cxx)
		w.lit = strcspn(pattern, "*?[\\@");
	*locs = NULL;
	*n = 0;
	resolve_clear_err();
	ret = resolve_elf_each_func(e, glob_one, &w);
	if (ret)
		goto out_free;
	w.sc.n = dedup(w.sc.v, w.sc.n);
	if (!w.sc.n)
		ret = resolve_set_err(-ENOENT, "no function matches '%s'%s", pattern,
				      resolve_elf_local_table(e)->count ? "" : " (the file is "
				      "stripped: only exported functions are visible)");
	else if (w.sc.n > max)
		ret = resolve_set_err(-E2BIG, "%zu functions match '%s', more than the limit "
				      "of %zu", w.sc.n, pattern, max);
	else
		ret = glob_locs(e, pattern, w.sc.v, w.sc.n, locs, n);
	if (!ret)
		resolve_clear_err();
out_free:
	free(w.buf);
	free(w.sc.v);
	return ret;
}

/* ---- offsets ---- */

struct addr_walk {
	uint64_t addr;
	bool found;
	struct resolve_cand best;
};

static int addr_one(const struct resolve_sym *s, void *arg)
{
	uint64_t value = s->sym.st_value, size = s->sym.st_size;
	struct addr_walk *w = arg;
	struct resolve_cand c;

	if (w->addr < value || (size ? w->addr - value >= size : w->addr != value))
		return 0;
	resolve_cand_from(&c, s, NULL);
	if (!w->found || resolve_cand_better(&c, &w->best))
		w->best = c;
	w->found = true;
	return 0;
}

/* A function of the index by address: sorted small, its name in cand[order]. */
struct addr_key {
	uint64_t addr;
	size_t order;	/* in resolve_elf_each_func()'s walk: the tie-break */
};

/* One block, freed with free(): keys sorted by address, the highest end
 * of each key and those before it, the functions in walk order. */
struct resolve_addr_ent {
	struct addr_key *key;
	uint64_t *reach;
	struct resolve_cand *cand;
};

struct index_walk {
	struct resolve_cand *v;
	size_t n, cap;
};

static int index_one(const struct resolve_sym *s, void *arg)
{
	struct index_walk *w = arg;

	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		struct resolve_cand *v = reallocarray(w->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	resolve_cand_from(&w->v[w->n++], s, NULL);
	return 0;
}

/*
 * Sorts @k by address, stably (equal addresses stay in walk order), a byte
 * at a time from the lowest: the comparisons of qsort() on a big table
 * were most of the work of uprobe list. False when out of memory.
 */
static bool sort_keys(struct addr_key *k, size_t n)
{
	struct addr_key *tmp = malloc((n ? n : 1) * sizeof(*k)), *from = k, *to = tmp, *t;
	uint64_t top = 0;
	size_t i, shift;

	if (!tmp)
		return false;
	for (i = 0; i < n; i++)
		top |= k[i].addr;
	for (shift = 0; shift < 64 && (top >> shift); shift += 8) {
		size_t count[257] = { 0 };

		for (i = 0; i < n; i++)
			count[((from[i].addr >> shift) & 0xff) + 1]++;
		for (i = 1; i < 257; i++)
			count[i] += count[i - 1];
		for (i = 0; i < n; i++)
			to[count[(from[i].addr >> shift) & 0xff]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	if (from != k)
		memcpy(k, from, n * sizeof(*k));
	free(tmp);
	return true;
}

/* A function of size 0 holds its own address only. */
static uint64_t cand_end(const struct resolve_cand *c)
{
	return c->addr + (c->size ? c->size : 1);
}

/* Every function of @e once, sorted by address; false when out of memory. */
static bool index_build(struct resolve_elf *e)
{
	struct index_walk w = { 0 };
	struct resolve_addr_ent *x = NULL;
	size_t i, n;

	if (resolve_elf_each_func(e, index_one, &w) == 0)
		x = malloc(sizeof(*x) + w.n * (sizeof(*x->key) + sizeof(*x->reach) +
					       sizeof(*x->cand)));
	n = w.n;
	if (x) {
		x->key = (struct addr_key *)(x + 1);
		x->reach = (uint64_t *)(x->key + n);
		x->cand = (struct resolve_cand *)(x->reach + n);
		memcpy(x->cand, w.v, n * sizeof(*w.v));
		for (i = 0; i < n; i++)
			x->key[i] = (struct addr_key){ w.v[i].addr, i };
		if (!sort_keys(x->key, n)) {
			free(x);
			x = NULL;
			n = 0;
		}
		for (i = 0; i < n; i++) {
			uint64_t end = cand_end(&x->cand[x->key[i].order]);

			x->reach[i] = i && x->reach[i - 1] > end ? x->reach[i - 1] : end;
		}
		e->byaddr = x;
		e->nbyaddr = n;
	}
	free(w.v);
	return x != NULL;
}

/*
 * The walk's choice from the index: the best name of those holding @addr,
 * the first in the walk of equals. From the last function starting at or
 * before @addr back while one before may still reach past it.
 */
static bool index_find(const struct resolve_elf *e, uint64_t addr, struct resolve_cand *out)
{
	const struct resolve_addr_ent *x = e->byaddr;
	size_t lo = 0, hi = e->nbyaddr, best = SIZE_MAX;

	while (lo < hi) {	/* lo: the first key past @addr */
		size_t mid = lo + (hi - lo) / 2;

		if (x->key[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo > 0 && x->reach[lo - 1] > addr; lo--) {
		size_t k = x->key[lo - 1].order;
		const struct resolve_cand *c = &x->cand[k];

		if (cand_end(c) <= addr)
			continue;
		if (best == SIZE_MAX || resolve_cand_better(c, &x->cand[best]) ||
		    (!resolve_cand_better(&x->cand[best], c) && k < best))
			best = k;
	}
	if (best != SIZE_MAX)
		*out = x->cand[best];
	return best != SIZE_MAX;
}

/* The function holding virtual address @addr, under its best name: one
 * lookup walks the table, the next ones use an index of it. */
static bool func_at(struct resolve_elf *e, uint64_t addr, struct resolve_cand *out)
{
	struct addr_walk w = { .addr = addr };

	if (e->byaddr || (++e->addr_lookups > 1 && index_build(e)))
		return index_find(e, addr, out);
	resolve_elf_each_func(e, addr_one, &w);
	*out = w.best;
	return w.found;
}

/* Appends the executable ranges of the file to the error text. */
static int exec_ranges(struct resolve_elf *e)
{
	size_t i;

	resolve_add_err("; executable ranges:");
	for (i = 0; i < e->phnum; i++)
		if (e->phdr[i].p_type == PT_LOAD && (e->phdr[i].p_flags & PF_X))
			resolve_add_err(" 0x%" PRIx64 "-0x%" PRIx64, e->phdr[i].p_offset,
					e->phdr[i].p_offset + e->phdr[i].p_filesz);
	return -ERANGE;
}

int resolve_offset(struct resolve_elf *e, uint64_t off, struct resolve_loc *loc)
{
	struct resolve_cand c;

	memset(loc, 0, sizeof(*loc));
	resolve_clear_err();
	if (off >= e->size) {
		resolve_set_err(-ERANGE, "offset 0x%" PRIx64 " is past the end of the file "
				"(%zu bytes)", off, e->size);
		return exec_ranges(e);
	}
	if (resolve_elf_off_to_vaddr(e, off, &loc->addr)) {
		resolve_set_err(-ERANGE, "offset 0x%" PRIx64 " is not inside an executable "
				"segment of the file", off);
		return exec_ranges(e);
	}
	loc->offset = off;
	if (func_at(e, loc->addr, &c)) {
		loc->symbol = strndup(c.name, c.len);
		if (!loc->symbol)
			return -ENOMEM;
		loc->add = loc->addr - c.addr;
		loc->size = c.size;
		loc->ifunc = c.ifunc;
	}
	return 0;
}

/* @len bytes of @name with control bytes escaped: a name to show. */
static char *display_name(const char *name, size_t len)
{
	char *raw = strndup(name, len), *out = NULL;

	if (raw)
		out = malloc(4 * len + 1);	/* four bytes at most per byte */
	if (out)
		resolve_escape(raw, out, 4 * len + 1);
	free(raw);
	return out;
}

int resolve_offset_to_symbol(struct resolve_elf *e, uint64_t off,
			     char **name, uint64_t *add)
{
	struct resolve_cand c;
	uint64_t vaddr;

	*name = NULL;
	*add = 0;
	resolve_clear_err();
	if (resolve_elf_off_to_vaddr(e, off, &vaddr))
		return resolve_set_err(-ENOENT, "offset 0x%" PRIx64 " is not in an executable "
				       "segment", off);
	if (!func_at(e, vaddr, &c))
		return resolve_set_err(-ENOENT, "no function holds offset 0x%" PRIx64, off);
	*name = display_name(c.name, c.len);
	if (!*name)
		return -ENOMEM;
	*add = vaddr - c.addr;
	return 0;
}
