// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prints VFIO_IOMMU_GET_INFO as a VMM sees it, before and after the device
 * fd is opened: `getinfo [--v1] [--iommufd] BDF`. Uses the two-call protocol
 * (a header first, then the argsz the kernel asked for), as QEMU does. Each
 * answer is printed decoded and as raw hex of all argsz bytes (`WHEN-raw`),
 * for byte-for-byte comparison. --iommufd opens /dev/iommu as the container
 * (iommufd's own VFIO compat ioctls, no shim): the oracle for the shim.
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
	printf("%s-raw ", when);
	for (uint32_t i = 0; i < want; i++)
		printf("%02x", (unsigned char)buf[i]);
	printf("\n");
	free(buf);
}

int main(int argc, char **argv)
{
	int v1 = 0, iommufd = 0, i = 1;
	for (; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--v1"))
			v1 = 1;
		else if (!strcmp(argv[i], "--iommufd"))
			iommufd = 1;
		else
			break;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: getinfo [--v1] [--iommufd] BDF\n");
		return 2;
	}
	const char *bdf = argv[i];
	char path[PATH_MAX];
	group_path_of(bdf, path, sizeof(path));

	const char *node = iommufd ? "/dev/iommu" : "/dev/vfio/vfio";
	int container = open(node, O_RDWR | O_CLOEXEC);
	CHECK(container >= 0, "open %s", node);
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
