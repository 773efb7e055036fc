// SPDX-License-Identifier: GPL-2.0-only
/* The command's small pure helpers: kernel config, run's environment, migration rule. */
#include <limits.h>
#include <string.h>

#include "benchstat.h"
#include "kconfig.h"
#include "libdeps.h"
#include "migration.h"
#include "pci.h"
#include "runenv.h"
#include "unit.h"

static const char cfg[] = "# comment\n"
			  "CONFIG_IOMMUFD=y\n"
			  "CONFIG_IOMMUFD_TEST=m\n"
			  "# CONFIG_IOMMUFD_VFIO_CONTAINER is not set\n"
			  "CONFIG_VFIO=m\n"
			  "CONFIG_VFIO_CONTAINER=yes\n"
			  "CONFIG_NR_CPUS=64\n"
			  "CONFIG_LAST=y";

START_TEST(test_kconfig_values)
{
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "IOMMUFD"), 'y');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "IOMMUFD_TEST"), 'm');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "IOMMUFD_VFIO_CONTAINER"), 'n');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "VFIO"), 'm');
	/* Not y or m exactly: off, never half-read. */
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "VFIO_CONTAINER"), 'n');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "NR_CPUS"), 'n');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "ABSENT"), 'n');
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "LAST"), 'y');
	/* A prefix of a longer name does not match it. */
	ck_assert_int_eq(vfc_kconfig_value(cfg, strlen(cfg), "IOMMU"), 'n');
	/* The length bounds the scan: a cut buffer does not read past it. */
	ck_assert_int_eq(vfc_kconfig_value(cfg, 20, "IOMMUFD_TEST"), 'n');
}
END_TEST

START_TEST(test_kernel_measured)
{
	char b[256];

	ck_assert_int_eq(vfc_kernel_measured("7.3.4", b, sizeof(b)), 0);
	ck_assert_ptr_nonnull(strstr(b, "was measured in the lab"));
	ck_assert_int_eq(vfc_kernel_measured("6.12.118-amd64", b, sizeof(b)), 0);
	ck_assert_ptr_nonnull(strstr(b, "was measured in the lab"));
	ck_assert_int_eq(vfc_kernel_measured("6.12.40-1-rt", b, sizeof(b)), 0);
	ck_assert_ptr_nonnull(strstr(b, "measured this series at 6.12.118"));
	ck_assert_int_eq(vfc_kernel_measured("6.8.0-45-generic", b, sizeof(b)), -1);
	ck_assert_ptr_nonnull(
	    strstr(b, "older than any kernel the lab measured (6.12.118 and 7.3.4)"));
	ck_assert_int_eq(vfc_kernel_measured("7.4", b, sizeof(b)), 1);
	ck_assert_ptr_nonnull(strstr(b, "newer than any"));
	ck_assert_int_eq(vfc_kernel_measured("6.18.44-fc", b, sizeof(b)), 0);
	ck_assert_ptr_nonnull(strstr(b, "not measured: it lies between"));
	ck_assert_int_eq(vfc_kernel_measured("x", b, sizeof(b)), 2);
	ck_assert_int_eq(vfc_kernel_type1_nesting("6.12.118"), 1);
	ck_assert_int_eq(vfc_kernel_type1_nesting("7.3.9"), 0);
	ck_assert_int_eq(vfc_kernel_type1_nesting("6.18.1"), -1);
	ck_assert_int_eq(vfc_kernel_type1_nesting(""), -1);
}
END_TEST

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

START_TEST(test_migration_rule)
{
	char dir[PATH_MAX], err[512];

	/* Statuses of the verdicts check --migration prints. */
	ck_assert_int_eq(vfc_migration_status(VFC_MV_MIGRATABLE), VFC_PASS);
	ck_assert_int_eq(vfc_migration_status(VFC_MV_NEITHER), VFC_INFO);
	ck_assert_int_eq(vfc_migration_status(VFC_MV_DEGRADED), VFC_WARN);
	ck_assert_int_eq(vfc_migration_status(VFC_MV_BLOCKED), VFC_FAIL);
	/* Device names: the forms refused say which forms are accepted. */
	ck_assert_int_eq(vfc_migration_resolve("zz:bad", dir, sizeof(dir), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a PCI address; give it as DDDD:BB:DD.F"));
	ck_assert_int_eq(vfc_migration_resolve("0000:3:00.0", dir, sizeof(dir), err, sizeof(err)),
			 -1);
	ck_assert_int_eq(vfc_migration_resolve("03:00.8", dir, sizeof(dir), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a PCI address"));
	/* Well-formed but absent: the sysfs path it looked for is named. */
	ck_assert_int_eq(vfc_migration_resolve("fe:1f.7", dir, sizeof(dir), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/sys/bus/pci/devices/0000:fe:1f.7"));
	ck_assert_int_eq(vfc_migration_resolve("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", dir,
					       sizeof(dir), err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(
	    strstr(err, "/sys/bus/mdev/devices/83B8F4F2-509F-382F-3C1E-E6BFE0FA1001"));
	ck_assert_int_eq(vfc_migration_resolve("/tmp", dir, sizeof(dir), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a device under /sys/devices"));
}
END_TEST

START_TEST(test_spread)
{
	double odd[] = {5, 1, 3}, even[] = {4, 1, 3, 2};
	struct vfc_spread s = vfc_spread_of(odd, 3);

	ck_assert(s.median == 3 && s.min == 1 && s.max == 5);
	s = vfc_spread_of(even, 4);
	ck_assert(s.median == 2.5 && s.min == 1 && s.max == 4);
}
END_TEST

START_TEST(test_sizes)
{
	char b[32];

	ck_assert_uint_eq(vfc_size_parse("4K"), 4096);
	ck_assert_uint_eq(vfc_size_parse("2M"), 2u << 20);
	ck_assert_uint_eq(vfc_size_parse("1G"), 1u << 30);
	ck_assert_uint_eq(vfc_size_parse("65536"), 65536);
	ck_assert_uint_eq(vfc_size_parse("2G"), 0); /* over 1 GiB */
	ck_assert_uint_eq(vfc_size_parse("3K"), 0); /* not whole pages */
	ck_assert_uint_eq(vfc_size_parse("0"), 0);
	ck_assert_uint_eq(vfc_size_parse("4KB"), 0);
	ck_assert_uint_eq(vfc_size_parse("-4K"), 0);
	ck_assert_uint_eq(vfc_size_parse("99999999999999999999G"), 0);
	ck_assert_str_eq(vfc_size_name(4096, b, sizeof(b)), "4 KiB");
	ck_assert_str_eq(vfc_size_name(2u << 20, b, sizeof(b)), "2 MiB");
	ck_assert_str_eq(vfc_size_name(1u << 30, b, sizeof(b)), "1 GiB");
	ck_assert_str_eq(vfc_size_name(12288, b, sizeof(b)), "12 KiB");
	ck_assert_str_eq(vfc_size_name(100, b, sizeof(b)), "100 B");
}
END_TEST

START_TEST(test_ratio_reading)
{
	char b[128];

	ck_assert_str_eq(vfc_ratio_reading("iommufd", "maps 2 MiB chunks", 1.9, b, sizeof(b)),
			 "iommufd maps 2 MiB chunks 1.9x slower here");
	ck_assert_str_eq(vfc_ratio_reading("iommufd", "maps 4 KiB chunks", 0.5, b, sizeof(b)),
			 "iommufd maps 4 KiB chunks 2.0x faster here");
	ck_assert_str_eq(vfc_ratio_reading("module", "maps 4 KiB chunks", 1.02, b, sizeof(b)),
			 "module maps 4 KiB chunks as fast as type1 here (1.02x)");
}
END_TEST

START_TEST(test_pci_addr)
{
	char b[16];

	ck_assert(vfc_pci_addr("0000:03:00.0", b, sizeof(b)));
	ck_assert_str_eq(b, "0000:03:00.0");
	ck_assert(vfc_pci_addr("03:00.0", b, sizeof(b)));
	ck_assert_str_eq(b, "0000:03:00.0");
	ck_assert(vfc_pci_addr("0001:AF:1F.7", b, sizeof(b)));
	ck_assert_str_eq(b, "0001:af:1f.7");
	ck_assert(!vfc_pci_addr("notabdf", b, sizeof(b)));
	ck_assert(!vfc_pci_addr("03:00.0 ", b, sizeof(b)));
	ck_assert(!vfc_pci_addr("3:0.0", b, sizeof(b)));
	ck_assert(!vfc_pci_addr("03:20.0", b, sizeof(b))); /* device > 1f */
	ck_assert(!vfc_pci_addr("03:00.8", b, sizeof(b))); /* function > 7 */
	ck_assert(!vfc_pci_addr("+3:00.0", b, sizeof(b))); /* sscanf would take a sign */
	ck_assert(!vfc_pci_addr("0000:03:00.0x", b, sizeof(b)));
	ck_assert(!vfc_pci_addr("", b, sizeof(b)));
}
END_TEST

START_TEST(test_kconfig_header)
{
	static const char hdr[] = "#\n# Automatically generated file; DO NOT EDIT.\n"
				  "# Linux/x86 6.8.0-45-generic Kernel Configuration\n#\n"
				  "CONFIG_IOMMUFD=y\n";
	static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\nCONFIG:x\n";
	static const char unset[] = "# CONFIG_VFIO is not set\n";
	char r[64];

	ck_assert(vfc_kconfig_release(hdr, strlen(hdr), r, sizeof(r)));
	ck_assert_str_eq(r, "6.8.0-45-generic");
	ck_assert(!vfc_kconfig_release(cfg, strlen(cfg), r, sizeof(r)));
	ck_assert(vfc_kconfig_plausible(hdr, strlen(hdr)));
	ck_assert(vfc_kconfig_plausible(unset, strlen(unset)));
	ck_assert(vfc_kconfig_plausible(cfg, strlen(cfg)));
	ck_assert(!vfc_kconfig_plausible(passwd, strlen(passwd)));
	ck_assert(!vfc_kconfig_plausible("", 0));
}
END_TEST

/* The system's own loader cache: libc is there, where the loader maps it. */
START_TEST(test_ldcache)
{
	char p[4096];
	const char *via = "";

	ck_assert(!vfc_ldcache_lookup("/etc/ld.so.cache", "libnot-a-library.so.9", p, sizeof(p)));
	ck_assert(!vfc_ldcache_lookup("/nonexistent", "libc.so.6", p, sizeof(p)));
	ck_assert(!vfc_ldcache_lookup("/etc/passwd", "libc.so.6", p, sizeof(p)));
	if (vfc_ldcache_lookup("/etc/ld.so.cache", "libc.so.6", p, sizeof(p)))
		ck_assert(strstr(p, "/libc.so.6"));
	ck_assert(vfc_lib_resolve("libc.so.6", "/bin/true", "", "", "", p, sizeof(p), &via));
	ck_assert(strstr(p, "libc.so.6"));
	ck_assert(
	    !vfc_lib_resolve("libnot-a-library.so.9", "/bin/true", "", "", "", p, sizeof(p), &via));
}
END_TEST

Suite *cli_pure_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, test_kconfig_values);
	tcase_add_test(tc, test_kernel_measured);
	tcase_add_test(tc, test_preload_value);
	tcase_add_test(tc, test_log_glob);
	tcase_add_test(tc, test_which);
	tcase_add_test(tc, test_migration_rule);
	tcase_add_test(tc, test_spread);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_ratio_reading);
	tcase_add_test(tc, test_pci_addr);
	tcase_add_test(tc, test_kconfig_header);
	tcase_add_test(tc, test_ldcache);
	suite_add_tcase(s, tc);
	return s;
}
