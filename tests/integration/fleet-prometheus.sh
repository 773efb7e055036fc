#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Real monitoring components (issue 30): Debian's prometheus-node-exporter
# and prometheus on loopback (free ports, a temporary directory), each
# node_exporter's textfile collector reading what report-textfile (`report
# --by host --prometheus`) and check-textfile (`check --prometheus`) wrote
# for one "host" from real trials under the shim (ns-run's private /dev;
# each host a UTS namespace with its own name), Prometheus scraping both,
# and PromQL over the HTTP API answering the per-host verdicts. The shipped
# alert rules pass `promtool check rules` and `promtool test rules`, and
# load into the live Prometheus.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
V=$B/vfiocompat
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
# VFC_EXEC_SH: the shell a shimmed program runs as (check-arm64: an arm64 sh).
SH=${VFC_EXEC_SH:-sh}
PROBE=$B/helpers/fdprobe
RULES=$top/monitoring/vfiocompat.rules.yml
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-prom.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
NE=/usr/bin/prometheus-node-exporter
PROM=/usr/bin/prometheus
for tool in "$NE" "$PROM" /usr/bin/promtool; do
	[ -x "$tool" ] || { tap_fail "$tool is installed (scripts/install-deps build: prometheus, prometheus-node-exporter)"; tap_end; exit 1; }
done
# on HOST CMD...: CMD in a UTS namespace whose host name is HOST.
on() { local h=$1; shift; unshare -u sh -c 'hostname "$1"; shift; exec "$@"' sh "$h" env "${SAN_ENV[@]}" "$@"; }
freeport() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# q PROMQL: the HTTP API's answer (JSON) in $T/q.json.
q() { python3 - "$PP" "$1" >"$T/q.json" <<'PY'
import json, sys, urllib.parse, urllib.request
u = "http://127.0.0.1:%s/api/v1/query?query=%s" % (sys.argv[1], urllib.parse.quote(sys.argv[2]))
print(urllib.request.urlopen(u, timeout=5).read().decode())
PY
}
# 1. The rules, offline.
promtool check rules "$RULES" >"$T/o" 2>&1; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "promtool check rules monitoring/vfiocompat.rules.yml" sh -c "test $rc = 0 && grep -q 'SUCCESS: 5 rules found' '$T/o'"
sed 's/^/# promtool: /' "$T/o"
(cd "$top/monitoring" && promtool test rules vfiocompat.rules.test.yml) >"$T/o" 2>&1; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "promtool test rules monitoring/vfiocompat.rules.test.yml" sh -c "test $rc = 0 && grep -q SUCCESS '$T/o'"
sed 's/^/# promtool: /' "$T/o"

# 2. Two hosts' trials, each host's textfile directory written by the timers' scripts.
for h in kvm-a kvm-b; do mkdir -p "$T/$h/log" "$T/$h/textfile"; done
runon() { local h=$1; shift; on "$h" $X "$V" run --preload --log "$T/$h/log/%e-%p.jsonl" -- "$@" >/dev/null 2>&1; }
runon kvm-a $X "$PROBE" open /dev/vfio/vfio
runon kvm-a $X "$PROBE" open /dev/vfio/vfio
runon kvm-b $X "$PROBE" open /dev/vfio/vfio
runon kvm-b $SH -c 'exec 3</dev/vfio/vfio; exit 1'
# The timers' scripts run $VFIOCOMPAT; under a runner, a script that runs it.
VC=$V
if [ -n "$X" ]; then
	VC=$T/vfiocompat-wrapped
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$X" "$V" >"$VC"
	chmod 755 "$VC"
fi
for h in kvm-a kvm-b; do
	on "$h" env VFIOCOMPAT="$VC" "$top/systemd/report-textfile" "$T/$h/log" "$T/$h/textfile/vfiocompat.prom" >"$T/o" 2>&1 || cat "$T/o"
	on "$h" env VFIOCOMPAT="$VC" "$top/systemd/check-textfile" "$T/$h/textfile/vfiocompat-check.prom" >"$T/o" 2>&1 || cat "$T/o"
done
check "each host's textfile directory has the report and check metrics" sh -c "
	for h in kvm-a kvm-b; do test -s '$T'/\$h/textfile/vfiocompat.prom -a -s '$T'/\$h/textfile/vfiocompat-check.prom || exit 1; done"
want_ready=1
env "${SAN_ENV[@]}" $X "$V" check >/dev/null 2>&1 || want_ready=0

# 3. node_exporter per host (textfile collector only), Prometheus scraping both.
t0=$(date +%s%N)
declare -A NEP
for h in kvm-a kvm-b; do
	NEP[$h]=$(freeport)
	"$NE" --web.listen-address="127.0.0.1:${NEP[$h]}" --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$T/$h/textfile" >"$T/ne-$h.log" 2>&1 &
	PIDS+=($!)
done
PP=$(freeport)
cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:${NEP[kvm-a]}']
        labels: {node: kvm-a}
      - targets: ['127.0.0.1:${NEP[kvm-b]}']
        labels: {node: kvm-b}
EOC
"$PROM" --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" \
	--web.listen-address="127.0.0.1:$PP" >"$T/prom.log" 2>&1 &
PIDS+=($!)
# Both targets scraped, and the rules evaluated: at most 60 s.
ok=0
end=$((SECONDS + 60))
while [ "$SECONDS" -lt "$end" ]; do
	if q 'count(vfiocompat_host_verdict == 1)' 2>/dev/null &&
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["data"]["result"]; sys.exit(not (r and r[0]["value"][1] == "2"))' "$T/q.json" 2>/dev/null &&
		q 'ALERTS{alertname="VfiocompatTrialNotReady"}' 2>/dev/null &&
		python3 -c 'import json,sys; sys.exit(not json.load(open(sys.argv[1]))["data"]["result"])' "$T/q.json" 2>/dev/null; then
		ok=1
		break
	fi
	sleep 0.2
done
echo "# node_exporter and Prometheus up, both hosts scraped, rules evaluated in $((($(date +%s%N) - t0) / 1000000)) ms"
for h in kvm-a kvm-b; do grep -E 'textfile|Listening on' "$T/ne-$h.log" | head -3 | sed "s/^/# node_exporter ($h): /"; done
grep -E 'Server is ready|Completed loading of configuration' "$T/prom.log" | head -2 | sed 's/^/# prometheus: /'
CHECK_DIAG="$(tail -n 5 "$T/prom.log" "$T"/ne-*.log; cat "$T/q.json" 2>/dev/null)"
check "Prometheus scraped both node_exporters' textfile metrics" test "$ok" = 1
for h in kvm-a kvm-b; do
	python3 -c 'import urllib.request, sys; t = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode(); sys.exit("node_textfile_scrape_error 0" not in t)' "${NEP[$h]}"
	check "node_exporter ($h): node_textfile_scrape_error 0 (both .prom files parsed)" test $? = 0
done

# 4. PromQL: the per-host verdicts, the processes per host and program, readiness.
q 'vfiocompat_host_verdict == 1'
python3 -c 'import json,sys; [print("# PromQL vfiocompat_host_verdict == 1: host=%s verdict=%s node=%s value=%s" % (r["metric"]["host"], r["metric"]["verdict"], r["metric"]["node"], r["value"][1])) for r in json.load(open(sys.argv[1]))["data"]["result"]]' "$T/q.json"
CHECK_DIAG=$(cat "$T/q.json")
check "PromQL vfiocompat_host_verdict == 1: kvm-a ready, kvm-b failed, each from its own node_exporter" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
got = {x["metric"]["host"]: (x["metric"]["verdict"], x["metric"]["node"], x["value"][1]) for x in r}
assert got == {"kvm-a": ("ready", "kvm-a", "1"), "kvm-b": ("failed", "kvm-b", "1")}, got
' "$T/q.json"
q 'sum by (host, program, verdict) (vfiocompat_host_program_processes > 0)'
CHECK_DIAG=$(cat "$T/q.json")
check "PromQL processes by host and program: kvm-a fdprobe 2 ready; kvm-b fdprobe 1 ready, sh 1 failed" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
got = {(x["metric"]["host"], x["metric"]["program"], x["metric"]["verdict"]): x["value"][1] for x in r}
assert got == {("kvm-a", "fdprobe", "ready"): "2", ("kvm-b", "fdprobe", "ready"): "1", ("kvm-b", "sh", "failed"): "1"}, got
' "$T/q.json"
q 'vfiocompat_check_ready'
CHECK_DIAG=$(cat "$T/q.json")
check "PromQL vfiocompat_check_ready: check's own answer ($want_ready) on both hosts" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
assert sorted((x["metric"]["node"], x["value"][1]) for x in r) == [("kvm-a", sys.argv[2]), ("kvm-b", sys.argv[2])], r
' "$T/q.json" "$want_ready"
q 'ALERTS{alertname="VfiocompatTrialNotReady"}'
CHECK_DIAG=$(cat "$T/q.json")
check "the shipped rule VfiocompatTrialNotReady is pending for kvm-b only (live rules)" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
assert [(x["metric"]["host"], x["metric"]["alertstate"]) for x in r] == [("kvm-b", "pending")], r
' "$T/q.json"
tap_end
