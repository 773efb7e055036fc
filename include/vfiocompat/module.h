/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Names that vfiocompat.ko exposes, shared by the module (kernel/ includes
 * this file: plain defines only), the shim (which prefers the module's node
 * as its target) and `vfiocompat check`.
 */
#ifndef VFIOCOMPAT_MODULE_H
#define VFIOCOMPAT_MODULE_H

/* The module itself, as lsmod and /sys/module show it. */
#define VFC_MODULE_NAME "vfiocompat"
/* Its misc device: an iommufd file with type1 (per-process) accounting. */
#define VFC_MODULE_NODENAME "vfio/iommufd-compat" /* below /dev */
#define VFC_MODULE_NODE	    "/dev/" VFC_MODULE_NODENAME
/* iommufd's own node: the target when the module is not loaded. */
#define VFC_IOMMU_NODE	     "/dev/iommu"
#define VFC_MODULE_MISC_NAME "vfiocompat"

#endif
