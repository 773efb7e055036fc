// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor bookkeeping: entries made at open, copied by dup*, dropped by
 * close. Closes the shim never sees (closefrom's internal close_range, an
 * fclose of an fdopen'ed fd, syscall(SYS_close), io_uring) are caught
 * lazily: every entry carries the identity of its open file (device, inode,
 * rdev) and is checked, with one fstat, each time the tracked fd is used.
 * Foreign fds pay nothing: their entry is zero and never checked.
 *
 * The table mirrors one process's fd table: its owner's. A task that shares
 * our memory but not that fd table (a vfork child, a clone(CLONE_VM) child as
 * posix_spawn makes) must not write it: its close or dup2 acts on its own
 * copy. Such a task has another pid than the owner, so a close or dup that
 * touches a tracked entry asks getpid once (foreign fds never do).
 */
#include "fds.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "attach.h"
#include "report.h"

_Atomic uint32_t vfc_fd_table[VFC_FD_MAX];
_Atomic int vfc_fd_high;
/*
 * Identity of each tracked fd's open file; 0: not known (accepted). Kept for
 * the low fd numbers VFIO fds get in practice, so .bss stays one fd table.
 */
#define IDENT_MAX 4096
static _Atomic uint64_t fd_ident[IDENT_MAX];

static uint64_t ident_of(int fd)
{
	struct stat st;
	int saved = errno;
	/* newfstatat, the identity stat the open path already makes (docs/hardening.md). */
	long r = syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH);

	errno = saved;
	if (r < 0)
		return UINT64_MAX; /* a closed fd matches no recorded identity */
	uint64_t h = (uint64_t)st.st_ino * 0x9e3779b97f4a7c15ull;
	h ^= (uint64_t)st.st_dev + ((uint64_t)st.st_rdev << 24) + ((uint64_t)(st.st_mode & S_IFMT));
	return h ? h : 1;
}

#if defined(__x86_64__)
/* Set by vfork.S in the child (our thread's TLS, borrowed), cleared in the parent. */
__attribute__((visibility("hidden"), tls_model("initial-exec"))) __thread int vfc_vfork_child;

__attribute__((visibility("hidden"))) long vfc_vfork_failed(long ret)
{
	errno = (int)-ret;
	return -1;
}
#endif

/*
 * The pid of the process whose fd table this is; 0 while nothing was ever
 * tracked. Set at the first entry (the constructor cached the pid already:
 * no syscall) and anew in a fork child that inherited entries.
 */
static _Atomic pid_t table_owner;

static pid_t sys_getpid(void)
{
	return (pid_t)syscall(SYS_getpid); /* never fails: errno untouched */
}

/*
 * THE answer to "which task owns this fd table", on every architecture: the
 * owner's pid, compared with the caller's. A vfork child and a
 * clone(CLONE_VM) child (posix_spawn) both have pids of their own, so one
 * getpid tells them apart; the x86-64 vfork flag (vfork.S) only spares that
 * system call in a vfork child. Nothing is owned while nothing was tracked.
 */
static bool not_owner(void)
{
#if defined(__x86_64__)
	if (vfc_vfork_child) /* vfork(): known without a syscall */
		return true;
#endif
	pid_t o = atomic_load_explicit(&table_owner, memory_order_relaxed);

	return o && sys_getpid() != o;
}

void vfc_fds_forked(void)
{
	/* Only a child that inherited entries pays the syscall. */
	if (atomic_load_explicit(&table_owner, memory_order_relaxed))
		atomic_store_explicit(&table_owner, sys_getpid(), memory_order_relaxed);
}

void vfc_fd_track(int fd, uint32_t e)
{
	if ((unsigned)fd >= VFC_FD_MAX)
		return;
	if (!atomic_load_explicit(&table_owner, memory_order_relaxed)) {
		pid_t p = vfc_pid_cached();
		atomic_store_explicit(&table_owner, p ? p : sys_getpid(), memory_order_relaxed);
	}
	if (fd < IDENT_MAX)
		atomic_store_explicit(&fd_ident[fd], ident_of(fd), memory_order_relaxed);
	vfc_fd_set(fd, e);
}

/* Drop what `e` at `fd` stood for, after its entry was cleared. */
void vfc_fd_closing(int fd, uint32_t e)
{
	enum vfc_fd_kind k = VFC_FD_KIND(e);

	if (k == VFC_FD_REDIRECTED || k == VFC_FD_TYPE1 || k == VFC_FD_IOMMUFD) {
		vfc_attach_forget_container(fd);
		return;
	}
	if ((k != VFC_FD_GROUP && k != VFC_FD_DEVICE) || !VFC_FD_DATA(e))
		return;
	/*
	 * The kernel detaches a group from its container when its last group fd
	 * and device fd are gone: free its attach slots then, so the fix-up never
	 * counts a group that is gone (and 64 slots cannot leak).
	 */
	int high = atomic_load_explicit(&vfc_fd_high, memory_order_relaxed);
	for (int i = 0; i <= high && i < (int)VFC_FD_MAX; i++) {
		uint32_t o = vfc_fd_get(i);
		if (i != fd && VFC_FD_DATA(o) == VFC_FD_DATA(e) &&
		    (VFC_FD_KIND(o) == VFC_FD_GROUP || VFC_FD_KIND(o) == VFC_FD_DEVICE))
			return;
	}
	vfc_attach_remove_group((int)VFC_FD_DATA(e) - 1);
}

uint32_t vfc_fd_check(int fd, uint32_t e)
{
	uint64_t want = (unsigned)fd < IDENT_MAX
			    ? atomic_load_explicit(&fd_ident[fd], memory_order_relaxed)
			    : 0;

	if (!want || ident_of(fd) == want)
		return e;
	/*
	 * Closed behind our back and the number reused: not ours any more. Only
	 * the owner drops it: in a task with its own fd table, the owner's fd
	 * may well still be the one recorded.
	 */
	if (!not_owner() && atomic_compare_exchange_strong(&vfc_fd_table[fd], &e, 0))
		vfc_fd_closing(fd, e);
	return 0;
}

uint32_t vfc_fd_get_checked(int fd)
{
	uint32_t e = vfc_fd_get(fd);

	return e ? vfc_fd_check(fd, e) : 0;
}

void vfc_fd_copied(int from, uint32_t e, int to)
{
	if ((unsigned)to >= VFC_FD_MAX || (!e && !vfc_fd_get(to)))
		return;
	if (not_owner())
		return;
	uint64_t id = (unsigned)from < IDENT_MAX
			  ? atomic_load_explicit(&fd_ident[from], memory_order_relaxed)
			  : 0;
	if (to < IDENT_MAX)
		atomic_store_explicit(&fd_ident[to], id, memory_order_relaxed);
	/* dup2/dup3 onto a tracked fd closed what it held. */
	uint32_t old = atomic_exchange_explicit(&vfc_fd_table[to], e, memory_order_relaxed);
	if (e)
		vfc_fd_set(to, e);
	if (old && old != e)
		vfc_fd_closing(to, old);
}

void vfc_fd_close(int fd)
{
	uint32_t e = vfc_fd_get(fd);

	if (!e || not_owner())
		return;
	/* Drop the entry first: another thread may get this number back at once. */
	if (atomic_compare_exchange_strong(&vfc_fd_table[fd], &e, 0))
		vfc_fd_closing(fd, e);
}

void vfc_fds_closed(unsigned first, unsigned last)
{
	int high = atomic_load_explicit(&vfc_fd_high, memory_order_relaxed);
	unsigned fd;

	if (high < 0 || first > (unsigned)high)
		return;
	if (last > (unsigned)high)
		last = (unsigned)high;
	/* A range holding nothing of ours costs no syscall. */
	for (fd = first; fd <= last && fd < VFC_FD_MAX && !vfc_fd_get((int)fd); fd++)
		;
	if (fd > last || fd >= VFC_FD_MAX || not_owner())
		return;
	/* As close() does for each: a container's attach bookkeeping goes too. */
	for (; fd <= last && fd < VFC_FD_MAX; fd++) {
		uint32_t e = atomic_exchange_explicit(&vfc_fd_table[fd], 0, memory_order_relaxed);
		if (e)
			vfc_fd_closing((int)fd, e);
	}
}
