/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fd table: one lock-free word per fd number, zero for every fd that is
 * not ours. Reading it is the whole cost the shim adds to a foreign fd.
 */
#ifndef VFC_FDTABLE_H
#define VFC_FDTABLE_H

#include <stdatomic.h>
#include <stdint.h>

/* Covers the kernel's default fs.nr_open; larger fds pass through untracked. */
#define VFC_FD_MAX (1u << 20)

enum vfc_fd_kind {
	VFC_FD_NONE,
	VFC_FD_REDIRECTED, /* container opened as the target (iommufd) */
	VFC_FD_TYPE1,	   /* real type1 container: audit mode or fallback */
	VFC_FD_IOMMUFD,	   /* container path that already was iommufd */
	VFC_FD_GROUP,
	VFC_FD_DEVICE,
};

/* Entry: kind in the low byte, kind-specific data above (iommu type, group number). */
#define VFC_FD_ENTRY(kind, data) ((uint32_t)(kind) | ((uint32_t)(data) << 8))
#define VFC_FD_KIND(e)		 ((enum vfc_fd_kind)((e)&0xff))
#define VFC_FD_DATA(e)		 ((e) >> 8)

extern _Atomic uint32_t vfc_fd_table[VFC_FD_MAX];
extern _Atomic int vfc_fd_high; /* highest fd ever tracked */

static inline uint32_t vfc_fd_get(int fd)
{
	if ((unsigned)fd >= VFC_FD_MAX)
		return 0;
	return atomic_load_explicit(&vfc_fd_table[fd], memory_order_relaxed);
}

static inline void vfc_fd_set(int fd, uint32_t e)
{
	if ((unsigned)fd >= VFC_FD_MAX)
		return;
	if (e) {
		int high = atomic_load_explicit(&vfc_fd_high, memory_order_relaxed);
		while (fd > high && !atomic_compare_exchange_weak_explicit(&vfc_fd_high, &high, fd,
									   memory_order_relaxed,
									   memory_order_relaxed))
			;
	}
	atomic_store_explicit(&vfc_fd_table[fd], e, memory_order_relaxed);
}

#endif
