# SPDX-License-Identifier: GPL-2.0-only
# Tiny TAP helpers shared by the shell suites: ok/fail/skip and a closing count.
TAP_N=0 TAP_PASS=0 TAP_FAIL=0 TAP_SKIP=0

tap_ok() { TAP_N=$((TAP_N + 1)); TAP_PASS=$((TAP_PASS + 1)); echo "ok $TAP_N - $1"; }
tap_fail() {
	TAP_N=$((TAP_N + 1)); TAP_FAIL=$((TAP_FAIL + 1)); echo "not ok $TAP_N - $1"
	shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
}
tap_skip() { TAP_N=$((TAP_N + 1)); TAP_SKIP=$((TAP_SKIP + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
# check DESC COMMAND...: passes when the command succeeds.
check() { local d=$1; shift; if "$@"; then tap_ok "$d"; else tap_fail "$d" "failed: $*" "${CHECK_DIAG:-}"; fi; }
tap_end() {
	echo "1..$TAP_N"
	echo "$TAP_PASS passed, $TAP_FAIL failed, $TAP_SKIP skipped"
	[ "$TAP_FAIL" -eq 0 ]
}
