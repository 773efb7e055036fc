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

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "libvirtconf.h"
#include "target.h"

#ifndef VFC_LIBDIR
#define VFC_LIBDIR "/usr/local/lib"
#endif

#define NS_URI	  "https://github.com/vfiocompat/vfiocompat/libvirt/1"
#define NS_PREFIX "vfiocompat"
/* The two targets (vfiocompat/module.h); common/target.c chooses. */
#define MODULE_NODE VFC_MODULE_NODE
#define IOMMU_NODE  VFC_IOMMU_NODE

static const char *prog = "vfiocompat libvirt";

struct opts {
	const char *uri, *log_dir, *state_dir, *qemu_conf, *apparmor_local, *target, *lib;
	bool dry_run;
	int apparmor; /* -1 auto (where active), 0 never, 1 always */
};

/* What enable recorded for one domain (its <metadata> element). */
struct trial {
	char emulator[PATH_MAX], target[PATH_MAX], wrapper[PATH_MAX], log_dir[PATH_MAX];
	char user[64];
	bool acl;
};

/* The AppArmor rules granting a domain's QEMU its own report directory only. */
#define AA_PROFILE_VAR "@{profile_name}"

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
	    "  --connect URI      libvirt connection (default: libvirt's, qemu:///system as root)\n"
	    "  --log-dir DIR      reports go to DIR/libvirt-UUID, linked from DIR/DOMAIN\n"
	    "                     (default /var/log/vfiocompat/libvirt; root's, not group- or\n"
	    "                     other-writable)\n"
	    "  --state-dir DIR    the emulator wrappers (default /var/lib/vfiocompat/libvirt)\n"
	    "  --target NODE      iommufd node (default %s if loaded, else %s)\n"
	    "  --lib PATH         the shim (default: beside this program, else %s)\n"
	    "  --qemu-conf FILE   default /etc/libvirt/qemu.conf\n"
	    "  --apparmor-local FILE  default /etc/apparmor.d/local/abstractions/libvirt-qemu\n\n"
	    "After a qemu.conf change restart libvirtd (or virtqemud); the domain's next start\n"
	    "is trialled. Read the verdict with 'vfiocompat report DIR/DOMAIN/*.jsonl'.\n",
	    MODULE_NODE, IOMMU_NODE, VFC_LIBDIR "/libvfiocompat.so");
}

static void note(const struct opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const struct opts *o, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s", prog, o->dry_run ? "would: " : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void quiet(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

static const char *lverr(void)
{
	const char *m = virGetLastErrorMessage();

	return m ? m : "unknown libvirt error";
}

/* Safe in a single-quoted shell word, a file name and an XML attribute. */
static bool safe_path(const char *s)
{
	return *s == '/' && !strpbrk(s, "'\"<>&\n\\") && strlen(s) < PATH_MAX - 64;
}

static bool safe_name(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._+-", *p)))
			return false;
	return *s && *s != '.' && strlen(s) < 128;
}

static char *read_file(const char *path, bool *missing)
{
	FILE *f = fopen(path, "re");
	char *buf;

	*missing = false;
	if (!f) {
		*missing = errno == ENOENT;
		return *missing ? strdup("") : NULL;
	}
	buf = vfc_conf_read(f);
	fclose(f);
	return buf;
}

/* Replace path by text atomically, keeping the original's mode and owner. */
static int write_file(const char *path, const char *text, mode_t mode)
{
	char tmp[PATH_MAX + 16];
	struct stat st;
	int fd;
	size_t len = strlen(text);

	if (!stat(path, &st))
		mode = st.st_mode & 07777;
	else
		st.st_uid = 0, st.st_gid = 0;
	snprintf(tmp, sizeof(tmp), "%s.vfiocompat-new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) ||
	    (fchown(fd, st.st_uid, st.st_gid) && errno != EPERM) || fsync(fd)) {
		int e = errno;

		close(fd);
		unlink(tmp);
		return -e;
	}
	close(fd);
	if (rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	return 0;
}

static int mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/* <vfiocompat:trial emulator=.. target=.. .../> back into a struct trial. */
static bool parse_trial(const char *xml, struct trial *t)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "metadata.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr root;
	bool ok = false;

	memset(t, 0, sizeof(*t));
	if (!doc)
		return false;
	root = xmlDocGetRootElement(doc);
	if (root && !xmlStrcmp(root->name, BAD_CAST "trial")) {
		struct {
			const char *name;
			char *dst;
			size_t len;
		} f[] = {
		    {"emulator", t->emulator, sizeof(t->emulator)},
		    {"target", t->target, sizeof(t->target)},
		    {"wrapper", t->wrapper, sizeof(t->wrapper)},
		    {"logdir", t->log_dir, sizeof(t->log_dir)},
		    {"user", t->user, sizeof(t->user)},
		};
		ok = true;
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			xmlChar *v = xmlGetProp(root, BAD_CAST f[i].name);

			if (v && strlen((char *)v) < f[i].len)
				strcpy(f[i].dst, (char *)v);
			else
				ok = false;
			xmlFree(v);
		}
		{
			xmlChar *v = xmlGetProp(root, BAD_CAST "acl");

			t->acl = v && !xmlStrcmp(v, BAD_CAST "added");
			xmlFree(v);
		}
	}
	xmlFreeDoc(doc);
	return ok;
}

/* 1: the domain is trialled (t filled), 0: not, -1: unreadable metadata. */
static int get_trial(virDomainPtr dom, struct trial *t)
{
	char *xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, NS_URI,
					 VIR_DOMAIN_AFFECT_CONFIG);
	int rc;

	if (!xml)
		return 0;
	rc = parse_trial(xml, t) ? 1 : -1;
	free(xml);
	return rc;
}

/*
 * Our element out of <metadata>, and <metadata> itself when nothing else is
 * left in it: libvirt would otherwise keep an empty one, and the XML after
 * disable would not be the original.
 */
static void strip_metadata(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), m, c, next;

	for (m = root ? root->children : NULL; m; m = m->next)
		if (m->type == XML_ELEMENT_NODE && !xmlStrcmp(m->name, BAD_CAST "metadata"))
			break;
	if (!m)
		return;
	bool others = false;

	for (c = m->children; c; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (c->ns && !xmlStrcmp(c->ns->href, BAD_CAST NS_URI)) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		} else {
			others = true;
		}
	}
	if (!others) {
		xmlUnlinkNode(m);
		xmlFreeNode(m);
	}
}

/*
 * The domain's inactive XML with <emulator> set to emu (and, with strip, our
 * metadata removed); NULL on error. The emulator it had goes to old.
 */
static char *xml_with_emulator(const char *xml, const char *emu, char *old, size_t oldlen,
			       bool strip)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr r;
	xmlChar *out = NULL, *cur;
	char *ret = NULL;
	int len;

	if (!doc)
		return NULL;
	ctx = xmlXPathNewContext(doc);
	r = ctx ? xmlXPathEvalExpression(BAD_CAST "/domain/devices/emulator", ctx) : NULL;
	if (r && r->nodesetval && r->nodesetval->nodeNr == 1) {
		xmlNodePtr n = r->nodesetval->nodeTab[0];

		cur = xmlNodeGetContent(n);
		if (cur && strlen((char *)cur) < oldlen) {
			strcpy(old, (char *)cur);
			if (emu)
				xmlNodeSetContent(n, BAD_CAST emu);
			if (strip)
				strip_metadata(doc);
			xmlDocDumpMemory(doc, &out, &len);
			ret = out ? strdup((char *)out) : NULL;
			xmlFree(out);
		}
		xmlFree(cur);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return ret;
}

/*
 * The AppArmor profile libvirt confines the domain's QEMU with: its static
 * <seclabel model='apparmor'> label, else libvirt's dynamic libvirt-UUID.
 * It names the domain's report directory, so the one shared rule
 * rule `DIR/@{profile_name}/<anything> rw` lets each QEMU write its own
 * directory only.
 * 1: name in buf; 0: the domain runs without AppArmor (type='none'); -1: error.
 */
static int domain_profile(virDomainPtr dom, const char *xml, char *buf, size_t len)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr ctx = doc ? xmlXPathNewContext(doc) : NULL;
	xmlXPathObjectPtr r =
	    ctx ? xmlXPathEvalExpression(BAD_CAST "/domain/seclabel[@model='apparmor' or "
						  "(not(@model) and @type='none')]",
					 ctx)
		: NULL;
	char uuid[VIR_UUID_STRING_BUFLEN];
	int rc = -1;

	if (!doc)
		return -1;
	if (r && r->nodesetval && r->nodesetval->nodeNr >= 1) {
		xmlNodePtr n = r->nodesetval->nodeTab[0];
		xmlChar *type = xmlGetProp(n, BAD_CAST "type");

		if (type && !xmlStrcmp(type, BAD_CAST "none")) {
			rc = 0;
		} else if (type && !xmlStrcmp(type, BAD_CAST "static")) {
			for (xmlNodePtr c = n->children; c; c = c->next) {
				if (c->type != XML_ELEMENT_NODE ||
				    xmlStrcmp(c->name, BAD_CAST "label"))
					continue;
				xmlChar *l = xmlNodeGetContent(c);

				if (l && strlen((char *)l) < len) {
					snprintf(buf, len, "%s", (char *)l);
					rc = 1;
				}
				xmlFree(l);
			}
		}
		xmlFree(type);
	}
	if (rc < 0 && !virDomainGetUUIDString(dom, uuid)) {
		snprintf(buf, len, "libvirt-%s", uuid); /* libvirt's AA_PREFIX and the UUID */
		rc = 1;
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return rc;
}

/* libvirt's QEMU user: the DAC base label of its qemu domains ("+64055:+64055"). */
static int qemu_user(virConnectPtr conn, const struct opts *o, uid_t *uid, gid_t *gid, char *name,
		     size_t len)
{
	char *caps = virConnectGetCapabilities(conn);
	const char *p, *q;
	unsigned long u, g;
	struct passwd *pw;

	if (!caps)
		return fail("cannot read libvirt's capabilities: %s", lverr());
	p = strstr(caps, "<model>dac</model>");
	q = p ? strstr(p, "<baselabel type='qemu'>") : NULL;
	if (!q || sscanf(q + strlen("<baselabel type='qemu'>"), "+%lu:+%lu", &u, &g) != 2) {
		/* No DAC driver (another hypervisor, the test driver): qemu.conf's user. */
		bool missing;
		char *conf = read_file(o->qemu_conf, &missing), user[64];

		free(caps);
		if (!conf || !vfc_conf_string(conf, "user", user, sizeof(user)) ||
		    !(pw = getpwnam(user))) {
			free(conf);
			return fail("libvirt names no DAC user for QEMU and %s sets no known user; "
				    "set user = \"...\" there",
				    o->qemu_conf);
		}
		free(conf);
		u = pw->pw_uid;
		g = pw->pw_gid;
	} else {
		free(caps);
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	pw = getpwuid(*uid);
	snprintf(name, len, "%s", pw ? pw->pw_name : "?");
	return 0;
}

/* ---- the shared changes, recomputed from every trialled domain ---- */

struct want {
	const char *nodes[4];
	char node_buf[4][PATH_MAX];
	int n;
	bool acl, apparmor_any;
	char acl_user[64];
	uid_t acl_uid;
	char emulators[8][PATH_MAX];
	int nemu;
};

static void want_add(struct want *w, const struct trial *t)
{
	bool have = false;

	for (int i = 0; i < w->n; i++)
		have |= !strcmp(w->nodes[i], t->target);
	if (!have && w->n < 4) {
		snprintf(w->node_buf[w->n], PATH_MAX, "%s", t->target);
		w->nodes[w->n] = w->node_buf[w->n];
		w->n++;
	}
	if (t->acl) {
		w->acl = true;
		snprintf(w->acl_user, sizeof(w->acl_user), "%s", t->user);
	}
	w->apparmor_any = true;
	have = false;
	for (int i = 0; i < w->nemu; i++)
		have |= !strcmp(w->emulators[i], t->emulator);
	if (!have && w->nemu < 8)
		snprintf(w->emulators[w->nemu++], PATH_MAX, "%s", t->emulator);
}

/* Every trialled domain on the connection but skip (the one being disabled). */
static int collect(virConnectPtr conn, const char *skip, struct want *w)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);

	if (n < 0)
		return fail("cannot list domains: %s", lverr());
	for (int i = 0; i < n; i++) {
		struct trial t;

		if ((!skip || strcmp(virDomainGetName(doms[i]), skip)) &&
		    get_trial(doms[i], &t) == 1)
			want_add(w, &t);
		virDomainFree(doms[i]);
	}
	free(doms);
	return 0;
}

static int apply_qemu_conf(const struct opts *o, const struct want *w)
{
	bool missing;
	char *text = read_file(o->qemu_conf, &missing), *out;
	int rc = 0;

	if (!text || missing) {
		free(text);
		return fail("cannot read %s (%s); give libvirt's qemu.conf with --qemu-conf",
			    o->qemu_conf, missing ? "absent" : strerror(errno));
	}
	out = vfc_conf_set_nodes(text, w->nodes, w->n);
	if (!out) {
		free(text);
		return fail("out of memory");
	}
	if (!strcmp(out, text)) {
		printf("%s: qemu.conf: %s already as needed (cgroup_device_acl%s)\n", prog,
		       o->qemu_conf, w->n ? " allows the node" : " not ours");
	} else {
		if (w->n)
			note(o, "qemu.conf: %s: cgroup_device_acl gains %s%s%s (marked block)",
			     o->qemu_conf, w->nodes[0], w->n > 1 ? " and " : "",
			     w->n > 1 ? w->nodes[1] : "");
		else
			note(o, "qemu.conf: %s: the vfiocompat block removed, original restored",
			     o->qemu_conf);
		note(o, "restart libvirtd (or virtqemud) so that it reads %s", o->qemu_conf);
		if (!o->dry_run && (rc = write_file(o->qemu_conf, out, 0644)) < 0)
			rc = fail("cannot write %s: %s", o->qemu_conf, strerror(-rc));
	}
	free(out);
	free(text);
	return rc ? 1 : 0;
}

/*
 * A minimal POSIX ACL (version 2 xattr: user::, user:UID:rw, group::, mask::,
 * other::) written straight into system.posix_acl_access, so no acl tool is
 * needed; only on a node that has no ACL yet, so removing the xattr restores
 * it exactly.
 */
#define ACL_VERSION   2
#define ACL_USER_OBJ  0x01
#define ACL_USER      0x02
#define ACL_GROUP_OBJ 0x04
#define ACL_MASK      0x10
#define ACL_OTHER     0x20
#define ACL_UNDEF_ID  ((uint32_t)-1)
#define XATTR_ACL     "system.posix_acl_access"

struct acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};

static int acl_add(const char *node, uid_t uid)
{
	struct stat st;
	struct {
		uint32_t version;
		struct acl_entry e[5];
	} a;
	unsigned m;

	if (stat(node, &st))
		return -errno;
	m = st.st_mode;
	a.version = ACL_VERSION; /* little-endian on every host libvirt runs x86 QEMU on */
	a.e[0] = (struct acl_entry){ACL_USER_OBJ, (m >> 6) & 7, ACL_UNDEF_ID};
	a.e[1] = (struct acl_entry){ACL_USER, 6, (uint32_t)uid};
	a.e[2] = (struct acl_entry){ACL_GROUP_OBJ, (m >> 3) & 7, ACL_UNDEF_ID};
	a.e[3] = (struct acl_entry){ACL_MASK, ((m >> 3) & 7) | 6, ACL_UNDEF_ID};
	a.e[4] = (struct acl_entry){ACL_OTHER, m & 7, ACL_UNDEF_ID};
	if (setxattr(node, XATTR_ACL, &a, sizeof(a), XATTR_CREATE))
		return -errno;
	/* The mask widened the group class bits: put the mode back as it was. */
	return chmod(node, m & 07777) ? -errno : 0;
}

static bool has_acl(const char *node)
{
	return getxattr(node, XATTR_ACL, NULL, 0) >= 0;
}

static int apply_acl(const struct opts *o, const struct want *w, bool had)
{
	int rc;

	if (w->acl && !had) {
		note(o, "ACL: %s gains user:%s:rw (POSIX ACL)", IOMMU_NODE, w->acl_user);
		if (!o->dry_run && (rc = acl_add(IOMMU_NODE, (uid_t)w->acl_uid)) < 0)
			return fail("cannot add an ACL to %s: %s; give %s access another way "
				    "(udev rule) or load vfiocompat.ko",
				    IOMMU_NODE, strerror(-rc), w->acl_user);
	} else if (!w->acl && had) {
		note(o, "ACL: %s: the ACL vfiocompat added removed (mode %s)", IOMMU_NODE,
		     "unchanged");
		if (!o->dry_run && removexattr(IOMMU_NODE, XATTR_ACL) && errno != ENODATA)
			return fail("cannot remove the ACL on %s: %s", IOMMU_NODE, strerror(errno));
	}
	return 0;
}

static bool apparmor_active(void)
{
	bool missing;
	char *en = read_file("/sys/module/apparmor/parameters/enabled", &missing);
	bool on = en && en[0] == 'Y' && !access("/sys/kernel/security/apparmor", F_OK);

	free(en);
	return on;
}

/*
 * Does the host's apparmor_parser compile body as a profile's rules? A rule it
 * refused in the shared abstraction would stop every domain from starting, so
 * the block is compiled first (no kernel load, no cache). No parser: true.
 */
static bool parser_accepts(const char *body)
{
	const char *parser = !access("/sbin/apparmor_parser", X_OK) ? "/sbin/apparmor_parser"
			     : !access("/usr/sbin/apparmor_parser", X_OK)
				 ? "/usr/sbin/apparmor_parser"
				 : NULL;
	char tmp[] = "/tmp/vfiocompat-aa.XXXXXX";
	int fd, st = 0;
	pid_t pid;

	if (!parser)
		return true;
	fd = mkstemp(tmp);
	if (fd < 0)
		return true; /* cannot check: the write itself will tell */
	dprintf(fd, "profile vfiocompat-check {\n%s}\n", body);
	close(fd);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execl(parser, parser, "-Q", "-K", "-T", tmp, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	unlink(tmp);
	return pid < 0 || (WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 127));
}

static int apply_apparmor(const struct opts *o, const struct want *w, const char *lib)
{
	char body[12 * PATH_MAX];
	size_t off = 0;
	bool missing;
	char *text, *out;
	int rc = 0;

	text = read_file(o->apparmor_local, &missing);
	if (!text)
		return fail("cannot read %s: %s", o->apparmor_local, strerror(errno));
	/* Inactive: no rule needed, but one an earlier --apparmor yes wrote is kept up to date. */
	if (o->apparmor == 0 ||
	    (o->apparmor < 0 && !apparmor_active() && !vfc_conf_has_block(text))) {
		printf("%s: AppArmor: %s: no rule needed%s\n", prog,
		       o->apparmor ? "not active on this host" : "--apparmor no",
		       w->apparmor_any ? "; nothing then keeps one domain's QEMU out of another's "
					 "report directory (one QEMU user for all)"
				       : "");
		free(text);
		return 0;
	}
	if (w->apparmor_any) {
		off += (size_t)snprintf(
		    body + off, sizeof(body) - off,
		    "  # the shim, the iommufd node, the emulator wrapper, and each\n"
		    "  # domain's reports in the directory named after its own profile\n"
		    "  %s mr,\n  %s/" AA_PROFILE_VAR "/ r,\n  %s/" AA_PROFILE_VAR
		    "/** rw,\n  %s/* rix,\n  /{usr/,}bin/dash ix,\n",
		    lib, o->log_dir, o->log_dir, o->state_dir);
		for (int i = 0; i < w->n; i++)
			off += (size_t)snprintf(body + off, sizeof(body) - off, "  %s rw,\n",
						w->nodes[i]);
		for (int i = 0; i < w->nemu; i++)
			off += (size_t)snprintf(body + off, sizeof(body) - off, "  %s rmix,\n",
						w->emulators[i]);
	}
	out = vfc_conf_set_block(text, w->apparmor_any ? body : NULL);
	if (out && strcmp(out, text) && w->apparmor_any && !o->dry_run && !parser_accepts(body)) {
		free(out);
		free(text);
		return fail("AppArmor: apparmor_parser refuses the rules for %s (an AppArmor "
			    "older than 3.0 has no @{profile_name}); nothing written, use "
			    "--apparmor no and confine the reports another way",
			    o->apparmor_local);
	}
	if (out && strcmp(out, text)) {
		note(o, "AppArmor: %s: %s", o->apparmor_local,
		     w->apparmor_any
			 ? "rules for the shim, node, reports and wrapper (marked block)"
			 : "the vfiocompat block removed");
		note(o, "AppArmor: libvirt applies it to each domain's profile at its next start");
		if (!o->dry_run) {
			if (missing && mkdirs(dirname(strdupa(o->apparmor_local)), 0755) < 0)
				rc = fail("cannot create the directory of %s", o->apparmor_local);
			else if ((rc = write_file(o->apparmor_local, out, 0644)) < 0)
				rc = fail("cannot write %s: %s", o->apparmor_local, strerror(-rc));
			if (!rc && missing && !w->apparmor_any)
				unlink(o->apparmor_local);
		}
	}
	free(out);
	free(text);
	return rc ? 1 : 0;
}

/* ---- the commands ---- */

static int shared_changes(virConnectPtr conn, const struct opts *o, const char *skip,
			  const struct trial *extra, const char *lib, uid_t uid)
{
	struct want w = {0};
	bool had = has_acl(IOMMU_NODE);
	int rc;

	if (collect(conn, skip, &w))
		return 1;
	if (extra)
		want_add(&w, extra);
	w.acl_uid = uid;
	rc = apply_qemu_conf(o, &w);
	rc |= apply_acl(o, &w, had);
	rc |= apply_apparmor(o, &w, lib);
	return rc;
}

/*
 * The domain's report directory t->log_dir (owned by the QEMU user, 0750) in
 * o->log_dir, which must be root's and writable by root only: a QEMU that
 * could rename entries there could swap another domain's directory for its
 * own. link (o->log_dir/DOMAIN) points at it, for people; an older layout's
 * real directory there is left alone.
 */
static int report_dir(const struct opts *o, const struct trial *t, const char *link, uid_t uid,
		      gid_t gid)
{
	const char *base = strrchr(t->log_dir, '/') + 1;
	char cur[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (mkdirs(o->log_dir, 0755) < 0 || stat(o->log_dir, &st))
		return fail("cannot create %s: %s", o->log_dir, strerror(errno));
	if (st.st_uid != 0 || (st.st_mode & 022))
		return fail("%s is not root's alone (owner uid %u, mode %04o): a QEMU could "
			    "replace another domain's report directory there; chown root and "
			    "chmod go-w it, or give another --log-dir",
			    o->log_dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	if (mkdirs(t->log_dir, 0750) < 0 || chown(t->log_dir, uid, gid) || chmod(t->log_dir, 0750))
		return fail("cannot create %s owned by %s: %s", t->log_dir, t->user,
			    strerror(errno));
	if (!lstat(link, &st) && !S_ISLNK(st.st_mode)) {
		printf("%s: %s is not a link (an earlier trial's directory): left as it is; new "
		       "reports go to %s\n",
		       prog, link, t->log_dir);
		return 0;
	}
	n = readlink(link, cur, sizeof(cur) - 1);
	if (n >= 0) {
		cur[n] = '\0';
		if (!strcmp(cur, base))
			return 0;
		unlink(link);
	}
	if (symlink(base, link))
		return fail("cannot link %s to %s: %s", link, base, strerror(errno));
	return 0;
}

static int wrapper_text(char *buf, size_t len, const char *name, const struct trial *t,
			const char *lib)
{
	return snprintf(buf, len,
			"#!/bin/sh\n"
			"# vfiocompat trial of libvirt domain '%s': written by 'vfiocompat libvirt "
			"enable',\n"
			"# removed by 'vfiocompat libvirt disable' (which restores the emulator "
			"below).\n"
			"# Only the domain's QEMU (it has -name) is preloaded; libvirt's "
			"capability\n# probes of this emulator run it plainly.\n"
			"for a; do\n"
			"\tif [ \"$a\" = -name ]; then\n"
			"\t\tLD_PRELOAD='%s'\"${LD_PRELOAD:+ $LD_PRELOAD}\"\n"
			"\t\tVFIOCOMPAT_LOG='%s/vfiocompat-%%e-%%p.jsonl'\n"
			"\t\tVFIOCOMPAT_TARGET='%s'\n"
			"\t\texport LD_PRELOAD VFIOCOMPAT_LOG VFIOCOMPAT_TARGET\n"
			"\t\tbreak\n\tfi\ndone\n"
			"exec '%s' \"$@\"\n",
			name, lib, t->log_dir, t->target, t->emulator);
}

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
			return fail(
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
		return fail("%s is not a character device here; load vfiocompat.ko (for %s) or "
			    "use a kernel with CONFIG_IOMMUFD (for %s)",
			    t.target, MODULE_NODE, IOMMU_NODE);
	if (access(lib, R_OK))
		return fail("the shim %s is not readable (%s); build it or give --lib PATH", lib,
			    strerror(errno));
	snprintf(t.wrapper, sizeof(t.wrapper), "%s/%s.emulator", o->state_dir, name);
	xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml)
		return fail("cannot read domain '%s': %s", name, lverr());
	if ((rc = domain_profile(dom, xml, profile, sizeof(profile))) < 0 || !safe_name(profile)) {
		free(xml);
		return fail("domain '%s': cannot name its AppArmor profile (%s); its report "
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
		return fail("domain '%s' has no single <emulator> in its XML", name);
	if (!safe_path(t.emulator)) {
		free(nxml);
		return fail("emulator path '%s' has characters the wrapper cannot quote",
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
	note(o, "report dir: %s (owner %s, mode 0750; kept by disable), %s links to it", t.log_dir,
	     t.user, link);
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
	note(o, "wrapper: %s (execs %s with LD_PRELOAD=%s VFIOCOMPAT_TARGET=%s)", t.wrapper,
	     t.emulator, lib, t.target);
	if (!o->dry_run) {
		if (mkdirs(o->state_dir, 0755) < 0 || (rc = write_file(t.wrapper, wrapper, 0755))) {
			free(nxml);
			return fail("cannot write %s: %s", t.wrapper, strerror(errno));
		}
	}
	/* 3. The domain: emulator, then the metadata that remembers the original. */
	note(o, "domain XML: <emulator>%s</emulator> -> %s; the original kept in <metadata> (%s)",
	     t.emulator, t.wrapper, NS_URI);
	if (!o->dry_run) {
		char meta[6 * PATH_MAX];

		nd = virDomainDefineXML(conn, nxml);
		if (!nd) {
			rc = fail("libvirt refused the domain with the wrapper: %s", lverr());
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
			rc = fail("cannot set the domain's metadata: %s; restoring the emulator",
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
			return fail("domain '%s': its vfiocompat <metadata> is unreadable; restore "
				    "<emulator> by hand (virsh edit)",
				    name);
		printf("%s: domain '%s' is not trialled; nothing to undo here\n", prog, name);
		return shared_changes(conn, o, name, NULL, lib, 0);
	}
	xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml)
		return fail("cannot read domain '%s': %s", name, lverr());
	nxml = xml_with_emulator(xml, t.emulator, cur, sizeof(cur), true);
	free(xml);
	if (!nxml)
		return fail("domain '%s' has no single <emulator> in its XML", name);
	if (strcmp(cur, t.wrapper))
		printf("%s: the domain's emulator is now %s, not the wrapper: it is set back to %s "
		       "all the same\n",
		       prog, cur, t.emulator);
	note(o,
	     "domain XML: <emulator>%s</emulator> -> %s (the original); <metadata> entry "
	     "removed",
	     cur, t.emulator);
	if (!o->dry_run) {
		nd = virDomainDefineXML(conn, nxml);
		if (!nd) {
			free(nxml);
			return fail("libvirt refused the domain with its original emulator: %s",
				    lverr());
		}
		virDomainFree(nd);
		/* The define above dropped the metadata; make sure nothing is left. */
		if (get_trial(dom, &(struct trial){0}) != 0 &&
		    virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, NULL, NULL, NS_URI,
					 VIR_DOMAIN_AFFECT_CONFIG)) {
			free(nxml);
			return fail("cannot remove the domain's vfiocompat metadata: %s", lverr());
		}
	}
	free(nxml);
	note(o, "wrapper: %s removed", t.wrapper);
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

static int cmd_status(virConnectPtr conn, virDomainPtr dom, const char *name, const struct opts *o)
{
	struct trial t;
	int rc = get_trial(dom, &t), n = 0;
	struct want w = {0};
	bool missing;
	char *conf;

	(void)conn;
	if (rc <= 0) {
		printf("%s: domain '%s': not trialled%s\n", prog, name,
		       rc < 0 ? " (unreadable vfiocompat metadata)" : "");
		return rc < 0;
	}
	printf("%s: domain '%s': trialled\n  emulator: %s (original: %s)\n  target: %s\n  "
	       "QEMU user: %s\n",
	       prog, name, t.wrapper, t.emulator, t.target, t.user);
	{
		DIR *d = opendir(t.log_dir);
		struct dirent *e;

		while (d && (e = readdir(d)))
			n += strstr(e->d_name, ".jsonl") != NULL;
		if (d)
			closedir(d);
	}
	printf("  reports: %d in %s (%s/%s links to it)\n", n, t.log_dir, o->log_dir, name);
	printf("  wrapper file: %s\n", access(t.wrapper, X_OK) ? "MISSING" : "present");
	conf = read_file(o->qemu_conf, &missing);
	want_add(&w, &t);
	if (conf) {
		char *out = vfc_conf_set_nodes(conf, w.nodes, w.n);
		char *rev = vfc_conf_revert(conf);

		printf("  qemu.conf: %s\n",
		       out && rev && !strcmp(out, conf)
			   ? (strcmp(rev, conf) ? "allows the node (vfiocompat block)"
						: "allows the node (its own setting)")
			   : "does NOT allow the node: run enable again");
		free(out);
		free(rev);
	}
	free(conf);
	if (!strcmp(t.target, IOMMU_NODE))
		printf("  ACL on %s: %s\n", IOMMU_NODE, has_acl(IOMMU_NODE) ? "present" : "none");
	printf("  AppArmor: %s\n", apparmor_active() ? "active" : "not active");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"dry-run", no_argument, 0, 'n'},
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

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.dry_run = true;
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
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2)
		die_usage("give a verb (enable, disable, status) and a domain name");
	verb = argv[optind];
	name = argv[optind + 1];
	if (strcmp(verb, "enable") && strcmp(verb, "disable") && strcmp(verb, "status"))
		die_usage("unknown verb; use enable, disable or status");
	if (!safe_name(name))
		die_usage("a domain name of letters, digits and ._+- only (it names files)");
	if (!safe_path(o.log_dir) || !safe_path(o.state_dir) ||
	    (o.target && !safe_path(o.target)) || (o.lib && !safe_path(o.lib)))
		die_usage("paths must be absolute, without quotes, '<', '>', '&' or '\\'");
	if (!o.lib) {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
		snprintf(libbuf, sizeof(libbuf), "%s/libvfiocompat.so", dirname(self));
		o.lib = n > 0 && !access(libbuf, R_OK) ? libbuf : VFC_LIBDIR "/libvfiocompat.so";
	}
	/* Errors are reported once, by us, with what to do. */
	virSetErrorFunc(NULL, quiet);
	conn = virConnectOpen(o.uri);
	if (!conn)
		return fail("cannot connect to libvirt%s%s: %s", o.uri ? " at " : "",
			    o.uri ? o.uri : "", lverr());
	dom = virDomainLookupByName(conn, name);
	if (!dom) {
		rc = fail("no domain '%s' on %s; see 'virsh list --all'", name,
			  o.uri ? o.uri : "libvirt's default connection");
		virConnectClose(conn);
		return rc;
	}
	if (!strcmp(verb, "enable"))
		rc = cmd_enable(conn, dom, name, &o, o.lib);
	else if (!strcmp(verb, "disable"))
		rc = cmd_disable(conn, dom, name, &o, o.lib);
	else
		rc = cmd_status(conn, dom, name, &o);
	virDomainFree(dom);
	virConnectClose(conn);
	return rc;
}
