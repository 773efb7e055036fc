#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The vfiocompat command on this host: check (no iommufd here), report on
# recorded and corrupted JSON Lines, run (real processes under the shim,
# exit status and signals passed on). Runs inside ns-run's private /dev
# (stand-in container and /dev/iommu nodes) on the host; VFC_REAL=1 in the VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/nagios.sh"
. "$here/../lib/suite.sh"
suite_build
suite_tmp cli
v() { $X "$V" "$@" >"$T/o" 2>"$T/e"; }

# --- the command itself
v --version; rc=$?
check "--version names the version and schema" has "$T/o" '^vfiocompat [0-9.]* (report schema 1)$'
v frobnicate; rc=$?
check "unknown command: exit 2" rc_is "$rc" 2
check "unknown command: one line naming it" has "$T/e" "unknown command 'frobnicate'"
for c in check inspect run report bench; do
	v "$c" --help; rc=$?
	check "$c --help: exit 0 with a usage line" has "$T/o" "^usage: vfiocompat $c"
done

# --- check
v check; rc=$?
if [ ! -c /dev/iommu ] || [ "$(stat -c %t:%T /dev/iommu)" = 1:3 ]; then
	# This host: no iommufd (ns-run's /dev/iommu is a stand-in /dev/null node).
	check "check on a host without iommufd exits 1" rc_is "$rc" 1
	check "check says NOT READY" has "$T/o" '^NOT READY'
	if [ "$(uname -r | cut -d. -f1)" -ge 6 ] && ! grep -qs CONFIG_IOMMUFD=[ym] /proc/config.gz; then
		check "check names the missing iommufd" has "$T/o" 'FAIL  CONFIG_IOMMUFD *not set'
	fi
fi
check "check lists RLIMIT_MEMLOCK" has "$T/o" 'RLIMIT_MEMLOCK'
v check --json; rc=$?
check "check --json is one JSON object with checks" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["check"] == "host" and o["result"] in ("pass", "warn", "fail"), o
assert all(c["status"] in ("PASS", "SKIP", "INFO", "WARN", "FAIL") for c in o["checks"])
assert any(c["name"] == "/dev/iommu" for c in o["checks"])' "$T/o"
printf 'CONFIG_IOMMUFD=y\n# CONFIG_IOMMUFD_VFIO_CONTAINER is not set\nCONFIG_VFIO_CONTAINER=y\nCONFIG_VFIO_DEVICE_CDEV=y\n' >"$T/good.config"
v check --config "$T/good.config"
check "check --config: CONFIG_IOMMUFD=y passes" has "$T/o" 'PASS  CONFIG_IOMMUFD  *=y'
check "check --config: names the file read" has "$T/o" "read from $T/good.config"
# The kernel against the lab's measured kernels, and its known differences.
for kv in "6.12.118:measured in the lab:still has TYPE1_NESTING (as the lab measured this series)" \
	"7.3.4:measured in the lab:has no TYPE1_NESTING (as the lab measured this series)" \
	"6.8.0-45-generic:older than any kernel the lab measured:" \
	"7.5.1:newer than any kernel the lab measured:"; do
	IFS=: read -r rel where diff <<<"$kv"
	{ printf '#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 %s Kernel Configuration\n#\n' "$rel"; cat "$T/good.config"; } >"$T/k.config"
	v check --config "$T/k.config"
	check "check --config for Linux $rel: $where" has "$T/o" "INFO  kernel vs lab .*$where"
	if [ -n "$diff" ]; then
		check "... and its type1 $diff" has "$T/o" "INFO  kernel differences .*$diff"
		ov=0
		[ "${rel%%.*}" = 6 ] && ov=1
		check "... and names MAP_DMA's overflow errno only for the 6.12 series ($ov)" \
			test "$(grep -c 'kernel differences .*wraps with EINVAL, iommufd with EOVERFLOW' "$T/o")" = "$ov"
	else
		check "... and no TYPE1_NESTING claim for a series not measured" sh -c '! grep -q "kernel differences" "$1"' _ "$T/o"
	fi
done
printf '# CONFIG_IOMMUFD is not set\nCONFIG_IOMMUFD_TEST=y\n' >"$T/bad.config"
v check --config "$T/bad.config"; rc=$?
check "check --config: IOMMUFD not set fails (IOMMUFD_TEST=y does not count)" has "$T/o" 'FAIL  CONFIG_IOMMUFD  *not set'
check "... exit 1" rc_is "$rc" 1
v check --config "$T/none.config"; rc=$?
check "check --config on a missing file: exit 2, the reason on stderr" sh -c "test $rc = 2 && grep -q 'none.config: No such file' '$T/e'"
# check --nagios: a kernel without iommufd is CRITICAL; errors are UNKNOWN on stdout
# (OK and WARNING: tests/unit test_check_nagios_states; this host has no IOMMU).
v check --nagios --config "$T/bad.config"; rc=$?
check "check --nagios, a kernel without iommufd: CRITICAL (2)" rc_is "$rc" 2
check "check --nagios: its output follows the plugin guidelines" nagios_conforms "$T/o" "$rc"
check "check --nagios: the first FAIL in the status line" has "$T/o" '^VFIOCOMPAT CRITICAL - [0-9]* FAIL, [0-9]* WARN; FAIL CONFIG_IOMMUFD: '
check "check --nagios: each check as long output" has "$T/o" '^FAIL CONFIG_IOMMUFD: not set'
v check --nagios --config "$T/none.config"; rc=$?
check "check --nagios, a missing --config: UNKNOWN (3)" rc_is "$rc" 3
check "check --nagios, a missing --config: one conforming line on stdout" \
	is "$(nagios_conforms "$T/o" "$rc" && wc -l <"$T/o")" 1
v check --nagios --bogus; rc=$?
check "check --nagios --bogus: UNKNOWN (3), on stdout" nagios_conforms "$T/o" "$rc"
v check --bogus --nagios; rc=$?
check "check --bogus --nagios: UNKNOWN (3), on stdout" nagios_conforms "$T/o" "$rc"
v check --nagios --json; rc=$?
check "check --nagios --json: UNKNOWN (3), on stdout" nagios_conforms "$T/o" "$rc"
v check --nagios surplus; rc=$?
check "check --nagios with an argument: UNKNOWN (3), on stdout" nagios_conforms "$T/o" "$rc"
v check --migration; rc=$?
check "check --migration without a device: exit 2" rc_is "$rc" 2
v check --migration 'zz:bad' "$(printf 'x\033[2J')"; rc=$?
check "check --migration on a bad address: exit 2, the expected form on stderr" sh -c "test $rc = 2 && grep -q 'not a PCI address; give it as DDDD:BB:DD.F' '$T/e'"
check "... and no terminal escape from the argument echoed" sh -c '! grep -q "$(printf "\033")" "$1"' _ "$T/e"

# --- bench: argument and device errors (the real measurement runs in the VM lab)
v bench --sizes 4K,3K; rc=$?
check "bench --sizes with a partial page: exit 2 naming it" has "$T/e" "'3K' is not a size of 4K..1G in whole pages"
v bench --backend vfio; rc=$?
check "bench --backend unknown: exit 2 with the names" has "$T/e" "use type1, iommufd or module"
v bench --reps 0; rc=$?
check "bench --reps 0 refused" rc_is "$rc" 2
v bench --device 0000:ff:1f.7; rc=$?
check "bench on a device that does not exist: exit 2, says so" has "$T/e" '0000:ff:1f.7 has no IOMMU group'
v bench --device ff:1F.7; rc=$?
check "bench --device BB:DD.F: domain 0000, as check --migration reads it" sh -c "test $rc = 2 && grep -q '0000:ff:1f.7 has no IOMMU group' '$T/e'"
v bench --device notabdf; rc=$?
check "bench --device notabdf: exit 2 naming the forms" sh -c "test $rc = 2 && grep -q 'is not a PCI address; give DDDD:BB:DD.F' '$T/e'"
if [ -z "$(ls /sys/bus/pci/drivers/vfio-pci 2>/dev/null | grep :)" ]; then
	v bench; rc=$?
	check "bench with no vfio-pci device: exit 2 with how to bind one" has "$T/e" 'no device is bound to vfio-pci: bind one'
fi

# --- report, on reports the real shim writes
L=$T/logs
mkdir -p "$L"
env "${SAN_ENV[@]}" LD_PRELOAD="$B/libvfiocompat.so" VFIOCOMPAT_LOG="$L/a-%p.jsonl" $X "$PROBE" open /dev/vfio/vfio ioctl set 1 >/dev/null 2>&1
env "${SAN_ENV[@]}" LD_PRELOAD="$B/libvfiocompat.so" VFIOCOMPAT_LOG="$L/b-%p.jsonl" $X "$PROBE" open /dev/vfio/vfio ioctl ext 10 ioctl set 1 ioctl dirty >/dev/null 2>&1
A=$(ls "$L"/a-*.jsonl 2>/dev/null | head -n1); A=${A:-/nonexistent}
Bf=$(ls "$L"/b-*.jsonl 2>/dev/null | head -n1); Bf=${Bf:-/nonexistent}
v report "$A"; rc=$?
check "report: a TYPE1 v1 trial whose every ioctl failed (stand-in node) is FAILED, exit 1" rc_is "$rc" 1
check "report: the verdict line" has "$T/o" '^verdict: FAILED'
check "report: the feature row with what iommufd does and what to do" has "$T/o" '^type1_v1 *degraded *1 *1$'
check "report: what to do" has "$T/o" 'the remedy: set TYPE1v2'
check "report: the finding on the compat layer" has "$T/o" 'on the compat layer: TYPE1 v1: huge IOPTEs disabled'
check "report: the same finding with a native back end" has "$T/o" "with the VMM's native iommufd back end: no TYPE1 v1 emulation"
check "report: a program without a native back end says so" has "$T/o" '^    native: no native iommufd back end: no native iommufd back end known'
check "report: the native verdict line" has "$T/o" '^native verdict: none (no trialled program has a native iommufd back end'
v report "$A" "$Bf"; rc=$?
check "report: merging a not-ready process gives NOT READY, exit 1" rc_is "$rc" 1
check "report: two processes merged" has "$T/o" '^vfiocompat report: 2 processes from 2 files'
check "report: type1_v1 used by both" has "$T/o" '^type1_v1 *degraded *2 *2$'
check "report: dirty_pages is a blocker" has "$T/o" '^dirty_pages *blocker *1 *1$'
v report --json "$A" "$Bf"
check "report --json: verdict, processes and features" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["verdict"] == "failed", o["verdict"]
assert len(o["processes"]) == 2 and all(p["program"] == "fdprobe" and p["complete"] for p in o["processes"])
f = {x["feature"]: x for x in o["features"]}
assert f["type1_v1"]["uses"] == 2 and f["dirty_pages"]["severity"] == "blocker", f' "$T/o"
check "report --json: the native verdict, per process and per feature" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["native_verdict"] == "no-native-backend", o["native_verdict"]
assert all(not p["native"]["available"] for p in o["processes"]), o["processes"]
f = {x["feature"]: x for x in o["features"]}
assert f["dirty_pages"]["native_effect"] == "blocker" and f["type1_v1"]["native_effect"] == "none", f' "$T/o"
v report --prometheus --output "$T/prom/vfc.prom" "$A"; rc=$?
check "report --output into a missing directory: exit 2 with a fix" has "$T/e" 'choose a writable --output path'
mkdir -p "$T/prom"
v report --prometheus --output "$T/prom/vfc.prom" "$A" "$Bf"
check "report --prometheus: textfile format, verdict gauge" has "$T/prom/vfc.prom" '^vfiocompat_verdict{verdict="failed"} 1$'
check "report --prometheus: the native verdict gauge" has "$T/prom/vfc.prom" '^vfiocompat_native_verdict{verdict="no-native-backend"} 1$'
check "report --prometheus: feature counter" has "$T/prom/vfc.prom" '^vfiocompat_feature_uses{feature="type1_v1",severity="degraded"} 2$'
check "report --prometheus: every line is HELP, TYPE or a sample" test -z "$(grep -Ev '^# (HELP|TYPE) vfiocompat_[a-z_]+ |^vfiocompat_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9]+$' "$T/prom/vfc.prom")"
check "report --output: no temporary file left" test "$(ls "$T/prom" | wc -l)" = 1

# corrupted input: each bad line named with file:line, skipped, never fatal
C=$T/corrupt.jsonl
{ head -n 2 "$A"; echo '{"type":"feature","feature":"vaddr_map"'; echo 'not json at all'
  echo '[1,2]'; echo '{"no_type":1}'; printf '{"type":"start","schema":99}\n'
  printf '{"type":"open","path":"\xff\xfe"}\n'; echo '{"type":"summary","verdict":"bogus"}'
  tail -n +3 "$A"; head -c 40 "$A"; } >"$C"
v report "$C"; rc=$?
check "corrupt report: verdict still from the good lines, exit 1" rc_is "$rc" 1
check "corrupt report: truncated record named" has "$T/e" "corrupt.jsonl:3: not JSON (truncated record); line skipped"
check "corrupt report: garbage named" has "$T/e" "corrupt.jsonl:4: not JSON"
check "corrupt report: non-object named" has "$T/e" "corrupt.jsonl:5: not a report record (not a JSON object)"
check "corrupt report: record without type named" has "$T/e" 'corrupt.jsonl:6: not a report record (no "type" string)'
check "corrupt report: newer schema named with the fix" has "$T/e" 'corrupt.jsonl:7: report schema 99 is newer.*upgrade vfiocompat'
check "corrupt report: invalid UTF-8 named" has "$T/e" "corrupt.jsonl:8: not JSON"
check "corrupt report: unknown verdict named" has "$T/e" 'corrupt.jsonl:9: summary without a known "verdict"'
check "corrupt report: the cut last line named" has "$T/e" "corrupt.jsonl:$(wc -l <"$C" | awk '{print $1+1}'): not JSON (truncated record)"
check "corrupt report: skipped lines counted" has "$T/o" "8 lines skipped"
v report "$T/nonexistent.jsonl"; rc=$?
check "report on a missing file: exit 2, one line with a fix" rc_is "$rc/$(wc -l <"$T/e")" 2/1
v report "$T"; rc=$?
check "report on a directory reads the *.jsonl in it, not an error (issue 30)" sh -c "test $rc != 2 && ! grep -q 'is a directory' '$T/e' && grep -q '^vfiocompat report: .* from [1-9][0-9]* file' '$T/o'"
: >"$T/empty.jsonl"
v report "$T/empty.jsonl"; rc=$?
check "report of an empty input: UNTESTED, exit 4" rc_is "$rc" 4
v report - <"$A"; rc=$?
check "report reads stdin as -" rc_is "$rc" 1

# --- run
export TMPDIR=$T
env "${SAN_ENV[@]}" $X "$V" run --preload -- $X "$PROBE" open /dev/vfio/vfio ioctl set 1 >"$T/o" 2>"$T/e"; rc=$?
check "run: the command's own exit status (0)" rc_is "$rc" 0
check "run: the program really held the redirected node" has "$T/o" 'path=/dev/iommu'
check "run: verdict on stderr" has "$T/e" '^vfiocompat run: verdict FAILED (type1_v1); 1 process; details: vfiocompat report /'
R=$(sed -n 's/.*details: vfiocompat report //p' "$T/e")
check "run: the report it names exists and reads back" sh -c "$X \"$V\" report $R >/dev/null; test \$? = 1"
$X "$PROBE" open /dev/vfio/vfio >"$T/plain" 2>&1
env "${SAN_ENV[@]}" $X "$V" run --preload --audit -- $X "$PROBE" open /dev/vfio/vfio >"$T/o" 2>"$T/e"
check "run --audit: the open answers as without the shim (type1 kept)" test "$(awk '$1=="open"{print $2, $3}' "$T/o")" = "$(awk '$1=="open"{print $2, $3}' "$T/plain")"
env "${SAN_ENV[@]}" $X "$V" run --preload --audit -- $SH -c 'echo "$VFIOCOMPAT_MODE"' >"$T/o" 2>"$T/e"
check "run --audit sets VFIOCOMPAT_MODE=audit" has "$T/o" '^audit$'
env "${SAN_ENV[@]}" $X "$V" run --preload --log "$T/mine-%p.jsonl" -- $X "$PROBE" open /dev/vfio/vfio ioctl set 1 >"$T/o" 2>"$T/e"
check "run --log: the report is where asked" sh -c "grep -q '\"type\":\"summary\"' $T/mine-*.jsonl"
check "run --log: the verdict names it" has "$T/e" "details: vfiocompat report $T/mine-\*.jsonl$"
env "${SAN_ENV[@]}" $X "$V" run --preload --target /nonexistent-node --fail-closed -- $X "$PROBE" open /dev/vfio/vfio >"$T/o" 2>"$T/e"
check "run --fail-closed: the open fails instead of falling back" has "$T/o" '^open ret=-1 errno=2'
env "${SAN_ENV[@]}" LD_PRELOAD=/lib/x86_64-linux-gnu/libc.so.6 $X "$V" run --preload -- $SH -c 'echo "$LD_PRELOAD"' >"$T/o" 2>"$T/e"
check "run keeps an existing LD_PRELOAD after the shim" has "$T/o" "^/.*/libvfiocompat.so /lib/x86_64-linux-gnu/libc.so.6$"
env "${SAN_ENV[@]}" $X "$V" run --preload -- $SH -c 'exit 7' >"$T/o" 2>"$T/e"; rc=$?
check "run: exit status 7 passed on" rc_is "$rc" 7
check "run: a program that never opened VFIO is UNTESTED" has "$T/e" 'verdict UNTESTED'
env "${SAN_ENV[@]}" $X "$V" run -- /nonexistent/cmd >"$T/o" 2>"$T/e"; rc=$?
check "run: a missing command exits 127 with one line" rc_is "$rc/$(wc -l <"$T/e")" 127/1
env "${SAN_ENV[@]}" $X "$V" run --preload -- "$T" >"$T/o" 2>"$T/e"; rc=$?
check "run: a directory as command exits 126" rc_is "$rc" 126
env "${SAN_ENV[@]}" $X "$V" run >"$T/o" 2>"$T/e"; rc=$?
check "run without a command: exit 125 (run's own error)" rc_is "$rc" 125
env "${SAN_ENV[@]}" $X "$V" run --log relative.jsonl -- true >"$T/o" 2>"$T/e"; rc=$?
check "run --log relative: refused, exit 125" rc_is "$rc" 125
# Signals: a TERM sent to vfiocompat reaches the program, whose death is re-raised.
env "${SAN_ENV[@]}" $X "$V" run --preload -- $SH -c 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done' >"$T/o" 2>"$T/e" &
pid=$!
for _ in $(seq 300); do grep -q ready "$T/o" 2>/dev/null && break; sleep 0.1; done
kill -TERM "$pid"; wait_for "$pid" 30 "vfiocompat run after SIGTERM"; rc=$?
check "run forwards SIGTERM to the program" has "$T/o" '^got-term$'
check "run passes on the program's exit status after the signal (42)" rc_is "$rc" 42
env "${SAN_ENV[@]}" $X "$V" run --preload -- $SH -c 'kill -USR1 $$' >"$T/o" 2>"$T/e"; rc=$?
check "run: a program killed by a signal kills run the same way (128+10)" rc_is "$rc" 138
if [ "$(id -u)" = 0 ]; then
	env "${SAN_ENV[@]}" $X "$V" run --mount-ns -- sh -c 'stat -c %t:%T /dev/vfio/vfio' >"$T/o" 2>"$T/e"; rc=$?
	check "run --mount-ns: /dev/vfio/vfio is the target node inside" rc_is "$rc/$(cat "$T/o")" "0/$(stat -c %t:%T /dev/iommu)"
	check "run --mount-ns: says so" has "$T/e" 'is /dev/iommu inside this mount namespace'
	check "run --mount-ns: nothing changed outside" test "$(stat -c %t:%T /dev/vfio/vfio)" = a:c4
fi
tap_end
