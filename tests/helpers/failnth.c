// SPDX-License-Identifier: GPL-2.0-only
/*
 * iommufd's own fault injection during MAP_DMA (IOMMUFD_TEST's failure
 * points, armed through /proc/self/task/TID/fail-nth, as the kernel's
 * iommufd_fail_nth selftest does): for n = 1, 2, ... the n-th failure point
 * of one MAP_DMA fails. Prints "n=N ret=R errno=E" per attempt, then the
 * pinned memory left (VmPin) once everything is unmapped. Run on /dev/iommu
 * natively and on /dev/vfio/vfio under the shim: the lines must be equal.
 *   failnth CONTAINER_PATH BDF
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"

static int nth_fd;

static void arm(unsigned n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);
	CHECK(pwrite(nth_fd, buf, (size_t)len, 0) == len, "fail-nth");
}

static unsigned left(void)
{
	char buf[16] = {0};
	CHECK(pread(nth_fd, buf, sizeof(buf) - 1, 0) >= 0, "fail-nth read");
	return (unsigned)strtoul(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	char path[PATH_MAX], nth[64];
	const size_t size = 2 << 20;

	CHECK(argc == 3, "usage: failnth CONTAINER_PATH BDF");
	snprintf(nth, sizeof(nth), "/proc/self/task/%ld/fail-nth", (long)syscall(SYS_gettid));
	nth_fd = open(nth, O_RDWR | O_CLOEXEC);
	CHECK(nth_fd >= 0, "open %s (CONFIG_FAULT_INJECTION)", nth);
	group_path_of(argv[2], path, sizeof(path));
	int c = open(argv[1], O_RDWR | O_CLOEXEC);
	CHECK(c >= 0, "open %s", argv[1]);
	int g = open(path, O_RDWR | O_CLOEXEC);
	CHECK(g >= 0, "open %s", path);
	CHECK(!ioctl(g, VFIO_GROUP_SET_CONTAINER, &c), "SET_CONTAINER");
	CHECK(!ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), "SET_IOMMU");
	void *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED, "mmap");
	memset(buf, 1, size);

	unsigned unconsumed = 0;
	for (unsigned n = 1; n < 200 && unconsumed < 3; n++) {
		struct vfio_iommu_type1_dma_map m = {.argsz = sizeof(m),
						     .flags = VFIO_DMA_MAP_FLAG_READ |
							      VFIO_DMA_MAP_FLAG_WRITE,
						     .vaddr = (uintptr_t)buf,
						     .iova = 1ull << 32,
						     .size = size};
		arm(n);
		errno = 0;
		int ret = ioctl(c, VFIO_IOMMU_MAP_DMA, &m);
		int err = errno;
		unsigned rest = left();
		arm(0);
		/* rest > 0: fewer than n failure points were met, nothing was injected. */
		unconsumed = rest ? unconsumed + 1 : 0;
		printf("n=%u ret=%d errno=%d injected=%d\n", n, ret, ret < 0 ? err : 0, !rest);
		if (ret == 0) {
			struct vfio_iommu_type1_dma_unmap u = {
			    .argsz = sizeof(u), .iova = 1ull << 32, .size = size};
			CHECK(!ioctl(c, VFIO_IOMMU_UNMAP_DMA, &u) && u.size == size, "UNMAP_DMA");
		}
	}
	munmap(buf, size);
	FILE *st = fopen("/proc/self/status", "r");
	char line[256];
	while (st && fgets(line, sizeof(line), st))
		if (!strncmp(line, "VmPin:", 6))
			printf("%s", line);
	if (st)
		fclose(st);
	close(g);
	close(c);
	return 0;
}
