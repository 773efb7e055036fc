// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real DMA through the VFIO type1 container, set up exactly as a VMM does it,
 * with QEMU's emulated "edu" device (1234:11e8): the edu DMA engine copies a
 * fresh pattern from a mapped RAM buffer into its internal buffer and back
 * into another part of the RAM buffer, and the bytes are compared.
 *   vfio-dma-edu [--v1] [--size BYTES] [--list-fds] [--native-map] BDF
 * Run plainly it exercises type1; under libvfiocompat.so, iommufd's compat.
 * --native-map mixes the two APIs on one IOAS, as a VMM moving to iommufd
 * step by step would: the source half is mapped with VFIO's MAP_DMA, the
 * destination half with iommufd's own IOMMU_IOAS_MAP on the compat IOAS
 * (found with IOMMU_VFIO_IOAS); it needs iommufd behind the container.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "vfiocompat/iommufd-uapi.h"

/* edu's MMIO layout, from QEMU docs/specs/edu.rst and hw/misc/edu.c. */
#define EDU_VENDOR	  0x1234
#define EDU_DEVICE	  0x11e8
#define EDU_REG_ID	  0x00 /* 0xRRrr00ed */
#define EDU_REG_LIVE	  0x04 /* reads back the inverse of what was written */
#define EDU_REG_DMA_SRC	  0x80
#define EDU_REG_DMA_DST	  0x88
#define EDU_REG_DMA_CNT	  0x90
#define EDU_REG_DMA_CMD	  0x98
#define EDU_DMA_RUN	  0x1
#define EDU_DMA_TO_RAM	  0x2 /* direction bit: 0 RAM -> edu, 1 edu -> RAM */
#define EDU_BUF_ADDR	  0x40000ull
#define EDU_BUF_SIZE	  4096u
#define EDU_DMA_MASK_BITS 28 /* edu's default dma_mask: it clamps addresses above */
#define EDU_BAR_MIN	  0x100

/*
 * 16 MiB: below edu's 28-bit DMA mask (0x10000000 itself would be clamped to
 * 0), aligned for any IOMMU page size up to 16 MiB, and clear of the x86 MSI
 * window and of low memory RMRRs.
 */
#define IOVA	       0x1000000ull
#define DMA_TIMEOUT_NS (5ll * 1000000000ll) /* TCG completes DMA on a 100 ms timer */
#define POLL_NS	       1000000l

static const char *prog = "vfio-dma-edu";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* One line "vfio-dma-edu: <step>: <strerror>"; errno is the cause. */
static void die(const char *fmt, ...)
{
	int err = errno;
	char step[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(step, sizeof(step), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s: %s\n", prog, step, strerror(err));
	exit(1);
}

#define fail(err, ...)                                                                             \
	do {                                                                                       \
		errno = (err);                                                                     \
		die(__VA_ARGS__);                                                                  \
	} while (0)

static void usage(void)
{
	fprintf(stderr, "usage: %s [--v1] [--size BYTES] [--list-fds] [--native-map] BDF\n", prog);
	exit(2);
}

static uint32_t rd32(volatile uint8_t *bar, unsigned int off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void wr32(volatile uint8_t *bar, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

/* edu accepts 8-byte accesses at 0x80 and above. */
static uint64_t rd64(volatile uint8_t *bar, unsigned int off)
{
	return *(volatile uint64_t *)(bar + off);
}

static void wr64(volatile uint8_t *bar, unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off) = v;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Wait for the engine to drop the RUN bit; edu ignores DMA register writes until then. */
static void dma_wait(volatile uint8_t *bar, const char *what)
{
	const struct timespec pause = {.tv_sec = 0, .tv_nsec = POLL_NS};
	int64_t deadline = now_ns() + DMA_TIMEOUT_NS;

	for (;;) {
		uint64_t cmd = rd64(bar, EDU_REG_DMA_CMD);

		if (cmd == ~0ull)
			fail(EIO, "%s: DMA command register reads all ones", what);
		if (!(cmd & EDU_DMA_RUN))
			break;
		if (now_ns() > deadline)
			fail(ETIMEDOUT, "%s: DMA still running after %lld s", what,
			     DMA_TIMEOUT_NS / 1000000000ll);
		nanosleep(&pause, NULL);
	}
	/* The device wrote RAM behind the compiler's back. */
	atomic_thread_fence(memory_order_seq_cst);
}

static void dma(volatile uint8_t *bar, uint64_t src, uint64_t dst, uint32_t len, uint64_t dir,
		const char *what)
{
	dma_wait(bar, what);
	wr64(bar, EDU_REG_DMA_SRC, src);
	wr64(bar, EDU_REG_DMA_DST, dst);
	wr64(bar, EDU_REG_DMA_CNT, len);
	if (rd64(bar, EDU_REG_DMA_SRC) != src || rd64(bar, EDU_REG_DMA_DST) != dst ||
	    rd64(bar, EDU_REG_DMA_CNT) != len)
		fail(EIO, "%s: DMA registers did not take the programmed values", what);
	/* The pattern must be in memory before the device is told to read it. */
	atomic_thread_fence(memory_order_seq_cst);
	wr64(bar, EDU_REG_DMA_CMD, EDU_DMA_RUN | dir);
	dma_wait(bar, what);
	printf("ok: %s %u bytes (src 0x%llx dst 0x%llx)\n", what, len, (unsigned long long)src,
	       (unsigned long long)dst);
}

static uint16_t cfg_read16(int device, uint64_t cfg, unsigned int off, const char *what)
{
	uint16_t v;

	if (pread(device, &v, sizeof(v), (off_t)(cfg + off)) != (ssize_t)sizeof(v))
		die("config read %s", what);
	return le16toh(v);
}

static void cfg_write16(int device, uint64_t cfg, unsigned int off, uint16_t v, const char *what)
{
	uint16_t le = htole16(v);

	if (pwrite(device, &le, sizeof(le), (off_t)(cfg + off)) != (ssize_t)sizeof(le))
		die("config write %s", what);
}

static void region_info(int device, uint32_t index, struct vfio_region_info *r, const char *what)
{
	memset(r, 0, sizeof(*r));
	r->argsz = sizeof(*r);
	r->index = index;
	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, r))
		die("VFIO_DEVICE_GET_REGION_INFO %s", what);
}

/* For the test plans: which nodes this process really holds (the shim redirects). */
static void list_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		die("opendir /proc/self/fd");
	while ((e = readdir(d))) {
		char path[PATH_MAX], target[PATH_MAX];
		ssize_t n;

		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue; /* closed meanwhile */
		target[n] = '\0';
		/* The device number tells the node even through a bind mount. */
		struct stat st;
		if (!fstat(atoi(e->d_name), &st) && S_ISCHR(st.st_mode))
			printf("fd %s -> %s char=%u:%u\n", e->d_name, target, major(st.st_rdev),
			       minor(st.st_rdev));
		else
			printf("fd %s -> %s\n", e->d_name, target);
	}
	closedir(d);
}

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Differs from b in every bit. */
static uint8_t not_pattern(uint8_t b)
{
	return (uint8_t)(b ^ 0xffu);
}

static uint64_t fresh_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t s = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^
		     ((uint64_t)ts.tv_sec << 20) ^ 0x9e3779b97f4a7c15ull;
	return s ? s : 1;
}

static int group_of(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	char *end;
	long n;
	ssize_t len;

	if (strchr(bdf, '/') || !*bdf)
		fail(EINVAL, "bad BDF '%s'", bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		die("readlink %s", path);
	link[len] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	errno = 0;
	n = strtol(base, &end, 10);
	if (errno || *end || end == base || n < 0 || n > INT_MAX)
		fail(EINVAL, "iommu group '%s' of %s", base, bdf);
	return (int)n;
}

int main(int argc, char **argv)
{
	bool v1 = false, show_fds = false, native = false;
	unsigned long size = EDU_BUF_SIZE;
	const char *bdf = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--v1")) {
			v1 = true;
		} else if (!strcmp(argv[i], "--list-fds")) {
			show_fds = true;
		} else if (!strcmp(argv[i], "--native-map")) {
			native = true;
		} else if (!strcmp(argv[i], "--size")) {
			char *end;

			if (++i == argc)
				usage();
			errno = 0;
			size = strtoul(argv[i], &end, 0);
			if (errno || *end || end == argv[i] || argv[i][0] == '-')
				fail(EINVAL, "--size '%s' is not a byte count", argv[i]);
		} else if (argv[i][0] == '-' || bdf) {
			usage();
		} else {
			bdf = argv[i];
		}
	}
	if (!bdf)
		usage();
	if (size == 0)
		fail(EINVAL, "--size 0: nothing to transfer");
	if (size > EDU_BUF_SIZE)
		fail(EINVAL, "--size %lu exceeds edu's %u-byte DMA buffer", size, EDU_BUF_SIZE);
	/* Keep progress and the error line in order when both go to one pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	int type = v1 ? VFIO_TYPE1_IOMMU : VFIO_TYPE1v2_IOMMU;
	const char *type_name = v1 ? "VFIO_TYPE1_IOMMU" : "VFIO_TYPE1v2_IOMMU";

	/* Container and group, in the order QEMU's legacy backend uses. */
	int container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		die("open /dev/vfio/vfio");
	int api = ioctl(container, VFIO_GET_API_VERSION);
	if (api != VFIO_API_VERSION)
		fail(api < 0 ? errno : EPROTO, "VFIO_GET_API_VERSION returned %d", api);
	int ext = ioctl(container, VFIO_CHECK_EXTENSION, type);
	if (ext < 0)
		die("VFIO_CHECK_EXTENSION %s", type_name);
	if (ext == 0)
		fail(ENOTSUP, "VFIO_CHECK_EXTENSION %s", type_name);
	printf("ok: container api %d, %s supported\n", api, type_name);

	int group_nr = group_of(bdf);
	char group_path[64];
	snprintf(group_path, sizeof(group_path), "/dev/vfio/%d", group_nr);
	int group = open(group_path, O_RDWR | O_CLOEXEC);
	if (group < 0)
		die("open %s", group_path);
	struct vfio_group_status gs = {.argsz = sizeof(gs)};
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &gs))
		die("VFIO_GROUP_GET_STATUS");
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		fail(EBUSY, "group %d not viable (bind all its devices to vfio-pci)", group_nr);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(container, VFIO_SET_IOMMU, type))
		die("VFIO_SET_IOMMU %s", type_name);
	printf("ok: group %d viable, in container, iommu %s\n", group_nr, type_name);

	/* Only the fixed part: the capability chain is not needed here. */
	struct vfio_iommu_type1_info info = {.argsz = sizeof(info)};
	if (ioctl(container, VFIO_IOMMU_GET_INFO, &info))
		die("VFIO_IOMMU_GET_INFO");
	long cpu_page = sysconf(_SC_PAGESIZE);
	uint64_t align = cpu_page > 0 ? (uint64_t)cpu_page : 4096;
	if (info.flags & VFIO_IOMMU_INFO_PGSIZES) {
		if (!info.iova_pgsizes)
			fail(EINVAL, "VFIO_IOMMU_GET_INFO: empty iova_pgsizes");
		uint64_t min_pg = info.iova_pgsizes & -info.iova_pgsizes;
		/* Buffer address, IOVA and size must all be multiples of it. */
		if (min_pg > align)
			fail(EINVAL, "IOMMU page 0x%llx above CPU page 0x%llx",
			     (unsigned long long)min_pg, (unsigned long long)align);
		printf("ok: iova_pgsizes 0x%llx\n", (unsigned long long)info.iova_pgsizes);
	} else {
		printf("ok: iova_pgsizes not reported\n");
	}

	int device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (device < 0)
		die("VFIO_GROUP_GET_DEVICE_FD %s", bdf);
	struct vfio_device_info dinfo = {.argsz = sizeof(dinfo)};
	if (ioctl(device, VFIO_DEVICE_GET_INFO, &dinfo))
		die("VFIO_DEVICE_GET_INFO");
	if (!(dinfo.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    dinfo.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX)
		fail(ENODEV, "%s is not a vfio-pci device (flags 0x%x, %u regions)", bdf,
		     dinfo.flags, dinfo.num_regions);

	/* Identify the device before touching its BAR. */
	struct vfio_region_info cfg;
	region_info(device, VFIO_PCI_CONFIG_REGION_INDEX, &cfg, "config");
	uint16_t vendor = cfg_read16(device, cfg.offset, PCI_VENDOR_ID, "vendor");
	uint16_t devid = cfg_read16(device, cfg.offset, PCI_DEVICE_ID, "device");
	if (vendor != EDU_VENDOR || devid != EDU_DEVICE)
		fail(ENODEV, "%s is %04x:%04x, not edu %04x:%04x", bdf, vendor, devid, EDU_VENDOR,
		     EDU_DEVICE);

	/* Memory decoding for the BAR, bus mastering for the DMA. */
	uint16_t cmd_orig = cfg_read16(device, cfg.offset, PCI_COMMAND, "command");
	uint16_t want = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	cfg_write16(device, cfg.offset, PCI_COMMAND, cmd_orig | want, "command");
	uint16_t cmd = cfg_read16(device, cfg.offset, PCI_COMMAND, "command");
	if ((cmd & want) != want)
		fail(EIO, "PCI_COMMAND reads 0x%04x after setting memory and bus master", cmd);
	printf("ok: device %s (%04x:%04x), PCI_COMMAND 0x%04x -> 0x%04x\n", bdf, vendor, devid,
	       cmd_orig, cmd);

	struct vfio_region_info bar;
	region_info(device, VFIO_PCI_BAR0_REGION_INDEX, &bar, "BAR0");
	if (bar.size < EDU_BAR_MIN)
		fail(ENODEV, "BAR0 is %llu bytes", (unsigned long long)bar.size);
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) ||
	    !(bar.flags & VFIO_REGION_INFO_FLAG_READ) || !(bar.flags & VFIO_REGION_INFO_FLAG_WRITE))
		fail(ENOTSUP, "BAR0 not mmappable read/write (flags 0x%x)", bar.flags);
	void *bar_map =
	    mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, device, (off_t)bar.offset);
	if (bar_map == MAP_FAILED)
		die("mmap BAR0");
	volatile uint8_t *mmio = bar_map;

	uint64_t seed = fresh_seed();
	uint32_t id = rd32(mmio, EDU_REG_ID);
	if ((id & 0xffff) != 0x00ed)
		fail(ENODEV, "BAR0 identification reads 0x%08x, not edu's 0xRRrr00ed", id);
	uint32_t probe = (uint32_t)xorshift64(&seed);
	wr32(mmio, EDU_REG_LIVE, probe);
	uint32_t live = rd32(mmio, EDU_REG_LIVE);
	if (live != ~probe)
		fail(EIO, "liveness: wrote 0x%08x, read 0x%08x, want 0x%08x", probe, live, ~probe);
	printf("ok: BAR0 %llu bytes mmapped, edu id 0x%08x (v%u.%u), liveness ok\n",
	       (unsigned long long)bar.size, id, id >> 24, (id >> 16) & 0xff);

	/* Source in the first half, destination in the second, each page-aligned. */
	size_t half = (size + align - 1) & ~(align - 1);
	size_t map_len = 2 * half;
	if (IOVA + map_len > (1ull << EDU_DMA_MASK_BITS))
		fail(ERANGE, "IOVA 0x%llx + %zu beyond edu's %d-bit DMA mask", IOVA, map_len,
		     EDU_DMA_MASK_BITS);
	uint8_t *buf =
	    mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap %zu-byte DMA buffer", map_len);
	uint8_t *src = buf, *dst = buf + half;
	for (size_t i = 0; i < size; i++)
		src[i] = (uint8_t)(xorshift64(&seed) >> 56);
	/* Anything but the pattern, so a DMA that did nothing cannot pass. */
	for (size_t i = 0; i < half; i++)
		dst[i] = not_pattern(src[i % size]);

	/* With --native-map, MAP_DMA covers the source half only. */
	size_t vfio_len = native ? half : map_len;
	struct vfio_iommu_type1_dma_map map = {
	    .argsz = sizeof(map),
	    .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
	    .vaddr = (uintptr_t)buf,
	    .iova = IOVA,
	    .size = vfio_len,
	};
	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
		die("VFIO_IOMMU_MAP_DMA %zu bytes at iova 0x%llx", vfio_len, IOVA);
	printf("ok: mapped %zu bytes at iova 0x%llx\n", vfio_len, IOVA);
	struct vfc_iommu_vfio_ioas ioas = {.size = sizeof(ioas), .op = VFC_IOMMU_VFIO_IOAS_GET};
	if (native) {
		if (ioctl(container, VFC_IOMMU_VFIO_IOAS, &ioas))
			die("IOMMU_VFIO_IOAS GET (--native-map needs iommufd behind the "
			    "container)");
		struct vfc_iommu_ioas_map nmap = {
		    .size = sizeof(nmap),
		    .flags = VFC_IOMMU_IOAS_MAP_FIXED_IOVA | VFC_IOMMU_IOAS_MAP_READABLE |
			     VFC_IOMMU_IOAS_MAP_WRITEABLE,
		    .ioas_id = ioas.ioas_id,
		    .user_va = (uintptr_t)dst,
		    .length = half,
		    .iova = IOVA + half,
		};
		if (ioctl(container, VFC_IOMMU_IOAS_MAP, &nmap))
			die("IOMMU_IOAS_MAP %zu bytes at iova 0x%llx on IOAS %u", half, IOVA + half,
			    ioas.ioas_id);
		printf("ok: native IOMMU_IOAS_MAP %zu bytes at iova 0x%llx on compat IOAS %u\n",
		       half, IOVA + half, ioas.ioas_id);
	}

	dma(mmio, IOVA, EDU_BUF_ADDR, (uint32_t)size, 0, "dma ram -> edu");
	dma(mmio, EDU_BUF_ADDR, IOVA + half, (uint32_t)size, EDU_DMA_TO_RAM, "dma edu -> ram");
	for (size_t i = 0; i < size; i++)
		if (dst[i] != src[i])
			fail(EIO, "verify: byte %zu of %lu is 0x%02x, want 0x%02x", i, size, dst[i],
			     src[i]);
	/* The bytes past the transfer must be untouched. */
	for (size_t i = size; i < half; i++)
		if (dst[i] != not_pattern(src[i % size]))
			fail(EIO, "verify: byte %zu past the %lu-byte transfer was written", i,
			     size);
	printf("ok: dma to device and back verified %lu bytes\n", size);

	if (show_fds)
		list_fds();

	/* No more DMA from the device before its mapping goes away. */
	cfg_write16(device, cfg.offset, PCI_COMMAND, cmd_orig, "command restore");
	if (munmap(bar_map, bar.size))
		die("munmap BAR0");
	if (native) {
		struct vfc_iommu_ioas_unmap nunmap = {.size = sizeof(nunmap),
						      .ioas_id = ioas.ioas_id,
						      .iova = IOVA + half,
						      .length = half};
		if (ioctl(container, VFC_IOMMU_IOAS_UNMAP, &nunmap))
			die("IOMMU_IOAS_UNMAP");
		printf("ok: native IOMMU_IOAS_UNMAP %llu bytes\n",
		       (unsigned long long)nunmap.length);
	}
	struct vfio_iommu_type1_dma_unmap unmap = {
	    .argsz = sizeof(unmap),
	    .iova = IOVA,
	    .size = vfio_len,
	};
	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		die("VFIO_IOMMU_UNMAP_DMA");
	if (unmap.size != vfio_len)
		fail(EIO, "VFIO_IOMMU_UNMAP_DMA unmapped %llu bytes, mapped %zu",
		     (unsigned long long)unmap.size, vfio_len);
	printf("ok: unmapped %llu bytes at iova 0x%llx\n", (unsigned long long)unmap.size, IOVA);
	if (munmap(buf, map_len))
		die("munmap DMA buffer");

	if (close(device))
		die("close device");
	/* Detach as a VMM does on teardown, before the container goes. */
	if (ioctl(group, VFIO_GROUP_UNSET_CONTAINER))
		die("VFIO_GROUP_UNSET_CONTAINER");
	if (close(group))
		die("close group");
	if (close(container))
		die("close container");
	printf("ok: done\n");
	return 0;
}
