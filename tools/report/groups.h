/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vfiocompat report --by host|program`: a finished trial's processes
 * grouped by the host their records name or by their program, each group
 * with its own verdict (its worst merged process's, as the whole trial's)
 * and counts. Private to tools/report/.
 */
#ifndef VFC_GROUPS_H
#define VFC_GROUPS_H

#include <stddef.h>

#include "trial.h"

enum vfc_by { VFC_BY_NONE, VFC_BY_HOST, VFC_BY_PROGRAM };

struct vfc_group {
	const char *key;	      /* the host name or the program ("" unknown); the trial's */
	enum vfc_verdict verdict;     /* the worst merged process's; untested when none merged */
	unsigned counts[VFC_V_COUNT]; /* processes by verdict (merged or not) */
	unsigned procs;
	long long last; /* the latest record time of its processes (epoch seconds; 0 unknown) */
};

/* "host", "program" or NULL (none). */
const char *vfc_by_name(enum vfc_by by);
/* "host" or "program"; -1 for anything else. */
int vfc_by_parse(const char *s);

/*
 * The groups of a finished trial, sorted by key; *out is malloc'd (free it).
 * Returns how many, or (size_t)-1 when out of memory.
 */
size_t vfc_groups(const struct vfc_trial *t, enum vfc_by by, struct vfc_group **out);

#endif
