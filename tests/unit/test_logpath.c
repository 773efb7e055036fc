// SPDX-License-Identifier: GPL-2.0-only
/* common/logpath.c: one expansion for the shim's report path and run's globs. */
#include <fnmatch.h>
#include <string.h>

#include "exitrec.h"
#include "logpath.h"
#include "report.h"
#include "runenv.h"
#include "unit.h"

START_TEST(test_expand_measures_without_writing)
{
	ck_assert_uint_eq(vfc_logpath_expand("/r/%p-%e.%%", 42, "qemu", 0, NULL, 256),
			  strlen("/r/42-qemu.%"));
	/* Past `size` the work stops: a template of any length costs at most that. */
	ck_assert_uint_eq(vfc_logpath_expand("/a/long/template", 1, NULL, 0, NULL, 4), 4);
}
END_TEST

START_TEST(test_expand_never_writes_past_size)
{
	char out[8];

	memset(out, '#', sizeof(out));
	ck_assert_uint_ge(vfc_logpath_expand("/0123456789", 1, NULL, 0, out, 6), 6);
	ck_assert_str_eq(out, "/0123");
	ck_assert_int_eq(out[6], '#');
}
END_TEST

START_TEST(test_program_is_a_safe_component)
{
	char out[128];

	vfc_logpath_expand("%e", 1, "../a/b c", 0, out, sizeof(out));
	ck_assert_str_eq(out, "_._a_b_c"); /* no leading dot, no slash */
	vfc_logpath_expand("x%e", 1, NULL, 0, out, sizeof(out));
	ck_assert_str_eq(out, "x");
	vfc_logpath_expand("%x%", 1, NULL, 0, out, sizeof(out));
	ck_assert_str_eq(out, "%x%");
}
END_TEST

/* The shim writes a file that run's glob for the same template finds. */
START_TEST(test_shim_path_matches_run_globs)
{
	static const char *const tmpls[] = {"/r/vfc-%e-%p.jsonl", "/r/%p", "/r/[x]*%e?",
					    "/r/100%%"};
	char path[256], pat[256], exit_pat[256];

	for (size_t i = 0; i < sizeof(tmpls) / sizeof(tmpls[0]); i++) {
		ck_assert(vfc_log_path(tmpls[i], 77, "qemu-kvm", path, sizeof(path)));
		ck_assert(vfc_log_glob(tmpls[i], pat, sizeof(pat)));
		ck_assert(vfc_exit_glob(tmpls[i], 77, exit_pat, sizeof(exit_pat)));
		ck_assert_msg(!fnmatch(pat, path, 0), "%s: %s !~ %s", tmpls[i], path, pat);
		ck_assert_msg(!fnmatch(exit_pat, path, 0), "%s: %s !~ %s", tmpls[i], path,
			      exit_pat);
	}
}
END_TEST

Suite *logpath_suite(void)
{
	Suite *s = suite_create("logpath");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_expand_measures_without_writing);
	tcase_add_test(tc, test_expand_never_writes_past_size);
	tcase_add_test(tc, test_program_is_a_safe_component);
	tcase_add_test(tc, test_shim_path_matches_run_globs);
	suite_add_tcase(s, tc);
	return s;
}
