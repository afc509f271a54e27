// SPDX-License-Identifier: GPL-2.0
/*
 * The reader: a private instance (instances/uprobe-<pid>), its per-CPU
 * binary buffers read without blocking and decoded with libtraceevent's
 * kbuffer, the CPUs merged by time, and the instance removed at the end.
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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event-parse.h>
#include <kbuffer.h>
#include <tracefs.h>

#include "stream-int.h"

/* Pages read per CPU before they are decoded; more waits for the next go. */
#define READ_BATCH	256
/* Wake the reader when the buffer is this full (percent). */
#define BUFFER_PERCENT	"25"
#define OUT_BUF		(1 << 20)

struct cpu_rd {
	int cpu;
	int fd;
	struct kbuffer *kb;
	char *pages;		/* READ_BATCH pages */
	size_t npages, cur;
	void *rec;		/* the record being merged, NULL: none */
	uint64_t ts;
	bool more;		/* stopped at READ_BATCH: more to read */
	/* --stack: an event waits for the user_stack record after it */
	bool pend;
	struct ev pev;
	unsigned char *pdata;
};

struct stream {
	struct stream_opts o;
	char *dir;			/* tracefs */
	char name[32];			/* uprobe-<pid> */
	char *idir;			/* tracefs/instances/uprobe-<pid> */
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	const struct probe **probes;
	size_t nprobes;
	struct eplan *plans;
	size_t nplans;
	struct eplan **by_id;
	int max_id;
	int us_tgid, us_caller, us_n;	/* ftrace/user_stack fields */
	int ncpu;
	struct cpu_rd *cpus;
	struct pollfd *pfd;		/* the CPUs that are online */
	int npfd;
	size_t psize;
	struct obuf out;
	struct task_cache *tc;
	struct latency *lat;
	struct stack_syms *ss;
	pid_t only_tgid;
	bool started, stopped;
	unsigned long written;
	unsigned long long seen_lost;
	unsigned long long *lost_cpu;
};

static __thread char errmsg[512];
static __thread int errpos = -1;

int stream_errpos(void)
{
	return errpos;
}

const char *stream_errmsg(void)
{
	return errmsg;
}

void stream_set_errmsg(const char *fmt, ...)
{
	va_list ap;

	errpos = -1;
	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* Write @val to the instance's file @fmt..., whole. */
static int __attribute__((format(printf, 3, 4)))
iwrite(struct stream *s, const char *val, const char *fmt, ...)
{
	char path[PATH_MAX];
	size_t len = strlen(val);
	va_list ap;
	ssize_t w;
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/", s->idir);
	va_start(ap, fmt);
	vsnprintf(path + n, sizeof(path) - n, fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, val, len);
	n = w < 0 ? -errno : (size_t)w == len ? 0 : -EIO;
	close(fd);
	return n;
}

static int count_cpus(const char *idir)
{
	char path[PATH_MAX];
	struct dirent *d;
	int n = 0;
	DIR *dp;

	snprintf(path, sizeof(path), "%s/per_cpu", idir);
	dp = opendir(path);
	if (!dp)
		return -errno;
	while ((d = readdir(dp)))
		if (strncmp(d->d_name, "cpu", 3) == 0 && atoi(d->d_name + 3) + 1 > n)
			n = atoi(d->d_name + 3) + 1;
	closedir(dp);
	return n;
}

static size_t default_buffer_kb(int ncpu)
{
	size_t kb = STREAM_DEFAULT_BUFFER_KB;

	if (ncpu > 0 && kb * ncpu > STREAM_DEFAULT_TOTAL_KB)
		kb = STREAM_DEFAULT_TOTAL_KB / ncpu;
	return kb < 1024 ? 1024 : kb;
}

static int setup_instance(struct stream *s)
{
	char kb[32];
	int ret;

	ret = iwrite(s, "mono", "trace_clock");
	if (ret) {
		stream_set_errmsg("cannot set the instance's clock to 'mono'");
		return ret;
	}
	s->ncpu = count_cpus(s->idir);
	if (s->ncpu <= 0) {
		stream_set_errmsg("no per_cpu buffers in %s", s->idir);
		return s->ncpu ? s->ncpu : -ENOENT;
	}
	snprintf(kb, sizeof(kb), "%zu", s->o.buffer_kb ? s->o.buffer_kb :
		 default_buffer_kb(s->ncpu));
	ret = iwrite(s, kb, "buffer_size_kb");
	if (ret) {
		stream_set_errmsg("cannot set the buffer size to %s KiB per CPU", kb);
		return ret;
	}
	/* older kernels lack it: poll then wakes on any data */
	iwrite(s, BUFFER_PERCENT, "buffer_percent");
	/* the pid -> tgid map, for threads gone before we look them up */
	iwrite(s, "1", "options/record-tgid");
	return 0;
}

struct stream *stream_new(const struct stream_opts *o)
{
	struct stream *s = calloc(1, sizeof(*s));
	int ret = -ENOMEM;

	errmsg[0] = '\0';
	if (!s)
		goto out_err;
	s->o = *o;
	s->dir = strdup(o->tracefs);
	snprintf(s->name, sizeof(s->name), STREAM_INSTANCE_PREFIX "%d", (int)getpid());
	if (!s->dir || asprintf(&s->idir, "%s/instances/%s", o->tracefs, s->name) < 0) {
		s->idir = NULL;
		goto out_err;
	}
	/* one of ours left by a dead process with our pid: not in use */
	if (mkdir(s->idir, 0700) && (errno != EEXIST || rmdir(s->idir) ||
				     mkdir(s->idir, 0700))) {
		ret = -errno;
		stream_set_errmsg("cannot create the instance %s: %s", s->idir,
				  strerror(errno));
		free(s->idir);
		s->idir = NULL;
		goto out_err;
	}
	s->inst = tracefs_instance_alloc(s->dir, s->name);
	if (!s->inst)
		goto out_err;
	ret = setup_instance(s);
	if (ret)
		goto out_err;
	ret = -ENOMEM;
	s->tc = task_cache_new(s->dir);
	if (!s->tc || ob_init(&s->out, o->out_fd, OUT_BUF))
		goto out_err;
	return s;
out_err:
	stream_free(s);
	errno = -ret;
	return NULL;
}

static const char *group_of(const struct probe *p)
{
	return p->group ? p->group : PROBE_DEFAULT_GROUP;
}

int stream_add(struct stream *s, const struct probe *p)
{
	const struct probe **t;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/events/%s/%s", s->idir, group_of(p),
		 p->event);
	if (access(path, F_OK)) {
		stream_set_errmsg("no event %s/%s", group_of(p), p->event);
		return -ENOENT;
	}
	t = realloc(s->probes, (s->nprobes + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	s->probes = t;
	s->probes[s->nprobes++] = p;
	return 0;
}

/* After a refused filter, the file reads "EXPR\n   ^\nparse_error: MSG". */
static void filter_error(struct stream *s, const struct probe *p, const char *expr)
{
	char *txt = tracefs_event_file_read(s->inst, group_of(p), p->event,
					    "filter", NULL);
	char *msg = txt ? strstr(txt, "parse_error: ") : NULL;
	char *hat = txt ? strchr(txt, '^') : NULL;
	char *nl;
	int pos = -1;

	if (msg) {
		msg += strlen("parse_error: ");
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
	}
	if (hat && strchr(txt, '\n') && hat > strchr(txt, '\n'))
		pos = (int)(hat - strchr(txt, '\n') - 1);
	if (pos < 0 || pos > (int)strlen(expr))
		pos = -1;
	stream_set_errmsg("%s/%s: %s", group_of(p), p->event,
			  msg ? msg : "the kernel refused it");
	errpos = pos;
	free(txt);
}

int stream_filter(struct stream *s, const char *expr)
{
	size_t i;
	int ret;

	for (i = 0; i < s->nprobes; i++) {
		const struct probe *p = s->probes[i];

		ret = iwrite(s, expr, "events/%s/%s/filter", group_of(p), p->event);
		if (ret == -EINVAL) {
			filter_error(s, p, expr);
			return ret;
		}
		if (ret) {
			stream_set_errmsg("%s/%s: %s", group_of(p), p->event,
					  strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int stream_pid(struct stream *s, pid_t pid, bool children)
{
	char path[64], *list = NULL;
	size_t len = 0;
	struct dirent *d;
	DIR *dp;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dp = opendir(path);
	if (!dp) {
		stream_set_errmsg("no process %d", (int)pid);
		return -ESRCH;
	}
	/* set_event_pid holds thread ids: every thread, and with event-fork
	 * the threads and children made from now on */
	while ((d = readdir(dp))) {
		char *t;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		t = realloc(list, len + strlen(d->d_name) + 2);
		if (!t) {
			closedir(dp);
			free(list);
			return -ENOMEM;
		}
		list = t;
		len += sprintf(list + len, "%s ", d->d_name);
	}
	closedir(dp);
	if (!list)
		return -ESRCH;
	ret = iwrite(s, "1", "options/event-fork");
	if (!ret)
		ret = iwrite(s, list, "set_event_pid");
	free(list);
	if (ret) {
		stream_set_errmsg("cannot set set_event_pid");
		return ret;
	}
	/* event-fork follows children too: a process alone is sorted here */
	s->only_tgid = children ? 0 : pid;
	return 0;
}

/* The whole of a small tracefs file, NUL-terminated; caller frees. */
static char *read_file(const char *path, size_t *len)
{
	size_t n = 0, cap = 8192;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (!buf || fd < 0)
		goto out_err;
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += r;
		if (cap - n < 1024) {
			char *t = realloc(buf, cap * 2);

			if (!t)
				goto out_err;
			buf = t;
			cap *= 2;
		}
	}
	if (r < 0)
		goto out_err;
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
out_err:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* libtraceevent for the ring buffer's page layout (kbuffer) only. */
static int load_tep(struct stream *s)
{
	char path[PATH_MAX], *hdr;
	size_t len;

	snprintf(path, sizeof(path), "%s/events/header_page", s->dir);
	hdr = read_file(path, &len);
	s->tep = tep_alloc();
	if (s->tep) {
		enum tep_endian end = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				      TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN;

		tep_set_file_bigendian(s->tep, end);
		tep_set_local_bigendian(s->tep, end);
		tep_set_long_size(s->tep, sizeof(long));
		tep_set_page_size(s->tep, getpagesize());
	}
	if (!hdr || !s->tep || tep_parse_header_page(s->tep, hdr, len, sizeof(long))) {
		free(hdr);
		stream_set_errmsg("cannot read %s", path);
		return -EIO;
	}
	free(hdr);
	return 0;
}

static int add_plan(struct stream *s, const char *group, const char *event,
		    const struct probe *p)
{
	struct eplan *ep = &s->plans[s->nplans];
	char path[PATH_MAX], *text;
	int ret;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", s->idir, group, event);
	text = read_file(path, NULL);
	if (!text) {
		ret = -errno;
		stream_set_errmsg("cannot read the format of %s/%s", group, event);
		return ret ? ret : -EIO;
	}
	ret = eplan_build(ep, group, event, text);
	free(text);
	s->nplans++;
	if (ret) {
		stream_set_errmsg("cannot make sense of the format of %s/%s", group,
				  event);
		return ret;
	}
	ep->probe = p;
	if (p && s->lat)
		ep->lat_fn = lat_fn(s->lat, p);
	if (ep->id > s->max_id)
		s->max_id = ep->id;
	return 0;
}

static int ustack_fields(struct stream *s, const struct eplan *ep)
{
	const struct fplan *tg = eplan_field(ep, "tgid");
	const struct fplan *ca = eplan_field(ep, "caller");

	if (!tg || !ca || ca->size != 8) {
		stream_set_errmsg("ftrace/user_stack has no tgid or caller field");
		return -EIO;
	}
	s->us_tgid = tg->offset;
	s->us_caller = ca->offset;
	s->us_n = ca->n;
	return 0;
}

static int build_plans(struct stream *s)
{
	size_t i;
	int ret;

	s->plans = calloc(s->nprobes + 1, sizeof(*s->plans));
	if (!s->plans)
		return -ENOMEM;
	if (s->o.latency && !(s->lat = lat_new()))
		return -ENOMEM;
	for (i = 0; i < s->nprobes; i++) {
		const struct probe *p = s->probes[i];

		ret = add_plan(s, group_of(p), p->event, p);
		if (ret)
			return ret;
	}
	if (s->o.stack) {
		ret = add_plan(s, "ftrace", "user_stack", NULL);
		if (ret == -ENOENT)
			stream_set_errmsg("this kernel has no ftrace/user_stack event");
		if (!ret)
			ret = ustack_fields(s, &s->plans[s->nplans - 1]);
		if (ret)
			return ret;
		if (!(s->ss = syms_new()))
			return -ENOMEM;
	}
	if (s->lat)
		lat_finalize(s->lat, s->plans, s->nplans);
	s->by_id = calloc(s->max_id + 1, sizeof(*s->by_id));
	if (!s->by_id)
		return -ENOMEM;
	for (i = 0; i < s->nplans; i++)
		s->by_id[s->plans[i].id] = &s->plans[i];
	return 0;
}

static int open_cpus(struct stream *s)
{
	char path[PATH_MAX], kb[32];
	int i, fd;

	s->psize = getpagesize();
	snprintf(path, sizeof(path), "%s/buffer_subbuf_size_kb", s->idir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, kb, sizeof(kb) - 1);

		if (n > 0) {
			kb[n] = '\0';
			if (atoi(kb) > 0)
				s->psize = (size_t)atoi(kb) * 1024;
		}
		close(fd);
	}
	s->cpus = calloc(s->ncpu, sizeof(*s->cpus));
	s->lost_cpu = calloc(s->ncpu, sizeof(*s->lost_cpu));
	s->pfd = calloc(s->ncpu, sizeof(*s->pfd));
	if (!s->cpus || !s->lost_cpu || !s->pfd)
		return -ENOMEM;
	for (i = 0; i < s->ncpu; i++)
		s->cpus[i].fd = -1;	/* stream_free() closes what is >= 0 */
	for (i = 0; i < s->ncpu; i++) {
		struct cpu_rd *c = &s->cpus[i];

		c->cpu = i;
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw",
			 s->idir, i);
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
	}
	return 0;
}

static int enable_all(struct stream *s, bool on)
{
	size_t i;
	int ret = 0, r;

	for (i = 0; i < s->nprobes; i++) {
		const struct probe *p = s->probes[i];

		r = iwrite(s, on ? "1" : "0", "events/%s/%s/enable", group_of(p),
			   p->event);
		if (r && on) {
			stream_set_errmsg("cannot enable %s/%s: %s", group_of(p),
					  p->event, strerror(-r));
			return r;
		}
		if (r && !ret)
			ret = r;
	}
	return ret;
}

int stream_start(struct stream *s)
{
	int ret;

	if (!s->nprobes) {
		stream_set_errmsg("no events to stream");
		return -ENOENT;
	}
	ret = load_tep(s);
	if (!ret)
		ret = build_plans(s);
	if (!ret)
		ret = open_cpus(s);
	if (!ret && s->o.stack)
		ret = iwrite(s, "1", "options/userstacktrace");
	if (ret)
		return ret;
	s->started = true;
	return enable_all(s, true);
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
		uint64_t st[64];
		uint32_t tgid;
		int n;

		if (!c->pend || c->pev.tid != tid)
			return;
		memcpy(&tgid, d + s->us_tgid, 4);
		for (n = 0; n < s->us_n && n < 64 &&
		     s->us_caller + (n + 1) * 8 <= size; n++) {
			memcpy(&st[n], d + s->us_caller + n * 8, 8);
			if (!st[n])
				break;
		}
		c->pev.stack = st;
		c->pev.nstack = n;
		c->pev.stack_tgid = (int)tgid;
		flush_pending(s, c);
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

	task_cache_age(s->tc, now_ns());
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
	enable_all(s, false);
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

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
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
	char path[PATH_MAX], buf[1024];
	int i;

	memset(l, 0, sizeof(*l));
	l->seen = s->seen_lost;
	if (!s->lost_cpu)
		return 0;
	l->ncpu = s->ncpu;
	l->per_cpu = s->lost_cpu;
	for (i = 0; i < s->ncpu; i++) {
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", s->idir, i);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf + 1, sizeof(buf) - 2);
		close(fd);
		if (n <= 0)
			continue;
		buf[0] = '\n';
		buf[n + 1] = '\0';
		s->lost_cpu[i] = cpu_lost(buf);
		l->total += s->lost_cpu[i];
	}
	if (l->total < l->seen)
		l->total = l->seen;
	return 0;
}

int stream_finish(struct stream *s)
{
	struct stream_lost l;
	int i;

	if (s->lat)
		lat_write(s->lat, &s->out, s->o.json);
	if (s->o.json) {
		stream_lost(s, &l);
		ob_puts(&s->out, "{\"events\": ");
		ob_u64(&s->out, s->written);
		ob_puts(&s->out, ", \"lost\": ");
		ob_u64(&s->out, l.total);
		ob_puts(&s->out, ", \"lost_per_cpu\": [");
		for (i = 0; i < l.ncpu; i++) {
			if (i)
				ob_puts(&s->out, ", ");
			ob_u64(&s->out, l.per_cpu[i]);
		}
		ob_puts(&s->out, "]}\n");
	}
	return ob_flush(&s->out);
}

void stream_free(struct stream *s)
{
	size_t i;
	int c;

	if (!s)
		return;
	if (s->started && !s->stopped)
		enable_all(s, false);
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
	if (s->idir && rmdir(s->idir) && errno == EBUSY) {
		/* an event file still open elsewhere: try once more */
		usleep(10000);
		rmdir(s->idir);
	}
	if (s->inst)
		tracefs_instance_free(s->inst);
	for (i = 0; i < s->nplans; i++)
		eplan_clear(&s->plans[i]);
	free(s->plans);
	free(s->by_id);
	if (s->tep)
		tep_free(s->tep);
	lat_free(s->lat);
	syms_free(s->ss);
	task_cache_free(s->tc);
	ob_free(&s->out);
	free(s->lost_cpu);
	free(s->probes);
	free(s->idir);
	free(s->dir);
	free(s);
}

/* Whether @pid is gone, or now some other program than ours. */
static bool owner_gone(int pid)
{
	char path[64], comm[32];
	ssize_t n;
	int fd;

	if (kill(pid, 0) && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	return strcmp(comm, "uprobe\n") != 0;
}

int stream_reap(const char *tracefs)
{
	char path[PATH_MAX];
	size_t plen = strlen(STREAM_INSTANCE_PREFIX);
	struct dirent *d;
	int n = 0;
	DIR *dp;

	snprintf(path, sizeof(path), "%s/instances", tracefs);
	dp = opendir(path);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp))) {
		char *end;
		long pid;

		if (strncmp(d->d_name, STREAM_INSTANCE_PREFIX, plen) != 0)
			continue;
		pid = strtol(d->d_name + plen, &end, 10);
		if (*end || pid <= 0 || pid == getpid() || !owner_gone((int)pid))
			continue;
		snprintf(path, sizeof(path), "%s/instances/%s", tracefs, d->d_name);
		if (rmdir(path) == 0)
			n++;
	}
	closedir(dp);
	return n;
}
