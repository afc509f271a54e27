// SPDX-License-Identifier: GPL-2.0
/* One of each small helper; see util.h. */
#include <errno.h>
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char util_hexdig[] = "0123456789abcdef";

/* "00" to "ff": a byte a step */
static const char hex2[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

char *util_p_hex(char *p, uint64_t v)
{
	unsigned int len = (67 - __builtin_clzll(v | 1)) / 4;
	char *end = p + 2 + len, *q = end;

	p[0] = '0';
	p[1] = 'x';
	while (v >= 0x100) {
		q -= 2;
		memcpy(q, hex2 + 2 * (v & 0xff), 2);
		v >>= 8;
	}
	if (v >= 0x10)
		memcpy(q - 2, hex2 + 2 * v, 2);
	else
		q[-1] = util_hexdig[v];
	return end;
}

uint64_t util_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* Grows the buffer as it reads: tracefs and /proc files report size 0. */
char *util_read_file(const char *path, size_t *len)
{
	size_t n = 0, cap = 8192;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = 0;
	int err;

	if (!buf || fd < 0)
		goto out_err;
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		char *t;

		n += r;
		if (cap - n >= 1024)
			continue;
		t = realloc(buf, cap * 2);
		if (!t)
			goto out_err;
		buf = t;
		cap *= 2;
	}
	if (r < 0)
		goto out_err;
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
out_err:
	err = buf ? errno : ENOMEM;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = err;
	return NULL;
}

bool util_pid_exists(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

int util_proc_comm(pid_t pid, char *buf, size_t size)
{
	char path[64], *comm;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm = util_read_file(path, NULL);
	if (!comm)
		return -errno;
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(buf, size, "%s", comm);
	free(comm);
	return 0;
}

static size_t u64_slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 17) & (cap - 1);
}

/* Where @key is in @keys/@vals (of @cap, a power of two), or the free slot
 * where it goes. */
static size_t u64_find(uint64_t *keys, void **vals, size_t cap, uint64_t key)
{
	size_t i;

	for (i = u64_slot(key, cap); vals[i] && keys[i] != key; i = (i + 1) & (cap - 1))
		;
	return i;
}

static int u64_grow(struct u64map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i, j;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	void **vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->vals[i])
			continue;
		j = u64_find(keys, vals, cap, m->keys[i]);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

void *u64map_get(const struct u64map *m, uint64_t key)
{
	return m->cap ? m->vals[u64_find(m->keys, m->vals, m->cap, key)] : NULL;
}

int u64map_put(struct u64map *m, uint64_t key, void *val)
{
	size_t i;

	if ((m->len + 1) * 2 > m->cap && u64_grow(m))
		return -ENOMEM;
	i = u64_find(m->keys, m->vals, m->cap, key);
	if (m->vals[i])
		return -EEXIST;
	m->keys[i] = key;
	m->vals[i] = val;
	m->len++;
	return 0;
}

void u64map_free(struct u64map *m, void (*free_val)(void *))
{
	size_t i;

	for (i = 0; free_val && i < m->cap; i++)
		if (m->vals[i])
			free_val(m->vals[i]);
	free(m->keys);
	free(m->vals);
	*m = (struct u64map){ 0 };
}

int util_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Not "inf", "nan" nor a sign: strtod() takes them, a user means none. */
int util_parse_double(const char *s, double min, double max, double *out)
{
	double v;
	char *end;

	if (!isdigit((unsigned char)s[0]) && !(s[0] == '.' && isdigit((unsigned char)s[1])))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || !isfinite(v) || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int util_parse_pid(const char *s, pid_t *out)
{
	unsigned long v;
	int ret = util_parse_ulong(s, 1, INT_MAX, &v);

	_Static_assert(sizeof(pid_t) == sizeof(int), "pid_t is an int");
	if (!ret)
		*out = (pid_t)v;
	return ret;
}
