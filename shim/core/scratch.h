/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scratch memory for the tracked paths, so no path a signal handler may
 * take puts a multi-KiB buffer on the caller's stack (docs/hardening.md:
 * "Stack bound"). A fixed pool of static slots (256 KiB of .bss: untouched
 * pages cost no memory), taken and given back with one atomic each: no
 * lock, no allocation, no waiting. A handler that interrupts a holder
 * simply takes another slot. When every slot is taken the caller skips the
 * optional work (a record, a fix-up) and the shortage is counted (the
 * summary's "scratch_exhausted"); nothing ever blocks. A fork child keeps
 * the slots other threads held at the fork (they never come back there):
 * at most that many fewer for the child.
 */
#ifndef VFC_SCRATCH_H
#define VFC_SCRATCH_H

#include <stddef.h>

#include "fmt.h"

#define VFC_SCRATCH_SLOTS 32
#define VFC_SCRATCH_SIZE  8192

/* A VFC_SCRATCH_SIZE-byte slot (16-byte aligned), or NULL when none is free. */
void *vfc_scratch_take(void);
void vfc_scratch_give(void *p); /* NULL: nothing */

_Static_assert(sizeof(struct vfc_fmt) <= VFC_SCRATCH_SIZE, "a record fits a slot");

/* A record buffer from the pool (initialised), or NULL: the record is skipped. */
static inline struct vfc_fmt *vfc_fmt_take(void)
{
	struct vfc_fmt *f = vfc_scratch_take();

	if (f)
		vfc_fmt_init(f);
	return f;
}

#endif
