// SPDX-License-Identifier: GPL-2.0-only
/*
 * report-sig FILE [PID]: "features=a,b verdict=V1/V2" from every summary
 * record of a vfiocompat report (one per process), or from PID's alone (the
 * module's audit report covers every process): the features named by any of
 * them, sorted, and each verdict in order; "none" for either when there is
 * none (also for a file that cannot be opened). What audit-parity compares
 * between an audit run and a redirected one. Lines that are not JSON objects
 * are skipped: the comparison is of summaries, which the report checks of
 * other plans validate.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FEATURES 64

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: report-sig FILE [PID]\n");
		return 2;
	}
	long want_pid = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	char *feats[MAX_FEATURES], verdicts[1024] = "";
	int nf = 0;
	FILE *f = fopen(argv[1], "re");
	char *line = NULL;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) >= 0) {
		struct json_object *rec = json_tokener_parse(line), *t, *v;

		if (!rec)
			continue;
		if (json_object_object_get_ex(rec, "type", &t) &&
		    !strcmp(json_object_get_string(t), "summary") &&
		    (!want_pid || (json_object_object_get_ex(rec, "pid", &v) &&
				   json_object_get_int64(v) == want_pid))) {
			if (json_object_object_get_ex(rec, "features", &v) &&
			    json_object_is_type(v, json_type_object)) {
				json_object_object_foreach(v, key, val)
				{
					(void)val;
					bool seen = false;
					for (int i = 0; i < nf && !seen; i++)
						seen = !strcmp(feats[i], key);
					if (!seen && nf < MAX_FEATURES)
						feats[nf++] = strdup(key);
				}
			}
			const char *vd = json_object_object_get_ex(rec, "verdict", &v)
					     ? json_object_get_string(v)
					     : "None";
			size_t len = strlen(verdicts);
			snprintf(verdicts + len, sizeof(verdicts) - len, "%s%s", len ? "/" : "",
				 vd);
		}
		json_object_put(rec);
	}
	qsort(feats, (size_t)nf, sizeof(feats[0]), cmp);
	printf("features=");
	for (int i = 0; i < nf; i++) {
		printf("%s%s", i ? "," : "", feats[i]);
		free(feats[i]);
	}
	printf("%s verdict=%s\n", nf ? "" : "none", verdicts[0] ? verdicts : "none");
	free(line);
	if (f)
		fclose(f);
	return 0;
}
