// SPDX-License-Identifier: GPL-2.0-only
/* The real libc functions; see real.h. */
#include "real.h"

#include <dlfcn.h>
#include <sys/syscall.h>

#include "fmt.h"

struct vfc_real_fns vfc_real;
vfc_ioctl_fn *_Atomic vfc_real_ioctl;

static void *lookup(const char *name, bool required, void (*warn)(const char *line))
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p && required) {
		struct vfc_fmt f;

		vfc_fmt_init(&f);
		vfc_fmt_str(&f, "vfiocompat: libc has no ");
		vfc_fmt_str(&f, name);
		vfc_fmt_str(&f, "; calls to it will fail with ENOSYS");
		warn(f.buf);
	}
	return p;
}

void vfc_real_resolve(void (*warn)(const char *line))
{
#define LOOKUP(field, sym, required)                                                               \
	vfc_real.field = (__typeof__(vfc_real.field))lookup(sym, required, warn)
	LOOKUP(open, "open", true);
	LOOKUP(open64, "open64", true);
	LOOKUP(openat, "openat", true);
	LOOKUP(openat64, "openat64", true);
	LOOKUP(open_2, "__open_2", true);
	LOOKUP(open64_2, "__open64_2", true);
	LOOKUP(openat_2, "__openat_2", true);
	LOOKUP(openat64_2, "__openat64_2", true);
	LOOKUP(close, "close", true);
	LOOKUP(close_range, "close_range", false); /* glibc >= 2.34 */
	LOOKUP(dup, "dup", true);
	LOOKUP(dup2, "dup2", true);
	LOOKUP(dup3, "dup3", true);
	LOOKUP(fcntl, "fcntl", true);
	LOOKUP(fcntl64, "fcntl64", false); /* glibc >= 2.28 */
	/* The ioctl pointer is the hot path's too: published once, with release. */
	atomic_store_explicit(&vfc_real_ioctl, (vfc_ioctl_fn *)lookup("ioctl", true, warn),
			      memory_order_release);
	LOOKUP(mmap, "mmap", true);
	LOOKUP(mmap64, "mmap64", true);
	LOOKUP(munmap, "munmap", true);
#undef LOOKUP
}

/*
 * The one way the shim calls the real ioctl: libc's, once resolved (the hot
 * face in interpose/preload_ioctl.c inlines this load), else the system call
 * itself (before vfc_init, or with a libc that has none).
 */
int vfc_real_ioctl_call(int fd, unsigned long request, void *arg)
{
	vfc_ioctl_fn *real = atomic_load_explicit(&vfc_real_ioctl, memory_order_acquire);

	if (real)
		return real(fd, request, arg);
	return (int)syscall(SYS_ioctl, fd, request, arg);
}
