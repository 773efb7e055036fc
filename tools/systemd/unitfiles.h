/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vfiocompat systemd`: reading a unit's files and running systemctl. A
 * running systemd is asked (`systemctl cat`); an offline tree (--root) is
 * read as systemctl would assemble it.
 */
#ifndef VFC_UNITFILES_H
#define VFC_UNITFILES_H

#include <stddef.h>
#include <sys/types.h>

/* The most of a unit's text (or a file) read. */
#define VFC_SD_TEXT_MAX (1u << 20)

/* Read at most cap - 1 bytes of path into buf (NUL-terminated); -1 with errno. */
ssize_t vfc_sd_slurp(const char *path, char *buf, size_t cap);

/* Run argv (PATH search): its stdout into out, its first stderr line into err. Exit status or -1.
 */
int vfc_sd_run(char *const argv[], char *out, size_t cap, char *err, size_t errlen);

/*
 * root's unit as systemctl would assemble it: the first fragment found in
 * /etc, /run, /usr/lib and /lib (each's systemd/system; an instance's
 * template else), then every UNIT.d/ and template drop-in, the first
 * directory's copy of a name winning, sorted by name, each after a "# PATH"
 * line. 0, or -1 when no fragment exists.
 */
int vfc_sd_offline_cat(const char *root, const char *unit, char *text, size_t cap);

#endif
