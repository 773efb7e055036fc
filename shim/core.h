/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shim's manager, one concern per file: init.c (real functions, config),
 * redirect.c (the open redirect and its permission probe), rlimit.c,
 * observe.c (ioctl observation), xlate.c (errno translation), fixup.c (the
 * GET_INFO fix-up), fds.c (descriptor bookkeeping). preload.c is only a face
 * over these functions.
 */
#ifndef VFC_CORE_H
#define VFC_CORE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "config.h"
#include "fdtable.h"

#define VFC_PUBLIC __attribute__((visibility("default")))

/* glibc's fortify entry points: declared here because <fcntl.h> may not. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int ioctl(int fd, unsigned long request, ...);
int fcntl64(int fd, int cmd, ...);

/* The next definition of each interposed function, resolved once. */
struct vfc_real_fns {
	__typeof__(open) *open;
	__typeof__(open64) *open64;
	__typeof__(openat) *openat;
	__typeof__(openat64) *openat64;
	__typeof__(__open_2) *open_2;
	__typeof__(__open64_2) *open64_2;
	__typeof__(__openat_2) *openat_2;
	__typeof__(__openat64_2) *openat64_2;
	__typeof__(close) *close;
	__typeof__(close_range) *close_range;
	__typeof__(dup) *dup;
	__typeof__(dup2) *dup2;
	__typeof__(dup3) *dup3;
	__typeof__(fcntl) *fcntl;
	__typeof__(fcntl64) *fcntl64;
	__typeof__(ioctl) *ioctl;
	__typeof__(mmap) *mmap;
	__typeof__(mmap64) *mmap64;
	__typeof__(munmap) *munmap;
};

extern struct vfc_real_fns vfc_real;
extern struct vfc_config vfc_cfg;

/* Parse the environment now if that was left for the constructor. */
void vfc_config_ensure(void);

/* Idempotent; returns true once the real functions and config are ready. */
bool vfc_init(void);

static inline bool vfc_ready(void)
{
	extern _Atomic int vfc_init_state;
	return atomic_load_explicit(&vfc_init_state, memory_order_acquire) == 2 || vfc_init();
}

/* Open of a path that may be VFIO's (vfc_path_maybe_vfio said yes). */
int vfc_open_vfio(int dirfd, const char *path, int flags, mode_t mode);

/* ioctl on an fd the table knows; `e` is its entry. */
int vfc_ioctl_tracked(int fd, uint32_t e, unsigned long request, void *arg);

/* The real ioctl (raw syscall before init); internals only. */
int vfc_real_ioctl_call(int fd, unsigned long request, void *arg);

/* Read caller memory through the kernel: false instead of a fault. */
bool vfc_safe_copy(void *dst, const void *src, size_t n);

/* type1's dma_entry_limit, read by the constructor. */
extern _Atomic uint32_t vfc_type1_limit;
uint32_t vfc_type1_limit_get(void); /* read now if the constructor has not yet */

/*
 * What this kernel's type1 answers to CHECK_EXTENSION(VFIO_TYPE1_NESTING_IOMMU):
 * 1 (type1 still has nesting: 6.12), 0 (7.3), or -1 not known. Asked once by
 * the constructor, only with VFIOCOMPAT_ERRNO=type1 (errmap.c's rules).
 */
extern _Atomic int vfc_type1_nesting;

/* rlimit.c: ask a redirected container for per-process memlock accounting. */
void vfc_set_rlimit_mode(int fd);

/* xlate.c: the ret the caller gets for a failed container ioctl (*errp updated). */
struct vfc_rec;
int vfc_errno_translate(const struct vfc_rec *r, uint32_t e, unsigned long request, int ret,
			int *errp);

/* fixup.c: a redirected container with groups but no device open yet. */
bool vfc_fixup_no_domain_yet(int fd);
/* fixup.c: rewrite a successful early GET_INFO answer in `arg`. */
struct vfc_probe;
void vfc_fixup_get_info(int fd, void *arg, uint32_t caller_argsz, const struct vfc_probe *probe);

/* inherit.c: track the VFIO fds this process started with (constructor). */
void vfc_adopt_inherited(void);

/* fds.c: the fd table's bookkeeping (see there). */
void vfc_fd_track(int fd, uint32_t e);		  /* a new tracked fd: entry and identity */
uint32_t vfc_fd_check(int fd, uint32_t e);	  /* e if still the same open file, else 0 */
uint32_t vfc_fd_get_checked(int fd);		  /* vfc_fd_get() then vfc_fd_check() */
void vfc_fd_copied(int from, uint32_t e, int to); /* dup*: `to` now holds what `from` held */
void vfc_fd_close(int fd);			  /* before the real close */
void vfc_fd_closing(int fd, uint32_t e);	  /* an entry was dropped: undo what it meant */
void vfc_fds_closed(unsigned first, unsigned last);
void vfc_fds_forked(void); /* fork child: the table is now this process's */
bool vfc_in_vfork_child(void);

#endif
