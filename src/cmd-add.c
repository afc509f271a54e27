// SPDX-License-Identifier: GPL-2.0
/* uprobe add: describe the probes in memory, validate them, then apply.
 * Here: the options, the places, the kernel and the output; add-probe.c
 * builds the probes. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "add.h"
#include "cli.h"
#include "json.h"
#include "probe.h"
#include "resolve.h"
#include "resolve-dwarf.h"
#include "resolve-usdt.h"
#include "tfs.h"
#include "util.h"

enum { OPT_MAX_PROBES = 0x100, OPT_NO_INLINES, OPT_FORCE };

static const struct argp_option add_options[] = {
	{ "group", 'g', "GRP", 0, "Put the events in group GRP (default: uprobes)", 0 },
	{ "event", 'e', "EVENT", 0, "Name the event EVENT (default: from the symbol); "
	  "an existing EVENT gets one more probe", 0 },
	{ "return", 'r', NULL, 0, "Probe the function's return (as SYMBOL%return)", 0 },
	{ "dry-run", 'n', NULL, 0, "Print the definitions; write nothing", 0 },
	{ "max-probes", OPT_MAX_PROBES, "N", 0, "At most N probes from one glob (default 256)", 0 },
	{ "no-inlines", OPT_NO_INLINES, NULL, 0, "Do not probe the inlined copies of a function", 0 },
	{ "force", OPT_FORCE, NULL, 0, "Probe even where no instruction is known to start "
	  "(the probe can crash the program)", 0 },
	{ 0 }
};

static void check_name(struct argp_state *state, const char *what, const char *arg)
{
	const char *why = probe_name_why(arg, what[0] == 'g');

	if (why)
		argp_error(state, "'%s' is not a valid %s name (%s)", arg, what, why);
}

static error_t add_parse(int key, char *arg, struct argp_state *state)
{
	struct add_opts *o = state->input;

	switch (key) {
	case 'g':
		check_name(state, "group", arg);
		o->group = arg;
		break;
	case 'e':
		check_name(state, "event", arg);
		o->event = arg;
		break;
	case 'r':
		o->ret = true;
		break;
	case 'n':
		o->dry_run = true;
		g_needs_tracefs = false;
		break;
	case OPT_NO_INLINES:
		o->no_inlines = true;
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_MAX_PROBES:
		o->max_probes = cli_num(state, "--max-probes", arg, 1, SIZE_MAX);
		break;
	case ARGP_KEY_END:
		o->target = o->pos.v[0];
		o->args = o->pos.v + 1;
		o->nargs = o->pos.n - 1;
		/* "--" after TARGET, as was needed before a fetch-arg such as
		 * '-8(%sp)' when options came after TARGET too */
		if (o->nargs && strcmp(o->args[0], "--") == 0) {
			o->args++;
			o->nargs--;
		}
		break;
	default:
		return cli_args_key(&o->pos, key, arg, state);
	}
	return 0;
}

const struct argp add_argp = {
	add_options, add_parse, "TARGET [FETCHARG...]",
	"Add uprobe events.\v"
	"Options come before TARGET; every word after it is a FETCHARG. "
	"TARGET is PATH:SYMBOL, PATH:SYMBOL+OFF, PATH:SYMBOL%return, "
	"PATH:0xFILEOFFSET, PATH:'GLOB' or usdt:PATH:[PROVIDER:]NAME (a USDT "
	"marker; FETCHARG NAME=argN[:TYPE] names its arguments). PATH may be a "
	"program name looked up in $PATH or a library's short name (libc); with "
	"-p PID, as that process sees it, and '*' is every object it maps. "
	"FETCHARG is [NAME=]FETCH[:TYPE] as in the kernel's "
	"uprobetracer: %REG, @ADDR, @+OFF, $stack, $stackN, $retval, $comm, "
	"+|-[u]OFF(FETCH), \\IMM, \\\"STR\" with types u8..u64, s8..s64, "
	"x8..x64, char, string, ustring, b<W>@<O>/<C> and TYPE[N].\n\n"
	"Examples:\n"
	"  uprobe add /bin/bash:readline %di\n"
	"  uprobe add -r bash:readline '+0($retval):string'\n"
	"  uprobe add -n ./app:'parse_*'\n"
	"  uprobe add usdt:python3:python:function__entry 'func=arg2:string'\n"
	"  uprobe add -p 1234 '*:malloc'",
	cli_pid_children, NULL, NULL
};

/* DWARF: a source line, FUNC:RELLINE, or a C++ name with scopes or a signature. */
static bool dwarf_target(const struct resolve_target *t)
{
	return t->symbol && (strchr(t->symbol, ':') || strchr(t->symbol, '('));
}

static bool dwarf_args(const struct add_opts *o, bool ret)
{
	size_t i;

	for (i = 0; i < o->nargs; i++)
		if (resolve_dwarf_is_expr(o->args[i], ret))
			return true;
	return false;
}

/* Only what reads the DWARF opens it: a function by name may have inlined copies,
 * while SYMBOL+OFF and a plain glob go by the symbol table. */
static bool dwarf_needed(const struct add_opts *o, const struct resolve_target *t)
{
	if (dwarf_target(t) || dwarf_args(o, o->ret || t->is_return))
		return true;
	return !t->add && (!t->glob || strstr(t->symbol, "::"));
}

/* Places from the debug information: source lines, C++ names, clones and
 * inlined copies; -ENOENT lets the symbol table have a go. */
static int locate_dwarf(struct add_opts *o, struct resolve_target *t, bool ret,
			struct resolve_loc **locs, size_t *n)
{
	unsigned int flags = (o->no_inlines ? RESOLVE_DWARF_NO_INLINES : 0) |
			     (ret ? RESOLVE_DWARF_RETURN : 0);
	int r;

	if (!o->dw || t->raw || t->add || (t->glob && !dwarf_target(t) && !strstr(t->symbol, "::")))
		return -ENOENT;
	r = resolve_dwarf_place(o->dw, t->symbol, flags, o->max_probes, locs, n);
	if (r == -ENOENT && !dwarf_target(t) && !t->glob)
		return r;
	o->dw_place = true;
	o->one_event = !t->glob;
	o->dw_name = t->symbol;
	return r;
}

/* Where the probes go: one location, or one per match of a glob. */
static int locate(struct add_opts *o, struct resolve_target *t,
		  struct resolve_elf *e, struct resolve_loc **locs, size_t *n)
{
	int ret = locate_dwarf(o, t, o->ret || t->is_return, locs, n);

	if (ret != -ENOENT || o->dw_place)
		return ret;
	if (t->glob)
		return resolve_glob(e, t->symbol, o->max_probes, locs, n);
	*locs = calloc(1, sizeof(**locs));
	if (!*locs)
		return -ENOMEM;
	*n = 1;
	if (t->raw)
		ret = resolve_offset(e, t->raw_offset, *locs);
	else
		ret = resolve_symbol(e, t->symbol, t->add, *locs);
	if (ret) {
		free(*locs);
		*locs = NULL;
		*n = 0;
	}
	return ret;
}

static void resolve_failed(struct add_opts *o, int ret)
{
	const char *why = o->dw_place ? resolve_dwarf_errmsg() : resolve_errmsg();

	if (ret == -E2BIG)
		err("'%s' matches more than %zu functions: %s", o->target,
		    o->max_probes, why[0] ? why : "raise --max-probes or narrow the glob");
	else if (why[0])
		err("'%s': %s", o->target, why);
	else
		err_errno(ret, "'%s'", o->target);
}

static void print_text(const struct add_opts *o, const struct probe *p,
		       const struct resolve_loc *loc)
{
	char *line, *cxx;

	if (!o->dry_run && loc->symbol) {
		char name[512];

		cxx = resolve_demangle(loc->symbol);
		resolve_escape(cxx ? cxx : loc->symbol, name, sizeof(name));
		free(cxx);
		printf("added %s/%s on %s+%" PRIu64 " in %s (offset 0x%" PRIx64 ")\n",
		       p->group, p->event, name, loc->add, p->path, p->offset);
		return;
	}
	if (!o->dry_run) {
		printf("added %s/%s at offset 0x%" PRIx64 " in %s\n",
		       p->group, p->event, p->offset, p->path);
		return;
	}
	line = probe_format(p);
	printf("%s\n", line ? line : "");
	free(line);
}

static void print_json(struct json_writer *w, const struct add_opts *o, const struct probe *p,
		       const struct resolve_loc *loc, size_t event_probes)
{
	char *line = probe_format(p);

	json_obj_begin(w);
	cli_json_probe_head(w, p);
	json_str_field(w, "symbol", loc->symbol);
	json_uint_field(w, "symbol_offset", loc->add);
	cli_json_probe_args(w, p);
	json_str_field(w, "definition", line);
	json_bool_field(w, "added", !o->dry_run);
	json_uint_field(w, "event_probes", event_probes);
	json_obj_end(w);
	free(line);
}

static struct probe *const *by_event_probes;

static int cmp_event(const void *a, const void *b)
{
	const struct probe *p = by_event_probes[*(const size_t *)a];
	const struct probe *q = by_event_probes[*(const size_t *)b];

	return strcmp(p->event, q->event);
}

/* For each probe, how many of the batch (one group) share its event; NULL
 * when out of memory. Returns the number of events in *@nevents. */
static size_t *event_counts(struct probe *const *probes, size_t n, size_t *nevents)
{
	size_t *idx = calloc(n ? n : 1, sizeof(*idx)), *cnt = calloc(n ? n : 1, sizeof(*cnt));
	size_t i, j, k;

	*nevents = n;
	if (!idx || !cnt) {
		free(idx);
		free(cnt);
		return NULL;
	}
	for (i = 0; i < n; i++)
		idx[i] = i;
	by_event_probes = probes;
	qsort(idx, n, sizeof(*idx), cmp_event);
	for (i = 0, *nevents = 0; i < n; i = j, ++*nevents) {
		for (j = i + 1; j < n && cmp_event(&idx[i], &idx[j]) == 0; j++)
			;
		for (k = i; k < j; k++)
			cnt[idx[k]] = j - i;
	}
	free(idx);
	return cnt;
}

static void print_added(const struct add_opts *o, struct probe *const *probes,
			const struct resolve_loc *locs, size_t n)
{
	size_t nev, *cnt = event_counts(probes, n, &nev), i;

	if (g_opts.json) {
		json_arr_begin(cli_json());
		for (i = 0; i < n; i++)
			print_json(cli_json(), o, probes[i], &locs[i], cnt ? cnt[i] : 1);
		json_arr_end(cli_json());
		free(cnt);
		return;
	}
	free(cnt);
	for (i = 0; i < n; i++)
		print_text(o, probes[i], &locs[i]);
	if (o->dry_run || !n)
		return;	/* the definitions alone, for uprobe_events */
	if (n > 1 && nev == 1)
		printf("%s/%s is one event of %zu probes\n", probes[0]->group,
		       probes[0]->event, n);
	printf("stream it with: uprobe stream '%s/%s'\n", probes[0]->group,
	       nev > 1 ? "*" : probes[0]->event);
}

static volatile sig_atomic_t add_signal;

static void on_signal(int sig)
{
	add_signal = sig;
}

/* A batch is whole or absent: the signals that end a process by default
 * only stop the batch, which tfs_add() then takes back. */
static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct sigaction old;

		/* one ignored (nohup, a background job) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
	tfs_set_stop(&add_signal);
}

static bool add_locked, add_held;

/* Names are chosen and written under the lock, so that concurrent adds
 * into one group do not both take a free name (the kernel would merge
 * their probes into one event). */
static int add_lock(void)
{
	int ret;

	catch_signals();
	ret = tfs_lock();
	if (ret == -EINTR) {
		err("interrupted (%s): nothing was added", strsignal(add_signal));
		return EXIT_FAIL;
	}
	if (ret)
		verbose("no lock against other uprobe processes: %s", strerror(-ret));
	add_locked = !ret;
	/* the names taken read once, uprobe_events opened once: tfs_hold() */
	add_held = !tfs_hold();
	return EXIT_OK;
}

static void rolled_back(size_t added, size_t kept)
{
	if (kept)
		warn("%zu of the %zu probe%s added before it could not be removed again: "
		     "remove them with uprobe del", kept, added, added > 1 ? "s" : "");
	else if (added)
		note("the %zu probe%s added before it %s removed again: nothing was added",
		     added, added > 1 ? "s" : "", added > 1 ? "were" : "was");
}

static int apply(struct add_opts *o, struct probe **probes, size_t n,
		 const char ***from)
{
	struct tfs_batch b;
	int ret = tfs_add(probes, n, &b);
	char *line;

	if (!ret)
		return 0;
	if (ret == -EINTR && add_signal) {
		if (b.failed)
			err("interrupted (%s) after %zu of %zu probes", strsignal(add_signal),
			    b.failed, n);
		else
			err("interrupted (%s): nothing was added", strsignal(add_signal));
		rolled_back(b.failed, b.kept);
		return ret;
	}
	line = probe_format(probes[b.failed]);
	if (line)
		err_kernel(ret, line, o->target, from[b.failed], probes[b.failed]->nargs);
	free(line);
	rolled_back(b.failed, b.kept);
	return ret;
}

/* The target parsed, its file found and opened; returns the exit status. */
int add_open(struct add_opts *o, struct add_run *r)
{
	struct resolve_target *t = &r->t;

	if (resolve_usdt_is_target(o->target))
		return add_usdt_open(o, r);
	if (resolve_parse_target(o->target, t)) {
		err("'%s': %s", o->target, resolve_errmsg());
		note("hint: TARGET is PATH:SYMBOL[+OFF], PATH:0xOFFSET or PATH:'GLOB'");
		return EXIT_USAGE;
	}
	if (g_pid && !strcmp(t->path, "*"))
		return add_pid_places(o, r);
	r->path = cli_find(t->path, g_pid);
	if (!r->path)
		return EXIT_FAIL;
	r->e = resolve_open(r->path);
	if (!r->e || resolve_check_code(r->e)) {
		err("'%s': %s", r->path, resolve_errmsg());
		return EXIT_FAIL;
	}
	if (t->raw || !dwarf_needed(o, t))
		return EXIT_OK;
	o->dw = resolve_dwarf_open(r->path);
	/* C++ names without debug information: the demangled symbols */
	if (!o->dw && dwarf_target(t) && resolve_dwarf_is_line(t->symbol)) {
		err("'%s': %s", o->target, resolve_dwarf_errmsg());
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The place @l of a raw offset is inside an instruction: say so in offsets. */
static void raw_inside(const struct resolve_loc *l, uint64_t before, uint64_t after)
{
	uint64_t b = before - l->addr + l->offset, a = after - l->addr + l->offset;
	char name[512];

	resolve_escape(l->symbol ? l->symbol : "?", name, sizeof(name));
	err("offset 0x%" PRIx64 " (%s+%" PRIu64 ") is inside the instruction at 0x%" PRIx64
	    " (%" PRIu64 " bytes): probe 0x%" PRIx64 " or 0x%" PRIx64, l->offset, name, l->add,
	    b, after - before, b, a);
}

/*
 * Every place on the first byte of an instruction: the kernel does not
 * check, and a breakpoint inside one corrupts it. A return probe goes on a
 * function's entry only: planted further in, the return address it swaps
 * is not the one on the stack yet (perf probe refuses it too).
 */
static int check_places(struct add_opts *o, struct add_run *r)
{
	uint64_t before, after;
	size_t i;
	int ret;

	for (i = 0; i < r->nlocs; i++) {
		const struct resolve_loc *l = &r->locs[i];

		if ((o->ret || r->t.is_return) && l->add) {
			err("'%s': a return probe goes on a function's entry, not %" PRIu64
			    " bytes into it", o->target, l->add);
			return EXIT_FAIL;
		}
		if (o->force)
			continue;
		ret = resolve_check_insn(r->e, l, &before, &after);
		if (ret == -EILSEQ && r->t.raw)
			raw_inside(l, before, after);
		else if (ret)
			err("'%s': %s", o->target, resolve_errmsg());
		if (ret) {
			note("hint: --force probes it anyway, at the risk of crashing the program");
			return EXIT_FAIL;
		}
	}
	if (o->force && r->nlocs)
		warn("--force: the instruction boundaries are not checked; a probe inside an "
		     "instruction crashes the program once it is enabled");
	return EXIT_OK;
}

/* Where the probes go, each moved past the prologue where that is due. */
int add_places(struct add_opts *o, struct add_run *r)
{
	const struct resolve_target *t = &r->t;
	size_t i;
	int ret;

	if (r->usdt || r->loc_paths)
		return EXIT_OK;	/* found by add_usdt_open() or add_pid_places() */
	ret = locate(o, &r->t, r->e, &r->locs, &r->nlocs);
	if (ret) {
		resolve_failed(o, ret);
		return EXIT_FAIL;
	}
	/* at the entry, or after the prologue where a variable needs it */
	o->at_entry = !t->raw && !t->add && !(t->symbol && resolve_dwarf_is_line(t->symbol));
	if (o->dw && o->at_entry && !(o->ret || t->is_return) && dwarf_args(o, false))
		for (i = 0; i < r->nlocs; i++)
			resolve_dwarf_prologue(o->dw, &r->locs[i], o->args, o->nargs);
	for (i = 0; i < r->nlocs; i++)
		if (r->locs[i].ifunc && !t->glob)
			warn("'%s' is an IFUNC: this probes its resolver, which runs "
			     "once when the library loads, not the implementation it picks",
			     r->locs[i].symbol);
	return check_places(o, r);
}

void add_free(struct add_opts *o, struct add_run *r)
{
	size_t i;

	for (i = 0; r->probes && i < r->n; i++) {
		probe_free(r->probes[i]);
		free(r->from[i]);
	}
	free(r->probes);
	free(r->from);
	add_usdt_free(r);
	add_pid_free(r);
	resolve_locs_free(r->locs, r->nlocs);
	resolve_close(r->e);
	resolve_dwarf_close(o->dw);
	free(r->path);
	resolve_target_clear(&r->t);
}

int cmd_add(int argc, char **argv)
{
	struct add_opts o = { .max_probes = 256, .pos = {
		.need = "a target is needed, such as /bin/bash:readline",
	} };
	struct add_run r = { 0 };
	int status;

	/* in order: after TARGET every word is a fetch-arg, '-8(%sp):u64' too */
	if (cli_parse_flags(&add_argp, ARGP_IN_ORDER, argc, argv, &o))
		return EXIT_FAIL;
	if (o.dry_run && tfs_init(g_opts.tracefs))
		verbose("no tracefs: checking against every kernel feature");
	if (!tfs_dir() || tfs_features(&r.feat))
		probe_features_all(&r.feat);
	status = add_open(&o, &r);
	if (status == EXIT_OK)
		status = add_places(&o, &r);
	if (status == EXIT_OK && !o.dry_run)
		status = add_lock();
	if (status == EXIT_OK)
		status = add_build(&o, &r);
	if (status == EXIT_OK && !o.dry_run && apply(&o, r.probes, r.n, r.from))
		status = EXIT_FAIL;
	if (add_held)
		tfs_release();
	if (add_locked)
		tfs_unlock();
	if (status == EXIT_OK)
		print_added(&o, r.probes, r.locs, r.n);
	add_free(&o, &r);
	return status;
}
