// SPDX-License-Identifier: GPL-2.0-only
/* The output helpers every subcommand shares; see cli.h. */
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
