// SPDX-License-Identifier: GPL-2.0-only
/* Merge JSON Lines reports into a trial; see trial.h. Parsing is json-c's. */
#include "trial.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static const char *const verdict_names[VFC_V_COUNT] = {
    [VFC_V_READY] = VFC_VERDICT_READY,	       [VFC_V_CHANGES] = VFC_VERDICT_DIFFERENCES,
    [VFC_V_UNTESTED] = VFC_VERDICT_UNTESTED,   [VFC_V_INCOMPLETE] = VFC_VERDICT_INCOMPLETE,
    [VFC_V_NOT_READY] = VFC_VERDICT_NOT_READY, [VFC_V_FAILED] = VFC_VERDICT_FAILED,
};

static const char *const verdict_titles[VFC_V_COUNT] = {
    [VFC_V_READY] = "READY",	     [VFC_V_CHANGES] = "READY WITH CHANGES",
    [VFC_V_UNTESTED] = "UNTESTED",   [VFC_V_INCOMPLETE] = "INCOMPLETE",
    [VFC_V_NOT_READY] = "NOT READY", [VFC_V_FAILED] = "FAILED",
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
	for (int i = 0; i < VFC_V_COUNT; i++)
		if (s && !strcmp(s, verdict_names[i]))
			return (enum vfc_verdict)i;
	return VFC_V_UNTESTED;
}

static bool verdict_known(const char *s)
{
	for (int i = 0; i < VFC_V_COUNT; i++)
		if (s && !strcmp(s, verdict_names[i]))
			return true;
	return false;
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

/* The summary's {"NAME": {"calls": n, "errors": n}}: totals and MAP_DMA's errors. */
static int add_ioctls_map(struct vfc_trial_proc *p, struct json_object *map, char *err,
			  size_t errlen)
{
	unsigned long calls = 0, errors = 0, map_errors = 0;

	if (!map)
		return 0;
	if (!json_object_is_type(map, json_type_object))
		return fail(err, errlen, "summary \"ioctls\" is not an object");
	json_object_object_foreach(map, name, counts)
	{
		long c, e;

		if (!json_object_is_type(counts, json_type_object) ||
		    !get_int(counts, "calls", &c) || !get_int(counts, "errors", &e) || c < 0 ||
		    e < 0 || e > c)
			return fail(err, errlen,
				    "summary \"ioctls\" entry \"%s\" is not {calls, errors} counts",
				    name);
		calls += (unsigned long)c;
		errors += (unsigned long)e;
		if (!strcmp(name, "IOMMU_MAP_DMA"))
			map_errors += (unsigned long)e;
	}
	p->ioctl_calls = calls;
	p->ioctl_errors = errors;
	p->map_errors = map_errors;
	return 0;
}

static void note_fallback(struct vfc_trial_proc *p, struct json_object *rec)
{
	const char *e = get_str(rec, "errno"), *target = get_str(rec, "target");

	if (!p->fallback || !p->fallback_errno[0]) {
		copy(p->fallback_errno, sizeof(p->fallback_errno), e ? e : "");
		copy(p->fallback_target, sizeof(p->fallback_target), target ? target : "");
	}
	p->fallback = true;
}

/* {"type":"exit","source":"run","pid":N,"program":...,"status":N | "signal":"SIGX","core_dumped":b}
 */
static int apply_exit(struct vfc_trial_proc *p, struct json_object *rec, char *err, size_t errlen)
{
	const char *sig = get_str(rec, "signal"), *prog = get_str(rec, "program");
	struct json_object *core;
	long status;
	bool has_status = get_int(rec, "status", &status);

	if (has_status == !!sig || (has_status && (status < 0 || status > 255)) ||
	    (sig && (strncmp(sig, "SIG", 3) || strlen(sig) >= sizeof(p->exit_signal))))
		return fail(err, errlen,
			    "exit record needs either a \"status\" 0-255 or a \"signal\" name");
	p->has_exit = true;
	p->exit_status = has_status ? status : -1;
	copy(p->exit_signal, sizeof(p->exit_signal), sig);
	p->core_dumped = json_object_object_get_ex(rec, "core_dumped", &core) &&
			 json_object_is_type(core, json_type_boolean) &&
			 json_object_get_boolean(core);
	if (prog && !p->program[0])
		copy(p->program, sizeof(p->program), prog);
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

		if (!node || !action || strcmp(node, "container"))
			return 0;
		p->used_container = true;
		if (!strcmp(action, "redirected"))
			p->redirected = true;
		else if (!strcmp(action, "fallback") || !strcmp(action, "refused") ||
			 !strcmp(action, "denied"))
			note_fallback(p, rec);
	} else if (!strcmp(type, VFC_REC_GET_INFO_EARLY)) {
		const char *action = get_str(rec, "action"), *why = get_str(rec, "reason");

		if (action && (!strcmp(action, "skipped") || !strcmp(action, "off")) &&
		    !p->getinfo_unfixed) {
			p->getinfo_unfixed = true;
			copy(p->getinfo_reason, sizeof(p->getinfo_reason),
			     !strcmp(action, "off") ? "VFIOCOMPAT_FIXUPS=none"
			     : why		    ? why
						    : "no reason given");
		}
	} else if (!strcmp(type, VFC_REC_EXIT)) {
		return apply_exit(p, rec, err, errlen);
	}
	p->has_records = true;
	if (!strcmp(type, VFC_REC_FEATURE)) {
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

		long n;

		if (!verdict_known(v))
			return fail(err, errlen, "summary without a known \"verdict\"");
		p->has_summary = true;
		p->summary = vfc_verdict_parse(v);
		struct vfc_mig_facts mf;
		vfc_mig_facts_parse(rec, &mf);
		p->migv = vfc_migv_from_facts(&mf, p->migv_why, sizeof(p->migv_why));
		if (get_int(rec, "containers", &n) && n > 0)
			p->used_container = true;
		if (get_int(rec, "redirected", &n) && n > 0)
			p->redirected = true;
		if (get_int(rec, "fallbacks", &n) && n > 0)
			p->fallback = true;
		map = NULL;
		json_object_object_get_ex(rec, "ioctls", &map);
		if (add_ioctls_map(p, map, err, errlen))
			return -1;
		map = NULL;
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

static void because(struct vfc_trial_proc *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Add one reason to the process's list ("; " between them). */
static void because(struct vfc_trial_proc *p, const char *fmt, ...)
{
	size_t n = strlen(p->reason);
	va_list ap;

	if (n && n + 2 < sizeof(p->reason)) {
		memcpy(p->reason + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(p->reason + n, sizeof(p->reason) - n, fmt, ap);
	va_end(ap);
}

static void raise_to(enum vfc_verdict *v, enum vfc_verdict to)
{
	if (to > *v)
		*v = to;
}

/* Feature names of one severity this process used, for its reason. */
static void features_of(const struct vfc_trial *t, const struct vfc_trial_proc *p,
			enum vfc_severity sev, char *out, size_t size)
{
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < t->nfeatures && n + 1 < size; i++) {
		if ((!p->uses[i] && !p->feature_record[i]) || t->features[i].severity != sev)
			continue;
		n +=
		    (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "", t->features[i].name);
	}
}

/* The rules of docs/report-schema.md, "The verdict model", in its order. */
static enum vfc_verdict derive(const struct vfc_trial *t, struct vfc_trial_proc *p)
{
	/* Only run's record: a wrapper around the VFIO users, judged by its status alone. */
	bool exit_only = p->has_exit && !p->has_records;
	enum vfc_verdict v = p->has_summary ? p->summary
			     : exit_only    ? VFC_V_UNTESTED
					    : VFC_V_INCOMPLETE;
	char names[160];
	bool blocker;

	p->reason[0] = 0;
	if (!p->has_summary && !exit_only)
		because(p, "no summary: it crashed, was killed or is still running");
	/* Our feature table over the writer's word: a blocker used is decided already. */
	features_of(t, p, VFC_SEV_BLOCKER, names, sizeof(names));
	blocker = names[0];
	if (blocker) {
		raise_to(&v, VFC_V_NOT_READY);
		because(p, "used %s (blocker)", names);
	}
	features_of(t, p, VFC_SEV_DEGRADED, names, sizeof(names));
	if (names[0] && p->has_summary)
		raise_to(&v, VFC_V_CHANGES);
	if (p->fallback) {
		raise_to(&v, VFC_V_UNTESTED);
		because(p, "a container stayed on type1: %s%s%s", p->fallback_target,
			p->fallback_target[0] ? ": " : "",
			p->fallback_errno[0] ? p->fallback_errno : "errno not recorded");
	}
	if (p->getinfo_unfixed && p->map_errors) {
		raise_to(&v, VFC_V_NOT_READY);
		because(p,
			"GET_INFO before a device was answered without the enforced ranges (%s) "
			"and then %lu MAP_DMA call%s failed",
			p->getinfo_reason, p->map_errors, p->map_errors == 1 ? "" : "s");
	} else if (p->getinfo_unfixed) {
		raise_to(&v, VFC_V_CHANGES);
		because(p, "GET_INFO before a device was answered without the enforced ranges (%s)",
			p->getinfo_reason);
	}
	/* A blocker explains failed ioctls already (not-ready, as audit predicts). */
	if (!blocker && p->redirected && p->ioctl_calls && p->ioctl_errors == p->ioctl_calls) {
		raise_to(&v, VFC_V_FAILED);
		because(p, "all %lu container ioctl%s failed on iommufd", p->ioctl_calls,
			p->ioctl_calls == 1 ? "" : "s");
	}
	if (p->has_exit && p->exit_status < 0) {
		raise_to(&v, VFC_V_FAILED);
		because(p, "killed by %s%s", p->exit_signal,
			p->core_dumped ? " (core dumped)" : "");
	} else if (p->has_exit && p->exit_status > 0) {
		raise_to(&v, VFC_V_FAILED);
		because(p, "exited with status %ld", p->exit_status);
	}
	if (!p->reason[0] && v >= VFC_V_UNTESTED && p->has_summary && v == p->summary &&
	    (v != VFC_V_UNTESTED || p->used_container))
		because(p, "its summary says %s", vfc_verdict_name(v));
	/* A process that never used a container and did not fail is not merged. */
	p->neutral = v == VFC_V_UNTESTED && !p->used_container && !p->fallback;
	if (p->neutral && !p->reason[0])
		because(p, exit_only ? "exited with status 0, no VFIO use of its own"
				     : "no VFIO container used");
	return v;
}

enum vfc_verdict vfc_trial_finish(struct vfc_trial *t)
{
	enum vfc_verdict worst = VFC_V_READY;
	bool any = false;

	for (size_t i = 0; i < t->nfeatures; i++)
		t->features[i].uses = t->features[i].procs = 0;
	for (size_t k = 0; k < t->nprocs; k++) {
		struct vfc_trial_proc *p = &t->procs[k];

		p->verdict = derive(t, p);
		if (!p->neutral) {
			any = true;
			raise_to(&worst, p->verdict);
		}
		for (size_t i = 0; i < t->nfeatures; i++) {
			unsigned long n = p->uses[i] ? p->uses[i] : p->feature_record[i];

			t->features[i].uses += n;
			t->features[i].procs += n > 0;
		}
	}
	return any ? worst : VFC_V_UNTESTED;
}
