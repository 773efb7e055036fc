// SPDX-License-Identifier: GPL-2.0-only
/*
 * The preload face: the only exported symbols. Each wrapper decides in a
 * few instructions whether the call is VFIO's; if not, it tail-calls the
 * real function. Everything else lives in the manager: core/, open/, ioctl/.
 */
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>

#include "bar.h"
#include "classify.h"
#include "fds.h"
#include "init.h"
#include "open.h"
#include "real.h"

/*
 * The real function, read only after vfc_ready()'s acquire load saw the
 * table complete; while this thread is itself initialising the shim (or
 * another thread takes too long), the call goes straight to the kernel:
 * never a spurious ENOSYS. `raw` is that system call.
 */
#define NEED(fn, raw)                                                                              \
	do {                                                                                       \
		if (__builtin_expect(!vfc_ready() || !vfc_real.fn, 0))                             \
			return (int)(raw);                                                         \
	} while (0)

#define NEED_OPEN(fn, dirfd, path, flags, mode)                                                    \
	NEED(fn, syscall(SYS_openat, dirfd, path, flags, mode))

/* dup2 as a system call: aarch64 has only dup3, which refuses fd == newfd. */
static long raw_dup2(int fd, int newfd)
{
#ifdef SYS_dup2
	return syscall(SYS_dup2, fd, newfd);
#else
	if (fd == newfd)
		return syscall(SYS_fcntl, fd, F_GETFD) < 0 ? -1 : fd;
	return syscall(SYS_dup3, fd, newfd, 0);
#endif
}

/*
 * The open family is defined with a plain mode argument instead of `...`
 * (the C names differ from the header's prototypes; the symbols are libc's):
 * on the Linux ABIs glibc supports (x86-64 SysV, AAPCS64) a variadic caller
 * passes the mode in the same register, and skipping va_start spares the
 * register save area on every foreign open. The register holds garbage when
 * there is no mode: it is read only when __OPEN_NEEDS_MODE says one exists.
 */
VFC_PUBLIC int vfc_open(const char *path, int flags, mode_t mode) __asm__("open");
int vfc_open(const char *path, int flags, mode_t mode)
{
	mode = vfc_needs_mode(flags) ? mode : 0;
	if (vfc_path_maybe_vfio(path))
		return vfc_open_vfio(AT_FDCWD, path, flags, mode);
	NEED_OPEN(open, AT_FDCWD, path, flags, mode);
	return vfc_real.open(path, flags, mode);
}

VFC_PUBLIC int vfc_open64(const char *path, int flags, mode_t mode) __asm__("open64");
int vfc_open64(const char *path, int flags, mode_t mode)
{
	mode = vfc_needs_mode(flags) ? mode : 0;
	if (vfc_path_maybe_vfio(path))
		return vfc_open_vfio(AT_FDCWD, path, flags, mode);
	NEED_OPEN(open64, AT_FDCWD, path, flags, mode);
	return vfc_real.open64(path, flags, mode);
}

VFC_PUBLIC int vfc_openat(int dirfd, const char *path, int flags, mode_t mode) __asm__("openat");
int vfc_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	mode = vfc_needs_mode(flags) ? mode : 0;
	if (vfc_path_maybe_vfio(path))
		return vfc_open_vfio(dirfd, path, flags, mode);
	NEED_OPEN(openat, dirfd, path, flags, mode);
	return vfc_real.openat(dirfd, path, flags, mode);
}

VFC_PUBLIC int vfc_openat64(int dirfd, const char *path, int flags,
			    mode_t mode) __asm__("openat64");
int vfc_openat64(int dirfd, const char *path, int flags, mode_t mode)
{
	mode = vfc_needs_mode(flags) ? mode : 0;
	if (vfc_path_maybe_vfio(path))
		return vfc_open_vfio(dirfd, path, flags, mode);
	NEED_OPEN(openat64, dirfd, path, flags, mode);
	return vfc_real.openat64(dirfd, path, flags, mode);
}

/* _FORTIFY_SOURCE turns open() without a constant mode into these. */
VFC_PUBLIC int __open_2(const char *path, int flags)
{
	if (vfc_path_maybe_vfio(path) && !vfc_needs_mode(flags))
		return vfc_open_vfio(AT_FDCWD, path, flags, 0);
	NEED_OPEN(open_2, AT_FDCWD, path, flags, 0);
	return vfc_real.open_2(path, flags);
}

VFC_PUBLIC int __open64_2(const char *path, int flags)
{
	if (vfc_path_maybe_vfio(path) && !vfc_needs_mode(flags))
		return vfc_open_vfio(AT_FDCWD, path, flags, 0);
	NEED_OPEN(open64_2, AT_FDCWD, path, flags, 0);
	return vfc_real.open64_2(path, flags);
}

VFC_PUBLIC int __openat_2(int dirfd, const char *path, int flags)
{
	if (vfc_path_maybe_vfio(path) && !vfc_needs_mode(flags))
		return vfc_open_vfio(dirfd, path, flags, 0);
	NEED_OPEN(openat_2, dirfd, path, flags, 0);
	return vfc_real.openat_2(dirfd, path, flags);
}

VFC_PUBLIC int __openat64_2(int dirfd, const char *path, int flags)
{
	if (vfc_path_maybe_vfio(path) && !vfc_needs_mode(flags))
		return vfc_open_vfio(dirfd, path, flags, 0);
	NEED_OPEN(openat64_2, dirfd, path, flags, 0);
	return vfc_real.openat64_2(dirfd, path, flags);
}

VFC_PUBLIC int close(int fd)
{
	if (__builtin_expect(vfc_fd_get(fd) != 0, 0))
		vfc_fd_close(fd);
	NEED(close, syscall(SYS_close, fd));
	return vfc_real.close(fd);
}

VFC_PUBLIC int close_range(unsigned first, unsigned last, int flags)
{
	NEED(close_range, syscall(SYS_close_range, first, last, flags));
	/*
	 * Drop the entries first, as close() does: once the kernel has closed the
	 * range, another thread may open the container at one of its numbers, and
	 * clearing afterwards would forget that fd. Only calls the kernel will not
	 * refuse outright (EINVAL) clear anything. CLOSE_RANGE_UNSHARE gives the
	 * calling thread a private copy of the fd table first and closes in that
	 * copy: the other threads' fds stay open, so their entries stay too (if
	 * the table was not shared, the identity check drops a reused number).
	 */
	if (first <= last && !(flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) &&
	    !(flags & (CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)))
		vfc_fds_closed(first, last);
	return vfc_real.close_range(first, last, flags);
}

VFC_PUBLIC int dup(int fd)
{
	NEED(dup, syscall(SYS_dup, fd));
	uint32_t e = vfc_fd_get_checked(fd);
	int ret = vfc_real.dup(fd);
	if (ret >= 0)
		vfc_fd_copied(fd, e, ret); /* a copy is ours exactly when the original was */
	return ret;
}

VFC_PUBLIC int dup2(int fd, int newfd)
{
	NEED(dup2, raw_dup2(fd, newfd));
	uint32_t e = vfc_fd_get_checked(fd);
	int ret = vfc_real.dup2(fd, newfd);
	if (ret >= 0 && ret != fd)
		vfc_fd_copied(fd, e, ret);
	return ret;
}

VFC_PUBLIC int dup3(int fd, int newfd, int flags)
{
	NEED(dup3, syscall(SYS_dup3, fd, newfd, flags));
	uint32_t e = vfc_fd_get_checked(fd);
	int ret = vfc_real.dup3(fd, newfd, flags);
	if (ret >= 0)
		vfc_fd_copied(fd, e, ret);
	return ret;
}

static int do_fcntl(__typeof__(fcntl) *real, int fd, int cmd, void *arg)
{
	bool dup = cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC;
	uint32_t e = dup ? vfc_fd_get_checked(fd) : 0;
	int ret = real(fd, cmd, arg);
	if (ret >= 0 && dup)
		vfc_fd_copied(fd, e, ret);
	return ret;
}

VFC_PUBLIC int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	NEED(fcntl, syscall(SYS_fcntl, fd, cmd, arg));
	return do_fcntl(vfc_real.fcntl, fd, cmd, arg);
}

VFC_PUBLIC int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	NEED(fcntl64, syscall(SYS_fcntl, fd, cmd, arg));
	return do_fcntl(vfc_real.fcntl64, fd, cmd, arg);
}

/* A mapping of a device fd is a BAR: remember it for P2P detection. */
static void *track_bar(void *p, size_t len, int fd)
{
	uint32_t e = vfc_fd_get(fd);
	if (__builtin_expect(e != 0, 0) && p != MAP_FAILED &&
	    VFC_FD_KIND(vfc_fd_check(fd, e)) == VFC_FD_DEVICE)
		vfc_bar_add((uintptr_t)p, len);
	return p;
}

VFC_PUBLIC void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (__builtin_expect(!vfc_ready() || !vfc_real.mmap, 0))
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	return track_bar(vfc_real.mmap(addr, len, prot, flags, fd, off), len, fd);
}

VFC_PUBLIC void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	if (__builtin_expect(!vfc_ready() || !vfc_real.mmap64, 0))
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	return track_bar(vfc_real.mmap64(addr, len, prot, flags, fd, off), len, fd);
}

VFC_PUBLIC int munmap(void *addr, size_t len)
{
	if (__builtin_expect(!vfc_ready() || !vfc_real.munmap, 0))
		return (int)syscall(SYS_munmap, addr, len);
	int ret = vfc_real.munmap(addr, len);
	if (ret == 0)
		vfc_bar_remove((uintptr_t)addr, len);
	return ret;
}
