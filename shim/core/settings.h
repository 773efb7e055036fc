/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What this process runs with, read once and before main where it can be
 * (a seccomp-filtered VMM must see no late syscall): the environment's
 * configuration and type1's dma_entry_limit.
 */
#ifndef VFC_SETTINGS_H
#define VFC_SETTINGS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

extern struct vfc_config vfc_cfg;

/*
 * Parse the environment into vfc_cfg, once: the first call wins, later ones
 * return at once. Bad values are said through `warn`, one line each.
 */
void vfc_settings_read(void (*warn)(const char *line));
bool vfc_settings_were_read(void);

/* type1's dma_entry_limit, read by the constructor. */
extern _Atomic uint32_t vfc_type1_limit;
uint32_t vfc_type1_limit_get(void); /* read now if the constructor has not yet */

/*
 * What this kernel's type1 answers to CHECK_EXTENSION(VFIO_TYPE1_NESTING_IOMMU):
 * 1 (type1 still has nesting: 6.12), 0 (7.3), or -1 not known. Asked once by
 * the constructor (init.c), only with VFIOCOMPAT_ERRNO=type1 (errmap.c's rules).
 */
extern _Atomic int vfc_type1_nesting;

#endif
