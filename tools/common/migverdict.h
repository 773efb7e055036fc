/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-process migration verdict: what a VMM's live migration becomes
 * after the switch from type1 to iommufd compat, from the migration facts in
 * its report (the summary's "migration" object) or from a device's probed
 * capabilities (`check --migration`). Redirected: judged from what happened;
 * on type1 (audit, fallback): predicted from the type1 run. Pure.
 */
#ifndef VFC_MIGVERDICT_H
#define VFC_MIGVERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vfc_migv {
	VFC_MV_UNKNOWN,	   /* no device migration seen: nothing to judge */
	VFC_MV_MIGRATABLE, /* the same dirty tracking works after the switch */
	VFC_MV_DEGRADED,   /* migrates, but all guest memory is resent every round */
	VFC_MV_BLOCKED,	   /* migrates on type1, not after the switch */
	VFC_MV_NEITHER,	   /* not migratable on type1 either: the switch changes nothing */
	VFC_MV_COUNT
};

/* Facts of one process, as the shim records them. */
struct vfc_mig_facts {
	bool present;		/* the report had a migration object */
	bool on_iommufd;	/* the container was redirected (else type1) */
	unsigned long info_cap; /* GET_INFO answers with CAP_MIGRATION */
	unsigned long dirty_start, dirty_start_errors; /* VFIO_IOMMU_DIRTY_PAGES */
	unsigned long dirty_bitmap, dirty_bitmap_errors;
	unsigned long dev_migration, dev_migration_errors; /* FEATURE_MIGRATION queries */
	unsigned long state_set, state_set_errors;	   /* MIG_DEVICE_STATE SETs */
	bool reached_stop_copy, reached_resuming;	   /* a SET to it succeeded */
	unsigned long log_probe, log_probe_errors;	   /* DMA_LOGGING_START PROBE */
	unsigned long log_start, log_start_errors;
	bool vmm_tracking_off; /* QEMU: x-device-dirty-page-tracking=off */
	bool vmm_force;	       /* QEMU: enable-migration=on */
};

/* Facts a device probe gives (`check --migration`); see migration.h. */
struct vfc_mig_caps {
	bool dev_migration;	/* the device's driver implements VFIO migration */
	bool dev_dirty_logging; /* ... and DMA logging (device dirty tracking) */
	bool iommu_dirty;	/* the IOMMU tracks dirty pages (IOMMU_GET_HW_INFO) */
};

/* How the VMM is configured to track dirty pages (QEMU's vfio-pci properties). */
enum vfc_vmm_tracking {
	VFC_VMM_DEFAULT,      /* device dirty tracking used when the device has it */
	VFC_VMM_NO_DEV_AUTO,  /* x-device-dirty-page-tracking=off, enable-migration=auto */
	VFC_VMM_NO_DEV_FORCE, /* x-device-dirty-page-tracking=off, enable-migration=on */
	VFC_VMM_COUNT
};
const char *vfc_vmm_tracking_name(enum vfc_vmm_tracking t);

/* Verdict and one sentence why (what QEMU does, what to do). */
enum vfc_migv vfc_migv_from_facts(const struct vfc_mig_facts *f, char *why, size_t len);
enum vfc_migv vfc_migv_from_caps(const struct vfc_mig_caps *c, enum vfc_vmm_tracking t, char *why,
				 size_t len);

/* Facts from a summary record (a struct json_object *); absent: !present. */
struct json_object;
void vfc_mig_facts_parse(struct json_object *summary, struct vfc_mig_facts *f);

const char *vfc_migv_name(enum vfc_migv v);
enum vfc_migv vfc_migv_parse(const char *s); /* VFC_MV_COUNT when unknown */

#endif
