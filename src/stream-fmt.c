// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's formatting: one event as one text line or one JSON object,
 * its fields decoded by the event's plan (stream-plan.c), written into the
 * output buffer (stream-obuf.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "stream-int.h"
#include "util.h"

static uint64_t get_u(const unsigned char *p, int size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

static int64_t get_s(const unsigned char *p, int size)
{
	uint64_t v = get_u(p, size);

	if (size < 8 && (v & (1ULL << (size * 8 - 1))))
		v |= ~0ULL << (size * 8);
	return (int64_t)v;
}

/* A __data_loc string: *@s and *@n, false for a failed fetch ("(fault)"). */
static bool get_str(const struct ev *e, const unsigned char *p,
		    const char **s, size_t *n)
{
	uint32_t loc = (uint32_t)get_u(p, 4);
	uint32_t off = loc & 0xffff, len = loc >> 16;

	/* the kernel stores a length of 0 when the fetch faulted */
	if (len == 0 || off + len > (uint32_t)e->size)
		return false;
	*s = (const char *)e->data + off;
	*n = len;
	while (*n && (*s)[*n - 1] == '\0')
		(*n)--;
	return true;
}

static void write_value(struct obuf *o, const struct ev *e,
			const struct fplan *f, const unsigned char *p, bool json)
{
	const char *s;
	size_t n;
	char c;

	switch (f->kind) {
	case FK_STR:
		if (!get_str(e, p, &s, &n))
			ob_puts(o, json ? "null" : "(fault)");
		else if (json)
			ob_jstr(o, s, n);
		else
			ob_cstr(o, s, n);
		break;
	case FK_CHAR:
		c = (char)get_u(p, 1);
		if (json) {
			ob_jstr(o, &c, 1);
		} else if (c == '\'') {
			ob_puts(o, "'\\''");
		} else {
			/* 'c' with the escapes of a string; room first, so
			 * that ob_cstr() cannot flush and move it from @at */
			size_t at;

			ob_room(o, 6);
			at = o->len;
			ob_cstr(o, &c, 1);
			o->buf[at] = '\'';
			o->buf[o->len - 1] = '\'';
		}
		break;
	case FK_HEX:
		if (json)
			ob_putc(o, '"');
		ob_hex(o, get_u(p, f->size));
		if (json)
			ob_putc(o, '"');
		break;
	case FK_INT:
		if (f->is_signed)
			ob_s64(o, get_s(p, f->size));
		else
			ob_u64(o, get_u(p, f->size));
		break;
	}
}

/* " NAME=VALUE" or (JSON) ", \"NAME\": VALUE", the key made by the plan */
static void write_field(struct obuf *o, const struct ev *e,
			const struct fplan *f, bool json)
{
	const unsigned char *p = e->data + f->offset;
	int i, step = f->kind == FK_STR ? 4 : f->size;

	if (json)
		ob_put(o, f->jkey, f->jklen);
	else
		ob_put(o, f->tkey, f->tklen);
	if (f->n == 0) {
		write_value(o, e, f, p, json);
		return;
	}
	ob_putc(o, json ? '[' : '{');
	for (i = 0; i < f->n; i++) {
		if (i)
			ob_puts(o, json ? ", " : ",");
		write_value(o, e, f, p + i * step, json);
	}
	ob_putc(o, json ? ']' : '}');
}

/* One frame of the user stack: {"addr", "sym", "off", "file"} in JSON */
static void write_frame_json(struct obuf *o, uint64_t addr, const char *file,
			     const char *sym, uint64_t off)
{
	ob_puts(o, "{\"addr\": \"");
	ob_hex(o, addr);
	ob_puts(o, "\", \"sym\": ");
	if (sym)
		ob_jstr(o, sym, strlen(sym));
	else
		ob_puts(o, "null");
	ob_puts(o, ", \"off\": ");
	ob_u64(o, sym ? off : 0);
	ob_puts(o, ", \"file\": ");
	if (file)
		ob_jstr(o, file, strlen(file));
	else
		ob_puts(o, "null");
	ob_putc(o, '}');
}

/* One frame of the user stack as text: "SYM+0xOFF (FILE)", or the address */
static void write_frame_text(struct obuf *o, uint64_t addr, const char *file,
			     const char *sym, uint64_t off)
{
	if (sym) {
		ob_puts(o, sym);
		ob_putc(o, '+');
		ob_hex(o, off);
	} else {
		ob_hex(o, addr);
	}
	if (file) {
		const char *b = strrchr(file, '/');

		ob_puts(o, " (");
		ob_puts(o, b ? b + 1 : file);
		ob_putc(o, ')');
	}
}

static void write_frame(struct obuf *o, const struct ev *e, struct stack_syms *ss,
			uint64_t addr, bool call, uint64_t pc, bool json)
{
	const char *file, *sym;
	uint64_t off;

	syms_lookup(ss, e->stack_tgid, addr, call, e->ep->probe, pc, &file, &sym, &off);
	if (json)
		write_frame_json(o, addr, file, sym, off);
	else
		write_frame_text(o, addr, file, sym, off);
}

/*
 * At a function's entry the kernel's walk starts at the frame of the
 * caller's caller: the caller is the return address on top of the stack,
 * when the probe fetched it, else a frame is shown as unknown rather than
 * left out. A kernel that already lists it is not repeated.
 */
static void write_entry_caller(struct obuf *o, const struct ev *e, struct stack_syms *ss,
			       uint64_t pc, bool json)
{
	const struct eplan *ep = e->ep;
	uint64_t ra = 0;

	if (ep->ra_off >= 0 && ep->ra_off + 8 <= e->size)
		ra = get_u(e->data + ep->ra_off, 8);
	if (ra && e->nstack > 1 && e->stack[1] == ra)
		return;
	ob_puts(o, json ? ", " : "; ");
	if (ra)
		write_frame(o, e, ss, ra, true, pc, json);
	else
		ob_puts(o, json ? "{\"addr\": null, \"sym\": null, \"off\": 0, \"file\": null}"
			     : "?");
}

static void write_stack(struct obuf *o, const struct ev *e,
			struct stack_syms *ss, bool json)
{
	const struct eplan *ep = e->ep;
	int pc_off = ep->ret ? ep->func_off : ep->ip_off;
	uint64_t pc = pc_off >= 0 ? get_u(e->data + pc_off, 8) : 0;
	int i;

	ob_puts(o, json ? ", \"stack\": [" : " stack=[");
	for (i = 0; i < e->nstack; i++) {
		if (i)
			ob_puts(o, json ? ", " : "; ");
		write_frame(o, e, ss, e->stack[i], i > 0, pc, json);
		if (i == 0 && ep->entry)
			write_entry_caller(o, e, ss, pc, json);
	}
	ob_putc(o, ']');
}

/* What every line has, in one piece of room: the room it needs */
#define HEAD_ROOM	(6 * OB_NUM_MAX + 96)

/* TIME COMM PID/TID [CPU] GRP/EVENT, and (FUNC <- IP) of a return */
static char *text_head(char *p, const struct ev *e, int tgid, const char *comm,
		       size_t cl)
{
	const struct eplan *ep = e->ep;

	p = ob_p_time(p, e->ts);
	*p++ = ' ';
	p = ob_p_comm(p, comm, cl);
	*p++ = ' ';
	p = ob_p_s64(p, tgid);
	*p++ = '/';
	p = ob_p_s64(p, e->tid);
	p = OB_LIT(p, " [");
	p = ob_p_u64(p, e->cpu);
	p = OB_LIT(p, "] ");
	p = (char *)memcpy(p, ep->name, ep->name_len) + ep->name_len;
	if (ep->ret && ep->func_off >= 0 && ep->ip_off >= 0) {
		p = OB_LIT(p, " (");
		p = util_p_hex(p, get_u(e->data + ep->func_off, 8));
		p = OB_LIT(p, " <- ");
		p = util_p_hex(p, get_u(e->data + ep->ip_off, 8));
		*p++ = ')';
	}
	return p;
}

static void write_text(struct obuf *o, const struct ev *e, int tgid,
		       const char *comm, struct stack_syms *ss)
{
	const struct eplan *ep = e->ep;
	size_t i, cl = strlen(comm);
	char *p = ob_room(o, HEAD_ROOM + ep->name_len + 4 * cl);

	if (!p)
		return;
	ob_end(o, text_head(p, e, tgid, comm, cl));
	for (i = 0; i < ep->nf; i++)
		write_field(o, e, &ep->f[i], false);
	if (e->latency >= 0) {
		ob_puts(o, " latency=");
		ob_u64(o, e->latency / 1000);
		ob_putc(o, '.');
		ob_putc(o, (char)('0' + e->latency / 100 % 10));
		ob_putc(o, (char)('0' + e->latency / 10 % 10));
		ob_putc(o, (char)('0' + e->latency % 10));
		ob_puts(o, "us");
	}
	if (e->stack)
		write_stack(o, e, ss, false);
	ob_putc(o, '\n');
}

/* {"time": T, "cpu": C, "comm": S, "pid": P, "tid": T, "event": E, "ip": I,
 * and "func": F of a return */
static char *json_head(char *p, const struct ev *e, int tgid, const char *comm,
		       size_t cl)
{
	const struct eplan *ep = e->ep;

	p = OB_LIT(p, "{\"time\": ");
	p = ob_p_time(p, e->ts);
	p = OB_LIT(p, ", \"cpu\": ");
	p = ob_p_u64(p, e->cpu);
	p = OB_LIT(p, ", \"comm\": ");
	p += json_escape_mem(p, comm, cl);
	p = OB_LIT(p, ", \"pid\": ");
	p = ob_p_s64(p, tgid);
	p = OB_LIT(p, ", \"tid\": ");
	p = ob_p_s64(p, e->tid);
	p = (char *)memcpy(p, ep->jhead, ep->jhead_len) + ep->jhead_len;
	p = util_p_hex(p, ep->ip_off >= 0 ? get_u(e->data + ep->ip_off, 8) : 0);
	*p++ = '"';
	if (ep->ret && ep->func_off >= 0) {
		p = OB_LIT(p, ", \"func\": \"");
		p = util_p_hex(p, get_u(e->data + ep->func_off, 8));
		*p++ = '"';
	}
	return OB_LIT(p, ", \"args\": {");
}

static void write_json(struct obuf *o, const struct ev *e, int tgid,
		       const char *comm, struct stack_syms *ss)
{
	const struct eplan *ep = e->ep;
	size_t i, cl = strlen(comm);
	char *p = ob_room(o, HEAD_ROOM + ep->jhead_len + 6 * cl + 2);

	if (!p)
		return;
	ob_end(o, json_head(p, e, tgid, comm, cl));
	for (i = 0; i < ep->nf; i++)
		write_field(o, e, &ep->f[i], true);
	ob_putc(o, '}');
	if (e->latency >= 0) {
		ob_puts(o, ", \"latency_ns\": ");
		ob_s64(o, e->latency);
	}
	if (e->stack)
		write_stack(o, e, ss, true);
	ob_puts(o, "}\n");
}

void ev_write(struct obuf *o, const struct ev *e, int tgid, const char *comm,
	      struct stack_syms *ss, bool json)
{
	if (json)
		write_json(o, e, tgid, comm, ss);
	else
		write_text(o, e, tgid, comm, ss);
}
