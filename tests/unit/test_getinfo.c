// SPDX-License-Identifier: GPL-2.0-only
/* The GET_INFO fix-up's pure parts: the probe's group fd and the verdict rule. */
#include <stdlib.h>

#include "fdtable.h"
#include "getinfo_probe.h"
#include "stats.h"
#include "unit.h"

static _Atomic uint32_t table[64];

START_TEST(test_group_fd_found)
{
	for (int i = 0; i < 64; i++)
		atomic_store(&table[i], 0);
	atomic_store(&table[3], VFC_FD_ENTRY(VFC_FD_REDIRECTED, 0));
	atomic_store(&table[5], VFC_FD_ENTRY(VFC_FD_DEVICE, 8)); /* a device of group 7 */
	atomic_store(&table[9], VFC_FD_ENTRY(VFC_FD_GROUP, 13)); /* group 12 */
	atomic_store(&table[11], VFC_FD_ENTRY(VFC_FD_GROUP, 8)); /* group 7 */
	atomic_store(&table[12], VFC_FD_ENTRY(VFC_FD_GROUP, 1)); /* group 0 */
	ck_assert_int_eq(vfc_probe_group_fd(table, 63, 7), 11);
	ck_assert_int_eq(vfc_probe_group_fd(table, 63, 12), 9);
	ck_assert_int_eq(vfc_probe_group_fd(table, 63, 0), 12);
	/* Not held, beyond the high mark, or unknown. */
	ck_assert_int_eq(vfc_probe_group_fd(table, 63, 8), -1);
	ck_assert_int_eq(vfc_probe_group_fd(table, 10, 7), -1);
	ck_assert_int_eq(vfc_probe_group_fd(table, 63, -1), -1);
}
END_TEST

static void ready_process(struct vfc_stats *s)
{
	vfc_stats_reset(s);
	atomic_store(&s->containers, 1);
	atomic_store(&s->redirected, 1);
}

START_TEST(test_fixed_early_get_info_stays_ready)
{
	struct vfc_stats s;

	ready_process(&s);
	atomic_store(&s.get_info_early, 2);
	atomic_store(&s.get_info_fixed, 2);
	ck_assert_str_eq(vfc_verdict(&s), "ready");
}
END_TEST

START_TEST(test_unfixed_early_get_info_is_never_ready)
{
	struct vfc_stats s;

	ready_process(&s);
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

Suite *getinfo_suite(void)
{
	Suite *s = suite_create("getinfo");
	TCase *tc = tcase_create("probe");

	tcase_add_test(tc, test_group_fd_found);
	tcase_add_test(tc, test_fixed_early_get_info_stays_ready);
	tcase_add_test(tc, test_unfixed_early_get_info_is_never_ready);
	suite_add_tcase(s, tc);
	return s;
}
