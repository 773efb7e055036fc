// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat run`'s exit record (tools/run/exitrec.c): identity and file checks. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "exitrec.h"
#include "unit.h"
#include "stats.h"
#include "trial.h"
#include "vfiocompat/report.h"

static char dir[32];

static void setup(void)
{
	strcpy(dir, "/tmp/vfc-exitid.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *name, const char *text)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void get(const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
}

START_TEST(test_exit_record_carries_the_identity)
{
	struct vfc_exit_id id = {42, true, 987654321, "be393046-04e0-4e70-9d1e-ae552a726409",
				 "", 0};
	char line[512], prog[200];

	ck_assert(vfc_exit_format_id(line, sizeof(line), &id, "qemu-io", 1 << 8));
	ck_assert_str_eq(line,
			 "{\"type\":\"exit\",\"source\":\"run\",\"pid\":42,\"program\":\"qemu-io\","
			 "\"starttime\":987654321,"
			 "\"boot_id\":\"be393046-04e0-4e70-9d1e-ae552a726409\",\"status\":1}\n");
	/* A name past the record's bound is cut, and said to be. */
	memset(prog, 'p', sizeof(prog) - 1);
	prog[sizeof(prog) - 1] = 0;
	ck_assert(vfc_exit_format_id(line, sizeof(line), &id, prog, SIGKILL));
	ck_assert_ptr_nonnull(strstr(line, "\"program_truncated\":true,\"signal\":\"SIGKILL\""));
	/* A fleet's exit record says which host and when; a hostile name stays one string. */
	snprintf(id.hostname, sizeof(id.hostname), "kvm-\"07\"\n");
	id.timestamp = 1796614398;
	ck_assert(vfc_exit_format_id(line, sizeof(line), &id, "qemu-io", 1 << 8));
	ck_assert_ptr_nonnull(strstr(line, "\"boot_id\":\"be393046-04e0-4e70-9d1e-ae552a726409\","
					   "\"hostname\":\"kvm-?07??\",\"timestamp\":1796614398,"
					   "\"status\":1}\n"));
	memset(id.hostname, 'h', 64);
	id.hostname[64] = 0;
	ck_assert(vfc_exit_format_id(line, sizeof(line), &id, prog, SIGKILL));
	ck_assert_ptr_nonnull(strstr(line, "\"program_truncated\":true,\"signal\":\"SIGKILL\""));
}
END_TEST

START_TEST(test_exit_id_of_a_live_process_is_its_start_time)
{
	struct vfc_exit_id id;
	char stat[1024], boot[64];
	unsigned long long st;
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = read(fd, stat, sizeof(stat));

	close(fd);
	ck_assert(vfc_stat_starttime(stat, (unsigned long)n, &st));
	fd = open(VFC_BOOT_ID_PATH, O_RDONLY);
	ck_assert_int_eq(read(fd, boot, sizeof(boot)), 37);
	close(fd);
	boot[36] = 0;
	ck_assert(vfc_exit_read_id(getpid(), &id));
	ck_assert(id.known);
	ck_assert_uint_eq(id.starttime, st);
	ck_assert_str_eq(id.boot_id, boot);
	struct utsname u;
	ck_assert_int_eq(uname(&u), 0);
	ck_assert_str_eq(id.hostname, u.nodename);
	ck_assert(id.timestamp > (long long)time(NULL) - 60 &&
		  id.timestamp <= (long long)time(NULL));
	ck_assert(!vfc_exit_read_id(0x7ffffff0, &id));
	ck_assert(!id.known);
	ck_assert_str_eq(id.hostname, u.nodename); /* which host, even when /proc could not say */
}
END_TEST

/* Two reports with pid 5 (two pid namespaces): the one whose start names it. */
START_TEST(test_exit_record_goes_to_the_start_with_its_starttime)
{
	struct vfc_exit_id id = {5, true, 200, "be393046-04e0-4e70-9d1e-ae552a726409", "", 0};
	char tmpl[PATH_MAX], err[256], buf[1024];

	snprintf(tmpl, sizeof(tmpl), "%s/%%e-%%p.jsonl", dir);
	put("a-5.jsonl", "{\"type\":\"start\",\"pid\":5,\"starttime\":100,"
			 "\"boot_id\":\"be393046-04e0-4e70-9d1e-ae552a726409\"}\n");
	put("b-5.jsonl", "{\"type\":\"start\",\"pid\":5,\"starttime\":200,"
			 "\"boot_id\":\"be393046-04e0-4e70-9d1e-ae552a726409\"}\n");
	ck_assert_int_eq(vfc_exit_append_id(tmpl, &id, "b", 0, err, sizeof(err)), 1);
	get("a-5.jsonl", buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "exit"));
	get("b-5.jsonl", buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":\"exit\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"program\":\"b\",\"starttime\":200,\"boot_id\""));
}
END_TEST

/* Where no start names it (an older report, a wrapper's), the record names the pid only. */
START_TEST(test_exit_record_without_its_start_names_the_pid_only)
{
	struct vfc_exit_id id = {5, true, 300, "be393046-04e0-4e70-9d1e-ae552a726409", "", 0};
	char tmpl[PATH_MAX], err[256], buf[1024];

	snprintf(tmpl, sizeof(tmpl), "%s/%%e-%%p.jsonl", dir);
	put("a-5.jsonl", "{\"type\":\"start\",\"pid\":5,\"program\":\"a\"}\n");
	ck_assert_int_eq(vfc_exit_append_id(tmpl, &id, "a", 0, err, sizeof(err)), 1);
	get("a-5.jsonl", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"type\":\"start\",\"pid\":5,\"program\":\"a\"}\n"
			      "{\"type\":\"exit\",\"source\":\"run\",\"pid\":5,\"program\":\"a\","
			      "\"status\":0}\n");
	/* A failed wrapper with no report of its own, beside another's: pid only. */
	ck_assert_int_eq(vfc_exit_append_id(tmpl, &(struct vfc_exit_id){6, true, 9, "", "", 0}, "w",
					    1 << 8, err, sizeof(err)),
			 1);
	get("w-6.jsonl", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"type\":\"exit\",\"source\":\"run\",\"pid\":6,\"program\":\"w\","
			      "\"status\":1}\n");
}
END_TEST

/* A FIFO or a hard link where the report is: refused at once, nothing written. */
START_TEST(test_exit_record_refuses_fifo_and_links)
{
	struct vfc_exit_id id = {7, false, 0, "", "", 0};
	char tmpl[PATH_MAX], path[PATH_MAX], other[PATH_MAX], err[256], buf[256];

	snprintf(tmpl, sizeof(tmpl), "%s/r-%%p.jsonl", dir);
	snprintf(path, sizeof(path), "%s/r-7.jsonl", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	alarm(10); /* blocking would be a failure, not a hang */
	ck_assert_int_eq(vfc_exit_append_id(tmpl, &id, "vmm", 1 << 8, err, sizeof(err)), -1);
	alarm(0);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	unlink(path);
	put("r-7.jsonl", "{\"type\":\"start\",\"pid\":7}\n");
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	ck_assert_int_eq(link(path, other), 0);
	ck_assert_int_eq(vfc_exit_append_id(tmpl, &id, "vmm", 1 << 8, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "more than one link"));
	get("r-7.jsonl", buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"type\":\"start\",\"pid\":7}\n");
}
END_TEST

/* ---- run's exit record (exitrec.c) ---- */

START_TEST(test_exit_record_format)
{
	char line[256];

	ck_assert(vfc_exit_format(line, sizeof(line), 42, "qemu-io", 1 << 8));
	ck_assert_str_eq(line, "{\"type\":\"exit\",\"source\":\"run\",\"pid\":42,"
			       "\"program\":\"qemu-io\",\"status\":1}\n");
	ck_assert(vfc_exit_format(line, sizeof(line), 42, "a\"b\\c\xc3", SIGSEGV | 0x80));
	ck_assert_str_eq(line,
			 "{\"type\":\"exit\",\"source\":\"run\",\"pid\":42,"
			 "\"program\":\"a?b?c?\",\"signal\":\"SIGSEGV\",\"core_dumped\":true}\n");
	ck_assert(!vfc_exit_format(line, 20, 42, "x", 0));
}
END_TEST

START_TEST(test_exit_record_paths)
{
	char out[256];

	ck_assert(vfc_exit_glob("/r/vfc-%e-%p[1]*.jsonl", 12, out, sizeof(out)));
	ck_assert_str_eq(out, "/r/vfc-*-12\\[1]\\*.jsonl");
	ck_assert(vfc_exit_path("/r/%e-%p-%%.jsonl", 12, ".x y", out, sizeof(out)));
	ck_assert_str_eq(out, "/r/_x_y-12-%.jsonl");
	ck_assert(!vfc_exit_path("/r/%e", 1, "abcdefgh", out, 6));
}
END_TEST

START_TEST(test_exit_record_appends_only_to_own_files)
{
	char dir[] = "/tmp/vfc-exitrec.XXXXXX", tmpl[128], path[160], err[256], buf[512];
	int fd, n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(tmpl, sizeof(tmpl), "%s/%%e-%%p.jsonl", dir);
	/* No report of its own, none of others: a failure creates nothing. */
	ck_assert_int_eq(vfc_exit_append(tmpl, 5, "/bin/prog", 1 << 8, err, sizeof(err)), 0);
	/* Another process's report exists: the failed one gets its own. */
	snprintf(path, sizeof(path), "%s/vmm-6.jsonl", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "{\"type\":\"start\",\"pid\":6}\n", 25), 25);
	close(fd);
	ck_assert_int_eq(vfc_exit_append(tmpl, 5, "/bin/prog", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(vfc_exit_append(tmpl, 5, "/bin/prog", 1 << 8, err, sizeof(err)), 1);
	snprintf(path, sizeof(path), "%s/prog-5.jsonl", dir);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	ck_assert_str_eq(buf, "{\"type\":\"exit\",\"source\":\"run\",\"pid\":5,\"program\":"
			      "\"prog\",\"status\":1}\n");
	/* Its own report: appended, whatever the status. */
	ck_assert_int_eq(vfc_exit_append(tmpl, 6, "vmm", 0, err, sizeof(err)), 1);
	snprintf(path, sizeof(path), "%s/vmm-6.jsonl", dir);
	if (geteuid() == 0) {
		/* A file of another user may be forged: nothing is added to it. */
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(vfc_exit_append(tmpl, 6, "vmm", 0, err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "not a regular file of this user"));
	}
	unlink(path);
	/* A symbolic link in its place is not followed. */
	ck_assert_int_eq(symlink("/dev/null", path), 0);
	ck_assert_int_eq(vfc_exit_append(tmpl, 6, "vmm", 0, err, sizeof(err)), -1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/prog-5.jsonl", dir);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *exitrec_suite(void)
{
	Suite *s = suite_create("exitrec");
	TCase *tc = tcase_create("exitrec");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_exit_record_carries_the_identity);
	tcase_add_test(tc, test_exit_id_of_a_live_process_is_its_start_time);
	tcase_add_test(tc, test_exit_record_goes_to_the_start_with_its_starttime);
	tcase_add_test(tc, test_exit_record_without_its_start_names_the_pid_only);
	tcase_add_test(tc, test_exit_record_refuses_fifo_and_links);
	suite_add_tcase(s, tc);
	tc = tcase_create("exit-record_trial");
	tcase_add_test(tc, test_exit_record_format);
	tcase_add_test(tc, test_exit_record_paths);
	tcase_add_test(tc, test_exit_record_appends_only_to_own_files);
	suite_add_tcase(s, tc);
	return s;
}
