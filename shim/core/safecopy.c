// SPDX-License-Identifier: GPL-2.0-only
/* Reading the caller's memory through the kernel; see safecopy.h. */
#include "safecopy.h"

#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pid.h"

/*
 * The kernel answers EFAULT both for a bad argument pointer and for memory
 * it cannot pin (a BAR mmap under iommufd). Read the struct through the
 * kernel then, so a bad pointer can never fault inside the host process.
 */
bool vfc_safe_copy(void *dst, const void *src, size_t n)
{
	struct iovec local = {dst, n}, remote = {(void *)src, n};

	return syscall(SYS_process_vm_readv, vfc_pid(), &local, 1, &remote, 1, 0) == (ssize_t)n;
}
