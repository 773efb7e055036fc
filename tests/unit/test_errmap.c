// SPDX-License-Identifier: GPL-2.0-only
/* The type1 errno table against the measured rows of docs/compat-audit.md. */
#include <errno.h>
#include <linux/vfio.h>

#include "errmap.h"
#include "unit.h"

static struct vfc_rec rec(enum vfc_op op, uint32_t value)
{
	struct vfc_rec r = {.op = op, .value = value};
	return r;
}

START_TEST(test_v2_partial_unmap_enoent_becomes_einval)
{
	/* Audit: "UNMAP_DMA 4K inside a 2M mapping (TYPE1v2)": type1 EINVAL, iommufd ENOENT. */
	struct vfc_rec r = rec(VFC_OP_UNMAP_DMA, 0);
	const struct vfc_errmap_rule *m = vfc_errmap_find(&r, VFIO_TYPE1v2_IOMMU, ENOENT, -1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->type1_ret, -1);
	ck_assert_int_eq(m->type1_err, EINVAL);
}
END_TEST

START_TEST(test_v1_partial_unmap_is_left_alone)
{
	/* type1 v1 answers success with size 0 there: not an errno to give. */
	struct vfc_rec r = rec(VFC_OP_UNMAP_DMA, 0);
	ck_assert_ptr_null(vfc_errmap_find(&r, VFIO_TYPE1_IOMMU, ENOENT, -1));
}
END_TEST

START_TEST(test_unsupported_set_iommu_einval_becomes_enodev)
{
	/* Audit: SET_IOMMU(0), (TYPE1_NESTING), (SPAPR_TCE_v2): type1 ENODEV, iommufd EINVAL. */
	static const uint32_t types[] = {0, VFIO_TYPE1_NESTING_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU};
	struct vfc_rec r = rec(VFC_OP_SET_IOMMU, types[_i]);
	const struct vfc_errmap_rule *m = vfc_errmap_find(&r, 0, EINVAL, -1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->type1_err, ENODEV);
}
END_TEST

START_TEST(test_nesting_set_iommu_follows_the_kernels_type1)
{
	/*
	 * Lab, SET_IOMMU(TYPE1_NESTING) with a group: 7.3's type1 (CHECK_EXTENSION
	 * 0) ENODEV, 6.12's (CHECK_EXTENSION 1) EINVAL as iommufd; unknown: 7.3's.
	 */
	struct vfc_rec r = rec(VFC_OP_SET_IOMMU, VFIO_TYPE1_NESTING_IOMMU);
	ck_assert_ptr_null(vfc_errmap_find(&r, 0, EINVAL, 1));
	const struct vfc_errmap_rule *m = vfc_errmap_find(&r, 0, EINVAL, 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->type1_err, ENODEV);
	m = vfc_errmap_find(&r, 0, EINVAL, -1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->type1_err, ENODEV);
	/* Other unsupported types are refused with ENODEV by both kernels' type1. */
	r = rec(VFC_OP_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU);
	m = vfc_errmap_find(&r, 0, EINVAL, 1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->type1_err, ENODEV);
	/* With no group both kernels' type1 say EINVAL first. */
	r = rec(VFC_OP_SET_IOMMU, VFIO_TYPE1_NESTING_IOMMU);
	m = vfc_errmap_find(&r, 0, ENODEV, 1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->type1_err, EINVAL);
}
END_TEST

START_TEST(test_supported_set_iommu_einval_is_left_alone)
{
	struct vfc_rec r = rec(VFC_OP_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	ck_assert_ptr_null(vfc_errmap_find(&r, 0, EINVAL, -1));
}
END_TEST

START_TEST(test_no_group_enodev_becomes_einval)
{
	/* Audit: SET_IOMMU / MAP_DMA / GET_INFO with no group: type1 EINVAL, iommufd ENODEV. */
	static const enum vfc_op ops[] = {VFC_OP_SET_IOMMU, VFC_OP_MAP_DMA, VFC_OP_GET_INFO};
	struct vfc_rec r = rec(ops[_i], VFIO_TYPE1v2_IOMMU);
	const struct vfc_errmap_rule *m = vfc_errmap_find(&r, 0, ENODEV, -1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->type1_ret, -1);
	ck_assert_int_eq(m->type1_err, EINVAL);
}
END_TEST

START_TEST(test_check_extension_enodev_becomes_zero)
{
	/* Audit: CHECK_EXTENSION(4), no group: type1 0, iommufd ENODEV. A query: 0 is honest. */
	struct vfc_rec r = rec(VFC_OP_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU);
	const struct vfc_errmap_rule *m = vfc_errmap_find(&r, 0, ENODEV, -1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->type1_ret, 0);
}
END_TEST

START_TEST(test_state_changing_differences_are_never_translated)
{
	/* DIRTY_PAGES (type1 succeeds), EFAULT of a P2P map, EINVAL of VADDR: no rule. */
	struct vfc_rec d = rec(VFC_OP_DIRTY_PAGES, 0), m = rec(VFC_OP_MAP_DMA, 0);
	ck_assert_ptr_null(vfc_errmap_find(&d, VFIO_TYPE1v2_IOMMU, ENOTTY, -1));
	ck_assert_ptr_null(vfc_errmap_find(&m, VFIO_TYPE1v2_IOMMU, EFAULT, -1));
	ck_assert_ptr_null(vfc_errmap_find(&m, VFIO_TYPE1v2_IOMMU, EINVAL, -1));
}
END_TEST

Suite *errmap_suite(void)
{
	Suite *s = suite_create("errmap");
	TCase *t = tcase_create("rules");
	tcase_add_test(t, test_v2_partial_unmap_enoent_becomes_einval);
	tcase_add_test(t, test_v1_partial_unmap_is_left_alone);
	tcase_add_loop_test(t, test_unsupported_set_iommu_einval_becomes_enodev, 0, 3);
	tcase_add_test(t, test_nesting_set_iommu_follows_the_kernels_type1);
	tcase_add_test(t, test_supported_set_iommu_einval_is_left_alone);
	tcase_add_loop_test(t, test_no_group_enodev_becomes_einval, 0, 3);
	tcase_add_test(t, test_check_extension_enodev_becomes_zero);
	tcase_add_test(t, test_state_changing_differences_are_never_translated);
	suite_add_tcase(s, t);
	return s;
}
