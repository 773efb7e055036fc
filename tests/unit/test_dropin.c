// SPDX-License-Identifier: GPL-2.0-only
/* tools/systemd/dropin.c: what a unit's files say, and the trial's drop-in. */
#include <string.h>

#include "dropin.h"
#include "unit.h"

START_TEST(test_unit_names)
{
	char out[300], err[256];

	ck_assert(vfc_unit_name("spdk_tgt", out, sizeof(out), err, sizeof(err)));
	ck_assert_str_eq(out, "spdk_tgt.service");
	ck_assert(vfc_unit_name("dpdk@eth0.service", out, sizeof(out), err, sizeof(err)));
	ck_assert_str_eq(out, "dpdk@eth0.service");
	ck_assert(!vfc_unit_name("sshd.socket", out, sizeof(out), err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not a service"));
	ck_assert(!vfc_unit_name("dpdk@.service", out, sizeof(out), err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "template"));
	ck_assert(!vfc_unit_name("a/b", out, sizeof(out), err, sizeof(err)));
	ck_assert(!vfc_unit_name("a\nb", out, sizeof(out), err, sizeof(err)));
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert(!vfc_unit_name("", out, sizeof(out), err, sizeof(err)));
	ck_assert(!vfc_unit_name("-x", out, sizeof(out), err, sizeof(err)));
}
END_TEST

START_TEST(test_parse_devices)
{
	struct vfc_unit_facts f;

	vfc_unit_parse("[Service]\nExecStart=/bin/true\n", &f);
	ck_assert(!vfc_unit_restricts_devices(&f));
	vfc_unit_parse("[Service]\nDevicePolicy=closed\n", &f);
	ck_assert(vfc_unit_restricts_devices(&f));
	/* A later drop-in sets it back to auto. */
	vfc_unit_parse(
	    "[Service]\nDevicePolicy=strict\n# /x.d/a.conf\n[Service]\nDevicePolicy=auto\n", &f);
	ck_assert(!vfc_unit_restricts_devices(&f));
	vfc_unit_parse("[Service]\nDeviceAllow=/dev/vfio/vfio rw\n", &f);
	ck_assert(vfc_unit_restricts_devices(&f));
	vfc_unit_parse("[Service]\nDeviceAllow=/dev/vfio/vfio rw\nDeviceAllow=\n", &f);
	ck_assert(!vfc_unit_restricts_devices(&f));
	vfc_unit_parse("[Service]\nPrivateDevices=yes\n", &f);
	ck_assert(vfc_unit_restricts_devices(&f));
	/* Only [Service] counts; comments and other sections do not. */
	vfc_unit_parse("[Unit]\nDevicePolicy=closed\n[Service]\n#DevicePolicy=closed\n", &f);
	ck_assert(!vfc_unit_restricts_devices(&f));
	vfc_unit_parse("[Service]\n  DevicePolicy = closed  \n", &f);
	ck_assert(f.device_policy);
}
END_TEST

START_TEST(test_parse_preload)
{
	struct vfc_unit_facts f;

	vfc_unit_parse("[Service]\nEnvironment=\"LD_PRELOAD=/x.so\" A=1\n", &f);
	ck_assert(f.preload);
	vfc_unit_parse("[Service]\nEnvironment=A=1 \\\n  LD_PRELOAD=/x.so\n", &f);
	ck_assert(f.preload);
	vfc_unit_parse("[Service]\nEnvironment=MY_LD_PRELOAD=/x.so\n", &f);
	ck_assert(!f.preload);
	vfc_unit_parse("[Service]\nEnvironment=LD_PRELOAD=/x.so\nEnvironment=\n", &f);
	ck_assert(!f.preload);
	vfc_unit_parse("[Service]\nEnvironmentFile=-/etc/default/spdk\n", &f);
	ck_assert_int_eq(f.n_envfiles, 1);
	ck_assert_str_eq(f.envfiles[0], "-/etc/default/spdk");
	ck_assert(vfc_envfile_preloads("A=1\nexport LD_PRELOAD=/x.so\n"));
	ck_assert(vfc_envfile_preloads("  LD_PRELOAD=/x.so"));
	ck_assert(!vfc_envfile_preloads("# LD_PRELOAD=/x.so\nNO_LD_PRELOAD=1\n"));
}
END_TEST

START_TEST(test_render)
{
	char out[4096], err[256];
	int n;

	n = vfc_dropin_render(out, sizeof(out), "spdk.service",
			      "/usr/lib/x86_64-linux-gnu/libvfiocompat.so", "/dev/iommu", true, err,
			      sizeof(err));
	ck_assert_int_gt(n, 0);
	ck_assert(vfc_dropin_is_ours(out));
	ck_assert(vfc_dropin_created_dir(out));
	ck_assert_ptr_nonnull(strstr(out, "\n[Service]\n"));
	ck_assert_ptr_nonnull(
	    strstr(out, "\nEnvironment=LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libvfiocompat.so\n"));
	/* %e and %p are the shim's; in a unit file '%' is a specifier, hence %%. */
	ck_assert_ptr_nonnull(strstr(
	    out, "\nEnvironment=VFIOCOMPAT_LOG=/var/log/vfiocompat/spdk.service/%%e-%%p.jsonl\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nLogsDirectory=vfiocompat/spdk.service\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nDeviceAllow=/dev/iommu rw\n"));
	n = vfc_dropin_render(out, sizeof(out), "a\\x2db.service", "/opt/50%/libvfiocompat.so",
			      NULL, false, err, sizeof(err));
	ck_assert_int_gt(n, 0);
	ck_assert(!vfc_dropin_created_dir(out));
	ck_assert_ptr_null(strstr(out, "DeviceAllow"));
	ck_assert_ptr_nonnull(strstr(out, "LD_PRELOAD=/opt/50%%/libvfiocompat.so\n"));
	ck_assert_ptr_nonnull(strstr(out, "LogsDirectory=vfiocompat/a_x2db.service\n"));
	ck_assert_int_eq(vfc_dropin_render(out, sizeof(out), "a.service", "/a b/lib.so", NULL,
					   false, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(vfc_dropin_render(out, sizeof(out), "a.service", "lib.so", NULL, false,
					   err, sizeof(err)),
			 -1);
	ck_assert_int_eq(
	    vfc_dropin_render(out, 64, "a.service", "/lib.so", NULL, false, err, sizeof(err)), -1);
	ck_assert(!vfc_dropin_is_ours("[Service]\nNice=5\n"));
	ck_assert(!vfc_dropin_is_ours(VFC_DROPIN_MARKER "x\n"));
}
END_TEST

Suite *dropin_suite(void)
{
	Suite *s = suite_create("dropin");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_unit_names);
	tcase_add_test(tc, test_parse_devices);
	tcase_add_test(tc, test_parse_preload);
	tcase_add_test(tc, test_render);
	suite_add_tcase(s, tc);
	return s;
}
