// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs: a batch of probes added whole or not at all, also when a
 * signal comes or another uprobe process adds at the same time.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>


#include "tfs.h"
#include "tfs-int.h"
#include "util.h"

static int lock_fd = -1;
static unsigned int lock_depth;
static const volatile sig_atomic_t *stop_flag;

/*
 * /run is where a lock of the whole system belongs; when it is not
 * writable (not root, or no /run), /tmp still serializes the processes
 * of the users that can write there.
 */
static const char *const lock_paths[] = { "/run/uprobe.lock", "/tmp/uprobe.lock" };

/* read-only is enough for flock(2), and lets others open a lock root made */
static int open_lock(void)
{
	size_t i;
	int fd = -1;

	for (i = 0; i < ARRAY_SIZE(lock_paths) && fd < 0; i++)
		fd = open(lock_paths[i], O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	return fd < 0 ? -errno : fd;
}

int tfs_lock(void)
{
	int fd;

	if (lock_depth) {
		lock_depth++;
		return 0;
	}
	fd = open_lock();
	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_EX)) {
		int ret = -errno;

		if (ret == -EINTR && !(stop_flag && *stop_flag))
			continue;
		close(fd);
		return ret;
	}
	lock_fd = fd;
	lock_depth = 1;
	return 0;
}

void tfs_unlock(void)
{
	if (!lock_depth || --lock_depth)
		return;
	close(lock_fd);	/* releases the flock */
	lock_fd = -1;
}

void tfs_set_stop(const volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}

static bool stopped(void)
{
	return stop_flag && *stop_flag;
}

/*
 * Removes this one probe of its event, whatever other probes the event
 * has: the kernel takes "-:GRP/EVENT PATH:OFFSET" for one probe, with the
 * offset as it prints it (trace_uprobe_match_command_head()). The last
 * probe of an event we created goes only once the event is disabled.
 */
static int remove_probe(const struct probe *p, bool created)
{
	char *line;
	int ret;

	if (created)
		tfs_disable_all(probe_group(p), p->event);
	if (p->has_ref_ctr)
		ret = asprintf(&line, "-:%s/%s %s:0x%016" PRIx64 "(0x%" PRIx64 ")",
			       probe_group(p), p->event, p->path, p->offset,
			       p->ref_ctr_offset);
	else
		ret = asprintf(&line, "-:%s/%s %s:0x%016" PRIx64, probe_group(p), p->event,
			       p->path, p->offset);
	if (ret < 0)
		return -ENOMEM;
	ret = tfs_append(line);
	free(line);
	return ret;
}

/* Takes back probes [0, @n) of the batch; returns how many stay. */
static size_t roll_back(struct probe *const *probes, const bool *created, size_t n)
{
	size_t j, kept = 0;

	for (j = n; j-- > 0;)
		if (remove_probe(probes[j], created[j]))
			kept++;
	return kept;
}

static int add_one(const struct probe *p, bool *created)
{
	char *line;
	int ret;

	if (stopped())
		return -EINTR;
	line = probe_format(p);
	if (!line)
		return -errno;
	*created = !tfs_event_exists(probe_group(p), p->event);
	ret = tfs_append(line);
	free(line);
	return ret;
}

int tfs_add(struct probe *const *probes, size_t n, struct tfs_batch *b)
{
	bool *created = calloc(n ? n : 1, sizeof(*created));
	int ret = -ENOMEM, locked;
	size_t i = 0;

	b->failed = 0;
	b->kept = 0;
	if (!created)
		return ret;
	/* the lock is advisory: without one (no writable /run or /tmp) add anyway */
	locked = tfs_lock();
	ret = locked == -EINTR ? -EINTR : 0;
	tfs_hold();	/* one open of uprobe_events for the batch */
	for (; !ret && i < n; i++) {
		ret = add_one(probes[i], &created[i]);
		if (ret)
			break;
	}
	if (ret) {
		int err = errno;

		b->failed = i;
		b->kept = roll_back(probes, created, i);
		errno = err;
	}
	tfs_release();
	if (!locked)
		tfs_unlock();
	free(created);
	return ret;
}
