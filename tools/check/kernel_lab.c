// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat check`'s kernel against the lab: where the running (or
 * --config) kernel stands among the kernels the lab measured, and the
 * type1/iommufd differences known for it (kconfig.c holds the measurements).
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "host.h"
#include "kconfig.h"

/*
 * The kernel against the lab's measurements, and the differences known for
 * it. TYPE1_NESTING is asked of the running kernel's type1 when the
 * container opens (a container with no group holds nothing); else, and for
 * --config, the measured answer of the release's series stands in.
 */
void vfc_check_kernel_lab(struct vfc_checklist *l, const char *release, bool running)
{
	char what[512];
	int nest = -1, where;

	if (!release)
		return;
	where = vfc_kernel_measured(release, what, sizeof(what));
	vfc_check_add(l, VFC_INFO, "kernel vs lab",
		      where ? "trial with the shim and compare; the lab's tables may not hold here"
			    : NULL,
		      "%s", what);
	/* Only a type1 already there (built in or loaded): no module is loaded for us. */
	if (running && !access("/sys/module/vfio_iommu_type1", F_OK)) {
		int fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

		if (fd >= 0) {
			int r = ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_NESTING_IOMMU);
			nest = r < 0 ? -1 : r > 0;
			close(fd);
		}
	}
	const char *how = nest >= 0 ? "asked of /dev/vfio/vfio" : "as the lab measured this series";
	if (nest < 0)
		nest = vfc_kernel_type1_nesting(release);
	if (nest == 1)
		vfc_check_add(l, VFC_INFO, "kernel differences",
			      "a VMM that probes for type1 nesting loses it under iommufd; "
			      "VFIOCOMPAT_ERRNO=type1 follows this kernel's type1",
			      "type1 on this kernel still has TYPE1_NESTING (%s): CHECK_EXTENSION "
			      "answers 1 there, 0 on iommufd; SET_IOMMU(TYPE1_NESTING) fails with "
			      "EINVAL on both with VT-d or AMD-Vi (7.3's type1: ENODEV)",
			      how);
	/* No container question tells this one: the series' measurement stands. */
	if (vfc_kernel_type1_nesting(release) == 1)
		vfc_check_add(
		    l, VFC_INFO, "kernel differences",
		    "VFIOCOMPAT_ERRNO=type1 does not translate it (docs/compat-audit.md, "
		    "Linux 6.12)",
		    "type1 on this kernel's series answers a MAP_DMA whose iova+size wraps "
		    "with EINVAL, iommufd with EOVERFLOW (7.3's type1: EOVERFLOW)");
	if (nest == 0)
		vfc_check_add(l, VFC_INFO, "kernel differences", NULL,
			      "type1 on this kernel has no TYPE1_NESTING (%s), as iommufd: the "
			      "differences are docs/compat-audit.md's (7.3)",
			      how);
}
