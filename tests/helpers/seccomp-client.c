// SPDX-License-Identifier: GPL-2.0-only
/*
 * A type1 VFIO client that sandboxes itself as QEMU's -sandbox and
 * cloud-hypervisor do, but strictly: after start-up it installs a seccomp
 * allow-list of exactly the syscalls named on its command line (the test
 * takes them from strace of a plain run) and is killed on any other. Then it
 * does what a type1 client does: open the container, probe, SET_IOMMU,
 * GET_INFO, MAP/UNMAP_DMA of an anonymous buffer, close. Prints one line per
 * step with the result; "done" at the end proves it was not killed.
 *   seccomp-client [--errno|--enosys] SYSCALL...
 * (--errno: EPERM instead of kill; --enosys: ENOSYS, as a filter that does
 * not know the call, or a kernel without it)
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"

/* arm64 has only the newer forms (openat, dup3, readlinkat): no number matches these. */
#ifndef SYS_open
#define SYS_open (-1)
#endif
#ifndef SYS_dup2
#define SYS_dup2 (-1)
#endif
#ifndef SYS_readlink
#define SYS_readlink (-1)
#endif

static const struct {
	const char *name;
	int nr;
} table[] = {
#define S(n)                                                                                       \
	{                                                                                          \
#n, SYS_##n                                                                        \
	}
    S(openat),
    S(open),
    S(close),
    S(ioctl),
    S(read),
    S(write),
    S(mmap),
    S(munmap),
    S(brk),
    S(fstat),
    S(newfstatat),
    S(exit_group),
    S(exit),
    S(getpid),
    S(rt_sigreturn),
    S(futex),
    S(process_vm_readv),
    S(lseek),
    S(statx),
    S(faccessat),
    S(faccessat2),
    S(fcntl),
    S(dup),
    S(dup2),
    S(dup3),
    S(close_range),
    S(getrandom),
    S(mprotect),
    S(readlink),
    S(readlinkat),
    S(getdents64),
#undef S
};

/* The filter checks the architecture: this build's own. */
#if defined(__x86_64__)
#define HOST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define HOST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define HOST_AUDIT_ARCH AUDIT_ARCH_I386
#endif

static int nr_of(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, name))
			return table[i].nr;
	DIE("syscall %s is not in seccomp-client's table", name);
}

static void sandbox(int argc, char **argv, int err)
{
	struct sock_filter f[128];
	unsigned n = 0;

#define ADD(...) (f[n++] = (struct sock_filter)__VA_ARGS__)
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	ADD(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, HOST_AUDIT_ARCH, 1, 0));
	ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	ADD(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
	for (int i = 0; i < argc; i++) {
		CHECK(n + 3 < sizeof(f) / sizeof(f[0]), "too many syscalls");
		ADD(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr_of(argv[i]), 0, 1));
		ADD(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	}
	ADD(BPF_STMT(BPF_RET | BPF_K, err ? SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)
					  : SECCOMP_RET_KILL_PROCESS));
#undef ADD
	struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
	CHECK(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS");
	CHECK(!syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog), "seccomp");
}

static void step(const char *name, long ret)
{
	printf("%s ret=%ld errno=%d\n", name, ret, ret < 0 ? errno : 0);
}

int main(int argc, char **argv)
{
	int err = argc < 2			 ? 0
		  : !strcmp(argv[1], "--errno")	 ? EPERM
		  : !strcmp(argv[1], "--enosys") ? ENOSYS
						 : 0;
	int skip = 1 + (err != 0);

	/* stdout is a pipe or file: fully buffered, written at exit in one go. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	printf("sandboxed\n");
	if (argc > skip)
		sandbox(argc - skip, argv + skip, err);

	/* VFC_GROUP (the VM lab): attach a real group, so SET_IOMMU and MAP_DMA work. */
	const char *gpath = getenv("VFC_GROUP");
	int g = gpath ? open(gpath, O_RDWR | O_CLOEXEC) : -1;
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	step("open", c);
	if (gpath)
		step("attach", ioctl(g, VFIO_GROUP_SET_CONTAINER, &c));
	step("api", ioctl(c, VFIO_GET_API_VERSION));
	step("ext", ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	step("set", ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	struct vfio_iommu_type1_info info = {.argsz = sizeof(info)};
	step("info", ioctl(c, VFIO_IOMMU_GET_INFO, &info));
	void *buf = mmap(NULL, 1 << 21, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vfio_iommu_type1_dma_map map = {.argsz = sizeof(map),
					       .flags =
						   VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
					       .vaddr = (uintptr_t)buf,
					       .iova = 1 << 30,
					       .size = 1 << 21};
	step("map", ioctl(c, VFIO_IOMMU_MAP_DMA, &map));
	struct vfio_iommu_type1_dma_unmap unmap = {
	    .argsz = sizeof(unmap), .iova = 1 << 30, .size = 1 << 21};
	step("unmap", ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap));
	munmap(buf, 1 << 21);
	step("close", close(c));
	if (g >= 0)
		close(g);
	printf("done\n");
	return 0;
}
