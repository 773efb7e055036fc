// SPDX-License-Identifier: GPL-2.0-only
/* Memlock accounting: iommufd's per-process rlimit mode, set at redirect. */
#include "open.h"
#include "real.h"
#include "settings.h"

#include <errno.h>

#include "report.h"
#include "scratch.h"
#include "stats.h"
#include "vfiocompat/iommufd-uapi.h"

/*
 * type1 counts pinned pages against the process (what libvirt's per-guest
 * RLIMIT_MEMLOCK assumes); iommufd counts them per user unless told, before
 * any object exists, to count per process. Needs CAP_SYS_RESOURCE, unless
 * the target already counts per process (vfiocompat.ko's node).
 */
void vfc_set_rlimit_mode(int fd)
{
	struct vfc_iommu_option o = {.size = sizeof(o),
				     .option_id = VFC_IOMMU_OPTION_RLIMIT_MODE,
				     .op = VFC_IOMMU_OPTION_OP_SET,
				     .val64 = 1};
	struct vfc_fmt *f;
	int saved = errno, err = 0;

	struct vfc_iommu_option q = o;

	if (!vfc_cfg.rlimit_process)
		return;
	/* vfiocompat.ko's node opens already per process: no capability needed. */
	q.op = VFC_IOMMU_OPTION_OP_GET;
	q.val64 = 0;
	if (vfc_real_ioctl_call(fd, VFC_IOMMU_OPTION, &q) || q.val64 != 1)
		if (vfc_real_ioctl_call(fd, VFC_IOMMU_OPTION, &o))
			err = errno;
	atomic_store(&vfc_stats.rlimit_process, !err);
	if ((f = vfc_fmt_take())) {
		vfc_fmt_rlimit(f, fd, !err, err);
		vfc_report_line(f);
		vfc_scratch_give(f);
	}
	errno = saved;
}
