// SPDX-License-Identifier: GPL-2.0-only
/* What each type1 feature becomes under iommufd compat: include/vfiocompat/features.def. */
#include "decode.h"

static const struct vfc_feature_info features[VFC_F_COUNT] = {
#define VFC_FEATURE(id, name, sev, iommufd, hint)                                                  \
	[VFC_F_##id] = {name, VFC_SEV_##sev, iommufd, hint},
#include "vfiocompat/features.def"
};

const struct vfc_feature_info *vfc_feature(enum vfc_feature f)
{
	return (unsigned)f < VFC_F_COUNT ? &features[f] : 0;
}

const char *vfc_severity_name(enum vfc_severity s)
{
	switch (s) {
	case VFC_SEV_INFO:
		return "info";
	case VFC_SEV_DEGRADED:
		return "degraded";
	case VFC_SEV_BLOCKER:
		return "blocker";
	}
	return "info";
}
