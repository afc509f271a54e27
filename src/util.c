// SPDX-License-Identifier: GPL-2.0
/* One of each small helper; see util.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

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
