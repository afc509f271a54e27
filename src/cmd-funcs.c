// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe funcs: the functions of a file that can be probed, from its
 * symbols and, where it is cheap (in the file, at most 8 MiB) or asked for
 * (--dwarf), its debug information (with inlined copies, file:line).
 *
 * Speed (2 cores, shared; hyperfine): with --symbols, libc 5 ms (perf probe
 * -F 10-15 ms), a 1000-CU program 9-11 ms (bpftrace -l 47-88 ms), a
 * completion's 'mallo*' on libc 2 ms. With DWARF, libc 73-79 ms (was
 * 91-127) and the 1000-CU program 103-112 ms, 24 MB at peak (was 141-169
 * ms, 150 MB): libdw inflating libc's compressed sections is 36% of it and
 * its DIE walk most of the rest. A GLOB does not skip compilation units: a
 * function that exists only inlined (which 'uprobe add' takes) is found by
 * no symbol, so only the walk finds it; --symbols is the fast answer.
 */
#include <argp.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "resolve.h"
#include "resolve-dwarf.h"
/* resolve_elf_each_func(): every alias of an address, where resolve_glob() keeps one */
#include "resolve-int.h"

struct funcs_opts {
	struct cli_args target;
	bool symbols;
	bool dwarf;
};

static const struct argp_option funcs_options[] = {
	{ "symbols", 's', NULL, 0, "The symbol table only: no debug information is read "
	  "(fast; the bash completion asks this)", 0 },
	{ "dwarf", 'd', NULL, 0, "Read the debug information also where it is large or "
	  "in a separate file (libc6-dbg): inlined-only functions, file:line", 0 },
	{ 0 }
};

static error_t funcs_parse(int key, char *arg, struct argp_state *state)
{
	struct funcs_opts *o = state->input;

	if (key == 's')
		o->symbols = true;
	else if (key == 'd')
		o->dwarf = true;
	else
		return cli_args_key(&o->target, key, arg, state);
	if (o->symbols && o->dwarf)
		argp_error(state, "--symbols and --dwarf: one or the other");
	return 0;
}

/* DWARF that is read without --dwarf: in the file itself and at most this
 * big. Opening a separate or a large one (libc6-dbg: compressed, 38 ms to
 * inflate) costs several times the whole symbol table listing. */
#define FUNCS_CHEAP_DWARF	(8u << 20)

static bool dwarf_cheap(const char *path)
{
	struct resolve_elf *e = resolve_open(path);
	Elf *elf = e ? resolve_elf_elf(e) : NULL;
	Elf_Scn *scn = NULL;
	size_t shstr;
	bool cheap = false;

	if (!elf || elf_getshdrstrndx(elf, &shstr))
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		GElf_Chdr ch;
		const char *name;
		uint64_t size;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(elf, shstr, sh.sh_name);
		if (!name || strcmp(name, ".debug_info"))
			continue;
		size = sh.sh_flags & SHF_COMPRESSED && gelf_getchdr(scn, &ch) ? ch.ch_size
									      : sh.sh_size;
		cheap = size <= FUNCS_CHEAP_DWARF;
		break;
	}
out:
	resolve_close(e);
	return cheap;
}

const struct argp funcs_argp = {
	funcs_options, funcs_parse, "PATH [GLOB]",
	"List the functions of PATH that can be probed, with their file offsets.\v"
	"The symbol table's names come first (C++ demangled). Debug information "
	"in the file itself adds the source's names (namespaces, classes and "
	"signatures), inlined copies and compiler clones; a large or separate "
	"one (libc6-dbg) is read with --dwarf, or when no symbol matches GLOB. "
	"--symbols reads the symbol table only. GLOB (fnmatch) keeps the "
	"matching names.\n\n"
	"Examples:\n"
	"  uprobe funcs /bin/bash 'read*'\n"
	"  uprobe funcs ./app 'ns::Klass::*'",
	cli_pid_children, NULL, NULL
};

/* One function in JSON; @symbol is its name in the symbol table, if any. */
static void func_json(struct json_writer *w, const char *name, uint64_t offset, uint64_t addr,
		      size_t ninlined, bool clone, const char *symbol, const char *file,
		      int line)
{
	json_obj_begin(w);
	json_str_field(w, "name", name);
	if (addr) {
		json_uint_field(w, "offset", offset);
		json_uint_field(w, "address", addr);
	} else {
		json_null_field(w, "offset");
		json_null_field(w, "address");
	}
	json_uint_field(w, "inlined", ninlined);
	json_bool_field(w, "clone", clone);
	json_str_field(w, "symbol", symbol);
	json_str_field(w, "file", file);
	json_int_field(w, "line", line);
	json_obj_end(w);
}

static void print_dwarf(const struct resolve_dwarf_func *f)
{
	if (g_opts.json) {
		func_json(cli_json(), f->name, f->offset, f->addr, f->ninlined, f->clone,
			  f->linkage ? f->linkage : f->addr ? f->name : NULL, f->file, f->line);
		return;
	}
	if (f->addr)
		printf("%#10" PRIx64 "  %s", f->offset, f->name);
	else
		printf("%10s  %s", "inlined", f->name);
	if (f->ninlined)
		printf("  (+%zu inlined)", f->ninlined);
	if (f->linkage && f->clone)
		printf("  (as %s)", f->linkage);
	if (f->file)
		printf("  %s:%d", f->file, f->line);
	putchar('\n');
}

/* One row of the listing: a DWARF function, or a name of the symbol table. */
struct func_row {
	char *name;		/* owned when @f is NULL */
	const struct resolve_dwarf_func *f;	/* NULL: from the symbol table */
	uint64_t addr;
	uint64_t offset;
	char *shown;		/* demangled C++ name when @name is mangled, owned */
	bool local;
	bool shadow;		/* @f's linkage name: keeps the symbol out, not shown */
};

struct func_rows {
	struct func_row *v;
	size_t n;
	size_t cap;
	const char *glob;
	struct resolve_elf *e;
};

static int rows_push(struct func_rows *r, const struct func_row *row)
{
	struct func_row *nv;

	if (r->n == r->cap) {
		nv = realloc(r->v, (r->cap ? 2 * r->cap : 256) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		r->v = nv;
		r->cap = r->cap ? 2 * r->cap : 256;
	}
	r->v[r->n++] = *row;
	return 0;
}

static void rows_free(struct func_rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].f)
			continue;
		free(r->v[i].name);
		free(r->v[i].shown);
	}
	free(r->v);
}

/*
 * The name a user types for @s (without its @VER) in @row: C++ symbols also
 * demangled, which is what is shown and what a glob matches; the mangled
 * name stays the row's key, so a DWARF row's linkage name shadows it.
 * Return: 1 for a row, 0 for none, -ENOMEM.
 */
static int sym_name(const struct func_rows *r, const struct resolve_sym *s,
		    struct func_row *row)
{
	size_t len = resolve_base_len(s->name);

	if (!len || resolve_sym_hidden(s))
		return 0;
	row->name = strndup(s->name, len);
	if (!row->name)
		return -ENOMEM;
	if (!strncmp(row->name, "_Z", 2))
		row->shown = resolve_demangle(row->name);
	if (!r->glob || !fnmatch(r->glob, row->shown ? row->shown : row->name, 0))
		return 1;
	free(row->name);
	free(row->shown);
	return 0;
}

/*
 * Every alias of an address is a name that 'uprobe add' takes, so each is
 * a row: resolve_glob() keeps one name per address, hence this walk.
 */
static int sym_one(const struct resolve_sym *s, void *arg)
{
	struct func_rows *r = arg;
	struct func_row row = { .addr = s->sym.st_value };
	const GElf_Phdr *p = resolve_elf_load_of_vaddr(r->e, row.addr);
	int ret;

	if (!p || !(p->p_flags & PF_X) || resolve_elf_vaddr_to_off(r->e, row.addr, &row.offset))
		return 0;
	ret = sym_name(r, s, &row);
	if (ret <= 0)
		return ret;
	row.local = resolve_sym_bind(s) == STB_LOCAL;
	ret = rows_push(r, &row);
	if (ret) {
		free(row.name);
		free(row.shown);
	}
	return ret;
}

/* By name; DWARF first, in its own order; then global symbols before locals. */
static int cmp_row(const void *a, const void *b)
{
	const struct func_row *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (!x->f != !y->f)
		return x->f ? -1 : 1;
	if (x->f)
		return x->f < y->f ? -1 : x->f > y->f;
	return x->local - y->local;
}

/* The DWARF functions (and their linkage names), then the symbol table's. */
static int rows_fill(struct func_rows *r, const struct resolve_dwarf_func *fs, size_t n)
{
	struct func_row row;
	size_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		row = (struct func_row){ .name = fs[i].name, .f = &fs[i], .addr = fs[i].addr,
					 .offset = fs[i].offset };
		ret = rows_push(r, &row);
		/* C aliases stay (a user types them); a mangled C++ name is the row's */
		if (ret || !fs[i].linkage || strncmp(fs[i].linkage, "_Z", 2))
			continue;
		row.name = fs[i].linkage;
		row.shadow = true;
		ret = rows_push(r, &row);
	}
	if (!ret)
		ret = resolve_elf_each_func(r->e, sym_one, r);
	return ret;
}

/* Sorted by name, a symbol dropped where a row of that name comes first. */
static void rows_dedup(struct func_rows *r)
{
	size_t i, out = 0;

	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), cmp_row);
	for (i = 0; i < r->n; i++) {
		if (!r->v[i].f && out && strcmp(r->v[out - 1].name, r->v[i].name) == 0) {
			free(r->v[i].name);
			free(r->v[i].shown);
			continue;
		}
		r->v[out++] = r->v[i];
	}
	r->n = out;
}

static const char *row_shown(const struct func_row *row)
{
	return row->shown ? row->shown : row->name;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct func_row *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_shown(const void *a, const void *b)
{
	int c = strcmp(row_shown(a), row_shown(b));

	return c ? c : cmp_row(a, b);
}

/* Whether symbol row @i says again what another row at its address shows. */
static bool cxx_again(const struct func_rows *r, size_t lo, size_t hi, size_t i)
{
	size_t j;

	for (j = lo; j < hi; j++)
		if (j != i && !r->v[j].shadow && (r->v[j].f || j < i) &&
		    resolve_cxx_same(row_shown(&r->v[j]), r->v[i].shown))
			return true;
	return false;
}

/*
 * A demangled symbol that a DWARF row of its address already shows, however
 * either spells its types, or that another symbol there shows (a complete
 * and a base constructor): one row. Then in the order people read them.
 */
static void rows_dedup_cxx(struct func_rows *r)
{
	size_t i, lo, hi, out = 0;

	for (i = 0; i < r->n && !r->v[i].shown; i++)
		;
	if (i == r->n)	/* no C++ symbol: sorted by name already, as shown */
		return;
	qsort(r->v, r->n, sizeof(*r->v), cmp_addr);
	for (lo = 0; lo < r->n; lo = hi) {
		for (hi = lo; hi < r->n && r->v[hi].addr == r->v[lo].addr; hi++)
			;
		for (i = lo; i < hi; i++) {
			if (r->v[i].f || !r->v[i].shown || !cxx_again(r, lo, hi, i))
				continue;
			free(r->v[i].name);
			free(r->v[i].shown);
			r->v[i].name = NULL;
		}
	}
	for (i = 0; i < r->n; i++)
		if (r->v[i].f || r->v[i].name)
			r->v[out++] = r->v[i];
	r->n = out;
	qsort(r->v, r->n, sizeof(*r->v), cmp_shown);
}

static void print_rows(const struct func_rows *r)
{
	size_t i;

	if (g_opts.json)
		json_arr_begin(cli_json());
	for (i = 0; i < r->n; i++) {
		const struct func_row *row = &r->v[i];

		if (row->f && !row->shadow)
			print_dwarf(row->f);
		else if (!row->f && g_opts.json)
			func_json(cli_json(), row->shown ? row->shown : row->name, row->offset,
				  row->addr, 0, false, row->name, NULL, 0);
		else if (!row->f)
			printf("%#10" PRIx64 "  %s\n", row->offset,
			       row->shown ? row->shown : row->name);
	}
	if (g_opts.json)
		json_arr_end(cli_json());
}

/* What list_funcs() lists: the DWARF rows given, or the symbol table because
 * --symbols asked for it, or first, with the DWARF still to come. */
enum funcs_from { FROM_DWARF, FROM_SYMBOLS, FROM_SYMBOLS_FIRST };

/* The @n DWARF functions of @fs and the names of the symbol table, merged.
 * Return: EXIT_OK, EXIT_FAIL after saying why, or with FROM_SYMBOLS_FIRST
 * -ENOENT, quietly, when nothing matched. */
static int list_funcs(const char *path, const char *glob, const struct resolve_dwarf_func *fs,
		      size_t n, enum funcs_from from)
{
	bool symbols = from != FROM_DWARF;
	struct func_rows r = { .glob = glob };
	size_t shown = 0, i;
	int ret;

	r.e = resolve_open(path);
	if (!r.e) {
		err("'%s': %s", path, resolve_errmsg());
		return EXIT_FAIL;
	}
	ret = rows_fill(&r, fs, n);
	rows_dedup(&r);
	rows_dedup_cxx(&r);
	for (i = 0; i < r.n; i++)
		shown += !r.v[i].shadow;
	if (!ret && !shown && from == FROM_SYMBOLS_FIRST) {
		ret = -ENOENT;
		goto out;
	}
	if (ret)
		err_errno(ret, "'%s'", path);
	else if (!shown && !n && !glob && symbols)
		err("'%s': no symbol table (--symbols reads nothing else)", path);
	else if (!shown && !n && !glob)
		err("'%s': no functions: it is stripped (no debug information, no symbol table)",
		    path);
	else if (!shown)
		err("'%s': no function matches '%s'", path, glob ? glob : "*");
	else
		print_rows(&r);
	ret = ret || !shown ? EXIT_FAIL : EXIT_OK;
out:
	rows_free(&r);
	resolve_close(r.e);
	return ret;
}

int cmd_funcs(int argc, char **argv)
{
	struct funcs_opts o = { .target = {
		.max = 2, .form = "PATH and at most one GLOB",
		.need = "name the program or library, as in 'uprobe funcs /bin/bash'",
	} };
	const char *glob;
	struct resolve_dwarf_func *fs = NULL;
	struct resolve_dwarf *d = NULL;
	size_t n = 0;
	char *path;
	int ret, status = EXIT_FAIL;

	if (cli_parse(&funcs_argp, argc, argv, &o))
		return EXIT_FAIL;
	glob = o.target.n > 1 ? o.target.v[1] : NULL;
	path = cli_find(o.target.v[0], g_pid);
	if (!path)
		return EXIT_FAIL;
	/* the symbol table costs a few ms; opening DWARF costs more (libc's is compressed) */
	if (!o.symbols && !o.dwarf && !dwarf_cheap(path)) {
		status = list_funcs(path, glob, NULL, 0, FROM_SYMBOLS_FIRST);
		if (status != -ENOENT)
			goto out_free;
		verbose("no symbol matches: reading the debug information");
		status = EXIT_FAIL;
	}
	d = o.symbols ? NULL : resolve_dwarf_open(path);
	if (!d && !o.symbols && errno != ENODATA) {
		err("'%s': %s", path, resolve_dwarf_errmsg());
		goto out_free;
	}
	if (!d && !o.symbols)
		verbose("%s", resolve_dwarf_errmsg());
	ret = d ? resolve_dwarf_funcs(d, glob, &fs, &n) : 0;
	if (ret)
		err_errno(ret, "'%s'", path);
	else
		status = list_funcs(path, glob, fs, n, o.symbols ? FROM_SYMBOLS : FROM_DWARF);
out_free:
	resolve_dwarf_funcs_free(fs, n);
	resolve_dwarf_close(d);
	free(path);
	return status;
}
