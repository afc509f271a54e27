/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DWARF resolver (libdw, libdwfl). With debug information (in the file,
 * through .gnu_debuglink, under /usr/lib/debug, or from debuginfod when
 * DEBUGINFOD_URLS is set): source lines, inlined copies, clones and C++
 * names as places, and variables by name as fetch-args. Addresses here are
 * the file's virtual addresses, as in struct resolve_loc; the probe always
 * goes on the file itself, never on its debug file.
 */
#ifndef UPROBE_RESOLVE_DWARF_H
#define UPROBE_RESOLVE_DWARF_H

#include "resolve.h"

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
 * resolve_dwarf_prologue() - where a probe at a function's entry @loc that
 * fetches @args (@nargs fetch-args as typed; those that name no variable
 * are ignored) goes. It stays at the entry, where it sees every call and
 * parameters are read where the caller passed them, when every variable in
 * @args can be fetched there. Otherwise (a local, a parameter the entry
 * cannot give) @loc moves to the end of the prologue as
 * dwarf_entry_breakpoints() finds it, if everything can be fetched there;
 * else it stays, and resolve_dwarf_args() says why at the entry.
 *
 * Return: 0 (@loc moved or not), -ENOENT (no function there).
 */
int resolve_dwarf_prologue(struct resolve_dwarf *d, struct resolve_loc *loc,
			   char *const *args, size_t nargs);

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
