/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Build small but well-formed ELF64 images in memory, for the inspect unit
 * tests and the fuzzer's seed corpus (fuzz/mkseeds.c): one PT_LOAD covering
 * the file, optional PT_INTERP and PT_DYNAMIC, .dynsym with undefined
 * imports, a .rodata string and a Go 1.18+ .go.buildinfo section.
 */
#ifndef VFC_ELFIMG_H
#define VFC_ELFIMG_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct elfimg {
	uint16_t type;		   /* ET_EXEC (0) or ET_DYN */
	const char *interp;	   /* NULL: no PT_INTERP */
	const char *needed;	   /* NULL: no DT_NEEDED */
	bool dynamic_section;	   /* PT_DYNAMIC even without DT_NEEDED (static-pie) */
	const char *imports[8];	   /* undefined .dynsym entries, NULL-terminated */
	const char *rodata;	   /* bytes of .rodata, NUL-terminated */
	const char *go_version;	   /* NULL: no .go.buildinfo */
	const char *extra_section; /* an empty section of this name (".rustc") */
};

#define ELFIMG_VADDR 0x400000u

static size_t elfimg_put(unsigned char *b, size_t *off, const void *p, size_t n, size_t align)
{
	size_t at = (*off + align - 1) & ~(align - 1);

	memset(b + *off, 0, at - *off);
	memcpy(b + at, p, n);
	*off = at + n;
	return at;
}

/* Returns the image size (at most 4096 bytes: give a buffer that large). */
static size_t elfimg_build(unsigned char *b, const struct elfimg *o)
{
	Elf64_Ehdr eh = {0};
	Elf64_Phdr ph[3] = {{0}};
	Elf64_Shdr sh[10] = {{0}};
	Elf64_Dyn dyn[4] = {{0}};
	Elf64_Sym sym[9] = {{0}};
	char dynstr[256] = "", shstr[256] = "";
	size_t off = sizeof(eh), nph = 1, nsh = 1, ndyn = 0, nsym = 1, dynstr_len = 1,
	       shstr_len = 1, interp_off = 0, needed_name = 0;
	unsigned char bi[64] = {0};

	memset(b, 0, 4096);
#define SHSTR(name)                                                                                \
	(memcpy(shstr + shstr_len, name, strlen(name) + 1), shstr_len += strlen(name) + 1,         \
	 (uint32_t)(shstr_len - strlen(name) - 1))
#define DYNSTR(name)                                                                               \
	(memcpy(dynstr + dynstr_len, name, strlen(name) + 1), dynstr_len += strlen(name) + 1,      \
	 (uint32_t)(dynstr_len - strlen(name) - 1))
	/* Room for the program headers right after the ELF header. */
	nph += !!o->interp + !!(o->needed || o->dynamic_section);
	off += nph * sizeof(Elf64_Phdr);
	if (o->interp) {
		interp_off = elfimg_put(b, &off, o->interp, strlen(o->interp) + 1, 1);
		sh[nsh] = (Elf64_Shdr){.sh_name = SHSTR(".interp"),
				       .sh_type = SHT_PROGBITS,
				       .sh_offset = interp_off,
				       .sh_size = strlen(o->interp) + 1,
				       .sh_addralign = 1};
		nsh++;
	}
	if (o->needed)
		needed_name = DYNSTR(o->needed);
	for (size_t i = 0; i < 8 && o->imports[i]; i++)
		sym[nsym++] = (Elf64_Sym){.st_name = DYNSTR(o->imports[i]),
					  .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
					  .st_shndx = SHN_UNDEF};
	if (nsym > 1 || o->needed) {
		size_t so = elfimg_put(b, &off, dynstr, dynstr_len, 1), dynstr_ndx = nsh;

		sh[nsh++] = (Elf64_Shdr){.sh_name = SHSTR(".dynstr"),
					 .sh_type = SHT_STRTAB,
					 .sh_addr = ELFIMG_VADDR + so,
					 .sh_offset = so,
					 .sh_size = dynstr_len,
					 .sh_addralign = 1};
		so = elfimg_put(b, &off, sym, nsym * sizeof(Elf64_Sym), 8);
		sh[nsh++] = (Elf64_Shdr){.sh_name = SHSTR(".dynsym"),
					 .sh_type = SHT_DYNSYM,
					 .sh_addr = ELFIMG_VADDR + so,
					 .sh_offset = so,
					 .sh_size = nsym * sizeof(Elf64_Sym),
					 .sh_link = (uint32_t)dynstr_ndx,
					 .sh_info = 1,
					 .sh_addralign = 8,
					 .sh_entsize = sizeof(Elf64_Sym)};
		if (o->needed) {
			dyn[ndyn++] = (Elf64_Dyn){.d_tag = DT_NEEDED, .d_un.d_val = needed_name};
			dyn[ndyn++] =
			    (Elf64_Dyn){.d_tag = DT_STRTAB, .d_un.d_ptr = sh[dynstr_ndx].sh_addr};
			dyn[ndyn++] = (Elf64_Dyn){.d_tag = DT_STRSZ, .d_un.d_val = dynstr_len};
		}
	}
	if (o->needed || o->dynamic_section) {
		size_t d = elfimg_put(b, &off, dyn, (ndyn + 1) * sizeof(Elf64_Dyn), 8);

		sh[nsh++] = (Elf64_Shdr){.sh_name = SHSTR(".dynamic"),
					 .sh_type = SHT_DYNAMIC,
					 .sh_addr = ELFIMG_VADDR + d,
					 .sh_offset = d,
					 .sh_size = (ndyn + 1) * sizeof(Elf64_Dyn),
					 .sh_addralign = 8,
					 .sh_entsize = sizeof(Elf64_Dyn)};
		ph[nph - 1] = (Elf64_Phdr){.p_type = PT_DYNAMIC,
					   .p_offset = d,
					   .p_vaddr = ELFIMG_VADDR + d,
					   .p_filesz = (ndyn + 1) * sizeof(Elf64_Dyn),
					   .p_memsz = (ndyn + 1) * sizeof(Elf64_Dyn),
					   .p_align = 8};
	}
	if (o->rodata) {
		size_t r = elfimg_put(b, &off, o->rodata, strlen(o->rodata) + 1, 16);

		sh[nsh++] = (Elf64_Shdr){.sh_name = SHSTR(".rodata"),
					 .sh_type = SHT_PROGBITS,
					 .sh_addr = ELFIMG_VADDR + r,
					 .sh_offset = r,
					 .sh_size = strlen(o->rodata) + 1,
					 .sh_addralign = 16};
	}
	if (o->go_version) {
		size_t g, n = strlen(o->go_version);

		memcpy(bi, "\xff Go buildinf:", 14);
		bi[14] = 8;
		bi[15] = 2; /* version inline (Go 1.18+), little endian */
		bi[32] = (unsigned char)n;
		memcpy(bi + 33, o->go_version, n);
		g = elfimg_put(b, &off, bi, 33 + n + 1, 16);
		sh[nsh++] = (Elf64_Shdr){.sh_name = SHSTR(".go.buildinfo"),
					 .sh_type = SHT_PROGBITS,
					 .sh_addr = ELFIMG_VADDR + g,
					 .sh_offset = g,
					 .sh_size = 33 + n + 1,
					 .sh_addralign = 16};
	}
	if (o->extra_section)
		sh[nsh++] = (Elf64_Shdr){.sh_name = SHSTR(o->extra_section),
					 .sh_type = SHT_PROGBITS,
					 .sh_offset = off,
					 .sh_addralign = 1};
	sh[nsh].sh_name = SHSTR(".shstrtab");
	sh[nsh] = (Elf64_Shdr){.sh_name = sh[nsh].sh_name,
			       .sh_type = SHT_STRTAB,
			       .sh_offset = elfimg_put(b, &off, shstr, shstr_len, 1),
			       .sh_size = shstr_len,
			       .sh_addralign = 1};
	nsh++;
	ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
			     .p_flags = PF_R | PF_X,
			     .p_vaddr = ELFIMG_VADDR,
			     .p_paddr = ELFIMG_VADDR,
			     .p_filesz = off,
			     .p_memsz = off,
			     .p_align = 0x1000};
	if (o->interp)
		ph[1] = (Elf64_Phdr){.p_type = PT_INTERP,
				     .p_offset = interp_off,
				     .p_vaddr = ELFIMG_VADDR + interp_off,
				     .p_filesz = strlen(o->interp) + 1,
				     .p_memsz = strlen(o->interp) + 1,
				     .p_align = 1};
	eh.e_shoff = elfimg_put(b, &off, sh, nsh * sizeof(Elf64_Shdr), 8);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = o->type ? o->type : ET_EXEC;
#if defined(__aarch64__)
	eh.e_machine = EM_AARCH64; /* the host's: inspect refuses another machine */
#else
	eh.e_machine = EM_X86_64;
#endif
	eh.e_version = EV_CURRENT;
	eh.e_entry = ELFIMG_VADDR;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)nph;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = (uint16_t)nsh;
	eh.e_shstrndx = (uint16_t)(nsh - 1);
	memcpy(b, &eh, sizeof(eh));
	memcpy(b + sizeof(eh), ph, nph * sizeof(Elf64_Phdr));
#undef SHSTR
#undef DYNSTR
	return off;
}

#endif
