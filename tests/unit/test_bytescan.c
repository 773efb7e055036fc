// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/inspect/bytescan.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytescan.h"
#include "inspect.h"
#include "unit.h"

static const char *const scan_needles[] = {"/dev/vfio/vfio", "/dev/iommu", "xyz"};

START_TEST(test_scan_finds_matches_split_at_every_chunk_size)
{
	/* Every needle at every split point, for chunk sizes 1 to 40. */
	char buf[200];
	struct vfc_scan s;

	memset(buf, '.', sizeof(buf));
	memcpy(buf + 37, "/dev/vfio/vfio", 14);
	memcpy(buf + 120, "/dev/iommu", 10);
	memcpy(buf + 190, "xy", 2); /* cut short at the end: no match */
	for (size_t chunk = 1; chunk <= 40; chunk++) {
		ck_assert_int_eq(vfc_scan_init(&s, scan_needles, 3), 0);
		for (size_t off = 0; off < sizeof(buf); off += chunk)
			vfc_scan_feed(&s, buf + off,
				      sizeof(buf) - off < chunk ? sizeof(buf) - off : chunk);
		ck_assert_msg(vfc_scan_found(&s, 0) && vfc_scan_found(&s, 1), "chunk %zu", chunk);
		ck_assert(!vfc_scan_found(&s, 2));
		ck_assert_uint_eq(s.first[0], 37);
		ck_assert_uint_eq(s.first[1], 120);
		ck_assert_uint_eq(s.pos, sizeof(buf));
	}
}
END_TEST

START_TEST(test_scan_reports_the_first_occurrence)
{
	const char buf[] = "..xyz....xyz../dev/iommu../dev/iommu";
	struct vfc_scan s;

	vfc_scan_init(&s, scan_needles, 3);
	/* A split at 3 puts the first "xyz" across the boundary, the second in chunk 2. */
	vfc_scan_feed(&s, buf, 3);
	vfc_scan_feed(&s, buf + 3, sizeof(buf) - 1 - 3);
	ck_assert_uint_eq(s.first[2], 2);
	ck_assert_uint_eq(s.first[1], 14);
	ck_assert(!vfc_scan_found(&s, 0));
	/* Nothing carried across unrelated feeds: empty feeds change nothing. */
	vfc_scan_feed(&s, buf, 0);
	ck_assert_uint_eq(s.pos, sizeof(buf) - 1);
}
END_TEST

START_TEST(test_scan_refuses_needles_that_do_not_fit)
{
	static const char *const too_long[] = {"0123456789abcdef0123456789abcdefX"};
	static const char *const empty[] = {""};
	struct vfc_scan s;

	ck_assert_int_eq(vfc_scan_init(&s, too_long, 1), -1);
	ck_assert_int_eq(vfc_scan_init(&s, empty, 1), -1);
	ck_assert_int_eq(vfc_scan_init(&s, scan_needles, VFC_SCAN_MAX_NEEDLES + 1), -1);
}
END_TEST

Suite *bytescan_suite(void)
{
	Suite *s = suite_create("bytescan");

	TCase *tc = tcase_create("inspect_inspect");
	tcase_add_test(tc, test_scan_finds_matches_split_at_every_chunk_size);
	tcase_add_test(tc, test_scan_reports_the_first_occurrence);
	tcase_add_test(tc, test_scan_refuses_needles_that_do_not_fit);
	suite_add_tcase(s, tc);
	return s;
}
