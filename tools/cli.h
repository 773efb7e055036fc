/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `vfiocompat` command: one entry point per subcommand (cmd_*.c), sharing
 * the exit codes and the few output helpers below. The pure parts each
 * subcommand relies on (parsers, verdict rules) live in their own files and
 * are unit-tested without a terminal.
 */
#ifndef VFC_CLI_H
#define VFC_CLI_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Exit codes, documented in vfiocompat(1) (EXIT STATUS, one table). 3 is
 * never a verdict: it is a monitoring plugin's UNKNOWN under --nagios.
 */
enum vfc_exit {
	VFC_EXIT_OK = 0,	    /* check: no FAIL; report: READY */
	VFC_EXIT_FAIL = 1,	    /* check: a FAIL; report: NOT READY or FAILED */
	VFC_EXIT_USAGE = 2,	    /* bad arguments, unreadable input, failed output */
	VFC_EXIT_CHANGES = 5,	    /* report: READY WITH DIFFERENCES */
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
int vfc_cmd_systemd(int argc, char **argv);

/*
 * cli.c: one line on stderr, "vfiocompat SUB: <msg>" when msg starts with a
 * subcommand's name ("run: ..."), else "vfiocompat: <msg>". Under --nagios
 * (vfc_nagios) it goes to stdout, the first as "VFIOCOMPAT UNKNOWN - ...".
 */
void vfc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --nagios anywhere before "--": every error is UNKNOWN (3) on stdout from here. */
extern bool vfc_nagios;
bool vfc_nagios_scan(int argc, char **argv);
/* An error was printed under --nagios (the state line is then written). */
bool vfc_nagios_errors(void);

/*
 * After getopt_long returned '?' (with opterr = 0): name the bad option in
 * one line; returns the usage exit code (UNKNOWN under --nagios).
 */
int vfc_bad_option(const char *cmd, char **argv);

extern const char *vfc_progname;
/* Exit code when standard output could not be written (main.c checks it; cli.c). */
extern int vfc_output_error_exit;

#endif
