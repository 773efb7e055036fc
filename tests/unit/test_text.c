// SPDX-License-Identifier: GPL-2.0-only
/* tools/common/text.c and pci.c: what a terminal is shown, what a PCI address is. */
#include <string.h>

#include "pci.h"
#include "target.h"
#include "text.h"
#include "unit.h"

START_TEST(test_clean_bytes)
{
	char out[16];

	ck_assert_int_eq(vfc_clean_byte('\033', 0), '?');
	ck_assert_int_eq(vfc_clean_byte(0x7f, 0), '?');
	ck_assert_int_eq(vfc_clean_byte((char)0xc3, 0), (char)0xc3); /* UTF-8 passes */
	ck_assert_int_eq(vfc_clean_byte((char)0xc3, VFC_CLEAN_ASCII), '?');
	ck_assert_int_eq(vfc_clean_byte('"', 0), '"');
	ck_assert_int_eq(vfc_clean_byte('"', VFC_CLEAN_JSON), '?');
	ck_assert_uint_eq(vfc_clean_copy(out, 4, "a\nbcdef", 100, 0), 3);
	ck_assert_str_eq(out, "a?b");
	strcpy(out, "x\ry");
	vfc_clean_inplace(out, 0);
	ck_assert_str_eq(out, "x?y");
}
END_TEST

START_TEST(test_fail_says_one_line)
{
	char err[16];

	ck_assert_int_eq(vfc_fail(err, sizeof(err), "bad %s", "thing"), -1);
	ck_assert_str_eq(err, "bad thing");
	ck_assert_int_eq(vfc_fail(NULL, 0, "no room"), -1);
}
END_TEST

Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_clean_bytes);
	tcase_add_test(tc, test_fail_says_one_line);
	suite_add_tcase(s, tc);
	return s;
}
