// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/check/kconfig.c. */
#include <limits.h>
#include <string.h>

#include "benchstat.h"
#include "kconfig.h"
#include "libdeps.h"
#include "migration.h"
#include "pci.h"
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

START_TEST(test_kernel_measured)
{
	char b[256];

	ck_assert_int_eq(vfc_kernel_measured("7.3.4", b, sizeof(b)), 0);
	ck_assert_ptr_nonnull(strstr(b, "was measured in the lab"));
	ck_assert_int_eq(vfc_kernel_measured("6.12.118-amd64", b, sizeof(b)), 0);
	ck_assert_ptr_nonnull(strstr(b, "was measured in the lab"));
	ck_assert_int_eq(vfc_kernel_measured("6.12.40-1-rt", b, sizeof(b)), 0);
	ck_assert_ptr_nonnull(strstr(b, "measured this series at 6.12.118"));
	ck_assert_int_eq(vfc_kernel_measured("6.8.0-45-generic", b, sizeof(b)), -1);
	ck_assert_ptr_nonnull(
	    strstr(b, "older than any kernel the lab measured (6.12.118 and 7.3.4)"));
	ck_assert_int_eq(vfc_kernel_measured("7.4", b, sizeof(b)), 1);
	ck_assert_ptr_nonnull(strstr(b, "newer than any"));
	ck_assert_int_eq(vfc_kernel_measured("6.18.44-fc", b, sizeof(b)), 0);
	ck_assert_ptr_nonnull(strstr(b, "not measured: it lies between"));
	ck_assert_int_eq(vfc_kernel_measured("x", b, sizeof(b)), 2);
	ck_assert_int_eq(vfc_kernel_type1_nesting("6.12.118"), 1);
	ck_assert_int_eq(vfc_kernel_type1_nesting("7.3.9"), 0);
	ck_assert_int_eq(vfc_kernel_type1_nesting("6.18.1"), -1);
	ck_assert_int_eq(vfc_kernel_type1_nesting(""), -1);
	/* iommufd's VT-d paging domains: second stage only before 6.13. */
	ck_assert_int_eq(vfc_kernel_vtd_iommufd_first_stage("6.12.118-amd64"), 0);
	ck_assert_int_eq(vfc_kernel_vtd_iommufd_first_stage("6.13"), 1);
	ck_assert_int_eq(vfc_kernel_vtd_iommufd_first_stage("7.3.4"), 1);
	ck_assert_int_eq(vfc_kernel_vtd_iommufd_first_stage("x"), -1);
}
END_TEST

START_TEST(test_kconfig_header)
{
	static const char hdr[] = "#\n# Automatically generated file; DO NOT EDIT.\n"
				  "# Linux/x86 6.8.0-45-generic Kernel Configuration\n#\n"
				  "CONFIG_IOMMUFD=y\n";
	static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\nCONFIG:x\n";
	static const char unset[] = "# CONFIG_VFIO is not set\n";
	char r[64];

	ck_assert(vfc_kconfig_release(hdr, strlen(hdr), r, sizeof(r)));
	ck_assert_str_eq(r, "6.8.0-45-generic");
	ck_assert(!vfc_kconfig_release(cfg, strlen(cfg), r, sizeof(r)));
	ck_assert(vfc_kconfig_plausible(hdr, strlen(hdr)));
	ck_assert(vfc_kconfig_plausible(unset, strlen(unset)));
	ck_assert(vfc_kconfig_plausible(cfg, strlen(cfg)));
	ck_assert(!vfc_kconfig_plausible(passwd, strlen(passwd)));
	ck_assert(!vfc_kconfig_plausible("", 0));
}
END_TEST

Suite *kconfig_suite(void)
{
	Suite *s = suite_create("kconfig");

	TCase *tc = tcase_create("cli_cli_pure");
	tcase_add_test(tc, test_kconfig_values);
	tcase_add_test(tc, test_kernel_measured);
	tcase_add_test(tc, test_kconfig_header);
	suite_add_tcase(s, tc);
	return s;
}
