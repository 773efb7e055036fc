// SPDX-License-Identifier: GPL-2.0-only
/* Path and node identity checks for the open wrappers. */
#include "classify.h"

#include <string.h>
#include <sys/sysmacros.h>

static const char *last_component(const char *path)
{
	const char *end = path + strlen(path);

	while (end > path && end[-1] == '/')
		end--;
	const char *s = end;
	while (s > path && s[-1] != '/')
		s--;
	return s;
}

int vfc_group_number(const char *path)
{
	const char *s = last_component(path);
	long n = 0;
	int digits = 0;

	if (!strncmp(s, "noiommu-", 8))
		s += 8;
	for (; *s && *s != '/'; s++, digits++) {
		if (*s < '0' || *s > '9' || digits >= 9)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return digits ? (int)n : -1;
}

enum vfc_node vfc_node_classify(const char *path, const struct stat *st, const struct stat *target)
{
	if (!S_ISCHR(st->st_mode))
		return VFC_NODE_OTHER;
	if (target && S_ISCHR(target->st_mode) && st->st_rdev == target->st_rdev)
		return VFC_NODE_IOMMUFD;
	if (st->st_rdev == makedev(VFC_CONTAINER_MAJOR, VFC_CONTAINER_MINOR))
		return VFC_NODE_CONTAINER;
	/* Groups live on VFIO's own dynamic major, never on misc. */
	if (major(st->st_rdev) != VFC_CONTAINER_MAJOR && vfc_group_number(path) >= 0)
		return VFC_NODE_GROUP;
	return VFC_NODE_OTHER;
}
