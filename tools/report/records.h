/* SPDX-License-Identifier: GPL-2.0-only */
/* A trial's records (records.c) and processes (procs.c); private to tools/report/. */
#ifndef VFC_RECORDS_H
#define VFC_RECORDS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "trial.h"

/* A record's process identity: pid plus, from newer writers, start time and boot id. */
struct ident {
	bool has; /* "starttime" or "boot_id" given */
	long long starttime;
	const char *boot_id;
};

/* The process of (this file, pid, identity); _for makes it when new. NULL: out of memory. */
struct vfc_trial_proc *vfc_trial_proc_find(struct vfc_trial *t, long pid, const struct ident *id);
struct vfc_trial_proc *vfc_trial_proc_new(struct vfc_trial *t, long pid, const struct ident *id);
struct vfc_trial_proc *vfc_trial_proc_for(struct vfc_trial *t, long pid, const struct ident *id);

/* A parsed record: 0, or -1 with a reason in err (the line is then skipped). */
int vfc_trial_add_record(struct vfc_trial *t, struct json_object *rec, char *err, size_t errlen);

#endif
