// SPDX-License-Identifier: GPL-2.0-only
/*
 * What one type1 container call uses: its op, and the features of
 * include/vfiocompat/features.def it touches, from the call's own argument
 * struct read with copy_from_user_nofault() (the kretprobe's return handler
 * runs with preemption disabled: nothing here sleeps; the P2P check only
 * trylocks the caller's mmap_lock).
 */
#include <linux/bits.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <uapi/linux/vfio.h>

#include "audit.h"

enum vfc_op vfc_audit_decode(unsigned int cmd)
{
	if (_IOC_TYPE(cmd) != VFIO_TYPE || _IOC_DIR(cmd) || _IOC_SIZE(cmd))
		return OP_COUNT;
	switch (_IOC_NR(cmd) - VFIO_BASE) {
	case 0:
		return OP_GET_API_VERSION;
	case 1:
		return OP_CHECK_EXTENSION;
	case 2:
		return OP_SET_IOMMU;
	case 12: /* also SPAPR_TCE_GET_INFO; this audit watches type1 */
		return OP_GET_INFO;
	case 13:
		return OP_MAP_DMA;
	case 14:
		return OP_UNMAP_DMA;
	case 17: /* also SPAPR_REGISTER_MEMORY */
		return OP_DIRTY_PAGES;
	case 15: case 16: case 18: case 19: case 20: case 21:
		return OP_SPAPR;
	default:
		return OP_OTHER;
	}
}

static bool vfc_is_spapr_type(unsigned long t)
{
	return t == VFIO_SPAPR_TCE_IOMMU || t == VFIO_SPAPR_TCE_v2_IOMMU;
}

/* Does the GET_INFO answer in user memory carry capability `id`? */
static bool vfc_info_has_cap(unsigned long arg, u16 id)
{
	struct vfio_iommu_type1_info head;
	struct vfio_info_cap_header cap;
	u32 off;
	int hops;

	if (copy_from_user_nofault(&head, (void __user *)arg, sizeof(head)))
		return false;
	if (!(head.flags & VFIO_IOMMU_INFO_CAPS))
		return false;
	off = head.cap_offset;
	for (hops = 0; off && hops < 16; hops++) {
		if (off < sizeof(head) || off > head.argsz ||
		    head.argsz - off < sizeof(cap))
			return false;
		if (copy_from_user_nofault(&cap, (void __user *)(arg + off),
					   sizeof(cap)))
			return false;
		if (cap.id == id)
			return true;
		if (cap.next <= off)
			return false;
		off = cap.next;
	}
	return false;
}

/* A mapping of device memory (a BAR mmap): type1 maps it, iommufd refuses. */
static bool vfc_is_pfnmap(unsigned long vaddr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	bool ret = false;

	if (!mm || !mmap_read_trylock(mm))
		return false;
	vma = vma_lookup(mm, vaddr);
	if (vma && (vma->vm_flags & (VM_PFNMAP | VM_IO)))
		ret = true;
	mmap_read_unlock(mm);
	return ret;
}

/* Features used by one finished call; *flags gets the struct's flags. */
u32 vfc_audit_classify(enum vfc_op op, unsigned long arg, long ret, u32 *flags)
{
	u32 f = 0;

	*flags = 0;
	switch (op) {
	case OP_CHECK_EXTENSION:
		if (arg == VFIO_UPDATE_VADDR)
			f |= BIT(F_UPDATE_VADDR_EXT);
		else if (arg == VFC_NESTING_IOMMU)
			f |= BIT(F_NESTING_EXT);
		else if (vfc_is_spapr_type(arg) || arg == VFIO_EEH)
			f |= BIT(F_SPAPR_EXT);
		break;
	case OP_SET_IOMMU:
		if (arg == VFIO_TYPE1_IOMMU)
			f |= BIT(F_TYPE1_V1);
		else if (arg == VFC_NESTING_IOMMU)
			f |= BIT(F_NESTING_SET);
		else if (vfc_is_spapr_type(arg))
			f |= BIT(F_SPAPR);
		break;
	case OP_MAP_DMA: {
		struct vfio_iommu_type1_dma_map m;

		if (copy_from_user_nofault(&m, (void __user *)arg, sizeof(m)))
			break;
		*flags = m.flags;
		if (m.flags & VFIO_DMA_MAP_FLAG_VADDR)
			f |= BIT(F_VADDR_MAP);
		else if (vfc_is_pfnmap(m.vaddr))
			f |= BIT(F_P2P_MAP);
		if (ret == -ENOSPC)
			f |= BIT(F_DMA_ENTRY_LIMIT);
		break;
	}
	case OP_UNMAP_DMA: {
		struct vfio_iommu_type1_dma_unmap u;

		if (copy_from_user_nofault(&u, (void __user *)arg,
					   offsetofend(typeof(u), flags)))
			break;
		*flags = u.flags;
		if (u.flags & VFIO_DMA_UNMAP_FLAG_VADDR)
			f |= BIT(F_VADDR_UNMAP);
		if (u.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
			f |= BIT(F_DIRTY_BITMAP_UNMAP);
		break;
	}
	case OP_GET_INFO:
		if (!ret && vfc_info_has_cap(arg, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL))
			f |= BIT(F_DMA_AVAIL);
		break;
	case OP_DIRTY_PAGES: {
		struct vfio_iommu_type1_dirty_bitmap d;

		if (!copy_from_user_nofault(&d, (void __user *)arg, sizeof(d)))
			*flags = d.flags;
		f |= BIT(F_DIRTY_PAGES);
		break;
	}
	case OP_SPAPR:
		f |= BIT(F_SPAPR);
		break;
	default:
		break;
	}
	return f;
}
