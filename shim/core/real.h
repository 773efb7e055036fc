/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real libc functions: the next definition of each function the shim
 * interposes, resolved once, and the only way the shim calls them (ioctl:
 * vfc_real_ioctl_call, declared in hotpath.h for the hot face).
 */
#ifndef VFC_REAL_H
#define VFC_REAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "hotpath.h"

/* glibc's fortify entry points: declared here because <fcntl.h> may not. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int ioctl(int fd, unsigned long request, ...);
int fcntl64(int fd, int cmd, ...);

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
	__typeof__(mmap) *mmap;
	__typeof__(mmap64) *mmap64;
	__typeof__(munmap) *munmap;
};

extern struct vfc_real_fns vfc_real;

/*
 * Resolve every function (dlsym RTLD_NEXT), once, from vfc_init(). A missing
 * required one is said through `warn` in one line; its wrapper then fails
 * with ENOSYS.
 */
void vfc_real_resolve(void (*warn)(const char *line));

/* The real ioctl is vfc_real_ioctl_call (hotpath.h): the only way to call it. */

#endif
