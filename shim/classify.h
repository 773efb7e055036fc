/* SPDX-License-Identifier: GPL-2.0-only */
/* Which VFIO node a path or stat result is: decided by identity, not spelling. */
#ifndef VFC_CLASSIFY_H
#define VFC_CLASSIFY_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The VFIO container is misc char 10:196 (VFIO_MINOR, fixed). */
#define VFC_CONTAINER_MAJOR 10
#define VFC_CONTAINER_MINOR 196

enum vfc_node {
	VFC_NODE_OTHER,
	VFC_NODE_CONTAINER, /* the type1 container */
	VFC_NODE_IOMMUFD,   /* already the target node: never redirected twice */
	VFC_NODE_GROUP,	    /* /dev/vfio/N or /dev/vfio/noiommu-N */
};

/*
 * The cheap test run on every open: can `path` name a VFIO node at all?
 * Every spelling of the container or a group contains "vfio"; only such
 * paths pay for a stat. Inline and scanning once: cheaper than strstr's
 * set-up on short paths.
 */
static inline bool vfc_path_maybe_vfio(const char *p)
{
	if (!p)
		return false;
	for (; *p; p++)
		if (p[0] == 'v' && p[1] == 'f' && p[2] == 'i' && p[3] == 'o')
			return true;
	return false;
}

/*
 * Classify the node `st` that `path` resolved to. `target` is the stat of
 * the redirect target, or NULL when it does not exist.
 */
enum vfc_node vfc_node_classify(const char *path, const struct stat *st, const struct stat *target);

/* Group number from the last component ("12", "noiommu-3"), -1 if none. */
int vfc_group_number(const char *path);

#endif
