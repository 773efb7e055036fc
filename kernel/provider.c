// SPDX-License-Identifier: GPL-2.0-only
/*
 * The provider: /dev/vfio/iommufd-compat opens as an iommufd file (its f_op
 * is iommufd's own), so VFIO_GROUP_SET_CONTAINER and every VFIO compat ioctl
 * behave exactly as on /dev/iommu, but pinned memory is charged to the
 * opener's RLIMIT_MEMLOCK as the type1 container does, without the opener
 * holding CAP_SYS_RESOURCE.
 *
 * iommufd's file_operations are static. They are taken, with a reference on
 * their owner, from a file opened on iommufd's own node when the module loads
 * and checked with iommufd_ctx_from_file(), so only exported interfaces and
 * uapi are used: the module builds against kernel headers alone. The
 * accounting mode is set with iommufd's uapi (IOMMU_OPTION RLIMIT_MODE=1) on
 * the new, still private file; see vfc_set_rlimit_mode().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommufd.h>
#include <linux/kmod.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "vfiocompat.h"

static char *iommufd_node = "/dev/iommu";
module_param(iommufd_node, charp, 0444);
MODULE_PARM_DESC(iommufd_node,
		 "iommufd's own node, opened once at load to find its file operations (default /dev/iommu)");

/* iommufd's fops; holding them holds a reference on iommufd's module. */
static const struct file_operations *iommufd_fops;

/*
 * IOMMU_OPTION takes a user pointer, so the request lives in one anonymous
 * page mapped into the opener for the duration of the call. Other threads of
 * the opener could rewrite it meanwhile; that is harmless: the file is not
 * in any fd table yet and its context has no objects, so the only options
 * that can succeed are RLIMIT_MODE 0 or 1 on this file, which is what
 * /dev/iommu and this node offer anyway, and the mode is read back after.
 * CAP_SYS_RESOURCE is raised only in temporary credentials of this thread,
 * around this one ioctl on this one file.
 */
static int vfc_set_rlimit_mode(struct file *filp)
{
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_SET,
		.val64 = 1,
	};
	void __user *uopt;
	const struct cred *old;
	struct cred *cred;
	unsigned long addr;
	long ret;

	if (!current->mm)
		return -EINVAL;
	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr))
		return (int)addr;
	uopt = (void __user *)addr;

	cred = prepare_creds();
	if (!cred) {
		ret = -ENOMEM;
		goto out_unmap;
	}
	cap_raise(cred->cap_effective, CAP_SYS_RESOURCE);
	if (copy_to_user(uopt, &opt, sizeof(opt))) {
		put_cred(cred);
		ret = -EFAULT;
		goto out_unmap;
	}
	old = override_creds(cred);
	ret = iommufd_fops->unlocked_ioctl(filp, IOMMU_OPTION, addr);
	revert_creds(old);
	put_cred(cred);
	if (ret)
		goto out_unmap;

	opt.op = IOMMU_OPTION_OP_GET;
	opt.val64 = 0;
	if (copy_to_user(uopt, &opt, sizeof(opt))) {
		ret = -EFAULT;
		goto out_unmap;
	}
	ret = iommufd_fops->unlocked_ioctl(filp, IOMMU_OPTION, addr);
	if (!ret && copy_from_user(&opt, uopt, sizeof(opt)))
		ret = -EFAULT;
	if (!ret && opt.val64 != 1)
		ret = -EIO;
out_unmap:
	vm_munmap(addr, PAGE_SIZE);
	return ret;
}

/*
 * misc_open() called us with our fops in place and misc_mtx held. On success
 * the file becomes iommufd's: replace_fops() drops our module reference (the
 * file never calls into this module again), and misc_mtx, which our exit path
 * needs for misc_deregister(), keeps this code in place until we return.
 */
static int vfc_open(struct inode *inode, struct file *filp)
{
	const struct file_operations *fops;
	int ret;

	fops = fops_get(iommufd_fops);
	if (!fops)
		return -ENODEV;
	ret = fops->open(inode, filp);
	if (ret)
		goto err_put;
	ret = vfc_set_rlimit_mode(filp);
	if (ret) {
		pr_warn_ratelimited("%s[%d]: cannot set per-process accounting (%pe), open refused\n",
				    current->comm, task_tgid_nr(current),
				    ERR_PTR(ret));
		fops->release(inode, filp);
		goto err_put;
	}
	replace_fops(filp, fops);
	return 0;

err_put:
	fops_put(fops);
	return ret;
}

static const struct file_operations vfc_fops = {
	.owner = THIS_MODULE,
	.open = vfc_open,
	.llseek = noop_llseek,
};

static struct miscdevice vfc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vfiocompat",
	.nodename = "vfio/iommufd-compat",
	/* As /dev/vfio/vfio: access is granted per group; udev may narrow it. */
	.mode = 0666,
	.fops = &vfc_fops,
};

#if IS_ENABLED(CONFIG_IOMMUFD)
static const struct file_operations *vfc_find_iommufd_fops(void)
{
	struct iommufd_ctx *(*from_file)(struct file *file);
	void (*ctx_put)(struct iommufd_ctx *ictx);
	const struct file_operations *fops = ERR_PTR(-ENODEV);
	struct iommufd_ctx *ictx;
	struct file *f;

	from_file = symbol_get(iommufd_ctx_from_file);
	if (!from_file) {
		/* CONFIG_IOMMUFD=m and not loaded yet. */
		request_module("iommufd");
		from_file = symbol_get(iommufd_ctx_from_file);
	}
	if (!from_file) {
		pr_err("iommufd is not available in this kernel (CONFIG_IOMMUFD), nothing to provide\n");
		return ERR_PTR(-ENODEV);
	}
	ctx_put = symbol_get(iommufd_ctx_put);
	if (!ctx_put) {
		pr_err("iommufd is not available in this kernel (CONFIG_IOMMUFD), nothing to provide\n");
		goto out_from_file;
	}

	f = filp_open(iommufd_node, O_RDWR | O_CLOEXEC, 0);
	if (IS_ERR(f)) {
		pr_err("cannot open %s (%pe), needed to find iommufd; set iommufd_node=\n",
		       iommufd_node, f);
		fops = ERR_CAST(f);
		goto out_ctx_put;
	}
	ictx = from_file(f);
	if (IS_ERR(ictx)) {
		pr_err("%s is not an iommufd node; set iommufd_node=\n", iommufd_node);
		fops = ERR_PTR(-ENODEV);
	} else {
		ctx_put(ictx);
		fops = fops_get(f->f_op);
		if (!fops)
			fops = ERR_PTR(-ENODEV);
	}
	fput(f);
out_ctx_put:
	symbol_put(iommufd_ctx_put);
out_from_file:
	symbol_put(iommufd_ctx_from_file);
	return fops;
}
#else
static const struct file_operations *vfc_find_iommufd_fops(void)
{
	pr_err("iommufd is not available in this kernel (CONFIG_IOMMUFD), nothing to provide\n");
	return ERR_PTR(-ENODEV);
}
#endif

int vfc_provider_init(void)
{
	const struct file_operations *fops;
	int ret;

	fops = vfc_find_iommufd_fops();
	if (IS_ERR(fops))
		return PTR_ERR(fops);
	iommufd_fops = fops;
	ret = misc_register(&vfc_misc);
	if (ret) {
		pr_err("cannot register /dev/vfio/iommufd-compat (%pe)\n", ERR_PTR(ret));
		fops_put(iommufd_fops);
		iommufd_fops = NULL;
	}
	return ret;
}

void vfc_provider_exit(void)
{
	misc_deregister(&vfc_misc);
	fops_put(iommufd_fops);
	iommufd_fops = NULL;
}
