// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in kernel for the host tests: preloaded after the shim
 * (LD_PRELOAD="libvfiocompat.so libfakevfio.so"), it is the "real" ioctl
 * the shim resolves with RTLD_NEXT. Every VFIO and iommufd request (type ';')
 * succeeds: a group attaches, SET_IOMMU takes, and GET_INFO answers as
 * iommufd does before any device is open (no aperture: argsz and flags only).
 * So ns-run's /dev/null-backed nodes reach the shim's early GET_INFO path.
 * Any other request goes to the kernel.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((visibility("default"))) int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (_IOC_TYPE(request) != VFIO_TYPE)
		return (int)syscall(SYS_ioctl, fd, request, arg);
	if (request == VFIO_IOMMU_GET_INFO && arg) {
		struct vfio_iommu_type1_info info = {.argsz = sizeof(info)};
		uint32_t argsz;
		memcpy(&argsz, arg, sizeof(argsz));
		if (argsz < sizeof(info))
			return errno = EINVAL, -1;
		memcpy(arg, &info, sizeof(info));
	}
	if (request == VFIO_GET_API_VERSION)
		return VFIO_API_VERSION;
	if (request == VFIO_CHECK_EXTENSION)
		return 1;
	return 0;
}
