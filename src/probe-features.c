// SPDX-License-Identifier: GPL-2.0
/*
 * What the running kernel accepts, read from the text of tracefs' README.
 */
#include <string.h>

#include "probe-int.h"

const struct probe_features pb_all_features = {
	.retprobe = true, .ref_ctr = true, .char_type = true, .ustring = true,
	.bitfield = true, .array = true, .comm = true, .imm = true,
	.stack = true, .uderef = true,
};

void probe_features_all(struct probe_features *f)
{
	*f = pb_all_features;
}

/* The line holding @key, and the lines that continue it, as [*start, end). */
static const char *readme_block(const char *text, const char *key,
				const char **start)
{
	const char *hit = strstr(text, key), *line, *end;

	if (!hit)
		return NULL;
	for (line = hit; line > text && line[-1] != '\n'; line--)
		;
	*start = line;
	end = strchr(hit, '\n');
	/* a continuation is indented and does not start with "word:" */
	while (end && (end[1] == ' ' || end[1] == '\t')) {
		const char *w = end + 1 + strspn(end + 1, " \t");
		size_t wl = strcspn(w, " \t\n");

		if (!wl || w[wl - 1] == ':')
			break;
		end = strchr(w, '\n');
	}
	return end ? end : hit + strlen(hit);
}

static bool block_has(const char *s, const char *e, const char *needle)
{
	return s && e && memmem(s, e - s, needle, strlen(needle));
}

/* @word in [s, e) with a separator (start, space, ',' or '/') on each side. */
static bool block_has_word(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);
	const char *q = s;

	while (s && e && (q = memmem(q, e - q, word, n))) {
		bool before = q == s || strchr(" \t,/", q[-1]);
		bool after = q + n == e || strchr(" \t,/\n", q[n]);

		if (before && after)
			return true;
		q += n;
	}
	return false;
}

void probe_features_parse(struct probe_features *f, const char *readme)
{
	const char *s = NULL, *e, *ts = NULL, *te;

	memset(f, 0, sizeof(*f));
	if (!readme)
		return;
	e = readme_block(readme, "place (uprobe):", &s);
	f->retprobe = block_has(s, e, "%return");
	f->ref_ctr = block_has(s, e, "(ref_ctr_offset)");
	e = readme_block(readme, "fetcharg:", &s);
	f->comm = block_has(s, e, "$comm");
	f->stack = block_has(s, e, "$stack");
	f->imm = block_has(s, e, "\\imm-value");
	f->uderef = block_has(s, e, "[u]<offset>");
	te = e ? readme_block(e, "type:", &ts) : NULL;
	f->char_type = block_has_word(ts, te, "char");
	f->ustring = block_has_word(ts, te, "ustring");
	f->bitfield = block_has(ts, te, "b<bit-width>");
	f->array = block_has(ts, te, "<array-size>");
}
