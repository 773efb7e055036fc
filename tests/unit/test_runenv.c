// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/run/runenv.c. */
#include <limits.h>
#include <string.h>

#include "benchstat.h"
#include "kconfig.h"
#include "libdeps.h"
#include "migration.h"
#include "pci.h"
#include "runenv.h"
#include "unit.h"

START_TEST(test_preload_value)
{
	char out[64];

	ck_assert(vfc_preload_value("/l/libvfiocompat.so", NULL, out, sizeof(out)));
	ck_assert_str_eq(out, "/l/libvfiocompat.so");
	ck_assert(vfc_preload_value("/l/libvfiocompat.so", "/x.so", out, sizeof(out)));
	ck_assert_str_eq(out, "/l/libvfiocompat.so /x.so");
	ck_assert(vfc_preload_value("/l/libvfiocompat.so", "/x.so /l/libvfiocompat.so", out,
				    sizeof(out)));
	ck_assert_str_eq(out, "/x.so /l/libvfiocompat.so");
	ck_assert(
	    !vfc_preload_value("/l/libvfiocompat.so", "/a-rather-long-existing-value.so", out, 32));
}
END_TEST

START_TEST(test_log_glob)
{
	char out[64];

	ck_assert(vfc_log_glob("/r/%e-%p.jsonl", out, sizeof(out)));
	ck_assert_str_eq(out, "/r/*-*.jsonl");
	ck_assert(vfc_log_glob("/r/100%%[a]*.j", out, sizeof(out)));
	ck_assert_str_eq(out, "/r/100%\\[a]\\*.j");
	ck_assert(
	    !vfc_log_glob("/a/very/long/path/that/does/not/fit/in/this/buffer.jsonl", out, 16));
}
END_TEST

START_TEST(test_which)
{
	char out[256];

	ck_assert(vfc_which("sh", "/nonexistent:/bin", out, sizeof(out)));
	ck_assert_str_eq(out, "/bin/sh");
	ck_assert(!vfc_which("no-such-command-here", "/bin:/usr/bin", out, sizeof(out)));
	ck_assert(vfc_which("/bin/sh", NULL, out, sizeof(out)));
	ck_assert(!vfc_which("/nonexistent/x", NULL, out, sizeof(out)));
}
END_TEST

Suite *runenv_suite(void)
{
	Suite *s = suite_create("runenv");

	TCase *tc = tcase_create("cli_cli_pure");
	tcase_add_test(tc, test_preload_value);
	tcase_add_test(tc, test_log_glob);
	tcase_add_test(tc, test_which);
	suite_add_tcase(s, tc);
	return s;
}
