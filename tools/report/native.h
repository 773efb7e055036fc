/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The native prediction: what a trialled process would do on its VMM's own
 * iommufd back end (QEMU's -object iommufd, libvirt's <driver iommufd='yes'/>,
 * cloud-hypervisor's --platform iommufd=on, DPDK's cdev mode), judged from
 * what the trial recorded and the measured facts of
 * include/vfiocompat/native.def. Pure.
 */
#ifndef VFC_NATIVE_H
#define VFC_NATIVE_H

#include <stdbool.h>
#include <stdio.h>

#include "trial.h"

/* What a type1 feature does to the native verdict. */
enum vfc_native_effect {
	VFC_NE_NONE,	 /* no difference from type1 left natively */
	VFC_NE_INFO,	 /* a fact the VMM adapts to */
	VFC_NE_DEGRADED, /* works, differently */
	VFC_NE_BLOCKER,	 /* fails natively too */
};

struct vfc_native_feature {
	enum vfc_feature feature;
	enum vfc_native_effect effect;
	const char *evidence; /* "lab" (measured) or "sources" */
	const char *native;   /* what the native back end does */
	const char *remedy;
};

struct vfc_native_program {
	const char *match;
	bool prefix;
	const char *name;
	bool backend;	   /* has a native iommufd back end */
	const char *since; /* the first version with it */
	const char *how;   /* how to switch it on, or why there is none */
	bool p2p_fatal;	   /* a refused BAR mapping stops its start */
	const char *p2p_line;
	const char *memlock; /* iommufd accounting when it runs natively on its own */
};

/* The verdict of a process on its native back end. */
struct vfc_native {
	const struct vfc_native_program *prog;
	bool available;		  /* the program has a native back end */
	bool managed;		  /* started by libvirt (its report directory is libvirt-UUID) */
	enum vfc_verdict verdict; /* when available */
	bool starts;
	const char *error;   /* the line it would log ("" when none) */
	const char *memlock; /* "user" or "process" */
	const char *locked;  /* what /proc/PID/status shows pinned: "VmPin", "VmLck+VmPin" */
	enum vfc_migv migv;
	char reason[400];
};

const struct vfc_native_feature *vfc_native_feature(enum vfc_feature f); /* NULL: none */
const struct vfc_native_feature *vfc_native_feature_named(const char *name);
const struct vfc_native_program *vfc_native_program(const char *program);
const char *vfc_native_effect_name(enum vfc_native_effect e);

/* Judge one process of a finished trial. */
void vfc_native_judge(const struct vfc_trial *t, const struct vfc_trial_proc *p,
		      struct vfc_native *n);

/* The merged native verdict: the worst of the processes with a native back end. */
#define VFC_NATIVE_NONE "no-native-backend"
const char *vfc_native_merge(const struct vfc_trial *t, enum vfc_verdict *v);

/* Output hooks of `vfiocompat report` (tools/cmd_report.c). */
struct json_object;
void vfc_native_print_proc(FILE *out, const struct vfc_trial *t, const struct vfc_trial_proc *p);
void vfc_native_print_finding(FILE *out, const struct vfc_trial_feature *f);
void vfc_native_print_memlock(FILE *out, const struct vfc_trial *t);
void vfc_native_print_verdict(FILE *out, const struct vfc_trial *t);
struct json_object *vfc_native_json_proc(const struct vfc_trial *t, const struct vfc_trial_proc *p);
void vfc_native_json_feature(struct json_object *fo, const struct vfc_trial_feature *f);
void vfc_native_json_verdict(struct json_object *o, const struct vfc_trial *t);
void vfc_native_prometheus(FILE *out, const struct vfc_trial *t);

/* The memlock finding, for every process that pinned memory. */
#define VFC_NATIVE_MEMLOCK_COMPAT                                                                  \
	"pinned guest RAM counted per user (or per process with RLIMIT_MODE) and shown as "        \
	"VmPin, not VmLck"
#define VFC_NATIVE_MEMLOCK_NATIVE                                                                  \
	"the same: per user, VmPin only, unless the manager sets RLIMIT_MODE (libvirt >= 12.2: "   \
	"VmLck and VmPin)"
#define VFC_NATIVE_MEMLOCK_REMEDY                                                                  \
	"watch VmPin as well as VmLck; size RLIMIT_MEMLOCK per user or set RLIMIT_MODE"

#endif
