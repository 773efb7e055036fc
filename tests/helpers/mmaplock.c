// SPDX-License-Identifier: GPL-2.0-only
/*
 * Holds this process's mmap lock and opens the module's node meanwhile:
 *   mmaplock NODE BLKDEV DMNAME HOLD_MS
 * BLKDEV is a suspended device-mapper device (DMNAME): a thread reads a page
 * of its mapping through /proc/self/mem, whose fault cannot drop the mmap
 * lock, so the thread waits for the I/O with the lock held (as a page on a
 * FUSE file whose daemon does not answer would). While it is held:
 *   - another thread calls mmap() (needs the lock for writing): the control,
 *     it must wait until the release;
 *   - a third thread opens NODE;
 *   - a child process (another mm) opens /dev/vfio/vfio and /dev/iommu, each
 *     given one second.
 * After HOLD_MS, `dmsetup resume DMNAME` releases it. Prints one line:
 *   blocked=1 hold_ms=H mmap_ms=M node_open_ms=N node_done_while_held=0|1
 *   node_mode=R vfio_ms=V iommu_ms=I
 * V and I are how long each open took (-1: not done within its second; the
 * *_total_ms fields then say when it did finish).
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"
#include "vfiocompat/iommufd-uapi.h"

static const char *node;
static char *page;
static atomic_int reader_tid;
static atomic_long node_done_ms = -1, mmap_done_ms = -1;
static long node_mode = -1000;
static long t_base;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *reader(void *unused)
{
	char c;
	int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);

	(void)unused;
	CHECK(fd >= 0, "open /proc/self/mem");
	atomic_store(&reader_tid, (int)syscall(SYS_gettid));
	if (pread(fd, &c, 1, (off_t)(uintptr_t)page) != 1)
		fprintf(stderr, "mmaplock: reading the mapping: %s\n", strerror(errno));
	close(fd);
	return NULL;
}

static void *mapper(void *unused)
{
	long t0 = now_ms();
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)unused;
	atomic_store(&mmap_done_ms, now_ms() - t0);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	return NULL;
}

static void *opener(void *unused)
{
	long t0 = now_ms();
	int fd = open(node, O_RDWR | O_CLOEXEC);

	(void)unused;
	atomic_store(&node_done_ms, now_ms() - t0);
	if (fd < 0) {
		node_mode = -errno;
		return NULL;
	}
	struct vfc_iommu_option o = {
	    .size = sizeof(o),
	    .option_id = VFC_IOMMU_OPTION_RLIMIT_MODE,
	    .op = VFC_IOMMU_OPTION_OP_GET,
	};
	node_mode = ioctl(fd, VFC_IOMMU_OPTION, &o) ? -errno : (long)o.val64;
	close(fd);
	return NULL;
}

/* State letter of thread `tid` of this process ('D': uninterruptible). */
static char thread_state(int tid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] ? p[2] : '?';
}

/* Child: time the opens of the other nodes, one "ms" line each on fd `out`. */
static void time_opens(int out)
{
	const char *nodes[] = {"/dev/vfio/vfio", "/dev/iommu"};

	for (int i = 0; i < 2; i++) {
		long t0 = now_ms();
		int fd = open(nodes[i], O_RDWR | O_CLOEXEC);
		char line[32];
		int n;

		n = snprintf(line, sizeof(line), "%ld\n", fd < 0 ? -2L : now_ms() - t0);
		if (fd >= 0)
			close(fd);
		if (write(out, line, (size_t)n) != n)
			_exit(1);
	}
	_exit(0);
}

/* Next "ms" line from the child within `wait_ms`, or -1. */
static long read_ms(FILE *f, int fd, long wait_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char line[32];

	if (poll(&p, 1, (int)wait_ms) <= 0)
		return -1;
	return fgets(line, sizeof(line), f) ? atol(line) : -1;
}

int main(int argc, char **argv)
{
	pthread_t tr, tm, to;
	int pfd[2], fd;
	long hold, v, i_ms, v_total = -1, i_total = -1;
	pid_t child, dm;
	FILE *cf;

	CHECK(argc == 5, "usage: mmaplock NODE BLKDEV DMNAME HOLD_MS");
	node = argv[1];
	hold = atol(argv[4]);
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open %s", argv[2]);
	page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(page != MAP_FAILED, "mmap %s", argv[2]);
	t_base = now_ms();

	CHECK(!pthread_create(&tr, NULL, reader, NULL), "pthread_create");
	char st = '?';
	for (int i = 0; i < 100 && st != 'D'; i++) {
		usleep(50000);
		if (atomic_load(&reader_tid))
			st = thread_state(atomic_load(&reader_tid));
	}
	if (st != 'D') {
		printf("blocked=0 (the reader thread is in state %c, not D: is %s suspended?)\n",
		       st, argv[3]);
		return 3;
	}
	long held_at = now_ms();

	CHECK(!pthread_create(&tm, NULL, mapper, NULL), "pthread_create");
	CHECK(!pthread_create(&to, NULL, opener, NULL), "pthread_create");
	usleep(300000);
	CHECK(!pipe2(pfd, O_CLOEXEC), "pipe2");
	child = fork();
	CHECK(child >= 0, "fork");
	if (!child) {
		close(pfd[0]);
		time_opens(pfd[1]);
	}
	close(pfd[1]);
	cf = fdopen(pfd[0], "r");
	CHECK(cf, "fdopen");
	long t_child = now_ms();

	v = read_ms(cf, pfd[0], 1000);
	i_ms = v < 0 ? -1 : read_ms(cf, pfd[0], 1000);
	long rest = hold - (now_ms() - held_at);

	if (rest > 0)
		usleep((useconds_t)rest * 1000);
	long node_before = atomic_load(&node_done_ms);
	long released_at = now_ms();

	dm = fork();
	CHECK(dm >= 0, "fork");
	if (!dm) {
		execlp("dmsetup", "dmsetup", "resume", argv[3], (char *)NULL);
		_exit(127);
	}
	int status;

	CHECK(waitpid(dm, &status, 0) == dm, "waitpid");
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "dmsetup resume %s", argv[3]);
	pthread_join(tr, NULL);
	pthread_join(tm, NULL);
	pthread_join(to, NULL);
	/* The opens that did not finish within their second: when they did. */
	if (v < 0) {
		v_total = read_ms(cf, pfd[0], 30000) >= 0 ? now_ms() - t_child : -1;
		i_total = read_ms(cf, pfd[0], 30000) >= 0 ? now_ms() - t_child : -1;
	} else if (i_ms < 0) {
		i_total = read_ms(cf, pfd[0], 30000) >= 0 ? now_ms() - t_child : -1;
	}
	waitpid(child, NULL, 0);
	printf("blocked=1 hold_ms=%ld mmap_ms=%ld node_open_ms=%ld node_done_while_held=%d "
	       "node_mode=%ld vfio_ms=%ld iommu_ms=%ld",
	       released_at - held_at, atomic_load(&mmap_done_ms), atomic_load(&node_done_ms),
	       node_before >= 0, node_mode, v, i_ms);
	if (v < 0 || i_ms < 0)
		printf(" vfio_total_ms=%ld iommu_total_ms=%ld", v_total, i_total);
	printf("\n");
	return 0;
}
