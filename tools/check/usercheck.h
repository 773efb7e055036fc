/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vfiocompat check --user USER`: can that user (libvirt's QEMU user, a
 * systemd unit's User=) reach the iommufd node a trial redirects to: the
 * node's mode and POSIX ACL, libvirt's private /dev and device cgroup
 * (qemu.conf's cgroup_device_acl), and AppArmor's libvirt-qemu abstraction.
 */
#ifndef VFC_USERCHECK_H
#define VFC_USERCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "checklist.h"

/*
 * May uid (in groups[0..ngroups)) open a node of this mode and owner for
 * read and write? acl/acl_len: its system.posix_acl_access xattr, or NULL.
 */
bool vfc_node_rw(mode_t mode, uid_t owner, gid_t group, const void *acl, size_t acl_len, uid_t uid,
		 const gid_t *groups, int ngroups);

/* Add the --user lines to l. Paths NULL: the system's defaults. */
void vfc_check_user(struct vfc_checklist *l, const char *user, const char *qemu_conf,
		    const char *apparmor_dir);

#endif
