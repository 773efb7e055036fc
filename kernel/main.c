// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfiocompat.ko: /dev/vfio/iommufd-compat, an iommufd file with type1
 * (per-process) memory accounting for VFIO container users. Its type1
 * audit is gone: `vfiocompat audit` (eBPF, tools/audit/) does it, with no
 * module, Secure Boot hosts included.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "vfiocompat.h"

static int __init vfc_module_init(void)
{
	int ret;

	ret = vfc_provider_init();
	if (ret)
		return ret;
	pr_info("providing " VFC_MODULE_NODE "\n");
	return 0;
}

static void __exit vfc_module_exit(void)
{
	vfc_provider_exit();
}

module_init(vfc_module_init);
module_exit(vfc_module_exit);

MODULE_DESCRIPTION("iommufd-backed VFIO container node with type1 accounting");
MODULE_LICENSE("GPL");
MODULE_VERSION(VFC_VERSION);
/*
 * modprobe loads iommufd (the provider) first where it is a module; a
 * built-in or absent one is skipped. symbol_get() needs no namespace import.
 */
MODULE_SOFTDEP("pre: iommufd");
