// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration verdict rules; see migverdict.h. Measured with QEMU 10.0.2 and
 * the mtty sample (docs/migration.md): QEMU migrates a VFIO device only with
 * a dirty tracker it counts (the device's DMA logging, or the IOMMU's through
 * its native iommufd back end) unless enable-migration=on forces it; type1's
 * VFIO_IOMMU_DIRTY_PAGES does not count for that check but is used when
 * forced. iommufd compat has no DIRTY_PAGES (ENOTTY), so a forced migration
 * after the switch marks all guest memory dirty at every sync.
 */
#include "migverdict.h"

#include <stdio.h>
#include <string.h>

static const char *const names[VFC_MV_COUNT] = {
    [VFC_MV_UNKNOWN] = "unknown",
    [VFC_MV_MIGRATABLE] = "migratable",
    [VFC_MV_DEGRADED] = "migratable-degraded",
    [VFC_MV_BLOCKED] = "blocked",
    [VFC_MV_NEITHER] = "not-migratable-either-way",
};

const char *vfc_migv_name(enum vfc_migv v)
{
	return (unsigned)v < VFC_MV_COUNT ? names[v] : "unknown";
}

enum vfc_migv vfc_migv_parse(const char *s)
{
	for (int v = 0; s && v < VFC_MV_COUNT; v++)
		if (!strcmp(s, names[v]))
			return (enum vfc_migv)v;
	return VFC_MV_COUNT;
}

static enum vfc_migv say(enum vfc_migv v, char *why, size_t len, const char *text)
{
	snprintf(why, len, "%s", text);
	return v;
}

enum vfc_migv vfc_migv_from_facts(const struct vfc_mig_facts *f, char *why, size_t len)
{
	bool logging = (f->log_probe || f->log_start) && !f->log_start_errors;

	if (!f->present || (!f->dev_migration && !f->dev_migration_errors))
		return say(VFC_MV_UNKNOWN, why, len,
			   "no device fd was asked for VFIO migration support: nothing to judge");
	if (!f->dev_migration)
		return say(VFC_MV_NEITHER, why, len,
			   "no VFIO migration support in the device's driver (FEATURE_MIGRATION "
			   "failed): not migratable on type1 either");
	/* Migrated out (the source): what its dirty tracking was. */
	if (f->reached_stop_copy && f->log_start && !f->log_start_errors)
		return say(VFC_MV_MIGRATABLE, why, len,
			   "migrated with the device's own dirty tracking (DMA logging), which "
			   "works the same on iommufd");
	if (f->reached_stop_copy)
		return say(VFC_MV_DEGRADED, why, len,
			   f->on_iommufd
			       ? "migrated without any dirty tracker (iommufd compat has no "
				 "VFIO_IOMMU_DIRTY_PAGES): all guest memory was resent at every "
				 "sync; keep the device's dirty tracking on"
			   : f->dirty_start
			       ? "migrated with type1's dirty tracking (VFIO_IOMMU_DIRTY_PAGES), "
				 "which iommufd compat lacks (ENOTTY): after the switch all guest "
				 "memory is resent at every sync"
			       : "migrated without device dirty tracking: after the switch all "
				 "guest memory is resent at every sync");
	/* Not migrated out (idle, blocked, or the destination): from the settings. */
	if (logging && !f->vmm_tracking_off)
		return say(VFC_MV_MIGRATABLE, why, len,
			   "the device tracks dirty pages itself (DMA logging) and the VMM uses "
			   "it: migration needs nothing of type1");
	if (f->on_iommufd && (f->dirty_start_errors || f->dirty_bitmap_errors))
		return say(VFC_MV_BLOCKED, why, len,
			   "the VMM asked for type1's dirty tracking (VFIO_IOMMU_DIRTY_PAGES), "
			   "which iommufd compat lacks (ENOTTY), and did not migrate");
	if (f->vmm_force)
		return say(VFC_MV_DEGRADED, why, len,
			   "no device dirty tracking in use and migration forced "
			   "(enable-migration=on): after the switch all guest memory is resent at "
			   "every sync");
	return say(VFC_MV_NEITHER, why, len,
		   "no device dirty tracking in use (off, or absent) and migration not forced: "
		   "QEMU blocks the migration on type1 too (\"VFIO device doesn't support "
		   "device and IOMMU dirty tracking\")");
}

const char *vfc_vmm_tracking_name(enum vfc_vmm_tracking t)
{
	switch (t) {
	case VFC_VMM_NO_DEV_AUTO:
		return "x-device-dirty-page-tracking=off";
	case VFC_VMM_NO_DEV_FORCE:
		return "x-device-dirty-page-tracking=off,enable-migration=on";
	default:
		return "default";
	}
}

enum vfc_migv vfc_migv_from_caps(const struct vfc_mig_caps *c, enum vfc_vmm_tracking t, char *why,
				 size_t len)
{
	if (!c->dev_migration)
		return say(VFC_MV_NEITHER, why, len,
			   "no VFIO migration support in the device's driver: a VM using it is "
			   "not live-migratable on type1 either; the switch changes nothing");
	if (c->dev_dirty_logging && t == VFC_VMM_DEFAULT)
		return say(VFC_MV_MIGRATABLE, why, len,
			   "the device tracks dirty pages itself (DMA logging): migration works "
			   "the same after the switch");
	if (t != VFC_VMM_NO_DEV_FORCE)
		return say(VFC_MV_NEITHER, why, len,
			   c->iommu_dirty
			       ? "no device dirty tracking in use: QEMU blocks the migration on "
				 "type1 too (type1's tracking does not count); the IOMMU tracks "
				 "dirty pages, which only a VMM on native iommufd uses"
			       : "no device or IOMMU dirty tracking in use: QEMU blocks the "
				 "migration on type1 too unless enable-migration=on");
	return say(VFC_MV_DEGRADED, why, len,
		   "forced without device dirty tracking: type1 tracks pinned pages "
		   "(VFIO_IOMMU_DIRTY_PAGES), iommufd compat has no such ioctl, so after the "
		   "switch QEMU resends all guest memory at every sync");
}
