// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat report FILE...`: merge trial reports, print one verdict. */
#include <dirent.h>
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
	    "usage: vfiocompat report [--json|--prometheus|--nagios] [--by host|program]\n"
	    "                         [--output FILE [--exit-code]] REPORT|DIR...\n\n"
	    "Merge the JSON Lines reports of trialled processes (the shim's VFIOCOMPAT_LOG files,\n"
	    "vfiocompat audit's files, older vfiocompat.ko audit reports; '-' reads stdin) and\n"
	    "print per-feature use,\n"
	    "what iommufd does with each feature, what to do, and one verdict: the worst\n"
	    "process's (READY < READY WITH DIFFERENCES < UNTESTED < INCOMPLETE < NOT READY\n"
	    "< FAILED). Malformed, truncated or over-64-KiB lines are named (file:line) and\n"
	    "skipped; a read error is an error (exit 2). A directory stands for the *.jsonl\n"
	    "files directly in it (not below); no report at all is \"no trials yet\": exit 0\n"
	    "(--nagios: OK).\n\n"
	    "  --by host|program  group the verdicts by the records' host or by program\n"
	    "  --json         one JSON object\n"
	    "  --prometheus   node_exporter textfile-collector format\n"
	    "  --nagios       a monitoring plugin: 'VFIOCOMPAT STATE - summary | perfdata', the\n"
	    "                 table as long output, exit 0 OK (READY), 1 WARNING (READY WITH\n"
	    "                 DIFFERENCES), 2 CRITICAL (NOT READY, FAILED), 3 UNKNOWN (UNTESTED,\n"
	    "                 INCOMPLETE, or any error, then on stdout); with --output and\n"
	    "                 --json or --prometheus, that format goes to the file\n"
	    "  --output FILE  write there atomically (temporary file, then rename); exit 0\n"
	    "                 once written, unless --exit-code or --nagios\n"
	    "  --exit-code    with --output: exit with the verdict's code (the default without)\n\n"
	    "exit: 0 READY, 5 READY WITH DIFFERENCES, 1 NOT READY or FAILED, 4 UNTESTED or\n"
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

static int read_one(struct vfc_trial *t, const char *path);

static int jsonl_only(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 6 && !strcmp(d->d_name + n - 6, ".jsonl");
}

/*
 * A directory: the *.jsonl files directly in it, in name order (not below:
 * a report directory holds the reports, its subdirectories are other
 * trials'). Hidden names are left out. None is no trials yet, not an error.
 */
static int read_dir(struct vfc_trial *t, const char *dir)
{
	struct dirent **names;
	char path[4096];
	int n = scandir(dir, &names, jsonl_only, alphasort), bad = 0;

	if (n < 0) {
		vfc_err("report: %s: %s; give a readable directory of VFIOCOMPAT_LOG files", dir,
			strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct stat st;
		int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);

		/* Only regular files: a FIFO or a link named *.jsonl there is not a report. */
		if (len > 0 && (size_t)len < sizeof(path) && !lstat(path, &st) &&
		    S_ISREG(st.st_mode))
			bad |= read_one(t, path);
		free(names[i]);
	}
	free(names);
	return bad;
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
	if (!fstat(fd, &st) && S_ISDIR(st.st_mode)) {
		close(fd);
		return read_dir(t, path);
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
	if (nagios)
		return vfc_report_nagios_state(v);
	switch (v) {
	case VFC_V_READY:
		return VFC_EXIT_OK;
	case VFC_V_CHANGES:
		return VFC_EXIT_CHANGES;
	case VFC_V_NOT_READY:
	case VFC_V_FAILED:
		return VFC_EXIT_FAIL;
	case VFC_V_UNTESTED:
	case VFC_V_INCOMPLETE:
	case VFC_V_COUNT:
		break;
	}
	return VFC_EXIT_UNTESTED;
}

/* Where the report's errors go: 2, or UNKNOWN for a monitoring system. */
static int error_exit(bool nagios)
{
	return nagios ? VFC_NAGIOS_UNKNOWN : VFC_EXIT_USAGE;
}

int vfc_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},	   {"prometheus", no_argument, 0, 'p'},
	    {"output", required_argument, 0, 'o'}, {"exit-code", no_argument, 0, 'e'},
	    {"nagios", no_argument, 0, 'n'},	   {"by", required_argument, 0, 'b'},
	    {"help", no_argument, 0, 'h'},	   {0, 0, 0, 0},
	};
	enum format fmt = HUMAN;
	enum vfc_by by = VFC_BY_NONE;
	bool json = false, prometheus = false, exit_code = false, nagios = false;
	const char *output = NULL;
	char tmp[4096];
	struct vfc_trial t;
	enum vfc_verdict v;
	int c, bad = 0;
	FILE *out = stdout;

	/* A monitoring system gets UNKNOWN on stdout for every error, a bad option before it too.
	 */
	nagios = vfc_nagios_scan(argc, argv);
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
			break;
		case 'o':
			output = optarg;
			break;
		case 'b':
			if (vfc_by_parse(optarg) < 0) {
				vfc_err("report: --by '%s': group by 'host' or by 'program'",
					optarg);
				return error_exit(nagios);
			}
			by = (enum vfc_by)vfc_by_parse(optarg);
			break;
		case 'h':
			usage(stdout);
			return VFC_EXIT_OK;
		default:
			return vfc_bad_option("report", argv);
		}
	}
	if (json && prometheus) {
		vfc_err("report: --json and --prometheus are two output formats; choose one");
		return error_exit(nagios);
	}
	if (nagios && (json || prometheus) && !output) {
		vfc_err(
		    "report: --nagios prints its own format on stdout; --%s needs --output FILE",
		    json ? "json" : "prometheus");
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
	if (nagios && !output)
		; /* below, once the inputs are known to be read */
	else if (fmt == JSON)
		vfc_report_print_json(out, &t, v, by);
	else if (fmt == PROMETHEUS)
		vfc_report_print_prometheus(out, &t, v, by);
	else
		vfc_report_print_human(out, &t, v, by);
	if (output) {
		int e = fflush(out) | fsync(fileno(out));

		e |= fclose(out);
		if (e || rename(tmp, output)) {
			vfc_err("report: writing %s failed: %s", output, strerror(errno));
			unlink(tmp);
			bad = 1;
		}
	}
	bool none = !t.files; /* no report at all (empty directories): no trials yet */

	/* Every input read and the file written: the state line, else UNKNOWN above. */
	if (nagios && !bad && !vfc_nagios_errors())
		vfc_report_print_nagios(stdout, &t, v, by);
	vfc_trial_free(&t);
	if (bad || (nagios && vfc_nagios_errors()))
		return error_exit(nagios);
	if (none) /* no trials yet: OK for a monitoring system too */
		return VFC_EXIT_OK;
	/* A timer feeding a textfile collector succeeded once the file is written. */
	if (output && !exit_code && !nagios)
		return VFC_EXIT_OK;
	return exit_for(v, nagios);
}
