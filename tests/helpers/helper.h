/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the test helper programs: fail loudly with file:line and errno. */
#ifndef VFC_HELPER_H
#define VFC_HELPER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIE(...)                                                                                   \
	do {                                                                                       \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                    \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));                      \
		exit(2);                                                                           \
	} while (0)

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			DIE(__VA_ARGS__);                                                          \
	} while (0)

/* The VFIO group node of PCI device `bdf` ("/dev/vfio/N"), into `out`. */
#include <limits.h>
#include <unistd.h>
static inline void group_path_of(const char *bdf, char *out, size_t size)
{
	char path[PATH_MAX], link[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	CHECK(n > 0, "readlink %s", path);
	link[n] = '\0';
	snprintf(out, size, "/dev/vfio/%s", strrchr(link, '/') + 1);
}

#include <linux/capability.h>
#include <sys/syscall.h>
/*
 * Drop CAP_IPC_LOCK (it exempts root from memlock accounting on both back
 * ends), and CAP_SYS_RESOURCE too when asked (iommufd's RLIMIT_MODE needs it).
 */
static inline void drop_caps(int sys_resource_too)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	CHECK(!syscall(SYS_capget, &h, d), "capget");
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	if (sys_resource_too) {
		d[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
		d[CAP_SYS_RESOURCE / 32].permitted &= ~(1u << (CAP_SYS_RESOURCE % 32));
	}
	CHECK(!syscall(SYS_capset, &h, d), "capset");
}

#endif
