/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shim's manager, one concern per file: init.c (start-up), real.c (the
 * real functions), settings.c (config, type1's limit),
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
#include "real.h"
#include "settings.h"

#define VFC_PUBLIC __attribute__((visibility("default")))

/* Parse the environment now if that was left for the constructor. */
void vfc_config_ensure(void);

static inline bool vfc_ready(void)
{
	extern _Atomic int vfc_init_state;
	return atomic_load_explicit(&vfc_init_state, memory_order_acquire) == 2 || vfc_init();
}

/* Open of a path that may be VFIO's (vfc_path_maybe_vfio said yes). */
int vfc_open_vfio(int dirfd, const char *path, int flags, mode_t mode);

/* Read caller memory through the kernel: false instead of a fault. */
bool vfc_safe_copy(void *dst, const void *src, size_t n);

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
