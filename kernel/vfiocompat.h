/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfiocompat.ko internals: the iommufd provider node and the type1 audit.
 */
#ifndef VFIOCOMPAT_KMOD_H
#define VFIOCOMPAT_KMOD_H

#include "vfiocompat/module.h"
#include "vfiocompat/version.h"

int vfc_provider_init(void);
void vfc_provider_exit(void);

int vfc_audit_init(unsigned int max_procs, const char *symbol);
void vfc_audit_exit(void);

#endif
