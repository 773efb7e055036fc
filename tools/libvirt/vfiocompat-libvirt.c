// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiocompat-libvirt: `vfiocompat libvirt enable|disable|status DOMAIN`, the
 * one part of vfiocompat that links libvirt (so the main command does not).
 *
 * enable makes, and prints, each change a libvirt-managed QEMU needs to run
 * under the shim; disable undoes each, leaving only the reports:
 *  - the domain's <emulator> points at a generated wrapper that execs the
 *    original emulator with LD_PRELOAD, VFIOCOMPAT_LOG and VFIOCOMPAT_TARGET
 *    (no qemu:env, which taints the domain); the original emulator is kept in
 *    the domain's <metadata>, which is also what marks a domain as trialled;
 *  - a report directory of the domain's own, named after the AppArmor profile
 *    libvirt confines its QEMU with (libvirt-UUID), owned by libvirt's QEMU
 *    user, with DIR/DOMAIN a symlink to it;
 *  - the target node in qemu.conf's cgroup_device_acl (libvirt creates those
 *    nodes in QEMU's private /dev and allows them in its device cgroup);
 *  - for /dev/iommu (root 0660) a POSIX ACL entry for the QEMU user; the
 *    module's /dev/vfio/iommufd-compat is 0666 and needs none;
 *  - where AppArmor is active, rules in the libvirt-qemu local abstraction;
 *    its report rule names @{profile_name}, so each domain's QEMU may write
 *    its own report directory and no other domain's (all QEMUs share one
 *    user: DAC alone cannot keep them apart).
 * The shared changes (qemu.conf, ACL, AppArmor) are recomputed from the set of
 * trialled domains, so they stay while any domain needs them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "libvirtconf.h"
#include "target.h"

#include "lv.h"
#include "lvnative.h"

static void die_usage(const char *msg)
{
	fprintf(stderr, "%s: %s; see 'vfiocompat libvirt --help'\n", prog, msg);
	exit(2);
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vfiocompat libvirt enable|disable|status DOMAIN [OPTIONS]\n\n"
	    "Trial a libvirt domain's QEMU on iommufd under the vfiocompat shim, and undo it.\n"
	    "enable prints each change it makes; disable reverts each, keeping the reports.\n\n"
	    "  --dry-run          print the changes, make none\n"
	    "  --json             status: one JSON object (domain, trialled, emulator, target,\n"
	    "                     reports, qemu_conf, ...) instead of the text\n"
	    "  --native           enable: trial libvirt's own iommufd back end instead (libvirt\n"
	    "                     >= 12.1: <driver iommufd='yes'/> on each PCI hostdev; disable\n"
	    "                     restores the XML byte for byte)\n"
	    "  --connect URI      libvirt connection (default: libvirt's, qemu:///system as root)\n"
	    "  --log-dir DIR      reports go to DIR/libvirt-UUID, linked from DIR/DOMAIN\n"
	    "                     (default /var/log/vfiocompat/libvirt; root's, not group- or\n"
	    "                     other-writable)\n"
	    "  --state-dir DIR    the emulator wrappers (default /var/lib/vfiocompat/libvirt)\n"
	    "  --target NODE      iommufd node (default %s if loaded, else %s)\n"
	    "  --lib PATH         the shim (default: beside this program, else %s)\n"
	    "  --qemu-conf FILE   default /etc/libvirt/qemu.conf\n"
	    "  --apparmor-local FILE  default /etc/apparmor.d/local/abstractions/libvirt-qemu\n"
	    "  --apparmor auto|yes|no  write the AppArmor rules where AppArmor is active\n"
	    "                     (auto, the default), always (yes) or never (no)\n\n"
	    "After a qemu.conf change restart libvirtd (or virtqemud); the domain's next start\n"
	    "is trialled. Read the verdict with 'vfiocompat report DIR/DOMAIN/*.jsonl'.\n",
	    MODULE_NODE, IOMMU_NODE, VFC_LIBDIR "/libvfiocompat.so");
}

/* ---- the commands ---- */

static int cmd_enable(virConnectPtr conn, virDomainPtr dom, const char *name, const struct opts *o,
		      const char *lib)
{
	struct trial t = {0};
	char *xml, *nxml, wrapper[6 * PATH_MAX], profile[128], link[PATH_MAX];
	uid_t uid = 0;
	gid_t gid = 0;
	int rc;
	bool unconfined;
	virDomainPtr nd;

	if ((rc = get_trial(dom, &t)) != 0) {
		if (rc < 0)
			return lv_fail(
			    "domain '%s' has a vfiocompat <metadata> element enable did not "
			    "write; remove it (virsh metadata %s %s --remove)",
			    name, name, NS_URI);
		printf("%s: domain '%s' is already trialled (emulator %s, target %s); nothing "
		       "to do\n",
		       prog, name, t.wrapper, t.target);
		return 0;
	}
	if (qemu_user(conn, o, &uid, &gid, t.user, sizeof(t.user)))
		return 1;
	snprintf(t.target, sizeof(t.target), "%s",
		 o->target ? o->target : vfc_target_default(vfc_is_char_node));
	if (!vfc_is_char_node(t.target))
		return lv_fail("%s is not a character device here; load vfiocompat.ko (for %s) or "
			       "use a kernel with CONFIG_IOMMUFD (for %s)",
			       t.target, MODULE_NODE, IOMMU_NODE);
	if (access(lib, R_OK))
		return lv_fail("the shim %s is not readable (%s); build it or give --lib PATH", lib,
			       strerror(errno));
	snprintf(t.wrapper, sizeof(t.wrapper), "%s/%s.emulator", o->state_dir, name);
	xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml)
		return lv_fail("cannot read domain '%s': %s", name, lverr());
	if ((rc = domain_profile(dom, xml, profile, sizeof(profile))) < 0 ||
	    !lv_safe_name(profile)) {
		free(xml);
		return lv_fail("domain '%s': cannot name its AppArmor profile (%s); its report "
			       "directory is named after it",
			       name,
			       rc < 0 ? "no UUID"
				      : "a static label with characters other than "
					"letters, digits and ._+-");
	}
	unconfined = rc == 0;
	snprintf(t.log_dir, sizeof(t.log_dir), "%s/%s", o->log_dir, profile);
	snprintf(link, sizeof(link), "%s/%s", o->log_dir, name);
	nxml = xml_with_emulator(xml, t.wrapper, t.emulator, sizeof(t.emulator), false);
	free(xml);
	if (!nxml)
		return lv_fail("domain '%s' has no single <emulator> in its XML", name);
	if (!lv_safe_path(t.emulator)) {
		free(nxml);
		return lv_fail("emulator path '%s' has characters the wrapper cannot quote",
			       t.emulator);
	}
	{
		/* Ours to add, or already ours (another trialled domain added it). */
		struct want others = {0};

		if (collect(conn, name, &others))
			return 1;
		t.acl = !strcmp(t.target, IOMMU_NODE) && (!has_acl(IOMMU_NODE) || others.acl);
	}
	printf("%s: domain '%s': QEMU runs as %s (uid %u), trial target %s\n", prog, name, t.user,
	       (unsigned)uid, t.target);
	if (!strcmp(t.target, IOMMU_NODE) && !t.acl)
		printf("%s: %s already has a POSIX ACL: vfiocompat leaves it alone; make sure it "
		       "grants %s rw\n",
		       prog, IOMMU_NODE, t.user);

	/*
	 * 1. The report directory: the domain's own, named after its AppArmor
	 * profile, owned by the QEMU user, in a directory only root may change.
	 */
	lv_note(o, "report dir: %s (owner %s, mode 0750; kept by disable), %s links to it",
		t.log_dir, t.user, link);
	if (unconfined)
		printf("%s: domain '%s' runs without AppArmor (<seclabel type='none'>): nothing "
		       "keeps other domains' QEMUs out of its report directory\n",
		       prog, name);
	if (!o->dry_run && (rc = report_dir(o, &t, link, uid, gid)) != 0) {
		free(nxml);
		return rc;
	}
	/* 2. The wrapper. */
	wrapper_text(wrapper, sizeof(wrapper), name, &t, lib);
	lv_note(o, "wrapper: %s (execs %s with LD_PRELOAD=%s VFIOCOMPAT_TARGET=%s)", t.wrapper,
		t.emulator, lib, t.target);
	if (!o->dry_run) {
		if (lv_mkdirs(o->state_dir, 0755) < 0 ||
		    (rc = lv_write_file(t.wrapper, wrapper, 0755))) {
			free(nxml);
			return lv_fail("cannot write %s: %s", t.wrapper, strerror(errno));
		}
	}
	/* 3. The domain: emulator, then the metadata that remembers the original. */
	lv_note(o,
		"domain XML: <emulator>%s</emulator> -> %s; the original kept in <metadata> (%s)",
		t.emulator, t.wrapper, NS_URI);
	if (!o->dry_run) {
		char meta[6 * PATH_MAX];

		nd = virDomainDefineXML(conn, nxml);
		if (!nd) {
			rc = lv_fail("libvirt refused the domain with the wrapper: %s", lverr());
			unlink(t.wrapper);
			free(nxml);
			return rc;
		}
		virDomainFree(nd);
		snprintf(meta, sizeof(meta),
			 "<trial emulator='%s' target='%s' wrapper='%s' logdir='%s' user='%s' "
			 "acl='%s'/>",
			 t.emulator, t.target, t.wrapper, t.log_dir, t.user,
			 t.acl ? "added" : "no");
		if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, meta, NS_PREFIX, NS_URI,
					 VIR_DOMAIN_AFFECT_CONFIG)) {
			rc = lv_fail("cannot set the domain's metadata: %s; restoring the emulator",
				     lverr());
			free(nxml);
			nxml = NULL;
			xml = virDomainGetXMLDesc(dom,
						  VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
			if (xml) {
				char cur[PATH_MAX];
				char *back =
				    xml_with_emulator(xml, t.emulator, cur, sizeof(cur), true);

				if (back && (nd = virDomainDefineXML(conn, back)))
					virDomainFree(nd);
				free(back);
			}
			free(xml);
			unlink(t.wrapper);
			return rc;
		}
	}
	free(nxml);
	/* 4. qemu.conf, the node's ACL, AppArmor: for every trialled domain. */
	rc = shared_changes(conn, o, NULL, o->dry_run ? &t : NULL, lib, uid);
	if (virDomainIsActive(dom) == 1)
		printf("%s: domain '%s' is running: the trial starts with its next start\n", prog,
		       name);
	printf("%s: %s domain '%s'; reports will be in %s\n", prog,
	       o->dry_run ? "dry run: nothing changed for" : "enabled", name, t.log_dir);
	return rc;
}

static int cmd_disable(virConnectPtr conn, virDomainPtr dom, const char *name, const struct opts *o,
		       const char *lib)
{
	struct trial t;
	char *xml, *nxml, cur[PATH_MAX];
	int rc = get_trial(dom, &t);
	virDomainPtr nd;

	if (rc <= 0) {
		if (rc < 0)
			return lv_fail(
			    "domain '%s': its vfiocompat <metadata> is unreadable; restore "
			    "<emulator> by hand (virsh edit)",
			    name);
		printf("%s: domain '%s' is not trialled; nothing to undo here\n", prog, name);
		return shared_changes(conn, o, name, NULL, lib, 0);
	}
	xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml)
		return lv_fail("cannot read domain '%s': %s", name, lverr());
	nxml = xml_with_emulator(xml, t.emulator, cur, sizeof(cur), true);
	free(xml);
	if (!nxml)
		return lv_fail("domain '%s' has no single <emulator> in its XML", name);
	if (strcmp(cur, t.wrapper))
		printf("%s: the domain's emulator is now %s, not the wrapper: it is set back to %s "
		       "all the same\n",
		       prog, cur, t.emulator);
	lv_note(o,
		"domain XML: <emulator>%s</emulator> -> %s (the original); <metadata> entry "
		"removed",
		cur, t.emulator);
	if (!o->dry_run) {
		nd = virDomainDefineXML(conn, nxml);
		if (!nd) {
			free(nxml);
			return lv_fail("libvirt refused the domain with its original emulator: %s",
				       lverr());
		}
		virDomainFree(nd);
		/* The define above dropped the metadata; make sure nothing is left. */
		if (get_trial(dom, &(struct trial){0}) != 0 &&
		    virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, NULL, NULL, NS_URI,
					 VIR_DOMAIN_AFFECT_CONFIG)) {
			free(nxml);
			return lv_fail("cannot remove the domain's vfiocompat metadata: %s",
				       lverr());
		}
	}
	free(nxml);
	lv_note(o, "wrapper: %s removed", t.wrapper);
	if (!o->dry_run && unlink(t.wrapper) && errno != ENOENT)
		fprintf(stderr, "%s: cannot remove %s: %s\n", prog, t.wrapper, strerror(errno));
	rc = shared_changes(conn, o, name, NULL, lib, 0);
	if (virDomainIsActive(dom) == 1)
		printf("%s: domain '%s' is running: its QEMU stays trialled until it stops\n", prog,
		       name);
	printf("%s: %s domain '%s'; its reports stay in %s\n", prog,
	       o->dry_run ? "dry run: nothing changed for" : "disabled", name, t.log_dir);
	return rc;
}

/* status --json: one object, the same facts as the text (docs/man/vfiocompat.1). */
static void status_json(const char *name, int rc, const struct trial *t, int reports,
			const char *conf_state, const struct opts *o)
{
	json_object *j = json_object_new_object();

	json_object_object_add(j, "domain", json_object_new_string(name));
	json_object_object_add(j, "trialled", json_object_new_boolean(rc > 0));
	if (rc < 0)
		json_object_object_add(j, "error",
				       json_object_new_string("unreadable vfiocompat metadata"));
	if (rc > 0) {
		json_object_object_add(j, "mode", json_object_new_string("shim"));
		json_object_object_add(j, "emulator", json_object_new_string(t->wrapper));
		json_object_object_add(j, "original_emulator", json_object_new_string(t->emulator));
		json_object_object_add(j, "target", json_object_new_string(t->target));
		json_object_object_add(j, "qemu_user", json_object_new_string(t->user));
		json_object_object_add(j, "report_dir", json_object_new_string(t->log_dir));
		json_object_object_add(j, "reports", json_object_new_int(reports));
		json_object_object_add(j, "wrapper_present",
				       json_object_new_boolean(!access(t->wrapper, X_OK)));
		json_object_object_add(j, "qemu_conf",
				       conf_state ? json_object_new_string(conf_state) : NULL);
		if (!strcmp(t->target, IOMMU_NODE))
			json_object_object_add(j, "acl",
					       json_object_new_boolean(has_acl(IOMMU_NODE)));
		json_object_object_add(j, "apparmor", json_object_new_boolean(apparmor_active()));
	}
	(void)o;
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

/* status --json of a domain on libvirt's own back end: what it is; the text has the rest. */
static int native_status_json(const char *name)
{
	json_object *j = json_object_new_object();

	json_object_object_add(j, "domain", json_object_new_string(name));
	json_object_object_add(j, "trialled", json_object_new_boolean(true));
	json_object_object_add(j, "mode", json_object_new_string("native"));
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return 0;
}

static int cmd_status(virConnectPtr conn, virDomainPtr dom, const char *name, const struct opts *o)
{
	struct trial t;
	int rc = get_trial(dom, &t), n = 0;
	struct want w = {0};
	bool missing;
	char *conf;
	const char *conf_state = NULL;

	(void)conn;
	if (rc <= 0) {
		if (o->json)
			status_json(name, rc, &t, 0, NULL, o);
		else
			printf("%s: domain '%s': not trialled%s\n", prog, name,
			       rc < 0 ? " (unreadable vfiocompat metadata)" : "");
		return rc < 0;
	}
	{
		DIR *d = opendir(t.log_dir);
		struct dirent *e;

		while (d && (e = readdir(d)))
			n += strstr(e->d_name, ".jsonl") != NULL;
		if (d)
			closedir(d);
	}
	conf = lv_read_file(o->qemu_conf, &missing);
	want_add(&w, &t);
	if (conf) {
		char *out = vfc_conf_set_nodes(conf, w.nodes, w.n);
		char *rev = vfc_conf_revert(conf);

		conf_state = out && rev && !strcmp(out, conf)
				 ? (strcmp(rev, conf) ? "allows the node (vfiocompat block)"
						      : "allows the node (its own setting)")
				 : "does NOT allow the node: run enable again";
		free(out);
		free(rev);
	}
	free(conf);
	if (o->json) {
		status_json(name, rc, &t, n, conf_state, o);
		return 0;
	}
	printf("%s: domain '%s': trialled\n  emulator: %s (original: %s)\n  target: %s\n  "
	       "QEMU user: %s\n",
	       prog, name, t.wrapper, t.emulator, t.target, t.user);
	printf("  reports: %d in %s (%s/%s links to it)\n", n, t.log_dir, o->log_dir, name);
	printf("  wrapper file: %s\n", access(t.wrapper, X_OK) ? "MISSING" : "present");
	if (conf_state)
		printf("  qemu.conf: %s\n", conf_state);
	if (!strcmp(t.target, IOMMU_NODE))
		printf("  ACL on %s: %s\n", IOMMU_NODE, has_acl(IOMMU_NODE) ? "present" : "none");
	printf("  AppArmor: %s\n", apparmor_active() ? "active" : "not active");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"dry-run", no_argument, 0, 'n'},
	    {"json", no_argument, 0, 'j'},
	    {"native", no_argument, 0, 'N'},
	    {"connect", required_argument, 0, 'c'},
	    {"log-dir", required_argument, 0, 'l'},
	    {"state-dir", required_argument, 0, 's'},
	    {"qemu-conf", required_argument, 0, 'q'},
	    {"apparmor-local", required_argument, 0, 'a'},
	    {"apparmor", required_argument, 0, 'A'},
	    {"target", required_argument, 0, 't'},
	    {"lib", required_argument, 0, 'L'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	struct opts o = {
	    .log_dir = "/var/log/vfiocompat/libvirt",
	    .state_dir = "/var/lib/vfiocompat/libvirt",
	    .qemu_conf = "/etc/libvirt/qemu.conf",
	    .apparmor_local = "/etc/apparmor.d/local/abstractions/libvirt-qemu",
	    .apparmor = -1,
	};
	char libbuf[PATH_MAX], self[PATH_MAX];
	const char *verb, *name;
	virConnectPtr conn;
	virDomainPtr dom;
	int c, rc;
	ssize_t n;

	opterr = 0; /* one line of ours, never getopt's with argv[0] (a build path) */
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.dry_run = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'N':
			o.native = true;
			break;
		case 'c':
			o.uri = optarg;
			break;
		case 'l':
			o.log_dir = optarg;
			break;
		case 's':
			o.state_dir = optarg;
			break;
		case 'q':
			o.qemu_conf = optarg;
			break;
		case 'a':
			o.apparmor_local = optarg;
			break;
		case 'A':
			if (!strcmp(optarg, "auto"))
				o.apparmor = -1;
			else if (!strcmp(optarg, "yes"))
				o.apparmor = 1;
			else if (!strcmp(optarg, "no"))
				o.apparmor = 0;
			else
				die_usage("--apparmor takes auto, yes or no");
			break;
		case 't':
			o.target = optarg;
			break;
		case 'L':
			o.lib = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default: {
			char msg[320];

			snprintf(msg, sizeof(msg), "unknown option '%.200s', or it lacks its value",
				 argv[optind - 1]);
			die_usage(msg);
		}
		}
	}
	if (argc - optind != 2)
		die_usage("give a verb (enable, disable, status) and a domain name");
	verb = argv[optind];
	name = argv[optind + 1];
	if (strcmp(verb, "enable") && strcmp(verb, "disable") && strcmp(verb, "status"))
		die_usage("unknown verb; use enable, disable or status");
	if (o.json && strcmp(verb, "status"))
		die_usage("--json is status's (enable and disable print each change as text)");
	if (!lv_safe_name(name))
		die_usage("a domain name of letters, digits and ._+- only (it names files)");
	if (!lv_safe_path(o.log_dir) || !lv_safe_path(o.state_dir) ||
	    (o.target && !lv_safe_path(o.target)) || (o.lib && !lv_safe_path(o.lib)))
		die_usage("paths must be absolute, without quotes, '<', '>', '&' or '\\'");
	if (!o.lib) {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
		snprintf(libbuf, sizeof(libbuf), "%s/libvfiocompat.so", dirname(self));
		o.lib = n > 0 && !access(libbuf, R_OK) ? libbuf : VFC_LIBDIR "/libvfiocompat.so";
	}
	/* Errors are reported once, by us, with what to do. */
	virSetErrorFunc(NULL, lv_quiet);
	conn = virConnectOpen(o.uri);
	if (!conn)
		return lv_fail("cannot connect to libvirt%s%s: %s", o.uri ? " at " : "",
			       o.uri ? o.uri : "", lverr());
	dom = virDomainLookupByName(conn, name);
	if (!dom) {
		rc = lv_fail("no domain '%s' on %s; see 'virsh list --all'", name,
			     o.uri ? o.uri : "libvirt's default connection");
		virConnectClose(conn);
		return rc;
	}
	/* libvirt's own back end on trial (lvnative.c): its verbs are its own. */
	if (!strcmp(verb, "enable") && o.native)
		rc = vfc_lv_native_enable(conn, dom, name, o.state_dir, o.dry_run);
	else if (vfc_lv_native_marked(dom) && strcmp(verb, "enable"))
		rc = !strcmp(verb, "disable") ? vfc_lv_native_disable(conn, dom, name, o.dry_run)
		     : o.json		      ? native_status_json(name)
					      : vfc_lv_native_status(dom, name);
	else if (vfc_lv_native_marked(dom))
		rc = lv_fail("domain '%s' runs libvirt's iommufd back end on trial; 'vfiocompat "
			     "libvirt disable %s' first",
			     name, name);
	else if (!strcmp(verb, "enable"))
		rc = cmd_enable(conn, dom, name, &o, o.lib);
	else if (!strcmp(verb, "disable"))
		rc = cmd_disable(conn, dom, name, &o, o.lib);
	else
		rc = cmd_status(conn, dom, name, &o);
	virDomainFree(dom);
	virConnectClose(conn);
	return rc;
}
