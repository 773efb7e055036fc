// SPDX-License-Identifier: GPL-2.0-only
/* The type1 errno translation table (pure). Each row is a measured difference. */
#include "errmap.h"

#include <errno.h>
#include <linux/vfio.h>

static const struct vfc_errmap_rule rules[] = {
    {"unmap-partial-v2", VFC_OP_UNMAP_DMA, ENOENT, -1, EINVAL,
     "TYPE1v2 refuses an unmap that splits or misses a mapping with EINVAL"},
    {"set-iommu-unsupported", VFC_OP_SET_IOMMU, EINVAL, -1, ENODEV,
     "type1 answers ENODEV for an IOMMU type no driver supports"
     " (TYPE1_NESTING too, once type1 no longer offers it)"},
    {"no-group-set-iommu", VFC_OP_SET_IOMMU, ENODEV, -1, EINVAL,
     "type1 answers EINVAL while no group is attached"},
    {"no-group-map", VFC_OP_MAP_DMA, ENODEV, -1, EINVAL,
     "type1 answers EINVAL while no group is attached"},
    {"no-group-get-info", VFC_OP_GET_INFO, ENODEV, -1, EINVAL,
     "type1 answers EINVAL while no group is attached"},
    {"no-group-check-extension", VFC_OP_CHECK_EXTENSION, ENODEV, 0, 0,
     "type1 answers 0 (not supported) for an extension it cannot check yet"},
};

const struct vfc_errmap_rule *vfc_errmap_find(const struct vfc_rec *rec, uint32_t iommu_type,
					      int err, int type1_nesting)
{
	for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct vfc_errmap_rule *r = &rules[i];

		if (r->op != rec->op || r->iommufd_err != err)
			continue;
		/* TYPE1 v1 allows partial unmaps: its answer is a success, not ours to give. */
		if (r->op == VFC_OP_UNMAP_DMA && r->iommufd_err == ENOENT &&
		    iommu_type != VFIO_TYPE1v2_IOMMU)
			continue;
		/* Only types type1 would not take: 1 and 3 fail elsewhere for other reasons. */
		if (r->op == VFC_OP_SET_IOMMU && r->iommufd_err == EINVAL &&
		    (rec->value == VFIO_TYPE1_IOMMU || rec->value == VFIO_TYPE1v2_IOMMU))
			continue;
		/*
		 * A type1 that still offers TYPE1_NESTING (6.12: CHECK_EXTENSION
		 * answers 1) takes the type and fails the attach with EINVAL, as
		 * iommufd does (measured on VT-d and AMD-Vi); 7.3's says ENODEV.
		 */
		if (r->op == VFC_OP_SET_IOMMU && r->iommufd_err == EINVAL &&
		    rec->value == VFIO_TYPE1_NESTING_IOMMU && type1_nesting == 1)
			continue;
		return r;
	}
	return 0;
}
