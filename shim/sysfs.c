// SPDX-License-Identifier: GPL-2.0-only
/* sysfs reads for the GET_INFO fix-up, async-signal-safe. */
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fmt.h"

static long read_file(const char *path, char *buf, size_t size)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -1;
	while (len + 1 < size) {
		long n = syscall(SYS_read, fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	syscall(SYS_close, fd);
	buf[len] = '\0';
	return (long)len;
}

static bool read_hex(const char *path, uint64_t *v)
{
	char buf[64];
	uint64_t x = 0;
	int digits = 0;

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	for (const char *p = buf; *p && *p != '\n'; p++, digits++) {
		int d = *p >= '0' && *p <= '9'	 ? *p - '0'
			: *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
			: *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
						 : -1;
		if (d < 0 || digits == 16)
			return false;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	return digits > 0;
}

/* First device name in the group's devices/ directory. */
static bool first_device(const char *dir, char *name, size_t size)
{
	char buf[1024];
	int fd = (int)syscall(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool found = false;

	if (fd < 0)
		return false;
	long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	for (long off = 0; off < n && !found;) {
		struct dirent64 *d = (struct dirent64 *)(buf + off);
		if (d->d_name[0] != '.' && strlen(d->d_name) < size) {
			strcpy(name, d->d_name);
			found = true;
		}
		off += d->d_reclen;
	}
	syscall(SYS_close, fd);
	return found;
}

static void path2(struct vfc_fmt *f, const char *a, int group, const char *b)
{
	vfc_fmt_init(f);
	vfc_fmt_str(f, a);
	vfc_fmt_u64(f, (uint64_t)group);
	vfc_fmt_str(f, b);
}

bool vfc_group_facts(int group, struct vfc_range *resv, int *nresv, int max,
		     struct vfc_iommu_facts *facts, const char **why)
{
	struct vfc_fmt p;
	char text[4096], dev[256], link[512];

	path2(&p, "/sys/kernel/iommu_groups/", group, "/reserved_regions");
	if (read_file(p.buf, text, sizeof(text)) < 0) {
		*why = "cannot read the group's reserved_regions in sysfs";
		return false;
	}
	bool msi;
	int n = vfc_parse_resv_regions(text, resv + *nresv, max - *nresv, &msi);
	if (n < 0) {
		*why = "unexpected reserved_regions format or too many regions";
		return false;
	}
	*nresv += n;

	path2(&p, "/sys/kernel/iommu_groups/", group, "/devices");
	if (!first_device(p.buf, dev, sizeof(dev))) {
		*why = "the group lists no device in sysfs";
		return false;
	}
	vfc_fmt_str(&p, "/");
	vfc_fmt_str(&p, dev);
	vfc_fmt_str(&p, "/iommu");
	long len = syscall(SYS_readlinkat, AT_FDCWD, p.buf, link, sizeof(link) - 1);
	if (len <= 0) {
		*why = "the device has no iommu link in sysfs";
		return false;
	}
	link[len] = '\0';
	const char *iommu = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;

	uint64_t cap, ecap;
	vfc_fmt_init(&p);
	vfc_fmt_str(&p, "/sys/class/iommu/");
	vfc_fmt_str(&p, iommu);
	size_t base = p.len;
	vfc_fmt_str(&p, "/intel-iommu/cap");
	bool ok = read_hex(p.buf, &cap);
	p.len = base;
	p.buf[base] = '\0';
	vfc_fmt_str(&p, "/intel-iommu/ecap");
	if (!ok || !read_hex(p.buf, &ecap)) {
		*why = "the IOMMU is not Intel VT-d: only VT-d domains are modelled";
		return false;
	}
	/*
	 * VT-d lists its MSI window (the IOAPIC range) for every device, after
	 * the device's RMRRs. The kernel drops regions it cannot allocate without
	 * an error, and a failed insertion drops the rest of the device's list,
	 * the window included: a list without it is incomplete, and answering
	 * from it would offer IOVAs the domain refuses. (A lone failed RMRR
	 * allocation, or another device's in a multi-device group, still goes
	 * unseen: docs/hardening.md.)
	 */
	if (!msi) {
		*why = "the group's reserved_regions lacks VT-d's MSI window: the list is "
		       "incomplete (the kernel drops regions it cannot allocate)";
		return false;
	}
	char cmdline[4096];
	bool sp_off =
	    read_file("/proc/cmdline", cmdline, sizeof(cmdline)) > 0 && strstr(cmdline, "sp_off");
	return vfc_vtd_facts(cap, ecap, sp_off, facts, why);
}

uint32_t vfc_type1_dma_entry_limit(void)
{
	char buf[32];
	uint64_t v = 0;

	if (read_file("/sys/module/vfio_iommu_type1/parameters/dma_entry_limit", buf,
		      sizeof(buf)) <= 0)
		return 65535;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (uint64_t)(*p - '0')) > UINT32_MAX)
			return UINT32_MAX;
	return v ? (uint32_t)v : 65535;
}
