// SPDX-License-Identifier: GPL-2.0
/*
 * The DWARF half of the resolver: finding the debug information, names
 * (C++ scopes and signatures), functions with their clones and inlined
 * copies, and source lines. Variables are in resolve-dwvar.c.
 *
 * libdwfl finds separate debug files (build-id, .gnu_debuglink,
 * /usr/lib/debug, debuginfod) the way every elfutils tool does. Lookups go
 * through the symbol table and the address ranges first, so that only the
 * compilation units holding the function are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dwarf.h>

#include "dwarf-int.h"

static __thread char dw_errbuf[1024];

int dw_err(int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dw_errbuf, sizeof(dw_errbuf), fmt, ap);
	va_end(ap);
	return ret;
}

void dw_clear_err(void)
{
	dw_errbuf[0] = '\0';
}

const char *resolve_dwarf_errmsg(void)
{
	return dw_errbuf;
}

char *dw_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

/* --- addresses ----------------------------------------------------------- */

Dwarf_Addr dw_from_vaddr(const struct resolve_dwarf *d, uint64_t vaddr)
{
	return vaddr + d->elfbias - d->dwbias;
}

uint64_t dw_to_vaddr(const struct resolve_dwarf *d, Dwarf_Addr pc)
{
	return pc + d->dwbias - d->elfbias;
}

int dw_vaddr_offset(const struct resolve_dwarf *d, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	for (i = 0; i < d->nloads; i++) {
		const struct dw_load *l = &d->loads[i];

		if (vaddr >= l->vaddr && vaddr < l->vaddr + l->memsz) {
			*off = vaddr - l->vaddr + l->offset;
			return 0;
		}
	}
	return -ERANGE;
}

void dw_pc_label(struct resolve_dwarf *d, Dwarf_Addr pc, char *buf, size_t len)
{
	GElf_Addr off = 0;
	GElf_Sym sym;
	const char *name;

	name = dwfl_module_addrinfo(d->mod, pc + d->dwbias, &off, &sym, NULL, NULL, NULL);
	if (name && off)
		snprintf(buf, len, "%s+%#" PRIx64, name, (uint64_t)off);
	else if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%#" PRIx64, dw_to_vaddr(d, pc));
}

/*
 * dwfl_module_addrname() reads the whole symbol table on every call, so a
 * listing of every function would be quadratic. The same choice is made here
 * from a table sorted once: of the symbols with a size that hold @addr, the
 * global ones first, else the local ones, in symbol table order, the closest
 * (then the more global, then the smaller) winning and the first on a tie.
 * When that leaves nothing, or a sizeless symbol could win, libdwfl decides.
 */
static int cmp_addrsym(const void *a, const void *b)
{
	const struct dw_addrsym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->ndx - y->ndx;
}

static int bind_rank(int bind)
{
	return bind == STB_GLOBAL ? 3 : bind == STB_WEAK ? 2 : bind == STB_LOCAL ? 1 : 0;
}

static int read_addrsyms(struct resolve_dwarf *d)
{
	int n = dwfl_module_getsymtab(d->mod), i;

	d->first_global = dwfl_module_getsymtab_first_global(d->mod);
	if (n <= 0 || d->first_global < 0)
		return -ENOENT;
	d->asyms = calloc(n, sizeof(*d->asyms));
	if (!d->asyms)
		return -ENOMEM;
	for (i = 1; i < n; i++) {
		struct dw_addrsym *a = &d->asyms[d->nasyms];
		const char *name;
		GElf_Sym sym;
		int type;

		name = dwfl_module_getsym(d->mod, i, &sym, NULL);
		if (!name || !name[0] || sym.st_shndx == SHN_UNDEF)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_SECTION || type == STT_FILE || type == STT_TLS)
			continue;
		*a = (struct dw_addrsym){ sym.st_value, sym.st_size, 0, i,
					  GELF_ST_BIND(sym.st_info) };
		d->nasyms++;
	}
	qsort(d->asyms, d->nasyms, sizeof(*d->asyms), cmp_addrsym);
	for (i = 0; i < (int)d->nasyms; i++) {
		struct dw_addrsym *a = &d->asyms[i];

		a->maxend = a->value + a->size;
		if (i && a[-1].maxend > a->maxend)
			a->maxend = a[-1].maxend;
	}
	return 0;
}

static bool addrsym_better(const struct dw_addrsym *best, const struct dw_addrsym *a)
{
	int bb, ba;

	if (!best)
		return true;
	bb = bind_rank(best->bind);
	ba = bind_rank(a->bind);
	if (best->value < a->value || bb < ba)
		return true;
	return best->value == a->value && ((best->size > a->size && bb <= ba) ||
					   (best->size >= a->size && bb < ba));
}

/* The sized symbols holding @addr, in symbol table order; -E2BIG when
 * there are too many to weigh here. */
static int addrsyms_holding(struct resolve_dwarf *d, Dwarf_Addr addr,
			    const struct dw_addrsym **out, size_t max, size_t *n)
{
	size_t lo = 0, hi = d->nasyms, steps = 0, i, j;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->asyms[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*n = 0;
	for (j = lo; j-- > 0 && d->asyms[j].maxend > addr;) {
		const struct dw_addrsym *a = &d->asyms[j];

		if (++steps > 256 || *n == max)
			return -E2BIG;
		if (!a->size || addr - a->value >= a->size)
			continue;
		for (i = (*n)++; i > 0 && out[i - 1]->ndx > a->ndx; i--)
			out[i] = out[i - 1];
		out[i] = a;
	}
	/* a global sizeless symbol right at @addr may keep libdwfl from
	 * looking at the local symbols */
	for (j = lo; j-- > 0 && d->asyms[j].value == addr;)
		if (!d->asyms[j].size && d->asyms[j].ndx >= d->first_global)
			return -E2BIG;
	return 0;
}

const char *dw_addrname(struct resolve_dwarf *d, Dwarf_Addr addr)
{
	const struct dw_addrsym *held[16], *best = NULL;
	int first_global, pass;
	size_t n, i;
	GElf_Sym sym;

	if (!d->asyms_read)
		d->asyms_read = read_addrsyms(d) ? -1 : 1;
	if (d->asyms_read < 0 || addrsyms_holding(d, addr, held, 16, &n))
		return dwfl_module_addrname(d->mod, addr);
	first_global = d->first_global > 1 ? d->first_global : 1;
	for (pass = 0; pass < 2 && !best; pass++)
		for (i = 0; i < n; i++)
			if ((held[i]->ndx >= first_global) == (pass == 0) &&
			    addrsym_better(best, held[i]))
				best = held[i];
	if (!best)
		return dwfl_module_addrname(d->mod, addr);
	return dwfl_module_getsym(d->mod, best->ndx, &sym, NULL);
}

/* --- opening ------------------------------------------------------------- */

static char *debuginfo_path;

static const Dwfl_Callbacks dw_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static int read_loads(struct resolve_dwarf *d)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(d->elf, &n))
		return -EINVAL;
	d->loads = calloc(n ? n : 1, sizeof(*d->loads));
	if (!d->loads)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(d->elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		d->loads[d->nloads].vaddr = ph.p_vaddr;
		d->loads[d->nloads].memsz = ph.p_memsz;
		d->loads[d->nloads].offset = ph.p_offset;
		d->nloads++;
	}
	return 0;
}

static int open_module(struct resolve_dwarf *d, const char *path)
{
	const char *base = strrchr(path, '/');
	const char *mainfile = NULL, *debugfile = NULL;
	GElf_Ehdr eh;

	d->dwfl = dwfl_begin(&dw_callbacks);
	if (!d->dwfl)
		return dw_err(-ENOMEM, "%s", dwfl_errmsg(-1));
	d->mod = dwfl_report_offline(d->dwfl, base ? base + 1 : path, path, -1);
	if (!d->mod)
		return dw_err(-EINVAL, "%s", dwfl_errmsg(-1));
	dwfl_report_end(d->dwfl, NULL, NULL);
	d->elf = dwfl_module_getelf(d->mod, &d->elfbias);
	if (!d->elf || !gelf_getehdr(d->elf, &eh))
		return dw_err(-EINVAL, "not an ELF file: %s", dwfl_errmsg(-1));
	if (eh.e_machine != EM_X86_64)
		return dw_err(-ENOTSUP, "variables by name are supported on x86-64 "
			      "programs only (this one is for ELF machine %u)", eh.e_machine);
	d->dw = dwfl_module_getdwarf(d->mod, &d->dwbias);
	if (!d->dw)
		return dw_err(-ENODATA, "no debug information found (looked in the file, "
			      "its .gnu_debuglink, /usr/lib/debug/.build-id and "
			      "/usr/lib/debug%s): install its debug package (-dbg, "
			      "-dbgsym), rebuild with -g, or set DEBUGINFOD_URLS", path);
	dwfl_module_info(d->mod, NULL, NULL, NULL, NULL, NULL, &mainfile, &debugfile);
	d->debugfile = strdup(debugfile ? debugfile : mainfile ? mainfile : path);
	if (!d->debugfile)
		return -ENOMEM;
	return read_loads(d);
}

struct resolve_dwarf *resolve_dwarf_open(const char *path)
{
	struct resolve_dwarf *d;
	int ret;

	dw_clear_err();
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->path = strdup(path);
	ret = d->path ? open_module(d, path) : -ENOMEM;
	if (ret) {
		resolve_dwarf_close(d);
		errno = -ret;
		return NULL;
	}
	return d;
}

void resolve_dwarf_close(struct resolve_dwarf *d)
{
	size_t i;

	if (!d)
		return;
	if (d->dwfl)
		dwfl_end(d->dwfl);
	for (i = 0; i < d->nsyms; i++)
		free(d->syms[i].name);
	free(d->syms);
	for (i = 0; i < d->scopes.cap; i++)
		free(d->scopes.vals ? d->scopes.vals[i] : NULL);
	free(d->scopes.keys);
	free(d->scopes.vals);
	free(d->asyms);
	free(d->loads);
	free(d->curanges);
	free(d->debugfile);
	free(d->path);
	free(d);
}

const char *resolve_dwarf_debugfile(struct resolve_dwarf *d)
{
	return d->debugfile;
}

/* --- small DWARF helpers ------------------------------------------------- */

int dw_entry(Dwarf_Die *die, Dwarf_Addr *pc)
{
	Dwarf_Addr base, start, end;

	if (dwarf_entrypc(die, pc) == 0)
		return 0;
	if (dwarf_ranges(die, 0, &base, &start, &end) > 0) {
		*pc = start;
		return 0;
	}
	return -ENOENT;
}

static bool has_code(Dwarf_Die *die)
{
	return dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges);
}

bool dw_is_cxx(Dwarf_Die *die)
{
	Dwarf_Die cu;
	int lang;

	if (!dwarf_diecu(die, &cu, NULL, NULL))
		return false;
	lang = dwarf_srclang(&cu);
	return lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
	       lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14;
}

static int read_curanges(struct resolve_dwarf *d)
{
	Dwarf_Addr base, lo, hi;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	size_t cap = 0;
	uint8_t type;

	d->curanges_read = true;
	while (dwarf_get_units(d->dw, cu, &cu, NULL, &type, &cudie, NULL) == 0) {
		ptrdiff_t off = 0;

		while ((off = dwarf_ranges(&cudie, off, &base, &lo, &hi)) > 0) {
			if (d->ncuranges == cap) {
				void *p;

				cap = cap ? cap * 2 : 256;
				p = realloc(d->curanges, cap * sizeof(*d->curanges));
				if (!p)
					return -ENOMEM;
				d->curanges = p;
			}
			d->curanges[d->ncuranges++] = (struct dw_curange){
				lo, hi, dwarf_dieoffset(&cudie) };
		}
	}
	return 0;
}

Dwarf_Die *dw_addrdie(struct resolve_dwarf *d, Dwarf_Addr pc, Dwarf_Die *cu)
{
	size_t i;

	if (dwarf_addrdie(d->dw, pc, cu))
		return cu;
	if (!d->curanges_read && read_curanges(d))
		return NULL;
	for (i = 0; i < d->ncuranges; i++)
		if (pc >= d->curanges[i].lo && pc < d->curanges[i].hi)
			return dwarf_offdie(d->dw, d->curanges[i].cu, cu);
	return NULL;
}

/* The out-of-line function holding @pc, below @parent. */
static bool func_below(Dwarf_Die *parent, Dwarf_Addr pc, Dwarf_Die *fn, int depth)
{
	Dwarf_Die c;

	if (depth > 16 || dwarf_child(parent, &c))
		return false;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_subprogram && dwarf_haspc(&c, pc) > 0) {
			*fn = c;
			return true;
		}
		if ((tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
		     tag == DW_TAG_structure_type) && func_below(&c, pc, fn, depth + 1))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/*
 * dwarf_getscopes() follows an inlined copy into the scopes of its abstract
 * definition, so the function that holds the code is looked up apart.
 */
int dw_func_at(struct resolve_dwarf *d, Dwarf_Addr pc, Dwarf_Die *cu, Dwarf_Die *fn)
{
	if (!dw_addrdie(d, pc, cu))
		return -ENOENT;
	return func_below(cu, pc, fn, 0) ? 0 : -ENOENT;
}

/* The DIE that names @die: through abstract_origin and specification. */
static void origin_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	Dwarf_Die next;
	int guard;

	*out = *die;
	for (guard = 0; guard < 8; guard++) {
		if (!dwarf_attr(out, DW_AT_abstract_origin, &a) &&
		    !dwarf_attr(out, DW_AT_specification, &a))
			return;
		if (!dwarf_formref_die(&a, &next))
			return;
		*out = next;
	}
}

/* --- C++ scopes ---------------------------------------------------------- */

static size_t hash_off(uint64_t k, size_t cap)
{
	return (size_t)((k * 0x9e3779b97f4a7c15ull) >> 17) & (cap - 1);
}

static int scopes_put(struct dw_scopes *s, uint64_t key, const char *val)
{
	size_t i;

	if ((s->len + 1) * 2 > s->cap) {
		struct dw_scopes n = { 0 };

		n.cap = s->cap ? s->cap * 2 : 1024;
		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.vals = calloc(n.cap, sizeof(*n.vals));
		if (!n.keys || !n.vals) {
			free(n.keys);
			free(n.vals);
			return -ENOMEM;
		}
		for (i = 0; i < s->cap; i++) {
			size_t j;

			if (!s->vals[i])
				continue;
			for (j = hash_off(s->keys[i], n.cap); n.vals[j]; j = (j + 1) & (n.cap - 1))
				;
			n.keys[j] = s->keys[i];
			n.vals[j] = s->vals[i];
		}
		free(s->keys);
		free(s->vals);
		s->keys = n.keys;
		s->vals = n.vals;
		s->cap = n.cap;
	}
	for (i = hash_off(key, s->cap); s->vals[i]; i = (i + 1) & (s->cap - 1))
		if (s->keys[i] == key)
			return 0;
	s->vals[i] = strdup(val);
	if (!s->vals[i])
		return -ENOMEM;
	s->keys[i] = key;
	s->len++;
	return 0;
}

static const char *scopes_get(struct dw_scopes *s, uint64_t key)
{
	size_t i;

	if (!s->cap)
		return NULL;
	for (i = hash_off(key, s->cap); s->vals[i]; i = (i + 1) & (s->cap - 1))
		if (s->keys[i] == key)
			return s->vals[i];
	return NULL;
}

static bool is_scope_tag(int tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
	       tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

/* Records the enclosing scope of every DIE below @parent, named @prefix. */
static int scopes_walk(struct dw_scopes *s, Dwarf_Die *parent, const char *prefix, int depth)
{
	Dwarf_Die c;
	int ret = 0;

	if (depth > 32 || dwarf_child(parent, &c))
		return 0;
	do {
		int tag = dwarf_tag(&c);
		const char *name;
		char *sub;

		if (prefix[0] && (tag == DW_TAG_subprogram || is_scope_tag(tag) ||
				  tag == DW_TAG_enumeration_type || tag == DW_TAG_typedef ||
				  tag == DW_TAG_variable))
			ret = scopes_put(s, dwarf_dieoffset(&c), prefix);
		if (ret || !is_scope_tag(tag))
			continue;
		name = dwarf_diename(&c);
		if (!name)
			name = tag == DW_TAG_namespace ? "(anonymous namespace)" : "{unnamed}";
		sub = prefix[0] ? dw_strdupf("%s::%s", prefix, name) : strdup(name);
		if (!sub)
			return -ENOMEM;
		ret = scopes_walk(s, &c, sub, depth + 1);
		free(sub);
	} while (!ret && dwarf_siblingof(&c, &c) == 0);
	return ret;
}

static const char *scope_of(struct resolve_dwarf *d, Dwarf_Die *die)
{
	struct dw_scopes *s = &d->scopes;
	Dwarf_Die cu;
	Dwarf_Off cuoff;

	if (!dwarf_diecu(die, &cu, NULL, NULL))
		return NULL;
	cuoff = dwarf_dieoffset(&cu) | DW_SCOPES_DONE;
	if (!scopes_get(s, cuoff)) {
		if (scopes_put(s, cuoff, ""))
			return NULL;
		scopes_walk(s, &cu, "", 0);
	}
	return scopes_get(s, dwarf_dieoffset(die));
}

char *dw_qualname(struct resolve_dwarf *d, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	const char *scope;
	Dwarf_Die o;

	if (!name)
		return NULL;
	if (!dw_is_cxx(die))
		return strdup(name);
	origin_of(die, &o);
	scope = scope_of(d, &o);
	return scope ? dw_strdupf("%s::%s", scope, name) : strdup(name);
}

/* --- type names ---------------------------------------------------------- */

static char *type_name_r(struct resolve_dwarf *d, Dwarf_Die *type, const char *suffix, int depth);

static char *array_name(struct resolve_dwarf *d, Dwarf_Die *type, const char *suffix, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die sub, elem;
	Dwarf_Word n = 0;
	char *s, *r;

	if (dwarf_child(type, &sub) == 0 && dwarf_tag(&sub) == DW_TAG_subrange_type) {
		if (dwarf_attr(&sub, DW_AT_count, &a))
			dwarf_formudata(&a, &n);
		else if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && !dwarf_formudata(&a, &n))
			n++;
	}
	s = n ? dw_strdupf("%s[%" PRIu64 "]", suffix, (uint64_t)n) : dw_strdupf("%s[]", suffix);
	if (!s)
		return NULL;
	if (!dwarf_attr_integrate(type, DW_AT_type, &a) || !dwarf_formref_die(&a, &elem))
		r = dw_strdupf("void %s", s);
	else
		r = type_name_r(d, &elem, s, depth + 1);
	free(s);
	return r;
}

static char *type_name_r(struct resolve_dwarf *d, Dwarf_Die *type, const char *suffix, int depth)
{
	const char *kw = NULL, *name;
	Dwarf_Attribute a;
	Dwarf_Die next;
	char *s, *r, *q;
	int tag;

	if (!type || depth > 16)
		return dw_strdupf("void%s%s", suffix[0] ? " " : "", suffix);
	tag = dwarf_tag(type);
	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		s = dw_strdupf("%s%s", tag == DW_TAG_pointer_type ? "*" :
			       tag == DW_TAG_reference_type ? "&" : "&&", suffix);
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		kw = tag == DW_TAG_const_type ? "const" : "volatile";
		if (dwarf_attr_integrate(type, DW_AT_type, &a) && dwarf_formref_die(&a, &next)) {
			int t2 = dwarf_tag(&next);

			if (t2 == DW_TAG_pointer_type || t2 == DW_TAG_reference_type)
				s = dw_strdupf("%s %s", kw, suffix);
			else
				s = NULL;
			if (t2 == DW_TAG_pointer_type || t2 == DW_TAG_reference_type) {
				r = s ? type_name_r(d, &next, s, depth + 1) : NULL;
				free(s);
				return r;
			}
			r = type_name_r(d, &next, suffix, depth + 1);
			s = r ? dw_strdupf("%s %s", kw, r) : NULL;
			free(r);
			return s;
		}
		return dw_strdupf("%s void%s%s", kw, suffix[0] ? " " : "", suffix);
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		s = strdup(suffix);
		break;
	case DW_TAG_array_type:
		return array_name(d, type, suffix, depth);
	case DW_TAG_subroutine_type:
		return dw_strdupf("void (%s)()", suffix);
	default:
		name = dwarf_diename(type);
		if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
		    tag == DW_TAG_class_type || tag == DW_TAG_enumeration_type ||
		    tag == DW_TAG_typedef) {
			if (dw_is_cxx(type)) {
				q = dw_qualname(d, type);
				r = dw_strdupf("%s%s%s", q ? q : "{unnamed}",
					       suffix[0] ? " " : "", suffix);
				free(q);
				return r;
			}
			if (tag != DW_TAG_typedef)
				kw = tag == DW_TAG_structure_type ? "struct " :
				     tag == DW_TAG_union_type ? "union " : "enum ";
		}
		return dw_strdupf("%s%s%s%s", kw ? kw : "", name ? name : "{unnamed}",
				  suffix[0] && suffix[0] != '[' ? " " : "", suffix);
	}
	if (!s)
		return NULL;
	if (!dwarf_attr_integrate(type, DW_AT_type, &a) || !dwarf_formref_die(&a, &next))
		r = dw_strdupf("void %s", s);
	else
		r = type_name_r(d, &next, s, depth + 1);
	free(s);
	return r;
}

char *dw_type_name(struct resolve_dwarf *d, Dwarf_Die *type)
{
	return type_name_r(d, type, "", 0);
}

/* "(int, const char *)" from the formal parameters of @fn (C++). */
static char *signature(struct resolve_dwarf *d, Dwarf_Die *fn)
{
	Dwarf_Die decl, c, t;
	Dwarf_Attribute a;
	char *sig = strdup(""), *tn, *n;
	bool any = false;

	origin_of(fn, &decl);
	if (dwarf_child(&decl, &c) != 0)
		c = (Dwarf_Die){ 0 };
	else
		do {
			bool art = false;

			if (dwarf_tag(&c) != DW_TAG_formal_parameter &&
			    dwarf_tag(&c) != DW_TAG_unspecified_parameters)
				continue;
			if (dwarf_attr(&c, DW_AT_artificial, &a))
				dwarf_formflag(&a, &art);
			if (art || !sig)
				continue;
			if (dwarf_tag(&c) == DW_TAG_unspecified_parameters)
				tn = strdup("...");
			else if (dwarf_attr_integrate(&c, DW_AT_type, &a) &&
				 dwarf_formref_die(&a, &t))
				tn = dw_type_name(d, &t);
			else
				tn = strdup("void");
			n = tn ? dw_strdupf("%s%s%s", sig, any ? ", " : "", tn) : NULL;
			free(tn);
			free(sig);
			sig = n;
			any = true;
		} while (dwarf_siblingof(&c, &c) == 0);
	n = sig ? dw_strdupf("(%s)", sig) : NULL;
	free(sig);
	return n;
}

/* The name a user types for @fn: "name", or C++ "ns::K::m(int)". */
static char *display_name(struct resolve_dwarf *d, Dwarf_Die *fn, bool with_sig)
{
	char *q = dw_qualname(d, fn), *s, *r;

	if (!q || !with_sig || !dw_is_cxx(fn))
		return q;
	s = signature(d, fn);
	r = s ? dw_strdupf("%s%s", q, s) : NULL;
	free(q);
	free(s);
	return r;
}

static void squeeze(const char *in, char *out, size_t len)
{
	size_t i = 0;

	for (; *in && i + 1 < len; in++)
		if (*in != ' ')
			out[i++] = *in;
	out[i] = '\0';
}

/* Whether function DIE @fn is what the user called @spec (exact or glob). */
static bool name_matches(struct resolve_dwarf *d, Dwarf_Die *fn, const char *spec, bool glob)
{
	bool sig = strchr(spec, '(') != NULL, ok;
	char a[512], b[512];
	const char *link;
	Dwarf_Attribute at;
	char *name;

	if (!dwarf_diename(fn))
		return false;
	if (!dw_is_cxx(fn))
		return glob ? fnmatch(spec, dwarf_diename(fn), 0) == 0 :
			      strcmp(spec, dwarf_diename(fn)) == 0;
	link = dwarf_formstring(dwarf_attr_integrate(fn, DW_AT_linkage_name, &at));
	if (link && !glob && strcmp(link, spec) == 0)
		return true;
	name = display_name(d, fn, sig);
	if (!name)
		return false;
	if (glob) {
		ok = fnmatch(spec, name, 0) == 0;
	} else {
		squeeze(spec, a, sizeof(a));
		squeeze(name, b, sizeof(b));
		ok = strcmp(a, b) == 0;
	}
	free(name);
	return ok;
}

/* --- the symbol table ---------------------------------------------------- */

static int read_syms(struct resolve_dwarf *d)
{
	int i, n;

	if (d->syms_read)
		return 0;
	d->syms_read = true;
	n = dwfl_module_getsymtab(d->mod);
	if (n <= 0)
		return 0;
	d->syms = calloc(n, sizeof(*d->syms));
	if (!d->syms)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(d->mod, i, &sym, &addr,
							   NULL, NULL, NULL);

		if (!name || !name[0] || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF || !addr)
			continue;
		d->syms[d->nsyms].name = strdup(name);
		if (!d->syms[d->nsyms].name)
			return -ENOMEM;
		d->syms[d->nsyms].addr = addr - d->elfbias;
		d->syms[d->nsyms].size = sym.st_size;
		d->nsyms++;
	}
	return 0;
}

static const char *const clone_suffixes[] = { ".isra.", ".constprop.", ".part.", ".cold" };

/* Whether symbol @sym is what the user may call @name: itself, a version of
 * it, a compiler clone of it, or (C++) a mangled name holding its last
 * component. */
static bool sym_candidate(const char *sym, const char *name, const char *last, size_t lastlen)
{
	size_t n = strlen(name), i;
	char lenbuf[24];
	const char *p;

	if (strncmp(sym, name, n) == 0) {
		if (sym[n] == '\0' || sym[n] == '@')
			return true;
		for (i = 0; i < sizeof(clone_suffixes) / sizeof(clone_suffixes[0]); i++)
			if (strncmp(sym + n, clone_suffixes[i], strlen(clone_suffixes[i])) == 0)
				return true;
	}
	if (!last || strncmp(sym, "_Z", 2) != 0)
		return false;
	snprintf(lenbuf, sizeof(lenbuf), "%zu", lastlen);
	for (p = strstr(sym, lenbuf); p; p = strstr(p + 1, lenbuf))
		if (strncmp(p + strlen(lenbuf), last, lastlen) == 0 &&
		    !(p > sym && p[-1] >= '0' && p[-1] <= '9'))
			return true;
	return false;
}

/* --- finding functions --------------------------------------------------- */

struct dw_site {
	Dwarf_Die die;		/* concrete subprogram or inlined_subroutine */
	Dwarf_Addr pc;		/* entry, DWARF address */
	Dwarf_Off origin;	/* the function it is a copy of */
	bool inlined;
};

struct find_ctx {
	struct resolve_dwarf *d;
	const char *spec;
	bool glob;
	bool want_inlines;
	Dwarf_Off *ids;		/* functions found by symbol address */
	size_t nids;
	struct dw_site *sites;
	size_t nsites, cap;
	int err;
};

static Dwarf_Off origin_off(Dwarf_Die *die)
{
	Dwarf_Die o;

	origin_of(die, &o);
	return dwarf_dieoffset(&o);
}

static int add_site(struct find_ctx *f, Dwarf_Die *die, Dwarf_Addr pc, bool inlined)
{
	size_t i;

	for (i = 0; i < f->nsites; i++)
		if (f->sites[i].pc == pc)
			return 0;
	if (f->nsites == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		void *p = realloc(f->sites, cap * sizeof(*f->sites));

		if (!p)
			return -ENOMEM;
		f->sites = p;
		f->cap = cap;
	}
	f->sites[f->nsites].die = *die;
	f->sites[f->nsites].pc = pc;
	f->sites[f->nsites].origin = origin_off(die);
	f->sites[f->nsites].inlined = inlined;
	f->nsites++;
	return 0;
}

static bool known_id(struct find_ctx *f, Dwarf_Off id)
{
	size_t i;

	for (i = 0; i < f->nids; i++)
		if (f->ids[i] == id)
			return true;
	return false;
}

static void visit_fn(struct find_ctx *f, Dwarf_Die *die, int tag)
{
	Dwarf_Addr pc;

	if (tag == DW_TAG_subprogram && (!has_code(die) || dwarf_hasattr(die, DW_AT_declaration)))
		return;
	if (tag == DW_TAG_inlined_subroutine && !f->want_inlines)
		return;
	if (!known_id(f, origin_off(die)) && !name_matches(f->d, die, f->spec, f->glob))
		return;
	if (dw_entry(die, &pc) == 0 && !f->err)
		f->err = add_site(f, die, pc, tag == DW_TAG_inlined_subroutine);
}

/* Every function and inlined copy below @parent. */
static void walk_fns(struct find_ctx *f, Dwarf_Die *parent, int depth)
{
	Dwarf_Die c;

	if (depth > 64 || dwarf_child(parent, &c))
		return;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine)
			visit_fn(f, &c, tag);
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
		    tag == DW_TAG_lexical_block || is_scope_tag(tag))
			walk_fns(f, &c, depth + 1);
	} while (!f->err && dwarf_siblingof(&c, &c) == 0);
}

static void walk_all(struct find_ctx *f, const Dwarf_Off *skip, size_t nskip)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t type;
	size_t i;

	while (!f->err && dwarf_get_units(f->d->dw, cu, &cu, NULL, &type, &cudie, NULL) == 0) {
		bool done = false;

		if (type != DW_UT_compile && type != DW_UT_partial)
			continue;
		for (i = 0; i < nskip; i++)
			done |= skip[i] == dwarf_dieoffset(&cudie);
		if (!done)
			walk_fns(f, &cudie, 0);
	}
}

static bool origin_inlined(struct resolve_dwarf *d, Dwarf_Off off)
{
	Dwarf_Attribute a;
	Dwarf_Word v = 0;
	Dwarf_Die die;

	if (!dwarf_offdie(d->dw, off, &die))
		return false;
	if (!dwarf_attr(&die, DW_AT_inline, &a) || dwarf_formudata(&a, &v))
		return false;
	return v == DW_INL_inlined || v == DW_INL_declared_inlined;
}

static int add_unique(Dwarf_Off **arr, size_t *n, Dwarf_Off v)
{
	size_t i;
	void *p;

	for (i = 0; i < *n; i++)
		if ((*arr)[i] == v)
			return 0;
	p = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!p)
		return -ENOMEM;
	*arr = p;
	(*arr)[(*n)++] = v;
	return 0;
}

/* The out-of-line functions whose entry is a symbol the user may mean. */
static int find_by_symbols(struct find_ctx *f, Dwarf_Off **cus, size_t *ncus)
{
	struct resolve_dwarf *d = f->d;
	const char *last = NULL, *colons, *paren;
	char lastbuf[256];
	size_t i, lastlen = 0;
	int ret = read_syms(d);

	if (ret)
		return ret;
	if (strstr(f->spec, "::") || strchr(f->spec, '(')) {
		paren = strchr(f->spec, '(');
		lastlen = paren ? (size_t)(paren - f->spec) : strlen(f->spec);
		snprintf(lastbuf, sizeof(lastbuf), "%.*s", (int)lastlen, f->spec);
		colons = strrchr(lastbuf, ':');
		last = colons ? colons + 1 : lastbuf;
		lastlen = strlen(last);
	}
	for (i = 0; i < d->nsyms; i++) {
		Dwarf_Die cu, fn;
		Dwarf_Addr pc, entry;

		if (!sym_candidate(d->syms[i].name, f->spec, last, lastlen))
			continue;
		pc = dw_from_vaddr(d, d->syms[i].addr);
		if (dw_func_at(d, pc, &cu, &fn) || dw_entry(&fn, &entry) || entry != pc)
			continue;
		/* a mangled name only hints at the CU: the walk checks it */
		if (!last || strcmp(d->syms[i].name, f->spec) == 0) {
			ret = add_unique(&f->ids, &f->nids, origin_off(&fn));
			if (!ret)
				ret = add_site(f, &fn, pc, false);
		}
		if (!ret)
			ret = add_unique(cus, ncus, dwarf_dieoffset(&cu));
		if (ret)
			return ret;
	}
	return 0;
}

/* Sites of the function(s) @spec names (not a glob). */
static int find_function(struct resolve_dwarf *d, const char *spec, bool inlines,
			 struct find_ctx *f)
{
	Dwarf_Off *cus = NULL;
	size_t ncus = 0, i;
	bool inl = false;
	int ret;

	memset(f, 0, sizeof(*f));
	f->d = d;
	f->spec = spec;
	f->want_inlines = inlines;
	ret = find_by_symbols(f, &cus, &ncus);
	for (i = 0; !ret && i < ncus; i++) {
		Dwarf_Die cudie;

		if (dwarf_offdie(d->dw, cus[i], &cudie))
			walk_fns(f, &cudie, 0);
		ret = f->err;
	}
	for (i = 0; !ret && inlines && i < f->nsites; i++)
		inl |= origin_inlined(d, f->sites[i].origin);
	if (!ret && (!f->nsites || inl))
		walk_all(f, inl ? cus : NULL, inl ? ncus : 0);
	free(cus);
	return ret ? ret : f->err;
}

static void find_free(struct find_ctx *f)
{
	free(f->sites);
	free(f->ids);
}

/* Functions of that name that are different functions, not copies. */
static int check_unique(struct resolve_dwarf *d, struct find_ctx *f, const char *spec)
{
	char msg[768];
	size_t i, j, len = 0, ndiff = 0;

	for (i = 0; i < f->nsites; i++) {
		Dwarf_Die a, b;
		int la = 0, lb = 0;
		const char *fa, *fb;
		bool same = false;
		char *name;

		origin_of(&f->sites[i].die, &a);
		fa = dwarf_decl_file(&a);
		dwarf_decl_line(&a, &la);
		for (j = 0; j < i && !same; j++) {
			origin_of(&f->sites[j].die, &b);
			fb = dwarf_decl_file(&b);
			lb = 0;
			dwarf_decl_line(&b, &lb);
			same = la == lb && fa && fb && strcmp(fa, fb) == 0;
			same |= f->sites[i].origin == f->sites[j].origin;
		}
		if (same)
			continue;
		ndiff++;
		name = display_name(d, &a, true);
		len += snprintf(msg + len, len < sizeof(msg) ? sizeof(msg) - len : 0,
				"%s'%s' at %s:%d", ndiff > 1 ? ", " : "", name ? name : spec,
				fa ? fa : "?", la);
		free(name);
		if (len >= sizeof(msg))
			len = sizeof(msg) - 1;
	}
	if (ndiff <= 1)
		return 0;
	return dw_err(-ENOTUNIQ, "'%s' names %zu different functions: %s; pick one by its "
		      "signature, FILE:LINE or offset", spec, ndiff, msg);
}

static int sites_to_locs(struct resolve_dwarf *d, const struct dw_site *s, size_t n,
			 unsigned int flags, struct resolve_loc **locs, size_t *nout)
{
	size_t i, k = 0;

	*locs = calloc(n ? n : 1, sizeof(**locs));
	if (!*locs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct resolve_loc *l = &(*locs)[k];
		GElf_Addr off = 0;
		GElf_Sym sym;
		const char *name;

		if (s[i].inlined && (flags & RESOLVE_DWARF_RETURN))
			continue;
		l->addr = dw_to_vaddr(d, s[i].pc);
		if (dw_vaddr_offset(d, l->addr, &l->offset))
			continue;
		name = dwfl_module_addrinfo(d->mod, s[i].pc + d->dwbias, &off, &sym,
					    NULL, NULL, NULL);
		l->symbol = name ? strdup(name) : NULL;
		l->add = off;
		if (name && !l->symbol)
			return -ENOMEM;
		k++;
	}
	*nout = k;
	return 0;
}

static int cmp_site(const void *a, const void *b)
{
	const struct dw_site *x = a, *y = b;

	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static int place_function(struct resolve_dwarf *d, const char *spec, unsigned int flags,
			  size_t max, struct resolve_loc **locs, size_t *n)
{
	struct find_ctx f;
	int ret;

	ret = find_function(d, spec, !(flags & RESOLVE_DWARF_NO_INLINES), &f);
	if (!ret && !f.nsites)
		ret = dw_err(-ENOENT, "no function '%s' in the debug information", spec);
	if (!ret)
		ret = check_unique(d, &f, spec);
	if (!ret && f.nsites > max)
		ret = dw_err(-E2BIG, "'%s' has %zu copies (inlined or cloned), more than %zu",
			     spec, f.nsites, max);
	if (!ret) {
		qsort(f.sites, f.nsites, sizeof(*f.sites), cmp_site);
		ret = sites_to_locs(d, f.sites, f.nsites, flags, locs, n);
		if (!ret && !*n)
			ret = dw_err(-ENOENT, "'%s' is only inlined: a return probe needs "
				     "a function that is called", spec);
	}
	find_free(&f);
	return ret;
}

/* A glob: one place per function (its out-of-line entry), by name. */
static int place_glob(struct resolve_dwarf *d, const char *spec, unsigned int flags,
		      size_t max, struct resolve_loc **locs, size_t *n)
{
	struct find_ctx f = { .d = d, .spec = spec, .glob = true };
	int ret;

	walk_all(&f, NULL, 0);
	ret = f.err;
	if (!ret && !f.nsites)
		ret = dw_err(-ENOENT, "no function matches '%s'", spec);
	if (!ret && f.nsites > max)
		ret = dw_err(-E2BIG, "'%s' matches %zu functions, more than %zu",
			     spec, f.nsites, max);
	if (!ret) {
		qsort(f.sites, f.nsites, sizeof(*f.sites), cmp_site);
		ret = sites_to_locs(d, f.sites, f.nsites, flags, locs, n);
	}
	find_free(&f);
	return ret;
}

/* --- lines --------------------------------------------------------------- */

static bool file_matches(const char *dwfile, const char *want)
{
	size_t a = strlen(dwfile), b = strlen(want);

	if (a < b || strcmp(dwfile + a - b, want) != 0)
		return false;
	return a == b || dwfile[a - b - 1] == '/' || want[0] == '/';
}

struct line_acc {
	Dwarf_Addr *pcs;
	size_t n, cap;
	int near_lo, near_hi;	/* closest lines with code around the one asked */
	bool file_seen;
};

static int acc_add(struct line_acc *acc, Dwarf_Addr pc)
{
	size_t i;

	for (i = 0; i < acc->n; i++)
		if (acc->pcs[i] == pc)
			return 0;
	if (acc->n == acc->cap) {
		size_t cap = acc->cap ? acc->cap * 2 : 16;
		void *p = realloc(acc->pcs, cap * sizeof(*acc->pcs));

		if (!p)
			return -ENOMEM;
		acc->pcs = p;
		acc->cap = cap;
	}
	acc->pcs[acc->n++] = pc;
	return 0;
}

/*
 * The addresses in @cudie's line table that begin a statement of @file:@line
 * (rows where the line starts, not its continuations), inside [lo, hi) when
 * @hi is set.
 */
static int lines_in_cu(Dwarf_Die *cudie, const char *file, int line, Dwarf_Addr lo,
		       Dwarf_Addr hi, struct line_acc *acc)
{
	Dwarf_Lines *lines;
	size_t nl, i;
	int prev_line = -1;
	const char *prev_file = NULL;

	if (dwarf_getsrclines(cudie, &lines, &nl))
		return 0;
	for (i = 0; i < nl; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = dwarf_linesrc(l, NULL, NULL);
		bool stmt = false, endseq = false;
		Dwarf_Addr pc;
		int ln = 0;
		bool starts;

		dwarf_lineno(l, &ln);
		dwarf_lineaddr(l, &pc);
		dwarf_linebeginstatement(l, &stmt);
		dwarf_lineendsequence(l, &endseq);
		starts = ln != prev_line || src != prev_file;
		prev_line = endseq ? -1 : ln;
		prev_file = src;
		if (endseq || !src || !file_matches(src, file))
			continue;
		if (hi && (pc < lo || pc >= hi))
			continue;
		acc->file_seen = true;
		if (ln != line) {
			if (ln < line && ln > acc->near_lo)
				acc->near_lo = ln;
			if (ln > line && (!acc->near_hi || ln < acc->near_hi))
				acc->near_hi = ln;
			continue;
		}
		if (stmt && starts && acc_add(acc, pc))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_pc(const void *a, const void *b)
{
	const Dwarf_Addr *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int pcs_to_locs(struct resolve_dwarf *d, struct line_acc *acc, size_t max,
		       const char *what, struct resolve_loc **locs, size_t *n)
{
	struct dw_site *s;
	size_t i;
	int ret;

	if (acc->n > max)
		return dw_err(-E2BIG, "%s has %zu places, more than %zu", what, acc->n, max);
	qsort(acc->pcs, acc->n, sizeof(*acc->pcs), cmp_pc);
	s = calloc(acc->n ? acc->n : 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < acc->n; i++)
		s[i].pc = acc->pcs[i];
	ret = sites_to_locs(d, s, acc->n, 0, locs, n);
	free(s);
	return ret;
}

static int no_line(struct line_acc *acc, const char *file, int line)
{
	if (!acc->file_seen)
		return dw_err(-ENOENT, "no source file '%s' in the debug information", file);
	if (acc->near_lo && acc->near_hi)
		return dw_err(-ENOENT, "no code for line %d of '%s'; nearest lines with code: "
			      "%d and %d", line, file, acc->near_lo, acc->near_hi);
	return dw_err(-ENOENT, "no code for line %d of '%s'; nearest line with code: %d",
		      line, file, acc->near_lo ? acc->near_lo : acc->near_hi);
}

static int place_file_line(struct resolve_dwarf *d, const char *file, int line, size_t max,
			   struct resolve_loc **locs, size_t *n)
{
	struct line_acc acc = { 0 };
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t type;
	int ret = 0;
	char what[300];

	while (!ret && dwarf_get_units(d->dw, cu, &cu, NULL, &type, &cudie, NULL) == 0)
		ret = lines_in_cu(&cudie, file, line, 0, 0, &acc);
	if (!ret && !acc.n)
		ret = no_line(&acc, file, line);
	snprintf(what, sizeof(what), "'%s:%d'", file, line);
	if (!ret)
		ret = pcs_to_locs(d, &acc, max, what, locs, n);
	free(acc.pcs);
	return ret;
}

/* The lines of @f's sites that are @rel lines after the function's first. */
static int place_rel_line(struct resolve_dwarf *d, const char *func, int rel, unsigned int flags,
			  size_t max, struct resolve_loc **locs, size_t *n)
{
	struct line_acc acc = { 0 };
	struct find_ctx f;
	char what[300];
	int ret, first = 0;
	size_t i;

	ret = find_function(d, func, !(flags & RESOLVE_DWARF_NO_INLINES), &f);
	if (!ret && !f.nsites)
		ret = dw_err(-ENOENT, "no function '%s' in the debug information", func);
	if (!ret)
		ret = check_unique(d, &f, func);
	for (i = 0; !ret && i < f.nsites; i++) {
		Dwarf_Die o, cudie;
		Dwarf_Addr base, lo, hi;
		const char *file;
		ptrdiff_t off = 0;

		origin_of(&f.sites[i].die, &o);
		file = dwarf_decl_file(&o);
		if (!file || dwarf_decl_line(&o, &first) ||
		    !dwarf_diecu(&f.sites[i].die, &cudie, NULL, NULL))
			continue;
		while (!ret && (off = dwarf_ranges(&f.sites[i].die, off, &base, &lo, &hi)) > 0)
			ret = lines_in_cu(&cudie, file, first + rel, lo, hi, &acc);
	}
	if (!ret && !acc.n)
		ret = dw_err(-ENOENT, "no code at line %d of '%s' (line %d of its file); "
			     "'uprobe lines' lists the lines that have code", rel, func,
			     first + rel);
	snprintf(what, sizeof(what), "'%s:%d'", func, rel);
	if (!ret)
		ret = pcs_to_locs(d, &acc, max, what, locs, n);
	free(acc.pcs);
	find_free(&f);
	return ret;
}

/* --- places -------------------------------------------------------------- */

static bool is_source_file(const char *s, size_t len)
{
	static const char *const exts[] = { ".c", ".h", ".cc", ".cpp", ".cxx", ".C",
					    ".hh", ".hpp", ".hxx", ".S", ".s", ".inc",
					    ".def", ".y", ".l", ".rs", ".go" };
	size_t i, e;

	if (memchr(s, '/', len))
		return true;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		e = strlen(exts[i]);
		if (len > e && memcmp(s + len - e, exts[i], e) == 0)
			return true;
	}
	return false;
}

bool resolve_dwarf_is_line(const char *spec)
{
	const char *colon = strrchr(spec, ':');

	return colon && colon > spec && colon[-1] != ':' && colon[1] &&
	       strspn(colon + 1, "0123456789") == strlen(colon + 1);
}

int resolve_dwarf_place(struct resolve_dwarf *d, const char *spec, unsigned int flags,
			size_t max, struct resolve_loc **locs, size_t *n)
{
	const char *colon = strrchr(spec, ':');
	char head[512];
	long line;
	char *end;

	dw_clear_err();
	*locs = NULL;
	*n = 0;
	if (!spec[0])
		return dw_err(-EINVAL, "empty target");
	if (colon && colon > spec && colon[-1] != ':' && colon[1]) {
		line = strtol(colon + 1, &end, 10);
		if (*end || line < 0 || line > 100000000)
			return dw_err(-EINVAL, "'%s' is not a line number", colon + 1);
		snprintf(head, sizeof(head), "%.*s", (int)(colon - spec), spec);
		if (is_source_file(head, strlen(head)))
			return place_file_line(d, head, (int)line, max, locs, n);
		return place_rel_line(d, head, (int)line, flags, max, locs, n);
	}
	if (strpbrk(spec, "*?["))
		return place_glob(d, spec, flags, max, locs, n);
	return place_function(d, spec, flags, max, locs, n);
}

/* --- the prologue -------------------------------------------------------- */

/*
 * Whether @fn's variables are only right after its prologue: unoptimized
 * code keeps them in its frame (single frame-based locations, no location
 * lists), and clang describes stack slots against a frame base of %rsp as
 * it is after the prologue, even in optimized code.
 */
static bool frame_based(Dwarf_Die *fn)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Die c;
	bool fb = false, lists = false, cfa = true;

	if (dwarf_attr(fn, DW_AT_frame_base, &a) && dwarf_getlocation(&a, &ops, &nops) == 0 &&
	    nops && ops[0].atom != DW_OP_call_frame_cfa)
		cfa = false;
	if (dwarf_child(fn, &c))
		return false;
	do {
		int tag = dwarf_tag(&c);

		if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable)
			continue;
		if (!dwarf_attr(&c, DW_AT_location, &a))
			continue;
		if (dwarf_whatform(&a) != DW_FORM_exprloc && dwarf_whatform(&a) != DW_FORM_block1) {
			lists = true;
			continue;
		}
		if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops &&
		    (ops[0].atom == DW_OP_fbreg || ops[0].atom == DW_OP_breg6))
			fb = true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return fb && (!lists || !cfa);
}

/* Where the prologue ends: the line table's prologue_end mark, else the
 * first statement on a line after the function's first line. */
static int prologue_end(Dwarf_Die *cu, Dwarf_Die *fn, Dwarf_Addr entry, Dwarf_Addr *out)
{
	Dwarf_Addr hi = 0, cand = 0;
	Dwarf_Lines *lines;
	size_t nl, i;
	int first = -1;

	if (dwarf_highpc(fn, &hi) || dwarf_getsrclines(cu, &lines, &nl))
		return -ENOENT;
	for (i = 0; i < nl; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		bool pe = false, stmt = false;
		Dwarf_Addr pc;
		int ln = 0;

		dwarf_lineaddr(l, &pc);
		if (pc < entry || pc >= hi)
			continue;
		dwarf_lineno(l, &ln);
		dwarf_lineprologueend(l, &pe);
		dwarf_linebeginstatement(l, &stmt);
		if (pe && pc > entry) {
			*out = pc;
			return 0;
		}
		if (pc == entry && first < 0)
			first = ln;
		else if (first >= 0 && stmt && ln != first && pc > entry && !cand)
			cand = pc;
	}
	if (!cand)
		return -ENOENT;
	*out = cand;
	return 0;
}

int resolve_dwarf_prologue(struct resolve_dwarf *d, struct resolve_loc *loc)
{
	Dwarf_Addr pc = dw_from_vaddr(d, loc->addr), entry, after;
	Dwarf_Die cu, fn;
	uint64_t off;

	dw_clear_err();
	if (dw_func_at(d, pc, &cu, &fn) || dw_entry(&fn, &entry))
		return dw_err(-ENOENT, "no function at %#" PRIx64 " in the debug information",
			      loc->addr);
	if (entry != pc || !frame_based(&fn) || prologue_end(&cu, &fn, entry, &after))
		return 0;
	if (dw_vaddr_offset(d, dw_to_vaddr(d, after), &off))
		return 0;
	loc->add += after - pc;
	loc->addr = dw_to_vaddr(d, after);
	loc->offset = off;
	return 0;
}

/* --- listings ------------------------------------------------------------ */

struct funcs_ctx {
	struct resolve_dwarf *d;
	const char *glob;
	struct resolve_dwarf_func *fs;
	size_t n, cap;
	size_t *slots;		/* by name hash: index into fs + 1, 0 free */
	size_t nslots;
	bool plain_c;		/* this CU is C: no functions inside types */
	int err;
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

static void list_fn(struct funcs_ctx *c, Dwarf_Die *die, int tag)
{
	struct resolve_dwarf *d = c->d;
	struct resolve_dwarf_func *f;
	const char *sym, *file;
	Dwarf_Addr pc;
	Dwarf_Die o;
	char *name;

	if (tag == DW_TAG_subprogram && (!has_code(die) || dwarf_hasattr(die, DW_AT_declaration)))
		return;
	if (dw_entry(die, &pc))
		return;
	name = display_name(d, die, true);
	if (!name || (c->glob && fnmatch(c->glob, name, 0) != 0)) {
		free(name);
		return;
	}
	f = func_slot(c, name);
	free(name);
	if (!f) {
		c->err = -ENOMEM;
		return;
	}
	if (!f->file) {
		origin_of(die, &o);
		file = dwarf_decl_file(&o);
		f->file = file ? strdup(file) : NULL;
		dwarf_decl_line(&o, &f->line);
	}
	if (tag == DW_TAG_inlined_subroutine) {
		f->ninlined++;
		return;
	}
	sym = dw_addrname(d, pc + d->dwbias);
	if (f->addr && f->addr != dw_to_vaddr(d, pc)) {
		/* a clone next to the original: listed under the original */
		f->clone = true;
		return;
	}
	f->addr = dw_to_vaddr(d, pc);
	dw_vaddr_offset(d, f->addr, &f->offset);
	if (sym && strcmp(sym, f->name) != 0) {
		/* again when a COMDAT copy is seen from another CU */
		free(f->linkage);
		f->linkage = strdup(sym);
		f->clone = strstr(sym, ".isra.") || strstr(sym, ".constprop.") ||
			   strstr(sym, ".part.");
	}
}

static void list_walk(struct funcs_ctx *c, Dwarf_Die *parent, int depth)
{
	Dwarf_Die ch;

	if (depth > 64 || dwarf_child(parent, &ch))
		return;
	do {
		int tag = dwarf_tag(&ch);

		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine)
			list_fn(c, &ch, tag);
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
		    tag == DW_TAG_lexical_block || (is_scope_tag(tag) && !c->plain_c))
			list_walk(c, &ch, depth + 1);
	} while (!c->err && dwarf_siblingof(&ch, &ch) == 0);
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
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t type;

	dw_clear_err();
	while (!c.err && dwarf_get_units(d->dw, cu, &cu, NULL, &type, &cudie, NULL) == 0)
		if (type == DW_UT_compile || type == DW_UT_partial) {
			int lang = dwarf_srclang(&cudie);

			c.plain_c = lang == DW_LANG_C89 || lang == DW_LANG_C ||
				    lang == DW_LANG_C99 || lang == DW_LANG_C11;
			list_walk(&c, &cudie, 0);
		}
	free(c.slots);
	if (c.err) {
		resolve_dwarf_funcs_free(c.fs, c.n);
		return c.err;
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

static int add_lines(struct resolve_dwarf *d, Dwarf_Die *site, bool inlined, int first,
		     const char *file, struct resolve_dwarf_line **ls, size_t *n, size_t *cap)
{
	Dwarf_Addr base, lo, hi;
	Dwarf_Lines *lines;
	Dwarf_Die cudie;
	ptrdiff_t off = 0;
	size_t nl, i;

	if (!dwarf_diecu(site, &cudie, NULL, NULL) || dwarf_getsrclines(&cudie, &lines, &nl))
		return 0;
	while ((off = dwarf_ranges(site, off, &base, &lo, &hi)) > 0) {
		int prev = -1;

		for (i = 0; i < nl; i++) {
			Dwarf_Line *l = dwarf_onesrcline(lines, i);
			const char *src = dwarf_linesrc(l, NULL, NULL);
			bool stmt = false;
			Dwarf_Addr pc;
			int ln = 0;

			dwarf_lineaddr(l, &pc);
			dwarf_lineno(l, &ln);
			dwarf_linebeginstatement(l, &stmt);
			if (pc < lo || pc >= hi || !src) {
				prev = -1;
				continue;
			}
			if (!stmt || ln == prev || strcmp(src, file) != 0) {
				prev = strcmp(src, file) == 0 ? ln : -1;
				continue;
			}
			prev = ln;
			if (*n == *cap) {
				size_t c2 = *cap ? *cap * 2 : 64;
				void *p = realloc(*ls, c2 * sizeof(**ls));

				if (!p)
					return -ENOMEM;
				*ls = p;
				*cap = c2;
			}
			(*ls)[*n] = (struct resolve_dwarf_line){
				.file = strdup(src), .line = ln, .relline = ln - first,
				.addr = dw_to_vaddr(d, pc), .inlined = inlined,
			};
			dw_vaddr_offset(d, (*ls)[*n].addr, &(*ls)[*n].offset);
			if (!(*ls)[*n].file)
				return -ENOMEM;
			(*n)++;
		}
	}
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	const struct resolve_dwarf_line *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int resolve_dwarf_lines(struct resolve_dwarf *d, const char *func,
			struct resolve_dwarf_line **ls, size_t *n)
{
	struct find_ctx f;
	size_t i, cap = 0;
	int ret;

	dw_clear_err();
	*ls = NULL;
	*n = 0;
	ret = find_function(d, func, true, &f);
	if (!ret && !f.nsites)
		ret = dw_err(-ENOENT, "no function '%s' in the debug information", func);
	if (!ret)
		ret = check_unique(d, &f, func);
	for (i = 0; !ret && i < f.nsites; i++) {
		Dwarf_Die o;
		const char *file;
		int first = 0;

		origin_of(&f.sites[i].die, &o);
		file = dwarf_decl_file(&o);
		if (file && dwarf_decl_line(&o, &first) == 0)
			ret = add_lines(d, &f.sites[i].die, f.sites[i].inlined, first, file,
					ls, n, &cap);
	}
	find_free(&f);
	if (ret) {
		resolve_dwarf_lines_free(*ls, *n);
		*ls = NULL;
		*n = 0;
		return ret;
	}
	if (*n)
		qsort(*ls, *n, sizeof(**ls), cmp_line);
	return 0;
}

void resolve_dwarf_lines_free(struct resolve_dwarf_line *ls, size_t n)
{
	size_t i;

	for (i = 0; ls && i < n; i++)
		free(ls[i].file);
	free(ls);
}
