// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioctl observation: container and group ioctls on tracked fds are decoded,
 * counted and classified into features; group ioctls keep the attach
 * bookkeeping. The caller gets the kernel's answer (or, with
 * VFIOCOMPAT_ERRNO=type1, xlate.c's) and its errno.
 */
#include "fds.h"
#include "ioctl.h"
#include "real.h"
#include "safecopy.h"
#include "settings.h"

#include <errno.h>
#include <linux/vfio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "attach.h"
#include "bar.h"
#include "decode.h"
#include "migobs.h"
#include "report.h"
#include "scratch.h"
#include "stats.h"
#include "table.h"
#include "vfiocompat/iommufd-uapi.h"

static void feature_hit(enum vfc_feature ft, const struct vfc_rec *r, int ret, int err,
			bool on_type1)
{
	struct vfc_feature_seen *s = &vfc_stats.feat[ft];
	struct vfc_fmt *f;

	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
	if (atomic_exchange(&s->claimed, 1))
		return;
	if (!(f = vfc_fmt_take())) {
		atomic_store(&s->claimed, 0); /* the next use records it */
		return;
	}
	s->op = r->op;
	s->request = r->request;
	s->flags = r->flags;
	s->value = r->value;
	s->ret = ret;
	s->err = err;
	s->on_type1 = on_type1;
	/* Type1's nesting answer depends on the kernel: 1 on 6.12, 0 on 7.3. */
	int nesting = atomic_load(&vfc_type1_nesting);
	s->type1_known = !on_type1 && ft == VFC_F_NESTING_EXT && nesting >= 0;
	s->type1_ret = nesting;
	vfc_fmt_feature(f, ft, s);
	vfc_report_line(f);
	vfc_scratch_give(f);
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

/*
 * Did the kernel's GET_INFO answer carry DMA_AVAIL? iommufd writes back the
 * exact argsz; type1 leaves the caller's, often a larger buffer that runs
 * past the page the struct starts on. Walking only to the page end would
 * then miss type1's capabilities that redirect sees: audit would predict
 * less than redirect records. So the rest (up to 2 KiB, where the kernel's
 * capabilities are) is read through the kernel, never faulting: first the
 * whole 2 KiB at once into one small buffer used over and over (only to learn
 * it is readable, as a copy of it would), then the header and each capability
 * header where the chain says, so no 2 KiB copy sits on the stack.
 */
static bool info_has(const void *arg, uint32_t argsz, uint16_t cap)
{
	enum { LIMIT = 2048, CHUNK = 256 };
	uint32_t room = vfc_bytes_to_page_end(arg);
	char sink[CHUNK];
	struct iovec local[LIMIT / CHUNK], remote;
	struct vfio_iommu_type1_info h;
	struct vfio_info_cap_header c;

	if (argsz <= room)
		return vfc_info_has_cap(arg, argsz, cap);
	uint32_t n = argsz < LIMIT ? argsz : (uint32_t)LIMIT;
	for (int i = 0; i < LIMIT / CHUNK; i++)
		local[i] = (struct iovec){sink, CHUNK};
	remote = (struct iovec){(void *)arg, n};
	if (syscall(SYS_process_vm_readv, vfc_pid(), local, (n + CHUNK - 1) / CHUNK, &remote, 1,
		    0) != (ssize_t)n)
		return vfc_info_has_cap(arg, room, cap);
	/* vfc_info_has_cap's walk over the n bytes read. */
	if (n < sizeof(h) || !vfc_safe_copy(&h, arg, sizeof(h)))
		return false;
	if (argsz > n)
		h.argsz = n; /* the caller's buffer is larger: walk the part read */
	if (!(h.flags & VFIO_IOMMU_INFO_CAPS) || h.argsz > n)
		return false;
	uint32_t off = h.cap_offset;
	for (int hops = 0; off && hops < 16; hops++) {
		if (off < sizeof(h) || off > h.argsz || h.argsz - off < sizeof(c) ||
		    !vfc_safe_copy(&c, (const char *)arg + off, sizeof(c)))
			return false;
		if (c.id == cap)
			return true;
		if (c.next <= off)
			return false;
		off = c.next;
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
		if (vfc_safe_copy(&m, arg, sizeof(m)))
			vfc_decode(request, &m, iommu_type, true, &r);
	}
	atomic_fetch_add_explicit(&vfc_stats.calls[r.op], 1, memory_order_relaxed);
	if (ret < 0) {
		atomic_fetch_add_explicit(&vfc_stats.errors[r.op], 1, memory_order_relaxed);
		vfc_stats_note_error(&vfc_stats, r.op, err);
	}
	if (r.op == VFC_OP_SET_IOMMU && ret == 0)
		vfc_fd_set(fd, VFC_FD_ENTRY(VFC_FD_KIND(e), r.value));

	bool in_bar = r.op == VFC_OP_MAP_DMA && r.has_arg && vfc_bar_contains(r.vaddr, r.size);
	uint32_t feats = vfc_classify(&r, in_bar);
	if (ret == 0 && count_mapping(&r))
		feats |= 1u << VFC_F_DMA_ENTRY_LIMIT;
	if (r.op == VFC_OP_GET_INFO && ret == 0 && r.has_arg &&
	    info_has(arg, r.argsz, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL))
		feats |= 1u << VFC_F_DMA_AVAIL;
	for (int ft = 0; feats; ft++, feats >>= 1)
		if (feats & 1)
			feature_hit(ft, &r, ret, err, VFC_FD_KIND(e) == VFC_FD_TYPE1);
	if (r.op == VFC_OP_DIRTY_PAGES && r.has_arg)
		vfc_mig_observe_dirty(r.flags, ret);
	if (r.op == VFC_OP_GET_INFO && ret == 0 && r.has_arg &&
	    info_has(arg, r.argsz, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION))
		vfc_mig_observe_info_cap();

	return vfc_errno_translate(&r, e, request, ret, errp);
}

static void query_ioas(int cfd, int group)
{
	struct vfc_iommu_vfio_ioas v = {.size = sizeof(v), .op = VFC_IOMMU_VFIO_IOAS_GET};
	int saved = errno, ret = vfc_real_ioctl_call(cfd, VFC_IOMMU_VFIO_IOAS, &v);
	struct vfc_fmt *f = vfc_fmt_take();

	if (f) {
		vfc_fmt_ioas(f, cfd, group, ret, errno, v.ioas_id);
		vfc_report_line(f);
		vfc_scratch_give(f);
	}
	errno = saved;
}

static void observe_group(int fd, uint32_t e, unsigned long request, void *arg, int ret, int err)
{
	int group = (int)VFC_FD_DATA(e) - 1;
	struct vfc_fmt *f;

	(void)fd;
	if (request == VFIO_GROUP_SET_CONTAINER && arg && vfc_arg_was_read(ret, err)) {
		int cfd;
		memcpy(&cfd, arg, sizeof(cfd));
		uint32_t ce = vfc_fd_get_checked(cfd);
		enum vfc_fd_kind k = VFC_FD_KIND(ce);
		if (k != VFC_FD_REDIRECTED && k != VFC_FD_TYPE1 && k != VFC_FD_IOMMUFD)
			return;
		atomic_fetch_add(ret == 0 ? &vfc_stats.attaches : &vfc_stats.attach_errors, 1);
		if (ret == 0)
			vfc_attach_add(cfd, group);
		if ((f = vfc_fmt_take())) {
			vfc_fmt_attach(f, group, cfd, ret, err);
			vfc_report_line(f);
			vfc_scratch_give(f);
		}
		if (ret == 0 && k != VFC_FD_TYPE1 && vfc_cfg.query_ioas)
			query_ioas(cfd, group);
	} else if (request == VFIO_GROUP_UNSET_CONTAINER) {
		if (ret == 0) {
			atomic_fetch_add(&vfc_stats.detaches, 1);
			vfc_attach_remove_group(group);
		}
		if ((f = vfc_fmt_take())) {
			vfc_fmt_detach(f, group, ret, err);
			vfc_report_line(f);
			vfc_scratch_give(f);
		}
	} else if (request == VFIO_GROUP_GET_DEVICE_FD && ret >= 0) {
		atomic_fetch_add(&vfc_stats.devices, 1);
		vfc_attach_device_opened(group);
		vfc_fd_track(ret, VFC_FD_ENTRY(VFC_FD_DEVICE, group + 1));
	}
}

static int ioctl_tracked(int fd, uint32_t e, unsigned long request, void *arg)
{
	int before = errno;

	/*
	 * Is the number still the file it was tracked as? A close the shim never
	 * saw (closefrom's internal close_range, fclose of an fdopen'ed fd,
	 * syscall(SYS_close), io_uring) and a reuse of the number would
	 * otherwise count another file's ioctls, failed or successful, as
	 * container ioctls, and run the GET_INFO fix-up against it. Checked
	 * before the call (one newfstatat, tracked fds only; errno kept): not
	 * ours any more, the kernel's answer, unrecorded.
	 */
	e = vfc_fd_check(fd, e);
	if (!e)
		return vfc_real_ioctl_call(fd, request, arg);
	/* A container's request goes through its handler in the table (table.c). */
	bool container = VFC_FD_KIND(e) == VFC_FD_REDIRECTED || VFC_FD_KIND(e) == VFC_FD_TYPE1 ||
			 VFC_FD_KIND(e) == VFC_FD_IOMMUFD;
	int ret = container ? vfc_ioctl_op_of(request)->call(fd, e, request, arg)
			    : vfc_real_ioctl_call(fd, request, arg);
	int err = errno;

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

/* Decoding, records and the fix-up, on the caller's stack (docs/hardening.md). */
int vfc_ioctl_tracked(int fd, uint32_t e, unsigned long request, void *arg)
{
	return ioctl_tracked(fd, e, request, arg);
}
