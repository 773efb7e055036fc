// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inspector's ELF structure: program headers, sections, the dynamic
 * symbols a VFIO user imports and its DT_NEEDED, DT_RUNPATH and DT_RPATH.
 * Every offset and size is checked against the file before use.
 */
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "elfctx.h"

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

int elf_segments(struct ctx *c, const GElf_Ehdr *eh, bool *has_interp, GElf_Phdr *dyn)
{
	size_t n;

	if (eh->e_phnum != PN_XNUM && eh->e_phnum &&
	    !elf_in_file(c, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
		return elf_truncated(c, "the program header table");
	if (elf_getphdrnum(c->elf, &n))
		return elf_fail(c, "malformed program headers (%s); the file is damaged",
				elf_errmsg(-1));
	/* libelf quietly counts a table that does not fit as empty: compare with the header. */
	if ((eh->e_phnum != PN_XNUM && eh->e_phnum != n) ||
	    (n && (eh->e_phentsize != sizeof(Elf64_Phdr) ||
		   !elf_in_file(c, eh->e_phoff, (uint64_t)n * sizeof(Elf64_Phdr)))))
		return elf_truncated(c, "the program header table");
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(c->elf, (int)i, &ph))
			return elf_fail(c, "malformed program header %zu (%s); the file is damaged",
					i, elf_errmsg(-1));
		if (ph.p_type != PT_NULL && ph.p_filesz &&
		    !elf_in_file(c, ph.p_offset, ph.p_filesz))
			return elf_truncated(c, "a segment");
		if (ph.p_type == PT_LOAD && c->nloads < MAX_LOADS)
			c->loads[c->nloads++] = (struct load){
			    .vaddr = ph.p_vaddr, .off = ph.p_offset, .filesz = ph.p_filesz};
		if (ph.p_type == PT_INTERP && !*has_interp) {
			unsigned char buf[sizeof(c->out->interp)];
			size_t got =
			    elf_src_read(&c->src, ph.p_offset, buf,
					 ph.p_filesz < sizeof(buf) ? ph.p_filesz : sizeof(buf));

			*has_interp = true;
			elf_clean_copy(c->out->interp, sizeof(c->out->interp), buf, got);
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
	o = elf_vaddr_off(c, strtab + off, 1);
	if (o < 0)
		return;
	want = elf_src_read(&c->src, (uint64_t)o, buf, want);
	elf_clean_copy(dst, dstlen, buf, want);
}

/* DT_NEEDED, DT_RUNPATH and DT_RPATH of PT_DYNAMIC; musl shows as libc.musl-ARCH.so.1 there. */
void elf_needed(struct ctx *c, const GElf_Phdr *dyn, bool *has_needed)
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
	       sh.sh_size <= MAX_DYNSYM && elf_in_file(c, sh.sh_offset, sh.sh_size);
}

static int dynsym(struct ctx *c, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d;
	size_t n;

	if (!strtab_ok(c, sh->sh_link))
		return 0;
	if (sh->sh_size > MAX_DYNSYM)
		return elf_fail(c,
				"dynamic symbol table of %llu bytes is implausible; the file is "
				"damaged",
				(unsigned long long)sh->sh_size);
	d = elf_getdata(scn, NULL);
	if (!d)
		return elf_fail(c, "unreadable dynamic symbol table (%s); the file is damaged",
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

int elf_sections(struct ctx *c, const GElf_Ehdr *eh)
{
	size_t n, shstrndx;
	bool names;
	Elf_Scn *scn = NULL;

	/* e_shnum 0 with an e_shoff: the count is in section 0, which must be there. */
	if (!elf_in_file(c, eh->e_shoff,
			 (uint64_t)(eh->e_shnum ? eh->e_shnum : !!eh->e_shoff) *
			     sizeof(Elf64_Shdr)))
		return elf_truncated(c, "the section header table");
	if (elf_getshdrnum(c->elf, &n))
		return elf_fail(c, "malformed section headers (%s); the file is damaged",
				elf_errmsg(-1));
	if ((eh->e_shnum && eh->e_shnum != n) ||
	    (n && (eh->e_shentsize != sizeof(Elf64_Shdr) ||
		   !elf_in_file(c, eh->e_shoff, (uint64_t)n * sizeof(Elf64_Shdr)))))
		return elf_truncated(c, "the section header table");
	names = !elf_getshdrstrndx(c->elf, &shstrndx) && strtab_ok(c, shstrndx);
	while ((scn = elf_nextscn(c->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			return elf_fail(c, "malformed section header (%s); the file is damaged",
					elf_errmsg(-1));
		if (sh.sh_type != SHT_NOBITS && sh.sh_size &&
		    !elf_in_file(c, sh.sh_offset, sh.sh_size))
			return elf_truncated(c, "a section");
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
