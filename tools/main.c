// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat`: dispatch to a subcommand; --help and --version. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vfiocompat/report.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} commands[] = {
    {"check", vfc_cmd_check,
     "is this host ready for iommufd? (--migration: are its VMs migratable?)"},
    {"inspect", vfc_cmd_inspect, "can this binary be trialled, and how?"},
    {"run", vfc_cmd_run, "run a VFIO user under the shim and print its verdict"},
    {"report", vfc_cmd_report, "merge trial reports into one readiness verdict"},
    {"bench", vfc_cmd_bench, "what switching costs this host's DMA mapping, per chunk size"},
    {"libvirt", vfc_cmd_libvirt, "trial a libvirt domain's QEMU: enable, disable, status"},
    {"audit", vfc_cmd_audit, "audit every type1 container user with eBPF (static too)"},
    {"systemd", vfc_cmd_systemd, "trial a systemd service, reversibly: enable, disable, status"},
};

/*
 * Output that never arrived (a full disk, a closed pipe) is an error, not a
 * verdict: exit 2 (3, UNKNOWN, under --nagios; 125 under run) with one line.
 */
static int stdout_flushed(const char *cmd, int rc)
{
	int err;

	errno = 0;
	if (!fflush(stdout) && !ferror(stdout))
		return rc;
	err = errno;
	vfc_err("%s: writing standard output failed%s%s; the output is incomplete", cmd,
		err ? ": " : "", err ? strerror(err) : "");
	return vfc_output_error_exit;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vfiocompat COMMAND [ARGS...]\n\n"
		   "Trial VFIO users on iommufd before switching a host from the VFIO type1\n"
		   "container (/dev/vfio/vfio) to iommufd (/dev/iommu).\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'vfiocompat help COMMAND' (or 'vfiocompat COMMAND --help') describes each;\n"
		   "man vfiocompat(1), libvfiocompat(7).\n");
}

int main(int argc, char **argv)
{
	/* A bad option is named by vfc_bad_option, "vfiocompat SUB: ...", not by getopt. */
	opterr = 0;
	if (argc < 2) {
		usage(stderr);
		return VFC_EXIT_USAGE;
	}
	/* "help COMMAND" is "COMMAND --help". */
	if (!strcmp(argv[1], "help") && argc > 2) {
		char *args[] = {argv[2], "--help", NULL};

		if (argc > 3) {
			vfc_err("help: one command at a time; usage: vfiocompat help [COMMAND]");
			return VFC_EXIT_USAGE;
		}
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[2], commands[i].name))
				return commands[i].fn(2, args);
		vfc_err("help: unknown command '%s'; run 'vfiocompat --help' for the list",
			argv[2]);
		return VFC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return stdout_flushed(argv[1], VFC_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vfiocompat %s (report schema %d)\n", VFC_VERSION, VFC_REPORT_SCHEMA);
		return stdout_flushed(argv[1], VFC_EXIT_OK);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return stdout_flushed(argv[1], commands[i].fn(argc - 1, argv + 1));
	vfc_err("unknown command '%s'; run 'vfiocompat --help' for the list", argv[1]);
	return VFC_EXIT_USAGE;
}
