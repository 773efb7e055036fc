// SPDX-License-Identifier: GPL-2.0-only
/*
 * errno translation (VFIOCOMPAT_ERRNO=type1): a redirected container's
 * failure whose iommufd errno differs from type1's is answered with type1's
 * (errmap.c holds the rules), and the translation is recorded.
 */
#include "ioctl.h"
#include "fdtable.h"
#include "settings.h"

#include "errmap.h"
#include "report.h"
#include "scratch.h"
#include "stats.h"

int vfc_errno_translate(const struct vfc_rec *r, uint32_t e, unsigned long request, int ret,
			int *errp)
{
	uint32_t iommu_type = VFC_FD_DATA(e);
	int err = *errp;

	/* The features above record the kernel's answer; the caller may get type1's. */
	const struct vfc_errmap_rule *rule;
	if (ret < 0 && vfc_cfg.errno_type1 && VFC_FD_KIND(e) == VFC_FD_REDIRECTED &&
	    (rule = vfc_errmap_find(r, iommu_type, err, atomic_load(&vfc_type1_nesting)))) {
		struct vfc_fmt *f = vfc_fmt_take();
		atomic_fetch_add(&vfc_stats.errno_translated, 1);
		if (f) {
			vfc_fmt_errno_translated(f, rule, request);
			vfc_report_line(f);
			vfc_scratch_give(f);
		}
		*errp = rule->type1_err;
		return rule->type1_ret;
	}
	return ret;
}
