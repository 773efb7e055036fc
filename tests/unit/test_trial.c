// SPDX-License-Identifier: GPL-2.0-only
/* Merging reports into a trial: verdict rules, attribution, bad lines. */
#include <string.h>

#include "trial.h"
#include "unit.h"

static struct vfc_trial t;
static char err[256];

static int add(const char *line)
{
	return vfc_trial_add_line(&t, line, strlen(line), err, sizeof(err));
}

static void setup(void)
{
	vfc_trial_init(&t);
	vfc_trial_begin_source(&t, "a.jsonl");
}

static void teardown(void)
{
	vfc_trial_free(&t);
}

START_TEST(test_summary_verdict_wins)
{
	ck_assert_int_eq(add("{\"type\":\"start\",\"schema\":1,\"pid\":7,\"program\":\"qemu\","
			     "\"mode\":\"redirect\"}"),
			 0);
	ck_assert_int_eq(
	    add("{\"type\":\"summary\",\"pid\":7,\"verdict\":\"ready\",\"features\":{}}"), 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
	ck_assert_uint_eq(t.nprocs, 1);
	ck_assert_str_eq(t.procs[0].program, "qemu");
	ck_assert(t.procs[0].has_summary);
}
END_TEST

START_TEST(test_worst_process_decides)
{
	add("{\"type\":\"start\",\"pid\":1,\"program\":\"a\"}");
	add("{\"type\":\"summary\",\"pid\":1,\"verdict\":\"ready-with-differences\",\"features\":{"
	    "\"type1_v1\":1}}");
	vfc_trial_begin_source(&t, "b.jsonl");
	add("{\"type\":\"start\",\"pid\":1,\"program\":\"b\"}");
	add("{\"type\":\"summary\",\"pid\":1,\"verdict\":\"not-ready\",\"features\":{\"dirty_"
	    "pages\":3,\"type1_v1\":1}}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	/* Same pid in two files: two processes (two hosts, or pid reuse). */
	ck_assert_uint_eq(t.nprocs, 2);
	ck_assert_str_eq(t.features[0].name, "type1_v1");
	ck_assert_uint_eq(t.features[0].uses, 2);
	ck_assert_uint_eq(t.features[0].procs, 2);
	ck_assert_str_eq(t.features[1].name, "dirty_pages");
	ck_assert_uint_eq(t.features[1].uses, 3);
	ck_assert_int_eq(t.features[1].severity, VFC_SEV_BLOCKER);
}
END_TEST

START_TEST(test_crashed_process_judged_from_its_records)
{
	/* No summary: the feature records (pid-less, after a start) decide. */
	add("{\"type\":\"start\",\"pid\":9,\"program\":\"vmm\"}");
	add("{\"type\":\"open\",\"node\":\"container\",\"action\":\"redirected\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
	add("{\"type\":\"feature\",\"feature\":\"p2p_map\",\"severity\":\"blocker\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert(!t.procs[0].has_summary);
	ck_assert_uint_eq(t.features[0].uses, 1);
}
END_TEST

START_TEST(test_fallback_alone_is_untested)
{
	add("{\"type\":\"start\",\"pid\":3}");
	add("{\"type\":\"open\",\"node\":\"container\",\"action\":\"fallback\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_UNTESTED);
}
END_TEST

START_TEST(test_unknown_feature_kept_conservatively)
{
	/* A newer writer's feature: its own texts; an unknown severity is not "info". */
	add("{\"type\":\"feature\",\"pid\":4,\"feature\":\"new_thing\",\"severity\":\"odd\","
	    "\"iommufd_predicted\":\"does X\",\"hint\":\"do Y\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_CHANGES);
	ck_assert_str_eq(t.features[0].iommufd, "does X");
	ck_assert_str_eq(t.features[0].hint, "do Y");
}
END_TEST

START_TEST(test_known_feature_uses_our_table)
{
	add("{\"type\":\"feature\",\"pid\":4,\"feature\":\"vaddr_map\",\"severity\":\"info\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_int_eq(t.features[0].severity, VFC_SEV_BLOCKER);
	ck_assert_ptr_nonnull(strstr(t.features[0].iommufd, "EINVAL"));
}
END_TEST

START_TEST(test_bad_lines_are_named_and_skipped)
{
	ck_assert_int_eq(add("{\"type\":\"start\""), -1);
	ck_assert_str_eq(err, "not JSON (truncated record)");
	ck_assert_int_eq(add("{\"type\":\"start\"} {}"), -1);
	ck_assert_int_eq(strncmp(err, "not JSON (", 10), 0); /* two records on one line */
	ck_assert_int_eq(add("\"type\""), -1);
	ck_assert_str_eq(err, "not a report record (not a JSON object)");
	ck_assert_int_eq(add("{\"type\":3}"), -1);
	ck_assert_int_eq(add("{\"type\":\"summary\",\"verdict\":\"great\"}"), -1);
	ck_assert_int_eq(
	    add("{\"type\":\"summary\",\"verdict\":\"ready\",\"features\":{\"x\":-1}}"), -1);
	ck_assert_int_eq(add("{\"type\":\"summary\",\"verdict\":\"ready\",\"features\":[]}"), -1);
	ck_assert_int_eq(add("{\"type\":\"start\",\"schema\":2}"), -1);
	ck_assert_ptr_nonnull(strstr(err, "upgrade vfiocompat"));
	ck_assert_int_eq(add("{\"type\":\"open\",\"path\":\"\xff\"}"), -1);
	ck_assert_int_eq(add("\n"), 0); /* blank: neither record nor error */
	ck_assert_uint_eq(t.skipped, 9);
	ck_assert_uint_eq(t.records, 0);
}
END_TEST

START_TEST(test_overlong_line_refused)
{
	static char line[VFC_TRIAL_MAX_LINE + 2];

	memset(line, ' ', sizeof(line) - 1);
	ck_assert_int_eq(vfc_trial_add_line(&t, line, sizeof(line) - 1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than"));
}
END_TEST

START_TEST(test_too_many_feature_names)
{
	char line[128];

	for (int i = 0; i < VFC_TRIAL_MAX_FEATURES; i++) {
		snprintf(line, sizeof(line), "{\"type\":\"feature\",\"pid\":1,\"feature\":\"f%d\"}",
			 i);
		ck_assert_int_eq(add(line), 0);
	}
	ck_assert_int_eq(add("{\"type\":\"feature\",\"pid\":1,\"feature\":\"one-too-many\"}"), -1);
	ck_assert_ptr_nonnull(strstr(err, "too many distinct feature names"));
}
END_TEST

START_TEST(test_verdict_names_round_trip)
{
	for (int v = VFC_V_UNTESTED; v <= VFC_V_NOT_READY; v++)
		ck_assert_int_eq(vfc_verdict_parse(vfc_verdict_name((enum vfc_verdict)v)), v);
	ck_assert_str_eq(vfc_verdict_title(VFC_V_CHANGES), "READY WITH CHANGES");
}
END_TEST

/* Found by fuzz/fuzz_trial.c: a rejected line used to leave a process behind. */
START_TEST(test_skipped_line_adds_no_process)
{
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":5,\"verdict\":\"ready-with-changes\"}"),
			 -1);
	ck_assert_int_eq(add("{\"type\":\"feature\",\"pid\":6}"), -1);
	ck_assert_uint_eq(t.nprocs, 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_UNTESTED);
}
END_TEST

/* ...nor half a summary on a process that exists. */
START_TEST(test_skipped_summary_leaves_process_unchanged)
{
	ck_assert_int_eq(add("{\"type\":\"start\",\"schema\":1,\"pid\":7,\"program\":\"qemu\"}"),
			 0);
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":7,\"program\":\"evil\","
			     "\"verdict\":\"not-ready\",\"features\":{\"type1_v1\":\"x\"}}"),
			 -1);
	ck_assert_uint_eq(t.nprocs, 1);
	ck_assert(!t.procs[0].has_summary);
	ck_assert_str_eq(t.procs[0].program, "qemu");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_UNTESTED);
}
END_TEST

Suite *trial_suite(void)
{
	Suite *s = suite_create("trial");
	TCase *tc = tcase_create("trial");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_summary_verdict_wins);
	tcase_add_test(tc, test_worst_process_decides);
	tcase_add_test(tc, test_crashed_process_judged_from_its_records);
	tcase_add_test(tc, test_fallback_alone_is_untested);
	tcase_add_test(tc, test_unknown_feature_kept_conservatively);
	tcase_add_test(tc, test_known_feature_uses_our_table);
	tcase_add_test(tc, test_bad_lines_are_named_and_skipped);
	tcase_add_test(tc, test_overlong_line_refused);
	tcase_add_test(tc, test_skipped_line_adds_no_process);
	tcase_add_test(tc, test_skipped_summary_leaves_process_unchanged);
	tcase_add_test(tc, test_too_many_feature_names);
	tcase_add_test(tc, test_verdict_names_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
