/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal QMP client for the lab's helpers (qmp-query-pci, qmp-migrate):
 * connect to QEMU's QMP socket (retrying until a deadline), read the
 * greeting, leave capabilities negotiation, send commands and wait for their
 * answer, skipping events. In C because the lab VM starts these helpers many
 * times under TCG, where a Python start-up over 9p costs seconds.
 */
#ifndef VFC_TEST_QMP_H
#define VFC_TEST_QMP_H

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct qmp {
	int fd;
	FILE *in;	 /* line reader on a dup of fd */
	double deadline; /* CLOCK_MONOTONIC seconds */
};

static inline double qmp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void qmp_sleep(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Reads until what is left of the deadline (at least a second). */
static inline void qmp_arm_timeout(struct qmp *q)
{
	double left = q->deadline - qmp_now();
	struct timeval tv = {left < 1 ? 1 : (time_t)left, 0};

	setsockopt(q->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* The next JSON object QEMU sends, or NULL when it closed or timed out. */
static inline struct json_object *qmp_read(struct qmp *q)
{
	char *line = NULL;
	size_t cap = 0;
	struct json_object *o = NULL;

	qmp_arm_timeout(q);
	if (getline(&line, &cap, q->in) > 0)
		o = json_tokener_parse(line);
	free(line);
	return o;
}

/*
 * Sends NAME with ARGS (taken, may be NULL) and returns QEMU's answer (an
 * object with "return" or "error"), events skipped; or a made-up "error"
 * when QEMU closed the socket. The caller puts it.
 */
static inline struct json_object *qmp_cmd(struct qmp *q, const char *name, struct json_object *args)
{
	struct json_object *msg = json_object_new_object(), *r;
	const char *s;
	size_t len, off = 0;

	json_object_object_add(msg, "execute", json_object_new_string(name));
	if (args)
		json_object_object_add(msg, "arguments", args);
	s = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	len = strlen(s);
	while (off < len) {
		ssize_t n = send(q->fd, s + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off == len)
		send(q->fd, "\n", 1, MSG_NOSIGNAL);
	json_object_put(msg);
	while (off == len && (r = qmp_read(q))) {
		if (json_object_object_get_ex(r, "return", NULL) ||
		    json_object_object_get_ex(r, "error", NULL))
			return r;
		json_object_put(r); /* an event */
	}
	r = json_object_new_object();
	msg = json_object_new_object();
	json_object_object_add(msg, "desc", json_object_new_string("QEMU closed the QMP socket"));
	json_object_object_add(r, "error", msg);
	return r;
}

/* The "return" member of ANSWER (borrowed), or NULL. */
static inline struct json_object *qmp_return(struct json_object *answer)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(answer, "return", &v);
	return v;
}

/* The error description of ANSWER (borrowed), or NULL when it succeeded. */
static inline const char *qmp_error(struct json_object *answer)
{
	struct json_object *e, *d;

	if (!json_object_object_get_ex(answer, "error", &e))
		return NULL;
	return json_object_object_get_ex(e, "desc", &d) ? json_object_get_string(d) : "error";
}

/* Connects to PATH until DEADLINE, then greeting and qmp_capabilities; exits on failure. */
static inline void qmp_open(struct qmp *q, const char *prog, const char *path, double deadline)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct json_object *o;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: socket path too long: %s\n", prog, path);
		exit(1);
	}
	strcpy(sa.sun_path, path);
	q->deadline = deadline;
	for (;;) {
		q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (q->fd >= 0 && connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		if (q->fd >= 0)
			close(q->fd);
		if (qmp_now() > deadline) {
			fprintf(stderr, "%s: no QMP socket at %s\n", prog, path);
			exit(1);
		}
		qmp_sleep(0.3);
	}
	q->in = fdopen(dup(q->fd), "r");
	o = q->in ? qmp_read(q) : NULL; /* the greeting */
	if (!o || !json_object_object_get_ex(o, "QMP", NULL)) {
		fprintf(stderr, "%s: no QMP greeting at %s\n", prog, path);
		exit(1);
	}
	json_object_put(o);
	o = qmp_cmd(q, "qmp_capabilities", NULL);
	if (qmp_error(o)) {
		fprintf(stderr, "%s: qmp_capabilities at %s: %s\n", prog, path, qmp_error(o));
		exit(1);
	}
	json_object_put(o);
}

/* A non-negative number of seconds from ARG, or exit naming it. */
static inline double qmp_seconds(const char *prog, const char *arg)
{
	char *end;
	double s = strtod(arg, &end);

	if (end == arg || *end || !(s >= 0 && s < 1e6)) {
		fprintf(stderr, "%s: TIMEOUT must be a number of seconds, not '%s'\n", prog, arg);
		exit(2);
	}
	return s;
}

#endif
