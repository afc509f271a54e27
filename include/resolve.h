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
 * resolve_errmsg() - the detail of the last failure in this thread
 * ("'foo' is imported from libc.so.6: probe it there"), or "".
 */
const char *resolve_errmsg(void);

/* DWARF */
/*
 * With debug information (in the file, through .gnu_debuglink, under
 * /usr/lib/debug, or from debuginfod when DEBUGINFOD_URLS is set): source
 * lines, inlined copies, clones and C++ names as places, and variables by
 * name as fetch-args. Addresses here are the file's virtual addresses, as
 * in struct resolve_loc; the probe always goes on the file itself, never
 * on its debug file.
 */
struct resolve_dwarf;

/* resolve_dwarf_place() flags */
#define RESOLVE_DWARF_NO_INLINES	(1u << 0)	/* no probes on inlined copies */
#define RESOLVE_DWARF_RETURN		(1u << 1)	/* for a return probe: entries only */

/**
 * resolve_dwarf_open() - find the debug information of the ELF file @path
 * (absolute) and index what is cheap to index; compilation units are read
 * only when a lookup needs them.
 *
 * Return: a handle the caller frees with resolve_dwarf_close(), or NULL
 * with errno (ENODATA: no debug information found, EINVAL: not an ELF file,
 * ENOTSUP: not x86-64) and resolve_dwarf_errmsg() set.
 */
struct resolve_dwarf *resolve_dwarf_open(const char *path);

/** resolve_dwarf_close() - free @d. NULL is a no-op. */
void resolve_dwarf_close(struct resolve_dwarf *d);

/**
 * resolve_dwarf_debugfile() - the file the DWARF of @d was read from (the
 * ELF file itself, or its separate debug file). Owned by @d.
 */
const char *resolve_dwarf_debugfile(struct resolve_dwarf *d);

/**
 * resolve_dwarf_is_expr() - whether the fetch-arg @arg ("[NAME=]FETCH[:TYPE]")
 * names variables: FETCH starts with a letter, '_' or '*', or is "$params",
 * or "$retval" (possibly followed by ->, . or [N]) when @is_return.
 */
bool resolve_dwarf_is_expr(const char *arg, bool is_return);

/**
 * resolve_dwarf_is_line() - whether @spec (the target after "PATH:") names
 * a source line, "FILE:LINE" or "FUNC:RELLINE", rather than a function.
 */
bool resolve_dwarf_is_line(const char *spec);

/**
 * resolve_dwarf_place() - every place for @spec, the part of the target
 * after "PATH:" (without %return): "FILE.c:LINE" (every address that begins
 * that line's statement), "FUNC:RELLINE" (lines from the function's first
 * line), a function by name (C names; C++ "ns::Klass::method" or
 * "ns::f(double)"; its clones .isra/.constprop/.part; its inlined copies
 * unless RESOLVE_DWARF_NO_INLINES), or a glob over those names.
 * @max: at most this many places.
 *
 * The places of a name or a line belong in one event (the kernel allows
 * several probes under one GRP/EVENT); a glob gives one function each.
 *
 * Return: 0 with *@locs (caller frees with resolve_locs_free()) and *@n;
 * -ENOENT (not known to the debug information), -ENOTUNIQ (several
 * different functions: candidates in resolve_dwarf_errmsg()), -E2BIG (more
 * than @max), -EINVAL (bad @spec), with resolve_dwarf_errmsg() set.
 */
int resolve_dwarf_place(struct resolve_dwarf *d, const char *spec, unsigned int flags,
			size_t max, struct resolve_loc **locs, size_t *n);

/**
 * resolve_dwarf_prologue() - when @loc is a function's entry and that
 * function keeps its parameters in its frame (code built without
 * optimization), move @loc after the prologue, where they have been stored;
 * as perf probe and gdb do. Optimized code stays at the entry, where the
 * parameters are still in their registers.
 *
 * Return: 0 (@loc moved or not), -ENOENT (no function there).
 */
int resolve_dwarf_prologue(struct resolve_dwarf *d, struct resolve_loc *loc);

/**
 * resolve_dwarf_args() - translate the fetch-arg @arg, as typed
 * ("[NAME=]EXPR[:TYPE]" with EXPR one of VAR, VAR->M, VAR.M, VAR[N], *VAR,
 * nested; $params; $retval...), into kernel fetch-args "NAME=FETCH:TYPE"
 * valid at @loc. The type comes from DWARF unless the user gave one; the
 * name is the last member's unless the user gave one. $params gives one
 * per parameter.
 * @is_return: for a return probe (only $retval and globals are live then).
 *
 * Return: 0 with *@out (an array of *@n strings; caller frees with
 * resolve_dwarf_args_free()); -ENOENT (no such variable or member),
 * -ENODATA (optimized out, or not live at @loc: where it is live in
 * resolve_dwarf_errmsg()), -ENOTSUP (a location or type the kernel cannot
 * fetch), -E2BIG (past the kernel's length or nesting limit), -EINVAL.
 */
int resolve_dwarf_args(struct resolve_dwarf *d, const struct resolve_loc *loc,
		       bool is_return, const char *arg, char ***out, size_t *n);

/** resolve_dwarf_args_free() - free @n strings from resolve_dwarf_args(). */
void resolve_dwarf_args_free(char **args, size_t n);

/* A function, as resolve_dwarf_funcs() lists it. */
struct resolve_dwarf_func {
	char *name;		/* C name, or C++ qualified name with signature */
	char *linkage;		/* symbol name when it differs, else NULL */
	char *file;		/* declared in; NULL when unknown */
	int line;
	uint64_t addr;		/* entry; 0 for inlined-only functions */
	uint64_t offset;	/* file offset of the entry */
	size_t ninlined;	/* inlined copies */
	bool clone;		/* .isra/.constprop/.part of a function */
};

/**
 * resolve_dwarf_funcs() - the functions that can be probed, whose names
 * match @glob (NULL: all), sorted by name.
 *
 * Return: 0 with *@fs (caller frees with resolve_dwarf_funcs_free()) and
 * *@n, or -errno.
 */
int resolve_dwarf_funcs(struct resolve_dwarf *d, const char *glob,
			struct resolve_dwarf_func **fs, size_t *n);

/** resolve_dwarf_funcs_free() - free @n functions from resolve_dwarf_funcs(). */
void resolve_dwarf_funcs_free(struct resolve_dwarf_func *fs, size_t n);

/* A variable in scope at a place, as resolve_dwarf_vars() lists it. */
struct resolve_dwarf_var {
	char *name;
	char *type;		/* C spelling, "const char *" */
	char *fetch;		/* "name=FETCH:TYPE" at the place; NULL if not live */
	char *why;		/* why not, and where it is live; NULL when live */
	bool param;
	bool global;
};

/**
 * resolve_dwarf_vars() - the parameters, locals and (file-)static variables
 * in scope at @loc, innermost first.
 *
 * Return: 0 with *@vs (caller frees with resolve_dwarf_vars_free()) and
 * *@n, -ENOENT (no function at @loc).
 */
int resolve_dwarf_vars(struct resolve_dwarf *d, const struct resolve_loc *loc,
		       struct resolve_dwarf_var **vs, size_t *n);

/** resolve_dwarf_vars_free() - free @n variables from resolve_dwarf_vars(). */
void resolve_dwarf_vars_free(struct resolve_dwarf_var *vs, size_t n);

/* A source line that can be probed. */
struct resolve_dwarf_line {
	char *file;
	int line;
	int relline;		/* from the function's first line */
	uint64_t addr;
	uint64_t offset;
	bool inlined;		/* from a function inlined here */
};

/**
 * resolve_dwarf_lines() - the lines of function @func (a name as
 * resolve_dwarf_place() takes it) that begin a statement, in address order.
 *
 * Return: 0 with *@ls (caller frees with resolve_dwarf_lines_free()) and
 * *@n, -ENOENT, -ENOTUNIQ.
 */
int resolve_dwarf_lines(struct resolve_dwarf *d, const char *func,
			struct resolve_dwarf_line **ls, size_t *n);

/** resolve_dwarf_lines_free() - free @n lines from resolve_dwarf_lines(). */
void resolve_dwarf_lines_free(struct resolve_dwarf_line *ls, size_t n);

/**
 * resolve_dwarf_errmsg() - the detail of the last DWARF failure in this
 * thread ("'len' is optimized out here; live in parse+4..parse+31"), or "".
 */
const char *resolve_dwarf_errmsg(void);

#endif
