/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Migration readiness of one vfio-pci device after the switch to iommufd.
 * Live migration with VFIO devices needs the device's own migration driver
 * and dirty tracking of guest memory the device writes. type1 offers
 * software dirty tracking (every pinned page is dirty); iommufd compat has
 * none, so after the switch it needs the IOMMU's hardware dirty tracking or
 * the device's own DMA logging.
 */
#ifndef VFC_MIGRATION_H
#define VFC_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>

#include "checklist.h"

struct vfc_migration_facts {
	char cdev[64];		/* /dev/vfio/devices/vfioN */
	bool dev_migration;	/* VFIO_DEVICE_FEATURE_MIGRATION probes ok */
	bool dev_dirty_logging; /* VFIO_DEVICE_FEATURE_DMA_LOGGING_START probes ok */
	bool iommu_dirty;	/* IOMMU_GET_HW_INFO: IOMMU_HW_CAP_DIRTY_TRACKING */
};

/*
 * A PCI address as lspci and dpdk-devbind accept it, "BB:DD.F" (domain 0000)
 * or "DDDD:BB:DD.F", hex in either case, written out as sysfs names it
 * ("0000:03:00.0"). false when it is not one.
 */
bool vfc_pci_addr(const char *in, char *out, size_t size);

/* Bind the idle device's cdev to a fresh iommufd and ask. 0, or -1 with a reason. */
int vfc_migration_probe(const char *bdf, struct vfc_migration_facts *f, char *err, size_t errlen);

/* The verdict from the facts: PASS / INFO / FAIL and one plain sentence. */
enum vfc_status vfc_migration_verdict(const struct vfc_migration_facts *f, char *text, size_t len);

#endif
