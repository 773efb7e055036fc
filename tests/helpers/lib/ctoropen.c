// SPDX-License-Identifier: GPL-2.0-only
/*
 * A DT_NEEDED library whose constructor runs before the preloaded shim's:
 * it opens the container there (dma_entry_limit must still be known), and
 * races threads through the shim's first calls (no spurious ENOSYS, every
 * container open redirected while another thread initialises the shim).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4

int ctor_container_fd = -1;
int ctor_enosys;
int ctor_unredirected;
static pthread_barrier_t start;

static void *racer(void *arg)
{
	char link[64], target[PATH_MAX];

	(void)arg;
	pthread_barrier_wait(&start);
	int d = dup(0);
	if (d < 0 && errno == ENOSYS)
		__atomic_fetch_add(&ctor_enosys, 1, __ATOMIC_RELAXED);
	if (d >= 0)
		close(d);
	if (fcntl(0, F_DUPFD_CLOEXEC, 100) < 0 && errno == ENOSYS)
		__atomic_fetch_add(&ctor_enosys, 1, __ATOMIC_RELAXED);
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (c >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", c);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (strcmp(target, "/dev/iommu"))
			__atomic_fetch_add(&ctor_unredirected, 1, __ATOMIC_RELAXED);
		close(c);
	}
	return NULL;
}

__attribute__((constructor)) static void ctor(void)
{
	pthread_t t[THREADS];

	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, racer, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	ctor_container_fd = open("/dev/vfio/vfio", O_RDWR);
}
