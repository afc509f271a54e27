/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few helpers every part of uprobe needs, one of each: an array's
 * length, the monotonic clock, a whole small file, a process's existence
 * and name, a hash table for u64 keys. No module state, no printing; safe for the resolver and the
 * grammar to use.
 */
#ifndef UPROBE_UTIL_H
#define UPROBE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The lowercase hex digits, for the escapers and writers that print bytes. */
extern const char util_hexdig[];

/* "0x" and @v in lowercase hex at @p (at most UTIL_HEX_MAX bytes, no NUL): the end. */
#define UTIL_HEX_MAX	18
char *util_p_hex(char *p, uint64_t v);

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

/**
 * util_pid_exists() - whether process @pid exists: it does unless
 * kill(@pid, 0) fails with ESRCH (EPERM: another user's, alive).
 */
bool util_pid_exists(pid_t pid);

/**
 * util_proc_comm() - the name of process @pid (/proc/PID/comm without its
 * newline) into @buf of @size bytes, truncated to fit.
 *
 * Return: 0, or -errno (@buf is "").
 */
int util_proc_comm(pid_t pid, char *buf, size_t size);

/*
 * The number parsers of the command line, one of each: the whole of @s, in
 * decimal, no sign and no blanks, from @min to @max. Return: 0 with *@out
 * set, -EINVAL (not such a number at all) or -ERANGE (out of the range).
 */
int util_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out);
int util_parse_double(const char *s, double min, double max, double *out);
/* A process id: from 1 to the largest pid_t. */
int util_parse_pid(const char *s, pid_t *out);

/*
 * The one hash table for u64 keys: open addressing, linear probing, grown
 * at half full. Values are non-NULL pointers the caller owns. A zeroed
 * struct is an empty map.
 */
struct u64map {
	uint64_t *keys;
	void **vals;
	size_t cap, len;
};

/** u64map_get() - the value of @key, or NULL. */
void *u64map_get(const struct u64map *m, uint64_t key);

/**
 * u64map_put() - @val (not NULL) for @key.
 * Return: 0, -EEXIST (@key has a value already: kept, @val not taken), or
 * -ENOMEM.
 */
int u64map_put(struct u64map *m, uint64_t key, void *val);

/** u64map_free() - free the table, each value with @free_val (NULL: not). */
void u64map_free(struct u64map *m, void (*free_val)(void *));

#endif
