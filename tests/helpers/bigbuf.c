// SPDX-License-Identifier: GPL-2.0-only
/*
 * A plain type1 client that reads GET_INFO into a large buffer starting 256
 * bytes before a page end (type1 leaves that argsz, iommufd writes back the
 * exact size, which fits before the page end), then maps and unmaps one page. Prints the
 * capabilities it found itself, the oracle for audit = redirect (tests/vm/plans/audit-parity.sh).
 * Usage: bigbuf BDF
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helper.h"

int main(int argc, char **argv)
{
	char gpath[64];

	CHECK(argc == 2, "usage: bigbuf BDF");
	group_path_of(argv[1], gpath, sizeof(gpath));
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	CHECK(c >= 0, "open container");
	int g = open(gpath, O_RDWR | O_CLOEXEC);
	CHECK(g >= 0, "open %s", gpath);
	CHECK(!ioctl(g, VFIO_GROUP_SET_CONTAINER, &c), "SET_CONTAINER");
	CHECK(!ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), "SET_IOMMU");
	int d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
	CHECK(d >= 0, "GET_DEVICE_FD");

	char *mem =
	    mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap");
	struct vfio_iommu_type1_info *info = (void *)(mem + 4096 - 256);
	info->argsz = 8192;
	CHECK(!ioctl(c, VFIO_IOMMU_GET_INFO, info), "GET_INFO");
	int avail = 0, iova = 0;
	if (info->flags & VFIO_IOMMU_INFO_CAPS && info->argsz <= 8192)
		for (uint32_t off = info->cap_offset; off && off < info->argsz;) {
			struct vfio_info_cap_header *h = (void *)((char *)info + off);
			avail |= h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
			iova |= h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
			if (h->next <= off)
				break;
			off = h->next;
		}
	printf("argsz=%u caps: dma_avail=%d iova_range=%d\n", info->argsz, avail, iova);

	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED, "mmap page");
	page[0] = 1;
	struct vfio_iommu_type1_dma_map map = {.argsz = sizeof(map),
					       .flags =
						   VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
					       .vaddr = (uintptr_t)page,
					       .iova = 0x10000000,
					       .size = 4096};
	CHECK(!ioctl(c, VFIO_IOMMU_MAP_DMA, &map), "MAP_DMA");
	struct vfio_iommu_type1_dma_unmap unmap = {
	    .argsz = sizeof(unmap), .iova = 0x10000000, .size = 4096};
	CHECK(!ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap), "UNMAP_DMA");
	close(d);
	close(g);
	close(c);
	return 0;
}
