// SPDX-License-Identifier: GPL-2.0-only
/* The native prediction (native.h): the table of native.def, and the judge. */
#include "native.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

static const struct vfc_native_feature features[] = {
#define VFC_NATIVE_FEATURE(f, e, ev, n, r) {f, e, ev, n, r},
#include "vfiocompat/native.def"
};

static const struct vfc_native_program programs[] = {
#define VFC_NATIVE_PROGRAM(m, pre, name, b, since, how, fatal, line, mem)                          \
	{m, pre, name, b, since, how, fatal, line, mem},
#include "vfiocompat/native.def"
};

const struct vfc_native_feature *vfc_native_feature(enum vfc_feature f)
{
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (features[i].feature == f)
			return &features[i];
	return NULL;
}

const struct vfc_native_feature *vfc_native_feature_named(const char *name)
{
	for (int f = 0; f < VFC_F_COUNT && name; f++) {
		const struct vfc_feature_info *fi = vfc_feature((enum vfc_feature)f);

		if (fi && fi->name && !strcmp(fi->name, name))
			return vfc_native_feature((enum vfc_feature)f);
	}
	return NULL;
}

const struct vfc_native_program *vfc_native_program(const char *program)
{
	const char *base = program ? strrchr(program, '/') : NULL;
	size_t n = sizeof(programs) / sizeof(programs[0]);

	base = base ? base + 1 : program ? program : "";
	for (size_t i = 0; i < n; i++) {
		const struct vfc_native_program *p = &programs[i];

		if (p->prefix ? !strncmp(base, p->match, strlen(p->match))
			      : !strcmp(base, p->match))
			return p;
	}
	return &programs[n - 1];
}

const char *vfc_native_effect_name(enum vfc_native_effect e)
{
	switch (e) {
	case VFC_NE_NONE:
		return "none";
	case VFC_NE_INFO:
		return "info";
	case VFC_NE_DEGRADED:
		return "degraded";
	case VFC_NE_BLOCKER:
		return "blocker";
	}
	return "none";
}

static void raise_to(enum vfc_verdict *v, enum vfc_verdict to)
{
	if (to > *v)
		*v = to;
}

static void because(struct vfc_native *n, const char *fmt, ...)
{
	size_t len = strlen(n->reason);
	va_list ap;

	if (len && len + 2 < sizeof(n->reason)) {
		memcpy(n->reason + len, "; ", 3);
		len += 2;
	}
	if (len >= sizeof(n->reason) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(n->reason + len, sizeof(n->reason) - len, fmt, ap);
	va_end(ap);
}

static bool libvirt_dir(const char *dir, size_t len)
{
	const char *b = dir + len;

	while (b > dir && b[-1] != '/')
		b--;
	return (size_t)(dir + len - b) > 8 && !strncmp(b, "libvirt-", 8);
}

/*
 * Reports under a directory named libvirt-UUID: a QEMU libvirt started
 * (docs/libvirt.md), also when read through the DIR/DOMAIN link to it.
 */
static bool under_libvirt(const char *source)
{
	const char *end = source ? strrchr(source, '/') : NULL;
	char dir[PATH_MAX], real[PATH_MAX];

	if (!end)
		return false;
	if (libvirt_dir(source, (size_t)(end - source)))
		return true;
	if ((size_t)(end - source) >= sizeof(dir))
		return false;
	memcpy(dir, source, (size_t)(end - source));
	dir[end - source] = 0;
	return realpath(dir, real) && libvirt_dir(real, strlen(real));
}

void vfc_native_judge(const struct vfc_trial *t, const struct vfc_trial_proc *p,
		      struct vfc_native *n)
{
	char blockers[160] = "", changes[160] = "";
	enum vfc_verdict v = VFC_V_READY;

	memset(n, 0, sizeof(*n));
	n->prog = vfc_native_program(p->program);
	n->available = n->prog->backend;
	n->managed = under_libvirt(p->source);
	n->starts = true;
	n->error = "";
	n->memlock = n->managed ? "process" : n->prog->memlock[0] ? n->prog->memlock : "user";
	n->locked = strcmp(n->memlock, "process") ? "VmPin" : "VmLck+VmPin";
	n->migv = p->migv;
	if (!n->available) {
		n->verdict = p->verdict;
		because(n, "%s", n->prog->how);
		return;
	}
	for (size_t i = 0; i < t->nfeatures; i++) {
		const struct vfc_trial_feature *f = &t->features[i];
		const struct vfc_native_feature *nf;
		char *list;
		size_t len;

		if (!p->uses[i] && !p->feature_record[i])
			continue;
		nf = f->known ? vfc_native_feature_named(f->name) : NULL;
		if (nf && (nf->effect == VFC_NE_NONE || nf->effect == VFC_NE_INFO))
			continue;
		list = nf && nf->effect == VFC_NE_BLOCKER ? blockers : changes;
		len = strlen(list);
		if (len + 70 < sizeof(blockers))
			snprintf(list + len, sizeof(blockers) - len, "%s%.64s", len ? ", " : "",
				 f->name);
		raise_to(&v, nf && nf->effect == VFC_NE_BLOCKER ? VFC_V_NOT_READY : VFC_V_CHANGES);
		if (nf && nf->feature == VFC_F_P2P_MAP) {
			if (n->prog->p2p_fatal)
				n->starts = false;
			else
				n->error = n->prog->p2p_line;
		}
	}
	if (blockers[0])
		because(n, "used %s (fails natively too)", blockers);
	if (changes[0])
		because(n, "used %s (different natively)", changes);
	if (!n->starts)
		because(n, "%s stops when a BAR mapping is refused: it would not start",
			n->prog->name);
	/* Per user and VmPin only is the change; libvirt's per-process mode keeps VmLck. */
	if (p->dma[0].calls > p->dma[0].errors && n->managed) {
		because(n, "pinned memory counted per process as on type1 (libvirt >= 12.2 sets "
			   "RLIMIT_MODE), shown as VmLck and VmPin");
	} else if (p->dma[0].calls > p->dma[0].errors) {
		raise_to(&v, VFC_V_CHANGES);
		because(n, "pinned memory counted per user, shown as VmPin, not VmLck as on type1");
	}
	if (n->migv == VFC_MV_BLOCKED || n->migv == VFC_MV_DEGRADED)
		because(n, "migration %s as on compat, unless the IOMMU tracks dirty pages",
			vfc_migv_name(n->migv));
	/* What the trial could not prove it cannot prove natively either. */
	if (p->verdict == VFC_V_UNTESTED || p->verdict == VFC_V_INCOMPLETE ||
	    p->verdict == VFC_V_FAILED) {
		raise_to(&v, p->verdict);
		because(n, "the trial says %s: %s", vfc_verdict_name(p->verdict), p->reason);
	}
	n->verdict = v;
	if (!n->reason[0])
		because(n, "nothing differs from type1 natively");
}

const char *vfc_native_merge(const struct vfc_trial *t, enum vfc_verdict *v)
{
	bool any = false;

	*v = VFC_V_READY;
	for (size_t i = 0; i < t->nprocs; i++) {
		struct vfc_native n;

		if (t->procs[i].neutral)
			continue;
		vfc_native_judge(t, &t->procs[i], &n);
		if (!n.available)
			continue;
		any = true;
		raise_to(v, n.verdict);
	}
	return any ? vfc_verdict_name(*v) : VFC_NATIVE_NONE;
}

/* Texts from files: control bytes as '?'. */
static void put_clean(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

static bool pinned(const struct vfc_trial_proc *p)
{
	return p->dma[0].calls > p->dma[0].errors;
}

void vfc_native_print_proc(FILE *out, const struct vfc_trial *t, const struct vfc_trial_proc *p)
{
	struct vfc_native n;

	vfc_native_judge(t, p, &n);
	if (!n.available) {
		fprintf(out, "    native: no native iommufd back end: ");
		put_clean(out, n.reason);
		fputc('\n', out);
		return;
	}
	fprintf(out,
		"    native: %s with %s's iommufd back end (%s): ", vfc_verdict_name(n.verdict),
		n.prog->name, n.prog->how);
	put_clean(out, n.reason);
	fprintf(out, "\n    native run, predicted: %s", n.starts ? "starts" : "does not start");
	if (n.error[0])
		fprintf(out, ", logs \"%s\"", n.error);
	if (pinned(p))
		fprintf(out, ", memlock per %s (%s)", n.memlock, n.locked);
	if (n.migv != VFC_MV_UNKNOWN)
		fprintf(out, ", migration %s", vfc_migv_name(n.migv));
	fputc('\n', out);
}

void vfc_native_print_finding(FILE *out, const struct vfc_trial_feature *f)
{
	const struct vfc_native_feature *nf = f->known ? vfc_native_feature_named(f->name) : NULL;

	fprintf(out, "    on the compat layer: ");
	put_clean(out, f->iommufd[0] ? f->iommufd : "(not described)");
	fprintf(out, "\n    with the VMM's native iommufd back end: ");
	if (nf)
		fprintf(out, "%s (%s, %s)", nf->native, vfc_native_effect_name(nf->effect),
			!strcmp(nf->evidence, "lab") ? "measured in the lab" : "from sources");
	else
		fprintf(out, "(not known to this vfiocompat)");
	fprintf(out, "\n    the remedy: ");
	put_clean(out, f->hint[0] ? f->hint : "(no hint)");
	if (nf)
		fprintf(out, "; natively: %s", nf->remedy);
	fputc('\n', out);
}

void vfc_native_print_memlock(FILE *out, const struct vfc_trial *t)
{
	unsigned n = 0;

	for (size_t i = 0; i < t->nprocs; i++)
		n += !t->procs[i].neutral && pinned(&t->procs[i]) && t->procs[i].redirected;
	if (!n)
		return;
	fprintf(out,
		"memlock (%u process%s pinned memory on iommufd)\n    on the compat layer: %s\n"
		"    with the VMM's native iommufd back end: %s (measured in the lab)\n"
		"    the remedy: %s\n\n",
		n, n == 1 ? "" : "es", VFC_NATIVE_MEMLOCK_COMPAT, VFC_NATIVE_MEMLOCK_NATIVE,
		VFC_NATIVE_MEMLOCK_REMEDY);
}

static unsigned count_native(const struct vfc_trial *t, int v)
{
	unsigned c = 0;

	for (size_t i = 0; i < t->nprocs; i++) {
		struct vfc_native n;

		if (t->procs[i].neutral)
			continue;
		vfc_native_judge(t, &t->procs[i], &n);
		c += v < 0 ? !n.available : n.available && (int)n.verdict == v;
	}
	return c;
}

void vfc_native_print_verdict(FILE *out, const struct vfc_trial *t)
{
	enum vfc_verdict v;
	const char *m = vfc_native_merge(t, &v);
	unsigned none = count_native(t, -1);

	if (!strcmp(m, VFC_NATIVE_NONE)) {
		if (t->nprocs)
			fprintf(out,
				"native verdict: none (no trialled program has a native iommufd "
				"back end: the compat layer or type1 are its paths)\n");
		return;
	}
	fprintf(out, "native verdict: %s (with the VMMs' own iommufd back ends",
		vfc_verdict_title(v));
	if (none)
		fprintf(out, "; %u process%s without one", none, none == 1 ? "" : "es");
	fprintf(out, ")\n");
}

struct json_object *vfc_native_json_proc(const struct vfc_trial *t, const struct vfc_trial_proc *p)
{
	struct json_object *o = json_object_new_object(), *errs = json_object_new_array();
	struct vfc_native n;

	vfc_native_judge(t, p, &n);
	json_object_object_add(o, "available", json_object_new_boolean(n.available));
	json_object_object_add(o, "backend", json_object_new_string(n.prog->name));
	json_object_object_add(o, "since", json_object_new_string(n.prog->since));
	json_object_object_add(o, "how", json_object_new_string(n.prog->how));
	json_object_object_add(
	    o, "verdict",
	    json_object_new_string(n.available ? vfc_verdict_name(n.verdict) : VFC_NATIVE_NONE));
	json_object_object_add(o, "starts", json_object_new_boolean(n.starts));
	if (n.error[0])
		json_object_array_add(errs, json_object_new_string(n.error));
	json_object_object_add(o, "errors", errs);
	json_object_object_add(o, "memlock", json_object_new_string(n.memlock));
	json_object_object_add(o, "locked", json_object_new_string(pinned(p) ? n.locked : "none"));
	json_object_object_add(o, "managed_by_libvirt", json_object_new_boolean(n.managed));
	json_object_object_add(o, "migration", json_object_new_string(vfc_migv_name(n.migv)));
	json_object_object_add(o, "reason", json_object_new_string(n.reason));
	return o;
}

void vfc_native_json_feature(struct json_object *fo, const struct vfc_trial_feature *f)
{
	const struct vfc_native_feature *nf = f->known ? vfc_native_feature_named(f->name) : NULL;

	if (!nf)
		return;
	json_object_object_add(fo, "native", json_object_new_string(nf->native));
	json_object_object_add(fo, "native_effect",
			       json_object_new_string(vfc_native_effect_name(nf->effect)));
	json_object_object_add(fo, "native_evidence", json_object_new_string(nf->evidence));
	json_object_object_add(fo, "native_remedy", json_object_new_string(nf->remedy));
}

void vfc_native_json_verdict(struct json_object *o, const struct vfc_trial *t)
{
	enum vfc_verdict v;

	json_object_object_add(o, "native_verdict",
			       json_object_new_string(vfc_native_merge(t, &v)));
}

void vfc_native_prometheus(FILE *out, const struct vfc_trial *t)
{
	enum vfc_verdict v;
	const char *m = vfc_native_merge(t, &v);

	fprintf(out,
		"# HELP vfiocompat_native_verdict Readiness of the merged trial reports on the "
		"VMMs' own iommufd back ends: 1 for the verdict that applies.\n"
		"# TYPE vfiocompat_native_verdict gauge\n");
	for (int k = 0; k < VFC_V_COUNT; k++)
		fprintf(out, "vfiocompat_native_verdict{verdict=\"%s\"} %d\n",
			vfc_verdict_name((enum vfc_verdict)k),
			!strcmp(m, vfc_verdict_name((enum vfc_verdict)k)));
	fprintf(out, "vfiocompat_native_verdict{verdict=\"%s\"} %d\n", VFC_NATIVE_NONE,
		!strcmp(m, VFC_NATIVE_NONE));
	fprintf(out, "# HELP vfiocompat_native_processes Trialled processes by native verdict.\n"
		     "# TYPE vfiocompat_native_processes gauge\n");
	for (int k = 0; k < VFC_V_COUNT; k++)
		fprintf(out, "vfiocompat_native_processes{verdict=\"%s\"} %u\n",
			vfc_verdict_name((enum vfc_verdict)k), count_native(t, k));
	fprintf(out, "vfiocompat_native_processes{verdict=\"%s\"} %u\n", VFC_NATIVE_NONE,
		count_native(t, -1));
}
