#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make install` into a staging root: the library, the command, the man pages
# and the bash completion land in place, and the installed `vfiocompat run`
# preloads the installed library, not the build tree's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
B=${B:?B must name the build directory}
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
R=$T/root
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)

make -s -C "$top" B="$B" DESTDIR="$R" PREFIX=/usr/local install >"$T/log" 2>&1; rc=$?
CHECK_DIAG=$(tail -n 20 "$T/log")
check "make install DESTDIR=... succeeds" test "$rc" = 0
for f in lib/libvfiocompat.so bin/vfiocompat share/man/man1/vfiocompat.1 share/man/man7/libvfiocompat.7 \
	share/bash-completion/completions/vfiocompat include/vfiocompat/report.h share/doc/vfiocompat/report-schema.md; do
	check "installed: $f" test -s "$R/usr/local/$f"
done
check "the command is executable" test -x "$R/usr/local/bin/vfiocompat"
out=$(env "${SAN_ENV[@]}" "$R/usr/local/bin/vfiocompat" run --preload -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
CHECK_DIAG=$out
check "installed run preloads the installed library" test "$out" = "$(realpath "$R/usr/local/lib/libvfiocompat.so")"
if command -v man >/dev/null; then
	CHECK_DIAG=$(MANWIDTH=80 man -l "$R/usr/local/share/man/man1/vfiocompat.1" 2>&1 | head -5)
	check "vfiocompat(1) renders" sh -c "MANWIDTH=80 man -l '$R/usr/local/share/man/man1/vfiocompat.1' 2>/dev/null | grep -q 'EXIT STATUS'"
	check "libvfiocompat(7) renders" sh -c "MANWIDTH=80 man -l '$R/usr/local/share/man/man7/libvfiocompat.7' 2>/dev/null | grep -q VFIOCOMPAT_LOG"
else
	tap_skip "man pages render" "man not installed (man-db)"
fi
if command -v groff >/dev/null; then
	check "man pages: no groff warnings" sh -c "LC_ALL=C.UTF-8 groff -man -z -wall '$top'/docs/man/*.[17] 2>&1 | (! grep .)"
else
	tap_skip "man pages: no groff warnings" "groff not installed"
fi
out=$(bash -c ". '$R/usr/local/share/bash-completion/completions/vfiocompat'; COMP_WORDS=(vfiocompat re); COMP_CWORD=1; _vfiocompat; echo \"\${COMPREPLY[*]}\"" 2>&1)
CHECK_DIAG=$out
check "bash completion completes subcommands" test "$out" = report
out=$(bash -c ". '$R/usr/local/share/bash-completion/completions/vfiocompat'; COMP_WORDS=(vfiocompat run --au); COMP_CWORD=2; _vfiocompat; echo \"\${COMPREPLY[*]}\"" 2>&1)
CHECK_DIAG=$out
check "bash completion completes run's options" test "$out" = --audit
make -s -C "$top" B="$B" DESTDIR="$R" PREFIX=/usr/local uninstall >/dev/null 2>&1
check "make uninstall removes the command and library" test ! -e "$R/usr/local/bin/vfiocompat" -a ! -e "$R/usr/local/lib/libvfiocompat.so"
tap_end
