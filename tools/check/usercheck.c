// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat check --user USER` (usercheck.h). */
#include "target.h"
#include "usercheck.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "libvirtconf.h"
#include "vfiocompat/module.h"

#ifndef VFC_LIBDIR
#define VFC_LIBDIR "/usr/local/lib"
#endif

/* The POSIX ACL xattr (version 2): a header, then {tag, perm, id} entries. */
enum {
	ACL_USER_OBJ = 1,
	ACL_USER = 2,
	ACL_GROUP_OBJ = 4,
	ACL_GROUP = 8,
	ACL_MASK = 16,
	ACL_OTHER = 32
};

struct acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};

static bool in_groups(gid_t g, const gid_t *groups, int n)
{
	for (int i = 0; i < n; i++)
		if (groups[i] == g)
			return true;
	return false;
}

bool vfc_node_rw(mode_t mode, uid_t owner, gid_t group, const void *acl, size_t acl_len, uid_t uid,
		 const gid_t *groups, int ngroups)
{
	const struct acl_entry *e;
	unsigned mask = 7, user = 0, grp = 0;
	bool named_user = false, any_group = false;
	size_t n;

	if (uid == 0)
		return true;
	if (uid == owner)
		return ((mode >> 6) & 6) == 6;
	if (!acl || acl_len < 4 || (acl_len - 4) % sizeof(*e) || *(const uint32_t *)acl != 2) {
		if (in_groups(group, groups, ngroups))
			return ((mode >> 3) & 6) == 6;
		return (mode & 6) == 6;
	}
	e = (const struct acl_entry *)((const char *)acl + 4);
	n = (acl_len - 4) / sizeof(*e);
	for (size_t i = 0; i < n; i++) {
		switch (e[i].tag) {
		case ACL_MASK:
			mask = e[i].perm;
			break;
		case ACL_USER:
			if (e[i].id == uid) {
				named_user = true;
				user = e[i].perm;
			}
			break;
		case ACL_GROUP_OBJ:
			if (in_groups(group, groups, ngroups)) {
				any_group = true;
				grp |= e[i].perm;
			}
			break;
		case ACL_GROUP:
			if (in_groups(e[i].id, groups, ngroups)) {
				any_group = true;
				grp |= e[i].perm;
			}
			break;
		}
	}
	/* The kernel's order: named user, then any matching group, then other. */
	if (named_user)
		return (user & mask & 6) == 6;
	if (any_group)
		return (grp & mask & 6) == 6;
	return (mode & 6) == 6;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;

	if (!f)
		return NULL;
	buf = vfc_conf_read(f);
	fclose(f);
	return buf;
}

static void check_access(struct vfc_checklist *l, const struct passwd *pw, const char *node)
{
	gid_t groups[256];
	int ng = 256;
	char acl[512];
	ssize_t al;
	struct stat st;

	if (stat(node, &st)) {
		vfc_check_add(l, VFC_INFO, node, NULL, "absent (%s)", strerror(errno));
		return;
	}
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &ng) < 0)
		ng = 256;
	al = getxattr(node, "system.posix_acl_access", acl, sizeof(acl));
	if (vfc_node_rw(st.st_mode, st.st_uid, st.st_gid, al > 0 ? acl : NULL,
			al > 0 ? (size_t)al : 0, pw->pw_uid, groups, ng))
		vfc_check_add(l, VFC_PASS, node, NULL, "read-writable by %s (mode %04o%s)",
			      pw->pw_name, st.st_mode & 07777, al > 0 ? ", ACL" : "");
	else
		vfc_check_add(
		    l, VFC_FAIL, node,
		    "load vfiocompat.ko (its node is 0666), or 'vfiocompat libvirt enable' "
		    "(ACL), or a udev rule giving the user rw",
		    "not read-writable by %s (uid %u; mode %04o, owner %u:%u%s)", pw->pw_name,
		    (unsigned)pw->pw_uid, st.st_mode & 07777, (unsigned)st.st_uid,
		    (unsigned)st.st_gid, al > 0 ? ", ACL" : "");
}

static void check_libvirt(struct vfc_checklist *l, const char *user, const char *conf_path,
			  const char *node)
{
	char *conf = slurp(conf_path), *list[VFC_CONF_MAX_LIST], cu[64];
	int first, last, n;
	bool found = false;

	if (!conf) {
		vfc_check_add(l, VFC_INFO, "libvirt", NULL, "no %s: libvirt not configured here",
			      conf_path);
		return;
	}
	if (vfc_conf_string(conf, "user", cu, sizeof(cu)) && strcmp(cu, user) && strcmp(cu, "+0") &&
	    strcmp(cu, "root"))
		vfc_check_add(l, VFC_INFO, "libvirt user", NULL,
			      "qemu.conf runs QEMU as %s, not %s", cu, user);
	n = vfc_conf_list(conf, "cgroup_device_acl", list, VFC_CONF_MAX_LIST, &first, &last);
	if (n >= 0) {
		for (int i = 0; i < n; i++)
			found |= !strcmp(list[i], node);
		vfc_conf_list_free(list, n);
	}
	{
		int nn = vfc_conf_list(conf, "namespaces", list, VFC_CONF_MAX_LIST, &first, &last);
		bool ns = nn < 0; /* unset: libvirt's default, a mount namespace */

		for (int i = 0; i < nn; i++)
			ns |= !strcmp(list[i], "mount");
		if (nn > 0)
			vfc_conf_list_free(list, nn);
		if (found)
			vfc_check_add(l, VFC_PASS, "libvirt namespace", NULL,
				      "%s is in qemu.conf's cgroup_device_acl: libvirt puts it in "
				      "QEMU's %s and device cgroup",
				      node, ns ? "private /dev" : "/dev");
		else
			vfc_check_add(
			    l, VFC_FAIL, "libvirt namespace",
			    "add it to cgroup_device_acl in qemu.conf ('vfiocompat libvirt "
			    "enable DOMAIN' does) and restart libvirtd",
			    "%s is not in qemu.conf's cgroup_device_acl%s: %s", node,
			    n < 0 ? " (unset: libvirt's default list)" : "",
			    ns ? "QEMU's private /dev lacks it, so the shim falls back to "
				 "type1"
			       : "QEMU's device cgroup refuses it");
	}
	free(conf);
}

static void check_apparmor(struct vfc_checklist *l, const char *dir, const char *node)
{
	char *en = slurp("/sys/module/apparmor/parameters/enabled"), path[4096];
	char *abs, *local, *both;
	const char *lib = VFC_LIBDIR "/libvfiocompat.so";
	bool node_ok, lib_ok;

	if (!en || en[0] != 'Y' || access("/sys/kernel/security/apparmor", F_OK)) {
		free(en);
		vfc_check_add(l, VFC_PASS, "AppArmor", NULL, "not active: no profile in the way");
		return;
	}
	free(en);
	snprintf(path, sizeof(path), "%s/abstractions/libvirt-qemu", dir);
	abs = slurp(path);
	snprintf(path, sizeof(path), "%s/local/abstractions/libvirt-qemu", dir);
	local = slurp(path);
	if (!abs) {
		free(local);
		vfc_check_add(l, VFC_INFO, "AppArmor", NULL,
			      "active, but no libvirt-qemu abstraction in %s/abstractions", dir);
		return;
	}
	if (asprintf(&both, "%s\n%s", abs, local ? local : "") < 0)
		both = NULL;
	node_ok = both && vfc_apparmor_allows(both, node, "rw");
	lib_ok = both && vfc_apparmor_allows(both, lib, "m");
	if (node_ok && lib_ok)
		vfc_check_add(l, VFC_PASS, "AppArmor", NULL,
			      "active; the libvirt-qemu abstraction allows %s rw and %s mr", node,
			      lib);
	else
		vfc_check_add(l, VFC_FAIL, "AppArmor",
			      "'vfiocompat libvirt enable DOMAIN' adds the rules to "
			      "local/abstractions/libvirt-qemu",
			      "active; the libvirt-qemu abstraction does not allow%s%s%s: ld.so "
			      "drops the preload, QEMU runs on type1",
			      node_ok ? "" : " ", node_ok ? "" : node, lib_ok ? "" : " the shim");
	free(both);
	free(abs);
	free(local);
}

void vfc_check_user(struct vfc_checklist *l, const char *user, const char *qemu_conf,
		    const char *apparmor_dir)
{
	struct passwd *pw = getpwnam(user);
	const char *node = vfc_target_default(vfc_is_char_node);
	char *sel;

	if (!pw) {
		vfc_check_add(l, VFC_FAIL, "user", "give an existing user (e.g. libvirt-qemu)",
			      "no user '%s' on this host", user);
		return;
	}
	vfc_check_add(l, VFC_INFO, "user", NULL, "%s (uid %u): the trial's target is %s", user,
		      (unsigned)pw->pw_uid, node);
	check_access(l, pw, node);
	check_libvirt(l, user, qemu_conf ? qemu_conf : "/etc/libvirt/qemu.conf", node);
	check_apparmor(l, apparmor_dir ? apparmor_dir : "/etc/apparmor.d", node);
	sel = slurp("/sys/fs/selinux/enforce");
	if (sel && sel[0] == '1')
		vfc_check_add(l, VFC_WARN, "SELinux",
			      "label the shim and the node for svirt_t (not checked by vfiocompat)",
			      "enforcing: svirt confines QEMU; not checked here");
	free(sel);
}
