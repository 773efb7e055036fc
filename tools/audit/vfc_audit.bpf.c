// SPDX-License-Identifier: GPL-2.0-only
/*
 * The eBPF audit's kernel side: a kprobe and kretprobe on the VFIO container's
 * ioctl handler (vfio_fops_unl_ioctl, drivers/vfio/container.c), which every
 * /dev/vfio/vfio ioctl passes through and no other file's, so foreign ioctls
 * run no code of ours. For each call it copies the request, the kernel's
 * answer, the container (its struct file) and the first bytes of the argument
 * struct, read after the call as the shim reads them, to a ring buffer; user
 * space decodes them with the shim's own decoder (common/decode.c). A
 * kprobe on exit_files tells user space when such a process is gone.
 * CO-RE: built once against any kernel's BTF, relocated at load.
 */
#include "vmlinux.h"

/*
 * Built for arm64 on an x86 host (make cross-arm64), vmlinux.h is the host's
 * and lacks arm64's uapi struct user_pt_regs, which the kprobe argument
 * macros read: its layout is arm64's ABI (asm/ptrace.h).
 */
#ifdef VFC_BPF_CROSS_ARM64
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};
#endif

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "audit_event.h"

char LICENSE[] SEC("license") = "GPL";

#define VM_IO	   0x00004000UL
#define VM_PFNMAP  0x00000400UL
#define VFIO_TYPE  ';'
#define VFIO_BASE  100
#define TREE_DEPTH 32

/* Written by user space (the skeleton's mmapped .bss). */
__u32 filter_on;   /* only the process tree of filter_root */
__u32 filter_root; /* a tgid in the initial pid namespace */
__u64 lost;	   /* events the ring buffer had no room for */
__u64 calls;	   /* container ioctls seen (after the filter) */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

/*
 * The event under construction: per CPU. kprobe programs run with
 * preemption disabled, so no other task's program can use this CPU's
 * buffer halfway through ours (fexit programs could: see on_return).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vfc_ev);
} scratch SEC(".maps");

/* A call's arguments, from the handler's entry to its return: by thread. */
struct call_args {
	__u64 file;
	__u64 arg;
	__u32 cmd;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct call_args);
} inflight SEC(".maps");

/* Processes that used the container: tgid -> the leader's start_boottime. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} tracked SEC(".maps");

static __always_inline bool in_tree(struct task_struct *t)
{
	if (!filter_on)
		return true;
	for (int i = 0; i < TREE_DEPTH && t; i++) {
		__u32 tgid = BPF_CORE_READ(t, tgid);

		if (tgid == filter_root)
			return true;
		if (tgid <= 1)
			return false;
		t = BPF_CORE_READ(t, real_parent);
	}
	return false;
}

struct pfn_ctx {
	__u64 hit;
};

static long vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct pfn_ctx *c = data;

	if (BPF_CORE_READ(vma, vm_flags) & (VM_PFNMAP | VM_IO))
		c->hit = 1;
	return 0;
}

static __always_inline void read_arg(struct vfc_ev *e, unsigned long arg, __u32 n)
{
	if (!bpf_probe_read_user(e->data, n & (VFC_EV_DATA - 1), (const void *)arg)) {
		e->len = n;
		e->flags |= VFC_EVF_ARG;
	}
}

static __always_inline int on_entry(struct file *filep, unsigned int cmd, unsigned long arg)
{
	struct call_args c = {.file = (__u64)filep, .arg = arg, .cmd = cmd};
	__u64 id = bpf_get_current_pid_tgid();

	if (!in_tree(bpf_get_current_task_btf()))
		return 0;
	if (bpf_map_update_elem(&inflight, &id, &c, BPF_ANY))
		__sync_fetch_and_add(&lost, 1);
	return 0;
}

/*
 * At the handler's return, with its answer. A kprobe/kretprobe pair, not
 * fexit: an fexit program runs preemptible, and the trampoline skips it
 * (a recursion "miss", counted nowhere we can see) whenever it is already
 * running on that CPU, that is whenever another task was preempted inside
 * it: on the lab's one-vCPU preemptible kernel, 5 clients at once lost up
 * to nine in ten of their events, and a process's exit could be missed
 * the same way. kprobe programs run with preemption disabled.
 */
static __always_inline int on_return(long ret, __u32 backend)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 zero = 0, tgid = id >> 32, nr;
	struct call_args *c = bpf_map_lookup_elem(&inflight, &id);
	__u64 start, *old, filep, arg;
	unsigned int cmd;
	struct vfc_ev *e;

	if (!c)
		return 0;
	filep = c->file;
	arg = c->arg;
	cmd = c->cmd;
	bpf_map_delete_elem(&inflight, &id);
	__sync_fetch_and_add(&calls, 1);
	/* Tracked first: its exit is reported even if this event cannot be. */
	start = BPF_CORE_READ(task, group_leader, start_boottime);
	old = bpf_map_lookup_elem(&tracked, &tgid);
	if (!old || *old != start) /* new, or a reused pid whose exit was missed */
		bpf_map_update_elem(&tracked, &tgid, &start, BPF_ANY);
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	e->kind = VFC_EV_IOCTL;
	e->tgid = tgid;
	e->tid = (__u32)id;
	e->cmd = cmd;
	e->start_ns = start;
	e->file = filep;
	e->arg = arg;
	e->ret = ret;
	e->flags = backend;
	e->len = 0;
	BPF_CORE_READ_STR_INTO(&e->comm, task, group_leader, comm);

	nr = (cmd & 0xff) - VFIO_BASE;
	if (((cmd >> 8) & 0xff) == VFIO_TYPE && (cmd >> 16) == 0 && arg) {
		if (nr == 12) { /* GET_INFO: the header, then the answer up to argsz */
			__u32 argsz = 0, room = 4096 - (arg & 4095);

			bpf_probe_read_user(&argsz, sizeof(argsz), (const void *)arg);
			if (argsz > VFC_EV_INFO_MAX)
				argsz = VFC_EV_INFO_MAX;
			if (argsz >= 16) {
				read_arg(e, arg, argsz);
				if (!(e->flags & VFC_EVF_ARG) && room < argsz)
					read_arg(e, arg, room);
			}
		} else if (nr == 13) { /* MAP_DMA */
			read_arg(e, arg, 32);
			if (e->flags & VFC_EVF_ARG) {
				struct pfn_ctx c = {0};
				__u64 vaddr = *(__u64 *)&e->data[8];

				bpf_find_vma(task, vaddr, vma_cb, &c, 0);
				if (c.hit)
					e->flags |= VFC_EVF_PFNMAP;
			}
		} else if (nr == 14) { /* UNMAP_DMA */
			read_arg(e, arg, 24);
		} else if (nr == 17) { /* DIRTY_PAGES (or SPAPR_REGISTER_MEMORY) */
			read_arg(e, arg, 16);
		}
	}
	__u64 size = VFC_EV_HEAD + (e->len & (VFC_EV_DATA - 1));
	if (size > sizeof(*e))
		size = sizeof(*e);
	if (bpf_ringbuf_output(&events, e, size, 0))
		__sync_fetch_and_add(&lost, 1);
	return 0;
}

SEC("kprobe/vfio_fops_unl_ioctl")
int BPF_KPROBE(vfc_ioctl_entry, struct file *filep, unsigned int cmd, unsigned long arg)
{
	return on_entry(filep, cmd, arg);
}

SEC("kretprobe/vfio_fops_unl_ioctl")
int BPF_KRETPROBE(vfc_ioctl, long ret)
{
	return on_return(ret, 0);
}

/*
 * iommufd's ioctl handler, which answers the same container ioctls on
 * /dev/iommu: loaded only for `vfiocompat run`, whose program's container is
 * iommufd inside its mount namespace, and only for that process tree (native
 * iommufd users elsewhere are none of the audit's business).
 */
SEC("kprobe/iommufd_fops_ioctl")
int BPF_KPROBE(vfc_iommufd_ioctl_entry, struct file *filep, unsigned int cmd, unsigned long arg)
{
	if (!filter_on)
		return 0;
	return on_entry(filep, cmd, arg);
}

SEC("kretprobe/iommufd_fops_ioctl")
int BPF_KRETPROBE(vfc_iommufd_ioctl, long ret)
{
	return on_return(ret, VFC_EVF_IOMMUFD);
}

/*
 * The last thread of a tracked process exits: its summary can be written.
 * A kprobe on exit_files(), which do_exit() calls for every thread after its
 * signal->live decrement and before the parent is told: the last thread
 * always reads 0 there (two threads may both; user space ignores the
 * second). Not the sched_process_exit tracepoint: tracepoints run
 * preemptible on current kernels (SRCU), and a BPF program already running
 * on a CPU, preempted, makes the kernel skip it for every other task there
 * (a recursion miss): a process's exit was missed now and then (the lab's
 * 1 in 47, and 1 in 50 short-lived clients). kprobe programs run with
 * preemption disabled. The event is built on the stack. User space also
 * checks, at the stop, that a process with no exit event is still running.
 */
SEC("kprobe/exit_files")
int BPF_KPROBE(vfc_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	__u64 *start = bpf_map_lookup_elem(&tracked, &tgid);
	struct vfc_ev_head e = {0};

	if (!start || BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	e.kind = VFC_EV_EXIT;
	e.tgid = tgid;
	e.tid = BPF_CORE_READ(p, pid);
	e.start_ns = *start;
	bpf_map_delete_elem(&tracked, &tgid);
	if (bpf_ringbuf_output(&events, &e, sizeof(e), 0))
		__sync_fetch_and_add(&lost, 1);
	return 0;
}
