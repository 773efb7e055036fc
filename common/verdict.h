/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdict model (docs/report-schema.md, "The verdict model"): one set of
 * rules over what a process did, judged alike by the shim for its summary
 * (shim/ioctl/stats.c) and by `vfiocompat report` for each process it merges
 * (tools/report/trial.c), which adds what only it can see (the exit status, a
 * missing summary). Pure: no I/O, no allocation, async-signal-safe.
 */
#ifndef VFC_VERDICT_H
#define VFC_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "vfiocompat/report.h"

/* Verdicts, best first: a merge is the worst process's. */
enum vfc_verdict {
	VFC_V_READY,
	VFC_V_CHANGES,
	VFC_V_UNTESTED,
	VFC_V_INCOMPLETE, /* no summary: crashed, killed or still running */
	VFC_V_NOT_READY,
	VFC_V_FAILED, /* the program failed, or its container ioctls did */
	VFC_V_COUNT
};

const char *vfc_verdict_name(enum vfc_verdict v);  /* "ready", ...: VFC_VERDICT_* */
const char *vfc_verdict_title(enum vfc_verdict v); /* READY WITH DIFFERENCES ...: text */
enum vfc_verdict vfc_verdict_parse(const char *s); /* untested when unknown */
bool vfc_verdict_known(const char *s);

/* MAP_DMA and UNMAP_DMA, the two calls whose failures the verdict weighs. */
enum vfc_dma_op { VFC_DMA_MAP, VFC_DMA_UNMAP, VFC_DMA_OPS };

/*
 * How type1 answers the same MAP_DMA or UNMAP_DMA call that iommufd failed
 * with an errno (its symbol, or its number when the symbol is NULL), from
 * the table measured on every lab IOMMU (docs/compat-audit.md).
 */
enum vfc_dma_type1 {
	VFC_DMA_TYPE1_SAME,	  /* type1 fails the same call with the same errno */
	VFC_DMA_TYPE1_OTHER,	  /* type1 fails it too, with another errno */
	VFC_DMA_TYPE1_UNMEASURED, /* no measured case: only iommufd is known to fail it */
};
enum vfc_dma_type1 vfc_dma_type1(enum vfc_dma_op op, const char *err, int errnum,
				 const char **type1_err, const char **cases);

/*
 * What failed MAP_DMA / UNMAP_DMA calls under redirect make of the verdict.
 * A blocker used explains failures (not-ready already), so it caps `failed`.
 */
enum vfc_dma_rule {
	VFC_DMA_OK,	     /* no failure */
	VFC_DMA_NAMED,	     /* some failed, as type1 fails them: named, verdict kept */
	VFC_DMA_DIFFERENCES, /* some failed, errno unknown or type1's differs */
	VFC_DMA_NOT_READY,   /* type1 is not known to fail them */
	VFC_DMA_FAILED,	     /* every one failed as type1 fails them: a program or setup fault */
};

/* One op's failures: counts and the first failure's errno. */
struct vfc_verdict_dma {
	uint64_t calls, errors;
	const char *err; /* the first failure's errno symbol; NULL or "": see errnum */
	int errnum;	 /* its number when err is not given; 0 not recorded */
	bool mixed;	 /* later failures had another errno */
};

/* What a process did, as far as its writer or its reader knows it. */
struct vfc_verdict_facts {
	bool blocker;	       /* a known blocker feature used */
	bool degraded;	       /* a known degraded feature used */
	bool unknown;	       /* a feature this vfiocompat does not know (a newer writer's) */
	bool unknown_blocker;  /* of which one its writer calls a blocker */
	bool tried;	       /* a container was opened */
	bool redirected;       /* a container went to the target */
	bool fallback;	       /* a container stayed on type1 (target unusable) */
	bool getinfo_unfixed;  /* an early GET_INFO kept iommufd's raw answer */
	uint64_t ioctl_calls;  /* container ioctls */
	uint64_t ioctl_errors; /* of which failed */
	uint64_t map_errors;   /* failed MAP_DMA calls */
	struct vfc_verdict_dma dma[VFC_DMA_OPS];
};

/* The rules that raised a verdict, as bits (1u << rule), for the reasons. */
enum vfc_verdict_rule {
	VFC_RULE_BLOCKER,     /* not-ready: a blocker used */
	VFC_RULE_DEGRADED,    /* ready-with-differences: a degraded feature used */
	VFC_RULE_UNKNOWN,     /* an unknown feature: differences, or not-ready (its blocker) */
	VFC_RULE_FALLBACK,    /* untested: a container stayed on type1 */
	VFC_RULE_GETINFO_MAP, /* not-ready: GET_INFO unfixed, then MAP_DMA failed */
	VFC_RULE_GETINFO,     /* ready-with-differences: GET_INFO unfixed */
	VFC_RULE_DMA_MAP,     /* MAP_DMA failures (vfc_dma_rule_of) */
	VFC_RULE_DMA_UNMAP,   /* UNMAP_DMA failures */
	VFC_RULE_ALL_FAILED,  /* failed: every container ioctl failed, no blocker */
	VFC_RULE_NOT_TRIED,   /* untested: no container used */
};

/* The rule for one op's failures under redirect (nothing when not redirected). */
enum vfc_dma_rule vfc_dma_rule_of(const struct vfc_verdict_facts *f, enum vfc_dma_op op);

/*
 * The verdict the facts call for, the worst of every rule that applies;
 * *rules (may be NULL) gets the bits of those that raised it above ready.
 */
enum vfc_verdict vfc_verdict_judge(const struct vfc_verdict_facts *f, unsigned *rules);

#endif
