// SPDX-License-Identifier: GPL-2.0-only
/* The default target node; see target.h. */
#include "target.h"

#include <sys/stat.h>

bool vfc_is_char_node(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

const char *vfc_target_default(bool (*is_node)(const char *path))
{
	return is_node(VFC_MODULE_NODE) ? VFC_MODULE_NODE : VFC_IOMMU_NODE;
}
