/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vfiocompat systemd`: the pure half. What a unit's files say (read from
 * `systemctl cat` or the files themselves), and the trial's drop-in: its
 * text, its marker, and whether a file is ours.
 */
#ifndef VFC_DROPIN_H
#define VFC_DROPIN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The drop-in's name in UNIT.d/: late in the order (drop-ins of every
 * directory are applied sorted by name), so an earlier "DeviceAllow=" reset
 * cannot drop the target node.
 */
#define VFC_DROPIN_NAME "90-vfiocompat.conf"
/* Its first line: a file without it is not ours and is never touched. */
#define VFC_DROPIN_MARKER "# vfiocompat systemd trial: written by 'vfiocompat systemd enable'."
/* The per-unit report directory, under /var/log (LogsDirectory=). */
#define VFC_DROPIN_LOGBASE "vfiocompat"
#define VFC_ENVFILES_MAX   8

struct vfc_unit_facts {
	bool device_policy;   /* DevicePolicy=closed or strict */
	bool private_devices; /* PrivateDevices=yes (implies DevicePolicy=closed) */
	int device_allow;     /* DeviceAllow= entries in effect */
	bool preload;	      /* an Environment= assignment of LD_PRELOAD */
	int n_envfiles;	      /* EnvironmentFile= paths, '-' prefix kept */
	char envfiles[VFC_ENVFILES_MAX][PATH_MAX];
};

/* Does the unit restrict the devices its processes may open? */
bool vfc_unit_restricts_devices(const struct vfc_unit_facts *f);

/*
 * UNIT as given ("spdk" or "spdk.service") into its full name; false (and
 * one line in err) for a name systemd would not take or another unit type.
 */
bool vfc_unit_name(const char *arg, char *out, size_t size, char *err, size_t errlen);

/* Parse a unit's files, concatenated as `systemctl cat` prints them. */
void vfc_unit_parse(const char *text, struct vfc_unit_facts *f);

/* Does an Environment= value, or an EnvironmentFile's text, set LD_PRELOAD? */
bool vfc_env_value_preloads(const char *value);
bool vfc_envfile_preloads(const char *text);

/*
 * The drop-in for UNIT: LD_PRELOAD=lib, VFIOCOMPAT_LOG in the unit's report
 * directory, and DeviceAllow=target when target is not NULL. created_dir:
 * enable made UNIT.d, so disable removes it. Returns the length, or -1 (one
 * line in err) when lib cannot be written in a unit file.
 */
int vfc_dropin_render(char *out, size_t size, const char *unit, const char *lib, const char *target,
		      bool created_dir, char *err, size_t errlen);

/* The report directory of UNIT, relative to /var/log. */
void vfc_dropin_logdir(const char *unit, char *out, size_t size);

/* Is text a drop-in this command wrote? Did enable create its directory? */
bool vfc_dropin_is_ours(const char *text);
bool vfc_dropin_created_dir(const char *text);

#endif
