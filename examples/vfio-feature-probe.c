// SPDX-License-Identifier: GPL-2.0-only
/*
 * Uses one type1 feature that iommufd compat lacks or changes, on a real
 * container with a real device attached, and prints the kernel's answer:
 *   vfio-feature-probe FEATURE BDF
 * Run plainly it shows type1's answer; under libvfiocompat.so iommufd's.
 * VFIO_FEATURE_PROBE_CONTAINER=/dev/iommu opens iommufd's node as the
 * container instead (iommufd's own VFIO compat ioctls, no shim needed).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define IOVA 0x10000000ull
#define SZ   (2ull << 20)

static int container, group, device;

static void die(const char *what)
{
	fprintf(stderr, "vfio-feature-probe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void result(const char *feature, int ret, int err)
{
	const char *name = ret < 0 ? strerrorname_np(err) : "0";
	printf("probe %s ret=%d errno=%s\n", feature, ret, name ? name : "?");
}

static void setup(const char *bdf, int iommu_type, const char *feature)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct vfio_group_status st = {.argsz = sizeof(st)};

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("iommu_group link");
	link[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);

	const char *node = getenv("VFIO_FEATURE_PROBE_CONTAINER");
	container = open(node && *node ? node : "/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		die("open container");
	group = open(path, O_RDWR | O_CLOEXEC);
	if (group < 0)
		die("open group");
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &st) || !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group not viable");
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		die("GROUP_SET_CONTAINER");
	int ret = ioctl(container, VFIO_SET_IOMMU, iommu_type);
	if (feature) {
		/* The probe is SET_IOMMU itself. */
		result(feature, ret, errno);
		if (ret)
			exit(0);
	} else if (ret) {
		die("SET_IOMMU");
	}
	/* With the device open the domain exists and pages are really pinned. */
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (device < 0)
		die("GROUP_GET_DEVICE_FD");
}

static void *buffer(void)
{
	void *p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap buffer");
	memset(p, 0x5a, SZ);
	return p;
}

static int map(void *vaddr, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = {
	    .argsz = sizeof(m),
	    .flags = flags,
	    .vaddr = (uintptr_t)vaddr,
	    .iova = IOVA,
	    .size = SZ,
	};
	return ioctl(container, VFIO_IOMMU_MAP_DMA, &m);
}

static int unmap(uint32_t flags)
{
	struct vfio_iommu_type1_dma_unmap u = {
	    .argsz = sizeof(u), .flags = flags, .iova = IOVA, .size = SZ};
	return ioctl(container, VFIO_IOMMU_UNMAP_DMA, &u);
}

static const uint32_t RW = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: vfio-feature-probe FEATURE BDF\n");
		return 2;
	}
	const char *f = argv[1], *bdf = argv[2];
	int ret;

	if (!strcmp(f, "type1_v1")) {
		setup(bdf, VFIO_TYPE1_IOMMU, f);
		/* v1 must still map and unmap. */
		void *b = buffer();
		if (map(b, RW) || unmap(0))
			die("map/unmap under TYPE1 v1");
		return 0;
	}
	if (!strcmp(f, "nesting_set")) {
		setup(bdf, VFIO_TYPE1_NESTING_IOMMU, f);
		return 0;
	}
	setup(bdf, VFIO_TYPE1v2_IOMMU, NULL);
	if (!strcmp(f, "update_vaddr_ext")) {
		ret = ioctl(container, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR);
	} else if (!strcmp(f, "nesting_ext")) {
		ret = ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_NESTING_IOMMU);
	} else if (!strcmp(f, "vaddr_unmap")) {
		if (map(buffer(), RW))
			die("map");
		ret = unmap(VFIO_DMA_UNMAP_FLAG_VADDR);
	} else if (!strcmp(f, "vaddr_map")) {
		if (map(buffer(), RW))
			die("map");
		unmap(VFIO_DMA_UNMAP_FLAG_VADDR);
		ret = map(buffer(), VFIO_DMA_MAP_FLAG_VADDR);
	} else if (!strcmp(f, "spapr")) {
		ret = ioctl(container, VFIO_IOMMU_ENABLE);
	} else if (!strcmp(f, "dirty_pages")) {
		struct vfio_iommu_type1_dirty_bitmap d = {
		    .argsz = sizeof(d), .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START};
		ret = ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &d);
	} else if (!strcmp(f, "dirty_bitmap_unmap")) {
		static uint64_t bits[SZ / 4096 / 64];
		struct {
			struct vfio_iommu_type1_dma_unmap u;
			struct vfio_bitmap b;
		} a = {
		    .u = {.argsz = sizeof(a),
			  .flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
			  .iova = IOVA,
			  .size = SZ},
		    .b = {.pgsize = 4096, .size = sizeof(bits), .data = (__u64 *)bits},
		};
		if (map(buffer(), RW))
			die("map");
		struct vfio_iommu_type1_dirty_bitmap d = {
		    .argsz = sizeof(d), .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START};
		ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &d);
		ret = ioctl(container, VFIO_IOMMU_UNMAP_DMA, &a);
	} else if (!strcmp(f, "p2p_map")) {
		struct vfio_region_info r = {.argsz = sizeof(r),
					     .index = VFIO_PCI_BAR0_REGION_INDEX};
		if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &r) ||
		    !(r.flags & VFIO_REGION_INFO_FLAG_MMAP))
			die("BAR0 not mmappable");
		void *bar =
		    mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, device, (off_t)r.offset);
		if (bar == MAP_FAILED)
			die("mmap BAR0");
		struct vfio_iommu_type1_dma_map m = {.argsz = sizeof(m),
						     .flags = RW,
						     .vaddr = (uintptr_t)bar,
						     .iova = IOVA,
						     .size = r.size};
		ret = ioctl(container, VFIO_IOMMU_MAP_DMA, &m);
	} else {
		fprintf(stderr, "vfio-feature-probe: unknown feature '%s'\n", f);
		return 2;
	}
	result(f, ret, errno);
	return 0;
}
