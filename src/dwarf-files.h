/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file names of a CU's line table header, without its line program:
 * what DW_AT_decl_file means. libdw 0.188's dwarf_decl_file() reads and
 * sorts every line of the CU for that (a fifth of `uprobe funcs`' time).
 */
#ifndef UPROBE_DWARF_FILES_H
#define UPROBE_DWARF_FILES_H

#include <elfutils/libdw.h>

struct dw_file {
	const char *name;	/* as the header has it; NULL: file 0 before DWARF 5 */
	uint64_t dir;
};

/* One CU's file names at a time; zeroed to start, dw_files_free() at the end. */
struct dw_files {
	Dwarf_CU *cu;		/* whose names these are */
	struct dw_file *files;	/* by DW_AT_decl_file */
	size_t n, cap;
	const char **dirs;
	size_t ndirs, dcap;
	char *joined;		/* the last name asked for, with its directory */
	bool failed;		/* the header could not be read: libdw's way */
	Elf_Data *line, *line_str, *str;
	bool secs_read;
};

/*
 * dw_decl_file() - the file a DIE is declared in, as dwarf_decl_file() says it
 * (the same string: directory joined as libdw joins it). The string belongs
 * to @c (or to libdw) and lives until the next call or dw_files_free().
 */
const char *dw_decl_file(struct dw_files *c, Dwarf *dw, Dwarf_Die *die);

void dw_files_free(struct dw_files *c);

#endif
