// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioctlcost [N]: the cost of one container ioctl (VFIO_GET_API_VERSION on
 * /dev/vfio/vfio) and of one foreign ioctl (FIONREAD on a pipe), in
 * nanoseconds: the best of 5 rounds of N calls each (default 20000), so a
 * preempted round does not count. What the eBPF audit's plan prints with and
 * without the audit attached (docs/performance.md).
 *   container_ns=X foreign_ns=Y
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double best(int fd, unsigned long req, long n)
{
	double b = 1e18;
	int v;

	for (int r = 0; r < 5; r++) {
		double t0 = now_ns();
		for (long i = 0; i < n; i++)
			if (ioctl(fd, req, &v) < 0) {
				perror("ioctl");
				exit(1);
			}
		double t = (now_ns() - t0) / (double)n;
		if (t < b)
			b = t;
	}
	return b;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int p[2], c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	if (n <= 0 || c < 0 || pipe(p)) {
		fprintf(stderr, "usage: ioctlcost [N] (needs /dev/vfio/vfio)\n");
		return 2;
	}
	printf("container_ns=%.0f foreign_ns=%.0f\n", best(c, VFIO_GET_API_VERSION, n),
	       best(p[0], FIONREAD, n));
	return 0;
}
