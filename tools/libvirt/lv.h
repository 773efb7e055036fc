/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libvirt helper's parts, private to tools/libvirt/: vfiocompat-libvirt.c
 * (the commands), lvdomain.c (one domain: its metadata, emulator, AppArmor
 * profile, report directory, wrapper), lvshared.c (the changes all trialled
 * domains share: qemu.conf, the node's ACL, AppArmor rules) and lvutil.c
 * (messages, paths, files).
 */
#ifndef VFC_LV_H
#define VFC_LV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "target.h"

#ifndef VFC_LIBDIR
#define VFC_LIBDIR "/usr/local/lib"
#endif

#define NS_URI	  "https://github.com/vfiocompat/vfiocompat/libvirt/1"
#define NS_PREFIX "vfiocompat"
/* The two targets (vfiocompat/module.h); common/target.c chooses. */
#define MODULE_NODE VFC_MODULE_NODE
#define IOMMU_NODE  VFC_IOMMU_NODE

extern const char *prog;

struct opts {
	const char *uri, *log_dir, *state_dir, *qemu_conf, *apparmor_local, *target, *lib;
	bool dry_run, native, json;
	int apparmor; /* -1 auto (where active), 0 never, 1 always */
};

/* What enable recorded for one domain (its <metadata> element). */
struct trial {
	char emulator[PATH_MAX], target[PATH_MAX], wrapper[PATH_MAX], log_dir[PATH_MAX];
	char user[64];
	bool acl;
};

/* The AppArmor rules granting a domain's QEMU its own report directory only. */
#define AA_PROFILE_VAR "@{profile_name}"

/* ---- the shared changes, recomputed from every trialled domain ---- */

struct want {
	const char *nodes[4];
	char node_buf[4][PATH_MAX];
	int n;
	bool acl, apparmor_any;
	char acl_user[64];
	uid_t acl_uid;
	char emulators[8][PATH_MAX];
	int nemu;
};

/* lvutil.c */
void lv_note(const struct opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int lv_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lv_quiet(void *data, virErrorPtr e);
const char *lverr(void);
bool lv_safe_path(const char *s);
bool lv_safe_name(const char *s);
char *lv_read_file(const char *path, bool *missing);
int lv_write_file(const char *path, const char *text, mode_t mode);
int lv_mkdirs(const char *path, mode_t mode);

/* lvdomain.c */
bool parse_trial(const char *xml, struct trial *t);
int get_trial(virDomainPtr dom, struct trial *t);
void strip_metadata(xmlDocPtr doc);
char *xml_with_emulator(const char *xml, const char *emu, char *old, size_t oldlen, bool strip);
int domain_profile(virDomainPtr dom, const char *xml, char *buf, size_t len);
int qemu_user(virConnectPtr conn, const struct opts *o, uid_t *uid, gid_t *gid, char *name,
	      size_t len);
int report_dir(const struct opts *o, const struct trial *t, const char *link, uid_t uid, gid_t gid);
int wrapper_text(char *buf, size_t len, const char *name, const struct trial *t, const char *lib);

/* lvshared.c */
void want_add(struct want *w, const struct trial *t);
int collect(virConnectPtr conn, const char *skip, struct want *w);
int apply_qemu_conf(const struct opts *o, const struct want *w);
int acl_add(const char *node, uid_t uid);
bool has_acl(const char *node);
int apply_acl(const struct opts *o, const struct want *w, bool had);
bool apparmor_active(void);
bool parser_accepts(const char *body);
int apply_apparmor(const struct opts *o, const struct want *w, const char *lib);
int shared_changes(virConnectPtr conn, const struct opts *o, const char *skip,
		   const struct trial *extra, const char *lib, uid_t uid);

#endif
