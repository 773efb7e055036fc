/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `vfiocompat inspect` learns from a binary, and the trial strategy it
 * implies. vfc_inspect_path() reads the file with libelf; it never trusts the
 * file: truncated, non-ELF, foreign-class or huge input gives an error string.
 */
#ifndef VFC_INSPECT_H
#define VFC_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

/* How to trial the binary, best first. */
enum vfc_strategy {
	VFC_STRAT_PRELOAD,	/* dynamic, imports open/ioctl from libc: LD_PRELOAD works */
	VFC_STRAT_MOUNT_NS,	/* static or raw syscalls: bind the target over /dev/vfio/vfio */
	VFC_STRAT_MODULE_AUDIT, /* LD_PRELOAD is ignored (setuid, caps): use the module's audit */
	VFC_STRAT_NOT_VFIO,	/* no sign it opens the VFIO container */
};

struct vfc_inspect {
	bool is_elf;
	bool dynamic;	     /* has PT_INTERP / DT_NEEDED */
	int elf_class;	     /* 32 or 64 */
	char interp[256];    /* PT_INTERP, "" when static */
	bool setuid, setgid; /* file mode bits */
	bool file_caps;	     /* security.capability xattr present */
	bool imports_open, imports_openat, imports_open64, imports_ioctl;
	bool refs_vfio_container; /* "/dev/vfio/vfio" in the file */
	bool refs_iommu;	  /* "/dev/iommu" in the file */
	bool refs_vfio_any;	  /* "/dev/vfio" or "vfio" ioctl names */
	bool go;		  /* Go build info present */
	char go_version[64];
	bool rust, musl; /* hints */
	enum vfc_strategy strategy;
	const char *reason; /* one sentence: why this strategy */
};

/* 0 on success; -1 with a one-line reason in err (naming the problem and what to do). */
int vfc_inspect_path(const char *path, struct vfc_inspect *out, char *err, size_t errlen);

const char *vfc_strategy_name(enum vfc_strategy s);

#endif
