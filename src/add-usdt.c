// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe add usdt:PATH:[PROVIDER:]NAME: the sites of USDT markers, one
 * event per marker and a probe per site (a marker used twice is two
 * notes), each with its semaphore as (REF_CTR_OFFSET) and its operands as
 * fetch-args arg1..argN, or as the user's 'NAME=argN[:TYPE]'.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "add.h"
#include "cli.h"
#include "probe.h"
#include "resolve.h"
#include "resolve-usdt.h"

struct add_usdt {
	struct resolve_usdt_target t;
	struct resolve_usdt_note *notes;
	size_t n;
	size_t *sel;		/* per place: its note */
	const struct resolve_usdt_note **site;	/* per place: its note, as a pointer */
};

static bool same_marker(const struct resolve_usdt_note *a, const struct resolve_usdt_note *b)
{
	return !strcmp(a->provider, b->provider) && !strcmp(a->name, b->name);
}

static void select_failed(const struct add_opts *o, const struct add_run *r, int ret)
{
	const struct add_usdt *u = r->usdt;

	if (ret == -ENOTUNIQ) {
		err("'%s': providers '%s' and '%s' both have a marker '%s'", o->target,
		    u->notes[u->sel[0]].provider, u->notes[u->sel[1]].provider,
		    u->notes[u->sel[0]].name);
		note("hint: name one, as usdt:%s:%s:%s", u->t.path, u->notes[u->sel[0]].provider,
		     u->notes[u->sel[0]].name);
	} else if (ret == -E2BIG) {
		err("'%s' matches more than %zu marker sites: raise --max-probes or narrow it",
		    o->target, o->max_probes);
	} else {
		err("'%s': no marker matches in %s", o->target, r->path);
		note("hint: list them with: uprobe usdt %s", u->t.path);
	}
}

/* -e names one marker; a guarded marker needs the kernel's reference counters. */
static int check_sites(const struct add_opts *o, const struct add_run *r)
{
	const struct add_usdt *u = r->usdt;
	size_t i;

	for (i = 1; o->event && i < r->nlocs; i++) {
		if (!same_marker(u->site[i], u->site[0])) {
			err("-e names one event; '%s' matches several markers", o->target);
			return EXIT_FAIL;
		}
	}
	for (i = 0; i < r->nlocs; i++) {
		if (u->site[i]->semaphore && !r->feat.ref_ctr) {
			err("'%s': marker %s:%s is guarded by a semaphore, and this kernel's "
			    "uprobe_events takes no (REF_CTR_OFFSET)", o->target,
			    u->site[i]->provider, u->site[i]->name);
			note("the marker would never fire: the program only reaches it while "
			     "the semaphore is raised (Linux 4.20 and later do that)");
			return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

/* The places: one per site of every marker that matches. */
static int usdt_places(struct add_opts *o, struct add_run *r)
{
	struct add_usdt *u = r->usdt;
	size_t max = o->max_probes < u->n ? o->max_probes : u->n, i;
	int ret;

	u->sel = calloc(max > 2 ? max : 2, sizeof(*u->sel));
	if (!u->sel)
		return -ENOMEM;
	/* a glob for NAME alone means every provider's, as bpftrace has it */
	ret = resolve_usdt_select(u->notes, u->n, u->t.provider ? u->t.provider :
				  strpbrk(u->t.name, "*?[") ? "*" : NULL, u->t.name, u->sel,
				  max > 2 ? max : 2, &r->nlocs);
	if (!ret && r->nlocs > max)
		ret = -E2BIG;
	if (ret) {
		select_failed(o, r, ret);
		return ret;
	}
	r->locs = calloc(r->nlocs, sizeof(*r->locs));
	u->site = calloc(r->nlocs, sizeof(*u->site));
	if (!r->locs || !u->site)
		return -ENOMEM;
	for (i = 0; i < r->nlocs; i++) {
		const struct resolve_usdt_note *nt = &u->notes[u->sel[i]];
		struct resolve_loc *loc = &r->locs[i];
		uint64_t ref;

		u->site[i] = nt;
		loc->addr = nt->pc;
		if (resolve_usdt_offsets(r->e, nt, &loc->offset, &ref)) {
			err("'%s': %s", r->path, resolve_errmsg());
			return -ERANGE;
		}
		if (asprintf(&loc->symbol, "%s:%s", nt->provider, nt->name) < 0) {
			loc->symbol = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

int add_usdt_open(struct add_opts *o, struct add_run *r)
{
	struct add_usdt *u = calloc(1, sizeof(*u));
	int ret;

	r->usdt = u;
	if (!u || resolve_usdt_parse_target(o->target, &u->t)) {
		err("'%s': %s", o->target, u ? resolve_errmsg() : "out of memory");
		note("hint: TARGET is usdt:PATH:PROVIDER:NAME or usdt:PATH:NAME");
		return EXIT_USAGE;
	}
	if (o->ret) {
		err("'%s': a USDT marker has no return: probe a function with -r", o->target);
		return EXIT_FAIL;
	}
	r->path = cli_find(u->t.path, g_pid);
	if (!r->path)
		return EXIT_FAIL;
	r->e = resolve_open(r->path);
	if (!r->e) {
		err("'%s': %s", r->path, resolve_errmsg());
		return EXIT_FAIL;
	}
	ret = resolve_usdt_read(r->e, &u->notes, &u->n);
	if (ret) {
		err_errno(ret, "'%s': reading the stapsdt notes", r->path);
		return EXIT_FAIL;
	}
	if (!u->n) {
		err("'%s': no USDT markers (no .note.stapsdt)", r->path);
		return EXIT_FAIL;
	}
	ret = usdt_places(o, r);
	if (ret == -ENOMEM)
		err_errno(ret, "'%s'", o->target);
	return ret ? EXIT_FAIL : check_sites(o, r);
}

/* "[NAME=]argN[:TYPE]": *@idx is N - 1, *@type NULL without one. */
static bool arg_ref(const char *tok, const char **body, size_t *idx, const char **type)
{
	const char *eq = strchr(tok, '='), *s;
	char *end;
	unsigned long n;

	*body = eq ? eq + 1 : tok;
	if (strncmp(*body, "arg", 3) || (*body)[3] < '1' || (*body)[3] > '9')
		return false;
	s = *body + 3;
	n = strtoul(s, &end, 10);
	if (*end && *end != ':')
		return false;
	*idx = n - 1;
	*type = *end ? end + 1 : NULL;
	return true;
}

/* The kernel's text for operand @a as NAME=FETCH:TYPE, a string through its pointer. */
static char *arg_text(const char *name, size_t nlen, const struct resolve_usdt_arg *a,
		      const char *type, const char **why)
{
	size_t blen = strrchr(a->fetch, ':') - a->fetch;
	bool str = type && (!strcmp(type, "string") || !strcmp(type, "ustring"));
	char *s;

	if (str && a->op.kind == RESOLVE_USDT_IMM) {
		*why = "it is a constant, not the address of a string";
		return NULL;
	}
	if (asprintf(&s, "%.*s=%s%.*s%s:%s", (int)nlen, name, str ? "+0(" : "", (int)blen,
		     a->fetch, str ? ")" : "", type ? type : a->fetch + blen + 1) < 0)
		return NULL;
	return s;
}

/* The user's 'NAME=argN:TYPE' for the site's operands into kernel text, or as typed. */
static char *user_arg(const char *tok, const struct resolve_usdt_arg *v, size_t n,
		      const struct resolve_usdt_note *nt)
{
	const char *body, *type, *why = NULL;
	char def[32], *s;
	size_t idx;

	if (!arg_ref(tok, &body, &idx, &type))
		return strdup(tok);
	if (idx >= n) {
		err("'%s': marker %s:%s has %zu argument%s", tok, nt->provider, nt->name, n,
		    n == 1 ? "" : "s");
		return NULL;
	}
	if (!v[idx].fetch) {
		err("'%s': argument %zu of %s:%s ('%s') cannot be fetched: %s", tok, idx + 1,
		    nt->provider, nt->name, v[idx].text, v[idx].why);
		return NULL;
	}
	snprintf(def, sizeof(def), "arg%zu", idx + 1);
	s = body == tok ? arg_text(def, strlen(def), &v[idx], type, &why)
			: arg_text(tok, body - 1 - tok, &v[idx], type, &why);
	if (!s && why)
		err("'%s': argument %zu of %s:%s ('%s') as %s: %s", tok, idx + 1, nt->provider,
		    nt->name, v[idx].text, type, why);
	else if (!s)
		err_errno(-ENOMEM, "'%s'", tok);
	return s;
}

static int one_arg(struct probe *p, char *text, const char *tok, const struct add_run *r)
{
	struct probe_error perr = { 0 };
	int ret;

	if (!text)
		return -EINVAL;
	verbose("'%s' -> '%s'", tok, text);
	ret = probe_add_arg(p, text, &r->feat, &perr);
	if (ret == -EINVAL) {
		err_caret(text, perr.pos, perr.msg);
		if (strcmp(text, tok))
			note("from '%s'", tok);
	} else if (ret) {
		err_errno(ret, "'%s'", tok);
	}
	free(text);
	return ret;
}

/* Every operand the kernel can fetch as argN; the others left out with a warning. */
static int implicit_args(struct probe *p, const struct resolve_usdt_arg *v, size_t n,
			 const struct add_run *r, size_t site, const char *target)
{
	const struct resolve_usdt_note *nt = r->usdt->site[site];
	char name[32];
	size_t k;
	int ret = 0;

	for (k = 0; k < n && !ret; k++) {
		snprintf(name, sizeof(name), "arg%zu", k + 1);
		if (v[k].fetch) {
			ret = one_arg(p, arg_text(name, strlen(name), &v[k], NULL, NULL),
				      target, r);
			continue;
		}
		warn("%s:%s at 0x%" PRIx64 ": %s ('%s') left out: %s", nt->provider, nt->name,
		     r->locs[site].offset, name, v[k].text, v[k].why);
	}
	return ret;
}

/* The site's fetch-args onto @p; *@from as add-probe.c keeps it. */
static int site_args(struct add_opts *o, struct add_run *r, size_t site, struct probe *p,
		     const char ***from)
{
	const struct resolve_usdt_note *nt = r->usdt->site[site];
	struct resolve_usdt_arg *v;
	size_t n, i;
	int ret = resolve_usdt_args(r->e, nt->pc, nt->args, &v, &n);

	if (ret) {
		err_errno(ret, "'%s'", o->target);
		return ret;
	}
	if (!o->nargs)
		ret = implicit_args(p, v, n, r, site, o->target);
	for (i = 0; i < o->nargs && !ret; i++)
		ret = one_arg(p, user_arg(o->args[i], v, n, nt), o->args[i], r);
	resolve_usdt_args_free(v, n);
	*from = calloc(p->nargs ? p->nargs : 1, sizeof(**from));
	if (!ret && !*from)
		ret = -ENOMEM;
	for (i = 0; !ret && i < p->nargs; i++)
		(*from)[i] = o->nargs ? o->args[i] : o->target;
	return ret;
}

/* The event of site @k: an earlier site's of the same marker, else a new name. */
static int site_event(struct add_opts *o, struct add_run *r, size_t k, char *buf, size_t len)
{
	const struct add_usdt *u = r->usdt;
	size_t j;

	for (j = 0; j < k; j++) {
		if (same_marker(u->site[j], u->site[k])) {
			snprintf(buf, len, "%s", r->probes[j]->event);
			return 0;
		}
	}
	if (o->event) {
		snprintf(buf, len, "%s", o->event);
		return 0;
	}
	if (probe_event_name(u->site[k]->name, false, buf, len)) {
		err("cannot make an event name from '%s'", u->site[k]->name);
		note("hint: name it with -e EVENT");
		return -EINVAL;
	}
	return add_unique_name(o, r->probes, k, buf, len);
}

static struct probe *site_probe(struct add_opts *o, struct add_run *r, size_t k)
{
	const struct resolve_usdt_note *nt = r->usdt->site[k];
	char name[PROBE_MAX_EVENT_NAME];
	struct probe_error perr = { 0 };
	struct probe *p;
	uint64_t off, ref;

	if (site_event(o, r, k, name, sizeof(name)))
		return NULL;
	p = probe_new(PROBE_ENTRY);
	if (!p || probe_set(&p->group, o->group ? o->group : PROBE_DEFAULT_GROUP) ||
	    probe_set(&p->event, name) || probe_set(&p->path, r->path)) {
		err_errno(-ENOMEM, "building the probe");
		probe_free(p);
		return NULL;
	}
	resolve_usdt_offsets(r->e, nt, &off, &ref);
	p->offset = off;
	p->has_ref_ctr = ref != 0;
	p->ref_ctr_offset = ref;
	if (site_args(o, r, k, p, &r->from[k])) {
		probe_free(p);
		return NULL;
	}
	if (probe_validate(p, &r->feat, &perr)) {
		err("'%s': %s", o->target, perr.msg);
		probe_free(p);
		return NULL;
	}
	return p;
}

int add_usdt_build(struct add_opts *o, struct add_run *r)
{
	if (add_alloc_probes(r))
		return EXIT_FAIL;
	for (r->n = 0; r->n < r->nlocs; r->n++) {
		r->probes[r->n] = site_probe(o, r, r->n);
		if (!r->probes[r->n]) {
			free(r->from[r->n]);
			return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

void add_usdt_free(struct add_run *r)
{
	struct add_usdt *u = r->usdt;

	if (!u)
		return;
	resolve_usdt_target_clear(&u->t);
	resolve_usdt_notes_free(u->notes, u->n);
	free(u->sel);
	free(u->site);
	free(u);
	r->usdt = NULL;
}
