/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report writer's fixture, for the suites that read back what it wrote
 * (test_report.c, test_report_writer.c): writer_tcase() makes a test case
 * with a scratch directory for the log files (unchecked fixture) and a
 * writer reset to a fresh process before each test (checked fixture);
 * set_log, slurp_log and capture_stderr/captured_stderr serve its tests.
 * Static like elfimg.h: each suite that includes it has its own directory.
 */
#ifndef VFC_REPORT_FIXTURE_H
#define VFC_REPORT_FIXTURE_H

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

extern struct vfc_config vfc_cfg;

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

/* A test case NAME with the fixture above. */
static TCase *writer_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, tmpdir_create, tmpdir_remove);
	tcase_add_checked_fixture(tc, writer_setup, NULL);
	return tc;
}

#endif
