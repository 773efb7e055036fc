/* SPDX-License-Identifier: GPL-2.0-only */
/* The outputs of `vfiocompat report` (formats.c); private to tools/report/. */
#ifndef VFC_FORMATS_H
#define VFC_FORMATS_H

#include <stdio.h>

#include "groups.h"
#include "trial.h"

/* The table: per process, per feature, then the verdict and its counts. */
void vfc_report_print_human(FILE *out, const struct vfc_trial *t, enum vfc_verdict v,
			    enum vfc_by by);
/* One JSON object: the verdict, the processes, the features (--json). */
void vfc_report_print_json(FILE *out, const struct vfc_trial *t, enum vfc_verdict v,
			   enum vfc_by by);
/* node_exporter's textfile format (--prometheus). */
void vfc_report_print_prometheus(FILE *out, const struct vfc_trial *t, enum vfc_verdict v,
				 enum vfc_by by);

/*
 * Monitoring-plugin output (--nagios): "VFIOCOMPAT STATE - summary | perfdata",
 * then the table as long output. The state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 */
void vfc_report_print_nagios(FILE *out, const struct vfc_trial *t, enum vfc_verdict v,
			     enum vfc_by by);
int vfc_report_nagios_state(enum vfc_verdict v);

#endif
