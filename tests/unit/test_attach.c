// SPDX-License-Identifier: GPL-2.0-only
/* Group-to-container bookkeeping behind the GET_INFO diagnosis. */
#include "attach.h"
#include "unit.h"

static void setup(void)
{
	vfc_attach_reset();
}

START_TEST(test_attached_group_without_device_has_no_domain)
{
	int g[4];
	bool dev = true;
	vfc_attach_add(5, 12);
	ck_assert_int_eq(vfc_attach_groups(5, g, 4, &dev), 1);
	ck_assert_int_eq(g[0], 12);
	ck_assert(!dev);
}
END_TEST

START_TEST(test_device_open_marks_its_container)
{
	int g[4];
	bool dev = false;
	vfc_attach_add(5, 12);
	vfc_attach_add(6, 13);
	vfc_attach_device_opened(12);
	ck_assert_int_eq(vfc_attach_groups(5, g, 4, &dev), 1);
	ck_assert(dev);
	ck_assert_int_eq(vfc_attach_groups(6, g, 4, &dev), 1);
	ck_assert(!dev);
}
END_TEST

START_TEST(test_unset_and_close_forget)
{
	int g[4];
	bool dev;
	vfc_attach_add(5, 12);
	vfc_attach_add(5, 14);
	vfc_attach_remove_group(12);
	ck_assert_int_eq(vfc_attach_groups(5, g, 4, &dev), 1);
	ck_assert_int_eq(g[0], 14);
	vfc_attach_forget_container(5);
	ck_assert_int_eq(vfc_attach_groups(5, g, 4, &dev), 0);
}
END_TEST

START_TEST(test_full_table_drops_new_attaches)
{
	int g[4];
	bool dev;
	for (int i = 0; i < VFC_ATTACH_SLOTS; i++)
		vfc_attach_add(100 + i, i);
	vfc_attach_add(7, 99);
	ck_assert_int_eq(vfc_attach_groups(7, g, 4, &dev), 0);
}
END_TEST

Suite *attach_suite(void)
{
	Suite *s = suite_create("attach");
	TCase *t = tcase_create("table");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, test_attached_group_without_device_has_no_domain);
	tcase_add_test(t, test_device_open_marks_its_container);
	tcase_add_test(t, test_unset_and_close_forget);
	tcase_add_test(t, test_full_table_drops_new_attaches);
	suite_add_tcase(s, t);
	return s;
}
