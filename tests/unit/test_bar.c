// SPDX-License-Identifier: GPL-2.0-only
/* Tests of the BAR mapping set used to recognise peer-to-peer MAP_DMA. */
#include <stdatomic.h>
#include <stdint.h>

#include "bar.h"
#include "unit.h"

#define SLOTS	128 /* VFC_BAR_SLOTS in bar.c */
#define BAR	0x7f0000100000ul
#define BAR_LEN 0x10000ul

static void setup(void)
{
	vfc_bar_reset();
}

static int count(void)
{
	return atomic_load(&vfc_bar_count);
}

START_TEST(test_one_byte_mapping_is_contained_and_removable)
{
	vfc_bar_add(0x1000, 1);
	ck_assert(vfc_bar_contains(0x1000, 1));
	vfc_bar_remove(0x1000, 1);
	ck_assert(!vfc_bar_contains(0x1000, 1));
	ck_assert_int_eq(atomic_load(&vfc_bar_count), 0);
}
END_TEST

START_TEST(test_empty_set_contains_nothing)
{
	ck_assert_int_eq(count(), 0);
	ck_assert(!vfc_bar_contains(BAR, BAR_LEN));
	ck_assert(!vfc_bar_contains(0, UINTPTR_MAX));
}
END_TEST

START_TEST(test_added_mapping_is_contained)
{
	vfc_bar_add(BAR, BAR_LEN);
	ck_assert_int_eq(count(), 1);
	ck_assert(vfc_bar_contains(BAR, BAR_LEN));
	ck_assert(vfc_bar_contains(BAR, 0x1000));
	ck_assert(vfc_bar_contains(BAR + 0x4000, 0x1000));
}
END_TEST

START_TEST(test_first_and_last_byte_are_contained)
{
	vfc_bar_add(BAR, BAR_LEN);
	ck_assert(vfc_bar_contains(BAR, 1));
	ck_assert(vfc_bar_contains(BAR + BAR_LEN - 1, 1));
}
END_TEST

START_TEST(test_zero_length_query_tests_one_byte)
{
	vfc_bar_add(BAR, BAR_LEN);
	ck_assert(vfc_bar_contains(BAR, 0));
	ck_assert(vfc_bar_contains(BAR + BAR_LEN - 1, 0));
	ck_assert(!vfc_bar_contains(BAR + BAR_LEN, 0));
	ck_assert(!vfc_bar_contains(BAR - 1, 0));
}
END_TEST

START_TEST(test_range_ending_at_bar_start_is_not_contained)
{
	vfc_bar_add(BAR, BAR_LEN);
	ck_assert(!vfc_bar_contains(BAR - 0x1000, 0x1000));
	ck_assert(!vfc_bar_contains(BAR - 1, 1));
}
END_TEST

START_TEST(test_range_starting_at_bar_end_is_not_contained)
{
	vfc_bar_add(BAR, BAR_LEN);
	ck_assert(!vfc_bar_contains(BAR + BAR_LEN, 0x1000));
	ck_assert(!vfc_bar_contains(BAR + BAR_LEN, 1));
}
END_TEST

START_TEST(test_range_straddling_bar_start_is_contained)
{
	vfc_bar_add(BAR, BAR_LEN);
	ck_assert(vfc_bar_contains(BAR - 0x1000, 0x1001));
	ck_assert(vfc_bar_contains(BAR - 1, 2));
}
END_TEST

START_TEST(test_range_straddling_bar_end_is_contained)
{
	vfc_bar_add(BAR, BAR_LEN);
	ck_assert(vfc_bar_contains(BAR + BAR_LEN - 1, 0x1000));
}
END_TEST

START_TEST(test_range_enclosing_bar_is_contained)
{
	vfc_bar_add(BAR, BAR_LEN);
	ck_assert(vfc_bar_contains(BAR - 0x100000, 0x400000));
}
END_TEST

START_TEST(test_zero_length_add_is_ignored)
{
	vfc_bar_add(BAR, 0);
	ck_assert_int_eq(count(), 0);
	ck_assert(!vfc_bar_contains(BAR, 0x1000));
}
END_TEST

START_TEST(test_removed_mapping_is_not_contained)
{
	vfc_bar_add(BAR, BAR_LEN);
	vfc_bar_remove(BAR, BAR_LEN);
	ck_assert_int_eq(count(), 0);
	ck_assert(!vfc_bar_contains(BAR, BAR_LEN));
}
END_TEST

START_TEST(test_remove_of_overlapping_range_forgets_mapping)
{
	vfc_bar_add(BAR, BAR_LEN);
	vfc_bar_remove(BAR + 0x1000, 0x1000);
	ck_assert_int_eq(count(), 0);
	ck_assert(!vfc_bar_contains(BAR, 1));
}
END_TEST

START_TEST(test_remove_of_adjacent_ranges_keeps_mapping)
{
	vfc_bar_add(BAR, BAR_LEN);
	vfc_bar_remove(BAR - 0x1000, 0x1000);
	vfc_bar_remove(BAR + BAR_LEN, 0x1000);
	ck_assert_int_eq(count(), 1);
	ck_assert(vfc_bar_contains(BAR, BAR_LEN));
}
END_TEST

START_TEST(test_remove_keeps_other_mappings)
{
	uintptr_t other = BAR + 0x100000;

	vfc_bar_add(BAR, BAR_LEN);
	vfc_bar_add(other, BAR_LEN);
	ck_assert_int_eq(count(), 2);
	vfc_bar_remove(BAR, BAR_LEN);
	ck_assert_int_eq(count(), 1);
	ck_assert(!vfc_bar_contains(BAR, BAR_LEN));
	ck_assert(vfc_bar_contains(other, BAR_LEN));
}
END_TEST

START_TEST(test_remove_on_empty_set_is_harmless)
{
	vfc_bar_remove(BAR, BAR_LEN);
	ck_assert_int_eq(count(), 0);
	vfc_bar_add(BAR, BAR_LEN);
	vfc_bar_remove(BAR, BAR_LEN);
	vfc_bar_remove(BAR, BAR_LEN);
	ck_assert_int_eq(count(), 0);
}
END_TEST

START_TEST(test_reset_forgets_everything)
{
	for (uintptr_t i = 0; i < 10; i++)
		vfc_bar_add(BAR + i * BAR_LEN, BAR_LEN);
	ck_assert_int_eq(count(), 10);
	vfc_bar_reset();
	ck_assert_int_eq(count(), 0);
	for (uintptr_t i = 0; i < 10; i++)
		ck_assert(!vfc_bar_contains(BAR + i * BAR_LEN, BAR_LEN));
}
END_TEST

START_TEST(test_reset_frees_slots_for_new_mappings)
{
	uintptr_t other = BAR + 0x100000;

	vfc_bar_add(BAR, BAR_LEN);
	vfc_bar_reset();
	vfc_bar_add(other, BAR_LEN);
	ck_assert_int_eq(count(), 1);
	ck_assert(vfc_bar_contains(other, BAR_LEN));
	ck_assert(!vfc_bar_contains(BAR, BAR_LEN));
}
END_TEST

static uintptr_t nth(int i)
{
	return BAR + (uintptr_t)i * 2 * BAR_LEN;
}

static void fill_table(void)
{
	for (int i = 0; i < SLOTS; i++)
		vfc_bar_add(nth(i), BAR_LEN);
}

START_TEST(test_full_table_holds_every_mapping)
{
	fill_table();
	ck_assert_int_eq(count(), SLOTS);
	for (int i = 0; i < SLOTS; i++)
		ck_assert(vfc_bar_contains(nth(i), BAR_LEN));
}
END_TEST

START_TEST(test_add_to_full_table_is_dropped)
{
	fill_table();
	vfc_bar_add(nth(SLOTS), BAR_LEN);
	ck_assert_int_eq(count(), SLOTS);
	ck_assert(!vfc_bar_contains(nth(SLOTS), BAR_LEN));
	/* The recorded ones are still there. */
	ck_assert(vfc_bar_contains(nth(0), BAR_LEN));
	ck_assert(vfc_bar_contains(nth(SLOTS - 1), BAR_LEN));
}
END_TEST

START_TEST(test_freed_slot_is_reused)
{
	fill_table();
	vfc_bar_remove(nth(SLOTS / 2), BAR_LEN);
	ck_assert_int_eq(count(), SLOTS - 1);
	vfc_bar_add(nth(SLOTS), BAR_LEN);
	ck_assert_int_eq(count(), SLOTS);
	ck_assert(vfc_bar_contains(nth(SLOTS), BAR_LEN));
	ck_assert(!vfc_bar_contains(nth(SLOTS / 2), BAR_LEN));
}
END_TEST

Suite *bar_suite(void)
{
	Suite *s = suite_create("bar");
	TCase *tc;

	tc = tcase_create("set");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_empty_set_contains_nothing);
	tcase_add_test(tc, test_one_byte_mapping_is_contained_and_removable);
	tcase_add_test(tc, test_added_mapping_is_contained);
	tcase_add_test(tc, test_first_and_last_byte_are_contained);
	tcase_add_test(tc, test_zero_length_query_tests_one_byte);
	tcase_add_test(tc, test_range_ending_at_bar_start_is_not_contained);
	tcase_add_test(tc, test_range_starting_at_bar_end_is_not_contained);
	tcase_add_test(tc, test_range_straddling_bar_start_is_contained);
	tcase_add_test(tc, test_range_straddling_bar_end_is_contained);
	tcase_add_test(tc, test_range_enclosing_bar_is_contained);
	tcase_add_test(tc, test_zero_length_add_is_ignored);
	tcase_add_test(tc, test_removed_mapping_is_not_contained);
	tcase_add_test(tc, test_remove_of_overlapping_range_forgets_mapping);
	tcase_add_test(tc, test_remove_of_adjacent_ranges_keeps_mapping);
	tcase_add_test(tc, test_remove_keeps_other_mappings);
	tcase_add_test(tc, test_remove_on_empty_set_is_harmless);
	tcase_add_test(tc, test_reset_forgets_everything);
	tcase_add_test(tc, test_reset_frees_slots_for_new_mappings);
	suite_add_tcase(s, tc);

	tc = tcase_create("full");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_full_table_holds_every_mapping);
	tcase_add_test(tc, test_add_to_full_table_is_dropped);
	tcase_add_test(tc, test_freed_slot_is_reused);
	suite_add_tcase(s, tc);
	return s;
}
