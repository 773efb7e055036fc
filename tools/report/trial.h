/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A trial: the JSON Lines reports of one or many processes (and hosts),
 * merged into per-process verdicts, per-feature use counts and one overall
 * verdict. Reads the shim's records and the module's audit records, which
 * share the schema (docs/report-schema.md). Pure: no terminal, no exit.
 */
#ifndef VFC_TRIAL_H
#define VFC_TRIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "migverdict.h"
#include "verdict.h"
#include "vfiocompat/report.h"

/*
 * Feature names: every name of this vfiocompat's table always has its slot;
 * names it does not know (a newer writer, or junk) are listed up to
 * VFC_TRIAL_MAX_UNKNOWN and counted beyond. No table limit changes a verdict.
 */
#define VFC_TRIAL_MAX_UNKNOWN  16
#define VFC_TRIAL_MAX_FEATURES (VFC_F_COUNT + VFC_TRIAL_MAX_UNKNOWN)
#define VFC_TRIAL_MAX_LINE     (64 * 1024) /* longer lines are skipped while read */
#define VFC_TRIAL_MAX_BOOT_ID  64
#define VFC_TRIAL_MAX_HOST     72 /* a host name: uname's 64 bytes, and room to spare */

struct vfc_trial_feature {
	char *name; /* the whole name, owned by the trial */
	bool known; /* in this vfiocompat's feature table */
	enum vfc_severity severity;
	char iommufd[256]; /* what iommufd compat does with it */
	char hint[256];	   /* what to do */
	unsigned long uses;
	unsigned procs;
};

/* A MAP_DMA or UNMAP_DMA that failed: the summary's counts and first errno. */
struct vfc_trial_dma {
	unsigned long calls, errors;
	char errno_sym[16]; /* the first failure's errno ("" when not recorded) */
	bool mixed;	    /* later failures had another errno */
};

struct vfc_trial_proc {
	const char *source; /* the report file it came from (the whole path, the trial's) */
	char program[64];
	long pid;
	/* The process identity of the start record (docs/report-schema.md). */
	bool has_id, has_start;
	long long starttime;
	char boot_id[VFC_TRIAL_MAX_BOOT_ID];
	/* Which host (its records' "hostname", "" unknown) and its latest record's time. */
	char hostname[VFC_TRIAL_MAX_HOST];
	long long timestamp; /* epoch seconds; 0 when no record said */
	char mode[16];
	bool has_summary;		/* the process reached exit */
	bool summary_counts_containers; /* its summary has "containers" */
	bool used_container;		/* an open record for the container */
	bool redirected;		/* a container of it was on iommufd */
	bool fallback;		  /* a container stayed on type1 (fallback, refused, denied) */
	bool neutral;		  /* after finish: no container use, no failure: not merged */
	enum vfc_verdict verdict; /* after finish: the process's verdict */
	enum vfc_verdict summary; /* what its summary said */
	char fallback_errno[16];  /* first fallback's errno symbol */
	char fallback_target[64]; /* and the node that could not be opened */
	char getinfo_reason[128]; /* a GET_INFO fix-up skipped (or off): why */
	bool getinfo_unfixed;
	unsigned long ioctl_calls, ioctl_errors, map_errors; /* from the summary */
	struct vfc_trial_dma dma[2];			     /* MAP_DMA, UNMAP_DMA */
	bool has_exit;					     /* an exit record (vfiocompat run) */
	bool has_records;				     /* any record but an exit record */
	long exit_status;				     /* -1 when killed by a signal */
	char exit_signal[16];
	bool core_dumped;
	char reason[320]; /* after finish: why the verdict is what it is */
	unsigned long uses[VFC_TRIAL_MAX_FEATURES];
	bool feature_record[VFC_TRIAL_MAX_FEATURES];
	unsigned long unknown_unlisted; /* uses of unknown names past the list */
	bool unknown_blocker;		/* an unknown name its writer calls a blocker */
	enum vfc_migv migv;		/* migration verdict, from the summary's facts */
	char migv_why[320];
};

struct vfc_trial {
	struct vfc_trial_proc *procs;
	size_t nprocs, cap;
	struct vfc_trial_feature features[VFC_TRIAL_MAX_FEATURES];
	size_t nfeatures, nunknown;
	/* Distinct unknown names past the list: a set of their hashes. */
	unsigned long long *unlisted;
	size_t nunlisted, unlisted_cap;
	unsigned long files, lines, records, skipped;
	unsigned long stream_lines; /* lines of the last stream read (its read error's place) */
	size_t cur;	/* index+1 of the process the current file's records belong to */
	char **sources; /* every file's whole path, owned */
	size_t nsources;
	const char *cur_source; /* the current file's, in sources */
};

void vfc_trial_init(struct vfc_trial *t);
void vfc_trial_free(struct vfc_trial *t);

/*
 * Start a new file: records without a pid belong to its last "start". The
 * name is copied whole; returns -1 when out of memory.
 */
int vfc_trial_begin_source(struct vfc_trial *t, const char *source);

/*
 * Add one line. Returns 0, or -1 with a reason in err when the line is not
 * a report record (it is then skipped and counted). Never fatal.
 */
int vfc_trial_add_line(struct vfc_trial *t, const char *line, size_t len, char *err, size_t errlen);

/*
 * Read a whole stream in bounded memory: a line longer than
 * VFC_TRIAL_MAX_LINE is skipped while it is read. Each bad line is reported
 * as "SOURCE:LINE: reason" to warn (may be NULL). Returns 0, or -1 with errno
 * when the stream could not be read to its end (the lines before it are
 * used; a read error is never taken for the end of the file).
 */
int vfc_trial_add_stream(struct vfc_trial *t, FILE *in, const char *source, FILE *warn);

/* Finish per-process verdicts; returns the overall verdict. */
enum vfc_verdict vfc_trial_finish(struct vfc_trial *t);

/* Distinct unknown feature names not listed in features[] ("+N more"). */
size_t vfc_trial_unlisted(const struct vfc_trial *t);

#endif
