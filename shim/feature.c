// SPDX-License-Identifier: GPL-2.0-only
/* What each type1 feature becomes under iommufd compat, for reports. */
#include "decode.h"

static const struct vfc_feature_info features[VFC_F_COUNT] = {
    [VFC_F_VADDR_MAP] =
	{"vaddr_map", VFC_SEV_BLOCKER, "MAP_DMA with FLAG_VADDR fails with EINVAL",
	 "live update (QEMU cpr) needs type1; iommufd offers IOMMU_IOAS_CHANGE_PROCESS instead"},
    [VFC_F_VADDR_UNMAP] = {"vaddr_unmap", VFC_SEV_BLOCKER,
			   "UNMAP_DMA with FLAG_VADDR fails with EINVAL",
			   "live update (QEMU cpr) needs type1"},
    [VFC_F_UPDATE_VADDR_EXT] = {"update_vaddr_extension", VFC_SEV_INFO,
				"CHECK_EXTENSION(VFIO_UPDATE_VADDR) answers 0",
				"the VMM learns VADDR is absent; cpr modes become unavailable"},
    [VFC_F_NESTING_EXT] = {"nesting_extension", VFC_SEV_INFO,
			   "CHECK_EXTENSION(TYPE1_NESTING) answers 0",
			   "nested translation needs native iommufd HWPT objects"},
    [VFC_F_NESTING_SET] = {"nesting_set_iommu", VFC_SEV_BLOCKER,
			   "SET_IOMMU(TYPE1_NESTING) fails with EINVAL",
			   "use TYPE1v2, or native iommufd for nesting"},
    [VFC_F_SPAPR] = {"spapr", VFC_SEV_BLOCKER, "SPAPR/EEH container ioctls are not implemented",
		     "SPAPR platforms must stay on the VFIO container"},
    [VFC_F_DIRTY_PAGES] =
	{"dirty_pages", VFC_SEV_BLOCKER, "VFIO_IOMMU_DIRTY_PAGES fails with ENOTTY",
	 "migration with VFIO devices needs device or IOMMU hardware dirty tracking"},
    [VFC_F_DIRTY_BITMAP_UNMAP] = {"dirty_bitmap_unmap", VFC_SEV_BLOCKER,
				  "UNMAP_DMA with GET_DIRTY_BITMAP fails with EINVAL",
				  "migration with VFIO devices needs hardware dirty tracking"},
    [VFC_F_TYPE1_V1] =
	{"type1_v1", VFC_SEV_DEGRADED,
	 "TYPE1 v1: huge IOPTEs disabled (same unmap semantics, more IOTLB pressure)",
	 "set TYPE1v2 in the VMM if it supports it"},
    [VFC_F_P2P_MAP] = {"p2p_map", VFC_SEV_BLOCKER,
		       "MAP_DMA of a device BAR mmap fails with EFAULT (no P2P)",
		       "P2P DMA between assigned devices needs type1 or dma-buf; a VMM mapping "
		       "every BAR fails to start: give cloud-hypervisor (v52+) --platform "
		       "vfio_p2p_dma=off (see examples/cloud-hypervisor.md)"},
    [VFC_F_DMA_AVAIL] = {"dma_avail", VFC_SEV_DEGRADED,
			 "GET_INFO reports DMA_AVAIL U32_MAX: dma_entry_limit is ignored",
			 "bound pinned memory with memory cgroups instead of dma_entry_limit"},
    [VFC_F_DMA_ENTRY_LIMIT] =
	{"dma_entry_limit", VFC_SEV_INFO,
	 "more live mappings than type1's dma_entry_limit: iommufd has no such limit",
	 "this workload only runs on iommufd: on type1 the mapping past the limit fails with "
	 "ENOSPC unless vfio_iommu_type1.dma_entry_limit is raised"},
    [VFC_F_SPAPR_EXT] = {"spapr_extension", VFC_SEV_INFO,
			 "CHECK_EXTENSION(SPAPR_TCE / EEH) answers 0",
			 "a probe (DPDK and QEMU ask); only SPAPR platforms lose anything"},
};

const struct vfc_feature_info *vfc_feature(enum vfc_feature f)
{
	return (unsigned)f < VFC_F_COUNT ? &features[f] : 0;
}

const char *vfc_severity_name(enum vfc_severity s)
{
	switch (s) {
	case VFC_SEV_INFO:
		return "info";
	case VFC_SEV_DEGRADED:
		return "degraded";
	case VFC_SEV_BLOCKER:
		return "blocker";
	}
	return "info";
}
