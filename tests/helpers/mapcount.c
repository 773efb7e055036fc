// SPDX-License-Identifier: GPL-2.0-only
/*
 * Maps N separate 4 KiB mappings through the container (TYPE1v2, device
 * open), as a VMM with a fragmented guest memory map would, then unmaps them
 * all: type1 refuses the mapping past its dma_entry_limit with ENOSPC.
 *   mapcount BDF N
 * Prints "mapped=K errno=E".
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helper.h"

int main(int argc, char **argv)
{
	CHECK(argc == 3, "usage: mapcount BDF N");
	long n = atol(argv[2]), mapped;
	char path[PATH_MAX];
	int err = 0;

	CHECK(n > 0 && n < (1l << 24), "N must be 1..2^24");
	group_path_of(argv[1], path, sizeof(path));
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	CHECK(c >= 0, "open container");
	int g = open(path, O_RDWR | O_CLOEXEC);
	CHECK(g >= 0, "open %s", path);
	CHECK(!ioctl(g, VFIO_GROUP_SET_CONTAINER, &c), "SET_CONTAINER");
	CHECK(!ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), "SET_IOMMU");
	int dev = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
	CHECK(dev >= 0, "GET_DEVICE_FD");
	/* One page mapped again and again: only the IOVA differs. */
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED, "mmap");
	memset(page, 1, 4096);
	for (mapped = 0; mapped < n; mapped++) {
		struct vfio_iommu_type1_dma_map m = {
		    .argsz = sizeof(m),
		    .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		    .vaddr = (uintptr_t)page,
		    .iova = 0x40000000ull + (uint64_t)mapped * 8192, /* not adjacent */
		    .size = 4096,
		};
		if (ioctl(c, VFIO_IOMMU_MAP_DMA, &m)) {
			err = errno;
			break;
		}
	}
	struct vfio_iommu_type1_dma_unmap u = {.argsz = sizeof(u),
					       .flags = VFIO_DMA_UNMAP_FLAG_ALL};
	CHECK(!ioctl(c, VFIO_IOMMU_UNMAP_DMA, &u), "UNMAP_DMA FLAG_ALL");
	const char *e = err ? strerrorname_np(err) : "0";
	printf("mapped=%ld errno=%s\n", mapped, e ? e : "?");
	close(dev);
	close(g);
	close(c);
	return 0;
}
