// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the JSON Lines report reader (tools/trial.c). The input
 * is split into lines; a line "\f" starts a new source file, as when
 * `vfiocompat report` reads several reports. Checks the trial's bookkeeping.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sources[] = {"a.jsonl", "b.jsonl", "c.jsonl"};
	struct vfc_trial t;
	char err[256];
	unsigned nsrc = 0;
	unsigned long added = 0, failed = 0;

	vfc_trial_init(&t);
	vfc_trial_begin_source(&t, sources[0]);
	while (size) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t len = nl ? (size_t)(nl - data) + 1 : size;

		if (len == 2 && data[0] == '\f') {
			vfc_trial_begin_source(&t, sources[++nsrc % 3]);
		} else {
			/* An exact-length copy: a read past the line is ASan's to see. */
			char *line = malloc(len);
			if (!line)
				break;
			memcpy(line, data, len);
			err[0] = '\0';
			int r = vfc_trial_add_line(&t, line, len, err, sizeof(err));
			if (r && (r != -1 || !err[0] || strlen(err) >= sizeof(err)))
				abort();
			failed += r != 0;
			added++;
			free(line);
		}
		data += len;
		size -= len;
	}
	enum vfc_verdict v = vfc_trial_finish(&t);
	if ((unsigned)v >= VFC_V_COUNT || t.nfeatures > VFC_TRIAL_MAX_FEATURES ||
	    t.skipped != failed || t.records + t.skipped > added || t.nprocs > t.records)
		abort();
	for (size_t i = 0; i < t.nprocs; i++)
		if ((unsigned)t.procs[i].verdict >= VFC_V_COUNT ||
		    (!t.procs[i].neutral && v < t.procs[i].verdict))
			abort();
	(void)vfc_verdict_title(v);
	vfc_trial_free(&t);
	return 0;
}
