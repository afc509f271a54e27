// SPDX-License-Identifier: GPL-2.0
/*
 * The one ELF reader of the resolver: the file is mmap'd and handed to
 * libelf with elf_memory(); symbol and string tables are read in place
 * (libelf does not copy native, aligned sections), with no index built: a
 * single lookup reads each entry once. Symbols are decoded by gelf_getsym()
 * alone, addresses become offsets through the PT_LOAD table alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resolve-int.h"

static void load_symtab(struct resolve_elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
			struct resolve_symtab *t)
{
	size_t entsize = gelf_fsize(e->elf, ELF_T_SYM, 1, EV_CURRENT);
	Elf_Scn *strscn = elf_getscn(e->elf, sh->sh_link);
	Elf_Data *d, *sd;

	if (sh->sh_type == SHT_NOBITS || !strscn || !entsize)
		return;
	d = elf_getdata(scn, NULL);
	sd = elf_getdata(strscn, NULL);
	/* Strings are read in place: the table must end with a NUL. */
	if (!d || !sd || !d->d_buf || !sd->d_buf || !sd->d_size || d->d_type != ELF_T_SYM ||
	    ((const char *)sd->d_buf)[sd->d_size - 1] != '\0')
		return;
	t->syms = d;
	/* gelf_getsym() takes an int */
	t->count = d->d_size / entsize < INT_MAX ? d->d_size / entsize : INT_MAX;
	t->first_global = sh->sh_info;
	t->str = sd->d_buf;
	t->strsize = sd->d_size;
	t->dynamic = sh->sh_type == SHT_DYNSYM;
}

static void load_versym(struct resolve_elf *e, Elf_Scn *scn)
{
	struct resolve_symtab *t = &e->tab[1];
	Elf_Data *d = elf_getdata(scn, NULL);

	if (d && d->d_buf && d->d_type == ELF_T_HALF && d->d_size / 2 >= t->count)
		t->versym = d;
}

/* Kept only when its header and tables fit in the section. */
static void load_gnu_hash(struct resolve_elf *e, Elf_Scn *scn)
{
	Elf_Data *d = elf_rawdata(scn, NULL);
	const uint16_t one = 1;
	int host = *(const uint8_t *)&one ? ELFDATA2LSB : ELFDATA2MSB;
	uint32_t h[4];
	size_t need;

	if (!d || !d->d_buf || d->d_size < sizeof(h))
		return;
	memcpy(h, d->d_buf, sizeof(h));
	need = sizeof(h) + (size_t)h[2] * (e->is64 ? 8 : 4) + (size_t)h[0] * 4;
	if (!h[0] || h[1] > e->tab[1].count || need > d->d_size ||
	    e->ehdr.e_ident[EI_DATA] != host)
		return;
	e->gnu_hash = d->d_buf;
	e->gnu_hash_size = d->d_size;
}

static void load_sections(struct resolve_elf *e)
{
	Elf_Scn *scn = NULL, *versym = NULL, *gnu_hash = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			load_symtab(e, scn, &sh, &e->tab[0]);
		else if (sh.sh_type == SHT_DYNSYM)
			load_symtab(e, scn, &sh, &e->tab[1]);
		else if (sh.sh_type == SHT_GNU_versym)
			versym = scn;
		else if (sh.sh_type == SHT_GNU_verdef)
			e->verdef = scn;
		else if (sh.sh_type == SHT_DYNAMIC)
			e->dynamic = scn;
		else if (sh.sh_type == SHT_GNU_HASH)
			gnu_hash = scn;
	}
	if (gnu_hash && e->tab[1].count)
		load_gnu_hash(e, gnu_hash);
	if (versym && e->tab[1].count)
		load_versym(e, versym);
}

static int load_headers(struct resolve_elf *e)
{
	size_t i;

	if (elf_kind(e->elf) != ELF_K_ELF || !gelf_getehdr(e->elf, &e->ehdr))
		return resolve_set_err(-ENOEXEC, "not an ELF file");
	e->is64 = e->ehdr.e_ident[EI_CLASS] == ELFCLASS64;
	if (e->ehdr.e_type == ET_REL)
		return resolve_set_err(-ENOEXEC, "a relocatable object (.o), not a program or "
				       "library: uprobes need a linked file");
	if (e->ehdr.e_type != ET_EXEC && e->ehdr.e_type != ET_DYN)
		return resolve_set_err(-ENOEXEC, "not a program or shared library (ELF type %u)",
				       e->ehdr.e_type);
	if (elf_getphdrnum(e->elf, &e->phnum) || !e->phnum)
		return resolve_set_err(-ENOEXEC, "no program headers");
	e->phdr = calloc(e->phnum, sizeof(*e->phdr));
	if (!e->phdr)
		return -ENOMEM;
	for (i = 0; i < e->phnum; i++)
		if (!gelf_getphdr(e->elf, i, &e->phdr[i]))
			return resolve_set_err(-ENOEXEC, "bad program header %zu: %s", i,
					       elf_errmsg(-1));
	return 0;
}

static int map_file(struct resolve_elf *e)
{
	struct stat st;
	int fd, ret = 0;

	fd = open(e->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return resolve_set_err(-errno, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st)) {
		ret = resolve_set_err(-errno, "%s", strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = resolve_set_err(S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
				      "not a regular file");
		goto out_close;
	}
	if ((size_t)st.st_size < SELFMAG) {
		ret = resolve_set_err(-ENOEXEC, "not an ELF file");
		goto out_close;
	}
	e->size = st.st_size;
	/* Private and writable: libelf may convert in place, the file never changes. */
	e->map = mmap(NULL, e->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (e->map == MAP_FAILED) {
		e->map = NULL;
		ret = resolve_set_err(-errno, "cannot map: %s", strerror(errno));
	}
out_close:
	close(fd);
	return ret;
}

struct resolve_elf *resolve_open(const char *path)
{
	struct resolve_elf *e;
	int ret;

	resolve_clear_err();
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strdup(path))) {
		ret = -ENOMEM;
		goto out_err;
	}
	ret = map_file(e);
	if (ret)
		goto out_err;
	if (memcmp(e->map, ELFMAG, SELFMAG) != 0) {
		ret = resolve_set_err(-ENOEXEC, "not an ELF file");
		goto out_err;
	}
	elf_version(EV_CURRENT);
	e->elf = elf_memory((char *)e->map, e->size);
	if (!e->elf) {
		ret = resolve_set_err(-ENOEXEC, "bad ELF file: %s", elf_errmsg(-1));
		goto out_err;
	}
	ret = load_headers(e);
	if (ret)
		goto out_err;
	load_sections(e);
	return e;
out_err:
	resolve_close(e);
	errno = -ret;
	return NULL;
}

void resolve_close(struct resolve_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	if (e->map)
		munmap(e->map, e->size);
	resolve_close(e->debug);
	free(e->byaddr);
	free(e->phdr);
	free(e->path);
	free(e);
}

/* ---- separate debug files ---- */

/* The NT_GNU_BUILD_ID note as hex into @hex; false if there is none. */
bool resolve_elf_build_id(struct resolve_elf *e, char *hex, size_t size)
{
	size_t i, off, name_off, desc_off, k;
	const unsigned char *id;
	GElf_Nhdr nh;
	Elf_Data *d;

	for (i = 0; i < e->phnum; i++) {
		if (e->phdr[i].p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(e->elf, e->phdr[i].p_offset, e->phdr[i].p_filesz,
					 ELF_T_NHDR);
		for (off = 0; d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off));) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + name_off, "GNU", 4) || !nh.n_descsz ||
			    2 * nh.n_descsz >= size)
				continue;
			id = (const unsigned char *)d->d_buf + desc_off;
			for (k = 0; k < nh.n_descsz; k++)
				snprintf(hex + 2 * k, 3, "%02x", id[k]);
			return true;
		}
	}
	return false;
}

/*
 * The .symtab to read for locals: the file's own, else that of its debug
 * file /usr/lib/debug/.build-id/xx/yyyy.debug (a -dbg/-dbgsym package),
 * whose symbols have the same addresses; the offsets still come from this
 * file's program headers.
 */
const struct resolve_symtab *resolve_elf_local_table(struct resolve_elf *e)
{
	static const struct resolve_symtab none;
	char hex[2 * 64 + 1], path[PATH_MAX];
	char saved[sizeof(resolve_errbuf)];
	struct resolve_elf *d;

	if (e->tab[0].count || e->debug_tried)
		return e->debug ? &e->debug->tab[0] : &e->tab[0];
	e->debug_tried = true;
	if (!resolve_elf_build_id(e, hex, sizeof(hex)))
		return &none;
	snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
	if (access(path, R_OK))
		return &none;
	/* A debug file that fails to open is no error of the caller's. */
	memcpy(saved, resolve_errbuf, sizeof(saved));
	d = resolve_open(path);
	memcpy(resolve_errbuf, saved, sizeof(saved));
	if (d && d->tab[0].count && d->is64 == e->is64 && d->ehdr.e_machine == e->ehdr.e_machine)
		e->debug = d;
	else
		resolve_close(d);
	return e->debug ? &e->debug->tab[0] : &none;
}

/* ---- symbols ---- */

bool resolve_sym_read(const struct resolve_symtab *t, size_t i, struct resolve_sym *s)
{
	GElf_Versym vs = 0;

	/* Into @s itself: a copy of a copy costs a store-forwarding stall per entry. */
	if (!gelf_getsym(t->syms, i, &s->sym)) {
		memset(s, 0, sizeof(*s));
		s->name = "";
		return false;
	}
	s->name = s->sym.st_name < t->strsize ? t->str + s->sym.st_name : "";
	if (t->versym)
		gelf_getversym(t->versym, i, &vs);
	s->versym = vs;
	s->dynamic = t->dynamic;
	return true;
}

static int each_func(const struct resolve_symtab *t,
		     int (*fn)(const struct resolve_sym *s, void *arg), void *arg)
{
	struct resolve_sym s;
	size_t i;
	int ret = 0;

	for (i = 0; i < t->count && !ret; i++) {
		resolve_sym_read(t, i, &s);
		if (resolve_sym_is_func(&s) && s.sym.st_shndx != SHN_UNDEF)
			ret = fn(&s, arg);
	}
	return ret;
}

int resolve_elf_each_func(struct resolve_elf *e,
			  int (*fn)(const struct resolve_sym *s, void *arg), void *arg)
{
	int ret = each_func(resolve_elf_local_table(e), fn, arg);

	return ret ? ret : each_func(&e->tab[1], fn, arg);
}

/* ---- code to probe ---- */

/* Executable sections: how many have bytes in the file, how many have none. */
static void exec_sections(struct resolve_elf *e, size_t *bytes, size_t *nobits)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	*bytes = *nobits = 0;
	while ((scn = elf_nextscn(e->elf, scn)))
		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR) && sh.sh_size)
			(*(sh.sh_type == SHT_NOBITS ? nobits : bytes))++;
}

int resolve_check_code(struct resolve_elf *e)
{
	size_t i, bytes, nobits, loads = 0;

	resolve_clear_err();
	exec_sections(e, &bytes, &nobits);
	for (i = 0; i < e->phnum; i++) {
		const GElf_Phdr *p = &e->phdr[i];

		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && p->p_filesz &&
		    p->p_offset <= e->size && p->p_filesz <= e->size - p->p_offset)
			loads++;
	}
	if (loads && (bytes || !nobits))
		return 0;
	if (nobits && !bytes)
		return resolve_set_err(-ENOEXEC, "holds only debug information (its code "
				       "sections have no bytes in the file): probe the program "
				       "it belongs to");
	return resolve_set_err(-ENOEXEC, "has no code: no executable segment has its bytes "
			       "in the file (is it cut short?)");
}

/* ---- addresses and offsets ---- */

Elf *resolve_elf_elf(struct resolve_elf *e)
{
	return e->elf;
}

const GElf_Phdr *resolve_elf_load_of_vaddr(const struct resolve_elf *e, uint64_t vaddr)
{
	size_t i;

	for (i = 0; i < e->phnum; i++) {
		const GElf_Phdr *p = &e->phdr[i];

		if (p->p_type == PT_LOAD && vaddr >= p->p_vaddr &&
		    vaddr - p->p_vaddr < p->p_filesz)
			return p;
	}
	return NULL;
}

const GElf_Phdr *resolve_elf_load_of_off(const struct resolve_elf *e, uint64_t off)
{
	size_t i;

	for (i = 0; i < e->phnum; i++) {
		const GElf_Phdr *p = &e->phdr[i];

		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && off >= p->p_offset &&
		    off - p->p_offset < p->p_filesz)
			return p;
	}
	return NULL;
}

int resolve_elf_vaddr_to_off(const struct resolve_elf *e, uint64_t vaddr, uint64_t *off)
{
	const GElf_Phdr *p = resolve_elf_load_of_vaddr(e, vaddr);

	if (!p)
		return -ERANGE;
	*off = vaddr - p->p_vaddr + p->p_offset;
	return 0;
}

int resolve_elf_off_to_vaddr(const struct resolve_elf *e, uint64_t off, uint64_t *vaddr)
{
	const GElf_Phdr *p = resolve_elf_load_of_off(e, off);

	if (!p)
		return -ERANGE;
	*vaddr = off - p->p_offset + p->p_vaddr;
	return 0;
}

/* ---- GOT slots ---- */

/* A shared library: ET_DYN without an interpreter (a PIE has one). */
static bool is_library(Elf *elf)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t n, i;

	if (!gelf_getehdr(elf, &eh) || eh.e_type != ET_DYN || elf_getphdrnum(elf, &n))
		return false;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_INTERP)
			return false;
	return true;
}

/* What a .dynsym entry is looked for by: an address or a name. */
struct dynsym_want {
	uint64_t vaddr;		/* exported data object here, when @name is NULL */
	const char *name;	/* else an undefined symbol of this name */
};

static bool dynsym_match(Elf *elf, size_t strndx, const GElf_Sym *s,
			 const struct dynsym_want *w)
{
	const char *n;

	if (w->name) {
		n = s->st_shndx == SHN_UNDEF ? elf_strptr(elf, strndx, s->st_name) : NULL;
		return n && strcmp(n, w->name) == 0;
	}
	return s->st_value == w->vaddr && s->st_shndx != SHN_UNDEF &&
	       GELF_ST_TYPE(s->st_info) == STT_OBJECT && GELF_ST_BIND(s->st_info) == STB_GLOBAL &&
	       GELF_ST_VISIBILITY(s->st_other) == STV_DEFAULT;
}

/* The .dynsym index of what @w wants, or 0. */
static size_t dynsym_index(Elf *elf, Elf_Scn *dynsym, const struct dynsym_want *w)
{
	Elf_Data *d = elf_getdata(dynsym, NULL);
	GElf_Shdr sh;
	GElf_Sym s;
	size_t i, n;

	if (!d || !gelf_getshdr(dynsym, &sh) || !sh.sh_entsize)
		return 0;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 1; i < n; i++)
		if (gelf_getsym(d, i, &s) && dynsym_match(elf, sh.sh_link, &s, w))
			return i;
	return 0;
}

/* The r_offset of the R_X86_64_GLOB_DAT of symbol @sym in @rela. */
static bool glob_dat(Elf_Scn *rela, size_t sym, uint64_t *slot)
{
	Elf_Data *d = elf_getdata(rela, NULL);
	GElf_Shdr sh;
	GElf_Rela r;
	size_t i, n;

	if (!d || !gelf_getshdr(rela, &sh) || !sh.sh_entsize)
		return false;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 0; i < n; i++)
		if (gelf_getrela(d, i, &r) && GELF_R_TYPE(r.r_info) == R_X86_64_GLOB_DAT &&
		    GELF_R_SYM(r.r_info) == sym) {
			*slot = r.r_offset;
			return true;
		}
	return false;
}

static Elf_Scn *find_dynsym(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_DYNSYM)
			return scn;
	return NULL;
}

/* The GOT slot of the .dynsym entry @w wants: 0, or -ENOENT. */
static int slot_of(Elf *elf, const struct dynsym_want *w, uint64_t *slot)
{
	Elf_Scn *dynsym = find_dynsym(elf), *scn = NULL;
	size_t sym = dynsym ? dynsym_index(elf, dynsym, w) : 0;
	GElf_Shdr sh;

	while (sym && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_RELA &&
		    sh.sh_link == elf_ndxscn(dynsym) && glob_dat(scn, sym, slot))
			return 0;
	return -ENOENT;
}

int resolve_elf_got_slot(Elf *elf, uint64_t vaddr, uint64_t *slot)
{
	struct dynsym_want w = { .vaddr = vaddr };

	if (!elf || !is_library(elf))
		return -ENOENT;
	return slot_of(elf, &w, slot);
}

int resolve_elf_import_slot(Elf *elf, const char *name, uint64_t *slot)
{
	struct dynsym_want w = { .name = name };

	return elf ? slot_of(elf, &w, slot) : -ENOENT;
}
