/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vfiocompat libvirt enable|disable|status --native DOMAIN`: a reversible
 * trial of libvirt's own iommufd back end (libvirt >= 12.1): every PCI
 * <hostdev> of the domain gets <driver iommufd='yes'/>, set through the
 * API; the domain's inactive XML before it is kept in the state directory
 * and disable defines it again, byte for byte.
 */
#ifndef VFC_LIBVIRT_NATIVE_H
#define VFC_LIBVIRT_NATIVE_H

#include <stdbool.h>

#include <libvirt/libvirt.h>

/* The first libvirt with <hostdev><driver iommufd='yes'/> (12.1.0). */
#define VFC_LV_NATIVE_MIN 12001000UL

/* 1: the domain carries a native trial's mark, 0: not. */
int vfc_lv_native_marked(virDomainPtr dom);

/* Each returns the command's exit status. */
int vfc_lv_native_enable(virConnectPtr conn, virDomainPtr dom, const char *name,
			 const char *state_dir, bool dry_run);
int vfc_lv_native_disable(virConnectPtr conn, virDomainPtr dom, const char *name, bool dry_run);
int vfc_lv_native_status(virDomainPtr dom, const char *name);

#endif
