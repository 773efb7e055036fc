// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/check/migration.c. */
#include <limits.h>
#include <string.h>

#include "benchstat.h"
#include "kconfig.h"
#include "libdeps.h"
#include "migration.h"
#include "pci.h"
#include "runenv.h"
#include "unit.h"

START_TEST(test_migration_rule)
{
	char dir[PATH_MAX], err[512];

	/* Statuses of the verdicts check --migration prints. */
	ck_assert_int_eq(vfc_migration_status(VFC_MV_MIGRATABLE), VFC_PASS);
	ck_assert_int_eq(vfc_migration_status(VFC_MV_NEITHER), VFC_INFO);
	ck_assert_int_eq(vfc_migration_status(VFC_MV_DEGRADED), VFC_WARN);
	ck_assert_int_eq(vfc_migration_status(VFC_MV_BLOCKED), VFC_FAIL);
	/* Device names: the forms refused say which forms are accepted. */
	ck_assert_int_eq(vfc_migration_resolve("zz:bad", dir, sizeof(dir), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a PCI address; give it as DDDD:BB:DD.F"));
	ck_assert_int_eq(vfc_migration_resolve("0000:3:00.0", dir, sizeof(dir), err, sizeof(err)),
			 -1);
	ck_assert_int_eq(vfc_migration_resolve("03:00.8", dir, sizeof(dir), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a PCI address"));
	/* Well-formed but absent: the sysfs path it looked for is named. */
	ck_assert_int_eq(vfc_migration_resolve("fe:1f.7", dir, sizeof(dir), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/sys/bus/pci/devices/0000:fe:1f.7"));
	ck_assert_int_eq(vfc_migration_resolve("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", dir,
					       sizeof(dir), err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(
	    strstr(err, "/sys/bus/mdev/devices/83B8F4F2-509F-382F-3C1E-E6BFE0FA1001"));
	ck_assert_int_eq(vfc_migration_resolve("/tmp", dir, sizeof(dir), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a device under /sys/devices"));
}
END_TEST

Suite *migration_suite(void)
{
	Suite *s = suite_create("migration");

	TCase *tc = tcase_create("cli_cli_pure");
	tcase_add_test(tc, test_migration_rule);
	suite_add_tcase(s, tc);
	return s;
}
