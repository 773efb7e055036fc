// SPDX-License-Identifier: GPL-2.0-only
/* iommufd's whole GET_INFO answer, read once, aligned; see answer.h. */
#include "answer.h"

#include <errno.h>
#include <string.h>

#include "real.h"

int vfc_info_read(int fd, struct vfc_info_answer *a, struct vfc_range *r, uint64_t *pgsizes)
{
	struct vfio_iommu_type1_info ask = {.argsz = VFC_INFO_MAX};
	int saved = errno;

	*pgsizes = 0;
	memset(a->buf, 0, sizeof(a->buf));
	memcpy(a->buf, &ask, sizeof(ask));
	int ret = vfc_real_ioctl_call(fd, VFIO_IOMMU_GET_INFO, a->buf);
	errno = saved;
	memcpy(&a->head, a->buf, sizeof(a->head));
	if (ret != 0 || a->head.argsz > VFC_INFO_MAX) {
		a->head.argsz = 0;
		return -1;
	}
	return vfc_info_ranges(a->buf, a->head.argsz, r, VFC_MAX_RANGES, pgsizes);
}
