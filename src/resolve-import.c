// SPDX-License-Identifier: GPL-2.0
/*
 * Why a function name is not found: imported (undefined here), then from
 * which DT_NEEDED library, looked up as ld.so would (DT_RUNPATH or
 * DT_RPATH with $ORIGIN, then the default directories); not a function;
 * or a stripped file, with the debug file that would have it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-int.h"
#include "util.h"

/* Does @sc hold a default version exported by the library? */
static bool exports(const struct resolve_scan *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (sc->v[i].bind != STB_LOCAL && !sc->v[i].hidden)
			return true;
	return false;
}

/* Does @l export a data object named @q (defined in its .dynsym, not local)? */
static bool exports_object(const struct resolve_elf *l, const struct resolve_query *q)
{
	const struct resolve_symtab *t = &l->tab[1];
	struct resolve_sym s;
	size_t i;

	for (i = 0; i < t->count; i++) {
		if (!resolve_sym_read(t, i, &s) || strlen(s.name) != q->len ||
		    strncmp(s.name, q->base, q->len))
			continue;
		if (s.sym.st_shndx != SHN_UNDEF && resolve_sym_type(&s) == STT_OBJECT &&
		    GELF_ST_BIND(s.sym.st_info) != STB_LOCAL)
			return true;
	}
	return false;
}

/*
 * 1: @lib defines @q (a function, or a data object when @object), 0: it
 * does not, -1: not this library at all (class, machine).
 */
static int needed_defines(const char *lib, const struct resolve_query *q, bool object,
			  uint16_t machine, bool is64)
{
	struct resolve_elf *l = resolve_open(lib);
	struct resolve_scan sc = { 0 };
	int found = -1;

	if (!l)
		return -1;
	if (l->is64 == is64 && l->ehdr.e_machine == machine && object)
		found = exports_object(l, q);
	else if (l->is64 == is64 && l->ehdr.e_machine == machine)
		found = !resolve_scan_dynsym(l, q, &sc) && exports(&sc);
	free(sc.v);
	resolve_close(l);
	return found;
}

/* "$ORIGIN" in a run path is the directory of the file itself. */
static char *expand_origin(const struct resolve_elf *e, const char *dir, size_t len)
{
	char *real = realpath(e->path, NULL), *slash, *out = NULL;
	size_t skip = 0;

	if (len >= 7 && strncmp(dir, "$ORIGIN", 7) == 0)
		skip = 7;
	else if (len >= 9 && strncmp(dir, "${ORIGIN}", 9) == 0)
		skip = 9;
	if (!skip) {
		out = strndup(dir, len);
	} else if (real && (slash = strrchr(real, '/'))) {
		*slash = '\0';
		if (asprintf(&out, "%s%.*s", real, (int)(len - skip), dir + skip) < 0)
			out = NULL;
	}
	free(real);
	return out;
}

/* 1: @lib defines @q (*@out takes @lib), 0: it is the library but does not, -1: not it. */
static int try_needed(const struct resolve_elf *e, char *lib, const struct resolve_query *q,
		      bool object, char **out)
{
	int ret = lib ? needed_defines(lib, q, object, e->ehdr.e_machine, e->is64) : -1;

	if (ret > 0)
		*out = lib;
	else
		free(lib);
	return ret;
}

/*
 * The file ld.so would load for DT_NEEDED @name: @rpath, then the default
 * directories. 1 with *@out set when it defines @q, 0 when found but it
 * does not, -1 when not found.
 */
static int find_needed(const struct resolve_elf *e, const char *name, const char *rpath,
		       const struct resolve_query *q, bool object, char **out)
{
	const char *p, *end;
	char dirs[RESOLVE_LIBDIR_MAX][RESOLVE_LIBDIR_LEN], *dir;
	size_t i, n;
	int ret;

	if (strchr(name, '/'))
		return try_needed(e, strdup(name), q, object, out);
	for (p = rpath; p && *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		dir = expand_origin(e, p, end - p);
		ret = try_needed(e, dir ? resolve_join(dir, strlen(dir), name) : NULL, q, object,
				 out);
		free(dir);
		if (ret >= 0)
			return ret;
	}
	n = resolve_lib_dirs(dirs, ARRAY_SIZE(dirs));
	for (i = 0; i < n; i++) {
		ret = try_needed(e, resolve_join(dirs[i], strlen(dirs[i]), name), q, object,
				 out);
		if (ret >= 0)
			return ret;
	}
	return -1;
}

/* DT_RUNPATH, else DT_RPATH, from .dynamic. */
static const char *run_path(const struct resolve_elf *e, Elf_Data *d, size_t link)
{
	const char *rpath = NULL;
	GElf_Dyn dyn;
	int i;

	for (i = 0; gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++) {
		if (dyn.d_tag == DT_RUNPATH)
			return elf_strptr(e->elf, link, dyn.d_un.d_val);
		if (dyn.d_tag == DT_RPATH)
			rpath = elf_strptr(e->elf, link, dyn.d_un.d_val);
	}
	return rpath;
}

static int explain_import(struct resolve_elf *e, const struct resolve_query *q)
{
	Elf_Data *d = e->dynamic ? elf_getdata(e->dynamic, NULL) : NULL;
	char needed[512] = "", *lib = NULL;
	const char *rpath, *name;
	GElf_Shdr sh;
	GElf_Dyn dyn;
	int i;

	if (!d || !gelf_getshdr(e->dynamic, &sh))
		return resolve_set_err(-ENOENT, "'%.*s' is undefined in this file (imported) and "
				       "the file has no DT_NEEDED libraries", (int)q->len, q->base);
	rpath = run_path(e, d, sh.sh_link);
	for (i = 0; gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++) {
		if (dyn.d_tag != DT_NEEDED)
			continue;
		name = elf_strptr(e->elf, sh.sh_link, dyn.d_un.d_val);
		if (!name)
			continue;
		if (find_needed(e, name, rpath, q, false, &lib) > 0) {
			resolve_set_err(-ENOENT, "'%.*s' is imported from %s: probe %s:%.*s",
					(int)q->len, q->base, name, lib, (int)q->len, q->base);
			free(lib);
			return -ENOENT;
		}
		snprintf(needed + strlen(needed), sizeof(needed) - strlen(needed), "%s%s",
			 needed[0] ? ", " : "", name);
	}
	return resolve_set_err(-ENOENT, "'%.*s' is imported (undefined in this file); none of "
			       "its libraries (%s) defines it: probe the library that does",
			       (int)q->len, q->base, needed[0] ? needed : "none");
}

int resolve_needed_object(const char *path, const char *name, char **lib)
{
	struct resolve_query q = { .base = name, .len = strlen(name) };
	struct resolve_elf *e = resolve_open(path);
	Elf_Data *d = e && e->dynamic ? elf_getdata(e->dynamic, NULL) : NULL;
	const char *rpath, *need;
	int i, ret = -ENOENT;
	GElf_Shdr sh;
	GElf_Dyn dyn;

	*lib = NULL;
	if (!d || !gelf_getshdr(e->dynamic, &sh))
		goto out_close;
	rpath = run_path(e, d, sh.sh_link);
	for (i = 0; ret && gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++) {
		if (dyn.d_tag != DT_NEEDED)
			continue;
		need = elf_strptr(e->elf, sh.sh_link, dyn.d_un.d_val);
		if (need && find_needed(e, need, rpath, &q, true, lib) > 0)
			ret = 0;
	}
out_close:
	resolve_close(e);
	return ret;
}

int resolve_explain_missing(struct resolve_elf *e, const struct resolve_query *q,
			    const struct resolve_scan *sc)
{
	char hex[2 * 64 + 1];

	if (sc->undef)
		return explain_import(e, q);
	if (sc->other)
		return resolve_set_err(-ENOENT, "'%s' is a %s, not a function", q->base, sc->other);
	if (resolve_elf_local_table(e)->count)
		return resolve_set_err(-ENOENT, "no function '%s' in .symtab or .dynsym", q->base);
	resolve_set_err(-ENOENT, "no function '%s': the file is stripped (no .symtab), only its "
			"%s functions are visible; install its debug symbols (the -dbg/-dbgsym "
			"package", q->base, e->tab[1].count ? "exported" : "(no)");
	if (resolve_elf_build_id(e, hex, sizeof(hex)))
		resolve_add_err(" that has /usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
	resolve_add_err("), use an unstripped build, or probe a raw offset (PATH:0xOFFSET)");
	return -ENOENT;
}
