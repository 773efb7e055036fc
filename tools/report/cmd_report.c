// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat report FILE...`: merge trial reports, print one verdict. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "decode.h"
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
	    "the module's %s; '-' reads stdin) and print per-feature use,\n"
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
	    "      INCOMPLETE, 2 bad arguments, an unreadable input or a failed write\n",
	    "/sys/kernel/debug/vfiocompat/report");
}

/* Program names and texts come from files: print control bytes as '?'. */
static void put_clean(FILE *out, const char *s, int width)
{
	int n = 0;

	for (; *s; s++, n++)
		fputc(vfc_clean_byte(*s, 0), out);
	for (; n < width; n++)
		fputc(' ', out);
}

static unsigned count_verdict(const struct vfc_trial *t, enum vfc_verdict v)
{
	unsigned n = 0;

	for (size_t i = 0; i < t->nprocs; i++)
		n += t->procs[i].verdict == v;
	return n;
}

static unsigned count_fallbacks(const struct vfc_trial *t)
{
	unsigned n = 0;

	for (size_t i = 0; i < t->nprocs; i++)
		n += t->procs[i].fallback;
	return n;
}

static void print_human(FILE *out, const struct vfc_trial *t, enum vfc_verdict v)
{
	char name[96];

	fprintf(out,
		"vfiocompat report: %zu process%s from %lu file%s, %lu record%s, %lu line%s "
		"skipped\n\n",
		t->nprocs, t->nprocs == 1 ? "" : "es", t->files, t->files == 1 ? "" : "s",
		t->records, t->records == 1 ? "" : "s", t->skipped, t->skipped == 1 ? "" : "s");
	if (t->nprocs) {
		fprintf(out, "%-32s %-9s %-24s %-26s %s\n", "PROCESS", "MODE", "VERDICT",
			"MIGRATION", "REPORT");
		for (size_t i = 0; i < t->nprocs; i++) {
			const struct vfc_trial_proc *p = &t->procs[i];

			snprintf(name, sizeof(name), "%s[%ld]", p->program[0] ? p->program : "?",
				 p->pid);
			put_clean(out, name, 32);
			fputc(' ', out);
			put_clean(out, p->mode[0] ? p->mode : "?", 9);
			fprintf(out, " %-24s %-26s ", vfc_verdict_name(p->verdict),
				vfc_migv_name(p->migv));
			put_clean(out, p->source, 0);
			fputc('\n', out);
			if (p->reason[0]) {
				fprintf(out, "    why: ");
				put_clean(out, p->reason, 0);
				fputc('\n', out);
			}
		}
		/* Why each migration verdict, for processes that touched migration. */
		for (size_t i = 0; i < t->nprocs; i++) {
			const struct vfc_trial_proc *p = &t->procs[i];

			if (p->migv == VFC_MV_UNKNOWN)
				continue;
			fprintf(out,
				"  migration of %s[%ld]: %s: ", p->program[0] ? p->program : "?",
				p->pid, vfc_migv_name(p->migv));
			put_clean(out, p->migv_why, 0);
			fputc('\n', out);
		}
		fputc('\n', out);
	}
	if (t->nfeatures) {
		fprintf(out, "%-24s %-9s %5s %7s\n", "FEATURE", "SEVERITY", "PROCS", "USES");
		for (size_t i = 0; i < t->nfeatures; i++) {
			const struct vfc_trial_feature *f = &t->features[i];

			if (!f->uses)
				continue;
			put_clean(out, f->name, 24);
			fprintf(out, " %-9s %5u %7lu\n", vfc_severity_name(f->severity), f->procs,
				f->uses);
			fprintf(out, "    iommufd: ");
			put_clean(out, f->iommufd[0] ? f->iommufd : "(not described)", 0);
			fprintf(out, "\n    do:      ");
			put_clean(out, f->hint[0] ? f->hint : "(no hint)", 0);
			fputc('\n', out);
		}
		if (t->nunknown || vfc_trial_unlisted(t)) {
			bool first = true;

			fprintf(out, "Feature names this vfiocompat does not know (upgrade it to "
				     "judge them): ");
			for (size_t i = 0; i < t->nfeatures; i++) {
				if (t->features[i].known)
					continue;
				fputs(first ? "" : ", ", out);
				put_clean(out, t->features[i].name, 0);
				first = false;
			}
			if (vfc_trial_unlisted(t))
				fprintf(out, "%s+%zu more", first ? "" : ", ",
					vfc_trial_unlisted(t));
			fputc('\n', out);
		}
		fputc('\n', out);
	} else if (t->nprocs) {
		fprintf(out, "No type1 feature that differs under iommufd was used.\n\n");
	}
	fprintf(out,
		"verdict: %s (%u ready, %u with changes, %u untested, %u incomplete, %u not ready, "
		"%u failed)\n",
		vfc_verdict_title(v), count_verdict(t, VFC_V_READY),
		count_verdict(t, VFC_V_CHANGES), count_verdict(t, VFC_V_UNTESTED),
		count_verdict(t, VFC_V_INCOMPLETE), count_verdict(t, VFC_V_NOT_READY),
		count_verdict(t, VFC_V_FAILED));
	if (v == VFC_V_UNTESTED && !count_fallbacks(t))
		fprintf(out, "No process used the VFIO container on iommufd: trial one with "
			     "'vfiocompat run -- CMD' and report its log.\n");
	else if (v == VFC_V_UNTESTED)
		fprintf(out, "A container stayed on type1 (see why: above): fix the target node's "
			     "access and trial again.\n");
	else if (v == VFC_V_INCOMPLETE)
		fprintf(out, "A process left no summary: let it exit normally (or trial it again) "
			     "before switching.\n");
	else if (v == VFC_V_FAILED)
		fprintf(out, "A trialled program failed (see why: above): do not switch before "
			     "it runs cleanly on iommufd.\n");
}

static void print_json(FILE *out, const struct vfc_trial *t, enum vfc_verdict v)
{
	struct json_object *o = json_object_new_object(), *procs = json_object_new_array(),
			   *feats = json_object_new_array();

	json_object_object_add(o, "schema", json_object_new_int(VFC_REPORT_SCHEMA));
	json_object_object_add(o, "verdict", json_object_new_string(vfc_verdict_name(v)));
	json_object_object_add(o, "files", json_object_new_int64((int64_t)t->files));
	json_object_object_add(o, "records", json_object_new_int64((int64_t)t->records));
	json_object_object_add(o, "skipped_lines", json_object_new_int64((int64_t)t->skipped));
	for (size_t i = 0; i < t->nprocs; i++) {
		const struct vfc_trial_proc *p = &t->procs[i];
		struct json_object *po = json_object_new_object(), *pf = json_object_new_object();

		json_object_object_add(po, "source", json_object_new_string(p->source));
		json_object_object_add(po, "program", json_object_new_string(p->program));
		json_object_object_add(po, "pid", json_object_new_int64(p->pid));
		if (p->has_id) {
			json_object_object_add(po, "starttime",
					       json_object_new_int64((int64_t)p->starttime));
			json_object_object_add(po, "boot_id", json_object_new_string(p->boot_id));
		}
		json_object_object_add(po, "mode", json_object_new_string(p->mode));
		json_object_object_add(po, "verdict",
				       json_object_new_string(vfc_verdict_name(p->verdict)));
		json_object_object_add(po, "complete", json_object_new_boolean(p->has_summary));
		json_object_object_add(po, "merged", json_object_new_boolean(!p->neutral));
		json_object_object_add(po, "reason", json_object_new_string(p->reason));
		if (p->fallback)
			json_object_object_add(po, "fallback_errno",
					       json_object_new_string(p->fallback_errno));
		if (p->has_exit) {
			struct json_object *eo = json_object_new_object();

			if (p->exit_status >= 0) {
				json_object_object_add(eo, "status",
						       json_object_new_int64(p->exit_status));
			} else {
				json_object_object_add(eo, "signal",
						       json_object_new_string(p->exit_signal));
				json_object_object_add(eo, "core_dumped",
						       json_object_new_boolean(p->core_dumped));
			}
			json_object_object_add(po, "exit", eo);
		}
		json_object_object_add(po, "migration",
				       json_object_new_string(vfc_migv_name(p->migv)));
		json_object_object_add(po, "migration_why", json_object_new_string(p->migv_why));
		for (size_t k = 0; k < t->nfeatures; k++) {
			unsigned long n = p->uses[k] ? p->uses[k] : p->feature_record[k];

			if (n)
				json_object_object_add(pf, t->features[k].name,
						       json_object_new_int64((int64_t)n));
		}
		json_object_object_add(po, "features", pf);
		json_object_array_add(procs, po);
	}
	for (size_t i = 0; i < t->nfeatures; i++) {
		const struct vfc_trial_feature *f = &t->features[i];
		struct json_object *fo = json_object_new_object();

		if (!f->uses) {
			json_object_put(fo);
			continue;
		}
		json_object_object_add(fo, "feature", json_object_new_string(f->name));
		json_object_object_add(fo, "severity",
				       json_object_new_string(vfc_severity_name(f->severity)));
		json_object_object_add(fo, "known", json_object_new_boolean(f->known));
		json_object_object_add(fo, "processes", json_object_new_int64(f->procs));
		json_object_object_add(fo, "uses", json_object_new_int64((int64_t)f->uses));
		json_object_object_add(fo, "iommufd", json_object_new_string(f->iommufd));
		json_object_object_add(fo, "hint", json_object_new_string(f->hint));
		json_object_array_add(feats, fo);
	}
	json_object_object_add(o, "processes", procs);
	json_object_object_add(o, "features", feats);
	json_object_object_add(o, "unknown_features_unlisted",
			       json_object_new_int64((int64_t)vfc_trial_unlisted(t)));
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* Prometheus label values: escape backslash, double quote and newline. */
static void put_label(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static void print_prometheus(FILE *out, const struct vfc_trial *t, enum vfc_verdict v)
{
	fprintf(out, "# HELP vfiocompat_verdict Readiness of the merged trial reports for iommufd: "
		     "1 for the verdict that applies.\n# TYPE vfiocompat_verdict gauge\n");
	for (int k = 0; k < VFC_V_COUNT; k++)
		fprintf(out, "vfiocompat_verdict{verdict=\"%s\"} %d\n",
			vfc_verdict_name((enum vfc_verdict)k), k == (int)v);
	fprintf(out, "# HELP vfiocompat_processes Trialled processes by verdict.\n"
		     "# TYPE vfiocompat_processes gauge\n");
	for (int k = 0; k < VFC_V_COUNT; k++)
		fprintf(out, "vfiocompat_processes{verdict=\"%s\"} %u\n",
			vfc_verdict_name((enum vfc_verdict)k),
			count_verdict(t, (enum vfc_verdict)k));
	fprintf(out, "# HELP vfiocompat_migration_processes Trialled processes by migration "
		     "verdict after the switch.\n# TYPE vfiocompat_migration_processes gauge\n");
	for (int k = 0; k < VFC_MV_COUNT; k++) {
		unsigned n = 0;

		for (size_t i = 0; i < t->nprocs; i++)
			n += t->procs[i].migv == (enum vfc_migv)k;
		fprintf(out, "vfiocompat_migration_processes{verdict=\"%s\"} %u\n",
			vfc_migv_name((enum vfc_migv)k), n);
	}
	fprintf(out, "# HELP vfiocompat_feature_uses Uses of type1 features that differ under "
		     "iommufd.\n# TYPE vfiocompat_feature_uses gauge\n");
	for (size_t i = 0; i < t->nfeatures; i++) {
		fprintf(out, "vfiocompat_feature_uses{feature=\"");
		put_label(out, t->features[i].name);
		fprintf(out, "\",severity=\"%s\"} %lu\n",
			vfc_severity_name(t->features[i].severity), t->features[i].uses);
	}
	fprintf(out,
		"# HELP vfiocompat_feature_names_unlisted Distinct unknown feature names past "
		"the listed ones.\n# TYPE vfiocompat_feature_names_unlisted gauge\n"
		"vfiocompat_feature_names_unlisted %zu\n",
		vfc_trial_unlisted(t));
	fprintf(out,
		"# HELP vfiocompat_report_lines_skipped Malformed or truncated report lines.\n"
		"# TYPE vfiocompat_report_lines_skipped gauge\n"
		"vfiocompat_report_lines_skipped %lu\n",
		t->skipped);
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
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
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
		print_json(out, &t, v);
	else if (fmt == PROMETHEUS)
		print_prometheus(out, &t, v);
	else
		print_human(out, &t, v);
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
