// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat run -- CMD ARGS...`: run a VFIO user under the shim (or, for
 * what LD_PRELOAD cannot reach, in a private mount namespace where
 * /dev/vfio/vfio is the target node), forward signals, pass on its exit
 * status and print the trial's verdict on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "exitrec.h"
#include "inspect.h"
#include "runenv.h"
#include "trial.h"
#include "vfiocompat/module.h"

#ifndef VFC_LIBDIR
#define VFC_LIBDIR "/usr/local/lib"
#endif

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
static volatile sig_atomic_t child_pid;

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vfiocompat run [--audit] [--log PATH] [--target NODE] [--mount-ns|--preload]\n"
	    "                      [--fail-closed] -- CMD [ARGS...]\n\n"
	    "Run CMD as a trial on iommufd and print the verdict on stderr when it exits.\n"
	    "The strategy is the one 'vfiocompat inspect CMD' recommends unless given:\n"
	    "  --preload      LD_PRELOAD the shim (dynamic programs): full per-ioctl report\n"
	    "  --mount-ns     private mount namespace where /dev/vfio/vfio is the target node\n"
	    "                 (static programs; needs root; no per-ioctl report)\n"
	    "  --audit        stay on type1, record feature use and predict (preload only)\n"
	    "  --target NODE  node opened instead of the container (default: the shim's choice,\n"
	    "                 the vfiocompat module's node when loaded, else /dev/iommu)\n"
	    "  --fail-closed  fail the container open when the target cannot be opened\n"
	    "                 (default: fall back to type1 and say so)\n"
	    "  --log PATH     report path (%%p pid, %%e program; appends); default: a new\n"
	    "                 directory under $TMPDIR or /tmp, kept after the run\n\n"
	    "exit: CMD's exit status (a signal that killed CMD is re-raised); 125 run itself\n"
	    "      failed, 126 CMD not executable, 127 CMD not found\n");
}

static void forward(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	(void)uc;
	/* Terminal signals reach the child's process group already. */
	if (child_pid > 0 && si->si_code != SI_KERNEL && si->si_pid != child_pid)
		kill(child_pid, sig);
	errno = saved;
}

static int mount_ns(const char *target)
{
	struct stat st;

	if (stat(target, &st) || !S_ISCHR(st.st_mode)) {
		vfc_err(
		    "run: %s is not a character device; load iommufd (modprobe iommufd) or pass "
		    "--target",
		    target);
		return -1;
	}
	if (stat("/dev/vfio/vfio", &st) || !S_ISCHR(st.st_mode)) {
		vfc_err("run: /dev/vfio/vfio does not exist; load vfio (modprobe vfio) first");
		return -1;
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		vfc_err("run: --mount-ns needs a private mount namespace (%s); run as root "
			"(CAP_SYS_ADMIN)",
			strerror(errno));
		return -1;
	}
	if (mount(target, "/dev/vfio/vfio", NULL, MS_BIND, NULL)) {
		vfc_err("run: bind-mounting %s over /dev/vfio/vfio: %s", target, strerror(errno));
		return -1;
	}
	return 0;
}

/* Print the verdict of the reports the run left; returns how many files. */
static size_t print_verdict(const char *pattern)
{
	struct vfc_trial t;
	enum vfc_verdict v;
	glob_t g;
	char list[512] = "";

	if (glob(pattern, 0, NULL, &g)) {
		fprintf(stderr,
			"vfiocompat run: no report was written: the program did not open the "
			"VFIO container (verdict UNTESTED)\n");
		return 0;
	}
	vfc_trial_init(&t);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "re");

		if (f) {
			vfc_trial_add_stream(&t, f, g.gl_pathv[i], stderr);
			fclose(f);
		}
	}
	v = vfc_trial_finish(&t);
	for (size_t i = 0; i < t.nfeatures; i++)
		if (t.features[i].uses &&
		    strlen(list) + strlen(t.features[i].name) + 3 < sizeof(list))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[0] ? ", " : "", t.features[i].name);
	fprintf(stderr,
		"vfiocompat run: verdict %s%s%s%s; %zu process%s; details: vfiocompat report %s\n",
		vfc_verdict_title(v), list[0] ? " (" : "", list, list[0] ? ")" : "", t.nprocs,
		t.nprocs == 1 ? "" : "es", pattern);
	/* Why it is not READY, per process: a fallback's errno, an exit status. */
	for (size_t i = 0, shown = 0; i < t.nprocs && shown < 4; i++) {
		const struct vfc_trial_proc *p = &t.procs[i];

		if (p->neutral || p->verdict == VFC_V_READY || !p->reason[0])
			continue;
		char line[512];

		/* Names and texts come from report files: no control bytes to the terminal. */
		snprintf(line, sizeof(line), "%s[%ld]: %s: %s", p->program[0] ? p->program : "?",
			 p->pid, vfc_verdict_name(p->verdict), p->reason);
		for (char *c = line; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		fprintf(stderr, "vfiocompat run: %s\n", line);
		shown++;
	}
	vfc_trial_free(&t);
	globfree(&g);
	return 1;
}

static int choose(const char *cmd, bool *mountns)
{
	char path[PATH_MAX], err[512];
	struct vfc_inspect in;

	if (!vfc_which(cmd, getenv("PATH"), path, sizeof(path))) {
		vfc_err("run: %s: command not found", cmd);
		return VFC_EXIT_NOT_FOUND;
	}
	if (vfc_inspect_path(path, &in, err, sizeof(err))) {
		/* Scripts and the like: the shim still reaches what they start. */
		*mountns = false;
		return 0;
	}
	/* No VFIO path in its bytes (built at run time, or in a library): go by its build. */
	if (in.strategy == VFC_STRAT_NOT_VFIO) {
		in.strategy = in.if_vfio;
		in.reason = in.if_vfio_reason;
	}
	switch (in.strategy) {
	case VFC_STRAT_MOUNT_NS:
		*mountns = true;
		fprintf(stderr, "vfiocompat run: %s: %s; using --mount-ns\n", cmd, in.reason);
		return 0;
	case VFC_STRAT_MODULE_AUDIT:
		vfc_err(
		    "run: %s: %s; LD_PRELOAD would be ignored: load vfiocompat.ko with audit=1 and "
		    "run it plainly, or force --mount-ns",
		    cmd, in.reason);
		return VFC_EXIT_RUN_ERROR;
	case VFC_STRAT_PRELOAD:
	case VFC_STRAT_NOT_VFIO:
		break;
	}
	*mountns = false;
	return 0;
}

int vfc_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"audit", no_argument, 0, 'a'},	   {"log", required_argument, 0, 'l'},
	    {"target", required_argument, 0, 't'}, {"mount-ns", no_argument, 0, 'm'},
	    {"preload", no_argument, 0, 'p'},	   {"fail-closed", no_argument, 0, 'f'},
	    {"help", no_argument, 0, 'h'},	   {0, 0, 0, 0},
	};
	char lib[PATH_MAX], exe[PATH_MAX], dir[PATH_MAX] = "", logbuf[PATH_MAX],
					   pattern[PATH_MAX * 2], preload[PATH_MAX * 4];
	const char *log = NULL, *target = NULL;
	bool audit = false, mountns = false, forced = false, fail_closed = false;
	int c, pipefd[2], status, err = 0;
	struct sigaction sa = {0};
	ssize_t n;
	pid_t pid;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			audit = true;
			break;
		case 'l':
			log = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'm':
		case 'p':
			mountns = c == 'm';
			forced = true;
			break;
		case 'f':
			fail_closed = true;
			break;
		case 'h':
			usage(stdout);
			return VFC_EXIT_OK;
		default:
			usage(stderr);
			return VFC_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		vfc_err("run: no command given; usage: vfiocompat run [OPTIONS] -- CMD [ARGS...]");
		return VFC_EXIT_USAGE;
	}
	if ((log && log[0] != '/') || (target && target[0] != '/')) {
		vfc_err("run: --log and --target take absolute paths");
		return VFC_EXIT_USAGE;
	}
	if (!forced && (c = choose(argv[optind], &mountns)))
		return c;
	/* As the shim chooses: the module's node (per-process accounting) when loaded. */
	if (mountns && !target) {
		struct stat st;

		target = !stat(VFC_MODULE_NODE, &st) && S_ISCHR(st.st_mode) ? VFC_MODULE_NODE
									    : "/dev/iommu";
	}
	if (mountns && audit) {
		vfc_err("run: --audit needs the shim (--preload); a mount namespace has no "
			"per-ioctl log");
		return VFC_EXIT_USAGE;
	}

	if (!mountns) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = 0;
		if (!vfc_find_library(dirname(exe), VFC_LIBDIR, lib, sizeof(lib))) {
			vfc_err("run: libvfiocompat.so not found next to vfiocompat nor in %s; "
				"reinstall (make install)",
				VFC_LIBDIR);
			return VFC_EXIT_RUN_ERROR;
		}
		if (!vfc_preload_value(lib, getenv("LD_PRELOAD"), preload, sizeof(preload))) {
			vfc_err("run: LD_PRELOAD is too long to extend");
			return VFC_EXIT_RUN_ERROR;
		}
		if (!log) {
			const char *tmp = getenv("TMPDIR");

			snprintf(dir, sizeof(dir), "%s/vfiocompat-run.XXXXXX",
				 tmp && tmp[0] == '/' ? tmp : "/tmp");
			if (!mkdtemp(dir)) {
				vfc_err("run: cannot create a report directory (%s): %s; pass "
					"--log PATH",
					dir, strerror(errno));
				return VFC_EXIT_RUN_ERROR;
			}
			snprintf(logbuf, sizeof(logbuf), "%s/%%e-%%p.jsonl", dir);
			log = logbuf;
		}
		if (!vfc_log_glob(log, pattern, sizeof(pattern))) {
			vfc_err("run: --log path too long");
			return VFC_EXIT_USAGE;
		}
		if (setenv("LD_PRELOAD", preload, 1) || setenv("VFIOCOMPAT_LOG", log, 1) ||
		    (audit && setenv("VFIOCOMPAT_MODE", "audit", 1)) ||
		    (target && setenv("VFIOCOMPAT_TARGET", target, 1)) ||
		    (fail_closed && setenv("VFIOCOMPAT_FALLBACK", "fail", 1))) {
			vfc_err("run: setting the environment: %s", strerror(errno));
			return VFC_EXIT_RUN_ERROR;
		}
	}

	if (pipe2(pipefd, O_CLOEXEC)) {
		vfc_err("run: pipe: %s", strerror(errno));
		return VFC_EXIT_RUN_ERROR;
	}
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		vfc_err("run: fork: %s", strerror(errno));
		return VFC_EXIT_RUN_ERROR;
	}
	if (pid == 0) {
		close(pipefd[0]);
		sa.sa_handler = SIG_DFL;
		sa.sa_flags = 0;
		for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
			sigaction(forwarded[i], &sa, NULL);
		if (mountns) {
			if (mount_ns(target))
				_exit(VFC_EXIT_RUN_ERROR);
			fprintf(stderr,
				"vfiocompat run: /dev/vfio/vfio is %s inside this mount namespace "
				"(no per-ioctl report for static programs)\n",
				target);
		}
		execvp(argv[optind], argv + optind);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(VFC_EXIT_RUN_ERROR);
		_exit(err == ENOENT ? VFC_EXIT_NOT_FOUND : VFC_EXIT_CANNOT_EXEC);
	}
	child_pid = pid;
	close(pipefd[1]);
	while ((n = read(pipefd[0], &err, sizeof(err))) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			vfc_err("run: waitpid: %s", strerror(errno));
			return VFC_EXIT_RUN_ERROR;
		}
	child_pid = 0;
	if (n == sizeof(err)) {
		vfc_err("run: %s: %s", argv[optind], strerror(err));
		return err == ENOENT ? VFC_EXIT_NOT_FOUND : VFC_EXIT_CANNOT_EXEC;
	}
	if (!mountns) {
		char why[512];

		/* How it ended goes into its report: a failed program is never READY. */
		if (vfc_exit_append(log, pid, argv[optind], status, why, sizeof(why)) < 0)
			fprintf(stderr, "vfiocompat run: the exit record was not written: %s\n",
				why);
		print_verdict(pattern);
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "vfiocompat run: %s killed by signal %d\n", argv[optind],
			WTERMSIG(status));
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}
