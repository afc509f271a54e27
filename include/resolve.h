/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The resolver: what a user types (PATH:SYMBOL+OFF, PATH:0xOFF, globs)
 * -> the file offset uprobe_events wants. The kernel takes offsets into
 * the file, not virtual addresses: st_value - p_vaddr + p_offset of the
 * PT_LOAD that holds the symbol.
 *
 * Errors that need more than an errno are kept for resolve_errmsg().
 */
#ifndef UPROBE_RESOLVE_H
#define UPROBE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct resolve_elf;

/* A target as the user typed it, split but not yet looked up. */
struct resolve_target {
	char *path;		/* as typed */
	char *symbol;		/* NULL for a raw offset */
	uint64_t add;		/* SYMBOL+ADD */
	uint64_t raw_offset;	/* PATH:0xOFF */
	bool raw;
	bool is_return;		/* %return suffix */
	bool glob;		/* symbol holds *, ? or [ */
};

/* One place to put a probe. */
struct resolve_loc {
	char *symbol;		/* NULL for a raw offset outside any symbol */
	uint64_t add;		/* offset into the symbol */
	uint64_t addr;		/* virtual address (st_value + add) */
	uint64_t offset;	/* file offset, what the kernel wants */
	uint64_t size;		/* the symbol's st_size, 0 when unknown */
	bool ifunc;		/* STT_GNU_IFUNC: this is the resolver, run once at load */
};

/**
 * resolve_parse_target() - split "PATH:SYMBOL[+OFF][%return]",
 * "PATH:0xOFF[%return]" or "PATH:GLOB" into @t. Nothing is opened.
 *
 * PATH ends at the first ':', so SYMBOL may hold "::" (C++). After the
 * ':', "0x..." or all digits is a raw file offset; a '+' followed by a
 * number (decimal or 0x) is SYMBOL+OFF, any other '+' belongs to SYMBOL
 * ("operator+"). An offset cannot follow a glob.
 *
 * Return: 0, or -EINVAL with resolve_errmsg() set. Caller clears @t with
 * resolve_target_clear().
 */
int resolve_parse_target(const char *spec, struct resolve_target *t);

/** resolve_target_clear() - free what @t owns; @t itself is not freed. */
void resolve_target_clear(struct resolve_target *t);

/**
 * resolve_find_path() - the absolute path of @path: a bare program name is
 * looked up in $PATH like execvp() does (then, for a bare "lib*.so*", in
 * the standard library directories), a relative path made absolute
 * (symlinks resolved), an absolute path kept as it is. The file must be a
 * regular ELF file: -ENOENT, -EISDIR, -EINVAL (not a regular file),
 * -ENOEXEC (not ELF) otherwise.
 *
 * Return: a string the caller frees with free(), or NULL with errno and
 * resolve_errmsg() set.
 */
char *resolve_find_path(const char *path);

/**
 * resolve_open() - open and mmap the ELF file at @path. Only the headers
 * are read here; symbol tables are scanned in place, never copied.
 *
 * Return: a handle the caller frees with resolve_close(), or NULL with
 * errno and resolve_errmsg() set (-ENOEXEC for a file that is not ELF, a
 * relocatable object or a core dump).
 */
struct resolve_elf *resolve_open(const char *path);

/** resolve_close() - unmap and free @e. NULL is a no-op. */
void resolve_close(struct resolve_elf *e);

/**
 * resolve_symbol() - find the function @name (+@add) in @e: .symtab and
 * .dynsym, locals included, "name@VER"/"name@@VER" match "name". A name
 * with a version typed ("memcpy@GLIBC_2.2.5") matches only that version;
 * without one, the default version wins over hidden ones, as for the
 * dynamic linker. One address under several names or in both tables is
 * one function.
 *
 * Return: 0 with @loc filled (caller frees with resolve_loc_clear()),
 * -ENOENT (not found; imported symbols and stripped files explained in
 * resolve_errmsg()), -ENOTUNIQ (several addresses; candidates in
 * resolve_errmsg()), -ERANGE (@add past the end of the function). On
 * failure @loc owns nothing.
 */
int resolve_symbol(struct resolve_elf *e, const char *name, uint64_t add,
		   struct resolve_loc *loc);

/**
 * resolve_glob() - every function whose name (version stripped) matches
 * @pattern (fnmatch), one location per address, at most @max, in file
 * offset order. Hidden versions (name@VER without @@) are left out.
 *
 * Return: 0 with *@locs (caller frees with resolve_locs_free()) and *@n,
 * -ENOENT when nothing matches, -E2BIG when more than @max match.
 */
int resolve_glob(struct resolve_elf *e, const char *pattern, size_t max,
		 struct resolve_loc **locs, size_t *n);

/**
 * resolve_offset() - check that the raw file offset @off lies inside an
 * executable PT_LOAD segment, and fill @loc (with the symbol that holds it,
 * if any).
 *
 * Return: 0, or -ERANGE with resolve_errmsg() set.
 */
int resolve_offset(struct resolve_elf *e, uint64_t off, struct resolve_loc *loc);

/**
 * resolve_offset_to_symbol() - the function holding file offset @off, for
 * showing probes read back from the kernel. Among aliases, a global name
 * is preferred.
 *
 * Return: 0 with *@name (caller frees with free()) and *@add, -ENOENT.
 */
int resolve_offset_to_symbol(struct resolve_elf *e, uint64_t off,
			     char **name, uint64_t *add);

/** resolve_loc_clear() - free what @loc owns. */
void resolve_loc_clear(struct resolve_loc *loc);

/** resolve_locs_free() - free an array of @n locations from resolve_glob(). */
void resolve_locs_free(struct resolve_loc *locs, size_t n);

/**
 * resolve_demangle() - the C++ name of the symbol @name
 * ("_ZN3acc7Counter4bumpEi" -> "acc::Counter::bump(int)"; an "@VER" is
 * kept), by the system's __cxa_demangle: libstdc++ is loaded on the first
 * name that starts with "_Z", so C programs never load it.
 *
 * Return: a string the caller frees with free(), or NULL (errno EINVAL)
 * when @name is not a mangled name or cannot be demangled here.
 */
char *resolve_demangle(const char *name);

/**
 * resolve_cxx_base_len() - the length of C++ name @name without its
 * parameter list and "@VER" ("ns::f(int)" -> 5; "operator()" is a name).
 */
size_t resolve_cxx_base_len(const char *name);

/**
 * resolve_cxx_same() - whether C++ names @a and @b are the same as people
 * type them: spaces around punctuation do not count, "long" is "long int",
 * "unsigned" "unsigned int", "short" "short int", "char const*" "const char *",
 * "f(void)" "f()"; "signed char" stays apart from "char".
 */
bool resolve_cxx_same(const char *a, const char *b);

/**
 * resolve_cxx_matches() - resolve_cxx_same(), but a @typed name without a
 * parameter list matches @name with any ("ns::f" matches "ns::f(int)").
 */
bool resolve_cxx_matches(const char *typed, const char *name);

/**
 * resolve_cxx_short() - the last two components of C++ name @name without
 * its parameters ("acc::Counter::bump(int)" -> "Counter::bump").
 *
 * Return: a string the caller frees with free(), NULL on ENOMEM.
 */
char *resolve_cxx_short(const char *name);

/**
 * resolve_cxx_event_base() - resolve_cxx_short() of the demangled name of
 * the mangled symbol @symbol ("Counter::bump"), to make an event name of.
 *
 * Return: a string the caller frees with free(), or NULL when @symbol is
 * not a C++ name.
 */
char *resolve_cxx_event_base(const char *symbol);

/**
 * resolve_errmsg() - the detail of the last failure in this thread
 * ("'foo' is imported from libc.so.6: probe it there"), or "".
 */
const char *resolve_errmsg(void);

#endif
