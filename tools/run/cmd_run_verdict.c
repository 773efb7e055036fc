// SPDX-License-Identifier: GPL-2.0-only
/* `vfiocompat run`'s last word: the verdict of the reports the run left. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_run_verdict.h"
#include "reportfile.h"
#include "text.h"
#include "trial.h"

/*
 * A report the run left, for reading: never through a link, and never
 * waiting (a FIFO planted where a report would be has no writer to wait
 * for); anything but a regular file is named in one line and skipped.
 */
static FILE *open_report(const char *path)
{
	char why[256];
	bool opened;
	int fd = vfc_report_file_open(path, O_RDONLY, false, &opened, why, sizeof(why));
	FILE *f;

	if (fd < 0) {
		if (opened)
			fprintf(stderr, "vfiocompat run: %s is not a regular file; not read\n",
				path);
		return NULL;
	}
	if (!(f = fdopen(fd, "r")))
		close(fd);
	return f;
}

/* The verdict of what the run left, on stderr: one line, or one JSON object with --json. */
int vfc_run_print_verdict(const char *pattern, const char *dir, FILE *json, const char *cmd,
			  const char *how, int status)
{
	int ret = 0;
	struct vfc_trial t;
	enum vfc_verdict v = VFC_V_UNTESTED;
	glob_t g;
	char list[512] = "";
	bool none = !pattern[0] || glob(pattern, 0, NULL, &g), unread = false;

	vfc_trial_init(&t);
	for (size_t i = 0; !none && i < g.gl_pathc; i++) {
		FILE *f = open_report(g.gl_pathv[i]);

		if (f) {
			/* A report that cannot be read to its end makes no verdict better. */
			if (vfc_trial_add_stream(&t, f, g.gl_pathv[i], stderr)) {
				vfc_err("run: %s: read error: %s; the verdict is incomplete",
					g.gl_pathv[i], strerror(errno));
				unread = true;
			}
			fclose(f);
		}
	}
	if (!none)
		v = vfc_trial_finish(&t);
	if (unread && v < VFC_V_INCOMPLETE)
		v = VFC_V_INCOMPLETE;
	/* Our own empty report directory is litter: remove it. */
	if (none && dir[0])
		rmdir(dir);
	for (size_t i = 0; i < t.nfeatures; i++)
		if (t.features[i].uses &&
		    strlen(list) + strlen(t.features[i].name) + 3 < sizeof(list))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[0] ? ", " : "", t.features[i].name);
	if (json) {
		json_object *o = json_object_new_object(), *fa = json_object_new_array();

		for (size_t i = 0; i < t.nfeatures; i++)
			if (t.features[i].uses)
				json_object_array_add(fa,
						      json_object_new_string(t.features[i].name));
		json_object_object_add(o, "run", json_object_new_string(cmd));
		json_object_object_add(o, "strategy", json_object_new_string(how));
		json_object_object_add(o, "verdict", json_object_new_string(vfc_verdict_name(v)));
		json_object_object_add(o, "title", json_object_new_string(vfc_verdict_title(v)));
		json_object_object_add(o, "features", fa);
		json_object_object_add(o, "processes", json_object_new_int((int)t.nprocs));
		json_object_object_add(o, "reports", none ? NULL : json_object_new_string(pattern));
		json_object_object_add(o, "report_dir",
				       none || !dir[0] ? NULL : json_object_new_string(dir));
		if (!strcmp(how, "mount-ns") && none)
			json_object_object_add(
			    o, "note",
			    json_object_new_string("a mount namespace writes no per-ioctl report: "
						   "the eBPF audit (vfiocompat audit) gives one"));
		if (WIFSIGNALED(status))
			json_object_object_add(o, "signal", json_object_new_int(WTERMSIG(status)));
		else
			json_object_object_add(o, "exit_status",
					       json_object_new_int(WEXITSTATUS(status)));
		fprintf(json, "%s\n",
			json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		if (json != stderr && (fflush(json) || ferror(json))) {
			vfc_err("run: writing the JSON verdict failed: %s; it is incomplete",
				strerror(errno));
			ret = -1;
		}
	}
	if (json == stderr) {
		/* The JSON object is the verdict. */
	} else if (!strcmp(how, "mount-ns") && none) {
		/* No report: the namespace only swaps the node (no eBPF audit, or no VFIO). */
	} else if (!strcmp(how, "unchanged")) {
		/* Said before it started. */
	} else if (none) {
		fprintf(stderr,
			"vfiocompat run: no report was written: the program did not open the "
			"VFIO container (verdict UNTESTED)\n");
	} else {
		fprintf(stderr,
			"vfiocompat run: verdict %s%s%s%s; %zu process%s; details: vfiocompat "
			"report %s\n",
			vfc_verdict_title(v), list[0] ? " (" : "", list, list[0] ? ")" : "",
			t.nprocs, t.nprocs == 1 ? "" : "es", pattern);
		/* Why it is not READY, per process: a fallback's errno, an exit status. */
		for (size_t i = 0, shown = 0; i < t.nprocs && shown < 4; i++) {
			const struct vfc_trial_proc *p = &t.procs[i];

			if (p->neutral || p->verdict == VFC_V_READY || !p->reason[0])
				continue;
			char line[512];

			/* Names and texts come from report files: no control bytes to the terminal.
			 */
			snprintf(line, sizeof(line), "%s[%ld]: %s: %s",
				 p->program[0] ? p->program : "?", p->pid,
				 vfc_verdict_title(p->verdict), p->reason);
			vfc_clean_inplace(line, 0);
			fprintf(stderr, "vfiocompat run: %s\n", line);
			shown++;
		}
	}
	vfc_trial_free(&t);
	if (!none)
		globfree(&g);
	return ret;
}
