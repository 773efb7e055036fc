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

#endif
