/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The few iommufd uapi definitions vfiocompat needs, for hosts whose
 * linux-libc-dev predates <linux/iommufd.h> (Debian 12 ships 6.1 headers).
 * Values are the kernel's ABI (include/uapi/linux/iommufd.h) and never change.
 */
#ifndef VFIOCOMPAT_IOMMUFD_UAPI_H
#define VFIOCOMPAT_IOMMUFD_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VFC_IOMMUFD_TYPE     (';')
#define VFC_IOMMUFD_CMD_BASE 0x80
/* First number past the commands known to 7.3; later ones count as native too. */
#define VFC_IOMMUFD_CMD_LAST 0xbf

#define VFC_IOMMU_OPTION    _IO(VFC_IOMMUFD_TYPE, 0x87)
#define VFC_IOMMU_VFIO_IOAS _IO(VFC_IOMMUFD_TYPE, 0x88)

enum vfc_iommufd_option {
	VFC_IOMMU_OPTION_RLIMIT_MODE = 0,
	VFC_IOMMU_OPTION_HUGE_PAGES = 1,
};

enum vfc_iommufd_option_ops {
	VFC_IOMMU_OPTION_OP_SET = 0,
	VFC_IOMMU_OPTION_OP_GET = 1,
};

struct vfc_iommu_option {
	__u32 size;
	__u32 option_id;
	__u16 op;
	__u16 __reserved;
	__u32 object_id;
	__aligned_u64 val64;
};

enum vfc_iommufd_vfio_ioas_op {
	VFC_IOMMU_VFIO_IOAS_GET = 0,
	VFC_IOMMU_VFIO_IOAS_SET = 1,
	VFC_IOMMU_VFIO_IOAS_CLEAR = 2,
};

struct vfc_iommu_vfio_ioas {
	__u32 size;
	__u32 ioas_id;
	__u16 op;
	__u16 __reserved;
};

/* SPAPR-only container ioctls (VFIO_BASE + n); 12 and 17 are shared with type1. */
#define VFC_VFIO_IOMMU_ENABLE_NR	    15
#define VFC_VFIO_IOMMU_DISABLE_NR	    16
#define VFC_VFIO_SPAPR_REGISTER_MEMORY_NR   17
#define VFC_VFIO_SPAPR_UNREGISTER_MEMORY_NR 18
#define VFC_VFIO_SPAPR_TCE_CREATE_NR	    19
#define VFC_VFIO_SPAPR_TCE_REMOVE_NR	    20
#define VFC_VFIO_EEH_PE_OP_NR		    21

/* Native IOAS mapping, for programs mixing it with VFIO-style MAP_DMA. */
#define VFC_IOMMU_IOAS_MAP	      _IO(VFC_IOMMUFD_TYPE, 0x85)
#define VFC_IOMMU_IOAS_UNMAP	      _IO(VFC_IOMMUFD_TYPE, 0x86)
#define VFC_IOMMU_IOAS_MAP_FIXED_IOVA (1u << 0)
#define VFC_IOMMU_IOAS_MAP_WRITEABLE  (1u << 1)
#define VFC_IOMMU_IOAS_MAP_READABLE   (1u << 2)

struct vfc_iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};

struct vfc_iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};

/* Hardware facts of the IOMMU behind one bound device (migration readiness). */
#define VFC_IOMMU_GET_HW_INFO		_IO(VFC_IOMMUFD_TYPE, 0x8a)
#define VFC_IOMMU_HW_CAP_DIRTY_TRACKING (1ULL << 0)

struct vfc_iommu_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 out_data_type;
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};

/* The VFIO device cdev's bind to an iommufd (Linux 6.6, <linux/vfio.h>). */
#define VFC_VFIO_DEVICE_BIND_IOMMUFD _IO(';', 100 + 18)

struct vfc_vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};

#endif
