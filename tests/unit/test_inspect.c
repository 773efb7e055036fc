// SPDX-License-Identifier: GPL-2.0-only
/* inspect: the verdict rules, the chunked string scan, ELF images built in memory and files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytescan.h"
#include "elfimg.h"
#include "inspect.h"
#include "unit.h"

#define LDSO "/lib64/ld-linux-x86-64.so.2"

START_TEST(test_strategy_names_are_distinct)
{
	/* `vfiocompat run` and JSON consumers key on these. */
	ck_assert_str_eq(vfc_strategy_name(VFC_STRAT_PRELOAD), "preload works");
	ck_assert_str_eq(vfc_strategy_name(VFC_STRAT_MOUNT_NS), "use --mount-ns");
	ck_assert_str_eq(vfc_strategy_name(VFC_STRAT_MODULE_AUDIT), "use the eBPF audit");
	ck_assert_str_eq(vfc_strategy_key(VFC_STRAT_MODULE_AUDIT), "ebpf-audit");
	ck_assert_str_eq(vfc_strategy_name(VFC_STRAT_NOT_VFIO), "not a VFIO user");
	ck_assert_str_eq(vfc_strategy_key(VFC_STRAT_MOUNT_NS), "mount-ns");
	ck_assert_str_eq(vfc_import_name(VFC_IMP_OPEN_2), "__open_2");
	ck_assert_ptr_null(vfc_import_name(1u << VFC_IMP_NBITS));
}
END_TEST

static unsigned char img[4096];

static size_t build(const struct elfimg *o)
{
	return elfimg_build(img, o);
}

static int inspect(size_t len, struct vfc_inspect *in, char *err)
{
	return vfc_inspect_mem(img, len, in, err, 256);
}

START_TEST(test_elf_dynamic_importing_open_and_ioctl_preloads)
{
	struct elfimg o = {.interp = LDSO,
			   .needed = "libc.so.6",
			   .imports = {"__open64_2", "openat", "ioctl", "read"},
			   .rodata = "/dev/vfio/vfio"};
	struct vfc_inspect in;
	char err[256];

	ck_assert_int_eq(inspect(build(&o), &in, err), 0);
	ck_assert(in.is_elf && in.dynamic && !in.static_pie && in.symbols_read);
	ck_assert_int_eq(in.elf_class, 64);
	ck_assert_str_eq(in.interp, LDSO);
	ck_assert_uint_eq(in.imports, VFC_IMP_OPEN_2 | VFC_IMP_OPENAT | VFC_IMP_IOCTL);
	ck_assert(in.refs_vfio_container && in.refs_vfio_any && !in.refs_iommu);
	ck_assert(!in.go && !in.rust && !in.musl && !in.scan_capped);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
	/* Memory images have no mode bits: never secure-exec. */
	ck_assert(!in.setuid && !in.setgid && !in.file_caps);
}
END_TEST

START_TEST(test_elf_defined_symbols_are_not_imports)
{
	/* An executable that defines its own "open" does not import it. */
	struct elfimg o = {.interp = LDSO, .needed = "libc.so.6", .imports = {"ioctl"}};
	struct vfc_inspect in;
	char err[256];
	size_t len = build(&o);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Shdr *sh = (Elf64_Shdr *)(img + eh->e_shoff);

	for (int i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_DYNSYM)
			((Elf64_Sym *)(img + sh[i].sh_offset))[1].st_shndx = 1;
	ck_assert_int_eq(inspect(len, &in, err), 0);
	ck_assert_uint_eq(in.imports, 0);
}
END_TEST

START_TEST(test_elf_static_and_static_pie_need_mount_ns)
{
	struct elfimg st = {.rodata = "/dev/vfio/vfio"};
	struct elfimg pie = {.type = ET_DYN, .dynamic_section = true, .rodata = "/dev/vfio/%d"};
	struct vfc_inspect in;
	char err[256];

	ck_assert_int_eq(inspect(build(&st), &in, err), 0);
	ck_assert(!in.dynamic && !in.static_pie && !in.symbols_read);
	ck_assert_str_eq(in.interp, "");
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
	ck_assert_int_eq(inspect(build(&pie), &in, err), 0);
	ck_assert(!in.dynamic && in.static_pie);
	ck_assert(!in.refs_vfio_container && in.refs_vfio_any);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
}
END_TEST

START_TEST(test_elf_go_build_info_inline_version)
{
	struct elfimg o = {.interp = LDSO,
			   .needed = "libc.so.6",
			   .imports = {"open", "ioctl"},
			   .go_version = "go1.22.1",
			   .rodata = "/dev/iommu"};
	struct vfc_inspect in;
	char err[256];

	ck_assert_int_eq(inspect(build(&o), &in, err), 0);
	ck_assert(in.go);
	ck_assert_str_eq(in.go_version, "go1.22.1");
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
}
END_TEST

START_TEST(test_elf_go_build_info_pointer_version)
{
	/* Before Go 1.18: the header points at a Go string header {data, len}. */
	static const char pad[] = "................................................";
	struct elfimg o = {.go_version = "go0.0.0", .rodata = pad};
	size_t len = build(&o);
	unsigned char *bi = memmem(img, len, "\xff Go buildinf:", 14);
	unsigned char *ro = memmem(img, len, pad, sizeof(pad) - 1);
	uint64_t hdr = ELFIMG_VADDR + (uint64_t)(ro - img), str = hdr + 16, n = 8;
	struct vfc_inspect in;
	char err[256];

	ck_assert_ptr_nonnull(bi);
	ck_assert_ptr_nonnull(ro);
	bi[15] = 0;
	memcpy(bi + 16, &hdr, 8);
	memcpy(ro, &str, 8);
	memcpy(ro + 8, &n, 8);
	memcpy(ro + 16, "go1.17.3", 8);
	ck_assert_int_eq(inspect(len, &in, err), 0);
	ck_assert_str_eq(in.go_version, "go1.17.3");
	/* A pointer outside every segment: still Go, version unknown, no crash. */
	hdr = 0xdead0000;
	memcpy(bi + 16, &hdr, 8);
	ck_assert_int_eq(inspect(len, &in, err), 0);
	ck_assert(in.go);
	ck_assert_str_eq(in.go_version, "");
}
END_TEST

START_TEST(test_elf_musl_and_rust_hints)
{
	struct elfimg o = {.interp = "/lib/ld-musl-x86_64.so.1",
			   .needed = "libc.musl-x86_64.so.1",
			   .imports = {"open", "ioctl"},
			   .extra_section = ".rustc"};
	struct elfimg n = {.type = ET_DYN,
			   .needed = "libc.musl-x86_64.so.1",
			   .rodata = "/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library"};
	struct vfc_inspect in;
	char err[256];

	ck_assert_int_eq(inspect(build(&o), &in, err), 0);
	ck_assert(in.musl && in.rust && in.dynamic);
	ck_assert_int_eq(in.strategy, VFC_STRAT_NOT_VFIO);
	ck_assert_int_eq(in.if_vfio, VFC_STRAT_PRELOAD);
	/* A shared library: musl from DT_NEEDED alone, Rust from a /rustc/ path. */
	ck_assert_int_eq(inspect(build(&n), &in, err), 0);
	ck_assert(in.musl && in.rust && in.dynamic);
}
END_TEST

START_TEST(test_elf_every_truncation_is_an_error)
{
	struct elfimg o = {.interp = LDSO,
			   .needed = "libc.so.6",
			   .imports = {"open", "ioctl"},
			   .go_version = "go1.22.1",
			   .rodata = "/dev/vfio/vfio"};
	size_t len = build(&o);
	struct vfc_inspect in;
	char err[256];

	for (size_t n = 0; n < len; n++) {
		ck_assert_msg(inspect(n, &in, err) == -1, "%zu of %zu bytes accepted", n, len);
		ck_assert_msg(err[0] && strchr(err, ';'), "%zu: no remedy in '%s'", n, err);
		if (n >= SELFMAG)
			ck_assert_msg(strstr(err, "truncated"), "%zu: '%s'", n, err);
	}
	ck_assert_int_eq(inspect(len, &in, err), 0);
}
END_TEST

START_TEST(test_elf_without_section_headers)
{
	/* sstrip'ed: only program headers. Still dynamic; imports unknown. */
	struct elfimg o = {.interp = LDSO,
			   .needed = "libc.so.6",
			   .imports = {"open", "ioctl"},
			   .rodata = "/dev/vfio/vfio"};
	size_t len = build(&o);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	struct vfc_inspect in;
	char err[256];

	eh->e_shoff = 0;
	eh->e_shnum = 0;
	eh->e_shstrndx = 0;
	ck_assert_int_eq(inspect(len, &in, err), 0);
	ck_assert(in.dynamic && !in.symbols_read && in.refs_vfio_container);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
	ck_assert_ptr_nonnull(strstr(in.reason, "no dynamic symbol table"));
	/* e_shnum 0 means "count in section 0": that section must exist. */
	eh->e_shoff = len + 64;
	ck_assert_int_eq(inspect(len, &in, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "section header table"));
}
END_TEST

START_TEST(test_elf_foreign_and_non_programs_are_errors)
{
	struct elfimg o = {.interp = LDSO};
	struct vfc_inspect in;
	char err[256];
	size_t len = build(&o);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;

	eh->e_ident[EI_CLASS] = ELFCLASS32;
	ck_assert_int_eq(inspect(len, &in, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "32-bit ELF"));
	ck_assert_int_eq(in.elf_class, 32);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	ck_assert_int_eq(inspect(len, &in, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "byte order"));
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_machine = EM_AARCH64 + EM_X86_64 - eh->e_machine; /* the other one */
	ck_assert_int_eq(inspect(len, &in, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "machine"));
	build(&o);
	eh->e_type = ET_REL;
	ck_assert_int_eq(inspect(len, &in, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "relocatable"));
	eh->e_type = ET_CORE;
	ck_assert_int_eq(inspect(len, &in, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a program"));
}
END_TEST

START_TEST(test_non_elf_inputs_are_errors)
{
	struct vfc_inspect in;
	char err[256];

	ck_assert_int_eq(vfc_inspect_mem("", 0, &in, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "empty"));
	ck_assert_int_eq(vfc_inspect_mem("#! /bin/sh\nexit", 15, &in, err, sizeof(err)), -1);
	ck_assert_str_eq(err,
			 "a script (#!/bin/sh), not an ELF binary; inspect the program it runs");
	ck_assert_int_eq(vfc_inspect_mem("MZ\x90\x00", 4, &in, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not an ELF binary"));
	ck_assert(!in.is_elf);
	/* A tiny error buffer is cut, never overrun. */
	ck_assert_int_eq(vfc_inspect_mem("MZ", 2, &in, err, 8), -1);
	ck_assert_uint_eq(strlen(err), 7);
}
END_TEST

START_TEST(test_elf_hostile_strings_are_cleaned)
{
	struct elfimg o = {.interp = "/lib\x1b[31m/ld\xff.so"};
	struct vfc_inspect in;
	char err[256];

	ck_assert_int_eq(inspect(build(&o), &in, err), 0);
	ck_assert_str_eq(in.interp, "/lib?[31m/ld?.so");
}
END_TEST

static char tmpdir[64];

static void mktmp(void)
{
	strcpy(tmpdir, "/tmp/vfc-unit-inspect.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rmtmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *path, const void *b, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b, n), (ssize_t)n);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

START_TEST(test_path_mode_bits_and_symlinks)
{
	struct elfimg o = {.interp = LDSO,
			   .needed = "libc.so.6",
			   .imports = {"open", "ioctl"},
			   .rodata = "/dev/vfio/vfio"};
	size_t len = build(&o);
	struct vfc_inspect in;
	char p[128], l[128], err[256];

	mktmp();
	snprintf(p, sizeof(p), "%s/prog", tmpdir);
	snprintf(l, sizeof(l), "%s/link", tmpdir);
	write_file(p, img, len, 0755);
	ck_assert_int_eq(vfc_inspect_path(p, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
	ck_assert_uint_eq(in.file_size, len);
	ck_assert_uint_eq(in.scanned, len);
	ck_assert_int_eq(symlink("prog", l), 0);
	ck_assert_int_eq(vfc_inspect_path(l, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
	ck_assert_int_eq(chmod(p, 04755), 0);
	ck_assert_int_eq(vfc_inspect_path(l, &in, err, sizeof(err)), 0);
	ck_assert(in.setuid && !in.setgid);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MODULE_AUDIT);
	/* setgid without group execute is mandatory locking, not secure exec. */
	ck_assert_int_eq(chmod(p, 02745), 0);
	ck_assert_int_eq(vfc_inspect_path(p, &in, err, sizeof(err)), 0);
	ck_assert(!in.setgid);
	ck_assert_int_eq(chmod(p, 02755), 0);
	ck_assert_int_eq(vfc_inspect_path(p, &in, err, sizeof(err)), 0);
	ck_assert(in.setgid);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MODULE_AUDIT);
	rmtmp();
}
END_TEST

START_TEST(test_path_errors_name_the_problem)
{
	struct vfc_inspect in;
	char p[128], err[256];

	mktmp();
	snprintf(p, sizeof(p), "%s/missing", tmpdir);
	ck_assert_int_eq(vfc_inspect_path(p, &in, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no such file"));
	ck_assert_int_eq(vfc_inspect_path(tmpdir, &in, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "a directory"));
	/* A FIFO without a writer: opening it must not block. */
	snprintf(p, sizeof(p), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_eq(vfc_inspect_path(p, &in, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "a FIFO"));
	ck_assert_int_eq(vfc_inspect_path("/dev/null", &in, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "a character device"));
	snprintf(p, sizeof(p), "%s/empty", tmpdir);
	write_file(p, "", 0, 0644);
	ck_assert_int_eq(vfc_inspect_path(p, &in, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "empty file"));
	rmtmp();
}
END_TEST

Suite *inspect_suite(void)
{
	Suite *s = suite_create("inspect");
	TCase *tc = tcase_create("inspect");

	tcase_add_test(tc, test_strategy_names_are_distinct);
	tcase_add_test(tc, test_elf_dynamic_importing_open_and_ioctl_preloads);
	tcase_add_test(tc, test_elf_defined_symbols_are_not_imports);
	tcase_add_test(tc, test_elf_static_and_static_pie_need_mount_ns);
	tcase_add_test(tc, test_elf_go_build_info_inline_version);
	tcase_add_test(tc, test_elf_go_build_info_pointer_version);
	tcase_add_test(tc, test_elf_musl_and_rust_hints);
	tcase_add_test(tc, test_elf_every_truncation_is_an_error);
	tcase_add_test(tc, test_elf_without_section_headers);
	tcase_add_test(tc, test_elf_foreign_and_non_programs_are_errors);
	tcase_add_test(tc, test_non_elf_inputs_are_errors);
	tcase_add_test(tc, test_elf_hostile_strings_are_cleaned);
	tcase_add_test(tc, test_path_mode_bits_and_symlinks);
	tcase_add_test(tc, test_path_errors_name_the_problem);
	suite_add_tcase(s, tc);
	return s;
}
