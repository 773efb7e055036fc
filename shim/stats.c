// SPDX-License-Identifier: GPL-2.0-only
/* Counters and the verdict derived from them. */
#include "stats.h"

#include <string.h>

struct vfc_stats vfc_stats;

void vfc_stats_reset(struct vfc_stats *s)
{
	/* Only called single-threaded (fork child, tests). */
	memset(s, 0, sizeof(*s));
}

/*
 * The report's rules (docs/report-schema.md, "The verdict model") as far as
 * the process itself can know them, worst first.
 */
const char *vfc_verdict(const struct vfc_stats *s)
{
	bool degraded = false, blocker = false;
	uint64_t calls = 0, errors = 0;

	for (int op = 0; op < VFC_OP_COUNT; op++) {
		calls += atomic_load(&s->calls[op]);
		errors += atomic_load(&s->errors[op]);
	}
	for (int f = 0; f < VFC_F_COUNT; f++) {
		if (!atomic_load(&s->feat[f].count))
			continue;
		enum vfc_severity sev = vfc_feature(f)->severity;
		blocker |= sev == VFC_SEV_BLOCKER;
		degraded |= sev == VFC_SEV_DEGRADED;
	}
	/*
	 * An early GET_INFO left with iommufd's raw answer (fix-up off, or
	 * neither the probe nor a model could give the enforced one) offered
	 * IOVAs the domain may refuse: never `ready`; and if mappings then
	 * failed, the program depended on it.
	 */
	/*
	 * Nothing the container was asked worked on iommufd, and no blocker
	 * explains it (a blocker fails on iommufd by definition: not-ready, as
	 * audit mode predicts from type1's answers).
	 */
	if (!blocker && atomic_load(&s->redirected) && calls && errors == calls)
		return VFC_VERDICT_FAILED;
	bool unfixed = atomic_load(&s->get_info_early) > atomic_load(&s->get_info_fixed);
	if (blocker || (unfixed && atomic_load(&s->errors[VFC_OP_MAP_DMA])))
		return VFC_VERDICT_NOT_READY;
	degraded |= unfixed;
	/* A container that stayed on type1 in redirect mode was not tried. */
	if (atomic_load(&s->fallbacks))
		return VFC_VERDICT_UNTESTED;
	if (!atomic_load(&s->containers))
		return VFC_VERDICT_UNTESTED;
	return degraded ? VFC_VERDICT_DIFFERENCES : VFC_VERDICT_READY;
}
