/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which groups sit on which container, and whether a device of theirs has
 * been opened: under iommufd the IOMMU domain (and with it the aperture and
 * reserved regions) exists only from the first device open. Fixed slots,
 * lock-free.
 */
#ifndef VFC_ATTACH_H
#define VFC_ATTACH_H

#include <stdbool.h>

#define VFC_ATTACH_SLOTS 64

void vfc_attach_add(int container_fd, int group);
void vfc_attach_remove_group(int group);
void vfc_attach_device_opened(int group);
void vfc_attach_forget_container(int container_fd);
/* Groups on `container_fd` (at most `max`); `*device` tells if any opened a device. */
int vfc_attach_groups(int container_fd, int *groups, int max, bool *device);
void vfc_attach_reset(void);

#endif
