// SPDX-License-Identifier: GPL-2.0-only
/* Counters, and the verdict (common/verdict.c) they call for. */
#include "stats.h"

#include <string.h>

#include "verdict.h"

struct vfc_stats vfc_stats;

void vfc_stats_reset(struct vfc_stats *s)
{
	/* Only called single-threaded (fork child, tests). */
	memset(s, 0, sizeof(*s));
}

/*
 * The report's rules (common/verdict.c) over what this process itself saw:
 * every feature is known to it, and its exit status is not.
 */
const char *vfc_verdict(const struct vfc_stats *s)
{
	struct vfc_verdict_facts f = {0};

	for (int op = 0; op < VFC_OP_COUNT; op++) {
		f.ioctl_calls += atomic_load(&s->calls[op]);
		f.ioctl_errors += atomic_load(&s->errors[op]);
	}
	for (int ft = 0; ft < VFC_F_COUNT; ft++) {
		if (!atomic_load(&s->feat[ft].count))
			continue;
		enum vfc_severity sev = vfc_feature(ft)->severity;
		f.blocker |= sev == VFC_SEV_BLOCKER;
		f.degraded |= sev == VFC_SEV_DEGRADED;
	}
	f.tried = atomic_load(&s->containers) > 0;
	f.redirected = atomic_load(&s->redirected) > 0;
	f.fallback = atomic_load(&s->fallbacks) > 0;
	f.getinfo_unfixed = atomic_load(&s->get_info_early) > atomic_load(&s->get_info_fixed);
	f.map_errors = atomic_load(&s->errors[VFC_OP_MAP_DMA]);
	for (int k = 0; k < VFC_DMA_OPS; k++) {
		enum vfc_op op = k == VFC_DMA_MAP ? VFC_OP_MAP_DMA : VFC_OP_UNMAP_DMA;

		f.dma[k].calls = atomic_load(&s->calls[op]);
		f.dma[k].errors = atomic_load(&s->errors[op]);
		f.dma[k].errnum = atomic_load(&s->first_err[op]);
		f.dma[k].mixed = atomic_load(&s->err_mixed[op]);
	}
	return vfc_verdict_name(vfc_verdict_judge(&f, NULL));
}
