// SPDX-License-Identifier: GPL-2.0-only
/* Merge JSON Lines reports into a trial; see trial.h. Parsing is json-c's. */
#include "trial.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static const char *const verdict_names[] = {
    [VFC_V_UNTESTED] = VFC_VERDICT_UNTESTED,
    [VFC_V_READY] = VFC_VERDICT_READY,
    [VFC_V_CHANGES] = VFC_VERDICT_DIFFERENCES,
    [VFC_V_NOT_READY] = VFC_VERDICT_NOT_READY,
};

static const char *const verdict_titles[] = {
    [VFC_V_UNTESTED] = "UNTESTED",
    [VFC_V_READY] = "READY",
    [VFC_V_CHANGES] = "READY WITH CHANGES",
    [VFC_V_NOT_READY] = "NOT READY",
};

const char *vfc_verdict_name(enum vfc_verdict v)
{
	return verdict_names[v];
}

const char *vfc_verdict_title(enum vfc_verdict v)
{
	return verdict_titles[v];
}

enum vfc_verdict vfc_verdict_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(verdict_names) / sizeof(verdict_names[0]); i++)
		if (s && !strcmp(s, verdict_names[i]))
			return (enum vfc_verdict)i;
	return VFC_V_UNTESTED;
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void vfc_trial_init(struct vfc_trial *t)
{
	memset(t, 0, sizeof(*t));
}

void vfc_trial_free(struct vfc_trial *t)
{
	free(t->procs);
	vfc_trial_init(t);
}

void vfc_trial_begin_source(struct vfc_trial *t, const char *source)
{
	t->files++;
	t->cur = 0;
	/* Remember the name for processes created from this file. */
	t->cur_source = source;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool get_int(struct json_object *o, const char *key, long *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = (long)json_object_get_int64(v);
	return true;
}

static enum vfc_severity parse_severity(const char *s)
{
	if (s && !strcmp(s, "blocker"))
		return VFC_SEV_BLOCKER;
	if (s && !strcmp(s, "info"))
		return VFC_SEV_INFO;
	/* Unknown severities from a newer writer: do not call them harmless. */
	return VFC_SEV_DEGRADED;
}

/* Index of a feature name in the trial's table, adding it; -1 when full. */
static int feature_index(struct vfc_trial *t, const char *name, struct json_object *rec)
{
	struct vfc_trial_feature *f;

	for (size_t i = 0; i < t->nfeatures; i++)
		if (!strcmp(t->features[i].name, name))
			return (int)i;
	if (t->nfeatures == VFC_TRIAL_MAX_FEATURES || strlen(name) >= sizeof(f->name))
		return -1;
	f = &t->features[t->nfeatures];
	copy(f->name, sizeof(f->name), name);
	/* Our own table is authoritative for the features we know. */
	for (int k = 0; k < VFC_F_COUNT; k++) {
		const struct vfc_feature_info *fi = vfc_feature((enum vfc_feature)k);

		if (!strcmp(fi->name, name)) {
			f->severity = fi->severity;
			copy(f->iommufd, sizeof(f->iommufd), fi->iommufd);
			copy(f->hint, sizeof(f->hint), fi->hint);
			return (int)t->nfeatures++;
		}
	}
	f->severity = parse_severity(rec ? get_str(rec, "severity") : NULL);
	if (rec) {
		const char *does = get_str(rec, "iommufd");

		copy(f->iommufd, sizeof(f->iommufd),
		     does ? does : get_str(rec, "iommufd_predicted"));
		copy(f->hint, sizeof(f->hint), get_str(rec, "hint"));
	}
	return (int)t->nfeatures++;
}

static struct vfc_trial_proc *proc_for(struct vfc_trial *t, long pid)
{
	struct vfc_trial_proc *p;
	const char *src = t->cur_source ? t->cur_source : "";

	for (size_t i = 0; i < t->nprocs; i++) {
		p = &t->procs[i];
		if (p->pid == pid && !strncmp(p->source, src, sizeof(p->source) - 1))
			return p;
	}
	if (t->nprocs == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct vfc_trial_proc *n = realloc(t->procs, cap * sizeof(*n));

		if (!n)
			return NULL;
		t->procs = n;
		t->cap = cap;
	}
	p = &t->procs[t->nprocs++];
	memset(p, 0, sizeof(*p));
	copy(p->source, sizeof(p->source), src);
	p->pid = pid;
	return p;
}

static int add_features_map(struct vfc_trial *t, struct vfc_trial_proc *p, struct json_object *map,
			    char *err, size_t errlen)
{
	if (!map)
		return 0;
	if (!json_object_is_type(map, json_type_object))
		return fail(err, errlen, "summary \"features\" is not an object");
	json_object_object_foreach(map, name, count)
	{
		int i = feature_index(t, name, NULL);

		if (i < 0)
			return fail(err, errlen, "too many distinct feature names (over %d)",
				    VFC_TRIAL_MAX_FEATURES);
		if (!json_object_is_type(count, json_type_int) || json_object_get_int64(count) < 0)
			return fail(err, errlen, "feature count for \"%s\" is not a count", name);
		p->uses[i] = (unsigned long)json_object_get_int64(count);
	}
	return 0;
}

static int apply_record(struct vfc_trial *t, struct vfc_trial_proc *p, struct json_object *rec,
			const char *type, char *err, size_t errlen);

/* A skipped line leaves the trial as it was: no new process, no half summary. */
static int add_record(struct vfc_trial *t, struct json_object *rec, char *err, size_t errlen)
{
	const char *type = get_str(rec, "type");
	size_t nprocs = t->nprocs, cur = t->cur;
	struct vfc_trial_proc *p, saved;
	long pid, schema;
	int ret;

	if (!type)
		return fail(err, errlen, "not a report record (no \"type\" string)");
	if (!strcmp(type, VFC_REC_START) && get_int(rec, "schema", &schema) &&
	    schema > VFC_REPORT_SCHEMA)
		return fail(err, errlen,
			    "report schema %ld is newer than this vfiocompat reads (%d); upgrade "
			    "vfiocompat",
			    schema, VFC_REPORT_SCHEMA);
	if (get_int(rec, "pid", &pid))
		p = proc_for(t, pid);
	else if (t->cur)
		p = &t->procs[t->cur - 1];
	else
		p = proc_for(t, -1);
	if (!p)
		return fail(err, errlen, "out of memory");
	saved = *p;
	t->cur = (size_t)(p - t->procs) + 1;
	ret = apply_record(t, p, rec, type, err, errlen);
	if (ret) {
		*p = saved;
		t->nprocs = nprocs; /* drops p if this line created it */
		t->cur = cur;
	}
	return ret;
}

static int apply_record(struct vfc_trial *t, struct vfc_trial_proc *p, struct json_object *rec,
			const char *type, char *err, size_t errlen)
{
	if (!strcmp(type, VFC_REC_START) || !strcmp(type, VFC_REC_SUMMARY)) {
		const char *prog = get_str(rec, "program"), *mode = get_str(rec, "mode");

		if (prog)
			copy(p->program, sizeof(p->program), prog);
		if (mode)
			copy(p->mode, sizeof(p->mode), mode);
	}
	if (!strcmp(type, VFC_REC_OPEN)) {
		const char *node = get_str(rec, "node"), *action = get_str(rec, "action");

		if (node && action && !strcmp(node, "container") &&
		    (!strcmp(action, "redirected") || !strcmp(action, "audit")))
			p->used_container = true;
	} else if (!strcmp(type, VFC_REC_FEATURE)) {
		const char *name = get_str(rec, "feature");
		int i;

		if (!name)
			return fail(err, errlen, "feature record without a \"feature\" name");
		i = feature_index(t, name, rec);
		if (i < 0)
			return fail(err, errlen, "too many distinct feature names (over %d)",
				    VFC_TRIAL_MAX_FEATURES);
		p->feature_record[i] = true;
	} else if (!strcmp(type, VFC_REC_SUMMARY)) {
		struct json_object *map = NULL;
		const char *v = get_str(rec, "verdict");

		if (!v ||
		    (vfc_verdict_parse(v) == VFC_V_UNTESTED && strcmp(v, VFC_VERDICT_UNTESTED)))
			return fail(err, errlen, "summary without a known \"verdict\"");
		p->has_summary = true;
		p->verdict = vfc_verdict_parse(v);
		struct vfc_mig_facts mf;
		vfc_mig_facts_parse(rec, &mf);
		p->migv = vfc_migv_from_facts(&mf, p->migv_why, sizeof(p->migv_why));
		json_object_object_get_ex(rec, "features", &map);
		return add_features_map(t, p, map, err, errlen);
	}
	return 0;
}

int vfc_trial_add_line(struct vfc_trial *t, const char *line, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *rec;
	int ret;

	t->lines++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (!len) {
		t->lines--; /* blank lines are not records and not errors */
		return 0;
	}
	if (len > VFC_TRIAL_MAX_LINE) {
		t->skipped++;
		return fail(err, errlen, "line longer than %d bytes", VFC_TRIAL_MAX_LINE);
	}
	tok = json_tokener_new();
	if (!tok) {
		t->skipped++;
		return fail(err, errlen, "out of memory");
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	rec = json_tokener_parse_ex(tok, line, (int)len);
	if (!rec || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		ret = fail(err, errlen, "not JSON (%s)",
			   e == json_tokener_continue  ? "truncated record"
			   : e == json_tokener_success ? "trailing data after the record"
						       : json_tokener_error_desc(e));
	} else if (!json_object_is_type(rec, json_type_object)) {
		ret = fail(err, errlen, "not a report record (not a JSON object)");
	} else {
		ret = add_record(t, rec, err, errlen);
	}
	json_object_put(rec);
	json_tokener_free(tok);
	if (ret)
		t->skipped++;
	else
		t->records++;
	return ret;
}

unsigned long vfc_trial_add_stream(struct vfc_trial *t, FILE *in, const char *source, FILE *warn)
{
	unsigned long before = t->skipped, lineno = 0;
	char *line = NULL, err[256];
	size_t cap = 0;
	ssize_t n;

	vfc_trial_begin_source(t, source);
	while ((n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (vfc_trial_add_line(t, line, (size_t)n, err, sizeof(err)) && warn)
			fprintf(warn, "vfiocompat: report: %s:%lu: %s; line skipped\n", source,
				lineno, err);
	}
	free(line);
	return t->skipped - before;
}

static enum vfc_verdict derive(const struct vfc_trial *t, const struct vfc_trial_proc *p)
{
	enum vfc_verdict v = p->used_container ? VFC_V_READY : VFC_V_UNTESTED;

	if (p->has_summary)
		return p->verdict;
	/* No summary (crashed, killed, still running): judge from what it did. */
	for (size_t i = 0; i < t->nfeatures; i++) {
		if (!p->uses[i] && !p->feature_record[i])
			continue;
		if (t->features[i].severity == VFC_SEV_BLOCKER)
			return VFC_V_NOT_READY;
		if (t->features[i].severity == VFC_SEV_DEGRADED)
			v = VFC_V_CHANGES;
	}
	return v;
}

enum vfc_verdict vfc_trial_finish(struct vfc_trial *t)
{
	enum vfc_verdict worst = VFC_V_UNTESTED;

	for (size_t i = 0; i < t->nfeatures; i++)
		t->features[i].uses = t->features[i].procs = 0;
	for (size_t k = 0; k < t->nprocs; k++) {
		struct vfc_trial_proc *p = &t->procs[k];

		p->verdict = derive(t, p);
		if (p->verdict > worst)
			worst = p->verdict;
		for (size_t i = 0; i < t->nfeatures; i++) {
			unsigned long n = p->uses[i] ? p->uses[i] : p->feature_record[i];

			t->features[i].uses += n;
			t->features[i].procs += n > 0;
		}
	}
	return worst;
}
