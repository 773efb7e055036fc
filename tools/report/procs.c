// SPDX-License-Identifier: GPL-2.0-only
/*
 * A trial's processes, keyed by the report file's whole path, the pid and,
 * from newer writers, the start time and boot id (docs/report-schema.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static bool same_ident(const struct vfc_trial_proc *p, const struct ident *id)
{
	return p->has_id && id->has && p->starttime == id->starttime &&
	       !strcmp(p->boot_id, id->boot_id);
}

/*
 * The current file's process of this pid: with an identity, the one whose
 * start record has it (NULL when none); without, the latest of the pid.
 */
struct vfc_trial_proc *vfc_trial_proc_find(struct vfc_trial *t, long pid, const struct ident *id)
{
	const char *src = t->cur_source ? t->cur_source : "";

	for (size_t i = t->nprocs; i-- > 0;) {
		struct vfc_trial_proc *p = &t->procs[i];

		if (p->pid != pid || strcmp(p->source, src))
			continue;
		if (!id || !id->has || same_ident(p, id))
			return p;
	}
	return NULL;
}

struct vfc_trial_proc *vfc_trial_proc_new(struct vfc_trial *t, long pid, const struct ident *id)
{
	struct vfc_trial_proc *p;

	if (t->nprocs == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct vfc_trial_proc *n = realloc(t->procs, cap * sizeof(*n));

		if (!n)
			return NULL;
		t->procs = n;
		t->cap = cap;
	}
	p = &t->procs[t->nprocs++];
	memset(p, 0, sizeof(*p));
	p->source = t->cur_source ? t->cur_source : "";
	p->pid = pid;
	if (id && id->has) {
		p->has_id = true;
		p->starttime = id->starttime;
		copy(p->boot_id, sizeof(p->boot_id), id->boot_id);
	}
	return p;
}

struct vfc_trial_proc *vfc_trial_proc_for(struct vfc_trial *t, long pid, const struct ident *id)
{
	struct vfc_trial_proc *p = vfc_trial_proc_find(t, pid, id);

	return p ? p : vfc_trial_proc_new(t, pid, id);
}
