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

const char *vfc_verdict(const struct vfc_stats *s)
{
	bool degraded = false;

	for (int f = 0; f < VFC_F_COUNT; f++) {
		if (!atomic_load(&s->feat[f].count))
			continue;
		enum vfc_severity sev = vfc_feature(f)->severity;
		if (sev == VFC_SEV_BLOCKER)
			return VFC_VERDICT_NOT_READY;
		if (sev == VFC_SEV_DEGRADED)
			degraded = true;
	}
	/*
	 * An early GET_INFO left with iommufd's raw answer (fix-up off, or
	 * neither the probe nor a model could give the enforced one) offered
	 * IOVAs the domain may refuse: never `ready`.
	 */
	if (atomic_load(&s->get_info_early) > atomic_load(&s->get_info_fixed))
		degraded = true;
	/* A container that stayed on type1 in redirect mode was not tried. */
	if (atomic_load(&s->fallbacks))
		return VFC_VERDICT_UNTESTED;
	if (!atomic_load(&s->containers))
		return VFC_VERDICT_UNTESTED;
	return degraded ? VFC_VERDICT_DIFFERENCES : VFC_VERDICT_READY;
}
