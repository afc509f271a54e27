// SPDX-License-Identifier: GPL-2.0
/* uprobe profile: hits per event (uprobe_profile), sorted, as a table or JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stream.h"


static int prof_cmp(const void *a, const void *b, void *by_delta)
{
	const struct stream_prof_row *x = a, *y = b;
	unsigned long kx = *(bool *)by_delta ? x->delta : x->hits;
	unsigned long ky = *(bool *)by_delta ? y->delta : y->hits;
	int c;

	if (kx != ky)
		return kx < ky ? 1 : -1;
	if (x->hits != y->hits)
		return x->hits < y->hits ? 1 : -1;
	c = strcmp(probe_group(x->probe), probe_group(y->probe));
	return c ? c : strcmp(x->probe->event, y->probe->event);
}

void stream_prof_sort(struct stream_prof_row *rows, size_t n, bool by_delta)
{
	qsort_r(rows, n, sizeof(*rows), prof_cmp, &by_delta);
}

/* @s quoted by the one JSON escaper (json.c), as every other JSON the CLI prints. */
static void json_cstr(FILE *f, const char *s)
{
	json_escape(f, s, strlen(s));
}

static void print_parts(FILE *f, const struct stream_prof_row *r)
{
	size_t k;

	fputs(", \"probes\": [", f);
	for (k = 0; k < r->nparts; k++) {
		fputs(k ? ", {\"path\": " : "{\"path\": ", f);
		json_cstr(f, r->parts[k].probe->path);
		fprintf(f, ", \"offset\": %" PRIu64 ", \"hits\": %lu}",
			r->parts[k].probe->offset, r->parts[k].hits);
	}
	fputc(']', f);
}

static void print_json(FILE *f, const struct stream_prof_row *rows, size_t n,
		       double secs)
{
	size_t i;

	if (secs > 0)
		fprintf(f, "{\"interval\": %.3f, \"events\": [", secs);
	else
		fputc('[', f);
	for (i = 0; i < n; i++) {
		const struct probe *p = rows[i].probe;

		fputs(i ? ", {\"group\": " : "{\"group\": ", f);
		json_cstr(f, probe_group(p));
		fputs(", \"event\": ", f);
		json_cstr(f, p->event);
		fprintf(f, ", \"type\": \"%c\", \"path\": ", p->kind == PROBE_RETURN ? 'r' : 'p');
		json_cstr(f, p->path);
		fprintf(f, ", \"offset\": %" PRIu64 ", \"hits\": %lu", p->offset,
			rows[i].hits);
		if (secs > 0)
			fprintf(f, ", \"delta\": %lu, \"rate\": %.1f", rows[i].delta,
				rows[i].delta / secs);
		if (rows[i].parts)
			print_parts(f, &rows[i]);
		fputc('}', f);
	}
	fputs(secs > 0 ? "]}\n" : "]\n", f);
}

static void print_row(FILE *f, const struct stream_prof_row *r, int w, bool verbose,
		      double secs)
{
	const struct probe *p = r->probe;
	char name[2 * PROBE_MAX_EVENT_NAME + 2];
	size_t k;

	snprintf(name, sizeof(name), "%s/%s", probe_group(p), p->event);
	if (secs > 0)
		fprintf(f, "%12.1f ", r->delta / secs);
	fprintf(f, "%12lu %-*s %-4s %s:0x%" PRIx64, r->hits, w, name,
		p->kind == PROBE_RETURN ? "r" : "p", p->path, p->offset);
	if (r->nparts > 1)
		fprintf(f, " and %zu more", r->nparts - 1);
	fputc('\n', f);
	for (k = 0; verbose && r->nparts > 1 && k < r->nparts; k++)
		fprintf(f, "%*s%12lu %-*s %s:0x%" PRIx64 "\n", secs > 0 ? 13 : 0, "",
			r->parts[k].hits, w + 5, "", r->parts[k].probe->path,
			r->parts[k].probe->offset);
}

static void print_text(FILE *f, const struct stream_prof_row *rows, size_t n,
		       bool verbose, double secs)
{
	int w = 11;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct probe *p = rows[i].probe;
		int l = (int)(strlen(probe_group(p)) + strlen(p->event) + 1);

		if (l > w)
			w = l;
	}
	if (secs > 0)
		fprintf(f, "%12s ", "HITS/S");
	fprintf(f, "%12s %-*s TYPE PATH:OFFSET\n", "HITS", w, "GROUP/EVENT");
	for (i = 0; i < n; i++)
		print_row(f, &rows[i], w, verbose, secs);
}

int stream_prof_print(FILE *f, const struct stream_prof_row *rows, size_t n,
		      bool json, bool verbose, double secs)
{
	if (json)
		print_json(f, rows, n, secs);
	else
		print_text(f, rows, n, verbose, secs);
	if (fflush(f) || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}
