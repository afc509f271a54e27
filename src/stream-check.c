// SPDX-License-Identifier: GPL-2.0
/* The reader: what to tell about the stream's events (removed, unpaired). */
#include <stdio.h>
#include <stdlib.h>

#include "stream-int.h"
#include "tfs.h"

const char *stream_gone(struct stream *s, size_t *left)
{
	const char *name = NULL;
	size_t i;

	*left = s->nprobes;
	if (!s->gone && !(s->gone = calloc(s->nprobes + 1, sizeof(*s->gone))))
		return NULL;
	for (i = 0; i < s->nprobes; i++) {
		const struct probe *p = s->probes[i];

		if (!s->gone[i] && tfs_instance_has_event(s->ti, probe_group(p), p->event))
			continue;
		(*left)--;
		if (s->gone[i] || name)
			continue;
		s->gone[i] = true;
		snprintf(s->gone_name, sizeof(s->gone_name), "%s/%s", probe_group(p), p->event);
		name = s->gone_name;
	}
	return name;
}

const struct probe *stream_unpaired(const struct stream *s, size_t *pos)
{
	for (; s->lat && *pos < s->nplans; (*pos)++) {
		const struct eplan *ep = &s->plans[*pos];

		if (ep->probe && ep->lat_fn < 0)
			return s->plans[(*pos)++].probe;
	}
	return NULL;
}
