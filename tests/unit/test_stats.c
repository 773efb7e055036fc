// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of shim/ioctl/stats.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitrec.h"
#include "fdtable.h"
#include "getinfo_probe.h"
#include "iommu_vendor.h"
#include "iova.h"
#include "report.h"
#include "stats.h"
#include "unit.h"

/* The process under test, set up afresh by its test case's checked fixture. */
static struct vfc_stats s;

/* A process that opened one container and asked nothing of it yet. */
static void one_container(void)
{
	vfc_stats_reset(&s);
	atomic_store(&s.containers, 1);
}

/* The same container, redirected to iommufd: ready until something says otherwise. */
static void one_redirected_container(void)
{
	one_container();
	atomic_store(&s.redirected, 1);
}

START_TEST(test_fixed_early_get_info_stays_ready)
{
	atomic_store(&s.get_info_early, 2);
	atomic_store(&s.get_info_fixed, 2);
	ck_assert_str_eq(vfc_verdict(&s), "ready");
}
END_TEST

START_TEST(test_unfixed_early_get_info_is_never_ready)
{
	atomic_store(&s.get_info_early, 2);
	atomic_store(&s.get_info_fixed, 1);
	ck_assert_str_eq(vfc_verdict(&s), "ready-with-differences");
	atomic_store(&s.get_info_fixed, 0);
	ck_assert_str_eq(vfc_verdict(&s), "ready-with-differences");
	/* A blocker still wins. */
	atomic_store(&s.feat[VFC_F_VADDR_UNMAP].count, 1);
	ck_assert_str_eq(vfc_verdict(&s), "not-ready");
}
END_TEST

/* ---- vfc_verdict ---- */

START_TEST(test_no_containers_is_untested)
{
	vfc_stats_reset(&s);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_UNTESTED);
	ck_assert_str_eq(VFC_VERDICT_UNTESTED, "untested");
}
END_TEST

START_TEST(test_clean_container_is_ready)
{
	atomic_store(&s.redirected, 1);
	atomic_store(&s.calls[VFC_OP_MAP_DMA], 10);
	ck_assert_str_eq(vfc_verdict(&s), "ready");
}
END_TEST

START_TEST(test_blocker_feature_is_not_ready)
{
	atomic_store(&s.feat[VFC_F_VADDR_UNMAP].count, 1);
	atomic_store(&s.feat[VFC_F_TYPE1_V1].count, 1);
	ck_assert_str_eq(vfc_verdict(&s), "not-ready");
}
END_TEST

START_TEST(test_blocker_with_fallback_is_not_ready)
{
	atomic_store(&s.fallbacks, 1);
	atomic_store(&s.feat[VFC_F_SPAPR].count, 1);
	ck_assert_str_eq(vfc_verdict(&s), "not-ready");
}
END_TEST

START_TEST(test_degraded_only_is_ready_with_differences)
{
	atomic_store(&s.feat[VFC_F_TYPE1_V1].count, 1);
	atomic_store(&s.feat[VFC_F_DMA_AVAIL].count, 3);
	ck_assert_str_eq(vfc_verdict(&s), "ready-with-differences");
}
END_TEST

START_TEST(test_info_only_is_ready)
{
	atomic_store(&s.feat[VFC_F_UPDATE_VADDR_EXT].count, 1);
	atomic_store(&s.feat[VFC_F_NESTING_EXT].count, 1);
	ck_assert_str_eq(vfc_verdict(&s), "ready");
}
END_TEST

START_TEST(test_fallback_is_untested)
{
	atomic_store(&s.containers, 2);
	atomic_store(&s.redirected, 1);
	atomic_store(&s.fallbacks, 1);
	ck_assert_str_eq(vfc_verdict(&s), "untested");
	atomic_store(&s.feat[VFC_F_TYPE1_V1].count, 1);
	ck_assert_str_eq(vfc_verdict(&s), "untested");
}
END_TEST

START_TEST(test_stats_reset_clears_everything)
{
	const unsigned char *p = (const unsigned char *)&s;

	memset(&s, 0xff, sizeof(s));
	vfc_stats_reset(&s);
	for (size_t i = 0; i < sizeof(s); i++)
		ck_assert_uint_eq(p[i], 0);
}
END_TEST

/* ---- the shim's own summary verdict follows the same rules ---- */

START_TEST(test_shim_all_ioctls_failed_is_failed)
{
	atomic_store(&s.calls[VFC_OP_SET_IOMMU], 1);
	atomic_store(&s.errors[VFC_OP_SET_IOMMU], 1);
	atomic_store(&s.calls[VFC_OP_CHECK_EXTENSION], 3);
	atomic_store(&s.errors[VFC_OP_CHECK_EXTENSION], 3);
	atomic_store(&s.feat[VFC_F_TYPE1_V1].count, 1);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_FAILED);
	/* A blocker explains the failures: not-ready, as audit mode predicts. */
	atomic_store(&s.feat[VFC_F_NESTING_SET].count, 1);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_NOT_READY);
	atomic_store(&s.feat[VFC_F_NESTING_SET].count, 0);
	atomic_store(&s.errors[VFC_OP_CHECK_EXTENSION], 2); /* one answer: not all failed */
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_DIFFERENCES);
	/* On type1 (fallback) the errors are type1's own. */
	atomic_store(&s.redirected, 0);
	atomic_store(&s.fallbacks, 1);
	atomic_store(&s.errors[VFC_OP_CHECK_EXTENSION], 3);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_UNTESTED);
}
END_TEST

START_TEST(test_shim_unfixed_getinfo_rules)
{
	atomic_store(&s.calls[VFC_OP_GET_INFO], 1);
	atomic_store(&s.calls[VFC_OP_MAP_DMA], 4);
	atomic_store(&s.get_info_early, 1);
	atomic_store(&s.get_info_fixed, 1);
	atomic_store(&s.errors[VFC_OP_MAP_DMA], 1);
	vfc_stats_note_error(&s, VFC_OP_MAP_DMA, EEXIST);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_READY); /* fixed: one EEXIST is its own */
	atomic_store(&s.get_info_fixed, 0);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_NOT_READY);
	atomic_store(&s.errors[VFC_OP_MAP_DMA], 0);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_DIFFERENCES);
}
END_TEST

/* The shim's own summary verdict: every MAP_DMA failed is never ready. */
START_TEST(test_shim_every_map_dma_failed_is_not_ready)
{
	atomic_store(&s.calls[VFC_OP_SET_IOMMU], 1);
	atomic_store(&s.calls[VFC_OP_GET_INFO], 1);
	atomic_store(&s.calls[VFC_OP_MAP_DMA], 3);
	atomic_store(&s.errors[VFC_OP_MAP_DMA], 3);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_NOT_READY); /* errno unknown */
}
END_TEST

Suite *stats_suite(void)
{
	Suite *suite = suite_create("stats");

	TCase *tc = tcase_create("probe_getinfo");
	tcase_add_checked_fixture(tc, one_redirected_container, NULL);
	tcase_add_test(tc, test_fixed_early_get_info_stays_ready);
	tcase_add_test(tc, test_unfixed_early_get_info_is_never_ready);
	suite_add_tcase(suite, tc);
	tc = tcase_create("reset_report");
	tcase_add_test(tc, test_no_containers_is_untested);
	tcase_add_test(tc, test_stats_reset_clears_everything);
	suite_add_tcase(suite, tc);
	tc = tcase_create("verdict_report");
	tcase_add_checked_fixture(tc, one_container, NULL);
	tcase_add_test(tc, test_clean_container_is_ready);
	tcase_add_test(tc, test_blocker_feature_is_not_ready);
	tcase_add_test(tc, test_blocker_with_fallback_is_not_ready);
	tcase_add_test(tc, test_degraded_only_is_ready_with_differences);
	tcase_add_test(tc, test_info_only_is_ready);
	tcase_add_test(tc, test_fallback_is_untested);
	suite_add_tcase(suite, tc);
	tc = tcase_create("shim-verdict_trial");
	tcase_add_checked_fixture(tc, one_redirected_container, NULL);
	tcase_add_test(tc, test_shim_all_ioctls_failed_is_failed);
	tcase_add_test(tc, test_shim_unfixed_getinfo_rules);
	tcase_add_test(tc, test_shim_every_map_dma_failed_is_not_ready);
	suite_add_tcase(suite, tc);
	return suite;
}
