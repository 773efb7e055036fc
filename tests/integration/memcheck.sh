#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# valgrind memcheck over the integration cases (cases.sh and faults.sh, each
# shimmed probe under valgrind) and the torture's process chain; run by ns-run from
# `make stress`. Fails on any memcheck error or definite leak in any process.
# Not -q: every log must end with valgrind's ERROR SUMMARY and LEAK SUMMARY,
# which the checks read; a self-test first shows that a deliberately leaking
# and erring program, run the same way, is caught.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
B=${B:?B must name the build directory}
[ "${VFC_SANITIZE:-0}" = 1 ] && tap_skip_all "sanitizer build: valgrind cannot run an ASan build"
if ! command -v valgrind >/dev/null; then
	tap_fail "valgrind is not installed: memcheck cannot run (scripts/install-deps build)"
	tap_end
	exit 1
fi
VG=$(mktemp -d "${TMPDIR:-/tmp}/vfc-memcheck.XXXXXX")
trap 'rm -rf "$VG"' EXIT
chmod 777 "$VG"
# --error-exitcode=0: the cases compare exit statuses with plain runs; errors
# are read from the logs instead.
MCFLAGS="--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=0"
MC="valgrind $MCFLAGS --log-file=$VG/%p.log"
# bad_logs LOG...: the logs with an error or a definite leak, or without the
# summaries (valgrind did not finish: its verdict is unknown).
bad_logs() {
	local f
	for f in "$@"; do
		if ! grep -q 'ERROR SUMMARY: [0-9]' "$f" || grep -q 'ERROR SUMMARY: [1-9]' "$f" ||
			grep -q 'definitely lost: [1-9]' "$f"; then
			echo "$f"
		fi
	done
}
# leaks LOG: bytes definitely lost ("0" when none).
leaks() { sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$1" | tr -d , | head -1; }

# 0. Self-test: a program that leaks 4096 bytes and reads past a heap block,
#    under the shim and the same valgrind command, must be caught.
mkdir "$VG/self"
cat >"$VG/self/leaky.c" <<'EOC'
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	char *keep = malloc(4096), *small = malloc(8);
	volatile char c;

	memset(keep, 1, 4096);
	if (argc > 1)
		c = small[argv[1][0] - '0' + 8]; /* one byte past the block */
	keep = NULL;
	free(small);
	(void)c;
	printf("leaked\n");
	return 0;
}
EOC
cc -O0 -g -o "$VG/self/leaky" "$VG/self/leaky.c"
check "self-test: the leaking program builds" test -x "$VG/self/leaky"
LD_PRELOAD="$B/libvfiocompat.so" valgrind $MCFLAGS --log-file="$VG/self/leak.log" "$VG/self/leaky" >/dev/null 2>&1
LD_PRELOAD="$B/libvfiocompat.so" valgrind $MCFLAGS --log-file="$VG/self/err.log" "$VG/self/leaky" 0 >/dev/null 2>&1
CHECK_DIAG=$(tail -n 15 "$VG/self/leak.log")
check "self-test: memcheck reports the 4096 bytes definitely lost" is "$(leaks "$VG/self/leak.log")" 4096
check "self-test: the leak is an error in its ERROR SUMMARY" grep -q 'ERROR SUMMARY: [1-9]' "$VG/self/leak.log"
CHECK_DIAG=$(head -n 20 "$VG/self/err.log")
check "self-test: memcheck reports the invalid read" grep -q 'Invalid read of size 1' "$VG/self/err.log"
check "self-test: both logs are flagged by the same test as the cases' logs" \
	is "$(bad_logs "$VG/self/leak.log" "$VG/self/err.log" | wc -l)" 2

VFC_WRAP=$MC tmo 1800 "$here/cases.sh" >"$VG/cases.tap" 2>&1
# One case counts the shim's stderr lines: under valgrind the launcher (a
# dynamic program started with LD_PRELOAD) runs the shim's constructor too.
fails=$(sed -n 's/^not ok [0-9]* - //p' "$VG/cases.tap" | grep -v '^overlong VFIOCOMPAT_LOG refused on one line$')
check "cases.sh passes with every shimmed probe under memcheck" is "${fails:-none}" none
n=$(ls "$VG"/*.log | wc -l)
check "memcheck ran ($n processes)" test "$n" -ge 30
VFC_WRAP=$MC tmo 1800 "$here/faults.sh" >"$VG/faults.tap" 2>&1
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
check "every memcheck log has its ERROR SUMMARY (valgrind finished)" \
	is "$(grep -L 'ERROR SUMMARY: [0-9]' "$VG"/*.log | wc -l)" 0
bad=$(bad_logs "$VG"/*.log | head -3)
CHECK_DIAG=$([ -z "$bad" ] || cat $bad | head -40)
check "no memcheck error or definite leak in any of them" test -z "$bad"
rm -f "$VG"/*.log
(cd "$VG" && tmo 600 env LD_PRELOAD="$B/libvfiocompat.so" VFIOCOMPAT_LOG="$VG/c-%p.jsonl" \
	valgrind $MCFLAGS --trace-children=yes \
	--log-file="$VG/chain-%p-%n.log" "$B/helpers/torture" chain 8 >"$VG/chain.out" 2>&1)
check "torture chain under memcheck: 9 images" test "$(grep -c '^chain pid=' "$VG/chain.out")" = 9
# 9 images in 7 processes (two images exec over a running one, whose log
# (%n) then has no summary: the process did not exit in it); each process
# that exits writes one summary.
pids=$(ls "$VG"/chain-*.log | sed 's/.*chain-\([0-9]*\)-.*/\1/' | sort -u | wc -l)
summ=$(grep -l 'ERROR SUMMARY: [0-9]' "$VG"/chain-*.log)
check "torture chain: 7 processes under memcheck, one summary each" \
	is "$pids/$(sed 's/.*chain-\([0-9]*\)-.*/\1/' <<<"$summ" | sort -u | wc -l)/$(wc -l <<<"$summ")" 7/7/7
# shellcheck disable=SC2086
bad=$(bad_logs $summ | head -3)
CHECK_DIAG=$([ -z "$bad" ] || cat $bad | head -40)
check "torture chain: no memcheck error in any process" test -z "$bad"
tap_end
