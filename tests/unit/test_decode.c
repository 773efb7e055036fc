// SPDX-License-Identifier: GPL-2.0-only
/* Tests of container ioctl decoding, feature classification and GET_INFO caps. */
#include <errno.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <string.h>

#include <sys/mman.h>

#include "decode.h"
#include "vfiocompat/iommufd-uapi.h"
#include "unit.h"

#define NR(n)	      _IO(VFIO_TYPE, VFIO_BASE + (n))
#define IOMMUFD_NR(n) _IO(VFC_IOMMUFD_TYPE, (n))
#define ARG(v)	      ((const void *)(uintptr_t)(v))
#define INFO_SIZE     ((uint32_t)sizeof(struct vfio_iommu_type1_info))

static struct vfc_rec decode(unsigned long req, const void *arg, uint32_t type, bool read_arg)
{
	struct vfc_rec r;

	memset(&r, 0xa5, sizeof(r));
	vfc_decode(req, arg, type, read_arg, &r);
	return r;
}

static struct vfc_rec rec(enum vfc_op op, uint32_t value, bool has_arg, uint32_t flags)
{
	struct vfc_rec r;

	memset(&r, 0, sizeof(r));
	r.op = op;
	r.value = value;
	r.has_arg = has_arg;
	r.flags = flags;
	return r;
}

/* ---- request numbers ---- */

START_TEST(test_linux_request_macros_are_plain_vfio_base_numbers)
{
	ck_assert_uint_eq(VFIO_GET_API_VERSION, NR(0));
	ck_assert_uint_eq(VFIO_CHECK_EXTENSION, NR(1));
	ck_assert_uint_eq(VFIO_SET_IOMMU, NR(2));
	ck_assert_uint_eq(VFIO_IOMMU_GET_INFO, NR(12));
	ck_assert_uint_eq(VFIO_IOMMU_MAP_DMA, NR(13));
	ck_assert_uint_eq(VFIO_IOMMU_UNMAP_DMA, NR(14));
	ck_assert_uint_eq(VFIO_IOMMU_ENABLE, NR(15));
	ck_assert_uint_eq(VFIO_IOMMU_DISABLE, NR(16));
	ck_assert_uint_eq(VFIO_IOMMU_DIRTY_PAGES, NR(17));
	ck_assert_uint_eq(VFIO_IOMMU_SPAPR_REGISTER_MEMORY, NR(17));
	ck_assert_uint_eq(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, NR(18));
	ck_assert_uint_eq(VFIO_IOMMU_SPAPR_TCE_CREATE, NR(19));
	ck_assert_uint_eq(VFIO_IOMMU_SPAPR_TCE_REMOVE, NR(20));
	ck_assert_uint_eq(VFIO_EEH_PE_OP, NR(21));
}
END_TEST

START_TEST(test_get_api_version_is_get_api_version)
{
	struct vfc_rec r = decode(NR(0), NULL, 0, true);

	ck_assert_int_eq(r.op, VFC_OP_GET_API_VERSION);
	ck_assert_uint_eq(r.request, NR(0));
	ck_assert(!r.has_arg);
}
END_TEST

START_TEST(test_check_extension_carries_extension_id_as_value)
{
	struct vfc_rec r = decode(NR(1), ARG(VFIO_UPDATE_VADDR), 0, true);

	ck_assert_int_eq(r.op, VFC_OP_CHECK_EXTENSION);
	ck_assert_uint_eq(r.value, VFIO_UPDATE_VADDR);
	/* The argument is an integer, never dereferenced. */
	ck_assert(!r.has_arg);
}
END_TEST

START_TEST(test_set_iommu_carries_type_as_value)
{
	struct vfc_rec r = decode(NR(2), ARG(VFIO_TYPE1v2_IOMMU), 0, true);

	ck_assert_int_eq(r.op, VFC_OP_SET_IOMMU);
	ck_assert_uint_eq(r.value, VFIO_TYPE1v2_IOMMU);
	ck_assert(!r.has_arg);
}
END_TEST

static const uint32_t type1_types[] = {0, VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU,
				       VFIO_TYPE1_NESTING_IOMMU};
static const uint32_t spapr_types[] = {VFIO_SPAPR_TCE_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU};

START_TEST(test_nr12_on_non_spapr_container_is_get_info)
{
	struct vfc_rec r = decode(NR(12), NULL, type1_types[_i], false);

	ck_assert_int_eq(r.op, VFC_OP_GET_INFO);
}
END_TEST

START_TEST(test_nr12_on_spapr_container_is_spapr)
{
	struct vfc_rec r = decode(NR(12), NULL, spapr_types[_i], false);

	ck_assert_int_eq(r.op, VFC_OP_SPAPR);
}
END_TEST

START_TEST(test_nr17_on_non_spapr_container_is_dirty_pages)
{
	struct vfc_rec r = decode(NR(17), NULL, type1_types[_i], false);

	ck_assert_int_eq(r.op, VFC_OP_DIRTY_PAGES);
}
END_TEST

START_TEST(test_nr17_on_spapr_container_is_spapr)
{
	struct vfc_rec r = decode(NR(17), NULL, spapr_types[_i], false);

	ck_assert_int_eq(r.op, VFC_OP_SPAPR);
}
END_TEST

START_TEST(test_map_dma_is_map_dma)
{
	ck_assert_int_eq(decode(NR(13), NULL, VFIO_TYPE1v2_IOMMU, false).op, VFC_OP_MAP_DMA);
}
END_TEST

START_TEST(test_unmap_dma_is_unmap_dma)
{
	ck_assert_int_eq(decode(NR(14), NULL, VFIO_TYPE1v2_IOMMU, false).op, VFC_OP_UNMAP_DMA);
}
END_TEST

static const int spapr_only_nrs[] = {15, 16, 18, 19, 20, 21};

START_TEST(test_spapr_only_numbers_are_spapr_on_any_container)
{
	for (size_t t = 0; t < sizeof(type1_types) / sizeof(type1_types[0]); t++) {
		struct vfc_rec r = decode(NR(spapr_only_nrs[_i]), ARG(1), type1_types[t], true);

		ck_assert_int_eq(r.op, VFC_OP_SPAPR);
		/* Never read: ARG(1) would fault. */
		ck_assert(!r.has_arg);
	}
}
END_TEST

START_TEST(test_unassigned_vfio_numbers_are_other)
{
	static const int nrs[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 22, 23, 27};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		struct vfc_rec r = decode(NR(nrs[i]), ARG(1), 0, true);

		ck_assert_int_eq(r.op, VFC_OP_OTHER);
		ck_assert(!r.has_arg);
	}
}
END_TEST

START_TEST(test_number_below_vfio_base_is_other)
{
	ck_assert_int_eq(decode(_IO(VFIO_TYPE, VFIO_BASE - 1), NULL, 0, false).op, VFC_OP_OTHER);
	ck_assert_int_eq(decode(_IO(VFIO_TYPE, 0), NULL, 0, false).op, VFC_OP_OTHER);
}
END_TEST

START_TEST(test_iommufd_vfio_ioas_is_vfio_ioas)
{
	struct vfc_rec r = decode(VFC_IOMMU_VFIO_IOAS, ARG(1), 0, true);

	ck_assert_uint_eq(VFC_IOMMU_VFIO_IOAS, IOMMUFD_NR(0x88));
	ck_assert_int_eq(r.op, VFC_OP_IOMMU_VFIO_IOAS);
	ck_assert(!r.has_arg);
}
END_TEST

START_TEST(test_iommufd_native_range_is_native)
{
	static const int nrs[] = {0x80, 0x81, 0x87, 0x89, 0x8b, 0x90, 0xbf};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		struct vfc_rec r = decode(IOMMUFD_NR(nrs[i]), ARG(1), 0, true);

		ck_assert_int_eq(r.op, VFC_OP_IOMMU_NATIVE);
		ck_assert(!r.has_arg);
	}
}
END_TEST

START_TEST(test_number_past_iommufd_range_is_other)
{
	ck_assert_int_eq(decode(IOMMUFD_NR(0xc0), NULL, 0, false).op, VFC_OP_OTHER);
	ck_assert_int_eq(decode(IOMMUFD_NR(0xff), NULL, 0, false).op, VFC_OP_OTHER);
}
END_TEST

START_TEST(test_foreign_ioctl_type_is_other)
{
	ck_assert_int_eq(decode(_IO('x', VFIO_BASE + 13), ARG(1), 0, true).op, VFC_OP_OTHER);
	ck_assert_int_eq(decode(_IO('x', 0x88), ARG(1), 0, true).op, VFC_OP_OTHER);
}
END_TEST

START_TEST(test_request_with_direction_or_size_is_other)
{
	unsigned long w = _IOW(VFIO_TYPE, VFIO_BASE + 13, struct vfio_iommu_type1_dma_map);
	unsigned long r = _IOR(VFIO_TYPE, VFIO_BASE + 0, int);
	unsigned long sized = _IOC(_IOC_NONE, VFIO_TYPE, VFIO_BASE + 13, 8);

	ck_assert_int_eq(decode(w, ARG(1), 0, true).op, VFC_OP_OTHER);
	ck_assert_int_eq(decode(r, ARG(1), 0, true).op, VFC_OP_OTHER);
	ck_assert_int_eq(decode(sized, ARG(1), 0, true).op, VFC_OP_OTHER);
}
END_TEST

START_TEST(test_other_request_clears_every_field)
{
	struct vfc_rec r = decode(_IO('x', 1), ARG(7), 3, true);

	ck_assert_int_eq(r.op, VFC_OP_OTHER);
	ck_assert_uint_eq(r.request, _IO('x', 1));
	ck_assert_uint_eq(r.value, 0);
	ck_assert(!r.has_arg);
	ck_assert_uint_eq(r.argsz, 0);
	ck_assert_uint_eq(r.flags, 0);
	ck_assert_uint_eq(r.vaddr, 0);
	ck_assert_uint_eq(r.iova, 0);
	ck_assert_uint_eq(r.size, 0);
}
END_TEST

/* ---- argument decoding ---- */

START_TEST(test_map_dma_with_read_arg_fills_vaddr_iova_size)
{
	struct vfio_iommu_type1_dma_map m = {
	    .argsz = sizeof(m),
	    .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
	    .vaddr = 0x7f0000001000ull,
	    .iova = 0x100000,
	    .size = 0x200000,
	};
	struct vfc_rec r = decode(VFIO_IOMMU_MAP_DMA, &m, VFIO_TYPE1v2_IOMMU, true);

	ck_assert_int_eq(r.op, VFC_OP_MAP_DMA);
	ck_assert(r.has_arg);
	ck_assert_uint_eq(r.argsz, sizeof(m));
	ck_assert_uint_eq(r.flags, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	ck_assert_uint_eq(r.vaddr, 0x7f0000001000ull);
	ck_assert_uint_eq(r.iova, 0x100000);
	ck_assert_uint_eq(r.size, 0x200000);
}
END_TEST

START_TEST(test_map_dma_without_read_arg_has_no_arg)
{
	struct vfio_iommu_type1_dma_map m = {
	    .argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_VADDR, .vaddr = 1, .iova = 2, .size = 3};
	struct vfc_rec r = decode(VFIO_IOMMU_MAP_DMA, &m, VFIO_TYPE1v2_IOMMU, false);

	ck_assert_int_eq(r.op, VFC_OP_MAP_DMA);
	ck_assert(!r.has_arg);
	ck_assert_uint_eq(r.argsz, 0);
	ck_assert_uint_eq(r.flags, 0);
	ck_assert_uint_eq(r.vaddr, 0);
	ck_assert_uint_eq(r.iova, 0);
	ck_assert_uint_eq(r.size, 0);
}
END_TEST

START_TEST(test_map_dma_with_null_arg_has_no_arg)
{
	struct vfc_rec r = decode(VFIO_IOMMU_MAP_DMA, NULL, VFIO_TYPE1v2_IOMMU, true);

	ck_assert_int_eq(r.op, VFC_OP_MAP_DMA);
	ck_assert(!r.has_arg);
}
END_TEST

START_TEST(test_map_dma_argsz_smaller_than_struct_keeps_head_only)
{
	struct vfio_iommu_type1_dma_map m = {.argsz = sizeof(m) - 1,
					     .flags = VFIO_DMA_MAP_FLAG_VADDR,
					     .vaddr = 0x1000,
					     .iova = 0x2000,
					     .size = 0x3000};
	struct vfc_rec r = decode(VFIO_IOMMU_MAP_DMA, &m, VFIO_TYPE1v2_IOMMU, true);

	ck_assert(r.has_arg);
	ck_assert_uint_eq(r.argsz, sizeof(m) - 1);
	ck_assert_uint_eq(r.flags, VFIO_DMA_MAP_FLAG_VADDR);
	ck_assert_uint_eq(r.vaddr, 0);
	ck_assert_uint_eq(r.iova, 0);
	ck_assert_uint_eq(r.size, 0);
}
END_TEST

START_TEST(test_map_dma_from_unaligned_buffer_decodes)
{
	union {
		uint64_t align;
		unsigned char b[sizeof(struct vfio_iommu_type1_dma_map) + 8];
	} u;
	struct vfio_iommu_type1_dma_map m = {
	    .argsz = sizeof(m), .flags = 0, .vaddr = 0xabc000, .iova = 0xdef000, .size = 0x1000};

	memcpy(u.b + 1, &m, sizeof(m));
	struct vfc_rec r = decode(VFIO_IOMMU_MAP_DMA, u.b + 1, VFIO_TYPE1v2_IOMMU, true);

	ck_assert(r.has_arg);
	ck_assert_uint_eq(r.vaddr, 0xabc000);
	ck_assert_uint_eq(r.iova, 0xdef000);
	ck_assert_uint_eq(r.size, 0x1000);
}
END_TEST

START_TEST(test_unmap_dma_with_read_arg_fills_iova_size)
{
	struct vfio_iommu_type1_dma_unmap u = {
	    .argsz = sizeof(u), .flags = VFIO_DMA_UNMAP_FLAG_VADDR, .iova = 0x4000, .size = 0x8000};
	struct vfc_rec r = decode(VFIO_IOMMU_UNMAP_DMA, &u, VFIO_TYPE1v2_IOMMU, true);

	ck_assert_int_eq(r.op, VFC_OP_UNMAP_DMA);
	ck_assert(r.has_arg);
	ck_assert_uint_eq(r.argsz, sizeof(u));
	ck_assert_uint_eq(r.flags, VFIO_DMA_UNMAP_FLAG_VADDR);
	ck_assert_uint_eq(r.iova, 0x4000);
	ck_assert_uint_eq(r.size, 0x8000);
	ck_assert_uint_eq(r.vaddr, 0);
}
END_TEST

START_TEST(test_unmap_dma_argsz_smaller_than_struct_keeps_head_only)
{
	struct vfio_iommu_type1_dma_unmap u = {
	    .argsz = sizeof(u) - 1, .flags = 0, .iova = 0x4000, .size = 0x8000};
	struct vfc_rec r = decode(VFIO_IOMMU_UNMAP_DMA, &u, VFIO_TYPE1v2_IOMMU, true);

	ck_assert(r.has_arg);
	ck_assert_uint_eq(r.argsz, sizeof(u) - 1);
	ck_assert_uint_eq(r.iova, 0);
	ck_assert_uint_eq(r.size, 0);
}
END_TEST

START_TEST(test_get_info_with_read_arg_reads_argsz_and_flags)
{
	struct vfio_iommu_type1_info info = {
	    .argsz = 128, .flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS};
	struct vfc_rec r = decode(VFIO_IOMMU_GET_INFO, &info, VFIO_TYPE1v2_IOMMU, true);

	ck_assert_int_eq(r.op, VFC_OP_GET_INFO);
	ck_assert(r.has_arg);
	ck_assert_uint_eq(r.argsz, 128);
	ck_assert_uint_eq(r.flags, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
}
END_TEST

START_TEST(test_dirty_pages_with_read_arg_reads_flags)
{
	struct vfio_iommu_type1_dirty_bitmap d = {.argsz = sizeof(d),
						  .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START};
	struct vfc_rec r = decode(VFIO_IOMMU_DIRTY_PAGES, &d, VFIO_TYPE1v2_IOMMU, true);

	ck_assert_int_eq(r.op, VFC_OP_DIRTY_PAGES);
	ck_assert(r.has_arg);
	ck_assert_uint_eq(r.flags, VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
}
END_TEST

START_TEST(test_get_api_version_never_reads_arg)
{
	/* ARG(1) would fault if dereferenced. */
	ck_assert(!decode(NR(0), ARG(1), 0, true).has_arg);
}
END_TEST

/* ---- vfc_arg_was_read ---- */

START_TEST(test_arg_was_read_on_success)
{
	ck_assert(vfc_arg_was_read(0, 0));
	ck_assert(vfc_arg_was_read(5, 0));
}
END_TEST

START_TEST(test_arg_was_not_read_on_efault)
{
	ck_assert(!vfc_arg_was_read(-1, EFAULT));
}
END_TEST

START_TEST(test_arg_was_not_read_on_enotty)
{
	ck_assert(!vfc_arg_was_read(-1, ENOTTY));
}
END_TEST

START_TEST(test_arg_was_read_on_einval)
{
	ck_assert(vfc_arg_was_read(-1, EINVAL));
}
END_TEST

/* ---- vfc_classify ---- */

#define BIT(f) (1u << (f))

START_TEST(test_map_with_vaddr_flag_is_vaddr_map)
{
	struct vfc_rec r = rec(VFC_OP_MAP_DMA, 0, true, VFIO_DMA_MAP_FLAG_VADDR);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_VADDR_MAP));
}
END_TEST

START_TEST(test_map_read_write_is_no_feature)
{
	struct vfc_rec r =
	    rec(VFC_OP_MAP_DMA, 0, true, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);

	ck_assert_uint_eq(vfc_classify(&r, false), 0);
}
END_TEST

START_TEST(test_map_vaddr_flag_without_arg_is_no_feature)
{
	struct vfc_rec r = rec(VFC_OP_MAP_DMA, 0, false, VFIO_DMA_MAP_FLAG_VADDR);

	ck_assert_uint_eq(vfc_classify(&r, false), 0);
}
END_TEST

START_TEST(test_map_in_bar_is_p2p_map)
{
	struct vfc_rec r = rec(VFC_OP_MAP_DMA, 0, true, VFIO_DMA_MAP_FLAG_READ);

	ck_assert_uint_eq(vfc_classify(&r, true), BIT(VFC_F_P2P_MAP));
}
END_TEST

START_TEST(test_map_in_bar_with_vaddr_flag_is_p2p_and_vaddr_map)
{
	struct vfc_rec r = rec(VFC_OP_MAP_DMA, 0, true, VFIO_DMA_MAP_FLAG_VADDR);

	ck_assert_uint_eq(vfc_classify(&r, true), BIT(VFC_F_P2P_MAP) | BIT(VFC_F_VADDR_MAP));
}
END_TEST

START_TEST(test_unmap_in_bar_is_not_p2p)
{
	struct vfc_rec r = rec(VFC_OP_UNMAP_DMA, 0, true, 0);

	ck_assert_uint_eq(vfc_classify(&r, true), 0);
}
END_TEST

START_TEST(test_unmap_with_vaddr_flag_is_vaddr_unmap)
{
	struct vfc_rec r = rec(VFC_OP_UNMAP_DMA, 0, true, VFIO_DMA_UNMAP_FLAG_VADDR);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_VADDR_UNMAP));
}
END_TEST

START_TEST(test_unmap_with_dirty_bitmap_flag_is_dirty_bitmap_unmap)
{
	struct vfc_rec r = rec(VFC_OP_UNMAP_DMA, 0, true, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_DIRTY_BITMAP_UNMAP));
}
END_TEST

START_TEST(test_unmap_with_vaddr_and_dirty_flags_is_both)
{
	struct vfc_rec r = rec(VFC_OP_UNMAP_DMA, 0, true,
			       VFIO_DMA_UNMAP_FLAG_VADDR | VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);

	ck_assert_uint_eq(vfc_classify(&r, false),
			  BIT(VFC_F_VADDR_UNMAP) | BIT(VFC_F_DIRTY_BITMAP_UNMAP));
}
END_TEST

START_TEST(test_unmap_all_flag_is_no_feature)
{
	struct vfc_rec r = rec(VFC_OP_UNMAP_DMA, 0, true, VFIO_DMA_UNMAP_FLAG_ALL);

	ck_assert_uint_eq(vfc_classify(&r, false), 0);
}
END_TEST

START_TEST(test_unmap_flags_without_arg_is_no_feature)
{
	struct vfc_rec r = rec(VFC_OP_UNMAP_DMA, 0, false,
			       VFIO_DMA_UNMAP_FLAG_VADDR | VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);

	ck_assert_uint_eq(vfc_classify(&r, false), 0);
}
END_TEST

START_TEST(test_dirty_pages_is_dirty_pages_even_without_arg)
{
	struct vfc_rec r = rec(VFC_OP_DIRTY_PAGES, 0, false, 0);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_DIRTY_PAGES));
}
END_TEST

START_TEST(test_set_iommu_type1_is_type1_v1)
{
	struct vfc_rec r = rec(VFC_OP_SET_IOMMU, VFIO_TYPE1_IOMMU, false, 0);

	ck_assert_uint_eq(VFIO_TYPE1_IOMMU, 1);
	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_TYPE1_V1));
}
END_TEST

START_TEST(test_set_iommu_type1v2_is_no_feature)
{
	struct vfc_rec r = rec(VFC_OP_SET_IOMMU, VFIO_TYPE1v2_IOMMU, false, 0);

	ck_assert_uint_eq(VFIO_TYPE1v2_IOMMU, 3);
	ck_assert_uint_eq(vfc_classify(&r, false), 0);
}
END_TEST

START_TEST(test_set_iommu_nesting_is_nesting_set)
{
	struct vfc_rec r = rec(VFC_OP_SET_IOMMU, VFIO_TYPE1_NESTING_IOMMU, false, 0);

	ck_assert_uint_eq(VFIO_TYPE1_NESTING_IOMMU, 6);
	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_NESTING_SET));
}
END_TEST

START_TEST(test_set_iommu_spapr_types_are_spapr)
{
	struct vfc_rec r = rec(VFC_OP_SET_IOMMU, spapr_types[_i], false, 0);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_SPAPR));
}
END_TEST

START_TEST(test_set_iommu_types_classified_through_decode)
{
	struct vfc_rec r1 = decode(VFIO_SET_IOMMU, ARG(1), 0, false);
	struct vfc_rec r3 = decode(VFIO_SET_IOMMU, ARG(3), 0, false);
	struct vfc_rec r6 = decode(VFIO_SET_IOMMU, ARG(6), 0, false);
	struct vfc_rec r7 = decode(VFIO_SET_IOMMU, ARG(7), 0, false);

	ck_assert_uint_eq(vfc_classify(&r1, false), BIT(VFC_F_TYPE1_V1));
	ck_assert_uint_eq(vfc_classify(&r3, false), 0);
	ck_assert_uint_eq(vfc_classify(&r6, false), BIT(VFC_F_NESTING_SET));
	ck_assert_uint_eq(vfc_classify(&r7, false), BIT(VFC_F_SPAPR));
}
END_TEST

START_TEST(test_check_extension_update_vaddr_is_update_vaddr_ext)
{
	struct vfc_rec r = rec(VFC_OP_CHECK_EXTENSION, 10, false, 0);

	ck_assert_uint_eq(VFIO_UPDATE_VADDR, 10);
	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_UPDATE_VADDR_EXT));
}
END_TEST

START_TEST(test_check_extension_nesting_is_nesting_ext)
{
	struct vfc_rec r = rec(VFC_OP_CHECK_EXTENSION, 6, false, 0);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_NESTING_EXT));
}
END_TEST

START_TEST(test_check_extension_spapr_and_eeh_are_probes_not_use)
{
	static const uint32_t ids[] = {2, 7, 5};
	struct vfc_rec r = rec(VFC_OP_CHECK_EXTENSION, ids[_i], false, 0);

	ck_assert_uint_eq(VFIO_EEH, 5);
	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_SPAPR_EXT));
}
END_TEST

START_TEST(test_check_extension_type1_ids_are_no_feature)
{
	static const uint32_t ids[] = {VFIO_TYPE1_IOMMU,
				       VFIO_TYPE1v2_IOMMU,
				       VFIO_DMA_CC_IOMMU,
				       VFIO_NOIOMMU_IOMMU,
				       VFIO_UNMAP_ALL,
				       0,
				       11,
				       0xffffffffu};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct vfc_rec r = rec(VFC_OP_CHECK_EXTENSION, ids[i], false, 0);

		ck_assert_uint_eq(vfc_classify(&r, false), 0);
	}
}
END_TEST

START_TEST(test_spapr_op_is_spapr)
{
	struct vfc_rec r = rec(VFC_OP_SPAPR, 0, false, 0);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_SPAPR));
}
END_TEST

START_TEST(test_plain_ops_are_no_feature)
{
	static const enum vfc_op ops[] = {VFC_OP_OTHER, VFC_OP_GET_API_VERSION, VFC_OP_GET_INFO,
					  VFC_OP_IOMMU_VFIO_IOAS, VFC_OP_IOMMU_NATIVE};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct vfc_rec r = rec(ops[i], VFIO_UPDATE_VADDR, true, 0xffffffffu);

		ck_assert_uint_eq(vfc_classify(&r, true), 0);
	}
}
END_TEST

START_TEST(test_decoded_vaddr_map_classifies_as_vaddr_map)
{
	struct vfio_iommu_type1_dma_map m = {.argsz = sizeof(m),
					     .flags = VFIO_DMA_MAP_FLAG_VADDR,
					     .vaddr = 0x1000,
					     .iova = 0,
					     .size = 0x1000};
	struct vfc_rec r = decode(VFIO_IOMMU_MAP_DMA, &m, VFIO_TYPE1v2_IOMMU, true);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_VADDR_MAP));
}
END_TEST

START_TEST(test_decoded_spapr_register_memory_classifies_as_spapr)
{
	struct vfc_rec r =
	    decode(VFIO_IOMMU_SPAPR_REGISTER_MEMORY, NULL, VFIO_SPAPR_TCE_v2_IOMMU, false);

	ck_assert_uint_eq(vfc_classify(&r, false), BIT(VFC_F_SPAPR));
}
END_TEST

START_TEST(test_info_cap_walk_stays_in_the_page)
{
	/*
	 * A legacy 16-byte GET_INFO struct at the end of a page, a guard page
	 * after it: the argsz the kernel writes back (120) and a stale cap_offset
	 * point past the struct. Clamped to the page, the walk must not fault.
	 */
	uint8_t *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(mprotect(p + 4096, 4096, PROT_NONE), 0);
	uint8_t *info = p + 4096 - 24;
	struct vfio_iommu_type1_info h = {
	    .argsz = 120, .flags = VFIO_IOMMU_INFO_CAPS, .cap_offset = 24};
	memcpy(info, &h, sizeof(h));
	ck_assert_uint_eq(vfc_bytes_to_page_end(info), 24);
	ck_assert_uint_eq(vfc_bytes_to_page_end(p), 4096);
	uint32_t room = vfc_bytes_to_page_end(info);
	ck_assert(!vfc_info_has_cap(info, h.argsz < room ? h.argsz : room,
				    VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL));
	munmap(p, 8192);
}
END_TEST

/* ---- vfc_info_has_cap ---- */

union infobuf {
	uint64_t align;
	unsigned char b[512];
};

static void put_info(unsigned char *b, uint32_t argsz, uint32_t flags, uint32_t cap_offset)
{
	struct vfio_iommu_type1_info info;

	memset(&info, 0, sizeof(info));
	info.argsz = argsz;
	info.flags = flags;
	info.iova_pgsizes = 0x40201000;
	info.cap_offset = cap_offset;
	memcpy(b, &info, sizeof(info));
}

static void put_cap(unsigned char *b, uint32_t off, uint16_t id, uint32_t next)
{
	struct vfio_info_cap_header h = {.id = id, .version = 1, .next = next};

	memcpy(b + off, &h, sizeof(h));
}

#define CAPS	  (VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS)
#define CAP_IOVA  VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE
#define CAP_MIGR  VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION
#define CAP_AVAIL VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL

/* What the kernel writes: IOVA_RANGE (32 bytes) at 24, then DMA_AVAIL at 56. */
static uint32_t kernel_like_info(unsigned char *b)
{
	memset(b, 0, 512);
	put_info(b, 72, CAPS, INFO_SIZE);
	put_cap(b, INFO_SIZE, CAP_IOVA, 56);
	put_cap(b, 56, CAP_AVAIL, 0);
	return 72;
}

START_TEST(test_info_cap_later_in_chain_is_found)
{
	union infobuf u;
	uint32_t argsz = kernel_like_info(u.b);

	ck_assert_uint_eq(INFO_SIZE, 24);
	ck_assert(vfc_info_has_cap(u.b, argsz, CAP_AVAIL));
}
END_TEST

START_TEST(test_info_first_cap_is_found)
{
	union infobuf u;
	uint32_t argsz = kernel_like_info(u.b);

	ck_assert(vfc_info_has_cap(u.b, argsz, CAP_IOVA));
}
END_TEST

START_TEST(test_info_cap_absent_from_chain_is_not_found)
{
	union infobuf u;
	uint32_t argsz = kernel_like_info(u.b);

	ck_assert(!vfc_info_has_cap(u.b, argsz, CAP_MIGR));
}
END_TEST

START_TEST(test_info_without_caps_flag_has_no_cap)
{
	union infobuf u;
	uint32_t argsz = kernel_like_info(u.b);

	put_info(u.b, 72, VFIO_IOMMU_INFO_PGSIZES, INFO_SIZE);
	ck_assert(!vfc_info_has_cap(u.b, argsz, CAP_IOVA));
}
END_TEST

START_TEST(test_info_with_zero_cap_offset_has_no_cap)
{
	union infobuf u;
	uint32_t argsz = kernel_like_info(u.b);

	put_info(u.b, 72, CAPS, 0);
	ck_assert(!vfc_info_has_cap(u.b, argsz, CAP_IOVA));
}
END_TEST

START_TEST(test_info_chain_looping_back_is_not_found)
{
	union infobuf u;
	uint32_t argsz = kernel_like_info(u.b);

	put_cap(u.b, 56, CAP_AVAIL, INFO_SIZE);
	ck_assert(!vfc_info_has_cap(u.b, argsz, CAP_MIGR));
}
END_TEST

START_TEST(test_info_cap_pointing_at_itself_is_not_followed)
{
	union infobuf u;
	uint32_t argsz = kernel_like_info(u.b);

	put_cap(u.b, INFO_SIZE, CAP_IOVA, INFO_SIZE);
	put_cap(u.b, 56, CAP_MIGR, 0);
	ck_assert(!vfc_info_has_cap(u.b, argsz, CAP_MIGR));
}
END_TEST

START_TEST(test_info_cap_offset_beyond_argsz_is_not_found)
{
	union infobuf u;

	memset(u.b, 0, sizeof(u.b));
	put_info(u.b, 72, CAPS, 200);
	put_cap(u.b, 200, CAP_AVAIL, 0);
	ck_assert(!vfc_info_has_cap(u.b, 72, CAP_AVAIL));
}
END_TEST

START_TEST(test_info_next_beyond_argsz_is_not_found)
{
	union infobuf u;
	uint32_t argsz = kernel_like_info(u.b);

	put_cap(u.b, INFO_SIZE, CAP_IOVA, 200);
	put_cap(u.b, 200, CAP_AVAIL, 0);
	ck_assert(!vfc_info_has_cap(u.b, argsz, CAP_AVAIL));
}
END_TEST

START_TEST(test_info_cap_header_straddling_argsz_is_not_found)
{
	union infobuf u;

	memset(u.b, 0, sizeof(u.b));
	put_info(u.b, 72, CAPS, 68);
	put_cap(u.b, 68, CAP_AVAIL, 0);
	ck_assert(!vfc_info_has_cap(u.b, 72, CAP_AVAIL));
}
END_TEST

START_TEST(test_info_cap_header_ending_at_argsz_is_found)
{
	union infobuf u;

	memset(u.b, 0, sizeof(u.b));
	put_info(u.b, 72, CAPS, 64);
	put_cap(u.b, 64, CAP_AVAIL, 0);
	ck_assert(vfc_info_has_cap(u.b, 72, CAP_AVAIL));
}
END_TEST

START_TEST(test_info_cap_offset_inside_header_is_not_found)
{
	union infobuf u;

	memset(u.b, 0, sizeof(u.b));
	put_info(u.b, 72, CAPS, 8);
	/* Bytes 8..15 (iova_pgsizes) seen as a cap header would claim id 0x1000. */
	ck_assert(!vfc_info_has_cap(u.b, 72, 0x1000));
	ck_assert(!vfc_info_has_cap(u.b, 72, 0));
}
END_TEST

START_TEST(test_info_argsz_smaller_than_struct_has_no_cap)
{
	union infobuf u;

	kernel_like_info(u.b);
	ck_assert(!vfc_info_has_cap(u.b, INFO_SIZE - 1, CAP_IOVA));
	ck_assert(!vfc_info_has_cap(u.b, 0, CAP_IOVA));
}
END_TEST

START_TEST(test_info_argsz_larger_than_buffer_has_no_cap)
{
	union infobuf u;

	kernel_like_info(u.b);
	/* The struct claims 72 bytes but the caller's buffer holds only 56. */
	ck_assert(!vfc_info_has_cap(u.b, 56, CAP_IOVA));
}
END_TEST

/* A chain of `n` 8-byte caps; cap `hit` has the searched id 9. */
static uint32_t long_chain(unsigned char *b, int n, int hit)
{
	uint32_t end = INFO_SIZE + 8u * (uint32_t)n;

	memset(b, 0, 512);
	put_info(b, end, CAPS, INFO_SIZE);
	for (int i = 0; i < n; i++) {
		uint32_t off = INFO_SIZE + 8u * (uint32_t)i;

		put_cap(b, off, i == hit ? 9 : 1, i + 1 < n ? off + 8 : 0);
	}
	return end;
}

START_TEST(test_info_cap_at_sixteenth_hop_is_found)
{
	union infobuf u;
	uint32_t argsz = long_chain(u.b, 17, 15);

	ck_assert(vfc_info_has_cap(u.b, argsz, 9));
}
END_TEST

START_TEST(test_info_cap_past_sixteen_hops_is_not_found)
{
	union infobuf u;
	uint32_t argsz = long_chain(u.b, 40, 16);

	ck_assert(!vfc_info_has_cap(u.b, argsz, 9));
	argsz = long_chain(u.b, 40, 39);
	ck_assert(!vfc_info_has_cap(u.b, argsz, 9));
}
END_TEST

START_TEST(test_info_in_unaligned_buffer_is_walked)
{
	union infobuf u, v;
	uint32_t argsz = kernel_like_info(u.b);

	memset(v.b, 0, sizeof(v.b));
	memcpy(v.b + 3, u.b, argsz);
	ck_assert(vfc_info_has_cap(v.b + 3, argsz, CAP_AVAIL));
}
END_TEST

/* ---- names and feature metadata ---- */

START_TEST(test_every_op_has_a_distinct_name)
{
	for (int i = 0; i < VFC_OP_COUNT; i++) {
		ck_assert_ptr_nonnull(vfc_op_name(i));
		ck_assert_uint_gt(strlen(vfc_op_name(i)), 0);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(vfc_op_name(i), vfc_op_name(j));
	}
	ck_assert_str_eq(vfc_op_name(VFC_OP_MAP_DMA), "IOMMU_MAP_DMA");
}
END_TEST

START_TEST(test_out_of_range_op_is_named_other)
{
	ck_assert_str_eq(vfc_op_name(VFC_OP_COUNT), "OTHER");
	ck_assert_str_eq(vfc_op_name((enum vfc_op) - 1), "OTHER");
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc;

	tc = tcase_create("requests");
	tcase_add_test(tc, test_linux_request_macros_are_plain_vfio_base_numbers);
	tcase_add_test(tc, test_get_api_version_is_get_api_version);
	tcase_add_test(tc, test_check_extension_carries_extension_id_as_value);
	tcase_add_test(tc, test_set_iommu_carries_type_as_value);
	tcase_add_loop_test(tc, test_nr12_on_non_spapr_container_is_get_info, 0, 4);
	tcase_add_loop_test(tc, test_nr12_on_spapr_container_is_spapr, 0, 2);
	tcase_add_loop_test(tc, test_nr17_on_non_spapr_container_is_dirty_pages, 0, 4);
	tcase_add_loop_test(tc, test_nr17_on_spapr_container_is_spapr, 0, 2);
	tcase_add_test(tc, test_map_dma_is_map_dma);
	tcase_add_test(tc, test_unmap_dma_is_unmap_dma);
	tcase_add_loop_test(tc, test_spapr_only_numbers_are_spapr_on_any_container, 0, 6);
	tcase_add_test(tc, test_unassigned_vfio_numbers_are_other);
	tcase_add_test(tc, test_number_below_vfio_base_is_other);
	tcase_add_test(tc, test_iommufd_vfio_ioas_is_vfio_ioas);
	tcase_add_test(tc, test_iommufd_native_range_is_native);
	tcase_add_test(tc, test_number_past_iommufd_range_is_other);
	tcase_add_test(tc, test_foreign_ioctl_type_is_other);
	tcase_add_test(tc, test_request_with_direction_or_size_is_other);
	tcase_add_test(tc, test_other_request_clears_every_field);
	suite_add_tcase(s, tc);

	tc = tcase_create("arguments");
	tcase_add_test(tc, test_map_dma_with_read_arg_fills_vaddr_iova_size);
	tcase_add_test(tc, test_map_dma_without_read_arg_has_no_arg);
	tcase_add_test(tc, test_map_dma_with_null_arg_has_no_arg);
	tcase_add_test(tc, test_map_dma_argsz_smaller_than_struct_keeps_head_only);
	tcase_add_test(tc, test_map_dma_from_unaligned_buffer_decodes);
	tcase_add_test(tc, test_unmap_dma_with_read_arg_fills_iova_size);
	tcase_add_test(tc, test_unmap_dma_argsz_smaller_than_struct_keeps_head_only);
	tcase_add_test(tc, test_get_info_with_read_arg_reads_argsz_and_flags);
	tcase_add_test(tc, test_dirty_pages_with_read_arg_reads_flags);
	tcase_add_test(tc, test_get_api_version_never_reads_arg);
	tcase_add_test(tc, test_arg_was_read_on_success);
	tcase_add_test(tc, test_arg_was_not_read_on_efault);
	tcase_add_test(tc, test_arg_was_not_read_on_enotty);
	tcase_add_test(tc, test_arg_was_read_on_einval);
	suite_add_tcase(s, tc);

	tc = tcase_create("classify");
	tcase_add_test(tc, test_map_with_vaddr_flag_is_vaddr_map);
	tcase_add_test(tc, test_map_read_write_is_no_feature);
	tcase_add_test(tc, test_map_vaddr_flag_without_arg_is_no_feature);
	tcase_add_test(tc, test_map_in_bar_is_p2p_map);
	tcase_add_test(tc, test_map_in_bar_with_vaddr_flag_is_p2p_and_vaddr_map);
	tcase_add_test(tc, test_unmap_in_bar_is_not_p2p);
	tcase_add_test(tc, test_unmap_with_vaddr_flag_is_vaddr_unmap);
	tcase_add_test(tc, test_unmap_with_dirty_bitmap_flag_is_dirty_bitmap_unmap);
	tcase_add_test(tc, test_unmap_with_vaddr_and_dirty_flags_is_both);
	tcase_add_test(tc, test_unmap_all_flag_is_no_feature);
	tcase_add_test(tc, test_unmap_flags_without_arg_is_no_feature);
	tcase_add_test(tc, test_dirty_pages_is_dirty_pages_even_without_arg);
	tcase_add_test(tc, test_set_iommu_type1_is_type1_v1);
	tcase_add_test(tc, test_set_iommu_type1v2_is_no_feature);
	tcase_add_test(tc, test_set_iommu_nesting_is_nesting_set);
	tcase_add_loop_test(tc, test_set_iommu_spapr_types_are_spapr, 0, 2);
	tcase_add_test(tc, test_set_iommu_types_classified_through_decode);
	tcase_add_test(tc, test_check_extension_update_vaddr_is_update_vaddr_ext);
	tcase_add_test(tc, test_check_extension_nesting_is_nesting_ext);
	tcase_add_loop_test(tc, test_check_extension_spapr_and_eeh_are_probes_not_use, 0, 3);
	tcase_add_test(tc, test_check_extension_type1_ids_are_no_feature);
	tcase_add_test(tc, test_spapr_op_is_spapr);
	tcase_add_test(tc, test_plain_ops_are_no_feature);
	tcase_add_test(tc, test_decoded_vaddr_map_classifies_as_vaddr_map);
	tcase_add_test(tc, test_decoded_spapr_register_memory_classifies_as_spapr);
	suite_add_tcase(s, tc);

	tc = tcase_create("info_caps");
	tcase_add_test(tc, test_info_cap_walk_stays_in_the_page);
	tcase_add_test(tc, test_info_cap_later_in_chain_is_found);
	tcase_add_test(tc, test_info_first_cap_is_found);
	tcase_add_test(tc, test_info_cap_absent_from_chain_is_not_found);
	tcase_add_test(tc, test_info_without_caps_flag_has_no_cap);
	tcase_add_test(tc, test_info_with_zero_cap_offset_has_no_cap);
	tcase_add_test(tc, test_info_chain_looping_back_is_not_found);
	tcase_add_test(tc, test_info_cap_pointing_at_itself_is_not_followed);
	tcase_add_test(tc, test_info_cap_offset_beyond_argsz_is_not_found);
	tcase_add_test(tc, test_info_next_beyond_argsz_is_not_found);
	tcase_add_test(tc, test_info_cap_header_straddling_argsz_is_not_found);
	tcase_add_test(tc, test_info_cap_header_ending_at_argsz_is_found);
	tcase_add_test(tc, test_info_cap_offset_inside_header_is_not_found);
	tcase_add_test(tc, test_info_argsz_smaller_than_struct_has_no_cap);
	tcase_add_test(tc, test_info_argsz_larger_than_buffer_has_no_cap);
	tcase_add_test(tc, test_info_cap_at_sixteenth_hop_is_found);
	tcase_add_test(tc, test_info_cap_past_sixteen_hops_is_not_found);
	tcase_add_test(tc, test_info_in_unaligned_buffer_is_walked);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_every_op_has_a_distinct_name);
	tcase_add_test(tc, test_out_of_range_op_is_named_other);
	suite_add_tcase(s, tc);
	return s;
}
