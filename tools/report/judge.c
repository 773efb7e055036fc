// SPDX-License-Identifier: GPL-2.0-only
/*
 * A trial's verdicts: each process judged by common/verdict.c over what its
 * records say, with the reasons a person reads; then the merge.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trial.h"

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
					   : ": at best READY WITH DIFFERENCES");
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
