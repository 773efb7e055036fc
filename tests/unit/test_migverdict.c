// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/common/migverdict.c. */
#include <json-c/json.h>
#include <linux/vfio.h>
#include <string.h>

#include "migobs.h"
#include "migverdict.h"
#include "unit.h"

static enum vfc_migv facts(bool iommufd, unsigned long mig, unsigned long probe, bool stop_copy,
			   unsigned long dirty_start, unsigned long dirty_err)
{
	struct vfc_mig_facts f = {.present = true,
				  .on_iommufd = iommufd,
				  .dev_migration = mig,
				  .dev_migration_errors = !mig,
				  .log_probe = probe,
				  .log_start = probe && stop_copy,
				  .reached_stop_copy = stop_copy,
				  .dirty_start = dirty_start,
				  .dirty_start_errors = dirty_err};
	char why[512];

	return vfc_migv_from_facts(&f, why, sizeof(why));
}

START_TEST(verdict_from_facts)
{
	struct vfc_mig_facts none = {0};
	char why[512];

	ck_assert_int_eq(vfc_migv_from_facts(&none, why, sizeof(why)), VFC_MV_UNKNOWN);
	none.present = true;
	ck_assert_int_eq(vfc_migv_from_facts(&none, why, sizeof(why)), VFC_MV_UNKNOWN);
	/* Migrated with device dirty tracking: the same on both back ends. */
	ck_assert_int_eq(facts(false, 1, 1, true, 0, 0), VFC_MV_MIGRATABLE);
	ck_assert_int_eq(facts(true, 1, 1, true, 0, 0), VFC_MV_MIGRATABLE);
	/* Migrated without it: type1's DIRTY_PAGES goes, all memory is resent. */
	ck_assert_int_eq(facts(false, 1, 0, true, 1, 0), VFC_MV_DEGRADED);
	ck_assert_int_eq(facts(true, 1, 0, true, 0, 0), VFC_MV_DEGRADED);
	/* Not migrated, the device has DMA logging and QEMU's default uses it. */
	ck_assert_int_eq(facts(true, 1, 1, false, 0, 0), VFC_MV_MIGRATABLE);
	/* No tracker, not forced: QEMU blocks it on type1 as well. */
	ck_assert_int_eq(facts(false, 1, 0, false, 0, 0), VFC_MV_NEITHER);
	ck_assert_int_eq(facts(true, 1, 0, false, 0, 0), VFC_MV_NEITHER);
	/* A VMM that needed DIRTY_PAGES and got ENOTTY. */
	ck_assert_int_eq(facts(true, 1, 0, false, 0, 1), VFC_MV_BLOCKED);
	/* No migration driver. */
	ck_assert_int_eq(facts(true, 0, 0, false, 0, 0), VFC_MV_NEITHER);
	none.dev_migration_errors = 1;
	ck_assert_int_eq(vfc_migv_from_facts(&none, why, sizeof(why)), VFC_MV_NEITHER);
	ck_assert_ptr_nonnull(strstr(why, "no VFIO migration"));
}
END_TEST

START_TEST(verdict_follows_qemu_settings)
{
	/* Measured: QEMU probes DMA logging whatever its settings say. */
	struct vfc_mig_facts f = {
	    .present = true, .dev_migration = 1, .log_probe = 1, .vmm_tracking_off = true};
	char why[512];

	ck_assert_int_eq(vfc_migv_from_facts(&f, why, sizeof(why)), VFC_MV_NEITHER);
	f.vmm_force = true;
	ck_assert_int_eq(vfc_migv_from_facts(&f, why, sizeof(why)), VFC_MV_DEGRADED);
	/* The destination of such a migration only resumes: the same settings decide. */
	f.reached_resuming = true;
	ck_assert_int_eq(vfc_migv_from_facts(&f, why, sizeof(why)), VFC_MV_DEGRADED);
	f.vmm_tracking_off = f.vmm_force = false;
	ck_assert_int_eq(vfc_migv_from_facts(&f, why, sizeof(why)), VFC_MV_MIGRATABLE);
}
END_TEST

START_TEST(verdict_from_caps)
{
	struct vfc_mig_caps mtty = {.dev_migration = true, .dev_dirty_logging = true};
	struct vfc_mig_caps plain = {.dev_migration = true};
	struct vfc_mig_caps none = {0};
	char why[512];

	ck_assert_int_eq(vfc_migv_from_caps(&mtty, VFC_VMM_DEFAULT, why, sizeof(why)),
			 VFC_MV_MIGRATABLE);
	ck_assert_int_eq(vfc_migv_from_caps(&mtty, VFC_VMM_NO_DEV_AUTO, why, sizeof(why)),
			 VFC_MV_NEITHER);
	ck_assert_int_eq(vfc_migv_from_caps(&mtty, VFC_VMM_NO_DEV_FORCE, why, sizeof(why)),
			 VFC_MV_DEGRADED);
	ck_assert_int_eq(vfc_migv_from_caps(&plain, VFC_VMM_DEFAULT, why, sizeof(why)),
			 VFC_MV_NEITHER);
	ck_assert_int_eq(vfc_migv_from_caps(&none, VFC_VMM_NO_DEV_FORCE, why, sizeof(why)),
			 VFC_MV_NEITHER);
	for (int v = 0; v < VFC_MV_COUNT; v++)
		ck_assert_int_eq(vfc_migv_parse(vfc_migv_name(v)), v);
	ck_assert_int_eq(vfc_migv_parse("maybe"), VFC_MV_COUNT);
}
END_TEST

Suite *migverdict_suite(void)
{
	Suite *s = suite_create("migverdict");

	TCase *tc = tcase_create("core_migration");
	tcase_add_test(tc, verdict_from_facts);
	tcase_add_test(tc, verdict_from_caps);
	tcase_add_test(tc, verdict_follows_qemu_settings);
	suite_add_tcase(s, tc);
	return s;
}
