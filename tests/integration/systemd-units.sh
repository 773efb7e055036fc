#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vfiocompat-report.service and .timer (systemd/, issue 30): installed by
# `make install` with the install's paths, clean under `systemd-analyze
# verify`, hardened (systemd-analyze security: exposure OK, nothing writable
# but node_exporter's textfile directory), and their script writes the
# merged report atomically, with "no trials yet" metrics (exit 0) for a host
# without reports.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/tap.sh"
B=${B:?B must name the build directory}
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-units.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
SANARG=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SANARG=(SAN=1)

# A PREFIX that is a real directory (no DESTDIR): the units' ExecStart names
# a script that exists, as systemd-analyze verify wants.
P=$T/prefix
make -s -C "$top" B="$B" "${SANARG[@]}" PREFIX="$P" install >"$T/log" 2>&1; rc=$?
CHECK_DIAG=$(tail -n 20 "$T/log")
check "make install PREFIX=... succeeds" test "$rc" = 0
U=$P/lib/systemd/system
S=$U/vfiocompat-report.service
check "installed: vfiocompat-report.service and .timer in PREFIX/lib/systemd/system" test -s "$S" -a -s "$U/vfiocompat-report.timer"
check "installed: the service's script, executable, in the libexec directory" test -x "$P/libexec/vfiocompat/report-textfile"
CHECK_DIAG=$(grep -n '^ExecStart' "$S")
check "the service's ExecStart names the install's script, not /usr/local" grep -qx "ExecStart=$P/libexec/vfiocompat/report-textfile /var/log/vfiocompat /var/lib/prometheus/node-exporter/vfiocompat.prom" "$S"
check "the script runs the install's command" grep -q "^VFIOCOMPAT=\${VFIOCOMPAT:-$P/bin/vfiocompat}\$" "$P/libexec/vfiocompat/report-textfile"

# systemd-analyze verify: no complaint about our units (the host's own units
# may draw lines of their own, e.g. a newer libvirtd.service's Type=).
if command -v systemd-analyze >/dev/null; then
	(cd "$U" && MANPATH=$P/share/man systemd-analyze verify ./vfiocompat-report.service ./vfiocompat-report.timer) >"$T/verify" 2>&1
	rc=$?
	CHECK_DIAG=$(cat "$T/verify")
	check "systemd-analyze verify: exit 0" test "$rc" = 0
	check "systemd-analyze verify: no line about vfiocompat's units" sh -c "! grep -i vfiocompat '$T/verify'"
	systemd-analyze security --offline=yes "$S" >"$T/sec" 2>&1
	CHECK_DIAG=$(grep -E '✗|Overall' "$T/sec")
	score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p' "$T/sec")
	check "systemd-analyze security: exposure ${score:-?} is at most 2.0 (OK)" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
else
	tap_fail "systemd-analyze is installed (scripts/install-deps build installs systemd)"
fi
for k in ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes PrivateNetwork=yes \
	ReadWritePaths=/var/lib/prometheus/node-exporter "CapabilityBoundingSet=CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH"; do
	check "hardened: $k" grep -qx "$k" "$S"
done
check "hardened: the textfile directory is the only writable path" test "$(grep -c '^ReadWritePaths=' "$S")" = 1
check "the timer starts the service and is wanted by timers.target" sh -c "grep -qx 'WantedBy=timers.target' '$U/vfiocompat-report.timer' && grep -q '^OnUnitActiveSec=' '$U/vfiocompat-report.timer'"

# The script, as the service runs it.
RT=$P/libexec/vfiocompat/report-textfile
TD=$T/textfile
mkdir -p "$TD" "$T/logs"
out=$TD/vfiocompat.prom
run_rt() { env "${SAN_ENV[@]}" "$RT" "$@" >"$T/o" 2>&1; }
run_rt "$T/no-such-dir" "$out"; rc=$?
CHECK_DIAG="$(cat "$T/o" "$out" 2>&1)"
check "no report directory yet (no trial ever ran): exit 0" test "$rc" = 0
check "... metrics say so: verdict untested, 0 report files, 0 processes" sh -c "
	grep -qx 'vfiocompat_verdict{verdict=\"untested\"} 1' '$out' &&
	grep -qx 'vfiocompat_report_files 0' '$out' &&
	! grep -E '^vfiocompat_processes\\{' '$out' | grep -qv ' 0\$'"
check "... and nothing else written in the textfile directory (no temporary left)" test "$(ls -A "$TD")" = vfiocompat.prom
check "... world-readable for node_exporter (0644)" test "$(stat -c %a "$out")" = 644
run_rt "$T/logs" "$out"; rc=$?
CHECK_DIAG="$(cat "$T/o" "$out" 2>&1)"
check "an empty report directory: exit 0, no trials yet" sh -c "test $rc = 0 && grep -qx 'vfiocompat_report_files 0' '$out'"
grep '^vfiocompat_verdict{' "$out" | sed 's/} .*//' >"$T/labels.empty"

mkdir -p "$T/logs/unit-a"
cp "$top/fuzz/corpus/trial/qemu_not_ready.jsonl" "$T/logs/unit-a/qemu-1.jsonl"
echo '{"type":"note"}' >"$T/logs/not-a-report.txt"
ino=$(stat -c %i "$out")
run_rt "$T/logs" "$out"; rc=$?
CHECK_DIAG="$(cat "$T/o" "$out" 2>&1)"
check "one report (in a per-unit subdirectory): exit 0 whatever the verdict" test "$rc" = 0
check "... its verdict (not-ready) and 1 report file; other files ignored" sh -c "
	grep -qx 'vfiocompat_verdict{verdict=\"not-ready\"} 1' '$out' && grep -qx 'vfiocompat_report_files 1' '$out' &&
	grep -qx 'vfiocompat_processes{verdict=\"not-ready\"} 1' '$out'"
check "... the file was replaced by a rename (a new inode), never rewritten in place" test "$(stat -c %i "$out")" != "$ino"
grep '^vfiocompat_verdict{' "$out" | sed 's/} .*//' >"$T/labels.real"
CHECK_DIAG=$(diff "$T/labels.empty" "$T/labels.real")
check "\"no trials yet\" has the same verdict series as a real report" cmp -s "$T/labels.empty" "$T/labels.real"
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts the file" sh -c "promtool check metrics <'$out'"
fi

cp "$out" "$T/before"
run_rt "$T/logs" "$T/missing/vfiocompat.prom"; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "no textfile directory: exit 2, one line naming it" sh -c "test $rc = 2 && test \$(wc -l <'$T/o') = 1 && grep -q '$T/missing: no such directory' '$T/o'"
run_rt "$T/logs" "$TD/vfiocompat.txt"; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "an output not named *.prom: exit 2, one line" sh -c "test $rc = 2 && test \$(wc -l <'$T/o') = 1 && grep -q 'reads only \\*.prom' '$T/o'"
VFIOCOMPAT=/nonexistent/vfiocompat run_rt "$T/logs" "$out"; rc=$?
CHECK_DIAG=$(cat "$T/o")
check "the command failing: the script fails and the last metrics stay" sh -c "test $rc != 0 && cmp -s '$T/before' '$out' && test \"\$(ls -A '$TD')\" = vfiocompat.prom"

# vfiocompat-check.service and .timer: host readiness (check --prometheus).
CS=$U/vfiocompat-check.service
CT=$P/libexec/vfiocompat/check-textfile
check "installed: vfiocompat-check.service and .timer, and check-textfile" test -s "$CS" -a -s "$U/vfiocompat-check.timer" -a -x "$CT"
check "the check service's ExecStart names the install's script" grep -qx "ExecStart=$CT /var/lib/prometheus/node-exporter/vfiocompat-check.prom" "$CS"
check "the check timer is wanted by timers.target" grep -qx 'WantedBy=timers.target' "$U/vfiocompat-check.timer"
if command -v systemd-analyze >/dev/null; then
	(cd "$U" && MANPATH=$P/share/man systemd-analyze verify ./vfiocompat-check.service ./vfiocompat-check.timer) >"$T/verify" 2>&1
	rc=$?
	CHECK_DIAG=$(cat "$T/verify")
	check "systemd-analyze verify (check units): exit 0, no line about them" sh -c "test $rc = 0 && ! grep -i vfiocompat '$T/verify'"
	systemd-analyze security --offline=yes "$CS" >"$T/sec" 2>&1
	CHECK_DIAG=$(grep -E '✗|Overall' "$T/sec")
	score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p' "$T/sec")
	check "systemd-analyze security (check service): exposure ${score:-?} is at most 2.5" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.5) }'
fi
for k in ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes PrivateNetwork=yes \
	ReadWritePaths=/var/lib/prometheus/node-exporter "CapabilityBoundingSet=CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH"; do
	check "check service hardened: $k" grep -qx "$k" "$CS"
done
cout=$TD/vfiocompat-check.prom
env "${SAN_ENV[@]}" "$CT" "$cout" >"$T/o" 2>&1; rc=$?
CHECK_DIAG="$(cat "$T/o" "$cout" 2>&1)"
want_ready=1
env "${SAN_ENV[@]}" "$P/bin/vfiocompat" check >/dev/null 2>&1 || want_ready=0
check "check-textfile: exit 0 whatever the readiness; the file written 0644" sh -c "test $rc = 0 && test \$(stat -c %a '$cout') = 644"
check "... vfiocompat_check_ready is check's own answer ($want_ready)" grep -qx "vfiocompat_check_ready $want_ready" "$cout"
nlines=$(env "${SAN_ENV[@]}" "$P/bin/vfiocompat" check --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["checks"]))')
check "... one state gauge set to 1 per check line ($nlines)" is "$(grep -c '^vfiocompat_check_state{.*} 1$' "$cout")" "$nlines"
check "... five states per line (pass skip info warn fail)" is "$(grep -c '^vfiocompat_check_state{' "$cout")" "$((nlines * 5))"
check "... no temporary left in the textfile directory" sh -c "! ls -A '$TD' | grep -q '^\\.'"
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts the check metrics" sh -c "promtool check metrics <'$cout'"
fi
"$CT" "$T/missing/x.prom" >"$T/o" 2>&1; rc=$?
check "check-textfile without a textfile directory: exit 2, one line" sh -c "test $rc = 2 && test \$(wc -l <'$T/o') = 1"
tap_end
