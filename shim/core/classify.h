/* SPDX-License-Identifier: GPL-2.0-only */
/* Which VFIO node a path or stat result is: decided by identity, not spelling. */
#ifndef VFC_CLASSIFY_H
#define VFC_CLASSIFY_H

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
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

/* A group's node name: 1-9 digits, or "noiommu-" and 1-9 digits, then the end. */
static inline bool vfc_name_is_group(const char *s)
{
	int digits = 0;

	if (*s == 'n') {
		if (strncmp(s, "noiommu-", 8))
			return false;
		s += 8;
	}
	for (; *s >= '0' && *s <= '9'; s++)
		if (++digits > 9)
			return false;
	return digits && !*s;
}

/*
 * The cheap test run on every open: can `path` name a VFIO node at all?
 * Every absolute spelling of the container or a group contains "vfio"; a
 * relative one may also be a bare group name (chdir("/dev/vfio"); open("7"),
 * openat(dirfd, "7")). Only such paths pay for a stat. libc's strchr finds
 * each 'v' a word or vector at a time, so the cost hardly grows with length.
 */
static inline bool vfc_path_maybe_vfio(const char *p)
{
	if (!p)
		return false;
	for (const char *v = p; (v = strchr(v, 'v')); v++)
		if (v[1] == 'f' && v[2] == 'i' && v[3] == 'o')
			return true;
	if (p[0] != '/' && p[0]) {
		const char *slash = strrchr(p, '/');
		return vfc_name_is_group(slash ? slash + 1 : p);
	}
	return false;
}

/* glibc's __OPEN_NEEDS_MODE: O_TMPFILE includes O_DIRECTORY's bit. */
static inline bool vfc_needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/*
 * Classify the node `st` that `path` resolved to. `target` is the stat of
 * the redirect target, or NULL when it does not exist.
 */
enum vfc_node vfc_node_classify(const char *path, const struct stat *st, const struct stat *target);

/* Group number from the last component ("12", "noiommu-3"), -1 if none. */
int vfc_group_number(const char *path);

#endif
