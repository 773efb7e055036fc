/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Container ioctls: observation (observe.c, dispatching through table.h)
 * and errno translation (xlate.c).
 */
#ifndef VFC_IOCTL_H
#define VFC_IOCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* xlate.c: the ret the caller gets for a failed container ioctl (*errp updated). */
struct vfc_rec;
int vfc_errno_translate(const struct vfc_rec *r, uint32_t e, unsigned long request, int ret,
			int *errp);

#endif
