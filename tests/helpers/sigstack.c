// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VFIO client that does its container work inside a signal handler on an
 * 8 KiB sigaltstack with a guard page below it: any shim path deeper than
 * the stack faults on the guard (SIGSEGV) instead of corrupting memory.
 * Usage: sigstack [GROUP_PATH] (with a group: attach it, then the early
 * GET_INFO that the fix-up answers from sysfs).
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helper.h"

/* SIGSTACK_KIB: another size (sanitizer builds, whose frames are larger). */
static size_t alt_size(void)
{
	const char *k = getenv("SIGSTACK_KIB");

	return (k ? (size_t)atoi(k) : 8) * 1024;
}

static const char *group_path;
static volatile sig_atomic_t done;
static int results[8];

static void handler(int sig)
{
	char info[512];
	struct vfio_iommu_type1_info *i = (void *)info;
	struct vfio_iommu_type1_dma_map map = {.argsz = sizeof(map)};
	struct vfio_iommu_type1_dma_unmap unmap = {.argsz = sizeof(unmap)};
	int g = -1;

	(void)sig;
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	results[0] = c >= 0;
	if (group_path) {
		g = open(group_path, O_RDWR | O_CLOEXEC);
		results[1] = g >= 0 && ioctl(g, VFIO_GROUP_SET_CONTAINER, &c) == 0;
	}
	results[2] = ioctl(c, VFIO_GET_API_VERSION);
	results[3] = ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	results[4] = ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	memset(info, 0, sizeof(info));
	i->argsz = sizeof(info);
	results[5] = ioctl(c, VFIO_IOMMU_GET_INFO, info);
	results[6] = ioctl(c, VFIO_IOMMU_MAP_DMA, &map);
	results[7] = ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap);
	if (g >= 0)
		close(g);
	close(c);
	done = 1;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t size = alt_size();
	char *mem =
	    mmap(NULL, page + size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap");
	CHECK(!mprotect(mem, page, PROT_NONE), "guard page");
	stack_t ss = {.ss_sp = mem + page, .ss_size = size};
	CHECK(!sigaltstack(&ss, NULL), "sigaltstack");
	struct sigaction sa = {.sa_handler = handler, .sa_flags = SA_ONSTACK};
	CHECK(!sigaction(SIGUSR1, &sa, NULL), "sigaction");
	group_path = argc > 1 ? argv[1] : NULL;
	raise(SIGUSR1);
	CHECK(done, "handler did not finish");
	printf("handler done on a %zu KiB sigaltstack: open=%d attach=%d api=%d ext=%d set=%d "
	       "info=%d map=%d unmap=%d\n",
	       size / 1024, results[0], results[1], results[2], results[3], results[4], results[5],
	       results[6], results[7]);
	return 0;
}
