// SPDX-License-Identifier: GPL-2.0-only
/* The command's small pure helpers: kernel config, run's environment, migration rule. */
#include <string.h>

#include "kconfig.h"
#include "migration.h"
#include "runenv.h"
#include "unit.h"

static const char cfg[] = "# comment\n"
			  "CONFIG_IOMMUFD=y\n"
			  "CONFIG_IOMMUFD_TEST=m\n"
			  "# CONFIG_IOMMUFD_VFIO_CONTAINER is not set\n"
			  "CONFIG_VFIO=m\n"
			  "CONFIG_VFIO_CONTAINER=yes\n"
			  "CONFIG_NR_CPUS=64\n"
			  "CONFIG_LAST=y";

START_TEST(test_kconfig_values)
{
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "IOMMUFD"), 'y');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "IOMMUFD_TEST"), 'm');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "IOMMUFD_VFIO_CONTAINER"), 'n');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "VFIO"), 'm');
	/* Not y or m exactly: off, never half-read. */
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "VFIO_CONTAINER"), 'n');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "NR_CPUS"), 'n');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "ABSENT"), 'n');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "LAST"), 'y');
	/* A prefix of a longer name does not match it. */
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "IOMMU"), 'n');
	/* The length bounds the scan: a cut buffer does not read past it. */
	ck_assert_int_eq(vfc_kconfig_value(cfg, 20, "IOMMUFD_TEST"), 'n');
}
END_TEST

START_TEST(test_preload_value)
{
	char out[64];

	ck_assert(vfc_preload_value("/l/libvfiocompat.so", NULL, out, sizeof(out)));
	ck_assert_str_eq(out, "/l/libvfiocompat.so");
	ck_assert(vfc_preload_value("/l/libvfiocompat.so", "/x.so", out, sizeof(out)));
	ck_assert_str_eq(out, "/l/libvfiocompat.so /x.so");
	ck_assert(vfc_preload_value("/l/libvfiocompat.so", "/x.so /l/libvfiocompat.so", out,
				    sizeof(out)));
	ck_assert_str_eq(out, "/x.so /l/libvfiocompat.so");
	ck_assert(
	    !vfc_preload_value("/l/libvfiocompat.so", "/a-rather-long-existing-value.so", out, 32));
}
END_TEST

START_TEST(test_log_glob)
{
	char out[64];

	ck_assert(vfc_log_glob("/r/%e-%p.jsonl", out, sizeof(out)));
	ck_assert_str_eq(out, "/r/*-*.jsonl");
	ck_assert(vfc_log_glob("/r/100%%[a]*.j", out, sizeof(out)));
	ck_assert_str_eq(out, "/r/100%\\[a]\\*.j");
	ck_assert(
	    !vfc_log_glob("/a/very/long/path/that/does/not/fit/in/this/buffer.jsonl", out, 16));
}
END_TEST

START_TEST(test_which)
{
	char out[256];

	ck_assert(vfc_which("sh", "/nonexistent:/bin", out, sizeof(out)));
	ck_assert_str_eq(out, "/bin/sh");
	ck_assert(!vfc_which("no-such-command-here", "/bin:/usr/bin", out, sizeof(out)));
	ck_assert(vfc_which("/bin/sh", NULL, out, sizeof(out)));
	ck_assert(!vfc_which("/nonexistent/x", NULL, out, sizeof(out)));
}
END_TEST

START_TEST(test_migration_rule)
{
	struct vfc_migration_facts f = {0};
	char text[512];

	ck_assert_int_eq(vfc_migration_verdict(&f, text, sizeof(text)), VFC_INFO);
	ck_assert_ptr_nonnull(strstr(text, "not live-migratable on type1 either"));
	f.dev_migration = true;
	ck_assert_int_eq(vfc_migration_verdict(&f, text, sizeof(text)), VFC_FAIL);
	ck_assert_ptr_nonnull(strstr(text, "stops being migratable after the switch"));
	f.iommu_dirty = true;
	ck_assert_int_eq(vfc_migration_verdict(&f, text, sizeof(text)), VFC_PASS);
	ck_assert_ptr_nonnull(strstr(text, "IOMMU hardware"));
	f.iommu_dirty = false;
	f.dev_dirty_logging = true;
	ck_assert_int_eq(vfc_migration_verdict(&f, text, sizeof(text)), VFC_PASS);
	ck_assert_ptr_nonnull(strstr(text, "DMA logging"));
}
END_TEST

Suite *cli_pure_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, test_kconfig_values);
	tcase_add_test(tc, test_preload_value);
	tcase_add_test(tc, test_log_glob);
	tcase_add_test(tc, test_which);
	tcase_add_test(tc, test_migration_rule);
	suite_add_tcase(s, tc);
	return s;
}
