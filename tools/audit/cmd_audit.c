// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat audit`: the system-wide eBPF audit of type1 container users,
 * static and setuid programs included, with no module and no LD_PRELOAD
 * (tools/audit/). Runs until stopped (or --duration), one report file per
 * process in the shim's schema, mode audit.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"

#define DEFAULT_DIR "/var/log/vfiocompat"

static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vfiocompat audit [-o DIR] [--pid PID] [--comm NAME] [--duration SECONDS]\n"
		"\n"
		"Audit every VFIO type1 container user on this host with eBPF: static and\n"
		"setuid programs too, with no LD_PRELOAD and no kernel module (Secure Boot\n"
		"hosts: kernel lockdown in integrity mode allows it). Each container ioctl is\n"
		"decoded as the shim's audit mode decodes it; each process gets a report in\n"
		"DIR (PROGRAM-PID.jsonl, the shim's schema, mode audit) with its features and\n"
		"predicted verdict; read them with 'vfiocompat report DIR/*.jsonl'.\n"
		"\n"
		"  -o, --output DIR   report directory (default " DEFAULT_DIR ")\n"
		"  --pid PID          only PID and the processes it starts\n"
		"  --comm NAME        only processes named NAME (as /proc/PID/comm, 15 bytes)\n"
		"  --duration SECONDS stop after SECONDS (default: until SIGINT or SIGTERM)\n"
		"\n"
		"On SIGINT or SIGTERM it writes the summaries of processes still running\n"
		"(verdict incomplete) and exits 0. Needs root (CAP_BPF and CAP_PERFMON), the\n"
		"kernel's BTF, and the VFIO container. Exit: 0 stopped, 2 cannot run (one\n"
		"line why).\n");
}

static bool parse_num(const char *s, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && end != s && !*end && *out > 0 && *out <= max;
}

int vfc_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, 0, 'o'}, {"pid", required_argument, 0, 'p'},
	    {"comm", required_argument, 0, 'c'},   {"duration", required_argument, 0, 'd'},
	    {"help", no_argument, 0, 'h'},	   {0, 0, 0, 0},
	};
	const char *dir = DEFAULT_DIR, *comm = NULL;
	long pid = 0, duration = 0;
	char why[512];
	int c, lock_fd;

	optind = 1;
	opterr = 0; /* one line of ours instead */
	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'p':
			if (!parse_num(optarg, INT_MAX, &pid)) {
				vfc_err("audit: --pid '%s' is not a process id", optarg);
				return VFC_EXIT_USAGE;
			}
			break;
		case 'c':
			if (!optarg[0] || strlen(optarg) > 15) {
				vfc_err("audit: --comm '%s': a process name is 1 to 15 bytes "
					"(/proc/PID/comm)",
					optarg);
				return VFC_EXIT_USAGE;
			}
			comm = optarg;
			break;
		case 'd':
			if (!parse_num(optarg, 365L * 24 * 3600, &duration)) {
				vfc_err("audit: --duration '%s' is not a number of seconds",
					optarg);
				return VFC_EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return VFC_EXIT_OK;
		default:
			vfc_err("audit: unknown option or missing value in '%s'; see 'vfiocompat "
				"audit --help'",
				argv[optind - 1]);
			return VFC_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		vfc_err("audit: unexpected argument '%s'; see 'vfiocompat audit --help'",
			argv[optind]);
		return VFC_EXIT_USAGE;
	}
	if (pid && kill((pid_t)pid, 0) && errno == ESRCH) {
		vfc_err("audit: --pid %ld: no such process", pid);
		return VFC_EXIT_USAGE;
	}
	if (!strcmp(dir, DEFAULT_DIR))
		mkdir(dir, 0755); /* the default is ours to create; -o DIR must exist */
	if (!vfc_audit_preflight(dir, &lock_fd, why, sizeof(why))) {
		vfc_err("audit: %s", why);
		return VFC_EXIT_USAGE;
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	struct vfc_audit_opts o = {
	    .dir = dir, .comm = comm, .tree = pid > 0, .root = (pid_t)pid, .notes = stdout};
	struct vfc_audit *a = vfc_audit_start(&o, lock_fd, why, sizeof(why));
	if (!a) {
		vfc_err("audit: %s", why);
		return VFC_EXIT_USAGE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr,
		"vfiocompat audit: watching type1 container ioctls (loaded in %ld ms); reports "
		"in %s; stop with Ctrl-C\n",
		(vfc_audit_load_us(a) + 500) / 1000, dir);
	time_t end = duration ? time(NULL) + duration : 0;
	int rc = 0;
	while (!stop_sig && (!end || time(NULL) < end))
		if ((rc = vfc_audit_poll(a, 200)) < 0)
			break;
	unsigned long procs = 0, lost = 0;
	vfc_audit_stop(a, &procs, &lost);
	if (rc < 0) {
		vfc_err("audit: reading the BPF ring buffer: %s", strerror(-rc));
		return VFC_EXIT_USAGE;
	}
	fprintf(stderr, "vfiocompat audit: stopped; %lu process%s reported in %s%s\n", procs,
		procs == 1 ? "" : "es", dir,
		lost ? "; some events were lost (ring buffer full): counts are low" : "");
	return VFC_EXIT_OK;
}
