// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's reading: the instance's per-CPU binary buffers read without
 * blocking and decoded with libtraceevent's kbuffer, the CPUs merged by
 * time, each record written, and the kernel's count of what was lost.
 *
 * A blocking read loop on trace_pipe_raw loses most events at a million a
 * second: the reader sleeps until a page is full and the writer laps it.
 * So the files are opened O_NONBLOCK, poll() wakes us at buffer_percent
 * (or the caller's timeout), and each wake drains every CPU.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <kbuffer.h>

#include "stream-int.h"
#include "tfs.h"
#include "util.h"

/* Pages read per CPU before they are decoded; more waits for the next go. */
#define READ_BATCH	256

int stream_count_cpus(struct stream *s)
{
	char path[PATH_MAX];
	struct dirent *d;
	int n = 0;
	DIR *dp;

	snprintf(path, sizeof(path), "%s/per_cpu", tfs_instance_dir(s->ti));
	dp = opendir(path);
	if (!dp)
		return -errno;
	while ((d = readdir(dp)))
		if (strncmp(d->d_name, "cpu", 3) == 0 && atoi(d->d_name + 3) + 1 > n)
			n = atoi(d->d_name + 3) + 1;
	closedir(dp);
	return n;
}

/* The size of one page of the ring buffer (the sub-buffer, where it can be set). */
static size_t page_size(struct stream *s)
{
	char *kb;
	size_t size = getpagesize();

	if (tfs_instance_read(s->ti, "buffer_subbuf_size_kb", &kb) == 0) {
		if (atoi(kb) > 0)
			size = (size_t)atoi(kb) * 1024;
		free(kb);
	}
	return size;
}

static int open_cpu(struct stream *s, struct cpu_rd *c)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw",
		 tfs_instance_dir(s->ti), c->cpu);
	/* an offline CPU: nothing to read there */
	c->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (c->fd >= 0) {
		s->pfd[s->npfd].fd = c->fd;
		s->pfd[s->npfd++].events = POLLIN;
	}
	c->kb = tep_kbuffer(s->tep);
	c->pages = malloc(READ_BATCH * s->psize);
	if (!c->kb || !c->pages)
		return -ENOMEM;
	if (s->o.stack && !(c->pdata = malloc(s->psize)))
		return -ENOMEM;
	return 0;
}

int stream_open_cpus(struct stream *s)
{
	int i, ret;

	s->psize = page_size(s);
	s->cpus = calloc(s->ncpu, sizeof(*s->cpus));
	s->lost_cpu = calloc(s->ncpu, sizeof(*s->lost_cpu));
	s->pfd = calloc(s->ncpu, sizeof(*s->pfd));
	if (!s->cpus || !s->lost_cpu || !s->pfd)
		return -ENOMEM;
	for (i = 0; i < s->ncpu; i++)
		s->cpus[i].fd = -1;	/* stream_close_cpus() closes what is >= 0 */
	for (i = 0; i < s->ncpu; i++) {
		s->cpus[i].cpu = i;
		ret = open_cpu(s, &s->cpus[i]);
		if (ret)
			return ret;
	}
	return 0;
}

void stream_close_cpus(struct stream *s)
{
	int c;

	for (c = 0; s->cpus && c < s->ncpu; c++) {
		if (s->cpus[c].fd >= 0)
			close(s->cpus[c].fd);
		if (s->cpus[c].kb)
			kbuffer_free(s->cpus[c].kb);
		free(s->cpus[c].pages);
		free(s->cpus[c].pdata);
	}
	free(s->cpus);
	free(s->pfd);
	s->cpus = NULL;
	s->pfd = NULL;
}

bool stream_done(const struct stream *s)
{
	return s->o.count && s->written >= s->o.count;
}

unsigned long stream_events(const struct stream *s)
{
	return s->written;
}

/* ---- one record --------------------------------------------------------- */

static void emit(struct stream *s, struct ev *e)
{
	const char *comm;
	int tgid;

	if (stream_done(s))
		return;
	task_lookup(s->tc, e->tid, &tgid, &comm);
	if (e->stack && e->stack_tgid > 0)
		tgid = e->stack_tgid;
	if (s->only_tgid && tgid != s->only_tgid)
		return;
	e->latency = -1;
	if (e->ep->lat_fn >= 0)
		e->latency = lat_event(s->lat, e->ep->lat_fn, e->ep->ret, e->tid,
				       e->ts);
	ev_write(&s->out, e, tgid, comm, s->ss, s->o.json);
	s->written++;
}

static void flush_pending(struct stream *s, struct cpu_rd *c)
{
	if (!c->pend)
		return;
	c->pend = false;
	emit(s, &c->pev);
}

/* A user_stack record: the stack of the event pending on @c, if its thread's. */
static void handle_stack(struct stream *s, struct cpu_rd *c, const unsigned char *d,
			 int size, int32_t tid)
{
	uint64_t st[64];
	uint32_t tgid;
	int n;

	if (!c->pend || c->pev.tid != tid)
		return;
	memcpy(&tgid, d + s->us_tgid, 4);
	for (n = 0; n < s->us_n && n < 64 && s->us_caller + (n + 1) * 8 <= size; n++) {
		memcpy(&st[n], d + s->us_caller + n * 8, 8);
		if (!st[n])
			break;
	}
	c->pev.stack = st;
	c->pev.nstack = n;
	c->pev.stack_tgid = (int)tgid;
	flush_pending(s, c);
}

static void handle(struct stream *s, struct cpu_rd *c, void *rec, uint64_t ts)
{
	int size = kbuffer_event_size(c->kb);
	const unsigned char *d = rec;
	struct eplan *ep;
	uint16_t type;
	int32_t tid;

	if (size < 8)
		return;
	memcpy(&type, d, 2);
	memcpy(&tid, d + 4, 4);
	if (type > s->max_id || !(ep = s->by_id[type]))
		return;
	if (ep->ustack) {
		handle_stack(s, c, d, size, tid);
		return;
	}
	flush_pending(s, c);
	c->pev = (struct ev){ .ep = ep, .data = d, .size = size, .cpu = c->cpu,
			      .tid = tid, .ts = ts };
	if (!s->o.stack) {
		emit(s, &c->pev);
		return;
	}
	/* the user_stack record comes next, maybe in the next read */
	memcpy(c->pdata, d, size);
	c->pev.data = c->pdata;
	c->pend = true;
}

/* ---- reading ------------------------------------------------------------ */

/* Read what @c holds, up to READ_BATCH pages. */
static int read_cpu(struct stream *s, struct cpu_rd *c)
{
	c->npages = c->cur = 0;
	c->more = false;
	if (c->fd < 0)
		return 0;
	while (c->npages < READ_BATCH) {
		ssize_t n = read(c->fd, c->pages + c->npages * s->psize, s->psize);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		c->npages++;
	}
	c->more = true;
	return 0;
}

/* Load page c->cur and its first record; false when no page is left. */
static bool next_page(struct stream *s, struct cpu_rd *c)
{
	while (c->cur < c->npages) {
		int missed;

		kbuffer_load_subbuffer(c->kb, c->pages + c->cur++ * s->psize);
		missed = kbuffer_missed_events(c->kb);
		if (missed)
			s->seen_lost += missed > 0 ? (unsigned long long)missed : 1;
		c->rec = kbuffer_read_event(c->kb, (unsigned long long *)&c->ts);
		if (c->rec)
			return true;
	}
	c->rec = NULL;
	return false;
}

/* Decode what was read on every CPU, oldest first. */
static void merge(struct stream *s)
{
	int i;

	for (i = 0; i < s->ncpu; i++)
		next_page(s, &s->cpus[i]);
	for (;;) {
		struct cpu_rd *best = NULL;

		for (i = 0; i < s->ncpu; i++) {
			struct cpu_rd *c = &s->cpus[i];

			if (c->rec && (!best || c->ts < best->ts))
				best = c;
		}
		if (!best)
			break;
		handle(s, best, best->rec, best->ts);
		best->rec = kbuffer_next_event(best->kb, (unsigned long long *)&best->ts);
		if (!best->rec)
			next_page(s, best);
	}
}

/* Read and write until the buffers are empty (or READ_BATCH per CPU, a
 * few times over, so a flood cannot keep us here forever). */
static int drain(struct stream *s, int rounds)
{
	int before = (int)s->written, i, ret;
	bool more = true;

	task_cache_age(s->tc, util_now_ns());
	while (more && rounds-- > 0) {
		more = false;
		for (i = 0; i < s->ncpu; i++) {
			ret = read_cpu(s, &s->cpus[i]);
			if (ret)
				return ret;
			more |= s->cpus[i].more;
		}
		merge(s);
		if (s->out.err)
			return s->out.err;
	}
	ret = ob_flush(&s->out);
	return ret ? ret : (int)s->written - before;
}

int stream_poll(struct stream *s, int timeout_ms)
{
	int n;

	if (s->stopped)
		return 0;
	n = poll(s->pfd, s->npfd, timeout_ms);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0)
		return -errno;
	return drain(s, 8);
}

int stream_stop(struct stream *s)
{
	int ret, i;

	if (!s->started || s->stopped)
		return 0;
	s->stopped = true;
	stream_enable_all(s, false);
	ret = drain(s, INT_MAX);
	for (i = 0; i < s->ncpu; i++)
		flush_pending(s, &s->cpus[i]);
	ob_flush(&s->out);
	return ret < 0 ? ret : s->out.err;
}

/* "overrun: N", "commit overrun: N" and "dropped events: N" */
static unsigned long long cpu_lost(const char *stats)
{
	static const char *const keys[] = {
		"\noverrun: ", "\ncommit overrun: ", "\ndropped events: ",
	};
	unsigned long long sum = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *p = strstr(stats, keys[i]);

		if (!p && strncmp(stats, keys[i] + 1, strlen(keys[i]) - 1) == 0)
			p = stats - 1;
		if (p)
			sum += strtoull(p + strlen(keys[i]), NULL, 10);
	}
	return sum;
}

int stream_lost(struct stream *s, struct stream_lost *l)
{
	char file[64], *stats;
	int i;

	memset(l, 0, sizeof(*l));
	l->seen = s->seen_lost;
	if (!s->lost_cpu)
		return 0;
	l->ncpu = s->ncpu;
	l->per_cpu = s->lost_cpu;
	for (i = 0; i < s->ncpu; i++) {
		snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", i);
		if (tfs_instance_read(s->ti, file, &stats))
			continue;
		if (stats[0]) {
			s->lost_cpu[i] = cpu_lost(stats);
			l->total += s->lost_cpu[i];
		}
		free(stats);
	}
	if (l->total < l->seen)
		l->total = l->seen;
	return 0;
}
