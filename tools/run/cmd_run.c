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
#include <json-c/json.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "classify.h"
#include "cli.h"
#include "exitrec.h"
#include "inspect.h"
#include "libdeps.h"
#include "runaudit.h"
#include "target.h"
#include "runenv.h"
#include "cmd_run_verdict.h"
#include "text.h"
#include "trial.h"
#include "vfiocompat/module.h"

#ifndef VFC_LIBDIR
#define VFC_LIBDIR "/usr/local/lib"
#endif

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
static volatile sig_atomic_t child_pid;
/* Per signal number: pending before fork, so CMD did not get it from the terminal. */
static volatile sig_atomic_t prefork[NSIG];

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vfiocompat run [--audit] [--log PATH] [--target NODE] [--mount-ns|--preload]\n"
	    "                      [--fail-closed] [--json|--json-file PATH|--json-fd N]\n"
	    "                      -- CMD [ARGS...]\n\n"
	    "Run CMD as a trial on iommufd and print the verdict on stderr when it exits.\n"
	    "The strategy is the one 'vfiocompat inspect CMD' recommends unless given (a\n"
	    "program that is no VFIO user, nor can be preloaded, runs unchanged):\n"
	    "  --preload      LD_PRELOAD the shim (dynamic programs): full per-ioctl report\n"
	    "  --mount-ns     private mount namespace where /dev/vfio/vfio is the target node\n"
	    "                 (static programs; needs root; no per-ioctl report)\n"
	    "  --audit        stay on type1, record feature use and predict (preload only)\n"
	    "  --target NODE  node opened instead of the container (default: the shim's choice,\n"
	    "                 the vfiocompat module's node when loaded, else /dev/iommu)\n"
	    "  --fail-closed  fail the container open when the target cannot be opened\n"
	    "                 (default: fall back to type1 and say so)\n"
	    "  --log PATH     report path (%%p pid, %%e program; appends); default: a new\n"
	    "                 directory under $TMPDIR or /tmp, kept (and named) when a report\n"
	    "                 was written, removed when none was\n"
	    "  --json         the verdict as one JSON object on stderr, instead of its lines\n"
	    "  --json-file PATH  the JSON object into PATH (created or truncated before CMD\n"
	    "                 starts), apart from CMD's output; the lines stay on stderr\n"
	    "  --json-fd N    the JSON object to file descriptor N (open for writing; CMD\n"
	    "                 does not inherit it), e.g. --json-fd 3 3>verdict.json\n\n"
	    "exit: CMD's exit status (a signal that killed CMD is re-raised); 125 run itself\n"
	    "      failed (a bad option too), 126 CMD not executable, 127 CMD not found\n");
}

static void forward(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	(void)uc;
	/* Terminal signals reach the child's process group already, once it exists. */
	if (child_pid > 0 && si->si_pid != child_pid && (si->si_code != SI_KERNEL || prefork[sig]))
		kill(child_pid, sig);
	prefork[sig] = 0;
	errno = saved;
}

/*
 * Where --json-file or --json-fd sends the verdict, opened before CMD starts
 * so that a bad path is run's error (125), not a lost verdict. An fd given is
 * moved above the standard ones, close-on-exec: CMD does not inherit it.
 */
static FILE *open_json(const char *path, const char *fdarg)
{
	int fd, mode;
	FILE *f;

	if (path) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0) {
			vfc_err("run: --json-file %s: %s; give a writable path", path,
				strerror(errno));
			return NULL;
		}
	} else {
		char *end;
		long n = strtol(fdarg, &end, 10);

		errno = 0;
		if (!*fdarg || *end || n < 1 || n > 1 << 20 ||
		    (mode = fcntl((int)n, F_GETFL)) < 0 || (mode & O_ACCMODE) == O_RDONLY) {
			vfc_err("run: --json-fd %s: %s; give a file descriptor open for writing "
				"(e.g. --json-fd 3 3>verdict.json)",
				fdarg,
				errno == EBADF ? "not open" : "not a descriptor open for writing");
			return NULL;
		}
		fd = (int)n > 2 ? fcntl((int)n, F_DUPFD_CLOEXEC, 3) : dup((int)n);
		if (fd < 0) {
			vfc_err("run: --json-fd %s: %s", fdarg, strerror(errno));
			return NULL;
		}
		if (n > 2)
			close((int)n);
	}
	f = fdopen(fd, "w");
	if (!f) {
		vfc_err("run: --json: %s", strerror(errno));
		close(fd);
	}
	return f;
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

/* How CMD is started. */
enum how { HOW_PRELOAD, HOW_MOUNT_NS, HOW_PLAIN };

static const char *how_key(enum how h)
{
	return h == HOW_PRELOAD ? "preload" : h == HOW_MOUNT_NS ? "mount-ns" : "unchanged";
}

static int choose(const char *cmd, enum how *how)
{
	char path[PATH_MAX], err[512];
	struct vfc_inspect in;
	struct vfc_deps *d;

	*how = HOW_PRELOAD;
	if (!vfc_which(cmd, getenv("PATH"), path, sizeof(path))) {
		vfc_err("run: %s: command not found", cmd);
		return VFC_EXIT_NOT_FOUND;
	}
	/* Scripts and the like: the shim still reaches what they start. */
	if (vfc_inspect_path(path, &in, err, sizeof(err)))
		return 0;
	/* VFIO code in a library (DPDK's librte_eal): that library's build decides. */
	if (in.strategy == VFC_STRAT_NOT_VFIO && in.dynamic && (d = malloc(sizeof(*d)))) {
		if (vfc_deps_follow(path, &in, d))
			fprintf(stderr, "vfiocompat run: %s: %s\n", cmd, in.reason);
		free(d);
	}
	if (in.strategy == VFC_STRAT_NOT_VFIO) {
		/*
		 * No VFIO path anywhere (it may still build one at run time, or
		 * start programs that do: a shell): the shim is harmless where
		 * the loader takes LD_PRELOAD. Where it does not (static,
		 * secure exec), CMD just runs, as it would without vfiocompat.
		 */
		if (in.dynamic && in.if_vfio != VFC_STRAT_MODULE_AUDIT)
			return 0;
		*how = HOW_PLAIN;
		fprintf(
		    stderr,
		    "vfiocompat run: %s: not a VFIO user (%s); running it unchanged, no trial\n",
		    cmd, in.reason);
		return 0;
	}
	switch (in.strategy) {
	case VFC_STRAT_MOUNT_NS:
		*how = HOW_MOUNT_NS;
		fprintf(stderr, "vfiocompat run: %s: %s; using --mount-ns\n", cmd, in.reason);
		return 0;
	case VFC_STRAT_MODULE_AUDIT:
		/* Secure execution: as root, the namespace and the eBPF audit reach it. */
		if (!geteuid()) {
			*how = HOW_MOUNT_NS;
			fprintf(stderr, "vfiocompat run: %s: %s; using --mount-ns\n", cmd,
				in.reason);
			return 0;
		}
		vfc_err("run: %s: %s; LD_PRELOAD would be ignored: run this as root (a mount "
			"namespace and the eBPF audit), or run it plainly under 'vfiocompat audit'",
			cmd, in.reason);
		return VFC_EXIT_RUN_ERROR;
	case VFC_STRAT_PRELOAD:
	case VFC_STRAT_NOT_VFIO:
		break;
	}
	return 0;
}

int vfc_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"audit", no_argument, 0, 'a'},
	    {"log", required_argument, 0, 'l'},
	    {"target", required_argument, 0, 't'},
	    {"mount-ns", no_argument, 0, 'm'},
	    {"preload", no_argument, 0, 'p'},
	    {"fail-closed", no_argument, 0, 'f'},
	    {"json", no_argument, 0, 'j'},
	    {"json-file", required_argument, 0, 'J'},
	    {"json-fd", required_argument, 0, 'F'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	char lib[PATH_MAX], exe[PATH_MAX], dir[PATH_MAX] = "", logbuf[PATH_MAX],
					   pattern[PATH_MAX * 2] = "", preload[PATH_MAX * 4];
	const char *log = NULL, *target = NULL, *json_file = NULL, *json_fd = NULL;
	FILE *jout = NULL;
	bool audit = false, mountns = false, fail_closed = false, json = false;
	enum how how = HOW_PRELOAD;
	int c, pipefd[2], status, err = 0, forced = 0;
	struct sigaction sa = {0};
	sigset_t fwd, oldmask, runmask, pend;
	ssize_t n;
	pid_t pid;
	struct vfc_audit *ebpf = NULL; /* static/setuid under --mount-ns: tools/audit/ */
	char ebpf_log[PATH_MAX];

	vfc_output_error_exit = VFC_EXIT_RUN_ERROR;
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
			if (forced && forced != c) {
				vfc_err(
				    "run: --mount-ns and --preload exclude each other; give one");
				return VFC_EXIT_RUN_ERROR;
			}
			how = c == 'm' ? HOW_MOUNT_NS : HOW_PRELOAD;
			forced = c;
			break;
		case 'f':
			fail_closed = true;
			break;
		case 'j':
			json = true;
			break;
		case 'J':
			json_file = optarg;
			break;
		case 'F':
			json_fd = optarg;
			break;
		case 'h':
			usage(stdout);
			return VFC_EXIT_OK;
		default:
			vfc_bad_option("run", argv);
			return VFC_EXIT_RUN_ERROR;
		}
	}
	if (optind == argc) {
		vfc_err("run: no command given; usage: vfiocompat run [OPTIONS] -- CMD [ARGS...]");
		return VFC_EXIT_RUN_ERROR;
	}
	if (json + !!json_file + !!json_fd > 1) {
		vfc_err("run: --json, --json-file and --json-fd each say where the JSON verdict "
			"goes; give one");
		return VFC_EXIT_RUN_ERROR;
	}
	if (json)
		jout = stderr;
	else if ((json_file || json_fd) && !(jout = open_json(json_file, json_fd)))
		return VFC_EXIT_RUN_ERROR;
	/*
	 * A signal sent before child_pid is set would find no child to
	 * forward to and be lost: the forwarded signals stay blocked from
	 * here, across fork, until child_pid is set; one sent meanwhile waits,
	 * pending, and is forwarded then. CMD gets the mask run was started
	 * with; run itself must receive what it forwards, so it unblocks them.
	 */
	sigemptyset(&fwd);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&fwd, forwarded[i]);
	sigprocmask(SIG_BLOCK, &fwd, &oldmask);
	if ((log && log[0] != '/') || (target && target[0] != '/')) {
		vfc_err("run: --log and --target take absolute paths");
		return VFC_EXIT_RUN_ERROR;
	}
	/* By identity, as the shim decides: the container is no target. */
	if (target) {
		struct stat st;

		if (!stat(target, &st) && S_ISCHR(st.st_mode) &&
		    st.st_rdev == makedev(VFC_CONTAINER_MAJOR, VFC_CONTAINER_MINOR)) {
			vfc_err(
			    "run: --target %s is the VFIO container itself (char 10:196), not an "
			    "iommufd node; give /dev/iommu or leave --target out",
			    target);
			return VFC_EXIT_RUN_ERROR;
		}
	}
	if (how == HOW_MOUNT_NS && audit) {
		vfc_err("run: --audit needs the shim (--preload); a mount namespace has no "
			"per-ioctl log");
		return VFC_EXIT_RUN_ERROR;
	}
	if (how == HOW_MOUNT_NS && log) {
		vfc_err("run: --log needs the shim (--preload); a mount namespace writes no "
			"report");
		return VFC_EXIT_RUN_ERROR;
	}
	if (!forced && (c = choose(argv[optind], &how)))
		return c;
	if (how == HOW_MOUNT_NS && audit) {
		vfc_err("run: %s needs --mount-ns, which has no per-ioctl log for --audit; use "
			"'vfiocompat audit' (eBPF) instead",
			argv[optind]);
		return VFC_EXIT_RUN_ERROR;
	}
	mountns = how == HOW_MOUNT_NS;
	/* As the shim chooses: the module's node (per-process accounting) when loaded. */
	if (mountns && !target)
		target = vfc_target_default(vfc_is_char_node);

	if (how == HOW_PRELOAD) {
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
			return VFC_EXIT_RUN_ERROR;
		}
		if (setenv("LD_PRELOAD", preload, 1) || setenv("VFIOCOMPAT_LOG", log, 1) ||
		    (audit && setenv("VFIOCOMPAT_MODE", "audit", 1)) ||
		    (target && setenv("VFIOCOMPAT_TARGET", target, 1)) ||
		    (fail_closed && setenv("VFIOCOMPAT_FALLBACK", "fail", 1))) {
			vfc_err("run: setting the environment: %s", strerror(errno));
			return VFC_EXIT_RUN_ERROR;
		}
	}

	/* The eBPF audit reports what LD_PRELOAD cannot reach; without it, as before. */
	if (mountns && !access(target, F_OK) &&
	    (ebpf = vfc_run_audit_begin(dir, sizeof(dir), ebpf_log, sizeof(ebpf_log), pattern,
					sizeof(pattern))))
		log = ebpf_log;
	if (pipe2(pipefd, O_CLOEXEC)) {
		vfc_err("run: pipe: %s", strerror(errno));
		return VFC_EXIT_RUN_ERROR;
	}
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sa.sa_mask = fwd;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	/* Pending now means sent before CMD existed: forward it whatever its origin. */
	sigpending(&pend);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		prefork[forwarded[i]] = sigismember(&pend, forwarded[i]) == 1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		vfc_err("run: fork: %s", strerror(errno));
		return VFC_EXIT_RUN_ERROR;
	}
	if (pid == 0) {
		close(pipefd[0]);
		/*
		 * What the parent forwarded before exec must reach CMD: the
		 * default action (a pending SIGINT kills it now) or, when CMD
		 * starts with it blocked, pending across exec. SIG_DFL would
		 * discard a pending SIGWINCH (default: ignore), so its handler
		 * is left for exec to reset.
		 */
		sa.sa_handler = SIG_DFL;
		sa.sa_flags = 0;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
			if (forwarded[i] != SIGWINCH)
				sigaction(forwarded[i], &sa, NULL);
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		if (mountns) {
			if (mount_ns(target))
				_exit(VFC_EXIT_RUN_ERROR);
			fprintf(
			    stderr,
			    "vfiocompat run: /dev/vfio/vfio is %s inside this mount namespace%s\n",
			    target, ebpf ? "" : " (no per-ioctl report for static programs)");
		}
		execvp(argv[optind], argv + optind);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(VFC_EXIT_RUN_ERROR);
		_exit(err == ENOENT ? VFC_EXIT_NOT_FOUND : VFC_EXIT_CANNOT_EXEC);
	}
	child_pid = pid;
	runmask = oldmask;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigdelset(&runmask, forwarded[i]);
	sigprocmask(SIG_SETMASK, &runmask, NULL);
	close(pipefd[1]);
	while ((n = read(pipefd[0], &err, sizeof(err))) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	/*
	 * Ended, not yet reaped (WNOWAIT): its /proc/PID/stat still names it, so
	 * the exit record carries its start time, as its start record does.
	 */
	siginfo_t si;
	struct vfc_exit_id id;
	int wr;

	while ((wr = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT)) < 0 && errno == EINTR)
		;
	if (wr == 0)
		vfc_exit_read_id(pid, &id);
	else
		id = (struct vfc_exit_id){.pid = pid};
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			vfc_err("run: waitpid: %s", strerror(errno));
			return VFC_EXIT_RUN_ERROR;
		}
	child_pid = 0;
	/* Nobody left to forward to: a SIGTERM now ends run itself. */
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (forwarded[i] != SIGWINCH)
			sigaction(forwarded[i], &sa, NULL);
	vfc_run_audit_end(ebpf);
	if (n == sizeof(err)) {
		vfc_err("run: %s: %s", argv[optind], strerror(err));
		if (dir[0])
			rmdir(dir);
		return err == ENOENT ? VFC_EXIT_NOT_FOUND : VFC_EXIT_CANNOT_EXEC;
	}
	if (how == HOW_PRELOAD || ebpf) {
		char why[512];

		/* How it ended goes into its report: a failed program is never READY. */
		if (vfc_exit_append_id(log, &id, argv[optind], status, why, sizeof(why)) < 0)
			fprintf(stderr, "vfiocompat run: the exit record was not written: %s\n",
				why);
	}
	if (vfc_run_print_verdict(pattern, dir, jout, argv[optind], how_key(how), status) ||
	    (jout && jout != stderr && fclose(jout))) {
		if (WIFSIGNALED(status))
			fprintf(stderr, "vfiocompat run: %s killed by signal %d\n", argv[optind],
				WTERMSIG(status));
		return VFC_EXIT_RUN_ERROR;
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
