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
		 "processes the audit keeps (1-4096, default 256); calls of later ones are counted as dropped");

static int __init vfc_init(void)
{
	int ret;

	ret = vfc_provider_init();
	if (ret)
		return ret;
	if (audit) {
		ret = vfc_audit_init(clamp(audit_max_procs, 1U, 4096U));
		if (ret)
			goto err_provider;
	}
	pr_info("providing /dev/vfio/iommufd-compat%s\n",
		audit ? ", type1 audit on" : "");
	return 0;

err_provider:
	vfc_provider_exit();
	return ret;
}

static void __exit vfc_exit(void)
{
	if (audit)
		vfc_audit_exit();
	vfc_provider_exit();
}

module_init(vfc_init);
module_exit(vfc_exit);

MODULE_DESCRIPTION("iommufd-backed VFIO container node with type1 accounting, and a type1 feature audit");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFC_VERSION);
MODULE_IMPORT_NS("IOMMUFD");
