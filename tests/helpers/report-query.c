// SPDX-License-Identifier: GPL-2.0-only
/*
 * report-query FILE TYPE FIELD[.SUB...] [MATCH_FIELD=VALUE...]
 *
 * Reads a vfiocompat JSON Lines report and prints one value, for the shell
 * tests: the FIELD of the first TYPE record whose MATCH_FIELDs equal their
 * VALUEs, or "MISSING" (also for a file that cannot be opened). Every line
 * must be a JSON object with a "type": a malformed report fails the query
 * (exit 1, naming the line). Values print as Python's str() would (the
 * former script's format: True/False/None), objects and arrays as JSON.
 * In C because the lab VM runs it a few hundred times under TCG, where a
 * Python start-up over 9p costs seconds.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FIELD's value as Python's str() of the parsed JSON would print it. */
static void py_str(struct json_object *v, char *out, size_t size)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		snprintf(out, size, "None");
		break;
	case json_type_boolean:
		snprintf(out, size, "%s", json_object_get_boolean(v) ? "True" : "False");
		break;
	case json_type_int:
		if (json_object_get_int64(v) == INT64_MAX)
			snprintf(out, size, "%llu", (unsigned long long)json_object_get_uint64(v));
		else
			snprintf(out, size, "%lld", (long long)json_object_get_int64(v));
		break;
	case json_type_string:
		snprintf(out, size, "%s", json_object_get_string(v));
		break;
	default:
		snprintf(out, size, "%s",
			 json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	}
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: report-query FILE TYPE FIELD[.SUB...] [FIELD=VALUE...]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "re");
	if (!f) {
		puts("MISSING");
		return 0;
	}
	char *line = NULL, val[4096];
	size_t cap = 0;
	long n = 0;
	int rc = 0;
	bool found = false;

	while (getline(&line, &cap, f) >= 0) {
		struct json_object *rec, *t, *v;
		enum json_tokener_error jerr;

		n++;
		rec = json_tokener_parse_verbose(line, &jerr);
		if (!rec) {
			fprintf(stderr, "%s:%ld: not JSON: %s\n", argv[1], n,
				json_tokener_error_desc(jerr));
			rc = 1;
			break;
		}
		if (!json_object_is_type(rec, json_type_object) ||
		    !json_object_object_get_ex(rec, "type", &t)) {
			fprintf(stderr, "%s:%ld: not a report record\n", argv[1], n);
			json_object_put(rec);
			rc = 1;
			break;
		}
		py_str(t, val, sizeof(val));
		bool match = !strcmp(val, argv[2]);
		for (int i = 4; match && i < argc; i++) {
			char *eq = strchr(argv[i], '=');
			char key[256];
			if (!eq || (size_t)(eq - argv[i]) >= sizeof(key)) {
				fprintf(stderr, "report-query: '%s' is not FIELD=VALUE\n", argv[i]);
				rc = 2;
				break;
			}
			memcpy(key, argv[i], (size_t)(eq - argv[i]));
			key[eq - argv[i]] = 0;
			if (!json_object_object_get_ex(rec, key, &v))
				v = NULL;
			py_str(v, val, sizeof(val));
			match = !strcmp(val, eq + 1);
		}
		if (rc || !match) {
			json_object_put(rec);
			if (rc)
				break;
			continue;
		}
		char path[1024];
		snprintf(path, sizeof(path), "%s", argv[3]);
		v = rec;
		for (char *save, *part = strtok_r(path, ".", &save); part && v;
		     part = strtok_r(NULL, ".", &save))
			if (!json_object_is_type(v, json_type_object) ||
			    !json_object_object_get_ex(v, part, &v))
				v = NULL;
		if (!v || json_object_is_type(v, json_type_null))
			puts("MISSING");
		else {
			py_str(v, val, sizeof(val));
			puts(val);
		}
		json_object_put(rec);
		found = true;
		break;
	}
	if (!rc && !found)
		puts("MISSING");
	free(line);
	fclose(f);
	return rc;
}
