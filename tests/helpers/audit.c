// SPDX-License-Identifier: GPL-2.0-only
/*
 * The compat audit walker: asks one VFIO container back end every request of
 * the audit, each in a fresh container with the device's group attached, and
 * prints one line per case: "CASE<TAB>ret=R errno=E[ FIELD=V...]".
 *   audit CONTAINER_PATH BDF
 * Run once on /dev/vfio/vfio and once on /dev/iommu; tests/vm/audit-table
 * puts the two side by side (docs/compat-audit.md).
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
#include "vfiocompat/iommufd-uapi.h"

#define IOVA  0x40000000ull
#define SZ_2M (2ull << 20)

static const char *container_path, *bdf;
static char group_path[PATH_MAX];
static int c = -1, g = -1, dev = -1;
static void *buf;

enum stage { OPENED, ATTACHED, SET, DEVICE };

static void teardown(void)
{
	if (dev >= 0)
		close(dev);
	if (g >= 0)
		close(g);
	if (c >= 0)
		close(c);
	c = g = dev = -1;
}

/* A fresh container brought to `stage`, with TYPE1v2 or v1. */
static void setup(enum stage stage, int type)
{
	teardown();
	c = open(container_path, O_RDWR | O_CLOEXEC);
	CHECK(c >= 0, "open %s", container_path);
	if (stage == OPENED)
		return;
	g = open(group_path, O_RDWR | O_CLOEXEC);
	CHECK(g >= 0, "open %s", group_path);
	CHECK(!ioctl(g, VFIO_GROUP_SET_CONTAINER, &c), "SET_CONTAINER");
	if (stage == ATTACHED)
		return;
	CHECK(!ioctl(c, VFIO_SET_IOMMU, type), "SET_IOMMU %d", type);
	if (stage == SET)
		return;
	dev = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf);
	CHECK(dev >= 0, "GET_DEVICE_FD");
}

static void out(const char *name, int ret, const char *extra)
{
	int err = errno;
	const char *e = ret < 0 ? strerrorname_np(err) : "0";

	printf("%s\tret=%d errno=%s%s%s\n", name, ret < 0 ? -1 : ret, e ? e : "?",
	       extra && *extra ? " " : "", extra ? extra : "");
	fflush(stdout);
}

static int map(uint64_t iova, uint64_t size, uint32_t flags, uint32_t argsz)
{
	struct vfio_iommu_type1_dma_map m = {
	    .argsz = argsz ? argsz : sizeof(m),
	    .flags = flags ? flags : VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
	    .vaddr = (uintptr_t)buf,
	    .iova = iova,
	    .size = size,
	};
	return ioctl(c, VFIO_IOMMU_MAP_DMA, &m);
}

static int unmap(uint64_t iova, uint64_t size, uint32_t flags, uint64_t *done)
{
	struct vfio_iommu_type1_dma_unmap u = {
	    .argsz = sizeof(u), .flags = flags, .iova = iova, .size = size};
	int ret = ioctl(c, VFIO_IOMMU_UNMAP_DMA, &u);
	*done = u.size;
	return ret;
}

static void unmap_case(const char *name, uint64_t iova, uint64_t size, uint32_t flags)
{
	uint64_t done;
	char extra[64];
	int ret = unmap(iova, size, flags, &done);
	int err = errno;

	snprintf(extra, sizeof(extra), "size=0x%llx", (unsigned long long)done);
	errno = err;
	out(name, ret, ret < 0 ? "" : extra);
}

static void info_case(const char *name)
{
	char b[1024] = {0};
	struct vfio_iommu_type1_info *i = (void *)b;
	char extra[256];
	int n = 0, ranges = 0;
	uint64_t first = 0, last = 0;
	int64_t avail = -1;
	int migration = 0;

	i->argsz = sizeof(b);
	int ret = ioctl(c, VFIO_IOMMU_GET_INFO, i);
	int err = errno;
	if (ret == 0) {
		for (uint32_t off = i->cap_offset, hops = 0; off && off < sizeof(b) && hops < 16;
		     hops++) {
			struct vfio_info_cap_header *h = (void *)(b + off);
			if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
				struct vfio_iommu_type1_info_cap_iova_range *r = (void *)h;
				ranges = (int)r->nr_iovas;
				if (ranges) {
					first = r->iova_ranges[0].start;
					last = r->iova_ranges[ranges - 1].end;
				}
			} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
				avail = ((struct vfio_iommu_type1_info_dma_avail *)h)->avail;
			} else if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION) {
				migration = 1;
			}
			off = h->next;
		}
		n = snprintf(extra, sizeof(extra),
			     "argsz=%u pgsizes=0x%llx ranges=%d first=0x%llx last=0x%llx "
			     "dma_avail=%lld migration_cap=%d",
			     i->argsz, (unsigned long long)i->iova_pgsizes, ranges,
			     (unsigned long long)first, (unsigned long long)last, (long long)avail,
			     migration);
	}
	(void)n;
	errno = err;
	out(name, ret, ret ? "" : extra);
}

int main(int argc, char **argv)
{
	CHECK(argc == 3, "usage: audit CONTAINER_PATH BDF");
	container_path = argv[1];
	bdf = argv[2];
	group_path_of(bdf, group_path, sizeof(group_path));
	buf = mmap(NULL, 4 * SZ_2M, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED, "mmap");
	memset(buf, 1, 4 * SZ_2M);
	int ret;
	char name[64];

	setup(OPENED, 0);
	out("GET_API_VERSION", ioctl(c, VFIO_GET_API_VERSION), "");
	for (int id = 0; id <= 16; id++) {
		snprintf(name, sizeof(name), "CHECK_EXTENSION(%d), no group", id);
		out(name, ioctl(c, VFIO_CHECK_EXTENSION, id), "");
	}
	out("SET_IOMMU(TYPE1v2), no group", ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), "");
	out("MAP_DMA, no group", map(IOVA, 4096, 0, 0), "");
	info_case("GET_INFO, no group");

	setup(ATTACHED, 0);
	for (int id = 0; id <= 16; id++) {
		snprintf(name, sizeof(name), "CHECK_EXTENSION(%d), group attached", id);
		out(name, ioctl(c, VFIO_CHECK_EXTENSION, id), "");
	}
	out("MAP_DMA before SET_IOMMU", map(IOVA, 4096, 0, 0), "");
	info_case("GET_INFO before SET_IOMMU");
	out("SET_IOMMU(0)", ioctl(c, VFIO_SET_IOMMU, 0), "");
	out("SET_IOMMU(TYPE1_NESTING)", ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1_NESTING_IOMMU), "");
	out("SET_IOMMU(SPAPR_TCE_v2)", ioctl(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU), "");

	setup(SET, VFIO_TYPE1v2_IOMMU);
	info_case("GET_INFO after SET_IOMMU, before device open");
	ret = ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	out("SET_IOMMU twice", ret, "");

	setup(DEVICE, VFIO_TYPE1v2_IOMMU);
	info_case("GET_INFO with the device open");
	/* VFIO_DMA_CC_IOMMU once a domain exists: the IOMMU's snooping, a vendor fact. */
	out("CHECK_EXTENSION(4) with the device open (VFIO_DMA_CC_IOMMU)",
	    ioctl(c, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU), "");
	{
		struct vfio_iommu_type1_info i = {.argsz = 8};
		out("GET_INFO argsz 8", ioctl(c, VFIO_IOMMU_GET_INFO, &i), "");
	}
	out("MAP_DMA argsz 8", map(IOVA, 4096, 0, 8), "");
	out("MAP_DMA unknown flag", map(IOVA, 4096, 1u << 30 | 3, 0), "");
	out("MAP_DMA unaligned iova", map(IOVA + 0x100, 4096, 0, 0), "");
	out("MAP_DMA unaligned size", map(IOVA, 4096 + 0x100, 0, 0), "");
	out("MAP_DMA size 0", map(IOVA, 0, 0, 0), "");
	out("MAP_DMA iova+size overflows", map(~0ull - 0xfff, 0x2000, 0, 0), "");
	out("MAP_DMA beyond the IOVA ranges (1<<60)", map(1ull << 60, 4096, 0, 0), "");
	out("MAP_DMA into the MSI window", map(0xfee00000ull, 4096, 0, 0), "");
	out("MAP_DMA 2M", map(IOVA, SZ_2M, 0, 0), "");
	out("MAP_DMA same range again", map(IOVA, SZ_2M, 0, 0), "");
	out("MAP_DMA overlapping range", map(IOVA + 4096, SZ_2M, 0, 0), "");
	unmap_case("UNMAP_DMA 4K inside a 2M mapping (TYPE1v2)", IOVA + 4096, 4096, 0);
	unmap_case("UNMAP_DMA unknown flag", IOVA, SZ_2M, 1u << 30);
	unmap_case("UNMAP_DMA unaligned", IOVA + 0x100, 4096, 0);
	unmap_case("UNMAP_DMA the 2M mapping", IOVA, SZ_2M, 0);
	unmap_case("UNMAP_DMA empty range", IOVA, SZ_2M, 0);
	unmap_case("UNMAP_DMA size 0", IOVA, 0, 0);
	map(IOVA, SZ_2M, 0, 0);
	map(IOVA + 2 * SZ_2M, SZ_2M, 0, 0);
	unmap_case("UNMAP_DMA FLAG_ALL (two mappings)", 0, 0, VFIO_DMA_UNMAP_FLAG_ALL);
	unmap_case("UNMAP_DMA FLAG_ALL with a size", 0, 4096, VFIO_DMA_UNMAP_FLAG_ALL);
	{
		struct vfio_iommu_type1_dirty_bitmap d = {
		    .argsz = sizeof(d), .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START};
		out("DIRTY_PAGES START (TYPE1v2)", ioctl(c, VFIO_IOMMU_DIRTY_PAGES, &d), "");
	}
	{
		struct vfc_iommu_vfio_ioas v = {.size = sizeof(v), .op = VFC_IOMMU_VFIO_IOAS_GET};
		ret = ioctl(c, VFC_IOMMU_VFIO_IOAS, &v);
		out("IOMMU_VFIO_IOAS GET", ret, "");
	}

	setup(DEVICE, VFIO_TYPE1_IOMMU);
	CHECK(!map(IOVA, SZ_2M, 0, 0), "v1 map");
	unmap_case("UNMAP_DMA 4K inside a 2M mapping (TYPE1 v1)", IOVA + 4096, 4096, 0);
	unmap_case("UNMAP_DMA rest of the 2M mapping (TYPE1 v1)", IOVA, SZ_2M, 0);
	{
		struct vfio_iommu_type1_dirty_bitmap d = {
		    .argsz = sizeof(d), .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START};
		out("DIRTY_PAGES START (TYPE1 v1)", ioctl(c, VFIO_IOMMU_DIRTY_PAGES, &d), "");
	}

	/*
	 * Memlock exhaustion, last: dropping CAP_IPC_LOCK cannot be undone. The
	 * process's own RLIMIT_MEMLOCK (type1 counts per process; iommufd
	 * opened directly counts per user against the same limit).
	 */
	struct rlimit rl = {4u << 20, 4u << 20};
	CHECK(!setrlimit(RLIMIT_MEMLOCK, &rl), "setrlimit");
	drop_caps(0);
	setup(DEVICE, VFIO_TYPE1v2_IOMMU);
	out("MAP_DMA 8M, RLIMIT_MEMLOCK 4M (no CAP_IPC_LOCK)", map(IOVA, 4 * SZ_2M, 0, 0), "");
	out("MAP_DMA 4M, RLIMIT_MEMLOCK 4M", map(IOVA, 2 * SZ_2M, 0, 0), "");
	{
		struct vfio_iommu_type1_dma_map m = {
		    .argsz = sizeof(m),
		    .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		    .vaddr = (uintptr_t)buf + 2 * SZ_2M,
		    .iova = IOVA + 2 * SZ_2M,
		    .size = 4096,
		};
		out("MAP_DMA 4K more, past RLIMIT_MEMLOCK", ioctl(c, VFIO_IOMMU_MAP_DMA, &m), "");
	}
	teardown();
	return 0;
}
