// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of shim/ioctl/migobs.c. */
#include <json-c/json.h>
#include <linux/vfio.h>
#include <string.h>

#include "migobs.h"
#include "migverdict.h"
#include "unit.h"

struct feat_buf {
	struct vfio_device_feature h;
	uint32_t data[4];
};

static struct feat_buf feat(uint32_t flags, uint32_t d0, uint32_t d1)
{
	struct feat_buf b;

	memset(&b, 0, sizeof(b));
	b.h.argsz = sizeof(b.h) + 8;
	b.h.flags = flags;
	b.data[0] = d0;
	b.data[1] = d1;
	return b;
}

START_TEST(devfeat_decodes_the_migration_features)
{
	struct vfc_devfeat d;
	struct feat_buf b = feat(VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
				 VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P, 0);

	vfc_devfeat_decode(&b, sizeof(b), true, &d);
	ck_assert_int_eq(d.op, VFC_DF_MIGRATION);
	ck_assert_uint_eq(d.mig_flags, VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P);
	/* A failed GET's data is the caller's, not the kernel's answer. */
	vfc_devfeat_decode(&b, sizeof(b), false, &d);
	ck_assert_uint_eq(d.mig_flags, 0);

	b = feat(VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		 VFIO_DEVICE_STATE_RESUMING, (uint32_t)-1);
	vfc_devfeat_decode(&b, sizeof(b), true, &d);
	ck_assert_int_eq(d.op, VFC_DF_STATE_SET);
	ck_assert_uint_eq(d.state, VFIO_DEVICE_STATE_RESUMING);

	b = feat(VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 0, 0);
	vfc_devfeat_decode(&b, sizeof(b), true, &d);
	ck_assert_int_eq(d.op, VFC_DF_STATE_GET);

	b = feat(VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		     VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
		 0, 0);
	vfc_devfeat_decode(&b, sizeof(b), true, &d);
	ck_assert_int_eq(d.op, VFC_DF_LOGGING_PROBE);
	b.h.flags &= ~VFIO_DEVICE_FEATURE_PROBE;
	vfc_devfeat_decode(&b, sizeof(b), true, &d);
	ck_assert_int_eq(d.op, VFC_DF_LOGGING_START);
	b.h.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP;
	vfc_devfeat_decode(&b, sizeof(b), true, &d);
	ck_assert_int_eq(d.op, VFC_DF_LOGGING_STOP);
	b.h.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	vfc_devfeat_decode(&b, sizeof(b), true, &d);
	ck_assert_int_eq(d.op, VFC_DF_OTHER);
}
END_TEST

START_TEST(devfeat_reads_nothing_past_what_it_is_given)
{
	struct vfc_devfeat d;
	struct feat_buf b = feat(VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
				 VFIO_DEVICE_STATE_STOP_COPY, 0);

	/* Header only (a failed call): the state is not read. */
	vfc_devfeat_decode(&b, sizeof(b.h), false, &d);
	ck_assert_int_eq(d.op, VFC_DF_STATE_SET);
	ck_assert_uint_eq(d.state, 0);
	/* argsz shorter than the data: not read either. */
	b.h.argsz = sizeof(b.h);
	vfc_devfeat_decode(&b, sizeof(b), true, &d);
	ck_assert_uint_eq(d.state, 0);
	vfc_devfeat_decode(&b, 4, true, &d);
	ck_assert_int_eq(d.op, VFC_DF_OTHER);
	vfc_devfeat_decode(NULL, 64, true, &d);
	ck_assert_int_eq(d.op, VFC_DF_OTHER);
}
END_TEST

START_TEST(dirty_verbs)
{
	ck_assert_int_eq(vfc_dirty_verb(VFIO_IOMMU_DIRTY_PAGES_FLAG_START), 0);
	ck_assert_int_eq(vfc_dirty_verb(VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP), 1);
	ck_assert_int_eq(vfc_dirty_verb(VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP), 2);
	ck_assert_int_eq(
	    vfc_dirty_verb(VFIO_IOMMU_DIRTY_PAGES_FLAG_START | VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP),
	    -1);
}
END_TEST

START_TEST(observed_counts_reach_the_summary)
{
	struct feat_buf b = feat(VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
				 VFIO_DEVICE_STATE_RESUMING, 16);
	struct vfc_fmt f;

	vfc_mig_reset();
	vfc_mig_observe_device(VFIO_DEVICE_FEATURE, &b, 0, 0);
	b.h.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION;
	b.data[0] = VFIO_MIGRATION_STOP_COPY;
	b.data[1] = 0;
	vfc_mig_observe_device(VFIO_DEVICE_FEATURE, &b, 0, 0);
	/* Another request on the device fd is not a feature call. */
	vfc_mig_observe_device(VFIO_DEVICE_RESET, &b, 0, 0);
	vfc_mig_observe_dirty(VFIO_IOMMU_DIRTY_PAGES_FLAG_START, -1);
	vfc_fmt_init(&f);
	vfc_fmt_migration(&f, &vfc_mig);
	ck_assert_ptr_nonnull(strstr(f.buf, "\"device_migration\":1,"));
	ck_assert_ptr_nonnull(strstr(f.buf, "\"device_migration_flags\":\"0x1\""));
	ck_assert_ptr_nonnull(strstr(f.buf, "\"mig_device_state\":1,"));
	ck_assert_ptr_nonnull(strstr(f.buf, "\"states_reached\":[\"resuming\"]"));
	ck_assert_ptr_nonnull(strstr(f.buf, "\"last_state\":\"resuming\""));
	ck_assert_ptr_nonnull(strstr(f.buf, "\"dirty_start\":0,\"dirty_start_errors\":1"));
	vfc_mig_reset();
}
END_TEST

START_TEST(qemu_settings_from_arguments)
{
	struct vfc_mig_stats m;
	char a0[] = "qemu", a1[] = "-device",
	     a2[] = "vfio-pci,sysfsdev=/x,x-device-dirty-page-tracking=off,enable-migration=on",
	     a3[] = "{\"driver\":\"vfio-pci\",\"x-device-dirty-page-tracking\": \"off\"}",
	     a4[] = "vfio-pci,x-device-dirty-page-tracking=offline,enable-migration=onward";
	char *v1[] = {a0, a1, a2, NULL}, *v2[] = {a0, a3, NULL}, *v3[] = {a0, a4, NULL};

	memset(&m, 0, sizeof(m));
	vfc_mig_scan_args(3, v1, &m);
	ck_assert(m.vmm_tracking_off && m.vmm_force);
	memset(&m, 0, sizeof(m));
	vfc_mig_scan_args(2, v2, &m);
	ck_assert(m.vmm_tracking_off && !m.vmm_force);
	memset(&m, 0, sizeof(m));
	vfc_mig_scan_args(2, v3, &m);
	ck_assert(!m.vmm_tracking_off && !m.vmm_force);
	vfc_mig_scan_args(0, NULL, &m);
}
END_TEST

Suite *migobs_suite(void)
{
	Suite *s = suite_create("migobs");

	TCase *tc = tcase_create("core_migration");
	tcase_add_test(tc, devfeat_decodes_the_migration_features);
	tcase_add_test(tc, devfeat_reads_nothing_past_what_it_is_given);
	tcase_add_test(tc, dirty_verbs);
	tcase_add_test(tc, observed_counts_reach_the_summary);
	tcase_add_test(tc, qemu_settings_from_arguments);
	suite_add_tcase(s, tc);
	return s;
}
