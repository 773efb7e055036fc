// SPDX-License-Identifier: GPL-2.0-only
/* sysfs reads for the GET_INFO fix-up, async-signal-safe. */
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scratch.h"

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

/* First device name in the group's devices/ directory (`buf`: getdents room). */
static bool first_device(const char *dir, char *name, size_t size, char *buf, size_t bufsize)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool found = false;

	if (fd < 0)
		return false;
	long n = syscall(SYS_getdents64, fd, buf, bufsize);
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

/* The facts' buffers, in one scratch slot (scratch.h), not on the stack. */
struct facts_bufs {
	char text[4096]; /* reserved_regions, then /proc/cmdline */
	char path[1024];
	char dev[256];
	char link[512];
	_Alignas(8) char dents[1024];
};
_Static_assert(sizeof(struct facts_bufs) <= VFC_SCRATCH_SIZE, "fits a slot");

/* path = a, the decimal group, b, c (each may be ""); false if it does not fit. */
static bool path_of(char *out, size_t size, const char *a, int group, const char *b, const char *c)
{
	char num[16], *q = num + sizeof(num) - 1;
	unsigned v = (unsigned)group;
	const char *parts[4] = {a, num, b, c};
	size_t len = 0;

	*q = '\0';
	do
		*--q = (char)('0' + v % 10);
	while (v /= 10);
	parts[1] = q;
	for (int i = 0; i < 4; i++) {
		size_t n = strlen(parts[i]);
		if (n >= size - len)
			return false;
		memcpy(out + len, parts[i], n + 1);
		len += n;
	}
	return true;
}

static bool group_facts(int group, struct vfc_range *resv, int *nresv, int max,
			struct vfc_iommu_facts *facts, const char **why, struct facts_bufs *s);

bool vfc_group_facts(int group, struct vfc_range *resv, int *nresv, int max,
		     struct vfc_iommu_facts *facts, const char **why)
{
	struct facts_bufs *s = vfc_scratch_take();

	if (!s) {
		*why = "no scratch slot free for the sysfs reads (that many threads inside the "
		       "shim at once)";
		return false;
	}
	bool ok = group_facts(group, resv, nresv, max, facts, why, s);
	vfc_scratch_give(s);
	return ok;
}

static bool group_facts(int group, struct vfc_range *resv, int *nresv, int max,
			struct vfc_iommu_facts *facts, const char **why, struct facts_bufs *s)
{
	char *text = s->text, *dev = s->dev, *link = s->link, *p = s->path;

	if (!path_of(p, sizeof(s->path), "/sys/kernel/iommu_groups/", group, "/reserved_regions",
		     "") ||
	    read_file(p, text, sizeof(s->text)) < 0) {
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

	path_of(p, sizeof(s->path), "/sys/kernel/iommu_groups/", group, "/devices", "");
	if (!first_device(p, dev, sizeof(s->dev), s->dents, sizeof(s->dents))) {
		*why = "the group lists no device in sysfs";
		return false;
	}
	long len = -1;
	if (path_of(p, sizeof(s->path), "/sys/kernel/iommu_groups/", group, "/devices/", dev) &&
	    strlen(p) + sizeof("/iommu") <= sizeof(s->path)) {
		strcat(p, "/iommu");
		len = syscall(SYS_readlinkat, AT_FDCWD, p, link, sizeof(s->link) - 1);
	}
	if (len <= 0) {
		*why = "the device has no iommu link in sysfs";
		return false;
	}
	link[len] = '\0';
	const char *iommu = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;

	uint64_t cap, ecap;
	bool ok = strlen(iommu) + sizeof("/sys/class/iommu//intel-iommu/ecap") <= sizeof(s->path);
	if (ok) {
		strcpy(p, "/sys/class/iommu/");
		strcat(p, iommu);
		size_t base = strlen(p);
		strcpy(p + base, "/intel-iommu/cap");
		ok = read_hex(p, &cap);
		strcpy(p + base, "/intel-iommu/ecap");
	}
	if (!ok || !read_hex(p, &ecap)) {
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
	/* The reserved_regions text is parsed: its buffer takes the command line. */
	bool sp_off =
	    read_file("/proc/cmdline", text, sizeof(s->text)) > 0 && strstr(text, "sp_off");
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
