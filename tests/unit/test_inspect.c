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

static struct vfc_inspect dyn_vfio(unsigned imports)
{
	struct vfc_inspect in = {.is_elf = true,
				 .elf_class = 64,
				 .dynamic = true,
				 .symbols_read = true,
				 .imports = imports,
				 .refs_vfio_container = true};
	return in;
}

START_TEST(test_verdict_dynamic_with_open_and_ioctl_preloads)
{
	static const unsigned opens[] = {VFC_IMP_OPEN, VFC_IMP_OPEN64, VFC_IMP_OPENAT,
					 VFC_IMP_OPENAT64, VFC_IMP_OPEN_2};
	struct vfc_inspect in = dyn_vfio(opens[_i] | VFC_IMP_IOCTL);

	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
	ck_assert_int_eq(in.if_vfio, VFC_STRAT_PRELOAD);
	ck_assert_ptr_nonnull(strstr(in.reason, "imports open and ioctl"));
	ck_assert(in.imports_ioctl);
}
END_TEST

START_TEST(test_verdict_missing_import_needs_mount_ns)
{
	static const unsigned imps[] = {0, VFC_IMP_IOCTL, VFC_IMP_OPENAT};
	struct vfc_inspect in = dyn_vfio(imps[_i]);

	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
	/* The reason names what is missing. */
	ck_assert_ptr_nonnull(strstr(in.reason, _i == 2 ? "not ioctl" : "no"));
}
END_TEST

START_TEST(test_verdict_static_and_go_need_mount_ns)
{
	struct vfc_inspect in = dyn_vfio(VFC_IMP_OPEN | VFC_IMP_IOCTL);

	in.dynamic = false;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
	ck_assert_ptr_nonnull(strstr(in.reason, "statically linked"));
	/* Its report comes from the eBPF audit (the module's audit is gone). */
	ck_assert_ptr_nonnull(strstr(in.reason, "eBPF audit (vfiocompat audit"));
	/* Go makes raw system calls even when dynamic and importing libc's open (cgo). */
	in = dyn_vfio(VFC_IMP_OPEN | VFC_IMP_IOCTL);
	in.go = true;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
	ck_assert_ptr_nonnull(strstr(in.reason, "Go program"));
	in = dyn_vfio(0);
	in.symbols_read = false;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
}
END_TEST

START_TEST(test_verdict_secure_exec_needs_module_audit)
{
	/* Before every other rule: even a static binary is audited, not bind-mounted. */
	struct vfc_inspect in = dyn_vfio(VFC_IMP_OPEN | VFC_IMP_IOCTL);

	in.dynamic = _i != 0;
	in.setuid = _i == 0 || _i == 1;
	in.setgid = _i == 2;
	in.file_caps = _i == 3;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MODULE_AUDIT);
	ck_assert_ptr_nonnull(strstr(in.reason, in.file_caps ? "file capabilities"
						: in.setgid  ? "setgid"
							     : "setuid"));
	ck_assert_ptr_nonnull(strstr(in.reason, "ignores LD_PRELOAD"));
}
END_TEST

START_TEST(test_verdict_no_reference_is_not_vfio_but_keeps_the_strategy)
{
	struct vfc_inspect in = dyn_vfio(VFC_IMP_OPEN | VFC_IMP_IOCTL);

	in.refs_vfio_container = false;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_NOT_VFIO);
	ck_assert_int_eq(in.if_vfio, VFC_STRAT_PRELOAD);
	ck_assert_ptr_nonnull(strstr(in.reason, "no reference"));
	ck_assert_ptr_nonnull(in.if_vfio_reason);
	in.scan_capped = true;
	vfc_inspect_verdict(&in);
	ck_assert_ptr_nonnull(strstr(in.reason, "256 MiB"));
	/* /dev/iommu alone, or a /dev/vfio/N group path, is VFIO use. */
	in.scan_capped = false;
	in.refs_iommu = true;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
	in.refs_iommu = false;
	in.refs_vfio_any = true;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
}
END_TEST

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

static const char *const scan_needles[] = {"/dev/vfio/vfio", "/dev/iommu", "xyz"};

START_TEST(test_scan_finds_matches_split_at_every_chunk_size)
{
	/* Every needle at every split point, for chunk sizes 1 to 40. */
	char buf[200];
	struct vfc_scan s;

	memset(buf, '.', sizeof(buf));
	memcpy(buf + 37, "/dev/vfio/vfio", 14);
	memcpy(buf + 120, "/dev/iommu", 10);
	memcpy(buf + 190, "xy", 2); /* cut short at the end: no match */
	for (size_t chunk = 1; chunk <= 40; chunk++) {
		ck_assert_int_eq(vfc_scan_init(&s, scan_needles, 3), 0);
		for (size_t off = 0; off < sizeof(buf); off += chunk)
			vfc_scan_feed(&s, buf + off,
				      sizeof(buf) - off < chunk ? sizeof(buf) - off : chunk);
		ck_assert_msg(vfc_scan_found(&s, 0) && vfc_scan_found(&s, 1), "chunk %zu", chunk);
		ck_assert(!vfc_scan_found(&s, 2));
		ck_assert_uint_eq(s.first[0], 37);
		ck_assert_uint_eq(s.first[1], 120);
		ck_assert_uint_eq(s.pos, sizeof(buf));
	}
}
END_TEST

START_TEST(test_scan_reports_the_first_occurrence)
{
	const char buf[] = "..xyz....xyz../dev/iommu../dev/iommu";
	struct vfc_scan s;

	vfc_scan_init(&s, scan_needles, 3);
	/* A split at 3 puts the first "xyz" across the boundary, the second in chunk 2. */
	vfc_scan_feed(&s, buf, 3);
	vfc_scan_feed(&s, buf + 3, sizeof(buf) - 1 - 3);
	ck_assert_uint_eq(s.first[2], 2);
	ck_assert_uint_eq(s.first[1], 14);
	ck_assert(!vfc_scan_found(&s, 0));
	/* Nothing carried across unrelated feeds: empty feeds change nothing. */
	vfc_scan_feed(&s, buf, 0);
	ck_assert_uint_eq(s.pos, sizeof(buf) - 1);
}
END_TEST

START_TEST(test_scan_refuses_needles_that_do_not_fit)
{
	static const char *const too_long[] = {"0123456789abcdef0123456789abcdefX"};
	static const char *const empty[] = {""};
	struct vfc_scan s;

	ck_assert_int_eq(vfc_scan_init(&s, too_long, 1), -1);
	ck_assert_int_eq(vfc_scan_init(&s, empty, 1), -1);
	ck_assert_int_eq(vfc_scan_init(&s, scan_needles, VFC_SCAN_MAX_NEEDLES + 1), -1);
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

	tcase_add_loop_test(tc, test_verdict_dynamic_with_open_and_ioctl_preloads, 0, 5);
	tcase_add_loop_test(tc, test_verdict_missing_import_needs_mount_ns, 0, 3);
	tcase_add_test(tc, test_verdict_static_and_go_need_mount_ns);
	tcase_add_loop_test(tc, test_verdict_secure_exec_needs_module_audit, 0, 4);
	tcase_add_test(tc, test_verdict_no_reference_is_not_vfio_but_keeps_the_strategy);
	tcase_add_test(tc, test_strategy_names_are_distinct);
	tcase_add_test(tc, test_scan_finds_matches_split_at_every_chunk_size);
	tcase_add_test(tc, test_scan_reports_the_first_occurrence);
	tcase_add_test(tc, test_scan_refuses_needles_that_do_not_fit);
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
