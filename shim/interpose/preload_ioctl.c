// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ioctl wrapper, alone in its file because it is the hot path: defined
 * with a plain third argument instead of `...`. On the Linux ABIs glibc
 * supports (x86-64 SysV, AAPCS64) a variadic caller passes that argument in
 * the same register, and skipping va_start spares the register save area:
 * a foreign fd costs one table load and a tail call.
 */
#include <stdatomic.h>
#include <stdint.h>

#include "fdtable.h"
#include "hotpath.h"

VFC_PUBLIC int ioctl(int fd, unsigned long request, void *arg)
{
	uint32_t e = vfc_fd_get(fd);
	if (__builtin_expect(e != 0, 0))
		return vfc_ioctl_tracked(fd, e, request, arg);
	/* Acquire: a plain load on x86-64 and the pointer's own dependency elsewhere. */
	vfc_ioctl_fn *real = atomic_load_explicit(&vfc_real_ioctl, memory_order_acquire);
	if (__builtin_expect(!real, 0)) {
		vfc_init();
		return vfc_real_ioctl_call(fd, request, arg);
	}
	return real(fd, request, arg);
}
