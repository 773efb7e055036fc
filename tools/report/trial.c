// SPDX-License-Identifier: GPL-2.0-only
/*
 * Merge JSON Lines reports into a trial; see trial.h. This file reads lines
 * and streams (json-c parses them); records.c applies each record to its
 * process (procs.c), judge.c gives the verdicts.
 */
#include "trial.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "text.h"

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
		ret = vfc_trial_add_record(t, rec, err, errlen);
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
		fprintf(warn, "vfiocompat report: %s:%lu: %s; line skipped\n", source, lineno, err);
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
