// SPDX-License-Identifier: GPL-2.0
/*
 * The reader: the stream object and its setup. A private instance
 * (instances/uprobe-<pid>, through the tracefs module) with its clock,
 * buffers, filter and pid set, the decoding plan of every event, and the
 * instance removed at the end. The reading is in stream-read.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>

#include "stream-int.h"
#include "tfs.h"
#include "util.h"

/* Wake the reader when the buffer is this full (percent). */
#define BUFFER_PERCENT	"25"
#define OUT_BUF		(1 << 20)

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

static size_t default_buffer_kb(int ncpu)
{
	size_t kb = STREAM_DEFAULT_BUFFER_KB;

	if (ncpu > 0 && kb * ncpu > STREAM_DEFAULT_TOTAL_KB)
		kb = STREAM_DEFAULT_TOTAL_KB / ncpu;
	return kb < 1024 ? 1024 : kb;
}

static int setup_instance(struct stream *s)
{
	size_t kb = s->o.buffer_kb;
	int ret;

	ret = tfs_instance_write(s->ti, "trace_clock", "mono");
	if (ret) {
		stream_set_errmsg("cannot set the instance's clock to 'mono'");
		return ret;
	}
	s->ncpu = stream_count_cpus(s);
	if (s->ncpu <= 0) {
		stream_set_errmsg("no per_cpu buffers in %s", tfs_instance_dir(s->ti));
		return s->ncpu ? s->ncpu : -ENOENT;
	}
	if (!kb)
		kb = default_buffer_kb(s->ncpu);
	ret = tfs_instance_set_buffer_kb(s->ti, kb);
	if (ret) {
		stream_set_errmsg("cannot set the buffer size to %zu KiB per CPU", kb);
		return ret;
	}
	/* older kernels lack it: poll then wakes on any data */
	tfs_instance_write(s->ti, "buffer_percent", BUFFER_PERCENT);
	/* the pid -> tgid map, for threads gone before we look them up */
	tfs_instance_option(s->ti, TFS_OPT_RECORD_TGID, true);
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
	s->ti = tfs_instance_new();
	if (!s->ti) {
		ret = errno ? -errno : -EIO;
		stream_set_errmsg("cannot create the instance %s/instances/%s%d: %s",
				  o->tracefs, TFS_INSTANCE_PREFIX, (int)getpid(),
				  strerror(-ret));
		goto out_err;
	}
	ret = setup_instance(s);
	if (ret)
		goto out_err;
	ret = -ENOMEM;
	s->tc = task_cache_new(o->tracefs);
	if (!s->tc || ob_init(&s->out, o->out_fd, OUT_BUF))
		goto out_err;
	return s;
out_err:
	stream_free(s);
	errno = -ret;
	return NULL;
}

int stream_add(struct stream *s, const struct probe *p)
{
	const struct probe **t;

	if (!tfs_instance_has_event(s->ti, probe_group(p), p->event)) {
		stream_set_errmsg("no event %s/%s", probe_group(p), p->event);
		return -ENOENT;
	}
	t = realloc(s->probes, (s->nprobes + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	s->probes = t;
	s->probes[s->nprobes++] = p;
	return 0;
}

int stream_filter(struct stream *s, const char *expr)
{
	size_t i;
	int ret, pos;
	char *why;

	for (i = 0; i < s->nprobes; i++) {
		const struct probe *p = s->probes[i];

		ret = tfs_instance_filter(s->ti, probe_group(p), p->event, expr, &why, &pos);
		if (ret == -EINVAL)
			stream_set_errmsg("%s/%s: %s", probe_group(p), p->event,
					  why ? why : "the kernel refused it");
		else if (ret)
			stream_set_errmsg("%s/%s: %s", probe_group(p), p->event,
					  strerror(-ret));
		free(why);
		if (ret) {
			errpos = pos;
			return ret;
		}
	}
	return 0;
}

int stream_pid(struct stream *s, pid_t pid, bool children)
{
	int ret = tfs_instance_follow(s->ti, pid);

	if (ret == -ESRCH)
		stream_set_errmsg("no process %d", (int)pid);
	else if (ret)
		stream_set_errmsg("cannot set set_event_pid");
	if (ret)
		return ret;
	/* event-fork follows children too: a process alone is sorted here */
	s->only_tgid = children ? 0 : pid;
	return 0;
}

/* libtraceevent for the ring buffer's page layout (kbuffer) only. */
static int load_tep(struct stream *s)
{
	char path[PATH_MAX], *hdr;
	size_t len;

	snprintf(path, sizeof(path), "%s/events/header_page", s->o.tracefs);
	hdr = util_read_file(path, &len);
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
	char file[PATH_MAX], *text;
	int ret;

	snprintf(file, sizeof(file), "events/%s/%s/format", group, event);
	ret = tfs_instance_read(s->ti, file, &text);
	if (ret) {
		stream_set_errmsg("cannot read the format of %s/%s", group, event);
		return ret;
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

/*
 * At a function's entry the return address is *(%sp): fetched as
 * STREAM_RA_ARG (uprobe trace --stack), or by an arg of the user's that
 * reads the same word ($stack0, +0(%sp)); unnamed, the kernel calls it argN.
 */
static void stack_plan(struct stream *s, struct eplan *ep)
{
	const struct probe *p = ep->probe;
	char aname[32];
	size_t i;

	if (!p || ep->ret || !syms_at_entry(s->ss, p))
		return;
	ep->entry = true;
	for (i = 0; i < p->nargs && ep->ra_off < 0; i++) {
		const struct probe_arg *a = &p->args[i];
		const struct fplan *f;

		if (strcmp(a->fetch, "$stack0") && strcmp(a->fetch, "+0(%sp)"))
			continue;
		snprintf(aname, sizeof(aname), "arg%zu", i + 1);
		f = eplan_field(ep, a->name ? a->name : aname);
		if (f && f->size == 8 && f->n == 0)
			ep->ra_off = f->offset;
	}
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

		ret = add_plan(s, probe_group(p), p->event, p);
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
		for (i = 0; i < s->nprobes; i++)
			stack_plan(s, &s->plans[i]);
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

int stream_enable_all(struct stream *s, bool on)
{
	size_t i;
	int ret = 0, r;

	for (i = 0; i < s->nprobes; i++) {
		const struct probe *p = s->probes[i];

		r = tfs_instance_enable(s->ti, probe_group(p), p->event, on);
		if (r && on) {
			stream_set_errmsg("cannot enable %s/%s: %s", probe_group(p),
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
		ret = stream_open_cpus(s);
	if (!ret && s->o.stack)
		ret = tfs_instance_option(s->ti, TFS_OPT_USERSTACKTRACE, true);
	if (ret)
		return ret;
	s->started = true;
	return stream_enable_all(s, true);
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

	if (!s)
		return;
	if (s->started && !s->stopped)
		stream_enable_all(s, false);
	stream_close_cpus(s);
	tfs_instance_free(s->ti);
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
	free(s->gone);
	free(s);
}
