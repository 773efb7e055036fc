#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# valgrind memcheck over the integration cases (cases.sh and faults.sh, each
# shimmed probe under valgrind) and the torture's process chain; run by ns-run from
# `make stress`. Fails on any memcheck error or definite leak in any process.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
is() { [ "$1" = "$2" ] || { CHECK_DIAG="got '$1', want '$2'"; return 1; }; }
B=${B:?B must name the build directory}
if ! command -v valgrind >/dev/null || [ "${VFC_SANITIZE:-0}" = 1 ]; then
	echo "1..0 # SKIP needs valgrind and a non-sanitizer build"
	exit 0
fi
VG=$(mktemp -d "${TMPDIR:-/tmp}/vfc-memcheck.XXXXXX")
trap 'rm -rf "$VG"' EXIT
chmod 777 "$VG"
MC="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=0 --log-file=$VG/%p.log"
VFC_WRAP=$MC "$here/cases.sh" >"$VG/cases.tap" 2>&1
# One case counts the shim's stderr lines: under valgrind the launcher (a
# dynamic program started with LD_PRELOAD) runs the shim's constructor too.
fails=$(sed -n 's/^not ok [0-9]* - //p' "$VG/cases.tap" | grep -v '^overlong VFIOCOMPAT_LOG refused on one line$')
check "cases.sh passes with every shimmed probe under memcheck" is "${fails:-none}" none
n=$(ls "$VG"/*.log | wc -l)
check "memcheck ran ($n processes)" test "$n" -ge 30
VFC_WRAP=$MC "$here/faults.sh" >"$VG/faults.tap" 2>&1
# Five cases measure what valgrind changes: its launcher runs the shim's
# constructor too (warnings counted on stderr), and it keeps fds of its own
# and virtualises RLIMIT_NOFILE (the EMFILE cases).
fails=$(sed -n 's/^not ok [0-9]* - //p' "$VG/faults.tap" | grep -v \
	-e '^EMFILE, passthrough: the program sees the plain EMFILE$' \
	-e '^one free fd is enough: redirected onto fd 3$' \
	-e '^empty VFIOCOMPAT_\* values: one line each, defaults kept$' \
	-e '^empty VFIOCOMPAT_LOG: warned, summary on stderr instead$' \
	-e '^128 KiB values: one bounded line each, defaults kept$')
check "faults.sh passes with its shimmed probes under memcheck" is "${fails:-none}" none
m=$(( $(ls "$VG"/*.log | wc -l) - n ))
check "memcheck ran faults.sh's probes ($m processes)" test "$m" -ge 10
bad=$(grep -l 'ERROR SUMMARY: [1-9]\|definitely lost: [1-9]\|Invalid \|uninitialised' "$VG"/*.log 2>/dev/null | head -3)
check "no memcheck error or definite leak in any of them" test -z "$bad" || cat $bad | head -40
rm -f "$VG"/*.log
(cd "$VG" && env LD_PRELOAD="$B/libvfiocompat.so" VFIOCOMPAT_LOG="$VG/c-%p.jsonl" \
	valgrind -q --trace-children=yes --leak-check=full --errors-for-leak-kinds=definite \
	--log-file="$VG/chain-%p.log" "$B/helpers/torture" chain 8 >"$VG/chain.out" 2>&1)
check "torture chain under memcheck: 9 images" test "$(grep -c '^chain pid=' "$VG/chain.out")" = 9
bad=$(grep -l 'ERROR SUMMARY: [1-9]\|definitely lost: [1-9]' "$VG"/chain-*.log 2>/dev/null | head -3)
check "torture chain: no memcheck error in any process" test -z "$bad"
tap_end
