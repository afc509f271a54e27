/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracefs: discovery, O_APPEND writes to uprobe_events, removal,
 * enable/disable, error_log. Built on libtracefs where it does the job.
 *
 * uprobe_events is never opened with O_TRUNC: that deletes every uprobe on
 * the system.
 */
#ifndef UPROBE_TFS_H
#define UPROBE_TFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"

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
 * tfs_add() - add @n probes, all or none: when the kernel refuses probe k,
 * the k already added are removed again.
 * @failed: set to the index of the refused probe.
 *
 * Return: 0, or the kernel's -errno.
 */
int tfs_add(struct probe *const *probes, size_t n, size_t *failed);

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

#endif
