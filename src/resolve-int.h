/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ELF half of the resolver shares between its files:
 * resolve-target.c (targets, error text), resolve-path.c (finding files),
 * resolve-ldcache.c (reading /etc/ld.so.cache), resolve-proc.c (a process's view),
 * resolve-elf.c (the one ELF reader: mapping, segments, sections, symbol
 * tables), resolve-sym.c (lookup by name), resolve-glob.c (globs, the
 * function at an offset), resolve-import.c (why a name is missing).
 * Not a public header: the API is include/resolve.h.
 *
 * The reader (struct resolve_elf, resolve_elf_*(), resolve_sym_read()) is
 * meant for any part of the project that reads ELF: symbols are decoded by
 * gelf_getsym() only, and virtual addresses become file offsets only
 * through resolve_elf_vaddr_to_off() and resolve_elf_off_to_vaddr().
 */
#ifndef UPROBE_RESOLVE_INT_H
#define UPROBE_RESOLVE_INT_H

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "resolve.h"

#define RESOLVE_VERSYM_HIDDEN	0x8000
#define RESOLVE_VERSYM_INDEX	0x7fff

/* A symbol table and its strings; @syms and @str lie in the mapping. */
struct resolve_symtab {
	Elf_Data *syms;		/* ELF_T_SYM, read with gelf_getsym() */
	size_t count;
	size_t first_global;	/* sh_info: locals come first */
	const char *str;	/* ends with a NUL */
	size_t strsize;
	Elf_Data *versym;	/* .gnu.version, .dynsym only; NULL when absent */
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
	struct resolve_symtab tab[2];	/* .symtab, .dynsym; count 0 when absent */
	Elf_Scn *dynamic;
	Elf_Scn *verdef;
	/* .gnu.hash of .dynsym, for lookups that need not read every name */
	const unsigned char *gnu_hash;
	size_t gnu_hash_size;
	/* A stripped file's separate debug file (by build-id), for its .symtab */
	struct resolve_elf *debug;
	bool debug_tried;
	/* every function by address, for the second lookup of an offset on
	 * (resolve-glob.c); freed with free() */
	struct resolve_addr_ent *byaddr;
	size_t nbyaddr;
	unsigned int addr_lookups;
};

/* One symbol, decoded. */
struct resolve_sym {
	GElf_Sym sym;		/* as gelf_getsym() wrote it */
	const char *name;	/* as in the table: .symtab names may hold @VER */
	uint16_t versym;	/* .dynsym with .gnu.version only, else 0 */
	bool dynamic;		/* from .dynsym */
};

/* ---- the reader (resolve-elf.c) ---- */

/** resolve_elf_elf() - the libelf handle of @e; it lives as long as @e. */
Elf *resolve_elf_elf(struct resolve_elf *e);

/*
 * The PT_LOAD holding virtual address @vaddr in the file (inside p_filesz:
 * .bss has no file offset), or NULL.
 */
const GElf_Phdr *resolve_elf_load_of_vaddr(const struct resolve_elf *e, uint64_t vaddr);

/* The executable PT_LOAD holding file offset @off, or NULL. */
const GElf_Phdr *resolve_elf_load_of_off(const struct resolve_elf *e, uint64_t off);

/* @vaddr -> *@off through resolve_elf_load_of_vaddr(): 0 or -ERANGE. */
int resolve_elf_vaddr_to_off(const struct resolve_elf *e, uint64_t vaddr, uint64_t *off);

/* @off -> *@vaddr through resolve_elf_load_of_off() (executable only): 0 or -ERANGE. */
int resolve_elf_off_to_vaddr(const struct resolve_elf *e, uint64_t off, uint64_t *vaddr);

/* Entry @i of @t into @s (an empty entry when gelf_getsym() refuses it). */
bool resolve_sym_read(const struct resolve_symtab *t, size_t i, struct resolve_sym *s);

static inline int resolve_sym_type(const struct resolve_sym *s)
{
	return GELF_ST_TYPE(s->sym.st_info);
}

static inline int resolve_sym_bind(const struct resolve_sym *s)
{
	return GELF_ST_BIND(s->sym.st_info);
}

static inline bool resolve_sym_is_func(const struct resolve_sym *s)
{
	return resolve_sym_type(s) == STT_FUNC || resolve_sym_type(s) == STT_GNU_IFUNC;
}

/*
 * The table to read for locals: the file's .symtab, else that of its debug
 * file found by build-id (same addresses), else an empty one.
 */
const struct resolve_symtab *resolve_elf_local_table(struct resolve_elf *e);

/*
 * Calls @fn for every defined function (STT_FUNC, STT_GNU_IFUNC) of the
 * local table, then of .dynsym, in table order. Stops at the first
 * non-zero return of @fn and returns it; 0 when every one was seen.
 */
int resolve_elf_each_func(struct resolve_elf *e,
			  int (*fn)(const struct resolve_sym *s, void *arg), void *arg);

/*
 * The GOT slot (file vaddr) through which shared library @elf reads its
 * exported data object at @vaddr (default visibility, STB_GLOBAL in
 * .dynsym, with an R_X86_64_GLOB_DAT): ld.so points it at the live copy,
 * which is the executable's when that copy-relocates the variable.
 * -ENOENT for an executable, a hidden or local object, or no such slot.
 * On any Elf, so that the DWARF side can ask too.
 */
int resolve_elf_got_slot(Elf *elf, uint64_t vaddr, uint64_t *slot);

/* The GOT slot through which @elf reads the variable @name it imports
 * (undefined in .dynsym, an R_X86_64_GLOB_DAT): 0, or -ENOENT. */
int resolve_elf_import_slot(Elf *elf, const char *name, uint64_t *slot);

/* The NT_GNU_BUILD_ID note as hex into @hex; false if there is none. */
bool resolve_elf_build_id(struct resolve_elf *e, char *hex, size_t size);

/* ---- error text (resolve-target.c) ---- */

#define RESOLVE_ERRMAX	2048

/* Read by resolve_errmsg(); code that must not clobber it saves a copy. */
extern __thread char resolve_errbuf[RESOLVE_ERRMAX];

/* Sets the text, returns @ret for tail calls. */
int resolve_set_err(int ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends to the text; what does not fit is cut. */
void resolve_add_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void resolve_clear_err(void)
{
	resolve_errbuf[0] = '\0';
}

/* ---- files (resolve-path.c) ---- */

#define RESOLVE_LIBDIR_MAX	8
#define RESOLVE_LIBDIR_LEN	64

/* The directories ld.so searches when nothing else says; how many. */
size_t resolve_lib_dirs(char dirs[][RESOLVE_LIBDIR_LEN], size_t max);

/* "@dir/@name" (@dlen bytes of @dir, "." when 0), caller frees; NULL on ENOMEM. */
char *resolve_join(const char *dir, size_t dlen, const char *name);

/* "libc" matches "libc.so.6": see resolve_lib_name_match() in resolve-path.c. */
bool resolve_lib_name_match(const char *name, const char *base);

/* ---- /etc/ld.so.cache (resolve-ldcache.c) ---- */

/* FLAG_ELF_LIBC6 | FLAG_X8664_LIB64: what an x86-64 ld.so takes. */
#define RESOLVE_LDCACHE_X8664	0x0303

/* One library of the cache; @key and @value point into the parsed buffer. */
struct resolve_ldcache_ent {
	const char *key;	/* "libc.so.6" */
	const char *value;	/* "/lib/x86_64-linux-gnu/libc.so.6" */
	int32_t flags;
	uint64_t hwcap;
};

/* Entries in the file's order, which is the order ld.so prefers. */
struct resolve_ldcache {
	char *buf;		/* owned when loaded from a file */
	struct resolve_ldcache_ent *ent;
	size_t n;
};

/*
 * Parse the cache in @buf (not copied: it must outlive @c). Return 0, or
 * -ENOEXEC (bad magic, offsets outside @size) with resolve_errmsg() set;
 * clear @c with resolve_ldcache_clear() (@buf is not freed).
 */
int resolve_ldcache_parse(const char *buf, size_t size, struct resolve_ldcache *c);
/* Read and parse the file @path; resolve_ldcache_clear() frees it all. */
int resolve_ldcache_load(const char *path, struct resolve_ldcache *c);
void resolve_ldcache_clear(struct resolve_ldcache *c);
/* An x86-64 libc6 entry this CPU can use (glibc-hwcaps level supported). */
bool resolve_ldcache_usable(const struct resolve_ldcache_ent *e);

/* ---- what a name could mean (resolve-path.c) ---- */

/* Files a name could mean, best first, one per inode. */
struct resolve_cands {
	char **v;
	struct resolve_cand_id {
		dev_t dev;
		ino_t ino;
	} *id;
	size_t n, cap;
	const char *source;	/* of v[0] */
};

/*
 * Takes @path (NULL: -ENOMEM). A path the user gave or $PATH chose
 * (@given) is kept as it is; a file found by searching only if it is an
 * ELF file not yet in @c under another name. @source is static text.
 */
int resolve_file_add(struct resolve_cands *c, char *path, const char *source, bool given);
void resolve_cands_free(struct resolve_cands *c);

/* ---- a process's view (resolve-proc.c) ---- */

struct resolve_view {
	int pid;		/* 0: ours */
	char root[32];		/* "/proc/PID/root", "" when PID sees the files we see */
};

/* @v for @pid (0: ours): -ESRCH when there is no such process. */
int resolve_view_init(struct resolve_view *v, int pid);
/* @path of @v's view as a path that opens from ours; caller frees, NULL on ENOMEM. */
char *resolve_in_root(const struct resolve_view *v, const char *path);
/*
 * Every file @v->pid has mapped whose name is @name (@lib: answers the
 * library name @name) into @c, as openable paths; nothing for our own view.
 */
int resolve_from_maps(const struct resolve_view *v, const char *name, bool lib,
		      struct resolve_cands *c);
/* The $PATH process @pid runs with (caller frees), or NULL. */
char *resolve_pid_path_env(int pid);

/* ---- lookup by name (resolve-sym.c) ---- */

/* What a user asked for: "base", "base@VER" or "base@@VER". */
struct resolve_query {
	const char *base;
	size_t len;
	const char *ver;
	bool ver_default;
};

/* A function that matched. */
struct resolve_cand {
	const char *name;
	size_t len;		/* of the name without @VER */
	const char *file;	/* STT_FILE of a local, or NULL */
	uint64_t addr;
	uint64_t size;
	uint8_t bind;
	bool hidden;		/* a non-default version */
	bool ifunc;
};

struct resolve_scan {
	struct resolve_cand *v;
	size_t n;
	size_t cap;
	bool undef;		/* seen undefined: imported */
	const char *other;	/* seen as something else than a function */
};

/* The length of @name without "@VER" or "@@VER". */
size_t resolve_base_len(const char *name);
/* A non-default version: hidden in .gnu.version, or "name@VER" in .symtab. */
bool resolve_sym_hidden(const struct resolve_sym *s);
void resolve_cand_from(struct resolve_cand *c, const struct resolve_sym *s, const char *file);
int resolve_cand_add(struct resolve_scan *sc, const struct resolve_sym *s, const char *file);
/* Is @a a better name for the same function than @b? */
bool resolve_cand_better(const struct resolve_cand *a, const struct resolve_cand *b);
/* Every .dynsym entry named like @q into @sc (through .gnu.hash when there is one). */
int resolve_scan_dynsym(struct resolve_elf *e, const struct resolve_query *q,
			struct resolve_scan *sc);
/* @loc for @c + @add, checked against its segment and size. */
int resolve_loc_fill(struct resolve_elf *e, const struct resolve_cand *c, uint64_t add,
		     struct resolve_loc *loc);

/* ---- why a name is missing (resolve-import.c) ---- */

/* -ENOENT with resolve_errmsg() saying why nothing in @sc is a function named @q. */
int resolve_explain_missing(struct resolve_elf *e, const struct resolve_query *q,
			    const struct resolve_scan *sc);

/* The DT_NEEDED library of the file at @path that ld.so would bind the data
 * object @name to: 0 with *@lib (caller frees), or -ENOENT. */
int resolve_needed_object(const char *path, const char *name, char **lib);

#endif
