// SPDX-License-Identifier: GPL-2.0-only
/*
 * Maps 1 MiB chunks through the container until the memlock limit stops it:
 *   memlock BDF LIMIT_MIB [--no-sys-resource] [--hold]
 * Sets RLIMIT_MEMLOCK and drops CAP_IPC_LOCK (which exempts root from
 * accounting) first, keeping CAP_SYS_RESOURCE so the shim can set iommufd's
 * per-process rlimit mode. Prints "mapped=N MiB errno=E". With --hold it
 * then keeps its mappings until stdin reaches EOF, so a second process of the
 * same user can show whether they are charged to it too.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "helper.h"

int main(int argc, char **argv)
{
	int no_sys_resource = 0, hold = 0;

	CHECK(argc >= 3, "usage: memlock BDF LIMIT_MIB [--no-sys-resource] [--hold]");
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--no-sys-resource"))
			no_sys_resource = 1;
		else if (!strcmp(argv[i], "--hold"))
			hold = 1;
		else
			DIE("usage: memlock BDF LIMIT_MIB [--no-sys-resource] [--hold]");
	}
	const char *bdf = argv[1];
	size_t limit = (size_t)atoi(argv[2]) << 20, chunk = 1 << 20;
	struct rlimit rl = {limit, limit};
	CHECK(!setrlimit(RLIMIT_MEMLOCK, &rl), "setrlimit");
	drop_caps(no_sys_resource);

	char path[PATH_MAX];
	group_path_of(bdf, path, sizeof(path));
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	CHECK(c >= 0, "open container");
	int g = open(path, O_RDWR | O_CLOEXEC);
	CHECK(g >= 0, "open group");
	CHECK(!ioctl(g, VFIO_GROUP_SET_CONTAINER, &c), "SET_CONTAINER");
	CHECK(!ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), "SET_IOMMU");
	int dev = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf);
	CHECK(dev >= 0, "GET_DEVICE_FD");

	size_t total = 4 * limit;
	char *buf = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED, "mmap");
	size_t mapped = 0;
	int err = 0;
	for (; mapped < total; mapped += chunk) {
		struct vfio_iommu_type1_dma_map m = {
		    .argsz = sizeof(m),
		    .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		    .vaddr = (uintptr_t)(buf + mapped),
		    .iova = 0x40000000ull + mapped,
		    .size = chunk,
		};
		if (ioctl(c, VFIO_IOMMU_MAP_DMA, &m)) {
			err = errno;
			break;
		}
	}
	const char *e = err ? strerrorname_np(err) : "0";
	printf("mapped=%zu MiB errno=%s\n", mapped >> 20, e ? e : "?");
	if (hold) {
		char ch;

		fflush(stdout);
		while (read(0, &ch, 1) > 0)
			;
	}
	return 0;
}
