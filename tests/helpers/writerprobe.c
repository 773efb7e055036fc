// SPDX-License-Identifier: GPL-2.0-only
/*
 * writerprobe STEP...: a VFIO client for the report writer's adversarial
 * tests (tests/integration/adversarial-writer.sh). Steps, in order:
 *   open PATH        open PATH O_RDWR (the current fd); prints "open ret=N errno=N"
 *   opens N PATH     open and close PATH N times (N records)
 *   api              VFIO_GET_API_VERSION on the current fd
 *   unlink PATH      remove PATH (frees room on a full file system)
 *   fork-exit        fork(); the child does `api` and leaves by exit(0)
 *   clone-exit       a raw clone(SIGCHLD) child (no atfork handlers) leaves by exit(0)
 *   _fork-exit       a _Fork() child (no atfork handlers) leaves by exit(0)
 *   vmclone-exit     a clone(CLONE_VM) child (shares the parent's memory) leaves by exit(0)
 *   pid              prints "pid N"
 *   kill9            SIGKILL to itself: no atexit, no summary of its own
 * Each child is waited for; "child pid=N status=N" is printed.
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

pid_t _Fork(void);

static int cur = -1;

static int vm_child(void *arg)
{
	(void)arg;
	exit(0);
}

static void wait_child(pid_t pid)
{
	int st = 0;

	CHECK(pid >= 0, "child");
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	printf("child pid=%d status=%d\n", (int)pid, st);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *a1 = i + 1 < argc ? argv[i + 1] : "";
		const char *a2 = i + 2 < argc ? argv[i + 2] : "";
		pid_t pid;

		if (!strcmp(s, "open")) {
			errno = 0;
			cur = open(a1, O_RDWR);
			printf("open ret=%d errno=%d\n", cur, cur < 0 ? errno : 0);
			i++;
		} else if (!strcmp(s, "opens")) {
			for (int n = atoi(a1); n > 0; n--) {
				int fd = open(a2, O_RDWR);
				if (fd >= 0)
					close(fd);
			}
			i += 2;
		} else if (!strcmp(s, "api")) {
			printf("api ret=%d\n", ioctl(cur, VFIO_GET_API_VERSION));
		} else if (!strcmp(s, "unlink")) {
			CHECK(!unlink(a1), "unlink %s", a1);
			i++;
		} else if (!strcmp(s, "fork-exit")) {
			fflush(stdout);
			pid = fork();
			if (pid == 0) {
				ioctl(cur, VFIO_GET_API_VERSION);
				exit(0);
			}
			wait_child(pid);
		} else if (!strcmp(s, "clone-exit")) {
			fflush(stdout);
			pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
			if (pid == 0)
				exit(0);
			wait_child(pid);
		} else if (!strcmp(s, "_fork-exit")) {
			fflush(stdout);
			pid = _Fork();
			if (pid == 0)
				exit(0);
			wait_child(pid);
		} else if (!strcmp(s, "vmclone-exit")) {
			static char stack[256 * 1024] __attribute__((aligned(16)));

			fflush(stdout);
			wait_child(
			    clone(vm_child, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL));
		} else if (!strcmp(s, "pid")) {
			printf("pid %d\n", (int)getpid());
		} else if (!strcmp(s, "kill9")) {
			fflush(stdout);
			raise(SIGKILL);
		} else {
			DIE("unknown step %s", s);
		}
		fflush(stdout);
	}
	return 0;
}
