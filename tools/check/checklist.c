// SPDX-License-Identifier: GPL-2.0-only
/* PASS/INFO/WARN/FAIL lines for `vfiocompat check`; see checklist.h. */
#include "checklist.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>

#include "text.h"

static const char *const names[] = {"PASS", "SKIP", "INFO", "WARN", "FAIL"};

/* Text for a plugin's output: '|' would start perfdata, a newline a new line. */
static void put_plain(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s, out);
}

const char *vfc_status_name(enum vfc_status st)
{
	return names[st];
}

void vfc_check_add(struct vfc_checklist *l, enum vfc_status st, const char *name, const char *hint,
		   const char *fmt, ...)
{
	struct vfc_check *c;
	va_list ap;

	if (l->n == sizeof(l->items) / sizeof(l->items[0]))
		return;
	c = &l->items[l->n++];
	c->status = st;
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->hint, sizeof(c->hint), "%s",
		 hint && st != VFC_PASS && st != VFC_SKIP ? hint : "");
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

struct vfc_check *vfc_check_find(struct vfc_checklist *l, const char *name)
{
	for (unsigned i = l->n; i-- > 0;)
		if (!strcmp(l->items[i].name, name))
			return &l->items[i];
	return NULL;
}

enum vfc_status vfc_checklist_worst(const struct vfc_checklist *l)
{
	enum vfc_status w = VFC_PASS;

	for (unsigned i = 0; i < l->n; i++)
		if (l->items[i].status > w)
			w = l->items[i].status;
	return w;
}

void vfc_checklist_print(FILE *out, const struct vfc_checklist *l, const char *title)
{
	unsigned count[VFC_STATUS_COUNT] = {0};
	int w = 26;

	/* One column for every name, as wide as the longest (CONFIG_IOMMUFD_VFIO_CONTAINER). */
	for (unsigned i = 0; i < l->n; i++)
		if ((int)strlen(l->items[i].name) > w)
			w = (int)strlen(l->items[i].name);
	fprintf(out, "%s\n", title);
	for (unsigned i = 0; i < l->n; i++) {
		const struct vfc_check *c = &l->items[i];

		count[c->status]++;
		fprintf(out, "  %-4s  %-*s %s\n", names[c->status], w, c->name, c->detail);
		if (c->hint[0])
			fprintf(out, "        %-*s -> %s\n", w, "", c->hint);
	}
	fprintf(out, "%u passed, %u info, %u warnings, %u failed", count[VFC_PASS], count[VFC_INFO],
		count[VFC_WARN], count[VFC_FAIL]);
	if (count[VFC_SKIP])
		fprintf(out, ", %u skipped (answered by a FAIL above)", count[VFC_SKIP]);
	fputc('\n', out);
}

void vfc_checklist_print_json(FILE *out, const struct vfc_checklist *l, const char *what)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	enum vfc_status w = vfc_checklist_worst(l);

	json_object_object_add(o, "check", json_object_new_string(what));
	json_object_object_add(o, "result",
			       json_object_new_string(w == VFC_FAIL   ? "fail"
						      : w == VFC_WARN ? "warn"
								      : "pass"));
	for (unsigned i = 0; i < l->n; i++) {
		const struct vfc_check *c = &l->items[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "name", json_object_new_string(c->name));
		json_object_object_add(e, "status", json_object_new_string(names[c->status]));
		json_object_object_add(e, "detail", json_object_new_string(c->detail));
		if (c->hint[0])
			json_object_object_add(e, "hint", json_object_new_string(c->hint));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "checks", a);
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void vfc_checklist_print_nagios(FILE *out, const struct vfc_checklist *l)
{
	static const char *const states[] = {"OK", "OK", "OK", "WARNING", "CRITICAL"};
	unsigned count[VFC_STATUS_COUNT] = {0};
	enum vfc_status w = vfc_checklist_worst(l);
	const struct vfc_check *first = NULL;

	for (unsigned i = 0; i < l->n; i++) {
		count[l->items[i].status]++;
		if (!first && l->items[i].status == w && w >= VFC_WARN)
			first = &l->items[i];
	}
	fprintf(out, "VFIOCOMPAT %s - ", states[w]);
	if (first) {
		fprintf(out, "%u FAIL, %u WARN; %s %s: ", count[VFC_FAIL], count[VFC_WARN],
			names[first->status], first->name);
		put_plain(out, first->detail);
	} else {
		fprintf(out, "host ready for iommufd (%u checks passed, %u info)", count[VFC_PASS],
			count[VFC_INFO]);
	}
	fprintf(out, " | 'fail'=%u;;0;0 'warn'=%u;0;;0 'pass'=%u;;;0 'info'=%u;;;0 'skip'=%u;;;0\n",
		count[VFC_FAIL], count[VFC_WARN], count[VFC_PASS], count[VFC_INFO],
		count[VFC_SKIP]);
	/* Long output: one line per check, its hint after it. */
	for (unsigned i = 0; i < l->n; i++) {
		const struct vfc_check *c = &l->items[i];

		fprintf(out, "%s %s: ", names[c->status], c->name);
		put_plain(out, c->detail);
		if (c->hint[0]) {
			fputs(" -> ", out);
			put_plain(out, c->hint);
		}
		fputc('\n', out);
	}
}

void vfc_checklist_print_prometheus(FILE *out, const struct vfc_checklist *l, long long now)
{
	static const char *const lower[] = {"pass", "skip", "info", "warn", "fail"};
	unsigned count[VFC_STATUS_COUNT] = {0};

	fprintf(out, "# HELP vfiocompat_check_state Host readiness for iommufd (vfiocompat check): "
		     "1 for the state of each check line.\n# TYPE vfiocompat_check_state gauge\n");
	for (unsigned i = 0; i < l->n; i++) {
		const struct vfc_check *c = &l->items[i];
		unsigned seen = 1;

		for (unsigned j = 0; j < i; j++)
			seen += !strcmp(l->items[j].name, c->name);
		count[c->status]++;
		for (int st = VFC_PASS; st <= VFC_FAIL; st++) {
			fputs("vfiocompat_check_state{check=\"", out);
			vfc_put_prom_label(out, c->name);
			if (seen > 1)
				fprintf(out, " (%u)", seen);
			fprintf(out, "\",state=\"%s\"} %d\n", lower[st], st == (int)c->status);
		}
	}
	fprintf(out, "# HELP vfiocompat_check_lines Check lines by state.\n"
		     "# TYPE vfiocompat_check_lines gauge\n");
	for (int st = VFC_PASS; st <= VFC_FAIL; st++)
		fprintf(out, "vfiocompat_check_lines{state=\"%s\"} %u\n", lower[st], count[st]);
	fprintf(out,
		"# HELP vfiocompat_check_ready 1 when no check line is FAIL: the host is ready to "
		"trial VFIO users on iommufd.\n# TYPE vfiocompat_check_ready gauge\n"
		"vfiocompat_check_ready %d\n"
		"# HELP vfiocompat_check_last_run_timestamp_seconds When the checks ran.\n"
		"# TYPE vfiocompat_check_last_run_timestamp_seconds gauge\n"
		"vfiocompat_check_last_run_timestamp_seconds %lld\n",
		vfc_checklist_worst(l) != VFC_FAIL, now);
}
