// SPDX-License-Identifier: GPL-2.0-only
/* Tests of report records: log path expansion, JSON lines, verdicts and writers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "report_fixture.h"
#include "unit.h"
#include "fdtable.h"
#include "iommu_vendor.h"
#include "iova.h"
#include "getinfo_probe.h"
#include "stats.h"

/* ---- a strict JSON checker for one record line ---- */

static const char *j_value(const char *p, int depth);

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static const char *j_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Strings must be printable ASCII: the shim escapes everything else. */
static const char *j_string(const char *p)
{
	if (*p != '"')
		return NULL;
	for (p++; *p != '"'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c >= 0x7f)
			return NULL; /* also NUL */
		if (*p != '\\')
			continue;
		p++;
		if (*p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (!is_hex(p[i]))
					return NULL;
			p += 4;
		} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
			return NULL;
		}
	}
	return p + 1;
}

static const char *j_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (is_digit(*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!is_digit(*++p))
			return NULL;
		while (is_digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return NULL;
		while (is_digit(*p))
			p++;
	}
	return p;
}

static const char *j_members(const char *p, int depth, char close, bool keyed)
{
	p = j_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (keyed) {
			p = j_string(p);
			if (!p)
				return NULL;
			p = j_ws(p);
			if (*p != ':')
				return NULL;
			p = j_ws(p + 1);
		}
		p = j_value(p, depth + 1);
		if (!p)
			return NULL;
		p = j_ws(p);
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p = j_ws(p + 1);
	}
}

static const char *j_value(const char *p, int depth)
{
	if (depth > 16)
		return NULL;
	switch (*p) {
	case '{':
		return j_members(p, depth, '}', true);
	case '[':
		return j_members(p, depth, ']', false);
	case '"':
		return j_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return j_number(p);
	}
}

/* One JSON object, then exactly one "\n" that ends the buffer. */
static bool json_line_ok(const char *buf)
{
	const char *p;

	if (buf[0] != '{')
		return false;
	p = j_value(buf, 0);
	return p && p[0] == '\n' && p[1] == '\0';
}

static void assert_json_line(const struct vfc_fmt *f)
{
	ck_assert(!f->truncated);
	ck_assert_uint_eq(strlen(f->buf), f->len);
	ck_assert_msg(json_line_ok(f->buf), "not one JSON line: %s", f->buf);
}

static void assert_has(const struct vfc_fmt *f, const char *want)
{
	ck_assert_msg(strstr(f->buf, want), "%s lacks %s", f->buf, want);
}

static void assert_lacks(const struct vfc_fmt *f, const char *unwanted)
{
	ck_assert_msg(!strstr(f->buf, unwanted), "%s has %s", f->buf, unwanted);
}

START_TEST(test_json_checker_rejects_malformed_lines)
{
	ck_assert(json_line_ok("{\"a\":1,\"b\":[true,null,\"x\\u00e9\"],\"c\":{}}\n"));
	ck_assert(!json_line_ok("{\"a\":1}"));
	ck_assert(!json_line_ok("{\"a\":1}\n\n"));
	ck_assert(!json_line_ok("{\"a\":1\n"));
	ck_assert(!json_line_ok("{\"a\":\"x}\n"));
	ck_assert(!json_line_ok("{\"a\":\"\n\"}\n"));
	ck_assert(!json_line_ok("{\"a\":\"\\x\"}\n"));
	ck_assert(!json_line_ok("{\"a\":01}\n"));
	ck_assert(!json_line_ok("{\"a\":1,}\n"));
	ck_assert(!json_line_ok("{\"a\" 1}\n"));
	ck_assert(!json_line_ok("{\"a\":\"\xc3\xa9\"}\n"));
}
END_TEST

/* ---- vfc_log_path ---- */

static bool expand(const char *tmpl, pid_t pid, const char *prog, char *out, size_t size)
{
	memset(out, '#', size);
	return vfc_log_path(tmpl, pid, prog, out, size);
}

START_TEST(test_log_path_without_specifiers_is_unchanged)
{
	char out[64];

	ck_assert(expand("/var/log/vfc.jsonl", 1, "qemu", out, sizeof(out)));
	ck_assert_str_eq(out, "/var/log/vfc.jsonl");
}
END_TEST

START_TEST(test_log_path_percent_p_is_pid)
{
	char out[64];

	ck_assert(expand("/tmp/vfc-%p.jsonl", 1234, "qemu", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/vfc-1234.jsonl");
	ck_assert(expand("/tmp/%p/%p", 2147483647, "qemu", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/2147483647/2147483647");
}
END_TEST

START_TEST(test_log_path_percent_e_is_program)
{
	char out[64];

	ck_assert(expand("/tmp/%e.jsonl", 1, "qemu-system-x86_64", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/qemu-system-x86_64.jsonl");
	ck_assert(expand("/tmp/%e-%p", 7, "cloud-hypervisor", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/cloud-hypervisor-7");
}
END_TEST

START_TEST(test_log_path_hostile_program_is_sanitized)
{
	char out[64];

	ck_assert(expand("/tmp/%e.jsonl", 1, "../x y", out, sizeof(out)));
	/* A leading dot is replaced: "%e" can never be "." or "..". */
	ck_assert_str_eq(out, "/tmp/_._x_y.jsonl");
	ck_assert(expand("/var/%e/r", 1, "..", out, sizeof(out)));
	ck_assert_str_eq(out, "/var/_./r");
	ck_assert(expand("/tmp/%e", 1, "a/b\nc\xc3\xa9%p\"", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/a_b_c___p_");
	ck_assert_ptr_null(strchr(out + 5, '/'));
}
END_TEST

START_TEST(test_log_path_null_program_is_empty)
{
	char out[64];

	ck_assert(expand("/tmp/vfc-%e.jsonl", 1, NULL, out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/vfc-.jsonl");
}
END_TEST

START_TEST(test_log_path_double_percent_is_one_percent)
{
	char out[64];

	ck_assert(expand("/tmp/100%%.jsonl", 1, "qemu", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/100%.jsonl");
	ck_assert(expand("/tmp/%%p", 99, "qemu", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/%p");
}
END_TEST

START_TEST(test_log_path_trailing_lone_percent_is_kept)
{
	char out[64];

	ck_assert(expand("/tmp/a%", 1, "qemu", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/a%");
}
END_TEST

START_TEST(test_log_path_unknown_specifier_is_kept)
{
	char out[64];

	ck_assert(expand("/tmp/%x%s", 1, "qemu", out, sizeof(out)));
	ck_assert_str_eq(out, "/tmp/%x%s");
}
END_TEST

START_TEST(test_log_path_exact_fit_is_accepted)
{
	char out[32];

	ck_assert(expand("/tmp/%p", 1234, "qemu", out, 10));
	ck_assert_str_eq(out, "/tmp/1234");
}
END_TEST

START_TEST(test_log_path_one_byte_short_is_refused_untouched)
{
	char out[32];

	ck_assert(!expand("/tmp/%p", 1234, "qemu", out, 9));
	for (size_t i = 0; i < 9; i++)
		ck_assert_uint_eq(out[i], '#');
	ck_assert(!expand("/tmp", 1, "qemu", out, 0));
}
END_TEST

START_TEST(test_log_path_too_long_template_is_refused)
{
	static char tmpl[5001], out[PATH_MAX];

	tmpl[0] = '/';
	memset(tmpl + 1, 'a', sizeof(tmpl) - 2);
	tmpl[sizeof(tmpl) - 1] = '\0';
	ck_assert(!expand(tmpl, 1, "qemu", out, sizeof(out)));
	ck_assert_uint_eq(out[0], '#');
}
END_TEST

START_TEST(test_log_path_long_program_is_cut_to_its_bound)
{
	static char prog[5001];
	char out[PATH_MAX], want[8 + VFC_PROG_MAX];

	memset(prog, 'p', sizeof(prog) - 1);
	prog[sizeof(prog) - 1] = '\0';
	ck_assert(expand("/tmp/%e", 1, prog, out, sizeof(out)));
	strcpy(want, "/tmp/");
	memset(want + 5, 'p', VFC_PROG_MAX);
	want[5 + VFC_PROG_MAX] = 0;
	ck_assert_str_eq(out, want);
}
END_TEST

/* ---- the process identity ---- */

START_TEST(test_starttime_is_field_22_after_the_last_paren)
{
	/* comm with spaces and ')' : fields are counted from the last ')'. */
	static const char stat[] = "4242 (a) b) (c ) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 "
				   "20 0 1 0 987654321 1000 200 18446744073709551615\n";
	uint64_t v = 0;

	ck_assert(vfc_parse_starttime(stat, strlen(stat), &v));
	ck_assert_uint_eq(v, 987654321);
	/* Without its last fields, or a ')' at all, or with a bad number: none. */
	ck_assert(!vfc_parse_starttime(stat, 30, &v));
	ck_assert(!vfc_parse_starttime("4242 comm S 1", 13, &v));
	ck_assert(!vfc_parse_starttime("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 9x ",
				       56, &v));
	ck_assert(!vfc_parse_starttime("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
				       "99999999999999999999999",
				       76, &v));
	/* The last field of a short text counts when it is field 22. */
	ck_assert(
	    vfc_parse_starttime("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 77", 55, &v));
	ck_assert_uint_eq(v, 77);
}
END_TEST

START_TEST(test_boot_id_round_trip_and_bad_ones)
{
	const char *id = "be393046-04e0-4e70-9d1e-ae552a726409\n";
	char text[37];
	uint64_t hi, lo;

	ck_assert(vfc_parse_boot_id(id, strlen(id), &hi, &lo));
	vfc_boot_id_text(text, hi, lo);
	ck_assert_str_eq(text, "be393046-04e0-4e70-9d1e-ae552a726409");
	ck_assert(!vfc_parse_boot_id("BE393046-04e0-4e70-9d1e-ae552a726409", 36, &hi, &lo));
	ck_assert(!vfc_parse_boot_id("be393046-04e0-4e70-9d1e-ae552a72640", 35, &hi, &lo));
	ck_assert(!vfc_parse_boot_id("be393046x04e0-4e70-9d1e-ae552a726409", 36, &hi, &lo));
	ck_assert(!vfc_parse_boot_id("", 0, &hi, &lo));
}
END_TEST

/* ---- records ---- */

/* An identity with no start time or boot id read. */
#define ID(pid) (&(struct vfc_ident){(pid), 0, "", "", 0})

static struct vfc_config config(enum vfc_mode mode, enum vfc_fallback fb, const char *target)
{
	struct vfc_config c;

	memset(&c, 0, sizeof(c));
	c.mode = mode;
	c.fallback = fb;
	strcpy(c.target, target);
	return c;
}

START_TEST(test_start_record_is_one_json_line_with_config)
{
	struct vfc_config c = config(VFC_MODE_REDIRECT, VFC_FALLBACK_PASSTHROUGH, "/dev/iommu");
	struct vfc_fmt f;

	vfc_fmt_start(&f, &c, ID(42), "qemu");
	assert_json_line(&f);
	ck_assert_str_eq(f.buf + f.len - 2, "}\n");
	ck_assert_int_eq(strncmp(f.buf, "{\"type\":\"start\"", 15), 0);
	assert_has(&f, "\"schema\":1");
	assert_has(&f, "\"version\":\"" VFC_VERSION "\"");
	assert_has(&f, "\"pid\":42");
	assert_has(&f, "\"program\":\"qemu\"");
	assert_has(&f, "\"mode\":\"redirect\"");
	assert_has(&f, "\"target\":\"/dev/iommu\"");
	assert_has(&f, "\"fallback\":\"passthrough\"");
}
END_TEST

START_TEST(test_start_record_shows_audit_and_fail)
{
	struct vfc_config c = config(VFC_MODE_AUDIT, VFC_FALLBACK_FAIL, "/dev/iommu2");
	struct vfc_fmt f;

	vfc_fmt_start(&f, &c, ID(1), "x");
	assert_json_line(&f);
	assert_has(&f, "\"mode\":\"audit\"");
	assert_has(&f, "\"fallback\":\"fail\"");
	assert_has(&f, "\"target\":\"/dev/iommu2\"");
}
END_TEST

START_TEST(test_start_record_escapes_hostile_program)
{
	struct vfc_config c = config(VFC_MODE_OFF, VFC_FALLBACK_PASSTHROUGH, "/dev/iommu");
	struct vfc_fmt f;

	vfc_fmt_start(&f, &c, ID(1), "a\"b\\c\n\x01\xff");
	assert_json_line(&f);
	assert_has(&f, "\"program\":\"a\\\"b\\\\c\\u000a\\u0001\\ufffd\"");
	assert_has(&f, "\"mode\":\"off\"");
}
END_TEST

START_TEST(test_start_record_carries_the_identity)
{
	struct vfc_config c = config(VFC_MODE_REDIRECT, VFC_FALLBACK_PASSTHROUGH, "/dev/iommu");
	struct vfc_ident id = {4242, 987654321, "be393046-04e0-4e70-9d1e-ae552a726409", "", 0};
	struct vfc_fmt f;

	vfc_fmt_start(&f, &c, &id, "qemu");
	assert_json_line(&f);
	assert_has(&f, "\"pid\":4242,\"starttime\":987654321,"
		       "\"boot_id\":\"be393046-04e0-4e70-9d1e-ae552a726409\"");
	ck_assert_ptr_null(strstr(f.buf, "program_truncated"));
	vfc_fmt_start(&f, &c, ID(1), "qemu");
	assert_has(&f, "\"pid\":1,\"starttime\":0,\"boot_id\":\"\"");
}
END_TEST

/* A fleet's records say which host and when; a hostile host name stays one JSON string. */
START_TEST(test_start_and_summary_carry_host_and_time)
{
	struct vfc_config c = config(VFC_MODE_REDIRECT, VFC_FALLBACK_PASSTHROUGH, "/dev/iommu");
	struct vfc_ident id = {7, 1, "", "kvm-07.example", 1796614398};
	struct vfc_stats s;
	struct vfc_fmt f;

	vfc_fmt_start(&f, &c, &id, "qemu");
	assert_json_line(&f);
	assert_has(&f,
		   "\"boot_id\":\"\",\"hostname\":\"kvm-07.example\",\"timestamp\":1796614398,");
	memset(&s, 0, sizeof(s));
	vfc_fmt_summary(&f, &s, VFC_MODE_REDIRECT, &id, "qemu");
	assert_json_line(&f);
	assert_has(&f, "\"hostname\":\"kvm-07.example\",\"timestamp\":1796614398,");
	id.hostname = "a\"b\n\xff"
		      "0123456789012345678901234567890123456789012345678901234567890123456789";
	vfc_fmt_start(&f, &c, &id, "qemu");
	assert_json_line(&f);
	assert_has(&f, "\"hostname\":\"a\\\"b\\u000a");
	ck_assert_ptr_null(strstr(f.buf, "0123456789\""));
	vfc_fmt_start(&f, &c, ID(1), "qemu");
	assert_has(&f, "\"hostname\":\"\",\"timestamp\":0,");
}
END_TEST

/* argv[0] is anyone's choice: 600 bytes that are not UTF-8 still leave a summary. */
START_TEST(test_long_hostile_program_is_cut_and_said_so)
{
	struct vfc_config c = config(VFC_MODE_REDIRECT, VFC_FALLBACK_PASSTHROUGH, "/dev/iommu");
	char prog[601], want[64 + 6 * VFC_PROG_MAX];
	struct vfc_stats s;
	struct vfc_fmt f;

	memset(prog, 0xff, 600);
	prog[600] = 0;
	vfc_stats_reset(&s);
	for (int op = 0; op < VFC_OP_COUNT; op++)
		atomic_store(&s.calls[op], UINT64_MAX);
	for (int ft = 0; ft < VFC_F_COUNT; ft++)
		atomic_store(&s.feat[ft].count, UINT64_MAX);
	strcpy(want, "\"program\":\"");
	for (int i = 0; i < VFC_PROG_MAX; i++)
		strcat(want, "\\ufffd");
	strcat(want, "\",\"program_truncated\":true");
	vfc_fmt_summary(&f, &s, VFC_MODE_REDIRECT, ID(1), prog);
	assert_json_line(&f);
	ck_assert_int_eq(strncmp(f.buf, "{\"type\":\"summary\"", 17), 0);
	assert_has(&f, want);
	vfc_fmt_start(&f, &c, ID(1), prog);
	assert_json_line(&f);
	assert_has(&f, want);
	/* Exactly the bound: kept whole, not cut. */
	memset(prog, 'q', VFC_PROG_MAX);
	prog[VFC_PROG_MAX] = 0;
	vfc_fmt_start(&f, &c, ID(1), prog);
	ck_assert_ptr_null(strstr(f.buf, "program_truncated"));
}
END_TEST

/* The longest target and program the shim accepts, none of it UTF-8: still a start record. */
START_TEST(test_start_record_always_fits)
{
	struct vfc_config c = config(VFC_MODE_REDIRECT, VFC_FALLBACK_PASSTHROUGH, "/");
	char prog[601];
	struct vfc_fmt f;

	memset(c.target + 1, 0xff, sizeof(c.target) - 2);
	c.target[sizeof(c.target) - 1] = 0;
	memset(prog, 0xfe, 600);
	prog[600] = 0;
	vfc_fmt_start(&f, &c,
		      &(struct vfc_ident){7, 123, "be393046-04e0-4e70-9d1e-ae552a726409", "", 0},
		      prog);
	assert_json_line(&f);
	ck_assert_int_eq(strncmp(f.buf, "{\"type\":\"start\"", 15), 0);
	assert_has(&f, "\"starttime\":123,");
	assert_has(&f, "\"target_truncated\":true");
	assert_has(&f, "\"program_truncated\":true");
}
END_TEST

START_TEST(test_start_record_with_null_program_is_empty_program)
{
	struct vfc_config c = config(VFC_MODE_REDIRECT, VFC_FALLBACK_PASSTHROUGH, "/dev/iommu");
	struct vfc_fmt f;

	vfc_fmt_start(&f, &c, ID(1), NULL);
	assert_json_line(&f);
	assert_has(&f, "\"program\":\"\"");
}
END_TEST

START_TEST(test_open_record_with_target_and_errno)
{
	struct vfc_fmt f;

	vfc_fmt_open(&f, 7, "/dev/vfio/vfio", "container", "redirect", "/dev/iommu", ENOENT);
	assert_json_line(&f);
	ck_assert_int_eq(strncmp(f.buf, "{\"type\":\"open\"", 14), 0);
	assert_has(&f, "\"fd\":7");
	assert_has(&f, "\"path\":\"/dev/vfio/vfio\"");
	assert_has(&f, "\"node\":\"container\"");
	assert_has(&f, "\"action\":\"redirect\"");
	assert_has(&f, "\"target\":\"/dev/iommu\"");
	assert_has(&f, "\"errno\":\"ENOENT\"");
}
END_TEST

START_TEST(test_open_record_without_target_or_error_omits_them)
{
	struct vfc_fmt f;

	vfc_fmt_open(&f, 3, "/dev/vfio/12", "group", "track", NULL, 0);
	assert_json_line(&f);
	assert_has(&f, "\"fd\":3");
	assert_lacks(&f, "\"target\"");
	assert_lacks(&f, "\"errno\"");
}
END_TEST

START_TEST(test_open_record_escapes_hostile_path)
{
	struct vfc_fmt f;

	vfc_fmt_open(&f, -1, "/tmp/\"}\n{\"type\":\"x\\/../dev/vfio/vfio", "container", "fallback",
		     NULL, EACCES);
	assert_json_line(&f);
	assert_has(&f, "\"fd\":-1");
	assert_has(&f, "\"path\":\"/tmp/\\\"}\\u000a{\\\"type\\\":\\\"x\\\\/../dev/vfio/vfio\"");
	assert_has(&f, "\"errno\":\"EACCES\"");
}
END_TEST

START_TEST(test_open_record_with_unnamed_errno_is_numbered)
{
	struct vfc_fmt f;

	vfc_fmt_open(&f, -1, "/dev/vfio/vfio", "container", "redirect", "/dev/iommu", 9999);
	assert_json_line(&f);
	assert_has(&f, "\"errno\":\"E9999\"");
}
END_TEST

START_TEST(test_open_record_with_huge_path_stays_one_json_line)
{
	static char path[VFC_FMT_SIZE];
	struct vfc_fmt f;

	memset(path, '"', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	vfc_fmt_open(&f, 3, path, "container", "redirect", "/dev/iommu", 0);
	ck_assert(!f.truncated);
	assert_json_line(&f);
	assert_has(&f, "\"target\":\"/dev/iommu\"");
}
END_TEST

START_TEST(test_attach_record_success_has_zero_errno)
{
	struct vfc_fmt f;

	/* A stale errno after success is not reported. */
	vfc_fmt_attach(&f, 12, 5, 0, EBUSY);
	assert_json_line(&f);
	ck_assert_int_eq(strncmp(f.buf, "{\"type\":\"attach\"", 16), 0);
	assert_has(&f, "\"group\":12");
	assert_has(&f, "\"container_fd\":5");
	assert_has(&f, "\"ret\":0");
	assert_has(&f, "\"errno\":\"0\"");
	assert_lacks(&f, "EBUSY");
}
END_TEST

START_TEST(test_attach_record_failure_has_errno)
{
	struct vfc_fmt f;

	vfc_fmt_attach(&f, 3, 9, -1, EBUSY);
	assert_json_line(&f);
	assert_has(&f, "\"ret\":-1");
	assert_has(&f, "\"errno\":\"EBUSY\"");
}
END_TEST

static struct vfc_feature_seen seen(enum vfc_op op, unsigned long req, uint32_t flags,
				    uint32_t value, int ret, int err, bool on_type1)
{
	struct vfc_feature_seen s;

	memset(&s, 0, sizeof(s));
	atomic_store(&s.count, 1);
	atomic_store(&s.claimed, 1);
	s.op = op;
	s.request = req;
	s.flags = flags;
	s.value = value;
	s.ret = ret;
	s.err = err;
	s.on_type1 = on_type1;
	return s;
}

START_TEST(test_feature_record_on_iommufd_has_actual_answer)
{
	struct vfc_feature_seen s =
	    seen(VFC_OP_MAP_DMA, VFIO_IOMMU_MAP_DMA, VFIO_DMA_MAP_FLAG_VADDR, 0, -1, EINVAL, false);
	struct vfc_fmt f;

	vfc_fmt_feature(&f, VFC_F_VADDR_MAP, &s);
	assert_json_line(&f);
	ck_assert_int_eq(strncmp(f.buf, "{\"type\":\"feature\"", 17), 0);
	assert_has(&f, "\"feature\":\"vaddr_map\"");
	assert_has(&f, "\"severity\":\"blocker\"");
	assert_has(&f, "\"ioctl\":\"IOMMU_MAP_DMA\"");
	assert_has(&f, "\"request\":\"0x3b71\"");
	assert_has(&f, "\"value\":0");
	assert_has(&f, "\"flags\":\"0x4\"");
	assert_has(&f, "\"backend\":\"iommufd\"");
	assert_has(&f, "\"ret\":-1");
	assert_has(&f, "\"errno\":\"EINVAL\"");
	assert_has(&f, "\"iommufd\":\"MAP_DMA with FLAG_VADDR fails with EINVAL\"");
	assert_has(&f, "\"hint\":\"");
	assert_lacks(&f, "iommufd_predicted");
}
END_TEST

START_TEST(test_feature_record_on_type1_has_predicted_answer)
{
	struct vfc_feature_seen s =
	    seen(VFC_OP_SET_IOMMU, VFIO_SET_IOMMU, 0, VFIO_TYPE1_IOMMU, 0, EINVAL, true);
	struct vfc_fmt f;

	vfc_fmt_feature(&f, VFC_F_TYPE1_V1, &s);
	assert_json_line(&f);
	assert_has(&f, "\"feature\":\"type1_v1\"");
	assert_has(&f, "\"severity\":\"degraded\"");
	assert_has(&f, "\"ioctl\":\"SET_IOMMU\"");
	assert_has(&f, "\"value\":1");
	assert_has(&f, "\"backend\":\"type1\"");
	assert_has(&f, "\"ret\":0");
	assert_has(&f, "\"errno\":\"0\"");
	assert_has(&f, "\"iommufd_predicted\":\"");
	assert_lacks(&f, "\"iommufd\":");
}
END_TEST

START_TEST(test_nesting_extension_names_this_kernels_type1_answer)
{
	/* iommufd answers 0; 6.12's type1 1 (a difference), 7.3's 0 (none). */
	struct vfc_feature_seen s = seen(VFC_OP_CHECK_EXTENSION, VFIO_CHECK_EXTENSION, 0,
					 VFIO_TYPE1_NESTING_IOMMU, 0, 0, false);
	struct vfc_fmt f;

	vfc_fmt_feature(&f, VFC_F_NESTING_EXT, &s);
	assert_lacks(&f, "type1_ret");
	s.type1_known = true;
	s.type1_ret = 1;
	vfc_fmt_feature(&f, VFC_F_NESTING_EXT, &s);
	assert_json_line(&f);
	assert_has(&f, "\"type1_ret\":1");
	assert_has(&f, "\"on_this_kernel\":\"type1 answers otherwise: a real difference\"");
	s.type1_ret = 0;
	vfc_fmt_feature(&f, VFC_F_NESTING_EXT, &s);
	assert_has(&f, "\"type1_ret\":0");
	assert_has(&f, "\"on_this_kernel\":\"type1 answers the same\"");
}
END_TEST

START_TEST(test_every_feature_record_is_one_json_line)
{
	struct vfc_feature_seen s =
	    seen(VFC_OP_OTHER, 0xffffffffffffffffull, 0xffffffffu, 0xffffffffu, -1, 12345, _i & 1);
	struct vfc_fmt f;
	char want[64];

	vfc_fmt_feature(&f, (enum vfc_feature)(_i / 2), &s);
	assert_json_line(&f);
	snprintf(want, sizeof(want), "\"feature\":\"%s\"", vfc_feature(_i / 2)->name);
	assert_has(&f, want);
	assert_has(&f, "\"value\":4294967295");
	assert_has(&f, "\"request\":\"0xffffffffffffffff\"");
	assert_has(&f, "\"errno\":\"E12345\"");
}
END_TEST

START_TEST(test_empty_summary_has_empty_counters_and_untested)
{
	struct vfc_stats s;
	struct vfc_fmt f;

	vfc_stats_reset(&s);
	vfc_fmt_summary(&f, &s, VFC_MODE_REDIRECT, ID(77), "qemu");
	assert_json_line(&f);
	ck_assert_int_eq(strncmp(f.buf, "{\"type\":\"summary\"", 17), 0);
	assert_has(&f, "\"pid\":77");
	assert_has(&f, "\"program\":\"qemu\"");
	assert_has(&f, "\"mode\":\"redirect\"");
	assert_has(&f, "\"containers\":0");
	assert_has(&f, "\"ioctls\":{}");
	assert_has(&f, "\"features\":{}");
	assert_has(&f, "\"verdict\":\"untested\"");
}
END_TEST

START_TEST(test_summary_includes_only_ops_with_calls)
{
	struct vfc_stats s;
	struct vfc_fmt f;

	vfc_stats_reset(&s);
	atomic_store(&s.containers, 2);
	atomic_store(&s.redirected, 2);
	atomic_store(&s.groups, 1);
	atomic_store(&s.attaches, 1);
	atomic_store(&s.devices, 3);
	atomic_store(&s.calls[VFC_OP_MAP_DMA], 3);
	atomic_store(&s.errors[VFC_OP_MAP_DMA], 1);
	vfc_stats_note_error(&s, VFC_OP_MAP_DMA, EEXIST); /* its first failure's errno */
	atomic_store(&s.calls[VFC_OP_GET_API_VERSION], 1);
	/* Errors without calls cannot happen; the counters still decide. */
	atomic_store(&s.errors[VFC_OP_UNMAP_DMA], 4);
	vfc_fmt_summary(&f, &s, VFC_MODE_AUDIT, ID(1), "qemu");
	assert_json_line(&f);
	assert_has(&f, "\"ioctls\":{\"GET_API_VERSION\":{\"calls\":1,\"errors\":0},"
		       "\"IOMMU_MAP_DMA\":{\"calls\":3,\"errors\":1,\"errno\":\"EEXIST\"}}");
	assert_lacks(&f, "IOMMU_UNMAP_DMA");
	assert_lacks(&f, "CHECK_EXTENSION");
	assert_has(&f, "\"containers\":2");
	assert_has(&f, "\"redirected\":2");
	assert_has(&f, "\"groups\":1");
	assert_has(&f, "\"attaches\":1");
	assert_has(&f, "\"devices\":3");
	assert_has(&f, "\"mode\":\"audit\"");
	assert_has(&f, "\"verdict\":\"ready\"");
}
END_TEST

START_TEST(test_summary_includes_only_features_seen)
{
	struct vfc_stats s;
	struct vfc_fmt f;

	vfc_stats_reset(&s);
	atomic_store(&s.containers, 1);
	atomic_store(&s.feat[VFC_F_DIRTY_PAGES].count, 5);
	atomic_store(&s.feat[VFC_F_TYPE1_V1].count, 1);
	vfc_fmt_summary(&f, &s, VFC_MODE_REDIRECT, ID(1), NULL);
	assert_json_line(&f);
	assert_has(&f, "\"features\":{\"dirty_pages\":5,\"type1_v1\":1}");
	assert_has(&f, "\"program\":\"\"");
	assert_has(&f, "\"verdict\":\"not-ready\"");
}
END_TEST

START_TEST(test_full_summary_is_one_json_line)
{
	struct vfc_stats s;
	struct vfc_fmt f;

	vfc_stats_reset(&s);
	for (int op = 0; op < VFC_OP_COUNT; op++) {
		atomic_store(&s.calls[op], UINT64_MAX);
		atomic_store(&s.errors[op], UINT64_MAX / 2);
		/* The longest errno field: an unnamed errno, later ones mixed. */
		vfc_stats_note_error(&s, (enum vfc_op)op, 4095);
		vfc_stats_note_error(&s, (enum vfc_op)op, EINVAL);
	}
	for (int ft = 0; ft < VFC_F_COUNT; ft++)
		atomic_store(&s.feat[ft].count, UINT64_MAX);
	atomic_store(&s.containers, 2147483647);
	atomic_store(&s.fallbacks, 1);
	vfc_fmt_summary(&f, &s, VFC_MODE_REDIRECT, ID(2147483647), "qemu-system-x86_64");
	assert_json_line(&f);
	assert_has(&f, "\"errno\":\"E4095\",\"errno_mixed\":true}");
	for (int op = 0; op < VFC_OP_COUNT; op++)
		assert_has(&f, vfc_op_name(op));
	for (int ft = 0; ft < VFC_F_COUNT; ft++)
		assert_has(&f, vfc_feature(ft)->name);
	assert_has(&f, "\"calls\":18446744073709551615");
}
END_TEST

START_TEST(test_summary_line_is_one_human_line)
{
	struct vfc_stats s;
	struct vfc_fmt f;

	vfc_stats_reset(&s);
	atomic_store(&s.containers, 2);
	atomic_store(&s.redirected, 1);
	atomic_store(&s.fallbacks, 1);
	atomic_store(&s.calls[VFC_OP_MAP_DMA], 4);
	atomic_store(&s.calls[VFC_OP_UNMAP_DMA], 2);
	atomic_store(&s.errors[VFC_OP_UNMAP_DMA], 1);
	atomic_store(&s.feat[VFC_F_VADDR_MAP].count, 1);
	atomic_store(&s.feat[VFC_F_P2P_MAP].count, 1);
	vfc_fmt_summary_line(&f, &s, VFC_MODE_REDIRECT, 99, "qemu");
	ck_assert(!f.truncated);
	ck_assert_str_eq(f.buf, "vfiocompat: qemu[99]: mode redirect, 1/2 containers redirected, "
				"6 container ioctls (1 failed), features: vaddr_map, p2p_map; "
				"verdict: not-ready\n");
}
END_TEST

/* Control bytes in the program name cannot forge a line on stderr. */
START_TEST(test_summary_line_escapes_the_program)
{
	struct vfc_stats s;
	struct vfc_fmt f;

	vfc_stats_reset(&s);
	vfc_fmt_summary_line(&f, &s, VFC_MODE_REDIRECT, 3, "x\nvfiocompat: y\x1b[2J\xff\"\\");
	ck_assert_int_eq(
	    strncmp(f.buf, "vfiocompat: x\\u000avfiocompat: y\\u001b[2J\\ufffd\\\"\\\\[3]: ", 53),
	    0);
	for (const char *p = f.buf; *p; p++)
		ck_assert(p[1] == 0 ? *p == '\n' : (*p >= 0x20 && *p < 0x7f));
}
END_TEST

START_TEST(test_summary_line_without_features_says_none)
{
	struct vfc_stats s;
	struct vfc_fmt f;

	vfc_stats_reset(&s);
	vfc_fmt_summary_line(&f, &s, VFC_MODE_AUDIT, 5, NULL);
	ck_assert_str_eq(f.buf,
			 "vfiocompat: ?[5]: mode audit, 0/0 containers redirected, "
			 "0 container ioctls (0 failed), features: none; verdict: untested\n");
}
END_TEST

START_TEST(test_each_feature_alone_gives_verdict_of_its_severity)
{
	struct vfc_stats s;
	const char *want;

	vfc_stats_reset(&s);
	atomic_store(&s.containers, 1);
	atomic_store(&s.feat[_i].count, 1);
	switch (vfc_feature(_i)->severity) {
	case VFC_SEV_BLOCKER:
		want = VFC_VERDICT_NOT_READY;
		break;
	case VFC_SEV_DEGRADED:
		want = VFC_VERDICT_DIFFERENCES;
		break;
	default:
		want = VFC_VERDICT_READY;
		break;
	}
	ck_assert_str_eq(vfc_verdict(&s), want);
}
END_TEST

/* ---- writers: log file and stderr ---- */

START_TEST(test_report_line_appends_record_to_log)
{
	struct vfc_fmt f;
	char buf[2 * VFC_FMT_SIZE], name[64];
	struct stat st;

	mode_t old_umask = umask(0);

	set_log("r-%p.jsonl");
	snprintf(name, sizeof(name), "r-%d.jsonl", (int)getpid());
	vfc_fmt_attach(&f, 3, 5, 0, 0);
	vfc_report_line(&f);
	vfc_report_line(&f);
	umask(old_umask);
	ck_assert_int_eq(slurp_log(name, buf, sizeof(buf)), (ssize_t)(2 * f.len));
	ck_assert_int_eq(strncmp(buf, f.buf, f.len), 0);
	ck_assert_str_eq(buf + f.len, f.buf);

	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(test_report_line_without_log_writes_nothing)
{
	struct vfc_fmt f;
	char buf[256];

	vfc_fmt_attach(&f, 3, 5, 0, 0);
	capture_stderr();
	vfc_report_line(&f);
	ck_assert_int_eq(captured_stderr(buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(test_unwritable_log_warns_once_and_keeps_errno)
{
	struct vfc_fmt f;
	char buf[1024];

	set_log("missing/r.jsonl");
	vfc_fmt_attach(&f, 3, 5, 0, 0);
	capture_stderr();
	errno = 1234;
	vfc_report_line(&f);
	ck_assert_int_eq(errno, 1234);
	vfc_report_line(&f);
	ck_assert_int_gt(captured_stderr(buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 1);
	ck_assert_uint_eq(buf[strlen(buf) - 1], '\n');
	ck_assert_ptr_nonnull(strstr(buf, "cannot write the report to"));
	ck_assert_ptr_nonnull(strstr(buf, "missing/r.jsonl"));
	ck_assert_ptr_nonnull(strstr(buf, "(ENOENT)"));
}
END_TEST

START_TEST(test_start_record_is_written_once)
{
	char buf[2 * VFC_FMT_SIZE], want[PATH_MAX];

	set_log("start.jsonl");
	vfc_report_start_once();
	vfc_report_start_once();
	ck_assert_int_eq(atomic_load(&vfc_stats.used), 1);
	ck_assert_int_gt(slurp_log("start.jsonl", buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 1);
	ck_assert_int_eq(strncmp(buf, "{\"type\":\"start\"", 15), 0);
	ck_assert(json_line_ok(buf));
	snprintf(want, sizeof(want), "\"pid\":%d", (int)getpid());
	ck_assert_ptr_nonnull(strstr(buf, want));
	snprintf(want, sizeof(want), "\"program\":\"%s\"", program_invocation_short_name);
	ck_assert_ptr_nonnull(strstr(buf, want));
}
END_TEST

START_TEST(test_exit_appends_summary_after_start)
{
	char buf[4 * VFC_FMT_SIZE];
	char *second;

	set_log("exit.jsonl");
	vfc_report_start_once();
	atomic_store(&vfc_stats.containers, 1);
	atomic_store(&vfc_stats.redirected, 1);
	vfc_report_exit();
	ck_assert_int_gt(slurp_log("exit.jsonl", buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 2);
	second = strchr(buf, '\n') + 1;
	ck_assert_int_eq(strncmp(second, "{\"type\":\"summary\"", 17), 0);
	ck_assert(json_line_ok(second));
	ck_assert_ptr_nonnull(strstr(second, "\"verdict\":\"ready\""));
}
END_TEST

/* The start record names this process: the identity /proc gives. */
START_TEST(test_start_record_names_this_process)
{
	char buf[2 * VFC_FMT_SIZE], stat[1024], boot[64], want[256];
	unsigned long long st = 0;
	ssize_t n;

	n = slurp("/proc/self/stat", stat, sizeof(stat));
	ck_assert(n > 0 && vfc_stat_starttime(stat, (unsigned long)n, &st));
	ck_assert_int_eq(slurp(VFC_BOOT_ID_PATH, boot, sizeof(boot)), 37);
	boot[36] = 0;
	set_log("ident.jsonl");
	vfc_report_start_once();
	atomic_store(&vfc_stats.containers, 1);
	vfc_report_exit();
	ck_assert_int_gt(slurp_log("ident.jsonl", buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 2);
	snprintf(want, sizeof(want), "\"pid\":%d,\"starttime\":%llu,\"boot_id\":\"%s\"",
		 (int)getpid(), st, boot);
	ck_assert_ptr_nonnull(strstr(buf, want));
	ck_assert_ptr_nonnull(strstr(strchr(buf, '\n') + 1, want)); /* the summary too */
	/* This host's name (uname), and a wall-clock time within the test's run. */
	struct utsname u;
	ck_assert_int_eq(uname(&u), 0);
	snprintf(want, sizeof(want), ",\"hostname\":\"%s\",\"timestamp\":", u.nodename);
	char *h = strstr(buf, want);
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(strstr(strchr(buf, '\n') + 1, want));
	long long ts = atoll(h + strlen(want)), now = (long long)time(NULL);
	ck_assert(ts > now - 60 && ts <= now);
}
END_TEST

/*
 * A child made without the atfork handlers (a raw clone) inherits the
 * parent's state; leaving by exit() it must not write the parent's summary.
 */
START_TEST(test_child_without_atfork_writes_no_summary)
{
	char buf[2 * VFC_FMT_SIZE];
	int st;

	set_log("clone.jsonl");
	vfc_report_start_once();
	atomic_store(&vfc_stats.containers, 1);
	pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		vfc_report_exit();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_gt(slurp_log("clone.jsonl", buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 1);
	ck_assert_ptr_null(strstr(buf, "summary"));
	vfc_report_exit(); /* the parent itself: its summary */
	ck_assert_int_gt(slurp_log("clone.jsonl", buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 2);
}
END_TEST

/* Nothing but a regular file is written to, and opening one never waits. */
START_TEST(test_fifo_log_is_refused_without_blocking)
{
	char path[PATH_MAX], buf[1024];
	struct vfc_fmt f;

	set_log("fifo.jsonl");
	snprintf(path, sizeof(path), "%s", vfc_cfg.log);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	capture_stderr();
	vfc_fmt_attach(&f, 3, 5, 0, 0);
	alarm(10); /* blocking would be a failure, not a hang */
	vfc_report_line(&f);
	vfc_report_line(&f);
	alarm(0);
	ck_assert_int_gt(captured_stderr(buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 1);
	ck_assert_ptr_nonnull(strstr(buf, "is not a regular file"));
	unlink(path);
}
END_TEST

START_TEST(test_forked_child_starts_its_own_report)
{
	char buf[4 * VFC_FMT_SIZE];

	set_log("fork.jsonl");
	vfc_report_start_once();
	atomic_store(&vfc_stats.containers, 3);
	atomic_store(&vfc_stats.calls[VFC_OP_MAP_DMA], 3);
	vfc_report_forked();
	ck_assert_int_eq(atomic_load(&vfc_stats.containers), 0);
	ck_assert_int_eq(atomic_load(&vfc_stats.calls[VFC_OP_MAP_DMA]), 0);
	ck_assert_int_eq(atomic_load(&vfc_stats.used), 0);
	vfc_report_start_once();
	ck_assert_int_gt(slurp_log("fork.jsonl", buf, sizeof(buf)), 0);
	ck_assert_int_eq(count_lines(buf), 2);
}
END_TEST

START_TEST(test_record_names_the_method)
{
	struct vfc_fmt f;
	struct vfc_range raw = {0, UINT64_MAX};
	struct vfc_range got[3] = {
	    {0, 0xfedfffff}, {0xfef00000, 0xfcffffffffull}, {0x10000000000ull, UINT64_MAX}};
	struct vfc_get_info_how probe = {.method = "probe", .probe_us = 247273};

	vfc_fmt_get_info_early(&f, 3, 1, "fixed", NULL, 0xfffffffffffff000ull, &raw, 1,
			       0xfff7ffffff000ull, got, 3, &probe);
	ck_assert_ptr_nonnull(
	    strstr(f.buf, "\"action\":\"fixed\",\"method\":\"probe\",\"probe_us\":247273"));
	ck_assert_ptr_nonnull(strstr(f.buf, "\"fixed_pgsizes\":\"0xfff7ffffff000\""));
	ck_assert_ptr_nonnull(strstr(f.buf, "[\"0x10000000000\",\"0xffffffffffffffff\"]"));
	ck_assert_ptr_null(strstr(f.buf, "probe_failed"));

	struct vfc_get_info_how model = {.method = "model",
					 .probe_why = "no device could be opened",
					 .probe_err = EBUSY,
					 .probe_us = -1};
	vfc_fmt_get_info_early(&f, 3, 1, "skipped", "not VT-d", 0xfffffffffffff000ull, &raw, 1, 0,
			       NULL, -1, &model);
	ck_assert_ptr_nonnull(strstr(f.buf,
				     "\"method\":\"model\",\"probe_failed\":\"no device could "
				     "be opened\",\"probe_errno\":\"EBUSY\""));
	ck_assert_ptr_null(strstr(f.buf, "probe_us"));
	ck_assert_ptr_null(strstr(f.buf, "fixed_ranges"));
	/* VFIOCOMPAT_FIXUPS=none: no method at all. */
	vfc_fmt_get_info_early(&f, 3, 1, "off", NULL, 0xfffffffffffff000ull, &raw, 1, 0, NULL, -1,
			       NULL);
	ck_assert_ptr_null(strstr(f.buf, "method"));
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("log_path");
	tcase_add_test(tc, test_json_checker_rejects_malformed_lines);
	tcase_add_test(tc, test_log_path_without_specifiers_is_unchanged);
	tcase_add_test(tc, test_log_path_percent_p_is_pid);
	tcase_add_test(tc, test_log_path_percent_e_is_program);
	tcase_add_test(tc, test_log_path_hostile_program_is_sanitized);
	tcase_add_test(tc, test_log_path_null_program_is_empty);
	tcase_add_test(tc, test_log_path_double_percent_is_one_percent);
	tcase_add_test(tc, test_log_path_trailing_lone_percent_is_kept);
	tcase_add_test(tc, test_log_path_unknown_specifier_is_kept);
	tcase_add_test(tc, test_log_path_exact_fit_is_accepted);
	tcase_add_test(tc, test_log_path_one_byte_short_is_refused_untouched);
	tcase_add_test(tc, test_log_path_too_long_template_is_refused);
	tcase_add_test(tc, test_log_path_long_program_is_cut_to_its_bound);
	tcase_add_test(tc, test_starttime_is_field_22_after_the_last_paren);
	tcase_add_test(tc, test_boot_id_round_trip_and_bad_ones);
	suite_add_tcase(s, tc);

	tc = tcase_create("records");
	tcase_add_test(tc, test_start_record_is_one_json_line_with_config);
	tcase_add_test(tc, test_start_record_shows_audit_and_fail);
	tcase_add_test(tc, test_start_record_escapes_hostile_program);
	tcase_add_test(tc, test_start_and_summary_carry_host_and_time);
	tcase_add_test(tc, test_start_record_with_null_program_is_empty_program);
	tcase_add_test(tc, test_start_record_carries_the_identity);
	tcase_add_test(tc, test_long_hostile_program_is_cut_and_said_so);
	tcase_add_test(tc, test_start_record_always_fits);
	tcase_add_test(tc, test_open_record_with_target_and_errno);
	tcase_add_test(tc, test_open_record_without_target_or_error_omits_them);
	tcase_add_test(tc, test_open_record_escapes_hostile_path);
	tcase_add_test(tc, test_open_record_with_unnamed_errno_is_numbered);
	tcase_add_test(tc, test_open_record_with_huge_path_stays_one_json_line);
	tcase_add_test(tc, test_attach_record_success_has_zero_errno);
	tcase_add_test(tc, test_attach_record_failure_has_errno);
	tcase_add_test(tc, test_feature_record_on_iommufd_has_actual_answer);
	tcase_add_test(tc, test_feature_record_on_type1_has_predicted_answer);
	tcase_add_test(tc, test_nesting_extension_names_this_kernels_type1_answer);
	tcase_add_loop_test(tc, test_every_feature_record_is_one_json_line, 0, 2 * VFC_F_COUNT);
	tcase_add_test(tc, test_empty_summary_has_empty_counters_and_untested);
	tcase_add_test(tc, test_summary_includes_only_ops_with_calls);
	tcase_add_test(tc, test_summary_includes_only_features_seen);
	tcase_add_test(tc, test_full_summary_is_one_json_line);
	tcase_add_test(tc, test_summary_line_is_one_human_line);
	tcase_add_test(tc, test_summary_line_without_features_says_none);
	tcase_add_test(tc, test_summary_line_escapes_the_program);
	suite_add_tcase(s, tc);

	tc = tcase_create("verdict");
	tcase_add_loop_test(tc, test_each_feature_alone_gives_verdict_of_its_severity, 0,
			    VFC_F_COUNT);
	suite_add_tcase(s, tc);

	tc = writer_tcase("writers");
	tcase_add_test(tc, test_report_line_appends_record_to_log);
	tcase_add_test(tc, test_report_line_without_log_writes_nothing);
	tcase_add_test(tc, test_unwritable_log_warns_once_and_keeps_errno);
	tcase_add_test(tc, test_start_record_is_written_once);
	tcase_add_test(tc, test_exit_appends_summary_after_start);
	tcase_add_test(tc, test_forked_child_starts_its_own_report);
	tcase_add_test(tc, test_start_record_names_this_process);
	tcase_add_test(tc, test_child_without_atfork_writes_no_summary);
	tcase_add_test(tc, test_fifo_log_is_refused_without_blocking);
	suite_add_tcase(s, tc);
	tc = tcase_create("probe_getinfo");
	tcase_add_test(tc, test_record_names_the_method);
	suite_add_tcase(s, tc);
	return s;
}
