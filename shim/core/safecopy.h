/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the caller's memory through the kernel (safecopy.c). */
#ifndef VFC_SAFECOPY_H
#define VFC_SAFECOPY_H

#include <stdbool.h>
#include <stddef.h>

/* Read caller memory through the kernel: false instead of a fault. */
bool vfc_safe_copy(void *dst, const void *src, size_t n);

#endif
