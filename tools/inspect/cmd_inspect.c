// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat inspect BINARY...`: how can each binary be trialled on iommufd? */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect.h"
#include "libdeps.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vfiocompat inspect [--json] BINARY...\n\n"
	    "Read each program file (symbolic links are followed) and say how to trial it\n"
	    "on iommufd: dynamic or static, interpreter, setuid/setgid or file capabilities,\n"
	    "libc imports of open*/ioctl, references to /dev/vfio/vfio and /dev/iommu, Go,\n"
	    "Rust and musl hints. The verdict is one of:\n"
	    "  preload works          vfiocompat run (LD_PRELOAD of libvfiocompat.so)\n"
	    "  use --mount-ns         static, Go or raw system calls: vfiocompat run --mount-ns\n"
	    "  use the eBPF audit     setuid, setgid or file capabilities: LD_PRELOAD is ignored;\n"
	    "                         vfiocompat audit sees its ioctls (no module needed)\n"
	    "  not a VFIO user        no reference to /dev/vfio or /dev/iommu (the strategy it\n"
	    "                         would need is still shown)\n"
	    "When the program itself has no VFIO reference, its libraries are followed as the\n"
	    "loader finds them (RPATH, LD_LIBRARY_PATH, RUNPATH, /etc/ld.so.cache, default\n"
	    "directories): VFIO code in a library (DPDK's librte_eal.so) decides the verdict,\n"
	    "and the library and the one defining open and ioctl are named.\n\n"
	    "  --json   one JSON object per line and binary\n\n"
	    "exit: 0 every binary inspected, 2 one could not be (the others still are)\n");
}

static void list_imports(char *buf, size_t len, unsigned imports)
{
	buf[0] = '\0';
	for (unsigned b = 0; b < VFC_IMP_NBITS; b++)
		if (imports & (1u << b))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "",
				 vfc_import_name(1u << b));
}

static void human_size(char *buf, size_t len, unsigned long long n)
{
	if (n < 10 * 1024)
		snprintf(buf, len, "%llu bytes", n);
	else if (n < 10ull << 20)
		snprintf(buf, len, "%llu KiB", n >> 10);
	else
		snprintf(buf, len, "%llu MiB", n >> 20);
}

static void print_human(const char *path, const struct vfc_inspect *in, const struct vfc_deps *d,
			bool first)
{
	char imp[128], a[32], b[32], refs[64] = "", lang[96] = "";

	printf("%s%s\n", first ? "" : "\n", path);
	printf("  %-13s %d-bit, %s\n", "elf:", in->elf_class,
	       in->dynamic	? "dynamically linked"
	       : in->static_pie ? "statically linked (static-pie)"
				: "statically linked");
	printf("  %-13s %s\n", "interpreter:", in->interp[0] ? in->interp : "none");
	if (in->setuid || in->setgid || in->file_caps)
		printf("  %-13s yes:%s%s%s (LD_PRELOAD is ignored)\n",
		       "secure exec:", in->setuid ? " setuid" : "", in->setgid ? " setgid" : "",
		       in->file_caps ? " file-capabilities" : "");
	else
		printf("  %-13s no (no setuid, setgid or file capabilities)\n", "secure exec:");
	list_imports(imp, sizeof(imp), in->imports);
	printf("  %-13s %s\n", "libc imports:",
	       !in->dynamic	   ? "none (statically linked)"
	       : !in->symbols_read ? "unknown (no dynamic symbol table)"
	       : imp[0]		   ? imp
				   : "none of open, openat, open64, openat64, __open_2, ioctl");
	if (in->refs_vfio_container)
		strcat(refs, "/dev/vfio/vfio");
	else if (in->refs_vfio_any)
		strcat(refs, "/dev/vfio");
	if (in->refs_iommu)
		strcat(strcat(refs, refs[0] ? ", " : ""), "/dev/iommu");
	printf("  %-13s %s\n", "references:", refs[0] ? refs : "none");
	if (in->go)
		snprintf(lang, sizeof(lang), "Go %s",
			 in->go_version[0] ? in->go_version : "(version unknown)");
	if (in->rust)
		snprintf(lang + strlen(lang), sizeof(lang) - strlen(lang), "%sRust",
			 lang[0] ? ", " : "");
	if (in->musl)
		snprintf(lang + strlen(lang), sizeof(lang) - strlen(lang), "%smusl",
			 lang[0] ? ", " : "");
	printf("  %-13s %s\n", "toolchain:", lang[0] ? lang : "no Go, Rust or musl hints");
	if (d && (d->nlibs || d->nmissing))
		printf("  %-13s %u followed%s%s%s%s%s\n", "libraries:", d->nlibs,
		       d->vfio_lib[0] ? "; VFIO code in " : "", d->vfio_lib[0] ? d->vfio_name : "",
		       d->nmissing ? "; not found: " : "", d->nmissing ? d->missing : "",
		       d->capped ? "; stopped at 256" : "");
	if (d && d->provider[0])
		printf("  %-13s %s (%s)\n", "open/ioctl:", d->provider_name, d->provider);
	human_size(a, sizeof(a), in->scanned);
	human_size(b, sizeof(b), in->file_size);
	if (in->scan_capped)
		printf("  %-13s first %s of %s (capped)\n", "scanned:", a, b);
	else
		printf("  %-13s %s (whole file)\n", "scanned:", a);
	if (in->strategy == VFC_STRAT_NOT_VFIO)
		printf("  %-13s %s: %s; if it were one: %s, as %s\n",
		       "verdict:", vfc_strategy_name(in->strategy), in->reason,
		       vfc_strategy_name(in->if_vfio), in->if_vfio_reason);
	else
		printf("  %-13s %s: %s\n", "verdict:", vfc_strategy_name(in->strategy), in->reason);
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static void print_json(const char *path, const struct vfc_inspect *in, const struct vfc_deps *d,
		       const char *err)
{
	json_object *o = json_object_new_object(), *imp;

	add(o, "path", json_object_new_string(path));
	add(o, "inspected", json_object_new_boolean(!err));
	if (err) {
		add(o, "error", json_object_new_string(err));
		if (in->is_elf && in->elf_class)
			add(o, "elf_class", json_object_new_int(in->elf_class));
		goto out;
	}
	add(o, "elf_class", json_object_new_int(in->elf_class));
	add(o, "dynamic", json_object_new_boolean(in->dynamic));
	add(o, "static_pie", json_object_new_boolean(in->static_pie));
	add(o, "interpreter", in->interp[0] ? json_object_new_string(in->interp) : NULL);
	add(o, "setuid", json_object_new_boolean(in->setuid));
	add(o, "setgid", json_object_new_boolean(in->setgid));
	add(o, "file_caps", json_object_new_boolean(in->file_caps));
	add(o, "secure_exec", json_object_new_boolean(in->setuid || in->setgid || in->file_caps));
	add(o, "symbols_read", json_object_new_boolean(in->symbols_read));
	imp = json_object_new_array();
	for (unsigned b = 0; b < VFC_IMP_NBITS; b++)
		if (in->imports & (1u << b))
			json_object_array_add(imp,
					      json_object_new_string(vfc_import_name(1u << b)));
	add(o, "imports", imp);
	add(o, "refs_vfio_container", json_object_new_boolean(in->refs_vfio_container));
	add(o, "refs_vfio", json_object_new_boolean(in->refs_vfio_any));
	add(o, "refs_iommu", json_object_new_boolean(in->refs_iommu));
	add(o, "go", json_object_new_boolean(in->go));
	add(o, "go_version", in->go_version[0] ? json_object_new_string(in->go_version) : NULL);
	add(o, "rust", json_object_new_boolean(in->rust));
	add(o, "musl", json_object_new_boolean(in->musl));
	add(o, "file_size", json_object_new_uint64(in->file_size));
	add(o, "scanned_bytes", json_object_new_uint64(in->scanned));
	add(o, "scan_capped", json_object_new_boolean(in->scan_capped));
	if (d) {
		add(o, "libraries_followed", json_object_new_int((int)d->nlibs));
		add(o, "libraries_missing", json_object_new_int((int)d->nmissing));
		add(o, "vfio_library", d->vfio_lib[0] ? json_object_new_string(d->vfio_lib) : NULL);
		add(o, "vfio_library_found_through",
		    d->vfio_lib[0] ? json_object_new_string(d->vfio_via) : NULL);
		add(o, "open_ioctl_library",
		    d->provider[0] ? json_object_new_string(d->provider) : NULL);
	}
	add(o, "vfio_user", json_object_new_boolean(in->strategy != VFC_STRAT_NOT_VFIO));
	add(o, "strategy", json_object_new_string(vfc_strategy_key(in->strategy)));
	add(o, "verdict", json_object_new_string(vfc_strategy_name(in->strategy)));
	add(o, "reason", json_object_new_string(in->reason));
	add(o, "strategy_if_vfio_user", json_object_new_string(vfc_strategy_key(in->if_vfio)));
	add(o, "reason_if_vfio_user", json_object_new_string(in->if_vfio_reason));
out:
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int vfc_cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	bool json = false, first = true;
	int c, exit_code, ret = VFC_EXIT_OK;

	optind = 1;
	/* Options may follow the binaries ("inspect A B --json"); "--" ends them. */
	while ((c = vfc_getopt(argc, argv, "h", opts, usage, &exit_code)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case VFC_OPT_EXIT:
			return exit_code;
		}
	}
	if (optind >= argc) {
		vfc_err("inspect: no binary given; usage: vfiocompat inspect [--json] BINARY...");
		return VFC_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		struct vfc_inspect in;
		struct vfc_deps *d = NULL;
		char err[512];

		if (vfc_inspect_path(argv[i], &in, err, sizeof(err))) {
			vfc_err("inspect: %s: %s", argv[i], err);
			ret = VFC_EXIT_USAGE;
			if (json)
				print_json(argv[i], &in, NULL, err);
			continue;
		}
		if (in.strategy == VFC_STRAT_NOT_VFIO && in.dynamic && (d = malloc(sizeof(*d))))
			vfc_deps_follow(argv[i], &in, d);
		if (json) {
			print_json(argv[i], &in, d, NULL);
		} else {
			print_human(argv[i], &in, d, first);
			first = false;
		}
		free(d);
		/* Stop at a failed write; main() names it in one line and exits 2. */
		if (fflush(stdout) || ferror(stdout))
			break;
	}
	return ret;
}
