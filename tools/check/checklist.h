/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A list of PASS / INFO / WARN / FAIL lines with a one-line hint each, as
 * `vfiocompat check` prints them (virt-host-validate's tone), or as JSON.
 */
#ifndef VFC_CHECKLIST_H
#define VFC_CHECKLIST_H

#include <stdio.h>

/* SKIP: not asked, because a FAIL above it (its root cause) already answers it. */
enum vfc_status { VFC_PASS, VFC_SKIP, VFC_INFO, VFC_WARN, VFC_FAIL, VFC_STATUS_COUNT };

struct vfc_check {
	enum vfc_status status;
	char name[48];
	char detail[512];
	char hint[320];
};

struct vfc_checklist {
	struct vfc_check items[64];
	unsigned n;
};

void vfc_check_add(struct vfc_checklist *l, enum vfc_status st, const char *name, const char *hint,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
enum vfc_status vfc_checklist_worst(const struct vfc_checklist *l);
const char *vfc_status_name(enum vfc_status st);
void vfc_checklist_print(FILE *out, const struct vfc_checklist *l, const char *title);
void vfc_checklist_print_json(FILE *out, const struct vfc_checklist *l, const char *what);
/*
 * node_exporter's textfile format: vfiocompat_check_state{check,state} 1 for
 * each line's state (0 for the others), vfiocompat_check_ready (no FAIL) and
 * the time it ran. A name that repeats gets " (2)", " (3)"... so that no two
 * series share their labels.
 */
void vfc_checklist_print_prometheus(FILE *out, const struct vfc_checklist *l, long long now);

/* The last line named name (NULL when none). */
struct vfc_check *vfc_check_find(struct vfc_checklist *l, const char *name);

/* A monitoring plugin's output: 0 OK, 1 WARNING (a WARN), 2 CRITICAL (a FAIL). */
void vfc_checklist_print_nagios(FILE *out, const struct vfc_checklist *l);

#endif
