/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the hot ioctl face (preload_ioctl.c) needs of the manager, without
 * libc's ioctl prototype: that file defines ioctl with a plain third
 * argument. The definitions include this header too, so the compiler checks
 * both sides.
 */
#ifndef VFC_HOTPATH_H
#define VFC_HOTPATH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* The only symbols the library exports: the interposed ones (everything else is hidden). */
#define VFC_PUBLIC __attribute__((visibility("default")))

/* libc's ioctl, as the next definition after ours (variadic). */
typedef int vfc_ioctl_fn(int fd, unsigned long request, ...);

/* The real ioctl, NULL until vfc_init() resolved it (real.c); the face loads it inline. */
extern vfc_ioctl_fn *_Atomic vfc_real_ioctl;

/*
 * THE way to call the real ioctl (real.c): vfc_real_ioctl when resolved, else
 * the system call. The face's fast path is this function's first branch.
 */
int vfc_real_ioctl_call(int fd, unsigned long request, void *arg);

/* ioctl on an fd the table knows; `e` is its entry (observe.c). */
int vfc_ioctl_tracked(int fd, uint32_t e, unsigned long request, void *arg);

/* Idempotent; returns true once the real functions and config are ready (init.c). */
bool vfc_init(void);

#endif
