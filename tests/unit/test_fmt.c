// SPDX-License-Identifier: GPL-2.0-only
/* Tests of the fixed-size text builder: numbers, JSON strings, truncation, errno names. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fmt.h"
#include "unit.h"

/* A builder followed by a canary, to catch writes past the structure. */
struct guarded {
	struct vfc_fmt f;
	unsigned char canary[64];
};

static void guarded_init(struct guarded *g)
{
	memset(g, 0x5a, sizeof(*g));
	vfc_fmt_init(&g->f);
}

static void assert_canary_intact(const struct guarded *g)
{
	for (size_t i = 0; i < sizeof(g->canary); i++)
		ck_assert_uint_eq(g->canary[i], 0x5a);
}

/* The builder's invariants: NUL-terminated at len, len inside the buffer. */
static void assert_consistent(const struct vfc_fmt *f)
{
	ck_assert_uint_lt(f->len, VFC_FMT_SIZE);
	ck_assert_uint_eq(f->buf[f->len], '\0');
	ck_assert_uint_eq(strlen(f->buf), f->len);
}

#define FMT_EQ(call, want)                                                                         \
	do {                                                                                       \
		struct vfc_fmt f_;                                                                 \
		struct vfc_fmt *f = &f_;                                                           \
		vfc_fmt_init(f);                                                                   \
		call;                                                                              \
		ck_assert_str_eq(f_.buf, want);                                                    \
		ck_assert_uint_eq(f_.len, strlen(want));                                           \
		ck_assert(!f_.truncated);                                                          \
	} while (0)

/* The record fields the shim and the eBPF audit both write (one copy, fmt.c). */
START_TEST(test_kv_fields)
{
	FMT_EQ((vfc_fmt_str(f, "{"), vfc_fmt_key(f, "type"), vfc_fmt_json_str(f, "x"),
		vfc_fmt_kv_str(f, "s", "a\"b"), vfc_fmt_kv_int(f, "i", -7),
		vfc_fmt_kv_hex(f, "h", 0x3b71), vfc_fmt_str(f, "}")),
	       "{\"type\":\"x\",\"s\":\"a\\\"b\",\"i\":-7,\"h\":\"0x3b71\"}");
}
END_TEST

START_TEST(test_init_gives_empty_untruncated_string)
{
	struct vfc_fmt f;

	memset(&f, 'x', sizeof(f));
	vfc_fmt_init(&f);
	ck_assert_uint_eq(f.len, 0);
	ck_assert(!f.truncated);
	ck_assert_str_eq(f.buf, "");
}
END_TEST

START_TEST(test_str_appends)
{
	FMT_EQ((vfc_fmt_str(f, "ab"), vfc_fmt_str(f, ""), vfc_fmt_str(f, "cd")), "abcd");
}
END_TEST

START_TEST(test_null_str_appends_nothing)
{
	FMT_EQ((vfc_fmt_str(f, "a"), vfc_fmt_str(f, NULL)), "a");
}
END_TEST

START_TEST(test_u64_prints_decimal)
{
	FMT_EQ(vfc_fmt_u64(f, 0), "0");
	FMT_EQ(vfc_fmt_u64(f, 7), "7");
	FMT_EQ(vfc_fmt_u64(f, 10), "10");
	FMT_EQ(vfc_fmt_u64(f, 4096), "4096");
	FMT_EQ(vfc_fmt_u64(f, UINT64_MAX), "18446744073709551615");
}
END_TEST

START_TEST(test_i64_prints_signed_decimal)
{
	FMT_EQ(vfc_fmt_i64(f, 0), "0");
	FMT_EQ(vfc_fmt_i64(f, -1), "-1");
	FMT_EQ(vfc_fmt_i64(f, 123), "123");
	FMT_EQ(vfc_fmt_i64(f, INT64_MAX), "9223372036854775807");
}
END_TEST

START_TEST(test_i64_min_prints_without_overflow)
{
	FMT_EQ(vfc_fmt_i64(f, INT64_MIN), "-9223372036854775808");
}
END_TEST

START_TEST(test_hex_prints_prefixed_lowercase)
{
	FMT_EQ(vfc_fmt_hex(f, 0), "0x0");
	FMT_EQ(vfc_fmt_hex(f, 0xa), "0xa");
	FMT_EQ(vfc_fmt_hex(f, 0x3b71), "0x3b71");
	FMT_EQ(vfc_fmt_hex(f, 0xDEADBEEFull), "0xdeadbeef");
	FMT_EQ(vfc_fmt_hex(f, UINT64_MAX), "0xffffffffffffffff");
}
END_TEST

START_TEST(test_json_plain_string_is_quoted)
{
	FMT_EQ(vfc_fmt_json_str(f, "qemu-system-x86_64"), "\"qemu-system-x86_64\"");
	FMT_EQ(vfc_fmt_json_str(f, ""), "\"\"");
	FMT_EQ(vfc_fmt_json_str(f, "a/b c"), "\"a/b c\"");
}
END_TEST

START_TEST(test_json_null_string_is_empty_string)
{
	FMT_EQ(vfc_fmt_json_str(f, NULL), "\"\"");
}
END_TEST

START_TEST(test_json_escapes_quote_and_backslash)
{
	FMT_EQ(vfc_fmt_json_str(f, "a\"b"), "\"a\\\"b\"");
	FMT_EQ(vfc_fmt_json_str(f, "a\\b"), "\"a\\\\b\"");
	FMT_EQ(vfc_fmt_json_str(f, "\\\""), "\"\\\\\\\"\"");
}
END_TEST

START_TEST(test_json_escapes_control_bytes)
{
	FMT_EQ(vfc_fmt_json_str(f, "\n"), "\"\\u000a\"");
	FMT_EQ(vfc_fmt_json_str(f, "\x01\t\r"), "\"\\u0001\\u0009\\u000d\"");
	FMT_EQ(vfc_fmt_json_str(f, "\x1f"), "\"\\u001f\"");
	FMT_EQ(vfc_fmt_json_str(f, "\x7f"), "\"\\u007f\"");
	FMT_EQ(vfc_fmt_json_str(f, " ~"), "\" ~\"");
}
END_TEST

START_TEST(test_json_invalid_utf8_bytes_become_replacement_characters)
{
	FMT_EQ(vfc_fmt_json_str(f, "\x80"), "\"\\ufffd\"");
	FMT_EQ(vfc_fmt_json_str(f, "\xff"), "\"\\ufffd\"");
	/* Overlong "/", a surrogate, past U+10FFFF, a truncated sequence: one each per byte. */
	FMT_EQ(vfc_fmt_json_str(f, "\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	FMT_EQ(vfc_fmt_json_str(f, "\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	FMT_EQ(vfc_fmt_json_str(f, "\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	FMT_EQ(vfc_fmt_json_str(f, "a\xc3"), "\"a\\ufffd\"");
}
END_TEST

/* A reader decodes the code point written, not each byte as Latin-1 (vfio-\u00c3\u00a9). */
START_TEST(test_json_utf8_reads_back_as_the_same_characters)
{
	FMT_EQ(vfc_fmt_json_str(f, "vfio-\xc3\xa9"), "\"vfio-\\u00e9\"");
	FMT_EQ(vfc_fmt_json_str(f, "\xe2\x82\xac"), "\"\\u20ac\"");
	FMT_EQ(vfc_fmt_json_str(f, "\xf0\x9f\x98\x80"), "\"\\ud83d\\ude00\"");
	FMT_EQ(vfc_fmt_json_str(f, "\xf4\x8f\xbf\xbf"), "\"\\udbff\\udfff\"");
	/* A sequence cut by the byte limit is not half-written. */
	FMT_EQ(vfc_fmt_json_str_n(f, "ab\xc3\xa9", 3), "\"ab\"");
}
END_TEST

START_TEST(test_json_output_is_printable_ascii_for_every_byte)
{
	char in[256];
	struct vfc_fmt f;

	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	vfc_fmt_init(&f);
	vfc_fmt_json_str(&f, in);
	ck_assert(!f.truncated);
	for (size_t i = 0; i < f.len; i++)
		ck_assert(f.buf[i] >= 0x20 && f.buf[i] < 0x7f);
	/* 93 plain, 2 two-byte escapes, 160 six-byte escapes, 2 quotes. */
	ck_assert_uint_eq(f.len, 93 + 2 * 2 + 160 * 6 + 2);
}
END_TEST

START_TEST(test_json_str_n_quotes_at_most_max_bytes)
{
	FMT_EQ(vfc_fmt_json_str_n(f, "abcdef", 3), "\"abc\"");
	FMT_EQ(vfc_fmt_json_str_n(f, "abcdef", 0), "\"\"");
	FMT_EQ(vfc_fmt_json_str_n(f, "ab", 64), "\"ab\"");
	FMT_EQ(vfc_fmt_json_str_n(f, "\n\n\n", 2), "\"\\u000a\\u000a\"");
}
END_TEST

START_TEST(test_key_is_quoted_with_colon)
{
	FMT_EQ(vfc_fmt_key(f, "type"), "\"type\":");
	FMT_EQ(vfc_fmt_key(f, "a\"b"), "\"a\\\"b\":");
}
END_TEST

/* ---- truncation ---- */

static void fill(struct vfc_fmt *f, size_t n)
{
	char chunk[65];

	memset(chunk, 'x', 64);
	while (n) {
		size_t k = n < 64 ? n : 64;

		chunk[k] = '\0';
		vfc_fmt_str(f, chunk);
		chunk[k] = 'x';
		n -= k;
	}
}

START_TEST(test_buffer_holds_size_minus_one_bytes_untruncated)
{
	struct guarded g;

	guarded_init(&g);
	fill(&g.f, VFC_FMT_SIZE - 1);
	ck_assert(!g.f.truncated);
	ck_assert_uint_eq(g.f.len, VFC_FMT_SIZE - 1);
	assert_consistent(&g.f);
	assert_canary_intact(&g);
}
END_TEST

START_TEST(test_one_byte_more_sets_truncated)
{
	struct guarded g;

	guarded_init(&g);
	fill(&g.f, VFC_FMT_SIZE);
	ck_assert(g.f.truncated);
	ck_assert_uint_eq(g.f.len, VFC_FMT_SIZE - 1);
	assert_consistent(&g.f);
	assert_canary_intact(&g);
}
END_TEST

START_TEST(test_long_string_truncates_without_overrun)
{
	static char big[3 * VFC_FMT_SIZE];
	struct guarded g;

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	guarded_init(&g);
	vfc_fmt_str(&g.f, big);
	ck_assert(g.f.truncated);
	assert_consistent(&g.f);
	assert_canary_intact(&g);
}
END_TEST

START_TEST(test_every_writer_truncates_without_overrun)
{
	static char hostile[VFC_FMT_SIZE];
	struct guarded g;

	memset(hostile, '\n', sizeof(hostile) - 1);
	hostile[sizeof(hostile) - 1] = '\0';
	for (size_t pre = VFC_FMT_SIZE - 24; pre < VFC_FMT_SIZE; pre++) {
		guarded_init(&g);
		fill(&g.f, pre);
		vfc_fmt_u64(&g.f, UINT64_MAX);
		vfc_fmt_i64(&g.f, INT64_MIN);
		vfc_fmt_hex(&g.f, UINT64_MAX);
		vfc_fmt_key(&g.f, "key");
		vfc_fmt_json_str(&g.f, hostile);
		ck_assert(g.f.truncated);
		assert_consistent(&g.f);
		assert_canary_intact(&g);
	}
}
END_TEST

START_TEST(test_output_after_truncation_is_dropped)
{
	struct vfc_fmt f;

	vfc_fmt_init(&f);
	fill(&f, VFC_FMT_SIZE + 10);
	ck_assert(f.truncated);
	vfc_fmt_str(&f, "tail");
	ck_assert_uint_eq(f.len, VFC_FMT_SIZE - 1);
	ck_assert_ptr_null(strstr(f.buf, "tail"));
	ck_assert(f.truncated);
}
END_TEST

START_TEST(test_number_cut_at_the_end_sets_truncated)
{
	struct vfc_fmt f;

	vfc_fmt_init(&f);
	fill(&f, VFC_FMT_SIZE - 3);
	vfc_fmt_u64(&f, 12345);
	ck_assert(f.truncated);
	ck_assert_str_eq(f.buf + VFC_FMT_SIZE - 3, "12");
}
END_TEST

START_TEST(test_init_clears_truncated)
{
	struct vfc_fmt f;

	vfc_fmt_init(&f);
	fill(&f, VFC_FMT_SIZE * 2);
	ck_assert(f.truncated);
	vfc_fmt_init(&f);
	ck_assert(!f.truncated);
	ck_assert_uint_eq(f.len, 0);
	vfc_fmt_str(&f, "ok");
	ck_assert_str_eq(f.buf, "ok");
}
END_TEST

/* ---- vfc_errno_name ---- */

START_TEST(test_named_errnos_have_their_symbol)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
	    {EPERM, "EPERM"},	      {ENOENT, "ENOENT"}, {EIO, "EIO"},
	    {EBADF, "EBADF"},	      {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},
	    {EFAULT, "EFAULT"},	      {EBUSY, "EBUSY"},	  {EEXIST, "EEXIST"},
	    {ENODEV, "ENODEV"},	      {EINVAL, "EINVAL"}, {ENOSPC, "ENOSPC"},
	    {ERANGE, "ERANGE"},	      {ENOTTY, "ENOTTY"}, {ENOSYS, "ENOSYS"},
	    {ENXIO, "ENXIO"},	      {E2BIG, "E2BIG"},	  {EMFILE, "EMFILE"},
	    {EROFS, "EROFS"},	      {ELOOP, "ELOOP"},	  {EOPNOTSUPP, "EOPNOTSUPP"},
	    {EOVERFLOW, "EOVERFLOW"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_ptr_nonnull(vfc_errno_name(names[i].err));
		ck_assert_str_eq(vfc_errno_name(names[i].err), names[i].name);
	}
}
END_TEST

START_TEST(test_zero_errno_is_named_zero)
{
	ck_assert_str_eq(vfc_errno_name(0), "0");
}
END_TEST

START_TEST(test_unnamed_errnos_are_null)
{
	ck_assert_ptr_null(vfc_errno_name(EHOSTDOWN));
	ck_assert_ptr_null(vfc_errno_name(9999));
	ck_assert_ptr_null(vfc_errno_name(-1));
	ck_assert_ptr_null(vfc_errno_name(-EINVAL));
}
END_TEST

Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *tc;

	tc = tcase_create("text");
	tcase_add_test(tc, test_init_gives_empty_untruncated_string);
	tcase_add_test(tc, test_str_appends);
	tcase_add_test(tc, test_null_str_appends_nothing);
	tcase_add_test(tc, test_u64_prints_decimal);
	tcase_add_test(tc, test_i64_prints_signed_decimal);
	tcase_add_test(tc, test_i64_min_prints_without_overflow);
	tcase_add_test(tc, test_hex_prints_prefixed_lowercase);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_plain_string_is_quoted);
	tcase_add_test(tc, test_json_null_string_is_empty_string);
	tcase_add_test(tc, test_json_escapes_quote_and_backslash);
	tcase_add_test(tc, test_json_escapes_control_bytes);
	tcase_add_test(tc, test_json_invalid_utf8_bytes_become_replacement_characters);
	tcase_add_test(tc, test_json_utf8_reads_back_as_the_same_characters);
	tcase_add_test(tc, test_json_output_is_printable_ascii_for_every_byte);
	tcase_add_test(tc, test_json_str_n_quotes_at_most_max_bytes);
	tcase_add_test(tc, test_key_is_quoted_with_colon);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation");
	tcase_add_test(tc, test_buffer_holds_size_minus_one_bytes_untruncated);
	tcase_add_test(tc, test_one_byte_more_sets_truncated);
	tcase_add_test(tc, test_long_string_truncates_without_overrun);
	tcase_add_test(tc, test_every_writer_truncates_without_overrun);
	tcase_add_test(tc, test_output_after_truncation_is_dropped);
	tcase_add_test(tc, test_number_cut_at_the_end_sets_truncated);
	tcase_add_test(tc, test_init_clears_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("errno");
	tcase_add_test(tc, test_named_errnos_have_their_symbol);
	tcase_add_test(tc, test_zero_errno_is_named_zero);
	tcase_add_test(tc, test_unnamed_errnos_are_null);
	tcase_add_test(tc, test_kv_fields);
	suite_add_tcase(s, tc);
	return s;
}
