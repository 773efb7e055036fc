// SPDX-License-Identifier: GPL-2.0-only
/* IOVA range arithmetic, reserved_regions parsing, VT-d facts, GET_INFO rebuild. */
#include <linux/vfio.h>
#include <stdint.h>
#include <string.h>

#include "iova.h"
#include "unit.h"

#define R(a, b) ((struct vfc_range){(a), (b)})

static int sub(uint64_t last, const struct vfc_range *r, int n, struct vfc_range *out)
{
	return vfc_ranges_subtract(last, r, n, out, VFC_MAX_RANGES);
}

START_TEST(test_no_reserved_gives_whole_aperture)
{
	struct vfc_range out[4];
	ck_assert_int_eq(sub((1ull << 48) - 1, NULL, 0, out), 1);
	ck_assert_uint_eq(out[0].start, 0);
	ck_assert_uint_eq(out[0].last, (1ull << 48) - 1);
}
END_TEST

START_TEST(test_msi_window_splits_the_aperture)
{
	struct vfc_range resv[] = {R(0xfee00000, 0xfeefffff)}, out[4];
	ck_assert_int_eq(sub(0xffffffffffff, resv, 1, out), 2);
	ck_assert_uint_eq(out[0].last, 0xfedfffff);
	ck_assert_uint_eq(out[1].start, 0xfef00000);
	ck_assert_uint_eq(out[1].last, 0xffffffffffff);
}
END_TEST

START_TEST(test_aperture_ending_at_u64_max)
{
	struct vfc_range resv[] = {R(0x1000, 0x1fff)}, out[4];
	ck_assert_int_eq(sub(UINT64_MAX, resv, 1, out), 2);
	ck_assert_uint_eq(out[1].start, 0x2000);
	ck_assert_uint_eq(out[1].last, UINT64_MAX);
}
END_TEST

START_TEST(test_reserved_ending_at_u64_max_leaves_no_tail)
{
	struct vfc_range resv[] = {R(0x10000, UINT64_MAX)}, out[4];
	ck_assert_int_eq(sub(UINT64_MAX, resv, 1, out), 1);
	ck_assert_uint_eq(out[0].start, 0);
	ck_assert_uint_eq(out[0].last, 0xffff);
}
END_TEST

START_TEST(test_adjacent_and_overlapping_regions_merge)
{
	/* Unsorted; 0x2000-0x2fff touches 0x3000-0x3fff; 0x3800-0x4fff overlaps. */
	struct vfc_range resv[] = {R(0x3800, 0x4fff), R(0x2000, 0x2fff), R(0x3000, 0x3fff)}, out[4];
	ck_assert_int_eq(sub(0xffff, resv, 3, out), 2);
	ck_assert_uint_eq(out[0].start, 0);
	ck_assert_uint_eq(out[0].last, 0x1fff);
	ck_assert_uint_eq(out[1].start, 0x5000);
	ck_assert_uint_eq(out[1].last, 0xffff);
}
END_TEST

START_TEST(test_everything_reserved_is_empty)
{
	struct vfc_range resv[] = {R(0, UINT64_MAX)}, out[4];
	ck_assert_int_eq(sub(0xffffffff, resv, 1, out), 0);
}
END_TEST

START_TEST(test_reserved_beyond_aperture_is_ignored)
{
	struct vfc_range resv[] = {R(1ull << 50, (1ull << 50) + 0xfff)}, out[4];
	ck_assert_int_eq(sub((1ull << 48) - 1, resv, 1, out), 1);
	ck_assert_uint_eq(out[0].last, (1ull << 48) - 1);
}
END_TEST

START_TEST(test_reserved_at_zero_starts_after_it)
{
	struct vfc_range resv[] = {R(0, 0xfff)}, out[4];
	ck_assert_int_eq(sub(0xffff, resv, 1, out), 1);
	ck_assert_uint_eq(out[0].start, 0x1000);
}
END_TEST

START_TEST(test_too_many_holes_is_an_error)
{
	struct vfc_range resv[] = {R(0x1000, 0x1fff), R(0x3000, 0x3fff)}, out[2];
	ck_assert_int_eq(vfc_ranges_subtract(0xffff, resv, 2, out, 2), -1);
}
END_TEST

START_TEST(test_parse_resv_skips_direct_relaxable)
{
	struct vfc_range out[4];
	bool msi = false;
	const char *t = "0x00000000000a0000 0x00000000000bffff direct-relaxable\n"
			"0x00000000fee00000 0x00000000feefffff msi\n";
	ck_assert_int_eq(vfc_parse_resv_regions(t, out, 4, &msi), 1);
	ck_assert_uint_eq(out[0].start, 0xfee00000);
	ck_assert_uint_eq(out[0].last, 0xfeefffff);
	ck_assert(msi);
}
END_TEST

START_TEST(test_parse_resv_tells_a_list_without_msi)
{
	/* What the kernel shows when the MSI region's allocation failed. */
	struct vfc_range out[4];
	bool msi = true;
	ck_assert_int_eq(
	    vfc_parse_resv_regions("0x00000000000a0000 0x00000000000bffff direct\n", out, 4, &msi),
	    1);
	ck_assert(!msi);
	msi = true;
	ck_assert_int_eq(vfc_parse_resv_regions("", out, 4, &msi), 0);
	ck_assert(!msi);
	/* A type that merely starts with "msi" is not the MSI window. */
	ck_assert_int_eq(vfc_parse_resv_regions("0x1000 0x1fff msix\n", out, 4, &msi), 1);
	ck_assert(!msi);
}
END_TEST

START_TEST(test_parse_resv_rejects_garbage)
{
	struct vfc_range out[4];
	bool msi;
	ck_assert_int_eq(vfc_parse_resv_regions("0x10 zz msi\n", out, 4, &msi), -1);
	ck_assert_int_eq(vfc_parse_resv_regions("0x20 0x10 msi\n", out, 4, &msi), -1);
	ck_assert_int_eq(vfc_parse_resv_regions("0x11112222333344445 0x1 msi\n", out, 4, &msi), -1);
	ck_assert_int_eq(vfc_parse_resv_regions("", out, 4, &msi), 0);
}
END_TEST

START_TEST(test_vtd_legacy_48_bit_with_superpages)
{
	/* MGAW 48 (47 in the field), SAGAW 39|48, SLLPS 2M|1G, no scalable mode. */
	uint64_t cap = (47ull << 16) | (0x6ull << 8) | (0x3ull << 34);
	struct vfc_iommu_facts f;
	const char *why = NULL;
	ck_assert(vfc_vtd_facts(cap, 0, false, &f, &why));
	ck_assert_uint_eq(f.aperture_last, (1ull << 48) - 1);
	ck_assert_uint_eq(f.pgsizes, 0x40201000);
	ck_assert(vfc_vtd_facts(cap, 0, true, &f, &why));
	ck_assert_uint_eq(f.pgsizes, 0x1000);
}
END_TEST

START_TEST(test_vtd_mgaw_39_limits_width)
{
	uint64_t cap = (38ull << 16) | (0x6ull << 8);
	struct vfc_iommu_facts f;
	const char *why = NULL;
	ck_assert(vfc_vtd_facts(cap, 0, false, &f, &why));
	ck_assert_uint_eq(f.aperture_last, (1ull << 39) - 1);
}
END_TEST

START_TEST(test_vtd_scalable_mode_is_not_guessed)
{
	struct vfc_iommu_facts f;
	const char *why = NULL;
	ck_assert(!vfc_vtd_facts((47ull << 16) | (0x6ull << 8), 1ull << 43, false, &f, &why));
	ck_assert_ptr_nonnull(why);
	/* First-stage tables (FLTS, as QEMU's x-flts=on): not modelled. */
	why = NULL;
	ck_assert(!vfc_vtd_facts((47ull << 16) | (0x6ull << 8), 0x480080f00f4aull | 1ull << 47,
				 false, &f, &why));
	ck_assert_ptr_nonnull(strstr(why, "first-stage"));
}
END_TEST

START_TEST(test_vtd_scalable_second_stage_as_legacy)
{
	struct vfc_iommu_facts f;
	const char *why = NULL;
	/* The lab's scalable-mode ecap: SMTS, SLTS set, FLTS clear. MGAW 48, SAGAW 48, 2M|1G. */
	uint64_t cap = (47ull << 16) | (0x4ull << 8) | (0x3ull << 34);
	ck_assert(vfc_vtd_facts(cap, 0x480080f00f4aull, false, &f, &why));
	ck_assert_uint_eq(f.aperture_last, 0xffffffffffffull);
	ck_assert_uint_eq(f.pgsizes, 0x40201000ull);
}
END_TEST

/* An iommufd-style answer: DMA_AVAIL then IOVA_RANGE with one range. */
static size_t kernel_answer(char *buf)
{
	struct vfio_iommu_type1_info h = {.flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS,
					  .iova_pgsizes = 0xfffffffffffff000ull,
					  .cap_offset = sizeof(h)};
	struct vfio_iommu_type1_info_dma_avail d = {
	    .header = {.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1, .next = sizeof(h) + 16},
	    .avail = 0xffffffff};
	struct vfio_iommu_type1_info_cap_iova_range r = {
	    .header = {.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1}, .nr_iovas = 1};
	struct vfio_iova_range one = {0, UINT64_MAX};
	/* Like the kernel, each capability is padded to 8 bytes (DMA_AVAIL: 12 -> 16). */
	size_t len = sizeof(h) + 16 + sizeof(r) + sizeof(one);
	h.argsz = (uint32_t)len;
	memset(buf, 0, len);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &d, sizeof(d));
	memcpy(buf + sizeof(h) + 16, &r, sizeof(r));
	memcpy(buf + sizeof(h) + 16 + sizeof(r), &one, sizeof(one));
	return len;
}

START_TEST(test_rebuild_replaces_ranges_and_keeps_dma_avail)
{
	char k[256], out[512];
	size_t klen = kernel_answer(k);
	struct vfc_range fixed[] = {R(0, 0xfedfffff), R(0xfef00000, 0xffffffffffff)}, back[4];
	long len = vfc_info_rebuild(k, klen, 0x40201000, fixed, 2, 4096, out, sizeof(out));
	ck_assert_int_eq(len, (long)(klen + sizeof(struct vfio_iova_range)));
	uint64_t pg;
	ck_assert_int_eq(vfc_info_ranges(out, (size_t)len, back, 4, &pg), 2);
	ck_assert_uint_eq(pg, 0x40201000);
	ck_assert_uint_eq(back[0].last, 0xfedfffff);
	ck_assert_uint_eq(back[1].start, 0xfef00000);
	struct vfio_iommu_type1_info h;
	memcpy(&h, out, sizeof(h));
	ck_assert_uint_eq(h.argsz, (uint32_t)len);
	ck_assert_uint_eq(h.cap_offset, sizeof(h));
	struct vfio_info_cap_header c;
	memcpy(&c, out + sizeof(h), sizeof(c));
	ck_assert_uint_eq(c.id, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
}
END_TEST

START_TEST(test_rebuild_small_argsz_gets_header_and_size_needed)
{
	char k[256], out[512];
	size_t klen = kernel_answer(k);
	struct vfc_range fixed[] = {R(0, 0xfedfffff), R(0xfef00000, 0xffffffffffff)};
	/* The caller sized its buffer from iommufd's first answer (one range): too small now. */
	long len =
	    vfc_info_rebuild(k, klen, 0x40201000, fixed, 2, (uint32_t)klen, out, sizeof(out));
	struct vfio_iommu_type1_info h;
	ck_assert_int_eq(len, (long)sizeof(h));
	memcpy(&h, out, sizeof(h));
	ck_assert_uint_eq(h.cap_offset, 0);
	ck_assert_uint_eq(h.argsz, klen + sizeof(struct vfio_iova_range));
	/* A header-only caller (argsz 16: no cap_offset) gets exactly 16 bytes. */
	ck_assert_int_eq(vfc_info_rebuild(k, klen, 0x1000, fixed, 2, 16, out, sizeof(out)), 16);
}
END_TEST

START_TEST(test_rebuild_rejects_a_looping_chain)
{
	char k[256], out[512];
	size_t klen = kernel_answer(k);
	uint32_t loop = sizeof(struct vfio_iommu_type1_info);
	memcpy(k + sizeof(struct vfio_iommu_type1_info) +
		   offsetof(struct vfio_info_cap_header, next),
	       &loop, sizeof(loop));
	struct vfc_range fixed[] = {R(0, 0xffff)};
	ck_assert_int_eq(vfc_info_rebuild(k, klen, 0x1000, fixed, 1, 4096, out, sizeof(out)), -1);
}
END_TEST

Suite *iova_suite(void)
{
	Suite *s = suite_create("iova");
	TCase *t = tcase_create("ranges");
	tcase_add_test(t, test_no_reserved_gives_whole_aperture);
	tcase_add_test(t, test_msi_window_splits_the_aperture);
	tcase_add_test(t, test_aperture_ending_at_u64_max);
	tcase_add_test(t, test_reserved_ending_at_u64_max_leaves_no_tail);
	tcase_add_test(t, test_adjacent_and_overlapping_regions_merge);
	tcase_add_test(t, test_everything_reserved_is_empty);
	tcase_add_test(t, test_reserved_beyond_aperture_is_ignored);
	tcase_add_test(t, test_reserved_at_zero_starts_after_it);
	tcase_add_test(t, test_too_many_holes_is_an_error);
	suite_add_tcase(s, t);
	t = tcase_create("sysfs");
	tcase_add_test(t, test_parse_resv_skips_direct_relaxable);
	tcase_add_test(t, test_parse_resv_tells_a_list_without_msi);
	tcase_add_test(t, test_parse_resv_rejects_garbage);
	tcase_add_test(t, test_vtd_legacy_48_bit_with_superpages);
	tcase_add_test(t, test_vtd_mgaw_39_limits_width);
	tcase_add_test(t, test_vtd_scalable_mode_is_not_guessed);
	tcase_add_test(t, test_vtd_scalable_second_stage_as_legacy);
	suite_add_tcase(s, t);
	t = tcase_create("rebuild");
	tcase_add_test(t, test_rebuild_replaces_ranges_and_keeps_dma_avail);
	tcase_add_test(t, test_rebuild_small_argsz_gets_header_and_size_needed);
	tcase_add_test(t, test_rebuild_rejects_a_looping_chain);
	suite_add_tcase(s, t);
	return s;
}
