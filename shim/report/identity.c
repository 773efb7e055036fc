// SPDX-License-Identifier: GPL-2.0-only
/* The process's identity for start and summary records; see identity.h. */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "pid.h"

/*
 * The rest of the identity (report.h, struct vfc_ident): the start time,
 * read from /proc/self/stat at start and lazily in a fork child, and the
 * boot id, read once per process image. Raw syscalls into a small stack
 * buffer: the constructor and any record may run in a signal handler.
 * Stored as words (starttime + 1, 0: not read yet; the boot id as two words
 * and a state), so a handler never sees half of one.
 */
static _Atomic uint64_t cached_start; /* starttime + 1; 0: not read in this process */
static _Atomic uint64_t boot_hi, boot_lo;
static _Atomic int boot_state; /* 0 not read, 1 unreadable, 2 read */
/*
 * The host name (uname's nodename, at most 64 bytes), read once per process
 * image. The first reader claims it (0 -> 3) and publishes it (2) when the
 * copy is whole; a record written meanwhile (a handler interrupting the
 * copy) says "" rather than half a name.
 */
static char host[65];
static _Atomic int host_state; /* 0 not read, 1 unreadable, 2 read, 3 being read */

/* Up to size-1 bytes of PATH into BUF; the length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int saved = errno;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n = -1;

	if (fd >= 0) {
		do
			n = syscall(SYS_read, fd, buf, size - 1);
		while (n < 0 && errno == EINTR);
		syscall(SYS_close, fd);
	}
	errno = saved;
	return n;
}

void vfc_report_read_identity(void)
{
	/* Fields 1-22 of /proc/self/stat: comm is at most 16 bytes, 20 numbers of <= 20 digits. */
	char buf[512];
	ssize_t n;

	if (!atomic_load(&cached_start)) {
		uint64_t st = 0;

		n = read_small("/proc/self/stat", buf, sizeof(buf));
		if (n <= 0 || !vfc_parse_starttime(buf, (size_t)n, &st))
			st = 0;
		atomic_store(&cached_start, st + 1);
	}
	if (!atomic_load(&boot_state)) {
		uint64_t hi, lo;

		n = read_small(VFC_BOOT_ID_PATH, buf, 64);
		if (n > 0 && vfc_parse_boot_id(buf, (size_t)n, &hi, &lo)) {
			atomic_store(&boot_hi, hi);
			atomic_store(&boot_lo, lo);
			atomic_store(&boot_state, 2);
		} else {
			atomic_store(&boot_state, 1);
		}
	}
	int zero = 0;
	if (atomic_load(&host_state) == 0 &&
	    atomic_compare_exchange_strong(&host_state, &zero, 3)) {
		struct utsname u; /* 390 bytes: bounded */
		int saved = errno;

		if (syscall(SYS_uname, &u) == 0) {
			size_t n = strnlen(u.nodename, sizeof(host) - 1);

			memcpy(host, u.nodename, n);
			host[n] = 0;
			atomic_store(&host_state, 2);
		} else {
			atomic_store(&host_state, 1);
		}
		errno = saved;
	}
}

/* Wall-clock seconds since the epoch (vDSO, no syscall as a rule); 0 if unread. */
static int64_t wall_seconds(void)
{
	int saved = errno;
	struct timespec ts;
	int64_t t = clock_gettime(CLOCK_REALTIME, &ts) == 0 ? (int64_t)ts.tv_sec : 0;

	errno = saved;
	return t;
}

struct vfc_ident vfc_identity(char text[37])
{
	struct vfc_ident id = {vfc_pid(), 0, text, "", 0};

	vfc_report_read_identity();
	id.starttime = atomic_load(&cached_start) - 1;
	text[0] = 0;
	if (atomic_load(&boot_state) == 2)
		vfc_boot_id_text(text, atomic_load(&boot_hi), atomic_load(&boot_lo));
	if (atomic_load(&host_state) == 2)
		id.hostname = host;
	id.timestamp = wall_seconds();
	return id;
}

void vfc_identity_forked(void)
{
	atomic_store(&cached_start, 0);
}
