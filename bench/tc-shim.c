// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for trace-cmd 3.1.6 on a kernel that refuses to open the
 * function tracer's files (set_ftrace_pid: EPERM, as on the bench machine).
 * trace-cmd reads set_ftrace_pid before it streams and passes the NULL it
 * gets back to strcmp(), so it dies of SIGSEGV before reading one event.
 * This serves "no pid" (what an unset set_ftrace_pid holds) for that one
 * read-only open when the kernel refused it with EPERM; every other open,
 * and everything trace-cmd does with the ring buffers, is untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int no_pid_fd(const char *path, int flags, int fd)
{
	static const char no_pid[] = "no pid\n";
	const char *base = strrchr(path, '/');
	int m;

	if (fd >= 0 || errno != EPERM || (flags & O_ACCMODE) != O_RDONLY || !base ||
	    strcmp(base, "/set_ftrace_pid") != 0)
		return fd;
	m = memfd_create("set_ftrace_pid", 0);
	if (m < 0)
		return fd;
	if (write(m, no_pid, sizeof(no_pid) - 1) != sizeof(no_pid) - 1 ||
	    lseek(m, 0, SEEK_SET) != 0) {
		close(m);
		errno = EPERM;
		return -1;
	}
	return m;
}

int open(const char *path, int flags, ...)
{
	static int (*real_open)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (!real_open)
		real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	return no_pid_fd(path, flags, real_open(path, flags, mode));
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));
