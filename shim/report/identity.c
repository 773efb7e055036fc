// SPDX-License-Identifier: GPL-2.0-only
/* The process's identity for start and summary records; see identity.h. */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <sys/syscall.h>
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
}

struct vfc_ident vfc_identity(char text[37])
{
	struct vfc_ident id = {vfc_pid(), 0, text};

	vfc_report_read_identity();
	id.starttime = atomic_load(&cached_start) - 1;
	text[0] = 0;
	if (atomic_load(&boot_state) == 2)
		vfc_boot_id_text(text, atomic_load(&boot_hi), atomic_load(&boot_lo));
	return id;
}

void vfc_identity_forked(void)
{
	atomic_store(&cached_start, 0);
}
