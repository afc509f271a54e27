// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver: ELF symbols -> the file offsets uprobe_events wants.
 *
 * The file is mmap'd and handed to libelf with elf_memory(); symbol and
 * string tables are scanned in place (libelf does not copy native, aligned
 * sections), with no index built: a single lookup reads each entry once.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "resolve.h"

#define MAX_LISTED	8	/* candidates named in an ambiguity message */
#define VERSYM_HIDDEN	0x8000
#define VERSYM_INDEX	0x7fff

/* A symbol table and its strings, as they lie in the mapping. */
struct symtab {
	const unsigned char *syms;
	size_t count;
	size_t first_global;	/* sh_info: locals come first */
	const char *str;
	size_t strsize;
	const unsigned char *versym;	/* .gnu.version, .dynsym only */
	bool dynamic;
};

struct resolve_elf {
	char *path;
	unsigned char *map;
	size_t size;
	Elf *elf;
	bool is64;
	GElf_Ehdr ehdr;
	GElf_Phdr *phdr;
	size_t phnum;
	struct symtab tab[2];	/* .symtab, .dynsym; count 0 when absent */
	Elf_Scn *dynamic;
	Elf_Scn *verdef;
	/* .gnu.hash of .dynsym, for lookups that need not read every name */
	const unsigned char *gnu_hash;
	size_t gnu_hash_size;
	/* A stripped file's separate debug file (by build-id), for its .symtab */
	struct resolve_elf *debug;
	bool debug_tried;
};

/* One symbol, decoded. */
struct sym {
	const char *name;	/* as in the table: .symtab names may hold @VER */
	uint64_t value;
	uint64_t size;
	uint16_t shndx;
	uint8_t type;
	uint8_t bind;
	uint16_t versym;	/* .dynsym only */
};

/* What a user asked for: "base", "base@VER" or "base@@VER". */
struct query {
	const char *base;
	size_t len;
	const char *ver;
	bool ver_default;
};

/* A function that matched. */
struct cand {
	const char *name;
	size_t len;		/* of the name without @VER */
	const char *file;	/* STT_FILE of a local, or NULL */
	uint64_t addr;
	uint64_t size;
	uint8_t bind;
	bool hidden;		/* a non-default version */
	bool ifunc;
};

struct scan {
	struct cand *v;
	size_t n;
	size_t cap;
	bool undef;		/* seen undefined: imported */
	const char *other;	/* seen as something else than a function */
};

static __thread char errbuf[2048];

static int set_err(int ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int set_err(int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return ret;
}

/* Appends to errbuf; what does not fit is cut. */
static void add_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void add_err(const char *fmt, ...)
{
	size_t len = strlen(errbuf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf + len, sizeof(errbuf) - len, fmt, ap);
	va_end(ap);
}

const char *resolve_errmsg(void)
{
	return errbuf;
}

/* ---- targets ---- */

/* Parses all of [@s, @s + @len) as a number: decimal, or hex after 0x. */
static int parse_num(const char *s, size_t len, uint64_t *v)
{
	char buf[32], *end;
	int base = 10;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (len > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		base = 16;
	if (buf[0] < '0' || buf[0] > '9' || (base == 16 && buf[2] == '-'))
		return -EINVAL;
	errno = 0;
	*v = strtoull(buf + (base == 16 ? 2 : 0), &end, base);
	if (*end || errno)
		return -EINVAL;
	return 0;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* SYMBOL[+OFF]; a '+' not followed by a digit belongs to the name. */
static int parse_symbol(const char *s, size_t len, struct resolve_target *t)
{
	const char *plus = memrchr(s, '+', len);
	size_t nlen = len;

	if (plus && plus + 1 < s + len && plus[1] >= '0' && plus[1] <= '9') {
		nlen = plus - s;
		if (parse_num(plus + 1, len - nlen - 1, &t->add))
			return set_err(-EINVAL, "bad offset '%.*s': want +DECIMAL or +0xHEX",
				       (int)(len - nlen), plus);
	}
	if (nlen == 0)
		return set_err(-EINVAL, "no symbol before '+'");
	t->symbol = strndup(s, nlen);
	if (!t->symbol)
		return -ENOMEM;
	t->glob = has_glob(t->symbol);
	if (t->glob && nlen != len)
		return set_err(-EINVAL, "an offset cannot follow a glob ('%s')", t->symbol);
	return 0;
}

static int parse_rest(const char *rest, struct resolve_target *t)
{
	const char *pct = strrchr(rest, '%');
	size_t len = strlen(rest);
	size_t i;

	if (pct) {
		if (strcmp(pct, "%return") != 0)
			return set_err(-EINVAL, "unknown suffix '%s' (only %%return is known)", pct);
		t->is_return = true;
		len = pct - rest;
	}
	if (len == 0)
		return set_err(-EINVAL, "no symbol or offset after ':'");
	for (i = 0; i < len; i++)
		if ((unsigned char)rest[i] < 0x20 || rest[i] == 0x7f)
			return set_err(-EINVAL, "control character in symbol '%.*s'",
				       (int)len, rest);
	if (rest[0] >= '0' && rest[0] <= '9') {
		t->raw = true;
		if (parse_num(rest, len, &t->raw_offset))
			return set_err(-EINVAL, "bad offset '%.*s': want 0xHEX or DECIMAL",
				       (int)len, rest);
		return 0;
	}
	return parse_symbol(rest, len, t);
}

int resolve_parse_target(const char *spec, struct resolve_target *t)
{
	const char *colon;
	int ret;

	memset(t, 0, sizeof(*t));
	errbuf[0] = '\0';
	if (!spec || !*spec)
		return set_err(-EINVAL, "empty target: want PATH:SYMBOL or PATH:0xOFFSET");
	colon = strchr(spec, ':');
	if (!colon)
		return set_err(-EINVAL,
			       "no ':' in '%s': want PATH:SYMBOL[+OFF], PATH:0xOFFSET or PATH:'GLOB'",
			       spec);
	if (colon == spec)
		return set_err(-EINVAL, "no path before ':' in '%s'", spec);
	t->path = strndup(spec, colon - spec);
	if (!t->path)
		return -ENOMEM;
	ret = parse_rest(colon + 1, t);
	if (ret)
		resolve_target_clear(t);
	return ret;
}

void resolve_target_clear(struct resolve_target *t)
{
	if (!t)
		return;
	free(t->path);
	free(t->symbol);
	memset(t, 0, sizeof(*t));
}

/* ---- paths ---- */

/* Regular, readable, ELF. */
static int check_file(const char *path)
{
	unsigned char magic[SELFMAG];
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(path, &st))
		return set_err(-errno, "%s", errno == ENOENT ? "no such file" : strerror(errno));
	if (S_ISDIR(st.st_mode))
		return set_err(-EISDIR, "is a directory, not a program or library");
	if (!S_ISREG(st.st_mode))
		return set_err(-EINVAL, "not a regular file");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_err(-errno, "cannot open: %s", strerror(errno));
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n >= 2 && magic[0] == '#' && magic[1] == '!')
		return set_err(-ENOEXEC, "a script, not an ELF file: probe its interpreter");
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, ELFMAG, SELFMAG) != 0)
		return set_err(-ENOEXEC, "not an ELF file");
	return 0;
}

/* "x86_64-linux-gnu" from "x86_64"; @buf holds the result. */
static const char *multiarch(const char *machine, char *buf, size_t size)
{
	if (strcmp(machine, "i686") == 0 || strcmp(machine, "i386") == 0)
		machine = "i386";
	snprintf(buf, size, "%s-linux-gnu", machine);
	return buf;
}

/* The directories ld.so searches when nothing else says (ld.so.conf is not read). */
static size_t default_lib_dirs(const char *machine, char dirs[][64], size_t max)
{
	static const char *const fixed[] = { "/lib64", "/usr/lib64", "/lib", "/usr/lib",
					     "/usr/local/lib" };
	char triplet[48];
	size_t i, n = 0;

	multiarch(machine, triplet, sizeof(triplet));
	snprintf(dirs[n++], 64, "/lib/%s", triplet);
	snprintf(dirs[n++], 64, "/usr/lib/%s", triplet);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && n < max; i++)
		snprintf(dirs[n++], 64, "%s", fixed[i]);
	return n;
}

static char *join(const char *dir, size_t dlen, const char *name)
{
	char *p;

	if (asprintf(&p, "%.*s/%s", (int)dlen, dlen ? dir : ".", name) < 0)
		return NULL;
	return p;
}

/* Like execvp(): the first executable regular file named @name in $PATH. */
static char *search_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;
	char *cand, *abs;

	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		cand = join(p, end - p, name);
		if (!cand)
			return NULL;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK)) {
			if (cand[0] == '/')
				return cand;
			abs = realpath(cand, NULL);
			free(cand);
			return abs;
		}
		free(cand);
		if (!*end)
			return NULL;
	}
}

/* A bare "libfoo.so.1" in the standard library directories. */
static char *search_libs(const char *name)
{
	char dirs[8][64];
	struct utsname u;
	size_t i, n;
	char *cand;

	if (strncmp(name, "lib", 3) != 0 || !strstr(name, ".so") || uname(&u))
		return NULL;
	n = default_lib_dirs(u.machine, dirs, 8);
	for (i = 0; i < n; i++) {
		cand = join(dirs[i], strlen(dirs[i]), name);
		if (!cand || !access(cand, R_OK))
			return cand;
		free(cand);
	}
	return NULL;
}

char *resolve_find_path(const char *path)
{
	char *abs;
	int ret;

	errbuf[0] = '\0';
	if (!path || !*path) {
		errno = EINVAL;
		set_err(-EINVAL, "empty path");
		return NULL;
	}
	if (path[0] == '/') {
		abs = strdup(path);
	} else if (strchr(path, '/')) {
		abs = realpath(path, NULL);
		if (!abs && errno == ENOENT)
			set_err(-ENOENT, "no such file");
		else if (!abs)
			set_err(-errno, "%s", strerror(errno));
	} else {
		abs = search_path(path);
		if (!abs)
			abs = search_libs(path);
		if (!abs) {
			errno = ENOENT;
			set_err(-ENOENT, "no program '%s' in $PATH (give a path: ./%s)", path, path);
		}
	}
	if (!abs)
		return NULL;
	ret = check_file(abs);
	if (ret) {
		free(abs);
		errno = -ret;
		return NULL;
	}
	return abs;
}

/* ---- opening ---- */

static void load_symtab(struct resolve_elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
			struct symtab *t)
{
	size_t entsize = e->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	Elf_Scn *strscn = elf_getscn(e->elf, sh->sh_link);
	Elf_Data *d, *sd;

	if (sh->sh_type == SHT_NOBITS || !strscn)
		return;
	d = elf_getdata(scn, NULL);
	sd = elf_getdata(strscn, NULL);
	/* Strings are read in place: the table must end with a NUL. */
	if (!d || !sd || !d->d_buf || !sd->d_buf || !sd->d_size ||
	    ((const char *)sd->d_buf)[sd->d_size - 1] != '\0')
		return;
	t->syms = d->d_buf;
	t->count = d->d_size / entsize;
	t->first_global = sh->sh_info;
	t->str = sd->d_buf;
	t->strsize = sd->d_size;
	t->dynamic = sh->sh_type == SHT_DYNSYM;
}

static void load_versym(struct resolve_elf *e, Elf_Scn *scn)
{
	struct symtab *t = &e->tab[1];
	Elf_Data *d = elf_getdata(scn, NULL);

	if (d && d->d_buf && d->d_size / 2 >= t->count)
		t->versym = d->d_buf;
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
		return set_err(-ENOEXEC, "not an ELF file");
	e->is64 = e->ehdr.e_ident[EI_CLASS] == ELFCLASS64;
	if (e->ehdr.e_type == ET_REL)
		return set_err(-ENOEXEC, "a relocatable object (.o), not a program or "
			       "library: uprobes need a linked file");
	if (e->ehdr.e_type != ET_EXEC && e->ehdr.e_type != ET_DYN)
		return set_err(-ENOEXEC, "not a program or shared library (ELF type %u)",
			       e->ehdr.e_type);
	if (elf_getphdrnum(e->elf, &e->phnum) || !e->phnum)
		return set_err(-ENOEXEC, "no program headers");
	e->phdr = calloc(e->phnum, sizeof(*e->phdr));
	if (!e->phdr)
		return -ENOMEM;
	for (i = 0; i < e->phnum; i++)
		if (!gelf_getphdr(e->elf, i, &e->phdr[i]))
			return set_err(-ENOEXEC, "bad program header %zu: %s", i, elf_errmsg(-1));
	return 0;
}

static int map_file(struct resolve_elf *e)
{
	struct stat st;
	int fd, ret = 0;

	fd = open(e->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_err(-errno, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st)) {
		ret = set_err(-errno, "%s", strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = set_err(S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, "not a regular file");
		goto out_close;
	}
	if ((size_t)st.st_size < SELFMAG) {
		ret = set_err(-ENOEXEC, "not an ELF file");
		goto out_close;
	}
	e->size = st.st_size;
	/* Private and writable: libelf may convert in place, the file never changes. */
	e->map = mmap(NULL, e->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (e->map == MAP_FAILED) {
		e->map = NULL;
		ret = set_err(-errno, "cannot map: %s", strerror(errno));
	}
out_close:
	close(fd);
	return ret;
}

struct resolve_elf *resolve_open(const char *path)
{
	struct resolve_elf *e;
	int ret;

	errbuf[0] = '\0';
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strdup(path))) {
		ret = -ENOMEM;
		goto out_err;
	}
	ret = map_file(e);
	if (ret)
		goto out_err;
	if (memcmp(e->map, ELFMAG, SELFMAG) != 0) {
		ret = set_err(-ENOEXEC, "not an ELF file");
		goto out_err;
	}
	elf_version(EV_CURRENT);
	e->elf = elf_memory((char *)e->map, e->size);
	if (!e->elf) {
		ret = set_err(-ENOEXEC, "bad ELF file: %s", elf_errmsg(-1));
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
	free(e->phdr);
	free(e->path);
	free(e);
}

/* ---- separate debug files ---- */

/* The NT_GNU_BUILD_ID note as hex into @hex; false if there is none. */
static bool build_id(struct resolve_elf *e, char *hex, size_t size)
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
static const struct symtab *local_table(struct resolve_elf *e)
{
	static const struct symtab none;
	char hex[2 * 64 + 1], path[PATH_MAX];
	char saved[sizeof(errbuf)];
	struct resolve_elf *d;

	if (e->tab[0].count || e->debug_tried)
		return e->debug ? &e->debug->tab[0] : &e->tab[0];
	e->debug_tried = true;
	if (!build_id(e, hex, sizeof(hex)))
		return &none;
	snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
	if (access(path, R_OK))
		return &none;
	memcpy(saved, errbuf, sizeof(saved));
	d = resolve_open(path);
	memcpy(errbuf, saved, sizeof(saved));
	if (d && d->tab[0].count && d->is64 == e->is64 && d->ehdr.e_machine == e->ehdr.e_machine)
		e->debug = d;
	else
		resolve_close(d);
	return e->debug ? &e->debug->tab[0] : &none;
}

/* ---- symbols ---- */

static void sym_read(const struct symtab *t, bool is64, size_t i, struct sym *s)
{
	uint32_t name;
	uint8_t info;

	if (is64) {
		Elf64_Sym r;

		memcpy(&r, t->syms + i * sizeof(r), sizeof(r));
		name = r.st_name;
		info = r.st_info;
		s->value = r.st_value;
		s->size = r.st_size;
		s->shndx = r.st_shndx;
	} else {
		Elf32_Sym r;

		memcpy(&r, t->syms + i * sizeof(r), sizeof(r));
		name = r.st_name;
		info = r.st_info;
		s->value = r.st_value;
		s->size = r.st_size;
		s->shndx = r.st_shndx;
	}
	s->name = name < t->strsize ? t->str + name : "";
	s->type = ELF64_ST_TYPE(info);
	s->bind = ELF64_ST_BIND(info);
	s->versym = 0;
	if (t->versym)
		memcpy(&s->versym, t->versym + 2 * i, 2);
}

static bool is_func(const struct sym *s)
{
	return s->type == STT_FUNC || s->type == STT_GNU_IFUNC;
}

/* A non-default version: hidden in .gnu.version, or "name@VER" in .symtab. */
static bool sym_hidden(const struct symtab *t, const struct sym *s)
{
	const char *at;

	if (t->dynamic)
		return t->versym && (s->versym & VERSYM_HIDDEN);
	at = strchr(s->name, '@');
	return at && at[1] != '@';
}

/* The length of @name without "@VER" or "@@VER". */
static size_t base_len(const char *name)
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

static bool version_ok(struct resolve_elf *e, const struct symtab *t, const struct sym *s,
		       const struct query *q)
{
	const char *v;

	if (!q->ver)
		return true;
	if (q->ver_default && sym_hidden(t, s))
		return false;
	if (t->dynamic) {
		v = verdef_name(e, s->versym & VERSYM_INDEX);
	} else {
		v = s->name + q->len;
		if (*v != '@')
			return false;
		v += v[1] == '@' ? 2 : 1;
	}
	return v && strcmp(v, q->ver) == 0;
}

static void query_init(struct query *q, const char *name)
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

static bool name_match(const char *sname, const struct query *q)
{
	return sname[0] == q->base[0] && strncmp(sname, q->base, q->len) == 0 &&
	       (sname[q->len] == '\0' || sname[q->len] == '@');
}

static void cand_from(struct cand *c, const struct symtab *t, const struct sym *s,
		      const char *file)
{
	c->name = s->name;
	c->len = base_len(s->name);
	c->file = s->bind == STB_LOCAL ? file : NULL;
	c->addr = s->value;
	c->size = s->size;
	c->bind = s->bind;
	c->hidden = sym_hidden(t, s);
	c->ifunc = s->type == STT_GNU_IFUNC;
}

static int cand_add(struct scan *sc, const struct symtab *t, const struct sym *s,
		    const char *file)
{
	struct cand *c;

	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? 2 * sc->cap : 8;

		c = reallocarray(sc->v, cap, sizeof(*c));
		if (!c)
			return -ENOMEM;
		sc->v = c;
		sc->cap = cap;
	}
	cand_from(&sc->v[sc->n++], t, s, file);
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
static int scan_one(struct resolve_elf *e, const struct symtab *t, size_t i,
		    const struct query *q, const char **file, struct scan *sc)
{
	struct sym s;

	sym_read(t, e->is64, i, &s);
	if (s.type == STT_FILE && i < t->first_global)
		*file = s.name;
	if (!name_match(s.name, q) || !version_ok(e, t, &s, q))
		return 0;
	if (s.shndx == SHN_UNDEF)
		sc->undef = true;
	else if (!is_func(&s))
		sc->other = type_name(s.type);
	else
		return cand_add(sc, t, &s, *file);
	return 0;
}

/* Every entry of @t named like @q goes into @sc. */
static int scan_table(struct resolve_elf *e, const struct symtab *t, const struct query *q,
		      struct scan *sc)
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
static int scan_dynsym(struct resolve_elf *e, const struct query *q, struct scan *sc)
{
	const struct symtab *t = &e->tab[1];
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

/* Which PT_LOAD holds virtual address @addr in the file; NULL if none. */
static const GElf_Phdr *load_of_addr(const struct resolve_elf *e, uint64_t addr)
{
	size_t i;

	for (i = 0; i < e->phnum; i++) {
		const GElf_Phdr *p = &e->phdr[i];

		if (p->p_type == PT_LOAD && addr >= p->p_vaddr && addr - p->p_vaddr < p->p_filesz)
			return p;
	}
	return NULL;
}

/* Which executable PT_LOAD holds file offset @off; NULL if none. */
static const GElf_Phdr *load_of_off(const struct resolve_elf *e, uint64_t off)
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

/* ---- why a name is not found ---- */

static int needed_defines(const char *lib, const struct query *q, uint16_t machine,
			  bool is64)
{
	struct resolve_elf *l = resolve_open(lib);
	struct scan sc = { 0 };
	size_t i;
	int found = -1;	/* not this library at all: wrong class or machine */

	if (!l)
		return -1;
	if (l->is64 == is64 && l->ehdr.e_machine == machine) {
		found = 0;
		if (!scan_dynsym(l, q, &sc))
			for (i = 0; i < sc.n; i++)
				if (sc.v[i].bind != STB_LOCAL && !sc.v[i].hidden)
					found = 1;
	}
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
static int try_needed(const struct resolve_elf *e, char *lib, const struct query *q,
		      char **out)
{
	int ret = lib ? needed_defines(lib, q, e->ehdr.e_machine, e->is64) : -1;

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
		       const struct query *q, char **out)
{
	const char *p, *end;
	char dirs[8][64], *dir;
	struct utsname u;
	size_t i, n;
	int ret;

	if (strchr(name, '/'))
		return try_needed(e, strdup(name), q, out);
	for (p = rpath; p && *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		dir = expand_origin(e, p, end - p);
		ret = try_needed(e, dir ? join(dir, strlen(dir), name) : NULL, q, out);
		free(dir);
		if (ret >= 0)
			return ret;
	}
	n = uname(&u) ? 0 : default_lib_dirs(u.machine, dirs, 8);
	for (i = 0; i < n; i++) {
		ret = try_needed(e, join(dirs[i], strlen(dirs[i]), name), q, out);
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

static int explain_import(struct resolve_elf *e, const struct query *q)
{
	Elf_Data *d = e->dynamic ? elf_getdata(e->dynamic, NULL) : NULL;
	char needed[512] = "", *lib = NULL;
	const char *rpath, *name;
	GElf_Shdr sh;
	GElf_Dyn dyn;
	int i;

	if (!d || !gelf_getshdr(e->dynamic, &sh))
		return set_err(-ENOENT, "'%.*s' is undefined in this file (imported) and the "
			       "file has no DT_NEEDED libraries", (int)q->len, q->base);
	rpath = run_path(e, d, sh.sh_link);
	for (i = 0; gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++) {
		if (dyn.d_tag != DT_NEEDED)
			continue;
		name = elf_strptr(e->elf, sh.sh_link, dyn.d_un.d_val);
		if (!name)
			continue;
		if (find_needed(e, name, rpath, q, &lib) > 0) {
			set_err(-ENOENT, "'%.*s' is imported from %s: probe %s:%.*s", (int)q->len,
				q->base, name, lib, (int)q->len, q->base);
			free(lib);
			return -ENOENT;
		}
		snprintf(needed + strlen(needed), sizeof(needed) - strlen(needed), "%s%s",
			 needed[0] ? ", " : "", name);
	}
	return set_err(-ENOENT, "'%.*s' is imported (undefined in this file); none of its "
		       "libraries (%s) defines it: probe the library that does",
		       (int)q->len, q->base, needed[0] ? needed : "none");
}

static int explain_missing(struct resolve_elf *e, const struct query *q, const struct scan *sc)
{
	char hex[2 * 64 + 1];

	if (sc->undef)
		return explain_import(e, q);
	if (sc->other)
		return set_err(-ENOENT, "'%s' is a %s, not a function", q->base, sc->other);
	if (local_table(e)->count)
		return set_err(-ENOENT, "no function '%s' in .symtab or .dynsym", q->base);
	set_err(-ENOENT, "no function '%s': the file is stripped (no .symtab), only its %s "
		"functions are visible; install its debug symbols (the -dbg/-dbgsym package",
		q->base, e->tab[1].count ? "exported" : "(no)");
	if (build_id(e, hex, sizeof(hex)))
		add_err(" that has /usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
	add_err("), use an unstripped build, or probe a raw offset (PATH:0xOFFSET)");
	return -ENOENT;
}

/* ---- picking one ---- */

/* Is @a a better name for the same function than @b? */
static bool cand_better(const struct cand *a, const struct cand *b)
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

static void list_candidates(const struct resolve_elf *e, const struct scan *sc,
			    size_t ndistinct)
{
	const GElf_Phdr *p;
	size_t i, j, shown = 0;
	bool seen;

	for (i = 0; i < sc->n && shown < MAX_LISTED; i++) {
		for (seen = false, j = 0; j < i && !seen; j++)
			seen = sc->v[j].addr == sc->v[i].addr;
		if (seen)
			continue;
		p = load_of_addr(e, sc->v[i].addr);
		add_err("%s0x%" PRIx64 " (%s%s%" PRIu64 " bytes)", shown ? ", " : "",
			p ? sc->v[i].addr - p->p_vaddr + p->p_offset : sc->v[i].addr,
			sc->v[i].file ? sc->v[i].file : "", sc->v[i].file ? ", " : "",
			sc->v[i].size);
		shown++;
	}
	if (ndistinct > shown)
		add_err(" and %zu more", ndistinct - shown);
}

/* One function for the name, or -ENOTUNIQ with the candidates. */
static int pick(struct resolve_elf *e, const struct query *q, struct scan *sc,
		const struct cand **out)
{
	size_t i, j, n = 0, distinct = 0;
	bool any_default = false, seen;
	const struct cand *best = NULL;
	const GElf_Phdr *p;

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
		if (!best || cand_better(&sc->v[i], best))
			best = &sc->v[i];
	}
	if (distinct > 1) {
		p = load_of_addr(e, sc->v[0].addr);
		set_err(-ENOTUNIQ, "'%s' is ambiguous: %zu functions have this name, at file "
			"offsets ", q->base, distinct);
		list_candidates(e, sc, distinct);
		add_err("; pick one with PATH:0xOFFSET, e.g. %s:0x%" PRIx64, e->path,
			p ? sc->v[0].addr - p->p_vaddr + p->p_offset : sc->v[0].addr);
		return -ENOTUNIQ;
	}
	*out = best;
	return 0;
}

static int loc_fill(struct resolve_elf *e, const struct cand *c, uint64_t add,
		    struct resolve_loc *loc)
{
	const GElf_Phdr *p = load_of_addr(e, c->addr);

	if (!p)
		return set_err(-ENOENT, "'%.*s' (address 0x%" PRIx64 ") is not inside any "
			       "loadable segment of the file", (int)c->len, c->name, c->addr);
	if (!(p->p_flags & PF_X))
		return set_err(-ENOENT, "'%.*s' (address 0x%" PRIx64 ") is in a segment that "
			       "is not executable", (int)c->len, c->name, c->addr);
	/* A size of 0 (hand-written assembly) is unknown: stay inside the segment. */
	if ((c->size && add >= c->size) ||
	    (!c->size && add >= p->p_filesz - (c->addr - p->p_vaddr)))
		return set_err(-ERANGE, "+%" PRIu64 " (0x%" PRIx64 ") is past the end of '%.*s'"
			       " (%" PRIu64 " bytes%s)", add, add, (int)c->len, c->name,
			       c->size ? c->size : p->p_filesz - (c->addr - p->p_vaddr),
			       c->size ? "" : " to the end of its segment: its size is unknown");
	loc->symbol = strndup(c->name, c->len);
	if (!loc->symbol)
		return -ENOMEM;
	loc->add = add;
	loc->addr = c->addr + add;
	loc->offset = c->addr - p->p_vaddr + p->p_offset + add;
	loc->size = c->size;
	loc->ifunc = c->ifunc;
	return 0;
}

int resolve_symbol(struct resolve_elf *e, const char *name, uint64_t add,
		   struct resolve_loc *loc)
{
	const struct cand *c = NULL;
	struct scan sc = { 0 };
	struct query q;
	int ret = 0;

	memset(loc, 0, sizeof(*loc));
	errbuf[0] = '\0';
	if (!name || !*name || *name == '@')
		return set_err(-EINVAL, "no symbol name");
	query_init(&q, name);
	if (!q.len || (q.ver && !*q.ver))
		return set_err(-EINVAL, "bad symbol '%s': want NAME, NAME@VER or NAME@@VER", name);
	ret = scan_table(e, local_table(e), &q, &sc);
	if (!ret)
		ret = scan_dynsym(e, &q, &sc);
	if (ret)
		goto out_free;
	if (!sc.n) {
		ret = explain_missing(e, &q, &sc);
		goto out_free;
	}
	ret = pick(e, &q, &sc, &c);
	if (!ret)
		ret = loc_fill(e, c, add, loc);
out_free:
	free(sc.v);
	return ret;
}

/* ---- globs ---- */

static int cmp_addr(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* @name without "@VER", NUL-terminated: @name itself or a copy in *@buf. */
static const char *bare_name(const char *name, char **buf, size_t *size)
{
	size_t len = base_len(name);
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

/* Every visible function of @t whose name without @VER matches @pattern. */
static int glob_table(struct resolve_elf *e, const struct symtab *t, const char *pattern,
		      struct scan *sc)
{
	size_t bufsize = 0, i;
	const char *name;
	char *buf = NULL;
	struct sym s;
	int ret = 0;

	for (i = 0; i < t->count && !ret; i++) {
		sym_read(t, e->is64, i, &s);
		if (!is_func(&s) || s.shndx == SHN_UNDEF || sym_hidden(t, &s))
			continue;
		name = bare_name(s.name, &buf, &bufsize);
		if (!name)
			ret = -ENOMEM;
		else if (fnmatch(pattern, name, 0) == 0)
			ret = cand_add(sc, t, &s, NULL);
	}
	free(buf);
	return ret;
}

/* Sorted by address, one entry per address: the best name of each. */
static size_t dedup(struct cand *v, size_t n)
{
	size_t i, out = 0;

	if (n)
		qsort(v, n, sizeof(*v), cmp_addr);
	for (i = 0; i < n; i++) {
		if (out && v[out - 1].addr == v[i].addr) {
			if (cand_better(&v[i], &v[out - 1]))
				v[out - 1] = v[i];
			continue;
		}
		v[out++] = v[i];
	}
	return out;
}

int resolve_glob(struct resolve_elf *e, const char *pattern, size_t max,
		 struct resolve_loc **locs, size_t *n)
{
	struct resolve_loc *l = NULL;
	struct scan sc = { 0 };
	size_t i, k = 0;
	int ret;

	*locs = NULL;
	*n = 0;
	errbuf[0] = '\0';
	ret = glob_table(e, local_table(e), pattern, &sc);
	if (!ret)
		ret = glob_table(e, &e->tab[1], pattern, &sc);
	if (ret)
		goto out_free;
	sc.n = dedup(sc.v, sc.n);
	if (!sc.n) {
		ret = set_err(-ENOENT, "no function matches '%s'%s", pattern,
			      local_table(e)->count ? "" : " (the file is stripped: only exported "
			      "functions are visible)");
		goto out_free;
	}
	if (sc.n > max) {
		ret = set_err(-E2BIG, "%zu functions match '%s', more than the limit of %zu",
			      sc.n, pattern, max);
		goto out_free;
	}
	l = calloc(sc.n, sizeof(*l));
	if (!l) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < sc.n && !ret; i++) {
		/* A function outside an executable segment cannot be probed; skip it. */
		ret = loc_fill(e, &sc.v[i], 0, &l[k]);
		if (ret == -ENOENT)
			ret = 0;
		else if (!ret)
			k++;
	}
	if (!ret && !k)
		ret = set_err(-ENOENT, "no function matching '%s' is in an executable segment",
			      pattern);
	if (ret) {
		resolve_locs_free(l, k);
		goto out_free;
	}
	errbuf[0] = '\0';
	*locs = l;
	*n = k;
out_free:
	free(sc.v);
	return ret;
}

/* ---- offsets ---- */

/* The function holding virtual address @addr, under its best name. */
static bool func_at(struct resolve_elf *e, uint64_t addr, struct cand *out)
{
	const struct symtab *tabs[2] = { local_table(e), &e->tab[1] };
	bool found = false;
	struct cand c;
	struct sym s;
	size_t t, i;

	for (t = 0; t < 2; t++) {
		for (i = 0; i < tabs[t]->count; i++) {
			sym_read(tabs[t], e->is64, i, &s);
			if (!is_func(&s) || s.shndx == SHN_UNDEF || addr < s.value ||
			    (s.size ? addr - s.value >= s.size : addr != s.value))
				continue;
			cand_from(&c, tabs[t], &s, NULL);
			if (!found || cand_better(&c, out))
				*out = c;
			found = true;
		}
	}
	return found;
}

int resolve_offset(struct resolve_elf *e, uint64_t off, struct resolve_loc *loc)
{
	const GElf_Phdr *p = load_of_off(e, off);
	struct cand c;
	size_t i;

	memset(loc, 0, sizeof(*loc));
	errbuf[0] = '\0';
	if (!p) {
		set_err(-ERANGE, "offset 0x%" PRIx64 " is not inside an executable segment of "
			"the file; executable ranges:", off);
		for (i = 0; i < e->phnum; i++)
			if (e->phdr[i].p_type == PT_LOAD && (e->phdr[i].p_flags & PF_X))
				add_err(" 0x%" PRIx64 "-0x%" PRIx64, e->phdr[i].p_offset,
					e->phdr[i].p_offset + e->phdr[i].p_filesz);
		return -ERANGE;
	}
	loc->offset = off;
	loc->addr = off - p->p_offset + p->p_vaddr;
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

int resolve_offset_to_symbol(struct resolve_elf *e, uint64_t off,
			     char **name, uint64_t *add)
{
	const GElf_Phdr *p = load_of_off(e, off);
	struct cand c;

	*name = NULL;
	*add = 0;
	errbuf[0] = '\0';
	if (!p)
		return set_err(-ENOENT, "offset 0x%" PRIx64 " is not in an executable segment",
			       off);
	if (!func_at(e, off - p->p_offset + p->p_vaddr, &c))
		return set_err(-ENOENT, "no function holds offset 0x%" PRIx64, off);
	*name = strndup(c.name, c.len);
	if (!*name)
		return -ENOMEM;
	*add = off - p->p_offset + p->p_vaddr - c.addr;
	return 0;
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
