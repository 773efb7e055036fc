#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A fleet's reports (issue 30): records name their host and time; `report`
# reads directories, groups by host and by program (text, JSON, Prometheus
# labels), and an empty set of reports is "no trials yet" (exit 0). Real
# trials of the integration programs under the shim, inside ns-run's private
# /dev, each "host" a UTS namespace of its own (unshare -u; hostname), so the
# host names are the kernel's, read by the shim's uname().
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/suite.sh"
suite_build
suite_tmp fleet
rep() { env "${SAN_ENV[@]}" $X "$V" report "$@" >"$T/o" 2>"$T/e"; }
# on HOST CMD...: CMD in a UTS namespace whose host name is HOST.
on() { local h=$1; shift; unshare -u sh -c 'hostname "$1"; shift; exec "$@"' sh "$h" env "${SAN_ENV[@]}" "$@"; }
R=$T/reports
mkdir -p "$R" "$T/empty"

t0=$(date +%s)
# kvm-a: two programs that use the container and exit cleanly (READY).
on kvm-a $X "$V" run --preload --log "$R/%e-%p.jsonl" -- $X "$PROBE" open /dev/vfio/vfio >/dev/null 2>&1
on kvm-a $X "$V" run --preload --log "$R/%e-%p.jsonl" -- $X "$PROBE" open /dev/vfio/vfio >/dev/null 2>&1
# kvm-b: one READY, one that fails (exit 1 after opening the container: FAILED).
on kvm-b $X "$V" run --preload --log "$R/%e-%p.jsonl" -- $X "$PROBE" open /dev/vfio/vfio >/dev/null 2>&1
on kvm-b $X "$V" run --preload --log "$R/%e-%p.jsonl" -- $SH -c 'exec 3</dev/vfio/vfio; exit 1' >/dev/null 2>&1
t1=$(date +%s)
ls "$R" >"$T/files"
CHECK_DIAG=$(cat "$T/files")
check "four trials, four reports" is "$(wc -l <"$T/files")" 4

# 1. Records: hostname (the UTS namespace's) and a wall-clock timestamp.
starts=$(cat "$R"/*.jsonl | grep -c '"type":"start".*"hostname":"kvm-[ab]","timestamp":[0-9]')
check "each start record names its host and time" is "$starts" 4
sums=$(cat "$R"/*.jsonl | grep -c '"type":"summary".*"hostname":"kvm-[ab]","timestamp":[0-9]')
check "each summary too (the three that exited through the shim)" is "$sums" 3
exits=$(cat "$R"/*.jsonl | grep -c '"type":"exit".*"hostname":"kvm-[ab]","timestamp":[0-9]')
check "each exit record of run too" is "$exits" 4
check "the timestamps are epoch seconds of this run" python3 -c '
import json, sys, glob
t0, t1 = int(sys.argv[2]), int(sys.argv[3])
for f in glob.glob(sys.argv[1] + "/*.jsonl"):
    for l in open(f):
        r = json.loads(l)
        if r["type"] in ("start", "summary", "exit"):
            assert t0 <= r["timestamp"] <= t1, (f, r["timestamp"], t0, t1)
' "$R" "$t0" "$t1"

# 2. A directory is its *.jsonl files; --by host.
rep --by host "$R"; rc=$?
check "report DIR --by host: the fleet is FAILED (exit 1)" rc_is "$rc" 1
check "... kvm-a: ready, 2 processes" has "$T/o" '^kvm-a  *ready  *2  *2 '
check "... kvm-b: failed, 2 processes, 1 ready 1 failed" has "$T/o" '^kvm-b  *failed  *2  *1  *0  *0  *0  *0  *1 '
rep --by program "$R"; rc=$?
check "report --by program: fdprobe ready (3), sh failed (1)" sh -c "grep -q '^fdprobe  *ready  *3 ' '$T/o' && grep -q '^sh  *failed  *1 ' '$T/o'"
rep --by host --json "$R"; rc=$?
check "--json --by host: groups with verdicts and counts" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["by"] == "host" and o["verdict"] == "failed", o["verdict"]
g = {x["host"]: x for x in o["groups"]}
assert g["kvm-a"]["verdict"] == "ready" and g["kvm-a"]["processes"] == 2, g
assert g["kvm-b"]["verdict"] == "failed" and g["kvm-b"]["counts"]["failed"] == 1, g
assert all(p["hostname"] in ("kvm-a", "kvm-b") and p["timestamp"] > 0 for p in o["processes"])
' "$T/o"
rep --by host --prometheus "$R"; rc=$?
CHECK_DIAG=$(cat "$T/o" "$T/e")
check "--prometheus --by host: per-host verdict gauges" sh -c "
	grep -qx 'vfiocompat_host_verdict{host=\"kvm-a\",verdict=\"ready\"} 1' '$T/o' &&
	grep -qx 'vfiocompat_host_verdict{host=\"kvm-b\",verdict=\"failed\"} 1' '$T/o' &&
	grep -qx 'vfiocompat_host_verdict{host=\"kvm-b\",verdict=\"ready\"} 0' '$T/o'"
check "... host and program labels on the process counts" sh -c "
	grep -qx 'vfiocompat_host_program_processes{host=\"kvm-a\",program=\"fdprobe\",verdict=\"ready\"} 2' '$T/o' &&
	grep -qx 'vfiocompat_host_program_processes{host=\"kvm-b\",program=\"sh\",verdict=\"failed\"} 1' '$T/o'"
check "... the files merged and the latest record's time" sh -c "
	grep -qx 'vfiocompat_report_files 4' '$T/o' &&
	grep -q '^vfiocompat_host_last_record_timestamp_seconds{host=\"kvm-a\"} [1-9]' '$T/o'"
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts it" sh -c "promtool check metrics <'$T/o'"
fi
rep --by program --prometheus "$R"
check "--prometheus --by program: per-program verdict gauges" sh -c "
	grep -qx 'vfiocompat_program_verdict{program=\"fdprobe\",verdict=\"ready\"} 1' '$T/o' &&
	grep -qx 'vfiocompat_program_verdict{program=\"sh\",verdict=\"failed\"} 1' '$T/o'"
mkdir "$R/sub"
cp "$R"/sh-*.jsonl "$R/sub/"
rep --by host "$R"
check "a directory is read one level deep (its subdirectories are not merged)" has "$T/o" '^kvm-b  *failed  *2 '
rep --by host "$R" "$R/sub"
check "... and a subdirectory named is" has "$T/o" '^kvm-b  *failed  *3 '

# 3. No trials yet: an empty directory.
rep --prometheus --by host "$T/empty"; rc=$?
CHECK_DIAG=$(cat "$T/o" "$T/e")
check "an empty directory: exit 0 (no trials yet)" rc_is "$rc" 0
check "... metrics say so: 0 files, verdict untested" sh -c "
	grep -qx 'vfiocompat_report_files 0' '$T/o' && grep -qx 'vfiocompat_verdict{verdict=\"untested\"} 1' '$T/o'"
rep "$T/empty"; rc=$?
check "... the text says no trials yet, exit 0" sh -c "test $rc = 0 && grep -q 'no trials yet' '$T/o'"
rep --by nowhere "$R"; rc=$?
check "--by with neither host nor program: exit 2, one line naming both" sh -c "
	test $rc = 2 && test \$(wc -l <'$T/e') = 1 && grep -q \"group by 'host' or by 'program'\" '$T/e'"
rep "$T/no-such-dir"; rc=$?
check "a missing path is still an error (exit 2)" rc_is "$rc" 2
tap_end
