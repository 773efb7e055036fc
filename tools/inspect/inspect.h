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
#include <stdint.h>

/* How to trial the binary, best first. */
enum vfc_strategy {
	VFC_STRAT_PRELOAD,	/* dynamic, imports open/ioctl from libc: LD_PRELOAD works */
	VFC_STRAT_MOUNT_NS,	/* static or raw syscalls: bind the target over /dev/vfio/vfio */
	VFC_STRAT_MODULE_AUDIT, /* LD_PRELOAD is ignored (setuid, caps): use the eBPF audit */
	VFC_STRAT_NOT_VFIO,	/* no sign it opens the VFIO container */
};

/* libc entry points the shim interposes, as bits of vfc_inspect.imports. */
enum vfc_import {
	VFC_IMP_OPEN = 1u << 0,
	VFC_IMP_OPEN64 = 1u << 1,
	VFC_IMP_OPENAT = 1u << 2,
	VFC_IMP_OPENAT64 = 1u << 3,
	VFC_IMP_OPEN_2 = 1u << 4, /* __open_2, __open64_2, __openat_2, __openat64_2 (fortify) */
	VFC_IMP_IOCTL = 1u << 5,
	VFC_IMP_NBITS = 6,
};
#define VFC_IMP_ANY_OPEN                                                                           \
	(VFC_IMP_OPEN | VFC_IMP_OPEN64 | VFC_IMP_OPENAT | VFC_IMP_OPENAT64 | VFC_IMP_OPEN_2)

/* DT_NEEDED entries kept, and the longest name or search path kept. */
#define VFC_INSPECT_MAX_NEEDED 64
#define VFC_INSPECT_NAME_MAX   128
#define VFC_INSPECT_PATH_MAX   1024

/* The string scan stops after this many bytes (vfc_inspect.scan_capped says so). */
#define VFC_INSPECT_SCAN_CAP (256ull << 20)

struct vfc_inspect {
	bool is_elf;
	bool dynamic;	     /* has PT_INTERP / DT_NEEDED */
	bool static_pie;     /* ET_DYN with PT_DYNAMIC but no interpreter nor DT_NEEDED */
	int elf_class;	     /* 32 or 64 */
	char interp[256];    /* PT_INTERP, "" when static; non-printable bytes as '?' */
	bool setuid, setgid; /* file mode bits */
	bool file_caps;	     /* security.capability xattr present */
	bool imports_open, imports_openat, imports_open64, imports_ioctl;
	unsigned imports;	  /* enum vfc_import bits, undefined symbols of .dynsym */
	unsigned defines;	  /* enum vfc_import bits, defined (exported) symbols */
	bool symbols_read;	  /* a dynamic symbol table was found and read */
	bool refs_vfio_container; /* "/dev/vfio/vfio" in the file */
	bool refs_iommu;	  /* "/dev/iommu" in the file */
	bool refs_vfio_any;	  /* "/dev/vfio" (e.g. "/dev/vfio/%d") in the file */
	bool go;		  /* Go build info present */
	char go_version[64];	  /* "" when the build info could not be decoded */
	bool rust, musl;	  /* hints */
	/* DT_NEEDED names in order, DT_RUNPATH and DT_RPATH ("" when absent). */
	char needed[VFC_INSPECT_MAX_NEEDED][VFC_INSPECT_NAME_MAX];
	unsigned nneeded;
	bool needed_capped; /* more DT_NEEDED entries than kept */
	char runpath[VFC_INSPECT_PATH_MAX], rpath[VFC_INSPECT_PATH_MAX];
	uint64_t file_size;
	uint64_t scanned; /* bytes the string scan covered */
	bool scan_capped; /* file larger than VFC_INSPECT_SCAN_CAP */
	enum vfc_strategy strategy;
	const char *reason; /* one sentence: why this strategy */
	/* The strategy a VFIO user built like this would need (== strategy unless NOT_VFIO). */
	enum vfc_strategy if_vfio;
	const char *if_vfio_reason;
};

/* 0 on success; -1 with a one-line reason in err (naming the problem and what to do). */
int vfc_inspect_path(const char *path, struct vfc_inspect *out, char *err, size_t errlen);

/*
 * The same on an in-memory image (no file mode nor xattr: never secure-exec).
 * The image is copied, never written; used by the unit tests and the fuzzer.
 */
int vfc_inspect_mem(const void *buf, size_t len, struct vfc_inspect *out, char *err, size_t errlen);

/* Fill strategy, reason, if_vfio and if_vfio_reason from the other fields. */
void vfc_inspect_verdict(struct vfc_inspect *in);

/* "preload works", "use --mount-ns", "use the eBPF audit", "not a VFIO user". */
const char *vfc_strategy_name(enum vfc_strategy s);
/* Stable keys for JSON: "preload", "mount-ns", "ebpf-audit", "not-vfio". */
const char *vfc_strategy_key(enum vfc_strategy s);
/* Name of one enum vfc_import bit ("open", "__open_2"...), NULL for others. */
const char *vfc_import_name(unsigned bit);

#endif
