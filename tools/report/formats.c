// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat report`'s three outputs of a finished trial: a table, JSON, Prometheus. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "formats.h"
#include "native.h"
#include "text.h"

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

/* --by: one line per host or program, its verdict and its processes by verdict. */
static void print_groups_human(FILE *out, const struct vfc_trial *t, enum vfc_by by)
{
	struct vfc_group *g;
	size_t n = vfc_groups(t, by, &g);

	if (n == (size_t)-1 || !n) {
		free(g);
		return;
	}
	fprintf(out, "%-32s %-24s %5s %5s %7s %8s %10s %9s %6s %s\n",
		by == VFC_BY_HOST ? "HOST" : "PROGRAM", "VERDICT", "PROCS", "READY", "CHANGES",
		"UNTESTED", "INCOMPLETE", "NOT-READY", "FAILED", "LAST RECORD (UTC)");
	for (size_t k = 0; k < n; k++) {
		char when[32] = "-";
		time_t last = (time_t)g[k].last;
		struct tm tm;

		if (g[k].last && gmtime_r(&last, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		put_clean(out, g[k].key[0] ? g[k].key : "(unknown)", 32);
		fprintf(out, " %-24s %5u %5u %7u %8u %10u %9u %6u %s\n",
			vfc_verdict_name(g[k].verdict), g[k].procs, g[k].counts[VFC_V_READY],
			g[k].counts[VFC_V_CHANGES], g[k].counts[VFC_V_UNTESTED],
			g[k].counts[VFC_V_INCOMPLETE], g[k].counts[VFC_V_NOT_READY],
			g[k].counts[VFC_V_FAILED], when);
	}
	fputc('\n', out);
	free(g);
}

void vfc_report_print_human(FILE *out, const struct vfc_trial *t, enum vfc_verdict v,
			    enum vfc_by by)
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
			fprintf(out, " %-24s %-26s ", vfc_verdict_title(p->verdict),
				vfc_migv_name(p->migv));
			put_clean(out, p->source, 0);
			fputc('\n', out);
			if (p->reason[0]) {
				fprintf(out, "    why: ");
				put_clean(out, p->reason, 0);
				fputc('\n', out);
			}
			if (!p->neutral)
				vfc_native_print_proc(out, t, p);
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
			vfc_native_print_finding(out, f);
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
	vfc_native_print_memlock(out, t);
	if (by != VFC_BY_NONE)
		print_groups_human(out, t, by);
	if (!t->files)
		fprintf(out, "No report yet: no trials yet (an empty set of reports is not an "
			     "error).\n");
	fprintf(
	    out,
	    "verdict: %s (%u ready, %u with differences, %u untested, %u incomplete, %u not ready, "
	    "%u failed)\n",
	    vfc_verdict_title(v), count_verdict(t, VFC_V_READY), count_verdict(t, VFC_V_CHANGES),
	    count_verdict(t, VFC_V_UNTESTED), count_verdict(t, VFC_V_INCOMPLETE),
	    count_verdict(t, VFC_V_NOT_READY), count_verdict(t, VFC_V_FAILED));
	vfc_native_print_verdict(out, t);
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

/* --by: "by" and "groups": [{KEY, verdict, processes, counts, last_timestamp}]. */
static void json_groups(struct json_object *o, const struct vfc_trial *t, enum vfc_by by)
{
	struct json_object *arr = json_object_new_array();
	struct vfc_group *g;
	size_t n = vfc_groups(t, by, &g);

	json_object_object_add(o, "by", json_object_new_string(vfc_by_name(by)));
	for (size_t k = 0; n != (size_t)-1 && k < n; k++) {
		struct json_object *go = json_object_new_object(), *c = json_object_new_object();

		json_object_object_add(go, vfc_by_name(by), json_object_new_string(g[k].key));
		json_object_object_add(go, "verdict",
				       json_object_new_string(vfc_verdict_name(g[k].verdict)));
		json_object_object_add(go, "processes", json_object_new_int64(g[k].procs));
		for (int i = 0; i < VFC_V_COUNT; i++)
			json_object_object_add(c, vfc_verdict_name((enum vfc_verdict)i),
					       json_object_new_int64(g[k].counts[i]));
		json_object_object_add(go, "counts", c);
		json_object_object_add(go, "last_timestamp", json_object_new_int64(g[k].last));
		json_object_array_add(arr, go);
	}
	free(g);
	json_object_object_add(o, "groups", arr);
}

void vfc_report_print_json(FILE *out, const struct vfc_trial *t, enum vfc_verdict v, enum vfc_by by)
{
	struct json_object *o = json_object_new_object(), *procs = json_object_new_array(),
			   *feats = json_object_new_array();

	json_object_object_add(o, "schema", json_object_new_int(VFC_REPORT_SCHEMA));
	json_object_object_add(o, "verdict", json_object_new_string(vfc_verdict_name(v)));
	vfc_native_json_verdict(o, t);
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
		json_object_object_add(po, "hostname", json_object_new_string(p->hostname));
		json_object_object_add(po, "timestamp", json_object_new_int64(p->timestamp));
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
		if (!p->neutral)
			json_object_object_add(po, "native", vfc_native_json_proc(t, p));
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
		vfc_native_json_feature(fo, f);
		json_object_array_add(feats, fo);
	}
	json_object_object_add(o, "processes", procs);
	json_object_object_add(o, "features", feats);
	json_object_object_add(o, "unknown_features_unlisted",
			       json_object_new_int64((int64_t)vfc_trial_unlisted(t)));
	if (by != VFC_BY_NONE)
		json_groups(o, t, by);
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/*
 * Labelled by host and program: the processes of each (host, program) by
 * verdict, always; with --by, each group's verdict (1 for the one that
 * applies) and its latest record's time. Then the files merged (0: no
 * trials yet) and the latest record's time over all.
 */
static void prometheus_fleet(FILE *out, const struct vfc_trial *t, enum vfc_by by)
{
	long long last = 0;
	bool *done = calloc(t->nprocs ? t->nprocs : 1, sizeof(*done));

	fprintf(out, "# HELP vfiocompat_host_program_processes Trialled processes by host, "
		     "program and verdict.\n# TYPE vfiocompat_host_program_processes gauge\n");
	for (size_t i = 0; done && i < t->nprocs; i++) {
		const struct vfc_trial_proc *p = &t->procs[i];
		unsigned counts[VFC_V_COUNT] = {0};

		if (p->timestamp > last)
			last = p->timestamp;
		if (done[i])
			continue;
		for (size_t j = i; j < t->nprocs; j++)
			if (!done[j] && !strcmp(t->procs[j].hostname, p->hostname) &&
			    !strcmp(t->procs[j].program, p->program)) {
				done[j] = true;
				counts[t->procs[j].verdict]++;
			}
		for (int k = 0; k < VFC_V_COUNT; k++) {
			fputs("vfiocompat_host_program_processes{host=\"", out);
			vfc_put_prom_label(out, p->hostname);
			fputs("\",program=\"", out);
			vfc_put_prom_label(out, p->program);
			fprintf(out, "\",verdict=\"%s\"} %u\n",
				vfc_verdict_name((enum vfc_verdict)k), counts[k]);
		}
	}
	free(done);
	if (by != VFC_BY_NONE) {
		const char *name = vfc_by_name(by);
		struct vfc_group *g;
		size_t n = vfc_groups(t, by, &g);

		fprintf(out,
			"# HELP vfiocompat_%s_verdict Readiness per %s: 1 for the verdict that "
			"applies (its worst process's).\n# TYPE vfiocompat_%s_verdict gauge\n",
			name, name, name);
		for (size_t k = 0; n != (size_t)-1 && k < n; k++)
			for (int i = 0; i < VFC_V_COUNT; i++) {
				fprintf(out, "vfiocompat_%s_verdict{%s=\"", name, name);
				vfc_put_prom_label(out, g[k].key);
				fprintf(out, "\",verdict=\"%s\"} %d\n",
					vfc_verdict_name((enum vfc_verdict)i),
					i == (int)g[k].verdict);
			}
		fprintf(out,
			"# HELP vfiocompat_%s_last_record_timestamp_seconds The latest trial "
			"record's time per %s (0: none said).\n"
			"# TYPE vfiocompat_%s_last_record_timestamp_seconds gauge\n",
			name, name, name);
		for (size_t k = 0; n != (size_t)-1 && k < n; k++) {
			fprintf(out, "vfiocompat_%s_last_record_timestamp_seconds{%s=\"", name,
				name);
			vfc_put_prom_label(out, g[k].key);
			fprintf(out, "\"} %lld\n", g[k].last);
		}
		free(g);
	}
	fprintf(out,
		"# HELP vfiocompat_report_files Report files merged; 0: no trials yet.\n"
		"# TYPE vfiocompat_report_files gauge\nvfiocompat_report_files %lu\n"
		"# HELP vfiocompat_last_record_timestamp_seconds The latest trial record's time "
		"(0: none said).\n# TYPE vfiocompat_last_record_timestamp_seconds gauge\n"
		"vfiocompat_last_record_timestamp_seconds %lld\n",
		t->files, last);
}

void vfc_report_print_prometheus(FILE *out, const struct vfc_trial *t, enum vfc_verdict v,
				 enum vfc_by by)
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
	vfc_native_prometheus(out, t);
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
		vfc_put_prom_label(out, t->features[i].name);
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
	prometheus_fleet(out, t, by);
}

/* Monitoring-plugin state of a verdict (docs/man/vfiocompat.1, EXIT STATUS). */
int vfc_report_nagios_state(enum vfc_verdict v)
{
	switch (v) {
	case VFC_V_READY:
		return 0;
	case VFC_V_CHANGES:
		return 1;
	case VFC_V_NOT_READY:
	case VFC_V_FAILED:
		return 2;
	case VFC_V_UNTESTED:
	case VFC_V_INCOMPLETE:
	case VFC_V_COUNT:
		break;
	}
	return 3;
}

void vfc_report_print_nagios(FILE *out, const struct vfc_trial *t, enum vfc_verdict v,
			     enum vfc_by by)
{
	static const char *const states[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
	/* warn;crit per verdict: a process with differences warns, a failing one is critical. */
	static const char *const thresholds[VFC_V_COUNT] = {
	    [VFC_V_READY] = ";;",      [VFC_V_CHANGES] = ";0;",	  [VFC_V_UNTESTED] = ";;",
	    [VFC_V_INCOMPLETE] = ";;", [VFC_V_NOT_READY] = ";;0", [VFC_V_FAILED] = ";;0",
	};
	char *body = NULL;
	size_t len = 0;
	FILE *m;

	/* No report at all is "no trials yet", a valid state of a host (exit 0). */
	fprintf(out, "VFIOCOMPAT %s - %s: %zu process%s from %lu file%s, %lu line%s skipped |",
		t->files ? states[vfc_report_nagios_state(v)] : "OK",
		t->files ? vfc_verdict_title(v) : "no trials yet", t->nprocs,
		t->nprocs == 1 ? "" : "es", t->files, t->files == 1 ? "" : "s", t->skipped,
		t->skipped == 1 ? "" : "s");
	fprintf(out, " 'processes'=%zu;;;0", t->nprocs);
	for (int k = 0; k < VFC_V_COUNT; k++) {
		fprintf(out, " '");
		for (const char *p = vfc_verdict_name((enum vfc_verdict)k); *p; p++)
			fputc(*p == '-' ? '_' : *p, out);
		fprintf(out, "'=%u%s;0", count_verdict(t, (enum vfc_verdict)k), thresholds[k]);
	}
	fprintf(out, " 'lines_skipped'=%lu;;;0\n", t->skipped);
	/* Long output: the table, without '|' (it would start perfdata). */
	m = open_memstream(&body, &len);
	if (!m)
		return;
	vfc_report_print_human(m, t, v, by);
	fclose(m);
	for (size_t i = 0; i < len; i++)
		fputc(body[i] == '|' ? '/' : body[i], out);
	free(body);
}
