// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of shim/report/report_writer.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "report_fixture.h"
#include "unit.h"

/* ---- writers: log file and stderr ---- */

START_TEST(test_exit_of_unused_process_writes_nothing)
{
	char buf[256];

	set_log("unused.jsonl");
	capture_stderr();
	vfc_report_exit();
	ck_assert_int_eq(captured_stderr(buf, sizeof(buf)), 0);
	ck_assert_int_eq(slurp_log("unused.jsonl", buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(test_exit_without_log_prints_summary_line_on_stderr)
{
	char buf[1024];

	vfc_report_start_once(); /* no log: nothing written, but this process started */
	capture_stderr();
	vfc_report_exit();
	ck_assert_int_gt(captured_stderr(buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 1);
	ck_assert_int_eq(strncmp(buf, "vfiocompat: ", 12), 0);
	ck_assert_ptr_nonnull(strstr(buf, "; verdict: untested\n"));
}
END_TEST

START_TEST(test_warn_writes_one_line_on_stderr)
{
	char buf[256];

	capture_stderr();
	errno = 77;
	vfc_warn("vfiocompat: hello");
	ck_assert_int_eq(errno, 77);
	ck_assert_int_eq(captured_stderr(buf, sizeof(buf)), 18);
	ck_assert_str_eq(buf, "vfiocompat: hello\n");
}
END_TEST

Suite *report_writer_suite(void)
{
	Suite *s = suite_create("report_writer");

	TCase *tc = writer_tcase("writers_report");
	tcase_add_test(tc, test_exit_of_unused_process_writes_nothing);
	tcase_add_test(tc, test_exit_without_log_prints_summary_line_on_stderr);
	tcase_add_test(tc, test_warn_writes_one_line_on_stderr);
	suite_add_tcase(s, tc);
	return s;
}
