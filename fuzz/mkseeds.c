// SPDX-License-Identifier: GPL-2.0-only
/* Writes the inspect fuzzer's seed corpus: tiny crafted ELF images, one per shape. */
#include <stdio.h>
#include <string.h>

#include "../tests/unit/elfimg.h"

static int put(const char *dir, const char *name, const void *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		struct elfimg o;
	} seeds[] = {
	    {"preload",
	     {.interp = "/lib64/ld-linux-x86-64.so.2",
	      .needed = "libc.so.6",
	      .imports = {"open", "ioctl"},
	      .rodata = "/dev/vfio/vfio"}},
	    {"fortify",
	     {.interp = "/lib64/ld-linux-x86-64.so.2",
	      .needed = "libc.so.6",
	      .imports = {"__open_2", "openat64", "ioctl"},
	      .rodata = "/dev/iommu"}},
	    {"static", {.rodata = "/dev/vfio/vfio"}},
	    {"static-pie", {.type = ET_DYN, .dynamic_section = true, .rodata = "/dev/vfio/%d"}},
	    {"go",
	     {.interp = "/lib64/ld-linux-x86-64.so.2",
	      .needed = "libc.so.6",
	      .go_version = "go1.22.1",
	      .rodata = "/dev/vfio/vfio"}},
	    {"musl-rust",
	     {.interp = "/lib/ld-musl-x86_64.so.1",
	      .needed = "libc.musl-x86_64.so.1",
	      .imports = {"open", "ioctl"},
	      .extra_section = ".rustc",
	      .rodata = "/rustc/abc/library/core"}},
	    {"no-vfio",
	     {.interp = "/lib64/ld-linux-x86-64.so.2",
	      .needed = "libc.so.6",
	      .imports = {"ioctl"}}},
	};
	unsigned char b[4096];
	Elf32_Ehdr e32 = {0};
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		ret |= put(argv[1], seeds[i].name, b, elfimg_build(b, &seeds[i].o));
	/* The first 100 bytes of one: header tables past the end. */
	ret |= put(argv[1], "truncated", b, 100);
	memcpy(e32.e_ident, ELFMAG, SELFMAG);
	e32.e_ident[EI_CLASS] = ELFCLASS32;
	e32.e_ident[EI_DATA] = ELFDATA2LSB;
	e32.e_type = ET_EXEC;
	e32.e_machine = EM_386;
	ret |= put(argv[1], "elf32", &e32, sizeof(e32));
	ret |= put(argv[1], "script", "#!/bin/sh\necho /dev/vfio/vfio\n", 30);
	return ret;
}
