// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prints VFIO_IOMMU_GET_INFO as a VMM sees it, before and after the device
 * fd is opened: `getinfo [--v1] BDF`. Uses the two-call protocol (a header
 * first, then the argsz the kernel asked for), as QEMU does.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "helper.h"

static void show(const char *when, int container)
{
	struct vfio_iommu_type1_info head = {.argsz = sizeof(head)};
	CHECK(!ioctl(container, VFIO_IOMMU_GET_INFO, &head), "GET_INFO header");
	CHECK(head.argsz >= sizeof(head) && head.argsz < 65536, "GET_INFO argsz %u", head.argsz);
	uint32_t want = head.argsz;
	char *buf = calloc(1, want);
	struct vfio_iommu_type1_info *info = (void *)buf;
	info->argsz = want;
	CHECK(!ioctl(container, VFIO_IOMMU_GET_INFO, info), "GET_INFO full");
	CHECK(info->argsz == want, "GET_INFO argsz changed %u -> %u", want, info->argsz);
	printf("%s argsz=%u pgsizes=0x%llx ranges=", when, want,
	       (unsigned long long)info->iova_pgsizes);
	int found = 0;
	for (uint32_t off = info->cap_offset, hops = 0; off && hops < 16; hops++) {
		struct vfio_info_cap_header *c = (void *)(buf + off);
		CHECK(off + sizeof(*c) <= want, "cap past argsz");
		if (c->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *r = (void *)c;
			for (uint32_t i = 0; i < r->nr_iovas; i++)
				printf("%s0x%llx-0x%llx", i ? "," : "",
				       (unsigned long long)r->iova_ranges[i].start,
				       (unsigned long long)r->iova_ranges[i].end);
			found = 1;
		}
		off = c->next;
	}
	printf("%s\n", found ? "" : "none");
	free(buf);
}

int main(int argc, char **argv)
{
	int v1 = argc == 3 && !strcmp(argv[1], "--v1");
	if (argc != 2 + v1) {
		fprintf(stderr, "usage: getinfo [--v1] BDF\n");
		return 2;
	}
	const char *bdf = argv[1 + v1];
	char path[PATH_MAX];
	group_path_of(bdf, path, sizeof(path));

	int container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	CHECK(container >= 0, "open container");
	int group = open(path, O_RDWR | O_CLOEXEC);
	CHECK(group >= 0, "open %s", path);
	CHECK(!ioctl(group, VFIO_GROUP_SET_CONTAINER, &container), "SET_CONTAINER");
	CHECK(!ioctl(container, VFIO_SET_IOMMU, v1 ? VFIO_TYPE1_IOMMU : VFIO_TYPE1v2_IOMMU),
	      "SET_IOMMU");
	show("before", container);
	int device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	CHECK(device >= 0, "GET_DEVICE_FD");
	show("after", container);
	close(device);
	close(group);
	close(container);
	return 0;
}
