/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The inspector's reading context, shared by inspect.c (the file, the
 * string scan, Go build info) and elfdyn.c (segments, sections, the
 * dynamic symbols and DT_NEEDED). Private to tools/inspect/.
 */
#ifndef VFC_ELFCTX_H
#define VFC_ELFCTX_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect.h"

#define MAX_LOADS 64
/* .dynsym of the largest real programs is a few MiB; refuse absurd claims before libelf mallocs. */
#define MAX_DYNSYM (64u << 20)
/* PT_DYNAMIC holds a few dozen entries. */
#define MAX_DYNAMIC (1u << 20)

/* Where the bytes come from: a memory image or a file read with pread. */
struct src {
	const unsigned char *mem;
	int fd;
	uint64_t size;
};

struct load {
	uint64_t vaddr, off, filesz;
};

struct ctx {
	struct src src;
	Elf *elf;
	struct vfc_inspect *out;
	char *err;
	size_t errlen;
	struct load loads[MAX_LOADS];
	size_t nloads;
	int64_t buildinfo_off; /* .go.buildinfo, -1 when absent */
};

/* One line into c->err; returns -1. */
int elf_fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Up to len bytes at off of the source; what was read. */
size_t elf_src_read(const struct src *s, uint64_t off, void *buf, size_t len);
/* [off, off + len) lies inside the file. */
bool elf_in_file(const struct ctx *c, uint64_t off, uint64_t len);
/* Strings from the file are shown to people and put in JSON: printable ASCII only. */
void elf_clean_copy(char *dst, size_t dstlen, const unsigned char *src, size_t n);
/* File offset of a virtual address through the PT_LOAD segments; -1 if none maps len bytes. */
int64_t elf_vaddr_off(const struct ctx *c, uint64_t va, uint64_t len);
/* A table the headers promise runs past the end of the file: said, -1. */
int elf_truncated(struct ctx *c, const char *what);

/* elfdyn.c: program headers (PT_LOAD, PT_INTERP, PT_DYNAMIC), sections, DT_NEEDED. */
int elf_segments(struct ctx *c, const GElf_Ehdr *eh, bool *has_interp, GElf_Phdr *dyn);
int elf_sections(struct ctx *c, const GElf_Ehdr *eh);
void elf_needed(struct ctx *c, const GElf_Phdr *dyn, bool *has_needed);

#endif
