// SPDX-License-Identifier: GPL-2.0-only
/* The container ioctl table: request -> named handler (table.h). */
#include "table.h"

#include <linux/vfio.h>

#include "getinfo.h"
#include "real.h"

int vfc_ioctl_plain(int fd, uint32_t e, unsigned long request, void *arg)
{
	(void)e;
	return vfc_real_ioctl_call(fd, request, arg);
}

/* Indexed by the request's number above VFIO_BASE, as Mesa's drm-shim indexes its own. */
#define OP(req, fn) [_IOC_NR(req) - VFIO_BASE] = {req, #req, fn}

static const struct vfc_ioctl_op ops[] = {
    OP(VFIO_GET_API_VERSION, vfc_ioctl_plain),
    OP(VFIO_CHECK_EXTENSION, vfc_ioctl_plain),
    OP(VFIO_SET_IOMMU, vfc_ioctl_plain),
    /* The early GET_INFO fix-up: its policy, probe and model are getinfo/'s. */
    OP(VFIO_IOMMU_GET_INFO, vfc_getinfo_call),
    OP(VFIO_IOMMU_MAP_DMA, vfc_ioctl_plain),
    OP(VFIO_IOMMU_UNMAP_DMA, vfc_ioctl_plain),
    OP(VFIO_IOMMU_ENABLE, vfc_ioctl_plain),
    OP(VFIO_IOMMU_DISABLE, vfc_ioctl_plain),
    OP(VFIO_IOMMU_DIRTY_PAGES, vfc_ioctl_plain),
};

static const struct vfc_ioctl_op other = {0, "other", vfc_ioctl_plain};

const struct vfc_ioctl_op *vfc_ioctl_op_of(unsigned long request)
{
	unsigned long i = _IOC_NR(request) - VFIO_BASE; /* wraps below VFIO_BASE */

	if (_IOC_TYPE(request) == VFIO_TYPE && i < sizeof(ops) / sizeof(ops[0]) && ops[i].call &&
	    ops[i].request == request)
		return &ops[i];
	return &other;
}
