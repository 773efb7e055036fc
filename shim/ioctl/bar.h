/* SPDX-License-Identifier: GPL-2.0-only */
/* Lock-free set of device BAR mappings. */
#ifndef VFC_BAR_H
#define VFC_BAR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

extern _Atomic int vfc_bar_count;

void vfc_bar_add(uintptr_t start, uintptr_t len);
void vfc_bar_remove(uintptr_t start, uintptr_t len);
/* Does [addr, addr+len) overlap a recorded BAR mapping? */
bool vfc_bar_contains(uintptr_t addr, uintptr_t len);
void vfc_bar_reset(void);

#endif
