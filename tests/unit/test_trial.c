// SPDX-License-Identifier: GPL-2.0-only
/* Merging reports into a trial: verdict rules, attribution, bad lines. */
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitrec.h"
#include "groups.h"
#include "stats.h"
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

START_TEST(test_crashed_process_is_incomplete)
{
	/* No summary: incomplete whatever it did, unless a blocker decided already. */
	add("{\"type\":\"start\",\"pid\":9,\"program\":\"vmm\"}");
	add("{\"type\":\"open\",\"node\":\"container\",\"action\":\"redirected\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "no summary"));
	add("{\"type\":\"feature\",\"feature\":\"type1_v1\",\"severity\":\"degraded\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
	add("{\"type\":\"feature\",\"feature\":\"p2p_map\",\"severity\":\"blocker\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "used p2p_map (blocker)"));
	ck_assert(!t.procs[0].has_summary);
	ck_assert_uint_eq(t.features[1].uses, 1);
}
END_TEST

/* One crashed process makes its host and its program INCOMPLETE, not the others. */
START_TEST(test_groups_by_host_and_program)
{
	struct vfc_group *g;
	size_t n;

	add("{\"type\":\"start\",\"pid\":1,\"program\":\"qemu\",\"hostname\":\"kvm-a\","
	    "\"timestamp\":100}");
	add("{\"type\":\"summary\",\"pid\":1,\"hostname\":\"kvm-a\",\"timestamp\":160,"
	    "\"verdict\":\"ready\",\"features\":{}}");
	vfc_trial_begin_source(&t, "b1.jsonl");
	add("{\"type\":\"start\",\"pid\":1,\"program\":\"qemu\",\"hostname\":\"kvm-b\","
	    "\"timestamp\":200}");
	add("{\"type\":\"summary\",\"pid\":1,\"verdict\":\"ready\",\"features\":{}}");
	vfc_trial_begin_source(&t, "b2.jsonl");
	add("{\"type\":\"start\",\"pid\":2,\"program\":\"dpdk\",\"hostname\":\"kvm-b\","
	    "\"timestamp\":300}");
	add("{\"type\":\"open\",\"node\":\"container\",\"action\":\"redirected\"}");
	vfc_trial_begin_source(&t, "old.jsonl"); /* an older report: no host */
	add("{\"type\":\"start\",\"pid\":3,\"program\":\"qemu\"}");
	add("{\"type\":\"summary\",\"pid\":3,\"verdict\":\"ready\",\"features\":{}}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);

	n = vfc_groups(&t, VFC_BY_HOST, &g);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(g[0].key, ""); /* sorted: the unknown host first */
	ck_assert_int_eq(g[0].verdict, VFC_V_READY);
	ck_assert_str_eq(g[1].key, "kvm-a");
	ck_assert_int_eq(g[1].verdict, VFC_V_READY);
	ck_assert_int_eq(g[1].last, 160); /* the latest record, the summary's */
	ck_assert_str_eq(g[2].key, "kvm-b");
	ck_assert_int_eq(g[2].verdict, VFC_V_INCOMPLETE);
	ck_assert_uint_eq(g[2].procs, 2);
	ck_assert_uint_eq(g[2].counts[VFC_V_READY], 1);
	ck_assert_uint_eq(g[2].counts[VFC_V_INCOMPLETE], 1);
	ck_assert_int_eq(g[2].last, 300);
	free(g);
	n = vfc_groups(&t, VFC_BY_PROGRAM, &g);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(g[0].key, "dpdk");
	ck_assert_int_eq(g[0].verdict, VFC_V_INCOMPLETE);
	ck_assert_str_eq(g[1].key, "qemu");
	ck_assert_int_eq(g[1].verdict, VFC_V_READY);
	ck_assert_uint_eq(g[1].procs, 3);
	free(g);
	ck_assert_int_eq(vfc_by_parse("host"), VFC_BY_HOST);
	ck_assert_int_eq(vfc_by_parse("hosts"), -1);
}
END_TEST

/* A hostname or timestamp of the wrong type makes a bad line, named and skipped. */
START_TEST(test_bad_host_or_time_is_a_bad_line)
{
	ck_assert_int_eq(add("{\"type\":\"start\",\"pid\":1,\"hostname\":7}"), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"hostname\""));
	ck_assert_int_eq(add("{\"type\":\"start\",\"pid\":1,\"timestamp\":\"2026-12-07\"}"), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"timestamp\""));
	ck_assert_int_eq(add("{\"type\":\"start\",\"pid\":1,\"timestamp\":-1}"), -1);
	ck_assert_uint_eq(t.nprocs, 0);
}
END_TEST

START_TEST(test_fallback_alone_is_untested)
{
	add("{\"type\":\"start\",\"pid\":3}");
	add("{\"type\":\"open\",\"node\":\"container\",\"action\":\"fallback\","
	    "\"target\":\"/dev/iommu\",\"errno\":\"ENOENT\"}");
	add("{\"type\":\"summary\",\"pid\":3,\"verdict\":\"untested\",\"fallbacks\":1}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_UNTESTED);
	ck_assert(!t.procs[0].neutral);
	ck_assert_str_eq(t.procs[0].reason, "a container stayed on type1: /dev/iommu: ENOENT");
}
END_TEST

START_TEST(test_unknown_feature_kept_conservatively)
{
	/* A newer writer's feature: its own texts; an unknown severity is not "info". */
	add("{\"type\":\"feature\",\"pid\":4,\"feature\":\"new_thing\",\"severity\":\"odd\","
	    "\"iommufd_predicted\":\"does X\",\"hint\":\"do Y\"}");
	add("{\"type\":\"summary\",\"pid\":4,\"verdict\":\"ready\",\"containers\":1}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_CHANGES);
	ck_assert_int_eq(t.features[0].severity, VFC_SEV_DEGRADED);
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

/*
 * Issue 26: 32 unknown names in one report filled the merge's table, and
 * another file's blocker was skipped: INCOMPLETE instead of NOT READY.
 */
START_TEST(test_unknown_names_cannot_push_out_a_blocker)
{
	char line[4096];
	int n;

	n = snprintf(line, sizeof(line),
		     "{\"type\":\"summary\",\"pid\":1,\"containers\":1,\"redirected\":1,"
		     "\"verdict\":\"ready\",\"features\":{");
	for (int i = 0; i < 40; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s\"new_f%d\":1", i ? "," : "",
			      i);
	snprintf(line + n, sizeof(line) - (size_t)n, "}}");
	ck_assert_int_eq(add(line), 0);
	vfc_trial_begin_source(&t, "b.jsonl");
	ck_assert_int_eq(add("{\"type\":\"start\",\"pid\":2,\"program\":\"qemu\"}"), 0);
	ck_assert_int_eq(add("{\"type\":\"feature\",\"feature\":\"vaddr_map\","
			     "\"severity\":\"blocker\"}"),
			 0);
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":2,\"containers\":1,"
			     "\"features\":{\"vaddr_map\":1},\"verdict\":\"not-ready\"}"),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_uint_eq(t.skipped, 0);
	ck_assert_int_eq(t.procs[1].verdict, VFC_V_NOT_READY);
	/* The unknown names: at best ready-with-differences, named with "+N more". */
	ck_assert_int_eq(t.procs[0].verdict, VFC_V_CHANGES);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "new_f0"));
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, " more"));
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "unknown to this vfiocompat"));
}
END_TEST

/* Issue 26: a 48-byte name was called "too many distinct feature names". */
START_TEST(test_long_feature_name_is_an_unknown_feature)
{
	ck_assert_int_eq(add("{\"type\":\"feature\",\"pid\":1,\"feature\":"
			     "\"a_feature_name_of_forty_eight_bytes_from_a_newer\",\"severity\":"
			     "\"info\"}"),
			 0);
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":1,\"containers\":1,\"redirected\":1,"
			     "\"verdict\":\"ready\"}"),
			 0);
	/* An unknown name is never better than ready-with-differences, "info" or not. */
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_CHANGES);
	ck_assert_ptr_nonnull(
	    strstr(t.procs[0].reason, "a_feature_name_of_forty_eight_bytes_from_a_newer"));
}
END_TEST

/* Every name of our table keeps its slot, however many unknown names came first. */
START_TEST(test_known_features_always_have_a_slot)
{
	char line[128];
	size_t i;

	for (int k = 0; k < 100; k++) {
		snprintf(line, sizeof(line), "{\"type\":\"feature\",\"pid\":1,\"feature\":\"x%d\"}",
			 k);
		ck_assert_int_eq(add(line), 0);
	}
	ck_assert_int_eq(add("{\"type\":\"feature\",\"pid\":1,\"feature\":\"type1_v1\"}"), 0);
	ck_assert_int_eq(add("{\"type\":\"feature\",\"pid\":1,\"feature\":\"x7\"}"), 0);
	ck_assert_int_eq(add("{\"type\":\"feature\",\"pid\":1,\"feature\":\"x99\"}"), 0);
	for (i = 0; i < t.nfeatures && strcmp(t.features[i].name, "type1_v1"); i++)
		;
	ck_assert_uint_lt(i, t.nfeatures);
	ck_assert_int_eq(t.features[i].severity, VFC_SEV_DEGRADED);
	ck_assert_uint_le(t.nfeatures, VFC_TRIAL_MAX_FEATURES);
	/* Listed, then counted once per distinct name. */
	ck_assert_uint_eq(t.nunknown, VFC_TRIAL_MAX_UNKNOWN);
	ck_assert_uint_eq(vfc_trial_unlisted(&t), 100 - VFC_TRIAL_MAX_UNKNOWN);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
}
END_TEST

/* A writer that calls an unknown feature a blocker is believed, listed or not. */
START_TEST(test_unknown_blocker_is_not_ready)
{
	char line[128];

	for (int k = 0; k < VFC_TRIAL_MAX_UNKNOWN; k++) {
		snprintf(line, sizeof(line), "{\"type\":\"feature\",\"pid\":1,\"feature\":\"x%d\"}",
			 k);
		ck_assert_int_eq(add(line), 0);
	}
	ck_assert_int_eq(add("{\"type\":\"feature\",\"pid\":2,\"feature\":\"new_blocker\","
			     "\"severity\":\"blocker\"}"),
			 0);
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":2,\"containers\":1,"
			     "\"verdict\":\"ready\"}"),
			 0);
	vfc_trial_finish(&t);
	ck_assert_int_eq(t.procs[1].verdict, VFC_V_NOT_READY);
	ck_assert_ptr_nonnull(strstr(t.procs[1].reason, "+1 more"));
}
END_TEST

START_TEST(test_verdict_names_round_trip)
{
	for (int v = 0; v < VFC_V_COUNT; v++)
		ck_assert_int_eq(vfc_verdict_parse(vfc_verdict_name((enum vfc_verdict)v)), v);
	ck_assert_str_eq(vfc_verdict_title(VFC_V_CHANGES), "READY WITH DIFFERENCES");
	ck_assert_str_eq(vfc_verdict_name(VFC_V_INCOMPLETE), "incomplete");
	ck_assert_str_eq(vfc_verdict_name(VFC_V_FAILED), "failed");
	ck_assert_str_eq(vfc_verdict_title(VFC_V_FAILED), "FAILED");
}
END_TEST

/* ---- the verdict model (docs/report-schema.md) ---- */

#define READY_PROC                                                                                 \
	"{\"type\":\"start\",\"schema\":1,\"pid\":10,\"program\":\"qemu\",\"mode\":"               \
	"\"redirect\"}\n{\"type\":\"open\",\"fd\":3,\"path\":\"/dev/vfio/vfio\",\"node\":"         \
	"\"container\",\"action\":\"redirected\",\"target\":\"/dev/iommu\"}\n{\"type\":"           \
	"\"summary\",\"pid\":10,\"program\":\"qemu\",\"mode\":\"redirect\",\"containers\":1,"      \
	"\"redirected\":1,\"fallbacks\":0,\"ioctls\":{\"IOMMU_MAP_DMA\":{\"calls\":40,"            \
	"\"errors\":0},\"IOMMU_GET_INFO\":{\"calls\":1,\"errors\":0}},\"features\":{},"            \
	"\"verdict\":\"ready\"}\n"

/* Add a multi-line text as one file. */
static void add_file(const char *source, const char *text)
{
	char line[2048];

	vfc_trial_begin_source(&t, source);
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		ck_assert_uint_lt(n, sizeof(line));
		memcpy(line, text, n);
		line[n] = 0;
		ck_assert_msg(add(line) == 0, "%s: %s", line, err);
		text += n + (nl != NULL);
	}
}

START_TEST(test_ready_process_is_ready)
{
	add_file("q.jsonl", READY_PROC);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
	ck_assert_str_eq(t.procs[0].reason, "");
	ck_assert_uint_eq(t.procs[0].ioctl_calls, 41);
}
END_TEST

/* Measured in issue 18 (a): a report without a summary merged with a ready one said READY. */
START_TEST(test_merge_with_a_crashed_process_is_incomplete)
{
	add_file("q.jsonl", READY_PROC);
	add_file("crashed.jsonl", "{\"type\":\"start\",\"schema\":1,\"pid\":11,\"program\":"
				  "\"qemu\",\"mode\":\"redirect\"}\n{\"type\":\"open\",\"node\":"
				  "\"container\",\"action\":\"redirected\"}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
	ck_assert_int_eq(t.procs[0].verdict, VFC_V_READY);
	ck_assert_int_eq(t.procs[1].verdict, VFC_V_INCOMPLETE);
}
END_TEST

/* (b): a process that fell back with EACCES: at best UNTESTED, the EACCES shown. */
START_TEST(test_merge_with_a_fallback_is_untested_with_its_errno)
{
	add_file("q.jsonl", READY_PROC);
	add_file("fb.jsonl",
		 "{\"type\":\"start\",\"pid\":12,\"program\":\"qemu\",\"mode\":\"redirect\"}\n"
		 "{\"type\":\"open\",\"fd\":3,\"path\":\"/dev/vfio/vfio\",\"node\":\"container\","
		 "\"action\":\"fallback\",\"target\":\"/dev/iommu\",\"errno\":\"EACCES\"}\n"
		 "{\"type\":\"summary\",\"pid\":12,\"containers\":1,\"redirected\":0,"
		 "\"fallbacks\":1,\"ioctls\":{\"IOMMU_MAP_DMA\":{\"calls\":3,\"errors\":0}},"
		 "\"features\":{},\"verdict\":\"untested\"}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_UNTESTED);
	ck_assert(t.procs[1].fallback);
	ck_assert_str_eq(t.procs[1].fallback_errno, "EACCES");
	ck_assert_ptr_nonnull(strstr(t.procs[1].reason, "/dev/iommu: EACCES"));
}
END_TEST

/* A fallback known only from the summary's counter still counts. */
START_TEST(test_fallback_from_the_summary_counter)
{
	add("{\"type\":\"summary\",\"pid\":12,\"containers\":1,\"fallbacks\":1,"
	    "\"verdict\":\"ready\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_UNTESTED);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "errno not recorded"));
}
END_TEST

START_TEST(test_refused_and_denied_opens_are_fallbacks)
{
	add_file("q.jsonl", READY_PROC);
	add("{\"type\":\"open\",\"pid\":13,\"node\":\"container\",\"action\":\"refused\","
	    "\"target\":\"/dev/iommu\",\"errno\":\"ENOENT\"}");
	add("{\"type\":\"summary\",\"pid\":13,\"verdict\":\"untested\"}");
	add("{\"type\":\"open\",\"pid\":14,\"node\":\"container\",\"action\":\"denied\","
	    "\"errno\":\"EACCES\"}");
	add("{\"type\":\"summary\",\"pid\":14,\"verdict\":\"untested\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_UNTESTED);
	ck_assert_str_eq(t.procs[1].fallback_errno, "ENOENT");
	ck_assert_str_eq(t.procs[2].fallback_errno, "EACCES");
}
END_TEST

/* (c): every container ioctl failed: the shim said ready-with-differences. */
START_TEST(test_all_container_ioctls_failed_is_failed)
{
	add_file("q.jsonl", READY_PROC);
	add_file("f.jsonl",
		 "{\"type\":\"start\",\"pid\":15,\"program\":\"probe\",\"mode\":\"redirect\"}\n"
		 "{\"type\":\"open\",\"node\":\"container\",\"action\":\"redirected\"}\n"
		 "{\"type\":\"summary\",\"pid\":15,\"mode\":\"redirect\",\"containers\":1,"
		 "\"redirected\":1,\"ioctls\":{\"CHECK_EXTENSION\":{\"calls\":2,\"errors\":2},"
		 "\"SET_IOMMU\":{\"calls\":1,\"errors\":1},\"IOMMU_GET_INFO\":{\"calls\":1,"
		 "\"errors\":1}},\"features\":{\"type1_v1\":1},"
		 "\"verdict\":\"ready-with-differences\"}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert_int_eq(t.procs[1].verdict, VFC_V_FAILED);
	ck_assert_str_eq(t.procs[1].reason, "all 4 container ioctls failed on iommufd");
}
END_TEST

/* The same failures with a blocker used: the blocker decides (not-ready), as in audit mode. */
START_TEST(test_all_failed_with_a_blocker_is_not_ready)
{
	add_file("f.jsonl",
		 "{\"type\":\"start\",\"pid\":16,\"program\":\"probe\",\"mode\":\"redirect\"}\n"
		 "{\"type\":\"open\",\"node\":\"container\",\"action\":\"redirected\"}\n"
		 "{\"type\":\"summary\",\"pid\":16,\"mode\":\"redirect\",\"containers\":1,"
		 "\"redirected\":1,\"ioctls\":{\"SET_IOMMU\":{\"calls\":1,\"errors\":1}},"
		 "\"features\":{\"nesting_set_iommu\":1},\"verdict\":\"not-ready\"}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
}
END_TEST

/* Some failures are the program's business (EEXIST probes); all of them are not. */
START_TEST(test_some_failed_ioctls_keep_the_verdict)
{
	add("{\"type\":\"summary\",\"pid\":16,\"redirected\":1,\"containers\":1,\"ioctls\":{"
	    "\"IOMMU_MAP_DMA\":{\"calls\":5,\"errors\":1,\"errno\":\"EEXIST\"}},"
	    "\"verdict\":\"ready\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
	/* Kept, but never silently: what failed, its errno, and type1's answer. */
	ck_assert_str_eq(t.procs[0].reason,
			 "1 of 5 MAP_DMA calls failed with EEXIST; type1 fails the same call with "
			 "EEXIST too (the range, or part of it, is mapped already): the program's "
			 "own, not an iommufd difference");
}
END_TEST

/* On type1 (audit, the module's audit) the errors are type1's own: no difference. */
START_TEST(test_failed_ioctls_on_type1_are_not_ours)
{
	add("{\"type\":\"summary\",\"pid\":17,\"mode\":\"audit\",\"containers\":1,"
	    "\"redirected\":0,\"ioctls\":{\"SET_IOMMU\":{\"calls\":1,\"errors\":1}},"
	    "\"verdict\":\"ready\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
}
END_TEST

START_TEST(test_bad_ioctls_map_refused)
{
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":1,\"verdict\":\"ready\","
			     "\"ioctls\":[]}"),
			 -1);
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":1,\"verdict\":\"ready\","
			     "\"ioctls\":{\"X\":{\"calls\":1,\"errors\":2}}}"),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "\"X\" is not {calls, errors} counts"));
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":1,\"verdict\":\"ready\","
			     "\"ioctls\":{\"X\":{\"calls\":1}}}"),
			 -1);
	ck_assert_uint_eq(t.nprocs, 0);
}
END_TEST

START_TEST(test_exit_status_fails_a_ready_process)
{
	add_file("q.jsonl", READY_PROC "{\"type\":\"exit\",\"source\":\"run\",\"pid\":10,"
				       "\"program\":\"qemu\",\"status\":1}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert(t.procs[0].has_exit);
	ck_assert_int_eq(t.procs[0].exit_status, 1);
	ck_assert_str_eq(t.procs[0].reason, "exited with status 1");
}
END_TEST

START_TEST(test_exit_zero_keeps_ready)
{
	add_file("q.jsonl", READY_PROC "{\"type\":\"exit\",\"source\":\"run\",\"pid\":10,"
				       "\"program\":\"qemu\",\"status\":0}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
	ck_assert_uint_eq(t.nprocs, 1);
}
END_TEST

START_TEST(test_killing_signal_fails_and_is_named)
{
	add_file("q.jsonl", "{\"type\":\"start\",\"pid\":10,\"program\":\"qemu\"}\n"
			    "{\"type\":\"open\",\"node\":\"container\",\"action\":\"redirected\"}\n"
			    "{\"type\":\"exit\",\"source\":\"run\",\"pid\":10,\"program\":\"qemu\","
			    "\"signal\":\"SIGSEGV\",\"core_dumped\":true}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert_str_eq(t.procs[0].exit_signal, "SIGSEGV");
	ck_assert(t.procs[0].core_dumped);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "no summary"));
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "killed by SIGSEGV (core dumped)"));
}
END_TEST

/* A program that failed before any VFIO use (only run's record): not READY either. */
START_TEST(test_exit_record_alone_is_a_failed_process)
{
	add_file("q.jsonl", READY_PROC);
	add_file("w.jsonl", "{\"type\":\"exit\",\"source\":\"run\",\"pid\":20,\"program\":"
			    "\"wrapper\",\"status\":3}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert_str_eq(t.procs[1].program, "wrapper");
	ck_assert_ptr_nonnull(strstr(t.procs[1].reason, "exited with status 3"));
}
END_TEST

/* A wrapper that exited 0 (its own exit record only) neither helps nor hurts. */
START_TEST(test_exit_zero_record_alone_is_not_merged)
{
	add_file("q.jsonl", READY_PROC "{\"type\":\"exit\",\"source\":\"run\",\"pid\":21,"
				       "\"program\":\"sh\",\"status\":0}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
	ck_assert_uint_eq(t.nprocs, 2);
	ck_assert(t.procs[1].neutral);
	ck_assert_str_eq(t.procs[1].reason, "exited with status 0, no VFIO use of its own");
}
END_TEST

START_TEST(test_bad_exit_records_refused)
{
	static const char *const bad[] = {
	    "{\"type\":\"exit\",\"pid\":1}",
	    "{\"type\":\"exit\",\"pid\":1,\"status\":1,\"signal\":\"SIGKILL\"}",
	    "{\"type\":\"exit\",\"pid\":1,\"status\":256}",
	    "{\"type\":\"exit\",\"pid\":1,\"status\":-1}",
	    "{\"type\":\"exit\",\"pid\":1,\"signal\":\"KILL\"}",
	    "{\"type\":\"exit\",\"pid\":1,\"signal\":9}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(add(bad[i]), -1);
		ck_assert_ptr_nonnull(strstr(err, "exit record needs"));
	}
	ck_assert_uint_eq(t.nprocs, 0);
}
END_TEST

#define EARLY(action)                                                                              \
	"{\"type\":\"get_info_before_device\",\"pid\":10,\"fd\":3,\"groups\":1,\"action\":"        \
	"\"" action "\",\"reason\":\"no IOMMU facts for group 7\"}\n"

/* A skipped fix-up the program then depended on (its mappings failed): not-ready. */
START_TEST(test_skipped_getinfo_fixup_then_map_failures_is_not_ready)
{
	add_file(
	    "q.jsonl",
	    "{\"type\":\"start\",\"pid\":10,\"program\":\"qemu-io\"}\n" EARLY(
		"skipped") "{\"type\":\"summary\",\"pid\":10,\"containers\":1,\"redirected\":1,"
			   "\"ioctls\":{\"IOMMU_GET_INFO\":{\"calls\":1,\"errors\":0},\"IOMMU_MAP_"
			   "DMA\":{"
			   "\"calls\":2,\"errors\":2}},\"verdict\":\"ready\"}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "(no IOMMU facts for group 7) and then 2 "
							"MAP_DMA calls failed"));
}
END_TEST

START_TEST(test_skipped_getinfo_fixup_alone_is_a_difference)
{
	add_file(
	    "q.jsonl",
	    "{\"type\":\"start\",\"pid\":10}\n" EARLY(
		"skipped") "{\"type\":\"summary\",\"pid\":10,\"containers\":1,\"redirected\":1,"
			   "\"ioctls\":{\"IOMMU_MAP_DMA\":{\"calls\":2,\"errors\":0}},"
			   "\"verdict\":\"ready\"}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_CHANGES);
}
END_TEST

START_TEST(test_fixed_getinfo_is_ready)
{
	add_file("q.jsonl",
		 "{\"type\":\"start\",\"pid\":10}\n" EARLY(
		     "fixed") "{\"type\":\"summary\",\"pid\":10,\"containers\":1,\"redirected\":1,"
			      "\"ioctls\":{\"IOMMU_MAP_DMA\":{\"calls\":2,\"errors\":1,"
			      "\"errno\":\"EEXIST\"}},"
			      "\"verdict\":\"ready\"}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
}
END_TEST

START_TEST(test_fixups_off_then_map_failures_is_not_ready)
{
	add_file("q.jsonl",
		 "{\"type\":\"start\",\"pid\":10}\n" EARLY(
		     "off") "{\"type\":\"summary\",\"pid\":10,\"containers\":1,\"redirected\":1,"
			    "\"ioctls\":{\"IOMMU_MAP_DMA\":{\"calls\":2,\"errors\":1}},"
			    "\"verdict\":\"ready\"}\n");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "VFIOCOMPAT_FIXUPS=none"));
}
END_TEST

/* A process that never used a container (a helper that opened a group) is not merged. */
START_TEST(test_process_without_container_is_not_merged)
{
	add_file("q.jsonl", READY_PROC);
	add("{\"type\":\"open\",\"pid\":30,\"node\":\"group\",\"action\":\"tracked\"}");
	add("{\"type\":\"summary\",\"pid\":30,\"containers\":0,\"verdict\":\"untested\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
	ck_assert(t.procs[1].neutral);
	ck_assert_int_eq(t.procs[1].verdict, VFC_V_UNTESTED);
	ck_assert_str_eq(t.procs[1].reason, "no VFIO container used");
}
END_TEST

START_TEST(test_only_unmerged_processes_is_untested)
{
	add("{\"type\":\"summary\",\"pid\":30,\"containers\":0,\"verdict\":\"untested\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_UNTESTED);
}
END_TEST

/* A summary naming a blocker-free verdict cannot hide a blocker it used. */
START_TEST(test_summary_cannot_hide_a_blocker)
{
	add("{\"type\":\"summary\",\"pid\":5,\"containers\":1,\"features\":{\"vaddr_map\":1},"
	    "\"verdict\":\"ready\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_str_eq(t.procs[0].reason, "used vaddr_map (blocker)");
}
END_TEST

/* A summary's own word for a bad verdict is kept, and named when nothing else says why. */
START_TEST(test_summary_verdict_named_as_reason)
{
	add("{\"type\":\"summary\",\"pid\":5,\"containers\":1,\"verdict\":\"failed\"}");
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert_str_eq(t.procs[0].reason, "its summary says failed");
}
END_TEST

/* The merge is the worst process's, in the documented order, for every pair. */
START_TEST(test_merge_order_is_documented_order)
{
	static const char *const summaries[VFC_V_COUNT] = {
	    [VFC_V_READY] = "\"containers\":1,\"verdict\":\"ready\"",
	    [VFC_V_CHANGES] = "\"containers\":1,\"verdict\":\"ready-with-differences\"",
	    [VFC_V_UNTESTED] = "\"containers\":1,\"fallbacks\":1,\"verdict\":\"untested\"",
	    [VFC_V_INCOMPLETE] = NULL, /* a start without a summary */
	    [VFC_V_NOT_READY] = "\"containers\":1,\"verdict\":\"not-ready\"",
	    [VFC_V_FAILED] = "\"containers\":1,\"verdict\":\"failed\"",
	};
	char line[256];

	for (int a = 0; a < VFC_V_COUNT; a++)
		for (int b = 0; b < VFC_V_COUNT; b++) {
			vfc_trial_free(&t);
			vfc_trial_init(&t);
			for (int k = 0; k < 2; k++) {
				const char *sm = summaries[k ? b : a];

				vfc_trial_begin_source(&t, k ? "b" : "a");
				if (sm)
					snprintf(line, sizeof(line),
						 "{\"type\":\"summary\",\"pid\":1,%s}", sm);
				else
					snprintf(line, sizeof(line),
						 "{\"type\":\"start\",\"pid\":1}");
				ck_assert_int_eq(add(line), 0);
			}
			ck_assert_int_eq(vfc_trial_finish(&t), a > b ? a : b);
		}
	ck_assert_int_lt(VFC_V_READY, VFC_V_CHANGES);
	ck_assert_int_lt(VFC_V_CHANGES, VFC_V_UNTESTED);
	ck_assert_int_lt(VFC_V_UNTESTED, VFC_V_INCOMPLETE);
	ck_assert_int_lt(VFC_V_INCOMPLETE, VFC_V_NOT_READY);
	ck_assert_int_lt(VFC_V_NOT_READY, VFC_V_FAILED);
}
END_TEST

/* ---- failed MAP_DMA / UNMAP_DMA under redirect (issue 26) ---- */

#define DMA_SUMMARY(pid, dma)                                                                      \
	"{\"type\":\"summary\",\"pid\":" #pid ",\"mode\":\"redirect\",\"containers\":1,"           \
	"\"redirected\":1,\"ioctls\":{\"SET_IOMMU\":{\"calls\":1,\"errors\":0},"                   \
	"\"IOMMU_GET_INFO\":{\"calls\":1,\"errors\":0}," dma "},\"features\":{},"                  \
	"\"verdict\":\"ready\"}"

/* Issue 26: every MAP_DMA failed (3 of 3), the other ioctls worked: it said READY. */
START_TEST(test_every_map_dma_failed_is_not_ready)
{
	ck_assert_int_eq(add(DMA_SUMMARY(5, "\"IOMMU_MAP_DMA\":{\"calls\":3,\"errors\":3}")), 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "every MAP_DMA call failed (3 of 3)"));
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "errno not recorded"));
}
END_TEST

/* As type1 fails them too (measured): the program's or the setup's fault, failed. */
START_TEST(test_every_map_dma_failed_as_type1_would_is_failed)
{
	ck_assert_int_eq(add(DMA_SUMMARY(5, "\"IOMMU_MAP_DMA\":{\"calls\":3,\"errors\":3,"
					    "\"errno\":\"EINVAL\"}")),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "every MAP_DMA call failed (3 of 3) with "
							"EINVAL; type1 fails the same call with "
							"EINVAL too"));
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "not an iommufd difference"));
}
END_TEST

/* type1 fails it too, with another errno (no group attached: EINVAL, iommufd ENODEV). */
START_TEST(test_every_map_dma_failed_with_another_type1_errno)
{
	ck_assert_int_eq(add(DMA_SUMMARY(5, "\"IOMMU_MAP_DMA\":{\"calls\":2,\"errors\":2,"
					    "\"errno\":\"ENODEV\"}")),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert_ptr_nonnull(
	    strstr(t.procs[0].reason, "type1 fails the same call too, with EINVAL (no group"));
}
END_TEST

/* An errno type1 is not measured to give for that call: iommufd's, not-ready. */
START_TEST(test_map_dma_failed_with_unmeasured_errno_is_not_ready)
{
	ck_assert_int_eq(add(DMA_SUMMARY(5, "\"IOMMU_MAP_DMA\":{\"calls\":9,\"errors\":1,"
					    "\"errno\":\"ENOSPC\"}")),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "1 of 9 MAP_DMA calls failed with ENOSPC; "
							"type1's answer to such a call is not "
							"measured"));
}
END_TEST

/* Some UNMAP_DMA calls failed with ENOENT, type1's EINVAL: a difference the program sees. */
START_TEST(test_some_unmap_dma_failed_with_another_errno_is_a_difference)
{
	ck_assert_int_eq(add(DMA_SUMMARY(5, "\"IOMMU_UNMAP_DMA\":{\"calls\":4,\"errors\":1,"
					    "\"errno\":\"ENOENT\"}")),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_CHANGES);
	ck_assert_ptr_nonnull(
	    strstr(t.procs[0].reason, "1 of 4 UNMAP_DMA calls failed with ENOENT"));
}
END_TEST

/* Failures with several errnos: the first is not the whole story. */
START_TEST(test_mixed_errnos_are_not_vouched_for)
{
	ck_assert_int_eq(add(DMA_SUMMARY(5, "\"IOMMU_MAP_DMA\":{\"calls\":4,\"errors\":4,"
					    "\"errno\":\"EEXIST\",\"errno_mixed\":true}")),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	ck_assert_ptr_nonnull(strstr(t.procs[0].reason, "later ones with other errnos"));
}
END_TEST

/* A blocker explains its own failures (vaddr_map's MAP_DMA): not-ready, not failed. */
START_TEST(test_dma_failures_with_a_blocker_are_not_ready)
{
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":5,\"containers\":1,\"redirected\":1,"
			     "\"ioctls\":{\"SET_IOMMU\":{\"calls\":1,\"errors\":0},"
			     "\"IOMMU_MAP_DMA\":{\"calls\":2,\"errors\":2,\"errno\":\"EINVAL\"}},"
			     "\"features\":{\"vaddr_map\":2},\"verdict\":\"not-ready\"}"),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
}
END_TEST

/* On type1 (audit) the failures are type1's own: no iommufd rule. */
START_TEST(test_dma_failures_on_type1_are_not_ours)
{
	ck_assert_int_eq(
	    add("{\"type\":\"summary\",\"pid\":5,\"mode\":\"audit\",\"containers\":1,"
		"\"redirected\":0,\"ioctls\":{\"SET_IOMMU\":{\"calls\":1,\"errors\":0},"
		"\"IOMMU_MAP_DMA\":{\"calls\":2,\"errors\":2}},\"verdict\":\"ready\"}"),
	    0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_READY);
}
END_TEST

START_TEST(test_bad_dma_errno_refused)
{
	ck_assert_int_eq(add(DMA_SUMMARY(5, "\"IOMMU_MAP_DMA\":{\"calls\":1,\"errors\":1,"
					    "\"errno\":\"not an errno\"}")),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "is not an errno symbol"));
}
END_TEST

START_TEST(test_shim_dma_errno_rules)
{
	struct vfc_stats s;

	vfc_stats_reset(&s);
	atomic_store(&s.containers, 1);
	atomic_store(&s.redirected, 1);
	atomic_store(&s.calls[VFC_OP_SET_IOMMU], 1);
	atomic_store(&s.calls[VFC_OP_MAP_DMA], 3);
	atomic_store(&s.errors[VFC_OP_MAP_DMA], 3);
	vfc_stats_note_error(&s, VFC_OP_MAP_DMA, EINVAL);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_FAILED); /* as type1: setup fault */
	atomic_store(&s.errors[VFC_OP_MAP_DMA], 1);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_READY); /* one, as type1: its own */
	vfc_stats_note_error(&s, VFC_OP_MAP_DMA, EFAULT);
	ck_assert_int_eq(atomic_load(&s.err_mixed[VFC_OP_MAP_DMA]), 1);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_DIFFERENCES); /* not vouched for */
	vfc_stats_reset(&s);
	atomic_store(&s.containers, 1);
	atomic_store(&s.redirected, 1);
	atomic_store(&s.calls[VFC_OP_UNMAP_DMA], 3);
	atomic_store(&s.errors[VFC_OP_UNMAP_DMA], 1);
	vfc_stats_note_error(&s, VFC_OP_UNMAP_DMA, ENOSPC);
	ck_assert_str_eq(vfc_verdict(&s), VFC_VERDICT_NOT_READY); /* not measured on type1 */
}
END_TEST

/* ---- process identity (issue 26) ---- */

#define ID_START(pid, st, boot)                                                                    \
	"{\"type\":\"start\",\"schema\":1,\"pid\":" #pid ",\"starttime\":" #st                     \
	",\"boot_id\":\"" boot "\",\"program\":\"qemu\",\"mode\":\"redirect\"}"
#define ID_OPEN "{\"type\":\"open\",\"fd\":3,\"node\":\"container\",\"action\":\"redirected\"}"
#define ID_SUMMARY(pid, st, boot)                                                                  \
	"{\"type\":\"summary\",\"pid\":" #pid ",\"starttime\":" #st ",\"boot_id\":\"" boot         \
	"\",\"containers\":1,\"redirected\":1,\"verdict\":\"ready\"}"

/* Issue 26: two processes with one pid (PID namespaces) in one %p file: a crash hid. */
START_TEST(test_same_pid_two_processes_in_one_file)
{
	ck_assert_int_eq(add(ID_START(7, 100, "b-1")), 0);
	ck_assert_int_eq(add(ID_OPEN), 0);
	ck_assert_int_eq(add(ID_START(7, 200, "b-1")), 0);
	ck_assert_int_eq(add(ID_OPEN), 0);
	ck_assert_int_eq(add(ID_SUMMARY(7, 200, "b-1")), 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
	ck_assert_uint_eq(t.nprocs, 2);
	ck_assert_int_eq(t.procs[0].verdict, VFC_V_INCOMPLETE);
	ck_assert_int_eq(t.procs[1].verdict, VFC_V_READY);
}
END_TEST

/* The same pid and start time after a reboot: another process. */
START_TEST(test_same_pid_and_starttime_other_boot)
{
	ck_assert_int_eq(add(ID_START(7, 100, "b-1")), 0);
	ck_assert_int_eq(add(ID_OPEN), 0);
	ck_assert_int_eq(add(ID_START(7, 100, "b-2")), 0);
	ck_assert_int_eq(add(ID_SUMMARY(7, 100, "b-2")), 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
	ck_assert_uint_eq(t.nprocs, 2);
}
END_TEST

/* A summary whose identity has no start record in the file is a bad record. */
START_TEST(test_summary_without_its_start_is_a_bad_record)
{
	ck_assert_int_eq(add(ID_START(7, 100, "b-1")), 0);
	ck_assert_int_eq(add(ID_OPEN), 0);
	ck_assert_int_eq(add(ID_SUMMARY(7, 999, "b-1")), -1);
	ck_assert_ptr_nonnull(strstr(err, "matches no start record in this file"));
	ck_assert_int_eq(add(ID_SUMMARY(8, 100, "b-1")), -1);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
	ck_assert_uint_eq(t.nprocs, 1);
	ck_assert_uint_eq(t.skipped, 2);
}
END_TEST

/* ...and so is an exit record of another process with the pid. */
START_TEST(test_exit_of_another_process_is_a_bad_record)
{
	ck_assert_int_eq(add(ID_START(7, 100, "b-1")), 0);
	ck_assert_int_eq(add(ID_OPEN), 0);
	ck_assert_int_eq(add("{\"type\":\"exit\",\"source\":\"run\",\"pid\":7,\"starttime\":5,"
			     "\"boot_id\":\"b-1\",\"status\":0}"),
			 -1);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
	/* Its own exit record counts (a killed process: failed). */
	ck_assert_int_eq(add("{\"type\":\"exit\",\"source\":\"run\",\"pid\":7,\"starttime\":100,"
			     "\"boot_id\":\"b-1\",\"signal\":\"SIGKILL\"}"),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert_uint_eq(t.nprocs, 1);
}
END_TEST

/* run's exit record of a program that did no VFIO (no start anywhere) is its own process. */
START_TEST(test_exit_with_identity_alone_is_its_own_process)
{
	ck_assert_int_eq(add("{\"type\":\"exit\",\"source\":\"run\",\"pid\":20,\"starttime\":5,"
			     "\"boot_id\":\"b-1\",\"program\":\"wrapper\",\"status\":3}"),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
}
END_TEST

START_TEST(test_bad_identity_refused)
{
	char line[256];

	ck_assert_int_eq(add("{\"type\":\"start\",\"pid\":7,\"starttime\":\"x\"}"), -1);
	ck_assert_int_eq(add("{\"type\":\"start\",\"pid\":7,\"starttime\":-1}"), -1);
	snprintf(line, sizeof(line), "{\"type\":\"start\",\"pid\":7,\"boot_id\":\"%080d\"}", 0);
	ck_assert_int_eq(add(line), -1);
	ck_assert_ptr_nonnull(strstr(err, "is not a boot id"));
	ck_assert_uint_eq(t.nprocs, 0);
}
END_TEST

/* Issue 26: files were keyed by their first 255 bytes: two hosts' files merged. */
START_TEST(test_long_paths_are_two_files)
{
	char a[600], b[600];

	memset(a, 'd', sizeof(a) - 1);
	a[sizeof(a) - 1] = 0;
	memcpy(a, "/reports/", 9);
	memcpy(b, a, sizeof(b));
	memcpy(a + sizeof(a) - 12, "hostA.jsonl", 11);
	memcpy(b + sizeof(b) - 12, "hostB.jsonl", 11);
	vfc_trial_begin_source(&t, a);
	ck_assert_int_eq(add("{\"type\":\"start\",\"pid\":7,\"program\":\"qemu\"}"), 0);
	ck_assert_int_eq(add(ID_OPEN), 0);
	vfc_trial_begin_source(&t, b);
	ck_assert_int_eq(add("{\"type\":\"start\",\"pid\":7,\"program\":\"qemu\"}"), 0);
	ck_assert_int_eq(add("{\"type\":\"summary\",\"pid\":7,\"containers\":1,"
			     "\"redirected\":1,\"verdict\":\"ready\"}"),
			 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
	ck_assert_uint_eq(t.nprocs, 2);
	ck_assert_str_eq(t.procs[0].source, a);
	ck_assert_str_eq(t.procs[1].source, b);
}
END_TEST

/* ---- the stream reader (issue 26) ---- */

/* A line past the limit is skipped while read and named; the records after it count. */
START_TEST(test_stream_skips_an_overlong_line)
{
	size_t big = 3 * VFC_TRIAL_MAX_LINE, n = 0;
	char *buf = malloc(big + 1024), msg[4096] = "";
	FILE *in, *warn;

	ck_assert_ptr_nonnull(buf);
	n += (size_t)sprintf(buf + n, "{\"type\":\"start\",\"pid\":7}\n");
	memset(buf + n, 'x', big);
	n += big;
	n += (size_t)sprintf(buf + n, "\n{\"type\":\"feature\",\"feature\":\"vaddr_map\"}\n");
	in = fmemopen(buf, n, "r");
	warn = fmemopen(msg, sizeof(msg), "w");
	ck_assert_int_eq(vfc_trial_add_stream(&t, in, "r.jsonl", warn), 0);
	fclose(in);
	fclose(warn);
	ck_assert_uint_eq(t.skipped, 1);
	ck_assert_uint_eq(t.records, 2);
	ck_assert_ptr_nonnull(strstr(msg, "r.jsonl:2: line longer than 65536 bytes; line skipped"));
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_NOT_READY);
	free(buf);
}
END_TEST

static int reads;
static ssize_t failing_read(void *cookie, char *buf, size_t size)
{
	static const char rec[] = "{\"type\":\"start\",\"pid\":7}\n";

	(void)cookie;
	if (reads++ == 0 && size >= sizeof(rec) - 1) {
		memcpy(buf, rec, sizeof(rec) - 1);
		return (ssize_t)sizeof(rec) - 1;
	}
	errno = ENOMEM;
	return -1;
}

/* Issue 26: a read error (getline's ENOMEM) was taken for the end of the file. */
START_TEST(test_stream_read_error_is_an_error)
{
	cookie_io_functions_t io = {.read = failing_read};
	FILE *in;

	reads = 0;
	in = fopencookie(NULL, "r", io);
	ck_assert_ptr_nonnull(in);
	errno = 0;
	ck_assert_int_eq(vfc_trial_add_stream(&t, in, "r.jsonl", NULL), -1);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(t.records, 1);
	fclose(in);
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
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_INCOMPLETE);
}
END_TEST

/* The record reads back as the trial's exit record. */
START_TEST(test_exit_record_round_trip)
{
	char line[256];

	vfc_trial_init(&t);
	vfc_trial_begin_source(&t, "x");
	ck_assert(vfc_exit_format(line, sizeof(line), 7, "vmm", SIGKILL));
	ck_assert_int_eq(add(line), 0);
	ck_assert_int_eq(vfc_trial_finish(&t), VFC_V_FAILED);
	ck_assert_str_eq(t.procs[0].exit_signal, "SIGKILL");
	ck_assert(!t.procs[0].core_dumped);
	ck_assert_str_eq(t.procs[0].program, "vmm");
}
END_TEST

Suite *trial_suite(void)
{
	Suite *s = suite_create("trial");
	TCase *tc = tcase_create("trial");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_summary_verdict_wins);
	tcase_add_test(tc, test_groups_by_host_and_program);
	tcase_add_test(tc, test_bad_host_or_time_is_a_bad_line);
	tcase_add_test(tc, test_worst_process_decides);
	tcase_add_test(tc, test_crashed_process_is_incomplete);
	tcase_add_test(tc, test_fallback_alone_is_untested);
	tcase_add_test(tc, test_unknown_feature_kept_conservatively);
	tcase_add_test(tc, test_known_feature_uses_our_table);
	tcase_add_test(tc, test_bad_lines_are_named_and_skipped);
	tcase_add_test(tc, test_overlong_line_refused);
	tcase_add_test(tc, test_skipped_line_adds_no_process);
	tcase_add_test(tc, test_skipped_summary_leaves_process_unchanged);
	tcase_add_test(tc, test_unknown_names_cannot_push_out_a_blocker);
	tcase_add_test(tc, test_long_feature_name_is_an_unknown_feature);
	tcase_add_test(tc, test_known_features_always_have_a_slot);
	tcase_add_test(tc, test_unknown_blocker_is_not_ready);
	tcase_add_test(tc, test_stream_skips_an_overlong_line);
	tcase_add_test(tc, test_stream_read_error_is_an_error);
	tcase_add_test(tc, test_verdict_names_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("verdict-model");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ready_process_is_ready);
	tcase_add_test(tc, test_merge_with_a_crashed_process_is_incomplete);
	tcase_add_test(tc, test_merge_with_a_fallback_is_untested_with_its_errno);
	tcase_add_test(tc, test_fallback_from_the_summary_counter);
	tcase_add_test(tc, test_refused_and_denied_opens_are_fallbacks);
	tcase_add_test(tc, test_all_container_ioctls_failed_is_failed);
	tcase_add_test(tc, test_all_failed_with_a_blocker_is_not_ready);
	tcase_add_test(tc, test_some_failed_ioctls_keep_the_verdict);
	tcase_add_test(tc, test_failed_ioctls_on_type1_are_not_ours);
	tcase_add_test(tc, test_bad_ioctls_map_refused);
	tcase_add_test(tc, test_exit_status_fails_a_ready_process);
	tcase_add_test(tc, test_exit_zero_keeps_ready);
	tcase_add_test(tc, test_killing_signal_fails_and_is_named);
	tcase_add_test(tc, test_exit_record_alone_is_a_failed_process);
	tcase_add_test(tc, test_exit_zero_record_alone_is_not_merged);
	tcase_add_test(tc, test_bad_exit_records_refused);
	tcase_add_test(tc, test_skipped_getinfo_fixup_then_map_failures_is_not_ready);
	tcase_add_test(tc, test_skipped_getinfo_fixup_alone_is_a_difference);
	tcase_add_test(tc, test_fixed_getinfo_is_ready);
	tcase_add_test(tc, test_fixups_off_then_map_failures_is_not_ready);
	tcase_add_test(tc, test_process_without_container_is_not_merged);
	tcase_add_test(tc, test_only_unmerged_processes_is_untested);
	tcase_add_test(tc, test_summary_cannot_hide_a_blocker);
	tcase_add_test(tc, test_summary_verdict_named_as_reason);
	tcase_add_test(tc, test_merge_order_is_documented_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("dma-failures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_every_map_dma_failed_is_not_ready);
	tcase_add_test(tc, test_every_map_dma_failed_as_type1_would_is_failed);
	tcase_add_test(tc, test_every_map_dma_failed_with_another_type1_errno);
	tcase_add_test(tc, test_map_dma_failed_with_unmeasured_errno_is_not_ready);
	tcase_add_test(tc, test_some_unmap_dma_failed_with_another_errno_is_a_difference);
	tcase_add_test(tc, test_mixed_errnos_are_not_vouched_for);
	tcase_add_test(tc, test_dma_failures_with_a_blocker_are_not_ready);
	tcase_add_test(tc, test_dma_failures_on_type1_are_not_ours);
	tcase_add_test(tc, test_bad_dma_errno_refused);
	tcase_add_test(tc, test_shim_dma_errno_rules);
	suite_add_tcase(s, tc);

	tc = tcase_create("identity");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_same_pid_two_processes_in_one_file);
	tcase_add_test(tc, test_same_pid_and_starttime_other_boot);
	tcase_add_test(tc, test_summary_without_its_start_is_a_bad_record);
	tcase_add_test(tc, test_exit_of_another_process_is_a_bad_record);
	tcase_add_test(tc, test_exit_with_identity_alone_is_its_own_process);
	tcase_add_test(tc, test_bad_identity_refused);
	tcase_add_test(tc, test_long_paths_are_two_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("exit-record");
	tcase_add_test(tc, test_exit_record_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
