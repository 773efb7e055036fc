/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report: JSON Lines records (docs/report-schema.md) appended to
 * VFIOCOMPAT_LOG, or one summary line on stderr. Formatting is pure; the
 * writers are async-signal-safe (raw open/write/close, no stdio, no malloc).
 */
#ifndef VFC_REPORT_H
#define VFC_REPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "fmt.h"
#include "pid.h"
#include "stats.h"
#include "vfiocompat/report.h"

/* Expand %p (pid), %e (program) and %% in `tmpl`; false if it does not fit. */
bool vfc_log_path(const char *tmpl, pid_t pid, const char *prog, char *out, size_t size);

/*
 * A process's identity in start and summary records: its pid, its start
 * time (clock ticks since boot, /proc/PID/stat field 22; 0 unknown) and the
 * boot id ("" unknown), so two processes that share a pid (pid namespaces,
 * reuse) are told apart.
 */
struct vfc_ident {
	pid_t pid;
	uint64_t starttime;
	const char *boot_id;
	const char *hostname; /* uname's nodename ("" unknown): which host of a fleet */
	int64_t timestamp;    /* wall clock, seconds since the epoch (UTC); 0 unknown */
};

/* Field 22 of a /proc/PID/stat text (comm may hold spaces and ')'). */
bool vfc_parse_starttime(const char *buf, size_t len, uint64_t *out);
/* A boot id (36 characters, lower-case UUID) as two words; false if not one. */
bool vfc_parse_boot_id(const char *buf, size_t len, uint64_t *hi, uint64_t *lo);
/* The two words back as text: 36 characters and a NUL. */
void vfc_boot_id_text(char out[37], uint64_t hi, uint64_t lo);

/* The bound on the target's name in the start record (bytes). */
#define VFC_TARGET_MAX 512

/* Pure formatters: one complete line each, newline included. */
void vfc_fmt_start(struct vfc_fmt *f, const struct vfc_config *c, const struct vfc_ident *id,
		   const char *prog);
void vfc_fmt_open(struct vfc_fmt *f, int fd, const char *path, const char *node, const char *action,
		  const char *target, int err);
void vfc_fmt_attach(struct vfc_fmt *f, int group, int container_fd, int ret, int err);
void vfc_fmt_detach(struct vfc_fmt *f, int group, int ret, int err);
void vfc_fmt_rlimit(struct vfc_fmt *f, int fd, bool process, int err);
/* The compat IOAS behind a container (VFIOCOMPAT_QUERY=1), after an attach. */
void vfc_fmt_ioas(struct vfc_fmt *f, int container_fd, int group, int ret, int err,
		  uint32_t ioas_id);
struct vfc_errmap_rule;
void vfc_fmt_errno_translated(struct vfc_fmt *f, const struct vfc_errmap_rule *r,
			      unsigned long request);
struct vfc_range;
/* How an early GET_INFO was answered: the probe (getinfo_probe.h) or the sysfs model. */
struct vfc_get_info_how {
	const char *method;    /* "probe" or "model" */
	const char *probe_why; /* why the probe did not attach (then the model was tried) */
	int probe_err;	       /* its errno, 0 none */
	int64_t probe_us;      /* the probe's time in microseconds, -1 not run */
};
void vfc_fmt_get_info_early(struct vfc_fmt *f, int fd, int ngroups, const char *action,
			    const char *why, uint64_t k_pgsizes, const struct vfc_range *k, int nk,
			    uint64_t f_pgsizes, const struct vfc_range *fixed, int nf,
			    const struct vfc_get_info_how *how);
void vfc_fmt_feature(struct vfc_fmt *f, enum vfc_feature feat, const struct vfc_feature_seen *s);
void vfc_fmt_summary(struct vfc_fmt *f, const struct vfc_stats *s, enum vfc_mode mode,
		     const struct vfc_ident *id, const char *prog);
void vfc_fmt_summary_line(struct vfc_fmt *f, const struct vfc_stats *s, enum vfc_mode mode,
			  pid_t pid, const char *prog);

/* Writers. */
void vfc_report_line(const struct vfc_fmt *f); /* to the log; nothing if no log */
void vfc_warn(const char *line);	       /* one line on stderr */
void vfc_report_start_once(void);
void vfc_report_exit(void);
void vfc_report_forked(void);	   /* child side of fork */
void vfc_report_close_log(void);   /* the next record opens the log again */
void vfc_report_note_stderr(void); /* at start: was fd 2 open? */

#endif
