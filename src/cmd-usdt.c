// SPDX-License-Identifier: GPL-2.0
/* uprobe usdt: the USDT markers of a file, or of every object a process maps. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "resolve.h"
#include "resolve-usdt.h"

const struct argp usdt_argp = {
	NULL, cli_args_parse, "PATH [GLOB]\n-p PID [GLOB]",
	"List the USDT markers (SystemTap SDT notes) of PATH, or with -p PID and no "
	"PATH of every object the process maps.\v"
	"Each site of a marker is a line: its file offset, provider:name, the file "
	"offset of its semaphore (or -), then each argument: the operand as the "
	"note has it and the fetch-arg it becomes, or why the kernel cannot fetch it. "
	"GLOB (fnmatch) is PROVIDER:NAME or NAME. Probe a marker with "
	"'uprobe add usdt:PATH:PROVIDER:NAME'.\n\n"
	"Examples:\n"
	"  uprobe usdt /usr/bin/python3 'function__*'\n"
	"  uprobe usdt libc\n"
	"  uprobe usdt -p 1234",
	cli_pid_children, NULL, NULL
};

struct usdt_list {
	const char *provider;	/* glob, NULL: any */
	const char *name;	/* glob */
	size_t shown;
};

static void print_args_text(const struct resolve_usdt_arg *v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		if (v[k].fetch)
			printf("    arg%zu  %-20s  %s\n", k + 1, v[k].text, v[k].fetch);
		else
			printf("    arg%zu  %-20s  (cannot be fetched: %s)\n", k + 1, v[k].text,
			       v[k].why);
	}
}

static void print_args_json(struct json_writer *w, const struct resolve_usdt_arg *v, size_t n)
{
	char name[32];
	size_t k;

	json_key(w, "args");
	json_arr_begin(w);
	for (k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "arg%zu", k + 1);
		json_obj_begin(w);
		json_str_field(w, "name", name);
		json_str_field(w, "operand", v[k].text);
		json_str_field(w, "fetch", v[k].fetch);
		json_str_field(w, "why", v[k].why);
		json_obj_end(w);
	}
	json_arr_end(w);
}

/* One site as an object of the one array the command prints, begun at the first. */
static void print_site_json(const char *path, const struct resolve_usdt_note *nt,
			    uint64_t off, uint64_t ref, const struct resolve_usdt_arg *v,
			    size_t n, struct usdt_list *l)
{
	struct json_writer *w = cli_json();

	if (!l->shown)
		json_arr_begin(w);
	json_obj_begin(w);
	json_str_field(w, "path", path);
	json_str_field(w, "provider", nt->provider);
	json_str_field(w, "name", nt->name);
	json_uint_field(w, "offset", off);
	json_uint_field(w, "address", nt->pc);
	if (ref)
		json_uint_field(w, "semaphore", ref);
	else
		json_null_field(w, "semaphore");
	print_args_json(w, v, n);
	json_obj_end(w);
}

static int print_site(struct resolve_elf *e, const char *path,
		      const struct resolve_usdt_note *nt, struct usdt_list *l)
{
	struct resolve_usdt_arg *v;
	uint64_t off, ref;
	size_t n;
	int ret = resolve_usdt_offsets(e, nt, &off, &ref);

	if (ret) {
		warn("'%s': %s", path, resolve_errmsg());
		return 0;
	}
	ret = resolve_usdt_args(e, nt->pc, nt->args, &v, &n);
	if (ret)
		return ret;
	if (g_opts.json) {
		print_site_json(path, nt, off, ref, v, n, l);
	} else {
		printf("%#10" PRIx64 "  %s:%s  ", off, nt->provider, nt->name);
		ref ? printf("semaphore %#" PRIx64 "\n", ref) : printf("semaphore -\n");
		print_args_text(v, n);
	}
	l->shown++;
	resolve_usdt_args_free(v, n);
	return 0;
}

/* The matching sites of @path; with @quiet a file without markers is no error. */
static int list_file(const char *path, struct usdt_list *l, bool quiet)
{
	struct resolve_usdt_note *notes = NULL;
	struct resolve_elf *e = resolve_open(path);
	size_t n = 0, i;
	int ret;

	if (!e) {
		if (!quiet)
			err("'%s': %s", path, resolve_errmsg());
		return quiet ? 0 : -ENOENT;
	}
	ret = resolve_usdt_read(e, &notes, &n);
	if (!ret && !n && !quiet) {
		err("'%s': no USDT markers (no .note.stapsdt)", path);
		ret = -ENOENT;
	}
	if (!ret && n && !g_opts.json && quiet)
		printf("%s:\n", path);
	for (i = 0; !ret && i < n; i++)
		if (resolve_usdt_match(&notes[i], l->provider, l->name))
			ret = print_site(e, path, &notes[i], l);
	if (ret == -ENOMEM)
		err_errno(ret, "'%s'", path);
	resolve_usdt_notes_free(notes, n);
	resolve_close(e);
	return ret;
}

static int list_pid(struct usdt_list *l)
{
	char **paths;
	size_t n, i;
	int ret = resolve_pid_objects(g_pid, &paths, &n);

	if (ret) {
		err("-p %d: %s", g_pid, resolve_errmsg());
		return ret;
	}
	for (i = 0; !ret && i < n; i++)
		ret = list_file(paths[i], l, true);
	resolve_paths_free(paths, n);
	return ret;
}

/* GLOB is PROVIDER:NAME or NAME. */
static char *split_glob(const char *glob, struct usdt_list *l)
{
	const char *colon = glob ? strchr(glob, ':') : NULL;
	char *copy;

	l->name = glob ? glob : "*";
	if (!colon)
		return NULL;
	copy = strdup(glob);
	if (!copy)
		return NULL;
	copy[colon - glob] = '\0';
	l->provider = copy;
	l->name = copy + (colon - glob) + 1;
	return copy;
}

int cmd_usdt(int argc, char **argv)
{
	struct cli_args o = { .max = 2, .form = "PATH and at most one GLOB" };
	struct usdt_list l = { 0 };
	const char *file, *glob;
	char *path = NULL, *copy;
	int ret;

	if (cli_parse(&usdt_argp, argc, argv, &o))
		return EXIT_FAIL;
	if (!o.n && !g_pid) {
		err("name the program or library, as in 'uprobe usdt /usr/bin/python3', "
		    "or a process with -p PID");
		return EXIT_USAGE;
	}
	file = o.n ? o.v[0] : NULL;
	glob = o.n > 1 ? o.v[1] : NULL;
	/* -p PID GLOB: a lone argument that looks like a glob is one */
	if (g_pid && o.n == 1 && strpbrk(file, "*?[:")) {
		glob = file;
		file = NULL;
	}
	copy = split_glob(glob, &l);
	if (glob && strchr(glob, ':') && !copy) {
		err_errno(-ENOMEM, "'%s'", glob);
		return EXIT_FAIL;
	}
	if (file) {
		path = cli_find(file, g_pid);
		ret = path ? list_file(path, &l, false) : -ENOENT;
	} else {
		ret = list_pid(&l);
	}
	if (g_opts.json && l.shown)
		json_arr_end(cli_json());
	if (!ret && !l.shown && !file && !glob)
		err("no object that process %d maps has USDT markers", g_pid);
	else if (!ret && !l.shown)
		err("no marker matches '%s'", glob);
	free(copy);
	free(path);
	return ret ? EXIT_FAIL : l.shown ? EXIT_OK : EXIT_FAIL;
}
