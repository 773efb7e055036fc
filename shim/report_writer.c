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
#include "migobs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
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
 * Identity of an open file (device, inode, rdev, type), by fstat; a closed
 * fd has none. How the writer knows fd 2 and its own log fd are still the
 * files it saw, whatever the program did with those numbers since.
 */
static uint64_t file_ident(int fd, struct stat *out)
{
	struct stat st;
	int saved = errno;
	long r = syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH);

	errno = saved;
	if (r < 0)
		return 0;
	if (out)
		*out = st;
	uint64_t h = (uint64_t)st.st_ino * 0x9e3779b97f4a7c15ull;
	h ^= (uint64_t)st.st_dev + ((uint64_t)st.st_rdev << 24) + (uint64_t)(st.st_mode & S_IFMT);
	return h ? h : 1;
}

/*
 * stderr is written only while fd 2 is the file it was when the shim
 * started: a process started with fd 2 closed, or one that closed it and
 * opened a data file there, must not get our lines in that file. Nor when
 * fd 2 has become one of the fds the shim tracks.
 */
static _Atomic uint64_t stderr_ident;

void vfc_report_note_stderr(void)
{
	atomic_store(&stderr_ident, file_ident(STDERR_FILENO, NULL));
}

static void write_stderr(const char *buf, size_t len)
{
	uint64_t want = atomic_load(&stderr_ident);

	if (!want || vfc_fd_get(STDERR_FILENO) || file_ident(STDERR_FILENO, NULL) != want)
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

/*
 * The log: one fd, opened at the first record and held (close-on-exec, moved
 * above the low numbers programs expect), so records survive a privilege
 * drop (QEMU's -run-with user=). A new file is created O_EXCL, mode 0600; an
 * existing one is taken only if it is a regular file with one link owned by
 * this process's user, so nobody can pre-create a predictable path with a
 * forged summary for root to append to. O_NOFOLLOW: no planted symlink.
 * If the program closed or reused the fd behind our back, the identity check
 * before each write sees it and the file is opened again by its path.
 */
enum { LOG_NONE, LOG_OPENING, LOG_OPEN, LOG_REFUSED };
static _Atomic int log_state;
static _Atomic int log_fd = -1;
static _Atomic uint64_t log_ident;
static char log_path[PATH_MAX]; /* written only by the thread that set LOG_OPENING */

/* Why the log was refused, for the one warning. */
static void refuse_log(const char *why, const struct stat *st)
{
	struct vfc_fmt w;

	atomic_store(&log_state, LOG_REFUSED);
	if (atomic_exchange(&log_warned, 1))
		return;
	vfc_fmt_init(&w);
	vfc_fmt_str(&w, "vfiocompat: report file ");
	vfc_fmt_str(&w, log_path);
	vfc_fmt_str(&w, why);
	if (st) {
		vfc_fmt_u64(&w, st->st_uid);
		vfc_fmt_str(&w, ", not this process's uid ");
		vfc_fmt_u64(&w, (uint64_t)syscall(SYS_geteuid));
	}
	vfc_fmt_str(&w, ": nothing written to it; remove it or set VFIOCOMPAT_LOG to a path of "
			"your own");
	vfc_warn(w.buf);
}

/* Open log_path; the fd, or -1 with errno (-2: refused, already warned). */
static int open_log_file(void)
{
	const int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
	struct stat st;
	bool created = true;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, log_path, flags | O_CREAT | O_EXCL, 0600);

	if (fd < 0 && errno == EEXIST) {
		created = false;
		fd = (int)syscall(SYS_openat, AT_FDCWD, log_path, flags);
	}
	if (fd < 0)
		return -1;
	uint64_t id = file_ident(fd, &st);
	if (!created) {
		const char *why = !S_ISREG(st.st_mode) ? " is not a regular file"
				  : st.st_nlink != 1   ? " has more than one link"
				  : st.st_uid != (uid_t)syscall(SYS_geteuid) ? " is owned by uid "
									     : NULL;
		if (why) {
			syscall(SYS_close, fd);
			refuse_log(why, st.st_uid != (uid_t)syscall(SYS_geteuid) &&
						S_ISREG(st.st_mode) && st.st_nlink == 1
					    ? &st
					    : NULL);
			return -2;
		}
	}
	/* Out of the way of the low numbers a program assumes it gets next. */
	int high = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 100);
	if (high >= 0) {
		syscall(SYS_close, fd);
		fd = high;
	}
	atomic_store(&log_ident, id);
	return fd;
}

/*
 * Records that arrive while the log is being opened are parked here, never
 * waited for: the opener may be the very thread a signal handler
 * interrupted, which cannot leave LOG_OPENING before the handler returns (a
 * wait there gave up, and the pending signals re-entered the handler at each
 * sigreturn, losing every record until they paused). The opener writes the
 * parked records once it has published the fd (or drops them with its own
 * when the open failed). A parker that finds the opening over by the time
 * its record is parked takes it back and writes it itself, unless the
 * opener's drain took it first: seq_cst on both sides, so one of them sees
 * the other. No syscall, lock or allocation; full slots lose the record
 * (and warn), as a failing file system does.
 */
enum { SLOT_FREE, SLOT_BUSY, SLOT_PARKED };
#define PARKED_SLOTS 16
static struct {
	_Atomic int state;
	struct vfc_fmt f;
} parked[PARKED_SLOTS];

enum { PARK_DONE, PARK_RETRY, PARK_FULL };

static int park(const struct vfc_fmt *f)
{
	for (int i = 0; i < PARKED_SLOTS; i++) {
		int st = SLOT_FREE;

		if (!atomic_compare_exchange_strong(&parked[i].state, &st, SLOT_BUSY))
			continue;
		memcpy(parked[i].f.buf, f->buf, f->len);
		parked[i].f.len = f->len;
		atomic_store(&parked[i].state, SLOT_PARKED);
		if (atomic_load(&log_state) == LOG_OPENING)
			return PARK_DONE; /* the opener's drain writes it */
		st = SLOT_PARKED;
		if (atomic_compare_exchange_strong(&parked[i].state, &st, SLOT_FREE))
			return PARK_RETRY; /* over meanwhile and not drained: write it here */
		return PARK_DONE;
	}
	return PARK_FULL;
}

/* The opener, after publishing: write (fd >= 0) or drop the parked records. */
static void drain_parked(int fd)
{
	int saved = errno;

	for (int i = 0; i < PARKED_SLOTS; i++) {
		int st = SLOT_PARKED;

		if (!atomic_compare_exchange_strong(&parked[i].state, &st, SLOT_BUSY))
			continue;
		if (fd >= 0)
			write_all(fd, parked[i].f.buf, parked[i].f.len);
		atomic_store(&parked[i].state, SLOT_FREE);
	}
	errno = saved;
}

/* With log_state LOG_OPENING held by this thread: open, publish, release. */
static int open_and_publish(bool first)
{
	if (first && !vfc_log_path(vfc_cfg.log, vfc_pid(), program_invocation_short_name, log_path,
				   sizeof(log_path))) {
		atomic_store(&log_state, LOG_NONE);
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open_log_file();
	if (fd == -2)
		return -2; /* refuse_log set LOG_REFUSED */
	atomic_store(&log_fd, fd);
	atomic_store(&log_state, fd >= 0 ? LOG_OPEN : LOG_NONE);
	return fd;
}

/* The log fd, opened at the first call; -1 with errno, -2 if refused, -3 while opening. */
static int log_get(void)
{
	int st = atomic_load(&log_state);
	bool first;

	if (st == LOG_OPEN) {
		int fd = atomic_load(&log_fd);
		if (file_ident(fd, NULL) == atomic_load(&log_ident))
			return fd;
		/* Closed or replaced behind our back: open it again by its path. */
		first = false;
	} else if (st == LOG_REFUSED) {
		return -2;
	} else {
		st = LOG_NONE;
		first = true;
	}
	if (!atomic_compare_exchange_strong(&log_state, &st, LOG_OPENING))
		return st == LOG_REFUSED ? -2 : st == LOG_OPEN ? atomic_load(&log_fd) : -3;
	int fd = open_and_publish(first);
	drain_parked(fd);
	return fd;
}

void vfc_report_line(const struct vfc_fmt *f)
{
	int saved = errno;
	int fd = -1;

	if (!vfc_cfg.log[0])
		return;
	for (int tries = 0; tries < 4; tries++) {
		fd = log_get();
		if (fd != -3)
			break;
		int r = park(f);
		if (r == PARK_DONE) {
			errno = saved;
			return;
		}
		fd = -1;
		errno = EBUSY;
		if (r == PARK_FULL)
			break;
	}
	if (fd == -2) {
		errno = saved;
		return;
	}
	/* A full or failing file system loses records: say so, once. */
	if (fd < 0 || !write_all(fd, f->buf, f->len))
		goto fail;
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

void vfc_report_close_log(void)
{
	if (atomic_load(&log_state) == LOG_OPEN)
		syscall(SYS_close, atomic_load(&log_fd));
	atomic_store(&log_fd, -1);
	atomic_store(&log_state, LOG_NONE);
}

pid_t vfc_pid_cached(void)
{
	return atomic_load_explicit(&cached_pid, memory_order_relaxed);
}

void vfc_report_forked(void)
{
	/* The child starts its own report; inherited fds stay tracked. */
	atomic_store(&cached_pid, 0);
	/* A per-process log (%p) is the child's own file; otherwise the fd is shared. */
	if (strstr(vfc_cfg.log, "%p"))
		vfc_report_close_log();
	else if (atomic_load(&log_state) != LOG_OPEN)
		atomic_store(&log_state, LOG_NONE);
	atomic_store(&start_written, 0);
	atomic_store(&log_warned, 0);
	/* Records the parent parked are the parent's to write. */
	for (int i = 0; i < PARKED_SLOTS; i++)
		atomic_store(&parked[i].state, SLOT_FREE);
	vfc_stats_reset(&vfc_stats);
	vfc_mig_reset();
}
