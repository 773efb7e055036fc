// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/bench/benchstat.c. */
#include <limits.h>
#include <string.h>

#include "benchstat.h"
#include "kconfig.h"
#include "libdeps.h"
#include "migration.h"
#include "pci.h"
#include "runenv.h"
#include "unit.h"

START_TEST(test_spread)
{
	double odd[] = {5, 1, 3}, even[] = {4, 1, 3, 2};
	struct vfc_spread s = vfc_spread_of(odd, 3);

	ck_assert(s.median == 3 && s.min == 1 && s.max == 5);
	s = vfc_spread_of(even, 4);
	ck_assert(s.median == 2.5 && s.min == 1 && s.max == 4);
}
END_TEST

START_TEST(test_sizes)
{
	char b[32];

	ck_assert_uint_eq(vfc_size_parse("4K"), 4096);
	ck_assert_uint_eq(vfc_size_parse("2M"), 2u << 20);
	ck_assert_uint_eq(vfc_size_parse("1G"), 1u << 30);
	ck_assert_uint_eq(vfc_size_parse("65536"), 65536);
	ck_assert_uint_eq(vfc_size_parse("2G"), 0); /* over 1 GiB */
	ck_assert_uint_eq(vfc_size_parse("3K"), 0); /* not whole pages */
	ck_assert_uint_eq(vfc_size_parse("0"), 0);
	ck_assert_uint_eq(vfc_size_parse("4KB"), 0);
	ck_assert_uint_eq(vfc_size_parse("-4K"), 0);
	ck_assert_uint_eq(vfc_size_parse("99999999999999999999G"), 0);
	ck_assert_str_eq(vfc_size_name(4096, b, sizeof(b)), "4 KiB");
	ck_assert_str_eq(vfc_size_name(2u << 20, b, sizeof(b)), "2 MiB");
	ck_assert_str_eq(vfc_size_name(1u << 30, b, sizeof(b)), "1 GiB");
	ck_assert_str_eq(vfc_size_name(12288, b, sizeof(b)), "12 KiB");
	ck_assert_str_eq(vfc_size_name(100, b, sizeof(b)), "100 B");
}
END_TEST

START_TEST(test_ratio_reading)
{
	char b[128];

	ck_assert_str_eq(vfc_ratio_reading("iommufd", "maps 2 MiB chunks", 1.9, b, sizeof(b)),
			 "iommufd maps 2 MiB chunks 1.9x slower here");
	ck_assert_str_eq(vfc_ratio_reading("iommufd", "maps 4 KiB chunks", 0.5, b, sizeof(b)),
			 "iommufd maps 4 KiB chunks 2.0x faster here");
	ck_assert_str_eq(vfc_ratio_reading("module", "maps 4 KiB chunks", 1.02, b, sizeof(b)),
			 "module maps 4 KiB chunks as fast as type1 here (1.02x)");
}
END_TEST

Suite *benchstat_suite(void)
{
	Suite *s = suite_create("benchstat");

	TCase *tc = tcase_create("cli_cli_pure");
	tcase_add_test(tc, test_spread);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_ratio_reading);
	suite_add_tcase(s, tc);
	return s;
}
