/* SPDX-License-Identifier: GPL-2.0-only */
/* `vfiocompat check`'s host probe (host.c): each adds its lines to a checklist. */
#ifndef VFC_HOST_H
#define VFC_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "checklist.h"

/* What the kernel config says, for the hints of later lines: 'y', 'm', 'n', or 0 unknown. */
struct kfacts {
	char iommufd, vfio, vfio_pci;
};

/*
 * Whom and which kernel the lines answer for (check --user, --config): the
 * VMM's user instead of this shell's uid for node access, capabilities and
 * limits; with another kernel's config, what only the running kernel can
 * say (nodes, modules, the IOMMU, devices) is marked as the running
 * kernel's, and its nodes and modules are INFO: the target kernel decides.
 */
struct vfc_check_ctx {
	const char *user; /* NULL: this shell's uid */
	uid_t uid;
	gid_t groups[256];
	int ngroups;
	const char *running; /* non-NULL with --config: the running kernel's release */
};
/* Set once before the checks; user unknown: the caller has said so already. */
void vfc_check_context(const char *user, const char *running_release);

/* release: the running kernel's, or the --config file's (from: that file). */
void vfc_check_kernel(struct vfc_checklist *l, const char *release, const char *from);
/*
 * The kernel against the lab's measurements and its known differences;
 * running: release is the running kernel's, whose type1 may be asked.
 */
void vfc_check_kernel_lab(struct vfc_checklist *l, const char *release, bool running);
/* The config text (source names it); fills k for the later lines' hints. */
void vfc_check_config(struct vfc_checklist *l, const char *text, size_t len, const char *source,
		      struct kfacts *k);
/* /dev/iommu, /dev/vfio/vfio, the module's node: who provides them, who may open them. */
void vfc_check_nodes(struct vfc_checklist *l, const struct kfacts *k);
void vfc_check_iommu(struct vfc_checklist *l);
/* vfio-pci devices per IOMMU group, with viability. */
void vfc_check_devices(struct vfc_checklist *l, const struct kfacts *k);
/* RLIMIT_MEMLOCK and CAP_SYS_RESOURCE. */
void vfc_check_memlock(struct vfc_checklist *l, const struct kfacts *k);

#endif
