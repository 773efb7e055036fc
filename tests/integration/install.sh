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

SANARG=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SANARG=(SAN=1)
make -s -C "$top" B="$B" "${SANARG[@]}" DESTDIR="$R" PREFIX=/usr/local install >"$T/log" 2>&1; rc=$?
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
out=$(bash -c ". /usr/share/bash-completion/bash_completion; . '$R/usr/local/share/bash-completion/completions/vfiocompat'; COMP_WORDS=(vfiocompat re); COMP_CWORD=1; COMP_LINE='vfiocompat re'; COMP_POINT=13; _vfiocompat; echo \"\${COMPREPLY[*]}\"" 2>&1)
CHECK_DIAG=$out
check "bash completion completes subcommands" test "$out" = report
out=$(bash -c ". /usr/share/bash-completion/bash_completion; . '$R/usr/local/share/bash-completion/completions/vfiocompat'; COMP_WORDS=(vfiocompat run --au); COMP_CWORD=2; COMP_LINE='vfiocompat run --au'; COMP_POINT=19; _vfiocompat; echo \"\${COMPREPLY[*]}\"" 2>&1)
CHECK_DIAG=$out
check "bash completion completes run's options" test "$out" = --audit
make -s -C "$top" B="$B" "${SANARG[@]}" DESTDIR="$R" PREFIX=/usr/local uninstall >/dev/null 2>&1
check "make uninstall removes the command and library" test ! -e "$R/usr/local/bin/vfiocompat" -a ! -e "$R/usr/local/lib/libvfiocompat.so"
# --- pkg-config, examples, plots, PREFIX applied at install time (issue 22)
R2=$T/root2
make -s -C "$top" B="$B" "${SANARG[@]}" DESTDIR="$R2" PREFIX=/usr install >"$T/log2" 2>&1; rc=$?
CHECK_DIAG=$(tail -n 20 "$T/log2")
check "make; make install PREFIX=/usr succeeds" test "$rc" = 0
pc=$R2/usr/lib/pkgconfig/vfiocompat.pc
check "a pkg-config file for the installed headers" test -s "$pc"
CHECK_DIAG=$(cat "$pc" 2>&1)
check "... pkg-config reads it: version as the command's, includedir /usr/include" sh -c "
	test \"\$(PKG_CONFIG_PATH='$R2/usr/lib/pkgconfig' pkg-config --modversion vfiocompat)\" = \"\$('$R2/usr/bin/vfiocompat' --version | cut -d' ' -f2)\" &&
	test \"\$(PKG_CONFIG_PATH='$R2/usr/lib/pkgconfig' pkg-config --variable=includedir vfiocompat)\" = /usr/include &&
	test \"\$(PKG_CONFIG_PATH='$R2/usr/lib/pkgconfig' pkg-config --variable=preload vfiocompat)\" = /usr/lib/libvfiocompat.so"
printf '#include <vfiocompat/report.h>\n#include <vfiocompat/module.h>\nint main(void) { return VFC_REPORT_SCHEMA > 0 ? 0 : 1; }\n' >"$T/pc.c"
CHECK_DIAG=$(cc $(PKG_CONFIG_PATH="$R2/usr/lib/pkgconfig" pkg-config --define-variable=prefix="$R2/usr" --define-variable=includedir="$R2/usr/include" --cflags vfiocompat) -o "$T/pc" "$T/pc.c" 2>&1)
check "... its cflags compile a program against every installed header" test -x "$T/pc"
CHECK_DIAG=$(strings "$R2/usr/bin/vfiocompat" | grep -E '/usr/(local/)?(lib|share/doc)' | head)
check "the installed binary's library path is /usr/lib, not /usr/local/lib" sh -c "strings '$R2/usr/bin/vfiocompat' | grep -qx /usr/lib && ! strings '$R2/usr/bin/vfiocompat' | grep -Eq '/usr/local/(lib|share)'"
for m in man1/vfiocompat.1 man7/libvfiocompat.7; do
	CHECK_DIAG=$(grep -n /usr/ "$R2/usr/share/man/$m" | head -5)
	check "$m names /usr/lib/libvfiocompat.so, never /usr/local" sh -c "grep -q '/usr/lib/libvfiocompat.so' '$R2/usr/share/man/$m' && ! grep -q /usr/local '$R2/usr/share/man/$m'"
done
D=$R2/usr/share/doc/vfiocompat
for f in "$top"/examples/*; do
	case $f in *.conf) continue ;; esac
	check "example installed under the docs dir: examples/${f##*/}" cmp -s "$f" "$D/examples/${f##*/}"
done
# The systemd drop-in names the install's library, not the default /usr/local one.
CHECK_DIAG=$(grep -n /usr/ "$D/examples/vfiocompat-trial.conf")
check "the example drop-in names the installed library: LD_PRELOAD=/usr/lib/libvfiocompat.so" \
	grep -qx 'Environment=LD_PRELOAD=/usr/lib/libvfiocompat.so' "$D/examples/vfiocompat-trial.conf"
check "... otherwise as in examples/" sh -c "diff '$top/examples/vfiocompat-trial.conf' '$D/examples/vfiocompat-trial.conf' | grep '^[<>]' | grep -vc LD_PRELOAD | grep -qx 0"
check "... and the sourced trial-lib.sh is not executable (it has no #!)" test ! -x "$D/examples/trial-lib.sh"
check "... the trial scripts stay executable" test -x "$D/examples/qemu-trial.sh"
for img in $(sed -n 's/.*](\([^)]*\.svg\)).*/\1/p' "$top/docs/performance.md"); do
	check "performance.md's plot $img installed beside it" test -s "$D/$img"
done
check "the module's notes installed as the check hint says (kernel-module.md)" sh -c "test -s '$D/kernel-module.md' && strings '$R2/usr/bin/vfiocompat' | grep -q '/usr/share/doc/vfiocompat/kernel-module.md'"
make -s -C "$top" B="$B" "${SANARG[@]}" DESTDIR="$R2" PREFIX=/usr uninstall >/dev/null 2>&1
check "make uninstall removes the pkg-config file" test ! -e "$pc"
# Leave the build tree as the suite built it (default PREFIX).
make -s -C "$top" B="$B" "${SANARG[@]}" lib "$B/vfiocompat" >/dev/null 2>&1
tap_end
