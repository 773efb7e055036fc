/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfiocompat.ko internals: the iommufd provider node.
 */
#ifndef VFIOCOMPAT_KMOD_H
#define VFIOCOMPAT_KMOD_H

#include "vfiocompat/module.h"
#include "vfiocompat/version.h"

int vfc_provider_init(void);
void vfc_provider_exit(void);

#endif
