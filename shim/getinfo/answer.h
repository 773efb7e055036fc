/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iommufd's whole VFIO_IOMMU_GET_INFO answer, read in one place: into the
 * shim's own 2 KiB buffer (where the kernel's capabilities are), its header
 * copied out into an aligned struct. The fix-up (fixup.c) and the probe
 * (getinfo_probe.c) both read it here.
 */
#ifndef VFC_ANSWER_H
#define VFC_ANSWER_H

#include <linux/vfio.h>
#include <stdint.h>

#include "iova.h"

#define VFC_INFO_MAX 2048

struct vfc_info_answer {
	struct vfio_iommu_type1_info head; /* a copy of buf's first bytes: aligned */
	_Alignas(8) char buf[VFC_INFO_MAX];
};

/*
 * Asks `fd` (the real ioctl) for its whole answer into `a`. Returns the
 * number of IOVA ranges written to `r` (at most VFC_MAX_RANGES) with the
 * page sizes in *pgsizes, or -1 when the answer could not be read or parsed
 * (*pgsizes 0; a->head.argsz is then 0 when the call failed or overflowed).
 * errno is the caller's to keep.
 */
int vfc_info_read(int fd, struct vfc_info_answer *a, struct vfc_range *r, uint64_t *pgsizes);

#endif
