// SPDX-License-Identifier: GPL-2.0-only
/* libvirt's own iommufd back end, trialled reversibly (lvnative.h). */
#include "lvnative.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#define NS_NATIVE	 "https://github.com/vfiocompat/vfiocompat/libvirt-native/1"
#define NS_NATIVE_PREFIX "vfiocompat-native"

static const char *prog = "vfiocompat libvirt";

static int fail(const char *what, const char *name)
{
	virErrorPtr e = virGetLastError();

	fprintf(stderr, "%s: domain '%s': %s%s%s\n", prog, name, what, e && e->message ? ": " : "",
		e && e->message ? e->message : "");
	return 1;
}

/* The path the original XML was saved to (the mark's "saved"), or 0. */
static int marked_path(virDomainPtr dom, char *path, size_t len)
{
	char *xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, NS_NATIVE,
					 VIR_DOMAIN_AFFECT_CONFIG);
	xmlDocPtr doc;
	int ok = 0;

	if (!xml)
		return 0;
	doc = xmlReadMemory(xml, (int)strlen(xml), "meta.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc && xmlDocGetRootElement(doc)) {
		xmlChar *v = xmlGetProp(xmlDocGetRootElement(doc), BAD_CAST "saved");

		if (v && strlen((char *)v) < len) {
			strcpy(path, (char *)v);
			ok = 1;
		}
		xmlFree(v);
	}
	xmlFreeDoc(doc);
	free(xml);
	return ok;
}

int vfc_lv_native_marked(virDomainPtr dom)
{
	char p[PATH_MAX];

	return marked_path(dom, p, sizeof(p));
}

/* The XML with <driver iommufd='yes'/> on every PCI hostdev; *n of them. */
static char *with_iommufd(const char *xml, int *n)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr ctx = doc ? xmlXPathNewContext(doc) : NULL;
	xmlXPathObjectPtr r =
	    ctx ? xmlXPathEvalExpression(
		      BAD_CAST "/domain/devices/hostdev[@mode='subsystem' and @type='pci']", ctx)
		: NULL;
	xmlChar *out = NULL;
	char *ret = NULL;
	int len;

	*n = 0;
	for (int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr; i++) {
		xmlNodePtr h = r->nodesetval->nodeTab[i], c, drv = NULL;

		for (c = h->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, BAD_CAST "driver"))
				drv = c;
		if (!drv)
			drv = xmlNewChild(h, NULL, BAD_CAST "driver", NULL);
		if (!drv)
			continue;
		xmlSetProp(drv, BAD_CAST "iommufd", BAD_CAST "yes");
		(*n)++;
	}
	if (doc && *n) {
		xmlDocDumpMemory(doc, &out, &len);
		ret = out ? strdup((char *)out) : NULL;
		xmlFree(out);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return ret;
}

static int save(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t len = strlen(text), off = 0;

	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		unlink(path);
		return -1;
	}
	return 0;
}

static char *load(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, len = 0, r;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	fclose(f);
	buf[len] = 0;
	return buf;
}

int vfc_lv_native_enable(virConnectPtr conn, virDomainPtr dom, const char *name,
			 const char *state_dir, bool dry_run)
{
	unsigned long ver = 0;
	char path[PATH_MAX], meta[PATH_MAX + 64];
	char *xml, *nxml;
	int n;
	virDomainPtr nd;

	if (virConnectGetLibVersion(conn, &ver) || ver < VFC_LV_NATIVE_MIN) {
		printf(
		    "%s: --native needs libvirt >= 12.1.0 (<hostdev><driver iommufd='yes'/>); "
		    "this libvirt is %lu.%lu.%lu: trial the compat layer instead (enable without "
		    "--native)\n",
		    prog, ver / 1000000, ver / 1000 % 1000, ver % 1000);
		return 1;
	}
	if (vfc_lv_native_marked(dom)) {
		printf("%s: domain '%s' already runs libvirt's iommufd back end on trial; nothing "
		       "to do\n",
		       prog, name);
		return 0;
	}
	if (virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
				 "https://github.com/vfiocompat/vfiocompat/libvirt/1",
				 VIR_DOMAIN_AFFECT_CONFIG)) {
		fprintf(stderr,
			"%s: domain '%s' is trialled on the compat layer; 'vfiocompat libvirt "
			"disable %s' first\n",
			prog, name, name);
		return 1;
	}
	xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml)
		return fail("cannot read its XML", name);
	nxml = with_iommufd(xml, &n);
	if (!nxml) {
		free(xml);
		fprintf(stderr, "%s: domain '%s' has no PCI <hostdev>: nothing to switch\n", prog,
			name);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s.native.xml", state_dir, name);
	printf(
	    "%s: %sdomain XML: %d PCI <hostdev> get <driver iommufd='yes'/> (libvirt %lu.%lu.%lu); "
	    "the original kept in %s\n",
	    prog, dry_run ? "would: " : "", n, ver / 1000000, ver / 1000 % 1000, ver % 1000, path);
	if (dry_run) {
		free(xml);
		free(nxml);
		printf("%s: dry run: nothing changed for domain '%s'\n", prog, name);
		return 0;
	}
	mkdir(state_dir, 0755);
	unlink(path); /* a stale copy of an earlier, undone trial */
	if (save(path, xml)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		free(xml);
		free(nxml);
		return 1;
	}
	free(xml);
	nd = virDomainDefineXML(conn, nxml);
	free(nxml);
	if (!nd) {
		unlink(path);
		return fail("libvirt refused <driver iommufd='yes'/>", name);
	}
	virDomainFree(nd);
	snprintf(meta, sizeof(meta), "<native saved='%s'/>", path);
	if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, meta, NS_NATIVE_PREFIX,
				 NS_NATIVE, VIR_DOMAIN_AFFECT_CONFIG)) {
		char *orig = load(path);

		fail("cannot mark the domain; restoring its XML", name);
		if (orig && (nd = virDomainDefineXML(conn, orig)))
			virDomainFree(nd);
		free(orig);
		unlink(path);
		return 1;
	}
	if (virDomainIsActive(dom) == 1)
		printf(
		    "%s: domain '%s' is running: the native back end starts with its next start\n",
		    prog, name);
	printf("%s: enabled libvirt's iommufd back end for domain '%s'; see it with 'vfiocompat "
	       "libvirt status %s'\n",
	       prog, name, name);
	return 0;
}

int vfc_lv_native_disable(virConnectPtr conn, virDomainPtr dom, const char *name, bool dry_run)
{
	char path[PATH_MAX], *orig, *now;
	virDomainPtr nd;
	int same;

	if (!marked_path(dom, path, sizeof(path))) {
		printf("%s: domain '%s' has no native trial; nothing to undo\n", prog, name);
		return 0;
	}
	orig = load(path);
	if (!orig) {
		fprintf(stderr,
			"%s: domain '%s': its original XML %s is unreadable (%s); remove "
			"<driver iommufd='yes'/> by hand (virsh edit)\n",
			prog, name, path, strerror(errno));
		return 1;
	}
	printf("%s: %sdomain XML: the original from %s defined again\n", prog,
	       dry_run ? "would: " : "", path);
	if (dry_run) {
		free(orig);
		return 0;
	}
	nd = virDomainDefineXML(conn, orig);
	if (!nd) {
		free(orig);
		return fail("libvirt refused its original XML", name);
	}
	virDomainFree(nd);
	if (vfc_lv_native_marked(dom))
		virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, NULL, NULL, NS_NATIVE,
				     VIR_DOMAIN_AFFECT_CONFIG);
	now = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	same = now && !strcmp(now, orig);
	free(now);
	free(orig);
	if (!same) {
		fprintf(stderr,
			"%s: domain '%s': libvirt's XML differs from the original kept in %s; "
			"compare them (virsh dumpxml --inactive)\n",
			prog, name, path);
		return 1;
	}
	unlink(path);
	if (virDomainIsActive(dom) == 1)
		printf("%s: domain '%s' is running: its QEMU keeps iommufd until it stops\n", prog,
		       name);
	printf("%s: disabled libvirt's iommufd back end for domain '%s'; its XML is the original, "
	       "byte for byte\n",
	       prog, name);
	return 0;
}

/* What the running QEMU shows: its VFIO fds, pinned memory, refused BAR maps. */
int vfc_lv_native_status(virDomainPtr dom, const char *name)
{
	char path[PATH_MAX], pidf[PATH_MAX], p[PATH_MAX + 64], line[512];
	FILE *f;
	long pid = 0;
	int iommu = 0, container = 0, cdev = 0, bar = 0;
	char lck[32] = "?", pin[32] = "?";

	if (!marked_path(dom, path, sizeof(path)))
		return -1;
	printf("%s: domain '%s': libvirt's iommufd back end on trial (original XML in %s)\n", prog,
	       name, path);
	if (virDomainIsActive(dom) != 1) {
		printf("  not running: start it to see what the native back end does\n");
		return 0;
	}
	snprintf(pidf, sizeof(pidf), "/run/libvirt/qemu/%s.pid", name);
	if ((f = fopen(pidf, "re"))) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	if (pid > 0) {
		for (int fd = 0; fd < 4096; fd++) {
			char t[PATH_MAX];
			ssize_t n;

			snprintf(p, sizeof(p), "/proc/%ld/fd/%d", pid, fd);
			n = readlink(p, t, sizeof(t) - 1);
			if (n <= 0)
				continue;
			t[n] = 0;
			iommu += !strcmp(t, "/dev/iommu");
			container += !strcmp(t, "/dev/vfio/vfio");
			cdev += !strncmp(t, "/dev/vfio/devices/", 18);
		}
		snprintf(p, sizeof(p), "/proc/%ld/status", pid);
		if ((f = fopen(p, "re"))) {
			while (fgets(line, sizeof(line), f)) {
				sscanf(line, "VmLck: %31[0-9 kB]", lck);
				sscanf(line, "VmPin: %31[0-9 kB]", pin);
			}
			fclose(f);
		}
	}
	snprintf(p, sizeof(p), "/var/log/libvirt/qemu/%s.log", name);
	if ((f = fopen(p, "re"))) {
		while (fgets(line, sizeof(line), f))
			bar += strstr(line, "IOMMU_IOAS_MAP failed: Bad address") != NULL;
		fclose(f);
	}
	printf("  QEMU pid %ld: /dev/iommu %s, device cdevs %d, /dev/vfio/vfio %s\n", pid,
	       iommu ? "held" : "not held", cdev, container ? "held" : "not held");
	printf("  pinned memory: VmLck %s, VmPin %s\n", lck, pin);
	printf("  QEMU's log: %d BAR mapping%s refused (IOMMU_IOAS_MAP failed: Bad address)\n", bar,
	       bar == 1 ? "" : "s");
	return 0;
}
