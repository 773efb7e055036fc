// SPDX-License-Identifier: GPL-2.0-only
/*
 * The type1 audit (audit=1): one kretprobe on the VFIO container's ioctl
 * handler (vfio_fops_unl_ioctl, drivers/vfio/container.c), which every
 * container ioctl passes through, counts per process the type1 features that
 * iommufd compat lacks or changes, for any program, static or not. Read as
 * JSON Lines in the shim's report schema from debugfs vfiocompat/report.
 *
 * The entry handler may run in int3 (NMI-like) context: it only stores the
 * call's arguments. The return handler runs in the caller's task with
 * preemption disabled, and on PREEMPT_RT too it neither sleeps nor takes a
 * sleeping lock: it reads the caller's argument struct with
 * copy_from_user_nofault(), may trylock the caller's mmap_lock (P2P check),
 * and updates a fixed table of processes under a raw spinlock, IRQs left
 * enabled, with O(1) work: a hash lookup keyed by (tgid, start time), a
 * free list, and when the table is full a look at its 8 least recently used
 * slots for a process that has exited. Nothing is allocated after load and no
 * path is resolved there: a new process's executable is a file reference
 * that a work item turns into a path (d_path) in process context.
 *
 * The probe point is in vfio (a module on distribution kernels): a module
 * notifier re-arms the probe when vfio is loaded again after an unload (or
 * for the first time after the audit), and the report says which.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <uapi/linux/vfio.h>

#include "vfiocompat.h"

#define VFC_NESTING_IOMMU 6 /* VFIO_TYPE1_NESTING_IOMMU, reserved since 6.13 */

enum vfc_op {
	OP_OTHER,
	OP_GET_API_VERSION,
	OP_CHECK_EXTENSION,
	OP_SET_IOMMU,
	OP_GET_INFO,
	OP_MAP_DMA,
	OP_UNMAP_DMA,
	OP_DIRTY_PAGES,
	OP_SPAPR,
	OP_COUNT
};

/* Names as the shim writes them (shim/decode.c). */
static const char *const op_names[OP_COUNT] = {
	[OP_OTHER] = "OTHER",
	[OP_GET_API_VERSION] = "GET_API_VERSION",
	[OP_CHECK_EXTENSION] = "CHECK_EXTENSION",
	[OP_SET_IOMMU] = "SET_IOMMU",
	[OP_GET_INFO] = "IOMMU_GET_INFO",
	[OP_MAP_DMA] = "IOMMU_MAP_DMA",
	[OP_UNMAP_DMA] = "IOMMU_UNMAP_DMA",
	[OP_DIRTY_PAGES] = "IOMMU_DIRTY_PAGES",
	[OP_SPAPR] = "SPAPR",
};

enum vfc_feat {
#define VFC_FEATURE(id, ...) F_##id,
#include "vfiocompat/features.def"
	F_COUNT
};

enum vfc_sev { SEV_INFO, SEV_DEGRADED, SEV_BLOCKER };
static const char *const sev_names[] = { "info", "degraded", "blocker" };

struct vfc_feat_info {
	const char *name;
	enum vfc_sev sev;
	const char *iommufd;
	const char *hint;
};

/*
 * The shim's table (include/vfiocompat/features.def), so one reader handles
 * both reports.
 */
static const struct vfc_feat_info feats[F_COUNT] = {
#define VFC_FEATURE(id, name, sev, iommufd, hint) \
	[F_##id] = { name, SEV_##sev, iommufd, hint },
#include "vfiocompat/features.def"
};

#define VFC_EXE_LEN 128
#define VFC_HASH_BITS 8
#define VFC_RECLAIM_SCAN 8

/* The first call that used a feature, as the shim's feature record shows it. */
struct vfc_first {
	u32 request;
	u32 flags;
	s64 value;
	long ret;
	enum vfc_op op;
};

/* What the report shows of one process. */
struct vfc_rec {
	pid_t tgid;		/* 0: free slot */
	u64 start_time;		/* tells a reused pid apart */
	char comm[TASK_COMM_LEN];
	char exe[VFC_EXE_LEN];
	u64 calls[OP_COUNT];
	u64 errors[OP_COUNT];
	u64 feat_count[F_COUNT];
	struct vfc_first first[F_COUNT];
};

struct vfc_proc {
	struct vfc_rec r;
	struct hlist_node hnode;	/* in vfc_hash while used */
	struct list_head lru;		/* in vfc_lru while used, else vfc_free */
	struct file *exe_file;		/* pending: the work item resolves it */
	struct llist_node exe_node;	/* in vfc_exe_pending while exe_file */
};

/* What the entry handler saw, kept in the kretprobe instance. */
struct vfc_call {
	unsigned int cmd;
	unsigned long arg;
};

/* Guards the table; never held across anything but a few list operations. */
static DEFINE_RAW_SPINLOCK(vfc_lock);
static struct vfc_proc *vfc_procs;
static unsigned int vfc_nprocs;
static DEFINE_HASHTABLE(vfc_hash, VFC_HASH_BITS);
static LIST_HEAD(vfc_lru);	/* least recently used first */
static LIST_HEAD(vfc_free);
static u64 vfc_dropped;		/* calls not counted: table full of live processes */
static u64 vfc_evicted;		/* exited processes whose record made room */
static struct dentry *vfc_dir;

static LLIST_HEAD(vfc_exe_pending);
static void vfc_exe_work_fn(struct work_struct *work);
static DECLARE_WORK(vfc_exe_work, vfc_exe_work_fn);

static enum vfc_op vfc_decode(unsigned int cmd)
{
	if (_IOC_TYPE(cmd) != VFIO_TYPE || _IOC_DIR(cmd) || _IOC_SIZE(cmd))
		return OP_COUNT;
	switch (_IOC_NR(cmd) - VFIO_BASE) {
	case 0:
		return OP_GET_API_VERSION;
	case 1:
		return OP_CHECK_EXTENSION;
	case 2:
		return OP_SET_IOMMU;
	case 12: /* also SPAPR_TCE_GET_INFO; this audit watches type1 */
		return OP_GET_INFO;
	case 13:
		return OP_MAP_DMA;
	case 14:
		return OP_UNMAP_DMA;
	case 17: /* also SPAPR_REGISTER_MEMORY */
		return OP_DIRTY_PAGES;
	case 15: case 16: case 18: case 19: case 20: case 21:
		return OP_SPAPR;
	default:
		return OP_OTHER;
	}
}

static bool vfc_is_spapr_type(unsigned long t)
{
	return t == VFIO_SPAPR_TCE_IOMMU || t == VFIO_SPAPR_TCE_v2_IOMMU;
}

/* Does the GET_INFO answer in user memory carry capability `id`? */
static bool vfc_info_has_cap(unsigned long arg, u16 id)
{
	struct vfio_iommu_type1_info head;
	struct vfio_info_cap_header cap;
	u32 off;
	int hops;

	if (copy_from_user_nofault(&head, (void __user *)arg, sizeof(head)))
		return false;
	if (!(head.flags & VFIO_IOMMU_INFO_CAPS))
		return false;
	off = head.cap_offset;
	for (hops = 0; off && hops < 16; hops++) {
		if (off < sizeof(head) || off > head.argsz ||
		    head.argsz - off < sizeof(cap))
			return false;
		if (copy_from_user_nofault(&cap, (void __user *)(arg + off),
					   sizeof(cap)))
			return false;
		if (cap.id == id)
			return true;
		if (cap.next <= off)
			return false;
		off = cap.next;
	}
	return false;
}

/* A mapping of device memory (a BAR mmap): type1 maps it, iommufd refuses. */
static bool vfc_is_pfnmap(unsigned long vaddr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	bool ret = false;

	if (!mm || !mmap_read_trylock(mm))
		return false;
	vma = vma_lookup(mm, vaddr);
	if (vma && (vma->vm_flags & (VM_PFNMAP | VM_IO)))
		ret = true;
	mmap_read_unlock(mm);
	return ret;
}

/* Features used by one finished call; *flags gets the struct's flags. */
static u32 vfc_classify(enum vfc_op op, unsigned long arg, long ret, u32 *flags)
{
	u32 f = 0;

	*flags = 0;
	switch (op) {
	case OP_CHECK_EXTENSION:
		if (arg == VFIO_UPDATE_VADDR)
			f |= BIT(F_UPDATE_VADDR_EXT);
		else if (arg == VFC_NESTING_IOMMU)
			f |= BIT(F_NESTING_EXT);
		else if (vfc_is_spapr_type(arg) || arg == VFIO_EEH)
			f |= BIT(F_SPAPR_EXT);
		break;
	case OP_SET_IOMMU:
		if (arg == VFIO_TYPE1_IOMMU)
			f |= BIT(F_TYPE1_V1);
		else if (arg == VFC_NESTING_IOMMU)
			f |= BIT(F_NESTING_SET);
		else if (vfc_is_spapr_type(arg))
			f |= BIT(F_SPAPR);
		break;
	case OP_MAP_DMA: {
		struct vfio_iommu_type1_dma_map m;

		if (copy_from_user_nofault(&m, (void __user *)arg, sizeof(m)))
			break;
		*flags = m.flags;
		if (m.flags & VFIO_DMA_MAP_FLAG_VADDR)
			f |= BIT(F_VADDR_MAP);
		else if (vfc_is_pfnmap(m.vaddr))
			f |= BIT(F_P2P_MAP);
		if (ret == -ENOSPC)
			f |= BIT(F_DMA_ENTRY_LIMIT);
		break;
	}
	case OP_UNMAP_DMA: {
		struct vfio_iommu_type1_dma_unmap u;

		if (copy_from_user_nofault(&u, (void __user *)arg,
					   offsetofend(typeof(u), flags)))
			break;
		*flags = u.flags;
		if (u.flags & VFIO_DMA_UNMAP_FLAG_VADDR)
			f |= BIT(F_VADDR_UNMAP);
		if (u.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
			f |= BIT(F_DIRTY_BITMAP_UNMAP);
		break;
	}
	case OP_GET_INFO:
		if (!ret && vfc_info_has_cap(arg, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL))
			f |= BIT(F_DMA_AVAIL);
		break;
	case OP_DIRTY_PAGES: {
		struct vfio_iommu_type1_dirty_bitmap d;

		if (!copy_from_user_nofault(&d, (void __user *)arg, sizeof(d)))
			*flags = d.flags;
		f |= BIT(F_DIRTY_PAGES);
		break;
	}
	case OP_SPAPR:
		f |= BIT(F_SPAPR);
		break;
	default:
		break;
	}
	return f;
}

static struct vfc_proc *vfc_find(pid_t tgid, u64 start)
{
	struct vfc_proc *p;

	hash_for_each_possible(vfc_hash, p, hnode, tgid)
		if (p->r.tgid == tgid && p->r.start_time == start)
			return p;
	return NULL;
}

/* Has the process of this record exited (and been reaped)? */
static bool vfc_gone(const struct vfc_rec *r)
{
	struct task_struct *t;
	bool gone;

	rcu_read_lock();
	t = pid_task(find_pid_ns(r->tgid, &init_pid_ns), PIDTYPE_TGID);
	gone = !t || t->start_time != r->start_time;
	rcu_read_unlock();
	return gone;
}

/*
 * A slot for a new process: a free one, else the record of an exited process
 * among the least recently used (its exe resolved). Called with vfc_lock.
 */
static struct vfc_proc *vfc_new_slot(void)
{
	struct vfc_proc *p;
	int n = 0;

	p = list_first_entry_or_null(&vfc_free, struct vfc_proc, lru);
	if (p)
		return p;
	list_for_each_entry(p, &vfc_lru, lru) {
		if (n++ == VFC_RECLAIM_SCAN)
			break;
		if (!p->exe_file && vfc_gone(&p->r)) {
			hash_del(&p->hnode);
			vfc_evicted++;
			return p;
		}
	}
	return NULL;
}

static void vfc_account(enum vfc_op op, unsigned int cmd, unsigned long arg,
			long ret, u32 f, u32 flags)
{
	struct task_struct *leader = current->group_leader;
	pid_t tgid = task_tgid_nr(current);
	u64 start = leader->start_time;
	struct mm_struct *mm = current->mm;
	struct vfc_proc *p;
	bool queue = false;
	int i;

	raw_spin_lock(&vfc_lock);
	p = vfc_find(tgid, start);
	if (!p) {
		p = vfc_new_slot();
		if (!p) {
			vfc_dropped++;
			goto out;
		}
		memset(&p->r, 0, sizeof(p->r));
		p->r.tgid = tgid;
		p->r.start_time = start;
		strscpy(p->r.comm, leader->comm, sizeof(p->r.comm));
		hash_add(vfc_hash, &p->hnode, tgid);
		/* The path is resolved by vfc_exe_work, not here. */
		if (mm) {
			rcu_read_lock();
			p->exe_file = get_file_rcu(&mm->exe_file);
			rcu_read_unlock();
		}
		if (p->exe_file) {
			llist_add(&p->exe_node, &vfc_exe_pending);
			queue = true;
		}
	}
	list_move_tail(&p->lru, &vfc_lru);
	p->r.calls[op]++;
	if (ret < 0)
		p->r.errors[op]++;
	for (i = 0; i < F_COUNT; i++) {
		if (!(f & BIT(i)))
			continue;
		if (!p->r.feat_count[i]++) {
			p->r.first[i].op = op;
			p->r.first[i].request = cmd;
			p->r.first[i].flags = flags;
			p->r.first[i].ret = ret;
			p->r.first[i].value = (op == OP_CHECK_EXTENSION ||
					       op == OP_SET_IOMMU) ? (s64)arg : 0;
		}
	}
out:
	raw_spin_unlock(&vfc_lock);
	if (queue)
		queue_work(system_unbound_wq, &vfc_exe_work);
}

/* Process context: new processes' executables, as paths. */
static void vfc_exe_work_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&vfc_exe_pending);
	struct vfc_proc *p, *next;
	char buf[VFC_EXE_LEN];

	llist_for_each_entry_safe(p, next, list, exe_node) {
		struct file *exe;
		char *path;

		raw_spin_lock(&vfc_lock);
		exe = p->exe_file;
		raw_spin_unlock(&vfc_lock);
		path = d_path(&exe->f_path, buf, sizeof(buf));
		raw_spin_lock(&vfc_lock);
		if (!IS_ERR(path))
			strscpy(p->r.exe, path, sizeof(p->r.exe));
		p->exe_file = NULL;	/* the slot may be reclaimed from now on */
		raw_spin_unlock(&vfc_lock);
		fput(exe);
	}
}

static int vfc_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vfc_call *c = (struct vfc_call *)ri->data;

	c->cmd = (unsigned int)regs_get_kernel_argument(regs, 1);
	c->arg = regs_get_kernel_argument(regs, 2);
	/* Non-zero: not a VFIO request, no return handler. */
	return vfc_decode(c->cmd) == OP_COUNT;
}

static int vfc_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vfc_call *c = (struct vfc_call *)ri->data;
	long ret = (long)regs_return_value(regs);
	enum vfc_op op = vfc_decode(c->cmd);
	u32 flags, f;

	f = vfc_classify(op, c->arg, ret, &flags);
	vfc_account(op, c->cmd, c->arg, ret, f, flags);
	return 0;
}

static struct kretprobe vfc_krp = {
	.entry_handler = vfc_entry,
	.handler = vfc_return,
	.data_size = sizeof(struct vfc_call),
	.maxactive = 64,
};

/* JSON string: quotes, backslashes, control and non-ASCII bytes escaped. */
static void vfc_json_str(struct seq_file *m, const char *s)
{
	seq_putc(m, '"');
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			seq_printf(m, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			seq_printf(m, "\\u%04x", ch);
		else
			seq_putc(m, ch);
	}
	seq_putc(m, '"');
}

static const char *vfc_errno_name(long ret)
{
	switch (ret) {
	case 0: return "0";
	case -EPERM: return "EPERM";
	case -ENOENT: return "ENOENT";
	case -EIO: return "EIO";
	case -E2BIG: return "E2BIG";
	case -EBADF: return "EBADF";
	case -ENOMEM: return "ENOMEM";
	case -EFAULT: return "EFAULT";
	case -EBUSY: return "EBUSY";
	case -EEXIST: return "EEXIST";
	case -ENODEV: return "ENODEV";
	case -EINVAL: return "EINVAL";
	case -ENOSPC: return "ENOSPC";
	case -ENOTTY: return "ENOTTY";
	case -ERANGE: return "ERANGE";
	case -EOPNOTSUPP: return "EOPNOTSUPP";
	default: return ret < 0 ? "EOTHER" : "0";
	}
}

static void vfc_show_proc(struct seq_file *m, const struct vfc_rec *p)
{
	enum vfc_sev worst = SEV_INFO;
	bool any_feat = false, first;
	u64 total = 0;
	int i;

	seq_printf(m, "{\"type\":\"start\",\"schema\":%d,\"version\":\"%s\",\"source\":\"kernel\",\"pid\":%d,\"program\":",
		   VFC_REPORT_SCHEMA, VFC_VERSION, p->tgid);
	vfc_json_str(m, p->comm);
	seq_puts(m, ",\"exe\":");
	vfc_json_str(m, p->exe);
	seq_puts(m, ",\"mode\":\"audit\",\"backend\":\"type1\"}\n");

	for (i = 0; i < F_COUNT; i++) {
		const struct vfc_first *fu = &p->first[i];

		if (!p->feat_count[i])
			continue;
		seq_printf(m, "{\"type\":\"feature\",\"pid\":%d,\"program\":", p->tgid);
		vfc_json_str(m, p->comm);
		seq_printf(m, ",\"feature\":\"%s\",\"severity\":\"%s\",\"ioctl\":\"%s\",\"request\":\"0x%x\",\"value\":%lld,\"flags\":\"0x%x\",\"backend\":\"type1\",\"ret\":%ld,\"errno\":\"%s\",\"count\":%llu,\"iommufd_predicted\":",
			   feats[i].name, sev_names[feats[i].sev],
			   op_names[fu->op], fu->request, fu->value, fu->flags,
			   fu->ret < 0 ? -1L : fu->ret, vfc_errno_name(fu->ret),
			   p->feat_count[i]);
		vfc_json_str(m, feats[i].iommufd);
		seq_puts(m, ",\"hint\":");
		vfc_json_str(m, feats[i].hint);
		seq_puts(m, "}\n");
		any_feat = true;
		if (feats[i].sev > worst)
			worst = feats[i].sev;
	}

	seq_printf(m, "{\"type\":\"summary\",\"source\":\"kernel\",\"pid\":%d,\"program\":",
		   p->tgid);
	vfc_json_str(m, p->comm);
	seq_puts(m, ",\"exe\":");
	vfc_json_str(m, p->exe);
	seq_puts(m, ",\"mode\":\"audit\",\"memlock\":\"type1\",\"ioctls\":{");
	first = true;
	for (i = 0; i < OP_COUNT; i++) {
		if (!p->calls[i])
			continue;
		total += p->calls[i];
		seq_printf(m, "%s\"%s\":{\"calls\":%llu,\"errors\":%llu}",
			   first ? "" : ",", op_names[i], p->calls[i],
			   p->errors[i]);
		first = false;
	}
	seq_puts(m, "},\"features\":{");
	first = true;
	for (i = 0; i < F_COUNT; i++) {
		if (!p->feat_count[i])
			continue;
		seq_printf(m, "%s\"%s\":%llu", first ? "" : ",", feats[i].name,
			   p->feat_count[i]);
		first = false;
	}
	seq_printf(m, "},\"verdict\":\"%s\"}\n",
		   !total ? "untested" :
		   !any_feat || worst == SEV_INFO ? "ready" :
		   worst == SEV_DEGRADED ? "ready-with-differences" :
		   "not-ready");
}

/*
 * The probe's state. vfc_probe_lock orders arming (load, module notifier)
 * and unloading; the report reads the state without it.
 */
static DEFINE_MUTEX(vfc_probe_lock);
static bool vfc_armed;
static int vfc_arm_err;
static bool vfc_notifier_on;

static const char *vfc_probe_state(void)
{
	if (!READ_ONCE(vfc_armed))
		return "not armed";
	return kprobe_gone(&vfc_krp.kp) ? "gone" : "armed";
}

/* One snapshot buffer: readers are few (debugfs, root) and may sleep here. */
static DEFINE_MUTEX(vfc_show_lock);
static struct vfc_rec vfc_snap;

static int vfc_report_show(struct seq_file *m, void *unused)
{
	struct vfc_rec *snap = &vfc_snap;
	unsigned int i, used = 0;
	u64 dropped, evicted;

	mutex_lock(&vfc_show_lock);
	for (i = 0; i < vfc_nprocs; i++) {
		raw_spin_lock(&vfc_lock);
		*snap = vfc_procs[i].r;
		raw_spin_unlock(&vfc_lock);
		if (!snap->tgid)
			continue;
		used++;
		vfc_show_proc(m, snap);
	}
	mutex_unlock(&vfc_show_lock);
	raw_spin_lock(&vfc_lock);
	dropped = vfc_dropped;
	evicted = vfc_evicted;
	raw_spin_unlock(&vfc_lock);
	seq_printf(m, "{\"type\":\"kernel_audit\",\"schema\":%d,\"version\":\"%s\",\"probe\":\"%s\",\"probe_state\":\"%s\",\"processes\":%u,\"max_processes\":%u,\"evicted_processes\":%llu,\"dropped_calls\":%llu,\"missed_calls\":%d}\n",
		   VFC_REPORT_SCHEMA, VFC_VERSION, vfc_krp.kp.symbol_name, vfc_probe_state(), used,
		   vfc_nprocs, evicted, dropped, vfc_krp.nmissed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfc_report);

/* Called with vfc_probe_lock. A gone probe is unregistered and re-armed. */
static void vfc_arm(bool quiet)
{
	int ret;

	if (vfc_armed && !kprobe_gone(&vfc_krp.kp))
		return;
	if (vfc_armed) {
		unregister_kretprobe(&vfc_krp);
		WRITE_ONCE(vfc_armed, false);
	}
	vfc_krp.kp.addr = NULL;
	vfc_krp.kp.flags = 0;
	ret = register_kretprobe(&vfc_krp);
	vfc_arm_err = ret;
	if (ret) {
		if (!quiet)
			pr_warn("audit=1: cannot probe %s (%pe): the audit is off until vfio (with CONFIG_VFIO_CONTAINER) is loaded; the node works\n",
				vfc_krp.kp.symbol_name, ERR_PTR(ret));
		return;
	}
	WRITE_ONCE(vfc_armed, true);
	pr_info("audit: probing %s\n", vfc_krp.kp.symbol_name);
}

/* vfio loaded again (or at last): arm the probe, re-arm a gone one. */
static int vfc_module_event(struct notifier_block *nb, unsigned long state,
			    void *data)
{
	if (state != MODULE_STATE_LIVE)
		return NOTIFY_DONE;
	mutex_lock(&vfc_probe_lock);
	vfc_arm(true);
	mutex_unlock(&vfc_probe_lock);
	return NOTIFY_DONE;
}

static struct notifier_block vfc_module_nb = {
	.notifier_call = vfc_module_event,
};

int vfc_audit_init(unsigned int max_procs, const char *symbol)
{
	unsigned int i;

	/* A failed vcalloc() logs itself; main.c says the audit is off. */
	vfc_procs = vcalloc(max_procs, sizeof(*vfc_procs));
	if (!vfc_procs)
		return -ENOMEM;
	vfc_nprocs = max_procs;
	for (i = 0; i < max_procs; i++)
		list_add_tail(&vfc_procs[i].lru, &vfc_free);
	vfc_krp.kp.symbol_name = symbol;

	mutex_lock(&vfc_probe_lock);
	vfc_arm(false);
	mutex_unlock(&vfc_probe_lock);
	vfc_notifier_on = !register_module_notifier(&vfc_module_nb);
	vfc_dir = debugfs_create_dir(VFC_MODULE_AUDIT_DIR, NULL);
	debugfs_create_file(VFC_MODULE_AUDIT_FILE, 0444, vfc_dir, NULL, &vfc_report_fops);
	return 0;
}

void vfc_audit_exit(void)
{
	debugfs_remove(vfc_dir);
	if (vfc_notifier_on)
		unregister_module_notifier(&vfc_module_nb);
	mutex_lock(&vfc_probe_lock);
	if (vfc_armed)
		unregister_kretprobe(&vfc_krp);
	vfc_armed = false;
	mutex_unlock(&vfc_probe_lock);
	/* No handler runs any more: resolve (and drop) the pending files. */
	flush_work(&vfc_exe_work);
	vfc_exe_work_fn(NULL);
	vfree(vfc_procs);
	vfc_procs = NULL;
}
