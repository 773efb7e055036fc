// SPDX-License-Identifier: GPL-2.0-only
/* The inspector's rules: how a binary with these facts can be trialled. */
#include <stddef.h>

#include "inspect.h"

const char *vfc_strategy_name(enum vfc_strategy s)
{
	switch (s) {
	case VFC_STRAT_PRELOAD:
		return "preload works";
	case VFC_STRAT_MOUNT_NS:
		return "use --mount-ns";
	case VFC_STRAT_MODULE_AUDIT:
		return "use the eBPF audit";
	case VFC_STRAT_NOT_VFIO:
		return "not a VFIO user";
	}
	return "?";
}

const char *vfc_strategy_key(enum vfc_strategy s)
{
	switch (s) {
	case VFC_STRAT_PRELOAD:
		return "preload";
	case VFC_STRAT_MOUNT_NS:
		return "mount-ns";
	case VFC_STRAT_MODULE_AUDIT:
		return "ebpf-audit";
	case VFC_STRAT_NOT_VFIO:
		return "not-vfio";
	}
	return "?";
}

void vfc_inspect_verdict(struct vfc_inspect *in)
{
	bool open = in->imports & VFC_IMP_ANY_OPEN, ioctl = in->imports & VFC_IMP_IOCTL;
	enum vfc_strategy s = VFC_STRAT_MOUNT_NS;
	const char *r;

	in->imports_open = in->imports & (VFC_IMP_OPEN | VFC_IMP_OPEN_2);
	in->imports_open64 = in->imports & VFC_IMP_OPEN64;
	in->imports_openat = in->imports & (VFC_IMP_OPENAT | VFC_IMP_OPENAT64);
	in->imports_ioctl = ioctl;
	/* The loader's AT_SECURE rule comes first: nothing else matters then. */
	if (in->setuid || in->setgid || in->file_caps) {
		s = VFC_STRAT_MODULE_AUDIT;
		r = in->file_caps && !in->setuid && !in->setgid
			? "it has file capabilities, so the loader ignores LD_PRELOAD (secure "
			  "execution), while the eBPF audit (vfiocompat audit) sees its ioctls"
		    : in->setuid
			? "it is setuid, so the loader ignores LD_PRELOAD (secure "
			  "execution), while the eBPF audit (vfiocompat audit) sees its ioctls"
			: "it is setgid, so the loader ignores LD_PRELOAD (secure "
			  "execution), while the eBPF audit (vfiocompat audit) sees its ioctls";
	} else if (!in->dynamic) {
		r = "it is statically linked, so LD_PRELOAD cannot reach its open and ioctl calls; "
		    "the eBPF audit (vfiocompat audit, which run --mount-ns attaches) reports its "
		    "ioctls";
	} else if (in->go) {
		r = "it is a Go program, whose runtime makes raw open and ioctl system calls that "
		    "LD_PRELOAD cannot reach, even when dynamically linked";
	} else if (!in->symbols_read) {
		r = "it is dynamically linked but has no dynamic symbol table to show that it "
		    "calls libc's open and ioctl";
	} else if (!open && !ioctl) {
		r = "it is dynamically linked but imports neither open nor ioctl from libc (raw "
		    "system calls), so LD_PRELOAD would see nothing";
	} else if (!ioctl) {
		r = "it imports open but not ioctl from libc, so the shim would not see its VFIO "
		    "ioctls (raw system calls)";
	} else if (!open) {
		r = "it imports ioctl but no open from libc, so the shim could not redirect its "
		    "open of the container";
	} else {
		s = VFC_STRAT_PRELOAD;
		r = "it is dynamically linked and imports open and ioctl from libc, which "
		    "LD_PRELOAD interposes";
	}
	in->if_vfio = s;
	in->if_vfio_reason = r;
	if (in->refs_vfio_container || in->refs_iommu || in->refs_vfio_any) {
		in->strategy = s;
		in->reason = r;
	} else {
		in->strategy = VFC_STRAT_NOT_VFIO;
		in->reason = in->scan_capped
				 ? "no reference to /dev/vfio or /dev/iommu in the "
				   "part of the file scanned (the scan stops at 256 MiB)"
				 : "no reference to /dev/vfio or /dev/iommu in its bytes";
	}
}
