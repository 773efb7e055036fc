// SPDX-License-Identifier: GPL-2.0-only
/* The output helpers every subcommand shares; see cli.h. */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *vfc_progname = "vfiocompat";
int vfc_output_error_exit = VFC_EXIT_USAGE;
bool vfc_nagios;
static unsigned nagios_errors;

/* The subcommands whose name starts a message: "vfiocompat run: ...". */
static bool names_command(const char *msg)
{
	static const char *const cmds[] = {"check",   "inspect", "run",	    "report", "bench",
					   "libvirt", "audit",	 "systemd", "help"};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		size_t n = strlen(cmds[i]);

		if (!strncmp(msg, cmds[i], n) && (msg[n] == ':' || msg[n] == ' '))
			return true;
	}
	return false;
}

void vfc_err(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	FILE *f = vfc_nagios ? stdout : stderr;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A monitoring system reads stdout only: its first line is the state. */
	if (vfc_nagios) {
		for (char *p = msg; *p; p++)
			if (*p == '|' || *p == '\n')
				*p = *p == '|' ? '/' : ' ';
		if (!nagios_errors++)
			fputs("VFIOCOMPAT UNKNOWN - ", f);
	}
	fprintf(f, "%s%s%s\n", vfc_progname, names_command(msg) ? " " : ": ", msg);
}

bool vfc_nagios_errors(void)
{
	return nagios_errors > 0;
}

bool vfc_nagios_scan(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--nagios")) {
			vfc_nagios = true;
			vfc_output_error_exit = VFC_NAGIOS_UNKNOWN;
		}
	return vfc_nagios;
}

int vfc_bad_option(const char *cmd, char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt && optopt < 128 && arg[0] == '-' && arg[1] != '-')
		vfc_err("%s: unknown option '-%c', or it lacks its value; see 'vfiocompat %s "
			"--help'",
			cmd, optopt, cmd);
	else
		vfc_err("%s: unknown option '%s', or it lacks its value; see 'vfiocompat %s "
			"--help'",
			cmd, arg, cmd);
	return vfc_nagios ? VFC_NAGIOS_UNKNOWN : VFC_EXIT_USAGE;
}
