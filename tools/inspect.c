// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat inspect`'s findings: ELF facts through libelf, a bounded string
 * scan of the file's bytes, Go build info, then the verdict rules. Every
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

#include "bytescan.h"
#include "inspect.h"

#if defined(__x86_64__)
#define HOST_MACHINE	  EM_X86_64
#define HOST_MACHINE_NAME "x86_64"
#elif defined(__aarch64__)
#define HOST_MACHINE	  EM_AARCH64
#define HOST_MACHINE_NAME "aarch64"
#endif

#define SCAN_CHUNK (1u << 20)
#define MAX_LOADS  64
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

static const struct {
	const char *name;
	unsigned bit;
} imports[] = {
    {"open", VFC_IMP_OPEN},	    {"open64", VFC_IMP_OPEN64},
    {"openat", VFC_IMP_OPENAT},	    {"openat64", VFC_IMP_OPENAT64},
    {"__open_2", VFC_IMP_OPEN_2},   {"__open64_2", VFC_IMP_OPEN_2},
    {"__openat_2", VFC_IMP_OPEN_2}, {"__openat64_2", VFC_IMP_OPEN_2},
    {"ioctl", VFC_IMP_IOCTL},
};

const char *vfc_import_name(unsigned bit)
{
	for (size_t i = 0; i < sizeof(imports) / sizeof(imports[0]); i++)
		if (imports[i].bit == bit)
			return imports[i].name;
	return NULL;
}

const char *vfc_strategy_name(enum vfc_strategy s)
{
	switch (s) {
	case VFC_STRAT_PRELOAD:
		return "preload works";
	case VFC_STRAT_MOUNT_NS:
		return "use --mount-ns";
	case VFC_STRAT_MODULE_AUDIT:
		return "use the eBPF audit";
	case VFC_STRAT_NOT_VFIO:
		return "not a VFIO user";
	}
	return "?";
}

const char *vfc_strategy_key(enum vfc_strategy s)
{
	switch (s) {
	case VFC_STRAT_PRELOAD:
		return "preload";
	case VFC_STRAT_MOUNT_NS:
		return "mount-ns";
	case VFC_STRAT_MODULE_AUDIT:
		return "ebpf-audit";
	case VFC_STRAT_NOT_VFIO:
		return "not-vfio";
	}
	return "?";
}

void vfc_inspect_verdict(struct vfc_inspect *in)
{
	bool open = in->imports & VFC_IMP_ANY_OPEN, ioctl = in->imports & VFC_IMP_IOCTL;
	enum vfc_strategy s = VFC_STRAT_MOUNT_NS;
	const char *r;

	in->imports_open = in->imports & (VFC_IMP_OPEN | VFC_IMP_OPEN_2);
	in->imports_open64 = in->imports & VFC_IMP_OPEN64;
	in->imports_openat = in->imports & (VFC_IMP_OPENAT | VFC_IMP_OPENAT64);
	in->imports_ioctl = ioctl;
	/* The loader's AT_SECURE rule comes first: nothing else matters then. */
	if (in->setuid || in->setgid || in->file_caps) {
		s = VFC_STRAT_MODULE_AUDIT;
		r = in->file_caps && !in->setuid && !in->setgid
			? "it has file capabilities, so the loader ignores LD_PRELOAD (secure "
			  "execution), while the eBPF audit (vfiocompat audit) sees its ioctls"
		    : in->setuid
			? "it is setuid, so the loader ignores LD_PRELOAD (secure "
			  "execution), while the eBPF audit (vfiocompat audit) sees its ioctls"
			: "it is setgid, so the loader ignores LD_PRELOAD (secure "
			  "execution), while the eBPF audit (vfiocompat audit) sees its ioctls";
	} else if (!in->dynamic) {
		r = "it is statically linked, so LD_PRELOAD cannot reach its open and ioctl calls";
	} else if (in->go) {
		r = "it is a Go program, whose runtime makes raw open and ioctl system calls that "
		    "LD_PRELOAD cannot reach, even when dynamically linked";
	} else if (!in->symbols_read) {
		r = "it is dynamically linked but has no dynamic symbol table to show that it "
		    "calls libc's open and ioctl";
	} else if (!open && !ioctl) {
		r = "it is dynamically linked but imports neither open nor ioctl from libc (raw "
		    "system calls), so LD_PRELOAD would see nothing";
	} else if (!ioctl) {
		r = "it imports open but not ioctl from libc, so the shim would not see its VFIO "
		    "ioctls (raw system calls)";
	} else if (!open) {
		r = "it imports ioctl but no open from libc, so the shim could not redirect its "
		    "open of the container";
	} else {
		s = VFC_STRAT_PRELOAD;
		r = "it is dynamically linked and imports open and ioctl from libc, which "
		    "LD_PRELOAD interposes";
	}
	in->if_vfio = s;
	in->if_vfio_reason = r;
	if (in->refs_vfio_container || in->refs_iommu || in->refs_vfio_any) {
		in->strategy = s;
		in->reason = r;
	} else {
		in->strategy = VFC_STRAT_NOT_VFIO;
		in->reason = in->scan_capped
				 ? "no reference to /dev/vfio or /dev/iommu in the "
				   "part of the file scanned (the scan stops at 256 MiB)"
				 : "no reference to /dev/vfio or /dev/iommu in its bytes";
	}
}

static int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Up to len bytes at off; fewer at the end of the file or on a read error. */
static size_t src_read(const struct src *s, uint64_t off, void *buf, size_t len)
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

static bool in_file(const struct ctx *c, uint64_t off, uint64_t len)
{
	return off <= c->src.size && len <= c->src.size - off;
}

/* Strings from the file are shown to people and put in JSON: printable ASCII only. */
static void clean_copy(char *dst, size_t dstlen, const unsigned char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < dstlen && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[i] = '\0';
}

/* File offset of a virtual address through the PT_LOAD segments; -1 if none maps len bytes. */
static int64_t vaddr_off(const struct ctx *c, uint64_t va, uint64_t len)
{
	for (size_t i = 0; i < c->nloads; i++) {
		const struct load *l = &c->loads[i];

		if (va >= l->vaddr && va - l->vaddr < l->filesz &&
		    len <= l->filesz - (va - l->vaddr))
			return (int64_t)(l->off + (va - l->vaddr));
	}
	return -1;
}

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
	size_t got = src_read(&c->src, off, h, sizeof(h));
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
		o = vaddr_off(c, get_uint(h + 16, ps, big), 2 * ps);
		if (o < 0 || src_read(&c->src, (uint64_t)o, sh, 2 * ps) != 2 * ps)
			return;
		len = get_uint(sh + ps, ps, big);
		if (len == 0 || len >= sizeof(c->out->go_version))
			return;
		o = vaddr_off(c, get_uint(sh, ps, big), len);
		if (o < 0)
			return;
		off = (uint64_t)o;
	}
	if (src_read(&c->src, off, v, len) != len)
		return;
	clean_copy(c->out->go_version, sizeof(c->out->go_version), v, len);
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
		return fail(c, "out of memory for the string scan; free some memory and retry");
	for (uint64_t off = 0; off < end;) {
		size_t n = end - off < SCAN_CHUNK ? (size_t)(end - off) : SCAN_CHUNK;

		if (c->src.mem) {
			vfc_scan_feed(s, c->src.mem + off, n);
		} else {
			errno = 0;
			n = src_read(&c->src, off, buf, n);
			if (!n) {
				free(buf);
				return fail(c,
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
	size_t got = src_read(&c->src, 0, id, sizeof(id));

	if (!c->src.size)
		return fail(c, "empty file, not an ELF binary; give the program's executable");
	if (got >= 2 && id[0] == '#' && id[1] == '!') {
		unsigned char line[128] = {0};
		char interp[96];
		size_t n = src_read(&c->src, 2, line, sizeof(line) - 1), i = 0, j;

		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		for (j = i; j < n && line[j] != ' ' && line[j] != '\t' && line[j] != '\n'; j++)
			;
		clean_copy(interp, sizeof(interp), line + i, j - i);
		return fail(c, "a script (#!%s), not an ELF binary; inspect the program it runs",
			    interp);
	}
	if (got < SELFMAG || memcmp(id, ELFMAG, SELFMAG))
		return fail(c, "not an ELF binary (no \\177ELF magic); give a compiled program");
	c->out->is_elf = true;
	if (got < EI_NIDENT)
		return fail(c,
			    "truncated ELF (%llu bytes, header incomplete); copy the whole "
			    "binary again",
			    (unsigned long long)c->src.size);
	if (id[EI_CLASS] == ELFCLASS32) {
		c->out->elf_class = 32;
		return fail(c, "32-bit ELF, which the 64-bit libvfiocompat.so cannot be preloaded "
			       "into; trial it with 'vfiocompat run --mount-ns' or 'vfiocompat "
			       "audit'");
	}
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(c, "invalid ELF class %u; the file is damaged or not a program",
			    id[EI_CLASS]);
	c->out->elf_class = 64;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (id[EI_DATA] != ELFDATA2LSB)
#else
	if (id[EI_DATA] != ELFDATA2MSB)
#endif
		return fail(c, "ELF of the other byte order than this host's; inspect it on "
			       "the machine it was built for");
	if (c->src.size < sizeof(Elf64_Ehdr))
		return fail(c,
			    "truncated ELF (%llu bytes, header incomplete); copy the whole "
			    "binary again",
			    (unsigned long long)c->src.size);
	return 0;
}

static int headers(struct ctx *c, GElf_Ehdr *eh)
{
	if (!gelf_getehdr(c->elf, eh))
		return fail(c, "malformed ELF header (%s); the file is damaged", elf_errmsg(-1));
	if (eh->e_type == ET_REL)
		return fail(c, "a relocatable object (.o), not a program; inspect the linked "
			       "binary");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return fail(c, "ELF type %u is not a program (core dump?); give an executable",
			    eh->e_type);
#ifdef HOST_MACHINE
	if (eh->e_machine != HOST_MACHINE)
		return fail(c,
			    "ELF for machine %u, not this host's " HOST_MACHINE_NAME
			    "; inspect it on the machine it was built for",
			    eh->e_machine);
#endif
	return 0;
}

static int truncated(struct ctx *c, const char *what)
{
	return fail(c,
		    "truncated ELF: %s ends past the file's %llu bytes; copy the whole binary "
		    "again",
		    what, (unsigned long long)c->src.size);
}

static int segments(struct ctx *c, const GElf_Ehdr *eh, bool *has_interp, GElf_Phdr *dyn)
{
	size_t n;

	if (eh->e_phnum != PN_XNUM && eh->e_phnum &&
	    !in_file(c, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
		return truncated(c, "the program header table");
	if (elf_getphdrnum(c->elf, &n))
		return fail(c, "malformed program headers (%s); the file is damaged",
			    elf_errmsg(-1));
	/* libelf quietly counts a table that does not fit as empty: compare with the header. */
	if ((eh->e_phnum != PN_XNUM && eh->e_phnum != n) ||
	    (n && (eh->e_phentsize != sizeof(Elf64_Phdr) ||
		   !in_file(c, eh->e_phoff, (uint64_t)n * sizeof(Elf64_Phdr)))))
		return truncated(c, "the program header table");
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(c->elf, (int)i, &ph))
			return fail(c, "malformed program header %zu (%s); the file is damaged", i,
				    elf_errmsg(-1));
		if (ph.p_type != PT_NULL && ph.p_filesz && !in_file(c, ph.p_offset, ph.p_filesz))
			return truncated(c, "a segment");
		if (ph.p_type == PT_LOAD && c->nloads < MAX_LOADS)
			c->loads[c->nloads++] = (struct load){
			    .vaddr = ph.p_vaddr, .off = ph.p_offset, .filesz = ph.p_filesz};
		if (ph.p_type == PT_INTERP && !*has_interp) {
			unsigned char buf[sizeof(c->out->interp)];
			size_t got =
			    src_read(&c->src, ph.p_offset, buf,
				     ph.p_filesz < sizeof(buf) ? ph.p_filesz : sizeof(buf));

			*has_interp = true;
			clean_copy(c->out->interp, sizeof(c->out->interp), buf, got);
		}
		if (ph.p_type == PT_DYNAMIC)
			*dyn = ph;
	}
	return 0;
}

/* A string of the dynamic string table (DT_STRTAB + off), cleaned; "" when unreadable. */
static void dynstr(struct ctx *c, uint64_t strtab, uint64_t strsz, uint64_t off, char *dst,
		   size_t dstlen)
{
	unsigned char buf[VFC_INSPECT_PATH_MAX] = {0};
	size_t want = dstlen < sizeof(buf) ? dstlen : sizeof(buf);
	int64_t o;

	dst[0] = '\0';
	if (off >= strsz)
		return;
	if (want > strsz - off)
		want = (size_t)(strsz - off);
	o = vaddr_off(c, strtab + off, 1);
	if (o < 0)
		return;
	want = src_read(&c->src, (uint64_t)o, buf, want);
	clean_copy(dst, dstlen, buf, want);
}

/* DT_NEEDED, DT_RUNPATH and DT_RPATH of PT_DYNAMIC; musl shows as libc.musl-ARCH.so.1 there. */
static void needed(struct ctx *c, const GElf_Phdr *dyn, bool *has_needed)
{
	struct vfc_inspect *out = c->out;
	Elf_Data *d;
	GElf_Dyn e;
	uint64_t strtab = 0, strsz = 0;
	size_t n;

	if (dyn->p_type != PT_DYNAMIC || !dyn->p_filesz || dyn->p_filesz > MAX_DYNAMIC)
		return;
	d = elf_getdata_rawchunk(c->elf, (int64_t)dyn->p_offset, dyn->p_filesz, ELF_T_DYN);
	if (!d)
		return;
	n = d->d_size / sizeof(Elf64_Dyn);
	for (size_t i = 0; i < n && gelf_getdyn(d, (int)i, &e) && e.d_tag != DT_NULL; i++) {
		if (e.d_tag == DT_NEEDED)
			*has_needed = true;
		else if (e.d_tag == DT_STRTAB)
			strtab = e.d_un.d_ptr;
		else if (e.d_tag == DT_STRSZ)
			strsz = e.d_un.d_val;
	}
	if (!strsz)
		return;
	for (size_t i = 0; i < n && gelf_getdyn(d, (int)i, &e) && e.d_tag != DT_NULL; i++) {
		if (e.d_tag == DT_RUNPATH)
			dynstr(c, strtab, strsz, e.d_un.d_val, out->runpath, sizeof(out->runpath));
		else if (e.d_tag == DT_RPATH)
			dynstr(c, strtab, strsz, e.d_un.d_val, out->rpath, sizeof(out->rpath));
		if (e.d_tag != DT_NEEDED)
			continue;
		if (out->nneeded == VFC_INSPECT_MAX_NEEDED) {
			out->needed_capped = true;
			continue;
		}
		dynstr(c, strtab, strsz, e.d_un.d_val, out->needed[out->nneeded],
		       sizeof(out->needed[0]));
		if (!strncmp(out->needed[out->nneeded], "libc.musl-", 10))
			out->musl = true;
		if (out->needed[out->nneeded][0])
			out->nneeded++;
	}
}

/* libelf reads a whole string table on first use: bound it first. */
static bool strtab_ok(struct ctx *c, size_t ndx)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_getscn(c->elf, ndx);

	return scn && gelf_getshdr(scn, &sh) && sh.sh_type == SHT_STRTAB &&
	       sh.sh_size <= MAX_DYNSYM && in_file(c, sh.sh_offset, sh.sh_size);
}

static int dynsym(struct ctx *c, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d;
	size_t n;

	if (!strtab_ok(c, sh->sh_link))
		return 0;
	if (sh->sh_size > MAX_DYNSYM)
		return fail(c,
			    "dynamic symbol table of %llu bytes is implausible; the file is "
			    "damaged",
			    (unsigned long long)sh->sh_size);
	d = elf_getdata(scn, NULL);
	if (!d)
		return fail(c, "unreadable dynamic symbol table (%s); the file is damaged",
			    elf_errmsg(-1));
	c->out->symbols_read = true;
	n = d->d_size / sizeof(Elf64_Sym);
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(d, (int)i, &sym) || !sym.st_name)
			continue;
		name = elf_strptr(c->elf, sh->sh_link, sym.st_name);
		if (!name)
			continue;
		for (size_t k = 0; k < sizeof(imports) / sizeof(imports[0]); k++)
			if (!strcmp(name, imports[k].name)) {
				if (sym.st_shndx == SHN_UNDEF)
					c->out->imports |= imports[k].bit;
				else if (GELF_ST_TYPE(sym.st_info) == STT_FUNC ||
					 GELF_ST_TYPE(sym.st_info) == STT_GNU_IFUNC)
					c->out->defines |= imports[k].bit;
			}
	}
	return 0;
}

static int sections(struct ctx *c, const GElf_Ehdr *eh)
{
	size_t n, shstrndx;
	bool names;
	Elf_Scn *scn = NULL;

	/* e_shnum 0 with an e_shoff: the count is in section 0, which must be there. */
	if (!in_file(c, eh->e_shoff,
		     (uint64_t)(eh->e_shnum ? eh->e_shnum : !!eh->e_shoff) * sizeof(Elf64_Shdr)))
		return truncated(c, "the section header table");
	if (elf_getshdrnum(c->elf, &n))
		return fail(c, "malformed section headers (%s); the file is damaged",
			    elf_errmsg(-1));
	if ((eh->e_shnum && eh->e_shnum != n) ||
	    (n && (eh->e_shentsize != sizeof(Elf64_Shdr) ||
		   !in_file(c, eh->e_shoff, (uint64_t)n * sizeof(Elf64_Shdr)))))
		return truncated(c, "the section header table");
	names = !elf_getshdrstrndx(c->elf, &shstrndx) && strtab_ok(c, shstrndx);
	while ((scn = elf_nextscn(c->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			return fail(c, "malformed section header (%s); the file is damaged",
				    elf_errmsg(-1));
		if (sh.sh_type != SHT_NOBITS && sh.sh_size && !in_file(c, sh.sh_offset, sh.sh_size))
			return truncated(c, "a section");
		if (sh.sh_type == SHT_DYNSYM && !c->out->symbols_read && dynsym(c, scn, &sh))
			return -1;
		name = names ? elf_strptr(c->elf, shstrndx, sh.sh_name) : NULL;
		if (!name)
			continue;
		if (!strcmp(name, ".go.buildinfo") && sh.sh_type != SHT_NOBITS)
			c->buildinfo_off = (int64_t)sh.sh_offset;
		if (!strcmp(name, ".go.buildinfo") || !strcmp(name, ".note.go.buildid") ||
		    !strcmp(name, ".gopclntab"))
			c->out->go = true;
		if (!strcmp(name, ".rustc"))
			c->out->rust = true;
	}
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
		return fail(c, "libelf cannot read it (%s); the file is damaged", elf_errmsg(-1));
	if (headers(c, &eh) || segments(c, &eh, &has_interp, &dyn) || sections(c, &eh))
		return -1;
	needed(c, &dyn, &has_needed);
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
		return fail(&c, "out of memory for a %zu-byte image", len);
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
		return fail(c, "no such file; give the program's path (e.g. $(command -v NAME))");
	case ENOTDIR:
		return fail(c, "a component of the path is not a directory; check the path");
	case EACCES:
	case EPERM:
		return fail(c, "permission denied; run as a user who can read it (e.g. with sudo)");
	case ELOOP:
		return fail(c, "too many levels of symbolic links; give the real file's path");
	default:
		return fail(c, "cannot open it (%s); check the path", strerror(e));
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
			ret = fail(&c, "cannot stat it (%s); check the path", strerror(errno));
			close(fd);
			return ret;
		}
	} else {
		fd = -1;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = fail(&c, "%s, not a program file; give the path of an executable",
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
