// SPDX-License-Identifier: GPL-2.0-only
/*
 * Concurrency, process-chain and signal torture for the shim, run under it
 * in ns-run's namespace (the container redirects to the /dev/iommu stand-in,
 * so a container fd reads back as "/dev/iommu" in /proc/self/fd and nothing
 * else does). Modes:
 *   threads N OPS   N threads, OPS operations each, on fds each thread owns;
 *                   then the shim's own fd table (found through the loaded
 *                   library's symbol table, no test hook in the product) is
 *                   compared with /proc/self/fd for every fd number.
 *   chain DEPTH     fork / vfork+exec / posix_spawn / exec of itself, each
 *                   image opening the container and issuing ioctls.
 *   signals SECS    a handler that opens, ioctls and closes while the main
 *                   thread is inside the shim doing the same.
 *   sigfirst N      N forked children, each with signals already flowing
 *                   when its first container open makes the shim open the
 *                   report (the window in which a handler's records were
 *                   lost); one "child=PID main_opens= handler_opens=
 *                   first_hits=" line each (first_hits: handler runs inside
 *                   that first open call).
 * Prints "key=value" facts for tests/integration/torture.sh to check.
 */
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/vfio.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"

#define CONTAINER  "/dev/vfio/vfio"
#define REDIRECTED "/dev/iommu"
#define HELD	   24	/* fds a thread holds at most */
#define SLOTS	   64	/* dup2/dup3 targets reserved per thread */
#define SLOT_BASE  4096 /* above any number the kernel hands out here */

extern char **environ;

/* ---- the shim's table, read from outside ---- */

static const char *shim_path;
static uintptr_t shim_base;

static int find_shim(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size, (void)data;
	if (info->dlpi_name && strstr(info->dlpi_name, "libvfiocompat")) {
		shim_path = info->dlpi_name;
		shim_base = info->dlpi_addr;
		return 1;
	}
	return 0;
}

/* The address of a (hidden) global of the loaded shim, from its .symtab. */
static void *shim_symbol(const char *name)
{
	struct stat st;
	void *hit = NULL;

	dl_iterate_phdr(find_shim, NULL);
	if (!shim_path)
		return NULL;
	int fd = open(shim_path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && !fstat(fd, &st), "open %s", shim_path);
	const uint8_t *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "mmap %s", shim_path);
	close(fd);
	const Elf64_Ehdr *eh = (const void *)m;
	const Elf64_Shdr *sh = (const void *)(m + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum && !hit; i++) {
		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		const Elf64_Sym *sym = (const void *)(m + sh[i].sh_offset);
		const char *str = (const char *)(m + sh[sh[i].sh_link].sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++)
			if (!strcmp(str + sym[k].st_name, name))
				hit = (void *)(shim_base + sym[k].st_value);
	}
	munmap((void *)m, (size_t)st.st_size);
	return hit;
}

static bool is_container(int fd)
{
	char link[64], target[256];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, REDIRECTED);
}

/* ---- threads ---- */

struct held {
	int fd;
	bool container;
};

struct worker {
	int id;
	long ops;
	pthread_t tid;
	long container_opens, container_ioctls, done;
};

static int vfio_dir;
static const char *foreign_path;

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void drop(struct held *h, int *n, int i)
{
	h[i] = h[--*n];
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct held h[HELD + SLOTS];
	int n = 0, fd;
	uint32_t seed = 0x9e3779b9u * (uint32_t)(w->id + 1);
	int lo = SLOT_BASE + w->id * SLOTS;

	for (long op = 0; op < w->ops; op++) {
		uint32_t r = next_rand(&seed);
		int pick = n ? (int)(r >> 8) % n : -1;
		int slot = lo + (int)((r >> 16) % SLOTS);
		switch (r % 12) {
		case 0: /* the container, by each spelling */
		case 1:
			if (n >= HELD)
				break;
			fd = r & 0x100	 ? openat(vfio_dir, "vfio", O_RDWR | O_CLOEXEC)
			     : r & 0x200 ? open64(CONTAINER, O_RDWR)
					 : open(CONTAINER, O_RDWR | O_CLOEXEC);
			CHECK(fd >= 0, "open container");
			h[n++] = (struct held){fd, true};
			w->container_opens++;
			break;
		case 2: /* foreign files, one named like VFIO's */
			if (n >= HELD)
				break;
			fd = r & 0x100 ? open("/dev/null", O_RDWR)
				       : openat(AT_FDCWD, foreign_path, O_RDONLY);
			CHECK(fd >= 0, "open foreign");
			h[n++] = (struct held){fd, false};
			break;
		case 3:
			if (pick < 0 || n >= HELD)
				break;
			fd = r & 0x100
				 ? dup(h[pick].fd)
				 : fcntl(h[pick].fd, r & 0x200 ? F_DUPFD_CLOEXEC : F_DUPFD, 3);
			CHECK(fd >= 0, "dup");
			h[n++] = (struct held){fd, h[pick].container};
			break;
		case 4: { /* onto a number this thread reserved: may replace one it holds */
			if (pick < 0)
				break;
			struct held src = h[pick];
			for (int i = 0; i < n; i++)
				if (h[i].fd == slot) {
					if (src.fd == slot)
						goto same;
					drop(h, &n, i);
					break;
				}
			fd = r & 0x100 ? dup2(src.fd, slot) : dup3(src.fd, slot, O_CLOEXEC);
			CHECK(fd == slot, "dup2/dup3");
			h[n++] = (struct held){fd, src.container};
		same:
			break;
		}
		case 5:
		case 6:
			if (pick < 0)
				break;
			CHECK(!close(h[pick].fd), "close");
			drop(h, &n, pick);
			break;
		case 7: /* everything in this thread's reserved range */
			CHECK(!close_range((unsigned)lo, (unsigned)(lo + SLOTS - 1), 0),
			      "close_range");
			for (int i = n - 1; i >= 0; i--)
				if (h[i].fd >= lo && h[i].fd < lo + SLOTS)
					drop(h, &n, i);
			break;
		default: /* container ioctls; the shim counts exactly those on containers */
			if (pick < 0)
				break;
			ioctl(h[pick].fd, VFIO_GET_API_VERSION);
			w->container_ioctls += h[pick].container;
			break;
		}
		w->done++;
	}
	/* Leave what it holds open: the table must still agree at the end. */
	return NULL;
}

static int threads(int nthreads, long ops)
{
	static struct worker w[256];
	char path[] = "/tmp/vfio-torture-foreign.XXXXXX";
	long done = 0, opens = 0, ioctls = 0;

	CHECK(nthreads > 0 && nthreads <= 256, "threads");
	struct rlimit rl;
	CHECK(!getrlimit(RLIMIT_NOFILE, &rl), "getrlimit");
	rl.rlim_cur = rl.rlim_max;
	CHECK(rl.rlim_max > (rlim_t)(SLOT_BASE + nthreads * SLOTS) &&
		  !setrlimit(RLIMIT_NOFILE, &rl),
	      "RLIMIT_NOFILE must allow fd %d", SLOT_BASE + nthreads * SLOTS);
	int tmp = mkstemp(path);
	CHECK(tmp >= 0, "mkstemp");
	close(tmp);
	foreign_path = path;
	vfio_dir = open("/dev/vfio", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(vfio_dir >= 0, "open /dev/vfio");
	for (int i = 0; i < nthreads; i++) {
		w[i] = (struct worker){.id = i, .ops = ops};
		CHECK(!pthread_create(&w[i].tid, NULL, work, &w[i]), "pthread_create");
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		done += w[i].done, opens += w[i].container_opens, ioctls += w[i].container_ioctls;
	}
	close(vfio_dir);
	unlink(path);

	/* Every fd number the kernel or the shim could know, both ways. */
	_Atomic uint32_t *table = shim_symbol("vfc_fd_table");
	long fds = 0, containers = 0, mismatches = 0;
	int maxfd = SLOT_BASE + nthreads * SLOTS;
	for (int fd = 0; fd < maxfd; fd++) {
		bool open_now = fcntl(fd, F_GETFD) >= 0;
		bool truth = open_now && is_container(fd);
		fds += open_now;
		containers += truth;
		if (table) {
			uint32_t e = atomic_load(&table[fd]);
			/* kind 1: redirected container; nothing else is ever opened here. */
			if ((e & 0xff) != (truth ? 1u : 0u)) {
				if (mismatches++ < 10)
					fprintf(stderr,
						"torture: fd %d: shim entry %#x, kernel: %s\n", fd,
						e,
						!open_now ? "closed"
						: truth	  ? "container"
							  : "other");
			}
		}
	}
	printf("ops=%ld container_opens=%ld container_ioctls=%ld open_fds=%ld containers=%ld "
	       "table=%s mismatches=%ld\n",
	       done, opens, ioctls, fds, containers, table ? "read" : "absent", mismatches);
	/* The shim's view through behaviour too: one ioctl per fd it calls a container. */
	for (int fd = 0; fd < maxfd; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			ioctl(fd, VFIO_IOMMU_GET_INFO, NULL);
	return mismatches ? 1 : 0;
}

/* ---- process chains ---- */

static int chain(const char *self, int depth)
{
	int fd = open(CONTAINER, O_RDWR);
	CHECK(fd >= 0, "open container");
	ioctl(fd, VFIO_GET_API_VERSION);
	printf("chain pid=%d depth=%d\n", getpid(), depth);
	fflush(stdout);
	if (depth > 0) {
		char d[16];
		snprintf(d, sizeof(d), "%d", depth - 1);
		char *argv[] = {(char *)self, "chain", d, NULL};
		/* Under an emulator (VFC_EXEC_WRAP, check-arm64: qemu-aarch64,
		 * which cannot exec a foreign binary itself), through it. */
		char *wrap = getenv("VFC_EXEC_WRAP");
		char *wargv[] = {wrap, (char *)self, "chain", d, NULL};
		pid_t pid;

		if (!wrap || !*wrap)
			wrap = NULL;
		switch (depth % 4) {
		case 0: /* fork, no exec: the child goes on in this image */
			pid = fork();
			CHECK(pid >= 0, "fork");
			if (pid == 0) {
				ioctl(fd, VFIO_GET_API_VERSION); /* inherited, still tracked */
				close(fd);
				exit(chain(self, depth - 1));
			}
			break;
		case 1:
			pid = vfork();
			CHECK(pid >= 0, "vfork");
			if (pid == 0) {
				if (wrap)
					execvp(wrap, wargv);
				else
					execv(self, argv);
				_exit(127);
			}
			break;
		case 2:
			CHECK(!(wrap ? posix_spawnp(&pid, wrap, NULL, NULL, wargv, environ)
				     : posix_spawn(&pid, self, NULL, NULL, argv, environ)),
			      "posix_spawn");
			break;
		default: /* exec in place: same pid, a new image of the shim */
			close(fd);
			if (wrap)
				execvp(wrap, wargv);
			else
				execv(self, argv);
			DIE("execv");
		}
		int st;
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
		CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "child of depth %d failed", depth);
	}
	ioctl(fd, VFIO_GET_API_VERSION);
	close(fd);
	return 0;
}

/* ---- signals ---- */

static atomic_long handler_opens, handler_runs;

static void on_signal(int sig)
{
	int saved = errno;
	(void)sig;
	int fd = open(CONTAINER, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		atomic_fetch_add(&handler_opens, 1);
		ioctl(fd, VFIO_GET_API_VERSION);
		int copy = dup(fd);
		close(copy);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		close(fd);
	atomic_fetch_add(&handler_runs, 1);
	errno = saved;
}

static atomic_int stop;
static pthread_t main_thread;

static void *signaller(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 20000};
	while (!atomic_load(&stop)) {
		pthread_kill(main_thread, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static int signals(int secs)
{
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
	pthread_t t;
	long opens = 0;
	time_t end = time(NULL) + secs;

	sigaction(SIGUSR1, &sa, NULL);
	main_thread = pthread_self();
	CHECK(!pthread_create(&t, NULL, signaller, NULL), "pthread_create");
	while (time(NULL) < end) {
		int fd = open(CONTAINER, O_RDWR);
		CHECK(fd >= 0, "open container");
		opens++;
		ioctl(fd, VFIO_GET_API_VERSION);
		int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		close(fd);
		close(copy);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("main_opens=%ld handler_runs=%ld handler_opens=%ld\n", opens,
	       atomic_load(&handler_runs), atomic_load(&handler_opens));
	return 0;
}

/*
 * sigfirst: the handler opens only once `armed`, so the child's own first
 * open is the one that opens the report, with a signal due every few us.
 * The signaller sends a bounded number: a handler that cannot make progress
 * must show up as lost records, not as a hang.
 */
static atomic_int armed, sent, in_first, first_hits;

static void on_signal_armed(int sig)
{
	if (atomic_load(&armed)) {
		atomic_fetch_add(&first_hits, atomic_load(&in_first));
		on_signal(sig);
	} else
		atomic_fetch_add(&handler_runs, 1);
}

static void *signaller_bounded(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 5000};
	while (!atomic_load(&stop) && atomic_fetch_add(&sent, 1) < 4000) {
		pthread_kill(main_thread, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static int sigfirst_child(void)
{
	struct sigaction sa = {.sa_handler = on_signal_armed, .sa_flags = SA_RESTART};
	pthread_t t;
	long opens = 0;

	sigaction(SIGUSR1, &sa, NULL);
	main_thread = pthread_self();
	CHECK(!pthread_create(&t, NULL, signaller_bounded, NULL), "pthread_create");
	while (!atomic_load(&handler_runs))
		sched_yield();
	atomic_store(&armed, 1);
	for (int i = 0; i < 20; i++) {
		atomic_store(&in_first, !i);
		int fd = open(CONTAINER, O_RDWR);
		atomic_store(&in_first, 0);
		CHECK(fd >= 0, "open container");
		opens++;
		ioctl(fd, VFIO_GET_API_VERSION);
		close(fd);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("child=%d main_opens=%ld handler_opens=%ld first_hits=%d\n", (int)getpid(), opens,
	       atomic_load(&handler_opens), atomic_load(&first_hits));
	return 0;
}

static int sigfirst(int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();
		CHECK(pid >= 0, "fork");
		if (!pid)
			_exit(sigfirst_child());
		CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
		failed += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	printf("children=%d failed=%d\n", n, failed);
	return failed != 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "threads"))
		return threads(atoi(argv[2]), atol(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "chain"))
		/* argv[0], not /proc/self/exe: under valgrind that is the tool. */
		return chain(strchr(argv[0], '/') ? argv[0] : "/proc/self/exe", atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "signals"))
		return signals(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "sigfirst"))
		return sigfirst(atoi(argv[2]));
	fprintf(stderr, "usage: torture threads N OPS | chain DEPTH | signals SECS | sigfirst N\n");
	return 2;
}
