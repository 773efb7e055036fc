// SPDX-License-Identifier: GPL-2.0-only
/* The scratch pool (scratch.h): static slots, one bit each. */
#include "scratch.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>

#include "stats.h"

static alignas(64) unsigned char slots[VFC_SCRATCH_SLOTS][VFC_SCRATCH_SIZE];
static _Atomic uint64_t busy; /* bit i: slots[i] taken */

_Static_assert(VFC_SCRATCH_SLOTS <= 64, "one word of bits");
#define ALL (VFC_SCRATCH_SLOTS == 64 ? ~0ull : (1ull << VFC_SCRATCH_SLOTS) - 1)

void *vfc_scratch_take(void)
{
	uint64_t b = atomic_load_explicit(&busy, memory_order_relaxed);

	while (~b & ALL) {
		uint64_t bit = ~b & (b + 1); /* lowest free */
		b = atomic_fetch_or_explicit(&busy, bit, memory_order_acquire);
		if (!(b & bit))
			return slots[__builtin_ctzll(bit)];
		/* Taken meanwhile (another thread, or a handler that interrupted us). */
	}
	atomic_fetch_add_explicit(&vfc_stats.scratch_exhausted, 1, memory_order_relaxed);
	return NULL;
}

void vfc_scratch_give(void *p)
{
	if (!p)
		return;
	size_t i = (size_t)((unsigned char *)p - &slots[0][0]) / VFC_SCRATCH_SIZE;
	atomic_fetch_and_explicit(&busy, ~(1ull << i), memory_order_release);
}
