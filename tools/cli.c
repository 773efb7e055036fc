// SPDX-License-Identifier: GPL-2.0-only
/* The output helpers every subcommand shares; see cli.h. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

const char *vfc_progname = "vfiocompat";
int vfc_output_error_exit = VFC_EXIT_USAGE;

void vfc_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", vfc_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int vfc_getopt(int argc, char **argv, const char *shortopts, const struct option *opts,
	       void (*usage)(FILE *), int *exit_code)
{
	int c = getopt_long(argc, argv, shortopts, opts, NULL);

	if (c == 'h') {
		usage(stdout);
		*exit_code = VFC_EXIT_OK;
		return VFC_OPT_EXIT;
	}
	if (c == '?' || c == ':') {
		usage(stderr);
		*exit_code = VFC_EXIT_USAGE;
		return VFC_OPT_EXIT;
	}
	return c;
}
