#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `vfiocompat report` against hostile and unusual reports (issue 26): every
# case is one the review saw end READY (or vaguer than the facts). Reports
# are written by hand here: the process identity fields (starttime, boot_id)
# are the shim's, the errno of a failed MAP_DMA the summary's "ioctls" entry.
# Host only, no shim: the command reads files.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
V=$B/vfiocompat
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-advrep.XXXXXX")
trap 'rm -rf "$T"' EXIT
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
lacks() { ! grep -q -- "$2" "$1" || { CHECK_DIAG="$(grep -m3 -- "$2" "$1")"; return 1; }; }
rep() { env "${SAN_ENV[@]}" $X "$V" report "$@" >"$T/o" 2>"$T/e"; }
verdict() { sed -n 's/^verdict: \([A-Z ]*[A-Z]\) (.*/\1/p' "$T/o"; }

START='{"type":"start","schema":1,"pid":7,"program":"qemu","mode":"redirect"}'
OPEN='{"type":"open","fd":3,"path":"/dev/vfio/vfio","node":"container","action":"redirected","target":"/dev/iommu"}'
READY='{"type":"summary","pid":7,"program":"qemu","mode":"redirect","containers":1,"redirected":1,"fallbacks":0,"ioctls":{"IOMMU_MAP_DMA":{"calls":4,"errors":0}},"features":{},"verdict":"ready"}'
# idstart PID STARTTIME BOOT_ID / idsummary PID STARTTIME BOOT_ID: the shim's identity fields.
idstart() { printf '{"type":"start","schema":1,"pid":%s,"starttime":%s,"boot_id":"%s","program":"qemu","mode":"redirect"}\n' "$@"; }
idsummary() { printf '{"type":"summary","pid":%s,"starttime":%s,"boot_id":"%s","program":"qemu","mode":"redirect","containers":1,"redirected":1,"ioctls":{"IOMMU_MAP_DMA":{"calls":4,"errors":0}},"features":{},"verdict":"ready"}\n' "$@"; }
BOOT=6a1c5d2e-0f4b-4a57-9e1d-3c2b1a0f9e8d

# --- 1. two hosts' files under a path longer than 255 bytes: a crash is not merged away
long=$T/$(printf 'r%.0s' {1..200})/$(printf 's%.0s' {1..120})
mkdir -p "$long"
printf '%s\n%s\n' "$START" "$OPEN" >"$long/host-a.jsonl"
printf '%s\n%s\n%s\n' "$START" "$OPEN" "$READY" >"$long/host-b.jsonl"
rep "$long/host-a.jsonl" "$long/host-b.jsonl"; rc=$?
check "long paths: two processes, the crashed one INCOMPLETE (exit 4)" is "$rc/$(verdict)/$(grep -c '^qemu\[7\]' "$T/o")" "4/INCOMPLETE/2"
rep --json "$long/host-a.jsonl" "$long/host-b.jsonl"
check "long paths: --json names each file whole" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert [p["source"] for p in o["processes"]] == [sys.argv[2] + "/host-a.jsonl", sys.argv[2] + "/host-b.jsonl"], o
' "$T/o" "$long"

# --- 2. one pid, two processes (PID namespaces, pid reuse) in one %p file
{ idstart 7 1000 "$BOOT"; echo "$OPEN"; idstart 7 2000 "$BOOT"; echo "$OPEN"; idsummary 7 2000 "$BOOT"; } >"$T/pidns.jsonl"
rep "$T/pidns.jsonl"; rc=$?
check "same pid, two start times: the crashed one stays INCOMPLETE (exit 4)" is "$rc/$(verdict)" "4/INCOMPLETE"
check "same pid, two start times: two processes" has "$T/o" '^vfiocompat report: 2 processes'
# Another boot, same pid and start time: another process too.
{ idstart 7 1000 "$BOOT"; echo "$OPEN"; idstart 7 1000 other-boot; idsummary 7 1000 other-boot; } >"$T/boot.jsonl"
rep "$T/boot.jsonl"; rc=$?
check "same pid and start time, another boot: INCOMPLETE (exit 4)" is "$rc/$(verdict)" "4/INCOMPLETE"
# A summary whose identity started nowhere in the file: a bad record, named.
{ idstart 7 1000 "$BOOT"; echo "$OPEN"; idsummary 7 999 "$BOOT"; } >"$T/forged.jsonl"
rep "$T/forged.jsonl"; rc=$?
check "summary without its start: INCOMPLETE (exit 4)" is "$rc/$(verdict)" "4/INCOMPLETE"
check "summary without its start: named file:line as a bad record" has "$T/e" "forged.jsonl:3: summary record of pid 7 (starttime 999, boot_id \"$BOOT\") matches no start record in this file"
# Older writers (no identity fields) keep the pid rule.
printf '%s\n%s\n%s\n' "$START" "$OPEN" "$READY" >"$T/old.jsonl"
rep "$T/old.jsonl"; rc=$?
check "records without identity: the pid rule, READY (exit 0)" is "$rc/$(verdict)" "0/READY"

# --- 3. a 300 MB line under a memory limit: skipped and named, the process after it counts
printf '%s\n%s\n%s\n' "$START" "$OPEN" "$READY" >"$T/ready.jsonl"
bigline() { # a 300 MB line, then a process that used a blocker
	head -c 300000000 /dev/zero | tr '\0' x
	printf '\n{"type":"start","schema":1,"pid":8,"program":"qemu","mode":"redirect"}\n%s\n' "$OPEN"
	printf '{"type":"feature","feature":"vaddr_map","severity":"blocker"}\n'
	printf '{"type":"summary","pid":8,"containers":1,"redirected":1,"features":{"vaddr_map":1},"verdict":"not-ready"}\n'
}
if [ "${VFC_SANITIZE:-0}" = 1 ]; then
	# ASan's shadow memory cannot live under an address-space limit: no limit here.
	bigline | env "${SAN_ENV[@]}" $X "$V" report "$T/ready.jsonl" - >"$T/o" 2>"$T/e"; rc=$?
else
	# Under a runner its own memory counts too: qemu-user's translation cache
	# (128 MiB by default, QEMU_TB_SIZE in MiB) is cut to 16 MiB.
	bigline | (ulimit -v 131072 && exec env ${X:+QEMU_TB_SIZE=16} $X "$V" report "$T/ready.jsonl" -) >"$T/o" 2>"$T/e"; rc=$?
fi
check "300 MB line under a 128 MiB limit: NOT READY (exit 1), the blocker after it counted" is "$rc/$(verdict)" "1/NOT READY"
check "300 MB line: named file:line and skipped" has "$T/e" '^vfiocompat report: <stdin>:1: line longer than 65536 bytes; line skipped$'
check "300 MB line: counted as skipped" has "$T/o" ', 1 line skipped$'
if [ "${VFC_SANITIZE:-0}" != 1 ]; then
	# Memory does not grow with the line: the peak RSS, in KiB.
	bigline | /usr/bin/time -f '%M' -o "$T/rss" $X "$V" report "$T/ready.jsonl" - >/dev/null 2>&1
	rss=$(tail -n 1 "$T/rss")
	check "300 MB line without a limit: peak RSS ${rss} KiB stays under 32 MiB" test "${rss:-999999}" -lt 32768
fi
# A read error is an error (exit 2, named), never the end of the file.
rep "$T/ready.jsonl" /proc/self/mem; rc=$?
check "read error: exit 2" is "$rc" 2
check "read error: named with the file" has "$T/e" '^vfiocompat report: /proc/self/mem: read error after line 0: '

# --- 4. unknown feature names never push out a blocker, and never look like a limit
names=$(for i in $(seq 1 40); do printf '"newer_feature_%d":1,' "$i"; done)
printf '{"type":"summary","pid":1,"containers":1,"redirected":1,"features":{%s"type1_v1":1},"verdict":"ready-with-differences"}\n' "$names" >"$T/names.jsonl"
{ echo "$START"; echo "$OPEN"; echo '{"type":"feature","feature":"dirty_pages","severity":"blocker"}'
  echo '{"type":"summary","pid":7,"containers":1,"redirected":1,"features":{"dirty_pages":1},"verdict":"not-ready"}'; } >"$T/blocker.jsonl"
rep "$T/names.jsonl" "$T/blocker.jsonl"; rc=$?
check "40 unknown names, another file's blocker: NOT READY (exit 1)" is "$rc/$(verdict)" "1/NOT READY"
check "40 unknown names: none skipped" has "$T/o" ', 0 lines skipped$'
check "40 unknown names: listed, the rest counted" has "$T/o" '^Feature names this vfiocompat does not know .*newer_feature_1, .*, +24 more$'
check "40 unknown names: their process at best READY WITH DIFFERENCES" has "$T/o" '^?\[1\] .*READY WITH DIFFERENCES'
name48=a_feature_name_of_forty_eight_bytes_from_a_newer
printf '%s\n%s\n{"type":"feature","feature":"%s","severity":"info"}\n%s\n' "$START" "$OPEN" "$name48" "$READY" >"$T/long-name.jsonl"
rep "$T/long-name.jsonl"; rc=$?
check "a 48-byte feature name: an unknown feature, READY WITH DIFFERENCES (exit 5)" is "$rc/$(verdict)" "5/READY WITH DIFFERENCES"
check "a 48-byte feature name: not called too many names" lacks "$T/e" 'too many'

# --- 5. every MAP_DMA failed (3 of 3) while the other ioctls worked
dma() { printf '%s\n%s\n{"type":"summary","pid":7,"containers":1,"redirected":1,"ioctls":{"SET_IOMMU":{"calls":1,"errors":0},"IOMMU_GET_INFO":{"calls":1,"errors":0},"IOMMU_MAP_DMA":%s},"features":{},"verdict":"ready"}\n' "$START" "$OPEN" "$1" >"$T/dma.jsonl"; }
dma '{"calls":3,"errors":3}'
rep "$T/dma.jsonl"; rc=$?
check "3 of 3 MAP_DMA failed, errno not recorded: NOT READY (exit 1)" is "$rc/$(verdict)" "1/NOT READY"
check "3 of 3 MAP_DMA failed: said why" has "$T/o" '^    why: every MAP_DMA call failed (3 of 3) (errno not recorded'
dma '{"calls":3,"errors":3,"errno":"EINVAL"}'
rep "$T/dma.jsonl"; rc=$?
check "3 of 3 MAP_DMA failed with EINVAL, as type1 fails them: FAILED (exit 1)" is "$rc/$(verdict)" "1/FAILED"
check "MAP_DMA EINVAL: the errno and type1's answer" has "$T/o" 'with EINVAL; type1 fails the same call with EINVAL too (.*): a program or setup fault, not an iommufd difference'
dma '{"calls":3,"errors":3,"errno":"EPERM"}'
rep "$T/dma.jsonl"; rc=$?
check "MAP_DMA failed with an errno type1 is not measured to give: NOT READY (exit 1)" is "$rc/$(verdict)" "1/NOT READY"
dma '{"calls":30,"errors":1,"errno":"EEXIST"}'
rep "$T/dma.jsonl"; rc=$?
check "1 of 30 MAP_DMA failed with EEXIST (as on type1): READY, not silently (exit 0)" is "$rc/$(verdict)" "0/READY"
check "MAP_DMA EEXIST: named" has "$T/o" '^    why: 1 of 30 MAP_DMA calls failed with EEXIST; type1 fails the same call with EEXIST too'

# --- keep: hostile lines are named and skipped; Prometheus labels stay escaped
{ echo "$START"; printf '{"type":"open","path":"a\0b"}\n'
  printf '%0.s[' {1..5000}; echo
  echo "$OPEN"; echo "$READY"; printf '{"type":"summary","pid":7,"verd'; } >"$T/hostile.jsonl"
rep "$T/hostile.jsonl"; rc=$?
check "hostile lines: the good records still READY (exit 0)" is "$rc/$(verdict)" "0/READY"
check "hostile lines: NUL byte named" has "$T/e" 'hostile.jsonl:2: '
check "hostile lines: deep nesting named" has "$T/e" 'hostile.jsonl:3: '
check "hostile lines: truncated last line named" has "$T/e" 'hostile.jsonl:6: not JSON (truncated record); line skipped$'
printf '%s\n{"type":"feature","feature":"x\\"} 1\\nvfiocompat_verdict{verdict=\\"ready\\"} 1\\\\","severity":"info"}\n%s\n' "$START" "$READY" >"$T/label.jsonl"
rep --prometheus "$T/label.jsonl"
check "prometheus: a hostile feature name stays one escaped label" has "$T/o" '^vfiocompat_feature_uses{feature="x\\"} 1\\nvfiocompat_verdict{verdict=\\"ready\\"} 1\\\\",severity="info"} 1$'
check "prometheus: every line is HELP, TYPE or a sample" test -z "$(grep -Ev '^# (HELP|TYPE) vfiocompat_[a-z_]+ |^vfiocompat_[a-z_]+(\{[a-z_]+="([^"\\]|\\.)*"(,[a-z_]+="([^"\\]|\\.)*")*\})? [0-9]+$' "$T/o")"

# --- a FIFO nobody writes to, a device: never a hang, one line
mkfifo "$T/fifo"
timeout 10 env "${SAN_ENV[@]}" $X "$V" report "$T/fifo" >"$T/o" 2>"$T/e"; rc=$?
check "a FIFO with no writer: report does not hang (rc $rc)" test "$rc" != 124
printf '%s\n%s\n%s\n' "$START" "$OPEN" "$READY" >"$T/piped.jsonl"
rep <(cat "$T/piped.jsonl"); rc=$?
check "a pipe (process substitution) is still read: READY (exit 0)" is "$rc/$(verdict)" "0/READY"
timeout 10 env "${SAN_ENV[@]}" $X "$V" report /dev/zero >"$T/o" 2>"$T/e"; rc=$?
check "a device (/dev/zero): refused in one line, exit 2" is "$rc/$(grep -c 'not a regular file' "$T/e")/$(wc -l <"$T/e")" "2/1/1"

tap_end
