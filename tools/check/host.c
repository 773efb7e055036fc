// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat check`'s host probe: the kernel and its config, the nodes and
 * who provides them, the modules, the IOMMU and its groups, the vfio-pci
 * devices, RLIMIT_MEMLOCK. Each check adds lines to a checklist; cmd_check.c
 * is the front end that orders them and prints.
 */
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/xattr.h>
#include <errno.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "host.h"
#include "iommu_vendor.h"
#include "kconfig.h"
#include "pci.h"
#include "usercheck.h"
#include "vfiocompat/module.h"

#define CAP_SYS_RESOURCE_BIT 24

#ifndef VFC_DOCDIR
#define VFC_DOCDIR "/usr/local/share/doc/vfiocompat"
#endif

static struct vfc_check_ctx ctx;

void vfc_check_context(const char *user, const char *running_release)
{
	struct passwd *pw = user ? getpwnam(user) : NULL;

	memset(&ctx, 0, sizeof(ctx));
	ctx.uid = getuid();
	ctx.running = running_release;
	if (pw) {
		ctx.user = user;
		ctx.uid = pw->pw_uid;
		ctx.ngroups = (int)(sizeof(ctx.groups) / sizeof(ctx.groups[0]));
		if (getgrouplist(pw->pw_name, pw->pw_gid, ctx.groups, &ctx.ngroups) < 0)
			ctx.ngroups = (int)(sizeof(ctx.groups) / sizeof(ctx.groups[0]));
	}
}

/* Who the lines speak of: "libvirt-qemu" or "uid 0". */
static const char *who(void)
{
	static char buf[96];

	if (ctx.user)
		snprintf(buf, sizeof(buf), "%.80s", ctx.user);
	else
		snprintf(buf, sizeof(buf), "uid %u", (unsigned)ctx.uid);
	return buf;
}

/* May the VMM's user (--user) or this shell open path read-write? */
static bool user_rw(const char *path, const struct stat *st)
{
	char acl[512];
	ssize_t al;

	if (!ctx.user)
		return !access(path, R_OK | W_OK);
	al = getxattr(path, "system.posix_acl_access", acl, sizeof(acl));
	return vfc_node_rw(st->st_mode, st->st_uid, st->st_gid, al > 0 ? acl : NULL,
			   al > 0 ? (size_t)al : 0, ctx.uid, ctx.groups, ctx.ngroups);
}

/*
 * A line only the running kernel answers, under --config: marked as its,
 * and no WARN or FAIL (the target kernel, once booted, answers for itself).
 */
static void add_running(struct vfc_checklist *l, enum vfc_status st, const char *name,
			const char *hint, const char *detail)
{
	if (!ctx.running) {
		vfc_check_add(l, st, name, hint, "%s", detail);
		return;
	}
	vfc_check_add(l, st > VFC_INFO ? VFC_INFO : st, name,
		      st > VFC_INFO ? "boot the target kernel, then run check without --config"
				    : NULL,
		      "running kernel %.60s: %s", ctx.running, detail);
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

/* release: the running kernel's, or the --config file's (from: that file). */
void vfc_check_kernel(struct vfc_checklist *l, const char *release, const char *from)
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

void vfc_check_config(struct vfc_checklist *l, const char *text, size_t len, const char *source,
		      struct kfacts *k)
{
	struct vfc_check *kern;
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
	/* One root cause, one FAIL: a kernel too old for iommufd was named above. */
	if (v == 'n' && (kern = vfc_check_find(l, "kernel")) && kern->status == VFC_FAIL)
		vfc_check_add(l, VFC_SKIP, "CONFIG_IOMMUFD", NULL,
			      "not set: the kernel above is too old for iommufd");
	else if (v == 'n')
		vfc_check_add(l, VFC_FAIL, "CONFIG_IOMMUFD",
			      "build and boot a kernel with CONFIG_IOMMUFD=y or =m (Linux 6.2+; "
			      "check it first with --config FILE)",
			      "not set: this kernel has no iommufd");
	else
		vfc_check_add(l, VFC_PASS, "CONFIG_IOMMUFD", NULL, "=%c", v);

	v = vfc_kconfig_value(text, len, "IOMMUFD_VFIO_CONTAINER");
	if (k->iommufd == 'n')
		vfc_check_add(l, VFC_SKIP, "CONFIG_IOMMUFD_VFIO_CONTAINER", NULL,
			      "not asked: needs CONFIG_IOMMUFD");
	else if (v == 'n')
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
	char owner[256], d[512];
	struct stat st;

	if (stat(path, &st)) {
		snprintf(d, sizeof(d), "absent (%s)", strerror(errno));
		if (ctx.running)
			add_running(l, missing, path, NULL, d);
		else
			vfc_check_add(l, missing, path, missing_hint, "%s", d);
		return false;
	}
	if (!S_ISCHR(st.st_mode)) {
		vfc_check_add(l, VFC_FAIL, path,
			      "remove whatever is there; udev recreates the node",
			      "exists but is not a character device");
		return false;
	}
	snprintf(d, sizeof(d), "%s %u:%u (%s), mode %04o, %s %s", what, major(st.st_rdev),
		 minor(st.st_rdev), char_owner(st.st_rdev, owner, sizeof(owner)),
		 st.st_mode & 07777, user_rw(path, &st) ? "usable by" : "not read-writable by",
		 who());
	if (!user_rw(path, &st))
		add_running(l, VFC_WARN, path,
			    "add a udev rule (MODE or GROUP) for the VMM's user, or run the VMM as "
			    "root",
			    d);
	else
		add_running(l, VFC_PASS, path, NULL, d);
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
	if (cfg == 'n')
		vfc_check_add(l, VFC_SKIP, name, NULL,
			      "not asked: the kernel cannot have it (CONFIG_%s is not set, above)",
			      sym);
	else if (listed)
		add_running(l, VFC_PASS, name, NULL, "loaded");
	else if (!stat(path, &st))
		add_running(l, VFC_PASS, name, NULL, "built into the kernel");
	else if (ctx.running) {
		snprintf(line, sizeof(line), "not loaded (no %s)", path);
		add_running(l, missing, name, NULL, line);
	} else {
		snprintf(hint, sizeof(hint), "modprobe %s", mod);
		vfc_check_add(l, missing, name, hint, "not loaded (no %s)", path);
	}
}

void vfc_check_nodes(struct vfc_checklist *l, const struct kfacts *k)
{
	struct stat st;

	if (k->iommufd == 'n')
		vfc_check_add(l, VFC_SKIP, "/dev/iommu", NULL,
			      "not asked: the kernel cannot have iommufd (CONFIG_IOMMUFD, above)");
	else
		check_node(l, "/dev/iommu", VFC_FAIL,
			   k->iommufd == 'm' ? "load iommufd (modprobe iommufd)"
					     : "load iommufd (modprobe iommufd) on a kernel with "
					       "CONFIG_IOMMUFD",
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
		vfc_check_add(l, VFC_PASS, "vfiocompat module", NULL, "loaded");
		check_node(l, VFC_MODULE_NODE, VFC_WARN,
			   "the module is loaded but its node is missing: check udev and dmesg",
			   "vfiocompat module node");
	} else {
		vfc_check_add(l, VFC_INFO, "vfiocompat module",
			      "optional: per-process memlock accounting without CAP_SYS_RESOURCE "
			      "(see " VFC_DOCDIR
			      "/kernel-module.md); static VMMs: vfiocompat audit (eBPF)",
			      "not loaded");
	}
}

void vfc_check_iommu(struct vfc_checklist *l)
{
	char names[256];
	unsigned n = count_dir("/sys/class/iommu", names, sizeof(names));
	unsigned groups = count_dir("/sys/kernel/iommu_groups", NULL, 0);

	const char *of = ctx.running ? " (running kernel " : "";

	if (n)
		vfc_check_add(l, VFC_PASS, "IOMMU", NULL,
			      "%u enabled (%s), %u IOMMU groups%s%.60s%s", n, names, groups, of,
			      ctx.running ? ctx.running : "", ctx.running ? ")" : "");
	else
		vfc_check_add(
		    l, VFC_FAIL, "IOMMU",
		    "enable VT-d / AMD-Vi in the firmware and boot with intel_iommu=on (Intel)",
		    "none enabled (/sys/class/iommu is empty), %u IOMMU groups%s%.60s%s", groups,
		    of, ctx.running ? ctx.running : "", ctx.running ? ")" : "");
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

void vfc_check_devices(struct vfc_checklist *l, const struct kfacts *k)
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
		{
			struct stat gs;

			if (stat(path, &gs) || !user_rw(path, &gs))
				closed++;
		}
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
		    "%u: %s; %u group node(s) not read-writable by %s", n, list, closed, who());
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

void vfc_check_memlock(struct vfc_checklist *l, const struct kfacts *k)
{
	struct rlimit r;
	struct stat st;
	bool node = !stat(VFC_MODULE_NODE, &st);

	/* The VMM's limit and capabilities, not this shell's: libvirt and units set their own. */
	if (ctx.user) {
		vfc_check_add(l, VFC_INFO, "RLIMIT_MEMLOCK",
			      "libvirt sets it per guest (<memtune>, or the guest's RAM); a unit "
			      "sets LimitMEMLOCK=",
			      "%s's VMM: its own limit, set by whatever starts it (not this "
			      "shell's): it must cover all guest RAM",
			      ctx.user);
		if (k->iommufd == 'n')
			vfc_check_add(l, VFC_SKIP, "CAP_SYS_RESOURCE", NULL,
				      "not asked: iommufd's accounting needs iommufd "
				      "(CONFIG_IOMMUFD, above)");
		else if (node)
			vfc_check_add(l, VFC_PASS, "CAP_SYS_RESOURCE", NULL,
				      "not needed: the vfiocompat module's node gives %s's VMMs "
				      "per-process accounting",
				      ctx.user);
		else
			vfc_check_add(
			    l, VFC_WARN, "CAP_SYS_RESOURCE",
			    "grant it to the VMM (a unit: AmbientCapabilities=CAP_SYS_RESOURCE; "
			    "libvirt clears QEMU's capabilities), or load vfiocompat.ko and target "
			    "its node",
			    "%s's VMM holds it only when granted: without it iommufd counts pinned "
			    "memory per user, so all of %s's VMMs share one RLIMIT_MEMLOCK",
			    ctx.user, ctx.user);
		return;
	}
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
	if (k->iommufd == 'n')
		vfc_check_add(
		    l, VFC_SKIP, "CAP_SYS_RESOURCE", NULL,
		    "not asked: iommufd's accounting needs iommufd (CONFIG_IOMMUFD, above)");
	else if (has_cap_sys_resource())
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
