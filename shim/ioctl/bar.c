// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device BAR mappings (mmap of a VFIO device fd), kept so that a MAP_DMA of
 * one (peer-to-peer DMA, which iommufd compat refuses) is recognised.
 * Fixed slots, lock-free; a VMM maps a handful of BARs per device.
 */
#include "bar.h"

#include <stdatomic.h>

#define VFC_BAR_SLOTS 128
/* No mapping is this long, so it marks a slot being filled. */
#define CLAIMED UINTPTR_MAX

struct bar_slot {
	_Atomic uintptr_t start;
	_Atomic uintptr_t len; /* 0: free; CLAIMED: being filled */
};

static struct bar_slot slots[VFC_BAR_SLOTS];
_Atomic int vfc_bar_count;

void vfc_bar_add(uintptr_t start, uintptr_t len)
{
	for (int i = 0; i < VFC_BAR_SLOTS && len && len != CLAIMED; i++) {
		uintptr_t zero = 0;

		/* Claim with a sentinel length, then publish the start and real length. */
		if (atomic_compare_exchange_strong(&slots[i].len, &zero, CLAIMED)) {
			atomic_store(&slots[i].start, start);
			atomic_store(&slots[i].len, len);
			atomic_fetch_add(&vfc_bar_count, 1);
			return;
		}
	}
	/* Table full: later P2P maps of this BAR go unrecognised, never misreported. */
}

void vfc_bar_remove(uintptr_t start, uintptr_t len)
{
	if (!atomic_load_explicit(&vfc_bar_count, memory_order_relaxed))
		return;
	for (int i = 0; i < VFC_BAR_SLOTS; i++) {
		uintptr_t s = atomic_load(&slots[i].start), l = atomic_load(&slots[i].len);

		if (l && l != CLAIMED && start < s + l && s < start + len) {
			if (atomic_compare_exchange_strong(&slots[i].len, &l, 0))
				atomic_fetch_sub(&vfc_bar_count, 1);
		}
	}
}

bool vfc_bar_contains(uintptr_t addr, uintptr_t len)
{
	if (!atomic_load_explicit(&vfc_bar_count, memory_order_relaxed))
		return false;
	for (int i = 0; i < VFC_BAR_SLOTS; i++) {
		uintptr_t s = atomic_load(&slots[i].start), l = atomic_load(&slots[i].len);

		if (l && l != CLAIMED && addr < s + l && s < addr + (len ? len : 1))
			return true;
	}
	return false;
}

void vfc_bar_reset(void)
{
	for (int i = 0; i < VFC_BAR_SLOTS; i++)
		atomic_store(&slots[i].len, 0);
	atomic_store(&vfc_bar_count, 0);
}
