/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The grammar: struct probe <-> the lines of the kernel's uprobe_events.
 *
 *   p[:[GRP/]EVENT] PATH:OFFSET[(REF_CTR_OFFSET)] [FETCHARGS]
 *   r[:[GRP/]EVENT] PATH:OFFSET[(REF_CTR_OFFSET)] [FETCHARGS]
 *   -:[GRP/]EVENT
 *
 * No I/O here: everything is built and validated in memory, so it is
 * unit-tested without root.
 */
#ifndef UPROBE_PROBE_H
#define UPROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The kernel's limits (kernel/trace/trace_probe.h, trace_dynevent.c), each
 * checked against a running 6.18 kernel.
 */
#define PROBE_MAX_ARGS		128	/* MAX_TRACE_ARGS */
#define PROBE_MAX_EVENT_NAME	64	/* MAX_EVENT_NAME_LEN, with the NUL */
#define PROBE_MAX_ARG_NAME	32	/* MAX_ARG_NAME_LEN: 32 characters are allowed */
#define PROBE_MAX_ARGSTR	63	/* MAX_ARGSTR_LEN: "FETCHARG[:TYPE]" */
#define PROBE_MAX_ARRAY		64	/* MAX_ARRAY_LEN */
#define PROBE_MAX_EVENT_SIZE	3072	/* MAX_PROBE_EVENT_SIZE: bytes of all args */
#define PROBE_MAX_LINE		4094	/* one write, without its newline */
#define PROBE_DEFAULT_GROUP	"uprobes"

struct probe;
/** probe_group() - the group @p is in: its own, else PROBE_DEFAULT_GROUP. */
const char *probe_group(const struct probe *p);

enum probe_kind {
	PROBE_ENTRY,	/* 'p' */
	PROBE_RETURN,	/* 'r' */
	PROBE_DELETE,	/* '-' */
};

struct probe_arg {
	char *name;	/* NULL: the kernel names it argN */
	char *fetch;	/* "%di", "+8(%si)", "$retval", ... */
	char *type;	/* "u32", "string", "b3@4/32", "u8[4]"; NULL: default */
};

struct probe {
	enum probe_kind kind;
	char *group;	/* NULL: PROBE_DEFAULT_GROUP */
	char *event;	/* NULL only while building; the kernel would invent one */
	char *path;	/* absolute path of the probed file */
	uint64_t offset;	/* file offset, not a virtual address */
	bool has_ref_ctr;
	uint64_t ref_ctr_offset;
	size_t nargs;
	struct probe_arg *args;
};

/* Which part of a probe an error is about (struct probe_error.where). */
enum probe_err_where {
	PROBE_ERR_LINE,		/* the line or the probe as a whole */
	PROBE_ERR_KIND,		/* p, r, - */
	PROBE_ERR_GROUP,
	PROBE_ERR_EVENT,
	PROBE_ERR_PATH,
	PROBE_ERR_OFFSET,
	PROBE_ERR_REF_CTR,
	PROBE_ERR_ARG,		/* the fetch-arg at index @arg */
};

/*
 * Where and why a line or a token was refused. @arg is the index of the
 * fetch-arg at fault (-1: the head of the line, -2: not tied to a token);
 * @pos is the byte offset inside that token, or inside the whole text
 * given to probe_parse(). For a fetch-arg the token is the text given to
 * probe_add_arg(), or for probe_validate() what probe_format_arg() makes
 * of it (the same text when the user typed it in that form). For the head,
 * @where says which field, and @pos is an offset inside that field.
 * @msg is lowercase, names the token and has no trailing period.
 */
struct probe_error {
	int arg;
	int pos;
	enum probe_err_where where;
	char msg[192];
};

/* What the running kernel's tracefs README says it accepts. */
struct probe_features {
	bool retprobe;		/* %return suffix on the place */
	bool ref_ctr;		/* (REF_CTR_OFFSET) */
	bool char_type;		/* :char */
	bool ustring;		/* :ustring */
	bool bitfield;		/* :b<W>@<O>/<C> */
	bool array;		/* :TYPE[N] */
	bool comm;		/* $comm */
	bool imm;		/* \IMM and \"STR" */
	bool stack;		/* $stack, $stackN */
	bool uderef;		/* +u<OFFSET>(...) */
};

/**
 * probe_new() - allocate an empty probe of @kind.
 *
 * Return: a probe whose string fields are NULL; caller frees with
 * probe_free(). NULL with errno set on failure.
 */
struct probe *probe_new(enum probe_kind kind);

/**
 * probe_free() - free @p and everything it owns. NULL is a no-op, and a
 * half-built probe is fine.
 */
void probe_free(struct probe *p);

/**
 * probe_set() - replace the string at @field (one of &p->group, &p->event,
 * &p->path) with a copy of @value (NULL clears it).
 *
 * Return: 0, or -ENOMEM.
 */
int probe_set(char **field, const char *value);

/**
 * probe_add_arg() - parse one fetch-arg as a user types it
 * ("[NAME=]FETCHARG[:TYPE]") and append it to @p.
 * @feat: what the kernel accepts; NULL means everything.
 * @err:  filled when the arg is refused (err->arg = its index).
 *
 * NAME is split at the first '=' and TYPE at the first ':', as the kernel
 * does. Kernel-only forms ($argN, @SYM, symbol, symstr, %pd, %pD) and
 * anything that could break out of one line (spaces, control characters,
 * '#', which starts a comment) are refused; so is a NAME that repeats an
 * earlier arg's (an unnamed arg is argN to the kernel). Whether $retval
 * fits the probe's kind is left to probe_validate(), as the kind may still
 * change.
 *
 * Return: 0, -EINVAL (refused, see @err), -E2BIG (too many args), -ENOMEM.
 */
int probe_add_arg(struct probe *p, const char *text,
		  const struct probe_features *feat, struct probe_error *err);

/**
 * probe_validate() - check @p as a whole against the kernel's rules and
 * @feat (NULL: everything) before anything is written: names, the path
 * (absolute, nothing the kernel's line splitter would cut), each arg, the
 * arg count, duplicate arg names, $retval on an entry probe, the event
 * size and the length of the line. A NULL @p->event is allowed for 'p'
 * and 'r' (the kernel then invents one), not for '-'.
 *
 * Return: 0, or -EINVAL with @err filled.
 */
int probe_validate(const struct probe *p, const struct probe_features *feat,
		   struct probe_error *err);

/**
 * probe_format() - the uprobe_events line for @p, without a newline:
 * "p:GRP/EVENT PATH:0xOFF[(0xREF)] ARGS", "r:..." for a return probe (never
 * the %return suffix, which older kernels do not know), "-:GRP/EVENT".
 * A NULL group is PROBE_DEFAULT_GROUP. Call probe_validate() first; this
 * only refuses what would break the line (a space, a control character).
 *
 * Return: a string the caller frees with free(), or NULL with errno
 * (EINVAL: no path or event, or a character that would break the line).
 */
char *probe_format(const struct probe *p);

/**
 * probe_format_len() - the length of probe_format()'s line, without making it
 *
 * Return: the length, 0 when probe_format() would refuse @p.
 */
size_t probe_format_len(const struct probe *p);

/**
 * probe_format_arg() - one fetch-arg as it appears in the line
 * ("name=fetch:type").
 *
 * Return: a string the caller frees with free(), or NULL with errno.
 */
char *probe_format_arg(const struct probe_arg *a);

/**
 * probe_parse() - parse one line, as written to or printed back by
 * uprobe_events (the kernel prints offsets as 0x%016lx, a reference
 * counter as (0x%lx), return probes as 'r' and every arg as NAME=...).
 * Tokens are separated by spaces or tabs; one trailing newline is ignored.
 * Every fetch-arg is checked as probe_add_arg() does, and the whole as
 * probe_validate() does with every feature on. "p:GRP/ PATH:OFF" and
 * "p PATH:OFF" give a NULL event (the kernel invents one), "p:EVENT" a
 * NULL group; "OFF%return" makes a return probe.
 *
 * Return: a probe the caller frees with probe_free(), or NULL with errno
 * (EINVAL: @err says where, @err->pos inside @line; ENOMEM).
 */
struct probe *probe_parse(const char *line, struct probe_error *err);

/**
 * probe_parse_kernel() - parse a line read back from uprobe_events: the
 * head as probe_parse() does, but each fetch-arg only split into name,
 * fetch and type, since the kernel has already accepted it (it takes a
 * few forms probe_parse() refuses, such as "+0(%di)junk"). Use this for
 * listing and removal, so that no event is skipped.
 *
 * Return: as probe_parse().
 */
struct probe *probe_parse_kernel(const char *line, struct probe_error *err);

/**
 * probe_name_valid() - whether @s is a name the kernel takes for an event:
 * a C identifier shorter than PROBE_MAX_EVENT_NAME, and not one of the
 * control files of tracefs' event directories (enable, filter, format,
 * id, trigger).
 */
bool probe_name_valid(const char *s);

/**
 * probe_group_valid() - whether @s is a name the kernel takes for a group:
 * as an event name, but '-' is allowed too and the control file names are not
 * refused.
 */
bool probe_group_valid(const char *s);

/**
 * probe_name_why() - why @s is not a valid group (@group) or event name.
 *
 * Return: a static string, or NULL when @s is valid.
 */
const char *probe_name_why(const char *s, bool group);

/**
 * probe_event_name() - make a valid event name from @symbol (C++ and
 * versioned names included) into @buf, with "__return" appended when
 * @ret. Does not check whether it is taken.
 *
 * A symbol version ("@VER", "@@VER") is dropped; every other character
 * that is not a letter, digit or '_' becomes '_', a run of them one '_'
 * ("ns::Klass::method(int)" -> "ns_Klass_method_int"), with none left at
 * the end; a leading digit gets a '_' in front. The name is cut to fit
 * PROBE_MAX_EVENT_NAME - 1 characters (suffix included) and @len.
 *
 * Return: 0, or -ENAMETOOLONG (@len too small for even one character and
 * the suffix), -EINVAL (nothing usable in @symbol).
 */
int probe_event_name(const char *symbol, bool ret, char *buf, size_t len);

/**
 * probe_features_parse() - fill @f from the text of tracefs' README
 * (NULL or empty: every feature off). Looks for "%return" and
 * "(ref_ctr_offset)" in the uprobe place line, "char", "ustring",
 * "b<bit-width>" and "<array-size>" in the type lines, "$comm", "$stack",
 * "\imm-value" and "[u]<offset>" in the fetcharg lines.
 */
void probe_features_parse(struct probe_features *f, const char *readme);

/**
 * probe_features_all() - fill @f with every feature on.
 */
void probe_features_all(struct probe_features *f);

#endif
