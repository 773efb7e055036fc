// SPDX-License-Identifier: GPL-2.0-only
/*
 * The provider: /dev/vfio/iommufd-compat opens as an iommufd file (its f_op
 * is iommufd's own), so VFIO_GROUP_SET_CONTAINER and every VFIO compat ioctl
 * behave exactly as on /dev/iommu, but pinned memory is charged to the
 * opener's RLIMIT_MEMLOCK as the type1 container does, without the opener
 * holding CAP_SYS_RESOURCE.
 *
 * The node is a char device region of the module's own (not misc), so its
 * open takes no global lock. The accounting mode is set with iommufd's uapi
 * (IOMMU_OPTION RLIMIT_MODE=1) by a kernel worker: its own credentials, and a
 * request page in an address space of the module's own, so the open touches
 * no memory, mm lock or credentials of the opener's; see vfc_mode_work().
 *
 * iommufd's file_operations are static. They are taken, with a reference on
 * their owner, from a file that the worker opens on iommufd's own node when
 * the module loads (resolved from pid 1's root and mount namespace) and checked
 * with iommufd_ctx_from_file(), so only exported interfaces and uapi are
 * used: the module builds against kernel headers alone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/cred.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/iommufd.h>
#include <linux/kmod.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <uapi/linux/iommufd.h>

#include "vfiocompat.h"

static char *iommufd_node = "/dev/iommu";
module_param(iommufd_node, charp, 0444);
MODULE_PARM_DESC(iommufd_node,
		 "iommufd's own node, opened once at load, resolved from pid 1's root, to find its file operations (default /dev/iommu)");

/* iommufd's fops; holding them holds a reference on iommufd's module. */
static const struct file_operations *iommufd_fops;

/*
 * The worker's address space: the loading process's mm, pinned at load
 * (mmget), with one page mapped for the IOMMU_OPTION request. Once the loader
 * has exited, no task runs in it; while it lives only the loader (root, which
 * loaded the module) can reach it. Openers never see it. The page is
 * populated (and locked where allowed) at load, so the worker's accesses do
 * not fault and take no lock of this mm.
 */
static struct mm_struct *vfc_mm;
static unsigned long vfc_uaddr;

/* Ordered: one request page, and each job is a few uaccess of it. */
static struct workqueue_struct *vfc_wq;

static dev_t vfc_devt;
static struct cdev vfc_cdev;
static struct device *vfc_dev;

struct vfc_job {
	struct work_struct work;
	struct file *filp;
	int ret;
};

/*
 * Runs in a kworker borrowing vfc_mm: CAP_SYS_RESOURCE is the worker's own
 * (the initial credentials, in the initial user namespace), so an opener in a
 * user namespace, or confined by an LSM, gets the mode as root's opener does,
 * and nothing is raised in anyone's credentials. The file is not in any fd
 * table yet and its context has no objects: nothing else can reach it.
 */
static int vfc_set_rlimit_mode(struct file *filp)
{
	struct iommu_option __user *uopt = (void __user *)vfc_uaddr;
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_SET,
		.val64 = 1,
	};
	long ret;

	if (copy_to_user(uopt, &opt, sizeof(opt)))
		return -EFAULT;
	ret = iommufd_fops->unlocked_ioctl(filp, IOMMU_OPTION, vfc_uaddr);
	if (ret)
		return ret;
	opt.op = IOMMU_OPTION_OP_GET;
	opt.val64 = 0;
	if (copy_to_user(uopt, &opt, sizeof(opt)))
		return -EFAULT;
	ret = iommufd_fops->unlocked_ioctl(filp, IOMMU_OPTION, vfc_uaddr);
	if (ret)
		return ret;
	if (copy_from_user(&opt, uopt, sizeof(opt)))
		return -EFAULT;
	return opt.val64 == 1 ? 0 : -EIO;
}

static void vfc_mode_work(struct work_struct *work)
{
	struct vfc_job *job = container_of(work, struct vfc_job, work);

	kthread_use_mm(vfc_mm);
	job->ret = vfc_set_rlimit_mode(job->filp);
	kthread_unuse_mm(vfc_mm);
}

/*
 * chrdev_open() called us with our fops in place, holding a reference on
 * this module (the cdev's owner) and no lock. On success the file becomes
 * iommufd's: replace_fops() drops the reference our fops took; the file keeps
 * the cdev's until it is closed, so the module stays loaded while a file of
 * its node is open.
 */
static int vfc_provider_open(struct inode *inode, struct file *filp)
{
	const struct file_operations *fops;
	struct vfc_job job = { .filp = filp };
	int ret;

	fops = fops_get(iommufd_fops);
	if (!fops)
		return -ENODEV;
	ret = fops->open(inode, filp);
	if (ret)
		goto err_put;
	INIT_WORK_ONSTACK(&job.work, vfc_mode_work);
	queue_work(vfc_wq, &job.work);
	flush_work(&job.work);
	destroy_work_on_stack(&job.work);
	ret = job.ret;
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
	.open = vfc_provider_open,
	.llseek = noop_llseek,
};

/* As /dev/vfio/vfio: access is granted per group; udev may narrow it. */
static char *vfc_devnode(const struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0666;
	return kstrdup(VFC_MODULE_NODENAME, GFP_KERNEL);
}

static const struct class vfc_class = {
	.name = VFC_MODULE_MISC_NAME,
	.devnode = vfc_devnode,
};

struct vfc_find {
	struct work_struct work;
	const struct file_operations *fops;
};

#if IS_ENABLED(CONFIG_IOMMUFD)
/*
 * Open `name` as resolved from init's (pid 1's) root, in its mount
 * namespace, not the caller's: kernel threads no longer share pid 1's
 * fs_struct (7.x), and the loader's may be a container's.
 */
static struct file *vfc_open_in_init(const char *name)
{
	struct task_struct *init;
	struct path root = {}, path;
	struct file *f;
	int ret;

	rcu_read_lock();
	init = pid_task(find_pid_ns(1, &init_pid_ns), PIDTYPE_PID);
	if (init)
		get_task_struct(init);
	rcu_read_unlock();
	if (!init)
		return ERR_PTR(-ESRCH);
	task_lock(init);
	if (init->fs)
		get_fs_root(init->fs, &root);
	task_unlock(init);
	put_task_struct(init);
	if (!root.mnt)
		return ERR_PTR(-ESRCH);
	ret = vfs_path_lookup(root.dentry, root.mnt, name, LOOKUP_FOLLOW, &path);
	path_put(&root);
	if (ret)
		return ERR_PTR(ret);
	f = dentry_open(&path, O_RDWR | O_CLOEXEC, current_cred());
	path_put(&path);
	return f;
}

/*
 * In a kworker (the kernel's credentials), resolved from pid 1's root: the
 * loader's mount namespace (a container's, or one where /dev/iommu is
 * something else) does not decide which file is taken as iommufd's.
 */
static void vfc_find_work(struct work_struct *work)
{
	struct vfc_find *fw = container_of(work, struct vfc_find, work);
	struct iommufd_ctx *(*from_file)(struct file *file);
	void (*ctx_put)(struct iommufd_ctx *ictx);
	struct iommufd_ctx *ictx;
	struct file *f;

	fw->fops = ERR_PTR(-ENODEV);
	from_file = symbol_get(iommufd_ctx_from_file);
	ctx_put = symbol_get(iommufd_ctx_put);
	if (!from_file || !ctx_put) {
		pr_err("iommufd is not available in this kernel (CONFIG_IOMMUFD), nothing to provide\n");
		goto out;
	}
	f = vfc_open_in_init(iommufd_node);
	if (IS_ERR(f)) {
		pr_err("cannot open %s (%pe) in init's (pid 1) root and mount namespace, needed to find iommufd; set iommufd_node=\n",
		       iommufd_node, f);
		fw->fops = ERR_CAST(f);
		goto out;
	}
	ictx = from_file(f);
	if (IS_ERR(ictx)) {
		pr_err("%s is not an iommufd node; set iommufd_node=\n", iommufd_node);
	} else {
		ctx_put(ictx);
		fw->fops = fops_get(f->f_op);
		if (!fw->fops)
			fw->fops = ERR_PTR(-ENODEV);
	}
	fput(f);
out:
	if (ctx_put)
		symbol_put(iommufd_ctx_put);
	if (from_file)
		symbol_put(iommufd_ctx_from_file);
}

static const struct file_operations *vfc_find_iommufd_fops(void)
{
	struct vfc_find fw;
	void *sym;

	/* CONFIG_IOMMUFD=m and not loaded yet: load it in the loader's context. */
	sym = symbol_get(iommufd_ctx_from_file);
	if (sym)
		symbol_put(iommufd_ctx_from_file);
	else
		request_module("iommufd");

	INIT_WORK_ONSTACK(&fw.work, vfc_find_work);
	queue_work(vfc_wq, &fw.work);
	flush_work(&fw.work);
	destroy_work_on_stack(&fw.work);
	return fw.fops;
}
#else
static const struct file_operations *vfc_find_iommufd_fops(void)
{
	pr_err("iommufd is not available in this kernel (CONFIG_IOMMUFD), nothing to provide\n");
	return ERR_PTR(-ENODEV);
}
#endif

/* The worker's address space and request page; see vfc_mm. */
static int vfc_mm_init(void)
{
	unsigned long addr;

	vfc_mm = get_task_mm(current);
	if (!vfc_mm) {
		pr_err("the loading task has no address space; load with insmod or modprobe\n");
		return -EINVAL;
	}
	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, 0);
	if (IS_ERR_VALUE(addr))
		addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, 0);
	if (IS_ERR_VALUE(addr)) {
		pr_err("cannot map the request page (%pe)\n", ERR_PTR((long)addr));
		mmput(vfc_mm);
		vfc_mm = NULL;
		return (int)addr;
	}
	vfc_uaddr = addr;
	return 0;
}

static void vfc_unmap_work(struct work_struct *work)
{
	kthread_use_mm(vfc_mm);
	vm_munmap(vfc_uaddr, PAGE_SIZE);
	kthread_unuse_mm(vfc_mm);
}

static void vfc_mm_exit(void)
{
	struct work_struct w;

	/* The loader may still run in vfc_mm: give its page back. */
	INIT_WORK_ONSTACK(&w, vfc_unmap_work);
	queue_work(vfc_wq, &w);
	flush_work(&w);
	destroy_work_on_stack(&w);
	mmput(vfc_mm);
	vfc_mm = NULL;
}

int vfc_provider_init(void)
{
	const struct file_operations *fops;
	int ret;

	vfc_wq = alloc_ordered_workqueue(VFC_MODULE_NAME, 0);
	if (!vfc_wq)
		return -ENOMEM;
	fops = vfc_find_iommufd_fops();
	if (IS_ERR(fops)) {
		/* vfc_find_work() said why, in one line. */
		destroy_workqueue(vfc_wq);
		return PTR_ERR(fops);
	}
	iommufd_fops = fops;
	ret = vfc_mm_init();
	if (ret)
		goto err_fops;
	ret = alloc_chrdev_region(&vfc_devt, 0, 1, VFC_MODULE_NAME);
	if (ret)
		goto err_mm;
	ret = class_register(&vfc_class);
	if (ret)
		goto err_region;
	cdev_init(&vfc_cdev, &vfc_fops);
	vfc_cdev.owner = THIS_MODULE;
	ret = cdev_add(&vfc_cdev, vfc_devt, 1);
	if (ret)
		goto err_class;
	vfc_dev = device_create(&vfc_class, NULL, vfc_devt, NULL, VFC_MODULE_NAME);
	if (IS_ERR(vfc_dev)) {
		ret = PTR_ERR(vfc_dev);
		goto err_cdev;
	}
	return 0;

err_cdev:
	cdev_del(&vfc_cdev);
err_class:
	class_unregister(&vfc_class);
err_region:
	unregister_chrdev_region(vfc_devt, 1);
err_mm:
	vfc_mm_exit();
err_fops:
	fops_put(iommufd_fops);
	iommufd_fops = NULL;
	destroy_workqueue(vfc_wq);
	pr_err("cannot provide /dev/" VFC_MODULE_NODENAME " (%pe)\n", ERR_PTR(ret));
	return ret;
}

void vfc_provider_exit(void)
{
	device_destroy(&vfc_class, vfc_devt);
	cdev_del(&vfc_cdev);
	class_unregister(&vfc_class);
	unregister_chrdev_region(vfc_devt, 1);
	vfc_mm_exit();
	fops_put(iommufd_fops);
	iommufd_fops = NULL;
	destroy_workqueue(vfc_wq);
}
