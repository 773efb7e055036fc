// SPDX-License-Identifier: GPL-2.0-only
/* Merge JSON Lines reports into a trial; see trial.h. Parsing is json-c's. */
#include "trial.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "decode.h"

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

void vfc_trial_init(struct vfc_trial *t)
{
	memset(t, 0, sizeof(*t));
}

void vfc_trial_free(struct vfc_trial *t)
{
	free(t->procs);
	for (size_t i = 0; i < t->nsources; i++)
		free(t->sources[i]);
	free(t->sources);
	for (size_t i = 0; i < t->nfeatures; i++)
		free(t->features[i].name);
	free(t->unlisted);
	vfc_trial_init(t);
}

int vfc_trial_begin_source(struct vfc_trial *t, const char *source)
{
	char **n = realloc(t->sources, (t->nsources + 1) * sizeof(*n));
	char *copy = strdup(source ? source : "");

	t->files++;
	t->cur = 0;
	if (n)
		t->sources = n;
	if (!n || !copy) {
		free(copy);
		t->cur_source = "(out of memory)";
		return -1;
	}
	/* The whole name: processes are keyed by it, never by a prefix. */
	t->sources[t->nsources++] = copy;
	t->cur_source = copy;
	return 0;
}

size_t vfc_trial_unlisted(const struct vfc_trial *t)
{
	return t->nunlisted;
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

/* Remember an unknown name past the list, by its hash; -1 when out of memory. */
static int note_unlisted(struct vfc_trial *t, const char *name)
{
	unsigned long long h = 1469598103934665603ull;
	size_t mask, i;

	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ *c) * 1099511628211ull;
	h = h ? h : 1; /* 0 marks an empty slot */
	if (2 * (t->nunlisted + 1) > t->unlisted_cap) {
		size_t cap = t->unlisted_cap ? 2 * t->unlisted_cap : 64;
		unsigned long long *n = calloc(cap, sizeof(*n));

		if (!n)
			return -1;
		for (size_t k = 0; k < t->unlisted_cap; k++) {
			if (!t->unlisted[k])
				continue;
			for (i = t->unlisted[k] & (cap - 1); n[i]; i = (i + 1) & (cap - 1))
				;
			n[i] = t->unlisted[k];
		}
		free(t->unlisted);
		t->unlisted = n;
		t->unlisted_cap = cap;
	}
	mask = t->unlisted_cap - 1;
	for (i = h & mask; t->unlisted[i]; i = (i + 1) & mask)
		if (t->unlisted[i] == h)
			return 0;
	t->unlisted[i] = h;
	t->nunlisted++;
	return 0;
}

/*
 * Index of a feature name in the trial's table, adding it. A name of our
 * feature table always has a slot; an unknown one past the list is counted:
 * -1. -2 when out of memory.
 */
static int feature_index(struct vfc_trial *t, const char *name, struct json_object *rec)
{
	const struct vfc_feature_info *known = NULL;
	struct vfc_trial_feature *f;

	for (size_t i = 0; i < t->nfeatures; i++)
		if (!strcmp(t->features[i].name, name))
			return (int)i;
	for (int k = 0; k < VFC_F_COUNT && !known; k++)
		if (!strcmp(vfc_feature((enum vfc_feature)k)->name, name))
			known = vfc_feature((enum vfc_feature)k);
	if (!known && t->nunknown == VFC_TRIAL_MAX_UNKNOWN)
		return note_unlisted(t, name) ? -2 : -1;
	f = &t->features[t->nfeatures];
	memset(f, 0, sizeof(*f));
	f->name = strdup(name);
	if (!f->name)
		return -2;
	/* Our own table is authoritative for the features we know. */
	if (known) {
		f->known = true;
		f->severity = known->severity;
		copy(f->iommufd, sizeof(f->iommufd), known->iommufd);
		copy(f->hint, sizeof(f->hint), known->hint);
		return (int)t->nfeatures++;
	}
	t->nunknown++;
	f->severity = parse_severity(rec ? get_str(rec, "severity") : NULL);
	if (rec) {
		const char *does = get_str(rec, "iommufd");

		copy(f->iommufd, sizeof(f->iommufd),
		     does ? does : get_str(rec, "iommufd_predicted"));
		copy(f->hint, sizeof(f->hint), get_str(rec, "hint"));
	}
	return (int)t->nfeatures++;
}

/* A record's process identity: pid plus, from newer writers, start time and boot id. */
struct ident {
	bool has; /* "starttime" or "boot_id" given */
	long long starttime;
	const char *boot_id;
};

static int get_ident(struct json_object *rec, struct ident *id, char *err, size_t errlen)
{
	struct json_object *v;

	memset(id, 0, sizeof(*id));
	id->boot_id = "";
	if (json_object_object_get_ex(rec, "starttime", &v)) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
			return vfc_fail(err, errlen, "\"starttime\" is not a clock-tick count");
		id->starttime = (long long)json_object_get_int64(v);
		id->has = true;
	}
	if (json_object_object_get_ex(rec, "boot_id", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) >= VFC_TRIAL_MAX_BOOT_ID)
			return vfc_fail(err, errlen,
					"\"boot_id\" is not a boot id (a string of under %d "
					"bytes)",
					VFC_TRIAL_MAX_BOOT_ID);
		id->boot_id = json_object_get_string(v);
		id->has = true;
	}
	return 0;
}

static bool same_ident(const struct vfc_trial_proc *p, const struct ident *id)
{
	return p->has_id && id->has && p->starttime == id->starttime &&
	       !strcmp(p->boot_id, id->boot_id);
}

/*
 * The current file's process of this pid: with an identity, the one whose
 * start record has it (NULL when none); without, the latest of the pid.
 */
static struct vfc_trial_proc *proc_find(struct vfc_trial *t, long pid, const struct ident *id)
{
	const char *src = t->cur_source ? t->cur_source : "";

	for (size_t i = t->nprocs; i-- > 0;) {
		struct vfc_trial_proc *p = &t->procs[i];

		if (p->pid != pid || strcmp(p->source, src))
			continue;
		if (!id || !id->has || same_ident(p, id))
			return p;
	}
	return NULL;
}

static struct vfc_trial_proc *proc_new(struct vfc_trial *t, long pid, const struct ident *id)
{
	struct vfc_trial_proc *p;

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
	p->source = t->cur_source ? t->cur_source : "";
	p->pid = pid;
	if (id && id->has) {
		p->has_id = true;
		p->starttime = id->starttime;
		copy(p->boot_id, sizeof(p->boot_id), id->boot_id);
	}
	return p;
}

static struct vfc_trial_proc *proc_for(struct vfc_trial *t, long pid, const struct ident *id)
{
	struct vfc_trial_proc *p = proc_find(t, pid, id);

	return p ? p : proc_new(t, pid, id);
}

static int add_features_map(struct vfc_trial *t, struct vfc_trial_proc *p, struct json_object *map,
			    char *err, size_t errlen)
{
	if (!map)
		return 0;
	if (!json_object_is_type(map, json_type_object))
		return vfc_fail(err, errlen, "summary \"features\" is not an object");
	json_object_object_foreach(map, name, count)
	{
		int i;

		if (!json_object_is_type(count, json_type_int) || json_object_get_int64(count) < 0)
			return vfc_fail(err, errlen, "feature count for \"%.64s\" is not a count",
					name);
		i = feature_index(t, name, NULL);
		if (i == -2)
			return vfc_fail(err, errlen, "out of memory");
		if (i == -1)
			p->unknown_unlisted += json_object_get_int64(count) > 0;
		else
			p->uses[i] = (unsigned long)json_object_get_int64(count);
	}
	return 0;
}

/*
 * The summary's {"NAME": {"calls": n, "errors": n[, "errno": "E..",
 * "errno_mixed": true]}}: totals, and MAP_DMA's and UNMAP_DMA's own.
 */
static int add_ioctls_map(struct vfc_trial_proc *p, struct json_object *map, char *err,
			  size_t errlen)
{
	unsigned long calls = 0, errors = 0, map_errors = 0;
	struct vfc_trial_dma dma[2] = {{0}};

	if (!map)
		return 0;
	if (!json_object_is_type(map, json_type_object))
		return vfc_fail(err, errlen, "summary \"ioctls\" is not an object");
	json_object_object_foreach(map, name, counts)
	{
		long c, e;

		if (!json_object_is_type(counts, json_type_object) ||
		    !get_int(counts, "calls", &c) || !get_int(counts, "errors", &e) || c < 0 ||
		    e < 0 || e > c)
			return vfc_fail(
			    err, errlen,
			    "summary \"ioctls\" entry \"%.64s\" is not {calls, errors} counts",
			    name);
		calls += (unsigned long)c;
		errors += (unsigned long)e;
		if (!strcmp(name, "IOMMU_MAP_DMA"))
			map_errors += (unsigned long)e;
		for (int k = 0; k < 2; k++) {
			const char *sym = get_str(counts, "errno");
			struct json_object *mixed;

			if (strcmp(name, k ? "IOMMU_UNMAP_DMA" : "IOMMU_MAP_DMA"))
				continue;
			if (sym && (sym[0] != 'E' || strlen(sym) >= sizeof(dma[k].errno_sym)))
				return vfc_fail(
				    err, errlen,
				    "summary \"ioctls\" entry \"%s\": \"errno\" is not an "
				    "errno symbol",
				    name);
			dma[k].calls += (unsigned long)c;
			dma[k].errors += (unsigned long)e;
			copy(dma[k].errno_sym, sizeof(dma[k].errno_sym), sym);
			dma[k].mixed = json_object_object_get_ex(counts, "errno_mixed", &mixed) &&
				       json_object_get_boolean(mixed);
		}
	}
	p->ioctl_calls = calls;
	p->ioctl_errors = errors;
	p->map_errors = map_errors;
	memcpy(p->dma, dma, sizeof(dma));
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
		return vfc_fail(err, errlen,
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
	struct ident id;
	long pid, schema;
	bool start, ends;
	int ret;

	if (!type)
		return vfc_fail(err, errlen, "not a report record (no \"type\" string)");
	if (!strcmp(type, VFC_REC_START) && get_int(rec, "schema", &schema) &&
	    schema > VFC_REPORT_SCHEMA)
		return vfc_fail(
		    err, errlen,
		    "report schema %ld is newer than this vfiocompat reads (%d); upgrade "
		    "vfiocompat",
		    schema, VFC_REPORT_SCHEMA);
	if (get_ident(rec, &id, err, errlen))
		return -1;
	start = !strcmp(type, VFC_REC_START);
	ends = !strcmp(type, VFC_REC_SUMMARY) || !strcmp(type, VFC_REC_EXIT);
	if (!get_int(rec, "pid", &pid)) {
		p = t->cur ? &t->procs[t->cur - 1] : proc_for(t, -1, NULL);
	} else if (start && id.has) {
		/* A start with an identity is a process of its own, unless it is the same. */
		p = proc_find(t, pid, &id);
		p = p ? p : proc_new(t, pid, &id);
	} else if (ends && id.has) {
		/*
		 * A summary or exit record names its process: one that wrote no
		 * start record in this file (another process with the pid, pid
		 * reuse, another PID namespace) does not complete any.
		 */
		p = proc_find(t, pid, &id);
		if (p && !p->has_start)
			p = NULL;
		if (!p && (!strcmp(type, VFC_REC_SUMMARY) || proc_find(t, pid, NULL)))
			return vfc_fail(
			    err, errlen,
			    "%s record of pid %ld (starttime %lld, boot_id \"%s\") matches no "
			    "start record in this file: another process with this pid",
			    type, pid, id.starttime, id.boot_id);
		/* run's record of a program that did no VFIO (no start record anywhere). */
		p = p ? p : proc_new(t, pid, &id);
	} else {
		p = proc_for(t, pid, id.has ? &id : NULL);
	}
	if (!p)
		return vfc_fail(err, errlen, "out of memory");
	saved = *p;
	if (start)
		p->has_start = true;
	t->cur = (size_t)(p - t->procs) + 1;
	ret = apply_record(t, p, rec, type, err, errlen);
	if (ret) {
		*p = saved;
		t->nprocs = nprocs; /* drops p if this line created it */
		t->cur = cur;
	}
	return ret;
}

/*
 * The summary's count of early GET_INFOs and of those fixed: the shim judges
 * by them, so the reader does too when no record (cut, or an older writer)
 * said why one was left unfixed.
 */
static void note_getinfo_counts(struct vfc_trial_proc *p, struct json_object *rec)
{
	long early, fixed;

	if (p->getinfo_unfixed || !get_int(rec, "get_info_before_device", &early) ||
	    !get_int(rec, "get_info_fixed", &fixed) || early <= fixed)
		return;
	p->getinfo_unfixed = true;
	snprintf(p->getinfo_reason, sizeof(p->getinfo_reason),
		 "%ld of %ld left unfixed, by the summary's count", early - fixed, early);
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
			return vfc_fail(err, errlen, "feature record without a \"feature\" name");
		i = feature_index(t, name, rec);
		if (i == -2)
			return vfc_fail(err, errlen, "out of memory");
		if (i == -1)
			p->unknown_unlisted++;
		else
			p->feature_record[i] = true;
		/* A newer writer's blocker is one, listed or not. */
		if ((i < 0 || !t->features[i].known) &&
		    parse_severity(get_str(rec, "severity")) == VFC_SEV_BLOCKER)
			p->unknown_blocker = true;
	} else if (!strcmp(type, VFC_REC_SUMMARY)) {
		struct json_object *map = NULL;
		const char *v = get_str(rec, "verdict");

		long n;

		if (!vfc_verdict_known(v))
			return vfc_fail(err, errlen, "summary without a known \"verdict\"");
		p->has_summary = true;
		p->summary = vfc_verdict_parse(v);
		struct vfc_mig_facts mf;
		vfc_mig_facts_parse(rec, &mf);
		p->migv = vfc_migv_from_facts(&mf, p->migv_why, sizeof(p->migv_why));
		p->summary_counts_containers = get_int(rec, "containers", &n);
		if (p->summary_counts_containers && n > 0)
			p->used_container = true;
		if (get_int(rec, "redirected", &n) && n > 0)
			p->redirected = true;
		if (get_int(rec, "fallbacks", &n) && n > 0)
			p->fallback = true;
		note_getinfo_counts(p, rec);
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
		return vfc_fail(err, errlen, "line longer than %d bytes", VFC_TRIAL_MAX_LINE);
	}
	tok = json_tokener_new();
	if (!tok) {
		t->skipped++;
		return vfc_fail(err, errlen, "out of memory");
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	rec = json_tokener_parse_ex(tok, line, (int)len);
	if (!rec || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		ret = vfc_fail(err, errlen, "not JSON (%s)",
			       e == json_tokener_continue  ? "truncated record"
			       : e == json_tokener_success ? "trailing data after the record"
							   : json_tokener_error_desc(e));
	} else if (!json_object_is_type(rec, json_type_object)) {
		ret = vfc_fail(err, errlen, "not a report record (not a JSON object)");
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

/* One whole line read (over: longer than the limit, its bytes discarded). */
static void end_line(struct vfc_trial *t, const char *line, size_t n, bool over,
		     unsigned long lineno, const char *source, FILE *warn)
{
	char err[256];

	if (over) {
		t->lines++;
		t->skipped++;
		snprintf(err, sizeof(err), "line longer than %d bytes", VFC_TRIAL_MAX_LINE);
	} else if (!vfc_trial_add_line(t, line, n, err, sizeof(err))) {
		return;
	}
	if (warn)
		fprintf(warn, "vfiocompat: report: %s:%lu: %s; line skipped\n", source, lineno,
			err);
}

int vfc_trial_add_stream(struct vfc_trial *t, FILE *in, const char *source, FILE *warn)
{
	/* +1: a line of the limit may end in "\r\n" (add_line strips the "\r"). */
	char *line = malloc(VFC_TRIAL_MAX_LINE + 1), *chunk = malloc(16 * 1024);
	size_t n = 0;
	bool over = false;
	int ret = 0, e = 0;

	t->stream_lines = 0;
	if (vfc_trial_begin_source(t, source) || !line || !chunk) {
		free(line);
		free(chunk);
		errno = ENOMEM;
		return -1;
	}
	/*
	 * Fixed buffers: a line is copied while it fits and discarded past the
	 * limit, so memory does not grow with a line, and a failed read is an
	 * error, never the end of the file.
	 */
	for (;;) {
		size_t got = fread(chunk, 1, 16 * 1024, in);

		if (!got) {
			if (ferror(in)) {
				e = errno ? errno : EIO;
				ret = -1;
			}
			break;
		}
		for (size_t i = 0; i < got;) {
			const char *nl = memchr(chunk + i, '\n', got - i);
			size_t seg = nl ? (size_t)(nl - (chunk + i)) : got - i;

			if (!over && seg <= VFC_TRIAL_MAX_LINE + 1 - n) {
				memcpy(line + n, chunk + i, seg);
				n += seg;
			} else {
				over = true;
			}
			i += seg;
			if (nl) {
				i++;
				end_line(t, line, n, over, ++t->stream_lines, source, warn);
				n = 0;
				over = false;
			}
		}
	}
	/* A last line without its newline (a writer cut short) is read as it is. */
	if (!ret && (n || over))
		end_line(t, line, n, over, ++t->stream_lines, source, warn);
	free(line);
	free(chunk);
	errno = e;
	return ret;
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

/*
 * Feature names this process used, for its reason: of one severity (sev >= 0),
 * or the names this vfiocompat does not know (sev < 0). Names are cut at 64
 * bytes and the list at the buffer, with "+N more" for the rest.
 */
static void features_of(const struct vfc_trial *t, const struct vfc_trial_proc *p, int sev,
			char *out, size_t size)
{
	size_t n = 0;
	unsigned long more = sev < 0 ? p->unknown_unlisted : 0;

	out[0] = 0;
	for (size_t i = 0; i < t->nfeatures; i++) {
		const struct vfc_trial_feature *f = &t->features[i];
		int w;

		if ((!p->uses[i] && !p->feature_record[i]) ||
		    (sev < 0 ? f->known : !f->known || (int)f->severity != sev))
			continue;
		w = snprintf(out + n, size - n, "%s%.64s", n ? ", " : "", f->name);
		if (w < 0 || (size_t)w >= size - n - 16) {
			out[n] = 0;
			more++;
			continue;
		}
		n += (size_t)w;
	}
	if (more)
		snprintf(out + n, size - n, "%s+%lu more", n ? ", " : "", more);
}

static const char *const dma_ops[VFC_DMA_OPS] = {"MAP_DMA", "UNMAP_DMA"};

/* Why failed MAP_DMA / UNMAP_DMA calls under redirect weigh on the verdict. */
static void dma_because(struct vfc_trial_proc *p, const struct vfc_verdict_facts *f,
			enum vfc_dma_op k)
{
	const struct vfc_trial_dma *d = &p->dma[k];
	const char *t1 = NULL, *cases = NULL;
	bool known = d->errno_sym[0] && !d->mixed;
	enum vfc_dma_type1 how =
	    known ? vfc_dma_type1(k, d->errno_sym, 0, &t1, &cases) : VFC_DMA_TYPE1_UNMEASURED;
	enum vfc_dma_rule r = vfc_dma_rule_of(f, k);
	char what[96];

	if (d->errors >= d->calls)
		snprintf(what, sizeof(what), "every %s call failed (%lu of %lu)", dma_ops[k],
			 d->errors, d->calls);
	else
		snprintf(what, sizeof(what), "%lu of %lu %s calls failed", d->errors, d->calls,
			 dma_ops[k]);
	if (!d->errno_sym[0])
		because(p,
			"%s (errno not recorded: an older vfiocompat wrote the summary); "
			"whether type1 fails them too is not known",
			what);
	else if (d->mixed)
		because(p,
			"%s (first with %s, later ones with other errnos); whether type1 "
			"fails them too is not known",
			what, d->errno_sym);
	else if (how == VFC_DMA_TYPE1_UNMEASURED)
		because(p,
			"%s with %s; type1's answer to such a call is not measured "
			"(docs/compat-audit.md): only iommufd is known to fail it",
			what, d->errno_sym);
	else if (how == VFC_DMA_TYPE1_SAME)
		because(p, "%s with %s; type1 fails the same call with %s too (%s): %s", what,
			d->errno_sym, t1, cases,
			r == VFC_DMA_NAMED ? "the program's own, not an iommufd difference"
					   : "a program or setup fault, not an iommufd "
					     "difference");
	else
		because(p, "%s with %s; type1 fails the same call too, with %s (%s): %s", what,
			d->errno_sym, t1, cases,
			r == VFC_DMA_FAILED ? "a program or setup fault, and the errno differs"
					    : "the program sees another errno "
					      "(VFIOCOMPAT_ERRNO=type1 gives type1's)");
}

/*
 * The rules of docs/report-schema.md, "The verdict model" (common/verdict.c,
 * the shim's too) over what the reports say, from the summary's own verdict
 * (the writer saw more than its records), plus what only the reader sees: a
 * missing summary, the exit status. The reasons follow the rules' order.
 */
static enum vfc_verdict derive(const struct vfc_trial *t, struct vfc_trial_proc *p)
{
	/* Only run's record: a wrapper around the VFIO users, judged by its status alone. */
	bool exit_only = p->has_exit && !p->has_records;
	enum vfc_verdict v = p->has_summary ? p->summary
			     : exit_only    ? VFC_V_UNTESTED
					    : VFC_V_INCOMPLETE;
	struct vfc_verdict_facts f = {0};
	char blockers[160], unknown[160], degraded[160];
	unsigned rules;

	p->reason[0] = 0;
	if (!p->has_summary && !exit_only)
		because(p, "no summary: it crashed, was killed or is still running");
	/* Our feature table over the writer's word: a blocker used is decided already. */
	features_of(t, p, VFC_SEV_BLOCKER, blockers, sizeof(blockers));
	features_of(t, p, VFC_SEV_DEGRADED, degraded, sizeof(degraded));
	features_of(t, p, -1, unknown, sizeof(unknown));
	for (size_t i = 0; i < t->nfeatures; i++)
		if (!t->features[i].known && t->features[i].severity == VFC_SEV_BLOCKER &&
		    (p->uses[i] || p->feature_record[i]))
			p->unknown_blocker = true;
	f.blocker = blockers[0];
	/* Without a summary the verdict is incomplete or untested already. */
	f.degraded = degraded[0] && p->has_summary;
	f.unknown = unknown[0];
	f.unknown_blocker = p->unknown_blocker;
	/* A summary that does not count containers: its own verdict says. */
	f.tried = p->used_container || !p->summary_counts_containers;
	f.redirected = p->redirected;
	f.fallback = p->fallback;
	f.getinfo_unfixed = p->getinfo_unfixed;
	f.ioctl_calls = p->ioctl_calls;
	f.ioctl_errors = p->ioctl_errors;
	f.map_errors = p->map_errors;
	for (int k = 0; k < VFC_DMA_OPS; k++) {
		f.dma[k].calls = p->dma[k].calls;
		f.dma[k].errors = p->dma[k].errors;
		f.dma[k].err = p->dma[k].errno_sym;
		f.dma[k].mixed = p->dma[k].mixed;
	}
	raise_to(&v, vfc_verdict_judge(&f, &rules));
	if (rules & 1u << VFC_RULE_BLOCKER)
		because(p, "used %s (blocker)", blockers);
	if (rules & 1u << VFC_RULE_UNKNOWN)
		because(p, "used %s (unknown to this vfiocompat%s: upgrade it to judge)", unknown,
			p->unknown_blocker ? ", a blocker by its writer's word"
					   : ": at best ready-with-differences");
	if (rules & 1u << VFC_RULE_FALLBACK)
		because(p, "a container stayed on type1: %s%s%s", p->fallback_target,
			p->fallback_target[0] ? ": " : "",
			p->fallback_errno[0] ? p->fallback_errno : "errno not recorded");
	if (rules & 1u << VFC_RULE_GETINFO_MAP)
		because(p,
			"GET_INFO before a device was answered without the enforced ranges (%s) "
			"and then %lu MAP_DMA call%s failed",
			p->getinfo_reason, p->map_errors, p->map_errors == 1 ? "" : "s");
	else if (rules & 1u << VFC_RULE_GETINFO)
		because(p, "GET_INFO before a device was answered without the enforced ranges (%s)",
			p->getinfo_reason);
	for (int k = 0; k < VFC_DMA_OPS; k++)
		if (rules & 1u << (k ? VFC_RULE_DMA_UNMAP : VFC_RULE_DMA_MAP))
			dma_because(p, &f, (enum vfc_dma_op)k);
	if (rules & 1u << VFC_RULE_ALL_FAILED)
		because(p, "all %lu container ioctl%s failed on iommufd", p->ioctl_calls,
			p->ioctl_calls == 1 ? "" : "s");
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
