// SPDX-License-Identifier: GPL-2.0-only
/* A finished trial's processes by host or by program; see groups.h. */
#include "groups.h"

#include <stdlib.h>
#include <string.h>

const char *vfc_by_name(enum vfc_by by)
{
	return by == VFC_BY_HOST ? "host" : by == VFC_BY_PROGRAM ? "program" : NULL;
}

int vfc_by_parse(const char *s)
{
	if (!strcmp(s, "host"))
		return VFC_BY_HOST;
	if (!strcmp(s, "program"))
		return VFC_BY_PROGRAM;
	return -1;
}

static const char *key_of(const struct vfc_trial_proc *p, enum vfc_by by)
{
	return by == VFC_BY_HOST ? p->hostname : p->program;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct vfc_group *)a)->key, ((const struct vfc_group *)b)->key);
}

size_t vfc_groups(const struct vfc_trial *t, enum vfc_by by, struct vfc_group **out)
{
	struct vfc_group *g = calloc(t->nprocs ? t->nprocs : 1, sizeof(*g));
	bool *merged = calloc(t->nprocs ? t->nprocs : 1, sizeof(*merged));
	size_t n = 0;

	*out = NULL;
	if (!g || !merged) {
		free(g);
		free(merged);
		return (size_t)-1;
	}
	for (size_t i = 0; i < t->nprocs; i++) {
		const struct vfc_trial_proc *p = &t->procs[i];
		const char *key = key_of(p, by);
		size_t k = 0;

		while (k < n && strcmp(g[k].key, key))
			k++;
		if (k == n) {
			g[n].key = key;
			g[n].verdict = VFC_V_READY;
			n++;
		}
		g[k].procs++;
		g[k].counts[p->verdict]++;
		if (p->timestamp > g[k].last)
			g[k].last = p->timestamp;
		/* The trial's rule per group: the worst merged process's, untested if none. */
		if (!p->neutral) {
			if (!merged[k] || p->verdict > g[k].verdict)
				g[k].verdict = p->verdict;
			merged[k] = true;
		}
	}
	for (size_t k = 0; k < n; k++)
		if (!merged[k])
			g[k].verdict = VFC_V_UNTESTED;
	free(merged);
	qsort(g, n, sizeof(*g), by_key);
	*out = g;
	return n;
}
