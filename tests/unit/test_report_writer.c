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
#include "unit.h"

extern struct vfc_config vfc_cfg;

/* ---- writers: log file and stderr ---- */

static char tmpdir[64];

static int saved_stderr = -1;

static char capture_path[128];

static void tmpdir_create(void)
{
	strcpy(tmpdir, "/tmp/vfc-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		tmpdir[0] = '\0';
}

static void tmpdir_remove(void)
{
	DIR *d;
	struct dirent *e;
	char path[PATH_MAX];

	if (!tmpdir[0] || !(d = opendir(tmpdir)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

static void writer_setup(void)
{
	ck_assert_msg(tmpdir[0], "mkdtemp failed");
	vfc_report_forked();
	vfc_report_close_log();
	memset(&vfc_cfg, 0, sizeof(vfc_cfg));
	vfc_cfg.mode = VFC_MODE_REDIRECT;
	strcpy(vfc_cfg.target, VFC_DEFAULT_TARGET);
}

static void set_log(const char *name)
{
	snprintf(vfc_cfg.log, sizeof(vfc_cfg.log), "%s/%s", tmpdir, name);
}

/* Whole file into buf; -1 when it cannot be opened. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return n;
}

static ssize_t slurp_log(const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return slurp(path, buf, size);
}

static void capture_stderr(void)
{
	int fd;

	snprintf(capture_path, sizeof(capture_path), "%s/stderr-%d", tmpdir, (int)getpid());
	fd = open(capture_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
	/* As the shim's start does: this is the stderr it may write to. */
	vfc_report_note_stderr();
}

static ssize_t captured_stderr(char *buf, size_t size)
{
	ck_assert_int_eq(dup2(saved_stderr, STDERR_FILENO), STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	return slurp(capture_path, buf, size);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

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

	TCase *tc = tcase_create("writers_report");
	tcase_add_unchecked_fixture(tc, tmpdir_create, tmpdir_remove);
	tcase_add_checked_fixture(tc, writer_setup, NULL);
	tcase_add_test(tc, test_exit_of_unused_process_writes_nothing);
	tcase_add_test(tc, test_exit_without_log_prints_summary_line_on_stderr);
	tcase_add_test(tc, test_warn_writes_one_line_on_stderr);
	suite_add_tcase(s, tc);
	return s;
}
