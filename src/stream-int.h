/* SPDX-License-Identifier: GPL-2.0 */
/* The reader's insides, shared by src/stream*.c only. */
#ifndef UPROBE_STREAM_INT_H
#define UPROBE_STREAM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "probe.h"
#include "stream.h"

struct tep_handle;
struct kbuffer;

/* Output: lines are built here and written with write(2) in big chunks. */
struct obuf {
	char *buf;
	size_t len, cap;
	int fd;
	int err;	/* the first write error, -errno */
};

int ob_init(struct obuf *o, int fd, size_t cap);
void ob_free(struct obuf *o);
int ob_flush(struct obuf *o);
char *ob_room_slow(struct obuf *o, size_t n);

/* Room for @n more bytes at the end; flushes when the buffer is full. What
 * is written there is kept by ob_end(). NULL: no memory. */
static inline char *ob_room(struct obuf *o, size_t n)
{
	if (o->len + n <= o->cap)
		return o->buf + o->len;
	return ob_room_slow(o, n);
}

/* The buffer now ends at @p, a pointer into the room last given. */
static inline void ob_end(struct obuf *o, char *p)
{
	o->len = p - o->buf;
}

static inline void ob_put(struct obuf *o, const char *s, size_t n)
{
	char *p = ob_room(o, n);

	if (p) {
		memcpy(p, s, n);
		o->len += n;
	}
}

static inline void ob_putc(struct obuf *o, char c)
{
	char *p = ob_room(o, 1);

	if (p) {
		*p = c;
		o->len++;
	}
}

/* inline: the length of a literal is known when compiled */
static inline void ob_puts(struct obuf *o, const char *s)
{
	ob_put(o, s, strlen(s));
}

/* A string literal @s copied to @p, whose room is the caller's: the end */
#define OB_LIT(p, s)	((char *)memcpy((p), (s), sizeof(s) - 1) + sizeof(s) - 1)

void ob_u64(struct obuf *o, uint64_t v);
void ob_s64(struct obuf *o, int64_t v);
void ob_hex(struct obuf *o, uint64_t v);	/* 0x... */
/* ns as seconds with 9 decimals, exact */
void ob_time(struct obuf *o, uint64_t ns);
/*
 * The same at @p, with room already made (OB_NUM_MAX bytes each): they
 * return the end. For a line built in one piece of room.
 */
#define OB_NUM_MAX	24
char *ob_p_u64(char *p, uint64_t v);
char *ob_p_s64(char *p, int64_t v);
char *ob_p_time(char *p, uint64_t ns);
/* @s[0..n) between double quotes, C escapes (text) or JSON escapes */
void ob_cstr(struct obuf *o, const char *s, size_t n);
void ob_jstr(struct obuf *o, const char *s, size_t n);
/* @s with its control bytes as \xHH, so that a line stays one line: at @p,
 * @n = strlen(@s), with room for 4 * @n bytes; returns the end */
char *ob_p_comm(char *p, const char *s, size_t n);
void ob_comm(struct obuf *o, const char *s);

/* How one argument field is shown. */
enum fkind {
	FK_INT,		/* decimal, signed or not */
	FK_HEX,		/* x8..x64: 0x... */
	FK_CHAR,	/* 'c' */
	FK_STR,		/* __data_loc string */
};

struct fplan {
	char *name;
	int offset;
	int size;	/* of one element */
	int n;		/* elements; 0: a scalar */
	bool is_signed;
	enum fkind kind;
	/* written before the value, made once: " NAME=" (text), "\"NAME\": "
	 * (JSON), after ", " but for the first argument */
	char *tkey, *jkey;
	size_t tklen, jklen;
};

/* How one event id is decoded. */
struct eplan {
	int id;
	char *name;		/* "GRP/EVENT" */
	size_t name_len;
	char *jhead;		/* JSON: ", \"event\": \"GRP/EVENT\", \"ip\": \"" */
	size_t jhead_len;
	const struct probe *probe;
	bool ret;		/* a return probe: __probe_func, __probe_ret_ip */
	bool ustack;		/* ftrace/user_stack */
	int ip_off, func_off;	/* -1: none */
	/* --stack at a function's entry: the kernel's frame-pointer walk starts
	 * at the caller's caller; the return address is *(%sp), in this field */
	bool entry;
	int ra_off;		/* -1: not fetched */
	struct fplan *f;
	size_t nf;
	int lat_fn;		/* latency pairing: function index, -1 none */
};

/* From the text of the event's format file. */
int eplan_build(struct eplan *ep, const char *group, const char *event,
		const char *text);
const struct fplan *eplan_field(const struct eplan *ep, const char *name);
void eplan_clear(struct eplan *ep);

/* tid -> tgid and comm, from /proc, else the kernel's saved lists */
struct task_cache;
struct task_cache *task_cache_new(const char *tracefs);
void task_cache_free(struct task_cache *tc);
/* *@comm points into the cache; valid until the next lookup */
void task_lookup(struct task_cache *tc, int tid, int *tgid, const char **comm);
/* forget entries older than a second, for comms changed by exec */
void task_cache_age(struct task_cache *tc, uint64_t now_ns);

/* One decoded event, before it is written. */
struct ev {
	const struct eplan *ep;
	const unsigned char *data;
	int size;
	int cpu;
	int tid;
	uint64_t ts;
	int64_t latency;		/* ns, -1: none */
	const uint64_t *stack;		/* user stack, NULL: none */
	int nstack;
	int stack_tgid;
};

struct stack_syms;
void ev_write(struct obuf *o, const struct ev *e, int tgid, const char *comm,
	      struct stack_syms *ss, bool json);

/* --latency: entry/return pairs per thread, log2 histograms. */
struct latency;
struct latency *lat_new(void);
void lat_free(struct latency *l);
/* the function index of @p's place (path+offset), new or existing */
int lat_fn(struct latency *l, const struct probe *p);
/* keep only functions that have both an entry and a return probe */
void lat_finalize(struct latency *l, struct eplan *plans, size_t n);
/* -1: no duration (an entry, or a return without its entry) */
int64_t lat_event(struct latency *l, int fn, bool ret, int tid, uint64_t ts);
void lat_write(struct latency *l, struct obuf *o, bool json);

/* --stack: addresses -> function+offset and file via /proc/PID/maps. */
struct stack_syms *syms_new(void);
void syms_free(struct stack_syms *ss);
/* Name of @addr in @tgid: *@file and *@sym point into the cache (NULL
 * when unknown); @off is into the function. @call: a return address.
 * @p and @pc (where @p's offset was loaded) serve when the process is
 * gone. */
void syms_lookup(struct stack_syms *ss, int tgid, uint64_t addr, bool call,
		 const struct probe *p, uint64_t pc, const char **file,
		 const char **sym, uint64_t *off);
/* whether @p is an entry probe on the first byte of a function */
bool syms_at_entry(struct stack_syms *ss, const struct probe *p);

/* One CPU's buffer of the instance, being read (stream-read.c). */
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

struct tfs_instance;
struct pollfd;

/* Set up in stream.c, read in stream-read.c. */
struct stream {
	struct stream_opts o;
	struct tfs_instance *ti;	/* instances/uprobe-<pid> */
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
	bool *gone;			/* [nprobes]: removed under the stream, said */
	char gone_name[2 * PROBE_MAX_EVENT_NAME + 2];
	unsigned long written;
	unsigned long long seen_lost;
	unsigned long long *lost_cpu;
};

/* stream.c: enable or disable every added event in the instance */
int stream_enable_all(struct stream *s, bool on);
/* stream-read.c: count the instance's CPUs, open their buffers; close them */
int stream_count_cpus(struct stream *s);
int stream_open_cpus(struct stream *s);
void stream_close_cpus(struct stream *s);

void stream_set_errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
