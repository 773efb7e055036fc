/* SPDX-License-Identifier: GPL-2.0-only */
/* `vfiocompat run` with the eBPF audit (runaudit.c). */
#ifndef VFC_RUNAUDIT_H
#define VFC_RUNAUDIT_H

#include <stddef.h>
#include <stdio.h>

struct vfc_audit;

/*
 * Start the audit of run's descendants: a new report directory in dir, the
 * shim-style log template (dir/%e-%p.jsonl) in tmpl and its glob in pattern.
 * NULL, having said why in one line (and dir empty), when it cannot run.
 */
struct vfc_audit *vfc_run_audit_begin(char *dir, size_t dirlen, char *tmpl, size_t tmpllen,
				      char *pattern, size_t patlen);
/* Once the program has ended: its summaries written (NULL: nothing). */
void vfc_run_audit_end(struct vfc_audit *a);

#endif
