/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Start-up (init.c): the constructor, vfc_init() (the real functions and the
 * config, once, atomic, recursion-guarded), the fork and exit hooks.
 */
#ifndef VFC_INIT_H
#define VFC_INIT_H

#include <stdatomic.h>
#include <stdbool.h>

#include "hotpath.h"

/* Parse the environment now if that was left for the constructor. */
void vfc_config_ensure(void);

/* The real functions and config are ready (initialising them if not yet). */
static inline bool vfc_ready(void)
{
	extern _Atomic int vfc_init_state;
	return atomic_load_explicit(&vfc_init_state, memory_order_acquire) == 2 || vfc_init();
}

/* inherit.c: track the VFIO fds this process started with (constructor). */
void vfc_adopt_inherited(void);

#endif
