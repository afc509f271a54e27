// SPDX-License-Identifier: GPL-2.0
/*
 * The listing of the functions that can be probed, resolve_dwarf_funcs():
 * one entry per name, with its out-of-line entry, its inlined copies
 * counted, and its clones listed under it. Names are kept in a hash table:
 * a big program has tens of thousands of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <dwarf.h>

#include "dwarf-files.h"
#include "dwarf-int.h"
#include "util.h"

/*
 * The pages of .debug_info already walked, given back as the walk goes:
 * libelf maps the file privately, and a 100 MB .debug_info would all stay
 * resident (a peak of 120 MB on 1000 CUs, where our own allocations are
 * 10 MB). Pages of the file that nobody wrote to come back from the page
 * cache if read again; a page written to (a private copy, which
 * MADV_DONTNEED would lose) keeps its chunk, as does a decompressed
 * section (libc's), which is heap, not a file mapping.
 */
struct walked {
	uintptr_t lo, hi;	/* the mapping the DIEs are in; lo == hi: none */
	uintptr_t done;		/* given back below this */
	bool checked;
};

#define WALKED_CHUNK (8ul << 20)	/* given back at a time */
#define WALKED_KEEP (1ul << 20)		/* behind the walk, kept */

/* The private file mapping holding @addr, from /proc/self/maps. */
static bool file_mapping(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	unsigned long s, e, ino;
	char line[512], perms[8];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s %*s %*s %lu", &s, &e, perms, &ino) != 4)
			continue;
		found = addr >= s && addr < e;
		if (found && (!ino || perms[3] != 'p'))
			break;
		*lo = s;
		*hi = e;
	}
	fclose(f);
	return found && *lo <= addr && addr < *hi;
}

/* Whether no resident page of [@lo, @hi) is a private copy (/proc/self/pagemap). */
static bool file_pages(uintptr_t lo, uintptr_t hi, uintptr_t psz)
{
	uint64_t buf[512];
	size_t n = (hi - lo) / psz, i, j, want;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0;

	for (i = 0; ok && i < n; i += want) {
		want = n - i < ARRAY_SIZE(buf) ? n - i : ARRAY_SIZE(buf);
		ok = pread(fd, buf, want * 8, (lo / psz + i) * 8) == (ssize_t)(want * 8);
		/* bit 63: present; bit 61: a file page (or shared) */
		for (j = 0; ok && j < want; j++)
			ok = !(buf[j] >> 63) || (buf[j] >> 61 & 1);
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static void walked_drop(struct walked *w, const void *die_addr)
{
	uintptr_t a = (uintptr_t)die_addr, psz = sysconf(_SC_PAGESIZE), upto;

	if (!w->checked) {
		w->checked = true;
		if (!file_mapping(a, &w->lo, &w->hi))
			w->lo = w->hi = 0;
		w->done = a & ~(psz - 1);
	}
	if (a < w->lo || a >= w->hi || a < w->done + WALKED_CHUNK + WALKED_KEEP)
		return;
	upto = (a - WALKED_KEEP) & ~(psz - 1);
	if (file_pages(w->done, upto, psz))
		madvise((void *)w->done, upto - w->done, MADV_DONTNEED);
	w->done = upto;
}

struct funcs_ctx {
	struct resolve_dwarf *d;
	const char *glob;
	struct resolve_dwarf_func *fs;
	size_t n, cap;
	size_t *slots;		/* by name hash: index into fs + 1, 0 free */
	size_t nslots;
	struct dw_files files;
	struct walked walked;
};

static size_t hash_name(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot of @name in @slots: the one holding it, else the free one. */
static size_t *name_slot(size_t *slots, size_t nslots, const struct resolve_dwarf_func *fs,
			 const char *name)
{
	size_t j;

	for (j = hash_name(name) & (nslots - 1); slots[j]; j = (j + 1) & (nslots - 1))
		if (strcmp(fs[slots[j] - 1].name, name) == 0)
			break;
	return &slots[j];
}

static int funcs_rehash(struct funcs_ctx *c)
{
	size_t nslots = c->nslots ? c->nslots * 2 : 1024, i;
	size_t *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < c->n; i++)
		*name_slot(slots, nslots, c->fs, c->fs[i].name) = i + 1;
	free(c->slots);
	c->slots = slots;
	c->nslots = nslots;
	return 0;
}

static struct resolve_dwarf_func *func_slot(struct funcs_ctx *c, const char *name)
{
	size_t *slot;

	if ((c->n + 1) * 2 > c->nslots && funcs_rehash(c))
		return NULL;
	slot = name_slot(c->slots, c->nslots, c->fs, name);
	if (*slot)
		return &c->fs[*slot - 1];
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		void *p = realloc(c->fs, cap * sizeof(*c->fs));

		if (!p)
			return NULL;
		c->fs = p;
		c->cap = cap;
	}
	memset(&c->fs[c->n], 0, sizeof(*c->fs));
	c->fs[c->n].name = strdup(name);
	if (!c->fs[c->n].name)
		return NULL;
	*slot = c->n + 1;
	return &c->fs[c->n++];
}

static void func_decl(struct funcs_ctx *c, struct resolve_dwarf_func *f, Dwarf_Die *die)
{
	const char *file;
	Dwarf_Die o;

	dw_origin(die, &o);
	file = dw_decl_file(&c->files, c->d->dw, &o);
	f->file = file ? strdup(file) : NULL;
	dwarf_decl_line(&o, &f->line);
}

/* @f has an out-of-line entry at @pc. */
static void func_entry(struct resolve_dwarf *d, struct resolve_dwarf_func *f, Dwarf_Addr pc)
{
	const char *sym;

	if (f->addr && f->addr != dw_to_vaddr(d, pc)) {
		/* a clone next to the original: listed under the original */
		f->clone = true;
		return;
	}
	f->addr = dw_to_vaddr(d, pc);
	dw_vaddr_offset(d, f->addr, &f->offset);
	sym = dw_addrname(d, pc + d->dwbias);
	if (sym && strcmp(sym, f->name) != 0) {
		/* again when a COMDAT copy is seen from another CU */
		free(f->linkage);
		f->linkage = strdup(sym);
		f->clone = dw_is_clone(sym);
	}
}

static int list_visit(void *arg, Dwarf_Die *die, int tag)
{
	struct funcs_ctx *c = arg;
	struct resolve_dwarf_func *f;
	Dwarf_Addr pc;
	char *name;

	walked_drop(&c->walked, die->addr);
	if (dw_entry(die, &pc))
		return 0;
	name = dw_display_name(c->d, die, true);
	if (!name || (c->glob && fnmatch(c->glob, name, 0) != 0)) {
		free(name);
		return 0;
	}
	f = func_slot(c, name);
	free(name);
	if (!f)
		return -ENOMEM;
	if (!f->file)
		func_decl(c, f, die);
	if (tag == DW_TAG_inlined_subroutine)
		f->ninlined++;
	else
		func_entry(c->d, f, pc);
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct resolve_dwarf_func *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int resolve_dwarf_funcs(struct resolve_dwarf *d, const char *glob,
			struct resolve_dwarf_func **fs, size_t *n)
{
	struct funcs_ctx c = { .d = d, .glob = glob };
	int ret;

	dw_clear_err();
	ret = dw_walk_all(d, NULL, 0, list_visit, &c);
	free(c.slots);
	dw_files_free(&c.files);
	if (ret) {
		resolve_dwarf_funcs_free(c.fs, c.n);
		return ret;
	}
	if (c.n)
		qsort(c.fs, c.n, sizeof(*c.fs), cmp_func);
	*fs = c.fs;
	*n = c.n;
	return 0;
}

void resolve_dwarf_funcs_free(struct resolve_dwarf_func *fs, size_t n)
{
	size_t i;

	for (i = 0; fs && i < n; i++) {
		free(fs[i].name);
		free(fs[i].linkage);
		free(fs[i].file);
	}
	free(fs);
}
