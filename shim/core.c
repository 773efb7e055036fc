// SPDX-License-Identifier: GPL-2.0-only
/*
 * The manager under the preload face: initialisation, the open redirect,
 * and observation of container and group ioctls. Every path that is not
 * VFIO's returns to the real function without a syscall of ours.
 */
#include "core.h"

#include <dlfcn.h>
#include <errno.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "attach.h"
#include "bar.h"
#include "classify.h"
#include "decode.h"
#include "errmap.h"
#include "report.h"
#include "stats.h"
#include "sysfs.h"
#include "iova.h"
#include "migobs.h"
#include "vfiocompat/iommufd-uapi.h"

struct vfc_real_fns vfc_real;
struct vfc_config vfc_cfg;
_Atomic int vfc_init_state; /* 0 none, 1 running, 2 done */
/* The hot-path copy of vfc_real.ioctl, read by preload_ioctl.c. */
__typeof__(ioctl) *vfc_real_ioctl;
_Atomic uint32_t vfc_fd_table[VFC_FD_MAX];
_Atomic int vfc_fd_high;

static void *lookup(const char *name, bool required)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p && required) {
		struct vfc_fmt f;

		vfc_fmt_init(&f);
		vfc_fmt_str(&f, "vfiocompat: libc has no ");
		vfc_fmt_str(&f, name);
		vfc_fmt_str(&f, "; calls to it will fail with ENOSYS");
		vfc_warn(f.buf);
	}
	return p;
}

static const char *env_get(const char *name)
{
	return secure_getenv(name);
}

/* A character device: vfiocompat.ko's node when the module is loaded. */
static bool is_char_node(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

static _Atomic int config_parsed;

static void parse_config_once(void)
{
	if (!atomic_exchange(&config_parsed, 1)) {
		vfc_config_parse(&vfc_cfg, env_get, vfc_warn);
		vfc_config_prefer_module(&vfc_cfg, env_get, is_char_node);
	}
}

static void after_fork_child(void)
{
	vfc_report_forked();
}

static void on_exit_report(void)
{
	vfc_report_exit();
}

bool vfc_init(void)
{
	int expected = 0;

	if (!atomic_compare_exchange_strong(&vfc_init_state, &expected, 1))
		return expected == 2;
	int saved = errno;

	vfc_report_note_stderr();
#define LOOKUP(field, sym, required)                                                               \
	vfc_real.field = (__typeof__(vfc_real.field))lookup(sym, required)
	LOOKUP(open, "open", true);
	LOOKUP(open64, "open64", true);
	LOOKUP(openat, "openat", true);
	LOOKUP(openat64, "openat64", true);
	LOOKUP(open_2, "__open_2", true);
	LOOKUP(open64_2, "__open64_2", true);
	LOOKUP(openat_2, "__openat_2", true);
	LOOKUP(openat64_2, "__openat64_2", true);
	LOOKUP(close, "close", true);
	LOOKUP(close_range, "close_range", false); /* glibc >= 2.34 */
	LOOKUP(dup, "dup", true);
	LOOKUP(dup2, "dup2", true);
	LOOKUP(dup3, "dup3", true);
	LOOKUP(fcntl, "fcntl", true);
	LOOKUP(fcntl64, "fcntl64", false); /* glibc >= 2.28 */
	LOOKUP(ioctl, "ioctl", true);
	vfc_real_ioctl = vfc_real.ioctl;
	LOOKUP(mmap, "mmap", true);
	LOOKUP(mmap64, "mmap64", true);
	LOOKUP(munmap, "munmap", true);
#undef LOOKUP

	/* Called before libc set up the environment (a sanitizer's own start-up
	 * opening files, say)? Keep defaults; the constructor reads it later. */
	if (environ)
		parse_config_once();
	pthread_atfork(NULL, NULL, after_fork_child);
	atexit(on_exit_report);
	atomic_store_explicit(&vfc_init_state, 2, memory_order_release);
	errno = saved;
	return true;
}

/* type1's dma_entry_limit, read at start (see vfc_ctor). */
static _Atomic uint32_t type1_limit;

__attribute__((constructor)) static void vfc_ctor(void)
{
	vfc_init();
	parse_config_once();
	/*
	 * Read here, before main, rather than at the first container open: a VMM
	 * that installs a seccomp allow-list in main must see no syscall from the
	 * shim that it does not make itself (docs/hardening.md). The pid too.
	 */
	if (vfc_cfg.mode != VFC_MODE_OFF) {
		int saved = errno;
		atomic_store(&type1_limit, vfc_type1_dma_entry_limit());
		vfc_pid();
		errno = saved;
	}
}

/* ---- open ---- */

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
	struct vfc_fmt f;

	vfc_report_start_once();
	vfc_fmt_open(&f, fd, path, node_name(node), action, target, err);
	vfc_report_line(&f);
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
	struct vfc_fmt f;
	const char *name = vfc_errno_name(err);

	if (atomic_exchange(&fallback_warned, 1))
		return;
	vfc_fmt_init(&f);
	vfc_fmt_str(&f, "vfiocompat: cannot open ");
	vfc_fmt_str(&f, vfc_cfg.target);
	vfc_fmt_str(&f, " (");
	vfc_fmt_str(&f, name ? name : "error");
	vfc_fmt_str(&f, "): using the VFIO type1 container unchanged; load iommufd "
			"(modprobe iommufd) or set VFIOCOMPAT_TARGET, or "
			"VFIOCOMPAT_FALLBACK=fail to refuse");
	vfc_warn(f.buf);
}

static int real_ioctl(int fd, unsigned long request, void *arg);

/*
 * type1 counts pinned pages against the process (what libvirt's per-guest
 * RLIMIT_MEMLOCK assumes); iommufd counts them per user unless told, before
 * any object exists, to count per process. Needs CAP_SYS_RESOURCE, unless
 * the target already counts per process (vfiocompat.ko's node).
 */
static void set_rlimit_mode(int fd)
{
	struct vfc_iommu_option o = {.size = sizeof(o),
				     .option_id = VFC_IOMMU_OPTION_RLIMIT_MODE,
				     .op = VFC_IOMMU_OPTION_OP_SET,
				     .val64 = 1};
	struct vfc_fmt f;
	int saved = errno, err = 0;

	struct vfc_iommu_option q = o;

	if (!vfc_cfg.rlimit_process)
		return;
	/* vfiocompat.ko's node opens already per process: no capability needed. */
	q.op = VFC_IOMMU_OPTION_OP_GET;
	q.val64 = 0;
	if (real_ioctl(fd, VFC_IOMMU_OPTION, &q) || q.val64 != 1)
		if (real_ioctl(fd, VFC_IOMMU_OPTION, &o))
			err = errno;
	atomic_store(&vfc_stats.rlimit_process, !err);
	vfc_fmt_rlimit(&f, fd, !err, err);
	vfc_report_line(&f);
	errno = saved;
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

	vfc_fd_set(fd, VFC_FD_ENTRY(VFC_FD_TYPE1, 0));
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
		atomic_store(&vfc_stats.dma_entry_limit, atomic_load(&type1_limit));
}

static int open_container(int dirfd, const char *path, int flags, mode_t mode)
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
	/* Flags are kept as given (O_CLOEXEC above all); O_CREAT is meaningless on a node. */
	int fd = real_openat(AT_FDCWD, vfc_cfg.target, flags & ~(O_CREAT | O_EXCL | O_TRUNC), 0);
	if (fd >= 0) {
		atomic_fetch_add(&vfc_stats.redirected, 1);
		vfc_fd_set(fd, VFC_FD_ENTRY(VFC_FD_REDIRECTED, 0));
		report_open(fd, path, VFC_NODE_CONTAINER, "redirected", vfc_cfg.target, 0);
		set_rlimit_mode(fd);
		return fd;
	}
	err = errno;
	if (vfc_cfg.fallback == VFC_FALLBACK_FAIL) {
		report_open(-1, path, VFC_NODE_CONTAINER, "refused", vfc_cfg.target, err);
		errno = err;
		return -1;
	}
	warn_fallback(err);
	fd = real_openat(dirfd, path, flags, mode);
	if (fd >= 0)
		track_type1(fd, path, err);
	return fd;
}

static void track_group(int fd, const char *path)
{
	int saved = errno;
	int group = vfc_group_number(path);

	atomic_fetch_add(&vfc_stats.groups, 1);
	vfc_fd_set(fd, VFC_FD_ENTRY(VFC_FD_GROUP, group + 1));
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

int vfc_open_vfio(int dirfd, const char *path, int flags, mode_t mode)
{
	struct stat st, target;
	int saved = errno;

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
	enum vfc_node node = vfc_node_classify(path, &st, have_target ? &target : NULL);
	errno = saved;

	int fd;
	switch (node) {
	case VFC_NODE_CONTAINER:
		return open_container(dirfd, path, flags, mode);
	case VFC_NODE_IOMMUFD:
		fd = real_openat(dirfd, path, flags, mode);
		if (fd >= 0) {
			atomic_fetch_add(&vfc_stats.containers, 1);
			atomic_fetch_add(&vfc_stats.already_iommufd, 1);
			vfc_fd_set(fd, VFC_FD_ENTRY(VFC_FD_IOMMUFD, 0));
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

/* ---- ioctl observation ---- */

static int real_ioctl(int fd, unsigned long request, void *arg)
{
	if (vfc_real.ioctl)
		return vfc_real.ioctl(fd, request, arg);
	return (int)syscall(SYS_ioctl, fd, request, arg);
}

/*
 * The kernel answers EFAULT both for a bad argument pointer and for memory
 * it cannot pin (a BAR mmap under iommufd). Read the struct through the
 * kernel then, so a bad pointer can never fault inside the host process.
 */
static bool safe_copy(void *dst, const void *src, size_t n)
{
	struct iovec local = {dst, n}, remote = {(void *)src, n};

	return syscall(SYS_process_vm_readv, vfc_pid(), &local, 1, &remote, 1, 0) == (ssize_t)n;
}

static void feature_hit(enum vfc_feature ft, const struct vfc_rec *r, int ret, int err,
			bool on_type1)
{
	struct vfc_feature_seen *s = &vfc_stats.feat[ft];
	struct vfc_fmt f;

	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
	if (atomic_exchange(&s->claimed, 1))
		return;
	s->op = r->op;
	s->request = r->request;
	s->flags = r->flags;
	s->value = r->value;
	s->ret = ret;
	s->err = err;
	s->on_type1 = on_type1;
	vfc_fmt_feature(&f, ft, s);
	vfc_report_line(&f);
}

/*
 * Keep the live mapping count of a successful MAP/UNMAP_DMA; true the first
 * time it passes type1's dma_entry_limit. Per process, where type1 counts per
 * container: VMMs hold one container.
 */
static bool count_mapping(const struct vfc_rec *r)
{
	uint32_t live, peak, limit = atomic_load(&vfc_stats.dma_entry_limit);

	if (r->op == VFC_OP_UNMAP_DMA && (r->flags & VFIO_DMA_UNMAP_FLAG_ALL)) {
		atomic_store(&vfc_stats.live_mappings, 0);
	} else if (r->op == VFC_OP_UNMAP_DMA && r->has_arg && r->size) {
		live = atomic_load(&vfc_stats.live_mappings);
		while (live &&
		       !atomic_compare_exchange_weak(&vfc_stats.live_mappings, &live, live - 1))
			;
	} else if (r->op == VFC_OP_MAP_DMA) {
		live = atomic_fetch_add(&vfc_stats.live_mappings, 1) + 1;
		peak = atomic_load(&vfc_stats.peak_mappings);
		while (live > peak &&
		       !atomic_compare_exchange_weak(&vfc_stats.peak_mappings, &peak, live))
			;
		return limit && live == limit + 1;
	}
	return false;
}

/* Returns the ret the caller gets; *err is updated when it is translated. */
static int observe_container(int fd, uint32_t e, unsigned long request, void *arg, int ret,
			     int *errp)
{
	int err = *errp;
	struct vfc_rec r;
	uint32_t iommu_type = VFC_FD_DATA(e);
	/* A type1 container with no SET_IOMMU yet fails without reading the struct. */
	bool read_arg = ret >= 0 || (vfc_arg_was_read(ret, err) &&
				     (VFC_FD_KIND(e) != VFC_FD_TYPE1 || iommu_type != 0));

	vfc_report_start_once();
	vfc_decode(request, arg, iommu_type, read_arg, &r);
	if (!read_arg && err == EFAULT && arg &&
	    (r.op == VFC_OP_MAP_DMA || r.op == VFC_OP_UNMAP_DMA)) {
		struct vfio_iommu_type1_dma_map m;
		if (safe_copy(&m, arg, sizeof(m)))
			vfc_decode(request, &m, iommu_type, true, &r);
	}
	atomic_fetch_add_explicit(&vfc_stats.calls[r.op], 1, memory_order_relaxed);
	if (ret < 0)
		atomic_fetch_add_explicit(&vfc_stats.errors[r.op], 1, memory_order_relaxed);
	if (r.op == VFC_OP_SET_IOMMU && ret == 0)
		vfc_fd_set(fd, VFC_FD_ENTRY(VFC_FD_KIND(e), r.value));

	bool in_bar = r.op == VFC_OP_MAP_DMA && r.has_arg && vfc_bar_contains(r.vaddr, r.size);
	uint32_t feats = vfc_classify(&r, in_bar);
	if (ret == 0 && count_mapping(&r))
		feats |= 1u << VFC_F_DMA_ENTRY_LIMIT;
	if (r.op == VFC_OP_GET_INFO && ret == 0 && r.has_arg &&
	    vfc_info_has_cap(
		arg, r.argsz < vfc_bytes_to_page_end(arg) ? r.argsz : vfc_bytes_to_page_end(arg),
		VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL))
		feats |= 1u << VFC_F_DMA_AVAIL;
	for (int ft = 0; feats; ft++, feats >>= 1)
		if (feats & 1)
			feature_hit(ft, &r, ret, err, VFC_FD_KIND(e) == VFC_FD_TYPE1);
	if (r.op == VFC_OP_DIRTY_PAGES && r.has_arg)
		vfc_mig_observe_dirty(r.flags, ret);
	if (r.op == VFC_OP_GET_INFO && ret == 0 && r.has_arg &&
	    vfc_info_has_cap(
		arg, r.argsz < vfc_bytes_to_page_end(arg) ? r.argsz : vfc_bytes_to_page_end(arg),
		VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION))
		vfc_mig_observe_info_cap();

	/* The features above record the kernel's answer; the caller may get type1's. */
	const struct vfc_errmap_rule *rule;
	if (ret < 0 && vfc_cfg.errno_type1 && VFC_FD_KIND(e) == VFC_FD_REDIRECTED &&
	    (rule = vfc_errmap_find(&r, iommu_type, err))) {
		struct vfc_fmt f;
		atomic_fetch_add(&vfc_stats.errno_translated, 1);
		vfc_fmt_errno_translated(&f, rule, request);
		vfc_report_line(&f);
		*errp = rule->type1_err;
		return rule->type1_ret;
	}
	return ret;
}

/* VFIOCOMPAT_QUERY=1: record the compat IOAS a native iommufd call would use. */
static void query_ioas(int cfd, int group)
{
	struct vfc_iommu_vfio_ioas v = {.size = sizeof(v), .op = VFC_IOMMU_VFIO_IOAS_GET};
	int saved = errno, ret = real_ioctl(cfd, VFC_IOMMU_VFIO_IOAS, &v);
	struct vfc_fmt f;

	vfc_fmt_ioas(&f, cfd, group, ret, errno, v.ioas_id);
	vfc_report_line(&f);
	errno = saved;
}

static void observe_group(int fd, uint32_t e, unsigned long request, void *arg, int ret, int err)
{
	int group = (int)VFC_FD_DATA(e) - 1;
	struct vfc_fmt f;

	(void)fd;
	if (request == VFIO_GROUP_SET_CONTAINER && arg && vfc_arg_was_read(ret, err)) {
		int cfd;
		memcpy(&cfd, arg, sizeof(cfd));
		uint32_t ce = vfc_fd_get(cfd);
		enum vfc_fd_kind k = VFC_FD_KIND(ce);
		if (k != VFC_FD_REDIRECTED && k != VFC_FD_TYPE1 && k != VFC_FD_IOMMUFD)
			return;
		atomic_fetch_add(ret == 0 ? &vfc_stats.attaches : &vfc_stats.attach_errors, 1);
		if (ret == 0)
			vfc_attach_add(cfd, group);
		vfc_fmt_attach(&f, group, cfd, ret, err);
		vfc_report_line(&f);
		if (ret == 0 && k != VFC_FD_TYPE1 && vfc_cfg.query_ioas)
			query_ioas(cfd, group);
	} else if (request == VFIO_GROUP_UNSET_CONTAINER) {
		if (ret == 0) {
			atomic_fetch_add(&vfc_stats.detaches, 1);
			vfc_attach_remove_group(group);
		}
		vfc_fmt_detach(&f, group, ret, err);
		vfc_report_line(&f);
	} else if (request == VFIO_GROUP_GET_DEVICE_FD && ret >= 0) {
		atomic_fetch_add(&vfc_stats.devices, 1);
		vfc_attach_device_opened(group);
		vfc_fd_set(ret, VFC_FD_ENTRY(VFC_FD_DEVICE, group + 1));
	}
}

static bool no_domain_yet(int fd)
{
	int groups[1];
	bool device;

	return vfc_attach_groups(fd, groups, 1, &device) > 0 && !device;
}

/*
 * GET_INFO on a redirected container none of whose devices is open yet:
 * iommufd has no domain, so it reports no aperture and no reserved regions.
 * Record it and, unless VFIOCOMPAT_FIXUPS=none, answer what the kernel will
 * enforce once the device is attached (what type1 says at this point).
 */
static void get_info_early(int fd, void *arg, uint32_t caller_argsz)
{
	int groups[8];
	bool device;
	int ngroups = vfc_attach_groups(fd, groups, 8, &device);
	struct vfc_range kr[VFC_MAX_RANGES], resv[VFC_MAX_RANGES], fixed[VFC_MAX_RANGES];
	char kbuf[2048], obuf[2048];
	uint64_t kpg = 0;
	struct vfc_fmt f;
	const char *why = NULL;

	if (device || ngroups == 0)
		return;
	atomic_fetch_add(&vfc_stats.get_info_early, 1);
	/* iommufd's full answer, whatever argsz the caller gave. */
	struct vfio_iommu_type1_info *k = (void *)kbuf;
	memset(kbuf, 0, sizeof(kbuf));
	k->argsz = sizeof(kbuf);
	int nk = -1;
	if (real_ioctl(fd, VFIO_IOMMU_GET_INFO, kbuf) == 0 && k->argsz <= sizeof(kbuf))
		nk = vfc_info_ranges(kbuf, k->argsz, kr, VFC_MAX_RANGES, &kpg);
	else
		why = "iommufd's full GET_INFO answer could not be read";

	struct vfc_iommu_facts all = {UINT64_MAX, UINT64_MAX};
	int nresv = 0, nf = -1;
	for (int i = 0; i < ngroups && !why && vfc_cfg.fixup_get_info; i++) {
		struct vfc_iommu_facts one;
		if (!vfc_group_facts(groups[i], resv, &nresv, VFC_MAX_RANGES, &one, &why))
			break;
		all.aperture_last =
		    one.aperture_last < all.aperture_last ? one.aperture_last : all.aperture_last;
		all.pgsizes &= one.pgsizes;
	}
	if (!why && vfc_cfg.fixup_get_info) {
		nf = vfc_ranges_subtract(all.aperture_last, resv, nresv, fixed, VFC_MAX_RANGES);
		if (nf <= 0 || !all.pgsizes)
			why = "the enforced ranges would be empty or too many: answer left alone";
	}
	long len = -1;
	if (!why && vfc_cfg.fixup_get_info) {
		len = vfc_info_rebuild(kbuf, k->argsz, all.pgsizes, fixed, nf, caller_argsz, obuf,
				       sizeof(obuf));
		if (len < 0)
			why = "iommufd's GET_INFO answer has an unexpected layout";
	}
	const char *action = !vfc_cfg.fixup_get_info ? "off" : why ? "skipped" : "fixed";
	if (len >= 0) {
		memcpy(arg, obuf, (size_t)len);
		atomic_fetch_add(&vfc_stats.get_info_fixed, 1);
	}
	vfc_fmt_get_info_early(&f, fd, ngroups, action, why, kpg, kr, nk, all.pgsizes,
			       len >= 0 ? fixed : NULL, nf);
	vfc_report_line(&f);
}

int vfc_ioctl_tracked(int fd, uint32_t e, unsigned long request, void *arg)
{
	uint32_t caller_argsz = 0;
	int before = errno;
	/* The caller's argsz matters only to the fix-up: without it, no process_vm_readv. */
	bool early =
	    VFC_FD_KIND(e) == VFC_FD_REDIRECTED && request == VFIO_IOMMU_GET_INFO && arg &&
	    no_domain_yet(fd) &&
	    (!vfc_cfg.fixup_get_info || safe_copy(&caller_argsz, arg, sizeof(caller_argsz)));
	int ret = real_ioctl(fd, request, arg);
	int err = errno;

	if (early && ret == 0) {
		get_info_early(fd, arg, caller_argsz);
		errno = err;
	}

	switch (VFC_FD_KIND(e)) {
	case VFC_FD_REDIRECTED:
	case VFC_FD_TYPE1:
	case VFC_FD_IOMMUFD:
		if (ret < 0) {
			ret = observe_container(fd, e, request, arg, ret, &err);
			if (ret >= 0)
				err =
				    before; /* a translated answer is a success: errno untouched */
		} else {
			int none = 0;
			observe_container(fd, e, request, arg, ret, &none);
		}
		break;
	case VFC_FD_GROUP:
		observe_group(fd, e, request, arg, ret, ret < 0 ? err : 0);
		break;
	case VFC_FD_DEVICE:
		vfc_mig_observe_device(request, arg, ret, err);
		break;
	default:
		break;
	}
	errno = err;
	return ret;
}

/* ---- descriptor bookkeeping ---- */

void vfc_fd_closing(int fd, uint32_t e)
{
	enum vfc_fd_kind k = VFC_FD_KIND(e);

	if (k == VFC_FD_REDIRECTED || k == VFC_FD_TYPE1 || k == VFC_FD_IOMMUFD)
		vfc_attach_forget_container(fd);
}

void vfc_fds_closed(unsigned first, unsigned last)
{
	int high = atomic_load_explicit(&vfc_fd_high, memory_order_relaxed);

	if (last > (unsigned)high)
		last = (unsigned)high;
	/* As close() does for each: a container's attach bookkeeping goes too. */
	for (unsigned fd = first; fd <= last && fd < VFC_FD_MAX; fd++) {
		uint32_t e = atomic_exchange_explicit(&vfc_fd_table[fd], 0, memory_order_relaxed);
		if (e)
			vfc_fd_closing((int)fd, e);
	}
}
