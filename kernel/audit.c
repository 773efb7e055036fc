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

#include "audit.h"
#include "vfiocompat.h"

#define VFC_HASH_BITS 8
#define VFC_RECLAIM_SCAN 8

struct vfc_proc {
	struct vfc_audit_rec r;
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

static struct vfc_proc *vfc_find(pid_t tgid, u64 start)
{
	struct vfc_proc *p;

	hash_for_each_possible(vfc_hash, p, hnode, tgid)
		if (p->r.tgid == tgid && p->r.start_time == start)
			return p;
	return NULL;
}

/* Has the process of this record exited (and been reaped)? */
static bool vfc_gone(const struct vfc_audit_rec *r)
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
	return vfc_audit_decode(c->cmd) == OP_COUNT;
}

static int vfc_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vfc_call *c = (struct vfc_call *)ri->data;
	long ret = (long)regs_return_value(regs);
	enum vfc_op op = vfc_audit_decode(c->cmd);
	u32 flags, f;

	f = vfc_audit_classify(op, c->arg, ret, &flags);
	vfc_account(op, c->cmd, c->arg, ret, f, flags);
	return 0;
}

static struct kretprobe vfc_krp = {
	.entry_handler = vfc_entry,
	.handler = vfc_return,
	.data_size = sizeof(struct vfc_call),
	.maxactive = 64,
};

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
static struct vfc_audit_rec vfc_snap;

static int vfc_report_show(struct seq_file *m, void *unused)
{
	struct vfc_audit_rec *snap = &vfc_snap;
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
