/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the test helper programs: fail loudly with file:line and errno. */
#ifndef VFC_HELPER_H
#define VFC_HELPER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIE(...)                                                                                   \
	do {                                                                                       \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                    \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));                      \
		exit(2);                                                                           \
	} while (0)

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			DIE(__VA_ARGS__);                                                          \
	} while (0)

#endif
