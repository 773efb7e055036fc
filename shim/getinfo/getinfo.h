/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The GET_INFO handler (getinfo.c): VFIO_IOMMU_GET_INFO's entry in the
 * container ioctl table (ioctl/table.c). Its policy (when to fix an early
 * answer, and how: VFIOCOMPAT_FIXUPS), the probe (getinfo_probe.c) and the
 * model (fixup.c, sysfs.c, iova.c) live in this folder; answer.c reads
 * iommufd's whole answer.
 */
#ifndef VFC_GETINFO_H
#define VFC_GETINFO_H

#include <stdint.h>

/* The handler: GET_INFO on tracked fd `fd` (entry `e`); ret with errno set. */
int vfc_getinfo_call(int fd, uint32_t e, unsigned long request, void *arg);

#endif
