// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark loops: `loop KIND N` runs N iterations and prints the wall time
 * in ns. KIND: foreign-ioctl (FIONREAD on a pipe), foreign-open (open+close
 * of /dev/null), container-ioctl (GET_API_VERSION on $BENCH_CONTAINER,
 * default /dev/vfio/vfio), container-fioclex (FIOCLEX on it: answered by any
 * file, so a tracked ioctl that succeeds even on the host's stand-in node).
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static long long now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(
		    stderr,
		    "usage: loop foreign-ioctl|foreign-open|container-ioctl|container-fioclex N\n");
		return 2;
	}
	long n = atol(argv[2]);
	int p[2], fd = -1, avail;
	long long t0;

	if (!strcmp(argv[1], "foreign-ioctl")) {
		if (pipe(p))
			return 1;
		t0 = now();
		for (long i = 0; i < n; i++)
			ioctl(p[0], FIONREAD, &avail);
	} else if (!strcmp(argv[1], "foreign-open")) {
		/* BENCH_OPEN_PATH: the path opened (default /dev/null). */
		const char *path = getenv("BENCH_OPEN_PATH");
		if (!path)
			path = "/dev/null";
		t0 = now();
		for (long i = 0; i < n; i++)
			close(open(path, O_RDONLY));
	} else if (!strcmp(argv[1], "container-ioctl") || !strcmp(argv[1], "container-fioclex")) {
		/* container-fioclex: FIOCLEX, which every open file answers: a successful call. */
		const char *path = getenv("BENCH_CONTAINER");
		unsigned long req = argv[1][10] == 'f' ? FIOCLEX : VFIO_GET_API_VERSION;
		fd = open(path ? path : "/dev/vfio/vfio", O_RDWR);
		if (fd < 0) {
			perror("open /dev/vfio/vfio");
			return 1;
		}
		t0 = now();
		for (long i = 0; i < n; i++)
			ioctl(fd, req);
	} else {
		fprintf(stderr, "loop: unknown kind %s\n", argv[1]);
		return 2;
	}
	printf("%lld\n", now() - t0);
	return 0;
}
