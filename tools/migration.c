// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat check --migration`: the facts and the rule; see migration.h. */
#include "migration.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfiocompat/iommufd-uapi.h"

#define VFC_VFIO_DEVICE_FEATURE_DMA_LOGGING_START 6

enum vfc_status vfc_migration_verdict(const struct vfc_migration_facts *f, char *text, size_t len)
{
	if (!f->dev_migration) {
		snprintf(
		    text, len,
		    "no VFIO migration support in the device's driver: a VM using it is not "
		    "live-migratable on type1 either, so the switch changes nothing for migration");
		return VFC_INFO;
	}
	if (f->iommu_dirty || f->dev_dirty_logging) {
		snprintf(text, len,
			 "migratable after the switch: dirty tracking by the %s replaces type1's "
			 "software tracking",
			 f->dev_dirty_logging ? "device (DMA logging)" : "IOMMU hardware");
		return VFC_PASS;
	}
	snprintf(
	    text, len,
	    "migratable on type1 only: neither the IOMMU nor the device tracks dirty pages, and "
	    "iommufd has no software dirty tracking; a VM using this device stops being migratable "
	    "after the switch");
	return VFC_FAIL;
}

/* /sys/bus/pci/devices/BDF/vfio-dev/vfioN -> /dev/vfio/devices/vfioN */
static int find_cdev(const char *bdf, char *out, size_t size, char *err, size_t errlen)
{
	char dir[256];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen,
			 "%s has no VFIO device cdev (%s): bind it to vfio-pci on a kernel with "
			 "CONFIG_VFIO_DEVICE_CDEV",
			 bdf, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4) && e->d_name[4] >= '0' && e->d_name[4] <= '9')
			break;
	if (e)
		snprintf(out, size, "/dev/vfio/devices/%.32s", e->d_name);
	closedir(d);
	if (!e) {
		snprintf(err, errlen, "%s: no vfioN entry under %s", bdf, dir);
		return -1;
	}
	return 0;
}

bool vfc_pci_addr(const char *in, char *out, size_t size)
{
	unsigned dom = 0, bus, dev, fn;
	int n = -1;

	if (sscanf(in, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) == 4 && n == 12 && !in[n]) {
		/* DDDD:BB:DD.F */
	} else if (n = -1, dom = 0,
		   sscanf(in, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) == 3 && n == 7 && !in[n]) {
		/* BB:DD.F, domain 0000 */
	} else {
		return false;
	}
	/* sscanf's %x also takes signs and spaces: only hex digits where digits go. */
	for (const char *c = in; *c; c++)
		if (!strchr("0123456789abcdefABCDEF:.", *c))
			return false;
	if (dev > 0x1f || fn > 7)
		return false;
	return snprintf(out, size, "%04x:%02x:%02x.%x", dom, bus, dev, fn) < (int)size;
}

static bool valid_bdf(const char *s)
{
	unsigned dom, bus, dev, fn;
	char tail;

	return strlen(s) == 12 && sscanf(s, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn, &tail) == 4;
}

static bool probe_feature(int dev, unsigned feature)
{
	struct vfio_device_feature q = {
	    .argsz = sizeof(q),
	    .flags = VFIO_DEVICE_FEATURE_PROBE | feature |
		     (feature == VFIO_DEVICE_FEATURE_MIGRATION ? VFIO_DEVICE_FEATURE_GET
							       : VFIO_DEVICE_FEATURE_SET),
	};

	return ioctl(dev, VFIO_DEVICE_FEATURE, &q) == 0;
}

int vfc_migration_probe(const char *bdf, struct vfc_migration_facts *f, char *err, size_t errlen)
{
	struct vfc_vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfc_iommu_hw_info hw = {.size = sizeof(hw)};
	int iommufd, dev, ret = -1;

	memset(f, 0, sizeof(*f));
	if (!valid_bdf(bdf)) {
		snprintf(err, errlen, "'%s' is not a PCI address; give it as DDDD:BB:DD.F", bdf);
		return -1;
	}
	if (find_cdev(bdf, f->cdev, sizeof(f->cdev), err, errlen))
		return -1;
	iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (iommufd < 0) {
		snprintf(err, errlen,
			 "/dev/iommu: %s; load iommufd and run as a user allowed to open it",
			 strerror(errno));
		return -1;
	}
	dev = open(f->cdev, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		snprintf(err, errlen, "%s: %s%s", f->cdev, strerror(errno),
			 errno == EBUSY
			     ? "; the device is in use (a VM holds it): ask again when it is idle"
			     : "");
		goto out_iommufd;
	}
	bind.iommufd = iommufd;
	if (ioctl(dev, VFC_VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		snprintf(err, errlen, "binding %s to iommufd: %s%s", f->cdev, strerror(errno),
			 errno == EBUSY ? "; the device is in use (a VM holds it)" : "");
		goto out_dev;
	}
	hw.dev_id = bind.out_devid;
	if (ioctl(iommufd, VFC_IOMMU_GET_HW_INFO, &hw)) {
		snprintf(err, errlen, "IOMMU_GET_HW_INFO for %s: %s", bdf, strerror(errno));
		goto out_dev;
	}
	f->iommu_dirty = hw.out_capabilities & VFC_IOMMU_HW_CAP_DIRTY_TRACKING;
	f->dev_migration = probe_feature(dev, VFIO_DEVICE_FEATURE_MIGRATION);
	f->dev_dirty_logging = probe_feature(dev, VFC_VFIO_DEVICE_FEATURE_DMA_LOGGING_START);
	ret = 0;
out_dev:
	close(dev);
out_iommufd:
	close(iommufd);
	return ret;
}
