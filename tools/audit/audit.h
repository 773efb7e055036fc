/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The eBPF audit (`vfiocompat audit`, and `vfiocompat run` for static and
 * setuid programs): a BPF program on the VFIO container's ioctl handler sees
 * every type1 container ioctl on the host with the kernel's answer; user
 * space decodes each with the shim's decoder and feature table and writes
 * the shim's report records (mode audit), one file per process.
 *
 * auditproc.c: turning events into records (no BPF: unit-testable).
 * auditbpf.c: the checks before loading, loading, and the event loop.
 */
#ifndef VFC_AUDIT_H
#define VFC_AUDIT_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "audit_event.h"

struct vfc_audit_proc;

/* What the records are written from: the options and the processes seen. */
struct vfc_audit_state {
	const char *dir;      /* output directory */
	const char *tmpl;     /* file name in dir: %p pid, %e program (the shim's rules) */
	const char *comm;     /* only processes whose name is this (NULL: all) */
	FILE *notes;	      /* one line per finished process (NULL: none) */
	char boot_id[40];     /* /proc/sys/kernel/random/boot_id */
	long clk_tck;	      /* starttime is in these units, as /proc/PID/stat */
	uint32_t entry_limit; /* type1's dma_entry_limit (0 unknown) */
	struct vfc_audit_proc *procs;
	/* Is the process pid, started at starttime (clock ticks), still there?
	 * vfc_audit_alive by default; tests give their own. */
	bool (*alive)(pid_t pid, uint64_t starttime);
	unsigned long nprocs, write_errors, events, exits_unseen;
	char last_error[PATH_MAX + 128];
};

void vfc_audit_state_init(struct vfc_audit_state *s, const char *dir, const char *tmpl,
			  const char *comm);

/* One event from the kernel side. */
void vfc_audit_event(struct vfc_audit_state *s, const struct vfc_ev *e, size_t len);

/*
 * Summaries for the processes with no exit event: `incomplete` for those
 * still running (the audit stopped before they ended); a finished summary
 * for those gone (their exit event was not seen: every event they sent was,
 * as the kernel side sends its events before the process can exit). Frees
 * the table. Returns the processes reported. Call after the last drain.
 */
unsigned long vfc_audit_finish(struct vfc_audit_state *s);

/*
 * /proc/PID/stat: true if pid is a process started at starttime that is not
 * a zombie with no thread left (a zombie leader whose other threads still
 * run is still running).
 */
bool vfc_audit_alive(pid_t pid, uint64_t starttime);

/* --- auditbpf.c --- */

struct vfc_audit;

struct vfc_audit_opts {
	const char *dir;
	const char *tmpl; /* NULL: "%e-%p.jsonl" */
	const char *comm;
	bool tree;    /* only the process tree of root (set now or with vfc_audit_follow) */
	bool iommufd; /* also iommufd's handler (run's mount namespace; tree only) */
	pid_t root;
	FILE *notes;
};

/*
 * Everything the audit needs, checked in order; false with one line in why
 * (the output directory, another instance, lockdown, privileges, BTF, the
 * VFIO container's handler). Holds the instance lock on success (lock_fd).
 */
bool vfc_audit_preflight(const char *dir, int *lock_fd, char *why, size_t n);

/* Load and attach; NULL with one line in why. Takes ownership of lock_fd. */
struct vfc_audit *vfc_audit_start(const struct vfc_audit_opts *o, int lock_fd, char *why, size_t n);
/* Audit only pid and its descendants from now on. */
void vfc_audit_follow(struct vfc_audit *a, pid_t pid);
/* Handle events for up to timeout_ms; <0 on error. */
int vfc_audit_poll(struct vfc_audit *a, int timeout_ms);
/* Poll in a thread of its own until vfc_audit_stop (for `run`). */
bool vfc_audit_background(struct vfc_audit *a);
/* Drain, write summaries (`incomplete` for processes still running), detach. */
void vfc_audit_stop(struct vfc_audit *a, unsigned long *procs, unsigned long *lost);
/* Microseconds the load and attach took. */
long vfc_audit_load_us(const struct vfc_audit *a);

#endif
