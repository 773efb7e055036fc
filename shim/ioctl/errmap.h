/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFIOCOMPAT_ERRNO=type1: iommufd failures that type1 reports with another
 * errno (measured, docs/compat-audit.md). Only failures are translated, into
 * other failures or a 0 answer to a query: an operation that happened is
 * never reported as failed, nor one that failed as done.
 */
#ifndef VFC_ERRMAP_H
#define VFC_ERRMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

struct vfc_errmap_rule {
	const char *name;
	enum vfc_op op;
	int iommufd_err; /* the failure iommufd gave */
	int type1_ret;	 /* what type1 answers: -1 with type1_err, or a value */
	int type1_err;
	const char *why;
};

/*
 * The rule for a failed request (`err`) on a redirected container whose
 * SET_IOMMU type is `iommu_type` (0 before), or NULL. `type1_nesting` is
 * what this kernel's type1 answers to CHECK_EXTENSION(VFIO_TYPE1_NESTING_IOMMU),
 * asked at start (1 up to 6.12, where type1 still has nesting; 0 on 7.3),
 * or -1 when not known: then the table measured on 7.3 applies.
 */
const struct vfc_errmap_rule *vfc_errmap_find(const struct vfc_rec *rec, uint32_t iommu_type,
					      int err, int type1_nesting);

#endif
