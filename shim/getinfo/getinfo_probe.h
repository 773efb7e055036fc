/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vendor-neutral GET_INFO fix-up: before a redirected container's first
 * device is open, iommufd has no IOMMU domain and answers GET_INFO with the
 * whole 64-bit space. The probe opens one device of each group on the
 * container for the length of the caller's own GET_INFO (through the
 * program's own group fd, VFIO_GROUP_GET_DEVICE_FD), so the kernel answers
 * with the domain attached, then closes them: the answer is iommufd's own,
 * exact by construction on any IOMMU. Side effects (docs/vm-lab.md, README):
 * each device is opened and closed once more (vfio-pci resets it both times),
 * and a seccomp filter sees the extra ioctls and the sysfs reads.
 */
#ifndef VFC_GETINFO_PROBE_H
#define VFC_GETINFO_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "iova.h"

#define VFC_PROBE_GROUPS 8

struct vfc_probe {
	int ngroups;
	int groups[VFC_PROBE_GROUPS];
	int dev_fds[VFC_PROBE_GROUPS]; /* -1: not opened */
	bool attached;		       /* every group has a device open */
	const char *why;	       /* when not attached */
	int err;		       /* errno of the failed open, 0 none */
	uint64_t early_pgsizes;	       /* iommufd's answer before the probe */
	int nearly;
	struct vfc_range early[VFC_MAX_RANGES];
	uint64_t t0_ns;
};

/*
 * Pure: the fd of group `group` in `table` (entries 0..high, see fdtable.h),
 * or -1 when the process holds none.
 */
int vfc_probe_group_fd(const _Atomic uint32_t *table, int high, int group);

/*
 * Before the caller's GET_INFO on redirected container `fd` none of whose
 * groups has a device open: records iommufd's early answer, then opens one
 * device of each group. True when every group has one open (the caller's
 * call then sees the domain, and vfc_probe_end must follow); false with
 * nothing left open and `p->why` saying why.
 */
bool vfc_probe_begin(int fd, struct vfc_probe *p);

/*
 * After the caller's GET_INFO returned `ret`: reads back the answer the
 * caller got, closes the probe's devices, and when `ret` is 0 counts and
 * records the fixed early GET_INFO.
 */
void vfc_probe_end(int fd, struct vfc_probe *p, int ret);

#endif
