// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the separate debug file of a file on this machine, as libdwfl's
 * find_debuginfo callback, and telling before libdwfl is started whether
 * there is any debug information to find at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elfutils/libdwelf.h>

#include "dwarf-int.h"

bool dw_debuginfod(void)
{
	const char *urls = getenv("DEBUGINFOD_URLS");

	return urls && urls[0];
}

/* Whether @fd is the debug file of @mod: the same build-id, when it has one. */
static bool same_build_id(Dwfl_Module *mod, int fd)
{
	const unsigned char *want;
	const void *have = NULL;
	GElf_Addr vaddr;
	int wlen = dwfl_module_build_id(mod, &want, &vaddr);
	ssize_t hlen;
	bool same;
	Elf *elf;

	if (wlen <= 0)
		return true;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	hlen = elf ? dwelf_elf_gnu_build_id(elf, &have) : -1;
	same = hlen == wlen && !memcmp(want, have, wlen);
	elf_end(elf);
	return same;
}

static int try_debug(Dwfl_Module *mod, const char *path, bool alt, char **name)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	/* a dwz alt file carries a build-id of its own, which libdw checks */
	if (!alt && !same_build_id(mod, fd)) {
		close(fd);
		return -1;
	}
	*name = strdup(path);
	return fd;
}

/* Where @link of the file in @dir may be: as named, beside the file, in its .debug/,
 * under /usr/lib/debug, and for a dwz alt file in /usr/lib/debug/.dwz. */
static bool link_place(char *buf, size_t len, int i, const char *dir, const char *link, bool alt)
{
	const char *base = strrchr(link, '/');

	switch (i) {
	case 0:
		return link[0] == '/' && snprintf(buf, len, "%s", link) > 0;
	case 1:
		return link[0] != '/' && snprintf(buf, len, "%s/%s", dir, link) > 0;
	case 2:
		return link[0] != '/' && snprintf(buf, len, "%s/.debug/%s", dir, link) > 0;
	case 3:
		return link[0] != '/' && snprintf(buf, len, "/usr/lib/debug%s/%s", dir, link) > 0;
	case 4:
		return alt && snprintf(buf, len, "/usr/lib/debug/.dwz/%s", base ? base + 1 : link) > 0;
	}
	return false;
}

static int find_by_link(Dwfl_Module *mod, const char *dir, const char *link, bool alt,
			char **name)
{
	char path[PATH_MAX];
	int i, fd;

	for (i = 0; i < 5; i++) {
		if (!link_place(path, sizeof(path), i, dir, link, alt))
			continue;
		fd = try_debug(mod, path, alt, name);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* @file's directory into @dir; @link, or FILE.debug (into @own) when it has none. */
static const char *dir_and_link(const char *file, const char *link, char *dir, char *own)
{
	const char *slash = strrchr(file, '/');

	snprintf(dir, PATH_MAX, "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
	if (link)
		return link;
	snprintf(own, NAME_MAX + 8, "%s.debug", slash ? slash + 1 : file);
	return own;
}

/* The debug file of @file by @link, or by FILE.debug when it has none. */
static int find_for_path(Dwfl_Module *mod, const char *file, const char *link, bool alt,
			 char **name)
{
	char dir[PATH_MAX], own[NAME_MAX + 8];

	link = dir_and_link(file, link, dir, own);
	return find_by_link(mod, dir, link, alt, name);
}

/* Whether the .gnu_debuglink @link of @file (FILE.debug without one) is in one of
 * the places find_for_path() looks. */
static bool link_exists(const char *file, const char *link)
{
	char dir[PATH_MAX], own[NAME_MAX + 8], path[PATH_MAX];
	int i;

	link = dir_and_link(file, link, dir, own);
	for (i = 0; i < 5; i++)
		if (link_place(path, sizeof(path), i, dir, link, false) && !access(path, F_OK))
			return true;
	return false;
}

/*
 * The separate debug file, found locally: by build-id under /usr/lib/debug/.build-id
 * (which also finds a dwz alt file), else by .gnu_debuglink (FILE.debug without one)
 * in the places gdb looks, for the name as given and as resolved.
 *
 * Why not dwfl_standard_find_debuginfo(): in libdw 0.188 it does the same and then,
 * whenever nothing was found, dlopen()s libdebuginfod, whether DEBUGINFOD_URLS is set
 * or not, with no switch to stop it. That loads ~28 libraries (curl, gnutls, krb5,
 * ldap): ~5 ms and 7.6 MB on every run on a file without debug information, the
 * usual case of `uprobe add -n /bin/bash:readline`. So it runs only when
 * DEBUGINFOD_URLS names a server. A debug file of a file without a build-id is
 * taken without the CRC check libdw would make.
 */
int dw_find_debuginfo(Dwfl_Module *mod, void **user, const char *modname, GElf_Addr base,
		      const char *file, const char *link, GElf_Word crc, char **name)
{
	bool alt = link && !crc;
	char *canon;
	int fd;

	if (dw_debuginfod())
		return dwfl_standard_find_debuginfo(mod, user, modname, base, file, link, crc,
						    name);
	fd = dwfl_build_id_find_debuginfo(mod, user, modname, base, file, link, crc, name);
	if (fd >= 0 || !file)
		return fd;
	fd = find_for_path(mod, file, link, alt, name);
	canon = fd < 0 ? realpath(file, NULL) : NULL;
	if (canon && strcmp(canon, file))
		fd = find_for_path(mod, canon, link, alt, name);
	free(canon);
	errno = 0;
	return fd;
}

static bool build_id_exists(const unsigned char *id, ssize_t n)
{
	char buf[PATH_MAX];
	ssize_t i;
	int len;

	if (n < 2 || n > 64)
		return false;
	len = snprintf(buf, sizeof(buf), "/usr/lib/debug/.build-id/%02x/", id[0]);
	for (i = 1; i < n; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%02x", id[i]);
	snprintf(buf + len, sizeof(buf) - len, ".debug");
	return !access(buf, F_OK);
}

/*
 * @elf has its DWARF in itself, or a debug file by build-id or .gnu_debuglink.
 * libelf and libdwelf's build-id reader only: opening it with libdw would
 * fault in its pages too.
 */
static bool debug_somewhere(Elf *elf, const char *path)
{
	const void *id = NULL;
	const char *link = NULL;
	Elf_Scn *scn = NULL;
	size_t shstr;
	bool found;
	char *canon;

	if (elf_getshdrstrndx(elf, &shstr))
		return true;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *data;

		name = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstr, sh.sh_name) : NULL;
		if (!name)
			continue;
		if (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))
			return true;
		data = strcmp(name, ".gnu_debuglink") ? NULL : elf_getdata(scn, NULL);
		if (data && data->d_size > 4 && memchr(data->d_buf, 0, data->d_size))
			link = data->d_buf;
	}
	if (build_id_exists(id, dwelf_elf_gnu_build_id(elf, &id)))
		return true;
	found = link_exists(path, link);
	canon = found ? NULL : realpath(path, NULL);
	if (canon && strcmp(canon, path))
		found = link_exists(canon, link);
	free(canon);
	return found;
}

int dw_debug_local(const char *path, unsigned int *machine)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	GElf_Ehdr eh;
	bool found;
	Elf *elf;

	*machine = EM_X86_64;
	if (fd < 0)
		return 1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && gelf_getehdr(elf, &eh))
		*machine = eh.e_machine;
	found = !elf || debug_somewhere(elf, path);
	elf_end(elf);
	close(fd);
	return found;
}
