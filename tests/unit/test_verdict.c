// SPDX-License-Identifier: GPL-2.0-only
/* common/verdict.c: names, the rules, and the shim and report agreeing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "stats.h"
#include "trial.h"
#include "unit.h"
#include "verdict.h"

START_TEST(test_names_round_trip)
{
	for (int v = 0; v < VFC_V_COUNT; v++) {
		ck_assert(vfc_verdict_known(vfc_verdict_name((enum vfc_verdict)v)));
		ck_assert_int_eq(vfc_verdict_parse(vfc_verdict_name((enum vfc_verdict)v)), v);
	}
	ck_assert(!vfc_verdict_known("great"));
	ck_assert(!vfc_verdict_known(NULL));
}
END_TEST

START_TEST(test_dma_type1_by_name_or_number)
{
	const char *t1, *cases;

	ck_assert_int_eq(vfc_dma_type1(VFC_DMA_MAP, "EEXIST", 0, &t1, &cases), VFC_DMA_TYPE1_SAME);
	ck_assert_str_eq(t1, "EEXIST");
	ck_assert_int_eq(vfc_dma_type1(VFC_DMA_MAP, NULL, ENODEV, &t1, NULL), VFC_DMA_TYPE1_OTHER);
	ck_assert_str_eq(t1, "EINVAL");
	ck_assert_int_eq(vfc_dma_type1(VFC_DMA_UNMAP, "", ENOENT, NULL, NULL), VFC_DMA_TYPE1_OTHER);
	ck_assert_int_eq(vfc_dma_type1(VFC_DMA_MAP, "EFAULT", 0, &t1, &cases),
			 VFC_DMA_TYPE1_UNMEASURED);
	ck_assert_ptr_null(t1);
	ck_assert_int_eq(vfc_dma_type1(VFC_DMA_MAP, NULL, 0, NULL, NULL), VFC_DMA_TYPE1_UNMEASURED);
}
END_TEST

START_TEST(test_rules_named)
{
	struct vfc_verdict_facts f = {.tried = true, .redirected = true};
	unsigned rules;

	ck_assert_int_eq(vfc_verdict_judge(&f, &rules), VFC_V_READY);
	ck_assert_uint_eq(rules, 0);
	f.degraded = true;
	f.fallback = true;
	ck_assert_int_eq(vfc_verdict_judge(&f, &rules), VFC_V_UNTESTED);
	ck_assert_uint_eq(rules, 1u << VFC_RULE_DEGRADED | 1u << VFC_RULE_FALLBACK);
	/* A blocker explains every failure: not-ready, not failed. */
	f.blocker = true;
	f.ioctl_calls = f.ioctl_errors = 3;
	ck_assert_int_eq(vfc_verdict_judge(&f, &rules), VFC_V_NOT_READY);
	ck_assert(!(rules & 1u << VFC_RULE_ALL_FAILED));
	f.blocker = false;
	ck_assert_int_eq(vfc_verdict_judge(&f, NULL), VFC_V_FAILED);
	/* A newer writer's blocker counts as one. */
	f.unknown = f.unknown_blocker = true;
	ck_assert_int_eq(vfc_verdict_judge(&f, &rules), VFC_V_NOT_READY);
	ck_assert(rules & 1u << VFC_RULE_UNKNOWN);
}
END_TEST

/*
 * One fixture of the sweep: what a process did, set on the shim's counters.
 * Each digit of n picks one dimension's value.
 */
static bool fixture(unsigned n, struct vfc_stats *s)
{
	static const int map_err[] = {0, EEXIST, ENODEV, EFAULT};
	static const enum vfc_feature feats[] = {VFC_F_COUNT, VFC_F_SPAPR_EXT, VFC_F_TYPE1_V1,
						 VFC_F_DIRTY_PAGES};
	unsigned containers = n % 2, redirected = n / 2 % 2, fallbacks = n / 4 % 2;
	unsigned feat = n / 8 % 4, map_calls = n / 32 % 3, map_fail = n / 96 % 3;
	unsigned err = n / 288 % 4, mixed = n / 1152 % 2, unmap = n / 2304 % 3;
	unsigned early = n / 6912 % 3, other_fail = n / 20736 % 2;

	if (n >= 41472)
		return false;
	vfc_stats_reset(s);
	/* The shim's own invariants: redirected and fallbacks are of containers. */
	if ((redirected || fallbacks) && !containers)
		return true;
	if (redirected && fallbacks)
		return true;
	if (map_fail > map_calls || (map_fail && !err) || (mixed && map_fail < 2))
		return true;
	atomic_store(&s->containers, (int)containers);
	atomic_store(&s->redirected, (int)redirected);
	atomic_store(&s->fallbacks, (int)fallbacks);
	if (feats[feat] != VFC_F_COUNT)
		atomic_store(&s->feat[feats[feat]].count, 1);
	atomic_store(&s->calls[VFC_OP_GET_API_VERSION], 1);
	atomic_store(&s->errors[VFC_OP_GET_API_VERSION], other_fail);
	atomic_store(&s->calls[VFC_OP_MAP_DMA], map_calls);
	atomic_store(&s->errors[VFC_OP_MAP_DMA], map_fail);
	if (map_fail)
		atomic_store(&s->first_err[VFC_OP_MAP_DMA], map_err[err]);
	atomic_store(&s->err_mixed[VFC_OP_MAP_DMA], (int)mixed);
	atomic_store(&s->calls[VFC_OP_UNMAP_DMA], unmap);
	atomic_store(&s->errors[VFC_OP_UNMAP_DMA], unmap);
	if (unmap)
		atomic_store(&s->first_err[VFC_OP_UNMAP_DMA], unmap == 1 ? ENOENT : EINVAL);
	atomic_store(&s->get_info_early, (int)(early ? 1 : 0));
	atomic_store(&s->get_info_fixed, (int)(early == 2));
	return true;
}

/*
 * The shim's summary, read back by `report` with its verdict made "ready":
 * report reaches the shim's verdict from the summary's facts alone.
 */
START_TEST(test_shim_and_report_agree)
{
	static struct vfc_stats s;
	static struct vfc_fmt f;
	const struct vfc_ident id = {42, 100, "0123abcd-0123-4567-89ab-0123456789ab", "", 0};
	const char *start = "{\"type\":\"start\",\"schema\":1,\"pid\":42,\"starttime\":100,"
			    "\"boot_id\":\"0123abcd-0123-4567-89ab-0123456789ab\","
			    "\"program\":\"vmm\",\"mode\":\"redirect\"}";
	unsigned checked = 0;

	for (unsigned n = 0; fixture(n, &s); n++) {
		struct vfc_trial t;
		char err[256], line[sizeof(f.buf)], *v;
		const char *shim;

		if (!atomic_load(&s.calls[VFC_OP_GET_API_VERSION]))
			continue; /* skipped by an invariant */
		shim = vfc_verdict(&s);
		vfc_fmt_summary(&f, &s, VFC_MODE_REDIRECT, &id, "vmm");
		snprintf(line, sizeof(line), "%.*s", (int)f.len, f.buf);
		v = strstr(line, "\"verdict\":\"");
		ck_assert_ptr_nonnull(v);
		v += strlen("\"verdict\":\"");
		memmove(v + strlen("ready"), strchr(v, '"'), strlen(strchr(v, '"')) + 1);
		memcpy(v, "ready", strlen("ready"));
		vfc_trial_init(&t);
		vfc_trial_begin_source(&t, "a.jsonl");
		ck_assert_int_eq(vfc_trial_add_line(&t, start, strlen(start), err, sizeof(err)), 0);
		ck_assert_msg(!vfc_trial_add_line(&t, line, strlen(line), err, sizeof(err)),
			      "fixture %u: %s: %s", n, err, line);
		vfc_trial_finish(&t);
		ck_assert_uint_eq(t.nprocs, 1);
		ck_assert_msg(!strcmp(vfc_verdict_name(t.procs[0].verdict), shim),
			      "fixture %u: shim %s, report %s (%s): %s", n, shim,
			      vfc_verdict_name(t.procs[0].verdict), t.procs[0].reason, line);
		vfc_trial_free(&t);
		checked++;
	}
	ck_assert_uint_gt(checked, 1000);
}
END_TEST

Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_names_round_trip);
	tcase_add_test(tc, test_dma_type1_by_name_or_number);
	tcase_add_test(tc, test_rules_named);
	tcase_add_test(tc, test_shim_and_report_agree);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
