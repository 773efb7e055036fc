/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Migration readiness of one VFIO device after the switch to iommufd: its
 * migration driver, its own dirty tracking (DMA logging) and the IOMMU's
 * (IOMMU_GET_HW_INFO), asked through the device's VFIO cdev; the verdict
 * rules live in migverdict.c.
 */
#ifndef VFC_MIGRATION_H
#define VFC_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>

#include "checklist.h"
#include "migverdict.h"

struct vfc_migration_facts {
	char name[64];		/* 0000:03:00.0 or the mdev UUID */
	char cdev[64];		/* /dev/vfio/devices/vfioN */
	bool mdev;		/* a mediated device (emulated IOMMU: no IOMMU of its own) */
	bool dev_migration;	/* VFIO_DEVICE_FEATURE_MIGRATION probes ok */
	bool dev_dirty_logging; /* VFIO_DEVICE_FEATURE_DMA_LOGGING_START probes ok */
	bool iommu_dirty;	/* IOMMU_GET_HW_INFO: IOMMU_HW_CAP_DIRTY_TRACKING */
	int mig_state;		/* MIG_DEVICE_STATE now (VFIO_DEVICE_STATE_*), -1 unknown */
};

/* Bind the idle device's cdev to a fresh iommufd and ask. 0, or -1 with a reason. */
int vfc_migration_probe(const char *bdf, struct vfc_migration_facts *f, char *err, size_t errlen);

/* "running", "resuming"... for a VFIO_DEVICE_STATE_* value. */
const char *vfc_mig_state_name(int state);

/*
 * The sysfs directory of a device given as DDDD:BB:DD.F, BB:DD.F, an mdev
 * UUID or a sysfs path. 0, or -1 with a reason. Pure apart from realpath().
 */
int vfc_migration_resolve(const char *spec, char *dir, size_t size, char *err, size_t errlen);

/* Bind the idle device's cdev to a fresh iommufd and ask. 0, or -1 with a reason. */
int vfc_migration_probe(const char *spec, struct vfc_migration_facts *f, char *err, size_t errlen);

/* The check status of a migration verdict. */
enum vfc_status vfc_migration_status(enum vfc_migv v);

#endif
