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
 * After HOLD_MS, DMNAME is resumed (DM_DEV_SUSPEND on /dev/mapper/control,
 * opened beforehand), which releases it. Prints one line:
 *   blocked=1 hold_ms=H mmap_ms=M node_open_ms=N node_done_while_held=0|1
 *   node_mode=R vfio_ms=V iommu_ms=I
 * V and I are how long each open took (-1: not done within its second; the
 * *_total_ms fields then say when it did finish).
 */
#include <fcntl.h>
#include <linux/dm-ioctl.h>
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

/* Threads and children created before the lock is held wait on a pipe:
 * while it is held, neither fork() (dup_mmap) nor pthread_create() (a stack
 * mmap) nor malloc may run in this process. */
static void wait_go(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

static void go(int fd)
{
	if (write(fd, "x", 1) != 1)
		DIE("write");
}

static int go_map[2], go_open[2];

static void *reader(void *unused)
{
	char c;
	int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);

	(void)unused;
	CHECK(fd >= 0, "open /proc/self/mem");
	atomic_store(&reader_tid, (int)syscall(SYS_gettid));
	if (pread(fd, &c, 1, (off_t)(uintptr_t)page) != 1)
		DIE("reading the mapping");
	close(fd);
	return NULL;
}

static void *mapper(void *unused)
{
	(void)unused;
	wait_go(go_map[0]);
	long t0 = now_ms();
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	atomic_store(&mmap_done_ms, now_ms() - t0);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	return NULL;
}

static void *opener(void *unused)
{
	struct vfc_iommu_option o = {
	    .size = sizeof(o),
	    .option_id = VFC_IOMMU_OPTION_RLIMIT_MODE,
	    .op = VFC_IOMMU_OPTION_OP_GET,
	};

	(void)unused;
	wait_go(go_open[0]);
	long t0 = now_ms();
	int fd = open(node, O_RDWR | O_CLOEXEC);

	atomic_store(&node_done_ms, now_ms() - t0);
	if (fd < 0) {
		node_mode = -errno;
		return NULL;
	}
	node_mode = ioctl(fd, VFC_IOMMU_OPTION, &o) ? -errno : (long)o.val64;
	close(fd);
	return NULL;
}

/* State letter of thread `tid` of this process ('D': uninterruptible), with
 * plain syscalls (no stdio: it allocates). */
static char thread_state(int tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

/* Child: on `start`, time the opens of the other nodes, one long each on `out`. */
static void time_opens(int start, int out)
{
	const char *nodes[] = {"/dev/vfio/vfio", "/dev/iommu"};

	wait_go(start);
	for (int i = 0; i < 2; i++) {
		long t0 = now_ms();
		int fd = open(nodes[i], O_RDWR | O_CLOEXEC);
		long ms = fd < 0 ? -2L : now_ms() - t0;

		if (fd >= 0)
			close(fd);
		if (write(out, &ms, sizeof(ms)) != sizeof(ms))
			_exit(1);
	}
	_exit(0);
}

/* Next time from the child within `wait_ms`, or -1. */
static long read_ms(int fd, long wait_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	long ms;

	if (poll(&p, 1, (int)wait_ms) <= 0 || read(fd, &ms, sizeof(ms)) != sizeof(ms))
		return -1;
	return ms;
}

static pid_t spawn_child(int *start, int *out)
{
	int s[2], o[2] = {-1, -1};
	pid_t pid;

	CHECK(!pipe(s) && (!out || !pipe(o)), "pipe");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid) {
		close(s[1]);
		if (out)
			close(o[0]);
		*start = s[0];
		if (out)
			*out = o[1];
		return 0;
	}
	close(s[0]);
	*start = s[1];
	if (out) {
		close(o[1]);
		*out = o[0];
	}
	return pid;
}

/* Resume DM device `name` on an already open /dev/mapper/control: opening it
 * while the lock is held would need misc_mtx, which the landed module's open
 * holds (device-mapper is one of the misc nodes that finding 1 blocks). */
static int dm_resume(int ctl, const char *name)
{
	struct dm_ioctl io = {
	    .version = {DM_VERSION_MAJOR, 0, 0},
	    .data_size = sizeof(io),
	    .data_start = sizeof(io),
	};

	snprintf(io.name, sizeof(io.name), "%s", name);
	return ioctl(ctl, DM_DEV_SUSPEND, &io);
}

int main(int argc, char **argv)
{
	pthread_t tr, tm, to;
	long hold, v, i_ms, v_total = -1, i_total = -1;
	int fd, tstart, tout;
	pid_t timer;

	CHECK(argc == 5, "usage: mmaplock NODE BLKDEV DMNAME HOLD_MS");
	node = argv[1];
	hold = atol(argv[4]);
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open %s", argv[2]);
	page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(page != MAP_FAILED, "mmap %s", argv[2]);
	t_base = now_ms();
	setvbuf(stdout, NULL, _IONBF, 0);

	/* Everything that needs this mm's lock is done now. */
	timer = spawn_child(&tstart, &tout);
	if (!timer)
		time_opens(tstart, tout);
	int ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);

	CHECK(ctl >= 0, "open /dev/mapper/control");
	CHECK(!pipe(go_map) && !pipe(go_open), "pipe");
	CHECK(!pthread_create(&tm, NULL, mapper, NULL), "pthread_create");
	CHECK(!pthread_create(&to, NULL, opener, NULL), "pthread_create");
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

	go(go_map[1]);
	go(go_open[1]);
	usleep(300000);
	long t_child = now_ms();

	go(tstart);
	v = read_ms(tout, 1000);
	i_ms = v < 0 ? -1 : read_ms(tout, 1000);
	long rest = hold - (now_ms() - held_at);

	if (rest > 0)
		usleep((useconds_t)rest * 1000);
	long node_before = atomic_load(&node_done_ms);
	long released_at = now_ms();

	CHECK(!dm_resume(ctl, argv[3]), "resume %s (DM_DEV_SUSPEND)", argv[3]);
	pthread_join(tr, NULL);
	pthread_join(tm, NULL);
	pthread_join(to, NULL);
	/* The opens that did not finish within their second: when they did. */
	if (v < 0) {
		v_total = read_ms(tout, 30000) >= 0 ? now_ms() - t_child : -1;
		i_total = read_ms(tout, 30000) >= 0 ? now_ms() - t_child : -1;
	} else if (i_ms < 0) {
		i_total = read_ms(tout, 30000) >= 0 ? now_ms() - t_child : -1;
	}
	waitpid(timer, NULL, 0);
	printf("blocked=1 hold_ms=%ld mmap_ms=%ld node_open_ms=%ld node_done_while_held=%d "
	       "node_mode=%ld vfio_ms=%ld iommu_ms=%ld",
	       released_at - held_at, atomic_load(&mmap_done_ms), atomic_load(&node_done_ms),
	       node_before >= 0, node_mode, v, i_ms);
	if (v < 0 || i_ms < 0)
		printf(" vfio_total_ms=%ld iommu_total_ms=%ld", v_total, i_total);
	printf("\n");
	return 0;
}
