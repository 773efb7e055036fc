// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat report FILE...`: merge trial reports, print one verdict. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli.h"
#include "formats.h"
#include "text.h"
#include "trial.h"

enum format { HUMAN, JSON, PROMETHEUS };

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vfiocompat report [--json|--prometheus] [--output FILE [--exit-code]]\n"
	    "                         [--nagios] REPORT...\n\n"
	    "Merge the JSON Lines reports of trialled processes (the shim's VFIOCOMPAT_LOG files,\n"
	    "vfiocompat audit's files, older vfiocompat.ko audit reports; '-' reads stdin) and\n"
	    "print per-feature use,\n"
	    "what iommufd does with each feature, what to do, and one verdict: the worst\n"
	    "process's (ready < ready-with-differences < untested < incomplete < not-ready\n"
	    "< failed). Malformed, truncated or over-64-KiB lines are named (file:line) and\n"
	    "skipped; a read error is an error (exit 2).\n\n"
	    "  --json         one JSON object\n"
	    "  --prometheus   node_exporter textfile-collector format\n"
	    "  --output FILE  write there atomically (temporary file, then rename); exit 0\n"
	    "                 once written, unless --exit-code or --nagios\n"
	    "  --exit-code    with --output: exit with the verdict's code (the default without)\n"
	    "  --nagios       exit with monitoring-plugin codes: 0 OK (READY), 1 WARNING\n"
	    "                 (WITH CHANGES), 2 CRITICAL (NOT READY, FAILED), 3 UNKNOWN\n"
	    "                 (UNTESTED, INCOMPLETE, or an input or output error)\n\n"
	    "exit: 0 READY, 3 READY WITH CHANGES, 1 NOT READY or FAILED, 4 UNTESTED or\n"
	    "      INCOMPLETE, 2 bad arguments, an unreadable input or a failed write\n");
}

/* A stream read to its end, or the read error named (never taken for the end). */
static int read_stream(struct vfc_trial *t, FILE *in, const char *name)
{
	if (!vfc_trial_add_stream(t, in, name, stderr))
		return 0;
	vfc_err("report: %s: read error after line %lu: %s; the verdict cannot be trusted: "
		"read the report again once it is readable",
		name, t->stream_lines, strerror(errno));
	return -1;
}

/* Read one report; 0, or -1 after naming the problem. */
static int read_one(struct vfc_trial *t, const char *path)
{
	struct stat st;
	FILE *in;
	int fd, ret;

	if (!strcmp(path, "-"))
		return read_stream(t, stdin, "<stdin>");
	/*
	 * O_NONBLOCK: a FIFO nobody writes to must not hang the open. A pipe
	 * (`report <(zcat r.jsonl.gz)`) is then read as usual; a device or a
	 * socket never ends as a report does, and is refused.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		vfc_err("report: %s: %s; give the path of a VFIOCOMPAT_LOG file", path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || S_ISDIR(st.st_mode)) {
		vfc_err("report: %s: is a directory; give the report files in it (e.g. %s/*.jsonl)",
			path, path);
		close(fd);
		return -1;
	}
	/* /dev/null is the empty report; any other device never ends as a file does. */
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
	    !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))) {
		vfc_err("report: %s: not a regular file (a device or socket); give the path of a "
			"VFIOCOMPAT_LOG file",
			path);
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		vfc_err("report: %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	in = fdopen(fd, "r");
	if (!in) {
		vfc_err("report: %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	ret = read_stream(t, in, path);
	fclose(in);
	return ret;
}

/* Exit codes, vfiocompat(1): the verdict's, or a monitoring plugin's with --nagios. */
static int exit_for(enum vfc_verdict v, bool nagios)
{
	switch (v) {
	case VFC_V_READY:
		return nagios ? VFC_NAGIOS_OK : VFC_EXIT_OK;
	case VFC_V_CHANGES:
		return nagios ? VFC_NAGIOS_WARNING : VFC_EXIT_CHANGES;
	case VFC_V_NOT_READY:
	case VFC_V_FAILED:
		return nagios ? VFC_NAGIOS_CRITICAL : VFC_EXIT_FAIL;
	case VFC_V_UNTESTED:
	case VFC_V_INCOMPLETE:
	case VFC_V_COUNT:
		break;
	}
	return nagios ? VFC_NAGIOS_UNKNOWN : VFC_EXIT_UNTESTED;
}

/* Where the report's errors go: 2, or UNKNOWN for a monitoring system. */
static int error_exit(bool nagios)
{
	return nagios ? VFC_NAGIOS_UNKNOWN : VFC_EXIT_USAGE;
}

int vfc_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"prometheus", no_argument, 0, 'p'},
	    {"output", required_argument, 0, 'o'},
	    {"exit-code", no_argument, 0, 'e'},
	    {"nagios", no_argument, 0, 'n'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	enum format fmt = HUMAN;
	bool json = false, prometheus = false, exit_code = false, nagios = false;
	const char *output = NULL;
	char tmp[4096];
	struct vfc_trial t;
	enum vfc_verdict v;
	int c, bad = 0;
	FILE *out = stdout;

	/* A monitoring system gets UNKNOWN for every error, a bad option before it too. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--nagios"))
			vfc_output_error_exit = VFC_NAGIOS_UNKNOWN;
	nagios = vfc_output_error_exit == VFC_NAGIOS_UNKNOWN;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			fmt = JSON;
			break;
		case 'p':
			prometheus = true;
			fmt = PROMETHEUS;
			break;
		case 'e':
			exit_code = true;
			break;
		case 'n':
			nagios = true;
			vfc_output_error_exit = VFC_NAGIOS_UNKNOWN;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage(stdout);
			return VFC_EXIT_OK;
		default:
			usage(stderr);
			return error_exit(nagios);
		}
	}
	if (json && prometheus) {
		vfc_err("report: --json and --prometheus are two output formats; choose one");
		return error_exit(nagios);
	}
	if (optind == argc) {
		vfc_err("report: no report file given; usage: vfiocompat report "
			"[--json|--prometheus] REPORT...");
		return error_exit(nagios);
	}
	vfc_trial_init(&t);
	for (int i = optind; i < argc; i++)
		bad |= read_one(&t, argv[i]);
	v = vfc_trial_finish(&t);
	if (bad && !t.files) {
		vfc_trial_free(&t);
		return error_exit(nagios);
	}

	if (output) {
		int fd, n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", output);

		if (n < 0 || (size_t)n >= sizeof(tmp) || (fd = mkostemp(tmp, O_CLOEXEC)) < 0 ||
		    !(out = fdopen(fd, "w"))) {
			vfc_err(
			    "report: cannot write next to %s: %s; choose a writable --output path",
			    output, strerror(errno));
			vfc_trial_free(&t);
			return error_exit(nagios);
		}
		fchmod(fd, 0644); /* node_exporter runs as another user */
	}
	if (fmt == JSON)
		vfc_report_print_json(out, &t, v);
	else if (fmt == PROMETHEUS)
		vfc_report_print_prometheus(out, &t, v);
	else
		vfc_report_print_human(out, &t, v);
	if (output) {
		int e = fflush(out) | fsync(fileno(out));

		e |= fclose(out);
		if (e || rename(tmp, output)) {
			vfc_err("report: writing %s failed: %s", output, strerror(errno));
			unlink(tmp);
			bad = 1;
		}
	}
	vfc_trial_free(&t);
	if (bad)
		return error_exit(nagios);
	/* A timer feeding a textfile collector succeeded once the file is written. */
	if (output && !exit_code && !nagios)
		return VFC_EXIT_OK;
	return exit_for(v, nagios);
}
