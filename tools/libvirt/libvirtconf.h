/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The text edits `vfiocompat libvirt` makes to libvirt's qemu.conf and to an
 * AppArmor local file, and the reads `vfiocompat check --user` makes of them:
 * pure, text in and text out, so the exact revert is unit-tested. Every change
 * is one marked block (vfiocompat-begin .. vfiocompat-end) plus, where qemu.conf
 * already sets cgroup_device_acl, those lines commented out with a marked prefix;
 * reverting removes the block and restores the lines, byte for byte.
 */
#ifndef VFC_LIBVIRTCONF_H
#define VFC_LIBVIRTCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define VFC_CONF_BEGIN	  "# vfiocompat-begin"
#define VFC_CONF_END	  "# vfiocompat-end"
#define VFC_CONF_DISABLED "#vfiocompat-disabled: "
#define VFC_CONF_MAX_LIST 64

/* libvirt's built-in cgroup_device_acl (qemu.conf's commented default). */
extern const char *const vfc_libvirt_default_acl[];

/*
 * The active (uncommented) `KEY = [ "a", "b" ]` of a libvirt config file:
 * the number of strings copied into out (each malloc'd, at most max), or -1
 * when KEY is not set (or malformed). Lines first..last (0-based) hold it.
 */
int vfc_conf_list(const char *text, const char *key, char **out, int max, int *first, int *last);
void vfc_conf_list_free(char **list, int n);

/* The active `KEY = "value"`: true and value in buf when set. */
bool vfc_conf_string(const char *text, const char *key, char *buf, size_t len);

/* Does the text carry our marked block? */
bool vfc_conf_has_block(const char *text);

/* The text with our block removed and the lines we disabled restored. */
char *vfc_conf_revert(const char *text);

/* The rest of stream f as one malloc'ed string; NULL when out of memory. */
char *vfc_conf_read(FILE *f);

/*
 * qemu.conf with cgroup_device_acl allowing each of nodes[0..n): the original
 * text (reverted) when it already allows them all or n is 0, otherwise the
 * original's list (or libvirt's default) plus the nodes in a marked block, the
 * original's own setting commented out. NULL only when out of memory.
 */
char *vfc_conf_set_nodes(const char *text, const char *const *nodes, int n);

/* The text (reverted) plus a marked block holding body; body NULL: reverted. */
char *vfc_conf_set_block(const char *text, const char *body);

/*
 * Does an AppArmor rule in text grant path the permission letters in perms
 * (e.g. "rw", "m")? Understands `PATH PERMS,` rules whose PATH is literal or
 * ends in `*` or `**`, and `{a,b}` alternations; not deny rules or variables.
 */
bool vfc_apparmor_allows(const char *text, const char *path, const char *perms);

#endif
