// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GET_INFO fix-up's orchestration: on a redirected container whose
 * groups have no device open yet, iommufd has no domain; the answer is
 * rebuilt from the groups' sysfs facts (sysfs.c) with iova.c's pure helpers.
 */
#include "fixup.h"
#include "settings.h"

#include <errno.h>
#include <linux/vfio.h>
#include <string.h>

#include "answer.h"
#include "attach.h"
#include "getinfo_probe.h"
#include "iova.h"
#include "report.h"
#include "scratch.h"
#include "stats.h"
#include "sysfs.h"

bool vfc_fixup_no_domain_yet(int fd)
{
	int groups[1];
	bool device;

	return vfc_attach_groups(fd, groups, 1, &device) > 0 && !device;
}

/* The fix-up's buffers, in one scratch slot (scratch.h), not on the stack. */
struct fixup_bufs {
	struct vfc_range kr[VFC_MAX_RANGES], resv[VFC_MAX_RANGES], fixed[VFC_MAX_RANGES];
	struct vfc_info_answer k; /* iommufd's full answer */
	_Alignas(8) char obuf[VFC_INFO_MAX];
};
_Static_assert(sizeof(struct fixup_bufs) <= VFC_SCRATCH_SIZE, "fits a slot");

static void fixup_get_info(int fd, void *arg, uint32_t caller_argsz, const struct vfc_probe *probe,
			   const char *unread, int ngroups, const int *groups, struct fixup_bufs *b,
			   struct vfc_fmt *f);

/*
 * GET_INFO on a redirected container none of whose devices is open yet:
 * iommufd has no domain, so it reports no aperture and no reserved regions.
 * Record it and, unless VFIOCOMPAT_FIXUPS=none, answer what the kernel will
 * enforce once the device is attached (what type1 says at this point).
 * Without two free scratch slots the answer is left alone and unrecorded
 * (counted early; the summary's scratch_exhausted says why). `unread`: the
 * caller's argsz could not be read, so the answer is only recorded (skipped).
 */
void vfc_fixup_get_info(int fd, void *arg, uint32_t caller_argsz, const struct vfc_probe *probe,
			const char *unread)
{
	int groups[8];
	bool device;
	int ngroups = vfc_attach_groups(fd, groups, 8, &device);

	if (device || ngroups == 0)
		return;
	atomic_fetch_add(&vfc_stats.get_info_early, 1);
	struct fixup_bufs *b = vfc_scratch_take();
	struct vfc_fmt *f = b ? vfc_fmt_take() : NULL;
	if (f)
		fixup_get_info(fd, arg, caller_argsz, probe, unread, ngroups, groups, b, f);
	vfc_scratch_give(f);
	vfc_scratch_give(b);
}

static void fixup_get_info(int fd, void *arg, uint32_t caller_argsz, const struct vfc_probe *probe,
			   const char *unread, int ngroups, const int *groups, struct fixup_bufs *b,
			   struct vfc_fmt *f)
{
	struct vfc_range *kr = b->kr, *resv = b->resv, *fixed = b->fixed;
	char *obuf = b->obuf;
	uint64_t kpg = 0;
	const char *why = unread;

	/* iommufd's full answer, whatever argsz the caller gave. */
	int nk = vfc_info_read(fd, &b->k, kr, &kpg);
	if (!why && !b->k.head.argsz)
		why = "iommufd's full GET_INFO answer could not be read";

	struct vfc_iommu_facts all = {UINT64_MAX, UINT64_MAX};
	int nresv = 0, nf = -1;
	for (int i = 0; i < ngroups && !why && vfc_cfg.fixup_get_info; i++) {
		struct vfc_iommu_facts one;
		if (!vfc_group_facts(groups[i], resv, &nresv, VFC_MAX_RANGES, &one, &why))
			break;
		all.aperture_last =
		    one.aperture_last < all.aperture_last ? one.aperture_last : all.aperture_last;
		all.pgsizes &= one.pgsizes;
	}
	if (!why && vfc_cfg.fixup_get_info) {
		nf = vfc_ranges_subtract(all.aperture_last, resv, nresv, fixed, VFC_MAX_RANGES);
		if (nf <= 0 || !all.pgsizes)
			why = "the enforced ranges would be empty or too many: answer left alone";
	}
	long len = -1;
	if (!why && vfc_cfg.fixup_get_info) {
		len = vfc_info_rebuild(b->k.buf, b->k.head.argsz, all.pgsizes, fixed, nf,
				       caller_argsz, obuf, sizeof(b->obuf));
		if (len < 0)
			why = "iommufd's GET_INFO answer has an unexpected layout";
	}
	const char *action = !vfc_cfg.fixup_get_info ? "off" : why ? "skipped" : "fixed";
	if (len >= 0) {
		memcpy(arg, obuf, (size_t)len);
		atomic_fetch_add(&vfc_stats.get_info_fixed, 1);
	}
	struct vfc_get_info_how how = {"model", probe ? probe->why : NULL, probe ? probe->err : 0,
				       -1};
	vfc_fmt_get_info_early(f, fd, ngroups, action, why, kpg, kr, nk, all.pgsizes,
			       len >= 0 ? fixed : NULL, nf, probe ? &how : NULL);
	vfc_report_line(f);
}
