/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the IOMMU facts of a group from sysfs: raw syscalls, no malloc. */
#ifndef VFC_SYSFS_H
#define VFC_SYSFS_H

#include <stdbool.h>
#include <stdint.h>

#include "iova.h"

/*
 * Reserved regions (appended to `resv`, `*nresv` updated) and the IOMMU's
 * facts of group `group`. False with `why` when they cannot be known.
 */
bool vfc_group_facts(int group, struct vfc_range *resv, int *nresv, int max,
		     struct vfc_iommu_facts *facts, const char **why);

/* type1's vfio_iommu_type1.dma_entry_limit, or its default 65535 when unknown. */
uint32_t vfc_type1_dma_entry_limit(void);

#endif
