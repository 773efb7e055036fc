// SPDX-License-Identifier: GPL-2.0-only
/*
 * One domain: its trial metadata, emulator, AppArmor profile, QEMU user, report directory and
 * wrapper.
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

#include "lv.h"

/* <vfiocompat:trial emulator=.. target=.. .../> back into a struct trial. */
bool parse_trial(const char *xml, struct trial *t)
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
int get_trial(virDomainPtr dom, struct trial *t)
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
void strip_metadata(xmlDocPtr doc)
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
char *xml_with_emulator(const char *xml, const char *emu, char *old, size_t oldlen, bool strip)
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
int domain_profile(virDomainPtr dom, const char *xml, char *buf, size_t len)
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
int qemu_user(virConnectPtr conn, const struct opts *o, uid_t *uid, gid_t *gid, char *name,
	      size_t len)
{
	char *caps = virConnectGetCapabilities(conn);
	const char *p, *q;
	unsigned long u, g;
	struct passwd *pw;

	if (!caps)
		return lv_fail("cannot read libvirt's capabilities: %s", lverr());
	p = strstr(caps, "<model>dac</model>");
	q = p ? strstr(p, "<baselabel type='qemu'>") : NULL;
	if (!q || sscanf(q + strlen("<baselabel type='qemu'>"), "+%lu:+%lu", &u, &g) != 2) {
		/* No DAC driver (another hypervisor, the test driver): qemu.conf's user. */
		bool missing;
		char *conf = lv_read_file(o->qemu_conf, &missing), user[64];

		free(caps);
		if (!conf || !vfc_conf_string(conf, "user", user, sizeof(user)) ||
		    !(pw = getpwnam(user))) {
			free(conf);
			return lv_fail(
			    "libvirt names no DAC user for QEMU and %s sets no known user; "
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

/*
 * The domain's report directory t->log_dir (owned by the QEMU user, 0750) in
 * o->log_dir, which must be root's and writable by root only: a QEMU that
 * could rename entries there could swap another domain's directory for its
 * own. link (o->log_dir/DOMAIN) points at it, for people; an older layout's
 * real directory there is left alone.
 */
int report_dir(const struct opts *o, const struct trial *t, const char *link, uid_t uid, gid_t gid)
{
	const char *base = strrchr(t->log_dir, '/') + 1;
	char cur[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lv_mkdirs(o->log_dir, 0755) < 0 || stat(o->log_dir, &st))
		return lv_fail("cannot create %s: %s", o->log_dir, strerror(errno));
	if (st.st_uid != 0 || (st.st_mode & 022))
		return lv_fail("%s is not root's alone (owner uid %u, mode %04o): a QEMU could "
			       "replace another domain's report directory there; chown root and "
			       "chmod go-w it, or give another --log-dir",
			       o->log_dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	if (lv_mkdirs(t->log_dir, 0750) < 0 || chown(t->log_dir, uid, gid) ||
	    chmod(t->log_dir, 0750))
		return lv_fail("cannot create %s owned by %s: %s", t->log_dir, t->user,
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
		return lv_fail("cannot link %s to %s: %s", link, base, strerror(errno));
	return 0;
}

int wrapper_text(char *buf, size_t len, const char *name, const struct trial *t, const char *lib)
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
