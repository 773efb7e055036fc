/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `exit` record: `vfiocompat run` appends it, after the program ended,
 * to the report of the program's pid, so that `vfiocompat report` knows how
 * the program ended (docs/report-schema.md). The formatting and the choice
 * of the file are pure; vfc_exit_append() does the I/O.
 */
#ifndef VFC_EXITREC_H
#define VFC_EXITREC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * One JSON line (with its newline) for a wait(2) status:
 * {"type":"exit","source":"run","pid":N,"program":"...","status":N} or
 * ...,"signal":"SIGSEGV","core_dumped":false}. False when it does not fit.
 */
bool vfc_exit_format(char *out, size_t size, pid_t pid, const char *program, int status);

/*
 * The identity of the process `run` started, read from /proc/PID/stat while
 * it is a zombie not yet reaped (waitid WNOWAIT): pid, start time, boot id.
 */
struct vfc_exit_id {
	pid_t pid;
	bool known; /* starttime and boot_id were read (boot_id "" if unreadable) */
	unsigned long long starttime;
	char boot_id[40];
	char hostname[65];   /* uname's nodename when read ("" unknown) */
	long long timestamp; /* wall clock at the exit, epoch seconds (0 unknown) */
};

/*
 * Fill *ID for PID; false (only the pid known) when /proc could not say.
 * The host name and the time (of the exit: it is read at the zombie) are
 * filled either way.
 */
bool vfc_exit_read_id(pid_t pid, struct vfc_exit_id *id);

/*
 * vfc_exit_format with the identity: ...,"pid":N,"program":"...","starttime":N,"boot_id":"...",
 * then "hostname":"...","timestamp":N when either is known.
 */
bool vfc_exit_format_id(char *out, size_t size, const struct vfc_exit_id *id, const char *program,
			int status);

/* A glob(3) pattern for the reports of pid: %p the pid, %e any program. */
bool vfc_exit_glob(const char *tmpl, pid_t pid, char *out, size_t size);

/* The path the shim would give pid's report, %e as the shim spells prog. */
bool vfc_exit_path(const char *tmpl, pid_t pid, const char *prog, char *out, size_t size);

/*
 * Append pid's exit record to its report (a file matching tmpl for that pid
 * that names the pid, else the first match). When there is none, a report is
 * created for it only if the program failed and the run left other reports
 * (its VFIO-using children's): a failed wrapper must not leave them READY.
 * Only a regular file owned by the caller is written. Returns 1 written,
 * 0 nothing to do, -1 with a reason in err.
 */
int vfc_exit_append(const char *tmpl, pid_t pid, const char *program, int status, char *err,
		    size_t errlen);
/*
 * The same with the identity: the report chosen is the one whose start
 * names this pid, starttime and boot id, and then the record carries them
 * (elsewhere, without a start to match, it names the pid only).
 * Only a regular file with one link owned by the caller is opened (without
 * blocking: a FIFO at the path is refused).
 */
int vfc_exit_append_id(const char *tmpl, const struct vfc_exit_id *id, const char *program,
		       int status, char *err, size_t errlen);

#endif
