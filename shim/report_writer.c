// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report writer: records to VFIOCOMPAT_LOG, the summary and warnings to
 * stderr. Async-signal-safe (raw syscalls, no stdio, no malloc); errno kept.
 * The records themselves are formatted by report.c, which does no I/O.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core.h"
#include "errmap.h"

static _Atomic int start_written;
static _Atomic int log_warned;

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

/* False with errno set when not all of it was written (ENOSPC on a full disk). */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = syscall(SYS_write, fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * A process started with fd 2 closed gets its own files there later: writing
 * our lines to fd 2 would then corrupt one of them. So stderr is used only if
 * it was open when the shim started, and never when fd 2 has become one of
 * the fds the shim tracks (a container opened while stderr was closed).
 */
static _Atomic int stderr_open_at_start = 1;

void vfc_report_note_stderr(void)
{
	atomic_store(&stderr_open_at_start, syscall(SYS_fcntl, STDERR_FILENO, F_GETFD) >= 0);
}

static void write_stderr(const char *buf, size_t len)
{
	if (!atomic_load(&stderr_open_at_start) || vfc_fd_get(STDERR_FILENO))
		return;
	write_all(STDERR_FILENO, buf, len);
}

void vfc_warn(const char *line)
{
	int saved = errno;
	struct vfc_fmt f;

	vfc_fmt_init(&f);
	vfc_fmt_str(&f, line);
	vfc_fmt_str(&f, "\n");
	write_stderr(f.buf, f.len);
	errno = saved;
}

void vfc_report_line(const struct vfc_fmt *f)
{
	char path[PATH_MAX];
	int saved = errno;

	if (!vfc_cfg.log[0])
		return;
	if (!vfc_log_path(vfc_cfg.log, vfc_pid(), program_invocation_short_name, path,
			  sizeof(path))) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	/*
	 * Opened per record, never held: the VMM may close or reuse any fd.
	 * O_NOFOLLOW: a symlink planted in a shared directory is not followed.
	 */
	int fd =
	    (int)syscall(SYS_openat, AT_FDCWD, path,
			 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto fail;
	/* A full or failing file system loses records: say so, once. */
	bool written = write_all(fd, f->buf, f->len);
	int err = errno;
	syscall(SYS_close, fd);
	if (!written) {
		errno = err;
		goto fail;
	}
	errno = saved;
	return;
fail:
	if (!atomic_exchange(&log_warned, 1)) {
		struct vfc_fmt w;
		const char *name = vfc_errno_name(errno);

		vfc_fmt_init(&w);
		vfc_fmt_str(&w, "vfiocompat: cannot write the report to ");
		vfc_fmt_str(&w, vfc_cfg.log);
		vfc_fmt_str(&w, " (");
		vfc_fmt_str(&w, name ? name : "error");
		vfc_fmt_str(&w, "); set VFIOCOMPAT_LOG to a writable file");
		vfc_warn(w.buf);
	}
	errno = saved;
}

void vfc_report_start_once(void)
{
	struct vfc_fmt f;

	atomic_store(&vfc_stats.used, 1);
	if (atomic_exchange(&start_written, 1))
		return;
	vfc_fmt_start(&f, &vfc_cfg, vfc_pid(), program_invocation_short_name);
	vfc_report_line(&f);
}

void vfc_report_exit(void)
{
	struct vfc_fmt f;

	if (!atomic_load(&vfc_stats.used))
		return;
	if (vfc_cfg.log[0]) {
		vfc_fmt_summary(&f, &vfc_stats, vfc_cfg.mode, vfc_pid(),
				program_invocation_short_name);
		vfc_report_line(&f);
	} else {
		vfc_fmt_summary_line(&f, &vfc_stats, vfc_cfg.mode, vfc_pid(),
				     program_invocation_short_name);
		write_stderr(f.buf, f.len);
	}
}

void vfc_report_forked(void)
{
	/* The child starts its own report; inherited fds stay tracked. */
	atomic_store(&cached_pid, 0);
	atomic_store(&start_written, 0);
	atomic_store(&log_warned, 0);
	vfc_stats_reset(&vfc_stats);
}
