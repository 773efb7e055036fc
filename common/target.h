/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The node a container is sent to when none is named: vfiocompat.ko's
 * (iommufd with type1's per-process accounting) when it is loaded, else
 * iommufd's own. Decided here for the shim, `run`, `check` and the libvirt
 * helper alike.
 */
#ifndef VFC_TARGET_H
#define VFC_TARGET_H

#include <stdbool.h>

#include "vfiocompat/module.h"

/* Is `path` a character device? (stat: async-signal-safe, no allocation.) */
bool vfc_is_char_node(const char *path);

/* VFC_MODULE_NODE when is_node says it is there, else VFC_IOMMU_NODE. */
const char *vfc_target_default(bool (*is_node)(const char *path));

#endif
