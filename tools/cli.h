/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `vfiocompat` command: one entry point per subcommand (cmd_*.c), sharing
 * the exit codes and the few output helpers below. The pure parts each
 * subcommand relies on (parsers, verdict rules) live in their own files and
 * are unit-tested without a terminal.
 */
#ifndef VFC_CLI_H
#define VFC_CLI_H

#include <stdio.h>

/* Exit codes, documented in vfiocompat(1). */
enum vfc_exit {
	VFC_EXIT_OK = 0,	    /* check: no FAIL; report: READY */
	VFC_EXIT_FAIL = 1,	    /* check: a FAIL; report: NOT READY or FAILED */
	VFC_EXIT_USAGE = 2,	    /* bad arguments, unreadable input, failed output */
	VFC_EXIT_CHANGES = 3,	    /* report: READY WITH CHANGES */
	VFC_EXIT_UNTESTED = 4,	    /* report: UNTESTED or INCOMPLETE */
	VFC_EXIT_RUN_ERROR = 125,   /* run: vfiocompat itself failed */
	VFC_EXIT_CANNOT_EXEC = 126, /* run: CMD found but not executable */
	VFC_EXIT_NOT_FOUND = 127,   /* run: CMD not found */
};

/* `report --nagios`: the monitoring-plugin exit codes. */
enum vfc_nagios {
	VFC_NAGIOS_OK = 0,
	VFC_NAGIOS_WARNING = 1,
	VFC_NAGIOS_CRITICAL = 2,
	VFC_NAGIOS_UNKNOWN = 3,
};

int vfc_cmd_check(int argc, char **argv);
int vfc_cmd_inspect(int argc, char **argv);
int vfc_cmd_run(int argc, char **argv);
int vfc_cmd_report(int argc, char **argv);
int vfc_cmd_bench(int argc, char **argv);
int vfc_cmd_libvirt(int argc, char **argv);
int vfc_cmd_audit(int argc, char **argv);

/*
 * cli.c: getopt_long over a subcommand's options, the cases every
 * subcommand shares done here: -h/--help prints `usage` to stdout, an
 * unknown option or a missing argument prints it to stderr; both return
 * VFC_OPT_EXIT with *exit_code set (VFC_EXIT_OK, VFC_EXIT_USAGE). Else the
 * option for the caller's switch, or -1 at the end. The caller sets
 * optind = 1 before the first call.
 */
#define VFC_OPT_EXIT (-2)
struct option;
int vfc_getopt(int argc, char **argv, const char *shortopts, const struct option *opts,
	       void (*usage)(FILE *), int *exit_code);

/* cli.c: "vfiocompat: <msg>" on stderr, one line. */
void vfc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

extern const char *vfc_progname;
/* Exit code when standard output could not be written (main.c checks it; cli.c). */
extern int vfc_output_error_exit;

#endif
