// SPDX-License-Identifier: GPL-2.0-only
/*
 * The changes every trialled domain shares, recomputed from all of them: qemu.conf's
 * cgroup_device_acl, the node's POSIX ACL and the AppArmor rules.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "libvirtconf.h"
#include "target.h"

#include "lv.h"

void want_add(struct want *w, const struct trial *t)
{
	bool have = false;

	for (int i = 0; i < w->n; i++)
		have |= !strcmp(w->nodes[i], t->target);
	if (!have && w->n < 4) {
		snprintf(w->node_buf[w->n], PATH_MAX, "%s", t->target);
		w->nodes[w->n] = w->node_buf[w->n];
		w->n++;
	}
	if (t->acl) {
		w->acl = true;
		snprintf(w->acl_user, sizeof(w->acl_user), "%s", t->user);
	}
	w->apparmor_any = true;
	have = false;
	for (int i = 0; i < w->nemu; i++)
		have |= !strcmp(w->emulators[i], t->emulator);
	if (!have && w->nemu < 8)
		snprintf(w->emulators[w->nemu++], PATH_MAX, "%s", t->emulator);
}

/* Every trialled domain on the connection but skip (the one being disabled). */
int collect(virConnectPtr conn, const char *skip, struct want *w)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);

	if (n < 0)
		return lv_fail("cannot list domains: %s", lverr());
	for (int i = 0; i < n; i++) {
		struct trial t;

		if ((!skip || strcmp(virDomainGetName(doms[i]), skip)) &&
		    get_trial(doms[i], &t) == 1)
			want_add(w, &t);
		virDomainFree(doms[i]);
	}
	free(doms);
	return 0;
}

int apply_qemu_conf(const struct opts *o, const struct want *w)
{
	bool missing;
	char *text = lv_read_file(o->qemu_conf, &missing), *out;
	int rc = 0;

	if (!text || missing) {
		free(text);
		return lv_fail("cannot read %s (%s); give libvirt's qemu.conf with --qemu-conf",
			       o->qemu_conf, missing ? "absent" : strerror(errno));
	}
	out = vfc_conf_set_nodes(text, w->nodes, w->n);
	if (!out) {
		free(text);
		return lv_fail("out of memory");
	}
	if (!strcmp(out, text)) {
		printf("%s: qemu.conf: %s already as needed (cgroup_device_acl%s)\n", prog,
		       o->qemu_conf, w->n ? " allows the node" : " not ours");
	} else {
		if (w->n)
			lv_note(o, "qemu.conf: %s: cgroup_device_acl gains %s%s%s (marked block)",
				o->qemu_conf, w->nodes[0], w->n > 1 ? " and " : "",
				w->n > 1 ? w->nodes[1] : "");
		else
			lv_note(o, "qemu.conf: %s: the vfiocompat block removed, original restored",
				o->qemu_conf);
		lv_note(o, "restart libvirtd (or virtqemud) so that it reads %s", o->qemu_conf);
		if (!o->dry_run && (rc = lv_write_file(o->qemu_conf, out, 0644)) < 0)
			rc = lv_fail("cannot write %s: %s", o->qemu_conf, strerror(-rc));
	}
	free(out);
	free(text);
	return rc ? 1 : 0;
}

/*
 * A minimal POSIX ACL (version 2 xattr: user::, user:UID:rw, group::, mask::,
 * other::) written straight into system.posix_acl_access, so no acl tool is
 * needed; only on a node that has no ACL yet, so removing the xattr restores
 * it exactly.
 */
#define ACL_VERSION   2
#define ACL_USER_OBJ  0x01
#define ACL_USER      0x02
#define ACL_GROUP_OBJ 0x04
#define ACL_MASK      0x10
#define ACL_OTHER     0x20
#define ACL_UNDEF_ID  ((uint32_t)-1)
#define XATTR_ACL     "system.posix_acl_access"

struct acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};

int acl_add(const char *node, uid_t uid)
{
	struct stat st;
	struct {
		uint32_t version;
		struct acl_entry e[5];
	} a;
	unsigned m;

	if (stat(node, &st))
		return -errno;
	m = st.st_mode;
	a.version = ACL_VERSION; /* little-endian on every host libvirt runs x86 QEMU on */
	a.e[0] = (struct acl_entry){ACL_USER_OBJ, (m >> 6) & 7, ACL_UNDEF_ID};
	a.e[1] = (struct acl_entry){ACL_USER, 6, (uint32_t)uid};
	a.e[2] = (struct acl_entry){ACL_GROUP_OBJ, (m >> 3) & 7, ACL_UNDEF_ID};
	a.e[3] = (struct acl_entry){ACL_MASK, ((m >> 3) & 7) | 6, ACL_UNDEF_ID};
	a.e[4] = (struct acl_entry){ACL_OTHER, m & 7, ACL_UNDEF_ID};
	if (setxattr(node, XATTR_ACL, &a, sizeof(a), XATTR_CREATE))
		return -errno;
	/* The mask widened the group class bits: put the mode back as it was. */
	return chmod(node, m & 07777) ? -errno : 0;
}

bool has_acl(const char *node)
{
	return getxattr(node, XATTR_ACL, NULL, 0) >= 0;
}

int apply_acl(const struct opts *o, const struct want *w, bool had)
{
	int rc;

	if (w->acl && !had) {
		lv_note(o, "ACL: %s gains user:%s:rw (POSIX ACL)", IOMMU_NODE, w->acl_user);
		if (!o->dry_run && (rc = acl_add(IOMMU_NODE, (uid_t)w->acl_uid)) < 0)
			return lv_fail("cannot add an ACL to %s: %s; give %s access another way "
				       "(udev rule) or load vfiocompat.ko",
				       IOMMU_NODE, strerror(-rc), w->acl_user);
	} else if (!w->acl && had) {
		lv_note(o, "ACL: %s: the ACL vfiocompat added removed (mode %s)", IOMMU_NODE,
			"unchanged");
		if (!o->dry_run && removexattr(IOMMU_NODE, XATTR_ACL) && errno != ENODATA)
			return lv_fail("cannot remove the ACL on %s: %s", IOMMU_NODE,
				       strerror(errno));
	}
	return 0;
}

bool apparmor_active(void)
{
	bool missing;
	char *en = lv_read_file("/sys/module/apparmor/parameters/enabled", &missing);
	bool on = en && en[0] == 'Y' && !access("/sys/kernel/security/apparmor", F_OK);

	free(en);
	return on;
}

/*
 * Does the host's apparmor_parser compile body as a profile's rules? A rule it
 * refused in the shared abstraction would stop every domain from starting, so
 * the block is compiled first (no kernel load, no cache). No parser: true.
 */
bool parser_accepts(const char *body)
{
	const char *parser = !access("/sbin/apparmor_parser", X_OK) ? "/sbin/apparmor_parser"
			     : !access("/usr/sbin/apparmor_parser", X_OK)
				 ? "/usr/sbin/apparmor_parser"
				 : NULL;
	char tmp[] = "/tmp/vfiocompat-aa.XXXXXX";
	int fd, st = 0;
	pid_t pid;

	if (!parser)
		return true;
	fd = mkstemp(tmp);
	if (fd < 0)
		return true; /* cannot check: the write itself will tell */
	dprintf(fd, "profile vfiocompat-check {\n%s}\n", body);
	close(fd);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execl(parser, parser, "-Q", "-K", "-T", tmp, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	unlink(tmp);
	return pid < 0 || (WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 127));
}

int apply_apparmor(const struct opts *o, const struct want *w, const char *lib)
{
	char body[12 * PATH_MAX];
	size_t off = 0;
	bool missing;
	char *text, *out;
	int rc = 0;

	text = lv_read_file(o->apparmor_local, &missing);
	if (!text)
		return lv_fail("cannot read %s: %s", o->apparmor_local, strerror(errno));
	/* Inactive: no rule needed, but one an earlier --apparmor yes wrote is kept up to date. */
	if (o->apparmor == 0 ||
	    (o->apparmor < 0 && !apparmor_active() && !vfc_conf_has_block(text))) {
		printf("%s: AppArmor: %s: no rule needed%s\n", prog,
		       o->apparmor ? "not active on this host" : "--apparmor no",
		       w->apparmor_any ? "; nothing then keeps one domain's QEMU out of another's "
					 "report directory (one QEMU user for all)"
				       : "");
		free(text);
		return 0;
	}
	if (w->apparmor_any) {
		off += (size_t)snprintf(
		    body + off, sizeof(body) - off,
		    "  # the shim, the iommufd node, the emulator wrapper, and each\n"
		    "  # domain's reports in the directory named after its own profile\n"
		    "  %s mr,\n  %s/" AA_PROFILE_VAR "/ r,\n  %s/" AA_PROFILE_VAR
		    "/** rw,\n  %s/* rix,\n  /{usr/,}bin/dash ix,\n",
		    lib, o->log_dir, o->log_dir, o->state_dir);
		for (int i = 0; i < w->n; i++)
			off += (size_t)snprintf(body + off, sizeof(body) - off, "  %s rw,\n",
						w->nodes[i]);
		for (int i = 0; i < w->nemu; i++)
			off += (size_t)snprintf(body + off, sizeof(body) - off, "  %s rmix,\n",
						w->emulators[i]);
	}
	out = vfc_conf_set_block(text, w->apparmor_any ? body : NULL);
	if (out && strcmp(out, text) && w->apparmor_any && !o->dry_run && !parser_accepts(body)) {
		free(out);
		free(text);
		return lv_fail("AppArmor: apparmor_parser refuses the rules for %s (an AppArmor "
			       "older than 3.0 has no @{profile_name}); nothing written, use "
			       "--apparmor no and confine the reports another way",
			       o->apparmor_local);
	}
	if (out && strcmp(out, text)) {
		lv_note(o, "AppArmor: %s: %s", o->apparmor_local,
			w->apparmor_any
			    ? "rules for the shim, node, reports and wrapper (marked block)"
			    : "the vfiocompat block removed");
		lv_note(o,
			"AppArmor: libvirt applies it to each domain's profile at its next start");
		if (!o->dry_run) {
			if (missing && lv_mkdirs(dirname(strdupa(o->apparmor_local)), 0755) < 0)
				rc =
				    lv_fail("cannot create the directory of %s", o->apparmor_local);
			else if ((rc = lv_write_file(o->apparmor_local, out, 0644)) < 0)
				rc = lv_fail("cannot write %s: %s", o->apparmor_local,
					     strerror(-rc));
			if (!rc && missing && !w->apparmor_any)
				unlink(o->apparmor_local);
		}
	}
	free(out);
	free(text);
	return rc ? 1 : 0;
}

int shared_changes(virConnectPtr conn, const struct opts *o, const char *skip,
		   const struct trial *extra, const char *lib, uid_t uid)
{
	struct want w = {0};
	bool had = has_acl(IOMMU_NODE);
	int rc;

	if (collect(conn, skip, &w))
		return 1;
	if (extra)
		want_add(&w, extra);
	w.acl_uid = uid;
	rc = apply_qemu_conf(o, &w);
	rc |= apply_acl(o, &w, had);
	rc |= apply_apparmor(o, &w, lib);
	return rc;
}
