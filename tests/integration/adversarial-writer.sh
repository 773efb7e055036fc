#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 26, the report writer's side, run by ns-run (root in a private mount
# namespace with stand-in nodes; nobody plays the hostile local user): report
# and log files that are not regular files, a target that is the container,
# the process identity in start, summary and exit records, records cut by a
# full file system, hostile program names. Each case failed before its fix.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

B=${B:?B must name the build directory}
SHIM=$B/libvfiocompat.so
WP=$B/helpers/writerprobe
PROBE=$B/helpers/fdprobe
Q=$B/helpers/report-query
V=$B/vfiocompat
# VFC_EXEC_WRAP: a runner for the built programs (check-arm64: qemu-aarch64).
X=${VFC_EXEC_WRAP:-}
# The shim for a program bash execs: under a runner, in the runner's guest
# environment only (bash itself would try to preload it and say so on stderr).
PRE=(LD_PRELOAD="$SHIM")
[ -z "$X" ] || PRE=(QEMU_SET_ENV="LD_PRELOAD=$SHIM")
T=$(mktemp -d "${TMPDIR:-/tmp}/vfc-adw.XXXXXX")
DIAG_STDERR=$T/err # is(): the program's stderr explains a failure
trap 'umount -q "$T/small" 2>/dev/null; exec 7>&- 2>/dev/null; rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir -m 1777 "$T/pub" # a shared, sticky directory like /tmp
SAN_ENV=()
[ "${VFC_SANITIZE:-0}" = 1 ] && SAN_ENV=(ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0)
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
BOOT_ID=$(cat /proc/sys/kernel/random/boot_id)

q() { $X "$Q" "$@"; }
# wp [ENV=V...] -- STEPS: writerprobe under the shim, 10 s at most (124: hung).
wp() {
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	tmo 10 env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" "${envs[@]}" $X "$WP" "$@" >"$T/out" 2>"$T/err"
}
# A positive integer?
posint() { [[ $1 =~ ^[1-9][0-9]*$ ]] || { CHECK_DIAG="got '$1', want a positive integer"; return 1; }; }
lines() { grep -c '' "$1" 2>/dev/null || true; }

# 1. Report files that are not regular files: refused with one line, no hang.
"${NOBODY[@]}" mkfifo "$T/pub/vfc-fifo.jsonl"
wp VFIOCOMPAT_LOG="$T/pub/vfc-fifo.jsonl" -- open /dev/vfio/vfio api
rc=$?
check "another user's FIFO at VFIOCOMPAT_LOG: the program is not blocked (rc $rc)" is "$rc" 0
check "... the FIFO is refused in one line naming it" is \
	"$(grep -c "report file $T/pub/vfc-fifo.jsonl is not a regular file" "$T/err")/$(lines "$T/err")" 1/1
check "... the container was redirected all the same" has "$T/out" '^open ret=[0-9]'
# A FIFO someone holds open for reading: refused too, nothing goes through it.
"${NOBODY[@]}" mkfifo "$T/pub/vfc-fifo2.jsonl"
cat "$T/pub/vfc-fifo2.jsonl" >"$T/fifo-read" &
reader=$!
exec 7>"$T/pub/vfc-fifo2.jsonl" # keeps the reader from seeing end of file before the probe
wp VFIOCOMPAT_LOG="$T/pub/vfc-fifo2.jsonl" -- open /dev/vfio/vfio api
rc=$?
exec 7>&-
wait_for "$reader" 5 "FIFO reader" >/dev/null 2>&1
check "a FIFO with a reader: refused in one line (rc $rc)" is \
	"$rc/$(grep -c 'is not a regular file' "$T/err")" 0/1
check "... nothing was written into the FIFO" is "$(wc -c <"$T/fifo-read")" 0
# A character device: /dev/full.
wp VFIOCOMPAT_LOG=/dev/full -- open /dev/vfio/vfio api
check "/dev/full as VFIOCOMPAT_LOG: refused in one line" is \
	"$(grep -c 'report file /dev/full is not a regular file' "$T/err")/$(lines "$T/err")" 1/1
# A socket.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T/pub/sock.jsonl" 2>/dev/null
if [ -S "$T/pub/sock.jsonl" ]; then
	wp VFIOCOMPAT_LOG="$T/pub/sock.jsonl" -- open /dev/vfio/vfio api
	check "a socket as VFIOCOMPAT_LOG: refused in one line" is \
		"$(grep -c 'is not a regular file' "$T/err")/$(lines "$T/err")" 1/1
fi
# A hard link to a file of our own: refused (kept from before).
: >"$T/victim.jsonl"
ln "$T/victim.jsonl" "$T/pub/hard.jsonl"
wp VFIOCOMPAT_LOG="$T/pub/hard.jsonl" -- open /dev/vfio/vfio api
check "a hard link at VFIOCOMPAT_LOG: refused in one line, nothing written" is \
	"$(grep -c 'has more than one link' "$T/err")/$(wc -c <"$T/victim.jsonl")" 1/0

# 1b. vfiocompat run's exit record: the same checks, no hang.
"${NOBODY[@]}" mkfifo "$T/pub/run-fifo.jsonl"
tmo 15 env "${SAN_ENV[@]}" $X "$V" run --preload --log "$T/pub/run-fifo.jsonl" -- false >"$T/out" 2>"$T/err"
rc=$?
check "run --log at another user's FIFO: run ends (rc $rc, the program's 1)" is "$rc" 1
check "... the FIFO is named as not a regular file" has "$T/err" "run-fifo.jsonl.*not a regular file"
# A hard link to run's report: the exit record is not appended.
rm -f "$T/r1.jsonl" "$T/r1-link"
tmo 15 env "${SAN_ENV[@]}" $X "$V" run --preload --log "$T/r1.jsonl" -- $X "$PROBE" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
ln "$T/r1.jsonl" "$T/r1-link"
size=$(wc -c <"$T/r1.jsonl")
tmo 15 env "${SAN_ENV[@]}" $X "$V" run --preload --log "$T/r1.jsonl" -- false >"$T/out" 2>"$T/err"
check "run: a report with two links gets no exit record" is "$(wc -c <"$T/r1.jsonl")" "$size"
check "... and run says why in one line" is "$(grep -c 'exit record was not written.*link' "$T/err")" 1

# 2. A target that is the container itself: never already-iommufd.
L=$T/tgt.jsonl
wp VFIOCOMPAT_TARGET=/dev/vfio/vfio VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio
check "VFIOCOMPAT_TARGET=/dev/vfio/vfio: one line says it is the container itself" is \
	"$(grep -c 'VFIOCOMPAT_TARGET /dev/vfio/vfio is the VFIO container itself' "$T/err")" 1
check "... never recorded as already-iommufd" hasnt "$L" already-iommufd 2>/dev/null
rm -f "$L"
ln -s /dev/vfio/vfio "$T/alias"
wp VFIOCOMPAT_TARGET="$T/alias" VFIOCOMPAT_FALLBACK=fail VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio
check "... by identity (a link to it), fallback fail: the open is refused (EINVAL)" is \
	"$(grep -o '^open ret=[-0-9]* errno=[0-9]*' "$T/out")/$(q "$L" open action)/$(q "$L" open errno)" \
	"open ret=-1 errno=22/refused/EINVAL"
$X "$V" report "$L" >"$T/rep" 2>&1
check "... and the report is not READY" hasnt "$T/rep" "READY\b"
tmo 15 env "${SAN_ENV[@]}" $X "$V" run --preload --target /dev/vfio/vfio -- $X "$PROBE" open /dev/vfio/vfio >"$T/out" 2>"$T/err"
rc=$?
check "run --target /dev/vfio/vfio: refused in one line, run's own error (rc $rc)" is \
	"$rc/$(grep -c 'is the VFIO container itself' "$T/err")" 125/1

# 3. Process identity.
L=$T/id.jsonl
rm -f "$L"
wp VFIOCOMPAT_LOG="$L" -- open /dev/vfio/vfio api pid
mypid=$(awk '$1=="pid"{print $2}' "$T/out")
st=$(q "$L" start starttime)
check "start record: starttime (clock ticks since boot)" posint "$st"
check "start record: boot_id is the host's" is "$(q "$L" start boot_id)" "$BOOT_ID"
check "summary: the same pid, starttime and boot_id" is \
	"$(q "$L" summary pid)/$(q "$L" summary starttime)/$(q "$L" summary boot_id)" "$mypid/$st/$BOOT_ID"
# A fork child (atfork handlers ran) writes its own start with its own identity.
rm -f "$T"/fk-*.jsonl
wp VFIOCOMPAT_LOG="$T/fk-%p.jsonl" -- open /dev/vfio/vfio fork-exit pid
cpid=$(awk '$1=="child"{sub("pid=","",$2); print $2}' "$T/out")
C=$T/fk-$cpid.jsonl
check "fork child: its own start record with its own starttime" posint "$(q "$C" start starttime)"
check "... its summary names the same identity" is \
	"$(q "$C" summary pid)/$(q "$C" summary starttime)/$(q "$C" summary boot_id)" \
	"$cpid/$(q "$C" start starttime)/$BOOT_ID"
# Children without atfork handlers leave by exit(): they wrote no start, so
# they write no summary; the parent is then killed: it has none either.
for how in clone-exit _fork-exit vmclone-exit; do
	if [ -n "$X" ] && [ "$how" = vmclone-exit ]; then
		tap_skip "$how child, parent killed" "qemu-user: clone(CLONE_VM) without CLONE_THREAD fails EINVAL"
		continue
	fi
	rm -f "$T"/ck-*.jsonl
	wp VFIOCOMPAT_LOG="$T/ck-%p.jsonl" -- pid open /dev/vfio/vfio api "$how" kill9
	ppid=$(awk '$1=="pid"{print $2}' "$T/out")
	P=$T/ck-$ppid.jsonl
	check "$how child, parent killed: the parent's report has its start" is "$(q "$P" start pid)" "$ppid"
	check "$how child, parent killed: no summary in the parent's name" is "$(grep -c '"type":"summary"' "$P")" 0
	$X "$V" report "$P" >"$T/rep" 2>&1
	check "$how child, parent killed: the report says INCOMPLETE, not READY" has "$T/rep" INCOMPLETE
done
# Two processes with pid 1 (two pid namespaces) writing one %p file: their
# start records differ by starttime (clock ticks: started 50 ms apart).
rm -f "$T"/ns-*.jsonl
for i in 1 2; do
	unshare -p -f --mount-proc env "${SAN_ENV[@]}" LD_PRELOAD="$SHIM" VFIOCOMPAT_LOG="$T/ns-%p.jsonl" \
		$X "$WP" open /dev/vfio/vfio api >/dev/null 2>&1
	sleep 0.05
done
N=$T/ns-1.jsonl
check "two pid-1 processes share one %p file: two start records with pid 1" is \
	"$(grep -c '"type":"start".*"pid":1,' "$N")" 2
sts=$(grep '"type":"start"' "$N" | grep -o '"starttime":[0-9]*' | sort -u | wc -l)
check "... told apart by their starttime" is "$sts" 2
check "... and each summary names its own start" is \
	"$(grep '"type":"summary"' "$N" | grep -o '"starttime":[0-9]*' | sort -u | wc -l)" 2
# vfiocompat run's exit record names the child by pid, starttime, boot_id.
rm -rf "$T/run"
mkdir "$T/run"
tmo 15 env "${SAN_ENV[@]}" $X "$V" run --preload --log "$T/run/r-%p.jsonl" -- $X "$PROBE" open /dev/vfio/vfio ioctl api >"$T/out" 2>"$T/err"
R=$(ls "$T"/run/r-*.jsonl 2>/dev/null | head -n1)
R=${R:-/nonexistent}
if [ -n "$X" ]; then
	tap_skip "run's exit record: the program's starttime and boot_id" \
		"qemu-user: its emulated /proc/self/stat gives the guest a starttime of its own"
else
	check "run's exit record: a starttime" posint "$(q "$R" exit starttime)"
	check "... pid and starttime of the program's start record" is \
		"$(q "$R" exit pid)/$(q "$R" exit starttime)" "$(q "$R" start pid)/$(q "$R" start starttime)"
	check "... boot_id" is "$(q "$R" exit boot_id)" "$BOOT_ID"
fi

# 4. Writer: a record cut by a full file system never swallows the next one.
mkdir -p "$T/small"
mount -t tmpfs -o size=12k vfc-small "$T/small"
dd if=/dev/zero of="$T/small/filler" bs=4096 count=1 status=none
wp VFIOCOMPAT_LOG="$T/small/r.jsonl" -- open /dev/vfio/vfio opens 100 /dev/vfio/7 unlink "$T/small/filler" api
check "full tmpfs: one warning naming ENOSPC" is "$(grep -c 'cannot write the report to .* (ENOSPC)' "$T/err")" 1
check "... room made again: the summary is a whole line of its own" \
	has "$T/small/r.jsonl" '^{"type":"summary".*}$'
check "... no record glued onto another" hasnt "$T/small/r.jsonl" '.{"type":'
$X "$V" report "$T/small/r.jsonl" >"$T/rep" 2>&1
check "... vfiocompat report finds the summary (the cut line skipped)" hasnt "$T/rep" "INCOMPLETE"
umount "$T/small"

# 4b. A summary always fits: a 600-byte non-UTF-8 program name.
name=$(head -c 600 /dev/zero | tr '\0' '\377')
cp "$WP" "$T/wp"
L=$T/long.jsonl
rm -f "$L"
tmo 10 env "${SAN_ENV[@]}" "${PRE[@]}" VFIOCOMPAT_LOG="$L" bash -c 'w=(); [ -z "$3" ] || w=($3 -0 "$1"); exec -a "$1" "${w[@]}" "$2" open /dev/vfio/vfio api' _ "$name" "$T/wp" "$X" \
	>"$T/out" 2>"$T/err"
check "600-byte non-UTF-8 argv[0]: the summary is written whole" is "$(q "$L" summary verdict | grep -c '^[a-z-]*$')" 1
check "... it says the program name was cut" is "$(q "$L" summary program_truncated)/$(q "$L" start program_truncated)" True/True
check "... no truncated record" hasnt "$L" '"type":"truncated"'
# Characters, whatever the caller's locale (C, as in the arm64 lab, counts bytes).
check "... the name kept is at most 64 bytes (64 U+FFFD)" is "$(q "$L" start program | LC_ALL=C.UTF-8 wc -m)" 65

# 5. The stderr summary escapes the program name as the JSON does.
evil=$(printf 'x\nvfiocompat: forged[1]: verdict: ready\033[2J')
tmo 10 env "${SAN_ENV[@]}" "${PRE[@]}" bash -c 'w=(); [ -z "$3" ] || w=($3 -0 "$1"); exec -a "$1" "${w[@]}" "$2" open /dev/vfio/vfio api' _ "$evil" "$T/wp" "$X" \
	>"$T/out" 2>"$T/err"
check "stderr summary with control bytes in argv[0]: one line" is "$(grep -c '^vfiocompat:' "$T/err")/$(lines "$T/err")" 1/1
check "... the newline and escape shown as \\u000a, \\u001b" has "$T/err" '^vfiocompat: x\\u000avfiocompat: forged\[1\]: verdict: ready\\u001b\[2J\['
check "... no raw control byte" is "$(tr -d '\n' <"$T/err" | LC_ALL=C grep -c '[[:cntrl:]]')" 0

tap_end
