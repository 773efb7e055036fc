// SPDX-License-Identifier: GPL-2.0-only
/* The process's pid, cached; see pid.h. */
#include "pid.h"

#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The pid, asked of the kernel once per process (at start, and lazily in a
 * fork child): a seccomp-filtered program that never calls getpid itself must
 * not see the shim call it.
 */
static _Atomic pid_t cached_pid;

pid_t vfc_pid(void)
{
	pid_t p = atomic_load_explicit(&cached_pid, memory_order_relaxed);

	if (!p) {
		p = (pid_t)syscall(SYS_getpid);
		atomic_store_explicit(&cached_pid, p, memory_order_relaxed);
	}
	return p;
}

pid_t vfc_pid_cached(void)
{
	return atomic_load_explicit(&cached_pid, memory_order_relaxed);
}

void vfc_pid_forget(void)
{
	atomic_store(&cached_pid, 0);
}
