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

#include "fdtable.h"
#include "settings.h"
#include "errmap.h"
#include "identity.h"
#include "scratch.h"

static _Atomic int start_written;
static _Atomic int log_warned;

/*
 * False with errno set when not all of it was written (ENOSPC on a full
 * disk); *DONE: how much was. Bounded: each turn writes something or ends.
 */
static bool write_all(int fd, const char *buf, size_t len, size_t *done)
{
	*done = 0;
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
		*done += (size_t)n;
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
	size_t done;

	if (!want || vfc_fd_get(STDERR_FILENO) || file_ident(STDERR_FILENO, NULL) != want)
		return;
	write_all(STDERR_FILENO, buf, len, &done);
}

void vfc_warn(const char *line)
{
	int saved = errno;
	struct vfc_fmt *f = vfc_fmt_take();

	if (f) {
		vfc_fmt_str(f, line);
		vfc_fmt_str(f, "\n");
		write_stderr(f->buf, f->len);
		vfc_scratch_give(f);
	}
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
 *
 * Nobody waits for another's open: a thread (or a signal handler) that finds
 * no usable fd opens the file itself and publishes its fd and the file's
 * identity together, as one word, with one compare-and-swap; a loser closes
 * its own fd and takes the winner's. A handler that interrupted an opener
 * (which cannot resume before the handler returns) so writes its records at
 * once: no parking, no bound on how many it writes meanwhile. No lock, no
 * allocation; O_APPEND keeps every record whole whichever fd wrote it.
 */
#define LOG_FD_BITS 20
#define LOG_FD_MASK ((1ull << LOG_FD_BITS) - 1)
static _Atomic uint64_t log_pub; /* 0: none, else ident_key(identity) | fd */
static _Atomic int log_refused;

static uint64_t ident_key(uint64_t ident)
{
	return (ident | 1) << LOG_FD_BITS;
}

/*
 * The expanded path (%p, %e), computed once per process; a caller that finds
 * another in the middle of computing it (a handler that interrupted it)
 * computes its own copy into a scratch slot (*LOCAL, the caller's to give
 * back) instead of waiting.
 */
enum { PATH_NONE, PATH_BUSY, PATH_READY };
static _Atomic int path_state;
static char log_path[PATH_MAX]; /* written only by the caller that set PATH_BUSY */

static const char *log_path_get(void **local)
{
	int st = PATH_NONE;

	if (atomic_load(&path_state) == PATH_READY)
		return log_path;
	if (atomic_compare_exchange_strong(&path_state, &st, PATH_BUSY)) {
		if (!vfc_log_path(vfc_cfg.log, vfc_pid(), program_invocation_short_name, log_path,
				  sizeof(log_path))) {
			atomic_store(&path_state, PATH_NONE);
			return NULL;
		}
		atomic_store(&path_state, PATH_READY);
		return log_path;
	}
	if (st == PATH_READY)
		return log_path;
	if (!*local && !(*local = vfc_scratch_take()))
		return NULL;
	return vfc_log_path(vfc_cfg.log, vfc_pid(), program_invocation_short_name, *local, PATH_MAX)
		   ? *local
		   : NULL;
}

/* Why the log was refused, for the one warning. */
static void refuse_log(const char *path, const char *why, const struct stat *st)
{
	struct vfc_fmt *w;

	atomic_store(&log_refused, 1);
	if (atomic_exchange(&log_warned, 1))
		return;
	if (!(w = vfc_fmt_take())) {
		atomic_store(&log_warned, 0);
		return;
	}
	vfc_fmt_str(w, "vfiocompat: report file ");
	vfc_fmt_str(w, path);
	vfc_fmt_str(w, why);
	if (st) {
		vfc_fmt_u64(w, st->st_uid);
		vfc_fmt_str(w, ", not this process's uid ");
		vfc_fmt_u64(w, (uint64_t)syscall(SYS_geteuid));
	}
	vfc_fmt_str(w, ": nothing written to it; remove it or set VFIOCOMPAT_LOG to a path of "
		       "your own");
	vfc_warn(w->buf);
	vfc_scratch_give(w);
}

/*
 * Open PATH; the fd (its identity in *ID), or -1 with errno (-2: refused,
 * already warned). O_NONBLOCK: a FIFO planted at the path (by anyone, in a
 * shared /tmp) must not block the program's open for a reader that never
 * comes; without a reader the kernel answers ENXIO, as for a socket, and
 * with one the type check below refuses it. Nothing but a regular file is
 * written to.
 */
static int open_log_file(const char *path, uint64_t *id)
{
	const int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK;
	struct stat st;
	bool created = true;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_CREAT | O_EXCL, 0600);

	if (fd < 0 && errno == EEXIST) {
		created = false;
		fd = (int)syscall(SYS_openat, AT_FDCWD, path, flags);
		if (fd < 0 && errno == ENXIO) {
			refuse_log(path, " is not a regular file (a FIFO, socket or device)", NULL);
			return -2;
		}
	}
	if (fd < 0)
		return -1;
	*id = file_ident(fd, &st);
	if (!created) {
		const char *why = !S_ISREG(st.st_mode) ? " is not a regular file"
				  : st.st_nlink != 1   ? " has more than one link"
				  : st.st_uid != (uid_t)syscall(SYS_geteuid) ? " is owned by uid "
									     : NULL;
		if (why) {
			syscall(SYS_close, fd);
			refuse_log(path, why,
				   st.st_uid != (uid_t)syscall(SYS_geteuid) &&
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
	return fd;
}

/*
 * The log fd, opened at the first call: >= 0, -1 with errno, -2 if refused.
 * *OWN: the fd could not be published (a number too high to pack) and is the
 * caller's to close after its write.
 */
static int log_get_in(bool *own, void **local);

static int log_get(bool *own)
{
	void *local = NULL;
	int fd = log_get_in(own, &local), err = errno;

	vfc_scratch_give(local);
	errno = err;
	return fd;
}

static int log_get_in(bool *own, void **local)
{
	*own = false;
	for (;;) {
		if (atomic_load(&log_refused))
			return -2;
		uint64_t cur = atomic_load(&log_pub);
		if (cur) {
			int fd = (int)(cur & LOG_FD_MASK);
			if (ident_key(file_ident(fd, NULL)) == (cur & ~LOG_FD_MASK))
				return fd;
			/* Closed or replaced behind our back: open it again by its path. */
		}
		const char *path = log_path_get(local);
		if (!path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		uint64_t id;
		int fd = open_log_file(path, &id);
		if (fd < 0)
			return fd;
		if ((uint64_t)fd > LOG_FD_MASK) {
			*own = true;
			return fd;
		}
		if (atomic_compare_exchange_strong(&log_pub, &cur, ident_key(id) | (uint64_t)fd))
			return fd;
		/* Another opener (perhaps the handler that interrupted us) published first. */
		syscall(SYS_close, fd);
	}
}

/*
 * A record cut short (ENOSPC, EDQUOT after part of it was written) ends
 * with a newline: the cut line is one bad line a reader skips, and the next
 * record starts a line of its own. When even the newline finds no room, it
 * is owed: written before the next record, and that record is not written
 * until it is (it would be glued to the cut one).
 */
static _Atomic int log_cut;

static bool write_record(int fd, const char *buf, size_t len)
{
	size_t done;

	if (atomic_exchange(&log_cut, 0) && !write_all(fd, "\n", 1, &done)) {
		atomic_store(&log_cut, 1);
		return false;
	}
	if (write_all(fd, buf, len, &done))
		return true;
	if (done) {
		int err = errno;
		size_t nl;

		if (!write_all(fd, "\n", 1, &nl))
			atomic_store(&log_cut, 1);
		errno = err;
	}
	return false;
}

void vfc_report_line(const struct vfc_fmt *f)
{
	int saved = errno;
	bool own;

	if (!vfc_cfg.log[0])
		return;
	int fd = log_get(&own);
	if (fd == -2) {
		errno = saved;
		return;
	}
	/* A full or failing file system loses records: say so, once. */
	bool ok = fd >= 0 && write_record(fd, f->buf, f->len);
	if (own) {
		int err = errno;
		syscall(SYS_close, fd);
		errno = err;
	}
	struct vfc_fmt *w;
	if (!ok && !atomic_exchange(&log_warned, 1)) {
		const char *name = vfc_errno_name(errno);

		if ((w = vfc_fmt_take())) {
			vfc_fmt_str(w, "vfiocompat: cannot write the report to ");
			vfc_fmt_str(w, vfc_cfg.log);
			vfc_fmt_str(w, " (");
			vfc_fmt_str(w, name ? name : "error");
			vfc_fmt_str(w, "); set VFIOCOMPAT_LOG to a writable file");
			vfc_warn(w->buf);
			vfc_scratch_give(w);
		} else {
			atomic_store(&log_warned, 0);
		}
	}
	errno = saved;
}

/*
 * The pid that wrote this image's start record. A child made without the
 * atfork handlers (a raw clone, _Fork) inherits start_written and the
 * counters but is not that process: its exit must not write a summary in
 * the parent's name, or a parent killed later would read as complete.
 */
static _Atomic pid_t start_pid;

void vfc_report_start_once(void)
{
	struct vfc_fmt *f;
	char boot[37];

	atomic_store(&vfc_stats.used, 1);
	if (atomic_exchange(&start_written, 1))
		return;
	if (!(f = vfc_fmt_take())) {
		atomic_store(&start_written, 0); /* the next record writes it */
		return;
	}
	struct vfc_ident id = vfc_identity(boot);
	atomic_store(&start_pid, id.pid);
	vfc_fmt_start(f, &vfc_cfg, &id, program_invocation_short_name);
	vfc_report_line(f);
	vfc_scratch_give(f);
}

void vfc_report_exit(void)
{
	struct vfc_fmt f;
	char boot[37];

	if (!atomic_load(&vfc_stats.used))
		return;
	/* One getpid, at exit, only when a summary would be written. */
	if (atomic_load(&start_pid) != (pid_t)syscall(SYS_getpid))
		return;
	if (vfc_cfg.log[0]) {
		struct vfc_ident id = vfc_identity(boot);

		vfc_fmt_summary(&f, &vfc_stats, vfc_cfg.mode, &id, program_invocation_short_name);
		vfc_report_line(&f);
	} else {
		vfc_fmt_summary_line(&f, &vfc_stats, vfc_cfg.mode, vfc_pid(),
				     program_invocation_short_name);
		write_stderr(f.buf, f.len);
	}
}

void vfc_report_close_log(void)
{
	uint64_t cur = atomic_exchange(&log_pub, 0);

	if (cur)
		syscall(SYS_close, (int)(cur & LOG_FD_MASK));
	atomic_store(&log_refused, 0);
}

void vfc_report_forked(void)
{
	/* The child starts its own report; inherited fds stay tracked. */
	/*
	 * A per-process log (%p) is the child's own file, its path computed
	 * anew; otherwise the fd is shared. A refusal is the child's to repeat.
	 */
	if (strstr(vfc_cfg.log, "%p")) {
		vfc_report_close_log();
		atomic_store(&path_state, PATH_NONE);
		atomic_store(&log_cut, 0);
	}
	atomic_store(&log_refused, 0);
	atomic_store(&start_written, 0);
	atomic_store(&start_pid, 0);
	atomic_store(&log_warned, 0);
	/* Its own start time, read at its first record; the boot id is the parent's. */
	vfc_identity_forked();
	vfc_stats_reset(&vfc_stats);
	vfc_mig_reset();
}
