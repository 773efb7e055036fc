// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the JSON Lines report reader (tools/report/trial.c), both ways
 * in. The input is split into lines; a line "\f" starts a new source file, as
 * when `vfiocompat report` reads several reports.
 *
 * 1. vfc_trial_add_line() on each line (an exact-length copy).
 * 2. vfc_trial_add_stream(), the bounded reader `report` uses, on the same
 *    files through a stream that inflates each '~' into 32 KiB of 'x' (so
 *    lines past VFC_TRIAL_MAX_LINE come from small inputs) and, when the
 *    input starts with 0xfe, fails its reads with EIO half-way.
 *
 * Run under -malloc_limit_mb and -rss_limit_mb (Makefile, FUZZ_OPTS_trial):
 * memory must not grow with a line. Checks the trial's bookkeeping.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "native.h"
#include "trial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sources[] = {"a.jsonl", "b.jsonl", "c.jsonl"};

static void check_trial(struct vfc_trial *t, unsigned long added, unsigned long failed)
{
	enum vfc_verdict v = vfc_trial_finish(t);

	if ((unsigned)v >= VFC_V_COUNT || t->nfeatures > VFC_TRIAL_MAX_FEATURES ||
	    t->nunknown > VFC_TRIAL_MAX_UNKNOWN || t->skipped != failed ||
	    t->records + t->skipped > added || t->nprocs > t->records)
		abort();
	for (size_t i = 0; i < t->nprocs; i++)
		if ((unsigned)t->procs[i].verdict >= VFC_V_COUNT ||
		    (!t->procs[i].neutral && v < t->procs[i].verdict) || !t->procs[i].source)
			abort();
	(void)vfc_verdict_title(v);
	/* The native judge on every process: a verdict in range, a bounded reason. */
	for (size_t i = 0; i < t->nprocs; i++) {
		struct vfc_native n;

		vfc_native_judge(t, &t->procs[i], &n);
		if ((unsigned)n.verdict >= VFC_V_COUNT || !n.prog || !n.error || !n.locked ||
		    strlen(n.reason) >= sizeof(n.reason))
			abort();
	}
	enum vfc_verdict nv;
	(void)vfc_native_merge(t, &nv);
}

static void by_lines(const uint8_t *data, size_t size)
{
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
	check_trial(&t, added, failed);
	vfc_trial_free(&t);
}

struct cookie {
	const uint8_t *data;
	size_t size, pos, fail_at;
	size_t pending; /* 'x' bytes of a '~' still to give */
};

static ssize_t inflate_read(void *c_, char *buf, size_t n)
{
	struct cookie *c = c_;
	size_t out = 0;

	while (out < n) {
		if (c->pending) {
			size_t k = c->pending < n - out ? c->pending : n - out;
			memset(buf + out, 'x', k);
			c->pending -= k;
			out += k;
		} else if (c->pos == c->fail_at) {
			if (out)
				break;
			errno = EIO;
			return -1;
		} else if (c->pos == c->size) {
			break;
		} else if (c->data[c->pos] == '~') {
			c->pos++;
			c->pending = 32 * 1024;
		} else {
			buf[out++] = (char)c->data[c->pos++];
		}
	}
	return (ssize_t)out;
}

/* One file's length: up to a line "\f" (its "\f\n" at a line start), or all. */
static size_t file_len(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (d[i] == '\f' && d[i + 1] == '\n' && (i == 0 || d[i - 1] == '\n'))
			return i;
	return n;
}

static void by_stream(const uint8_t *data, size_t size)
{
	cookie_io_functions_t io = {.read = inflate_read};
	bool failing = size && data[0] == 0xfe;
	struct vfc_trial t;
	unsigned nsrc = 0;
	unsigned long lines = 0;

	vfc_trial_init(&t);
	for (;;) {
		size_t len = file_len(data, size);
		struct cookie c = {data, len, 0, failing ? len / 2 : (size_t)-1, 0};
		FILE *in = fopencookie(&c, "r", io);
		if (!in)
			break;
		unsigned long skipped = t.skipped, records = t.records;
		errno = 0;
		int r = vfc_trial_add_stream(&t, in, sources[nsrc++ % 3], NULL), e = errno;
		fclose(in);
		/* A failing read is an error, never the end of the file; else no error. */
		if (failing ? r != -1 || e != EIO : r != 0)
			abort();
		if (t.stream_lines < (t.skipped - skipped) + (t.records - records))
			abort();
		lines += t.stream_lines;
		if (len == size)
			break;
		data += len + 2;
		size -= len + 2;
	}
	/* The stream's lines each count once: a record, a skipped line or a blank. */
	check_trial(&t, lines, t.skipped);
	vfc_trial_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	by_lines(data, size);
	by_stream(data, size);
	return 0;
}
