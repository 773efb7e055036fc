// SPDX-License-Identifier: GPL-2.0-only
/*
 * A scripted VFIO client for the integration tests: runs its arguments as
 * steps on a "current fd" and prints one line per step with what the
 * process really holds (/proc/self/fd), so tests assert on facts.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

static int cur = -1;

static void show(const char *step, int ret, int err)
{
	char link[64], target[PATH_MAX] = "-";
	int fdflags = -1;

	if (cur >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", cur);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (n <= 0)
			strcpy(target, "-");
		fdflags = fcntl(cur, F_GETFD);
	}
	printf("%s ret=%d errno=%d fd=%d path=%s cloexec=%d\n", step, ret, ret < 0 ? err : 0, cur,
	       target, fdflags < 0 ? -1 : !!(fdflags & FD_CLOEXEC));
	fflush(stdout);
}

static int dir_fd(const char *dir)
{
	int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(d >= 0, "open dir %s", dir);
	return d;
}

static unsigned long ioctl_req(const char *name)
{
	static const struct {
		const char *name;
		unsigned long req;
	} reqs[] = {
	    {"api", VFIO_GET_API_VERSION},     {"ext", VFIO_CHECK_EXTENSION},
	    {"set", VFIO_SET_IOMMU},	       {"info", VFIO_IOMMU_GET_INFO},
	    {"map", VFIO_IOMMU_MAP_DMA},       {"unmap", VFIO_IOMMU_UNMAP_DMA},
	    {"dirty", VFIO_IOMMU_DIRTY_PAGES}, {"eeh", VFIO_EEH_PE_OP},
	};
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (!strcmp(reqs[i].name, name))
			return reqs[i].req;
	DIE("unknown ioctl name %s", name);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *a1 = i + 1 < argc ? argv[i + 1] : "";
		const char *a2 = i + 2 < argc ? argv[i + 2] : "";
		int ret = 0, err = 0;

		errno = 0;
		if (!strcmp(s, "open")) {
			ret = open(a1, O_RDWR), i++;
		} else if (!strcmp(s, "open-cloexec")) {
			ret = open(a1, O_RDWR | O_CLOEXEC), i++;
		} else if (!strcmp(s, "open64")) {
			ret = open64(a1, O_RDWR), i++;
		} else if (!strcmp(s, "open_2")) {
			ret = __open_2(a1, O_RDWR), i++;
		} else if (!strcmp(s, "open64_2")) {
			ret = __open64_2(a1, O_RDWR | O_CLOEXEC), i++;
		} else if (!strcmp(s, "openat") || !strcmp(s, "openat64") ||
			   !strcmp(s, "openat_2") || !strcmp(s, "openat64_2")) {
			int d = dir_fd(a1);
			if (!strcmp(s, "openat"))
				ret = openat(d, a2, O_RDWR);
			else if (!strcmp(s, "openat64"))
				ret = openat64(d, a2, O_RDWR | O_CLOEXEC);
			else if (!strcmp(s, "openat_2"))
				ret = __openat_2(d, a2, O_RDWR);
			else
				ret = __openat64_2(d, a2, O_RDWR);
			err = errno;
			close(d);
			errno = err;
			i += 2;
		} else if (!strcmp(s, "dup")) {
			ret = dup(cur);
		} else if (!strcmp(s, "dup2")) {
			ret = dup2(cur, atoi(a1)), i++;
		} else if (!strcmp(s, "dup3")) {
			ret = dup3(cur, atoi(a1), O_CLOEXEC), i++;
		} else if (!strcmp(s, "dupfd")) {
			ret = fcntl(cur, F_DUPFD_CLOEXEC, atoi(a1)), i++;
		} else if (!strcmp(s, "rlimit")) {
			/* Lower RLIMIT_NOFILE: "rlimit 3" leaves no free fd after 0-2. */
			struct rlimit rl;
			getrlimit(RLIMIT_NOFILE, &rl);
			rl.rlim_cur = strtoul(a1, NULL, 0);
			ret = setrlimit(RLIMIT_NOFILE, &rl), i++;
		} else if (!strcmp(s, "use")) {
			ret = cur = atoi(a1), i++;
		} else if (!strcmp(s, "close")) {
			ret = close(cur);
		} else if (!strcmp(s, "close_range")) {
			ret = close_range(cur, cur, 0);
		} else if (!strcmp(s, "ioctl")) {
			/* Value-type requests take the number; struct ones a zeroed argsz-only
			 * struct. */
			unsigned long req = ioctl_req(a1);
			uint32_t buf[64] = {0};
			i++;
			if (req == VFIO_CHECK_EXTENSION || req == VFIO_SET_IOMMU) {
				ret = ioctl(cur, req, strtoul(a2, NULL, 0));
				i++;
			} else if (req == VFIO_GET_API_VERSION) {
				ret = ioctl(cur, req);
			} else {
				buf[0] = sizeof(buf);
				ret = ioctl(cur, req, buf);
			}
		} else if (!strcmp(s, "ioctl-badptr")) {
			ret = ioctl(cur, ioctl_req(a1), (void *)8), i++;
		} else if (!strcmp(s, "errno-kept")) {
			/* A foreign ioctl that fails must leave exactly the kernel's errno. */
			errno = 0;
			ret = ioctl(STDIN_FILENO, VFIO_GET_API_VERSION);
			err = errno;
			printf("errno-kept ret=%d errno=%d\n", ret, err);
			continue;
		} else if (!strcmp(s, "fork")) {
			pid_t pid = fork();
			CHECK(pid >= 0, "fork");
			if (pid == 0) {
				/* The child's use of the inherited fd is its own. */
				ret = ioctl(cur, VFIO_GET_API_VERSION);
				_exit(0);
			}
			int st;
			waitpid(pid, &st, 0);
			ret = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		} else {
			DIE("unknown step %s", s);
		}
		err = errno;
		if (ret >= 0 && strncmp(s, "ioctl", 5) && strcmp(s, "close") && strcmp(s, "fork") &&
		    strcmp(s, "close_range") && strcmp(s, "rlimit"))
			cur = ret;
		show(s, ret, err);
	}
	return 0;
}
