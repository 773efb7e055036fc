// SPDX-License-Identifier: GPL-2.0-only
/* Container ioctl decoding and feature classification: pure functions. */
#include "decode.h"

#include <errno.h>
#include <linux/vfio.h>
#include <string.h>

#include "vfiocompat/iommufd-uapi.h"

static const char *const op_names[VFC_OP_COUNT] = {
    [VFC_OP_OTHER] = "OTHER",
    [VFC_OP_GET_API_VERSION] = "GET_API_VERSION",
    [VFC_OP_CHECK_EXTENSION] = "CHECK_EXTENSION",
    [VFC_OP_SET_IOMMU] = "SET_IOMMU",
    [VFC_OP_GET_INFO] = "IOMMU_GET_INFO",
    [VFC_OP_MAP_DMA] = "IOMMU_MAP_DMA",
    [VFC_OP_UNMAP_DMA] = "IOMMU_UNMAP_DMA",
    [VFC_OP_DIRTY_PAGES] = "IOMMU_DIRTY_PAGES",
    [VFC_OP_SPAPR] = "SPAPR",
    [VFC_OP_IOMMU_VFIO_IOAS] = "IOMMU_VFIO_IOAS",
    [VFC_OP_IOMMU_NATIVE] = "IOMMU_NATIVE",
};

const char *vfc_op_name(enum vfc_op op)
{
	return (unsigned)op < VFC_OP_COUNT ? op_names[op] : "OTHER";
}

static bool is_spapr_type(uint32_t t)
{
	return t == VFIO_SPAPR_TCE_IOMMU || t == VFIO_SPAPR_TCE_v2_IOMMU;
}

/* Copy a struct prefix without assuming alignment of the caller's pointer. */
static void read_prefix(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

void vfc_decode(unsigned long request, const void *arg, uint32_t iommu_type, bool read_arg,
		struct vfc_rec *out)
{
	memset(out, 0, sizeof(*out));
	out->request = request;
	out->op = VFC_OP_OTHER;
	if (_IOC_TYPE(request) != VFIO_TYPE || _IOC_DIR(request) != _IOC_NONE ||
	    _IOC_SIZE(request) != 0)
		return;

	unsigned nr = _IOC_NR(request);
	if (nr >= VFC_IOMMUFD_CMD_BASE) {
		if (nr > VFC_IOMMUFD_CMD_LAST)
			return;
		out->op =
		    request == VFC_IOMMU_VFIO_IOAS ? VFC_OP_IOMMU_VFIO_IOAS : VFC_OP_IOMMU_NATIVE;
		return;
	}
	if (nr < VFIO_BASE)
		return;
	switch (nr - VFIO_BASE) {
	case 0:
		out->op = VFC_OP_GET_API_VERSION;
		return;
	case 1:
		out->op = VFC_OP_CHECK_EXTENSION;
		out->value = (uint32_t)(uintptr_t)arg;
		return;
	case 2:
		out->op = VFC_OP_SET_IOMMU;
		out->value = (uint32_t)(uintptr_t)arg;
		return;
	case 12: /* GET_INFO and SPAPR_TCE_GET_INFO share the number */
		out->op = is_spapr_type(iommu_type) ? VFC_OP_SPAPR : VFC_OP_GET_INFO;
		break;
	case 13:
		out->op = VFC_OP_MAP_DMA;
		break;
	case 14:
		out->op = VFC_OP_UNMAP_DMA;
		break;
	case VFC_VFIO_SPAPR_REGISTER_MEMORY_NR: /* == DIRTY_PAGES */
		out->op = is_spapr_type(iommu_type) ? VFC_OP_SPAPR : VFC_OP_DIRTY_PAGES;
		break;
	case VFC_VFIO_IOMMU_ENABLE_NR:
	case VFC_VFIO_IOMMU_DISABLE_NR:
	case VFC_VFIO_SPAPR_UNREGISTER_MEMORY_NR:
	case VFC_VFIO_SPAPR_TCE_CREATE_NR:
	case VFC_VFIO_SPAPR_TCE_REMOVE_NR:
	case VFC_VFIO_EEH_PE_OP_NR:
		out->op = VFC_OP_SPAPR;
		return;
	default:
		return;
	}
	if (!read_arg || !arg)
		return;

	struct {
		uint32_t argsz;
		uint32_t flags;
	} head;
	read_prefix(&head, arg, sizeof(head));
	out->has_arg = true;
	out->argsz = head.argsz;
	out->flags = head.flags;
	if (out->op == VFC_OP_MAP_DMA && head.argsz >= sizeof(struct vfio_iommu_type1_dma_map)) {
		struct vfio_iommu_type1_dma_map m;
		read_prefix(&m, arg, sizeof(m));
		out->vaddr = m.vaddr;
		out->iova = m.iova;
		out->size = m.size;
	} else if (out->op == VFC_OP_UNMAP_DMA &&
		   head.argsz >= sizeof(struct vfio_iommu_type1_dma_unmap)) {
		struct vfio_iommu_type1_dma_unmap u;
		read_prefix(&u, arg, sizeof(u));
		out->iova = u.iova;
		out->size = u.size;
	}
}

bool vfc_arg_was_read(int ret, int err)
{
	/* ENOTTY: request unknown to this fd; EFAULT: pointer refused. */
	return ret >= 0 || (err != EFAULT && err != ENOTTY);
}

uint32_t vfc_classify(const struct vfc_rec *r, bool in_bar)
{
	uint32_t f = 0;

	switch (r->op) {
	case VFC_OP_CHECK_EXTENSION:
		if (r->value == VFIO_UPDATE_VADDR)
			f |= 1u << VFC_F_UPDATE_VADDR_EXT;
		else if (r->value == VFIO_TYPE1_NESTING_IOMMU)
			f |= 1u << VFC_F_NESTING_EXT;
		else if (is_spapr_type(r->value) || r->value == VFIO_EEH)
			f |= 1u << VFC_F_SPAPR_EXT;
		break;
	case VFC_OP_SET_IOMMU:
		if (r->value == VFIO_TYPE1_IOMMU)
			f |= 1u << VFC_F_TYPE1_V1;
		else if (r->value == VFIO_TYPE1_NESTING_IOMMU)
			f |= 1u << VFC_F_NESTING_SET;
		else if (is_spapr_type(r->value))
			f |= 1u << VFC_F_SPAPR;
		break;
	case VFC_OP_MAP_DMA:
		if (r->has_arg && (r->flags & VFIO_DMA_MAP_FLAG_VADDR))
			f |= 1u << VFC_F_VADDR_MAP;
		if (in_bar)
			f |= 1u << VFC_F_P2P_MAP;
		break;
	case VFC_OP_UNMAP_DMA:
		if (r->has_arg && (r->flags & VFIO_DMA_UNMAP_FLAG_VADDR))
			f |= 1u << VFC_F_VADDR_UNMAP;
		if (r->has_arg && (r->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP))
			f |= 1u << VFC_F_DIRTY_BITMAP_UNMAP;
		break;
	case VFC_OP_DIRTY_PAGES:
		f |= 1u << VFC_F_DIRTY_PAGES;
		break;
	case VFC_OP_SPAPR:
		f |= 1u << VFC_F_SPAPR;
		break;
	default:
		break;
	}
	return f;
}

uint32_t vfc_bytes_to_page_end(const void *p)
{
	return 4096 - (uint32_t)((uintptr_t)p & 4095);
}

bool vfc_info_has_cap(const void *info, uint32_t argsz, uint16_t id)
{
	struct vfio_iommu_type1_info head;
	struct vfio_info_cap_header cap;

	if (argsz < sizeof(head))
		return false;
	read_prefix(&head, info, sizeof(head));
	if (!(head.flags & VFIO_IOMMU_INFO_CAPS) || head.argsz > argsz)
		return false;
	uint32_t off = head.cap_offset;
	/* A chain longer than 16 is not one the kernel wrote. */
	for (int hops = 0; off && hops < 16; hops++) {
		if (off < sizeof(head) || off > head.argsz || head.argsz - off < sizeof(cap))
			return false;
		read_prefix(&cap, (const char *)info + off, sizeof(cap));
		if (cap.id == id)
			return true;
		if (cap.next <= off)
			return false;
		off = cap.next;
	}
	return false;
}
