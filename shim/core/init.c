// SPDX-License-Identifier: GPL-2.0-only
/*
 * Initialisation and configuration: the real libc functions resolved once,
 * the environment read once, and what must be read before main (type1's
 * dma_entry_limit, the pid) so a seccomp-filtered VMM sees no late syscall.
 */
#include "fds.h"
#include "init.h"
#include "real.h"
#include "settings.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fmt.h"
#include "identity.h"
#include "pid.h"
#include "report.h"
#include "real.h"
#include "settings.h"
#include "sysfs.h"

_Atomic int vfc_init_state; /* 0 none, 1 running, 2 done */

/*
 * A VFIO open before our constructor ran, by a DT_NEEDED library's
 * constructor, after an initialisation that came too early for the
 * environment (a sanitizer runtime's own start-up): read the config now.
 */
void vfc_config_ensure(void)
{
	if (!vfc_settings_were_read() && environ)
		vfc_settings_read(vfc_warn);
}

/* The fork child: the fd table becomes this process's, the pid and the report its own. */
static void after_fork_child(void)
{
	vfc_fds_forked();
	vfc_pid_forget();
	vfc_report_forked();
}

static void on_exit_report(void)
{
	vfc_report_exit();
}

/* This thread is inside vfc_init (its own calls, or a signal handler's). */
static __thread int initialising __attribute__((tls_model("initial-exec")));

/*
 * Another thread is initialising: wait for it, so this call is redirected
 * and finds the real functions. Bounded: if we hold a lock the initialiser
 * needs (the loader's, inside a constructor dlopen runs), the caller goes
 * to the kernel directly instead of waiting for ever.
 */
static bool wait_for_init(void)
{
	for (int i = 0; i < 20000; i++) {
		if (atomic_load_explicit(&vfc_init_state, memory_order_acquire) == 2)
			return true;
		syscall(SYS_sched_yield);
	}
	return atomic_load_explicit(&vfc_init_state, memory_order_acquire) == 2;
}

bool vfc_init(void)
{
	int expected = 0;

	if (!atomic_compare_exchange_strong(&vfc_init_state, &expected, 1)) {
		if (expected == 2)
			return true;
		return !initialising && wait_for_init();
	}
	int saved = errno;

	initialising = 1;
	vfc_report_note_stderr();
	vfc_real_resolve(vfc_warn);

	/* Called before libc set up the environment (a sanitizer's own start-up
	 * opening files, say)? Keep defaults; the constructor reads it later. */
	if (environ)
		vfc_settings_read(vfc_warn);
	pthread_atfork(NULL, NULL, after_fork_child);
	atexit(on_exit_report);
	atomic_store_explicit(&vfc_init_state, 2, memory_order_release);
	initialising = 0;
	errno = saved;
	return true;
}

/*
 * Ask the real type1 container whether it still offers TYPE1_NESTING: a
 * container with no group holds nothing and changes nothing. A raw open and
 * the real ioctl, so our own open and ioctl wrappers never see it; errno is
 * the caller's to keep. -1 when there is no type1 container to ask.
 */
static int type1_nesting_probe(void)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	long ret = vfc_real_ioctl_call(fd, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1_NESTING_IOMMU);
	syscall(SYS_close, fd);
	return ret < 0 ? -1 : ret > 0;
}

__attribute__((constructor)) static void vfc_ctor(void)
{
	vfc_init();
	vfc_settings_read(vfc_warn);
	/*
	 * Read here, before main, rather than at the first container open: a VMM
	 * that installs a seccomp allow-list in main must see no syscall from the
	 * shim that it does not make itself (docs/hardening.md). The pid too,
	 * and the rest of the process's identity (start time, boot id).
	 */
	if (vfc_cfg.mode != VFC_MODE_OFF) {
		int saved = errno;
		atomic_store(&vfc_type1_limit, vfc_type1_dma_entry_limit());
		vfc_pid();
		vfc_report_read_identity();
		/* Only the errno table depends on it (errmap.c): asked only for it. */
		if (vfc_cfg.mode == VFC_MODE_REDIRECT && vfc_cfg.errno_type1)
			atomic_store(&vfc_type1_nesting, type1_nesting_probe());
		vfc_adopt_inherited();
		errno = saved;
	}
}
