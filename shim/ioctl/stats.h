/* SPDX-License-Identifier: GPL-2.0-only */
/* What this process did with VFIO: in-memory counters, updated lock-free. */
#ifndef VFC_STATS_H
#define VFC_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

struct vfc_feature_seen {
	_Atomic uint64_t count;
	_Atomic int claimed; /* first use recorded */
	/* First use, written once by the thread that claimed it. */
	enum vfc_op op;
	unsigned long request;
	uint32_t flags;
	uint32_t value;
	int ret;
	int err;
	bool on_type1; /* answered by the type1 container (audit, fallback) */
	/* On iommufd, what this kernel's type1 answers instead, when known. */
	bool type1_known;
	int type1_ret;
};

struct vfc_stats {
	_Atomic uint64_t calls[VFC_OP_COUNT];
	_Atomic uint64_t errors[VFC_OP_COUNT];
	_Atomic int first_err[VFC_OP_COUNT]; /* the errno of each op's first failure */
	_Atomic int err_mixed[VFC_OP_COUNT]; /* a later failure had another errno */
	struct vfc_feature_seen feat[VFC_F_COUNT];
	_Atomic int containers; /* container opens seen */
	_Atomic int redirected; /* of which sent to the target */
	_Atomic int fallbacks;	/* of which left on type1: target unusable */
	_Atomic int already_iommufd;
	_Atomic int groups;
	_Atomic int attaches; /* successful GROUP_SET_CONTAINER on our fds */
	_Atomic int attach_errors;
	_Atomic int detaches;	      /* successful GROUP_UNSET_CONTAINER */
	_Atomic int get_info_early;   /* GET_INFO before any device: no domain yet */
	_Atomic int get_info_fixed;   /* of which answered with the enforced ranges */
	_Atomic int errno_translated; /* VFIOCOMPAT_ERRNO=type1 answers given */
	_Atomic int rlimit_process;   /* iommufd set to per-process memlock accounting */
	_Atomic int devices;	      /* device fds from our groups */
	_Atomic int used;	      /* anything VFIO seen: the process gets a report */
	/*
	 * Live mappings (successful MAP_DMA minus UNMAP_DMA calls that unmapped
	 * something; an upper bound when one unmap removes several), their peak,
	 * and type1's dma_entry_limit to compare with.
	 */
	_Atomic uint32_t live_mappings;
	_Atomic uint32_t peak_mappings;
	_Atomic uint32_t dma_entry_limit;
	/* Scratch slots found all taken (scratch.h): records or fix-ups skipped. */
	_Atomic uint32_t scratch_exhausted;
};

extern struct vfc_stats vfc_stats;

/* Clears everything; used in the child after fork. */
void vfc_stats_reset(struct vfc_stats *s);

/* A failed call's errno (the kernel's, before any translation): lock-free. */
static inline void vfc_stats_note_error(struct vfc_stats *s, enum vfc_op op, int err)
{
	int none = 0;

	if (!atomic_compare_exchange_strong_explicit(&s->first_err[op], &none, err,
						     memory_order_relaxed, memory_order_relaxed) &&
	    none != err)
		atomic_store_explicit(&s->err_mixed[op], 1, memory_order_relaxed);
}

/* The verdict over a finished or running process (common/verdict.h): its name. */
const char *vfc_verdict(const struct vfc_stats *s);

#endif
