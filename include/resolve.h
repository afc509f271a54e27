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

/*
 * What resolve_find() found: the file to open and, for a bare name, every
 * distinct file (by device and inode) that the name could have meant, best
 * first, so that -v can say which was picked and what else there was.
 */
struct resolve_found {
	char *path;		/* what to open and give uprobe_events: a copy of cands[0] */
	char **cands;		/* @ncands paths, best first */
	size_t ncands;
	const char *source;	/* where cands[0] came from, static text: "path",
				 * "$PATH", "ld.so.cache", "library directories",
				 * "process maps" */
};

/**
 * resolve_find() - find the file @name means, as resolve_find_path() does
 * when @pid is 0, or as process @pid sees it when @pid > 0.
 *
 * A bare name (no '/') that starts with "lib" or holds ".so" is a library:
 * "libc.so.6" exactly, "libc.so" or "libc" for "libc.so.N" (also the
 * "libc-2.31.so" of older glibc, in maps). Libraries are looked up in
 * /etc/ld.so.cache (x86-64 entries in the cache's order, which is ld.so's:
 * the first one wins), then the standard directories, then $PATH. Other
 * bare names are programs in $PATH, then libraries.
 *
 * With @pid, a bare name is first matched against the files the process
 * has mapped (/proc/PID/maps: a vendored, rpath or dlopen()ed library is
 * the one it runs), then looked up in its own root: its ld.so.cache, its
 * library directories, its $PATH (from /proc/PID/environ). An absolute
 * path is the process's path; a relative one is relative to its cwd. When
 * the process has a mount namespace or root of its own, the result is
 * "/proc/PID/root/...": the kernel resolves the path written to
 * uprobe_events in the writer's namespace (kern_path()), and that magic
 * link leads into PID's, so a container's files work from the host while
 * PID lives; the uprobe then holds the inode and outlives the path. A
 * mapped file that was deleted or replaced is "/proc/PID/map_files/A-B".
 * When PID sees the files as we do, plain paths are returned.
 *
 * Return: 0 with @f filled (caller frees with resolve_found_clear()), or
 * -ENOENT (resolve_errmsg() says where it looked), -ESRCH (no process
 * @pid), -EISDIR, -EINVAL, -ENOEXEC as for resolve_find_path(). On
 * failure @f owns nothing.
 */
int resolve_find(const char *name, int pid, struct resolve_found *f);

/** resolve_found_clear() - free what @f owns; @f itself is not freed. */
void resolve_found_clear(struct resolve_found *f);

/**
 * resolve_find_path_pid() - resolve_find() for @pid, the path alone.
 *
 * Return: a string the caller frees with free(), or NULL with errno and
 * resolve_errmsg() set.
 */
char *resolve_find_path_pid(const char *path, int pid);

/**
 * resolve_pid_objects() - every ELF file process @pid has mapped with an
 * executable mapping (program, libraries, ld.so; not [vdso]), one per
 * inode, in the order of the maps, as paths that open from here (see
 * resolve_find()). For "-p PID" with '*' as the path.
 *
 * Return: 0 with *@paths (caller frees with resolve_paths_free()) and *@n,
 * or -ESRCH, -EACCES (maps not readable) with resolve_errmsg() set.
 */
int resolve_pid_objects(int pid, char ***paths, size_t *n);

/** resolve_paths_free() - free @n paths and the array @paths. */
void resolve_paths_free(char **paths, size_t n);

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
 * is preferred. The name is for display: its control bytes are escaped as
 * resolve_escape() does.
 *
 * Return: 0 with *@name (caller frees with free()) and *@add, -ENOENT.
 */
int resolve_offset_to_symbol(struct resolve_elf *e, uint64_t off,
			     char **name, uint64_t *add);

/**
 * resolve_check_code() - whether @e holds code to probe: a file of debug
 * information only (objcopy --only-keep-debug, /usr/lib/debug/.build-id/)
 * keeps the program headers and sections of its program, without their
 * bytes (SHT_NOBITS, PT_LOADs past the end of the file).
 *
 * Return: 0, or -ENOEXEC with resolve_errmsg() set.
 */
int resolve_check_code(struct resolve_elf *e);

/**
 * resolve_check_insn() - whether @loc is the first byte of an instruction
 * of the function that holds it (x86-64), by decoding that function's
 * bytes in the file from its entry up to @loc (include/insn.h). The
 * function is @loc's symbol when @loc has its size, else the sized
 * function symbol that holds @loc->addr.
 * @before: if not NULL, the start of the instruction that holds @loc (a
 *	    virtual address, as @loc->addr)
 * @after: if not NULL, the end of that instruction
 *
 * Return: 0 (on a boundary); -EILSEQ (inside an instruction: the nearest
 * boundaries named in resolve_errmsg(), "'f+2' is inside the instruction
 * at f+0 (3 bytes): probe f+0 or f+3"); -ENOENT (no function symbol holds
 * it); -ENOEXEC (the bytes do not decode up to it); -ENOTSUP (not x86-64);
 * -ERANGE (the code is not in the file). @before and @after are written
 * for -EILSEQ and -ENOEXEC; for 0 @before is @loc, and @after is the end of
 * its instruction except at the function's entry, where nothing is decoded
 * and it is @loc too.
 */
int resolve_check_insn(struct resolve_elf *e, const struct resolve_loc *loc, uint64_t *before,
		       uint64_t *after);

/**
 * resolve_escape() - @s as it may be printed: names from a file can hold
 * any byte but NUL, and a newline or an escape sequence in a message or a
 * listing would forge or hide text. Control bytes become \n, \t, \e or
 * \xHH; what does not fit in @size bytes is cut and ends with "...".
 * @buf always ends with a NUL (when @size is not 0); the caller owns it.
 */
void resolve_escape(const char *s, char *buf, size_t size);

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
