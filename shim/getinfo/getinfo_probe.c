// SPDX-License-Identifier: GPL-2.0-only
/* The vendor-neutral GET_INFO fix-up (getinfo_probe.h): no malloc, the real ioctl only. */
#include "getinfo_probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "attach.h"
#include "fdtable.h"
#include "fmt.h"
#include "real.h"
#include "report.h"
#include "scratch.h"
#include "stats.h"

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t); /* vDSO: no syscall a filter sees */
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * iommufd's whole answer in our own buffer (a scratch slot, answer.c):
 * ranges and page sizes, -1 unreadable (or no slot free).
 */
_Static_assert(sizeof(struct vfc_info_answer) <= VFC_SCRATCH_SIZE, "fits a slot");

static int read_info(int fd, struct vfc_range *r, uint64_t *pgsizes)
{
	struct vfc_info_answer *a = vfc_scratch_take();
	int n = -1;

	*pgsizes = 0;
	if (a)
		n = vfc_info_read(fd, a, r, pgsizes);
	vfc_scratch_give(a);
	return n;
}

/* Opens the first device of group `group` that VFIO gives out through `gfd`. */
static int open_one(int gfd, int group, int *err)
{
	static const char pre[] = "/sys/kernel/iommu_groups/", post[] = "/devices";
	char path[sizeof(pre) + 10 + sizeof(post)], num[12], *q = num + sizeof(num) - 1;
	_Alignas(8) char buf[512]; /* room for one entry of the longest name */
	int dev = -1;
	unsigned v = (unsigned)group;

	*q = '\0';
	do
		*--q = (char)('0' + v % 10);
	while (v /= 10);
	memcpy(path, pre, sizeof(pre) - 1);
	memcpy(path + sizeof(pre) - 1, q, strlen(q));
	memcpy(path + sizeof(pre) - 1 + strlen(q), post, sizeof(post));
	int dfd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*err = ENOENT;
	if (dfd < 0) {
		*err = errno;
		return -1;
	}
	for (;;) {
		long n = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (long off = 0; off < n && dev < 0;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			dev = (int)vfc_real_ioctl_call(gfd, VFIO_GROUP_GET_DEVICE_FD, d->d_name);
			if (dev < 0)
				*err = errno;
		}
		if (dev >= 0)
			break;
	}
	syscall(SYS_close, dfd);
	return dev;
}

static void close_all(struct vfc_probe *p)
{
	for (int i = 0; i < p->ngroups; i++)
		if (p->dev_fds[i] >= 0) {
			syscall(SYS_close, p->dev_fds[i]);
			p->dev_fds[i] = -1;
		}
}

bool vfc_probe_begin(int fd, struct vfc_probe *p)
{
	int saved = errno;
	bool device;
	int groups[VFC_PROBE_GROUPS + 1];

	memset(p, 0, sizeof(*p));
	p->t0_ns = now_ns();
	for (int i = 0; i < VFC_PROBE_GROUPS; i++)
		p->dev_fds[i] = -1;
	int ngroups = vfc_attach_groups(fd, groups, VFC_PROBE_GROUPS + 1, &device);
	if (ngroups > VFC_PROBE_GROUPS) {
		p->why = "more groups on the container than the probe opens at once";
		goto out;
	}
	p->ngroups = ngroups;
	p->nearly = read_info(fd, p->early, &p->early_pgsizes);
	int high = atomic_load_explicit(&vfc_fd_high, memory_order_relaxed);
	for (int i = 0; i < p->ngroups; i++) {
		p->groups[i] = groups[i];
		int gfd = vfc_probe_group_fd(vfc_fd_table, high, groups[i]);
		if (gfd < 0) {
			p->why = "the program holds no fd of a group on the container";
			break;
		}
		p->dev_fds[i] = open_one(gfd, groups[i], &p->err);
		if (p->dev_fds[i] < 0) {
			p->why = "no device of a group on the container could be opened "
				 "(VFIO_GROUP_GET_DEVICE_FD)";
			break;
		}
	}
	if (p->why || !p->ngroups)
		close_all(p);
	else
		p->attached = true;
out:
	errno = saved;
	return p->attached;
}

void vfc_probe_end(int fd, struct vfc_probe *p, int ret)
{
	struct vfc_range got[VFC_MAX_RANGES];
	uint64_t got_pg = 0;
	int ngot = -1, saved = errno;
	struct vfc_fmt *f;

	if (!p->attached)
		return;
	if (ret == 0)
		ngot = read_info(fd, got, &got_pg);
	close_all(p);
	p->attached = false;
	if (ret == 0) {
		int64_t us = (int64_t)((now_ns() - p->t0_ns) / 1000);
		struct vfc_get_info_how how = {.method = "probe", .probe_us = us};
		atomic_fetch_add(&vfc_stats.get_info_early, 1);
		atomic_fetch_add(&vfc_stats.get_info_fixed, 1);
		if (!(f = vfc_fmt_take())) {
			errno = saved;
			return;
		}
		vfc_fmt_get_info_early(f, fd, p->ngroups, "fixed",
				       ngot < 0
					   ? "the answer with the devices attached could not be "
					     "read back for this record"
					   : NULL,
				       p->early_pgsizes, p->early, p->nearly > 0 ? p->nearly : 0,
				       got_pg, got, ngot > 0 ? ngot : 0, &how);
		vfc_report_line(f);
		vfc_scratch_give(f);
	}
	errno = saved;
}
