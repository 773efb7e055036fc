// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO fds this process did not open: inherited across exec (QEMU's live
 * update re-execs with its container fd; a launcher hands a VMM its group
 * fds). The constructor scans /proc/self/fd once, before main and so before
 * any seccomp filter, and tracks what it finds: the type1 container (10:196),
 * the target node, groups (/dev/vfio/N), VFIO device fds. Fds received later
 * over SCM_RIGHTS (DPDK's secondary processes) are not seen: see
 * docs/hardening.md.
 */
#include "fds.h"
#include "init.h"
#include "settings.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "classify.h"
#include "report.h"
#include "scratch.h"
#include "stats.h"

static void record(int fd, const char *path, const char *node)
{
	struct vfc_fmt *f;

	vfc_report_start_once();
	if (!(f = vfc_fmt_take()))
		return;
	vfc_fmt_open(f, fd, path, node, "inherited", NULL, 0);
	vfc_report_line(f);
	vfc_scratch_give(f);
}

static void adopt(int dirfd, int fd, const struct stat *target)
{
	struct stat st;
	char name[16], path[128];

	if (syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH) < 0)
		return;
	char *q = name + sizeof(name) - 1;
	*q = '\0';
	for (unsigned v = (unsigned)fd; q == name + sizeof(name) - 1 || v; v /= 10)
		*--q = (char)('0' + v % 10);
	memmove(name, q, (size_t)(name + sizeof(name) - q));
	long len = syscall(SYS_readlinkat, dirfd, name, path, sizeof(path) - 1);
	path[len > 0 ? len : 0] = '\0';

	bool container =
	    S_ISCHR(st.st_mode) && st.st_rdev == makedev(VFC_CONTAINER_MAJOR, VFC_CONTAINER_MINOR);

	/* The container is type1's whatever VFIOCOMPAT_TARGET names (it may name the container). */
	if (!container && S_ISCHR(st.st_mode) && target && st.st_rdev == target->st_rdev &&
	    !strcmp(path, vfc_cfg.target)) {
		/*
		 * An iommufd opened as the target: a redirected container before the
		 * exec, or a native user's. By node and by name, so that another node
		 * sharing the target's number in a test's /dev is not taken for it.
		 */
		atomic_fetch_add(&vfc_stats.containers, 1);
		atomic_fetch_add(&vfc_stats.already_iommufd, 1);
		vfc_fd_track(fd, VFC_FD_ENTRY(VFC_FD_IOMMUFD, 0));
		record(fd, path, "iommufd");
	} else if (container) {
		/* Its iommu type is unknown (0): failed ioctls are then not decoded. */
		atomic_fetch_add(&vfc_stats.containers, 1);
		vfc_type1_limit_get();
		vfc_fd_track(fd, VFC_FD_ENTRY(VFC_FD_TYPE1, 0));
		record(fd, path, "container");
	} else if (S_ISCHR(st.st_mode) && major(st.st_rdev) != VFC_CONTAINER_MAJOR &&
		   !strncmp(path, "/dev/vfio/", 10) && vfc_name_is_group(path + 10)) {
		atomic_fetch_add(&vfc_stats.groups, 1);
		vfc_fd_track(fd, VFC_FD_ENTRY(VFC_FD_GROUP, vfc_group_number(path) + 1));
		record(fd, path, "group");
	} else if (!strcmp(path, "anon_inode:[vfio-device]")) {
		/* Its group is unknown: BAR mmaps are still seen. */
		atomic_fetch_add(&vfc_stats.devices, 1);
		vfc_fd_track(fd, VFC_FD_ENTRY(VFC_FD_DEVICE, 0));
	}
}

void vfc_adopt_inherited(void)
{
	struct stat target;
	char buf[1024];
	int saved = errno;
	bool have_target = syscall(SYS_newfstatat, AT_FDCWD, vfc_cfg.target, &target, 0) == 0;
	int dirfd =
	    (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0) {
		errno = saved;
		return;
	}
	for (;;) {
		long n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			int fd = 0;
			const char *p = d->d_name;
			for (; *p >= '0' && *p <= '9' && fd < (1 << 24); p++)
				fd = fd * 10 + (*p - '0');
			if (!*p && p != d->d_name && fd != dirfd && !vfc_fd_get(fd))
				adopt(dirfd, fd, have_target ? &target : NULL);
			off += d->d_reclen;
		}
	}
	syscall(SYS_close, dirfd);
	errno = saved;
}
