// SPDX-License-Identifier: GPL-2.0-only
/*
 * The open redirect: a container open goes to the target (iommufd) unless
 * the caller's own permissions refuse the container (the permission probe),
 * falls back to type1 or fails as configured; groups and already-iommufd
 * nodes are tracked. Every path that is not VFIO's reaches the real openat.
 */
#include "fds.h"
#include "init.h"
#include "open.h"
#include "real.h"
#include "settings.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "classify.h"
#include "errmap.h"
#include "report.h"
#include "scratch.h"
#include "stats.h"

static const char *node_name(enum vfc_node n)
{
	switch (n) {
	case VFC_NODE_CONTAINER:
		return "container";
	case VFC_NODE_IOMMUFD:
		return "iommufd";
	case VFC_NODE_GROUP:
		return "group";
	default:
		return "other";
	}
}

static void report_open(int fd, const char *path, enum vfc_node node, const char *action,
			const char *target, int err)
{
	struct vfc_fmt *f;

	vfc_report_start_once();
	if (!(f = vfc_fmt_take()))
		return;
	vfc_fmt_open(f, fd, path, node_name(node), action, target, err);
	vfc_report_line(f);
	vfc_scratch_give(f);
}

static int real_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	if (vfc_real.openat)
		return vfc_real.openat(dirfd, path, flags, mode);
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

static _Atomic int fallback_warned;

static void warn_fallback(int err)
{
	struct vfc_fmt *f;
	const char *name = vfc_errno_name(err);

	if (atomic_exchange(&fallback_warned, 1))
		return;
	if (!(f = vfc_fmt_take())) {
		atomic_store(&fallback_warned, 0); /* the next fallback warns */
		return;
	}
	vfc_fmt_str(f, "vfiocompat: cannot open ");
	vfc_fmt_str(f, vfc_cfg.target);
	vfc_fmt_str(f, " (");
	vfc_fmt_str(f, name ? name : "error");
	vfc_fmt_str(f, "): using the VFIO type1 container unchanged; load iommufd "
		       "(modprobe iommufd) or set VFIOCOMPAT_TARGET, or "
		       "VFIOCOMPAT_FALLBACK=fail to refuse");
	vfc_warn(f->buf);
	vfc_scratch_give(f);
}

/*
 * Never widen access: a caller whom the container's permissions (mode, ACL,
 * LSM) refuse must not get the target instead. Asked of the kernel by opening
 * the container itself, the call the caller made, then closing it: no syscall
 * a plain run does not make. Returns the refusal's errno, or 0.
 */
static int container_refused(int dirfd, const char *path, int flags)
{
	int saved = errno, err = 0;
	int fd = real_openat(dirfd, path, (flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_CLOEXEC, 0);

	if (fd >= 0)
		vfc_real.close ? vfc_real.close(fd) : (int)syscall(SYS_close, fd);
	else if (errno == EACCES || errno == EPERM || errno == EROFS)
		err = errno;
	errno = saved;
	return err;
}

/* A container left on type1: audited as asked, or a fallback for `err`. */
static void track_type1(int fd, const char *path, int err)
{
	int saved = errno;

	vfc_fd_track(fd, VFC_FD_ENTRY(VFC_FD_TYPE1, 0));
	if (vfc_cfg.mode == VFC_MODE_AUDIT) {
		report_open(fd, path, VFC_NODE_CONTAINER, "audit", NULL, 0);
	} else {
		atomic_fetch_add(&vfc_stats.fallbacks, 1);
		report_open(fd, path, VFC_NODE_CONTAINER, "fallback", vfc_cfg.target, err);
	}
	errno = saved;
}

static void count_container(void)
{
	atomic_fetch_add(&vfc_stats.containers, 1);
	if (!atomic_load(&vfc_stats.dma_entry_limit))
		atomic_store(&vfc_stats.dma_entry_limit, vfc_type1_limit_get());
}

/*
 * The target is the container itself (by identity: VFIOCOMPAT_TARGET=
 * /dev/vfio/vfio or a link to it): nothing to redirect to. Said once; the
 * fallback policy then applies with EINVAL, so the run reads as one that
 * stayed on type1, never as already on iommufd.
 */
static void warn_target_is_container(void)
{
	struct vfc_fmt *f;

	if (atomic_exchange(&fallback_warned, 1))
		return;
	if (!(f = vfc_fmt_take())) {
		atomic_store(&fallback_warned, 0); /* the next open warns */
		return;
	}
	vfc_fmt_str(f, "vfiocompat: VFIOCOMPAT_TARGET ");
	vfc_fmt_str(f, vfc_cfg.target);
	vfc_fmt_str(f, " is the VFIO container itself (char 10:196), not an iommufd node: ");
	vfc_fmt_str(f, vfc_cfg.fallback == VFC_FALLBACK_FAIL
			   ? "container opens are refused (VFIOCOMPAT_FALLBACK=fail)"
			   : "using the VFIO type1 container unchanged");
	vfc_fmt_str(f, "; set VFIOCOMPAT_TARGET to /dev/iommu");
	vfc_warn(f->buf);
	vfc_scratch_give(f);
}

/* The target cannot be used (ERR): the fallback policy decides. */
static int no_target(int dirfd, const char *path, int flags, mode_t mode, int err)
{
	if (vfc_cfg.fallback == VFC_FALLBACK_FAIL) {
		report_open(-1, path, VFC_NODE_CONTAINER, "refused", vfc_cfg.target, err);
		errno = err;
		return -1;
	}
	int fd = real_openat(dirfd, path, flags, mode);
	if (fd >= 0)
		track_type1(fd, path, err);
	return fd;
}

static int open_container(int dirfd, const char *path, int flags, mode_t mode,
			  bool target_is_container)
{
	count_container();
	if (vfc_cfg.mode == VFC_MODE_AUDIT) {
		int fd = real_openat(dirfd, path, flags, mode);
		if (fd >= 0)
			track_type1(fd, path, 0);
		return fd;
	}

	int err = container_refused(dirfd, path, flags);
	if (err) {
		report_open(-1, path, VFC_NODE_CONTAINER, "denied", vfc_cfg.target, err);
		errno = err;
		return -1;
	}
	if (target_is_container) {
		warn_target_is_container();
		return no_target(dirfd, path, flags, mode, EINVAL);
	}
	/* Flags are kept as given (O_CLOEXEC above all); O_CREAT is meaningless on a node. */
	int fd = real_openat(AT_FDCWD, vfc_cfg.target, flags & ~(O_CREAT | O_EXCL | O_TRUNC), 0);
	if (fd >= 0) {
		atomic_fetch_add(&vfc_stats.redirected, 1);
		vfc_fd_track(fd, VFC_FD_ENTRY(VFC_FD_REDIRECTED, 0));
		report_open(fd, path, VFC_NODE_CONTAINER, "redirected", vfc_cfg.target, 0);
		vfc_set_rlimit_mode(fd);
		return fd;
	}
	err = errno;
	if (vfc_cfg.fallback != VFC_FALLBACK_FAIL)
		warn_fallback(err);
	return no_target(dirfd, path, flags, mode, err);
}

static void track_group(int fd, const char *path)
{
	int saved = errno;
	int group = vfc_group_number(path);

	atomic_fetch_add(&vfc_stats.groups, 1);
	vfc_fd_track(fd, VFC_FD_ENTRY(VFC_FD_GROUP, group + 1));
	report_open(fd, path, VFC_NODE_GROUP, "tracked", NULL, 0);
	errno = saved;
}

/*
 * The stat that classifies a path failed, yet the open may succeed: the
 * failure was transient (an allocation, as fault injection shows). Classify
 * the opened fd then, so a container or group is never used untracked and
 * unreported. One fstat, on this rare path only (not for a file the open just
 * created); the container stays type1.
 */
static int open_unclassified(int dirfd, const char *path, int flags, mode_t mode, int stat_err)
{
	struct stat st;
	int fd = real_openat(dirfd, path, flags, mode);
	int saved = errno;

	if (fd < 0 || (stat_err == ENOENT && (flags & O_CREAT)) || fstat(fd, &st) < 0) {
		errno = saved;
		return fd;
	}
	switch (vfc_node_classify(path, &st, NULL)) {
	case VFC_NODE_CONTAINER:
		count_container();
		track_type1(fd, path, stat_err);
		break;
	case VFC_NODE_GROUP:
		track_group(fd, path);
		break;
	default:
		break;
	}
	errno = saved;
	return fd;
}

static int open_vfio(int dirfd, const char *path, int flags, mode_t mode)
{
	struct stat st, target;
	int saved = errno;

	if (vfc_ready())
		vfc_config_ensure();
	if (!vfc_ready() || vfc_cfg.mode == VFC_MODE_OFF) {
		errno = saved;
		return real_openat(dirfd, path, flags, mode);
	}
	if (fstatat(dirfd, path, &st, (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0) < 0) {
		int stat_err = errno;
		errno = saved;
		return open_unclassified(dirfd, path, flags, mode, stat_err);
	}
	bool have_target = stat(vfc_cfg.target, &target) == 0;
	/* A target that is the container: the path is a container, never "already iommufd". */
	bool target_is_container = have_target && vfc_target_is_container(&target);
	enum vfc_node node =
	    vfc_node_classify(path, &st, have_target && !target_is_container ? &target : NULL);
	errno = saved;

	int fd;
	switch (node) {
	case VFC_NODE_CONTAINER:
		return open_container(dirfd, path, flags, mode, target_is_container);
	case VFC_NODE_IOMMUFD:
		fd = real_openat(dirfd, path, flags, mode);
		if (fd >= 0) {
			atomic_fetch_add(&vfc_stats.containers, 1);
			atomic_fetch_add(&vfc_stats.already_iommufd, 1);
			vfc_fd_track(fd, VFC_FD_ENTRY(VFC_FD_IOMMUFD, 0));
			report_open(fd, path, node, "already-iommufd", NULL, 0);
		}
		return fd;
	case VFC_NODE_GROUP:
		fd = real_openat(dirfd, path, flags, mode);
		if (fd >= 0)
			track_group(fd, path);
		return fd;
	default:
		return real_openat(dirfd, path, flags, mode);
	}
}

/* The stats, probes and records, on the caller's stack (docs/hardening.md). */
int vfc_open_vfio(int dirfd, const char *path, int flags, mode_t mode)
{
	return open_vfio(dirfd, path, flags, mode);
}
