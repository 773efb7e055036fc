// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel fault injection through /proc/self/task/TID/fail-nth, as the
 * kernel's iommufd_fail_nth selftest arms it: for n = 1, 2, ... the n-th
 * failure point (IOMMUFD_TEST's, and with FAILSLAB/FAIL_PAGE_ALLOC every
 * slab and page allocation) met by one call fails. Prints one line per
 * attempt, "n=N ret=R errno=E injected=0|1", until three attempts in a row
 * meet fewer than n points, then what is left behind. Run natively and under
 * the shim: the lines must be equal.
 *   failnth map CONTAINER_PATH BDF   one 2 MiB MAP_DMA (device open, so it
 *                                    pins at once); then a whole map/unmap of
 *                                    the same IOVA and VmPin
 *   failnth getinfo CONTAINER_PATH BDF
 *                                    VFIO_IOMMU_GET_INFO before the device is
 *                                    open (the shim's fix-up path): a success
 *                                    is followed by "  answer=HASH" of the
 *                                    bytes returned; the first line,
 *                                    "reference answer=HASH", is without
 *                                    injection
 *   failnth open PATH                open(PATH); a success must answer
 *                                    VFIO_GET_API_VERSION, and is followed by
 *                                    "  mode=process|user|type1" (iommufd's
 *                                    RLIMIT_MODE, or no iommufd); then the
 *                                    fd count
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"
#include "vfiocompat/iommufd-uapi.h"

#define IOVA	 (1ull << 32)
#define MAP_SIZE (2u << 20)

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

/* One attempt of the call under test: returns its result, errno in *err. */
typedef int attempt_fn(void *ctx, int *err);
/* Undoes a successful attempt, with injection off. */
typedef void undo_fn(void *ctx, int ret);

static void each_failure_point(attempt_fn *attempt, undo_fn *undo, void *ctx)
{
	unsigned unconsumed = 0;

	for (unsigned n = 1; n < 5000 && unconsumed < 3; n++) {
		int err = 0;
		arm(n);
		int ret = attempt(ctx, &err);
		unsigned rest = left();
		arm(0);
		/* rest > 0: fewer than n failure points were met, nothing was injected. */
		unconsumed = rest ? unconsumed + 1 : 0;
		printf("n=%u ret=%d errno=%d injected=%d\n", n, ret < 0 ? -1 : 0, ret < 0 ? err : 0,
		       !rest);
		if (ret >= 0)
			undo(ctx, ret);
	}
}

struct map_ctx {
	int container;
	void *buf;
};

static int map_once(void *p, int *err)
{
	struct map_ctx *m = p;
	struct vfio_iommu_type1_dma_map map = {.argsz = sizeof(map),
					       .flags =
						   VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
					       .vaddr = (uintptr_t)m->buf,
					       .iova = IOVA,
					       .size = MAP_SIZE};
	errno = 0;
	int ret = ioctl(m->container, VFIO_IOMMU_MAP_DMA, &map);
	*err = errno;
	return ret;
}

static int unmap_once(int container)
{
	struct vfio_iommu_type1_dma_unmap u = {.argsz = sizeof(u), .iova = IOVA, .size = MAP_SIZE};
	return ioctl(container, VFIO_IOMMU_UNMAP_DMA, &u) ? -1 : (int)(u.size == MAP_SIZE);
}

static void unmap(void *p, int ret)
{
	(void)ret;
	CHECK(unmap_once(((struct map_ctx *)p)->container) == 1, "UNMAP_DMA");
}

static void print_vmpin(void)
{
	FILE *st = fopen("/proc/self/status", "r");
	char line[256];

	while (st && fgets(line, sizeof(line), st))
		if (!strncmp(line, "VmPin:", 6))
			printf("%s", line);
	if (st)
		fclose(st);
}

static void fail_map(const char *container_path, const char *bdf)
{
	char path[PATH_MAX];
	struct map_ctx m;

	group_path_of(bdf, path, sizeof(path));
	m.container = open(container_path, O_RDWR | O_CLOEXEC);
	CHECK(m.container >= 0, "open %s", container_path);
	int g = open(path, O_RDWR | O_CLOEXEC);
	CHECK(g >= 0, "open %s", path);
	CHECK(!ioctl(g, VFIO_GROUP_SET_CONTAINER, &m.container), "SET_CONTAINER");
	CHECK(!ioctl(m.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), "SET_IOMMU");
	/* The device's open attaches it, so the IOAS gets a domain and MAP_DMA pins
	 * at once; without it a map only records the area and meets no failure point. */
	int d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf);
	CHECK(d >= 0, "GET_DEVICE_FD %s", bdf);
	m.buf = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m.buf != MAP_FAILED, "mmap");
	memset(m.buf, 1, MAP_SIZE);

	each_failure_point(map_once, unmap, &m);

	/* A failed map left no area behind: the same IOVA maps and unmaps whole. */
	int err, mret = map_once(&m, &err);
	printf("after: map=%d unmap=%d\n", mret, mret ? -1 : unmap_once(m.container));
	munmap(m.buf, MAP_SIZE);
	print_vmpin();
	close(d);
	close(g);
	close(m.container);
}

static char info_buf[4096];

static int get_info_once(void *container, int *err)
{
	struct vfio_iommu_type1_info *info = (void *)info_buf;

	memset(info_buf, 0, sizeof(info_buf));
	info->argsz = sizeof(info_buf);
	errno = 0;
	int ret = ioctl(*(int *)container, VFIO_IOMMU_GET_INFO, info);
	*err = errno;
	return ret;
}

/* FNV-1a of what the kernel (or the shim) wrote, up to the argsz it returned. */
static void print_answer(void *container, int ret)
{
	const struct vfio_iommu_type1_info *info = (void *)info_buf;
	size_t n = info->argsz < sizeof(info_buf) ? info->argsz : sizeof(info_buf);
	uint32_t h = 2166136261u;

	(void)container;
	(void)ret;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)info_buf[i]) * 16777619u;
	printf("  answer=%08x\n", h);
}

static void fail_get_info(const char *container_path, const char *bdf)
{
	char path[PATH_MAX];
	int err;

	group_path_of(bdf, path, sizeof(path));
	int c = open(container_path, O_RDWR | O_CLOEXEC);
	CHECK(c >= 0, "open %s", container_path);
	int g = open(path, O_RDWR | O_CLOEXEC);
	CHECK(g >= 0, "open %s", path);
	CHECK(!ioctl(g, VFIO_GROUP_SET_CONTAINER, &c), "SET_CONTAINER");
	CHECK(!ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), "SET_IOMMU");
	CHECK(!get_info_once(&c, &err), "GET_INFO");
	printf("reference");
	print_answer(&c, 0);
	each_failure_point(get_info_once, print_answer, &c);
	close(g);
	close(c);
}

static int open_once(void *path, int *err)
{
	errno = 0;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	*err = errno;
	return fd;
}

/* A success must be a working container; prints what accounts its pins. */
static void check_and_close(void *path, int fd)
{
	struct vfc_iommu_option o = {.size = sizeof(o),
				     .option_id = VFC_IOMMU_OPTION_RLIMIT_MODE,
				     .op = VFC_IOMMU_OPTION_OP_GET};
	int api = ioctl(fd, VFIO_GET_API_VERSION);

	CHECK(api == VFIO_API_VERSION, "%s opened but GET_API_VERSION gave %d", (char *)path, api);
	if (ioctl(fd, VFC_IOMMU_OPTION, &o))
		printf("  mode=type1\n");
	else
		printf("  mode=%s\n", o.val64 == 1 ? "process" : "user");
	close(fd);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	CHECK(d, "opendir /proc/self/fd");
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void fail_open(char *path)
{
	int err, fd = open_once(path, &err);

	/* Once without injection first: a preloaded shim opens its report here. */
	CHECK(fd >= 0, "open %s", path);
	check_and_close(path, fd);
	int before = count_fds();
	each_failure_point(open_once, check_and_close, path);
	printf("fds: before=%d after=%d\n", before, count_fds());
}

int main(int argc, char **argv)
{
	char nth[64];

	CHECK((argc == 4 && (!strcmp(argv[1], "map") || !strcmp(argv[1], "getinfo"))) ||
		  (argc == 3 && !strcmp(argv[1], "open")),
	      "usage: failnth map|getinfo CONTAINER_PATH BDF | failnth open PATH");
	snprintf(nth, sizeof(nth), "/proc/self/task/%ld/fail-nth", (long)syscall(SYS_gettid));
	nth_fd = open(nth, O_RDWR | O_CLOEXEC);
	CHECK(nth_fd >= 0, "open %s (CONFIG_FAULT_INJECTION)", nth);
	if (!strcmp(argv[1], "map"))
		fail_map(argv[2], argv[3]);
	else if (!strcmp(argv[1], "getinfo"))
		fail_get_info(argv[2], argv[3]);
	else
		fail_open(argv[2]);
	return 0;
}
