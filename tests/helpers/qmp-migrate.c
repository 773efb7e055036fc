// SPDX-License-Identifier: GPL-2.0-only
/*
 * qmp-migrate SRC_SOCKET DST_SOCKET URI [TIMEOUT_S]
 *
 * QMP driver of one live migration in the lab: the destination listens
 * (migrate-incoming), the source migrates, the source's query-migrate is
 * polled to an end; prints what QEMU said as key=value lines, then quits
 * both. TIMEOUT_S (default 90) bounds the whole run.
 */
#include <inttypes.h>

#include "qmp.h"

static const char prog[] = "qmp-migrate";

/* O's member at PATH ("a.b"), borrowed, or NULL. */
static struct json_object *member(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, a, &v))
		return NULL;
	if (b && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return v;
}

static int64_t num(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = member(o, a, b);

	return v ? json_object_get_int64(v) : 0;
}

static const char *str(struct json_object *o, const char *a, const char *dflt)
{
	struct json_object *v = member(o, a, NULL);

	return v ? json_object_get_string(v) : dflt;
}

/* {"uri": URI}, the arguments of migrate and migrate-incoming. */
static struct json_object *uri_args(const char *uri)
{
	struct json_object *args = json_object_new_object();

	json_object_object_add(args, "uri", json_object_new_string(uri));
	return args;
}

static int final(const char *status)
{
	return !strcmp(status, "completed") || !strcmp(status, "failed") ||
	       !strcmp(status, "cancelled");
}

int main(int argc, char **argv)
{
	struct qmp src, dst;
	struct json_object *r, *info, *reasons;
	char status[64] = "failed", dst_status[64] = "unknown";
	double deadline, t0;
	size_t i, n;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s SRC_SOCKET DST_SOCKET URI [TIMEOUT_S]\n", prog);
		return 2;
	}
	deadline = qmp_now() + (argc > 4 ? qmp_seconds(prog, argv[4]) : 90);
	qmp_open(&src, prog, argv[1], deadline);
	qmp_open(&dst, prog, argv[2], deadline);

	/* QEMU 10 lists blockers in blocked-reasons only (the "blocked" flag is gone). */
	r = qmp_cmd(&src, "query-migrate", NULL);
	reasons = member(qmp_return(r), "blocked-reasons", NULL);
	n = json_object_is_type(reasons, json_type_array) ? json_object_array_length(reasons) : 0;
	printf("blocked=%s\nblocker=", n ? "yes" : "no");
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "; " : "",
		       json_object_get_string(json_object_array_get_idx(reasons, i)));
	printf("%s\n", n ? "" : "-");
	json_object_put(r);

	r = qmp_cmd(&dst, "migrate-incoming", uri_args(argv[3]));
	if (qmp_error(r))
		printf("incoming_error=%s\n", qmp_error(r));
	json_object_put(r);

	t0 = qmp_now();
	r = qmp_cmd(&src, "migrate", uri_args(argv[3]));
	if (qmp_error(r)) {
		printf("migrate_error=%s\n", qmp_error(r));
		json_object_put(r);
	} else {
		json_object_put(r);
		r = NULL;
		while (qmp_now() < deadline) {
			json_object_put(r);
			r = qmp_cmd(&src, "query-migrate", NULL);
			snprintf(status, sizeof(status), "%s",
				 str(qmp_return(r), "status", "none"));
			if (final(status))
				break;
			qmp_sleep(0.2);
		}
		info = qmp_return(r);
		printf("error=%s\n", str(info, "error-desc", "-"));
		printf("ram_transferred=%" PRId64 "\n", num(info, "ram", "transferred"));
		printf("dirty_syncs=%" PRId64 "\n", num(info, "ram", "dirty-sync-count"));
		printf("vfio_transferred=%" PRId64 "\n", num(info, "vfio", "transferred"));
		printf("total_time_ms=%" PRId64 "\n", num(info, "total-time", NULL));
		json_object_put(r);
	}
	printf("status=%s\n", status);
	printf("wall_ms=%d\n", (int)((qmp_now() - t0) * 1000));
	fflush(stdout);

	/* The destination starts running once the incoming side has loaded everything. */
	while (qmp_now() < deadline) {
		r = qmp_cmd(&dst, "query-status", NULL);
		snprintf(dst_status, sizeof(dst_status), "%s",
			 qmp_error(r) ? "gone" : str(qmp_return(r), "status", "gone"));
		json_object_put(r);
		if (strcmp(dst_status, "inmigrate") || strcmp(status, "completed"))
			break;
		qmp_sleep(0.2);
	}
	printf("dst_status=%s\n", dst_status);
	fflush(stdout);
	json_object_put(qmp_cmd(&src, "quit", NULL));
	json_object_put(qmp_cmd(&dst, "quit", NULL));
	return 0;
}
