// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat check`: is this host ready to move VFIO users to iommufd? */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
#include "kconfig.h"
#include "migration.h"
#include "usercheck.h"
#include "vfiocompat/module.h"

#define CAP_SYS_RESOURCE_BIT 24

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vfiocompat check [--json] [--config FILE] [--user USER]\n"
	    "       vfiocompat check --migration [--json] BDF...\n\n"
	    "Host readiness for iommufd: kernel and its configuration, /dev/iommu and\n"
	    "/dev/vfio/vfio and who provides them, the vfiocompat module, the IOMMU, devices\n"
	    "bound to vfio-pci, RLIMIT_MEMLOCK and CAP_SYS_RESOURCE. Each line is PASS, INFO,\n"
	    "WARN or FAIL, with a hint when it is not PASS.\n\n"
	    "  --config FILE  read this kernel .config instead of the running kernel's\n"
	    "                 (/proc/config.gz, /boot/config-RELEASE)\n"
	    "  --migration    for each idle vfio-pci device: does a VM using it stay\n"
	    "                 live-migratable after the switch? (binds it through its VFIO cdev)\n"
	    "  --user USER    can USER (libvirt's QEMU user, a unit's User=) reach the\n"
	    "                 iommufd node: mode/ACL, libvirt's cgroup_device_acl, AppArmor\n"
	    "  --json         one JSON object\n\n"
	    "exit: 0 no FAIL, 1 a FAIL, 2 bad arguments\n");
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

static void check_kernel(struct vfc_checklist *l, const struct utsname *u)
{
	unsigned maj = 0, min = 0;

	sscanf(u->release, "%u.%u", &maj, &min);
	if (maj > 6 || (maj == 6 && min >= 6))
		vfc_check_add(l, VFC_PASS, "kernel", NULL, "Linux %s", u->release);
	else if (maj == 6 && min >= 2)
		vfc_check_add(
		    l, VFC_WARN, "kernel",
		    "6.6 or later adds the VFIO device cdev (native iommufd VMMs, check "
		    "--migration)",
		    "Linux %s: iommufd's VFIO compat exists (6.2+), no VFIO cdev before 6.6",
		    u->release);
	else
		vfc_check_add(l, VFC_FAIL, "kernel",
			      "iommufd needs Linux 6.2 or later (6.6+ for the VFIO device cdev)",
			      "Linux %s has no iommufd", u->release);
}

static void check_config(struct vfc_checklist *l, const struct utsname *u, const char *file)
{
	char source[PATH_MAX + 32];
	size_t len = 0;
	char *text;
	char v;

	if (file) {
		text = vfc_kconfig_read(file, &len);
		snprintf(source, sizeof(source), "%s", file);
	} else {
		text = vfc_kconfig_load(u->release, source, sizeof(source), &len);
	}
	if (!text) {
		vfc_check_add(l, VFC_WARN, "kernel config",
			      "enable CONFIG_IKCONFIG_PROC, install /boot/config-RELEASE, or pass "
			      "--config FILE",
			      "cannot read the kernel's configuration%s%s", file ? ": " : "",
			      file ? file : "");
		return;
	}
	vfc_check_add(l, VFC_PASS, "kernel config", NULL, "read from %s", source);

	v = vfc_kconfig_value(text, len, "IOMMUFD");
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

	v = vfc_kconfig_value(text, len, "VFIO_CONTAINER");
	if (v == 'n')
		vfc_check_add(l, VFC_INFO, "CONFIG_VFIO_CONTAINER",
			      "audit mode and the side-by-side comparison need the type1 container",
			      "not set: no type1 container to compare with");
	else
		vfc_check_add(l, VFC_PASS, "CONFIG_VFIO_CONTAINER", NULL,
			      "=%c: type1 stays available for fallback and comparison", v);

	v = vfc_kconfig_value(text, len, "VFIO_DEVICE_CDEV");
	if (v == 'n')
		vfc_check_add(
		    l, VFC_WARN, "CONFIG_VFIO_DEVICE_CDEV",
		    "native iommufd VMMs and check --migration need /dev/vfio/devices/vfioN",
		    "not set: no VFIO device cdev");
	else
		vfc_check_add(l, VFC_PASS, "CONFIG_VFIO_DEVICE_CDEV", NULL, "=%c", v);
	free(text);
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

static void check_nodes(struct vfc_checklist *l)
{
	struct stat st;

	check_node(l, "/dev/iommu", VFC_FAIL,
		   "load iommufd (modprobe iommufd) on a kernel with CONFIG_IOMMUFD", "iommufd");
	check_node(l, "/dev/vfio/vfio", VFC_INFO,
		   "without the type1 container only iommufd remains (nothing to trial against)",
		   "VFIO container");
	if (!stat("/sys/module/iommufd", &st))
		vfc_check_add(l, VFC_PASS, "iommufd module", NULL, "loaded (or built in)");
	else
		vfc_check_add(l, VFC_WARN, "iommufd module", "modprobe iommufd",
			      "not present in /sys/module");
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
		    "audit of static VMMs (see kernel/README.md)",
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

static void check_devices(struct vfc_checklist *l)
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
		vfc_check_add(l, VFC_INFO, "vfio-pci devices",
			      "bind the device to trial: driverctl set-override BDF vfio-pci",
			      "none bound to vfio-pci");
	else if (closed)
		vfc_check_add(
		    l, VFC_WARN, "vfio-pci devices",
		    "give the VMM's user access to /dev/vfio/GROUP (udev rule or libvirt)",
		    "%u: %s; %u group node(s) not read-writable by uid %u", n, list, closed,
		    (unsigned)getuid());
	else
		vfc_check_add(l, VFC_PASS, "vfio-pci devices", NULL, "%u: %s", n, list);
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

static int check_migration(char **bdfs, int n, bool json)
{
	struct vfc_checklist *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		return VFC_EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		struct vfc_migration_facts f;
		char err[512], text[512];
		enum vfc_status st;

		if (vfc_migration_probe(bdfs[i], &f, err, sizeof(err))) {
			vfc_check_add(l, VFC_FAIL, bdfs[i], "give an idle device bound to vfio-pci",
				      "cannot ask: %s", err);
			continue;
		}
		st = vfc_migration_verdict(&f, text, sizeof(text));
		vfc_check_add(
		    l, st, bdfs[i], NULL,
		    "%s (device migration %s, device DMA logging %s, IOMMU dirty tracking %s)",
		    text, f.dev_migration ? "yes" : "no", f.dev_dirty_logging ? "yes" : "no",
		    f.iommu_dirty ? "yes" : "no");
	}
	if (json)
		vfc_checklist_print_json(stdout, l, "migration");
	else
		vfc_checklist_print(stdout, l,
				    "vfiocompat check --migration: live migration after the "
				    "switch (combine with a trial report's dirty_pages/vaddr use)");
	rc = vfc_checklist_worst(l) == VFC_FAIL ? VFC_EXIT_FAIL : VFC_EXIT_OK;
	free(l);
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
	bool json = false, migration = false;
	struct vfc_checklist *l;
	struct utsname u;
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
	if (migration) {
		if (optind == argc) {
			vfc_err("check --migration: give the PCI address of at least one vfio-pci "
				"device "
				"(e.g. 0000:03:00.0)");
			return VFC_EXIT_USAGE;
		}
		return check_migration(argv + optind, argc - optind, json);
	}
	if (optind != argc) {
		vfc_err("check: unexpected argument '%s'; see 'vfiocompat check --help'",
			argv[optind]);
		return VFC_EXIT_USAGE;
	}
	l = calloc(1, sizeof(*l));
	if (!l || uname(&u)) {
		free(l);
		vfc_err("check: %s", strerror(errno));
		return VFC_EXIT_USAGE;
	}
	check_kernel(l, &u);
	check_config(l, &u, config);
	check_nodes(l);
	if (user)
		vfc_check_user(l, user, NULL, NULL);
	check_iommu(l);
	check_devices(l);
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
