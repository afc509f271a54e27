// SPDX-License-Identifier: GPL-2.0
/*
 * Opening the DWARF of a file, the error detail, and the maps between
 * addresses: DWARF address, file vaddr, file offset, and the compilation
 * unit and function that hold an address.
 *
 * libdwfl finds separate debug files (build-id, .gnu_debuglink,
 * /usr/lib/debug, debuginfod) the way every elfutils tool does. Lookups go
 * through the symbol table and the address ranges first, so that only the
 * compilation units holding the function are read.
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* --- opening ------------------------------------------------------------- */

static char *debuginfo_path;

static const Dwfl_Callbacks dw_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dw_find_debuginfo,
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

static int no_debug(const char *path)
{
	return dw_err(-ENODATA, "no debug information found (looked in the file, "
		      "its .gnu_debuglink, /usr/lib/debug/.build-id and "
		      "/usr/lib/debug%s): install its debug package (-dbg, "
		      "-dbgsym), rebuild with -g, or set DEBUGINFOD_URLS", path);
}

static int wrong_machine(unsigned int machine)
{
	return dw_err(-ENOTSUP, "variables by name are supported on x86-64 "
		      "programs only (this one is for ELF machine %u)", machine);
}

static int open_module(struct resolve_dwarf *d, const char *path)
{
	const char *base = strrchr(path, '/');
	const char *mainfile = NULL, *debugfile = NULL;
	unsigned int machine;
	GElf_Ehdr eh;

	/* libdwfl costs its own open of the file: not when there is nothing to find */
	if (!dw_debuginfod() && !dw_debug_local(path, &machine))
		return machine != EM_X86_64 ? wrong_machine(machine) : no_debug(path);
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
		return wrong_machine(eh.e_machine);
	d->dw = dwfl_module_getdwarf(d->mod, &d->dwbias);
	if (!d->dw)
		return no_debug(path);
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
	u64map_free(&d->scopes, free);
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

/* --- units and functions at addresses ------------------------------------ */

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

static int curanges_add(struct resolve_dwarf *d, size_t *cap, Dwarf_Addr lo, Dwarf_Addr hi,
			Dwarf_Off cu)
{
	if (d->ncuranges == *cap) {
		size_t n = *cap ? *cap * 2 : 256;
		void *p = realloc(d->curanges, n * sizeof(*d->curanges));

		if (!p)
			return -ENOMEM;
		d->curanges = p;
		*cap = n;
	}
	d->curanges[d->ncuranges++] = (struct dw_curange){ lo, hi, cu };
	return 0;
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

		while ((off = dwarf_ranges(&cudie, off, &base, &lo, &hi)) > 0)
			if (curanges_add(d, &cap, lo, hi, dwarf_dieoffset(&cudie)))
				return -ENOMEM;
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

