// SPDX-License-Identifier: GPL-2.0-only
/*
 * Does `vfiocompat run` forward every signal, even one sent while it forks?
 * `sigrace VFIOCOMPAT N [LOGDIR]` starts `vfiocompat run -- sigrace --child`
 * N times per forwarded signal, sends the signal to run after a random
 * delay spread over run's start-up and fork, and requires the child to
 * report that very signal in its exit status (100 + number). The signals are blocked in
 * what run starts with (so CMD inherits them blocked and cannot miss one
 * before its handlers exist): a loss can only be run's. Prints one line per
 * signal and exits 1 when any was lost.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"

static const int sigs[] = {SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTERM};
#define NSIGS	   (sizeof(sigs) / sizeof(sigs[0]))
#define WAIT_MS	   12000 /* one trial; a forwarded signal arrives in microseconds */
#define MAX_LOST   3	 /* a signal's trials stop here: lost is lost */
#define MAX_DELAY  6000	 /* microseconds: covers run's start-up to past its fork */
#define CHILD_WAIT 10000 /* ms the child waits for its signal (a loaded machine is slow) */

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
	if (!got)
		got = sig;
}

static int child(void)
{
	struct sigaction sa = {0};
	sigset_t set;

	sa.sa_handler = on_sig;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (size_t i = 0; i < NSIGS; i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&set, sigs[i]);
	}
	/* What was sent before the handlers existed is pending: delivered now. */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	for (int i = 0; i < CHILD_WAIT && !got; i++)
		usleep(1000);
	return got ? 100 + got : 0; /* 0: nothing came */
}

/* How the last lost trial ended, for the diagnosis line. */
static char last_end[64];

/* One trial: 1 when the child exited with sig as its status. */
static int trial(const char *vfc, const char *self, const char *log, int sig, unsigned delay)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		char *argv[] = {(char *)vfc, "run",	   "--preload", "--log", (char *)log,
				"--",	     (char *)self, "--child",	NULL};
		/* Under an emulator (VFC_EXEC_WRAP, check-arm64: qemu-aarch64),
		 * run and the child through it: qemu-user cannot exec a foreign
		 * binary itself. */
		char *wrap = getenv("VFC_EXEC_WRAP");
		char *wargv[] = {wrap, (char *)vfc, "run",	  "--preload", "--log", (char *)log,
				 "--", wrap,	    (char *)self, "--child",   NULL};

		if (wrap && *wrap)
			execvp(wrap, wargv);
		else
			execv(vfc, argv);
		_exit(127);
	}
	usleep(delay);
	CHECK(!kill(pid, sig), "kill %d", (int)pid);
	for (int ms = 0; ms < WAIT_MS; ms++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		CHECK(r >= 0, "waitpid");
		if (r == pid) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 100 + sig)
				return 1;
			if (WIFEXITED(status))
				snprintf(last_end, sizeof(last_end), "%s",
					 WEXITSTATUS(status) ? "run exited with an error"
							     : "CMD never got it");
			else
				snprintf(last_end, sizeof(last_end), "run killed by signal %d",
					 WTERMSIG(status));
			return 0;
		}
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	snprintf(last_end, sizeof(last_end), "no exit within %d ms", WAIT_MS);
	return 0;
}

int main(int argc, char **argv)
{
	char self[4096], log[4096];
	int n, lost_total = 0;
	sigset_t set;
	ssize_t l;

	if (argc == 2 && !strcmp(argv[1], "--child"))
		return child();
	if (argc < 3 || (n = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: sigrace VFIOCOMPAT N [LOGDIR]\n");
		return 2;
	}
	l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(l > 0, "readlink /proc/self/exe");
	self[l] = 0;
	if (argc > 3 && argv[3][0] != '/') {
		fprintf(stderr, "sigrace: LOGDIR must be an absolute path\n");
		return 2;
	}
	snprintf(log, sizeof(log), "%s/%%e-%%p.jsonl", argc > 3 ? argv[3] : "/tmp");
	sigemptyset(&set);
	for (size_t i = 0; i < NSIGS; i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (size_t i = 0; i < NSIGS; i++) {
		int ok = 0, k;

		for (k = 0; k < n && k - ok < MAX_LOST; k++)
			ok += trial(argv[1], self, log, sigs[i], (unsigned)rand() % MAX_DELAY);
		printf("%-8s sent %d, forwarded %d, lost %d%s%s%s\n", sigabbrev_np(sigs[i]), k, ok,
		       k - ok, k < n ? " (stopped)" : "", k > ok ? "; last: " : "",
		       k > ok ? last_end : "");
		fflush(stdout);
		lost_total += k - ok;
	}
	return lost_total ? 1 : 0;
}
