// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/check/iommu_vendor.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdtable.h"
#include "getinfo_probe.h"
#include "iommu_vendor.h"
#include "iova.h"
#include "report.h"
#include "stats.h"
#include "unit.h"

static char root[64];

static void put(const char *path, const char *text)
{
	char full[256], dir[256];

	snprintf(full, sizeof(full), "%s%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - full), full);
		mkdir(dir, 0755);
	}
	FILE *f = fopen(full, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const struct vfc_check *find(const struct vfc_checklist *l, const char *name)
{
	for (unsigned i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name))
			return &l->items[i];
	return NULL;
}

static void fresh_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (root[0] && system(cmd))
		ck_abort_msg("rm");
	strcpy(root, "/tmp/vfc-vendor-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

/* ---- the fake host: a root of sysfs and procfs files, and the checklist read from it ---- */

static struct vfc_checklist *l;

static void fake_host_setup(void)
{
	l = calloc(1, sizeof(*l));
	ck_assert_ptr_nonnull(l);
	fresh_root();
}

static void fake_host_teardown(void)
{
	char cmd[128];

	free(l);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Each back end's allow_unsafe_interrupts parameter, 'Y' or 'N'; 0 leaves it as it is. */
static void put_unsafe_interrupts(char type1, char iommufd)
{
	char text[] = "?\n";

	if (type1) {
		text[0] = type1;
		put("/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", text);
	}
	if (iommufd) {
		text[0] = iommufd;
		put("/sys/module/iommufd/parameters/allow_unsafe_interrupts", text);
	}
}

/* vfiocompat check's IOMMU checks of the fake host, into an emptied checklist. */
static void check_host(void)
{
	memset(l, 0, sizeof(*l));
	vfc_check_iommu_vendor(l, root, 1);
}

/* ---- vfiocompat check's IOMMU knowledge (tools/check/iommu_vendor.c) ---- */

START_TEST(test_vtd_kind_from_ecap)
{
	/* The lab's scalable-mode VT-d: SMTS and SLTS set, FLTS clear. */
	ck_assert_int_eq(vfc_vtd_kind(0x480080f00f4aull, true), VFC_IOMMU_VTD_SECOND);
	/* QEMU's x-flts=on: FLTS set, SLTS clear. */
	ck_assert_int_eq(vfc_vtd_kind(0x880000f00f4aull, true), VFC_IOMMU_VTD_FIRST);
	ck_assert_int_eq(vfc_vtd_kind(0x480080f00f4aull | 1ull << 47, true), VFC_IOMMU_VTD_FIRST);
	ck_assert_int_eq(vfc_vtd_kind(0x480080f00f4aull, false), VFC_IOMMU_VTD_LEGACY);
	ck_assert_int_eq(vfc_vtd_kind(0xf00f5eull, true), VFC_IOMMU_VTD_LEGACY); /* no SMTS */
	ck_assert_int_eq(vfc_vtd_kind(1ull << 43, true), VFC_IOMMU_UNKNOWN);	 /* no stage */
	ck_assert_str_eq(vfc_iommu_lab_variant(VFC_IOMMU_VTD_FIRST), "intel-flts");
	ck_assert_str_eq(vfc_iommu_lab_variant(VFC_IOMMU_SMMUV3), "smmuv3");
}
END_TEST

START_TEST(test_cmdline_sm)
{
	ck_assert_int_eq(vfc_cmdline_intel_sm("ro intel_iommu=on,sm_on quiet"), 1);
	ck_assert_int_eq(vfc_cmdline_intel_sm("intel_iommu=sm_off"), 0);
	ck_assert_int_eq(vfc_cmdline_intel_sm("intel_iommu=on,sm_on intel_iommu=sm_off"), 0);
	ck_assert_int_eq(vfc_cmdline_intel_sm("intel_iommu=on"), -1);
	ck_assert_int_eq(vfc_cmdline_intel_sm("amd_iommu=on"), -1);
}
END_TEST

START_TEST(test_check_nagios_states)
{
	static const char *const want[] = {
	    "VFIOCOMPAT OK - host ready", "VFIOCOMPAT OK - host ready",
	    "VFIOCOMPAT OK - host ready", "VFIOCOMPAT WARNING - 0 FAIL, 1 WARN; WARN b: ",
	    "VFIOCOMPAT CRITICAL - 1 FAIL, 1 WARN; FAIL c: "};

	for (int st = VFC_PASS; st <= VFC_FAIL; st++) {
		struct vfc_checklist *l = calloc(1, sizeof(*l));
		char *out = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&out, &len);

		vfc_check_add(l, VFC_PASS, "a", NULL, "fine");
		if (st >= VFC_SKIP)
			vfc_check_add(l, VFC_SKIP, "s", "see above", "not asked");
		if (st >= VFC_INFO)
			vfc_check_add(l, VFC_INFO, "i", "note", "a | b");
		if (st >= VFC_WARN)
			vfc_check_add(l, VFC_WARN, "b", "do this", "so-so | really");
		if (st >= VFC_FAIL)
			vfc_check_add(l, VFC_FAIL, "c", "do that", "broken");
		vfc_checklist_print_nagios(m, l);
		fclose(m);
		ck_assert_msg(!strncmp(out, want[st], strlen(want[st])), "%s", out);
		/* One '|', before the perfdata: none in the text or the long output. */
		ck_assert_ptr_eq(strchr(out, '|'), strrchr(out, '|'));
		ck_assert_ptr_nonnull(strstr(out, " | 'fail'="));
		free(out);
		free(l);
	}
}
END_TEST

START_TEST(test_check_amd_without_remapping)
{
	put("/sys/class/iommu/ivhd0/amd-iommu/features", "0x246577efa2254afa\n");
	put("/proc/cmdline", "console=ttyS0\n");
	put("/proc/interrupts", " 24:  5  PCI-MSI-0000:00:03.0   0-edge  nvme0q0\n");
	put_unsafe_interrupts('Y', 'N');
	check_host();
	const struct vfc_check *c = find(l, "IOMMU ivhd0");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->status, VFC_PASS);
	ck_assert_ptr_nonnull(strstr(c->detail, "AMD-Vi, EFR 0x246577efa2254afa"));
	ck_assert_ptr_nonnull(strstr(c->detail, "VFC_VM_IOMMU=amd"));
	c = find(l, "interrupt remapping");
	ck_assert_ptr_nonnull(c);
	/* type1 runs today, iommufd would refuse the devices: a FAIL. */
	ck_assert_int_eq(c->status, VFC_FAIL);
	ck_assert_ptr_nonnull(strstr(c->hint, "iommufd.allow_unsafe_interrupts=1"));
}
END_TEST

START_TEST(test_check_vtd_scalable_and_smmu)
{
	put("/sys/class/iommu/dmar0/intel-iommu/cap", "d2008c22260286\n");
	put("/sys/class/iommu/dmar0/intel-iommu/ecap", "480080f00f4a\n");
	put("/sys/class/iommu/smmu3.0x0000000009050000/x", "");
	put("/proc/cmdline", "intel_iommu=on\n");
	put("/proc/interrupts", " 24:  5  IR-PCI-MSI-0000:00:03.0   0-edge  nvme0q0\n");
	put_unsafe_interrupts('N', 'N');
	check_host();
	const struct vfc_check *c = find(l, "IOMMU dmar0");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(strstr(c->detail, "scalable mode, second-stage tables"));
	ck_assert_ptr_nonnull(strstr(c->detail, "VFC_VM_IOMMU=intel-sm"));
	c = find(l, "IOMMU smmu3.0x0000000009050000");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->status, VFC_PASS);
	ck_assert_ptr_nonnull(strstr(c->detail, "Arm SMMUv3, no group names its MSI window"));
	c = find(l, "interrupt remapping");
	ck_assert_int_eq(c->status, VFC_PASS);
	/* sm_off on the command line: legacy mode whatever the hardware offers. */
	put("/proc/cmdline", "intel_iommu=on,sm_off\n");
	check_host();
	ck_assert_ptr_nonnull(strstr(find(l, "IOMMU dmar0")->detail, "legacy mode"));
}
END_TEST

/*
 * FLTS-only VT-d (QEMU x-flts=on: ecap FLTS set, SLTS clear): before 6.13
 * iommufd's paging domains are second-stage only, so every device attach
 * through iommufd fails EINVAL while type1 (first stage) works (measured on
 * 6.12.118, VFC_VM_IOMMU=intel-flts). A FAIL there; a PASS on 6.13 and on.
 */
START_TEST(test_check_vtd_flts_only_before_6_13)
{
	put("/sys/class/iommu/dmar0/intel-iommu/cap", "1d2008c222f0686\n");
	put("/sys/class/iommu/dmar0/intel-iommu/ecap", "880000f00f4a\n");
	put("/proc/cmdline", "intel_iommu=on,sm_on\n");
	put("/proc/interrupts", " 24:  5  IR-PCI-MSI-0000:00:03.0   0-edge  nvme0q0\n");
	put("/proc/sys/kernel/osrelease", "6.12.118\n");
	check_host();
	const struct vfc_check *c = find(l, "IOMMU dmar0");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->status, VFC_FAIL);
	ck_assert_ptr_nonnull(strstr(c->detail, "first-stage tables only (ecap SLTS clear)"));
	ck_assert_ptr_nonnull(strstr(c->detail, "Linux 6.12.118"));
	ck_assert_ptr_nonnull(strstr(c->detail, "EINVAL"));
	ck_assert_ptr_nonnull(strstr(c->detail, "No second level translation support on dmar0"));
	ck_assert_ptr_nonnull(strstr(c->hint, "6.13"));
	/* 6.13 and on take first-stage tables for iommufd: proven on 7.3. */
	put("/proc/sys/kernel/osrelease", "7.3.4-amd64\n");
	check_host();
	c = find(l, "IOMMU dmar0");
	ck_assert_int_eq(c->status, VFC_PASS);
	ck_assert_ptr_nonnull(strstr(c->detail, "VFC_VM_IOMMU=intel-flts"));
	/* Both stages (SLTS set too): iommufd takes the second on 6.12, it works. */
	put("/sys/class/iommu/dmar0/intel-iommu/ecap", "c80080f00f4a\n");
	put("/proc/sys/kernel/osrelease", "6.12.118\n");
	check_host();
	ck_assert_int_eq(find(l, "IOMMU dmar0")->status, VFC_PASS);
}
END_TEST

/* The arm64 lab's SMMUv3 with a GICv3 ITS: MSI window from reserved_regions. */
START_TEST(test_check_smmuv3_its)
{
	put("/sys/class/iommu/smmu3.0x0000000009050000/x", "");
	put("/sys/kernel/iommu_groups/0/reserved_regions",
	    "0x0000000008000000 0x00000000080fffff msi\n");
	put("/proc/cmdline", "console=ttyAMA0\n");
	put("/proc/interrupts", " 14:  3  ITS-PCI-MSIX-0000:00:02.0   0 Edge  nvme0q0\n");
	put_unsafe_interrupts('N', 'N');
	check_host();
	const struct vfc_check *c = find(l, "IOMMU smmu3.0x0000000009050000");
	ck_assert_ptr_nonnull(c);
	/* Proven by the arm64 lab (getinfo, edu-dma, probes, qemu-io nvme://). */
	ck_assert_int_eq(c->status, VFC_PASS);
	ck_assert_ptr_nonnull(strstr(c->detail, "VFC_VM_IOMMU=smmuv3"));
	ck_assert_ptr_nonnull(strstr(c->detail, "Arm SMMUv3, MSI window 0x8000000-0x80fffff"));
	ck_assert_ptr_nonnull(strstr(c->detail, "EADDRINUSE"));
	ck_assert_ptr_null(strstr(c->detail, "cannot model"));
	c = find(l, "MSI isolation");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->status, VFC_PASS);
	ck_assert_ptr_nonnull(strstr(c->detail, "GICv3 ITS"));
	/* No x86 wording on an Arm host. */
	ck_assert_ptr_null(find(l, "interrupt remapping"));
}
END_TEST

/* GICv2m (no ITS): each back end refuses at its own step, by its own parameter. */
START_TEST(test_check_smmuv3_gicv2m)
{
	put("/sys/class/iommu/smmu3.0x0000000009050000/x", "");
	/* Devices bound to vfio-pci: no MSI allocated; the device tree tells. */
	put("/proc/interrupts", " 11:  9  GICv2  27 Level  arch_timer\n");
	put("/sys/firmware/devicetree/base/intc@8000000/v2m@8020000/compatible",
	    "arm,gic-v2m-frame");
	put_unsafe_interrupts('Y', 'N');
	check_host();
	const struct vfc_check *c = find(l, "MSI isolation");
	ck_assert_ptr_nonnull(c);
	/* type1 runs today, iommufd would refuse the devices: a FAIL naming its parameter. */
	ck_assert_int_eq(c->status, VFC_FAIL);
	ck_assert_ptr_nonnull(strstr(c->hint, "iommufd.allow_unsafe_interrupts=1"));
	ck_assert_ptr_nonnull(
	    strstr(c->detail, "EPERM at VFIO_GROUP_GET_DEVICE_FD, nothing logged"));
	/* Neither set: both refuse, each parameter named. */
	put_unsafe_interrupts('N', 0);
	check_host();
	c = find(l, "MSI isolation");
	ck_assert_int_eq(c->status, VFC_WARN);
	ck_assert_ptr_nonnull(strstr(c->detail, "type1 fails SET_IOMMU with EPERM"));
	ck_assert_ptr_nonnull(
	    strstr(c->hint, "vfio_iommu_type1.allow_unsafe_interrupts=1 (type1)"));
	ck_assert_ptr_nonnull(strstr(c->hint, "iommufd.allow_unsafe_interrupts=1 (iommufd)"));
	/* An ITS in the device tree: isolated. */
	put("/sys/firmware/devicetree/base/intc@8000000/its@8080000/compatible", "arm,gic-v3-its");
	check_host();
	ck_assert_int_eq(find(l, "MSI isolation")->status, VFC_PASS);
	/* Nothing to tell by: said so, not guessed. */
	fresh_root();
	put("/sys/class/iommu/smmu3.0x0000000009050000/x", "");
	put("/proc/interrupts", "");
	check_host();
	c = find(l, "MSI isolation");
	ck_assert_int_eq(c->status, VFC_WARN);
	ck_assert_ptr_nonnull(strstr(c->detail, "cannot tell a GICv3 ITS from GICv2m"));
}
END_TEST

Suite *iommu_vendor_suite(void)
{
	Suite *s = suite_create("iommu_vendor");

	TCase *tc = tcase_create("vendor_getinfo");
	tcase_add_test(tc, test_vtd_kind_from_ecap);
	tcase_add_test(tc, test_cmdline_sm);
	tcase_add_test(tc, test_check_nagios_states);
	suite_add_tcase(s, tc);
	tc = tcase_create("fake-host_getinfo");
	tcase_add_checked_fixture(tc, fake_host_setup, fake_host_teardown);
	tcase_add_test(tc, test_check_amd_without_remapping);
	tcase_add_test(tc, test_check_vtd_scalable_and_smmu);
	tcase_add_test(tc, test_check_vtd_flts_only_before_6_13);
	tcase_add_test(tc, test_check_smmuv3_its);
	tcase_add_test(tc, test_check_smmuv3_gicv2m);
	suite_add_tcase(s, tc);
	return s;
}
