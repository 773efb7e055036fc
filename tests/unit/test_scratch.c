// SPDX-License-Identifier: GPL-2.0-only
/* The scratch pool (shim/core/scratch.c): distinct slots, none past the last, counted. */
#include <stdint.h>

#include "scratch.h"
#include "stats.h"
#include "unit.h"

static void *held[VFC_SCRATCH_SLOTS];

static void give_all(void)
{
	for (int i = 0; i < VFC_SCRATCH_SLOTS; i++) {
		vfc_scratch_give(held[i]);
		held[i] = NULL;
	}
	atomic_store(&vfc_stats.scratch_exhausted, 0);
}

START_TEST(test_every_slot_is_distinct_and_writable)
{
	for (int i = 0; i < VFC_SCRATCH_SLOTS; i++) {
		held[i] = vfc_scratch_take();
		ck_assert_ptr_nonnull(held[i]);
		ck_assert_uint_eq((uintptr_t)held[i] % 16, 0);
		memset(held[i], i, VFC_SCRATCH_SIZE);
	}
	for (int i = 0; i < VFC_SCRATCH_SLOTS; i++)
		for (int j = 0; j < VFC_SCRATCH_SIZE; j += 512)
			ck_assert_int_eq(((unsigned char *)held[i])[j], i);
}
END_TEST

START_TEST(test_none_free_is_null_and_counted_then_a_given_slot_returns)
{
	for (int i = 0; i < VFC_SCRATCH_SLOTS; i++)
		held[i] = vfc_scratch_take();
	ck_assert_ptr_null(vfc_scratch_take());
	ck_assert_ptr_null(vfc_fmt_take());
	ck_assert_uint_eq(atomic_load(&vfc_stats.scratch_exhausted), 2);
	void *p = held[VFC_SCRATCH_SLOTS / 2];
	vfc_scratch_give(p);
	held[VFC_SCRATCH_SLOTS / 2] = vfc_scratch_take();
	ck_assert_ptr_eq(held[VFC_SCRATCH_SLOTS / 2], p);
	vfc_scratch_give(NULL); /* nothing */
	ck_assert_ptr_null(vfc_scratch_take());
}
END_TEST

START_TEST(test_fmt_take_gives_an_empty_record)
{
	struct vfc_fmt *f = vfc_fmt_take();

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->len, 0);
	ck_assert(!f->truncated);
	ck_assert_str_eq(f->buf, "");
	vfc_scratch_give(f);
}
END_TEST

Suite *scratch_suite(void)
{
	Suite *s = suite_create("scratch");
	TCase *tc = tcase_create("pool");

	tcase_add_checked_fixture(tc, give_all, give_all);
	tcase_add_test(tc, test_every_slot_is_distinct_and_writable);
	tcase_add_test(tc, test_none_free_is_null_and_counted_then_a_given_slot_returns);
	tcase_add_test(tc, test_fmt_take_gives_an_empty_record);
	suite_add_tcase(s, tc);
	return s;
}
