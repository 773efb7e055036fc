/* SPDX-License-Identifier: GPL-2.0-only */
/* Pure decoding of container ioctls into records and features: no I/O. */
#ifndef VFC_DECODE_H
#define VFC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfiocompat/report.h"

enum vfc_op {
	VFC_OP_OTHER, /* unknown request on a container fd */
	VFC_OP_GET_API_VERSION,
	VFC_OP_CHECK_EXTENSION,
	VFC_OP_SET_IOMMU,
	VFC_OP_GET_INFO,
	VFC_OP_MAP_DMA,
	VFC_OP_UNMAP_DMA,
	VFC_OP_DIRTY_PAGES,
	VFC_OP_SPAPR, /* any SPAPR/EEH-only request */
	VFC_OP_IOMMU_VFIO_IOAS,
	VFC_OP_IOMMU_NATIVE, /* other native iommufd requests */
	VFC_OP_COUNT
};

/* What one container ioctl asked; fields past `op` only when `has_arg`. */
struct vfc_rec {
	enum vfc_op op;
	unsigned long request;
	uint32_t value; /* CHECK_EXTENSION id or SET_IOMMU type */
	bool has_arg;	/* the argument struct was read */
	uint32_t argsz;
	uint32_t flags;
	uint64_t vaddr;
	uint64_t iova;
	uint64_t size;
};

const char *vfc_op_name(enum vfc_op op);

/*
 * Decode `request` issued on a container whose SET_IOMMU type is
 * `iommu_type` (0 before SET_IOMMU). The argument struct is read only when
 * `read_arg` is true: callers pass true only once the kernel has accepted
 * the pointer, so a bad pointer faults in the kernel, never in the shim.
 */
void vfc_decode(unsigned long request, const void *arg, uint32_t iommu_type, bool read_arg,
		struct vfc_rec *out);

/* True when the kernel has certainly read the argument struct. */
bool vfc_arg_was_read(int ret, int err);

/*
 * Features `rec` uses, as a bit mask of enum vfc_feature. `in_bar` tells
 * whether a MAP_DMA vaddr lies in a device BAR mapping (P2P).
 */
uint32_t vfc_classify(const struct vfc_rec *rec, bool in_bar);

/*
 * For a successful GET_INFO: does the caller's buffer hold capability `id`?
 * Walks the chain inside `argsz` bytes only, with a bounded number of hops.
 */
bool vfc_info_has_cap(const void *info, uint32_t argsz, uint16_t id);

/*
 * Bytes from p to the end of its 4 KiB page, which is mapped when p is. The
 * caller's own argsz is gone after GET_INFO (the kernel writes back the size
 * it needs), so a legacy caller's struct can be shorter than the argsz read
 * back: the cap walk stays inside this page rather than risk a fault. A
 * struct straddling a page is not scanned (its dma_avail use goes unseen).
 */
uint32_t vfc_bytes_to_page_end(const void *p);

/* Feature metadata for reports. */
struct vfc_feature_info {
	const char *name;
	enum vfc_severity severity;
	const char *iommufd; /* what iommufd compat does with it */
	const char *hint;    /* what the operator should know or do */
};

const struct vfc_feature_info *vfc_feature(enum vfc_feature f);
const char *vfc_severity_name(enum vfc_severity s);

#endif
