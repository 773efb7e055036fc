// SPDX-License-Identifier: GPL-2.0-only
/* Tests of environment parsing with a fake getenv table and a warning recorder. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "config.h"
#include "fmt.h"
#include "unit.h"

#define MAX_ENV	 8
#define MAX_WARN 8

static struct {
	const char *name;
	const char *value;
} env[MAX_ENV];
static int n_env;

static char warnings[MAX_WARN][VFC_FMT_SIZE];
static int n_warn;

static char long_value[5001];

static void setup(void)
{
	memset(env, 0, sizeof(env));
	n_env = 0;
	memset(warnings, 0, sizeof(warnings));
	n_warn = 0;
}

static void set_env(const char *name, const char *value)
{
	ck_assert_int_lt(n_env, MAX_ENV);
	env[n_env].name = name;
	env[n_env].value = value;
	n_env++;
}

static const char *fake_getenv(const char *name)
{
	for (int i = 0; i < n_env; i++)
		if (!strcmp(env[i].name, name))
			return env[i].value;
	return NULL;
}

static void record_warning(const char *line)
{
	ck_assert_int_lt(n_warn, MAX_WARN);
	ck_assert_uint_lt(strlen(line), sizeof(warnings[0]));
	strcpy(warnings[n_warn++], line);
}

static int parse(struct vfc_config *c)
{
	memset(c, 0x5a, sizeof(*c));
	return vfc_config_parse(c, fake_getenv, record_warning);
}

/* A warning is one line: no byte below 0x20, no DEL. */
static void assert_one_clean_line(const char *w)
{
	for (const char *p = w; *p; p++) {
		ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f,
			      "control byte 0x%02x in warning \"%s\"", (unsigned char)*p, w);
	}
}

/* Every default but the mode, which an invalid VFIOCOMPAT_MODE turns to audit. */
static void assert_defaults_but_mode(const struct vfc_config *c)
{
	ck_assert_int_eq(c->fallback, VFC_FALLBACK_PASSTHROUGH);
	ck_assert_str_eq(c->target, VFC_DEFAULT_TARGET);
	ck_assert_str_eq(c->log, "");
	ck_assert(c->fixup_get_info);
	ck_assert(!c->errno_type1);
	ck_assert(c->rlimit_process);
}

static void assert_defaults(const struct vfc_config *c)
{
	ck_assert_int_eq(c->mode, VFC_MODE_REDIRECT);
	assert_defaults_but_mode(c);
}

/* ---- defaults and valid values ---- */

START_TEST(test_empty_environment_gives_defaults)
{
	struct vfc_config c;

	ck_assert_int_eq(parse(&c), 0);
	assert_defaults(&c);
	ck_assert_str_eq(c.target, "/dev/iommu");
	ck_assert_int_eq(n_warn, 0);
}
END_TEST

START_TEST(test_valid_modes_are_taken)
{
	static const struct {
		const char *value;
		enum vfc_mode mode;
	} cases[] = {
	    {"redirect", VFC_MODE_REDIRECT},
	    {"audit", VFC_MODE_AUDIT},
	    {"off", VFC_MODE_OFF},
	};
	struct vfc_config c;

	set_env("VFIOCOMPAT_MODE", cases[_i].value);
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_int_eq(c.mode, cases[_i].mode);
	ck_assert_int_eq(n_warn, 0);
}
END_TEST

START_TEST(test_valid_fallbacks_are_taken)
{
	static const struct {
		const char *value;
		enum vfc_fallback fallback;
	} cases[] = {
	    {"passthrough", VFC_FALLBACK_PASSTHROUGH},
	    {"fail", VFC_FALLBACK_FAIL},
	};
	struct vfc_config c;

	set_env("VFIOCOMPAT_FALLBACK", cases[_i].value);
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_int_eq(c.fallback, cases[_i].fallback);
	ck_assert_int_eq(n_warn, 0);
}
END_TEST

START_TEST(test_absolute_target_is_taken)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_TARGET", "/dev/iommu-test");
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_str_eq(c.target, "/dev/iommu-test");
	ck_assert_int_eq(n_warn, 0);
}
END_TEST

START_TEST(test_absolute_log_template_is_taken)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_LOG", "/var/log/vfc/%e-%p.jsonl");
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_str_eq(c.log, "/var/log/vfc/%e-%p.jsonl");
	ck_assert_int_eq(n_warn, 0);
}
END_TEST

START_TEST(test_all_valid_values_are_taken_together)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_MODE", "audit");
	set_env("VFIOCOMPAT_FALLBACK", "fail");
	set_env("VFIOCOMPAT_TARGET", "/dev/iommu");
	set_env("VFIOCOMPAT_LOG", "/tmp/r.jsonl");
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_int_eq(c.mode, VFC_MODE_AUDIT);
	ck_assert_int_eq(c.fallback, VFC_FALLBACK_FAIL);
	ck_assert_str_eq(c.target, "/dev/iommu");
	ck_assert_str_eq(c.log, "/tmp/r.jsonl");
	ck_assert_int_eq(n_warn, 0);
}
END_TEST

START_TEST(test_non_ascii_path_is_taken)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_LOG", "/tmp/r\xc3\xa9sum\xc3\xa9.jsonl");
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_str_eq(c.log, "/tmp/r\xc3\xa9sum\xc3\xa9.jsonl");
}
END_TEST

/* ---- invalid values: one warning, default kept ---- */

static const struct {
	const char *var;
	const char *value;
} invalid[] = {
    {"VFIOCOMPAT_MODE", "bogus"},
    {"VFIOCOMPAT_MODE", "AUDIT"},
    {"VFIOCOMPAT_MODE", " audit"},
    {"VFIOCOMPAT_MODE", "audit "},
    {"VFIOCOMPAT_MODE", ""},
    {"VFIOCOMPAT_FALLBACK", "never"},
    {"VFIOCOMPAT_FALLBACK", "Fail"},
    {"VFIOCOMPAT_FALLBACK", ""},
    {"VFIOCOMPAT_TARGET", "dev/iommu"},
    {"VFIOCOMPAT_TARGET", ""},
    {"VFIOCOMPAT_LOG", "report.jsonl"},
    {"VFIOCOMPAT_LOG", ""},
    {"VFIOCOMPAT_FIXUPS", "some"},
    {"VFIOCOMPAT_FIXUPS", ""},
    {"VFIOCOMPAT_ERRNO", "TYPE1"},
    {"VFIOCOMPAT_ERRNO", ""},
    {"VFIOCOMPAT_RLIMIT", "mm"},
    {"VFIOCOMPAT_RLIMIT", ""},
};

START_TEST(test_fixup_errno_and_rlimit_values_are_taken)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_FIXUPS", "none");
	set_env("VFIOCOMPAT_ERRNO", "type1");
	set_env("VFIOCOMPAT_RLIMIT", "user");
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_int_eq(n_warn, 0);
	ck_assert(!c.fixup_get_info);
	ck_assert(c.errno_type1);
	ck_assert(!c.rlimit_process);
	setup();
	set_env("VFIOCOMPAT_FIXUPS", "get-info-ranges");
	set_env("VFIOCOMPAT_ERRNO", "kernel");
	set_env("VFIOCOMPAT_RLIMIT", "process");
	ck_assert_int_eq(parse(&c), 0);
	ck_assert(c.fixup_get_info);
	ck_assert(c.fixup_probe);
	ck_assert(!c.errno_type1);
	ck_assert(c.rlimit_process);
	setup();
	set_env("VFIOCOMPAT_FIXUPS", "get-info-model");
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_int_eq(n_warn, 0);
	ck_assert(c.fixup_get_info);
	ck_assert(!c.fixup_probe);
}
END_TEST

START_TEST(test_invalid_value_warns_once_and_keeps_default)
{
	struct vfc_config c;
	char quoted[128];

	set_env(invalid[_i].var, invalid[_i].value);
	ck_assert_int_eq(parse(&c), 1);
	/* A mistyped mode observes only: the user may have meant audit. */
	if (!strcmp(invalid[_i].var, "VFIOCOMPAT_MODE"))
		ck_assert_int_eq(c.mode, VFC_MODE_AUDIT);
	else
		ck_assert_int_eq(c.mode, VFC_MODE_REDIRECT);
	assert_defaults_but_mode(&c);
	ck_assert_int_eq(n_warn, 1);
	assert_one_clean_line(warnings[0]);
	ck_assert_ptr_nonnull(strstr(warnings[0], invalid[_i].var));
	snprintf(quoted, sizeof(quoted), "\"%s\"", invalid[_i].value);
	ck_assert_msg(strstr(warnings[0], quoted), "warning \"%s\" does not quote %s", warnings[0],
		      quoted);
}
END_TEST

START_TEST(test_invalid_mode_warning_says_what_is_accepted)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_MODE", "bogus");
	parse(&c);
	ck_assert_int_eq(n_warn, 1);
	ck_assert_ptr_nonnull(strstr(warnings[0], "redirect"));
	ck_assert_ptr_nonnull(strstr(warnings[0], "audit"));
	ck_assert_ptr_nonnull(strstr(warnings[0], "off"));
	ck_assert_ptr_nonnull(strstr(warnings[0], "using audit"));
	ck_assert_int_eq(c.mode, VFC_MODE_AUDIT);
}
END_TEST

START_TEST(test_every_invalid_value_counts_as_an_error)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_MODE", "x");
	set_env("VFIOCOMPAT_FALLBACK", "y");
	set_env("VFIOCOMPAT_TARGET", "z");
	set_env("VFIOCOMPAT_LOG", "w");
	ck_assert_int_eq(parse(&c), 4);
	ck_assert_int_eq(c.mode, VFC_MODE_AUDIT);
	assert_defaults_but_mode(&c);
	ck_assert_int_eq(n_warn, 4);
	ck_assert_ptr_nonnull(strstr(warnings[0], "VFIOCOMPAT_MODE"));
	ck_assert_ptr_nonnull(strstr(warnings[1], "VFIOCOMPAT_FALLBACK"));
	ck_assert_ptr_nonnull(strstr(warnings[2], "VFIOCOMPAT_TARGET"));
	ck_assert_ptr_nonnull(strstr(warnings[3], "VFIOCOMPAT_LOG"));
	for (int i = 0; i < 4; i++)
		assert_one_clean_line(warnings[i]);
}
END_TEST

START_TEST(test_invalid_value_does_not_spoil_valid_ones)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_MODE", "audit");
	set_env("VFIOCOMPAT_FALLBACK", "sometimes");
	set_env("VFIOCOMPAT_LOG", "/tmp/x.jsonl");
	ck_assert_int_eq(parse(&c), 1);
	ck_assert_int_eq(c.mode, VFC_MODE_AUDIT);
	ck_assert_int_eq(c.fallback, VFC_FALLBACK_PASSTHROUGH);
	ck_assert_str_eq(c.log, "/tmp/x.jsonl");
	ck_assert_int_eq(n_warn, 1);
	ck_assert_ptr_nonnull(strstr(warnings[0], "VFIOCOMPAT_FALLBACK"));
}
END_TEST

START_TEST(test_relative_paths_are_refused)
{
	static const char *const paths[] = {"iommu", "./iommu", "../dev/iommu", "~/iommu",
					    " /dev/iommu"};
	struct vfc_config c;

	set_env("VFIOCOMPAT_TARGET", paths[_i]);
	set_env("VFIOCOMPAT_LOG", paths[_i]);
	ck_assert_int_eq(parse(&c), 2);
	assert_defaults(&c);
	ck_assert_int_eq(n_warn, 2);
}
END_TEST

/* ---- hostile values ---- */

START_TEST(test_5000_byte_mode_warns_with_bounded_quote)
{
	struct vfc_config c;
	char run[66];

	memset(long_value, 'a', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	set_env("VFIOCOMPAT_MODE", long_value);
	ck_assert_int_eq(parse(&c), 1);
	ck_assert_int_eq(c.mode, VFC_MODE_AUDIT);
	ck_assert_int_eq(n_warn, 1);
	assert_one_clean_line(warnings[0]);
	ck_assert_ptr_nonnull(strstr(warnings[0], "VFIOCOMPAT_MODE"));
	/* The first 64 bytes are quoted, not all 5000. */
	memset(run, 'a', 64);
	run[64] = '\0';
	ck_assert_ptr_nonnull(strstr(warnings[0], run));
	run[64] = 'a';
	run[65] = '\0';
	ck_assert_ptr_null(strstr(warnings[0], run));
	ck_assert_uint_lt(strlen(warnings[0]), 400);
}
END_TEST

START_TEST(test_5000_byte_paths_are_refused)
{
	struct vfc_config c;

	long_value[0] = '/';
	memset(long_value + 1, 'a', sizeof(long_value) - 2);
	long_value[sizeof(long_value) - 1] = '\0';
	set_env("VFIOCOMPAT_TARGET", long_value);
	set_env("VFIOCOMPAT_LOG", long_value);
	ck_assert_int_eq(parse(&c), 2);
	assert_defaults(&c);
	ck_assert_int_eq(n_warn, 2);
	for (int i = 0; i < n_warn; i++) {
		assert_one_clean_line(warnings[i]);
		ck_assert_ptr_nonnull(strstr(warnings[i], "\"/aaaa"));
		ck_assert_uint_lt(strlen(warnings[i]), 400);
	}
}
END_TEST

START_TEST(test_target_of_path_max_minus_one_bytes_is_taken)
{
	static char v[PATH_MAX];
	struct vfc_config c;

	v[0] = '/';
	memset(v + 1, 'a', PATH_MAX - 2);
	v[PATH_MAX - 1] = '\0';
	set_env("VFIOCOMPAT_TARGET", v);
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_str_eq(c.target, v);
}
END_TEST

START_TEST(test_target_of_path_max_bytes_is_refused)
{
	static char v[PATH_MAX + 1];
	struct vfc_config c;

	v[0] = '/';
	memset(v + 1, 'a', PATH_MAX - 1);
	v[PATH_MAX] = '\0';
	set_env("VFIOCOMPAT_TARGET", v);
	ck_assert_int_eq(parse(&c), 1);
	ck_assert_str_eq(c.target, VFC_DEFAULT_TARGET);
}
END_TEST

START_TEST(test_log_leaves_room_for_expansion)
{
	static char v[PATH_MAX];
	struct vfc_config c;
	size_t fits = PATH_MAX - 65;

	v[0] = '/';
	memset(v + 1, 'a', fits - 1);
	v[fits] = '\0';
	set_env("VFIOCOMPAT_LOG", v);
	ck_assert_int_eq(parse(&c), 0);
	ck_assert_str_eq(c.log, v);

	v[fits] = 'a';
	v[fits + 1] = '\0';
	ck_assert_int_eq(parse(&c), 1);
	ck_assert_str_eq(c.log, "");
}
END_TEST

START_TEST(test_newline_in_value_warns_on_one_line)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_MODE", "audit\nVFIOCOMPAT_MODE=off");
	ck_assert_int_eq(parse(&c), 1);
	ck_assert_int_eq(c.mode, VFC_MODE_AUDIT);
	ck_assert_int_eq(n_warn, 1);
	ck_assert_ptr_null(strchr(warnings[0], '\n'));
	assert_one_clean_line(warnings[0]);
	ck_assert_ptr_nonnull(strstr(warnings[0], "\"audit\\u000aVFIOCOMPAT_MODE=off\""));
}
END_TEST

START_TEST(test_control_bytes_in_path_are_refused_and_escaped)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_TARGET", "/dev/iommu\x1b[2J\r");
	set_env("VFIOCOMPAT_LOG", "/tmp/a\tb\x7f");
	ck_assert_int_eq(parse(&c), 2);
	assert_defaults(&c);
	ck_assert_int_eq(n_warn, 2);
	assert_one_clean_line(warnings[0]);
	assert_one_clean_line(warnings[1]);
	ck_assert_ptr_nonnull(strstr(warnings[0], "\"/dev/iommu\\u001b[2J\\u000d\""));
	ck_assert_ptr_nonnull(strstr(warnings[1], "\"/tmp/a\\u0009b\\u007f\""));
}
END_TEST

START_TEST(test_del_byte_in_path_is_refused)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_LOG", "/tmp/a\x7f.jsonl");
	ck_assert_int_eq(parse(&c), 1);
	ck_assert_str_eq(c.log, "");
	ck_assert_int_eq(n_warn, 1);
	ck_assert_ptr_nonnull(strstr(warnings[0], "\"/tmp/a\\u007f.jsonl\""));
}
END_TEST

START_TEST(test_quote_in_value_is_escaped_in_warning)
{
	struct vfc_config c;

	set_env("VFIOCOMPAT_FALLBACK", "a\"b\\c");
	ck_assert_int_eq(parse(&c), 1);
	ck_assert_int_eq(n_warn, 1);
	ck_assert_ptr_nonnull(strstr(warnings[0], "\"a\\\"b\\\\c\""));
}
END_TEST

START_TEST(test_parse_overwrites_previous_contents)
{
	struct vfc_config c;

	memset(&c, 0x5a, sizeof(c));
	ck_assert_int_eq(vfc_config_parse(&c, fake_getenv, record_warning), 0);
	assert_defaults(&c);
}
END_TEST

static bool module_loaded;

static bool fake_is_node(const char *path)
{
	return module_loaded && !strcmp(path, "/dev/vfio/iommufd-compat");
}

START_TEST(test_module_node_is_preferred_when_loaded)
{
	struct vfc_config c;

	module_loaded = true;
	ck_assert_int_eq(parse(&c), 0);
	ck_assert(vfc_config_prefer_module(&c, fake_getenv, fake_is_node));
	ck_assert_str_eq(c.target, "/dev/vfio/iommufd-compat");
}
END_TEST

START_TEST(test_no_module_node_keeps_dev_iommu)
{
	struct vfc_config c;

	module_loaded = false;
	ck_assert_int_eq(parse(&c), 0);
	ck_assert(!vfc_config_prefer_module(&c, fake_getenv, fake_is_node));
	ck_assert_str_eq(c.target, "/dev/iommu");
}
END_TEST

START_TEST(test_target_variable_wins_over_module_node)
{
	struct vfc_config c;

	module_loaded = true;
	set_env("VFIOCOMPAT_TARGET", "/dev/iommu");
	ck_assert_int_eq(parse(&c), 0);
	ck_assert(!vfc_config_prefer_module(&c, fake_getenv, fake_is_node));
	ck_assert_str_eq(c.target, "/dev/iommu");
}
END_TEST

START_TEST(test_bad_target_variable_still_wins_over_module_node)
{
	struct vfc_config c;

	module_loaded = true;
	set_env("VFIOCOMPAT_TARGET", "relative");
	ck_assert_int_eq(parse(&c), 1);
	ck_assert(!vfc_config_prefer_module(&c, fake_getenv, fake_is_node));
	ck_assert_str_eq(c.target, "/dev/iommu");
}
END_TEST

START_TEST(test_mode_names)
{
	ck_assert_str_eq(vfc_mode_name(VFC_MODE_REDIRECT), "redirect");
	ck_assert_str_eq(vfc_mode_name(VFC_MODE_AUDIT), "audit");
	ck_assert_str_eq(vfc_mode_name(VFC_MODE_OFF), "off");
}
END_TEST

/* The container (char 10:196) is no target, whatever its name; iommufd's node is. */
START_TEST(test_target_that_is_the_container_is_known_by_identity)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFCHR | 0666;
	st.st_rdev = makedev(10, 196);
	ck_assert(vfc_target_is_container(&st));
	st.st_rdev = makedev(10, 197);
	ck_assert(!vfc_target_is_container(&st));
	st.st_rdev = makedev(1, 3);
	ck_assert(!vfc_target_is_container(&st));
	/* A regular file that happens to carry the number is no device. */
	st.st_mode = S_IFREG | 0666;
	st.st_rdev = makedev(10, 196);
	ck_assert(!vfc_target_is_container(&st));
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("valid");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_empty_environment_gives_defaults);
	tcase_add_loop_test(tc, test_valid_modes_are_taken, 0, 3);
	tcase_add_loop_test(tc, test_valid_fallbacks_are_taken, 0, 2);
	tcase_add_test(tc, test_absolute_target_is_taken);
	tcase_add_test(tc, test_module_node_is_preferred_when_loaded);
	tcase_add_test(tc, test_no_module_node_keeps_dev_iommu);
	tcase_add_test(tc, test_target_variable_wins_over_module_node);
	tcase_add_test(tc, test_bad_target_variable_still_wins_over_module_node);
	tcase_add_test(tc, test_absolute_log_template_is_taken);
	tcase_add_test(tc, test_all_valid_values_are_taken_together);
	tcase_add_test(tc, test_non_ascii_path_is_taken);
	tcase_add_test(tc, test_parse_overwrites_previous_contents);
	tcase_add_test(tc, test_mode_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_invalid_value_warns_once_and_keeps_default, 0,
			    (int)(sizeof(invalid) / sizeof(invalid[0])));
	tcase_add_test(tc, test_invalid_mode_warning_says_what_is_accepted);
	tcase_add_test(tc, test_every_invalid_value_counts_as_an_error);
	tcase_add_test(tc, test_fixup_errno_and_rlimit_values_are_taken);
	tcase_add_test(tc, test_invalid_value_does_not_spoil_valid_ones);
	tcase_add_loop_test(tc, test_relative_paths_are_refused, 0, 5);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_5000_byte_mode_warns_with_bounded_quote);
	tcase_add_test(tc, test_5000_byte_paths_are_refused);
	tcase_add_test(tc, test_target_of_path_max_minus_one_bytes_is_taken);
	tcase_add_test(tc, test_target_of_path_max_bytes_is_refused);
	tcase_add_test(tc, test_log_leaves_room_for_expansion);
	tcase_add_test(tc, test_newline_in_value_warns_on_one_line);
	tcase_add_test(tc, test_control_bytes_in_path_are_refused_and_escaped);
	tcase_add_test(tc, test_del_byte_in_path_is_refused);
	tcase_add_test(tc, test_quote_in_value_is_escaped_in_warning);
	tcase_add_test(tc, test_target_that_is_the_container_is_known_by_identity);
	suite_add_tcase(s, tc);
	return s;
}
