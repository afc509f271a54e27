/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few helpers every part of uprobe needs, one of each: an array's
 * length, the monotonic clock, a whole small file. No module state, no
 * printing; safe for the resolver and the grammar to use.
 */
#ifndef UPROBE_UTIL_H
#define UPROBE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/** util_now_ns() - CLOCK_MONOTONIC in nanoseconds. */
uint64_t util_now_ns(void);

/**
 * util_read_file() - the whole of the file at @path, NUL-terminated (a
 * tracefs or /proc file whose size stat() does not know, too).
 * @len: if not NULL, the length without the NUL.
 *
 * Return: a buffer the caller frees with free(), or NULL with errno set.
 */
char *util_read_file(const char *path, size_t *len);

#endif
