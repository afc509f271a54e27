// SPDX-License-Identifier: GPL-2.0
/* uprobe list: every uprobe event, with where it points, state and hits. */
#include <argp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "resolve.h"
#include "tfs.h"

const struct argp list_argp = {
	NULL, cli_args_parse, "[PATTERN...]",
	"List uprobe events: every one on the system, or those matching a "
	"PATTERN (GRP/EVENT or EVENT, globs allowed).\v"
	"Columns: GROUP/EVENT, TYPE (p entry, r return), PATH:OFFSET (a file "
	"offset), the SYMBOL+OFF it maps back to, STATE (enabled at the top "
	"level or in any instance), HITS (from uprobe_profile), and the "
	"fetch-args.",
	cli_children, NULL, NULL
};

/* The symbol each event points into, and where in it; files opened once each */
struct list_sym {
	char *name;	/* NULL: not known */
	uint64_t add;
};

static struct list_sym *symbols_of(struct tfs_event *ev, const size_t *sel, size_t n)
{
	struct list_sym *sym = calloc(n ? n : 1, sizeof(*sym));
	struct resolve_elf *e = NULL;
	const char *open_path = NULL;
	size_t i;

	for (i = 0; sym && i < n; i++) {
		const struct probe *p = ev[sel[i]].probe;

		if (!open_path || strcmp(open_path, p->path) != 0) {
			resolve_close(e);
			e = resolve_open(p->path);
			open_path = p->path;
		}
		if (e && resolve_offset_to_symbol(e, p->offset, &sym[i].name, &sym[i].add))
			sym[i].name = NULL;
	}
	resolve_close(e);
	return sym;
}

static void print_event_json(struct json_writer *w, const struct tfs_event *t,
			     const struct list_sym *sym)
{
	const struct probe *p = t->probe;

	json_obj_begin(w);
	cli_json_probe_head(w, p);
	json_str_field(w, "symbol", sym ? sym->name : NULL);
	if (sym && sym->name)
		json_uint_field(w, "symbol_offset", sym->add);
	else
		json_null_field(w, "symbol_offset");
	if (p->has_ref_ctr)
		json_uint_field(w, "ref_ctr_offset", p->ref_ctr_offset);
	else
		json_null_field(w, "ref_ctr_offset");
	cli_json_probe_args(w, p);
	json_bool_field(w, "enabled", t->enabled);
	json_uint_field(w, "hits", t->hits);
	json_obj_end(w);
}

static void print_json(struct tfs_event *ev, const size_t *sel, size_t n,
		       const struct list_sym *sym)
{
	size_t i;

	json_arr_begin(cli_json());
	for (i = 0; i < n; i++)
		print_event_json(cli_json(), &ev[sel[i]], sym ? &sym[i] : NULL);
	json_arr_end(cli_json());
}

/* SYMBOL+OFF of event @i, or "-" */
static const char *sym_text(const struct list_sym *sym, size_t i, char *buf, size_t len)
{
	if (!sym || !sym[i].name)
		return "-";
	snprintf(buf, len, "%s+%" PRIu64, sym[i].name, sym[i].add);
	return buf;
}

static void print_text(struct tfs_event *ev, const size_t *sel, size_t n,
		       const struct list_sym *sym)
{
	int wname = 11, wplace = 11, wsym = 6;
	char place[4200], sbuf[4200];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct probe *p = ev[sel[i]].probe;
		int l = (int)(strlen(p->group) + strlen(p->event) + 1);

		if (l > wname)
			wname = l;
		l = snprintf(place, sizeof(place), "%s:0x%" PRIx64, p->path, p->offset);
		if (l > wplace)
			wplace = l;
		l = (int)strlen(sym_text(sym, i, sbuf, sizeof(sbuf)));
		if (l > wsym)
			wsym = l;
	}
	printf("%-*s TYPE %-*s %-*s STATE    %8s ARGS\n", wname, "GROUP/EVENT",
	       wplace, "PATH:OFFSET", wsym, "SYMBOL", "HITS");
	for (i = 0; i < n; i++) {
		const struct tfs_event *t = &ev[sel[i]];
		const struct probe *p = t->probe;
		char name[2 * PROBE_MAX_EVENT_NAME + 2];
		size_t k;

		snprintf(name, sizeof(name), "%s/%s", p->group, p->event);
		snprintf(place, sizeof(place), "%s:0x%" PRIx64, p->path, p->offset);
		printf("%-*s %-4s %-*s %-*s %-8s %8lu", wname, name,
		       p->kind == PROBE_RETURN ? "r" : "p", wplace, place, wsym,
		       sym_text(sym, i, sbuf, sizeof(sbuf)),
		       t->enabled ? "enabled" : "disabled", t->hits);
		for (k = 0; k < p->nargs; k++) {
			char *a = probe_format_arg(&p->args[k]);

			printf(" %s", a ? a : "?");
			free(a);
		}
		putchar('\n');
	}
}

int cmd_list(int argc, char **argv)
{
	struct cli_args o = { 0 };
	struct tfs_event *ev = NULL;
	size_t n = 0, nsel = 0, i;
	size_t *sel = NULL;
	struct list_sym *sym = NULL;
	int ret, status = EXIT_FAIL;

	if (cli_parse(&list_argp, argc, argv, &o))
		return EXIT_FAIL;
	tfs_hold();	/* instances/ and their set_event read once for all three */
	tfs_reap_instances();	/* a killed stream's events are enabled no more */
	tfs_reap_groups(TFS_TRACE_GROUP_PREFIX);	/* and a killed trace's are gone */
	ret = tfs_events(&ev, &n);
	tfs_release();
	if (ret) {
		err_errno(ret, "reading uprobe_events");
		return EXIT_FAIL;
	}
	/* list is a filter: a pattern matching nothing is no error */
	sel = calloc(n ? n : 1, sizeof(*sel));
	if (!sel)
		goto out_free;
	for (i = 0; i < n; i++) {
		const struct probe *p = ev[i].probe;
		size_t j;
		bool hit = o.n == 0;

		for (j = 0; j < o.n && !hit; j++)
			hit = tfs_match(o.v[j], NULL, p->group, p->event);
		if (hit)
			sel[nsel++] = i;
	}
	sym = symbols_of(ev, sel, nsel);
	if (g_opts.json)
		print_json(ev, sel, nsel, sym);
	else if (nsel)
		print_text(ev, sel, nsel, sym);
	status = EXIT_OK;
out_free:
	for (i = 0; sym && i < nsel; i++)
		free(sym[i].name);
	free(sym);
	free(sel);
	tfs_events_free(ev, n);
	return status;
}
