# SPDX-License-Identifier: GPL-2.0-only
# Tiny TAP helpers shared by the shell suites: ok/fail/skip and a closing count.
# Strict mode (VFC_STRICT=1, set by `make check`): a skip whose TAP line no
# entry of tests/skips-allowed matches is a failure, not a pass.
TAP_N=0 TAP_PASS=0 TAP_FAIL=0 TAP_SKIP=0
TAP_ALLOW=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/skips-allowed

tap_ok() { TAP_N=$((TAP_N + 1)); TAP_PASS=$((TAP_PASS + 1)); echo "ok $TAP_N - $1"; }
tap_fail() {
	TAP_N=$((TAP_N + 1)); TAP_FAIL=$((TAP_FAIL + 1)); echo "not ok $TAP_N - $1"
	shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
}
# skip_allowed LINE: LINE (a TAP skip line) matches an entry of the allow-list.
skip_allowed() {
	local re
	while IFS= read -r re; do
		case "$re" in '' | '#'*) continue ;; esac
		re=${re%% | *}
		[[ $1 =~ $re ]] && return 0
	done <"$TAP_ALLOW"
	return 1
}
tap_skip() {
	local line="ok $((TAP_N + 1)) - $1 # SKIP $2"
	if [ "${VFC_STRICT:-0}" = 1 ] && ! skip_allowed "$line"; then
		tap_fail "$1 (skipped: $2)" "strict mode: this skip is not in tests/skips-allowed; make it run or list it there with the reason it cannot run on this machine kind"
		return
	fi
	TAP_N=$((TAP_N + 1)); TAP_SKIP=$((TAP_SKIP + 1)); echo "$line"
}
# tap_skip_all REASON: the whole script cannot run; exits (1 when strict and not allowed).
tap_skip_all() {
	if [ "${VFC_STRICT:-0}" = 1 ] && ! skip_allowed "1..0 # SKIP $1"; then
		echo "not ok 1 - $(basename "$0") skipped whole: $1"
		echo "#   strict mode: this skip is not in tests/skips-allowed; make it run or list it there"
		echo "1..1"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}
# check DESC COMMAND...: passes when the command succeeds.
check() { local d=$1; shift; if "$@"; then tap_ok "$d"; else tap_fail "$d" "failed: $*" "${CHECK_DIAG:-}"; fi; }
# The assertions `check` runs, once for every suite. Each says what it saw in
# CHECK_DIAG when it fails. A suite whose program's stderr explains an `is`
# failure names that file in DIAG_STDERR; `rc_is` shows $T/o and $T/e, the
# suites' files for the last command's output.
# is GOT WANT: the two strings are equal.
is() {
	[ "$1" = "$2" ] && return 0
	CHECK_DIAG="got '$1', want '$2'"
	[ -n "${DIAG_STDERR:-}" ] && CHECK_DIAG+="; stderr: $(head -c 400 "$DIAG_STDERR" 2>/dev/null)"
	return 1
}
# has FILE PATTERN / hasnt FILE PATTERN: a line of FILE matches (grep) / none does.
has() { grep -q -- "$2" "$1" || { CHECK_DIAG="$(head -c 1200 "$1" 2>/dev/null)"; return 1; }; }
hasnt() { ! grep -q -- "$2" "$1" || { CHECK_DIAG="$(grep -- "$2" "$1" | head -3)"; return 1; }; }
# rc_is GOT WANT: an exit status, with the command's output when it differs.
rc_is() { [ "$1" = "$2" ] || { CHECK_DIAG="exit $1, want $2: $(head -c 800 "$T/o" "$T/e" 2>/dev/null)"; return 1; }; }
# tmo SECS COMMAND...: COMMAND with a deadline; its process group is killed
# (TERM, KILL 5 s later) when it runs out, and the status is then 124.
tmo() { local s=$1; shift; timeout -k 5 "$s" "$@"; }
# wait_for PID SECS [WHAT]: wait for a background job at most SECS seconds;
# past that, kill it and its children (TERM, then KILL) and return 124.
wait_for() {
	local pid=$1 s=$2 i
	for ((i = 0; i < s * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid"; return; }
		sleep 0.1
	done
	echo "# timeout: ${3:-pid $pid} still running after ${s}s, killed" >&2
	pkill -TERM -P "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null
	sleep 2
	pkill -KILL -P "$pid" 2>/dev/null
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 124
}
# iommu_faults_expected BDF WHY ... iommu_faults_end BDF: in the lab VM, marks
# on the console the window in which a test makes BDF fault on purpose (DMA to
# an unmapped IOVA); tests/lib/console-scan excuses that device's IOMMU
# faults there only.
iommu_faults_expected() { echo "vfc: expected IOMMU faults begin $1 ($2)" 2>/dev/null >/dev/kmsg; }
iommu_faults_end() { echo "vfc: expected IOMMU faults end $1" 2>/dev/null >/dev/kmsg; }
tap_end() {
	echo "1..$TAP_N"
	echo "$TAP_PASS passed, $TAP_FAIL failed, $TAP_SKIP skipped"
	[ "$TAP_FAIL" -eq 0 ]
}
