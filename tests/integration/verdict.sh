#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The verdict never lies (issue 18): run's exit record for a program that
# fails or is killed, the merge with crashed, fallen-back and failed
# processes, and report's exit codes (issue 22 items 4, 6, 11). Real shim,
# real processes, inside ns-run's private /dev (stand-in nodes). Each oracle
# is the plain run: the program's own exit status or the plain node's answer.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/nagios.sh"

B=${B:?B must name the build directory}
V=$B/vfiocompat
PROBE=$B/helpers/fdprobe
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
# VFC_EXEC_SH: the shell a shimmed program runs as (check-arm64: an arm64 sh).
SH=${VFC_EXEC_SH:-sh}
Q=$B/helpers/report-query
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-verdict.XXXXXX")
trap 'rm -rf "$T"' EXIT
export TMPDIR=$T
SAN_ENV=()
# handle_segv=0: the SIGSEGV test's program must die of it, not be reported by ASan.
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0:handle_segv=0)
run() { env "${SAN_ENV[@]}" $X "$V" run --preload "$@" >"$T/o" 2>"$T/e"; }
rep() { env "${SAN_ENV[@]}" $X "$V" report "$@" >"$T/o" 2>"$T/e"; }
shim() { env "${SAN_ENV[@]}" LD_PRELOAD="$B/libvfiocompat.so" "$@"; }
# An exit record without its process identity (adversarial-writer.sh checks those fields).
noid() { sed -E 's/,"starttime":[0-9]+,"boot_id":"[^"]*"//; s/,"hostname":"[^"]*","timestamp":[0-9]+//'; }

# --- run's exit record: a VFIO user that exits 1
# The oracle: the same program run plainly on /dev/iommu exits 1.
$SH -c 'exec 3</dev/iommu; exit 1'; plain=$?
mkdir "$T/x1"
run --log "$T/x1/%e-%p.jsonl" -- $SH -c "exec 3</dev/vfio/vfio; echo \$\$ >$T/x1.pid; exit 1"; rc=$?
pid=$(cat "$T/x1.pid" 2>/dev/null)
F=$T/x1/sh-$pid.jsonl
check "exit 1: run passes the status on, as the plain run's ($plain)" is "$rc" "$plain"
check "exit 1: the report of the child's pid ends with the exit record" \
	is "$(tail -n 1 "$F" 2>/dev/null | noid)" "{\"type\":\"exit\",\"source\":\"run\",\"pid\":$pid,\"program\":\"sh\",\"status\":1}"
check "exit 1: the container was really used (redirected)" is "$($X "$Q" "$F" open action node=container)" redirected
check "exit 1: run's own verdict is FAILED" has "$T/e" '^vfiocompat run: verdict FAILED; 1 process'
check "exit 1: run says why" has "$T/e" "^vfiocompat run: sh\[$pid\]: FAILED: .*exited with status 1$"
rep "$F"; rc=$?
check "exit 1: report says FAILED, exit 1" is "$rc/$(grep -c '^verdict: FAILED ' "$T/o")" 1/1
check "exit 1: report says why" has "$T/o" '^    why: .*exited with status 1$'

# --- killed by SIGSEGV (no core: ulimit -c 0)
$SH -c 'ulimit -c 0; kill -SEGV $$'; plain=$?
mkdir "$T/x2"
run --log "$T/x2/%e-%p.jsonl" -- $SH -c "ulimit -c 0; exec 3</dev/vfio/vfio; echo \$\$ >$T/x2.pid; kill -SEGV \$\$"; rc=$?
pid=$(cat "$T/x2.pid" 2>/dev/null)
F=$T/x2/sh-$pid.jsonl
check "SIGSEGV: run dies the same way as the plain run ($plain)" is "$rc" "$plain"
check "SIGSEGV: the exit record names the signal and no core" \
	is "$(tail -n 1 "$F" 2>/dev/null | noid)" "{\"type\":\"exit\",\"source\":\"run\",\"pid\":$pid,\"program\":\"sh\",\"signal\":\"SIGSEGV\",\"core_dumped\":false}"
rep --json "$F"; rc=$?
check "SIGSEGV: report --json: failed, incomplete, the signal, exit 1" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
p = o["processes"][0]
assert o["verdict"] == "failed" and p["verdict"] == "failed", o
assert p["complete"] is False and p["exit"] == {"signal": "SIGSEGV", "core_dumped": False}, p
assert "killed by SIGSEGV" in p["reason"] and "no summary" in p["reason"], p
assert int(sys.argv[2]) == 1' "$T/o" "$rc"

# --- a clean VFIO user: status 0 recorded, READY stays READY
mkdir "$T/x3"
run --log "$T/x3/%e-%p.jsonl" -- $X "$PROBE" open /dev/vfio/vfio; rc=$?
F=$(ls "$T"/x3/fdprobe-*.jsonl 2>/dev/null | head -n 1); F=${F:-/nonexistent}
check "exit 0: recorded after the shim's summary" \
	is "$rc/$(tail -n 2 "$F" | head -n 1 | cut -c1-18)/$($X "$Q" "$F" exit status)" '0/{"type":"summary",/0'
rep "$F"; rc=$?
check "exit 0: a clean redirected open is READY, exit 0" is "$rc/$(grep -c '^verdict: READY ' "$T/o")" 0/1

# --- a wrapper that fails after its VFIO child wrote a ready report
mkdir "$T/x4"
run --log "$T/x4/%e-%p.jsonl" -- $SH -c "$X \"$PROBE\" open /dev/vfio/vfio >/dev/null; echo \$\$ >$T/x4.pid; exit 3"; rc=$?
pid=$(cat "$T/x4.pid" 2>/dev/null)
check "wrapper exit 3: passed on" is "$rc" 3
check "wrapper: a report is created for its pid with the exit record only" \
	is "$(noid <"$T/x4/sh-$pid.jsonl" 2>/dev/null)" "{\"type\":\"exit\",\"source\":\"run\",\"pid\":$pid,\"program\":\"sh\",\"status\":3}"
check "wrapper: the child's own report is still ready" \
	is "$($X "$Q" "$(ls "$T"/x4/fdprobe-*.jsonl | head -n 1)" summary verdict)" ready
rep "$T"/x4/*.jsonl; rc=$?
check "wrapper: the merge is FAILED, not READY (exit 1)" is "$rc/$(grep -c '^verdict: FAILED ' "$T/o")" 1/1

# --- a program that never used VFIO and fails: nothing is created
mkdir "$T/x5"
run --log "$T/x5/%e-%p.jsonl" -- $SH -c 'exit 5'; rc=$?
check "no VFIO use, exit 5: passed on, no report created, UNTESTED" \
	is "$rc/$(ls "$T/x5" | wc -l)/$(grep -c 'verdict UNTESTED' "$T/e")" 5/0/1

# --- the measured merges of issue 18, on reports the real shim writes
L=$T/logs
mkdir "$L"
shim VFIOCOMPAT_LOG="$L/ready-%p.jsonl" $X "$PROBE" open /dev/vfio/vfio >/dev/null 2>&1
R=$(ls "$L"/ready-*.jsonl | head -n 1)
check "the ready process is ready" is "$($X "$Q" "$R" summary verdict)" ready
# (a) a process without a summary: the start and open lines of a real one.
head -n 2 "$R" | sed 's/"pid":[0-9]*/"pid":999999/' >"$L/crashed.jsonl"
rep "$R" "$L/crashed.jsonl"; rc=$?
check "(a) ready + a report without summary: INCOMPLETE, exit 4" is "$rc/$(grep -c '^verdict: INCOMPLETE ' "$T/o")" 4/1
# (b) a fallback with EACCES needs a type1 container that opens: the VM
# plan cli.sh runs it (and test_trial.c the rule).
# (c) every container ioctl failed (the stand-in node answers ENOTTY to all).
$X "$PROBE" open /dev/iommu ioctl set 1 ioctl ext 3 >"$T/plain" 2>&1
check "(c) oracle: the plain /dev/iommu node fails both ioctls" test "$(grep -c 'ret=-1' "$T/plain")" = 2
shim VFIOCOMPAT_LOG="$L/allfail-%p.jsonl" $X "$PROBE" open /dev/vfio/vfio ioctl set 1 ioctl ext 3 >/dev/null 2>&1
AF=$(ls "$L"/allfail-*.jsonl | head -n 1)
check "(c) the shim's own summary says failed" is "$($X "$Q" "$AF" summary verdict)" failed
rep "$R" "$AF"; rc=$?
check "(c) ready + all ioctls failed: FAILED, exit 1" is "$rc/$(grep -c '^verdict: FAILED ' "$T/o")" 1/1
check "(c) says why" has "$T/o" '^    why: all 2 container ioctls failed on iommufd$'
# The stderr summary line agrees.
shim $X "$PROBE" open /dev/vfio/vfio ioctl set 1 >/dev/null 2>"$T/e"
check "(c) the stderr summary line: 1 failed of 1, verdict failed" has "$T/e" '1 container ioctls (1 failed).*; verdict: failed$'

# --- report's exit codes and options
rep --json --prometheus "$R"; rc=$?
check "--json with --prometheus: refused, exit 2, one line" is "$rc/$(wc -l <"$T/e")" 2/1
check "... naming both" has "$T/e" '--json and --prometheus are two output formats; choose one'
mkdir "$T/prom"
rep --prometheus --output "$T/prom/v.prom" "$R" "$AF"; rc=$?
check "--output: a successful write exits 0 (verdict FAILED)" is "$rc" 0
check "--output: the file holds the verdict" has "$T/prom/v.prom" '^vfiocompat_verdict{verdict="failed"} 1$'
check "--output: every verdict has a gauge (6)" test "$(grep -c '^vfiocompat_verdict{' "$T/prom/v.prom")" = 6
rep --prometheus --output "$T/prom/v.prom" --exit-code "$R" "$AF"; rc=$?
check "--output --exit-code: the verdict's code (1)" is "$rc" 1
rep --prometheus --output "$T/nodir/v.prom" "$R"; rc=$?
check "--output into a missing directory: exit 2" is "$rc" 2
rep --nagios "$R"; rc=$?
check "--nagios: READY is OK (0)" is "$rc" 0
check "--nagios: READY's output follows the plugin guidelines" nagios_conforms "$T/o" "$rc"
check "--nagios: perfdata counts the ready process" has "$T/o" "^VFIOCOMPAT OK - READY: .* 'ready'=1;;;0 "
# Every ioctl fails on the stand-in node: the one that would succeed on
# iommufd (SET_IOMMU(1)) is edited into an answered one for the code mapping.
shim VFIOCOMPAT_LOG="$L/v1-%p.jsonl" $X "$PROBE" open /dev/vfio/vfio ioctl set 1 >/dev/null 2>&1
sed 's/"errors":1/"errors":0/; s/"verdict":"failed"/"verdict":"ready-with-differences"/' "$L"/v1-*.jsonl >"$L/v1-answered.jsonl"
rep "$L/v1-answered.jsonl"; rc=$?
check "type1_v1 with its ioctl answered: READY WITH DIFFERENCES, exit 5" is "$rc/$(grep -c '^verdict: READY WITH DIFFERENCES ' "$T/o")" 5/1
rep --nagios "$L/v1-answered.jsonl"; rc=$?
check "--nagios: READY WITH DIFFERENCES is WARNING (1)" is "$rc" 1
check "--nagios: WARNING's output follows the plugin guidelines" nagios_conforms "$T/o" "$rc"
rep --nagios "$R" "$AF"; rc=$?
check "--nagios: FAILED is CRITICAL (2)" is "$rc" 2
check "--nagios: CRITICAL's output follows the plugin guidelines" nagios_conforms "$T/o" "$rc"
check "--nagios: the table follows as long output" has "$T/o" '^PROCESS '
rep --nagios "$R" "$L/crashed.jsonl"; rc=$?
check "--nagios: INCOMPLETE is UNKNOWN (3)" is "$rc" 3
check "--nagios: UNKNOWN's output follows the plugin guidelines" nagios_conforms "$T/o" "$rc"
rep --nagios "$T/none.jsonl"; rc=$?
check "--nagios: an unreadable input is UNKNOWN (3)" is "$rc" 3
check "--nagios: an unreadable input, named on stdout as UNKNOWN" \
	has "$T/o" "^VFIOCOMPAT UNKNOWN - vfiocompat report: $T/none.jsonl: "
check "--nagios: an unreadable input: a conforming line" nagios_conforms "$T/o" "$rc"
rep --nagios "$R" "$T/none.jsonl"; rc=$?
check "--nagios: one unreadable input among good ones: UNKNOWN first, exit 3" \
	is "$rc/$(head -c 19 "$T/o")" "3/VFIOCOMPAT UNKNOWN "
check "--nagios: ... and no second state line" is "$(grep -c '^VFIOCOMPAT ' "$T/o")" 1
rep --nagios --bogus "$R"; rc=$?
check "--nagios: a bad option after it is UNKNOWN (3)" is "$rc" 3
check "--nagios: a bad option after it: UNKNOWN on stdout" nagios_conforms "$T/o" "$rc"
rep --bogus --nagios "$R"; rc=$?
check "--nagios: a bad option before it is UNKNOWN (3)" is "$rc" 3
check "--nagios: a bad option before it: UNKNOWN on stdout, naming it" \
	has "$T/o" "^VFIOCOMPAT UNKNOWN - .*'--bogus'"
rep --nagios --output; rc=$?
check "--nagios: a missing option value: UNKNOWN on stdout" nagios_conforms "$T/o" "$rc"
rep --nagios; rc=$?
check "--nagios: no report file: UNKNOWN on stdout" nagios_conforms "$T/o" "$rc"
rep --nagios --json "$R"; rc=$?
check "--nagios --json without --output: UNKNOWN on stdout" nagios_conforms "$T/o" "$rc"
rep --nagios --prometheus --output "$T/prom/n.prom" "$R" "$AF"; rc=$?
check "--nagios --prometheus --output: the state on stdout, the metrics in the file" \
	is "$rc/$(head -c 19 "$T/o")/$(grep -c '^vfiocompat_verdict{verdict="failed"} 1$' "$T/prom/n.prom")" \
	"2/VFIOCOMPAT CRITICAL/1"

# --- output errors (issue 22 item 4): one line, exit 2
# inspect reads a program of its own architecture (an arm64 one under a runner).
native=/bin/true
[ -z "$X" ] || native=$PROBE
for c in "report $R" "report --json $R" "check --json" "inspect $native" "--help"; do
	# shellcheck disable=SC2086
	env "${SAN_ENV[@]}" $X "$V" $c >/dev/full 2>"$T/e"; rc=$?
	check "$c >/dev/full: exit 2" is "$rc" 2
	check "$c >/dev/full: one line naming the failed write" \
		is "$(wc -l <"$T/e")/$(grep -c 'writing standard output failed' "$T/e")" 1/1
done
env "${SAN_ENV[@]}" $X "$V" report --nagios "$R" >/dev/full 2>"$T/e"; rc=$?
check "report --nagios >/dev/full: UNKNOWN (3)" is "$rc" 3
# --- examples/trial-lib.sh: the exit status is part of the verdict
export VFIOCOMPAT_SHIM=$B/libvfiocompat.so
trial() {
	( [ ${#SAN_ENV[@]} -gt 0 ] && export "${SAN_ENV[@]}"
	  . "$here/../../examples/trial-lib.sh"; VFIOCOMPAT_LOG=$T/lib.jsonl vfc_trial "$@" ) >/dev/null 2>"$T/e"
}
trial ok $X "$PROBE" open /dev/vfio/vfio; rc=$?
check "trial-lib: a clean run: exit 0, verdict ready" has "$T/e" '^ok-trial: exit 0; verdict: ready (features: none); report: '
rep "$T/lib.jsonl"; rc=$?
check "trial-lib: its log, with the exit record (status 0) of the program's pid, is READY" \
	is "$rc/$($X "$Q" "$T/lib.jsonl" exit status)/$($X "$Q" "$T/lib.jsonl" exit pid)" "0/0/$($X "$Q" "$T/lib.jsonl" start pid)"
trial one $SH -c 'exec 3</dev/vfio/vfio; exit 1'; rc=$?
check "trial-lib: exit 1 is passed on and the verdict is failed" \
	is "$rc/$(grep -c '^one-trial: exit 1; verdict: failed (exited with status 1; features: none); report: ' "$T/e")" 1/1
rep "$T/lib.jsonl"; rc=$?
check "trial-lib: vfiocompat report on its log says FAILED too (exit record source trial-lib)" \
	is "$rc/$($X "$Q" "$T/lib.jsonl" exit source)/$(grep -c 'why: .*exited with status 1$' "$T/o")" 1/trial-lib/1
trial segv $SH -c 'ulimit -c 0; exec 3</dev/vfio/vfio; kill -SEGV $$'; rc=$?
check "trial-lib: a program killed by SIGSEGV: failed, named" has "$T/e" '^segv-trial: exit 139; verdict: failed (killed by SIGSEGV; '
trial to $SH -c "$X \"$PROBE\" open /dev/vfio/vfio >/dev/null; exit 124"; rc=$?
check "trial-lib: exit 124 (timeout's status) is no normal end: failed" \
	has "$T/e" '^to-trial: exit 124; verdict: failed (exited with status 124; features: none)'
rep "$T/lib.jsonl"; rc=$?
check "... its exit record says 124, and vfiocompat report says FAILED" is "$rc/$($X "$Q" "$T/lib.jsonl" exit status)" 1/124
unset VFIOCOMPAT_SHIM
tap_end
