// SPDX-License-Identifier: GPL-2.0-only
/* Tests of VFIO path filtering, group numbers and node identity by stat. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "classify.h"
#include "unit.h"

static struct stat node(mode_t type, unsigned maj, unsigned min)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = type | 0600;
	st.st_rdev = makedev(maj, min);
	return st;
}

/* ---- vfc_path_maybe_vfio ---- */

START_TEST(test_container_path_may_be_vfio)
{
	ck_assert(vfc_path_maybe_vfio("/dev/vfio/vfio"));
}
END_TEST

START_TEST(test_group_paths_may_be_vfio)
{
	ck_assert(vfc_path_maybe_vfio("/dev/vfio/12"));
	ck_assert(vfc_path_maybe_vfio("/dev/vfio/noiommu-3"));
}
END_TEST

START_TEST(test_other_spellings_of_vfio_paths_may_be_vfio)
{
	ck_assert(vfc_path_maybe_vfio("vfio"));
	ck_assert(vfc_path_maybe_vfio("../vfio/vfio"));
	ck_assert(vfc_path_maybe_vfio("/dev//vfio///vfio"));
	ck_assert(vfc_path_maybe_vfio("/tmp/../dev/vfio/12"));
}
END_TEST

START_TEST(test_paths_without_vfio_are_not_vfio)
{
	ck_assert(!vfc_path_maybe_vfio("/dev/iommu"));
	ck_assert(!vfc_path_maybe_vfio("/dev/null"));
	ck_assert(!vfc_path_maybe_vfio("/etc/passwd"));
	ck_assert(!vfc_path_maybe_vfio("/dev/vfi/o"));
}
END_TEST

START_TEST(test_empty_or_null_path_is_not_vfio)
{
	ck_assert(!vfc_path_maybe_vfio(""));
	ck_assert(!vfc_path_maybe_vfio(NULL));
}
END_TEST

/* chdir("/dev/vfio"); open("7") and openat(dirfd, "7") name a group too. */
START_TEST(test_relative_group_names_may_be_vfio)
{
	ck_assert(vfc_path_maybe_vfio("7"));
	ck_assert(vfc_path_maybe_vfio("123456789"));
	ck_assert(vfc_path_maybe_vfio("noiommu-3"));
	ck_assert(vfc_path_maybe_vfio("./7"));
	ck_assert(vfc_path_maybe_vfio("sub/12"));
}
END_TEST

START_TEST(test_other_relative_names_are_not_vfio)
{
	ck_assert(!vfc_path_maybe_vfio("7a"));
	ck_assert(!vfc_path_maybe_vfio("1234567890"));
	ck_assert(!vfc_path_maybe_vfio("noiommu-"));
	ck_assert(!vfc_path_maybe_vfio("noiommu"));
	ck_assert(!vfc_path_maybe_vfio("7/"));
	ck_assert(!vfc_path_maybe_vfio("12/x"));
	ck_assert(!vfc_path_maybe_vfio("hostname"));
	/* Absolute paths to a group always spell vfio. */
	ck_assert(!vfc_path_maybe_vfio("/tmp/7"));
}
END_TEST

/* The "vfio" scan: every position, and "vfi" at the end is no match. */
START_TEST(test_vfio_found_at_every_offset)
{
	char buf[64];

	for (int i = 0; i < 40; i++) {
		memset(buf, 'a', sizeof(buf));
		buf[0] = '/';
		memcpy(buf + 1 + i, "vfio", 5);
		ck_assert_msg(vfc_path_maybe_vfio(buf), "offset %d", i);
		memcpy(buf + 1 + i, "vvfi", 5);
		ck_assert_msg(!vfc_path_maybe_vfio(buf), "offset %d", i);
	}
}
END_TEST

/* The mode argument exists exactly when glibc's __OPEN_NEEDS_MODE says so. */
START_TEST(test_mode_is_read_with_o_creat_or_o_tmpfile_only)
{
	ck_assert(vfc_needs_mode(O_CREAT));
	ck_assert(vfc_needs_mode(O_CREAT | O_RDWR));
	ck_assert(vfc_needs_mode(O_TMPFILE | O_RDWR));
	ck_assert(!vfc_needs_mode(O_DIRECTORY));
	ck_assert(!vfc_needs_mode(O_DIRECTORY | O_RDONLY | O_NOFOLLOW));
	ck_assert(!vfc_needs_mode(O_RDWR | O_CLOEXEC));
}
END_TEST

/* ---- vfc_group_number ---- */

START_TEST(test_numeric_group_path_is_its_number)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/12"), 12);
}
END_TEST

START_TEST(test_noiommu_group_path_is_its_number)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/noiommu-3"), 3);
}
END_TEST

START_TEST(test_container_path_is_no_group)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/vfio"), -1);
}
END_TEST

START_TEST(test_group_path_with_trailing_slashes_is_its_number)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/12/"), 12);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/12//"), 12);
}
END_TEST

START_TEST(test_group_number_of_ten_digits_is_too_long)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/1234567890"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/99999999999999999999"), -1);
}
END_TEST

START_TEST(test_group_number_of_nine_digits_is_accepted)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/123456789"), 123456789);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/999999999"), 999999999);
}
END_TEST

START_TEST(test_empty_path_is_no_group)
{
	ck_assert_int_eq(vfc_group_number(""), -1);
	ck_assert_int_eq(vfc_group_number("/"), -1);
	ck_assert_int_eq(vfc_group_number("///"), -1);
}
END_TEST

START_TEST(test_group_zero_is_zero)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/0"), 0);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/noiommu-0"), 0);
}
END_TEST

START_TEST(test_bare_group_name_is_its_number)
{
	ck_assert_int_eq(vfc_group_number("7"), 7);
	ck_assert_int_eq(vfc_group_number("noiommu-42"), 42);
}
END_TEST

START_TEST(test_non_numeric_last_component_is_no_group)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/12a"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/a12"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/-1"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/+1"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/1 "), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/noiommu-"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/noiommu-x"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/noiommu3"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/noiommu12"), -1);
	ck_assert_int_eq(vfc_group_number("/dev/vfio/devices/vfio0"), -1);
}
END_TEST

START_TEST(test_only_last_component_counts)
{
	ck_assert_int_eq(vfc_group_number("/dev/vfio/12/vfio"), -1);
	ck_assert_int_eq(vfc_group_number("/12/dev/vfio/7"), 7);
}
END_TEST

/* ---- vfc_node_classify ---- */

START_TEST(test_misc_10_196_is_container)
{
	struct stat st = node(S_IFCHR, 10, 196);
	struct stat target = node(S_IFCHR, 10, 123);

	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &st, &target), VFC_NODE_CONTAINER);
}
END_TEST

START_TEST(test_container_is_container_without_target)
{
	struct stat st = node(S_IFCHR, 10, 196);

	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &st, NULL), VFC_NODE_CONTAINER);
}
END_TEST

START_TEST(test_container_by_any_name_is_container)
{
	struct stat st = node(S_IFCHR, 10, 196);

	ck_assert_int_eq(vfc_node_classify("/tmp/my-container", &st, NULL), VFC_NODE_CONTAINER);
	/* Even a name that looks like a group: identity wins over spelling. */
	ck_assert_int_eq(vfc_node_classify("/dev/vfio/12", &st, NULL), VFC_NODE_CONTAINER);
}
END_TEST

START_TEST(test_target_rdev_is_iommufd)
{
	struct stat st = node(S_IFCHR, 10, 123);
	struct stat target = node(S_IFCHR, 10, 123);

	ck_assert_int_eq(vfc_node_classify("/dev/iommu", &st, &target), VFC_NODE_IOMMUFD);
}
END_TEST

START_TEST(test_target_rdev_is_iommufd_even_at_container_path)
{
	struct stat st = node(S_IFCHR, 10, 123);
	struct stat target = node(S_IFCHR, 10, 123);

	/* e.g. /dev/vfio/vfio replaced by a link to /dev/iommu */
	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &st, &target), VFC_NODE_IOMMUFD);
}
END_TEST

START_TEST(test_target_that_is_the_container_is_iommufd)
{
	struct stat st = node(S_IFCHR, 10, 196);
	struct stat target = node(S_IFCHR, 10, 196);

	/* Never redirected to itself. */
	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &st, &target), VFC_NODE_IOMMUFD);
}
END_TEST

START_TEST(test_non_char_target_with_same_rdev_is_not_iommufd)
{
	struct stat st = node(S_IFCHR, 10, 196);
	struct stat target = node(S_IFREG, 10, 196);

	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &st, &target), VFC_NODE_CONTAINER);
}
END_TEST

START_TEST(test_group_char_node_off_misc_is_group)
{
	struct stat st = node(S_IFCHR, 245, 12);
	struct stat target = node(S_IFCHR, 10, 123);

	ck_assert_int_eq(vfc_node_classify("/dev/vfio/12", &st, &target), VFC_NODE_GROUP);
	ck_assert_int_eq(vfc_node_classify("/dev/vfio/noiommu-3", &st, NULL), VFC_NODE_GROUP);
}
END_TEST

START_TEST(test_group_name_on_misc_major_is_other)
{
	struct stat st = node(S_IFCHR, 10, 12);

	ck_assert_int_eq(vfc_node_classify("/dev/vfio/12", &st, NULL), VFC_NODE_OTHER);
}
END_TEST

START_TEST(test_non_group_name_off_misc_is_other)
{
	struct stat st = node(S_IFCHR, 245, 0);

	ck_assert_int_eq(vfc_node_classify("/dev/vfio/devices/vfio0", &st, NULL), VFC_NODE_OTHER);
	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &st, NULL), VFC_NODE_OTHER);
}
END_TEST

START_TEST(test_non_char_nodes_are_other)
{
	struct stat reg = node(S_IFREG, 10, 196);
	struct stat blk = node(S_IFBLK, 10, 196);
	struct stat dir = node(S_IFDIR, 0, 0);
	struct stat grp_blk = node(S_IFBLK, 245, 12);
	struct stat target = node(S_IFREG, 10, 196);

	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &reg, NULL), VFC_NODE_OTHER);
	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &reg, &target), VFC_NODE_OTHER);
	ck_assert_int_eq(vfc_node_classify("/dev/vfio/vfio", &blk, NULL), VFC_NODE_OTHER);
	ck_assert_int_eq(vfc_node_classify("/dev/vfio", &dir, NULL), VFC_NODE_OTHER);
	ck_assert_int_eq(vfc_node_classify("/dev/vfio/12", &grp_blk, NULL), VFC_NODE_OTHER);
}
END_TEST

START_TEST(test_unrelated_char_node_is_other)
{
	struct stat st = node(S_IFCHR, 1, 3);
	struct stat target = node(S_IFCHR, 10, 123);

	ck_assert_int_eq(vfc_node_classify("/dev/null", &st, &target), VFC_NODE_OTHER);
}
END_TEST

Suite *classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc;

	tc = tcase_create("path");
	tcase_add_test(tc, test_container_path_may_be_vfio);
	tcase_add_test(tc, test_group_paths_may_be_vfio);
	tcase_add_test(tc, test_other_spellings_of_vfio_paths_may_be_vfio);
	tcase_add_test(tc, test_paths_without_vfio_are_not_vfio);
	tcase_add_test(tc, test_empty_or_null_path_is_not_vfio);
	tcase_add_test(tc, test_relative_group_names_may_be_vfio);
	tcase_add_test(tc, test_other_relative_names_are_not_vfio);
	tcase_add_test(tc, test_vfio_found_at_every_offset);
	tcase_add_test(tc, test_mode_is_read_with_o_creat_or_o_tmpfile_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("group_number");
	tcase_add_test(tc, test_numeric_group_path_is_its_number);
	tcase_add_test(tc, test_noiommu_group_path_is_its_number);
	tcase_add_test(tc, test_container_path_is_no_group);
	tcase_add_test(tc, test_group_path_with_trailing_slashes_is_its_number);
	tcase_add_test(tc, test_group_number_of_ten_digits_is_too_long);
	tcase_add_test(tc, test_group_number_of_nine_digits_is_accepted);
	tcase_add_test(tc, test_empty_path_is_no_group);
	tcase_add_test(tc, test_group_zero_is_zero);
	tcase_add_test(tc, test_bare_group_name_is_its_number);
	tcase_add_test(tc, test_non_numeric_last_component_is_no_group);
	tcase_add_test(tc, test_only_last_component_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("node");
	tcase_add_test(tc, test_misc_10_196_is_container);
	tcase_add_test(tc, test_container_is_container_without_target);
	tcase_add_test(tc, test_container_by_any_name_is_container);
	tcase_add_test(tc, test_target_rdev_is_iommufd);
	tcase_add_test(tc, test_target_rdev_is_iommufd_even_at_container_path);
	tcase_add_test(tc, test_target_that_is_the_container_is_iommufd);
	tcase_add_test(tc, test_non_char_target_with_same_rdev_is_not_iommufd);
	tcase_add_test(tc, test_group_char_node_off_misc_is_group);
	tcase_add_test(tc, test_group_name_on_misc_major_is_other);
	tcase_add_test(tc, test_non_group_name_off_misc_is_other);
	tcase_add_test(tc, test_non_char_nodes_are_other);
	tcase_add_test(tc, test_unrelated_char_node_is_other);
	suite_add_tcase(s, tc);
	return s;
}
