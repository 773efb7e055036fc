/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the eBPF audit's kernel side (vfc_audit.bpf.c) hands to user space
 * (audit.c) through its ring buffer: one event per type1 container ioctl, with
 * the kernel's answer and the first bytes of the argument struct, and one when
 * a process that used the container exits. Shared by both sides: plain
 * fixed-size types only.
 */
#ifndef VFC_AUDIT_EVENT_H
#define VFC_AUDIT_EVENT_H

/* GET_INFO's answer is walked for capabilities in its first 2 KiB (VFC_EV_INFO_MAX), as the shim
 * does. */
#define VFC_EV_DATA	4096
#define VFC_EV_INFO_MAX 2048

enum vfc_ev_kind {
	VFC_EV_IOCTL = 1,
	VFC_EV_EXIT = 2,
};

/* vfc_ev.flags */
#define VFC_EVF_ARG	1u /* data holds `len` bytes of the argument struct, read after the call */
#define VFC_EVF_PFNMAP	2u /* MAP_DMA: vaddr lies in a VM_PFNMAP/VM_IO mapping (a BAR mmap) */
#define VFC_EVF_IOMMUFD 4u /* answered by iommufd's compat (/dev/iommu), not type1 */

struct vfc_ev {
	unsigned int kind;
	unsigned int tgid;
	unsigned int tid;
	unsigned int cmd;
	unsigned long long start_ns; /* the thread group leader's start_boottime */
	unsigned long long file;     /* the container's struct file: tells containers apart */
	unsigned long long arg;
	long long ret;
	unsigned int flags;
	unsigned int len;
	char comm[16]; /* the thread group leader's */
	unsigned char data[VFC_EV_DATA];
};

#define VFC_EV_HEAD __builtin_offsetof(struct vfc_ev, data) /* offsetof, no stddef.h in BPF */

/* An event without data (an exit): vfc_ev's fields before `data`, alike. */
struct vfc_ev_head {
	unsigned int kind;
	unsigned int tgid;
	unsigned int tid;
	unsigned int cmd;
	unsigned long long start_ns;
	unsigned long long file;
	unsigned long long arg;
	long long ret;
	unsigned int flags;
	unsigned int len;
	char comm[16];
};

#endif
