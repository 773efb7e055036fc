// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shim's fd bookkeeping put to the test: a scripted client whose steps
 * take explicit fd numbers and do what real programs do behind the shim's
 * back (vfork, closefrom, fclose, raw close, dup2 over a tracked fd, a
 * privilege drop, exec with inherited fds). One line per step on stdout.
 */
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <pthread.h>
#include <sched.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

static int num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	CHECK(*s && !*end, "not a number: %s", s);
	return (int)v;
}

/* vfork, run one step in the child, _exit: what posix_spawn-like code does. */
static void vfork_step(const char *what, int a, int b)
{
	pid_t pid = vfork();

	CHECK(pid >= 0, "vfork");
	if (pid == 0) {
		if (!strcmp(what, "close"))
			close(a);
		else
			dup2(a, b);
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "vfork child");
}

/*
 * clone(CLONE_VM|CLONE_VFORK) without vfork(): what posix_spawn does inside
 * glibc and what raw-clone code does. The child shares our memory (and so
 * the shim's table) but has its own copy of the fd table.
 */
struct clone_step {
	const char *what;
	int a, b;
};

static int clone_child(void *p)
{
	const struct clone_step *c = p;

	if (!strcmp(c->what, "close"))
		close(c->a);
	else
		dup2(c->a, c->b);
	return 0;
}

static void clonevm_step(const char *what, int a, int b)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct clone_step c = {what, a, b};
	pid_t pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
	int st;

	CHECK(pid > 0, "clone");
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "clone child");
}

/* close_range(first, ~0U, CLOSE_RANGE_UNSHARE) in a thread of our own. */
static void *unshare_thread(void *p)
{
	return (void *)(long)close_range((unsigned)(long)p, ~0U, CLOSE_RANGE_UNSHARE);
}

static long thread_close_range_unshare(int first)
{
	pthread_t t;
	void *ret;

	CHECK(!pthread_create(&t, NULL, unshare_thread, (void *)(long)first), "pthread_create");
	CHECK(!pthread_join(t, &ret), "pthread_join");
	return (long)ret;
}

/* exec this program again with ARGV (ARGV[0] is the step's name). Under an
 * emulator (VFC_EXEC_WRAP, check-arm64: qemu-aarch64, which cannot exec a
 * foreign binary itself) through that runner, with the program's own path. */
static void exec_self(char **args)
{
	const char *wrap = getenv("VFC_EXEC_WRAP");
	static char self[PATH_MAX];
	char *wargv[64];
	ssize_t n;
	size_t k = 0;

	if (!wrap || !*wrap) {
		execv("/proc/self/exe", args);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = '\0';
	wargv[k++] = (char *)wrap;
	wargv[k++] = self;
	for (args++; *args && k < 63; args++)
		wargv[k++] = *args;
	wargv[k] = NULL;
	execvp(wrap, wargv);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *a1 = i + 1 < argc ? argv[i + 1] : "";
		const char *a2 = i + 2 < argc ? argv[i + 2] : "";
		long ret = 0;

		errno = 0;
		if (!strcmp(s, "open")) { /* open PATH */
			ret = open(a1, O_RDWR);
			i++;
		} else if (!strcmp(s, "openat")) { /* openat DIR NAME */
			int d = open(a1, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			CHECK(d >= 0, "open dir %s", a1);
			ret = openat(d, a2, O_RDWR);
			close(d);
			i += 2;
		} else if (!strcmp(s, "chdir")) {
			ret = chdir(a1);
			i++;
		} else if (!strcmp(s, "api")) { /* api FD: VFIO_GET_API_VERSION */
			ret = ioctl(num(a1), VFIO_GET_API_VERSION);
			i++;
		} else if (!strcmp(s, "attach")) { /* attach GROUPFD CONTAINERFD */
			int cfd = num(a2);
			ret = ioctl(num(a1), VFIO_GROUP_SET_CONTAINER, &cfd);
			i += 2;
		} else if (!strcmp(s, "type1v2")) { /* type1v2 FD: SET_IOMMU */
			ret = ioctl(num(a1), VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
			i++;
		} else if (!strcmp(s, "info")) { /* info FD: GET_INFO, fixed part */
			struct vfio_iommu_type1_info info = {.argsz = sizeof(info)};
			ret = ioctl(num(a1), VFIO_IOMMU_GET_INFO, &info);
			i++;
		} else if (!strcmp(s, "close")) {
			ret = close(num(a1));
			i++;
		} else if (!strcmp(s, "dup2")) { /* dup2 FROM TO */
			ret = dup2(num(a1), num(a2));
			i += 2;
		} else if (!strcmp(s, "dup3")) { /* dup3 FROM TO, O_CLOEXEC */
			ret = dup3(num(a1), num(a2), O_CLOEXEC);
			i += 2;
		} else if (!strcmp(s, "dupfd-cloexec")) { /* dupfd-cloexec FROM MIN */
			ret = fcntl(num(a1), F_DUPFD_CLOEXEC, num(a2));
			i += 2;
		} else if (!strcmp(s, "vfork-close")) {
			vfork_step("close", num(a1), 0);
			i++;
		} else if (!strcmp(s, "vfork-dup2")) {
			vfork_step("dup2", num(a1), num(a2));
			i += 2;
		} else if (!strcmp(s, "clonevm-close")) { /* clonevm-close FD */
			clonevm_step("close", num(a1), 0);
			i++;
		} else if (!strcmp(s, "clonevm-dup2")) { /* clonevm-dup2 FROM TO */
			clonevm_step("dup2", num(a1), num(a2));
			i += 2;
		} else if (!strcmp(
			       s,
			       "thread-unshare-close")) { /* ... FIRST: close_range in a thread */
			ret = thread_close_range_unshare(num(a1));
			i++;
		} else if (!strcmp(s, "fioclex")) { /* fioclex FD: an ioctl any open file answers */
			ret = ioctl(num(a1), FIOCLEX);
			i++;
		} else if (!strcmp(s, "closefrom")) { /* glibc: close_range inside libc */
			closefrom(num(a1));
			i++;
		} else if (!strcmp(s, "fclose")) { /* fdopen + fclose: libc's own close */
			FILE *f = fdopen(num(a1), "r");
			CHECK(f, "fdopen");
			ret = fclose(f);
			i++;
		} else if (!strcmp(s, "sysclose")) {
			ret = syscall(SYS_close, num(a1));
			i++;
		} else if (!strcmp(s, "mmap")) { /* mmap FD: one page, shared */
			void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, num(a1), 0);
			ret = p == MAP_FAILED ? -1 : 0;
			i++;
		} else if (!strcmp(s, "setuid")) { /* drop to UID (QEMU's -run-with user=) */
			CHECK(!setgroups(0, NULL) && !setgid((gid_t)num(a1)) &&
				  !setuid((uid_t)num(a1)),
			      "drop to %s", a1);
			i++;
		} else if (!strcmp(s, "keep")) { /* keep FD across exec */
			ret = fcntl(num(a1), F_SETFD, 0);
			i++;
		} else if (!strcmp(s, "setenv")) { /* setenv NAME VALUE, for the exec */
			ret = setenv(a1, a2, 1);
			i += 2;
		} else if (!strcmp(s, "exec")) { /* exec ARGS...: this program again */
			fflush(stdout);
			exec_self(argv + i);
			DIE("exec");
		} else if (!strcmp(s, "stderr-close")) {
			ret = close(2);
		} else {
			DIE("unknown step %s", s);
		}
		printf("%s ret=%ld errno=%d\n", s, ret, ret < 0 ? errno : 0);
		fflush(stdout);
	}
	return 0;
}
