// SPDX-License-Identifier: GPL-2.0-only
/*
 * A trial's records: the start, open, get_info_before_device, feature,
 * summary and exit records of docs/report-schema.md, each checked and
 * applied to its process (by pid and, from newer writers, its identity).
 */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "text.h"

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
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
int vfc_trial_add_record(struct vfc_trial *t, struct json_object *rec, char *err, size_t errlen)
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
		p = t->cur ? &t->procs[t->cur - 1] : vfc_trial_proc_for(t, -1, NULL);
	} else if (start && id.has) {
		/* A start with an identity is a process of its own, unless it is the same. */
		p = vfc_trial_proc_find(t, pid, &id);
		p = p ? p : vfc_trial_proc_new(t, pid, &id);
	} else if (ends && id.has) {
		/*
		 * A summary or exit record names its process: one that wrote no
		 * start record in this file (another process with the pid, pid
		 * reuse, another PID namespace) does not complete any.
		 */
		p = vfc_trial_proc_find(t, pid, &id);
		if (p && !p->has_start)
			p = NULL;
		if (!p && (!strcmp(type, VFC_REC_SUMMARY) || vfc_trial_proc_find(t, pid, NULL)))
			return vfc_fail(
			    err, errlen,
			    "%s record of pid %ld (starttime %lld, boot_id \"%s\") matches no "
			    "start record in this file: another process with this pid",
			    type, pid, id.starttime, id.boot_id);
		/* run's record of a program that did no VFIO (no start record anywhere). */
		p = p ? p : vfc_trial_proc_new(t, pid, &id);
	} else {
		p = vfc_trial_proc_for(t, pid, id.has ? &id : NULL);
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

/*
 * Which host, and when (start, summary and exit records): the host name the
 * process's records give (the first one), and the latest time any of them
 * gives. A value of the wrong type makes the line a bad one.
 */
static int note_host_time(struct vfc_trial_proc *p, struct json_object *rec, char *err,
			  size_t errlen)
{
	struct json_object *v;

	if (json_object_object_get_ex(rec, "hostname", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) >= sizeof(p->hostname))
			return vfc_fail(
			    err, errlen,
			    "\"hostname\" is not a host name (a string of under %zu bytes)",
			    sizeof(p->hostname));
		if (!p->hostname[0])
			copy(p->hostname, sizeof(p->hostname), json_object_get_string(v));
	}
	if (json_object_object_get_ex(rec, "timestamp", &v)) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
			return vfc_fail(
			    err, errlen,
			    "\"timestamp\" is not a time (integer seconds since the epoch)");
		if (json_object_get_int64(v) > p->timestamp)
			p->timestamp = (long long)json_object_get_int64(v);
	}
	return 0;
}

static int apply_record(struct vfc_trial *t, struct vfc_trial_proc *p, struct json_object *rec,
			const char *type, char *err, size_t errlen)
{
	if ((!strcmp(type, VFC_REC_START) || !strcmp(type, VFC_REC_SUMMARY) ||
	     !strcmp(type, VFC_REC_EXIT)) &&
	    note_host_time(p, rec, err, errlen))
		return -1;
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
