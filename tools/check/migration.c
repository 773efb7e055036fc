// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat check --migration`: the device's facts; see migration.h. */
#include "migration.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pci.h"
#include "vfiocompat/iommufd-uapi.h"

#define VFC_VFIO_DEVICE_FEATURE_DMA_LOGGING_START 6

enum vfc_status vfc_migration_status(enum vfc_migv v)
{
	switch (v) {
	case VFC_MV_MIGRATABLE:
		return VFC_PASS;
	case VFC_MV_NEITHER:
		return VFC_INFO;
	case VFC_MV_BLOCKED:
		return VFC_FAIL;
	default:
		return VFC_WARN;
	}
}

/* SYSFS_DIR/vfio-dev/vfioN -> /dev/vfio/devices/vfioN */
static int find_cdev(const char *sysdir, const char *name, char *out, size_t size, char *err,
		     size_t errlen)
{
	char dir[PATH_MAX + 16];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/vfio-dev", sysdir);
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen,
			 "%s has no VFIO device cdev (%s): bind it to vfio-pci (or create the "
			 "mdev) on a kernel with CONFIG_VFIO_DEVICE_CDEV",
			 name, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4) && e->d_name[4] >= '0' && e->d_name[4] <= '9')
			break;
	if (e)
		snprintf(out, size, "/dev/vfio/devices/%.32s", e->d_name);
	closedir(d);
	if (!e) {
		snprintf(err, errlen, "%s: no vfioN entry under %s", name, dir);
		return -1;
	}
	return 0;
}

static bool is_uuid(const char *s)
{
	static const int dash[] = {8, 13, 18, 23};

	if (strlen(s) != 36)
		return false;
	for (int i = 0, k = 0; i < 36; i++) {
		if (k < 4 && i == dash[k]) {
			if (s[i] != '-')
				return false;
			k++;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

int vfc_migration_resolve(const char *spec, char *dir, size_t size, char *err, size_t errlen)
{
	char path[PATH_MAX], bdf[16];

	if (spec[0] == '/') {
		snprintf(path, sizeof(path), "%s", spec);
	} else if (vfc_pci_addr(spec, bdf, sizeof(bdf))) {
		snprintf(path, sizeof(path), VFC_PCI_SYSFS "/%s", bdf);
	} else if (is_uuid(spec)) {
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", spec);
	} else {
		snprintf(err, errlen,
			 "'%s' is not a PCI address; give it as DDDD:BB:DD.F (or BB:DD.F), an mdev "
			 "UUID or a sysfs device path",
			 spec);
		return -1;
	}
	char *real = realpath(path, NULL);
	if (!real || strncmp(real, "/sys/devices/", 13)) {
		snprintf(err, errlen,
			 "%s: %s; give a device that exists (ls /sys/bus/pci/devices "
			 "/sys/bus/mdev/devices)",
			 path, real ? "not a device under /sys/devices" : strerror(errno));
		free(real);
		return -1;
	}
	snprintf(dir, size, "%s", real);
	free(real);
	return 0;
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

const char *vfc_mig_state_name(int state)
{
	static const char *const names[] = {"error",	"stop",	       "running",  "stop_copy",
					    "resuming", "running_p2p", "pre_copy", "pre_copy_p2p"};

	return state >= 0 && state < (int)(sizeof(names) / sizeof(names[0])) ? names[state]
									     : "unknown";
}

/* The device's migration state now; -1 when it cannot be read. */
static int mig_state(int dev)
{
	struct {
		struct vfio_device_feature h;
		uint32_t state;
		int32_t data_fd;
	} q = {.h = {.argsz = sizeof(q),
		     .flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE}};

	return ioctl(dev, VFIO_DEVICE_FEATURE, &q) ? -1 : (int)q.state;
}

int vfc_migration_probe(const char *spec, struct vfc_migration_facts *f, char *err, size_t errlen)
{
	struct vfc_vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfc_iommu_hw_info hw = {.size = sizeof(hw)};
	char dir[PATH_MAX], link[PATH_MAX + 16];
	int iommufd, dev, ret = -1;

	memset(f, 0, sizeof(*f));
	if (vfc_migration_resolve(spec, dir, sizeof(dir), err, errlen))
		return -1;
	snprintf(f->name, sizeof(f->name), "%s", strrchr(dir, '/') + 1);
	snprintf(link, sizeof(link), "%s/mdev_type", dir);
	f->mdev = access(link, F_OK) == 0;
	if (find_cdev(dir, f->name, f->cdev, sizeof(f->cdev), err, errlen))
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
	/* An mdev sits behind an emulated IOMMU: its id is an access, not a device. */
	hw.dev_id = bind.out_devid;
	if (!f->mdev && ioctl(iommufd, VFC_IOMMU_GET_HW_INFO, &hw)) {
		snprintf(err, errlen, "IOMMU_GET_HW_INFO for %s: %s", f->name, strerror(errno));
		goto out_dev;
	}
	f->iommu_dirty = !f->mdev && (hw.out_capabilities & VFC_IOMMU_HW_CAP_DIRTY_TRACKING);
	f->dev_migration = probe_feature(dev, VFIO_DEVICE_FEATURE_MIGRATION);
	f->dev_dirty_logging = probe_feature(dev, VFC_VFIO_DEVICE_FEATURE_DMA_LOGGING_START);
	f->mig_state = f->dev_migration ? mig_state(dev) : -1;
	ret = 0;
out_dev:
	close(dev);
out_iommufd:
	close(iommufd);
	return ret;
}
