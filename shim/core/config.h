/* SPDX-License-Identifier: GPL-2.0-only */
/* The shim's configuration, read once from the environment. */
#ifndef VFC_CONFIG_H
#define VFC_CONFIG_H

#include <limits.h>
#include <stdbool.h>

#include "vfiocompat/module.h"

enum vfc_mode { VFC_MODE_REDIRECT, VFC_MODE_AUDIT, VFC_MODE_OFF };
enum vfc_fallback { VFC_FALLBACK_PASSTHROUGH, VFC_FALLBACK_FAIL };

#define VFC_DEFAULT_TARGET VFC_IOMMU_NODE

struct vfc_config {
	enum vfc_mode mode;
	enum vfc_fallback fallback;
	char target[PATH_MAX];
	char log[PATH_MAX];  /* empty: one summary line on stderr */
	bool fixup_get_info; /* VFIOCOMPAT_FIXUPS: get-info-ranges */
	bool fixup_probe;    /* ... by a device probe (get-info-model: sysfs model only) */
	bool errno_type1;    /* VFIOCOMPAT_ERRNO=type1 */
	bool rlimit_process; /* VFIOCOMPAT_RLIMIT=process */
	bool query_ioas;     /* VFIOCOMPAT_QUERY=1: ask IOMMU_VFIO_IOAS after attach */
};

typedef const char *vfc_getenv_fn(const char *name);
typedef void vfc_warn_fn(const char *line);
typedef bool vfc_is_node_fn(const char *path);

/*
 * Fill `c` from `get`. A bad value is reported through `warn` as one line
 * naming the variable, the value and what is accepted; the default stays.
 * Returns the number of bad values.
 */
int vfc_config_parse(struct vfc_config *c, vfc_getenv_fn *get, vfc_warn_fn *warn);

/*
 * Without VFIOCOMPAT_TARGET, prefer vfiocompat.ko's node (VFC_MODULE_NODE:
 * iommufd with type1's per-process accounting) when `is_node` says it is
 * there. Called once after vfc_config_parse(); returns true when it chose it.
 */
bool vfc_config_prefer_module(struct vfc_config *c, vfc_getenv_fn *get, vfc_is_node_fn *is_node);

const char *vfc_mode_name(enum vfc_mode m);

struct stat;
/*
 * The target's stat is the VFIO container itself (char 10:196, whatever its
 * name): there is nothing to redirect to (redirect.c applies the fallback).
 */
bool vfc_target_is_container(const struct stat *target);

#endif
