/* SPDX-License-Identifier: GPL-2.0-only */
/* The verdict `vfiocompat run` prints (cmd_run_verdict.c); private to tools/run/. */
#ifndef VFC_CMD_RUN_VERDICT_H
#define VFC_CMD_RUN_VERDICT_H

#include <stdbool.h>

#include <stdio.h>

/*
 * Merge the reports matching `pattern` (in `dir` when run made it) and print
 * the verdict: one JSON object to json when given (--json: stderr;
 * --json-file, --json-fd: there), and the text lines on stderr unless json
 * is stderr. cmd, how and status describe the run. Returns 0, or -1 when
 * the JSON object could not be written (named on stderr).
 */
int vfc_run_print_verdict(const char *pattern, const char *dir, FILE *json, const char *cmd,
			  const char *how, int status);

#endif
