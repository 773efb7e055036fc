// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat inspect`'s findings: ELF facts through libelf (the structure
 * in elfdyn.c), a bounded string scan of the file's bytes, Go build info;
 * strategy.c then applies the rules. Every
 * offset and size comes from an untrusted file and is checked against the
 * file's size before use; libelf reads on demand, so a huge file costs only
 * the capped scan.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "text.h"
#include "bytescan.h"
#include "elfctx.h"
#include "inspect.h"

#if defined(__x86_64__)
#define HOST_MACHINE	  EM_X86_64
#define HOST_MACHINE_NAME "x86_64"
#elif defined(__aarch64__)
#define HOST_MACHINE	  EM_AARCH64
#define HOST_MACHINE_NAME "aarch64"
#endif

#define SCAN_CHUNK (1u << 20)
/* Needles of the string scan, indexed by enum needle. */
enum needle {
	N_CONTAINER,
	N_IOMMU,
	N_VFIO_DIR,
	N_GO_MAGIC,
	N_GO_RUNTIME,
	N_RUSTC_PATH,
	N_RUST_PANIC,
	N_RUST_UNWIND,
	N_COUNT,
};
static const char *const needles[N_COUNT] = {
    [N_CONTAINER] = "/dev/vfio/vfio",  [N_IOMMU] = "/dev/iommu",
    [N_VFIO_DIR] = "/dev/vfio",	       [N_GO_MAGIC] = "\xff Go buildinf:",
    [N_GO_RUNTIME] = "runtime.goexit", [N_RUSTC_PATH] = "/rustc/",
    [N_RUST_PANIC] = "rust_panic",     [N_RUST_UNWIND] = "rust_begin_unwind",
};
#define GO_MAGIC_LEN 14

static uint64_t get_uint(const unsigned char *p, unsigned size, bool big)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[big ? size - 1 - i : i] << (8 * i);
	return v;
}

/*
 * Go's build info: a 32-byte header (magic, pointer size, flags); since Go
 * 1.18 the version follows inline as a uvarint-prefixed string, before that
 * the header holds a pointer to a Go string header (data pointer, length).
 */
static void go_version(struct ctx *c, uint64_t off)
{
	unsigned char h[64], v[64];
	unsigned ps;
	uint64_t len = 0;
	size_t got = elf_src_read(&c->src, off, h, sizeof(h));
	bool big;

	if (got < 32 || memcmp(h, needles[N_GO_MAGIC], GO_MAGIC_LEN))
		return;
	ps = h[14];
	big = h[15] & 1;
	if (h[15] & 2) {
		unsigned shift = 0, i = 32;

		for (; i < got && shift < 64; i++, shift += 7) {
			len |= (uint64_t)(h[i] & 0x7f) << shift;
			if (!(h[i] & 0x80))
				break;
		}
		if (i >= got || len == 0 || len >= sizeof(c->out->go_version))
			return;
		off += i + 1;
	} else {
		unsigned char sh[16];
		int64_t o;

		if (ps != 4 && ps != 8)
			return;
		o = elf_vaddr_off(c, get_uint(h + 16, ps, big), 2 * ps);
		if (o < 0 || elf_src_read(&c->src, (uint64_t)o, sh, 2 * ps) != 2 * ps)
			return;
		len = get_uint(sh + ps, ps, big);
		if (len == 0 || len >= sizeof(c->out->go_version))
			return;
		o = elf_vaddr_off(c, get_uint(sh, ps, big), len);
		if (o < 0)
			return;
		off = (uint64_t)o;
	}
	if (elf_src_read(&c->src, off, v, len) != len)
		return;
	elf_clean_copy(c->out->go_version, sizeof(c->out->go_version), v, len);
	/* Anything but a version ("go1.22.1", "devel ...") is not build info. */
	if (strncmp(c->out->go_version, "go", 2) && strncmp(c->out->go_version, "devel", 5))
		c->out->go_version[0] = '\0';
}

static int scan(struct ctx *c, struct vfc_scan *s)
{
	uint64_t end = c->src.size < VFC_INSPECT_SCAN_CAP ? c->src.size : VFC_INSPECT_SCAN_CAP;
	unsigned char *buf = NULL;

	vfc_scan_init(s, needles, N_COUNT);
	if (!c->src.mem && !(buf = malloc(end < SCAN_CHUNK ? end + 1 : SCAN_CHUNK)))
		return elf_fail(c, "out of memory for the string scan; free some memory and retry");
	for (uint64_t off = 0; off < end;) {
		size_t n = end - off < SCAN_CHUNK ? (size_t)(end - off) : SCAN_CHUNK;

		if (c->src.mem) {
			vfc_scan_feed(s, c->src.mem + off, n);
		} else {
			errno = 0;
			n = elf_src_read(&c->src, off, buf, n);
			if (!n) {
				free(buf);
				return elf_fail(c,
						"read error at byte %llu (%s); is the file being "
						"rewritten? retry when it is complete",
						(unsigned long long)off,
						errno ? strerror(errno) : "EOF");
			}
			vfc_scan_feed(s, buf, n);
		}
		off += n;
	}
	free(buf);
	c->out->scanned = end;
	c->out->scan_capped = end < c->src.size;
	return 0;
}

/* e_ident checks before libelf: the errors people can act on. */
static int ident(struct ctx *c)
{
	unsigned char id[EI_NIDENT] = {0};
	size_t got = elf_src_read(&c->src, 0, id, sizeof(id));

	if (!c->src.size)
		return elf_fail(c, "empty file, not an ELF binary; give the program's executable");
	if (got >= 2 && id[0] == '#' && id[1] == '!') {
		unsigned char line[128] = {0};
		char interp[96];
		size_t n = elf_src_read(&c->src, 2, line, sizeof(line) - 1), i = 0, j;

		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		for (j = i; j < n && line[j] != ' ' && line[j] != '\t' && line[j] != '\n'; j++)
			;
		elf_clean_copy(interp, sizeof(interp), line + i, j - i);
		return elf_fail(
		    c, "a script (#!%s), not an ELF binary; inspect the program it runs", interp);
	}
	if (got < SELFMAG || memcmp(id, ELFMAG, SELFMAG))
		return elf_fail(c,
				"not an ELF binary (no \\177ELF magic); give a compiled program");
	c->out->is_elf = true;
	if (got < EI_NIDENT)
		return elf_fail(c,
				"truncated ELF (%llu bytes, header incomplete); copy the whole "
				"binary again",
				(unsigned long long)c->src.size);
	if (id[EI_CLASS] == ELFCLASS32) {
		c->out->elf_class = 32;
		return elf_fail(c,
				"32-bit ELF, which the 64-bit libvfiocompat.so cannot be preloaded "
				"into; trial it with 'vfiocompat run --mount-ns' or 'vfiocompat "
				"audit'");
	}
	if (id[EI_CLASS] != ELFCLASS64)
		return elf_fail(c, "invalid ELF class %u; the file is damaged or not a program",
				id[EI_CLASS]);
	c->out->elf_class = 64;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (id[EI_DATA] != ELFDATA2LSB)
#else
	if (id[EI_DATA] != ELFDATA2MSB)
#endif
		return elf_fail(c, "ELF of the other byte order than this host's; inspect it on "
				   "the machine it was built for");
	if (c->src.size < sizeof(Elf64_Ehdr))
		return elf_fail(c,
				"truncated ELF (%llu bytes, header incomplete); copy the whole "
				"binary again",
				(unsigned long long)c->src.size);
	return 0;
}

static int headers(struct ctx *c, GElf_Ehdr *eh)
{
	if (!gelf_getehdr(c->elf, eh))
		return elf_fail(c, "malformed ELF header (%s); the file is damaged",
				elf_errmsg(-1));
	if (eh->e_type == ET_REL)
		return elf_fail(c, "a relocatable object (.o), not a program; inspect the linked "
				   "binary");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return elf_fail(c, "ELF type %u is not a program (core dump?); give an executable",
				eh->e_type);
#ifdef HOST_MACHINE
	if (eh->e_machine != HOST_MACHINE)
		return elf_fail(c,
				"ELF for machine %u, not this host's " HOST_MACHINE_NAME
				"; inspect it on the machine it was built for",
				eh->e_machine);
#endif
	return 0;
}

static int inspect_elf(struct ctx *c)
{
	GElf_Ehdr eh;
	GElf_Phdr dyn = {.p_type = PT_NULL};
	bool has_interp = false, has_needed = false;
	struct vfc_scan s;

	if (ident(c))
		return -1;
	if (elf_kind(c->elf) != ELF_K_ELF)
		return elf_fail(c, "libelf cannot read it (%s); the file is damaged",
				elf_errmsg(-1));
	if (headers(c, &eh) || elf_segments(c, &eh, &has_interp, &dyn) || elf_sections(c, &eh))
		return -1;
	elf_needed(c, &dyn, &has_needed);
	c->out->dynamic = has_interp || has_needed;
	c->out->static_pie = !c->out->dynamic && eh.e_type == ET_DYN && dyn.p_type == PT_DYNAMIC;
	if (strstr(c->out->interp, "ld-musl-"))
		c->out->musl = true;
	if (scan(c, &s))
		return -1;
	c->out->refs_vfio_container = vfc_scan_found(&s, N_CONTAINER);
	c->out->refs_iommu = vfc_scan_found(&s, N_IOMMU);
	c->out->refs_vfio_any = vfc_scan_found(&s, N_VFIO_DIR);
	if (vfc_scan_found(&s, N_GO_MAGIC) || vfc_scan_found(&s, N_GO_RUNTIME))
		c->out->go = true;
	if (vfc_scan_found(&s, N_RUSTC_PATH) || vfc_scan_found(&s, N_RUST_PANIC) ||
	    vfc_scan_found(&s, N_RUST_UNWIND))
		c->out->rust = true;
	/* The section first: the magic string also sits in debug/buildinfo's own code. */
	if (c->buildinfo_off >= 0)
		go_version(c, (uint64_t)c->buildinfo_off);
	if (!c->out->go_version[0] && vfc_scan_found(&s, N_GO_MAGIC))
		go_version(c, s.first[N_GO_MAGIC]);
	return 0;
}

static void ctx_init(struct ctx *c, struct vfc_inspect *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->err = err;
	c->errlen = errlen;
	c->buildinfo_off = -1;
	c->src.fd = -1;
	if (errlen)
		err[0] = '\0';
	elf_version(EV_CURRENT);
}

int vfc_inspect_mem(const void *buf, size_t len, struct vfc_inspect *out, char *err, size_t errlen)
{
	struct ctx c;
	char *copy;
	int ret;

	ctx_init(&c, out, err, errlen);
	out->file_size = len;
	/* libelf wants a writable image; it must not touch the caller's. */
	copy = malloc(len ? len : 1);
	if (!copy)
		return elf_fail(&c, "out of memory for a %zu-byte image", len);
	memcpy(copy, buf, len);
	c.src = (struct src){.mem = (const unsigned char *)copy, .fd = -1, .size = len};
	c.elf = elf_memory(copy, len);
	ret = inspect_elf(&c);
	elf_end(c.elf);
	free(copy);
	if (!ret)
		vfc_inspect_verdict(out);
	return ret;
}

static int open_error(struct ctx *c, int e)
{
	switch (e) {
	case ENOENT:
		return elf_fail(c,
				"no such file; give the program's path (e.g. $(command -v NAME))");
	case ENOTDIR:
		return elf_fail(c, "a component of the path is not a directory; check the path");
	case EACCES:
	case EPERM:
		return elf_fail(
		    c, "permission denied; run as a user who can read it (e.g. with sudo)");
	case ELOOP:
		return elf_fail(c, "too many levels of symbolic links; give the real file's path");
	default:
		return elf_fail(c, "cannot open it (%s); check the path", strerror(e));
	}
}

static const char *kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int vfc_inspect_path(const char *path, struct vfc_inspect *out, char *err, size_t errlen)
{
	struct ctx c;
	struct stat st;
	int fd, ret;

	ctx_init(&c, out, err, errlen);
	/*
	 * Never open what is not a regular file: opening some devices acts
	 * (a watchdog starts, a tape rewinds). stat first, then open with
	 * O_NONBLOCK (a FIFO swapped in meanwhile must not wait for a writer)
	 * and check again on the fd. Symbolic links are followed.
	 */
	if (stat(path, &st))
		return open_error(&c, errno);
	if (S_ISREG(st.st_mode)) {
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return open_error(&c, errno);
		if (fstat(fd, &st)) {
			ret = elf_fail(&c, "cannot stat it (%s); check the path", strerror(errno));
			close(fd);
			return ret;
		}
	} else {
		fd = -1;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = elf_fail(&c, "%s, not a program file; give the path of an executable",
			       kind(st.st_mode));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	out->file_size = (uint64_t)st.st_size;
	out->setuid = st.st_mode & S_ISUID;
	/* setgid without group execute marks mandatory locking, not a secure exec. */
	out->setgid = (st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP);
	out->file_caps = fgetxattr(fd, "security.capability", NULL, 0) > 0;
	c.src = (struct src){.fd = fd, .size = (uint64_t)st.st_size};
	/* ELF_C_READ: libelf reads headers and the sections asked for, never the whole file. */
	c.elf = elf_begin(fd, ELF_C_READ, NULL);
	ret = inspect_elf(&c);
	elf_end(c.elf);
	close(fd);
	if (!ret)
		vfc_inspect_verdict(out);
	return ret;
}
