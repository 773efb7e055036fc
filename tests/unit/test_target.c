// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of common/target.c. */
#include <string.h>

#include "pci.h"
#include "target.h"
#include "text.h"
#include "unit.h"

static bool module_loaded(const char *path)
{
	return !strcmp(path, VFC_MODULE_NODE);
}

static bool nothing_there(const char *path)
{
	(void)path;
	return false;
}

START_TEST(test_default_target)
{
	ck_assert_str_eq(vfc_target_default(module_loaded), VFC_MODULE_NODE);
	ck_assert_str_eq(vfc_target_default(nothing_there), VFC_IOMMU_NODE);
	ck_assert(!vfc_is_char_node("/"));
	ck_assert(vfc_is_char_node("/dev/null"));
}
END_TEST

Suite *target_suite(void)
{
	Suite *s = suite_create("target");

	TCase *tc = tcase_create("core_text");
	tcase_add_test(tc, test_default_target);
	suite_add_tcase(s, tc);
	return s;
}
