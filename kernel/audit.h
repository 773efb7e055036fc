/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The type1 audit's own types, shared by its three files: audit.c (the
 * probe and the table of processes), audit_classify.c (what one container
 * call uses) and audit_report.c (the JSON Lines report).
 */
#ifndef VFIOCOMPAT_AUDIT_H
#define VFIOCOMPAT_AUDIT_H

#include <linux/sched.h>
#include <linux/types.h>

struct seq_file;

#define VFC_NESTING_IOMMU 6 /* VFIO_TYPE1_NESTING_IOMMU, reserved since 6.13 */

enum vfc_op {
	OP_OTHER,
	OP_GET_API_VERSION,
	OP_CHECK_EXTENSION,
	OP_SET_IOMMU,
	OP_GET_INFO,
	OP_MAP_DMA,
	OP_UNMAP_DMA,
	OP_DIRTY_PAGES,
	OP_SPAPR,
	OP_COUNT
};

enum vfc_feat {
#define VFC_FEATURE(id, ...) F_##id,
#include "vfiocompat/features.def"
	F_COUNT
};

#define VFC_EXE_LEN 128

/* The first call that used a feature, as the shim's feature record shows it. */
struct vfc_first {
	u32 request;
	u32 flags;
	s64 value;
	long ret;
	enum vfc_op op;
};

/* What the report shows of one process. */
struct vfc_audit_rec {
	pid_t tgid;		/* 0: free slot */
	u64 start_time;		/* tells a reused pid apart */
	char comm[TASK_COMM_LEN];
	char exe[VFC_EXE_LEN];
	u64 calls[OP_COUNT];
	u64 errors[OP_COUNT];
	u64 feat_count[F_COUNT];
	struct vfc_first first[F_COUNT];
};

/* audit_classify.c: the call's op (OP_COUNT: not a container ioctl) and features. */
enum vfc_op vfc_audit_decode(unsigned int cmd);
u32 vfc_audit_classify(enum vfc_op op, unsigned long arg, long ret, u32 *flags);

/* audit_report.c: one process's start, feature and summary records. */
void vfc_show_proc(struct seq_file *m, const struct vfc_audit_rec *p);

#endif
