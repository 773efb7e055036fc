/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container ioctl table (table.c), as data: each container request the
 * shim handles maps to one named handler that makes the call (the kernel's
 * drivers/iommu/iommufd/main.c keeps its ioctls the same way). observe.c
 * dispatches through it, then decodes and counts whatever the handler did.
 */
#ifndef VFC_TABLE_H
#define VFC_TABLE_H

#include <stdint.h>

/*
 * Makes the call on tracked fd `fd` (fd table entry `e`): the real ioctl,
 * and whatever the shim does around it. Returns the kernel's ret with its
 * errno set.
 */
typedef int vfc_ioctl_handler(int fd, uint32_t e, unsigned long request, void *arg);

struct vfc_ioctl_op {
	unsigned long request;
	const char *name; /* the request's name, for a reader of the table */
	vfc_ioctl_handler *call;
};

/* The entry of container request `request`; unknown requests get the plain call. */
const struct vfc_ioctl_op *vfc_ioctl_op_of(unsigned long request);

/* The plain handler: the real ioctl, nothing around it. */
int vfc_ioctl_plain(int fd, uint32_t e, unsigned long request, void *arg);

#endif
