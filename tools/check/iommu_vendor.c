// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat check`: the IOMMU per vendor (iommu_vendor.h). */
#include "iommu_vendor.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kconfig.h"

enum vfc_iommu_kind vfc_vtd_kind(uint64_t ecap, bool sm)
{
	bool smts = (ecap >> 43) & 1, slts = (ecap >> 46) & 1, flts = (ecap >> 47) & 1;

	if (!sm || !smts)
		return VFC_IOMMU_VTD_LEGACY;
	if (flts)
		return VFC_IOMMU_VTD_FIRST;
	return slts ? VFC_IOMMU_VTD_SECOND : VFC_IOMMU_UNKNOWN;
}

int vfc_cmdline_intel_sm(const char *cmdline)
{
	int sm = -1;

	for (const char *p = cmdline; (p = strstr(p, "intel_iommu=")); p++) {
		const char *v = p + strlen("intel_iommu=");
		size_t n = strcspn(v, " \n");
		/* Options are comma separated; the last sm_on/sm_off wins, as in the kernel. */
		for (const char *o = v; o < v + n;) {
			size_t m = strcspn(o, ", \n");
			if (m == 5 && !strncmp(o, "sm_on", 5))
				sm = 1;
			else if (m == 6 && !strncmp(o, "sm_off", 6))
				sm = 0;
			o += m + (o[m] == ',');
			if (!m)
				break;
		}
	}
	return sm;
}

const char *vfc_iommu_kind_name(enum vfc_iommu_kind k)
{
	switch (k) {
	case VFC_IOMMU_VTD_LEGACY:
		return "Intel VT-d, legacy mode (second-stage tables)";
	case VFC_IOMMU_VTD_SECOND:
		return "Intel VT-d, scalable mode, second-stage tables (ecap FLTS clear)";
	case VFC_IOMMU_VTD_FIRST:
		return "Intel VT-d, scalable mode, first-stage tables (ecap FLTS set)";
	case VFC_IOMMU_AMD:
		return "AMD-Vi";
	case VFC_IOMMU_VIRTIO:
		return "virtio-iommu";
	case VFC_IOMMU_SMMUV3:
		return "Arm SMMUv3";
	default:
		return "unknown IOMMU";
	}
}

const char *vfc_iommu_lab_variant(enum vfc_iommu_kind k)
{
	switch (k) {
	case VFC_IOMMU_VTD_LEGACY:
		return "intel";
	case VFC_IOMMU_VTD_SECOND:
		return "intel-sm";
	case VFC_IOMMU_VTD_FIRST:
		return "intel-flts";
	case VFC_IOMMU_AMD:
		return "amd";
	case VFC_IOMMU_VIRTIO:
		return "virtio";
	case VFC_IOMMU_SMMUV3: /* with the ITS and with GICv2m (smmuv3-v2m) */
		return "smmuv3";
	default:
		return NULL;
	}
}

static bool read_text(const char *root, const char *path, char *buf, size_t size)
{
	char full[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(full, sizeof(full), "%s%s", root, path);
	if (!(f = fopen(full, "re")))
		return false;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	return true;
}

static bool read_u64(const char *root, const char *path, uint64_t *v)
{
	char buf[64], *end;

	if (!read_text(root, path, buf, sizeof(buf)))
		return false;
	*v = strtoull(buf, &end, 16);
	return end != buf;
}

/* Y, N, or '?' when the module parameter is not there. */
static char read_bool_param(const char *root, const char *mod)
{
	char path[128], buf[8];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/allow_unsafe_interrupts", mod);
	if (!read_text(root, path, buf, sizeof(buf)))
		return '?';
	return buf[0] == 'Y' || buf[0] == '1' ? 'Y' : 'N';
}

static int kernel_sm_default(void)
{
	struct utsname u;
	char src[PATH_MAX + 32];
	size_t len;
	char *text;
	int sm = 1; /* the Kconfig default */

	if (uname(&u) || !(text = vfc_kconfig_load(u.release, src, sizeof(src), &len)))
		return sm;
	if (strstr(text, "CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON"))
		sm = vfc_kconfig_value(text, len, "INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON") == 'y';
	free(text);
	return sm;
}

/*
 * SMMUv3: the software-managed MSI window (IOMMU_RESV_SW_MSI, 0x8000000 +
 * 1 MiB on Linux), as every group's reserved_regions names it ("msi"), and
 * what it means for GET_INFO (measured in the arm64 lab, 7.3): type1 leaves
 * it out of the IOVA ranges; iommufd's compat answer before the first device
 * open has no hole (one range 0-U64_MAX, pgsizes 0xfffffffffffff000), accepts
 * a MAP_DMA into it, and the device open then fails with EADDRINUSE.
 */
static void smmu_msi_window(const char *root, char *facts, size_t size)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], text[4096];
	unsigned long long lo = 0, hi = 0;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/sys/kernel/iommu_groups", root);
	if ((d = opendir(dir))) {
		while (!hi && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path),
				 "/sys/kernel/iommu_groups/%.32s/reserved_regions", e->d_name);
			if (!read_text(root, path, text, sizeof(text)))
				continue;
			for (char *l = text; l && *l;
			     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
				unsigned long long a, b;
				char type[16];
				if (sscanf(l, "%llx %llx %15s", &a, &b, type) == 3 &&
				    !strcmp(type, "msi")) {
					lo = a, hi = b;
					break;
				}
			}
		}
		closedir(d);
	}
	if (hi)
		snprintf(
		    facts, size,
		    "MSI window 0x%llx-0x%llx (reserved_regions msi): type1 leaves it out of "
		    "GET_INFO's ranges; iommufd's compat GET_INFO before the first device open "
		    "shows no hole, accepts a MAP_DMA there, and the device open then fails "
		    "EADDRINUSE",
		    lo, hi);
	else
		snprintf(
		    facts, size,
		    "no group names its MSI window (reserved_regions msi; Linux puts it at "
		    "0x8000000, 1 MiB): iommufd's compat GET_INFO before the first device open "
		    "shows no hole there, type1's does");
}

/*
 * Arm MSI isolation: a GICv3 ITS isolates MSIs per device (type1 and iommufd
 * attach); GICv2m does not. 1 ITS, 0 GICv2m only, -1 unknown. Interrupts in
 * use name their domain (ITS-PCI-MSI..., GICv2m-PCI-MSI...); with none
 * allocated yet (devices bound to vfio-pci), the device tree's GIC node tells.
 */
static int arm_msi_isolated(const char *root, const char *irq)
{
	char dir[PATH_MAX], sub[PATH_MAX + 300];
	struct dirent *e, *f;
	int found = -1;
	DIR *d, *g;

	if (strstr(irq, "ITS-"))
		return 1;
	if (strstr(irq, "GICv2m"))
		return 0;
	snprintf(dir, sizeof(dir), "%s/sys/firmware/devicetree/base", root);
	if (!(d = opendir(dir)))
		return -1;
	while (found != 1 && (e = readdir(d))) {
		if (strncmp(e->d_name, "intc", 4) && strncmp(e->d_name, "interrupt-controller", 20))
			continue;
		snprintf(sub, sizeof(sub), "%s/%.255s", dir, e->d_name);
		if (!(g = opendir(sub)))
			continue;
		while ((f = readdir(g))) {
			if (!strncmp(f->d_name, "its@", 4) ||
			    !strncmp(f->d_name, "msi-controller@", 15))
				found = 1;
			else if (!strncmp(f->d_name, "v2m@", 4) && found < 0)
				found = 0;
		}
		closedir(g);
	}
	closedir(d);
	return found;
}

static enum vfc_iommu_kind classify(const char *root, const char *name, int *sm_default,
				    const char *cmdline, char *facts, size_t size)
{
	char path[PATH_MAX], link[PATH_MAX], full[PATH_MAX];
	uint64_t cap, ecap, efr;

	facts[0] = 0;
	snprintf(path, sizeof(path), "/sys/class/iommu/%s/intel-iommu/ecap", name);
	if (read_u64(root, path, &ecap)) {
		snprintf(path, sizeof(path), "/sys/class/iommu/%s/intel-iommu/cap", name);
		if (!read_u64(root, path, &cap))
			cap = 0;
		int sm = vfc_cmdline_intel_sm(cmdline);
		if (sm < 0) {
			if (*sm_default < 0)
				*sm_default = kernel_sm_default();
			sm = *sm_default;
		}
		snprintf(facts, size, "cap 0x%llx ecap 0x%llx, scalable mode %s%s",
			 (unsigned long long)cap, (unsigned long long)ecap,
			 (ecap >> 43) & 1 ? "supported" : "not supported",
			 (ecap >> 43) & 1 ? (sm ? " and on" : " but off (intel_iommu=sm_off)")
					  : "");
		return vfc_vtd_kind(ecap, sm);
	}
	snprintf(path, sizeof(path), "/sys/class/iommu/%s/amd-iommu/features", name);
	if (read_u64(root, path, &efr)) {
		snprintf(facts, size, "EFR 0x%llx", (unsigned long long)efr);
		return VFC_IOMMU_AMD;
	}
	if (!strncmp(name, "smmu3.", 6)) {
		smmu_msi_window(root, facts, size);
		return VFC_IOMMU_SMMUV3;
	}
	snprintf(full, sizeof(full), "%s/sys/class/iommu/%s/device", root, name);
	ssize_t n = readlink(full, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = 0;
		if (strstr(link, "virtio"))
			return VFC_IOMMU_VIRTIO;
		snprintf(facts, size, "device %.200s",
			 strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	}
	return VFC_IOMMU_UNKNOWN;
}

static const char *unsafe_cost =
    "allow_unsafe_interrupts lets a device that can DMA to the MSI window raise "
    "interrupts it does not own (a guest can inject host interrupts): trusted devices only";

/*
 * Arm: both back ends refuse a device without MSI isolation, each at its own
 * step and by its own parameter (arm64 lab, GICv2m): type1 fails SET_IOMMU
 * with EPERM and logs "No interrupt remapping support"; iommufd accepts
 * SET_IOMMU, then fails VFIO_GROUP_GET_DEVICE_FD with EPERM and logs nothing.
 */
static void check_arm_msi(struct vfc_checklist *l, const char *root, const char *irq)
{
	char t1 = read_bool_param(root, "vfio_iommu_type1"), fd = read_bool_param(root, "iommufd");
	int its = arm_msi_isolated(root, irq);
	static const char *name = "MSI isolation";

	if (its == 1) {
		vfc_check_add(
		    l, VFC_PASS, name, NULL,
		    "GICv3 ITS: MSIs isolated per device, type1 and iommufd attach alike; "
		    "allow_unsafe_interrupts: type1 %c, iommufd %c",
		    t1, fd);
	} else if (its < 0) {
		vfc_check_add(
		    l, VFC_WARN, name,
		    "without an ITS, set vfio_iommu_type1.allow_unsafe_interrupts=1 (type1) "
		    "and iommufd.allow_unsafe_interrupts=1 (iommufd) for trusted devices",
		    "cannot tell a GICv3 ITS from GICv2m (no MSI in use, no device tree); "
		    "allow_unsafe_interrupts: type1 %c, iommufd %c",
		    t1, fd);
	} else if (t1 == 'Y' && fd == 'Y') {
		vfc_check_add(
		    l, VFC_WARN, name,
		    "use a GICv3 with an ITS to isolate MSIs and drop both parameters",
		    "GICv2m only (no ITS); allow_unsafe_interrupts=Y on type1 and iommufd "
		    "alike: %s",
		    unsafe_cost);
	} else if (t1 == 'Y') {
		vfc_check_add(
		    l, VFC_FAIL, name,
		    "boot with iommufd.allow_unsafe_interrupts=1 as well (or use a GICv3 ITS "
		    "and drop both)",
		    "GICv2m only (no ITS); vfio_iommu_type1.allow_unsafe_interrupts=Y lets "
		    "type1 VMMs run, but iommufd.allow_unsafe_interrupts=%c: iommufd will "
		    "refuse their devices (EPERM at VFIO_GROUP_GET_DEVICE_FD, nothing logged)",
		    fd);
	} else {
		vfc_check_add(
		    l, VFC_WARN, name,
		    "use a GICv3 with an ITS, or set vfio_iommu_type1.allow_unsafe_interrupts=1 "
		    "(type1) and iommufd.allow_unsafe_interrupts=1 (iommufd), trusted devices only",
		    "GICv2m only (no ITS), allow_unsafe_interrupts type1 %c iommufd %c: type1 "
		    "fails "
		    "SET_IOMMU with EPERM (logged \"No interrupt remapping support\"), iommufd "
		    "fails "
		    "the device open with EPERM and logs nothing (%s)",
		    t1, fd, unsafe_cost);
	}
}

/*
 * A scalable-mode VT-d with first-stage tables only (ecap SLTS clear: QEMU's
 * x-flts=on, some vIOMMUs) on a kernel before 6.13: iommufd allocates its
 * paging domains with second-stage tables regardless, and the attach fails
 * (intel_pasid_setup_second_level: EINVAL, "No second level translation
 * support"), while type1's domain takes the first stage and works. Measured
 * on 6.12.118 (VFC_VM_IOMMU=intel-flts): VFIO_GROUP_GET_DEVICE_FD EINVAL on
 * every device. Adds the line and returns true when it applies.
 */
static bool vtd_iommufd_refused(const char *root, const char *dmar, struct vfc_checklist *l,
				const char *name, const char *facts)
{
	char path[PATH_MAX], rel[128] = "";
	uint64_t ecap;

	snprintf(path, sizeof(path), "/sys/class/iommu/%s/intel-iommu/ecap", dmar);
	if (!read_u64(root, path, &ecap) || (ecap >> 46) & 1)
		return false;
	if (!read_text(root, "/proc/sys/kernel/osrelease", rel, sizeof(rel)))
		return false;
	rel[strcspn(rel, "\n")] = 0;
	if (vfc_kernel_vtd_iommufd_first_stage(rel) != 0)
		return false;
	vfc_check_add(l, VFC_FAIL, name,
		      "run Linux 6.13 or later (its iommufd takes first-stage tables), or keep "
		      "this host's VMMs on type1",
		      "Intel VT-d, scalable mode, first-stage tables only (ecap SLTS clear), %s: "
		      "Linux %s's iommufd puts its domains on second-stage tables only, so every "
		      "device attach through iommufd (the shim, a VMM's iommufd back end) fails "
		      "EINVAL, logged \"No second level translation support on %s\"; type1 "
		      "uses the first stage and works (measured on 6.12.118, "
		      "VFC_VM_IOMMU=intel-flts)",
		      facts, rel, dmar);
	return true;
}

void vfc_check_iommu_vendor(struct vfc_checklist *l, const char *root, int sm_default)
{
	char cmdline[4096] = "", dir[PATH_MAX], facts[512];
	bool kinds[VFC_IOMMU_SMMUV3 + 1] = {false};
	struct dirent *e;
	DIR *d;

	read_text(root, "/proc/cmdline", cmdline, sizeof(cmdline));
	snprintf(dir, sizeof(dir), "%s/sys/class/iommu", root);
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		enum vfc_iommu_kind k =
		    classify(root, e->d_name, &sm_default, cmdline, facts, sizeof(facts));
		const char *lab = vfc_iommu_lab_variant(k);
		char name[48];
		kinds[k] = true;
		snprintf(name, sizeof(name), "IOMMU %.40s", e->d_name);
		if (k == VFC_IOMMU_VTD_FIRST &&
		    vtd_iommufd_refused(root, e->d_name, l, name, facts))
			continue;
		if (lab)
			vfc_check_add(
			    l, VFC_PASS, name, NULL,
			    "%s%s%s; GET_INFO fix-up exact (the probe), proven in the lab "
			    "(VFC_VM_IOMMU=%s)",
			    vfc_iommu_kind_name(k), facts[0] ? ", " : "", facts, lab);
		else
			vfc_check_add(
			    l, VFC_WARN, name,
			    "the shim's GET_INFO fix-up still answers through its probe (a device "
			    "of "
			    "the group opened for the call), which is vendor-neutral; trial the "
			    "VMM "
			    "(vfiocompat run) before trusting the verdict",
			    "%s%s%s: vfiocompat cannot model this IOMMU and the lab does not prove "
			    "it",
			    vfc_iommu_kind_name(k), facts[0] ? ", " : "", facts);
	}
	closedir(d);

	/* Interrupt remapping: the kernel names remapped MSI domains "IR-...". */
	char irq[1 << 16] = "";
	bool have_irq = read_text(root, "/proc/interrupts", irq, sizeof(irq));
	bool ir = strstr(irq, "IR-PCI-MSI") || strstr(irq, "IR-IO-APIC");
	/* An SMMUv3 and no x86 IOMMU: an Arm host, whose MSIs a GIC ITS isolates. */
	bool arm = kinds[VFC_IOMMU_SMMUV3] && !kinds[VFC_IOMMU_AMD] &&
		   !kinds[VFC_IOMMU_VTD_LEGACY] && !kinds[VFC_IOMMU_VTD_SECOND] &&
		   !kinds[VFC_IOMMU_VTD_FIRST];
	if (arm)
		return check_arm_msi(l, root, irq);
	char t1 = read_bool_param(root, "vfio_iommu_type1"), fd = read_bool_param(root, "iommufd");
	const char *vendor_hint =
	    kinds[VFC_IOMMU_AMD]
		? "AMD-Vi: remapping needs the IVRS table to list the IOAPIC (firmware); do not "
		  "boot with amd_iommu=off or intremap=off"
	    : kinds[VFC_IOMMU_VIRTIO] ? "virtio-iommu has no interrupt remapping: both "
					"vfio_iommu_type1.allow_unsafe_interrupts=1 and "
					"iommufd.allow_unsafe_interrupts=1 are needed"
	    : kinds[VFC_IOMMU_VTD_LEGACY] || kinds[VFC_IOMMU_VTD_SECOND] ||
		    kinds[VFC_IOMMU_VTD_FIRST]
		? "VT-d: enable interrupt remapping (x2APIC) in the firmware, boot with "
		  "intel_iommu=on and without intremap=off"
		: "enable the IOMMU's interrupt remapping";
	if (!have_irq)
		return;
	if (ir) {
		vfc_check_add(l, VFC_PASS, "interrupt remapping", NULL,
			      "in use (IR- interrupt domains); allow_unsafe_interrupts: type1 %c, "
			      "iommufd %c",
			      t1, fd);
	} else if (t1 == 'Y' && fd != 'Y') {
		vfc_check_add(
		    l, VFC_FAIL, "interrupt remapping",
		    "boot with iommufd.allow_unsafe_interrupts=1 as well (or enable "
		    "remapping and drop both)",
		    "not in use; vfio_iommu_type1.allow_unsafe_interrupts=Y lets type1 VMMs "
		    "run, but iommufd.allow_unsafe_interrupts=%c: iommufd will refuse their "
		    "devices (EPERM at attach)",
		    fd);
	} else if (t1 == 'Y' && fd == 'Y') {
		vfc_check_add(l, VFC_WARN, "interrupt remapping", vendor_hint,
			      "not in use; allow_unsafe_interrupts=Y on type1 and iommufd alike: "
			      "%s",
			      unsafe_cost);
	} else {
		vfc_check_add(
		    l, VFC_WARN, "interrupt remapping", vendor_hint,
		    "not in use, allow_unsafe_interrupts type1 %c iommufd %c: both refuse "
		    "devices (EPERM) unless both are set to 1 (%s)",
		    t1, fd, unsafe_cost);
	}
}
