/* SPDX-License-Identifier: GPL-2.0 */
/* Private to uprobe add: cmd-add.c finds the places, add-probe.c builds the probes. */
#ifndef UPROBE_ADD_H
#define UPROBE_ADD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "probe.h"
#include "resolve.h"

/* The options, and what the places found say about the probes. */
struct add_opts {
	const char *group;
	const char *event;
	bool ret;
	bool dry_run;
	size_t max_probes;
	struct cli_args pos;	/* TARGET [FETCHARG...] */
	const char *target;
	char **args;		/* the fetch-args, as typed */
	size_t nargs;
	bool no_inlines;
	bool force;		/* --force: no check of the instruction boundaries */
	struct resolve_dwarf *dw;	/* debug information, when there is some */
	bool dw_place;		/* the places came from DWARF */
	bool one_event;		/* ... of one name or line: one event, several probes */
	bool at_entry;		/* function entries, maybe moved past the prologue */
	const char *dw_name;	/* what the user called the place */
};

struct add_usdt;

/* What one run of add holds; add_free() frees it. */
struct add_run {
	struct resolve_target t;
	char *path;
	struct resolve_elf *e;
	struct resolve_loc *locs;
	size_t nlocs;
	struct probe_features feat;
	struct probe **probes;
	const char ***from;	/* per probe: the user's token of each fetch-arg */
	size_t n;		/* probes built */
	char **loc_paths;	/* per place its file (-p PID '*:SYM'), or NULL: @path */
	struct add_usdt *usdt;	/* usdt:PATH:[PROVIDER:]NAME, add-usdt.c's */
};

/* The steps of add, in order, each printing why it fails and returning the
 * exit status; uprobe trace runs them too. Set @r->feat first. */
/* @o->target parsed into @r->t, its file found and opened. */
int add_open(struct add_opts *o, struct add_run *r);
/* Where the probes go, into @r->locs. */
int add_places(struct add_opts *o, struct add_run *r);
/* Frees what the steps made in @o and @r (not @r itself). */
void add_free(struct add_opts *o, struct add_run *r);

/* One probe per place of @r, in memory, into @r->probes (the first @r->n
 * built); prints why on failure. Returns the exit status. */
int add_build(struct add_opts *o, struct add_run *r);
/* r->probes and r->from for r->nlocs places; says so and fails when out of memory. */
int add_alloc_probes(struct add_run *r);

/* The name @buf, or the first of @buf_1, @buf_2, ... that no event of @o's
 * group nor the first @n of @probes has. Prints why on failure. */
int add_unique_name(const struct add_opts *o, struct probe *const *probes, size_t n,
		    char *buf, size_t len);

/*
 * add-usdt.c, for a usdt: target: add_usdt_open() finds the file, its
 * markers and their sites (@r->locs, one per note); add_usdt_build() makes
 * one event per marker, a probe per site, with its semaphore and fetch-args.
 * Both print why on failure and return the exit status.
 */
int add_usdt_open(struct add_opts *o, struct add_run *r);
int add_usdt_build(struct add_opts *o, struct add_run *r);
void add_usdt_free(struct add_run *r);

/*
 * add-pid.c, for -p PID '*:SYMBOL': @r->locs and @r->loc_paths from every
 * object the process maps that defines SYMBOL. Prints why on failure and
 * returns the exit status.
 */
int add_pid_places(struct add_opts *o, struct add_run *r);
void add_pid_free(struct add_run *r);

#endif
