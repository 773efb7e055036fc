/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI devices as the user names them and as sysfs knows them: the one
 * parser of a PCI address and the lookups under /sys/bus/pci/devices, for
 * `check`, `check --migration` and `bench` alike.
 */
#ifndef VFC_PCI_H
#define VFC_PCI_H

#include <stdbool.h>
#include <stddef.h>

#define VFC_PCI_SYSFS "/sys/bus/pci/devices"

/*
 * A PCI address as lspci prints it, "BB:DD.F" (domain 0000) or
 * "DDDD:BB:DD.F", hex in either case, written out as sysfs names it
 * ("0000:03:00.0"). false when it is not one.
 */
bool vfc_pci_addr(const char *in, char *out, size_t size);

/* The driver a device (sysfs name) is bound to; NULL when unbound or absent. */
const char *vfc_pci_driver(const char *bdf, char *buf, size_t size);

/* The device's IOMMU group number as text; NULL when it has none. */
const char *vfc_pci_group(const char *bdf, char *buf, size_t size);

#endif
