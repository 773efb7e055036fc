// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signals landing in the middle of the shim's tracked paths (docs/hardening.md,
 * "Stack bound"). Run under the shim in the host integration namespace.
 *
 * sigdeep nested OPS
 *   A SIGUSR1 handler on a guarded sigaltstack does OPS rounds of container
 *   work (open, API/extension/SET_IOMMU/GET_INFO/MAP/UNMAP ioctls, close)
 *   while an interval timer keeps sending SIGALRM, also SA_ONSTACK: nested
 *   signals land inside the shim. The altstack is 8 KiB for the handler and
 *   the shim (above the first signal frame the kernel writes there) plus one
 *   more signal frame (AT_MINSIGSTKSZ) for the nested one; a PROT_NONE page
 *   below it turns an overflow into SIGSEGV. The nested handler checks that
 *   its frame lies below the live handler's (as it must while the thread is
 *   on its altstack), and the live handler checks a canary in its own frame
 *   after every call. Prints the altstack's high-water mark.
 *
 * sigdeep threads N OPS
 *   N threads each do OPS rounds (more until a handler has run) of two tracked container ioctls
 * with a canary in their frames, while another thread keeps sending them SIGUSR1, whose handler (on
 * the thread's own large stack) fills 48 KiB of its stack with a pattern and checks it.
 *
 * Either prints the calls made ("api=A ext=E ...") for the caller to compare
 * with the summary, and exits 1 on any corruption seen.
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "helper.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define PATTERN 0xa5
#define BIG	(48 * 1024)

static atomic_long api, ext, other, bad_canary, bad_frame, nested, big_ok, big_bad;

/* nested */
static volatile uintptr_t live_low; /* lowest address of the live handler's canary */
static int ops;

static void on_alrm(int sig)
{
	char here;
	uintptr_t low = live_low;

	(void)sig;
	atomic_fetch_add(&nested, 1);
	/* On the altstack already: the kernel must put this frame below the live one. */
	if (low && (uintptr_t)&here > low)
		atomic_fetch_add(&bad_frame, 1);
}

static void check_canary(const volatile unsigned char *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i] != (unsigned char)(PATTERN ^ i)) {
			atomic_fetch_add(&bad_canary, 1);
			return;
		}
}

static void container_round(const volatile unsigned char *canary, size_t n)
{
	char info[256];
	struct vfio_iommu_type1_info *i = (void *)info;
	struct vfio_iommu_type1_dma_map map = {.argsz = sizeof(map)};
	struct vfio_iommu_type1_dma_unmap unmap = {.argsz = sizeof(unmap)};
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	if (c < 0) {
		atomic_fetch_add(&bad_canary, 1000000); /* cannot happen in the namespace */
		return;
	}
	ioctl(c, VFIO_GET_API_VERSION);
	atomic_fetch_add(&api, 1);
	check_canary(canary, n);
	ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	atomic_fetch_add(&ext, 1);
	check_canary(canary, n);
	ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	memset(info, 0, sizeof(info));
	i->argsz = sizeof(info);
	ioctl(c, VFIO_IOMMU_GET_INFO, info);
	ioctl(c, VFIO_IOMMU_MAP_DMA, &map);
	ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap);
	atomic_fetch_add(&other, 4);
	check_canary(canary, n);
	close(c);
}

static volatile sig_atomic_t handler_done;

static void on_usr1_nested(int sig)
{
	volatile unsigned char canary[256];

	(void)sig;
	for (size_t i = 0; i < sizeof(canary); i++)
		canary[i] = (unsigned char)(PATTERN ^ i);
	live_low = (uintptr_t)canary;
	for (int r = 0; r < ops; r++)
		container_round(canary, sizeof(canary));
	live_low = 0;
	handler_done = 1;
}

/* One signal frame when the kernel names none (AT_MINSIGSTKSZ; qemu-user gives
 * none): arm64's MINSIGSTKSZ (asm/signal.h), else x86-64's. */
#if defined(__aarch64__)
#define FRAME_DEFAULT 5120
#else
#define FRAME_DEFAULT 2048
#endif

static int run_nested(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t frame = getauxval(AT_MINSIGSTKSZ) ? getauxval(AT_MINSIGSTKSZ) : FRAME_DEFAULT;
	const char *k = getenv("SIGSTACK_KIB"); /* sanitizer builds: larger frames */
	size_t size = (k ? (size_t)atoi(k) : 8) * 1024 + frame;
	size = (size + 15) & ~(size_t)15;
	char *mem =
	    mmap(NULL, page + size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap");
	CHECK(!mprotect(mem, page, PROT_NONE), "guard page");
	memset(mem + page, 0x5a, size);
	stack_t ss = {.ss_sp = mem + page, .ss_size = size};
	CHECK(!sigaltstack(&ss, NULL), "sigaltstack");
	struct sigaction sa = {.sa_handler = on_usr1_nested, .sa_flags = SA_ONSTACK};
	CHECK(!sigaction(SIGUSR1, &sa, NULL), "sigaction");
	sa.sa_handler = on_alrm;
	sa.sa_flags = SA_ONSTACK | SA_RESTART;
	CHECK(!sigaction(SIGALRM, &sa, NULL), "sigaction");
	struct itimerval it = {{0, 50}, {0, 50}};
	CHECK(!setitimer(ITIMER_REAL, &it, NULL), "setitimer");
	raise(SIGUSR1);
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	CHECK(handler_done, "handler did not finish");
	size_t used = size;
	for (size_t i = 0; i < size && mem[page + i] == 0x5a; i++)
		used--;
	printf("nested: altstack %zu bytes (%zu KiB + one %zu-byte signal frame), high water %zu "
	       "bytes; nested=%ld bad_frame=%ld bad_canary=%ld api=%ld ext=%ld other=%ld\n",
	       size, (size - frame) / 1024, frame, used, atomic_load(&nested),
	       atomic_load(&bad_frame), atomic_load(&bad_canary), atomic_load(&api),
	       atomic_load(&ext), atomic_load(&other));
	return atomic_load(&bad_frame) || atomic_load(&bad_canary);
}

/* threads */
static atomic_int running;

static void on_usr1_big(int sig)
{
	volatile unsigned char big[BIG];

	(void)sig;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = PATTERN;
	for (size_t i = 0; i < sizeof(big); i++)
		if (big[i] != PATTERN) {
			atomic_fetch_add(&big_bad, 1);
			return;
		}
	atomic_fetch_add(&big_ok, 1);
}

static void *worker(void *p)
{
	volatile unsigned char canary[512];
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	(void)p;
	for (size_t i = 0; i < sizeof(canary); i++)
		canary[i] = (unsigned char)(PATTERN ^ i);
	CHECK(c >= 0, "open /dev/vfio/vfio");
	/* Past OPS rounds, go on until a handler has landed (at most 1000 x OPS): on
	 * a loaded host the signalling thread may not run before a lone worker ends. */
	for (long r = 0;
	     r < ops || (!atomic_load(&big_ok) && !atomic_load(&big_bad) && r < 1000L * ops); r++) {
		ioctl(c, VFIO_GET_API_VERSION);
		atomic_fetch_add(&api, 1);
		ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
		atomic_fetch_add(&ext, 1);
		check_canary(canary, sizeof(canary));
	}
	close(c);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

static int run_threads(int n)
{
	pthread_t t[64];
	struct sigaction sa = {.sa_handler = on_usr1_big, .sa_flags = SA_RESTART};

	CHECK(n > 0 && n <= 64, "1 to 64 threads");
	CHECK(!sigaction(SIGUSR1, &sa, NULL), "sigaction");
	atomic_store(&running, n);
	for (int i = 0; i < n; i++)
		CHECK(!pthread_create(&t[i], NULL, worker, NULL), "pthread_create");
	long sent = 0;
	for (unsigned i = 0; atomic_load(&running) > 0; i++) {
		/* A thread that already finished is not signalled (pthread_kill would race its
		 * exit). */
		if (!pthread_kill(t[i % (unsigned)n], 0) && atomic_load(&running) > 0) {
			pthread_kill(t[i % (unsigned)n], SIGUSR1);
			sent++;
		}
		if (i % 8 == 7)
			usleep(20);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("threads: %d threads, signals=%ld handled=%ld big_bad=%ld bad_canary=%ld api=%ld "
	       "ext=%ld\n",
	       n, sent, atomic_load(&big_ok), atomic_load(&big_bad), atomic_load(&bad_canary),
	       atomic_load(&api), atomic_load(&ext));
	return atomic_load(&big_bad) || atomic_load(&bad_canary);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "nested")) {
		ops = atoi(argv[2]);
		return run_nested();
	}
	if (argc == 4 && !strcmp(argv[1], "threads")) {
		ops = atoi(argv[3]);
		return run_threads(atoi(argv[2]));
	}
	fprintf(stderr, "usage: sigdeep nested OPS | sigdeep threads N OPS\n");
	return 2;
}
