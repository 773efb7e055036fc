// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inspector's reading of an untrusted file: bytes from memory or pread,
 * every offset and size checked against the file, one-line errors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elfctx.h"
#include "text.h"

int elf_fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Up to len bytes at off; fewer at the end of the file or on a read error. */
size_t elf_src_read(const struct src *s, uint64_t off, void *buf, size_t len)
{
	size_t got = 0;

	if (off >= s->size)
		return 0;
	if (len > s->size - off)
		len = s->size - off;
	if (s->mem) {
		memcpy(buf, s->mem + off, len);
		return len;
	}
	while (got < len) {
		ssize_t r = pread(s->fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

bool elf_in_file(const struct ctx *c, uint64_t off, uint64_t len)
{
	return off <= c->src.size && len <= c->src.size - off;
}

/* Strings from the file are shown to people and put in JSON: printable ASCII only. */
void elf_clean_copy(char *dst, size_t dstlen, const unsigned char *src, size_t n)
{
	vfc_clean_copy(dst, dstlen, (const char *)src, n, VFC_CLEAN_ASCII);
}

/* File offset of a virtual address through the PT_LOAD segments; -1 if none maps len bytes. */
int64_t elf_vaddr_off(const struct ctx *c, uint64_t va, uint64_t len)
{
	for (size_t i = 0; i < c->nloads; i++) {
		const struct load *l = &c->loads[i];

		if (va >= l->vaddr && va - l->vaddr < l->filesz &&
		    len <= l->filesz - (va - l->vaddr))
			return (int64_t)(l->off + (va - l->vaddr));
	}
	return -1;
}

int elf_truncated(struct ctx *c, const char *what)
{
	return elf_fail(c,
			"truncated ELF: %s ends past the file's %llu bytes; copy the whole binary "
			"again",
			what, (unsigned long long)c->src.size);
}
