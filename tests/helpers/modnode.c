// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exercises the module's node (/dev/vfio/iommufd-compat) directly:
 *   modnode mode NODE            print "rlimit_mode=N" of a fresh open
 *   modnode hold NODE            open, print "held", wait for stdin EOF, then
 *                                query the still open file: "after rlimit_mode=N"
 *   modnode threads NODE N ITER  N threads each open, query and close ITER
 *                                times; print "opens=X bad=Y"
 *   modnode churn CONTAINER N    N short-lived processes, one after the other,
 *                                each open CONTAINER and call GET_API_VERSION
 *                                once; print "children=N failed=F"
 *   modnode longlived CONTAINER  GET_API_VERSION and CHECK_EXTENSION(
 *                                UPDATE_VADDR), print "held", wait for stdin
 *                                EOF, GET_API_VERSION again, print "done"
 * rlimit_mode 1 is type1's per-process accounting (IOMMU_OPTION RLIMIT_MODE).
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"
#include "vfiocompat/iommufd-uapi.h"

static const char *node;
static int iters;
static atomic_int opens, bad;

/* The file's RLIMIT_MODE, or -errno. */
static long rlimit_mode(int fd)
{
	struct vfc_iommu_option o = {
	    .size = sizeof(o),
	    .option_id = VFC_IOMMU_OPTION_RLIMIT_MODE,
	    .op = VFC_IOMMU_OPTION_OP_GET,
	};

	if (ioctl(fd, VFC_IOMMU_OPTION, &o))
		return -errno;
	return (long)o.val64;
}

static void *opener(void *unused)
{
	(void)unused;
	for (int i = 0; i < iters; i++) {
		int fd = open(node, O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			atomic_fetch_add(&bad, 1);
			continue;
		}
		atomic_fetch_add(&opens, 1);
		if (rlimit_mode(fd) != 1)
			atomic_fetch_add(&bad, 1);
		close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	CHECK(argc >= 3, "usage: modnode mode|hold|threads|churn|longlived NODE [N [ITER]]");
	node = argv[2];
	if (!strcmp(argv[1], "mode")) {
		int fd = open(node, O_RDWR | O_CLOEXEC);

		CHECK(fd >= 0, "open %s", node);
		printf("rlimit_mode=%ld\n", rlimit_mode(fd));
		return 0;
	}
	if (!strcmp(argv[1], "hold")) {
		int fd = open(node, O_RDWR | O_CLOEXEC);
		char c;

		CHECK(fd >= 0, "open %s", node);
		printf("held\n");
		fflush(stdout);
		while (read(0, &c, 1) > 0)
			;
		printf("after rlimit_mode=%ld\n", rlimit_mode(fd));
		close(fd);
		return 0;
	}
	if (!strcmp(argv[1], "churn")) {
		CHECK(argc == 4, "usage: modnode churn CONTAINER N");
		int n = atoi(argv[3]), failed = 0;

		for (int i = 0; i < n; i++) {
			pid_t c = fork();
			int st;

			CHECK(c >= 0, "fork");
			if (!c) {
				int fd = open(node, O_RDWR | O_CLOEXEC);

				_exit(fd < 0 ||
				      ioctl(fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION);
			}
			CHECK(waitpid(c, &st, 0) == c, "waitpid");
			failed += !WIFEXITED(st) || WEXITSTATUS(st);
		}
		printf("children=%d failed=%d\n", n, failed);
		return 0;
	}
	if (!strcmp(argv[1], "longlived")) {
		int fd = open(node, O_RDWR | O_CLOEXEC);
		char c;

		CHECK(fd >= 0, "open %s", node);
		CHECK(ioctl(fd, VFIO_GET_API_VERSION) == VFIO_API_VERSION, "GET_API_VERSION");
		CHECK(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR) >= 0, "CHECK_EXTENSION");
		printf("held\n");
		fflush(stdout);
		while (read(0, &c, 1) > 0)
			;
		CHECK(ioctl(fd, VFIO_GET_API_VERSION) == VFIO_API_VERSION, "GET_API_VERSION");
		printf("done\n");
		return 0;
	}
	CHECK(!strcmp(argv[1], "threads") && argc == 5, "usage: modnode threads NODE N ITER");
	int n = atoi(argv[3]);
	pthread_t t[64];

	iters = atoi(argv[4]);
	CHECK(n > 0 && n <= 64 && iters > 0, "N must be 1-64, ITER positive");
	for (int i = 0; i < n; i++)
		CHECK(!pthread_create(&t[i], NULL, opener, NULL), "pthread_create");
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("opens=%d bad=%d\n", atomic_load(&opens), atomic_load(&bad));
	return 0;
}
