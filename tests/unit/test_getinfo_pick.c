// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of shim/getinfo/getinfo_pick.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdtable.h"
#include "getinfo_probe.h"
#include "iommu_vendor.h"
#include "iova.h"
#include "report.h"
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

Suite *getinfo_pick_suite(void)
{
	Suite *s = suite_create("getinfo_pick");

	TCase *tc = tcase_create("probe_getinfo");
	tcase_add_test(tc, test_group_fd_found);
	suite_add_tcase(s, tc);
	return s;
}
