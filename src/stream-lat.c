// SPDX-License-Identifier: GPL-2.0
/*
 * --latency: an entry probe and a return probe on the same place (file and
 * offset) make a function; its calls are paired per thread, a stack per
 * thread for recursion, and each duration goes into a log2 histogram.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "stream-int.h"
#include "util.h"

#define NBUCKETS 65	/* 0, then [2^(b-1), 2^b) for b = 1..64 */

struct lat_func {
	const struct probe *entry, *ret;	/* the pair used */
	char *label;				/* symbol+off, else 0xOFFSET */
	uint64_t hist[NBUCKETS];
	uint64_t count, sum, min, max;
};

/* The entry times of one thread in one function not yet returned from. */
struct lat_stack {
	uint64_t *ts;
	uint32_t n, cap;
};

struct latency {
	struct lat_func *fn;
	size_t nfn;
	struct u64map stacks;	/* (tid << 32 | function) -> struct lat_stack */
};

struct latency *lat_new(void)
{
	return calloc(1, sizeof(struct latency));
}

static void stack_free(void *p)
{
	struct lat_stack *st = p;

	free(st->ts);
	free(st);
}

void lat_free(struct latency *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->nfn; i++)
		free(l->fn[i].label);
	u64map_free(&l->stacks, stack_free);
	free(l->fn);
	free(l);
}

int lat_fn(struct latency *l, const struct probe *p)
{
	struct lat_func *f;
	size_t i;

	for (i = 0; i < l->nfn; i++) {
		const struct probe *q = l->fn[i].entry ? l->fn[i].entry : l->fn[i].ret;

		if (q->offset == p->offset && strcmp(q->path, p->path) == 0)
			break;
	}
	if (i == l->nfn) {
		f = realloc(l->fn, (l->nfn + 1) * sizeof(*f));
		if (!f)
			return -1;
		l->fn = f;
		memset(&l->fn[l->nfn++], 0, sizeof(*f));
	}
	f = &l->fn[i];
	/* the first entry and the first return probe make the pair */
	if (p->kind == PROBE_RETURN && !f->ret)
		f->ret = p;
	else if (p->kind == PROBE_ENTRY && !f->entry)
		f->entry = p;
	return (int)i;
}

static char *label_of(const struct probe *p)
{
	struct resolve_elf *e = resolve_open(p->path);
	char *name = NULL, *s = NULL;
	uint64_t add = 0;
	int r;

	if (e && resolve_offset_to_symbol(e, p->offset, &name, &add) == 0)
		r = add ? asprintf(&s, "%s+0x%" PRIx64, name, add) :
			  asprintf(&s, "%s", name);
	else
		r = asprintf(&s, "0x%" PRIx64, p->offset);
	if (r < 0)
		s = NULL;
	free(name);
	resolve_close(e);
	return s;
}

void lat_finalize(struct latency *l, struct eplan *plans, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct eplan *ep = &plans[i];
		struct lat_func *f;

		if (ep->lat_fn < 0)
			continue;
		f = &l->fn[ep->lat_fn];
		if (!f->entry || !f->ret || (ep->probe != f->entry && ep->probe != f->ret))
			ep->lat_fn = -1;
	}
	for (i = 0; i < l->nfn; i++) {
		l->fn[i].min = UINT64_MAX;
		if (l->fn[i].entry && l->fn[i].ret)
			l->fn[i].label = label_of(l->fn[i].entry);
	}
}

/* The stack of @tid in function @fn; created when @create. */
static struct lat_stack *stack_of(struct latency *l, int tid, int fn, bool create)
{
	uint64_t key = (uint64_t)(uint32_t)tid << 32 | (uint32_t)fn;
	struct lat_stack *st = u64map_get(&l->stacks, key);

	if (st || !create)
		return st;
	st = calloc(1, sizeof(*st));
	if (st && u64map_put(&l->stacks, key, st)) {
		free(st);
		st = NULL;
	}
	return st;
}

static int bucket(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

int64_t lat_event(struct latency *l, int fn, bool ret, int tid, uint64_t ts)
{
	struct lat_func *f = &l->fn[fn];
	struct lat_stack *sl = stack_of(l, tid, fn, !ret);
	uint64_t d;

	if (!sl)
		return -1;	/* a return entered before we started, or no memory */
	if (ret) {
		if (!sl->n)
			return -1;	/* entered before we started */
		d = ts >= sl->ts[sl->n - 1] ? ts - sl->ts[--sl->n] : (sl->n--, 0);
		f->hist[bucket(d)]++;
		f->count++;
		f->sum += d;
		if (d < f->min)
			f->min = d;
		if (d > f->max)
			f->max = d;
		return (int64_t)d;
	}
	if (sl->n == sl->cap) {
		uint32_t cap = sl->cap ? sl->cap * 2 : 4;
		uint64_t *t = realloc(sl->ts, cap * sizeof(*t));

		if (!t)
			return -1;
		sl->ts = t;
		sl->cap = cap;
	}
	sl->ts[sl->n++] = ts;
	return -1;
}

/* 1, 2, ..., 512, 1K, ..., 512K, 1M, ...: powers of two in ns, as
 * bpftrace shows them */
static void pow2_label(char *buf, size_t len, int b)
{
	static const char unit[] = " KMGTPE";
	int u = b / 10;

	snprintf(buf, len, "%llu%c", 1ULL << (b - u * 10), unit[u]);
	if (unit[u] == ' ')
		buf[strlen(buf) - 1] = '\0';
}

static void write_hist_text(struct obuf *o, const struct lat_func *f)
{
	uint64_t top = 0;
	int b, lo = NBUCKETS, hi = -1;
	char line[200], a[24], z[24];

	for (b = 0; b < NBUCKETS; b++) {
		if (!f->hist[b])
			continue;
		lo = b < lo ? b : lo;
		hi = b;
		top = f->hist[b] > top ? f->hist[b] : top;
	}
	for (b = lo; b <= hi; b++) {
		int bar = (int)(f->hist[b] * 50 / top);

		if (b == 0) {
			snprintf(a, sizeof(a), "0");
			snprintf(z, sizeof(z), "1");
		} else {
			pow2_label(a, sizeof(a), b - 1);
			pow2_label(z, sizeof(z), b);
		}
		snprintf(line, sizeof(line), "[%s, %s)", a, z);
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%*s %10" PRIu64 " |%-50.*s|\n", 14 - (int)strlen(line), "",
			 f->hist[b], bar,
			 "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
		ob_puts(o, line);
	}
}

static void write_fn_text(struct obuf *o, const struct lat_func *f)
{
	char line[600];

	snprintf(line, sizeof(line),
		 "\nlatency of %s (%s/%s -> %s/%s) in %s: %" PRIu64 " calls",
		 f->label ? f->label : "?",
		 probe_group(f->entry),
		 f->entry->event,
		 probe_group(f->ret),
		 f->ret->event, f->entry->path, f->count);
	ob_puts(o, line);
	if (f->count) {
		snprintf(line, sizeof(line), ", min %" PRIu64 " avg %" PRIu64
			 " max %" PRIu64 " ns\n", f->min, f->sum / f->count, f->max);
		ob_puts(o, line);
		write_hist_text(o, f);
	} else {
		ob_putc(o, '\n');
	}
}

static void write_fn_json(struct obuf *o, const struct lat_func *f)
{
	char name[2 * PROBE_MAX_EVENT_NAME + 2];
	bool first = true;
	int b;

	ob_puts(o, "{\"latency\": {\"func\": ");
	if (f->label)
		ob_jstr(o, f->label, strlen(f->label));
	else
		ob_puts(o, "null");
	ob_puts(o, ", \"path\": ");
	ob_jstr(o, f->entry->path, strlen(f->entry->path));
	ob_puts(o, ", \"offset\": ");
	ob_u64(o, f->entry->offset);
	snprintf(name, sizeof(name), "%s/%s", probe_group(f->entry), f->entry->event);
	ob_puts(o, ", \"entry\": ");
	ob_jstr(o, name, strlen(name));
	snprintf(name, sizeof(name), "%s/%s", probe_group(f->ret), f->ret->event);
	ob_puts(o, ", \"return\": ");
	ob_jstr(o, name, strlen(name));
	ob_puts(o, ", \"count\": ");
	ob_u64(o, f->count);
	ob_puts(o, ", \"min_ns\": ");
	ob_u64(o, f->count ? f->min : 0);
	ob_puts(o, ", \"max_ns\": ");
	ob_u64(o, f->max);
	ob_puts(o, ", \"sum_ns\": ");
	ob_u64(o, f->sum);
	ob_puts(o, ", \"hist\": [");
	for (b = 0; b < NBUCKETS; b++) {
		if (!f->hist[b])
			continue;
		ob_puts(o, first ? "{\"min_ns\": " : ", {\"min_ns\": ");
		first = false;
		ob_u64(o, b ? 1ULL << (b - 1) : 0);
		ob_puts(o, ", \"max_ns\": ");
		ob_u64(o, b ? (b == 64 ? UINT64_MAX : (1ULL << b) - 1) : 0);
		ob_puts(o, ", \"count\": ");
		ob_u64(o, f->hist[b]);
		ob_putc(o, '}');
	}
	ob_puts(o, "]}}\n");
}

void lat_write(struct latency *l, struct obuf *o, bool json)
{
	size_t i;

	for (i = 0; i < l->nfn; i++) {
		const struct lat_func *f = &l->fn[i];

		if (!f->entry || !f->ret)
			continue;
		if (json)
			write_fn_json(o, f);
		else
			write_fn_text(o, f);
	}
}
