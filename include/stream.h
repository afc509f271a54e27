/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reader: uprobe events streamed from a private tracefs instance
 * (instances/uprobe-<pid>), decoded exactly from the binary per-CPU ring
 * buffers with each event's format, and written as text or JSON lines;
 * and the hit counts of uprobe_profile, formatted.
 *
 * The kernel's own text output (trace_pipe) cannot be parsed back: it
 * prints strings between quotes without escaping them. So nothing here
 * reads it.
 */
#ifndef UPROBE_STREAM_H
#define UPROBE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "probe.h"

/*
 * Per-CPU buffer of the private instance, in KiB. At a million events a
 * second (one thread hitting a probe as fast as it can) this gives the
 * reader over 100 ms of slack; bench/REPORT.md has the figures.
 */
#define STREAM_DEFAULT_BUFFER_KB	8192
/* Beyond this many CPUs the default shrinks to keep the total sane. */
#define STREAM_DEFAULT_TOTAL_KB		(256 * 1024)

struct stream;

struct stream_opts {
	const char *tracefs;	/* tfs_dir(), where tfs_init() pointed libtracefs */
	int out_fd;		/* where event lines go */
	bool json;		/* one JSON object per line, else text */
	bool latency;		/* pair entry and return probes per thread */
	bool stack;		/* the user stack of each event */
	size_t buffer_kb;	/* per CPU; 0: the default above */
	unsigned long count;	/* stop after this many events; 0: no limit */
};

/* What the kernel could not hand over. */
struct stream_lost {
	unsigned long long total;	/* every CPU, from per_cpu/cpuN/stats */
	unsigned long long seen;	/* as flagged in the pages read so far */
	int ncpu;
	unsigned long long *per_cpu;	/* [ncpu], owned by the stream */
};

/**
 * stream_new() - create the private instance instances/uprobe-<getpid()>
 * with its buffer sized, its clock set to "mono" (CLOCK_MONOTONIC, so
 * times compare with the traced programs' own) and nothing enabled yet.
 *
 * Return: a stream the caller frees with stream_free() (which removes the
 * instance), or NULL with errno set and stream_errmsg() saying why.
 */
struct stream *stream_new(const struct stream_opts *o);

/* The fetch-arg stream_stack_arg() adds; the reader shows it as a frame. */
#define STREAM_RA_ARG	"__probe_ra"

/**
 * stream_stack_arg() - for --stack, make @p fetch the return address at
 * the top of the stack ($stack0, as STREAM_RA_ARG): at a function's first
 * instruction the kernel's frame-pointer walk misses the direct caller,
 * and the reader puts it back from this field. Return probes are left
 * alone. The arg is owned by @p, like the others.
 *
 * Return: 0, -E2BIG (too many args), -ENOMEM.
 */
int stream_stack_arg(struct probe *p);

/**
 * stream_add() - stream GROUP/EVENT, defined by @p (kept by reference:
 * it must outlive the stream). Nothing is enabled before stream_start().
 *
 * Return: 0, -ENOENT (no such event), -ENOMEM.
 */
int stream_add(struct stream *s, const struct probe *p);

/**
 * stream_filter() - set the kernel's event filter @expr on every event
 * added so far.
 *
 * Return: 0, or -EINVAL with the kernel's complaint in stream_errmsg()
 * ("GRP/EVENT: Field not found") and where in stream_errpos().
 */
int stream_filter(struct stream *s, const char *expr);

/**
 * stream_pid() - only the events of @pid. With @children (a command we
 * started), its threads and children too, including those yet to come;
 * without, the threads of process @pid only, new ones included.
 *
 * Return: 0, -ESRCH (no such process), or -errno.
 */
int stream_pid(struct stream *s, pid_t pid, bool children);

/**
 * stream_start() - enable the added events in the instance and open the
 * per-CPU buffers.
 *
 * Return: 0, or -errno (stream_errmsg() says which event failed).
 */
int stream_start(struct stream *s);

/**
 * stream_poll() - wait up to @timeout_ms for events, then read, decode and
 * write all that is buffered. Returns early on a signal.
 *
 * Return: the number of events written (0 on timeout or signal),
 * -EPIPE when the output was closed, or -errno.
 */
int stream_poll(struct stream *s, int timeout_ms);

/** stream_done() - whether --count is reached. */
bool stream_done(const struct stream *s);

/**
 * stream_stop() - disable the events in the instance and write what is
 * still buffered. Idempotent.
 *
 * Return: 0, -EPIPE, or -errno.
 */
int stream_stop(struct stream *s);

/**
 * stream_lost() - events lost so far (the kernel's per-CPU counts of the
 * instance). @l stays valid until the next call or stream_free().
 *
 * Return: 0, or -errno.
 */
int stream_lost(struct stream *s, struct stream_lost *l);

/**
 * stream_finish() - after stream_stop(): write the closing records (the
 * latency histograms; with JSON, one {"lost": ...} record).
 *
 * Return: 0, -EPIPE, or -errno.
 */
int stream_finish(struct stream *s);

/**
 * stream_gone() - the next added event that has been removed under the
 * stream (by `uprobe del --force` or another tool), each one once.
 * @left: set to the number of added events still defined.
 *
 * Return: its "GRP/EVENT", owned by @s and valid until the next call, or
 * NULL when no other is gone.
 */
const char *stream_gone(struct stream *s, size_t *left);

/**
 * stream_unpaired() - after stream_start() with latency: the next added
 * event, from *@pos on, without its partner (an entry probe without a
 * return probe at the same place, or the other way round), which gets no
 * durations.
 *
 * Return: its probe, or NULL after the last one.
 */
const struct probe *stream_unpaired(const struct stream *s, size_t *pos);

/** stream_events() - the number of events written so far. */
unsigned long stream_events(const struct stream *s);

/**
 * stream_free() - disable what is enabled, remove the instance, free @s.
 * NULL is a no-op.
 */
void stream_free(struct stream *s);

/**
 * stream_errmsg() - the detail of the last failure in this thread, or "".
 */
const char *stream_errmsg(void);

/**
 * stream_errpos() - after stream_filter() failed: the byte of the
 * expression the kernel pointed at, or -1.
 */
int stream_errpos(void);

/* One probe of an event of several, in a row of `uprobe profile`. */
struct stream_prof_part {
	const struct probe *probe;	/* by reference */
	unsigned long hits;		/* its own row of uprobe_profile */
};

/* One row of `uprobe profile`: one event, with all of its probes. */
struct stream_prof_row {
	const struct probe *probe;	/* its first probe, by reference */
	unsigned long hits;		/* total of its probes, from uprobe_profile */
	unsigned long delta;		/* since the previous snapshot */
	const struct stream_prof_part *parts;	/* each probe, or NULL; by reference */
	size_t nparts;
};

/**
 * stream_prof_sort() - sort @rows by hits (by @delta when @by_delta),
 * most first, then by name.
 */
void stream_prof_sort(struct stream_prof_row *rows, size_t n, bool by_delta);

/**
 * stream_prof_print() - write @rows to @f: a table, or with @json one JSON
 * array (@secs == 0) or, for the refreshing view (@secs > 0: the seconds
 * since the last snapshot), one JSON object per refresh with hits per
 * second. A row with parts names its first place and how many more; with
 * @verbose the table has a line per probe, and JSON always has "probes".
 *
 * Return: 0, or -errno from writing.
 */
int stream_prof_print(FILE *f, const struct stream_prof_row *rows, size_t n,
		      bool json, bool verbose, double secs);

#endif
