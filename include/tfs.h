/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracefs: discovery, O_APPEND writes to uprobe_events, removal,
 * enable/disable, error_log, private instances. Built on libtracefs where
 * it does the job.
 *
 * uprobe_events is never opened with O_TRUNC: that deletes every uprobe on
 * the system.
 */
#ifndef UPROBE_TFS_H
#define UPROBE_TFS_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "probe.h"

/* The prefix of uprobe's private instances; the rest is the owner's pid. */
#define TFS_INSTANCE_PREFIX	"uprobe-"
/* The prefix of the groups uprobe trace makes for itself; the rest is its pid. */
#define TFS_TRACE_GROUP_PREFIX	"uprobe_trace_"

/* One uprobe event as the kernel holds it. */
struct tfs_event {
	struct probe *probe;	/* parsed from uprobe_events */
	unsigned long hits;	/* from uprobe_profile */
	bool enabled;		/* at the top level or in any instance */
};

/**
 * tfs_init() - find tracefs (@dir, else /proc/mounts, /sys/kernel/tracing,
 * /sys/kernel/debug/tracing) and, as root, mount it when absent.
 *
 * Return: 0, -EACCES (not root), -ENOENT (no tracefs), -EPERM (lockdown).
 */
int tfs_init(const char *dir);

/** tfs_dir() - the tracefs directory found by tfs_init(), or NULL. */
const char *tfs_dir(void);

/**
 * tfs_read() - read the tracefs file @name (relative to the top) whole.
 *
 * Return: 0 with *@out (caller frees with free()), or -errno.
 */
int tfs_read(const char *name, char **out);

/**
 * tfs_features() - what the kernel accepts, from tracefs' README.
 *
 * Return: 0, or -errno.
 */
int tfs_features(struct probe_features *f);

/**
 * tfs_append() - append one definition @line (no newline) to uprobe_events,
 * O_WRONLY|O_APPEND, one write.
 *
 * Return: 0, or the kernel's -errno (see tfs_error_last()).
 */
int tfs_append(const char *line);

/**
 * tfs_hold() - read what the calls until tfs_release() look at once for
 * all of their events: uprobe_events is opened once (O_APPEND) for every
 * write, set_event of the top level and of every instance is read once
 * (tfs_remove(), tfs_enable(), tfs_event_user(), tfs_events() look there
 * instead of at each event's enable files), events/GROUP once per group
 * (tfs_event_exists()). What this process writes keeps that right; an
 * event another process enabled since is still refused by the kernel.
 * Nests: each call needs a tfs_release().
 *
 * Return: 0.
 */
int tfs_hold(void);

/** tfs_release() - undo one tfs_hold(); the last closes and frees. */
void tfs_release(void);

/* What became of a batch that tfs_add() could not add whole. */
struct tfs_batch {
	size_t failed;	/* the index of the probe refused (or not tried, on a signal) */
	size_t kept;	/* of the probes before it, how many could not be removed again */
};

/**
 * tfs_add() - add @n probes, all or none: when the kernel refuses probe k,
 * or the flag of tfs_set_stop() is set before it, the k already added are
 * removed again, each probe on its own, so that probes other processes
 * added to the same events stay. Holds tfs_lock() meanwhile.
 * @b: on failure, which probe and how many of the earlier ones stay.
 *
 * Return: 0, -EINTR (stopped), or the kernel's -errno.
 */
int tfs_add(struct probe *const *probes, size_t n, struct tfs_batch *b);

/**
 * tfs_lock() - an exclusive flock(2) on /run/uprobe.lock (/tmp/uprobe.lock
 * where /run is not writable) that every uprobe process takes before it
 * looks at uprobe_events to choose names and writes them, so that two adds
 * do not both take one free name. Nests: each call needs a tfs_unlock().
 * Waiting ends early when the flag of tfs_set_stop() gets set.
 *
 * Return: 0, -EINTR (stopped), or -errno (no lock: the caller may go on).
 */
int tfs_lock(void);

/** tfs_unlock() - undo one successful tfs_lock(). */
void tfs_unlock(void);

/**
 * tfs_set_stop() - a flag, which a signal handler sets, that tfs_add() and
 * tfs_lock() look at before each step. NULL: none.
 */
void tfs_set_stop(const volatile sig_atomic_t *flag);

/**
 * tfs_remove() - disable GROUP/EVENT at the top level and in every
 * instance, then remove it.
 *
 * Return: 0, or -errno.
 */
int tfs_remove(const char *group, const char *event);

/**
 * tfs_enable() - enable or disable GROUP/EVENT in @instance (NULL: top).
 *
 * Return: 0, or -errno.
 */
int tfs_enable(const char *instance, const char *group, const char *event,
	       bool on);

/**
 * tfs_events() - every uprobe event on the system, with hits and state.
 *
 * Return: 0 with *@ev and *@n (caller frees with tfs_events_free()), or
 * -errno.
 */
int tfs_events(struct tfs_event **ev, size_t *n);

/* What tfs_events_read() reads besides the probes. */
#define TFS_EV_HITS	0x1	/* uprobe_profile: hits */
#define TFS_EV_ENABLED	0x2	/* set_event of the top and every instance: enabled */

/**
 * tfs_events_read() - tfs_events(), with hits and state only as @what
 * asks (else 0 and false): del and clear need the names alone.
 *
 * Return: 0 with *@ev and *@n (caller frees with tfs_events_free()), or
 * -errno.
 */
int tfs_events_read(unsigned int what, struct tfs_event **ev, size_t *n);

/** tfs_events_free() - free what tfs_events() returned. */
void tfs_events_free(struct tfs_event *ev, size_t n);

/**
 * tfs_event_exists() - whether GROUP/EVENT is defined (any event type).
 */
bool tfs_event_exists(const char *group, const char *event);

/**
 * tfs_match() - whether GROUP/EVENT matches @pattern as the user types it:
 * "GRP/EVENT" or "EVENT" (in @def_group), globs allowed in both parts.
 */
bool tfs_match(const char *pattern, const char *def_group,
	       const char *group, const char *event);

/**
 * tfs_error_last() - the last error_log entry: the kernel's message, the
 * command it refused and the caret's column in that command.
 *
 * Return: 0 with *@msg and *@cmd (caller frees both with free()) and
 * *@caret, -ENOENT when the log is empty.
 */
int tfs_error_last(char **msg, char **cmd, int *caret);


/* A private instance, instances/uprobe-<pid>. */
struct tfs_instance;

/* The options of an instance that uprobe sets. */
enum tfs_option {
	TFS_OPT_RECORD_TGID,	/* the pid -> tgid map (saved_tgids) */
	TFS_OPT_EVENT_FORK,	/* set_event_pid follows new threads and children */
	TFS_OPT_USERSTACKTRACE,	/* an ftrace/user_stack record after each event */
};

/**
 * tfs_instance_new() - create the private instance
 * instances/uprobe-<getpid()>, in the tracefs found by tfs_init(). One of
 * that name left by a dead process with our pid is replaced.
 *
 * Return: the instance, which the caller removes and frees with
 * tfs_instance_free(), or NULL with errno set.
 */
struct tfs_instance *tfs_instance_new(void);

/**
 * tfs_instance_free() - remove the instance from tracefs (once more after
 * a moment when it is busy) and free @ti. NULL is a no-op.
 */
void tfs_instance_free(struct tfs_instance *ti);

/**
 * tfs_instance_dir() - the instance's directory, for the files read
 * directly (per_cpu/cpuN/trace_pipe_raw). Owned by @ti.
 */
const char *tfs_instance_dir(const struct tfs_instance *ti);

/**
 * tfs_instance_write() - write @val to the instance's @file (relative to
 * its directory, e.g. "trace_clock"), replacing what it holds.
 *
 * Return: 0, or -errno (-EIO for a short write).
 */
int tfs_instance_write(struct tfs_instance *ti, const char *file, const char *val);

/**
 * tfs_instance_read() - read the instance's @file (relative to its
 * directory) whole.
 *
 * Return: 0 with *@out (caller frees with free()), or -errno.
 */
int tfs_instance_read(struct tfs_instance *ti, const char *file, char **out);

/**
 * tfs_instance_set_buffer_kb() - size every CPU's ring buffer to @kb KiB.
 *
 * Return: 0, or -errno.
 */
int tfs_instance_set_buffer_kb(struct tfs_instance *ti, size_t kb);

/**
 * tfs_instance_option() - turn option @opt of the instance on or off.
 *
 * Return: 0, or -errno.
 */
int tfs_instance_option(struct tfs_instance *ti, enum tfs_option opt, bool on);

/**
 * tfs_instance_follow() - only the events of @pid's threads (those it has
 * now, and with event-fork, which this turns on, the threads and children
 * made from now on).
 *
 * Return: 0, -ESRCH (no such process), or -errno.
 */
int tfs_instance_follow(struct tfs_instance *ti, pid_t pid);

/** tfs_instance_has_event() - whether GROUP/EVENT is in the instance. */
bool tfs_instance_has_event(struct tfs_instance *ti, const char *group,
			    const char *event);

/**
 * tfs_instance_filter() - set the kernel's event filter @expr on
 * GROUP/EVENT in the instance.
 * @why: when the kernel refused it (-EINVAL), its complaint, which the
 *	caller frees with free(); else NULL.
 * @pos: then, the byte of @expr it pointed at; else -1.
 *
 * Return: 0, -EINVAL (refused), or -errno.
 */
int tfs_instance_filter(struct tfs_instance *ti, const char *group,
			const char *event, const char *expr, char **why, int *pos);

/**
 * tfs_instance_enable() - enable or disable GROUP/EVENT in the instance.
 *
 * Return: 0, or -errno.
 */
int tfs_instance_enable(struct tfs_instance *ti, const char *group,
			const char *event, bool on);

/* An instance in which an event is enabled, and the process behind it. */
struct tfs_user {
	char instance[256];
	pid_t pid;		/* 0: no process found */
	char comm[16];		/* its comm, or "" */
};

/**
 * tfs_event_user() - the first instance, other than this process's own,
 * in which GROUP/EVENT is enabled: a live stream's uprobe-<pid> (run
 * tfs_reap_instances() first for the dead ones) or another tracer's, with
 * the process that owns it (uprobe-<pid>) or has its files open.
 *
 * Return: 1 with *@u filled, 0 when none, or -errno.
 */
int tfs_event_user(const char *group, const char *event, struct tfs_user *u);

/**
 * tfs_reap_instances() - remove the instances/uprobe-<pid> whose process
 * is gone (a stream killed with SIGKILL) or is now another program. An
 * explicit call: the commands whose output a dead stream's enabled events
 * would change make it.
 *
 * Return: the number removed, or -errno.
 */
int tfs_reap_instances(void);

/**
 * tfs_reap_groups() - remove the events of every group named
 * @prefix<pid> (e.g. TFS_TRACE_GROUP_PREFIX) whose process is gone (a
 * trace killed with SIGKILL) or is now another program than uprobe. The
 * group of our own pid counts as gone: a process calls this before it
 * makes its own. Call tfs_reap_instances() first: an event enabled in a
 * dead stream's instance is disabled here, but the instance stays.
 *
 * Return: the number of events removed, or -errno.
 */
int tfs_reap_groups(const char *prefix);

#endif
