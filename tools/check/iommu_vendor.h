/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vfiocompat check`'s IOMMU knowledge, per vendor: which IOMMU each
 * /sys/class/iommu entry is (Intel VT-d legacy or scalable mode with first-
 * or second-stage tables, AMD-Vi, virtio-iommu, Arm SMMUv3 with its MSI
 * window; others named as not modelled), whether interrupt remapping (x86)
 * or MSI isolation (Arm: a GICv3 ITS, not GICv2m) is in use, and what
 * allow_unsafe_interrupts costs on each back end. Reads a tree under `root` ("" for the host),
 * so tests can build one.
 */
#ifndef VFC_IOMMU_VENDOR_H
#define VFC_IOMMU_VENDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checklist.h"

enum vfc_iommu_kind {
	VFC_IOMMU_UNKNOWN,
	VFC_IOMMU_VTD_LEGACY,
	VFC_IOMMU_VTD_SECOND, /* scalable mode, second-stage tables */
	VFC_IOMMU_VTD_FIRST,  /* scalable mode, first-stage tables */
	VFC_IOMMU_AMD,
	VFC_IOMMU_VIRTIO,
	VFC_IOMMU_SMMUV3,
};

/*
 * VT-d: which tables the kernel's paging domains use, from ecap (SMTS bit
 * 43, SLTS 46, FLTS 47) and whether the kernel runs scalable mode
 * (`sm`: intel_iommu=sm_on/sm_off, else CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON).
 * As drivers/iommu/intel: first stage when both exist.
 */
enum vfc_iommu_kind vfc_vtd_kind(uint64_t ecap, bool sm);

/* "intel_iommu=...sm_on" -> 1, "sm_off" -> 0, neither -> -1. */
int vfc_cmdline_intel_sm(const char *cmdline);

/* The name an operator knows, and the lab variant that proves it (NULL: none). */
const char *vfc_iommu_kind_name(enum vfc_iommu_kind k);
const char *vfc_iommu_lab_variant(enum vfc_iommu_kind k);

/*
 * Adds one line per IOMMU and one for interrupt remapping. `sm_default`:
 * the kernel's scalable-mode default (1/0), or -1 to read the running
 * kernel's configuration when it matters.
 */
void vfc_check_iommu_vendor(struct vfc_checklist *l, const char *root, int sm_default);

#endif
