// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiocompat.ko: /dev/vfio/iommufd-compat, an iommufd file with type1
 * (per-process) memory accounting for VFIO container users, and an optional
 * system-wide audit of type1 container features (audit=1).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "vfiocompat.h"

static bool audit;
module_param(audit, bool, 0444);
MODULE_PARM_DESC(audit,
		 "count type1 container feature use per process in debugfs vfiocompat/report (default off)");

static unsigned int audit_max_procs = 256;
module_param(audit_max_procs, uint, 0444);
MODULE_PARM_DESC(audit_max_procs,
		 "processes the audit keeps (1-4096, default 256); exited ones make room for new ones");

static char *audit_symbol = "vfio_fops_unl_ioctl";
module_param(audit_symbol, charp, 0444);
MODULE_PARM_DESC(audit_symbol,
		 "the VFIO container's ioctl handler the audit probes (default vfio_fops_unl_ioctl)");

static bool audit_on;

static int __init vfc_module_init(void)
{
	int ret;

	ret = vfc_provider_init();
	if (ret)
		return ret;
	/* A failing audit is reported and leaves the node working. */
	if (audit)
		audit_on = !vfc_audit_init(clamp(audit_max_procs, 1U, 4096U),
					    audit_symbol);
	pr_info("providing " VFC_MODULE_NODE "%s\n",
		!audit ? "" : audit_on ? ", type1 audit on" :
		", type1 audit failed (see above)");
	return 0;
}

static void __exit vfc_module_exit(void)
{
	if (audit_on)
		vfc_audit_exit();
	vfc_provider_exit();
}

module_init(vfc_module_init);
module_exit(vfc_module_exit);

MODULE_DESCRIPTION("iommufd-backed VFIO container node with type1 accounting, and a type1 feature audit");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFC_VERSION);
/*
 * modprobe loads iommufd (the provider) and vfio with its type1 container
 * (the audit's probe point) first where they are modules; built-in or absent
 * ones are skipped. symbol_get() needs no namespace import.
 */
MODULE_SOFTDEP("pre: iommufd vfio vfio_iommu_type1");
