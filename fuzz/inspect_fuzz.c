// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: inspect arbitrary bytes both ways the code reads them, as
 * a memory image (elf_memory) and as a file (a memfd through
 * vfc_inspect_path: open, fstat, ELF_C_READ, pread). Neither may crash, every
 * failure must name its problem, and both must reach the same answer.
 * VFC_FUZZ_MEM_ONLY=1 skips the file side (about 20 times faster) for long runs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1, mem_only = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfc_inspect m, f;
	char merr[512], ferr[512], path[64];
	int mret, fret;

	mret = vfc_inspect_mem(data, size, &m, merr, sizeof(merr));
	if (mret ? !merr[0] : !m.reason || !m.if_vfio_reason)
		__builtin_trap();
	if (mem_only < 0)
		mem_only = getenv("VFC_FUZZ_MEM_ONLY") && !strcmp(getenv("VFC_FUZZ_MEM_ONLY"), "1");
	if (mem_only)
		return 0;
	if (memfd < 0 && (memfd = memfd_create("inspect-fuzz", MFD_CLOEXEC)) < 0)
		return 0;
	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	fret = vfc_inspect_path(path, &f, ferr, sizeof(ferr));
	if (fret != mret) {
		fprintf(stderr, "memory: %d %s\nfile: %d %s\n", mret, mret ? merr : m.reason, fret,
			fret ? ferr : f.reason);
		__builtin_trap();
	}
	if (!mret &&
	    (m.strategy != f.strategy || m.imports != f.imports || m.dynamic != f.dynamic ||
	     strcmp(m.interp, f.interp) || strcmp(m.go_version, f.go_version)))
		__builtin_trap();
	return 0;
}
