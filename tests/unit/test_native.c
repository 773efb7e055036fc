// SPDX-License-Identifier: GPL-2.0-only
/* The native prediction: the table covers every feature, programs, the judge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"
#include "native.h"
#include "trial.h"
#include "unit.h"

static struct vfc_trial t;
static char err[256];

static void feed(const char *source, const char *prog, const char *features, const char *maps)
{
	char line[1024];

	vfc_trial_begin_source(&t, source);
	snprintf(
	    line, sizeof(line),
	    "{\"type\":\"start\",\"schema\":1,\"pid\":7,\"program\":\"%s\",\"mode\":\"redirect\"}",
	    prog);
	ck_assert_int_eq(vfc_trial_add_line(&t, line, strlen(line), err, sizeof(err)), 0);
	snprintf(line, sizeof(line),
		 "{\"type\":\"open\",\"pid\":7,\"fd\":5,\"node\":\"container\",\"action\":"
		 "\"redirected\"}");
	ck_assert_int_eq(vfc_trial_add_line(&t, line, strlen(line), err, sizeof(err)), 0);
	snprintf(line, sizeof(line),
		 "{\"type\":\"summary\",\"schema\":1,\"pid\":7,\"program\":\"%s\",\"mode\":"
		 "\"redirect\",\"verdict\":\"ready\",\"redirected\":1,\"containers\":1,\"ioctls\":{"
		 "\"IOMMU_MAP_DMA\":{\"calls\":%s,\"errors\":0}},\"features\":{%s}}",
		 prog, maps, features);
	ck_assert_msg(!vfc_trial_add_line(&t, line, strlen(line), err, sizeof(err)), "%s", err);
	vfc_trial_finish(&t);
}

static void setup(void)
{
	vfc_trial_init(&t);
}

static void teardown(void)
{
	vfc_trial_free(&t);
}

START_TEST(test_every_feature_has_a_native_row)
{
	for (int f = 0; f < VFC_F_COUNT; f++) {
		const struct vfc_native_feature *nf = vfc_native_feature((enum vfc_feature)f);

		ck_assert_msg(nf, "feature %s has no row in native.def",
			      vfc_feature((enum vfc_feature)f)->name);
		ck_assert(nf->native[0] && nf->remedy[0]);
		ck_assert(!strcmp(nf->evidence, "lab") || !strcmp(nf->evidence, "sources"));
	}
}
END_TEST

START_TEST(test_programs)
{
	ck_assert(vfc_native_program("qemu-system-x86_64")->backend);
	ck_assert(vfc_native_program("/usr/bin/qemu-system-aarch64")->backend);
	ck_assert(vfc_native_program("qemu-system-x86")->backend); /* comm, 15 bytes */
	ck_assert(vfc_native_program("cloud-hypervisor")->p2p_fatal);
	ck_assert(vfc_native_program("dpdk-testpmd")->backend);
	ck_assert(!vfc_native_program("qemu-io")->backend);
	ck_assert(!vfc_native_program("unknown-vmm")->backend);
	ck_assert(!vfc_native_program("")->backend);
	ck_assert(!vfc_native_program(NULL)->backend);
}
END_TEST

START_TEST(test_qemu_p2p_starts_logs_and_pins_per_user)
{
	struct vfc_native n;

	feed("/r/a.jsonl", "qemu-system-x86_64", "\"p2p_map\":3,\"dma_avail\":1", "10");
	vfc_native_judge(&t, &t.procs[0], &n);
	ck_assert(n.available && n.starts);
	ck_assert_int_eq(n.verdict, VFC_V_NOT_READY);
	ck_assert_str_eq(n.error, "IOMMU_IOAS_MAP failed: Bad address, PCI BAR?");
	ck_assert_str_eq(n.memlock, "user");
	ck_assert_str_eq(n.locked, "VmPin");
	ck_assert_ptr_nonnull(strstr(n.reason, "p2p_map"));
}
END_TEST

START_TEST(test_qemu_without_p2p_has_the_memlock_difference)
{
	struct vfc_native n;
	enum vfc_verdict v;

	/* dma_avail and type1_v1 leave nothing behind natively; pinning does. */
	feed("/r/a.jsonl", "qemu-system-x86_64", "\"dma_avail\":1,\"type1_v1\":1", "4");
	vfc_native_judge(&t, &t.procs[0], &n);
	ck_assert_int_eq(n.verdict, VFC_V_CHANGES);
	ck_assert_str_eq(n.error, "");
	ck_assert_ptr_nonnull(strstr(n.reason, "VmPin"));
	ck_assert_str_eq(vfc_native_merge(&t, &v), "ready-with-differences");
}
END_TEST

START_TEST(test_nothing_pinned_nothing_used_is_ready)
{
	struct vfc_native n;

	feed("/r/a.jsonl", "qemu-system-x86_64", "", "0");
	vfc_native_judge(&t, &t.procs[0], &n);
	ck_assert_int_eq(n.verdict, VFC_V_READY);
}
END_TEST

START_TEST(test_cloud_hypervisor_does_not_start_with_p2p)
{
	struct vfc_native n;

	feed("/r/a.jsonl", "cloud-hypervisor", "\"p2p_map\":1", "2");
	vfc_native_judge(&t, &t.procs[0], &n);
	ck_assert(!n.starts);
	ck_assert_int_eq(n.verdict, VFC_V_NOT_READY);
}
END_TEST

START_TEST(test_libvirt_managed_counts_per_process)
{
	struct vfc_native n;

	feed("/run/vfiocompat/log/libvirt-0f7e/vfiocompat-qemu.jsonl", "qemu-system-x86_64", "",
	     "4");
	vfc_native_judge(&t, &t.procs[0], &n);
	ck_assert(n.managed);
	ck_assert_str_eq(n.locked, "VmLck+VmPin");
	/* Per process and VmLck, as type1: not a difference. */
	ck_assert_int_eq(n.verdict, VFC_V_READY);
}
END_TEST

START_TEST(test_libvirt_link_to_its_directory_counts_too)
{
	struct vfc_native n;
	char dir[] = "/tmp/vfc-native-XXXXXX", real[300], link[300], src[340];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(real, sizeof(real), "%s/libvirt-0f7e", dir);
	snprintf(link, sizeof(link), "%s/guest1", dir);
	ck_assert_int_eq(mkdir(real, 0700), 0);
	ck_assert_int_eq(symlink("libvirt-0f7e", link), 0);
	snprintf(src, sizeof(src), "%s/vfiocompat-qemu.jsonl", link);
	feed(src, "qemu-system-x86_64", "", "4");
	vfc_native_judge(&t, &t.procs[0], &n);
	unlink(link);
	rmdir(real);
	rmdir(dir);
	ck_assert(n.managed);
}
END_TEST

START_TEST(test_no_backend_says_so)
{
	struct vfc_native n;
	enum vfc_verdict v;

	feed("/r/a.jsonl", "qemu-io", "", "4");
	vfc_native_judge(&t, &t.procs[0], &n);
	ck_assert(!n.available);
	ck_assert_str_eq(vfc_native_merge(&t, &v), VFC_NATIVE_NONE);
}
END_TEST

START_TEST(test_spapr_blocks_natively_too)
{
	struct vfc_native n;

	feed("/r/a.jsonl", "qemu-system-ppc64", "\"spapr\":1", "0");
	vfc_native_judge(&t, &t.procs[0], &n);
	ck_assert_int_eq(n.verdict, VFC_V_NOT_READY);
}
END_TEST

Suite *native_suite(void)
{
	Suite *s = suite_create("native");
	TCase *tc = tcase_create("native");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_every_feature_has_a_native_row);
	tcase_add_test(tc, test_programs);
	tcase_add_test(tc, test_qemu_p2p_starts_logs_and_pins_per_user);
	tcase_add_test(tc, test_qemu_without_p2p_has_the_memlock_difference);
	tcase_add_test(tc, test_nothing_pinned_nothing_used_is_ready);
	tcase_add_test(tc, test_cloud_hypervisor_does_not_start_with_p2p);
	tcase_add_test(tc, test_libvirt_managed_counts_per_process);
	tcase_add_test(tc, test_libvirt_link_to_its_directory_counts_too);
	tcase_add_test(tc, test_no_backend_says_so);
	tcase_add_test(tc, test_spapr_blocks_natively_too);
	suite_add_tcase(s, tc);
	return s;
}
