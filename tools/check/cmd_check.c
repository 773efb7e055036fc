// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat check`: is this host ready to move VFIO users to iommufd? */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <time.h>
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
#include "host.h"
#include "cli.h"
#include "iommu_vendor.h"
#include "kconfig.h"
#include "migration.h"
#include "pci.h"
#include "usercheck.h"
#include "vfiocompat/module.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vfiocompat check [--json|--nagios|--prometheus] [--config FILE] [--user USER]\n"
	    "       vfiocompat check --migration [--json] DEVICE...\n\n"
	    "Host readiness for iommufd: kernel and its configuration, /dev/iommu and\n"
	    "/dev/vfio/vfio and who provides them, the vfiocompat module, the IOMMU, devices\n"
	    "bound to vfio-pci, RLIMIT_MEMLOCK and CAP_SYS_RESOURCE. Each line is PASS, INFO,\n"
	    "WARN or FAIL, with a hint when it is not PASS; SKIP when a FAIL above (its root\n"
	    "cause: a kernel without iommufd) already answers it.\n\n"
	    "  --config FILE  judge this kernel .config instead of the running kernel's\n"
	    "                 (/proc/config.gz, /boot/config-RELEASE); for another kernel,\n"
	    "                 what only the running one can say is marked as its\n"
	    "  --migration    for each idle VFIO device (DDDD:BB:DD.F or BB:DD.F, an mdev\n"
	    "                 UUID or a sysfs path): does a VM using it stay live-migratable\n"
	    "                 after the switch? migratable, migratable-degraded, blocked or\n"
	    "                 not-migratable-either-way, per QEMU dirty-tracking setting\n"
	    "                 (binds it through its VFIO cdev)\n"
	    "  --user USER    judge for USER (libvirt's QEMU user, a unit's User=), not this\n"
	    "                 shell: node access, memlock limit, CAP_SYS_RESOURCE; and can USER\n"
	    "                 reach the iommufd node: mode/ACL, cgroup_device_acl, AppArmor\n"
	    "  --json         one JSON object\n"
	    "  --nagios       a monitoring plugin: 'VFIOCOMPAT STATE - summary | perfdata',\n"
	    "                 each check as long output; exit 0 OK, 1 WARNING (a WARN),\n"
	    "                 2 CRITICAL (a FAIL), 3 UNKNOWN (any error, then on stdout)\n"
	    "  --prometheus   node_exporter textfile-collector metrics: a gauge per check\n"
	    "                 line and state, vfiocompat_check_ready (host checks only)\n\n"
	    "exit: 0 no FAIL, 1 a FAIL, 2 bad arguments: an unknown or conflicting option, a\n"
	    "      --config that is no readable kernel config, a device that is not a PCI\n"
	    "      address, mdev UUID or sysfs path, or no device of this host (BB:DD.F means\n"
	    "      domain 0000)\n");
}

/*
 * Is the --config file's kernel (its header's version) the running one?
 * uname adds CONFIG_LOCALVERSION ("6.12.0-vfc"): a suffix past the version.
 */
static bool same_kernel(const char *config_release, const char *running)
{
	size_t n = config_release ? strlen(config_release) : 0;

	return n && !strncmp(running, config_release, n) &&
	       (running[n] == '\0' || running[n] == '-' || running[n] == '+');
}

/* An error: 2, or UNKNOWN (3) for a monitoring system. */
static int err_exit(void)
{
	return vfc_nagios ? VFC_NAGIOS_UNKNOWN : VFC_EXIT_USAGE;
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
	    {"nagios", no_argument, 0, 'n'},
	    {"prometheus", no_argument, 0, 'p'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *config = NULL, *user = NULL;
	bool json = false, migration = false, has_release = false, nagios, prometheus = false;
	char source[PATH_MAX + 32] = "", release[128];
	struct kfacts k = {0};
	struct vfc_checklist *l;
	struct utsname u;
	size_t len = 0;
	char *text;
	int c, rc;

	nagios = vfc_nagios_scan(argc, argv);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'n':
			break; /* vfc_nagios_scan */
		case 'm':
			migration = true;
			break;
		case 'c':
			config = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'p':
			prometheus = true;
			break;
		case 'h':
			usage(stdout);
			return VFC_EXIT_OK;
		default:
			return vfc_bad_option("check", argv);
		}
	}
	if (nagios && (json || migration)) {
		vfc_err("check: --nagios is a format of the host check; leave out --%s",
			json ? "json" : "migration");
		return VFC_NAGIOS_UNKNOWN;
	}
	if (migration && config) {
		vfc_err("check: --config and --migration exclude each other (--migration asks the "
			"running kernel's devices); give one");
		return err_exit();
	}
	if (prometheus && (json || migration || nagios)) {
		vfc_err("check: --prometheus is the host checks' metrics; it takes neither --json, "
			"--nagios nor --migration");
		return err_exit();
	}
	if (migration) {
		if (optind == argc) {
			vfc_err("check --migration: give at least one VFIO device: a PCI address "
				"(0000:03:00.0 or 03:00.0), an mdev UUID or a sysfs path");
			return err_exit();
		}
		return check_migration(argv + optind, argc - optind, json);
	}
	if (optind != argc) {
		vfc_err("check: unexpected argument '%s'; see 'vfiocompat check --help'",
			argv[optind]);
		return err_exit();
	}
	if (uname(&u)) {
		vfc_err("check: uname: %s", strerror(errno));
		return err_exit();
	}
	if (config) {
		char why[128];
		const char *bad = vfc_kconfig_unreadable(config, why, sizeof(why));

		if (bad) {
			vfc_err("check: --config %s: %s; give a kernel .config (e.g. "
				"/boot/config-%s)",
				config, bad, u.release);
			return err_exit();
		}
		text = vfc_kconfig_read(config, &len);
		if (!text) {
			vfc_err(
			    "check: --config %s: cannot be read as a plain or gzip file (larger "
			    "than 8 MiB, or corrupt); give a kernel .config",
			    config);
			return err_exit();
		}
		if (!vfc_kconfig_plausible(text, len)) {
			vfc_err(
			    "check: --config %s is not a kernel config (no CONFIG_ line); give a "
			    "kernel .config (e.g. /boot/config-%s)",
			    config, u.release);
			free(text);
			return err_exit();
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
		return err_exit();
	}
	/* A --config of another kernel: what the running one answers is marked as its. */
	vfc_check_context(user, config && !same_kernel(has_release ? release : NULL, u.release)
				    ? u.release
				    : NULL);
	if (config) {
		vfc_check_kernel(l, has_release ? release : NULL, config);
		vfc_check_kernel_lab(l, has_release ? release : NULL, false);
	} else {
		vfc_check_kernel(l, u.release, NULL);
		vfc_check_kernel_lab(l, u.release, true);
	}
	vfc_check_config(l, text, len, source, &k);
	free(text);
	vfc_check_nodes(l, &k);
	if (user)
		vfc_check_user(l, user, NULL, NULL);
	vfc_check_iommu(l);
	vfc_check_iommu_vendor(l, "", -1);
	vfc_check_devices(l, &k);
	vfc_check_memlock(l, &k);
	if (nagios) {
		vfc_checklist_print_nagios(stdout, l);
		rc = vfc_checklist_worst(l) == VFC_FAIL	  ? VFC_NAGIOS_CRITICAL
		     : vfc_checklist_worst(l) == VFC_WARN ? VFC_NAGIOS_WARNING
							  : VFC_NAGIOS_OK;
		free(l);
		return rc;
	}
	if (prometheus) {
		vfc_checklist_print_prometheus(stdout, l, (long long)time(NULL));
	} else if (json) {
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
