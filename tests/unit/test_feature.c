// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of common/feature.c. */
#include <errno.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "decode.h"
#include "unit.h"
#include "vfiocompat/iommufd-uapi.h"

START_TEST(test_every_feature_has_distinct_name_and_texts)
{
	for (int i = 0; i < VFC_F_COUNT; i++) {
		const struct vfc_feature_info *fi = vfc_feature(i);

		ck_assert_ptr_nonnull(fi);
		ck_assert_ptr_nonnull(fi->name);
		ck_assert_ptr_nonnull(fi->iommufd);
		ck_assert_ptr_nonnull(fi->hint);
		ck_assert_uint_gt(strlen(fi->iommufd), 0);
		ck_assert_uint_gt(strlen(fi->hint), 0);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(fi->name, vfc_feature(j)->name);
	}
}
END_TEST

START_TEST(test_out_of_range_feature_is_null)
{
	ck_assert_ptr_null(vfc_feature(VFC_F_COUNT));
	ck_assert_ptr_null(vfc_feature((enum vfc_feature) - 1));
}
END_TEST

START_TEST(test_feature_severities_match_iommufd_compat)
{
	static const enum vfc_severity want[VFC_F_COUNT] = {
	    [VFC_F_VADDR_MAP] = VFC_SEV_BLOCKER,     [VFC_F_VADDR_UNMAP] = VFC_SEV_BLOCKER,
	    [VFC_F_UPDATE_VADDR_EXT] = VFC_SEV_INFO, [VFC_F_NESTING_EXT] = VFC_SEV_INFO,
	    [VFC_F_NESTING_SET] = VFC_SEV_BLOCKER,   [VFC_F_SPAPR] = VFC_SEV_BLOCKER,
	    [VFC_F_DIRTY_PAGES] = VFC_SEV_BLOCKER,   [VFC_F_DIRTY_BITMAP_UNMAP] = VFC_SEV_BLOCKER,
	    [VFC_F_TYPE1_V1] = VFC_SEV_DEGRADED,     [VFC_F_P2P_MAP] = VFC_SEV_BLOCKER,
	    [VFC_F_DMA_AVAIL] = VFC_SEV_DEGRADED,    [VFC_F_SPAPR_EXT] = VFC_SEV_INFO,
	};

	for (int i = 0; i < VFC_F_COUNT; i++)
		ck_assert_int_eq(vfc_feature(i)->severity, want[i]);
}
END_TEST

START_TEST(test_severity_names)
{
	ck_assert_str_eq(vfc_severity_name(VFC_SEV_INFO), "info");
	ck_assert_str_eq(vfc_severity_name(VFC_SEV_DEGRADED), "degraded");
	ck_assert_str_eq(vfc_severity_name(VFC_SEV_BLOCKER), "blocker");
	ck_assert_str_eq(vfc_severity_name((enum vfc_severity)42), "info");
}
END_TEST

Suite *feature_suite(void)
{
	Suite *s = suite_create("feature");

	TCase *tc = tcase_create("names_decode");
	tcase_add_test(tc, test_every_feature_has_distinct_name_and_texts);
	tcase_add_test(tc, test_out_of_range_feature_is_null);
	tcase_add_test(tc, test_feature_severities_match_iommufd_compat);
	tcase_add_test(tc, test_severity_names);
	suite_add_tcase(s, tc);
	return s;
}
