// SPDX-License-Identifier: GPL-2.0-only
/*
 * Initialisation and configuration: the real libc functions resolved once,
 * the environment read once, and what must be read before main (type1's
 * dma_entry_limit, the pid) so a seccomp-filtered VMM sees no late syscall.
 */
#include "core.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "fmt.h"
#include "report.h"
#include "sysfs.h"
#include "target.h"

struct vfc_real_fns vfc_real;
struct vfc_config vfc_cfg;
_Atomic int vfc_init_state; /* 0 none, 1 running, 2 done */
/* The hot-path copy of vfc_real.ioctl, read by preload_ioctl.c. */
__typeof__(ioctl) *_Atomic vfc_real_ioctl;

static void *lookup(const char *name, bool required)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p && required) {
		struct vfc_fmt f;

		vfc_fmt_init(&f);
		vfc_fmt_str(&f, "vfiocompat: libc has no ");
		vfc_fmt_str(&f, name);
		vfc_fmt_str(&f, "; calls to it will fail with ENOSYS");
		vfc_warn(f.buf);
	}
	return p;
}

static const char *env_get(const char *name)
{
	return secure_getenv(name);
}

static _Atomic int config_parsed;

static void parse_config_once(void)
{
	if (!atomic_exchange(&config_parsed, 1)) {
		vfc_config_parse(&vfc_cfg, env_get, vfc_warn);
		vfc_config_prefer_module(&vfc_cfg, env_get, vfc_is_char_node);
	}
}

/*
 * A VFIO open before our constructor ran, by a DT_NEEDED library's
 * constructor, after an initialisation that came too early for the
 * environment (a sanitizer runtime's own start-up): read the config now.
 */
void vfc_config_ensure(void)
{
	if (!atomic_load(&config_parsed) && environ)
		parse_config_once();
}

static void after_fork_child(void)
{
	vfc_fds_forked();
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
#define LOOKUP(field, sym, required)                                                               \
	vfc_real.field = (__typeof__(vfc_real.field))lookup(sym, required)
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
	LOOKUP(ioctl, "ioctl", true);
	atomic_store_explicit(&vfc_real_ioctl, vfc_real.ioctl, memory_order_release);
	LOOKUP(mmap, "mmap", true);
	LOOKUP(mmap64, "mmap64", true);
	LOOKUP(munmap, "munmap", true);
#undef LOOKUP

	/* Called before libc set up the environment (a sanitizer's own start-up
	 * opening files, say)? Keep defaults; the constructor reads it later. */
	if (environ)
		parse_config_once();
	pthread_atfork(NULL, NULL, after_fork_child);
	atexit(on_exit_report);
	atomic_store_explicit(&vfc_init_state, 2, memory_order_release);
	initialising = 0;
	errno = saved;
	return true;
}

/* type1's dma_entry_limit, read at start (see vfc_ctor). */
_Atomic uint32_t vfc_type1_limit;

/*
 * A container opened before our constructor ran (from a DT_NEEDED library's
 * constructor, which the loader runs first) reads the limit there and then:
 * still before main, so still before any seccomp filter.
 */
uint32_t vfc_type1_limit_get(void)
{
	uint32_t v = atomic_load(&vfc_type1_limit);

	if (!v) {
		int saved = errno;
		v = vfc_type1_dma_entry_limit();
		atomic_store(&vfc_type1_limit, v);
		errno = saved;
	}
	return v;
}

__attribute__((constructor)) static void vfc_ctor(void)
{
	vfc_init();
	parse_config_once();
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
		vfc_adopt_inherited();
		errno = saved;
	}
}
