/* SPDX-License-Identifier: GPL-2.0-only */
/* The verdict `vfiocompat run` prints (cmd_run_verdict.c); private to tools/run/. */
#ifndef VFC_CMD_RUN_VERDICT_H
#define VFC_CMD_RUN_VERDICT_H

#include <stdbool.h>

/*
 * Merge the reports matching `pattern` (in `dir` when run made it) and print
 * the verdict on stderr: one line, or one JSON object with json. cmd, how
 * and status describe the run.
 */
void vfc_run_print_verdict(const char *pattern, const char *dir, bool json, const char *cmd,
			   const char *how, int status);

#endif
