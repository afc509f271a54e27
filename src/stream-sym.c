// SPDX-License-Identifier: GPL-2.0
/*
 * --stack: user addresses -> function+offset and file. /proc/PID/maps
 * says which file an address is in and at what file offset; the resolver
 * names the function at that offset. Everything is cached: a traced loop
 * shows the same few addresses over and over.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "stream-int.h"

#define NPROC	32
#define NRES	4096	/* a power of two */

struct map_ent {
	uint64_t start, end, pgoff;
	const char *file;	/* in the file cache */
};

struct proc_maps {
	int tgid;		/* 0: free */
	struct map_ent *m;
	size_t n;
};

struct file_ent {
	char *path;
	struct resolve_elf *e;	/* NULL: not ELF, or unreadable */
	bool tried;
};

struct sym_res {
	int tgid;		/* 0: empty */
	uint64_t addr;
	bool call;
	const char *file;
	char *sym;
	uint64_t off;
};

struct stack_syms {
	struct proc_maps proc[NPROC];
	size_t next_proc;
	struct file_ent *files;
	size_t nfiles;
	struct sym_res res[NRES];
};

struct stack_syms *syms_new(void)
{
	return calloc(1, sizeof(struct stack_syms));
}

void syms_free(struct stack_syms *ss)
{
	size_t i;

	if (!ss)
		return;
	for (i = 0; i < NPROC; i++)
		free(ss->proc[i].m);
	for (i = 0; i < ss->nfiles; i++) {
		free(ss->files[i].path);
		resolve_close(ss->files[i].e);
	}
	for (i = 0; i < NRES; i++)
		free(ss->res[i].sym);
	free(ss->files);
	free(ss);
}

static struct file_ent *file_get(struct stack_syms *ss, const char *path)
{
	struct file_ent *f;
	size_t i;

	for (i = 0; i < ss->nfiles; i++)
		if (strcmp(ss->files[i].path, path) == 0)
			return &ss->files[i];
	f = realloc(ss->files, (ss->nfiles + 1) * sizeof(*f));
	if (!f)
		return NULL;
	ss->files = f;
	f = &ss->files[ss->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	ss->nfiles++;
	return f;
}

/* @f's ELF, opened on first use; NULL when it is not one */
static struct resolve_elf *file_elf(struct file_ent *f)
{
	if (!f->tried) {
		f->tried = true;
		f->e = resolve_open(f->path);
	}
	return f->e;
}

static void maps_load(struct stack_syms *ss, struct proc_maps *pm, int tgid)
{
	char path[64], line[4352], file[4097];
	FILE *fp;

	free(pm->m);
	pm->m = NULL;
	pm->n = 0;
	pm->tgid = tgid;
	snprintf(path, sizeof(path), "/proc/%d/maps", tgid);
	fp = fopen(path, "re");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long start, end, pgoff;
		struct file_ent *f;
		struct map_ent *m;

		file[0] = '\0';
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4096[^\n]", &start, &end,
			   &pgoff, file) < 3 || !file[0])
			continue;
		f = file_get(ss, file);
		m = realloc(pm->m, (pm->n + 1) * sizeof(*m));
		if (!f || !m)
			break;
		pm->m = m;
		pm->m[pm->n++] = (struct map_ent){ start, end, pgoff, f->path };
	}
	fclose(fp);
}

static const struct map_ent *map_find(const struct proc_maps *pm, uint64_t addr)
{
	size_t i;

	for (i = 0; i < pm->n; i++)
		if (addr >= pm->m[i].start && addr < pm->m[i].end)
			return &pm->m[i];
	return NULL;
}

static const struct map_ent *find(struct stack_syms *ss, int tgid, uint64_t addr)
{
	struct proc_maps *pm = NULL;
	const struct map_ent *m;
	size_t i;

	for (i = 0; i < NPROC; i++)
		if (ss->proc[i].tgid == tgid)
			pm = &ss->proc[i];
	if (pm && (m = map_find(pm, addr)))
		return m;
	if (!pm) {
		pm = &ss->proc[ss->next_proc];
		ss->next_proc = (ss->next_proc + 1) % NPROC;
	}
	/* new, or mapped since we looked (dlopen) */
	maps_load(ss, pm, tgid);
	return map_find(pm, addr);
}

/*
 * The process is gone (a short command): its maps with it. An address in
 * the probed file itself still maps through the probe: @pc is where the
 * probe's file offset was loaded.
 */
static bool via_probe(struct stack_syms *ss, struct sym_res *r,
		      const struct probe *p, uint64_t pc, bool call)
{
	struct resolve_loc loc = { 0 };
	struct file_ent *f = file_get(ss, p->path);
	uint64_t foff = r->addr - pc + p->offset - (call ? 1 : 0), add;
	char *name = NULL;
	bool ok;

	if (!f || !file_elf(f))
		return false;
	/* only inside an executable segment of that file */
	if (resolve_offset(f->e, foff, &loc))
		return false;
	resolve_loc_clear(&loc);
	ok = resolve_offset_to_symbol(f->e, foff, &name, &add) == 0;
	if (ok) {
		r->file = f->path;
		r->sym = name;
		r->off = add + (call ? 1 : 0);
	}
	return ok;
}

void syms_lookup(struct stack_syms *ss, int tgid, uint64_t addr, bool call,
		 const struct probe *p, uint64_t pc, const char **file,
		 const char **sym, uint64_t *off)
{
	size_t h = (addr * 0x9e3779b97f4a7c15ULL >> 40 ^ (unsigned int)tgid) & (NRES - 1);
	struct sym_res *r = &ss->res[h];
	const struct map_ent *m;
	struct file_ent *f;
	uint64_t foff, add;
	char *name = NULL;

	if (r->tgid == tgid && r->addr == addr && r->call == call)
		goto out;
	free(r->sym);
	*r = (struct sym_res){ .tgid = tgid, .addr = addr, .call = call };
	m = tgid > 0 ? find(ss, tgid, addr) : NULL;
	if (!m) {
		if (p && pc)
			via_probe(ss, r, p, pc, call);
		goto out;
	}
	r->file = m->file;
	if (m->file[0] != '/')
		goto out;	/* [vdso], [heap] */
	f = file_get(ss, m->file);
	/* a return address is just past the call: look up the call itself */
	foff = addr - m->start + m->pgoff - (call ? 1 : 0);
	if (f && file_elf(f) && resolve_offset_to_symbol(f->e, foff, &name, &add) == 0) {
		r->sym = name;
		r->off = add + (call ? 1 : 0);
	}
out:
	*file = r->file;
	*sym = r->sym;
	*off = r->off;
}

bool syms_at_entry(struct stack_syms *ss, const struct probe *p)
{
	struct file_ent *f;
	char *name = NULL;
	uint64_t add = 1;

	if (p->kind != PROBE_ENTRY || !(f = file_get(ss, p->path)) || !file_elf(f))
		return false;
	if (resolve_offset_to_symbol(f->e, p->offset, &name, &add))
		return false;
	free(name);
	return add == 0;
}

int stream_stack_arg(struct probe *p)
{
	struct probe_error perr;
	size_t i;

	if (p->kind != PROBE_ENTRY)
		return 0;
	for (i = 0; i < p->nargs; i++)
		if (p->args[i].name && strcmp(p->args[i].name, STREAM_RA_ARG) == 0)
			return 0;
	return probe_add_arg(p, STREAM_RA_ARG "=$stack0:x64", NULL, &perr);
}
