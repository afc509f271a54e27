/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the tracefs files (tfs*.c): what a hold (tfs_hold()) reads
 * once and keeps up to date with what this process writes, in
 * tfs-state.c. Not a public header: the API is include/tfs.h.
 */
#ifndef UPROBE_TFS_INT_H
#define UPROBE_TFS_INT_H

#include <stdbool.h>
#include <stddef.h>

/* @buf (PATH_MAX bytes) = the tracefs top/@fmt; -ENAMETOOLONG when it does not fit */
int tfs_top_path(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct tracefs_instance;

/* The file @file of @inst (NULL: the top level) whole into *@out (caller
 * frees with free()), "" when it is empty; -errno. */
int tfs_file_read(struct tracefs_instance *inst, const char *file, char **out);

/* Whether a hold is on. */
bool tfs_held(void);

/* The held uprobe_events, opened O_WRONLY|O_APPEND on first use; -errno, or
 * -EBADF when no hold is on. */
int tfs_state_fd(void);

/* After uprobe_events took @line: the names of the group it names change. */
void tfs_state_wrote(const char *line);

/* Whether GROUP/EVENT is a directory of events/ (any event type): 1, 0,
 * or -1 when no hold is on (or the group cannot be read). */
int tfs_state_exists(const char *group, const char *event);

/*
 * The instances: 0 is the top level (name NULL), then every instance.
 * 0 when no hold is on.
 */
size_t tfs_state_ninst(void);
const char *tfs_state_inst(size_t i);

/* After instance @i was removed. */
void tfs_state_gone(size_t i);

/* Whether GROUP/EVENT is in instance @i's set_event (the kernel's
 * EVENT_FILE_FL_ENABLED: trigger-armed events too). */
bool tfs_state_listed(size_t i, const char *group, const char *event);

/* After this process enabled or disabled GROUP/EVENT in instance @i. */
void tfs_state_set(size_t i, const char *group, const char *event, bool on);

/* Whether GROUP/EVENT is enabled in instance @i: its enable file reads 1. */
bool tfs_state_enabled(size_t i, const char *group, const char *event);

/*
 * uprobe_events' text, into *@out (caller frees with free()): during a
 * hold, read once until this process writes to it.
 */
int tfs_events_text(char **out);

/* The PID in @name, @prefix<pid> (no leading zero), else 0. */
pid_t tfs_name_pid(const char *name, const char *prefix);

/* The text tfs_events_text() keeps during a hold, or NULL; keep a copy of @text. */
const char *tfs_state_text(void);
void tfs_state_keep_text(const char *text);

/* Disables GROUP/EVENT wherever set_event lists it (the top level, every instance). */
void tfs_disable_all(const char *group, const char *event);

#endif
