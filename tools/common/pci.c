// SPDX-License-Identifier: GPL-2.0-only
/* PCI addresses and sysfs lookups; see pci.h. */
#include "pci.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool vfc_pci_addr(const char *in, char *out, size_t size)
{
	unsigned dom = 0, bus, dev, fn;
	int n = -1;

	if (sscanf(in, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) == 4 && n == 12 && !in[n]) {
		/* DDDD:BB:DD.F */
	} else if (n = -1, dom = 0,
		   sscanf(in, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) == 3 && n == 7 && !in[n]) {
		/* BB:DD.F, domain 0000 */
	} else {
		return false;
	}
	/* sscanf's %x also takes signs and spaces: only hex digits where digits go. */
	for (const char *c = in; *c; c++)
		if (!strchr("0123456789abcdefABCDEF:.", *c))
			return false;
	if (dev > 0x1f || fn > 7)
		return false;
	return snprintf(out, size, "%04x:%02x:%02x.%x", dom, bus, dev, fn) < (int)size;
}

/* The last component of the link /sys/bus/pci/devices/BDF/NAME. */
static const char *link_name(const char *bdf, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), VFC_PCI_SYSFS "/%.64s/%s", bdf, name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = 0;
	snprintf(buf, size, "%.63s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
	return buf;
}

const char *vfc_pci_driver(const char *bdf, char *buf, size_t size)
{
	return link_name(bdf, "driver", buf, size);
}

const char *vfc_pci_group(const char *bdf, char *buf, size_t size)
{
	return link_name(bdf, "iommu_group", buf, size);
}
