// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in for cloud-hypervisor's VFIO start-up, built -static as its
 * release binaries are: guest RAM mapped with MAP_DMA, then every mmap-able
 * BAR of the device mapped with MAP_DMA too (its vfio_p2p_dma=on default,
 * pci/src/vfio.rs), a failure of either being fatal. On type1 it starts;
 * on iommufd's compat the BAR mapping fails (no P2P) and so does the start.
 * Usage: p2p-static [--no-p2p] BDF (--no-p2p: vfio_p2p_dma=off).
 * Prints "started: N BAR(s) mapped" and exits 0, or one line and exits 1.
 */
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

#include "helper.h"

#define RAM_SIZE (2u << 20)
#define RAM_IOVA 0x0ull
#define BAR_IOVA 0x100000000ull /* above RAM, as a guest's PCI hole */

static void fatal(const char *what, int err)
{
	printf("failed to start: %s: %s\n", what, strerror(err));
	exit(1);
}

int main(int argc, char **argv)
{
	struct vfio_group_status gs = {.argsz = sizeof(gs)};
	struct vfio_device_info di = {.argsz = sizeof(di)};
	char path[PATH_MAX], link[PATH_MAX];
	int container, group, device, p2p = 1, mapped = 0;
	uint64_t iova = BAR_IOVA;
	const char *bdf;
	void *ram;
	ssize_t n;

	if (argc == 3 && !strcmp(argv[1], "--no-p2p"))
		p2p = 0;
	else if (argc != 2) {
		fprintf(stderr, "usage: p2p-static [--no-p2p] BDF\n");
		return 2;
	}
	bdf = argv[argc - 1];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	CHECK(n > 0, "readlink %s", path);
	link[n] = 0;
	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		fatal("open /dev/vfio/vfio", errno);
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	group = open(path, O_RDWR | O_CLOEXEC);
	if (group < 0)
		fatal(path, errno);
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &gs) || !(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		fatal("group not viable", errno);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		fatal("VFIO_GROUP_SET_CONTAINER", errno);
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		fatal("VFIO_SET_IOMMU", errno);
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (device < 0)
		fatal("VFIO_GROUP_GET_DEVICE_FD", errno);
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ram != MAP_FAILED, "mmap guest RAM");
	{
		struct vfio_iommu_type1_dma_map m = {.argsz = sizeof(m),
						     .flags = VFIO_DMA_MAP_FLAG_READ |
							      VFIO_DMA_MAP_FLAG_WRITE,
						     .vaddr = (uintptr_t)ram,
						     .iova = RAM_IOVA,
						     .size = RAM_SIZE};

		if (ioctl(container, VFIO_IOMMU_MAP_DMA, &m))
			fatal("MAP_DMA of guest RAM", errno);
	}
	if (ioctl(device, VFIO_DEVICE_GET_INFO, &di))
		fatal("VFIO_DEVICE_GET_INFO", errno);
	for (unsigned i = VFIO_PCI_BAR0_REGION_INDEX; p2p && i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		struct vfio_region_info r = {.argsz = sizeof(r), .index = i};
		struct vfio_iommu_type1_dma_map m = {
		    .argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE};
		void *bar;
		char what[64];

		if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &r) || !r.size ||
		    !(r.flags & VFIO_REGION_INFO_FLAG_MMAP))
			continue;
		bar =
		    mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, device, (off_t)r.offset);
		if (bar == MAP_FAILED)
			continue; /* cloud-hypervisor too maps only what it could mmap */
		m.vaddr = (uintptr_t)bar;
		m.iova = iova;
		m.size = r.size;
		snprintf(what, sizeof(what), "MAP_DMA of BAR%u (%llu bytes)", i,
			 (unsigned long long)r.size);
		if (ioctl(container, VFIO_IOMMU_MAP_DMA, &m))
			fatal(what, errno);
		iova += (r.size + 0xfffffull) & ~0xfffffull;
		mapped++;
	}
	printf("started: %d BAR(s) mapped\n", mapped);
	return 0;
}
