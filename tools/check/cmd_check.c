// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat check`: is this host ready to move VFIO users to iommufd? */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "checklist.h"
#include "cli.h"
#include "iommu_vendor.h"
#include "kconfig.h"
#include "migration.h"
#include "pci.h"
#include "usercheck.h"
#include "vfiocompat/module.h"

#define CAP_SYS_RESOURCE_BIT 24

#ifndef VFC_DOCDIR
#define VFC_DOCDIR "/usr/local/share/doc/vfiocompat"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vfiocompat check [--json] [--config FILE] [--user USER]\n"
		"       vfiocompat check --migration [--json] DEVICE...\n\n"
		"Host readiness for iommufd: kernel and its configuration, /dev/iommu and\n"
		"/dev/vfio/vfio and who provides them, the vfiocompat module, the IOMMU, devices\n"
		"bound to vfio-pci, RLIMIT_MEMLOCK and CAP_SYS_RESOURCE. Each line is PASS, INFO,\n"
		"WARN or FAIL, with a hint when it is not PASS.\n\n"
		"  --config FILE  read this kernel .config instead of the running kernel's\n"
		"                 (/proc/config.gz, /boot/config-RELEASE)\n"
		"  --migration    for each idle VFIO device (DDDD:BB:DD.F or BB:DD.F, an mdev\n"
		"                 UUID or a sysfs path): does a VM using it stay live-migratable\n"
		"                 after the switch? migratable, migratable-degraded, blocked or\n"
		"                 not-migratable-either-way, per QEMU dirty-tracking setting\n"
		"                 (binds it through its VFIO cdev)\n"
		"  --user USER    can USER (libvirt's QEMU user, a unit's User=) reach the\n"
		"                 iommufd node: mode/ACL, libvirt's cgroup_device_acl, AppArmor\n"
		"  --json         one JSON object\n\n"
		"exit: 0 no FAIL, 1 a FAIL, 2 bad arguments: an unknown or conflicting option, a\n"
		"      --config that is no readable kernel config, a device that is not a PCI\n"
		"      address, mdev UUID or sysfs path, or no device of this host (BB:DD.F means\n"
		"      domain 0000)\n");
}

/* Name of the driver class behind a char device: /sys/dev/char/M:m -> .../misc/NAME */
static const char *char_owner(dev_t rdev, char *buf, size_t size)
{
	char link[128], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(rdev), minor(rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return "unknown";
	target[n] = 0;
	/* "../../devices/virtual/misc/iommu" -> "virtual/misc/iommu" */
	snprintf(buf, size, "%.200s",
		 strstr(target, "/devices/") ? strstr(target, "/devices/") + 9 : target);
	return buf;
}

static unsigned count_dir(const char *path, char *first, size_t size)
{
	DIR *d = opendir(path);
	struct dirent *e;
	unsigned n = 0;

	if (first && size)
		first[0] = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (first && size && strlen(first) + strlen(e->d_name) + 2 < size)
			snprintf(first + strlen(first), size - strlen(first), "%s%s", n ? " " : "",
				 e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* What the kernel config says, for the hints of later lines: 'y', 'm', 'n', or 0 unknown. */
struct kfacts {
	char iommufd, vfio, vfio_pci;
};

/* release: the running kernel's, or the --config file's (from: that file). */
static void check_kernel(struct vfc_checklist *l, const char *release, const char *from)
{
	unsigned maj = 0, min = 0;
	char of[PATH_MAX + 16] = "";

	if (from)
		snprintf(of, sizeof(of), " (from %.4000s)", from);
	if (!release) {
		vfc_check_add(l, VFC_INFO, "kernel",
			      "its version is checked when the file has the header 'make' writes",
			      "version unknown: %s has no '# Linux/ARCH VERSION Kernel "
			      "Configuration' line",
			      from);
		return;
	}
	sscanf(release, "%u.%u", &maj, &min);
	if (maj > 6 || (maj == 6 && min >= 6))
		vfc_check_add(l, VFC_PASS, "kernel", NULL, "Linux %s%s", release, of);
	else if (maj == 6 && min >= 2)
		vfc_check_add(
		    l, VFC_WARN, "kernel",
		    "6.6 or later adds the VFIO device cdev (native iommufd VMMs, check "
		    "--migration)",
		    "Linux %s%s: iommufd's VFIO compat exists (6.2+), no VFIO cdev before 6.6",
		    release, of);
	else
		vfc_check_add(l, VFC_FAIL, "kernel",
			      "iommufd needs Linux 6.2 or later (6.6+ for the VFIO device cdev)",
			      "Linux %s%s has no iommufd", release, of);
}

/* One VFIO symbol: PASS when set, else `st` with its hint. */
static char vfio_sym(struct vfc_checklist *l, const char *text, size_t len, const char *sym,
		     enum vfc_status st, const char *hint, const char *missing)
{
	char name[64];
	char v = vfc_kconfig_value(text, len, sym);

	snprintf(name, sizeof(name), "CONFIG_%s", sym);
	if (v == 'n')
		vfc_check_add(l, st, name, hint, "not set: %s", missing);
	else
		vfc_check_add(l, VFC_PASS, name, NULL, "=%c", v);
	return v;
}

static void check_config(struct vfc_checklist *l, const char *text, size_t len, const char *source,
			 struct kfacts *k)
{
	char v;

	if (!text) {
		vfc_check_add(l, VFC_WARN, "kernel config",
			      "enable CONFIG_IKCONFIG_PROC, install /boot/config-RELEASE, or pass "
			      "--config FILE",
			      "cannot read the running kernel's configuration (no /proc/config.gz "
			      "nor /boot/config-RELEASE)");
		return;
	}
	vfc_check_add(l, VFC_PASS, "kernel config", NULL, "read from %s", source);

	v = k->iommufd = vfc_kconfig_value(text, len, "IOMMUFD");
	if (v == 'n')
		vfc_check_add(l, VFC_FAIL, "CONFIG_IOMMUFD",
			      "use a kernel built with CONFIG_IOMMUFD=y or =m (Linux 6.2+)",
			      "not set: this kernel has no iommufd");
	else
		vfc_check_add(l, VFC_PASS, "CONFIG_IOMMUFD", NULL, "=%c", v);

	v = vfc_kconfig_value(text, len, "IOMMUFD_VFIO_CONTAINER");
	if (v == 'n')
		vfc_check_add(
		    l, VFC_INFO, "CONFIG_IOMMUFD_VFIO_CONTAINER",
		    "as on every distribution kernel: trial with the shim or the vfiocompat module",
		    "not set: /dev/vfio/vfio stays VFIO's type1 container");
	else
		vfc_check_add(
		    l, VFC_INFO, "CONFIG_IOMMUFD_VFIO_CONTAINER",
		    "iommufd already answers /dev/vfio/vfio: every VFIO user is on iommufd now",
		    "=%c: iommufd provides /dev/vfio/vfio itself", v);

	/* The VFIO side: without it no VFIO user runs, on type1 or iommufd. */
	k->vfio = vfio_sym(l, text, len, "VFIO", VFC_FAIL,
			   "use a kernel built with CONFIG_VFIO and CONFIG_VFIO_PCI (=y or =m)",
			   "this kernel has no VFIO: no device can be assigned, before or after "
			   "the switch");
	if (k->vfio == 'n')
		return;
	k->vfio_pci = vfio_sym(l, text, len, "VFIO_PCI", VFC_FAIL,
			       "use a kernel built with CONFIG_VFIO_PCI (=y or =m)",
			       "no vfio-pci driver to bind PCI devices to");
	/* Kernels before 6.6 always have groups and no such symbol. */
	if (strstr(text, "CONFIG_VFIO_GROUP"))
		vfio_sym(l, text, len, "VFIO_GROUP", VFC_WARN,
			 "VFIO users that open /dev/vfio/GROUP (all but native iommufd VMMs) "
			 "need CONFIG_VFIO_GROUP",
			 "no /dev/vfio/GROUP nodes: only cdev users (iommufd-native VMMs) can "
			 "run");
	v = vfc_kconfig_value(text, len, "VFIO_CONTAINER");
	if (v == 'n')
		vfc_check_add(l, VFC_INFO, "CONFIG_VFIO_CONTAINER",
			      "audit mode and the side-by-side comparison need the type1 container",
			      "not set: no type1 container to compare with");
	else
		vfc_check_add(l, VFC_PASS, "CONFIG_VFIO_CONTAINER", NULL,
			      "=%c: type1 stays available for fallback and comparison", v);
	if (v != 'n')
		vfio_sym(l, text, len, "VFIO_IOMMU_TYPE1", VFC_WARN,
			 "the type1 container needs CONFIG_VFIO_IOMMU_TYPE1 to map anything",
			 "the container has no type1 back end: SET_IOMMU(TYPE1v2) fails");

	v = vfc_kconfig_value(text, len, "VFIO_DEVICE_CDEV");
	if (v == 'n')
		vfc_check_add(
		    l, VFC_WARN, "CONFIG_VFIO_DEVICE_CDEV",
		    "native iommufd VMMs and check --migration need /dev/vfio/devices/vfioN",
		    "not set: no VFIO device cdev");
	else
		vfc_check_add(l, VFC_PASS, "CONFIG_VFIO_DEVICE_CDEV", NULL, "=%c", v);
}

/* A device node: present, a char device, whose, and can this user open it? */
static bool check_node(struct vfc_checklist *l, const char *path, enum vfc_status missing,
		       const char *missing_hint, const char *what)
{
	char owner[256];
	struct stat st;

	if (stat(path, &st)) {
		vfc_check_add(l, missing, path, missing_hint, "absent (%s)", strerror(errno));
		return false;
	}
	if (!S_ISCHR(st.st_mode)) {
		vfc_check_add(l, VFC_FAIL, path,
			      "remove whatever is there; udev recreates the node",
			      "exists but is not a character device");
		return false;
	}
	if (access(path, R_OK | W_OK))
		vfc_check_add(
		    l, VFC_WARN, path,
		    "add a udev rule (MODE or GROUP) for the VMM's user, or run the VMM as root",
		    "%s %u:%u (%s), mode %04o, not read-writable by uid %u", what,
		    major(st.st_rdev), minor(st.st_rdev),
		    char_owner(st.st_rdev, owner, sizeof(owner)), st.st_mode & 07777,
		    (unsigned)getuid());
	else
		vfc_check_add(l, VFC_PASS, path, NULL, "%s %u:%u (%s), mode %04o, usable by uid %u",
			      what, major(st.st_rdev), minor(st.st_rdev),
			      char_owner(st.st_rdev, owner, sizeof(owner)), st.st_mode & 07777,
			      (unsigned)getuid());
	return true;
}

/* Loaded as a module, built in, or absent; the hint only when it can help. */
static void check_module(struct vfc_checklist *l, const char *name, const char *mod, char cfg,
			 const char *sym, enum vfc_status missing)
{
	char path[128], hint[160], line[256];
	bool listed = false;
	struct stat st;
	FILE *f = fopen("/proc/modules", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, mod, strlen(mod)) && line[strlen(mod)] == ' ')
			listed = true;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	if (listed)
		vfc_check_add(l, VFC_PASS, name, NULL, "loaded (module %s)", mod);
	else if (!stat(path, &st))
		vfc_check_add(l, VFC_PASS, name, NULL, "built into the kernel");
	else if (cfg == 'n')
		vfc_check_add(l, missing, name, "this kernel cannot have it: see CONFIG_ above",
			      "absent: CONFIG_%s is not set", sym);
	else {
		snprintf(hint, sizeof(hint), "modprobe %s", mod);
		vfc_check_add(l, missing, name, hint, "not loaded (no %s)", path);
	}
}

static void check_nodes(struct vfc_checklist *l, const struct kfacts *k)
{
	struct stat st;

	check_node(l, "/dev/iommu", VFC_FAIL,
		   k->iommufd == 'n'
		       ? "this kernel has no iommufd: use one built with "
			 "CONFIG_IOMMUFD"
		       : "load iommufd (modprobe iommufd) on a kernel with CONFIG_IOMMUFD",
		   "iommufd");
	check_node(
	    l, "/dev/vfio/vfio", VFC_INFO,
	    k->vfio == 'n'
		? "this kernel has no VFIO (CONFIG_VFIO not set): nothing to trial"
		: "without the type1 container only iommufd remains (nothing to trial against)",
	    "VFIO container");
	check_module(l, "iommufd module", "iommufd", k->iommufd, "IOMMUFD", VFC_WARN);
	check_module(l, "vfio module", "vfio", k->vfio, "VFIO", VFC_WARN);
	check_module(l, "vfio-pci module", "vfio_pci", k->vfio == 'n' ? 'n' : k->vfio_pci,
		     k->vfio == 'n' ? "VFIO" : "VFIO_PCI", VFC_WARN);
	if (!stat("/sys/module/" VFC_MODULE_NAME, &st)) {
		char audit[8] = "";
		FILE *f = fopen("/sys/module/" VFC_MODULE_NAME "/parameters/audit", "re");

		if (f) {
			if (!fgets(audit, sizeof(audit), f))
				audit[0] = 0;
			fclose(f);
		}
		vfc_check_add(l, VFC_PASS, "vfiocompat module", NULL, "loaded; type1 audit %s",
			      audit[0] == 'Y' || audit[0] == '1'
				  ? "on (" VFC_MODULE_AUDIT ")"
				  : "off (load with audit=1 to see static VMMs)");
		check_node(l, VFC_MODULE_NODE, VFC_WARN,
			   "the module is loaded but its node is missing: check udev and dmesg",
			   "vfiocompat module node");
	} else {
		vfc_check_add(
		    l, VFC_INFO, "vfiocompat module",
		    "optional: per-process memlock accounting without CAP_SYS_RESOURCE, and an "
		    "audit of static VMMs (see " VFC_DOCDIR "/kernel-module.md)",
		    "not loaded");
	}
}

static void check_iommu(struct vfc_checklist *l)
{
	char names[256];
	unsigned n = count_dir("/sys/class/iommu", names, sizeof(names));
	unsigned groups = count_dir("/sys/kernel/iommu_groups", NULL, 0);

	if (n)
		vfc_check_add(l, VFC_PASS, "IOMMU", NULL, "%u enabled (%s), %u IOMMU groups", n,
			      names, groups);
	else
		vfc_check_add(
		    l, VFC_FAIL, "IOMMU",
		    "enable VT-d / AMD-Vi in the firmware and boot with intel_iommu=on (Intel)",
		    "none enabled (/sys/class/iommu is empty), %u IOMMU groups", groups);
}

/* The driver a PCI device is bound to, "none" when unbound. */
static const char *pci_driver(const char *bdf, char *buf, size_t size)
{
	const char *drv = vfc_pci_driver(bdf, buf, size);

	return drv ? drv : "none";
}

/*
 * One line per IOMMU group holding a vfio-pci device: every member and its
 * driver. VFIO opens a group only when each member is bound to a VFIO
 * driver, pci-stub, pcieport (bridges) or nothing (vfio_dev_driver_allowed).
 */
static void check_groups(struct vfc_checklist *l, const struct kfacts *k)
{
	DIR *g = opendir("/sys/kernel/iommu_groups");
	struct dirent *e;

	while (g && (e = readdir(g))) {
		char dir[PATH_MAX], list[400] = "", drv[64], name[48], node[64];
		unsigned vfio = 0, bad = 0;
		struct dirent *m;
		DIR *d;

		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/sys/kernel/iommu_groups/%.32s/devices", e->d_name);
		d = opendir(dir);
		while (d && (m = readdir(d))) {
			const char *dv;

			if (m->d_name[0] == '.')
				continue;
			dv = pci_driver(m->d_name, drv, sizeof(drv));
			if (!strcmp(dv, "vfio-pci") || !strncmp(dv, "vfio", 4))
				vfio++;
			else if (strcmp(dv, "none") && strcmp(dv, "pci-stub") &&
				 strcmp(dv, "pcieport"))
				bad++;
			if (strlen(list) + strlen(m->d_name) + strlen(dv) + 8 < sizeof(list))
				snprintf(list + strlen(list), sizeof(list) - strlen(list),
					 "%s%.32s (%s)", list[0] ? ", " : "", m->d_name, dv);
		}
		if (d)
			closedir(d);
		if (!vfio)
			continue;
		snprintf(name, sizeof(name), "IOMMU group %.20s", e->d_name);
		snprintf(node, sizeof(node), "/dev/vfio/%.20s", e->d_name);
		if (bad)
			vfc_check_add(l, VFC_WARN, name,
				      "bind every member to vfio-pci (driverctl set-override BDF "
				      "vfio-pci) or unbind it, or VFIO refuses the group",
				      "%s: not viable, %u member(s) bound to another driver", list,
				      bad);
		else if (k->vfio != 'n' && access(node, F_OK))
			vfc_check_add(l, VFC_WARN, name,
				      "CONFIG_VFIO_GROUP makes the node; cdev users need "
				      "/dev/vfio/devices/vfioN",
				      "%s: viable, but %s is absent", list, node);
		else
			vfc_check_add(l, VFC_PASS, name, NULL, "%s: viable (%s)", list, node);
	}
	if (g)
		closedir(g);
}

static void check_devices(struct vfc_checklist *l, const struct kfacts *k)
{
	const char *drv = "/sys/bus/pci/drivers/vfio-pci";
	char list[400] = "", path[512], target[PATH_MAX];
	unsigned n = 0, closed = 0;
	struct dirent *e;
	DIR *d = opendir(drv);

	while (d && (e = readdir(d))) {
		const char *grp;
		ssize_t k;

		if (!strchr(e->d_name, ':'))
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s/iommu_group", drv, e->d_name);
		k = readlink(path, target, sizeof(target) - 1);
		target[k > 0 ? k : 0] = 0;
		grp = strrchr(target, '/') ? strrchr(target, '/') + 1 : "?";
		snprintf(path, sizeof(path), "/dev/vfio/%s", grp);
		if (access(path, R_OK | W_OK))
			closed++;
		if (strlen(list) + strlen(e->d_name) + strlen(grp) + 16 < sizeof(list))
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%.64s (group %.16s)", n > 1 ? ", " : "", e->d_name, grp);
	}
	if (d)
		closedir(d);
	if (!n)
		vfc_check_add(
		    l, VFC_INFO, "vfio-pci devices",
		    k->vfio == 'n' || k->vfio_pci == 'n'
			? "this kernel has no vfio-pci (see CONFIG_ above): no device can "
			  "be bound"
			: "bind the device to trial: driverctl set-override BDF vfio-pci",
		    "none bound to vfio-pci");
	else if (closed)
		vfc_check_add(
		    l, VFC_WARN, "vfio-pci devices",
		    "give the VMM's user access to /dev/vfio/GROUP (udev rule or libvirt)",
		    "%u: %s; %u group node(s) not read-writable by uid %u", n, list, closed,
		    (unsigned)getuid());
	else
		vfc_check_add(l, VFC_PASS, "vfio-pci devices", NULL, "%u: %s", n, list);
	check_groups(l, k);
}

static bool has_cap_sys_resource(void)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff & (1ULL << CAP_SYS_RESOURCE_BIT);
}

static void check_memlock(struct vfc_checklist *l)
{
	struct rlimit r;
	struct stat st;
	bool node = !stat(VFC_MODULE_NODE, &st);

	if (!getrlimit(RLIMIT_MEMLOCK, &r)) {
		if (r.rlim_cur == RLIM_INFINITY)
			vfc_check_add(l, VFC_INFO, "RLIMIT_MEMLOCK", NULL,
				      "unlimited for this shell");
		else
			vfc_check_add(l, VFC_INFO, "RLIMIT_MEMLOCK",
				      "a VMM pins all guest RAM: its limit must cover it (libvirt "
				      "sets it per guest)",
				      "%llu KiB for this shell",
				      (unsigned long long)r.rlim_cur >> 10);
	}
	if (has_cap_sys_resource())
		vfc_check_add(
		    l, VFC_PASS, "CAP_SYS_RESOURCE", NULL,
		    "held: the shim can ask iommufd for per-process (type1-like) accounting");
	else if (node)
		vfc_check_add(
		    l, VFC_PASS, "CAP_SYS_RESOURCE", NULL,
		    "not held, but the vfiocompat module's node gives per-process accounting");
	else
		vfc_check_add(
		    l, VFC_WARN, "CAP_SYS_RESOURCE",
		    "grant CAP_SYS_RESOURCE to the VMM, or load vfiocompat.ko and target its node",
		    "not held: iommufd counts pinned memory per user, so all of uid %u's VMMs "
		    "share one RLIMIT_MEMLOCK instead of one each",
		    (unsigned)getuid());
}

static int check_migration(char **devs, int n, bool json)
{
	struct vfc_checklist *l;
	char(*addr)[PATH_MAX] = calloc((size_t)n, PATH_MAX);
	int rc;

	/* Bad input first, each a one-line error: exit 2 before anything is probed. */
	for (int i = 0; addr && i < n; i++) {
		char path[PATH_MAX + 32];
		struct stat st;

		bool printable =
		    devs[i][0] && strlen(devs[i]) < 200 && !strpbrk(devs[i], "\033\n\r");

		/* An mdev UUID or a sysfs path: it must name a device. */
		if (!vfc_pci_addr(devs[i], addr[i], sizeof(addr[i]))) {
			char why[PATH_MAX + 200];

			if (printable && !vfc_migration_resolve(devs[i], addr[i], sizeof(addr[i]),
								why, sizeof(why))) {
				snprintf(addr[i], PATH_MAX, "%s", devs[i]);
				continue;
			}
			vfc_err(
			    "check --migration: %s",
			    printable
				? why
				: "a device that is not printable; give DDDD:BB:DD.F or "
				  "BB:DD.F (as lspci -D shows it), an mdev UUID or a sysfs path");
			free(addr);
			return VFC_EXIT_USAGE;
		}
		snprintf(path, sizeof(path), VFC_PCI_SYSFS "/%s", addr[i]);
		if (stat(path, &st)) {
			vfc_err("check --migration: no PCI device %s on this host (lspci -D lists "
				"them)",
				addr[i]);
			free(addr);
			return VFC_EXIT_USAGE;
		}
	}
	l = addr ? calloc(1, sizeof(*l)) : NULL;
	if (!l) {
		free(addr);
		return VFC_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		struct vfc_migration_facts f;
		char err[512];

		if (vfc_migration_probe(addr[i], &f, err, sizeof(err))) {
			vfc_check_add(l, VFC_FAIL, addr[i],
				      "give an idle VFIO device (vfio-pci or mdev)",
				      "cannot ask: %s", err);
			continue;
		}
		/*
		 * A driver may keep its migration state across opens (mtty does): a
		 * device left in RESUMING answers the next RESUMING with no data fd,
		 * and that VMM's load fails with EBADF, on type1 as on iommufd.
		 */
		if (f.dev_migration && f.mig_state != VFIO_DEVICE_STATE_RUNNING)
			vfc_check_add(
			    l, VFC_WARN, f.name,
			    "reset the device (re-create the mdev) before migrating into it",
			    "left in migration state %s by its last user: an incoming "
			    "migration into it fails (\"Bad file descriptor\")",
			    vfc_mig_state_name(f.mig_state));
		/* One line per way QEMU can be told to track dirty pages, when they differ. */
		for (int t = 0; t < (f.dev_migration ? VFC_VMM_COUNT : 1); t++) {
			struct vfc_mig_caps c = {f.dev_migration, f.dev_dirty_logging,
						 f.iommu_dirty};
			char why[320];
			enum vfc_migv v = vfc_migv_from_caps(&c, t, why, sizeof(why));

			char facts[160];
			snprintf(
			    facts, sizeof(facts),
			    "(device migration %s, device DMA logging %s, IOMMU dirty tracking "
			    "%s)",
			    f.dev_migration ? "yes" : "no", f.dev_dirty_logging ? "yes" : "no",
			    f.mdev	    ? "none (mdev)"
			    : f.iommu_dirty ? "yes"
					    : "no");
			if (f.dev_migration)
				vfc_check_add(l, vfc_migration_status(v), f.name, NULL,
					      "[%s] %s: %s %s", vfc_vmm_tracking_name(t),
					      vfc_migv_name(v), why, facts);
			else
				vfc_check_add(l, vfc_migration_status(v), f.name, NULL, "%s: %s %s",
					      why, vfc_migv_name(v), facts);
		}
	}
	if (json)
		vfc_checklist_print_json(stdout, l, "migration");
	else
		vfc_checklist_print(stdout, l,
				    "vfiocompat check --migration: live migration after the "
				    "switch, per QEMU dirty-tracking setting (a trial report's "
				    "migration verdict tells what a VMM did)");
	rc = vfc_checklist_worst(l) == VFC_FAIL ? VFC_EXIT_FAIL : VFC_EXIT_OK;
	free(l);
	free(addr);
	return rc;
}

int vfc_cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"migration", no_argument, 0, 'm'},
	    {"config", required_argument, 0, 'c'},
	    {"user", required_argument, 0, 'u'}, /* usercheck.c */
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *config = NULL, *user = NULL;
	bool json = false, migration = false, has_release = false;
	char source[PATH_MAX + 32] = "", release[128];
	struct kfacts k = {0};
	struct vfc_checklist *l;
	struct utsname u;
	size_t len = 0;
	char *text;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'm':
			migration = true;
			break;
		case 'c':
			config = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'h':
			usage(stdout);
			return VFC_EXIT_OK;
		default:
			usage(stderr);
			return VFC_EXIT_USAGE;
		}
	}
	if (migration && config) {
		vfc_err("check: --config and --migration exclude each other (--migration asks the "
			"running kernel's devices); give one");
		return VFC_EXIT_USAGE;
	}
	if (migration) {
		if (optind == argc) {
			vfc_err("check --migration: give at least one VFIO device: a PCI address "
				"(0000:03:00.0 or 03:00.0), an mdev UUID or a sysfs path");
			return VFC_EXIT_USAGE;
		}
		return check_migration(argv + optind, argc - optind, json);
	}
	if (optind != argc) {
		vfc_err("check: unexpected argument '%s'; see 'vfiocompat check --help'",
			argv[optind]);
		return VFC_EXIT_USAGE;
	}
	if (uname(&u)) {
		vfc_err("check: uname: %s", strerror(errno));
		return VFC_EXIT_USAGE;
	}
	if (config) {
		char why[128];
		const char *bad = vfc_kconfig_unreadable(config, why, sizeof(why));

		if (bad) {
			vfc_err("check: --config %s: %s; give a kernel .config (e.g. "
				"/boot/config-%s)",
				config, bad, u.release);
			return VFC_EXIT_USAGE;
		}
		text = vfc_kconfig_read(config, &len);
		if (!text) {
			vfc_err(
			    "check: --config %s: cannot be read as a plain or gzip file (larger "
			    "than 8 MiB, or corrupt); give a kernel .config",
			    config);
			return VFC_EXIT_USAGE;
		}
		if (!vfc_kconfig_plausible(text, len)) {
			vfc_err(
			    "check: --config %s is not a kernel config (no CONFIG_ line); give a "
			    "kernel .config (e.g. /boot/config-%s)",
			    config, u.release);
			free(text);
			return VFC_EXIT_USAGE;
		}
		snprintf(source, sizeof(source), "%s", config);
		has_release = vfc_kconfig_release(text, len, release, sizeof(release));
	} else {
		text = vfc_kconfig_load(u.release, source, sizeof(source), &len);
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		free(text);
		vfc_err("check: %s", strerror(errno));
		return VFC_EXIT_USAGE;
	}
	if (config)
		check_kernel(l, has_release ? release : NULL, config);
	else
		check_kernel(l, u.release, NULL);
	check_config(l, text, len, source, &k);
	free(text);
	check_nodes(l, &k);
	if (user)
		vfc_check_user(l, user, NULL, NULL);
	check_iommu(l);
	vfc_check_iommu_vendor(l, "", -1);
	check_devices(l, &k);
	check_memlock(l);
	if (json) {
		vfc_checklist_print_json(stdout, l, "host");
	} else {
		vfc_checklist_print(stdout, l, "vfiocompat check: is this host ready for iommufd?");
		if (vfc_checklist_worst(l) == VFC_FAIL)
			printf("NOT READY: fix each FAIL above before trialling VFIO users on "
			       "iommufd.\n");
	}
	rc = vfc_checklist_worst(l) == VFC_FAIL ? VFC_EXIT_FAIL : VFC_EXIT_OK;
	free(l);
	return rc;
}
