// SPDX-License-Identifier: GPL-2.0-only
/*
 * qmp-query-pci SOCKET [TIMEOUT_S [COMMAND]]
 *
 * Waits for QEMU's QMP socket, prints one line per PCI device ("dev
 * VENDOR:DEVICE bars=N", N its memory and I/O regions), then quits QEMU.
 * COMMAND (a shell command, at most 60 s) runs after query-pci answered and
 * before the quit: QEMU is then initialised.
 */
#include <sys/wait.h>

#include "qmp.h"

static const char prog[] = "qmp-query-pci";

static int field_int(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : 0;
}

static void print_devices(struct json_object *buses)
{
	size_t i, j, k;

	for (i = 0; i < json_object_array_length(buses); i++) {
		struct json_object *devs, *bus = json_object_array_get_idx(buses, i);

		if (!json_object_object_get_ex(bus, "devices", &devs) ||
		    !json_object_is_type(devs, json_type_array))
			continue;
		for (j = 0; j < json_object_array_length(devs); j++) {
			struct json_object *id = NULL, *regions = NULL,
					   *d = json_object_array_get_idx(devs, j);
			int bars = 0;

			json_object_object_get_ex(d, "id", &id);
			if (json_object_object_get_ex(d, "regions", &regions) &&
			    json_object_is_type(regions, json_type_array)) {
				for (k = 0; k < json_object_array_length(regions); k++) {
					struct json_object *t;

					if (json_object_object_get_ex(
						json_object_array_get_idx(regions, k), "type",
						&t) &&
					    (!strcmp(json_object_get_string(t), "memory") ||
					     !strcmp(json_object_get_string(t), "io")))
						bars++;
				}
			}
			printf("dev %04x:%04x bars=%d\n", field_int(id, "vendor"),
			       field_int(id, "device"), bars);
		}
	}
	fflush(stdout);
}

static void run(const char *cmd)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execlp("timeout", "timeout", "60", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
}

int main(int argc, char **argv)
{
	struct qmp q;
	struct json_object *r;
	int ok;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s SOCKET [TIMEOUT_S [COMMAND]]\n", prog);
		return 2;
	}
	qmp_open(&q, prog, argv[1], qmp_now() + (argc > 2 ? qmp_seconds(prog, argv[2]) : 120));
	r = qmp_cmd(&q, "query-pci", NULL);
	ok = !qmp_error(r) && json_object_is_type(qmp_return(r), json_type_array);
	if (ok)
		print_devices(qmp_return(r));
	else
		fprintf(stderr, "%s: query-pci: %s\n", prog,
			qmp_error(r) ? qmp_error(r) : "no device list");
	json_object_put(r);
	if (ok && argc > 3)
		run(argv[3]);
	json_object_put(qmp_cmd(&q, "quit", NULL));
	return ok ? 0 : 1;
}
